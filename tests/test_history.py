"""The operators' history in external long-term statistics, with the real recorder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import logging
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    get_last_statistics,
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.components.repairs import DOMAIN as REPAIRS_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.telco.const import CONF_HISTORY_MONTHS, DOMAIN
from custom_components.telco.model.statistics import (
    METADATA_HAS_UNIT_CLASS,
    metadata,
    months_before,
)
from custom_components.telco.operators.odorik.history import CALL_COST
from tests.common import advance, setup_entry, stored
from tests.simulator import SimulatorServer
from tests.simulator.odorik import odorik_simulator
from tests.simulator.zadarma import ZADARMA_KEY

NOW = datetime(2026, 11, 15, 10, 20, tzinfo=UTC)
HOUR = timedelta(hours=1)
ODORIK = "telco:odorik_1234567"
COST = f"{ODORIK}_call_cost"
DURATION = f"{ODORIK}_call_duration"
DATA_081 = f"{ODORIK}_00420799799081_data_used"
DATA_082 = f"{ODORIK}_00420799799082_data_used"
ZADARMA_COST = "telco:zadarma_453101_call_cost"
CALLS_JSON = "GET /calls.json"


@pytest.fixture(autouse=True)
def _custom_integrations(recorder_mock: Recorder, enable_custom_integrations: None) -> None:
    """Set the recorder up before ``hass`` (the shared fixture would start ``hass`` first)."""


@pytest.fixture(autouse=True)
def _quiet_sql() -> Iterator[None]:
    """Don't log each of the year's SQL statements (the test plugin logs them all)."""
    engine = logging.getLogger("sqlalchemy.engine")
    level = engine.level
    engine.setLevel(logging.WARNING)
    yield
    engine.setLevel(level)


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    # Before the simulator seeds its 60 days of calls and data, which end now.
    freezer.move_to(NOW)


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _odorik_expected(
    simulator: SimulatorServer, months: int = 12
) -> dict[str, dict[datetime, float]]:
    """Return what every hour of each statistic must add, from the simulator's records."""
    state = odorik_simulator(simulator)
    start = months_before(NOW, months)
    expected: dict[str, dict[datetime, float]] = defaultdict(lambda: defaultdict(float))
    for row in state.calls:
        if row["direction"] is None or not start <= row["date"] <= NOW:
            continue  # an SMS, or history before the months imported
        expected[COST][_hour(row["date"])] += row["price"]
        expected[DURATION][_hour(row["date"])] += (row["length"] or 0) / 60
    for record in state.mobile_data:
        if start <= record["date"] <= NOW:
            statistic = f"{ODORIK}_{record['phone_number']}_data_used"
            expected[statistic][_hour(record["date"])] += record["bytes_total"] / 1e6
    return expected


async def _rows(
    recorder: Recorder, hass: HomeAssistant, ids: set[str]
) -> dict[str, dict[datetime, tuple[float, float]]]:
    """Return every hour's (state, sum) of the statistics."""
    await async_wait_recording_done(hass)
    stats = await recorder.async_add_executor_job(
        statistics_during_period,
        hass,
        NOW - timedelta(days=800),
        None,
        ids,
        "hour",
        None,
        {"state", "sum"},
    )
    return {
        statistic: {
            datetime.fromtimestamp(row["start"], UTC): (row["state"] or 0.0, row["sum"] or 0.0)
            for row in rows
        }
        for statistic, rows in stats.items()
    }


def _assert_equal(
    rows: dict[str, dict[datetime, tuple[float, float]]],
    expected: dict[str, dict[datetime, float]],
) -> None:
    """Each hour adds its records, and each sum is everything before: exact to the record."""
    assert set(rows) == set(expected)
    for statistic, hours in expected.items():
        written = rows[statistic]
        assert {hour for hour, value in hours.items() if value} <= set(written), statistic
        total = 0.0
        for hour in sorted(written):
            state, running = written[hour]
            total += hours.get(hour, 0.0)
            assert state == pytest.approx(hours.get(hour, 0.0), abs=1e-6), (statistic, hour)
            assert running == pytest.approx(total, rel=1e-9, abs=1e-6), (statistic, hour)
        assert total == pytest.approx(sum(hours.values()), rel=1e-9)


