"""Call events through every fault: none lost, none told twice, oldest first.

Calls (and Odorik SMS) are added in the simulator before and during each fault; the
polls fail while it lasts and read them once it clears. The events the call
entity fires are counted on the bus.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.api import ZadarmaClient
from custom_components.telco.api.odorik import OdorikClient
from tests.common import FROZEN_NOW, advance, setup_entry, stored
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY
from tests.test_event import listen_for_events, record_ids

ODORIK_EVENT = "event.odorik_1234567_call"
ZADARMA_EVENT = "event.zadarma_453101_call"
# Every fault that answers, 429 included; revoked credentials stop polling until the
# user reauthenticates (test_resilience.py), and timeouts need the real clock (below).
FAULTS = [
    "reset",
    "http_500",
    "http_502",
    "http_503",
    "html_200",
    "truncated_json",
    "wrong_shape",
    "text_error",
    "http_429",
]


def _odorik_record(simulator: SimulatorServer, index: int, date: datetime | None = None) -> int:
    """Add a call, or every third time an SMS, to the Odorik account; return its id."""
    odorik = simulator.app[ODORIK_KEY]
    if index % 3 == 2:
        record = odorik.add_calls(
            sms=True, direction="out", destination_number="00420601234567", date=date
        )
    else:
        record = odorik.add_calls(
            direction="in" if index % 2 else "out", length=30 + index, date=date
        )
    return int(record[0]["id"])


def _zadarma_record(simulator: SimulatorServer, index: int, date: datetime | None = None) -> str:
    """Add a call, incoming or outgoing, to the Zadarma statistics; return its id."""
    account = simulator.app[ZADARMA_KEY].demo
    if index % 2:
        call = account.add_call(
            from_="420777123456", to="48221234567", billseconds=20 + index, callstart=date
        )
    else:
        call = account.add_call(
            from_="100001", to="420777123456", billseconds=10 + index, callstart=date
        )
    return call.id


def _cursor_a_minute_ago(simulator: SimulatorServer, operator: str) -> dict[str, Any]:
    """Return the stored call cursor of a start a minute ago, past the seeded history."""
    earlier = (dt_util.utcnow() - timedelta(minutes=1)).isoformat()
    if operator == "odorik":
        newest = max(row["id"] for row in simulator.app[ODORIK_KEY].calls)
        data = {"since": earlier, "last_id": newest, "sms": {"from": earlier, "seen": {}}}
    else:
        data = {"since": earlier, "read_until": earlier, "seen": {}}
    key = f"telco.calls.{operator}_{1234567 if operator == 'odorik' else 453101}"
    return {key: stored(key, data)}


# Where each fault hits in turn: every endpoint, the call history only, or (Odorik)
# the SMS history read after the call history succeeded.
ODORIK_ENDPOINTS = [None, "GET /calls.json", "GET /sms.json"]
ZADARMA_ENDPOINTS = [None, "GET /statistics", "GET /statistics/incoming-calls"]


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_no_call_event_is_lost_or_repeated_across_every_fault(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    freezer: FrozenDateTimeFactory,
    operator: str,
) -> None:
    """Each fault in turn: a record before it and one during it, both told once after."""
    freezer.move_to(FROZEN_NOW)
    odorik = operator == "odorik"
    poll = timedelta(seconds=30 if odorik else 60)
    endpoints = ODORIK_ENDPOINTS if odorik else ZADARMA_ENDPOINTS
    add = _odorik_record if odorik else _zadarma_record
    event = ODORIK_EVENT if odorik else ZADARMA_EVENT
    fired = listen_for_events(hass, event)
    await setup_entry(hass, request.getfixturevalue(f"{operator}_entry"))
    await advance(hass, freezer, poll)
    added: list[int | str] = []

    for index, fault in enumerate(FAULTS):
        added.append(add(simulator, 2 * index))
        simulator.inject(operator, fault, endpoint=endpoints[index % len(endpoints)])
        await advance(hass, freezer, poll)
        added.append(add(simulator, 2 * index + 1))
        await advance(hass, freezer, poll)
        assert hass.states.get(event).state == STATE_UNAVAILABLE, fault
        simulator.clear_faults()
        # A 429 without Retry-After holds Zadarma's client back for a minute.
        for _ in range(2):
            await advance(hass, freezer, poll)
        assert record_ids(fired) == added, fault

    for _ in range(3):
        await advance(hass, freezer, poll)
    assert record_ids(fired) == added


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_no_call_event_is_lost_or_repeated_across_a_timeout(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    hass_storage: dict[str, Any],
    operator: str,
) -> None:
    """On the real clock, a call history held past the client's timeout, then answered."""
    for client in (OdorikClient, ZadarmaClient):
        assert client.__init__.__kwdefaults__ is not None
        monkeypatch.setitem(client.__init__.__kwdefaults__, "request_timeout", 0.2)
    # Zadarma's three statistics requests a minute (tests/test_history.py and
    # tests/api/test_zadarma_statistics.py hold them) would make this real clock wait a
    # minute for the third poll; here the budget is the simulator's and the client's ten.
    assert ZadarmaClient.__init__.__kwdefaults__ is not None
    monkeypatch.setitem(ZadarmaClient.__init__.__kwdefaults__, "statistics_requests_per_minute", 10)
    simulator.app[ZADARMA_KEY].settings.statistics_rate_limit_per_minute = 10
    odorik = operator == "odorik"
    # Read from a minute ago: the records of this second are dated to the second, the
    # cursor of a first start to the microsecond.
    hass_storage.update(_cursor_a_minute_ago(simulator, operator))
    add = _odorik_record if odorik else _zadarma_record
    fired = listen_for_events(hass, ODORIK_EVENT if odorik else ZADARMA_EVENT)
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    calls = entry.runtime_data.calls

    # Records of calls that ended (the operators list a call once it ends) this minute.
    def ended(seconds: int) -> datetime:
        return (dt_util.utcnow() - timedelta(seconds=seconds)).replace(microsecond=0)

    added = [add(simulator, 1, ended(50))]
    simulator.inject(operator, "timeout", endpoint="GET /calls.json" if odorik else None)
    await calls.async_refresh()
    assert not calls.last_update_success
    added.append(add(simulator, 2, ended(40)))
    simulator.clear_faults()
    await calls.async_refresh()
    await hass.async_block_till_done()
    assert record_ids(fired) == added
