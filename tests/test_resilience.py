"""Polling through the simulator's injected faults, at Home Assistant level.

For every fault that answers (the frozen clock stops the loop's clock, so timeouts
are in ``test_resilience_timeouts.py``): only the entities of the coordinator whose
endpoint broke go unavailable, each coordinator logs its failure once without a
traceback, nothing raises into the event loop, and it recovers by itself. Then
revoked credentials, rate limits, lists that lack an item and a SIM card stuck
mid-change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
import inspect

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_API_KEY,
    CONF_PASSWORD,
    SERVICE_TURN_OFF,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import CONF_API_SECRET, DOMAIN
from tests.common import FROZEN_NOW, advance, device_with, requests_sent, setup_entry
from tests.conftest import ODORIK_PASSWORD, ZADARMA_KEY, ZADARMA_SECRET
from tests.resilience import (
    assert_logged_once,
    assert_recovered,
    problems,
    states,
    unavailable,
)
from tests.simulator import SimulatorServer

# Faults that answer at once; 429 is tested apart (Zadarma's limit is the key's).
ANSWERING = [
    "reset",
    "http_500",
    "http_502",
    "http_503",
    "html_200",
    "truncated_json",
    "wrong_shape",
    "text_error",
]
ODORIK_COORDINATORS = (
    "OdorikAccountCoordinator",
    "OdorikActiveCallsCoordinator",
    "OdorikCallsCoordinator",
    "OdorikMobileDataCoordinator",
    "OdorikRoutingCoordinator",
)
ZADARMA_COORDINATORS = ("ZadarmaAccountCoordinator", "ZadarmaCallsCoordinator")
# The longest interval: by then every coordinator polled once.
ROUND = {"odorik": timedelta(minutes=15), "zadarma": timedelta(minutes=5)}

ODORIK_BALANCE = "sensor.odorik_1234567_balance"
ODORIK_ACTIVE_CALLS = "sensor.odorik_1234567_active_calls"
ODORIK_DATA_USED = "sensor.sim_420_799_799_081_data_used_this_month"
ODORIK_ROUTING = "sensor.420_533_533_533_routing_rules"
LTE_081 = "switch.sim_420_799_799_081_lte"
ZADARMA_BALANCE = "sensor.zadarma_453101_balance"
ZADARMA_EVENT = "event.zadarma_453101_call"
AUTO_PROLONGATION = "switch.48221234567_auto_prolongation"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@dataclass(frozen=True)
class Target:
    """An endpoint to break, its coordinator, and entities it must and must not take down."""

    operator: str
    endpoint: str
    coordinator: str
    poll: timedelta
    broken: tuple[str, ...]
    working: tuple[str, ...]


TARGETS = {
    "odorik_account": Target(
        "odorik",
        "GET /sim_cards.json",
        "OdorikAccountCoordinator",
        timedelta(minutes=5),
        # Month-to-date call totals come from the same poll: shown as unknown rather
        # than as a stale total that looks current.
        (ODORIK_BALANCE, LTE_081, "sensor.odorik_1234567_outgoing_calls_this_month"),
        # The mobile data month total has its own poll and stays.
        (ODORIK_ACTIVE_CALLS, ODORIK_DATA_USED, ODORIK_ROUTING),
    ),
    "odorik_active_calls": Target(
        "odorik",
        "GET /active_calls.json",
        "OdorikActiveCallsCoordinator",
        timedelta(seconds=30),
        (ODORIK_ACTIVE_CALLS,),
        (ODORIK_BALANCE, ODORIK_DATA_USED, ODORIK_ROUTING),
    ),
    "zadarma_account": Target(
        "zadarma",
        "GET /info/balance",
        "ZadarmaAccountCoordinator",
        timedelta(minutes=5),
        (ZADARMA_BALANCE, AUTO_PROLONGATION, "binary_sensor.zadarma_453101_sip_100001_online"),
        (ZADARMA_EVENT,),
    ),
    "zadarma_calls": Target(
        "zadarma",
        "GET /statistics",
        "ZadarmaCallsCoordinator",
        timedelta(minutes=1),
        (ZADARMA_EVENT,),
        (ZADARMA_BALANCE, AUTO_PROLONGATION),
    ),
}


@pytest.mark.parametrize("kind", ANSWERING)
@pytest.mark.parametrize("target", list(TARGETS), ids=str)
async def test_a_broken_endpoint_takes_down_only_its_coordinators_entities(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    target: str,
    kind: str,
) -> None:
    """Three failed polls: one log line, the rest of the account shown; then recovery."""
    aim = TARGETS[target]
    await setup_entry(hass, request.getfixturevalue(f"{aim.operator}_entry"))
    broken_before = states(hass, list(aim.broken))
    working_before = states(hass, list(aim.working))
    caplog.clear()

    simulator.inject(aim.operator, kind, endpoint=aim.endpoint)
    for _ in range(3):
        await advance(hass, freezer, aim.poll)
    assert simulator.fired(kind) >= 3
    assert states(hass, list(aim.broken)) == unavailable(list(aim.broken))
    assert states(hass, list(aim.working)) == working_before
    assert_logged_once(caplog, aim.coordinator)

    simulator.clear_faults()
    caplog.clear()
    await advance(hass, freezer, aim.poll)
    assert states(hass, list(aim.broken)) == broken_before
    assert states(hass, list(aim.working)) == working_before
    assert_recovered(caplog, aim.coordinator)


@pytest.mark.parametrize(
    ("operator", "coordinators"),
    [("odorik", ODORIK_COORDINATORS), ("zadarma", ZADARMA_COORDINATORS)],
)
async def test_a_whole_operator_down_logs_once_per_coordinator(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    operator: str,
    coordinators: tuple[str, ...],
) -> None:
    """Every endpoint broken for three rounds: one line per coordinator, then recovery."""
    await setup_entry(hass, request.getfixturevalue(f"{operator}_entry"))
    caplog.clear()
    simulator.inject(operator, "http_502")
    for _ in range(3):
        await advance(hass, freezer, ROUND[operator])
    assert_logged_once(caplog, *coordinators)

    simulator.clear_faults()
    caplog.clear()
    await advance(hass, freezer, ROUND[operator])
    assert_recovered(caplog, *coordinators)


# -- revoked credentials -----------------------------------------------------------------------

REAUTH_INPUT = {
    "odorik": {CONF_PASSWORD: ODORIK_PASSWORD},
    "zadarma": {CONF_API_KEY: ZADARMA_KEY, CONF_API_SECRET: ZADARMA_SECRET},
}
BALANCE = {"odorik": ODORIK_BALANCE, "zadarma": ZADARMA_BALANCE}


@pytest.mark.parametrize(
    ("operator", "coordinators"),
    [("odorik", ODORIK_COORDINATORS), ("zadarma", ZADARMA_COORDINATORS)],
)
async def test_revoked_credentials_start_reauth_once_and_stop_polling(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    operator: str,
    coordinators: tuple[str, ...],
) -> None:
    """One reauthentication flow, one refused round of requests, none after it."""
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    balance = hass.states.get(BALANCE[operator]).state
    caplog.clear()

    simulator.inject(operator, "revoke")
    await advance(hass, freezer, ROUND[operator])
    refused = requests_sent(simulator, operator)
    for _ in range(3):
        await advance(hass, freezer, ROUND[operator])
    assert requests_sent(simulator, operator) == refused
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(BALANCE[operator]).state == STATE_UNAVAILABLE
    assert_logged_once(caplog, *coordinators)

    # The user enters the credentials the operator takes again.
    simulator.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], REAUTH_INPUT[operator]
    )
    await hass.async_block_till_done()
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reauth_successful")
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(BALANCE[operator]).state == balance


# -- rate limits -------------------------------------------------------------------------------

# Home Assistant honours ``UpdateFailed(retry_after=...)`` from 2025.10 on.
HONOURS_RETRY_AFTER = "retry_after" in inspect.signature(UpdateFailed.__init__).parameters


def requests_by_endpoint(simulator: SimulatorServer, operator: str) -> dict[str, int]:
    """Return the operator's request counts by route."""
    return {
        name: count
        for name, count in simulator.control.counts.items()
        if name.startswith(f"{operator} ")
    }


