"""No credential leaks on Odorik's side: its passwords stay in the config entry.

Odorik takes its credentials as ``user``/``password`` parameters (in the query of
every GET). The tests run the integration with recognisable fake passwords (the API
password, a wrong one, the lines' SIP passwords) through the config flow, setup,
polling, every fault of the simulator, every action, events, reauthentication and
diagnostics, with every logger at DEBUG, then search everything the integration shows
or keeps for them (as they are and URL-, form-, base64-, hex- and JSON-encoded) and
for an Odorik query string with credentials, whatever their values. The places
searched and how are ``tests/secrets_search.py``'s (shared with the Zadarma suite,
``test_secrets_zadarma.py``):

- every log record (its message, and its formatted exception with chained causes)
- every exception an action raised (text, representation, placeholders, causes)
- the representation of the client, the coordinators, their data and runtime data
- diagnostics, entity states with attributes, events on the bus, action responses
- Home Assistant's storage (restore state and registries included), where only the
  config entries may hold them

``test_the_search_finds_every_planted_secret`` plants a secret in each of these
places and checks that the search finds it: every assertion here can fail.
"""

from __future__ import annotations

import base64
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
import pytest

from custom_components.telco.const import CONF_ADVANCED, DOMAIN
from custom_components.telco.model.declaration import TelcoConfigEntry
from tests.common import FROZEN_NOW
from tests.secrets_search import (
    ENTRIES_STORE,
    PLANTED,
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
    under_fault,
    use_entities,
)
from tests.simulator import SimulatorServer, odorik as odorik_module
from tests.simulator.odorik import ODORIK_KEY, OdorikSimulator

# Recognisable, and with characters that URL and form encoding change.
ODORIK_SECRET = "S3cr3t-Odorik-PW/+&é"
LINE_SECRETS = {403366: "S3cr3t-Line-PW-403366", 403367: "S3cr3t-Line-PW-403367"}


def odorik_input(url: str, password: str = ODORIK_SECRET, user: str = "1234567") -> dict[str, Any]:
    """Return the Odorik credentials form."""
    return {CONF_USERNAME: user, CONF_PASSWORD: password, CONF_ADVANCED: {CONF_URL: url}}


# -- the search can fail ----------------------------------------------------------------


@pytest.mark.parametrize("where", PLANTS)
@pytest.mark.parametrize("form", [*encodings(PLANTED), "in basic credentials", "cut off"])
async def test_the_search_finds_every_planted_secret(
    hass: HomeAssistant, leaks: Leaks, where: str, form: str
) -> None:
    """A secret planted in each place, in each form, is found there (and only there)."""
    if form == "in basic credentials":
        text = "Basic " + base64.b64encode(f"1234567:{PLANTED}".encode()).decode()
    elif form == "cut off":
        text = PLANTED[:8].upper()
    else:
        text = encodings(PLANTED)[form]
    search = SecretSearch({"the planted secret": PLANTED})
    await assert_planted_found(hass, leaks, search, where, text)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/api/v1/balance?user=1&x=2", "/api/v1/calls.json?from=1&password=***"],
)
def test_the_search_finds_an_odorik_query_string(url: str) -> None:
    """A URL with Odorik's credential parameters is a leak, whatever their values."""
    search = SecretSearch({"a secret": "not-in-this-text"})
    search.add("a log", f"GET {url} failed")
    assert [sighting.what for sighting in search.sightings()] == ["an Odorik query string"]


def test_the_forms_of_a_secret() -> None:
    """The forms differ from the secret where an encoding changes it."""
    forms = encodings(ODORIK_SECRET)
    assert forms["url-encoded"] == "S3cr3t-Odorik-PW%2F%2B%26%C3%A9"
    assert forms["form-encoded"] == "S3cr3t-Odorik-PW%2F%2B%26%C3%A9"
    assert forms["json-escaped"] == "S3cr3t-Odorik-PW/+&\\u00e9"
    basic = base64.b64encode(f"1234567:{ODORIK_SECRET}".encode()).decode()
    assert any(core in basic for key, core in forms.items() if key.startswith("base64"))


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


