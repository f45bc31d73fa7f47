"""Odorik's routing is read on change: each number hourly and staggered, a change at once.

Also the account's call statistics, read only after the call history showed records.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import FROZEN_NOW, advance, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY

ROUTES = "odorik GET /api/v1/public_numbers/{number}/routes.json"
RINGINGS = "odorik GET /api/v1/public_numbers/{number}/ringings.json"
LIST = "odorik GET /api/v1/public_numbers.json"
STATISTICS = "odorik GET /api/v1/call_statistics.json"
BALANCE = "odorik GET /api/v1/balance"
NUMBER = "00420533533533"
ROUTING = "sensor.420_533_533_533_routing_rules"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


def _count(simulator: SimulatorServer, key: str) -> int:
    return sum(value for name, value in simulator.control.counts.items() if name == key)


async def test_edit_elsewhere_shows_within_the_hour_each_number_read_once(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An edit made outside Home Assistant shows within an hour; each number is read
    once in it, a share of them at each 15-minute poll, and the list at every poll."""
    await setup_entry(hass, odorik_entry)
    routing = odorik_entry.runtime_data.routing
    numbers = len(routing.data)
    before = hass.states.get(ROUTING).state
    odorik = simulator.app[ODORIK_KEY]
    odorik.public_numbers[NUMBER].routes.append(
        {
            "id": 99_000_001,
            "public_number": NUMBER,
            "source_number": "00420777666555",
            "ringing_number": "*403366",
        }
    )
    simulator.control.counts.clear()
    per_poll = []
    for _ in range(4):
        reads = _count(simulator, ROUTES)
        await advance(hass, freezer, timedelta(minutes=15))
        per_poll.append(_count(simulator, ROUTES) - reads)

    assert hass.states.get(ROUTING).state == str(int(before) + 1)
    assert sum(per_poll) == numbers  # each number once in the hour
    assert max(per_poll) <= -(-numbers // 4)  # spread over the polls, not read together
    assert _count(simulator, LIST) == 4


async def test_update_entity_reads_only_that_number(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    await async_setup_component(hass, "homeassistant", {})
    odorik = simulator.app[ODORIK_KEY]
    odorik.public_numbers[NUMBER].routes.append(
        {
            "id": 99_000_002,
            "public_number": NUMBER,
            "source_number": "00420777666555",
            "ringing_number": "*403366",
        }
    )
    before = int(hass.states.get(ROUTING).state)
    simulator.control.counts.clear()

    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": ROUTING}, blocking=True
    )

    assert int(hass.states.get(ROUTING).state) == before + 1
    assert _count(simulator, ROUTES) == 1
    assert _count(simulator, LIST) == 0


async def test_ringings_come_from_star_routes_else_from_ringings(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """A number whose routes hold a * rule costs one request; one without costs two."""
    odorik = simulator.app[ODORIK_KEY]
    await setup_entry(hass, odorik_entry)
    routing = odorik_entry.runtime_data.routing
    simulator.control.counts.clear()
    star = odorik.public_numbers[NUMBER]
    star.routes[:] = [
        {
            "id": 99_000_003,
            "public_number": NUMBER,
            "source_number": "*",
            "ringing_number": "*403366",
        }
    ]

    read = await routing.async_read_public_number(NUMBER)

    assert [item.ringing_number for item in read.ringings] == ["*403366"]
    assert (_count(simulator, ROUTES), _count(simulator, RINGINGS)) == (1, 0)

    star.routes[:] = []
    read = await routing.async_read_public_number(NUMBER)

    assert read.ringings == []
    assert (_count(simulator, ROUTES), _count(simulator, RINGINGS)) == (2, 1)


async def test_statistics_not_read_again_while_no_call_comes(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.control.counts.clear()

    for _ in range(3):
        await advance(hass, freezer, timedelta(minutes=5))

    assert _count(simulator, BALANCE) == 3
    assert _count(simulator, STATISTICS) == 0


async def test_statistics_read_on_the_account_poll_after_a_new_call(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    await advance(hass, freezer, timedelta(minutes=5))  # the first calls poll finds its cursor
    simulator.control.counts.clear()
    simulator.app[ODORIK_KEY].add_calls(1, direction="in")

    # The calls poll (every 30 s) sees the record; the next account poll reads them.
    for _ in range(10):
        await advance(hass, freezer, timedelta(seconds=30))

    assert _count(simulator, STATISTICS) == 1


@pytest.mark.parametrize("fault", ["http_500", "text_error"])
async def test_update_entity_during_a_fault_keeps_what_was_shown(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry, fault: str
) -> None:
    """A re-read that fails changes nothing shown, and the routing stays available."""
    await setup_entry(hass, odorik_entry)
    await async_setup_component(hass, "homeassistant", {})
    before = hass.states.get(ROUTING).state
    simulator.app[ODORIK_KEY].public_numbers[NUMBER].routes.clear()
    simulator.inject("odorik", fault, endpoint="GET */routes.json")

    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": ROUTING}, blocking=True
    )

    assert hass.states.get(ROUTING).state == before
    assert odorik_entry.runtime_data.routing.data[NUMBER].readable


async def test_update_entity_of_a_number_the_login_may_no_longer_read_marks_it(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """Odorik refusing the number on a re-read marks its routing unread: unavailable."""
    await setup_entry(hass, odorik_entry)
    await async_setup_component(hass, "homeassistant", {})
    del simulator.app[ODORIK_KEY].public_numbers[NUMBER]

    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": ROUTING}, blocking=True
    )

    routing = odorik_entry.runtime_data.routing.data[NUMBER]
    assert routing.refused == "nonexisting_public_number"
    assert hass.states.get(ROUTING).state == "unavailable"


async def test_update_entity_of_an_account_sensor_polls_its_coordinator(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """The coordinators that read all their items at once poll on ``update_entity``."""
    await setup_entry(hass, odorik_entry)
    await async_setup_component(hass, "homeassistant", {})
    simulator.app[ODORIK_KEY].balance = 123.45
    simulator.control.counts.clear()

    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": "sensor.odorik_1234567_balance"},
        blocking=True,
    )

    assert float(hass.states.get("sensor.odorik_1234567_balance").state) == 123.45
    assert _count(simulator, BALANCE) == 1
    assert _count(simulator, ROUTES) == 0


async def test_update_entity_of_a_number_no_longer_listed_reads_the_list(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A number gone from the list keeps its entities a while; updating one asks the list."""
    await setup_entry(hass, odorik_entry)
    await async_setup_component(hass, "homeassistant", {})
    del simulator.app[ODORIK_KEY].public_numbers[NUMBER]
    await advance(hass, freezer, timedelta(minutes=15))
    assert NUMBER not in odorik_entry.runtime_data.routing.data
    assert hass.states.get(ROUTING).state == "unavailable"
    simulator.control.counts.clear()

    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": ROUTING}, blocking=True
    )

    assert _count(simulator, LIST) == 1
    assert hass.states.get(ROUTING).state == "unavailable"