@pytest.mark.skipif(not HONOURS_RETRY_AFTER, reason="Home Assistant without retry_after")
@pytest.mark.parametrize(("operator", "step"), [("odorik", 30), ("zadarma", 60)])
async def test_a_rate_limit_backs_off_for_retry_after(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    operator: str,
    step: int,
) -> None:
    """Under ``Retry-After: 600`` no endpoint is asked twice within the ten minutes.

    Zadarma's SIP lines are asked with the lists, at once: the one poll that meets
    the 429 asks each line's status once (counted together under their route).
    """
    entry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    account = entry.runtime_data.account.data
    once = {"zadarma GET /v1/sip/{sip}/status/": len(getattr(account, "sips", ()))}
    balance = hass.states.get(BALANCE[operator]).state
    before = requests_by_endpoint(simulator, operator)
    simulator.inject(operator, "http_429", retry_after=600)
    for _ in range(570 // step):
        await advance(hass, freezer, timedelta(seconds=step))
    after = requests_by_endpoint(simulator, operator)
    asked = {name: count - before.get(name, 0) for name, count in after.items()}
    assert asked
    assert any(asked.values()), asked
    assert all(count <= once.get(name, 1) for name, count in asked.items()), asked

    simulator.clear_faults()
    await advance(hass, freezer, timedelta(minutes=11))
    assert hass.states.get(BALANCE[operator]).state == balance
    assert [
        record.getMessage()
        for record in problems(caplog)
        if not record.getMessage().startswith("Error fetching")
    ] == []


async def test_an_odorik_rate_limit_without_retry_after_is_no_retry_storm(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a delay to honour, polls keep their interval: one request each, no retries."""
    await setup_entry(hass, odorik_entry)
    active_calls = "odorik GET /api/v1/active_calls.json"
    before = simulator.control.counts[active_calls]
    simulator.inject("odorik", "http_429", endpoint="GET /active_calls.json")
    for _ in range(10):
        await advance(hass, freezer, timedelta(seconds=30))
    assert simulator.control.counts[active_calls] - before == 10
    assert hass.states.get(ODORIK_ACTIVE_CALLS).state == STATE_UNAVAILABLE


# -- lists that lack an item -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """An item a list answer drops, its entity, and a neighbour that stays."""

    operator: str
    endpoint: str
    id: str
    device: str | None  # identifier suffix; SIP lines sit on the account's device
    entity: str
    neighbour: str
    poll: timedelta


ITEMS = {
    "odorik_sim": Item(
        "odorik",
        "GET /sim_cards.json",
        "00420799799082",
        "sim_00420799799082",
        "switch.sim_420_799_799_082_mobile_data",
        "switch.sim_420_799_799_081_mobile_data",
        timedelta(minutes=5),
    ),
    "odorik_public_number": Item(
        "odorik",
        "GET /public_numbers.json",
        "00420910110910",
        "public_number_00420910110910",
        "sensor.420_910_110_910_routing_rules",
        ODORIK_ROUTING,
        timedelta(minutes=15),
    ),
    "zadarma_direct_number": Item(
        "zadarma",
        "GET /direct_numbers",
        "48221234567",
        "direct_number_48221234567",
        AUTO_PROLONGATION,
        "switch.442037691880_auto_prolongation",
        timedelta(minutes=5),
    ),
    "zadarma_sip": Item(
        "zadarma",
        "GET /sip",
        "100002",
        None,
        "binary_sensor.zadarma_453101_sip_100002_online",
        "binary_sensor.zadarma_453101_sip_100001_online",
        timedelta(minutes=5),
    ),
}


@pytest.mark.parametrize("item", list(ITEMS), ids=str)
async def test_a_list_lacking_an_item_for_hours_removes_no_device(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    freezer: FrozenDateTimeFactory,
    item: str,
) -> None:
    """The item's entities go unavailable, its device and entities stay; then it is back."""
    lack = ITEMS[item]
    entry: MockConfigEntry = request.getfixturevalue(f"{lack.operator}_entry")
    await setup_entry(hass, entry)
    entities = er.async_get(hass)
    registered = entities.async_get(lack.entity)
    device = device_with(hass, entry, f"{entry.unique_id}_{lack.device}") if lack.device else None
    shown = states(hass, [lack.entity, lack.neighbour])

    simulator.inject(lack.operator, "drop_item", endpoint=lack.endpoint, id=lack.id)
    await advance(hass, freezer, lack.poll)
    await advance(hass, freezer, timedelta(hours=12))
    assert simulator.fired("drop_item") >= 2
    assert states(hass, [lack.entity, lack.neighbour]) == {
        lack.entity: STATE_UNAVAILABLE,
        lack.neighbour: shown[lack.neighbour],
    }
    assert entities.async_get(lack.entity) == registered
    if lack.device:
        assert device_with(hass, entry, f"{entry.unique_id}_{lack.device}") == device

    simulator.clear_faults()
    await advance(hass, freezer, lack.poll)
    assert states(hass, [lack.entity, lack.neighbour]) == shown
    assert entities.async_get(lack.entity) == registered


# -- a SIM card stuck mid-change ---------------------------------------------------------------


async def test_a_stuck_sim_card_refuses_changes_before_sending_until_it_settles(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """While Odorik lists a change in progress, no PUT is sent; afterwards one is."""
    await setup_entry(hass, odorik_entry)
    put = "odorik PUT /api/v1/sim_cards/{phone}.json"
    simulator.inject("odorik", "stuck_sim", number="00420799799081")
    for _ in range(6):  # half an hour stuck
        await advance(hass, freezer, timedelta(minutes=5))
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: LTE_081}, blocking=True
        )
    assert (err.value.translation_domain, err.value.translation_key) == (
        DOMAIN,
        "invalid_change_in_progress",
    )
    assert simulator.control.counts[put] == 0
    assert hass.states.get(LTE_081).state == STATE_ON

    simulator.clear_faults()
    await advance(hass, freezer, timedelta(minutes=5))
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: LTE_081}, blocking=True
    )
    assert simulator.control.counts[put] == 1
    assert hass.states.get(LTE_081).state == STATE_OFF
