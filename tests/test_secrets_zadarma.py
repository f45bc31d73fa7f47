"""No credential leaks on Zadarma's side: its API key and secret stay in the config entry.

Zadarma signs every request with the API secret (``api/zadarma_signing.py``) and sends
``Authorization: <key>:<signature>``; it signs every push to our webhook with the same
secret (``Signature``, ``api/zadarma_webhooks.py``). The secret itself never travels.

What of the key may be shown: nothing. The key alone cannot sign, but it names the
account to Zadarma, and the integration treats it as a credential: diagnostics redact
it, an account is named by its PBX id, or (without a PBX) by a one-way digest of the
key, never the key. So the key, like the secret, may be held only by the config
entries; the digest in a unique id is not the key, and the search does not look for
it. (The reconfigure form offers the key the entry holds as its default, to the user
who typed it: what forms offer is not searched, only what flows show: errors,
placeholders, reasons.)

The tests run the integration with a recognisable fake key and secret (and wrong,
unknown and rotated ones), with every logger at DEBUG, through the config flow, setup,
an hour of polling with calls, every fault kind of the simulator (all but Odorik's
``stuck_sim``) and its switches on Zadarma's endpoints, every Zadarma action (number
settings, ordering, identity documents; refusals by Home Assistant, by the client and by
Zadarma), the entities, pushed events (every kind Zadarma sends, signed; and posts
signed wrongly, with the raw digest, or not at all), the repairs (an expiring number,
push that stopped), the removal with push on, reauthentication after a key rotation,
reconfiguration and a restart; then search, as ``tests/secrets_search.py`` describes,
every log record, every exception, the representation of the client, coordinators and
runtime data, diagnostics, entity states, bus events, action responses, what flows and
repairs show and Home Assistant's storage, for the key and the secrets in every
encoding, for the markers every fake starts with, for any Zadarma signature (base64 of a
hex HMAC-SHA1: whatever its value, a request's can be replayed), and, for the posts
signed wrongly, for the signature that was expected (both encodings and its hex): a
dropped push must not tell it.

The planted-secret tests prove the search finds each of these in each place.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.telco.api.zadarma_signing import authorization_header, sign
from custom_components.telco.api.zadarma_webhooks import notification_signature
from custom_components.telco.const import (
    CONF_ADVANCED,
    CONF_API_SECRET,
    CONF_PUSH_EVENTS,
    CONF_SMS_RECIPIENT,
    DOMAIN,
)
from custom_components.telco.model.declaration import TelcoConfigEntry
from tests.common import FROZEN_NOW, PERSON
from tests.secrets_search import (
    ENTRIES_STORE,
    PLANTS,
    Fault,
    Leaks,
    Scenario,
    SecretSearch,
    add_account,
    assert_planted_found,
    attempt,
    encodings,
    faults,
    leaks_fixture,  # noqa: F401 (a fixture)
    loaded_entries,
    log_capture_fixture,  # noqa: F401 (a fixture)
    poll,
    run,
    under_fault,
    use_entities,
    zadarma_signatures,
)
from tests.simulator import SimulatorServer, zadarma as zadarma_module
from tests.simulator.zadarma import (
    DEMO_API_KEY,
    DEMO_NUMBER_AUTORENEW,
    DEMO_NUMBER_EXPIRING,
    ZadarmaAccount,
    ZadarmaSimulator,
)

# Recognisable, and with characters that URL and form encoding change (the key travels
# in a header, the secret never: only what is made of them).
API_KEY = "K3y-Zadarma-Pub/+7e1f9c"
API_SECRET = "S3cr3t-Zadarma-API/+&é-9b2d"
WRONG_SECRET = "S3cr3t-Zadarma-Wrong"
UNKNOWN_KEY = "K3y-Zadarma-Unknown"
NEW_KEY = "K3y-Zadarma-Rotated-41c0"
NEW_SECRET = "S3cr3t-Zadarma-Rotated-88aa"
NO_PBX_KEY = "K3y-Zadarma-NoPBX-5d3e"
NO_PBX_SECRET = "S3cr3t-Zadarma-NoPBX-0f6b"
ZADARMA_SECRETS = {
    "the API key": API_KEY,
    "the API secret": API_SECRET,
    "a wrong secret": WRONG_SECRET,
    "an unknown key": UNKNOWN_KEY,
    "the rotated key": NEW_KEY,
    "the rotated secret": NEW_SECRET,
    "the key of an account without a PBX": NO_PBX_KEY,
    "the secret of an account without a PBX": NO_PBX_SECRET,
}
OFFICE = DEMO_NUMBER_AUTORENEW  # Warsaw, SIP 100001, renews itself
LONDON = DEMO_NUMBER_EXPIRING  # expires in 5 days, does not renew
CALLER = "420777123456"
EVENT = "event.zadarma_453101_call"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.fixture
def zadarma(simulator: SimulatorServer, leaks: Leaks) -> ZadarmaSimulator:
    """The simulator's demo account under the recognisable key and secret; the search."""
    state: ZadarmaSimulator = simulator.app[zadarma_module.ZADARMA_KEY]
    state.rotate_key(DEMO_API_KEY, API_KEY, API_SECRET)
    leaks.search = SecretSearch(dict(ZADARMA_SECRETS))
    return state


