"""Setting up, unloading and recovering config entries."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, advance, device_with, devices_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY


async def test_odorik_entry_loads_and_unloads(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    odorik_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert odorik_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.odorik_1234567_balance").state == "554.03"

    assert await hass.config_entries.async_unload(odorik_entry.entry_id)
    assert odorik_entry.state is ConfigEntryState.NOT_LOADED


async def test_zadarma_entry_loads_and_unloads(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(zadarma_entry.entry_id)
    await hass.async_block_till_done()
    assert zadarma_entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(zadarma_entry.entry_id)
    assert zadarma_entry.state is ConfigEntryState.NOT_LOADED


@pytest.fixture
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_unreachable_operator_retries_setup(
    hass: HomeAssistant, simulator: SimulatorServer, request: pytest.FixtureRequest, operator: str
) -> None:
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    simulator.control.faults[operator].outage = True
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_refused_credentials_start_reauthentication(
    hass: HomeAssistant, simulator: SimulatorServer, request: pytest.FixtureRequest, operator: str
) -> None:
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    simulator.control.faults[operator].reject_auth = True
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_credentials_refused_while_running_start_reauthentication(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].reject_auth = True
    await advance(hass, freezer, timedelta(minutes=5))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.usefixtures("_frozen")
async def test_devices(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    assert devices_of(hass, odorik_entry) == snapshot(name="odorik")
    assert devices_of(hass, zadarma_entry) == snapshot(name="zadarma")


@pytest.mark.usefixtures("_frozen")
async def test_sim_cards_come_and_go_without_reload(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    old = device_with(hass, odorik_entry, f"{odorik_entry.unique_id}_sim_00420799799082")
    assert old is not None

    # The SIM card moves to a new number: one SIM leaves, another arrives.
    card = odorik.sims.pop("00420799799082")
    card.phone_number = "00420799799083"
    odorik.sims["00420799799083"] = card
    await advance(hass, freezer, timedelta(minutes=5))

    assert hass.states.get("switch.sim_420_799_799_083_mobile_data") is not None
    assert dr.async_get(hass).async_get(old.id) is None
    assert er.async_get(hass).async_get("switch.sim_420_799_799_082_mobile_data") is None
    assert odorik_entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("_frozen")
async def test_direct_numbers_and_public_numbers_leaving_remove_devices(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    public = f"{odorik_entry.unique_id}_public_number_00420910110910"
    direct = f"{zadarma_entry.unique_id}_direct_number_48221234567"
    assert device_with(hass, odorik_entry, public) is not None
    assert device_with(hass, zadarma_entry, direct) is not None

    del simulator.app[ODORIK_KEY].public_numbers["00420910110910"]
    del simulator.app[ZADARMA_KEY].demo.numbers["48221234567"]
    await advance(hass, freezer, timedelta(minutes=15))

    assert device_with(hass, odorik_entry, public) is None
    assert device_with(hass, zadarma_entry, direct) is None
