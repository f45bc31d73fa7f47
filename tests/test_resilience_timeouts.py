"""Answers that never come: polls and writes that time out, on the real clock.

The frozen clock of the other resilience tests stops the loop's clock too, so no
client timeout would ever fire there. Here the clock runs, the clients give up
after a fifth of a second (their ``request_timeout`` default, shortened), and the
coordinators are refreshed by hand instead of waiting for their interval.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.api import ZadarmaClient
from custom_components.telco.api.odorik import OdorikClient
from custom_components.telco.const import DOMAIN
from tests.common import setup_entry
from tests.resilience import assert_logged_once, assert_recovered, problems, states, unavailable
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY

CLIENT_TIMEOUT = 0.2


@pytest.fixture(autouse=True)
def _short_client_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build every client with a short ``request_timeout`` (as a caller may pass one)."""
    for client in (OdorikClient, ZadarmaClient):
        assert client.__init__.__kwdefaults__ is not None
        monkeypatch.setitem(client.__init__.__kwdefaults__, "request_timeout", CLIENT_TIMEOUT)


@dataclass(frozen=True)
class Poll:
    """A coordinator whose endpoint holds its answer, and entities it takes down or not."""

    operator: str
    endpoint: str
    coordinator: str
    broken: tuple[str, ...]
    working: tuple[str, ...]
    other: str  # the coordinator the working entities follow


POLLS = {
    "odorik": Poll(
        "odorik",
        "GET /sim_cards.json",
        "account",
        ("sensor.odorik_1234567_balance", "switch.sim_420_799_799_081_mobile_data"),
        ("sensor.odorik_1234567_active_calls",),
        "active_calls",
    ),
    "zadarma": Poll(
        "zadarma",
        "GET /info/balance",
        "account",
        ("sensor.zadarma_453101_balance", "switch.48221234567_auto_prolongation"),
        ("event.zadarma_453101_call",),
        "calls",
    ),
}
COORDINATOR_NAMES = {
    ("odorik", "account"): "OdorikAccountCoordinator",
    ("zadarma", "account"): "ZadarmaAccountCoordinator",
}


@pytest.mark.parametrize("operator", list(POLLS))
async def test_a_poll_that_times_out_takes_down_its_entities_and_recovers(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    operator: str,
) -> None:
    """Two polls held past the client's timeout: one log line; the next answer restores."""
    poll = POLLS[operator]
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    coordinator = getattr(entry.runtime_data, poll.coordinator)
    other = getattr(entry.runtime_data, poll.other)
    shown = states(hass, [*poll.broken, *poll.working])
    caplog.clear()

    simulator.inject(operator, "timeout", endpoint=poll.endpoint)
    for _ in range(2):
        await coordinator.async_refresh()
    # Once: Zadarma's client allows three statistics requests a minute, a poll costs two.
    await other.async_refresh()
    assert simulator.fired("timeout") == 2
    assert states(hass, list(poll.broken)) == unavailable(list(poll.broken))
    assert states(hass, list(poll.working)) == {name: shown[name] for name in poll.working}
    assert_logged_once(caplog, COORDINATOR_NAMES[operator, poll.coordinator])

    simulator.clear_faults()
    caplog.clear()
    await coordinator.async_refresh()
    assert states(hass, [*poll.broken, *poll.working]) == shown
    assert_recovered(caplog, COORDINATOR_NAMES[operator, poll.coordinator])


@pytest.mark.parametrize("operator", list(POLLS))
async def test_a_slow_answer_within_the_timeout_is_no_failure(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    operator: str,
) -> None:
    """An answer a quarter of the timeout late is taken as it is."""
    poll = POLLS[operator]
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    shown = states(hass, list(poll.broken))
    simulator.inject(operator, "latency", endpoint=poll.endpoint, ms=int(CLIENT_TIMEOUT * 250))
    await getattr(entry.runtime_data, poll.coordinator).async_refresh()
    assert simulator.fired("latency") == 1
    assert states(hass, list(poll.broken)) == shown
    assert problems(caplog) == []


# -- writes whose answer never comes ---------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """A switch turned off through an endpoint, and how to read the operator's own state."""

    operator: str
    endpoint: str
    entity: str
    coordinator: str

    def at_operator(self, simulator: SimulatorServer) -> str:
        """Return what the operator has now, as the switch would show it."""
        if self.operator == "odorik":
            on = simulator.app[ODORIK_KEY].sims["00420799799081"].settings["mobile_data"]
        else:
            on = simulator.app[ZADARMA_KEY].demo.numbers["48221234567"].autorenew
        return STATE_ON if on else STATE_OFF


WRITES = {
    "odorik_mobile_data": Write(
        "odorik",
        "PUT /sim_cards/{phone}.json",
        "switch.sim_420_799_799_081_mobile_data",
        "account",
    ),
    "zadarma_auto_prolongation": Write(
        "zadarma",
        "PUT /direct_numbers/autoprolongation",
        "switch.48221234567_auto_prolongation",
        "account",
    ),
}
# ``timeout``: the operator never saw the write; ``lost_answer``: it applied it.
APPLIED = {"timeout": STATE_ON, "lost_answer": STATE_OFF}


async def _turn_off_without_answer(
    hass: HomeAssistant, simulator: SimulatorServer, write: Write, fault: str
) -> HomeAssistantError | None:
    """Turn the switch off while the write's answer never comes; return the error told."""
    assert hass.states.get(write.entity).state == STATE_ON
    simulator.inject(write.operator, fault, endpoint=write.endpoint, count=1)
    error: HomeAssistantError | None = None
    try:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: write.entity}, blocking=True
        )
    except HomeAssistantError as err:
        error = err
    assert simulator.fired(fault) == 1
    assert write.at_operator(simulator) == APPLIED[fault]
    return error


@pytest.mark.parametrize("fault", list(APPLIED))
@pytest.mark.parametrize("write", list(WRITES), ids=str)
async def test_a_write_without_answer_is_judged_by_what_the_operator_has(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    write: str,
    fault: str,
) -> None:
    """The item is read again: a change made all the same is a success, one not made is
    "may not have been applied"; nothing logged, and the switch shows what the operator
    has at once and after the next poll."""
    change = WRITES[write]
    entry: MockConfigEntry = request.getfixturevalue(f"{change.operator}_entry")
    await setup_entry(hass, entry)
    caplog.clear()
    err = await _turn_off_without_answer(hass, simulator, change, fault)
    if fault == "lost_answer":
        assert err is None
    else:
        assert err is not None
        assert (err.translation_domain, err.translation_key) == (DOMAIN, "change_unconfirmed")
    assert problems(caplog) == []
    await hass.async_block_till_done()
    assert hass.states.get(change.entity).state == APPLIED[fault]

    await getattr(entry.runtime_data, change.coordinator).async_refresh()
    assert hass.states.get(change.entity).state == APPLIED[fault]
