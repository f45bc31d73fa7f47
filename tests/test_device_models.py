"""Device models in Home Assistant's language.

Home Assistant translates device names, not models; the integration looks the
model up in the system language, as the device registry does for a name.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.model.descriptions import device_model
from tests.common import FROZEN_NOW, devices_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import odorik_simulator

MODELS = {
    "en": {
        "Odorik 1234567": "Account",
        "SIM +420 799 799 081": "SIM card",
        "+420 533 533 533": "Public number (geographic)",
        "Zadarma 453101": "Account",
        "+442037691880": "Direct number",
    },
    "cs": {
        "Odorik 1234567": "Účet",
        "SIM +420 799 799 081": "SIM karta",
        "+420 533 533 533": "Veřejné číslo (geografické)",
        "Zadarma 453101": "Účet",
        "+442037691880": "Přímé číslo",
    },
    "pl": {
        "Odorik 1234567": "Konto",
        "SIM +420 799 799 081": "Karta SIM",
        "+420 533 533 533": "Numer publiczny (geograficzny)",
        "Zadarma 453101": "Konto",
        "+442037691880": "Numer wirtualny",
    },
}


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.mark.parametrize("language", sorted(MODELS))
async def test_device_models_are_in_the_system_language(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    language: str,
) -> None:
    hass.config.language = language
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)

    models = {
        device["name"]: device["model"]
        for entry in (odorik_entry, zadarma_entry)
        for device in devices_of(hass, entry)
    }
    assert {name: models.get(name) for name in MODELS[language]} == MODELS[language]


async def test_undocumented_kind_and_missing_key(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    hass.config.language = "cs"
    await setup_entry(hass, odorik_entry)  # loads the integration's translations
    kind = device_model(hass, "model_public_number_kind", "Public number ({kind})", kind="xyz")
    assert kind == "Veřejné číslo (xyz)"
    assert device_model(hass, "model_nonexistent", "Fallback {x}", x="1") == "Fallback 1"


async def test_public_numbers_of_no_kind_or_an_undocumented_kind(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """Odorik may leave the kind out or name one it does not document: both are shown."""
    hass.config.language = "cs"
    numbers = odorik_simulator(simulator).public_numbers
    numbers["00420533533533"].type = ""
    numbers["00420910110910"].type = "tollfree"
    await setup_entry(hass, odorik_entry)
    models = {device["name"]: device["model"] for device in devices_of(hass, odorik_entry)}
    assert models["+420 533 533 533"] == "Veřejné číslo"
    assert models["+420 910 110 910"] == "Veřejné číslo (tollfree)"


async def test_a_translation_needing_a_placeholder_not_given_falls_back(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """A model is never left with a ``{kind}`` unfilled, nor raises: the default is shown."""
    hass.config.language = "cs"
    await setup_entry(hass, odorik_entry)
    assert device_model(hass, "model_public_number_kind", "Public number") == "Public number"