@pytest.fixture
def account(zadarma: ZadarmaSimulator) -> ZadarmaAccount:
    """The demo account (the same one under whichever key it has)."""
    return zadarma.accounts[API_KEY]


@pytest.fixture
def documents(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A folder Home Assistant may read, with a passport scan in it."""
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "passport.pdf").write_bytes(PDF)
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


@pytest.fixture
async def served(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> str:
    """Serve Home Assistant's HTTP API on a loopback port as its external URL (for push).

    What registers HTTP views (webhook, repairs) is set up first: a served app takes
    no new routes.
    """
    for component in ("webhook", "repairs"):
        assert await async_setup_component(hass, component, {})
    client = await hass_client_no_auth()
    url = str(client.make_url("")).rstrip("/")
    await hass.config.async_update(external_url=url)
    return url


async def wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int) -> None:
    """Let ``minutes`` of polling pass, and the client's waits for its rate limits.

    The client keeps to Zadarma's 3 statistics requests a minute by sleeping, on the
    loop's clock, which the frozen one drives: ``run`` moves it on while a poll waits.
    """
    await run(freezer, poll(hass, freezer, minutes))


def zadarma_input(url: str, key: str = API_KEY, secret: str = API_SECRET) -> dict[str, Any]:
    """Return the Zadarma credentials form."""
    return {CONF_API_KEY: key, CONF_API_SECRET: secret, CONF_ADVANCED: {CONF_URL: url}}


# The fields each push's signature covers (notes §6); an SMS is checked against two.
SIGNED = {
    "NOTIFY_ANSWER": (("caller_id", "destination", "call_start"),),
    "NOTIFY_RECORD": (("pbx_call_id", "call_id_with_rec"),),
    "SMS": (("caller_id", "caller_did", "text"), ("caller_id", "caller_did")),
}
SIGNED_OTHERWISE = (("caller_id", "called_did", "call_start"),)


def expected_signatures(fields: dict[str, str], secret: str = API_SECRET) -> dict[str, str]:
    """Return what a push of these fields is expected to carry: base64 of hex and of raw, hex.

    Computed here as Zadarma's PHP client does, and checked against the integration's.
    """
    event = fields["event"]
    expected: dict[str, str] = {}
    for index, names in enumerate(SIGNED.get(event, SIGNED_OTHERWISE)):
        text = "".join(fields.get(name, "") for name in names)
        mac = hmac.new(secret.encode(), text.encode(), hashlib.sha1)
        signature = base64.b64encode(mac.hexdigest().encode()).decode()
        if index == 0:
            assert notification_signature(fields, secret) == signature
        what = f"a {event} push ({'+'.join(names)})"
        expected[f"the expected signature of {what}"] = signature
        expected[f"the expected raw signature of {what}"] = base64.b64encode(mac.digest()).decode()
        expected[f"the expected hex digest of {what}"] = mac.hexdigest()
    return expected


# -- the search can fail ----------------------------------------------------------------


def _planted_forms() -> dict[str, str]:
    """Return each thing that must not be shown, in the forms it may take."""
    header = authorization_header(API_KEY, API_SECRET, "/v1/info/balance/", "")
    signature = sign("/v1/info/balance/", "", API_SECRET)
    push = {"event": "NOTIFY_START", "caller_id": CALLER, "called_did": OFFICE}
    expected = expected_signatures({**push, "call_start": "2026-11-15 10:00:00"})
    return {
        **{f"the secret {form}": text for form, text in encodings(API_SECRET).items()},
        **{f"the key {form}": text for form, text in encodings(API_KEY).items()},
        "the Authorization header": f"Authorization: {header}",
        "a signature alone": signature,
        "a signature URL-encoded": signature.replace("=", "%3D"),
        "a push's expected raw signature": next(
            text for what, text in expected.items() if "raw" in what
        ),
        "a push's expected hex digest": next(
            text for what, text in expected.items() if "hex" in what
        ),
        "the key cut off": API_KEY[:12].upper(),
        "the secret cut off": API_SECRET[:7].lower(),
    }


PLANTED_FORMS = _planted_forms()


@pytest.mark.parametrize("where", PLANTS)
@pytest.mark.parametrize("form", PLANTED_FORMS)
async def test_the_search_finds_every_planted_zadarma_secret(
    hass: HomeAssistant, leaks: Leaks, where: str, form: str
) -> None:
    """The key, the secret, a header, a signature, in each place and form, are found there."""
    push = {"event": "NOTIFY_START", "caller_id": CALLER, "called_did": OFFICE}
    expected = expected_signatures({**push, "call_start": "2026-11-15 10:00:00"})
    search = SecretSearch({**ZADARMA_SECRETS, **expected})
    await assert_planted_found(hass, leaks, search, where, PLANTED_FORMS[form])


@pytest.mark.parametrize(
    "text",
    [
        # The research notes' test vectors: a request's and a push's signature.
        "YWUxNGEzODcyZjNiM2YyMDkyZjA3NmE2M2VmZTliZDZkZDdkZjQ0MA==",
        "1c64dee7ee7638e3a507:Y2ZlNjhiNTE0NGQ5NjY2NDUxZTZkZmJjZDFmMzlmNzk1ZGQyYmJkMg==",
        "signature=MDAzYjU5ODBmY2M5ZDEzMWM4OTAxYjRiYmU2YzRiN2JiYWViMjQ4Ng%3D%3D&x=1",
        '{"Signature": "ODdhNmFiMTcwZmU5MGIyNzNlM2ZjMjI0NTBlYzA1NjQ3MGFlNTJkNA=="}',
    ],
)
def test_the_search_finds_any_zadarma_signature(text: str) -> None:
    """A signature is a leak whatever key signed it: the pattern finds each one."""
    search = SecretSearch({"a secret": "not-in-this-text"})
    search.add("a log", text)
    assert [sighting.what for sighting in search.sightings()] == ["a Zadarma signature"]


@pytest.mark.parametrize(
    "text",
    [
        # base64 of 40 bytes that are not hex digits, and of the raw 20-byte digest
        base64.b64encode(b"x" * 40).decode(),
        "rhSjhy87PyCS8HamPv6b1t199EA=",
        # a longer run of letters and digits is not a signature's 54
        "A" * 60 + "==",
    ],
)
def test_other_base64_is_no_zadarma_signature(text: str) -> None:
    """Only base64 of 40 hex digits counts as a signature: the pattern is not everything."""
    assert not list(zadarma_signatures(text))


# -- driving the account ----------------------------------------------------------------


async def zadarma_actions(
    hass: HomeAssistant, leaks: Leaks, entry: TelcoConfigEntry, documents: Path
) -> None:
    """Run every action Zadarma offers, and some that are refused (here, by the client, there)."""
    number = {"number": f"+{OFFICE}"}
    await attempt(hass, leaks, "callback", entry, caller="+420777123456", recipient="+420608000111")
    await attempt(
        hass, leaks, "callback", entry, caller="100", recipient=CALLER, sip="100001", predicted=True
    )
    await attempt(hass, leaks, "send_sms", entry, recipient="+420777123456", message="Hi")
    await attempt(hass, leaks, "set_caller_name", entry, **number, caller_name="Reception")
    await attempt(hass, leaks, "set_sip_routing", entry, **number, sip_id="100002")
    await attempt(
        hass, leaks, "set_sip_routing", entry, **number, sip_id="desk@sip.example.com", test_mode=1
    )
    await attempt(hass, leaks, "set_auto_prolongation", entry, number=LONDON, enabled=True)
    await attempt(hass, leaks, "prolong_number", entry, number=LONDON, months=1)
    # Ordering a number: the catalogue, then a number without and one with documents.
    await attempt(hass, leaks, "list_number_countries", entry, language="pl")
    await attempt(hass, leaks, "list_number_directions", entry, country="PL")
    await attempt(hass, leaks, "list_available_numbers", entry, direction_id="3061", mask="0002")
    await attempt(hass, leaks, "order_number", entry, direction_id="2001", period="month")
    # Identity documents, then an order that needs them.
    await attempt(hass, leaks, "list_document_groups", entry)
    await attempt(hass, leaks, "get_document_group", entry, group_id=0)
    group = await attempt(hass, leaks, "create_document_group", entry, **PERSON)
    group_id = group["group"]["id"]
    await attempt(hass, leaks, "update_document_group", entry, group_id=group_id, city="Gdańsk")
    await attempt(
        hass,
        leaks,
        "upload_document",
        entry,
        group_id=group_id,
        document_type="passport",
        file=str(documents / "passport.pdf"),
    )
    await attempt(hass, leaks, "list_documents", entry, group_id=group_id)
    await attempt(
        hass, leaks, "validate_document_group", entry, group_id=group_id, direction_id="3061"
    )
    await attempt(hass, leaks, "order_number", entry, direction_id="3061", documents_group_id=0)
    # Refused by Home Assistant (schema, operator), by our checks, and by Zadarma.
    await attempt(hass, leaks, "get_call_history", entry)
    await attempt(hass, leaks, "set_caller_name", entry, **number, caller_name="Büro")
    await attempt(hass, leaks, "set_sip_routing", entry, **number, sip_id="999999")
    await attempt(hass, leaks, "prolong_number", entry, **number, months=36)
    await attempt(hass, leaks, "update_document_group", entry, group_id=0, city="Gdańsk")
    await attempt(hass, leaks, "order_number", entry, direction_id="3061", number="+48221119999")
    await attempt(hass, leaks, "order_number", entry, direction_id="3062")
    await attempt(hass, leaks, "get_document_group", entry, group_id=99)
    await attempt(hass, leaks, "send_sms", entry, recipient="+42077", message="Hi")
    await attempt(
        hass,
        leaks,
        "upload_document",
        entry,
        group_id=0,
        document_type="passport",
        file=str(documents.parent / "elsewhere.pdf"),
    )


async def reauthenticate(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The key is rotated at Zadarma: polls are refused, the user gives the new pair."""
    zadarma.rotate_key(API_KEY, NEW_KEY, NEW_SECRET)
    await wait(hass, freezer, 6)
    (flow,) = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]
    for key, secret in ((NEW_KEY, WRONG_SECRET), (UNKNOWN_KEY, NEW_SECRET), (NEW_KEY, NEW_SECRET)):
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_API_KEY: key, CONF_API_SECRET: secret}
        )
        leaks.flow(result)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


