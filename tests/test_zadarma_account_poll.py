"""Zadarma's account poll: one round trip while the SIP lines stay the same."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY, SimSip


def _paths(simulator: SimulatorServer) -> list[str]:
    return [path for _, path, _ in simulator.app[ZADARMA_KEY].received]


async def test_known_lines_are_asked_in_turns_not_with_the_lists(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    """The account poll asks no status of a SIP line it knows (those are read in turns,
    every 30 s); a new line's once the list shows it; a line gone costs nothing.

    Before, every line's status went with each account poll: 53 requests in one minute
    at 50 lines (scripts/bench cycles), 55 % of Zadarma's 100 a minute."""
    await setup_entry(hass, zadarma_entry)
    coordinator = zadarma_entry.runtime_data.account
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.demo.sips["100003"] = SimSip("100003", "New line", lines=1, online=True)
    zadarma.demo.sips["100002"].online = True
    del zadarma.demo.sips["100001"]
    zadarma.received.clear()

    await coordinator.async_refresh()

    assert coordinator.last_update_success
    paths = _paths(simulator)
    listed = paths.index("/v1/sip/")
    assert "/v1/sip/100001/status/" not in paths
    assert "/v1/sip/100002/status/" not in paths
    assert paths.index("/v1/sip/100003/status/") > listed
    # The known line keeps the status of its last turn until its next one.
    assert coordinator.data.sip_online == {"100002": False, "100003": True}
    assert set(coordinator.data.sips) == {"100002", "100003"}
    assert len(paths) == 3 + 1  # balance, numbers, SIP list and the new line's status
