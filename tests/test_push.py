"""Zadarma pushes calls and SMS to Home Assistant's webhook: turned on in the options.

The simulator plays Zadarma's side: it checks our URL with ``zd_echo``, and pushes
signed form posts to it over loopback, to Home Assistant's real HTTP server.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
import sys
from types import ModuleType
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.telco.const import CONF_PUSH_EVENTS, CONF_PUSH_URL
from tests.common import FROZEN_NOW, advance, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY, ZadarmaAccount, ZadarmaSimulator
from tests.test_event import listen_for_events

EVENT = "event.zadarma_453101_call"
OUR_NUMBER = "48221234567"
CALLER = "420777123456"


@pytest.fixture
async def external_url(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> str:
    """Serve Home Assistant's HTTP API on a loopback port, and make it the external URL.

    What registers HTTP views later (the repairs of the notify platform) is set up
    first: a served app takes no new routes.
    """
    for component in ("webhook", "repairs"):
        assert await async_setup_component(hass, component, {})
    client = await hass_client_no_auth()
    url = str(client.make_url("")).rstrip("/")
    await hass.config.async_update(external_url=url)
    return url


@pytest.fixture
def zadarma(simulator: SimulatorServer) -> ZadarmaSimulator:
    simulator_app: ZadarmaSimulator = simulator.app[ZADARMA_KEY]
    return simulator_app


async def set_push(hass: HomeAssistant, entry: MockConfigEntry, on: bool) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUSH_EVENTS: on}
    )
    await hass.async_block_till_done()
    return dict(result)


async def pushed(
    hass: HomeAssistant, zadarma: ZadarmaSimulator, fields: Mapping[str, str]
) -> int | None:
    status = await zadarma.push(zadarma.demo, fields)
    await hass.async_block_till_done()
    return status


def start_of(moment: Any) -> str:
    return dt_util.as_utc(moment).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
async def pushing(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    external_url: str,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """A Zadarma entry with push turned on."""
    freezer.move_to(FROZEN_NOW)
    await setup_entry(hass, zadarma_entry)
    result = await set_push(hass, zadarma_entry, True)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert zadarma_entry.state is ConfigEntryState.LOADED
    return zadarma_entry


async def test_turning_push_on_registers_our_webhook_at_zadarma(
    hass: HomeAssistant, pushing: MockConfigEntry, zadarma: ZadarmaSimulator, external_url: str
) -> None:
    account = zadarma.demo
    webhook_id = pushing.data[CONF_WEBHOOK_ID]
    url = f"{external_url}/api/webhook/{webhook_id}"
    assert pushing.options[CONF_PUSH_EVENTS] is True
    assert pushing.data[CONF_PUSH_URL] == url
    assert account.callinfo_url == url
    assert account.webhooks_url == url
    assert all(account.notifications.values())
    assert account.hooks["sms"] is True
    # Polling goes on, slower: the statistics are the safety net now.
    assert pushing.runtime_data.calls.update_interval == timedelta(minutes=10)


async def test_zd_echo_is_answered(
    hass: HomeAssistant, pushing: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> None:
    client = await hass_client_no_auth()
    response = await client.get(
        f"/api/webhook/{pushing.data[CONF_WEBHOOK_ID]}", params={"zd_echo": "a1b2c3"}
    )
    assert response.status == 200
    assert await response.text() == "a1b2c3"


async def test_a_call_is_told_as_it_rings_is_answered_and_ends(
    hass: HomeAssistant, pushing: MockConfigEntry, zadarma: ZadarmaSimulator
) -> None:
    fired = listen_for_events(hass, EVENT)
    start = start_of(dt_util.utcnow())
    call = {"pbx_call_id": "in_1", "caller_id": CALLER, "called_did": OUR_NUMBER}
    assert (
        await pushed(hass, zadarma, {"event": "NOTIFY_START", **call, "call_start": start}) == 200
    )
    assert (
        await pushed(
            hass,
            zadarma,
            {
                "event": "NOTIFY_ANSWER",
                "pbx_call_id": "in_1",
                "caller_id": CALLER,
                "destination": OUR_NUMBER,
                "internal": "100",
                "call_start": start,
            },
        )
        == 200
    )
    await pushed(
        hass,
        zadarma,
        {
            "event": "NOTIFY_END",
            **call,
            "call_start": start,
            "internal": "100",
            "duration": "42",
            "disposition": "answered",
        },
    )
    assert [event["event_type"] for event in fired] == [
        "ringing",
        "answered",
        "incoming_answered",
    ]
    assert fired[0]["source_number"] == CALLER
    assert fired[0]["destination_number"] == OUR_NUMBER
    assert fired[1]["extension"] == "100"
    assert fired[2]["length"] == 42
    # The same ring delivered twice is told once.
    await pushed(hass, zadarma, {"event": "NOTIFY_START", **call, "call_start": start})
    assert len(fired) == 3


async def test_a_call_pushed_and_then_polled_is_told_once(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    fired = listen_for_events(hass, EVENT)
    moment = dt_util.utcnow()
    zadarma.demo.add_call(
        from_=CALLER, to=OUR_NUMBER, billseconds=42, disposition="answered", callstart=moment
    )
    await pushed(
        hass,
        zadarma,
        {
            "event": "NOTIFY_END",
            "pbx_call_id": "in_2",
            "caller_id": f"+{CALLER}",
            "called_did": OUR_NUMBER,
            "call_start": start_of(moment),
            "duration": "42",
            "disposition": "answered",
        },
    )
    assert [event["event_type"] for event in fired] == ["incoming_answered"]
    # The safety net reads the statistics and finds the call told already.
    await advance(hass, freezer, timedelta(minutes=10))
    assert len(fired) == 1


async def test_a_webhook_outage_loses_nothing(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A call Zadarma could not push is told by the next read of the statistics."""
    fired = listen_for_events(hass, EVENT)
    zadarma.demo.add_call(
        from_=CALLER, to=OUR_NUMBER, disposition="no answer", callstart=dt_util.utcnow()
    )
    await advance(hass, freezer, timedelta(minutes=10))
    assert [event["event_type"] for event in fired] == ["incoming_missed"]
    # Pushed late, after the poll: not told again.
    await pushed(
        hass,
        zadarma,
        {
            "event": "NOTIFY_END",
            "pbx_call_id": "in_3",
            "caller_id": CALLER,
            "called_did": OUR_NUMBER,
            "call_start": start_of(zadarma.demo.calls[-1].callstart),
            "duration": "0",
            "disposition": "no answer",
        },
    )
    assert len(fired) == 1


