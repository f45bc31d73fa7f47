"""Texts: a direct number's caller name."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.text import ATTR_VALUE, DOMAIN as TEXT_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from tests.common import FROZEN_NOW, entities_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY

ENTITY = "text.442037691880_caller_name"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def _set(hass: HomeAssistant, value: str) -> None:
    await hass.services.async_call(
        TEXT_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: ENTITY, ATTR_VALUE: value}, blocking=True
    )


async def test_texts(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, zadarma_entry)
    assert entities_of(hass, zadarma_entry, "text") == snapshot


async def test_caller_name_is_set_and_cleared(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    number = simulator.app[ZADARMA_KEY].accounts["1c64dee7ee7638e3a507"].numbers["442037691880"]

    await _set(hass, "LondonDesk2")
    assert number.number_name == "LondonDesk2"
    # The number's type, learned from the list of numbers, goes with the change.
    method, path, params = simulator.app[ZADARMA_KEY].received[-2]
    assert (method, path) == ("PUT", "/v1/direct_numbers/set_caller_name/")
    assert params["type"] == "common"
    assert hass.states.get(ENTITY).state == "LondonDesk2"

    await _set(hass, "")
    assert not number.number_name
    assert hass.states.get(ENTITY).state == ""


@pytest.mark.parametrize("value", ["Café", "With space", "x" * 31])
async def test_invalid_caller_name_is_refused_before_sending(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry, value: str
) -> None:
    await setup_entry(hass, zadarma_entry)
    sent = simulator.control.counts["zadarma PUT /v1/direct_numbers/set_caller_name/"]
    # Home Assistant's own text validation: translated from 2026.11 on, a bare ValueError before.
    refusal = ServiceValidationError if (MAJOR_VERSION, MINOR_VERSION) >= (2026, 11) else ValueError
    with pytest.raises(refusal):
        await _set(hass, value)
    assert simulator.control.counts["zadarma PUT /v1/direct_numbers/set_caller_name/"] == sent
