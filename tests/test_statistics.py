"""Long-term statistics of the month-to-date sensors across the 1st of the month."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    StatisticsRow,
    statistics_during_period,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from tests.common import advance, setup_entry
from tests.simulator import SimulatorServer

PRAGUE = ZoneInfo("Europe/Prague")
NOVEMBER = datetime(2026, 11, 1, tzinfo=PRAGUE)
DECEMBER = datetime(2026, 12, 1, tzinfo=PRAGUE)  # 23:00 UTC on 30 November
# 21:59 in Prague: the polls every 15 minutes end November at 23:59.
START = datetime(2026, 11, 30, 20, 59, tzinfo=dt_util.UTC)
POLL = timedelta(minutes=15)  # both the account and the mobile data are read again
FIVE_MINUTES = timedelta(minutes=5)
FIRST_HOUR = START.replace(minute=0)

ACCOUNT = "sensor.odorik_1234567"
SIM = "sensor.sim_420_799_799_081"
COSTS = (f"{ACCOUNT}_outgoing_call_cost_this_month", f"{SIM}_data_cost_this_month")
MONTH_TO_DATE = (
    f"{ACCOUNT}_outgoing_calls_this_month",
    f"{ACCOUNT}_outgoing_call_time_this_month",
    f"{ACCOUNT}_incoming_calls_this_month",
    f"{ACCOUNT}_incoming_call_time_this_month",
    f"{ACCOUNT}_redirected_calls_this_month",
    f"{ACCOUNT}_missed_calls_this_month",
    f"{SIM}_data_used_this_month",
    *COSTS,
)


@pytest.fixture(autouse=True)
def _custom_integrations(recorder_mock: Recorder, enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom integrations, with the recorder set up before it.

    The recorder must be set up before ``hass``; the shared fixture of this name would
    start ``hass`` first.
    """


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    # Before the simulator seeds its 60 days of calls and data, which end now.
    freezer.move_to(START)


async def _book(session: aiohttp.ClientSession, simulator: SimulatorServer) -> None:
    """Book calls of every kind and priced mobile data on the Odorik account, now."""
    calls: list[dict[str, Any]] = [
        {"direction": "out", "length": 120, "price_per_minute": 1.0},
        {"direction": "in", "length": 60},
        {"direction": "redirected", "length": 60, "price_per_minute": 0.35},
        {"direction": "in", "length": 0, "status": "missed"},
    ]
    for call in calls:
        async with session.post(f"{simulator.url}/_control/odorik/calls", json=call) as response:
            assert response.status == 200
    data = {"bytes_down": 10 * 2**20, "price_per_mb": 0.1}
    async with session.post(f"{simulator.url}/_control/odorik/mobile_data", json=data) as response:
        assert response.status == 200


def _values(hass: HomeAssistant) -> dict[str, float]:
    return {entity_id: float(hass.states.get(entity_id).state) for entity_id in MONTH_TO_DATE}


async def _compile_statistics(hass: HomeAssistant) -> None:
    """Compile every 5-minute period that has ended, as the recorder does on its own.

    The period ending on the hour also compiles that hour's long-term statistics.
    """
    await async_wait_recording_done(hass)
    start = FIRST_HOUR
    while start + FIVE_MINUTES <= dt_util.utcnow():
        do_adhoc_statistics(hass, start=start)
        start += FIVE_MINUTES
    await async_wait_recording_done(hass)


async def _statistics(
    recorder: Recorder, hass: HomeAssistant, period: Literal["5minute", "hour"]
) -> dict[str, list[StatisticsRow]]:
    """Return the sums and cycles compiled per ``period`` since the first hour."""
    return await recorder.async_add_executor_job(
        statistics_during_period,
        hass,
        FIRST_HOUR,
        None,
        set(MONTH_TO_DATE),
        period,
        None,
        {"sum", "last_reset"},
    )


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await advance(hass, freezer, POLL)
    await _compile_statistics(hass)


async def test_sums_keep_growing_into_the_next_month(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The drop to zero on the 1st (Prague time) is a new cycle, not a negative change."""
    await setup_entry(hass, odorik_entry)
    first = _values(hass)
    await _book(session, simulator)
    for _ in range(8):  # up to 23:59 on 30 November in Prague
        await _poll(hass, freezer)
    november = _values(hass)
    assert all(november[entity_id] > first[entity_id] for entity_id in MONTH_TO_DATE)

    # 00:01 on 1 December, before the next poll: changing a SIM card re-reads only the
    # SIM cards, so the sensors still show November's totals, and must still say so.
    freezer.move_to(DECEMBER + timedelta(minutes=1))
    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: "switch.sim_420_799_799_081_mobile_data"},
        blocking=True,
    )
    assert _values(hass) == november
    for entity_id in COSTS:
        assert hass.states.get(entity_id).attributes["last_reset"] == NOVEMBER.isoformat()

    await _poll(hass, freezer)
    assert set(_values(hass).values()) == {0.0}
    for entity_id in COSTS:
        assert hass.states.get(entity_id).attributes["last_reset"] == DECEMBER.isoformat()
    await _book(session, simulator)
    for _ in range(3):  # up to 01:01 in Prague, past December's first hour
        await _poll(hass, freezer)
    december = _values(hass)
    assert all(december[entity_id] > 0 for entity_id in MONTH_TO_DATE)

    five_minutes = await _statistics(recorder_mock, hass, "5minute")
    hours = await _statistics(recorder_mock, hass, "hour")
    for entity_id in MONTH_TO_DATE:
        expected = november[entity_id] - first[entity_id] + december[entity_id]
        for rows in (five_minutes[entity_id], hours[entity_id]):
            sums = [row["sum"] for row in rows]
            assert sums == sorted(sums), entity_id
            assert sums[-1] == pytest.approx(expected), entity_id
        # From 21:00 in Prague to December's first hour.
        assert [row["start"] for row in hours[entity_id]] == [
            (FIRST_HOUR + timedelta(hours=hour)).timestamp() for hour in range(4)
        ]
    for entity_id in COSTS:
        assert [row["last_reset"] for row in hours[entity_id]] == [
            *[NOVEMBER.timestamp()] * 3,
            DECEMBER.timestamp(),
        ]
