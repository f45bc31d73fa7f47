"""Zadarma's account poll: one round trip while the SIP lines stay the same."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY, SimSip


def _paths(simulator: SimulatorServer) -> list[str]:
    return [path for _, path, _ in simulator.app[ZADARMA_KEY].received]


async def test_known_lines_are_asked_with_the_lists(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    """The status of each SIP line of the last poll is asked at once with the lists; a
    new line's once the list shows it; a line gone costs one refused status, no failure.

    Before, every status waited for the SIP list: two round trips a poll (scripts/bench
    cycles: 2.5 x one request's time at 100 ms a request)."""
    await setup_entry(hass, zadarma_entry)
    coordinator = zadarma_entry.runtime_data.account
    zadarma = simulator.app[ZADARMA_KEY]
    # The SIP list answers late: whatever waits for it is received after it.
    simulator.inject("zadarma", "latency", endpoint="GET /sip/", ms=300)
    zadarma.demo.sips["100003"] = SimSip("100003", "New line", lines=1, online=True)
    zadarma.demo.sips["100002"].online = True
    del zadarma.demo.sips["100001"]
    zadarma.received.clear()

    await coordinator.async_refresh()

    assert coordinator.last_update_success
    paths = _paths(simulator)
    listed = paths.index("/v1/sip/")
    # The known lines were asked before the list came; the new one after it.
    assert paths.index("/v1/sip/100001/status/") < listed
    assert paths.index("/v1/sip/100002/status/") < listed
    assert paths.index("/v1/sip/100003/status/") > listed
    assert coordinator.data.sip_online == {"100002": True, "100003": True}
    assert set(coordinator.data.sips) == {"100002", "100003"}
    assert len(paths) == 3 + 3  # balance, numbers, SIP list and three statuses
