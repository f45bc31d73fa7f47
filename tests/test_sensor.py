"""Sensors of both operators."""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from zoneinfo import ZoneInfo

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, advance, entities_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def test_odorik_sensors(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    assert entities_of(hass, odorik_entry, "sensor") == snapshot


@pytest.mark.parametrize(
    ("package", "shown"),
    [("perKB_50MB", "per_kb_50mb"), ("1000MB", "1000mb"), ("Promo_5GB", "promo_5gb")],
)
async def test_data_package_is_a_translation_key(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    package: str,
    shown: str,
) -> None:
    """Odorik's package is shown by its key; one it never documented is added as it is."""
    simulator.app[ODORIK_KEY].sims["00420799799081"].settings["data_package"] = package
    await setup_entry(hass, odorik_entry)
    state = hass.states.get("sensor.sim_420_799_799_081_data_package")
    assert state.state == shown
    assert state.attributes["device_class"] == "enum"
    assert shown in state.attributes["options"]
    assert "per_kb_50mb" in state.attributes["options"]
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


async def test_zadarma_sensors(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, zadarma_entry)
    assert entities_of(hass, zadarma_entry, "sensor") == snapshot


@pytest.mark.parametrize(
    ("status", "shown"), [("", "unknown"), ("reserved_until_2026-12-01", "reserved")]
)
async def test_a_number_status_zadarma_leaves_out_is_unknown(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    status: str,
    shown: str,
) -> None:
    simulator.app[ZADARMA_KEY].demo.numbers["442037691880"].status = status
    await setup_entry(hass, zadarma_entry)
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, "zadarma_453101_442037691880_number_status"
    )
    assert entity_id is not None
    assert hass.states.get(entity_id).state == shown


async def test_active_calls_follow_the_operator(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    entity_id = "sensor.odorik_1234567_active_calls"
    assert hass.states.get(entity_id).state == "1"

    odorik = simulator.app[ODORIK_KEY]
    odorik.add_active_call(
        source_number="00420799799081", destination_number="00420222333444", line=403366
    )
    await advance(hass, freezer, timedelta(seconds=30))

    state = hass.states.get(entity_id)
    assert state.state == "2"
    assert {call["destination_number"] for call in state.attributes["calls"]} == {
        "00420533533533",
        "00420222333444",
    }


async def test_mobile_data_is_read_incrementally(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A poll re-reads from the last day seen: new records add up, the month is not re-read."""
    await setup_entry(hass, odorik_entry)
    entity_id = "sensor.sim_420_799_799_081_data_used_this_month"
    before = float(hass.states.get(entity_id).state)
    cost_before = float(hass.states.get("sensor.sim_420_799_799_081_data_cost_this_month").state)
    # Another 5 MB today, booked by the operator as a new record.
    async with session.post(
        f"{simulator.url}/_control/odorik/mobile_data",
        json={"bytes_up": 1_000_000, "bytes_down": 4_000_000, "price_per_mb": 0.1},
    ) as response:
        assert response.status == 200
    await advance(hass, freezer, timedelta(minutes=15))

    assert float(hass.states.get(entity_id).state) == pytest.approx(before + 5.0)
    cost = float(hass.states.get("sensor.sim_420_799_799_081_data_cost_this_month").state)
    assert cost == pytest.approx(cost_before + 5_000_000 / 2**20 * 0.1, abs=0.001)
    # The next poll starts at the last day seen (today in Prague), not the 1st of the month.
    ledger = odorik_entry.runtime_data.mobile_data.ledger
    assert ledger.cursor == datetime(2026, 11, 15, tzinfo=ZoneInfo("Europe/Prague"))
    # One request for all SIM cards per poll: the first refresh and this one.
    assert simulator.control.counts["odorik GET /api/v1/sim_cards/mobile_data.json"] == 2


async def test_sensors_unavailable_during_outage_and_recover(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    entity_id = "sensor.odorik_1234567_balance"

    simulator.control.faults["odorik"].outage = True
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE

    simulator.control.faults["odorik"].outage = False
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get(entity_id).state == "554.03"


async def test_mobile_data_restarts_with_the_prague_month(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to("2026-11-30T22:00:00+00:00")  # 23:00 on 30 November in Prague
    await setup_entry(hass, odorik_entry)
    entity_id = "sensor.sim_420_799_799_081_data_used_this_month"
    assert float(hass.states.get(entity_id).state) > 0

    # 23:15 UTC is already 1 December in Prague: a new month with nothing used yet.
    await advance(hass, freezer, timedelta(minutes=75))
    ledger = odorik_entry.runtime_data.mobile_data.ledger
    assert ledger.month == datetime(2026, 12, 1, tzinfo=ZoneInfo("Europe/Prague"))
    assert float(hass.states.get(entity_id).state) == 0.0
