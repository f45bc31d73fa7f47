"""Buttons: mobile data restart."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from tests.common import FROZEN_NOW, entities_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def _press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_buttons(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    assert entities_of(hass, odorik_entry, "button") == snapshot


async def test_data_restart_reaches_the_operator(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    await _press(hass, "button.sim_420_799_799_081_restart_mobile_data")
    assert simulator.app[ODORIK_KEY].sims["00420799799081"].data_restarts == 1


@pytest.mark.parametrize(
    ("number", "prepare", "reason"),
    [
        ("082", lambda odorik: None, "refused_mobile_data_disabled"),
        ("081", lambda odorik: setattr(odorik, "balance", -5.0), "refused_low_balance"),
    ],
)
async def test_data_restart_refusals_are_translated(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    number: str,
    prepare: object,
    reason: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    prepare(odorik)  # type: ignore[operator]
    with pytest.raises(HomeAssistantError) as err:
        await _press(hass, f"button.sim_420_799_799_{number}_restart_mobile_data")
    assert err.value.translation_key == reason
    assert odorik.sims[f"00420799799{number}"].data_restarts == 0
