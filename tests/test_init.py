"""Setting up, unloading and recovering config entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, advance, device_with, devices_of, setup_entry, stored
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY


async def test_odorik_entry_loads_and_unloads(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    odorik_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert odorik_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.odorik_1234567_balance").state == "554.03"

    assert await hass.config_entries.async_unload(odorik_entry.entry_id)
    assert odorik_entry.state is ConfigEntryState.NOT_LOADED


async def test_zadarma_entry_loads_and_unloads(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(zadarma_entry.entry_id)
    await hass.async_block_till_done()
    assert zadarma_entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(zadarma_entry.entry_id)
    assert zadarma_entry.state is ConfigEntryState.NOT_LOADED


@pytest.fixture
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_unreachable_operator_retries_setup(
    hass: HomeAssistant, simulator: SimulatorServer, request: pytest.FixtureRequest, operator: str
) -> None:
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    simulator.control.faults[operator].outage = True
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_refused_credentials_start_reauthentication(
    hass: HomeAssistant, simulator: SimulatorServer, request: pytest.FixtureRequest, operator: str
) -> None:
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    simulator.control.faults[operator].reject_auth = True
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_credentials_refused_while_running_start_reauthentication(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].reject_auth = True
    await advance(hass, freezer, timedelta(minutes=5))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.usefixtures("_frozen")
async def test_devices(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    assert devices_of(hass, odorik_entry) == snapshot(name="odorik")
    assert devices_of(hass, zadarma_entry) == snapshot(name="zadarma")


SIM_082 = "00420799799082"
DATA_SWITCH_082 = "switch.sim_420_799_799_082_mobile_data"


def _sim_device(hass: HomeAssistant, entry: MockConfigEntry) -> dr.DeviceEntry | None:
    return device_with(hass, entry, f"{entry.unique_id}_sim_{SIM_082}")


@pytest.mark.usefixtures("_frozen")
async def test_sim_card_missing_from_one_poll_keeps_device_and_entities(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    device = _sim_device(hass, odorik_entry)
    assert device is not None

    card = odorik.sims.pop(SIM_082)
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get(DATA_SWITCH_082).state == STATE_UNAVAILABLE
    assert _sim_device(hass, odorik_entry) == device

    odorik.sims[SIM_082] = card
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get(DATA_SWITCH_082).state == STATE_OFF
    assert _sim_device(hass, odorik_entry) == device


@pytest.mark.usefixtures("_frozen")
async def test_sim_card_gone_for_a_day_loses_its_device_and_comes_back_the_same(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    entities = er.async_get(hass)
    before = {
        entity.unique_id: entity.entity_id
        for entity in er.async_entries_for_config_entry(entities, odorik_entry.entry_id)
        if SIM_082 in entity.unique_id
    }
    assert DATA_SWITCH_082 in before.values()

    card = odorik.sims.pop(SIM_082)
    await advance(hass, freezer, timedelta(minutes=5))  # the first poll without it
    await advance(hass, freezer, timedelta(hours=23, minutes=55))
    assert _sim_device(hass, odorik_entry) is not None
    await advance(hass, freezer, timedelta(minutes=5))
    assert _sim_device(hass, odorik_entry) is None
    assert entities.async_get(DATA_SWITCH_082) is None
    assert hass.states.get(DATA_SWITCH_082) is None

    # Back on the account: the same entities again, without a reload.
    odorik.sims[SIM_082] = card
    await advance(hass, freezer, timedelta(minutes=5))
    after = {
        entity.unique_id: entity.entity_id
        for entity in er.async_entries_for_config_entry(entities, odorik_entry.entry_id)
        if SIM_082 in entity.unique_id
    }
    assert after == before
    assert hass.states.get(DATA_SWITCH_082).state == STATE_OFF
    assert odorik_entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("_frozen")
async def test_failed_polls_never_remove_a_device(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].outage = True
    for _ in range(3):
        await advance(hass, freezer, timedelta(hours=13))
    assert hass.states.get(DATA_SWITCH_082).state == STATE_UNAVAILABLE
    assert _sim_device(hass, odorik_entry) is not None

    simulator.control.faults["odorik"].outage = False
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get(DATA_SWITCH_082).state == STATE_OFF


@pytest.mark.usefixtures("_frozen")
async def test_direct_numbers_public_numbers_and_sip_lines_leave_after_a_day(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    public = f"{odorik_entry.unique_id}_public_number_00420910110910"
    direct = f"{zadarma_entry.unique_id}_direct_number_48221234567"
    sip_online = "binary_sensor.zadarma_453101_sip_100002_online"
    assert device_with(hass, odorik_entry, public) is not None
    assert device_with(hass, zadarma_entry, direct) is not None
    assert hass.states.get(sip_online) is not None

    del simulator.app[ODORIK_KEY].public_numbers["00420910110910"]
    del simulator.app[ZADARMA_KEY].demo.numbers["48221234567"]
    del simulator.app[ZADARMA_KEY].demo.sips["100002"]
    await advance(hass, freezer, timedelta(minutes=15))
    assert device_with(hass, odorik_entry, public) is not None
    assert device_with(hass, zadarma_entry, direct) is not None
    assert hass.states.get(sip_online).state == STATE_UNAVAILABLE

    await advance(hass, freezer, timedelta(hours=23, minutes=55))
    assert device_with(hass, odorik_entry, public) is not None
    await advance(hass, freezer, timedelta(minutes=15))
    assert device_with(hass, odorik_entry, public) is None
    assert device_with(hass, zadarma_entry, direct) is None
    assert er.async_get(hass).async_get(sip_online) is None


@pytest.mark.usefixtures("_frozen")
async def test_user_may_delete_only_the_device_of_an_item_no_longer_listed(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    assert await async_setup_component(hass, "config", {})
    await setup_entry(hass, odorik_entry)
    client = await hass_ws_client(hass)

    async def remove(device: dr.DeviceEntry) -> bool:
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": odorik_entry.entry_id,
                "device_id": device.id,
            }
        )
        return bool((await client.receive_json())["success"])

    account = device_with(hass, odorik_entry, str(odorik_entry.unique_id))
    sim = _sim_device(hass, odorik_entry)
    assert account is not None
    assert sim is not None
    assert not await remove(account)
    assert not await remove(sim)

    card = simulator.app[ODORIK_KEY].sims.pop(SIM_082)
    await advance(hass, freezer, timedelta(minutes=5))
    assert await remove(sim)
    assert _sim_device(hass, odorik_entry) is None

    # It returns: entities and device come back.
    simulator.app[ODORIK_KEY].sims[SIM_082] = card
    await advance(hass, freezer, timedelta(minutes=5))
    assert _sim_device(hass, odorik_entry) is not None
    assert hass.states.get(DATA_SWITCH_082).state == STATE_OFF


@pytest.mark.usefixtures("_frozen")
async def test_devices_of_an_entry_that_is_not_loaded(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
) -> None:
    """An entry in setup retry lets an item's device go, never the account's."""
    assert await async_setup_component(hass, "config", {})
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].outage = True
    await hass.config_entries.async_reload(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert odorik_entry.state is ConfigEntryState.SETUP_RETRY
    client = await hass_ws_client(hass)

    async def remove(device: dr.DeviceEntry) -> dict[str, Any]:
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": odorik_entry.entry_id,
                "device_id": device.id,
            }
        )
        return dict(await client.receive_json())

    account = device_with(hass, odorik_entry, str(odorik_entry.unique_id))
    sim = _sim_device(hass, odorik_entry)
    assert account is not None
    assert sim is not None
    refused = await remove(account)
    assert not refused["success"]
    assert refused["error"]["message"] == "Failed to remove device entry, rejected by integration"
    assert (await remove(sim))["success"]
    assert _sim_device(hass, odorik_entry) is None

    # The card is still on the account: the next setup brings it back, the same.
    simulator.control.faults["odorik"].outage = False
    await hass.config_entries.async_reload(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert odorik_entry.state is ConfigEntryState.LOADED
    assert _sim_device(hass, odorik_entry) is not None
    assert hass.states.get(DATA_SWITCH_082).state == STATE_OFF


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Stop and start the entry again, as a restart of Home Assistant does."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("_frozen")
async def test_absence_clock_survives_a_restart(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].sims.pop(SIM_082)
    await advance(hass, freezer, timedelta(minutes=5))  # the first poll without it
    await advance(hass, freezer, timedelta(hours=20))

    await restart(hass, odorik_entry)
    await advance(hass, freezer, timedelta(hours=3, minutes=50))
    assert _sim_device(hass, odorik_entry) is not None
    await advance(hass, freezer, timedelta(minutes=15))
    # A day after the first poll without it, counted across the restart.
    assert _sim_device(hass, odorik_entry) is None
    assert er.async_get(hass).async_get(DATA_SWITCH_082) is None
    assert hass_storage["telco.absence.odorik_1234567"]["data"] == {"absent_since": []}

    # Deleting the account deletes its clocks.
    assert await hass.config_entries.async_remove(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert "telco.absence.odorik_1234567" not in hass_storage


@pytest.mark.usefixtures("_frozen")
async def test_clock_of_a_card_gone_before_a_restart_is_kept(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    await setup_entry(hass, odorik_entry)
    card = simulator.app[ODORIK_KEY].sims.pop(SIM_082)
    await advance(hass, freezer, timedelta(minutes=5))
    since = hass_storage["telco.absence.odorik_1234567"]["data"]["absent_since"]
    assert since == [
        {"subject": "sim", "item": SIM_082, "since": "2026-11-15T10:05:00+00:00"},
    ]

    # Back while Home Assistant was stopped: the clock stops at the next setup.
    assert await hass.config_entries.async_unload(odorik_entry.entry_id)
    simulator.app[ODORIK_KEY].sims[SIM_082] = card
    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert hass_storage["telco.absence.odorik_1234567"]["data"] == {"absent_since": []}
    await advance(hass, freezer, timedelta(hours=25))
    assert _sim_device(hass, odorik_entry) is not None


@pytest.mark.usefixtures("_frozen")
async def test_clock_of_a_card_whose_device_was_deleted_while_not_loaded_is_dropped(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A card gone from the account, its device deleted during a setup retry, stays gone."""
    assert await async_setup_component(hass, "config", {})
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].sims.pop(SIM_082)
    await advance(hass, freezer, timedelta(minutes=5))
    clocks = hass_storage["telco.absence.odorik_1234567"]["data"]["absent_since"]
    assert [clock["item"] for clock in clocks] == [SIM_082]

    simulator.control.faults["odorik"].outage = True
    await hass.config_entries.async_reload(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert odorik_entry.state is ConfigEntryState.SETUP_RETRY
    sim = _sim_device(hass, odorik_entry)
    assert sim is not None
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": odorik_entry.entry_id,
            "device_id": sim.id,
        }
    )
    assert (await client.receive_json())["success"]

    simulator.control.faults["odorik"].outage = False
    await hass.config_entries.async_reload(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert odorik_entry.state is ConfigEntryState.LOADED
    # Nothing is left to remove: its clock goes, and the card does not come back.
    assert hass_storage["telco.absence.odorik_1234567"]["data"] == {"absent_since": []}
    assert _sim_device(hass, odorik_entry) is None
    assert hass.states.get(DATA_SWITCH_082) is None


@pytest.mark.usefixtures("_frozen")
async def test_a_kept_clock_that_cannot_be_read_starts_again(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A clock whose start is no date (a hand-edited file) counts from the next setup."""
    await setup_entry(hass, odorik_entry)
    assert await hass.config_entries.async_unload(odorik_entry.entry_id)
    simulator.app[ODORIK_KEY].sims.pop(SIM_082)
    key = "telco.absence.odorik_1234567"
    hass_storage[key] = stored(
        key, {"absent_since": [{"subject": "sim", "item": SIM_082, "since": "last week"}]}
    )

    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await hass.async_block_till_done()

    assert hass_storage["telco.absence.odorik_1234567"]["data"]["absent_since"] == [
        {"subject": "sim", "item": SIM_082, "since": FROZEN_NOW},
    ]
    await advance(hass, freezer, timedelta(hours=23))
    assert _sim_device(hass, odorik_entry) is not None


@pytest.mark.usefixtures("_frozen")
async def test_sip_line_removed_while_stopped_leaves_after_a_day(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    sip_online = "binary_sensor.zadarma_453101_sip_100002_online"
    await setup_entry(hass, zadarma_entry)
    assert er.async_get(hass).async_get(sip_online) is not None
    assert await hass.config_entries.async_unload(zadarma_entry.entry_id)
    del simulator.app[ZADARMA_KEY].demo.sips["100002"]

    assert await hass.config_entries.async_setup(zadarma_entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(hours=23, minutes=55))
    assert er.async_get(hass).async_get(sip_online) is not None
    await advance(hass, freezer, timedelta(minutes=10))
    assert er.async_get(hass).async_get(sip_online) is None
    # The line still on the account keeps its entity.
    assert er.async_get(hass).async_get("binary_sensor.zadarma_453101_sip_100001_online")