async def _settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)


def _history(simulator: SimulatorServer, *, calls_per_day: int = 12, dense: int = 4500) -> None:
    """A year and more of calls and data, with a day of ``dense`` calls (three pages)."""
    state = odorik_simulator(simulator)
    state.add_history(days=400, calls_per_day=calls_per_day, data_per_day=6)
    if dense:
        when = NOW - timedelta(days=200)
        state.add_calls(dense, direction="out", length=90, price_per_minute=0.59, date=when)


async def test_odorik_backfill_sums_equal_the_records(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
) -> None:
    """A year of calls (pages of 2000) and mobile data per SIM card, hour by hour."""
    _history(simulator)
    await setup_entry(hass, odorik_entry)
    await _settle(hass)

    expected = _odorik_expected(simulator)
    assert set(expected) == {COST, DURATION, DATA_081, DATA_082}
    rows = await _rows(recorder_mock, hass, set(expected))
    _assert_equal(rows, expected)
    # From 12 months back on, to this hour.
    first = months_before(NOW, 12)
    assert first <= min(rows[COST]) < first + timedelta(hours=3)
    assert max(rows[COST]) == _hour(NOW)
    # The day of 4500 calls took three pages of 2000.
    assert simulator.control.counts["odorik GET /api/v1/calls.json"] >= 365 + 2

    listed = await recorder_mock.async_add_executor_job(list_statistic_ids, hass, {COST, DATA_081})
    meta = {item["statistic_id"]: item for item in listed}
    assert meta[COST]["source"] == DOMAIN
    assert meta[COST]["name"] == "Odorik 1234567 call cost"
    assert meta[COST]["statistics_unit_of_measurement"] == "CZK"
    assert meta[DATA_081]["statistics_unit_of_measurement"] == "MB"
    assert meta[DATA_081]["name"] == "Odorik 1234567 +420 799 799 081 data used"


async def test_a_year_of_ten_thousand_calls_a_month_sums_equal_the_records(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
) -> None:
    """The scale an active account has: 10 000 calls a month and 500 data records a day."""
    state = odorik_simulator(simulator)
    state.add_history(days=365, calls_per_day=round(10_000 * 12 / 365), data_per_day=500)
    await setup_entry(hass, odorik_entry)
    await _settle(hass)

    expected = _odorik_expected(simulator)
    assert sum(1 for row in state.calls if row["direction"] is not None) > 12 * 10_000
    assert len(state.mobile_data) > 365 * 500
    _assert_equal(await _rows(recorder_mock, hass, set(expected)), expected)