async def reconfigure(
    hass: HomeAssistant, simulator: SimulatorServer, leaks: Leaks, entry: TelcoConfigEntry
) -> None:
    """Reconfigure the account: a wrong secret first, then the right one."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    for secret in (WRONG_SECRET, NEW_SECRET):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], zadarma_input(simulator.zadarma_url, NEW_KEY, secret)
        )
        leaks.flow(result)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_zadarma_leaks_no_key_or_secret(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    account: ZadarmaAccount,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
    documents: Path,
) -> None:
    """Adding, polling, calls, every action, reauthentication, reconfiguring and a restart."""
    url = simulator.zadarma_url
    for key, secret in ((API_KEY, WRONG_SECRET), (UNKNOWN_KEY, API_SECRET)):
        result = await add_account(hass, leaks, "zadarma", zadarma_input(url, key, secret))
        assert result["errors"] == {"base": "invalid_auth"}
    result = await add_account(hass, leaks, "zadarma", zadarma_input(url))
    entry: TelcoConfigEntry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert (await add_account(hass, leaks, "zadarma", zadarma_input(url)))[
        "reason"
    ] == "already_configured"

    # An hour of polling, with calls in and out every few minutes.
    for minute in range(0, 60, 5):
        account.add_call(from_=CALLER, to=OFFICE, billseconds=30)
        account.add_call(from_=OFFICE, to=CALLER, billseconds=60, cost=0.02)
        if minute % 15 == 0:
            account.add_call(from_=CALLER, to=LONDON, disposition="no answer")
        await wait(hass, freezer, 5)
    told = [e for e in leaks.events if e.data.get("entity_id") == EVENT]
    assert len(told) >= 12

    await zadarma_actions(hass, leaks, entry, documents)
    # The notify entity sends to the SMS recipient of the options.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SMS_RECIPIENT: "+420 777 123 456"}
    )
    leaks.flow(result)
    await use_entities(hass, leaks, entry)
    await wait(hass, freezer, 5)

    await reauthenticate(hass, simulator, zadarma, leaks, freezer)
    await wait(hass, freezer, 2)
    await reconfigure(hass, simulator, leaks, entry)
    # A restart: the entries unload and set up again from what was stored.
    for item in loaded_entries(hass):
        assert await hass.config_entries.async_reload(item.entry_id)
    await wait(hass, freezer, 2)
    assert entry.state is ConfigEntryState.LOADED

    search = await leaks.gather(loaded_entries(hass))
    search.assert_clean()
    # The config entries hold the key and the secret, where they belong: the search sees them.
    kept = SecretSearch(ZADARMA_SECRETS)
    kept.add_data("the config entries", leaks.storage[ENTRIES_STORE])
    assert {"the rotated key (as is)", "the rotated secret (as is)"} <= {
        sighting.what for sighting in kept.sightings()
    }
    # Every logger spoke at DEBUG: the client's requests, Home Assistant's bus.
    logged = "\n".join(text for _, text in leaks.logs.records)
    assert "Zadarma GET /v1/info/balance/" in logged
    assert "Bus:Handling" in logged


async def test_zadarma_account_without_pbx_leaks_no_key(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An account without a PBX is named by a digest of its key, never by the key."""
    account = zadarma.add_account(NO_PBX_KEY, NO_PBX_SECRET, balance=3.5)
    url = simulator.zadarma_url
    entry = (
        await add_account(hass, leaks, "zadarma", zadarma_input(url, NO_PBX_KEY, NO_PBX_SECRET))
    )["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert entry.title == "Zadarma"
    for _ in range(3):
        account.add_call(from_=CALLER, to="48221234999", billseconds=10)
        await wait(hass, freezer, 5)
    await attempt(hass, leaks, "list_document_groups", entry)
    await attempt(hass, leaks, "send_sms", entry, recipient="+420777123456", message="Hi")
    await use_entities(hass, leaks, entry)

    (await leaks.gather(loaded_entries(hass))).assert_clean()


# -- pushed events ----------------------------------------------------------------------


async def set_push(hass: HomeAssistant, leaks: Leaks, entry: TelcoConfigEntry, on: bool) -> None:
    """Turn push on or off in the options (confirming a foreign URL it replaces)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUSH_EVENTS: on}
    )
    leaks.flow(result)
    if result.get("step_id") == "replace_url":
        result = await hass.config_entries.options.async_configure(result["flow_id"], {})
        leaks.flow(result)
    await hass.async_block_till_done()


async def post(
    hass: HomeAssistant,
    client: Any,
    leaks: Leaks,
    path: str,
    fields: dict[str, str] | None,
    signature: str | None,
) -> int:
    """Post a push as anyone may; keep what Home Assistant answered."""
    headers = {"Signature": signature} if signature is not None else {}
    if fields is None:
        response = await client.get(path, params={"zd_echo": "c0ffee"})
    else:
        response = await client.post(path, data=fields, headers=headers)
    leaks.search.add(f"answer to a push to {path}", await response.text())
    await hass.async_block_till_done()
    status: int = response.status
    return status


async def fix_issues(hass: HomeAssistant, client: Any, leaks: Leaks) -> None:
    """Fix every issue of ours through the repairs API, keeping what each step shows."""
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain != DOMAIN:
            continue
        response = await client.post(
            "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
        )
        flow = await response.json()
        leaks.search.add_data(f"repair {issue_id}", flow)
        if "flow_id" in flow:
            response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
            leaks.search.add_data(f"repair {issue_id}", await response.json())
        await hass.async_block_till_done()


async def test_zadarma_push_leaks_no_key_or_secret(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    account: ZadarmaAccount,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
    served: str,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Push on, every event Zadarma pushes, posts signed wrongly, the repairs, push off."""
    entry = (await add_account(hass, leaks, "zadarma", zadarma_input(simulator.zadarma_url)))[
        "result"
    ]
    # Another service's URL is set at Zadarma: ours replaces it after a confirmation.
    account.callinfo_url = "https://crm.example.com/zadarma"
    await set_push(hass, leaks, entry, True)
    assert entry.options.get(CONF_PUSH_EVENTS) is True
    webhook = f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}"

    start = "2026-11-15 10:00:00"
    call = {"pbx_call_id": "in_1", "caller_id": CALLER, "called_did": OFFICE, "call_start": start}
    out = {"pbx_call_id": "out_1", "internal": "100", "destination": CALLER, "call_start": start}
    ended = {"duration": "42", "status_code": "16", "is_recorded": "1", "call_id_with_rec": "r1"}
    for fields in (
        {"event": "NOTIFY_START", **call},
        {"event": "NOTIFY_INTERNAL", **call, "internal": "100"},
        {"event": "NOTIFY_ANSWER", **call, "destination": OFFICE, "internal": "100"},
        {"event": "NOTIFY_END", **call, "internal": "100", **ended, "disposition": "answered"},
        {"event": "NOTIFY_START", **call, "pbx_call_id": "in_2", "caller_id": "0"},
        {"event": "NOTIFY_END", **call, "pbx_call_id": "in_2", "disposition": "no answer"},
        {"event": "NOTIFY_OUT_START", **out},
        {"event": "NOTIFY_OUT_END", **out, "caller_id": OFFICE, **ended, "disposition": "busy"},
        {"event": "SMS", "caller_id": CALLER, "caller_did": OFFICE, "text": "Running late"},
    ):
        assert await zadarma.push(account, fields) == 200
        await hass.async_block_till_done()
    told = [e.data for e in leaks.events if e.data.get("entity_id") == EVENT]
    assert len(told) >= 6

    # What Zadarma's PHP client also knows: signed by the test, as Zadarma signs them.
    client = await hass_client_no_auth()
    record = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_1", "call_id_with_rec": "r1"}
    ivr = {"event": "NOTIFY_IVR", **call, "pbx_call_id": "in_3", "wait_dtmf[digits]": "1"}
    for fields in (record, ivr):
        signature = notification_signature(fields, API_SECRET)
        assert await post(hass, client, leaks, webhook, fields, signature) == 200
    # The raw digest, as a few clients encode it, is taken too.
    raw = next(text for what, text in expected_signatures(record).items() if "raw" in what)
    assert await post(hass, client, leaks, webhook, record, raw) == 200

    # Posts signed wrongly, or not at all, are dropped, and must not tell what was expected.
    wrong_start = {"event": "NOTIFY_START", **call, "pbx_call_id": "in_9"}
    forged = notification_signature(wrong_start, WRONG_SECRET)
    sms = {"event": "SMS", "caller_id": CALLER, "caller_did": OFFICE, "text": "Pay here"}
    answer = {"event": "NOTIFY_ANSWER", **call, "destination": OFFICE, "pbx_call_id": "in_9"}
    for fields, signature in (
        (wrong_start, forged),
        (wrong_start, "d3Jvbmc="),
        (wrong_start, None),
        (wrong_start, ""),
        (sms, forged),
        (answer, "not base64 at all é"),
    ):
        assert await post(hass, client, leaks, webhook, fields, signature) == 401
        leaks.search.secrets = {**leaks.search.secrets, **expected_signatures(fields)}
    unknown = {"event": "NOTIFY_SOMETHING", "caller_id": CALLER}
    assert await post(hass, client, leaks, webhook, unknown, forged) == 401
    assert await post(hass, client, leaks, "/api/webhook/not-ours", wrong_start, forged) == 200
    assert await post(hass, client, leaks, webhook, None, None) == 200  # zd_echo
    wrong_told = [e for e in leaks.events if e.data.get("call_id") == "in_9"]
    assert wrong_told == []

    # Push stopped: our URL is gone at Zadarma; the repair registers it again. The
    # number about to expire is fixed by its repair too.
    account.callinfo_url = ""
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    issues = [issue_id for domain, issue_id in ir.async_get(hass).issues if domain == DOMAIN]
    assert any(issue_id.startswith("push_broken") for issue_id in issues)
    assert any(issue_id.startswith("number_expiring") for issue_id in issues)
    await fix_issues(hass, await hass_client(), leaks)
    assert account.callinfo_url.startswith(served)
    await wait(hass, freezer, 12)

    await set_push(hass, leaks, entry, False)
    assert account.callinfo_url == ""
    await wait(hass, freezer, 2)

    # Removed with push on while Zadarma fails: our URL stays there, and a warning says so.
    await set_push(hass, leaks, entry, True)
    await leaks.gather(loaded_entries(hass))
    simulator.inject("zadarma", "http_500")
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert account.callinfo_url.startswith(served)
    assert any("still pushes" in text for _, text in leaks.logs.records)
    simulator.clear_faults("zadarma")

    (await leaks.gather([])).assert_clean()


