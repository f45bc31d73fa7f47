"""A poll's independent requests go out together: one round trip per poll, not one each.

Found by ``scripts/bench``: with 100 ms a request, Odorik's call history and SMS
history, and Zadarma's incoming and overall statistics, took 200 ms a poll, read one
after the other. Here the first request of each pair is held past the client's
timeout (on the real clock, as in test_resilience_timeouts.py): read one after the
other, the second would never be sent.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.api import ZadarmaClient
from custom_components.telco.api.odorik import OdorikClient
from tests.common import setup_entry
from tests.simulator import SimulatorServer

CLIENT_TIMEOUT = 0.2

# operator: (the endpoint held, the endpoint that must be asked all the same, as counted)
PAIRS = {
    "odorik": ("GET /calls.json", "odorik GET /api/v1/sms.json"),
    "zadarma": ("GET /statistics/incoming-calls/", "zadarma GET /v1/statistics/"),
}


@pytest.fixture(autouse=True)
def _short_client_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build every client with a short ``request_timeout`` (as a caller may pass one)."""
    for client in (OdorikClient, ZadarmaClient):
        assert client.__init__.__kwdefaults__ is not None
        monkeypatch.setitem(client.__init__.__kwdefaults__, "request_timeout", CLIENT_TIMEOUT)


@pytest.mark.parametrize("operator", list(PAIRS))
async def test_a_calls_poll_sends_both_of_its_requests_at_once(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    operator: str,
) -> None:
    held, other = PAIRS[operator]
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    coordinator = entry.runtime_data.calls
    simulator.control.counts.clear()
    simulator.inject(operator, "timeout", endpoint=held, count=1)

    await coordinator.async_refresh()

    assert simulator.fired("timeout") == 1
    assert not coordinator.last_update_success  # the held one failed the poll
    assert simulator.control.counts[other] == 1  # and the other was asked meanwhile
