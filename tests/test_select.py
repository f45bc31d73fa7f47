"""Selects: roaming profile and next month's data package."""

from __future__ import annotations

import json
import logging
from pathlib import Path

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
from tests.simulator import SimulatorServer, odorik as odorik_simulator
from tests.simulator.odorik import ODORIK_KEY

SIM = "00420799799081"
ROAMING_PROFILE = "select.sim_420_799_799_081_roaming_profile"
PACKAGE_NEXT_MONTH = "select.sim_420_799_799_081_data_package_next_month"
STRINGS = Path(__file__).parents[1] / "custom_components" / "telco" / "strings.json"


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
    # The option is a translation key; Odorik is sent its own name for the package.
    await _select(hass, entity_id, "3000mb")
    settings = simulator.app[ODORIK_KEY].sims[SIM].settings
    assert settings["data_package_for_next_month"] == "3000MB"
    assert hass.states.get(entity_id).state == "3000mb"


@pytest.mark.parametrize(
    ("entity_id", "key"),
    [(ROAMING_PROFILE, "roaming_profile"), (PACKAGE_NEXT_MONTH, "data_package_next_month")],
)
async def test_every_option_odorik_documents_has_a_label(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    entity_id: str,
    key: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    state = hass.states.get(entity_id)
    labels = json.loads(STRINGS.read_text())["entity"]["select"][key]["state"]
    assert state.attributes["options"]
    assert set(state.attributes["options"]) <= set(labels)
    assert state.state in labels


async def test_undocumented_package_is_offered_and_sent_by_its_name(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(
        odorik_simulator, "DATA_PACKAGES", [*odorik_simulator.DATA_PACKAGES, ("Promo_5GB", 99)]
    )
    await setup_entry(hass, odorik_entry)
    assert "promo_5gb" in hass.states.get(PACKAGE_NEXT_MONTH).attributes["options"]

    await _select(hass, PACKAGE_NEXT_MONTH, "promo_5gb")
    settings = simulator.app[ODORIK_KEY].sims[SIM].settings
    assert settings["data_package_for_next_month"] == "Promo_5GB"
    assert hass.states.get(PACKAGE_NEXT_MONTH).state == "promo_5gb"
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


async def test_option_not_offered_is_refused_before_sending(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    puts = simulator.control.counts["odorik PUT /api/v1/sim_cards/{phone}.json"]
    with pytest.raises(ServiceValidationError):
        await _select(hass, "select.sim_420_799_799_081_roaming_profile", "mars_outgoing")
    assert simulator.control.counts["odorik PUT /api/v1/sim_cards/{phone}.json"] == puts