# -- Odorik ---------------------------------------------------------------------------------

WRONG_SECRET = "S3cr3t-Wrong-PW"
ODORIK_SECRETS = {
    "the API password": ODORIK_SECRET,
    "a wrong password": WRONG_SECRET,
    **{f"the password of line {line}": secret for line, secret in LINE_SECRETS.items()},
}
SIM = "00420799799081"
SPARE_SIM = "00420799799083"
PUBLIC = "00420533533533"


@pytest.fixture
def odorik(
    simulator: SimulatorServer, monkeypatch: pytest.MonkeyPatch, leaks: Leaks
) -> OdorikSimulator:
    """The simulator's Odorik account with the recognisable passwords; the search for them."""
    monkeypatch.setattr(odorik_module, "ACCOUNT_PASSWORD", ODORIK_SECRET)
    state = simulator.app[ODORIK_KEY]
    for line, secret in LINE_SECRETS.items():
        # The lines' passwords are their SIP passwords: lines.json sends them.
        state.lines[line].password = secret
    leaks.search = SecretSearch(ODORIK_SECRETS)
    return state


async def odorik_actions(
    hass: HomeAssistant, leaks: Leaks, odorik: OdorikSimulator, entry: TelcoConfigEntry
) -> None:
    """Run every action Odorik offers, and some it refuses."""
    period = {"from": "2026-11-01T00:00:00", "to": "2026-11-15T10:00:00"}
    call = odorik.add_active_call(
        source_number="00420777123456", destination_number=PUBLIC, line=403366
    )
    await attempt(hass, leaks, "callback", entry, caller="+420777123456", recipient="+420608000111")
    await attempt(hass, leaks, "send_sms", entry, recipient="+420777123456", message="Hi")
    await attempt(hass, leaks, "hang_up", entry, call_id=call["id"])
    await attempt(hass, leaks, "get_call_history", entry, **period, include_sms=True)
    await attempt(hass, leaks, "get_call_statistics", entry, **period)
    await attempt(hass, leaks, "get_mobile_data", entry, **period)
    await attempt(hass, leaks, "get_routing", entry)
    added = await attempt(
        hass, leaks, "add_route", entry, public_number=PUBLIC, ringing_number="*100"
    )
    route = max(route["id"] for route in added["routes"])
    await attempt(hass, leaks, "remove_route", entry, public_number=PUBLIC, route_id=route)
    ringing = {"public_number": PUBLIC, "ringing_number": "+420777123456"}
    await attempt(hass, leaks, "add_parallel_ringing", entry, **ringing)
    await attempt(hass, leaks, "remove_parallel_ringing", entry, **ringing)
    await attempt(hass, leaks, "set_sim_options", entry, phone_number=SIM, lte=False)
    await attempt(
        hass,
        leaks,
        "assign_number_to_sim",
        entry,
        phone_number=SPARE_SIM,
        iccid="89420011000389617997",
        pin="1234",
    )
    # Refused by the operator, by the client, and before anything is sent.
    odorik.settings.callback_failed = True
    await attempt(hass, leaks, "callback", entry, caller="+420777123456", recipient="+420608")
    await attempt(hass, leaks, "hang_up", entry, call_id=1)
    await attempt(hass, leaks, "set_sim_options", entry, phone_number=SIM, mobile_data=False)
    await attempt(hass, leaks, "remove_route", entry, public_number=PUBLIC, route_id=1)
    await attempt(hass, leaks, "list_document_groups", entry)
    await attempt(
        hass, leaks, "send_sms", entry, recipient="+420777123456", message="Hi", sender="X"
    )


