"""Texts: a direct number's caller name."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.text import ATTR_VALUE, DOMAIN as TEXT_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, advance, entities_of, requests_sent, setup_entry
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


# Names Zadarma's web interface accepts, but its API and the client refuse.
FOREIGN_NAMES = ["My Office", "Kancelář Praha", "Reception of the London office, 2nd floor"]


@pytest.mark.parametrize("name", FOREIGN_NAMES)
async def test_caller_name_set_elsewhere_is_shown(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    account = simulator.app[ZADARMA_KEY].accounts["1c64dee7ee7638e3a507"]
    account.numbers["442037691880"].number_name = name

    await setup_entry(hass, zadarma_entry)
    state = hass.states.get(ENTITY)
    assert state is not None
    assert state.state == name
    # Later polls show it too, without an error for each.
    await advance(hass, freezer, timedelta(hours=1))
    assert hass.states.get(ENTITY).state == name
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("value", ["Café", "With space", "x" * 31])
async def test_invalid_caller_name_is_refused_before_sending(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry, value: str
) -> None:
    await setup_entry(hass, zadarma_entry)
    shown = hass.states.get(ENTITY).state
    before = requests_sent(simulator, "zadarma")
    with pytest.raises(ServiceValidationError) as err:
        await _set(hass, value)
    assert requests_sent(simulator, "zadarma") == before
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "invalid_caller_name_value"
    assert err.value.translation_placeholders == {"field": "caller_name", "value": value}
    # The state stays what Zadarma holds.
    assert hass.states.get(ENTITY).state == shown