# -- every fault ------------------------------------------------------------------------

ZADARMA_SWITCHES = {
    "outage": True,
    "reject_auth": True,
    "latency_ms": 30,
    "unsupported": ["GET /pbx/internal/", "GET /statistics/incoming-calls/"],
    "html_pages": ["GET /info/balance/", "POST /sms/send/", "GET /direct_numbers/"],
    "failing": ["GET /info/balance/", "GET /statistics/"],
    "budget": {"GET /statistics/": 1, "GET /info/balance/": 2},
}


async def push_on_and_off(hass: HomeAssistant, leaks: Leaks, entry: TelcoConfigEntry) -> None:
    """Turn push on and off (Zadarma's URL check, its settings) while Zadarma is broken."""
    if entry.state is ConfigEntryState.LOADED:
        await set_push(hass, leaks, entry, True)
        await set_push(hass, leaks, entry, False)


@pytest.mark.parametrize("fault", faults(OFFICE, ZADARMA_SWITCHES))
async def test_zadarma_faults_leak_no_key_or_secret(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
    served: str,
    fault: Fault,
) -> None:
    """Whatever Zadarma answers (or does not), the errors and logs hold no key or signature."""
    scenario = Scenario(
        operator="zadarma",
        user_input=zadarma_input(simulator.zadarma_url),
        actions=(
            ("list_document_groups", {}),
            ("send_sms", {"recipient": "+420777123456", "message": "Hi"}),
            ("set_caller_name", {"number": OFFICE, "caller_name": "Reception"}),
            ("order_number", {"direction_id": "2001"}),
        ),
        also=push_on_and_off,
    )
    await under_fault(hass, simulator, leaks, freezer, scenario, fault)
