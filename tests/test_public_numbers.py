"""Public numbers a login may list but not read, and numbers missing from one answer.

Document 000: the list holds every public number of the account, also for a line
login, and reading another line's number answers ``unauthorized``. One such number
must not take the others' entities down, nor any device with it.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import CONF_OPERATOR, DOMAIN
from tests.common import FROZEN_NOW, act, advance, device_with, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import LINE_PASSWORDS, ODORIK_KEY

LINE = 403366
OWN = "00420533533533"  # the line's own number
OTHERS = "00420910110910"  # the other line's
OWN_ROUTING = "sensor.420_533_533_533_routing_rules"
OTHERS_ROUTING = "sensor.420_910_110_910_routing_rules"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.fixture
def line_entry(simulator: SimulatorServer) -> MockConfigEntry:
    """Return a config entry of the first line of the demo account, by its line login."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Odorik line {LINE}",
        unique_id=f"odorik_line_{LINE}",
        data={
            CONF_OPERATOR: "odorik",
            CONF_USERNAME: str(LINE),
            CONF_PASSWORD: LINE_PASSWORDS[LINE],
            CONF_URL: simulator.odorik_url,
        },
    )


def _number_device(entry: MockConfigEntry, number: str) -> str:
    return f"{entry.unique_id}_public_number_{number}"


async def test_line_login_shows_its_own_numbers_beside_those_it_may_not_read(
    hass: HomeAssistant, simulator: SimulatorServer, line_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, line_entry)

    assert line_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(OWN_ROUTING).state == "2"
    # Listed, not readable: no entity, no device.
    assert hass.states.get(OTHERS_ROUTING) is None
    assert device_with(hass, line_entry, _number_device(line_entry, OTHERS)) is None
    routing = line_entry.runtime_data.routing
    assert routing.last_update_success
    assert routing.data[OTHERS].refused == "unauthorized"

    response = await act(hass, "get_routing", line_entry)
    assert [item["public_number"] for item in response["public_numbers"]] == [OWN]


async def _hour(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run the routing polls of an hour, one every 15 minutes."""
    for _ in range(4):
        await advance(hass, freezer, timedelta(minutes=15))


async def test_number_turning_unreadable_is_unavailable_and_keeps_its_device(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    line_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, line_entry)
    odorik = simulator.app[ODORIK_KEY]
    device = device_with(hass, line_entry, _number_device(line_entry, OWN))
    assert device is not None
    # The number moves to the other line: this login may not read it any more.
    odorik.public_numbers[OWN].line = 403367
    odorik.public_numbers[OTHERS].line = LINE

    # Each number's routing is read once an hour (the list every 15 minutes).
    await _hour(hass, freezer)
    assert hass.states.get(OWN_ROUTING).state == STATE_UNAVAILABLE
    await advance(hass, freezer, timedelta(hours=25))
    assert device_with(hass, line_entry, _number_device(line_entry, OWN)) == device
    assert er.async_get(hass).async_get(OWN_ROUTING) is not None

    odorik.public_numbers[OWN].line = LINE
    await _hour(hass, freezer)
    assert hass.states.get(OWN_ROUTING).state == "2"


async def test_other_failures_of_one_number_still_fail_the_poll(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An outage of one number's routing says nothing of it: no number is shown as read."""
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].failing = [f"GET /public_numbers/{OTHERS}/routes.json"]

    await _hour(hass, freezer)  # the poll that reads it within the hour fails, and those after

    assert not odorik_entry.runtime_data.routing.last_update_success
    assert hass.states.get(OWN_ROUTING).state == STATE_UNAVAILABLE
    assert device_with(hass, odorik_entry, _number_device(odorik_entry, OTHERS)) is not None


async def test_number_missing_from_one_list_keeps_its_device_and_the_others_show(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    device = device_with(hass, odorik_entry, _number_device(odorik_entry, OTHERS))
    assert device is not None

    missing = odorik.public_numbers.pop(OTHERS)
    await advance(hass, freezer, timedelta(minutes=15))
    assert hass.states.get(OTHERS_ROUTING).state == STATE_UNAVAILABLE
    assert hass.states.get(OWN_ROUTING).state == "2"
    assert device_with(hass, odorik_entry, _number_device(odorik_entry, OTHERS)) == device

    odorik.public_numbers[OTHERS] = missing
    await advance(hass, freezer, timedelta(minutes=15))
    assert hass.states.get(OTHERS_ROUTING).state == "1"
