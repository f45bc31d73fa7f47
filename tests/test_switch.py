"""Switches: SIM settings and direct-number auto-prolongation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.telco.api.odorik_models import SimOption
from custom_components.telco.operators.odorik.entities import SWITCHES
from custom_components.telco.operators.odorik.options import roaming_off
from tests.common import FROZEN_NOW, advance, entities_of, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY

SIM = "00420799799081"
MOBILE_DATA = "switch.sim_420_799_799_081_mobile_data"
ROAMING = "switch.sim_420_799_799_081_roaming"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def _switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_switches(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    assert entities_of(hass, odorik_entry, "switch") == snapshot(name="odorik")
    assert entities_of(hass, zadarma_entry, "switch") == snapshot(name="zadarma")


async def test_mobile_data_switch_reaches_the_operator(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    counts = simulator.control.counts
    balance_reads = counts["odorik GET /api/v1/balance"]

    await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    assert odorik.sims[SIM].settings["mobile_data"] is False
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF
    # Only the SIM cards were read again, not the balance or the statistics.
    assert counts["odorik GET /api/v1/balance"] == balance_reads

    await _switch(hass, SERVICE_TURN_ON, MOBILE_DATA)
    assert odorik.sims[SIM].settings["mobile_data"] is True
    assert hass.states.get(MOBILE_DATA).state == STATE_ON


async def test_roaming_returns_to_its_last_setting(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.sims[SIM].settings["roaming"] = "world_outgoing"
    await odorik_entry.runtime_data.account.async_refresh_sim_cards()

    await _switch(hass, SERVICE_TURN_OFF, ROAMING)
    assert odorik.sims[SIM].settings["roaming"] == "off"
    assert hass.states.get(ROAMING).state == STATE_OFF

    await _switch(hass, SERVICE_TURN_ON, ROAMING)
    assert odorik.sims[SIM].settings["roaming"] == "world_outgoing"
    assert hass.states.get(ROAMING).state == STATE_ON


async def test_roaming_turns_on_to_the_first_offered_setting(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """The second SIM card has never had roaming on: the first non-off option is used."""
    await setup_entry(hass, odorik_entry)
    await _switch(hass, SERVICE_TURN_ON, "switch.sim_420_799_799_082_roaming")
    assert simulator.app[ODORIK_KEY].sims["00420799799082"].settings["roaming"] == (
        "eu_data_outgoing"
    )


async def test_sim_active_switch_is_disabled_by_default_and_suspends(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    entity_id = "switch.sim_420_799_799_081_sim_card_active"
    registry = er.async_get(hass)
    assert registry.async_get(entity_id).disabled_by is er.RegistryEntryDisabler.INTEGRATION

    registry.async_update_entity(entity_id, disabled_by=None)
    await hass.config_entries.async_reload(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(entity_id).state == STATE_ON

    await _switch(hass, SERVICE_TURN_OFF, entity_id)
    assert simulator.app[ODORIK_KEY].sims[SIM].state == "suspended"
    assert hass.states.get(entity_id).state == STATE_OFF


async def test_requested_value_is_shown_while_the_change_is_in_progress(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    # The change-in-progress sensor is a diagnostic one, disabled by default.
    er.async_get(hass).async_update_entity(
        "binary_sensor.sim_420_799_799_081_change_in_progress", disabled_by=None
    )
    await hass.config_entries.async_reload(odorik_entry.entry_id)
    await hass.async_block_till_done()
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.sim_change_seconds = 120

    await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    # The operator still reports mobile data on, with a change in progress;
    # the switch shows what was asked for, not a flicker back to on.
    assert odorik.sims[SIM].settings["mobile_data"] is True
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF
    assert hass.states.get("binary_sensor.sim_420_799_799_081_change_in_progress").state == STATE_ON

    # A second change is refused before it is sent.
    with pytest.raises(ServiceValidationError) as err:
        await _switch(hass, SERVICE_TURN_OFF, "switch.sim_420_799_799_081_lte")
    assert err.value.translation_key == "invalid_change_in_progress"

    await advance(hass, freezer, timedelta(minutes=5))
    assert odorik.sims[SIM].settings["mobile_data"] is False
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF
    assert (
        hass.states.get("binary_sensor.sim_420_799_799_081_change_in_progress").state == STATE_OFF
    )


async def test_operator_refusal_is_reported_and_state_kept(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].outage = True
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)
    # Whether the operator behind the failure made the change is unknown, and a
    # re-read fails too: the user is told it may not have been applied.
    assert err.value.translation_key == "change_unconfirmed"
    assert "odorik-demo" not in str(err.value)
    assert hass.states.get(MOBILE_DATA).state == STATE_ON
    assert simulator.app[ODORIK_KEY].sims[SIM].settings["mobile_data"] is True


async def test_auto_prolongation_switch(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    entity_id = "switch.442037691880_auto_prolongation"
    account = simulator.app[ZADARMA_KEY].accounts["1c64dee7ee7638e3a507"]
    assert hass.states.get(entity_id).state == STATE_OFF

    await _switch(hass, SERVICE_TURN_ON, entity_id)
    assert account.numbers["442037691880"].autorenew is True
    assert hass.states.get(entity_id).state == STATE_ON

    await _switch(hass, SERVICE_TURN_OFF, entity_id)
    assert account.numbers["442037691880"].autorenew is False
    assert hass.states.get(entity_id).state == STATE_OFF


# -- roaming "off" is a profile the SIM card offers ----------------------------------


@pytest.mark.parametrize(
    ("offered", "off"),
    [
        (["eu_data_outgoing", "off", "roaming_none"], "off"),
        (["eu_data_outgoing", "roaming_none"], "roaming_none"),
        (["Disabled", "world_outgoing"], "Disabled"),
        (["basic_off"], "basic_off"),
        (["eu_data_outgoing", "world_outgoing"], None),
        ([], None),
    ],
)
def test_roaming_off_is_found_among_the_offered_profiles(
    offered: list[str], off: str | None
) -> None:
    assert roaming_off([SimOption(name) for name in offered]) == off
    assert roaming_off(None) is None


async def test_roaming_turns_off_with_the_profile_the_card_offers_for_it(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.roaming_settings = ["none", "eu_data_outgoing", "world_outgoing"]
    odorik.sims["00420799799082"].settings["roaming"] = "none"
    await setup_entry(hass, odorik_entry)
    assert hass.states.get("switch.sim_420_799_799_082_roaming").state == STATE_OFF
    assert hass.states.get(ROAMING).state == STATE_ON

    await _switch(hass, SERVICE_TURN_OFF, ROAMING)
    assert odorik.sims[SIM].settings["roaming"] == "none"
    assert hass.states.get(ROAMING).state == STATE_OFF

    await _switch(hass, SERVICE_TURN_ON, ROAMING)
    assert odorik.sims[SIM].settings["roaming"] == "eu_data_outgoing"
    assert hass.states.get(ROAMING).state == STATE_ON


async def test_roaming_switch_is_unavailable_without_an_off_profile(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    simulator.app[ODORIK_KEY].settings.roaming_settings = ["eu_data_outgoing", "world_outgoing"]
    await setup_entry(hass, odorik_entry)
    assert hass.states.get(ROAMING).state == STATE_UNAVAILABLE
    # The profile select still offers what the card offers.
    assert hass.states.get("select.sim_420_799_799_081_roaming_profile").state == (
        "eu_data_outgoing"
    )


async def test_roaming_switch_refuses_when_the_card_offers_no_off_profile(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """Home Assistant does not switch an unavailable switch; its write refuses all the same."""
    await setup_entry(hass, odorik_entry)
    account = odorik_entry.runtime_data.account
    card = account.data.sim_cards[SIM]
    without_off = tuple(
        option for option in card.available_roaming_settings or () if option.name != "off"
    )
    account.data.sim_cards[SIM] = replace(card, available_roaming_settings=without_off)
    before = simulator.control.counts["odorik PUT /api/v1/sim_cards/{phone}.json"]

    (roaming,) = [description for description in SWITCHES if description.key == "roaming"]
    assert not roaming.available_fn(odorik_entry.runtime_data, SIM)
    with pytest.raises(ServiceValidationError) as err:
        await roaming.set_fn(odorik_entry.runtime_data, SIM, False)
    assert err.value.translation_key == "roaming_not_offered"
    assert err.value.translation_placeholders == {
        "offered": "eu_data_outgoing, eu_outgoing, world_outgoing"
    }
    assert simulator.control.counts["odorik PUT /api/v1/sim_cards/{phone}.json"] == before
