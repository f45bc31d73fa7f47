"""Binary sensors: SIM changes in progress, SIP lines online, test mode."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from tests.common import FROZEN_NOW, advance, entities_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def test_binary_sensors(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    assert entities_of(hass, odorik_entry, "binary_sensor") == snapshot(name="odorik")
    assert entities_of(hass, zadarma_entry, "binary_sensor") == snapshot(name="zadarma")


async def test_sip_online_follows_registration(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, zadarma_entry)
    entity_id = "binary_sensor.zadarma_453101_sip_100002_online"
    assert hass.states.get(entity_id).state == STATE_OFF

    account = simulator.app[ZADARMA_KEY].accounts["1c64dee7ee7638e3a507"]
    account.sips["100002"].online = True
    # Each line's status is read in turns (here one line a turn), within 5 minutes.
    for _ in range(2):
        await advance(hass, freezer, timedelta(minutes=2.5))
    assert hass.states.get(entity_id).state == STATE_ON

    del account.sips["100002"]
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE


async def test_test_mode_once_enabled_follows_the_number_and_lists_nothing(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The diagnostic test-mode sensor is off by default; enabled, it shows the number's mode."""
    await setup_entry(hass, zadarma_entry)
    entity_id = "binary_sensor.442037691880_test_mode"
    er.async_get(hass).async_update_entity(entity_id, disabled_by=None)
    await hass.config_entries.async_reload(zadarma_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(entity_id)
    assert state.state == STATE_OFF
    # No details of its own: only what every entity has.
    assert set(state.attributes) == {"friendly_name"}

    account = simulator.app[ZADARMA_KEY].accounts["1c64dee7ee7638e3a507"]
    account.numbers["442037691880"].is_on_test = True
    await advance(hass, freezer, timedelta(minutes=5))
    state = hass.states.get(entity_id)
    assert state.state == STATE_ON
    assert set(state.attributes) == {"friendly_name"}
