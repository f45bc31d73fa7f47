"""The call event: each new call and SMS fired once, oldest first, across restarts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.telco.api import OdorikClient
from custom_components.telco.api.odorik_models import Call
from custom_components.telco.operators.odorik.events import (
    call_event_type as odorik_event_type,
)
from custom_components.telco.operators.zadarma.entities import (
    call_attributes as zadarma_attributes,
    call_event_type as zadarma_event_type,
)
from tests.common import (
    FROZEN_NOW,
    advance,
    entities_of,
    setup_entry,
    statistics_call,
    stored,
)
from tests.conftest import ODORIK_PASSWORD, ODORIK_USER
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY, SMS_NAME, OdorikSimulator
from tests.simulator.zadarma import ZADARMA_KEY

EVENT = "event.odorik_1234567_call"
CURSOR_KEY = "telco.calls.odorik_1234567"
POLL = timedelta(seconds=30)
CALLS_REQUESTS = "odorik GET /api/v1/calls.json"
SMS_REQUESTS = "odorik GET /api/v1/sms.json"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


def listen_for_events(hass: HomeAssistant, entity_id: str = EVENT) -> list[Mapping[str, Any]]:
    """Collect the attributes of each event the call entity fires.

    An event is a state stamped with the moment it fires: the same moment for the
    events of one poll before Home Assistant 2026.10, a millisecond apart from then on.
    A state restored after a restart, or shown again after an outage, keeps the moment
    and the details of its event and is not a new one.
    """
    fired: list[Mapping[str, Any]] = []
    latest = [dt_util.utcnow() - timedelta(milliseconds=1)]

    @callback
    def collect(event: Event[Any]) -> None:
        state = event.data["new_state"]
        if event.data["entity_id"] != entity_id or state is None:
            return
        moment = dt_util.parse_datetime(state.state)
        if moment is None or moment < latest[0]:
            return
        if moment == latest[0] and fired and dict(state.attributes) == dict(fired[-1]):
            return
        latest[0] = moment
        fired.append(state.attributes)

    hass.bus.async_listen(EVENT_STATE_CHANGED, collect)
    return fired


def record_ids(fired: list[Mapping[str, Any]]) -> list[int]:
    return [attributes["record_id"] for attributes in fired]


async def add_call(
    session: aiohttp.ClientSession, simulator: SimulatorServer, **fields: Any
) -> dict[str, Any]:
    """Add a finished call to the Odorik history through the simulator's control endpoint."""
    async with session.post(f"{simulator.url}/_control/odorik/calls", json=fields) as response:
        assert response.status == 200
        record: dict[str, Any] = await response.json()
        return record


def add_row(odorik: OdorikSimulator, date: datetime, direction: str, length: int) -> dict[str, Any]:
    """Append one finished call to the Odorik history at once."""
    row = odorik._call_row(
        date,
        direction,
        "00420799799081",
        "00420601234567",
        "Česká rep. - mobil",
        length=length,
        per_minute=0.59,
        line=403366,
    )
    odorik.calls.append(row)
    return row


def add_history(odorik: OdorikSimulator, count: int) -> list[int]:
    """Append ``count`` finished calls to the Odorik history at once."""
    return [add_row(odorik, odorik.clock(), "out", index % 600)["id"] for index in range(count)]


