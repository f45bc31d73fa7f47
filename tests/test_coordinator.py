"""The mobile data ledger, the Zadarma call cursor, and how client errors are translated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ServiceValidationError
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoError,
    TelcoValidationError,
)
from custom_components.telco.api.odorik_models import MobileDataRecord
from custom_components.telco.api.zadarma import ZadarmaClient
from custom_components.telco.model.coordinator import change_error, poll_error
from custom_components.telco.operators.odorik.coordinators import (
    DataUsage,
    MobileDataLedger,
    month_start,
)
from custom_components.telco.operators.zadarma.calls import (
    STATISTICS_LOOKBACK,
    STATISTICS_MAX_PERIOD,
    StatisticsCursor,
    ZadarmaCallsCoordinator,
)
from tests.common import FROZEN_NOW, setup_entry, statistics_call
from tests.conftest import ZADARMA_KEY as API_KEY, ZADARMA_SECRET
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import DEMO_NUMBER_EXPIRING, ZADARMA_KEY

PRAGUE = ZoneInfo("Europe/Prague")
STATISTICS_REQUESTS = "zadarma GET /v1/statistics/"


def record(
    record_id: int, date: datetime | None, total: int, number: str = "1"
) -> MobileDataRecord:
    return MobileDataRecord(
        id=record_id,
        date=date,
        bytes_up=0,
        bytes_down=total,
        bytes_total=total,
        price=total / 1000,
        price_per_mb=None,
        phone_number=number,
    )


def test_month_starts_in_prague_time() -> None:
    # 23:30 UTC on 31 October is already November in Prague.
    assert month_start(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == datetime(
        2026, 11, 1, tzinfo=PRAGUE
    )


def test_ledger_settles_finished_days_and_rereads_the_last_one() -> None:
    ledger = MobileDataLedger.for_month_of(datetime(2026, 11, 3, 12, tzinfo=UTC))
    day1 = datetime(2026, 11, 1, tzinfo=PRAGUE)
    day2 = datetime(2026, 11, 2, tzinfo=PRAGUE)
    totals = ledger.add([record(1, day1, 100), record(2, day2, 50), record(3, None, 999)])
    assert list(totals) == ["1"]
    assert totals["1"].bytes_total == 150
    assert totals["1"].price == pytest.approx(0.15)
    # Day 1 is final; day 2 may still grow, so the next read starts there.
    assert ledger.cursor == day2
    assert ledger.settled == {"1": DataUsage(bytes_total=100, price=0.1)}

    # The operator grew day 2's record and added day 3; day 1 is not read again.
    day3 = datetime(2026, 11, 3, tzinfo=PRAGUE)
    totals = ledger.add([record(2, day2, 70), record(4, day3, 5), record(5, day3, 7, "2")])
    assert totals["1"].bytes_total == 175
    assert totals["2"].bytes_total == 7
    assert ledger.cursor == day3


def test_ledger_without_records_keeps_its_cursor() -> None:
    ledger = MobileDataLedger.for_month_of(datetime(2026, 11, 3, 12, tzinfo=UTC))
    assert ledger.add([]) == {}
    assert ledger.cursor == datetime(2026, 11, 1, tzinfo=PRAGUE)


@pytest.mark.parametrize(
    ("error", "kind", "key"),
    [
        (TelcoAuthenticationError("refused"), ConfigEntryAuthFailed, "authentication_failed"),
        (TelcoApiError(("low_balance",)), UpdateFailed, "api_error"),
        (TelcoConnectionError("timeout"), UpdateFailed, "communication_error"),
        (TelcoValidationError("bad_date", "bad date"), UpdateFailed, "communication_error"),
        (TelcoError("anything else"), UpdateFailed, "communication_error"),
    ],
)
def test_every_client_error_of_a_poll_is_translated(
    error: TelcoError, kind: type[Exception], key: str
) -> None:
    translated = poll_error(error)
    assert type(translated) is kind
    assert translated.translation_key == key


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (TelcoValidationError("state_change_alone", "alone"), "invalid_state_change_alone"),
        (TelcoValidationError("bad_date", "bad date"), "invalid_request"),
        (TelcoAuthenticationError("refused"), "authentication_failed"),
        (TelcoApiError(("low_balance",)), "refused_low_balance"),
        (TelcoApiError(("something_new",)), "refused"),
        (TelcoConnectionError("timeout"), "communication_error"),
        (TelcoError("anything else"), "communication_error"),
    ],
)
def test_every_client_error_of_a_change_is_translated(error: TelcoError, key: str) -> None:
    translated = change_error(error)
    assert translated.translation_key == key
    assert isinstance(translated, ServiceValidationError) == isinstance(error, TelcoValidationError)


START = datetime(2026, 11, 15, 10, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_statistics_cursor_tells_each_call_once_also_one_listed_late() -> None:
    cursor = StatisticsCursor.starting(START)
    assert cursor.period(at(1)) == (START, at(1))

    short = statistics_call("b", at(0.5))
    history = statistics_call("old", at(-1))
    new, cursor = cursor.take([history, short, short], at(1))
    assert new == [short]

    # A call that began before the last read ended after it: the next read looks
    # back and finds it, without telling the short one again.
    long = statistics_call("a", at(0.2))
    start, end = cursor.period(at(2))
    assert (start, end) == (START, at(2))
    new, cursor = cursor.take([long, short], end)
    assert new == [long]
    assert set(cursor.seen) == {"a", "b"}

    # Hours later, what began before the look-back is forgotten: no read returns it.
    start, end = cursor.period(at(7 * 60))
    assert start == START
    new, cursor = cursor.take([], end)
    assert new == []
    assert cursor.seen == {}
    assert cursor.period(at(7 * 60 + 1))[0] == at(7 * 60) - STATISTICS_LOOKBACK


def test_statistics_cursor_sorts_oldest_first_and_catches_up_a_month_at_most() -> None:
    cursor = StatisticsCursor.starting(START)
    later, earlier = statistics_call("z", at(3)), statistics_call("y", at(2))
    same_second = statistics_call("x", at(3))
    new, cursor = cursor.take([later, earlier, same_second], at(4))
    assert new == [earlier, same_second, later]

    # After a pause of two months the first read covers 28 days, the next the rest.
    now = at(4) + timedelta(days=60)
    start, end = cursor.period(now)
    assert end - start == STATISTICS_MAX_PERIOD
    _, cursor = cursor.take([], end)
    assert cursor.period(now)[0] == end - STATISTICS_LOOKBACK


def test_statistics_cursor_survives_storage() -> None:
    cursor = StatisticsCursor.starting(START)
    _, cursor = cursor.take([statistics_call("a", at(1))], at(2))
    assert StatisticsCursor.from_dict(json.loads(json.dumps(cursor.as_dict()))) == cursor


async def test_zadarma_calls_coordinator_reads_calls_new_since_its_stored_cursor(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    session: aiohttp.ClientSession,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    freezer.move_to(START)
    zadarma_entry.add_to_hass(hass)
    account = simulator.app[ZADARMA_KEY].demo
    client = ZadarmaClient(session, API_KEY, ZADARMA_SECRET, base_url=simulator.zadarma_url)
    account.add_call(from_="420777123456", to="442037691880", callstart=at(-5))
    coordinator = ZadarmaCallsCoordinator(hass, zadarma_entry, client)
    # The statistics limit decides, not the options.
    assert coordinator.update_interval == timedelta(minutes=1)

    # The first refresh reads nothing and starts now.
    await coordinator.async_refresh()
    assert coordinator.data.records == ()
    assert simulator.control.counts[STATISTICS_REQUESTS] == 0

    call = account.add_call(from_="420777123456", to="442037691880", callstart=at(0.5))
    freezer.move_to(at(1))
    await coordinator.async_refresh()
    assert [record.id for record in coordinator.data.records] == [call.id]
    assert simulator.control.counts[STATISTICS_REQUESTS] == 1
    # An incoming call, read from the incoming calls (whose ids are their own).
    stored = hass_storage["telco.calls.zadarma_453101"]["data"]["seen"]
    assert {key: told["start"] for key, told in stored.items()} == {
        f"incoming:{call.id}": at(0.5).isoformat()
    }

    # A coordinator of the next start takes up the stored cursor: nothing again, and
    # what came meanwhile.
    late = account.add_call(from_="420777123456", to="442037691880", callstart=at(0.8))
    restarted = ZadarmaCallsCoordinator(hass, zadarma_entry, client)
    await restarted.async_refresh()
    freezer.move_to(at(2))
    await restarted.async_refresh()
    assert [record.id for record in restarted.data.records] == [late.id]


# -- Zadarma's account time zone ------------------------------------------------


@pytest.fixture
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.mark.usefixtures("_frozen")
async def test_zadarma_dates_are_read_in_the_account_time_zone(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    account = simulator.app[ZADARMA_KEY].demo
    account.utc_offset_minutes = 180
    stop = account.numbers[DEMO_NUMBER_EXPIRING].stop_date
    await setup_entry(hass, zadarma_entry)
    assert simulator.control.counts["zadarma GET /v1/info/timezone/"] == 1
    state = hass.states.get(f"sensor.{DEMO_NUMBER_EXPIRING}_paid_until")
    assert state is not None
    assert datetime.fromisoformat(state.state) == stop


@pytest.mark.usefixtures("_frozen")
async def test_zadarma_without_a_time_zone_reads_dates_as_utc(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.control.faults["zadarma"].unsupported.append("GET /info/timezone/")
    account = simulator.app[ZADARMA_KEY].demo
    account.utc_offset_minutes = 180
    stop = account.numbers[DEMO_NUMBER_EXPIRING].stop_date
    await setup_entry(hass, zadarma_entry)
    assert zadarma_entry.state is ConfigEntryState.LOADED
    assert "time zone is unknown" in caplog.text
    state = hass.states.get(f"sensor.{DEMO_NUMBER_EXPIRING}_paid_until")
    assert state is not None
    assert datetime.fromisoformat(state.state) == stop + timedelta(hours=3)


async def test_zadarma_refused_key_at_the_time_zone_starts_reauth(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    simulator.control.faults["zadarma"].reject_auth = True
    zadarma_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(zadarma_entry.entry_id)
    await hass.async_block_till_done()
    assert zadarma_entry.state is ConfigEntryState.SETUP_ERROR
    assert simulator.control.counts["zadarma GET /v1/info/timezone/"] == 1
    assert any(
        flow["context"]["source"] == "reauth" for flow in hass.config_entries.flow.async_progress()
    )