async def test_an_outgoing_call_and_an_sms(
    hass: HomeAssistant, pushing: MockConfigEntry, zadarma: ZadarmaSimulator
) -> None:
    fired = listen_for_events(hass, EVENT)
    await pushed(
        hass,
        zadarma,
        {
            "event": "NOTIFY_OUT_END",
            "pbx_call_id": "out_1",
            "internal": "100",
            "destination": "420601234567",
            "caller_id": OUR_NUMBER,
            "call_start": start_of(dt_util.utcnow()),
            "duration": "61",
            "disposition": "answered",
        },
    )
    await pushed(
        hass,
        zadarma,
        {"event": "SMS", "caller_id": CALLER, "caller_did": OUR_NUMBER, "text": "Running late"},
    )
    assert [event["event_type"] for event in fired] == ["outgoing", "sms_received"]
    assert fired[0]["destination_number"] == "420601234567"
    assert fired[1]["message"] == "Running late"


@pytest.mark.parametrize("signature", [None, "d3Jvbmc="])
async def test_an_unsigned_or_wrongly_signed_post_is_dropped(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    signature: str | None,
) -> None:
    fired = listen_for_events(hass, EVENT)
    client = await hass_client_no_auth()
    headers = {"Signature": signature} if signature else {}
    response = await client.post(
        f"/api/webhook/{pushing.data[CONF_WEBHOOK_ID]}",
        data={
            "event": "NOTIFY_START",
            "caller_id": CALLER,
            "called_did": OUR_NUMBER,
            "call_start": "2026-11-15 10:00:00",
        },
        headers=headers,
    )
    await hass.async_block_till_done()
    assert response.status == 401
    assert fired == []