async def test_outage_restart_and_reload_keep_the_sums_equal(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An outage stops the backfill; a restart takes it up where it was; a new call adds once."""
    _history(simulator)
    simulator.control.faults["odorik"].budget[CALLS_JSON] = 120
    await setup_entry(hass, odorik_entry)
    await _settle(hass)
    # The calls stopped where the operator did; the mobile data went through.
    progress = hass_storage["telco.history.odorik_1234567"]["data"]
    until = datetime.fromisoformat(progress["calls"]["until"])
    assert months_before(NOW, 12) + timedelta(days=100) < until < NOW - timedelta(days=200)

    # A restart in the middle: the backfill goes on from where it was kept.
    assert await hass.config_entries.async_unload(odorik_entry.entry_id)
    await _settle(hass)
    simulator.control.faults["odorik"].budget.clear()
    before = simulator.control.counts["odorik GET /api/v1/calls.json"]
    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await _settle(hass)
    resumed = simulator.control.counts["odorik GET /api/v1/calls.json"] - before
    assert resumed < 365 - 100
    expected = _odorik_expected(simulator)
    _assert_equal(await _rows(recorder_mock, hass, set(expected)), expected)

    # A reload reads only the hours not final yet again.
    before = simulator.control.counts["odorik GET /api/v1/calls.json"]
    assert await hass.config_entries.async_reload(odorik_entry.entry_id)
    await _settle(hass)
    assert simulator.control.counts["odorik GET /api/v1/calls.json"] - before <= 3
    _assert_equal(await _rows(recorder_mock, hass, set(expected)), expected)

    # A new call: the poll sees it, its price is added once, and stays so.
    odorik_simulator(simulator).add_calls(1, direction="out", length=120, price_per_minute=1.5)
    await advance(hass, freezer, timedelta(seconds=30))
    await _settle(hass)
    last = await recorder_mock.async_add_executor_job(
        get_last_statistics, hass, 1, COST, True, {"sum"}
    )
    total = sum(_odorik_expected(simulator)[COST].values())
    assert last[COST][0]["sum"] == pytest.approx(sum(expected[COST].values()) + 3.0)
    assert last[COST][0]["sum"] == pytest.approx(total)
    for _ in range(3):
        await advance(hass, freezer, timedelta(seconds=30))
    assert await hass.config_entries.async_reload(odorik_entry.entry_id)
    await _settle(hass)
    expected = _odorik_expected(simulator)
    _assert_equal(await _rows(recorder_mock, hass, set(expected)), expected)


async def test_zadarma_backfill_keeps_within_three_statistics_requests_a_minute(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One page a minute beside the poll's request, until a year is read."""
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.clock = lambda: time.monotonic()  # the frozen clock: its limit counts minutes
    account = zadarma.demo
    start = months_before(NOW, 12)
    for day in range(370):
        account.add_call(
            from_="48221234567",
            to="48601234567",
            billseconds=60 + day,
            cost=0.1,
            callstart=NOW - timedelta(days=day, hours=3),
        )
    for _ in range(2300):  # three pages of 1000 in one window
        account.add_call(
            from_="48221234567",
            to="48601234567",
            billseconds=30,
            cost=0.2,
            callstart=NOW - timedelta(days=100),
        )
    route = "zadarma GET /v1/statistics/"
    await setup_entry(hass, zadarma_entry)
    await _settle(hass)
    per_minute = [simulator.control.counts[route]]
    for _ in range(30):
        before = simulator.control.counts[route]
        await advance(hass, freezer, timedelta(minutes=1))
        per_minute.append(simulator.control.counts[route] - before)
    await _settle(hass)
    assert max(per_minute) <= 3, per_minute
    # 14 windows of 28 days, two more pages: at least one import request a minute.
    assert sum(per_minute) >= 30 + 16
    assert account.rate_limited == 0

    expected: dict[datetime, float] = defaultdict(float)
    for call in account.calls:
        if start <= call.callstart <= NOW:
            expected[_hour(call.callstart)] += call.billcost
    rows = await _rows(recorder_mock, hass, {ZADARMA_COST})
    _assert_equal(rows, {ZADARMA_COST: expected})
    listed = await recorder_mock.async_add_executor_job(list_statistic_ids, hass, {ZADARMA_COST})
    assert listed[0]["statistics_unit_of_measurement"] == "USD"


async def test_removal_keeps_the_statistics_and_offers_to_clear_them(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    await setup_entry(hass, odorik_entry)
    await _settle(hass)
    assert await hass.config_entries.async_remove(odorik_entry.entry_id)
    await _settle(hass)
    assert "telco.history.odorik_1234567" not in hass_storage
    issue_id = "statistics_kept_odorik_1234567"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"account": "Odorik 1234567"}
    assert (await _rows(recorder_mock, hass, {COST}))[COST]  # kept

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {"account": "Odorik 1234567"}
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    await _settle(hass)
    assert await _rows(recorder_mock, hass, {COST, DURATION, DATA_081, DATA_082}) == {}
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_removing_an_account_without_history_raises_no_issue(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
) -> None:
    """No call was ever made: there are no statistics to keep, so nothing to offer."""
    simulator.app[ZADARMA_KEY].demo.calls.clear()
    await setup_entry(hass, zadarma_entry)
    await _settle(hass)
    assert await _rows(recorder_mock, hass, {ZADARMA_COST}) == {}
    # The progress kept holds no sums: the recorder has all it says, nothing is read again.
    before = simulator.control.counts["zadarma GET /v1/statistics/"]
    assert await hass.config_entries.async_reload(zadarma_entry.entry_id)
    await _settle(hass)
    assert simulator.control.counts["zadarma GET /v1/statistics/"] - before <= 1
    assert await hass.config_entries.async_remove(zadarma_entry.entry_id)
    await _settle(hass)
    assert [key for key in ir.async_get(hass).issues if key[0] == DOMAIN] == []


async def test_statistics_cleared_meanwhile_are_imported_again_from_the_start(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
) -> None:
    """The kept progress is only taken up while the recorder still has the sums it says."""
    await setup_entry(hass, odorik_entry)
    await _settle(hass)
    assert await hass.config_entries.async_unload(odorik_entry.entry_id)
    await _settle(hass)
    # Cleared in the developer tools while the account was not loaded.
    recorder_mock.async_clear_statistics([COST])
    await _settle(hass)
    assert await _rows(recorder_mock, hass, {COST}) == {}

    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await _settle(hass)
    expected = _odorik_expected(simulator)
    _assert_equal(await _rows(recorder_mock, hass, set(expected)), expected)


async def test_credentials_revoked_during_the_backfill_stop_it_quietly(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No retry with refused credentials, no warning: reauthentication takes it from there."""
    route = "zadarma GET /v1/statistics/"
    simulator.inject("zadarma", "revoke", endpoint="GET */statistics")
    await setup_entry(hass, zadarma_entry)
    await _settle(hass)
    assert simulator.control.counts[route] == 1
    assert await _rows(recorder_mock, hass, {ZADARMA_COST}) == {}
    assert not [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.telco") and record.levelno >= logging.WARNING
    ]


async def test_a_new_zadarma_call_is_added_to_the_imported_sums(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The poll that tells a new call starts an import of it: its cost is added once."""
    account = simulator.app[ZADARMA_KEY].demo
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.clock = lambda: time.monotonic()  # the frozen clock: its limit counts minutes
    await setup_entry(hass, zadarma_entry)
    await _settle(hass)
    for _ in range(16):  # a year in windows of 28 days, one request a minute
        await advance(hass, freezer, timedelta(minutes=1))
    await _settle(hass)
    account.add_call(
        from_="48221234567", to="48601234567", billseconds=60, cost=0.5, callstart=dt_util.utcnow()
    )
    for _ in range(3):
        await advance(hass, freezer, timedelta(minutes=1))
        await _settle(hass)
    start = months_before(NOW, 12)
    total = sum(call.billcost for call in account.calls if start <= call.callstart)
    assert total > 0.5
    last = await recorder_mock.async_add_executor_job(
        get_last_statistics, hass, 1, ZADARMA_COST, True, {"sum"}
    )
    assert last[ZADARMA_COST][0]["sum"] == pytest.approx(total)


async def test_a_second_fix_of_kept_statistics_finds_nothing_left_to_clear(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The fix opened twice (two browser tabs): the second one ends as done, clearing nothing."""
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    await setup_entry(hass, odorik_entry)
    await _settle(hass)
    assert await hass.config_entries.async_remove(odorik_entry.entry_id)
    await _settle(hass)
    client = await hass_client()
    issue = {"handler": DOMAIN, "issue_id": "statistics_kept_odorik_1234567"}
    flows = [await (await client.post("/api/repairs/issues/fix", json=issue)).json() for _ in "ab"]
    for flow in flows:
        response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
        assert (await response.json())["type"] == "create_entry"
        await _settle(hass)
    assert await _rows(recorder_mock, hass, {COST, DURATION, DATA_081, DATA_082}) == {}


async def test_more_months_import_further_back(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
) -> None:
    _history(simulator, calls_per_day=2, dense=0)
    await setup_entry(hass, odorik_entry)
    await _settle(hass)
    flow = await hass.config_entries.options.async_init(odorik_entry.entry_id)
    await hass.config_entries.options.async_configure(flow["flow_id"], {CONF_HISTORY_MONTHS: 13})
    assert odorik_entry.options == {CONF_HISTORY_MONTHS: 13}
    await _settle(hass)
    expected = _odorik_expected(simulator, months=13)
    rows = await _rows(recorder_mock, hass, set(expected))
    first = months_before(NOW, 13)
    assert first <= min(rows[COST]) < first + timedelta(days=1)
    _assert_equal(rows, expected)


def test_metadata_fits_this_home_assistant() -> None:
    """``unit_class`` where the recorder takes it (it is required there), not before."""
    meta = metadata(COST, "cost", CALL_COST)
    assert meta["mean_type"] is not None
    assert ("unit_class" in meta) is METADATA_HAS_UNIT_CLASS


async def test_a_call_polled_while_the_backfill_is_paced_asks_nothing_more(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The next window is due within the minute anyway: it reads the new call, once."""
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.clock = lambda: time.monotonic()  # the frozen clock: its limit counts minutes
    account = zadarma.demo
    route = "zadarma GET /v1/statistics/"
    await setup_entry(hass, zadarma_entry)
    await _settle(hass)
    account.add_call(
        from_="48221234567", to="48601234567", billseconds=60, cost=0.5, callstart=dt_util.utcnow()
    )
    before = simulator.control.counts[route]

    await zadarma_entry.runtime_data.calls.async_refresh()
    await _settle(hass)

    # The poll's own request only; the import keeps its pace.
    assert simulator.control.counts[route] == before + 1
    for _ in range(16):  # a year in windows of 28 days, one request a minute
        await advance(hass, freezer, timedelta(minutes=1))
    await _settle(hass)
    start = months_before(NOW, 12)
    total = sum(call.billcost for call in account.calls if start <= call.callstart)
    last = await recorder_mock.async_add_executor_job(
        get_last_statistics, hass, 1, ZADARMA_COST, True, {"sum"}
    )
    assert last[ZADARMA_COST][0]["sum"] == pytest.approx(total)
    assert account.rate_limited == 0


async def test_progress_of_a_series_this_version_does_not_write_is_passed_over(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Kept progress naming a series unknown here (another version's): the rest goes on."""
    _history(simulator, calls_per_day=6, dense=0)
    start = months_before(NOW, 12)
    until = _hour(NOW) - timedelta(days=10)
    hass_storage["telco.history.odorik_1234567"] = stored(
        "telco.history.odorik_1234567",
        {
            kind: {"start": start.isoformat(), "until": until.isoformat(), "bases": {key: 3.0}}
            for kind, key in (("calls", "sms_cost"), ("mobile_data", "roaming_used"))
        },
    )

    await setup_entry(hass, odorik_entry)
    await _settle(hass)

    # Taken up where the progress says: the hours before were written then.
    expected = {
        statistic: since
        for statistic, hours in _odorik_expected(simulator).items()
        if (since := {hour: value for hour, value in hours.items() if hour >= until})
    }
    assert {COST, DURATION, DATA_081} <= set(expected)
    listed = await recorder_mock.async_add_executor_job(list_statistic_ids, hass)
    assert {item["statistic_id"] for item in listed if item["source"] == DOMAIN} == set(expected)
    rows = await _rows(recorder_mock, hass, set(expected))
    assert min(min(hours) for hours in rows.values()) == until
    _assert_equal(rows, expected)
