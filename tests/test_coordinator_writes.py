"""Polls write only what changed: an unchanged poll writes no state, one SIM card its own.

Writes are counted from what Home Assistant reports: every state write fires
``state_changed`` (a new state or attributes) or ``state_reported`` (the same again).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    SERVICE_TURN_OFF,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.model.views import ItemContext
from tests.common import FROZEN_NOW, advance, device_with, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.test_event import add_history

SIM = "00420799799081"
OTHER_SIM = "00420799799082"
LTE = "switch.sim_420_799_799_081_lte"
MOBILE_DATA = "switch.sim_420_799_799_081_mobile_data"
CALL_EVENT = "event.odorik_1234567_call"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@contextmanager
def _writes(hass: HomeAssistant, entry: MockConfigEntry) -> Iterator[list[str]]:
    """Collect the entity ids of the entry's states written meanwhile, once per write."""
    ours = {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    written: list[str] = []

    @callback
    def ours_only(data: Any) -> bool:
        return data["entity_id"] in ours

    @callback
    def count(event: Event[Any]) -> None:
        written.append(event.data["entity_id"])

    stops = [
        hass.bus.async_listen(kind, count, ours_only)
        for kind in (EVENT_STATE_CHANGED, EVENT_STATE_REPORTED)
    ]
    try:
        yield written
    finally:
        for stop in stops:
            stop()


async def _poll_all(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    for coordinator in entry.runtime_data.coordinators:
        await coordinator.async_refresh()
    await hass.async_block_till_done()


def _states(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        entity.entity_id: (state.state, dict(state.attributes))
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if (state := hass.states.get(entity.entity_id)) is not None
    }


def _of_device(hass: HomeAssistant, entry: MockConfigEntry, number: str) -> set[str]:
    """Return the entity ids on the device of the SIM card ``number``."""
    device = device_with(hass, entry, f"odorik_1234567_sim_{number}")
    assert device is not None
    return {
        entity.entity_id
        for entity in er.async_entries_for_device(er.async_get(hass), device.id)
        if hass.states.get(entity.entity_id) is not None
    }


async def test_a_poll_that_changed_nothing_writes_no_state(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """Every poll wrote every entity (4 500 at 500 SIM cards) whatever it read."""
    await setup_entry(hass, odorik_entry)
    await _poll_all(hass, odorik_entry)
    before = {
        entity_id: hass.states.get(entity_id).last_reported
        for entity_id in _states(hass, odorik_entry)
    }
    with _writes(hass, odorik_entry) as written:
        await _poll_all(hass, odorik_entry)
    assert written == []
    assert all(
        coordinator.last_update_success for coordinator in odorik_entry.runtime_data.coordinators
    )
    after = {entity_id: hass.states.get(entity_id).last_reported for entity_id in before}
    assert after == before


async def test_one_changed_sim_card_writes_only_its_entities(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].sims[SIM].settings["lte"] = False
    with _writes(hass, odorik_entry) as written:
        await odorik_entry.runtime_data.account.async_refresh()
        await hass.async_block_till_done()
    assert hass.states.get(LTE).state == STATE_OFF
    assert LTE in written
    assert set(written) <= _of_device(hass, odorik_entry, SIM)
    assert not set(written) & _of_device(hass, odorik_entry, OTHER_SIM)


async def test_a_changed_balance_writes_only_the_account(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].balance = 12.5
    with _writes(hass, odorik_entry) as written:
        await odorik_entry.runtime_data.account.async_refresh()
        await hass.async_block_till_done()
    assert hass.states.get("sensor.odorik_1234567_balance").state == "12.5"
    assert "sensor.odorik_1234567_balance" in written
    assert not set(written) & (
        _of_device(hass, odorik_entry, SIM) | _of_device(hass, odorik_entry, OTHER_SIM)
    )


async def test_losing_and_regaining_the_account_writes_every_entity(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """The answer after an outage equals the one before: every entity must show again."""
    await setup_entry(hass, odorik_entry)
    await _poll_all(hass, odorik_entry)
    before = _states(hass, odorik_entry)
    sims = _of_device(hass, odorik_entry, SIM) | _of_device(hass, odorik_entry, OTHER_SIM)
    assert sims <= before.keys()

    simulator.control.faults["odorik"].outage = True
    await _poll_all(hass, odorik_entry)
    down = _states(hass, odorik_entry)
    assert {entity_id for entity_id in sims if down[entity_id][0] != STATE_UNAVAILABLE} == set()
    assert down["sensor.odorik_1234567_balance"][0] == STATE_UNAVAILABLE

    simulator.control.faults["odorik"].outage = False
    with _writes(hass, odorik_entry) as written:
        await _poll_all(hass, odorik_entry)
    assert _states(hass, odorik_entry) == before
    assert {
        entity_id for entity_id, (state, _) in down.items() if state == STATE_UNAVAILABLE
    } <= set(written)


async def test_a_requested_value_shows_then_settles_to_the_operators(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Odorik drops a change it was applying: the SIM card reads as before the request,
    and only the value asked for tells the poll apart; the switch shows the operator's."""
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.sim_change_seconds = 120
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: MOBILE_DATA}, blocking=True
    )
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF
    # A poll meanwhile changes nothing: still what was asked for.
    await odorik_entry.runtime_data.account.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF

    odorik.sims[SIM].pending = {}  # the change is dropped, not applied
    await advance(hass, freezer, timedelta(minutes=5))
    assert odorik.sims[SIM].settings["mobile_data"] is True
    assert odorik_entry.runtime_data.account.requested == {}
    assert hass.states.get(MOBILE_DATA).state == STATE_ON


async def test_a_new_call_still_fires_after_polls_that_found_none(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A poll that found no call writes no state; the next that finds two fires both."""
    await setup_entry(hass, odorik_entry)
    calls = odorik_entry.runtime_data.calls
    with _writes(hass, odorik_entry) as written:
        await calls.async_refresh()
        await calls.async_refresh()
        await hass.async_block_till_done()
    assert written == []
    add_history(simulator.app[ODORIK_KEY], 2)
    freezer.tick(timedelta(seconds=30))
    with _writes(hass, odorik_entry) as written:
        await calls.async_refresh()
        await hass.async_block_till_done()
    # One write an event (the two may read the same and not count as a state change).
    assert written == [CALL_EVENT, CALL_EVENT]
    assert hass.states.get(CALL_EVENT).attributes["event_type"] == "outgoing"


async def test_a_change_whose_re_read_failed_shows_what_was_asked_for(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """Only the value asked for changed (the SIM cards could not be read again): the
    SIM card's entities show it; the next poll shows the operator's."""
    await setup_entry(hass, odorik_entry)
    simulator.inject("odorik", "http_502", endpoint="GET /sim_cards.json", count=1)
    with _writes(hass, odorik_entry) as written:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: MOBILE_DATA}, blocking=True
        )
    assert simulator.app[ODORIK_KEY].sims[SIM].settings["mobile_data"] is False
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF
    assert MOBILE_DATA in written
    assert set(written) <= _of_device(hass, odorik_entry, SIM)
    await odorik_entry.runtime_data.account.async_refresh()
    await hass.async_block_till_done()
    assert odorik_entry.runtime_data.account.requested == {}
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF


async def test_an_items_entities_listen_as_one_until_the_last_is_removed(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """A poll calls one listener an item, not one an entity; removing entities stops it."""
    await setup_entry(hass, odorik_entry)
    account = odorik_entry.runtime_data.account
    contexts = list(account.async_contexts())
    assert contexts.count(ItemContext(SIM)) == 1
    assert contexts.count(ItemContext(OTHER_SIM)) == 1
    registry = er.async_get(hass)
    for entity_id in sorted(_of_device(hass, odorik_entry, SIM)):
        registry.async_remove(entity_id)
    others = sorted(_of_device(hass, odorik_entry, OTHER_SIM))
    registry.async_remove(others[0])
    await hass.async_block_till_done()
    contexts = list(account.async_contexts())
    assert ItemContext(SIM) not in contexts
    assert contexts.count(ItemContext(OTHER_SIM)) == 1
    # The item's other entities are still called back.
    simulator.app[ODORIK_KEY].sims[OTHER_SIM].settings["lte"] = False
    await account.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("switch.sim_420_799_799_082_lte").state == STATE_OFF


async def test_a_new_month_writes_the_cost_of_a_sim_card_that_used_nothing(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The SIM card used no data in either month: only its cost's last_reset changes."""
    cost = "sensor.sim_420_799_799_082_data_cost_this_month"
    await setup_entry(hass, odorik_entry)
    before = hass.states.get(cost)
    assert before.state == "0.0"
    assert before.attributes["last_reset"] == "2026-11-01T00:00:00+01:00"
    freezer.move_to("2026-11-30T23:10:00+00:00")  # ten past midnight in Prague, 1 December
    await odorik_entry.runtime_data.mobile_data.async_refresh()
    await hass.async_block_till_done()
    after = hass.states.get(cost)
    assert after.state == "0.0"
    assert after.attributes["last_reset"] == "2026-12-01T00:00:00+01:00"