async def test_a_foreign_url_is_replaced_only_after_confirming(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    external_url: str,
) -> None:
    zadarma.demo.callinfo_url = "https://crm.example.com/zadarma"
    await setup_entry(hass, zadarma_entry)
    result = await hass.config_entries.options.async_init(zadarma_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUSH_EVENTS: True}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "replace_url"
    assert result["description_placeholders"] == {"url": "https://crm.example.com/zadarma"}
    # Nothing changed at Zadarma yet.
    assert zadarma.demo.callinfo_url == "https://crm.example.com/zadarma"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert zadarma.demo.callinfo_url.startswith(f"{external_url}/api/webhook/")


async def test_without_an_external_url_nothing_changes(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    zadarma: ZadarmaSimulator,
) -> None:
    await setup_entry(hass, zadarma_entry)
    result = await set_push(hass, zadarma_entry, True)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_external_url"}
    assert zadarma.demo.callinfo_url == ""
    assert CONF_PUSH_EVENTS not in zadarma_entry.options


async def test_a_failed_url_check_changes_nothing(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    zadarma: ZadarmaSimulator,
) -> None:
    """The external URL does not reach Home Assistant: Zadarma's check fails."""
    await hass.config.async_update(external_url="http://127.0.0.1:9")
    await setup_entry(hass, zadarma_entry)
    result = await set_push(hass, zadarma_entry, True)
    assert result["errors"] == {"base": "url_check_failed"}
    assert zadarma.demo.callinfo_url == ""
    assert CONF_WEBHOOK_ID not in zadarma_entry.data


async def test_a_replacement_confirmed_but_failing_the_url_check_keeps_the_foreign_url(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    zadarma: ZadarmaSimulator,
) -> None:
    """The confirmation step shows Zadarma's failed check, and nothing is replaced."""
    foreign = "https://crm.example.com/zadarma"
    zadarma.demo.callinfo_url = foreign
    await hass.config.async_update(external_url="http://127.0.0.1:9")
    await setup_entry(hass, zadarma_entry)
    result = await hass.config_entries.options.async_init(zadarma_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUSH_EVENTS: True}
    )
    assert result["step_id"] == "replace_url"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "replace_url"
    assert result["errors"] == {"base": "url_check_failed"}
    assert zadarma.demo.callinfo_url == foreign
    assert CONF_WEBHOOK_ID not in zadarma_entry.data
    assert CONF_PUSH_EVENTS not in zadarma_entry.options