async def test_odorik_leaks_no_password(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik: OdorikSimulator,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Adding, polling, events, every action, reauthentication and a restart of an account."""
    result = await add_account(
        hass, leaks, "odorik", odorik_input(simulator.odorik_url, WRONG_SECRET)
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await add_account(hass, leaks, "odorik", odorik_input(simulator.odorik_url))
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    # One of its lines, which the account lists with its password, is the same account.
    line = odorik_input(simulator.odorik_url, LINE_SECRETS[403367], user="403367")
    assert (await add_account(hass, leaks, "odorik", line))["reason"] == "already_configured"

    # An hour of polling, with new calls and SMS (sent and received) every few minutes.
    for minute in range(0, 60, 5):
        odorik.add_calls(2)
        odorik.add_calls(1, sms=True, destination_number="00420777123456")
        if minute % 15 == 0:
            odorik.add_calls(1, sms=True, inbound=True, destination_number=SIM)
        await poll(hass, freezer, 5)
    told = [e for e in leaks.events if e.data.get("entity_id") == "event.odorik_1234567_call"]
    assert len(told) >= 12

    await odorik_actions(hass, leaks, odorik, entry)
    await use_entities(hass, leaks, entry)
    await poll(hass, freezer, 5)

    # The password changes at Odorik: polls are refused, the user gives it again.
    simulator.control.faults["odorik"].reject_auth = True
    await poll(hass, freezer, 6)
    await attempt(hass, leaks, "get_routing", entry)
    simulator.control.faults["odorik"].reject_auth = False
    (flow,) = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]
    for password in (WRONG_SECRET, ODORIK_SECRET):
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_PASSWORD: password}
        )
        leaks.flow(result)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    # A restart: the entries unload and set up again from what was stored.
    for item in loaded_entries(hass):
        assert await hass.config_entries.async_reload(item.entry_id)
    await poll(hass, freezer, 2)

    search = await leaks.gather(loaded_entries(hass))
    search.assert_clean()
    # The config entries hold the passwords, where they belong; the search would see them.
    kept = SecretSearch(ODORIK_SECRETS)
    kept.add_data("the config entries", leaks.storage[ENTRIES_STORE])
    assert "the API password (as is)" in {sighting.what for sighting in kept.sightings()}
    # Every logger spoke at DEBUG: the client's requests, Home Assistant's bus.
    logged = "\n".join(text for _, text in leaks.logs.records)
    assert "Odorik GET /balance" in logged
    assert "Bus:Handling" in logged


async def test_odorik_line_login_leaks_no_password(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik: OdorikSimulator,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A line logs in with its SIP password, polls, tells its calls and runs actions."""
    line = odorik_input(simulator.odorik_url, LINE_SECRETS[403366], user="403366")
    entry = (await add_account(hass, leaks, "odorik", line))["result"]
    assert entry.state is ConfigEntryState.LOADED
    for _ in range(4):
        odorik.add_calls(1, line=403366)
        await poll(hass, freezer, 5)
    await attempt(hass, leaks, "get_call_history", entry, limit=5)
    await attempt(hass, leaks, "send_sms", entry, recipient="+420777123456", message="Hi")
    await attempt(hass, leaks, "set_sim_options", entry, phone_number=SIM, lte=False)
    await use_entities(hass, leaks, entry)

    (await leaks.gather(loaded_entries(hass))).assert_clean()


# -- every fault ----------------------------------------------------------------------------


ODORIK_SWITCHES = {
    "outage": True,
    "reject_auth": True,
    "latency_ms": 30,
    "unsupported": ["GET /lines.json", "GET /sms.json"],
    "html_pages": ["GET /balance", "POST /sms", "GET /sim_cards.json"],
    "failing": ["GET /balance", "GET /calls.json"],
    "budget": {"GET /calls.json": 1, "GET /balance": 2},
}


@pytest.mark.parametrize(
    "fault", [*faults(SIM, ODORIK_SWITCHES), pytest.param(Fault("stuck_sim", {"number": SIM}))]
)
async def test_odorik_faults_leak_no_password(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik: OdorikSimulator,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
    fault: Fault,
) -> None:
    """Whatever Odorik answers (or does not), the errors and logs hold no password or URL."""
    scenario = Scenario(
        operator="odorik",
        user_input=odorik_input(simulator.odorik_url),
        actions=(
            ("get_routing", {}),
            ("send_sms", {"recipient": "+420777123456", "message": "Hi"}),
            ("set_sim_options", {"phone_number": SIM, "lte": False}),
        ),
    )
    await under_fault(hass, simulator, leaks, freezer, scenario, fault)
