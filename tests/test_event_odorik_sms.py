"""Odorik's call event and SMS: read by date, not past a call id, each told once.

Odorik documents ``since_id`` as the id of the last *call* read; the SMS history
numbers its records by itself (the simulator gives them a counter of their own,
far below the call ids). SMS are therefore read by period with a look-back and
told once each by their id.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import FROZEN_NOW, advance, setup_entry, stored
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY, SMS_NAME
from tests.test_event import CURSOR_KEY, POLL, add_call, listen_for_events, record_ids

SIM = "00420799799081"
STRANGER = "00420601234567"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


def kinds(fired: list[Any]) -> list[str]:
    return [attributes["event_type"] for attributes in fired]


async def test_an_sms_first_does_not_replay_the_call_history(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The first record after the first start is an SMS, with an id far below the calls'."""
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    sms = await add_call(session, simulator, sms=True, destination_number=STRANGER)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [sms["id"]]

    # Sixty days of calls have ids above the SMS's: none of them is new.
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [sms["id"]]
    assert kinds(fired) == ["sms_sent"]


async def test_sms_after_calls_are_told(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An SMS whose id lies below the last call's is new all the same."""
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    call = await add_call(session, simulator, direction="in")
    await advance(hass, freezer, POLL)
    sent = await add_call(session, simulator, sms=True, destination_number=STRANGER)
    await advance(hass, freezer, POLL)
    later = await add_call(session, simulator, direction="out", destination_number=STRANGER)
    await advance(hass, freezer, POLL)

    assert record_ids(fired) == [call["id"], sent["id"], later["id"]]
    assert kinds(fired) == ["incoming_answered", "sms_sent", "outgoing"]
    # Read again by each poll of the look-back, each SMS is told once.
    for _ in range(4):
        await advance(hass, freezer, timedelta(minutes=15))
    assert len(fired) == 3


async def test_sms_are_told_once_across_restarts(
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
    first = await add_call(session, simulator, sms=True, destination_number=STRANGER)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"]]

    assert await hass.config_entries.async_unload(entry_id)
    freezer.tick(timedelta(minutes=5))
    second = await add_call(
        session, simulator, sms=True, inbound=True, source_number=STRANGER, destination_number=SIM
    )
    assert await hass.config_entries.async_setup(entry_id)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"], second["id"]]

    # Stopped for longer than the look-back: only what came meanwhile, once.
    assert await hass.config_entries.async_unload(entry_id)
    freezer.tick(timedelta(hours=5))
    third = await add_call(session, simulator, sms=True, destination_number=STRANGER)
    assert await hass.config_entries.async_setup(entry_id)
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"], second["id"], third["id"]]
    assert CURSOR_KEY in hass_storage


async def test_a_cursor_of_the_previous_version_keeps_working(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Version 1.x kept only ``since`` and ``last_id``: calls go on past it, SMS from now."""
    odorik = simulator.app[ODORIK_KEY]
    calls = [row for row in odorik.calls if row["destination_name"] != SMS_NAME]
    last_told = calls[-2]
    hass_storage[CURSOR_KEY] = stored(
        CURSOR_KEY, {"since": "2026-09-01T08:00:00+00:00", "last_id": last_told["id"]}
    )
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    call = await add_call(session, simulator, direction="in")
    sms = await add_call(session, simulator, sms=True, destination_number=STRANGER)
    await advance(hass, freezer, POLL)

    # The one call after the stored id, then what is new; no SMS from before the update.
    assert record_ids(fired) == [calls[-1]["id"], call["id"], sms["id"]]
    cursor = hass_storage[CURSOR_KEY]["data"]
    assert cursor["last_id"] == call["id"]
    assert cursor["since"] == "2026-09-01T08:00:00+00:00"

    # Kept in the new format, it goes on after a restart without telling anything twice.
    assert await hass.config_entries.async_reload(odorik_entry.entry_id)
    await advance(hass, freezer, POLL)
    assert len(fired) == 3