async def test_with_home_assistant_cloud_zadarma_pushes_to_the_cloudhook(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    external_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cloud subscription gives the URL (not the external URL), and is asked to drop it.

    Nabu Casa's relay is the network boundary here: its cloudhook URL is stood in for
    by the loopback address of our own webhook, which Zadarma's check then reaches.
    """
    await hass.config.async_update(external_url="https://nowhere.invalid")
    hass.config.components.add("cloud")
    created: list[str] = []
    deleted: list[str] = []

    async def cloudhook(hass: HomeAssistant, webhook_id: str) -> str:
        created.append(webhook_id)
        return f"{external_url}/api/webhook/{webhook_id}"

    async def delete(hass: HomeAssistant, webhook_id: str) -> None:
        deleted.append(webhook_id)

    # Home Assistant's cloud integration as our code sees it (it cannot be imported
    # in every test environment: its camera dependency needs turbojpeg).
    cloud = ModuleType("homeassistant.components.cloud")
    cloud.async_active_subscription = lambda hass: True  # type: ignore[attr-defined]
    cloud.async_get_or_create_cloudhook = cloudhook  # type: ignore[attr-defined]
    cloud.async_delete_cloudhook = delete  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "homeassistant.components.cloud", cloud)

    await setup_entry(hass, zadarma_entry)
    result = await set_push(hass, zadarma_entry, True)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    webhook_id = zadarma_entry.data[CONF_WEBHOOK_ID]
    assert created == [webhook_id]
    assert zadarma.demo.callinfo_url == f"{external_url}/api/webhook/{webhook_id}"
    assert zadarma.demo.webhooks_url == zadarma.demo.callinfo_url

    result = await set_push(hass, zadarma_entry, False)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert deleted == [webhook_id]
    assert zadarma.demo.callinfo_url == ""
    assert webhook_id not in hass.data.get("webhook", {})


async def test_push_turned_on_while_the_entry_is_not_loaded_is_taken_once_it_is(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    external_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Zadarma's pushes are answered meanwhile, and told only by the loaded entry."""
    freezer.move_to(FROZEN_NOW)
    zadarma_entry.add_to_hass(hass)
    assert zadarma_entry.state is ConfigEntryState.NOT_LOADED
    result = await set_push(hass, zadarma_entry, True)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert zadarma.demo.callinfo_url == zadarma_entry.data[CONF_PUSH_URL]
    ring = {
        "event": "NOTIFY_START",
        "caller_id": CALLER,
        "called_did": OUR_NUMBER,
        "call_start": start_of(dt_util.utcnow()),
    }
    assert await pushed(hass, zadarma, {**ring, "pbx_call_id": "in_early"}) == 200

    await setup_entry(hass, zadarma_entry)
    fired = listen_for_events(hass, EVENT)
    assert await pushed(hass, zadarma, {**ring, "pbx_call_id": "in_late"}) == 200
    assert [(event["event_type"], event["call_id"]) for event in fired] == [("ringing", "in_late")]


async def test_a_push_finds_its_account_among_the_others(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    external_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An Odorik account set up first takes nothing of Zadarma's push."""
    freezer.move_to(FROZEN_NOW)
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    assert (await set_push(hass, zadarma_entry, True))["type"] is FlowResultType.CREATE_ENTRY
    fired = listen_for_events(hass, EVENT)
    ring = {
        "event": "NOTIFY_START",
        "pbx_call_id": "in_4",
        "caller_id": CALLER,
        "called_did": OUR_NUMBER,
        "call_start": start_of(dt_util.utcnow()),
    }
    assert await pushed(hass, zadarma, ring) == 200
    assert [event["event_type"] for event in fired] == ["ringing"]


async def test_turning_push_off_keeps_a_call_url_someone_else_took(
    hass: HomeAssistant, pushing: MockConfigEntry, zadarma: ZadarmaSimulator
) -> None:
    account: ZadarmaAccount = zadarma.demo
    account.callinfo_url = "https://crm.example.com/calls"
    result = await set_push(hass, pushing, False)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert account.callinfo_url == "https://crm.example.com/calls"
    assert account.webhooks_url == ""


async def test_turning_push_off_removes_our_url_only_while_it_is_ours(
    hass: HomeAssistant, pushing: MockConfigEntry, zadarma: ZadarmaSimulator
) -> None:
    account: ZadarmaAccount = zadarma.demo
    # Someone else took over the SMS hook meanwhile; the call URL is still ours.
    account.webhooks_url = "https://crm.example.com/sms"
    result = await set_push(hass, pushing, False)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert account.callinfo_url == ""
    assert account.webhooks_url == "https://crm.example.com/sms"
    assert CONF_WEBHOOK_ID not in pushing.data
    await hass.async_block_till_done()
    assert pushing.runtime_data.calls.update_interval == timedelta(minutes=1)


async def test_removing_the_entry_removes_our_url(
    hass: HomeAssistant, pushing: MockConfigEntry, zadarma: ZadarmaSimulator
) -> None:
    webhook_id = pushing.data[CONF_WEBHOOK_ID]
    assert await hass.config_entries.async_remove(pushing.entry_id)
    await hass.async_block_till_done()
    assert zadarma.demo.callinfo_url == ""
    assert zadarma.demo.webhooks_url == ""
    assert webhook_id not in hass.data.get("webhook", {})


# -- push that stopped: a repair issue, fixed by registering the URL again -----------------

ISSUE_KIND = "push_broken"


def push_issues(hass: HomeAssistant) -> list[str]:
    return [
        issue.translation_key or ""
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == "telco" and issue_id.startswith(ISSUE_KIND)
    ]


async def test_a_url_gone_at_zadarma_is_repaired(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    hass_client: ClientSessionGenerator,
) -> None:
    ours = zadarma.demo.callinfo_url
    zadarma.demo.callinfo_url = ""  # dropped at Zadarma meanwhile
    assert await hass.config_entries.async_reload(pushing.entry_id)
    # The check runs in the background: setup does not wait for Zadarma's answer.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert push_issues(hass) == ["push_broken_not_registered"]

    client = await hass_client()
    issue_id = next(
        issue_id for (_, issue_id) in ir.async_get(hass).issues if issue_id.startswith(ISSUE_KIND)
    )
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": "telco", "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert zadarma.demo.callinfo_url == ours
    assert push_issues(hass) == []


async def start_push_fix(
    hass: HomeAssistant, entry: MockConfigEntry, hass_client: ClientSessionGenerator
) -> tuple[Any, dict[str, Any]]:
    """Let Zadarma drop our URL, reload so the issue is raised, and start its fix."""
    entry_data = dict(entry.data)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert push_issues(hass) == ["push_broken_not_registered"]
    assert dict(entry.data) == entry_data
    client = await hass_client()
    issue_id = next(
        issue_id for (_, issue_id) in ir.async_get(hass).issues if issue_id.startswith(ISSUE_KIND)
    )
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": "telco", "issue_id": issue_id}
    )
    return client, await response.json()


async def test_a_repair_that_fails_at_zadarma_shows_why_and_keeps_the_issue(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    hass_client: ClientSessionGenerator,
) -> None:
    zadarma.demo.callinfo_url = ""
    client, flow = await start_push_fix(hass, pushing, hass_client)
    assert flow["step_id"] == "confirm"
    simulator.control.faults["zadarma"].outage = True
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    result = await response.json()
    assert result["type"] == "form"
    assert result["errors"] == {"base": "cannot_connect"}
    assert zadarma.demo.callinfo_url == ""
    assert push_issues(hass) == ["push_broken_not_registered"]


async def test_a_repair_of_an_account_not_loaded_is_aborted(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    hass_client: ClientSessionGenerator,
) -> None:
    zadarma.demo.callinfo_url = ""
    client, flow = await start_push_fix(hass, pushing, hass_client)
    assert flow["step_id"] == "confirm"
    assert await hass.config_entries.async_unload(pushing.entry_id)
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    result = await response.json()
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"
    assert zadarma.demo.callinfo_url == ""


async def test_a_registration_that_cannot_be_checked_raises_no_issue(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
) -> None:
    """Zadarma not answering where it pushes is no sign that push stopped."""
    zadarma.demo.callinfo_url = ""  # it would raise the issue, were it read
    simulator.inject("zadarma", "http_500", endpoint="GET */pbx/callinfo")
    assert await hass.config_entries.async_reload(pushing.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert pushing.state is ConfigEntryState.LOADED
    assert simulator.control.injections.fired
    assert push_issues(hass) == []


async def test_a_day_of_calls_only_polled_raises_the_issue_until_a_push_comes(
    hass: HomeAssistant,
    pushing: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await advance(hass, freezer, timedelta(days=1, minutes=10))
    zadarma.demo.add_call(from_=CALLER, to=OUR_NUMBER, callstart=dt_util.utcnow())
    await advance(hass, freezer, timedelta(minutes=10))
    assert push_issues(hass) == ["push_broken_silent"]
    await pushed(
        hass,
        zadarma,
        {
            "event": "NOTIFY_START",
            "pbx_call_id": "in_9",
            "caller_id": CALLER,
            "called_did": OUR_NUMBER,
            "call_start": start_of(dt_util.utcnow()),
        },
    )
    assert push_issues(hass) == []