async def test_event_entity(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    assert entities_of(hass, odorik_entry, "event") == snapshot


async def test_first_start_replays_no_history(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Sixty days of history, the last call ten minutes ago: none of it is an event."""
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    await advance(hass, freezer, POLL)

    assert fired == []
    assert hass.states.get(EVENT).state == STATE_UNKNOWN
    assert simulator.control.counts[CALLS_REQUESTS] == 1
    assert simulator.control.counts[SMS_REQUESTS] == 1
    # The cursor starts at the first start, before any call has an id to follow; SMS
    # are read by date from then on.
    assert hass_storage[CURSOR_KEY]["data"] == {
        "since": FROZEN_NOW,
        "last_id": None,
        "sms": {"from": FROZEN_NOW, "seen": {}},
    }


async def test_new_records_fire_their_kind_with_details(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]

    answered = await add_call(
        session, simulator, direction="in", length=95, source_number="00420777123456"
    )
    await add_call(session, simulator, direction="in", status="missed", length=0)
    await add_call(
        session, simulator, direction="out", destination_number="00420601234567", line=403367
    )
    await add_call(session, simulator, direction="redirected", destination_number="00420799799081")
    client = OdorikClient(session, ODORIK_USER, ODORIK_PASSWORD, base_url=simulator.odorik_url)
    await client.send_sms("00420601234567", "Dinner at seven")
    (received,) = odorik.add_calls(
        sms=True, inbound=True, source_number="00420601234567", destination_number="00420799799081"
    )
    await advance(hass, freezer, POLL)

    assert [attributes["event_type"] for attributes in fired] == [
        "incoming_answered",
        "incoming_missed",
        "outgoing",
        "redirected",
        "sms_sent",
        "sms_received",
    ]
    assert dict(fired[0]) == {
        "event_types": [
            "incoming_answered",
            "incoming_missed",
            "outgoing",
            "redirected",
            "sms_received",
            "sms_sent",
        ],
        "event_type": "incoming_answered",
        "source_number": "00420777123456",
        "destination_number": "00420533533533",
        "line": 403366,
        "length": 95,
        "price": 0.0,
        "time": "2026-11-15T10:00:00+00:00",
        "record_id": answered["id"],
        "friendly_name": "Odorik 1234567 Call",
    }
    assert fired[5]["destination_number"] == "00420799799081"
    assert fired[5]["length"] is None
    state = hass.states.get(EVENT)
    assert state.attributes["event_type"] == "sms_received"
    assert state.attributes["record_id"] == received["id"]

    # Told once: neither a poll of the account (the entity's subject) nor the next
    # poll of the history tells them again.
    await odorik_entry.runtime_data.account.async_refresh()
    await advance(hass, freezer, POLL)
    assert len(fired) == 6


async def test_records_are_told_by_when_the_call_began(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A long call enters the history after a short one that began later."""
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    first = await add_call(session, simulator, direction="in")
    await advance(hass, freezer, POLL)

    freezer.tick(timedelta(minutes=10))
    # Added without a pause, that no poll comes between them.
    odorik = simulator.app[ODORIK_KEY]
    short = add_row(odorik, datetime(2026, 11, 15, 10, 8, tzinfo=UTC), "in", length=30)
    long = add_row(odorik, datetime(2026, 11, 15, 10, 2, tzinfo=UTC), "out", length=420)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"], long["id"], short["id"]]

    await advance(hass, freezer, POLL)
    assert len(fired) == 3


async def test_restart_neither_repeats_nor_loses_a_record(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    entry_id = odorik_entry.entry_id

    # Stopped before any call: the first call made while stopped still counts.
    assert await hass.config_entries.async_unload(entry_id)
    freezer.tick(timedelta(minutes=5))
    first = await add_call(session, simulator, direction="in")
    assert await hass.config_entries.async_setup(entry_id)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"]]

    # Stopped again after it: only what came meanwhile, in order.
    assert await hass.config_entries.async_unload(entry_id)
    assert hass_storage[CURSOR_KEY]["data"]["last_id"] == first["id"]
    assert hass.states.get(EVENT).state == STATE_UNAVAILABLE
    freezer.tick(timedelta(minutes=5))
    second = await add_call(session, simulator, direction="out")
    third = await add_call(session, simulator, direction="in", status="missed")
    assert await hass.config_entries.async_setup(entry_id)
    await hass.async_block_till_done()
    # The last event is shown again, but not fired again.
    assert hass.states.get(EVENT).attributes["record_id"] == first["id"]
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"], second["id"], third["id"]]

    await advance(hass, freezer, POLL)
    assert len(fired) == 3


async def test_a_burst_fires_every_record_once_in_order_across_pages(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    first = await add_call(session, simulator, direction="in")
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"]]

    burst = add_history(simulator.app[ODORIK_KEY], 2500)
    requests_before = simulator.control.counts[CALLS_REQUESTS]
    await advance(hass, freezer, POLL)

    assert record_ids(fired) == [first["id"], *burst]
    assert {attributes["event_type"] for attributes in fired[1:]} == {"outgoing"}
    # Odorik pages 2000 records at most: the burst took two requests.
    assert simulator.control.counts[CALLS_REQUESTS] - requests_before == 2
    await advance(hass, freezer, POLL)
    assert len(fired) == 2501


async def test_a_failed_poll_loses_nothing(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    record = await add_call(session, simulator, direction="in")

    simulator.control.faults["odorik"].outage = True
    await advance(hass, freezer, POLL)
    assert hass.states.get(EVENT).state == STATE_UNAVAILABLE
    assert fired == []

    simulator.control.faults["odorik"].outage = False
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [record["id"]]


async def test_removing_the_entry_forgets_the_cursor(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    await setup_entry(hass, odorik_entry)
    await advance(hass, freezer, POLL)
    assert CURSOR_KEY in hass_storage

    await hass.config_entries.async_remove(odorik_entry.entry_id)
    assert CURSOR_KEY not in hass_storage


def odorik_record(**fields: Any) -> Call:
    return Call.from_dict(
        {
            "id": 1,
            "date": "2026-11-15T10:00:00Z",
            "source_number": "00420555444333",
            "destination_number": "00420533533533",
            "destination_name": "Česko v síti",
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("fields", "event_type"),
    [
        ({"direction": "in", "status": "answered"}, "incoming_answered"),
        ({"direction": "in", "status": "missed"}, "incoming_missed"),
        ({"direction": "out", "status": "missed"}, "outgoing"),
        ({"direction": "redirected"}, "redirected"),
        ({"destination_name": SMS_NAME}, "sms_sent"),
        ({"destination_name": SMS_NAME, "direction": "out"}, "sms_sent"),
        ({"destination_name": SMS_NAME, "direction": "in"}, "sms_received"),
        ({"direction": "sideways"}, None),
        ({}, None),
    ],
)
def test_odorik_record_kinds(fields: dict[str, Any], event_type: str | None) -> None:
    assert odorik_event_type(odorik_record(**fields)) == event_type


@pytest.mark.parametrize(
    ("to", "disposition", "event_type"),
    [
        ("442037691880", "answered", "incoming_answered"),
        ("+44 20 3769 1880", "no answer", "incoming_missed"),
        ("100001", "busy", "incoming_missed"),
        ("420601234567", "answered", "outgoing"),
        ("420601234567", "no answer", "outgoing"),
    ],
)
def test_zadarma_call_kinds(to: str, disposition: str, event_type: str) -> None:
    record = statistics_call(
        "a1", callstart=datetime(2026, 11, 15, tzinfo=UTC), to=to, disposition=disposition
    )
    assert zadarma_event_type({"442037691880", "100001"}, record) == event_type


def test_zadarma_call_details() -> None:
    record = statistics_call(
        "65f1c0de9a2b4c0012345678", callstart=datetime(2026, 11, 15, 9, 58, tzinfo=UTC)
    )
    assert zadarma_attributes(record) == {
        "source_number": "420777123456",
        "destination_number": "442037691880",
        "sip": "100001",
        "length": 42,
        "price": 0.0,
        "currency": "USD",
        "disposition": "answered",
        "time": "2026-11-15T09:58:00+00:00",
        "record_id": "65f1c0de9a2b4c0012345678",
    }


# -- Zadarma, from the call statistics -----------------------------------------------------

ZADARMA_EVENT = "event.zadarma_453101_call"
ZADARMA_POLL = timedelta(seconds=60)


async def test_zadarma_calls_fire_once_each_without_replaying_history(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    zadarma = simulator.app[ZADARMA_KEY].demo
    fired = listen_for_events(hass, ZADARMA_EVENT)
    await setup_entry(hass, zadarma_entry)
    await advance(hass, freezer, ZADARMA_POLL)
    # The seeded statistics are history: nothing fires.
    assert fired == []

    start = dt_util.utcnow()
    zadarma.add_call(
        from_="420777123456", to="48221234567", billseconds=61, cost=0.1, callstart=start
    )
    zadarma.add_call(
        from_="420608000111",
        to="48221234567",
        disposition="no answer",
        callstart=start + timedelta(seconds=5),
    )
    zadarma.add_call(
        from_="100001", to="420777123456", billseconds=30, callstart=start + timedelta(seconds=9)
    )
    await advance(hass, freezer, ZADARMA_POLL)

    assert [attributes["event_type"] for attributes in fired] == [
        "incoming_answered",
        "incoming_missed",
        "outgoing",
    ]
    answered = fired[0]
    assert answered["source_number"] == "420777123456"
    assert answered["length"] == 61

    # The next poll reads them again (a look-back window) and fires none twice.
    await advance(hass, freezer, ZADARMA_POLL)
    assert len(fired) == 3


async def test_zadarma_takes_up_a_cursor_kept_before_push(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An earlier version kept each told call as its start only: none is told again."""
    zadarma = simulator.app[ZADARMA_KEY].demo
    now = dt_util.utcnow()
    told = zadarma.add_call(
        from_="420777123456", to="48221234567", callstart=now - timedelta(minutes=3)
    )
    hass_storage["telco.calls.zadarma_453101"] = stored(
        "telco.calls.zadarma_453101",
        {
            "since": (now - timedelta(hours=1)).isoformat(),
            "read_until": (now - timedelta(minutes=2)).isoformat(),
            "seen": {f"incoming:{told.id}": told.callstart.isoformat()},
        },
    )
    new = zadarma.add_call(
        from_="420608000111", to="48221234567", callstart=now - timedelta(seconds=30)
    )
    fired = listen_for_events(hass, ZADARMA_EVENT)
    await setup_entry(hass, zadarma_entry)
    await advance(hass, freezer, ZADARMA_POLL)
    assert [event["source_number"] for event in fired] == [new.from_]
    # Kept again in this version's form; who was on the other end was never kept.
    seen = hass_storage["telco.calls.zadarma_453101"]["data"]["seen"]
    assert seen[f"incoming:{told.id}"] == {
        "start": told.callstart.isoformat(),
        "parties": [],
    }


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_a_call_in_the_second_of_the_first_start_is_told(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    freezer: FrozenDateTimeFactory,
    operator: str,
) -> None:
    """Set up at 10:00:00.7; a call the operator dates 10:00:00 came after: it is new."""
    freezer.move_to(datetime.fromisoformat(FROZEN_NOW) + timedelta(milliseconds=700))
    entity, poll = (EVENT, POLL) if operator == "odorik" else (ZADARMA_EVENT, ZADARMA_POLL)
    fired = listen_for_events(hass, entity)
    await setup_entry(hass, request.getfixturevalue(f"{operator}_entry"))
    whole_second = dt_util.utcnow().replace(microsecond=0)
    if operator == "odorik":
        simulator.app[ODORIK_KEY].add_calls(1, direction="in", date=whole_second)
    else:
        simulator.app[ZADARMA_KEY].demo.add_call(
            from_="420777123456", to="48221234567", billseconds=10, callstart=whole_second
        )
    await advance(hass, freezer, poll)
    assert [attributes["event_type"] for attributes in fired] == ["incoming_answered"]


# -- catch-up: history read long after the call -----------------------------------------------


async def test_odorik_records_read_long_after_the_call_are_marked_catch_up(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant was away for three hours: the calls of then are history, marked so."""
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    start = dt_util.utcnow()
    old = add_row(odorik, start + timedelta(minutes=5), "in", length=60)
    # Ended 50 minutes before it is read: still news.
    recent = add_row(odorik, start + timedelta(hours=2, minutes=5), "in", length=300)

    await advance(hass, freezer, timedelta(hours=3))

    assert record_ids(fired) == [old["id"], recent["id"]]
    assert fired[0]["catch_up"] is True
    assert "catch_up" not in fired[1]
    state = hass.states.get(EVENT)
    assert state.attributes["record_id"] == recent["id"]


async def test_zadarma_calls_read_long_after_the_call_are_marked_catch_up(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    zadarma = simulator.app[ZADARMA_KEY].demo
    fired = listen_for_events(hass, ZADARMA_EVENT)
    await setup_entry(hass, zadarma_entry)
    start = dt_util.utcnow()
    zadarma.add_call(
        from_="420777123456",
        to="48221234567",
        billseconds=61,
        callstart=start + timedelta(minutes=1),
    )
    # A two-hour call that ended ten minutes before the read is not history.
    zadarma.add_call(
        from_="420777123456",
        to="48221234567",
        billseconds=7200,
        callstart=start + timedelta(minutes=50),
    )

    await advance(hass, freezer, timedelta(hours=3))

    assert len(fired) == 2
    assert fired[0]["catch_up"] is True
    assert "catch_up" not in fired[1]
