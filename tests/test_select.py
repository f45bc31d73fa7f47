"""Selects: roaming profile and next month's data package."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from tests.common import FROZEN_NOW, entities_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY

SIM = "00420799799081"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


async def test_selects(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    assert entities_of(hass, odorik_entry, "select") == snapshot


async def test_roaming_profile_reaches_the_operator(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    entity_id = "select.sim_420_799_799_081_roaming_profile"
    await _select(hass, entity_id, "world_outgoing")
    assert simulator.app[ODORIK_KEY].sims[SIM].settings["roaming"] == "world_outgoing"
    assert hass.states.get(entity_id).state == "world_outgoing"
    assert hass.states.get("switch.sim_420_799_799_081_roaming").state == "on"


async def test_data_package_for_next_month(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    entity_id = "select.sim_420_799_799_081_data_package_next_month"
    await _select(hass, entity_id, "3000MB")
    settings = simulator.app[ODORIK_KEY].sims[SIM].settings
    assert settings["data_package_for_next_month"] == "3000MB"
    assert hass.states.get(entity_id).state == "3000MB"


async def test_option_not_offered_is_refused_before_sending(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    puts = simulator.control.counts["odorik PUT /api/v1/sim_cards/{phone}.json"]
    with pytest.raises(ServiceValidationError):
        await _select(hass, "select.sim_420_799_799_081_roaming_profile", "mars_outgoing")
    assert simulator.control.counts["odorik PUT /api/v1/sim_cards/{phone}.json"] == puts
