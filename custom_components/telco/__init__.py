"""The Odorik & Zadarma integration: telephony operator accounts in Home Assistant."""

from __future__ import annotations

import asyncio

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import CONF_PUSH_EVENTS, DOMAIN, LEGACY_INTERVAL_OPTIONS, LOGGER
from .intents import async_setup_intents
from .model.coordinator import call_cursor_store
from .model.declaration import PushError, TelcoConfigEntry
from .model.entity import register_account_device
from .model.issues import async_delete_entry_issues
from .model.items import ItemTracker, absence_store, item_of_device
from .model.statistics import HistoryImporter, async_statistics_kept, history_store
from .operators import operator_of
from .sentences import async_sync_sentences
from .services import async_setup_services

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NOTIFY,
    Platform.EVENT,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
]


CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the service actions and intents (they work with any loaded account)."""
    async_setup_services(hass)
    async_setup_intents(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: TelcoConfigEntry) -> bool:
    """Bring an entry of an earlier version up to this one."""
    if entry.version > 1:
        return False  # written by a newer version of the integration: leave it alone
    if entry.minor_version < 2:
        # 1.2: the poll intervals are fixed by each operator, no longer options.
        options = {
            key: value for key, value in entry.options.items() if key not in LEGACY_INTERVAL_OPTIONS
        }
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: TelcoConfigEntry) -> bool:
    """Connect to the operator account and poll it."""
    operator = operator_of(entry.data)
    client = operator.connect(async_get_clientsession(hass), entry.data)
    # The account device first: SIM cards and numbers hang below it.
    account_device_id = register_account_device(hass, entry, operator)
    data = operator.start(hass, entry, client, account_device_id)
    await asyncio.gather(
        *(coordinator.async_config_entry_first_refresh() for coordinator in data.coordinators)
    )
    data.items = ItemTracker(hass, entry, data, operator.subjects, operator.descriptions)
    await data.items.async_start()
    entry.runtime_data = data
    operator.watch(hass, entry, data)
    if operator.push is not None:
        operator.push.start(hass, entry, data)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Assist's sentences follow the option (the options flow installs or removes them
    # as it changes; here, files of an earlier version are brought up to date).
    await async_sync_sentences(hass)
    # Months of history into long-term statistics, in the background (with a recorder).
    if "recorder" in hass.config.components and (history := operator.history(hass, entry, data)):
        await HistoryImporter(hass, entry, history).async_start()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: TelcoConfigEntry) -> bool:
    """Stop polling the account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: TelcoConfigEntry) -> None:
    """Delete the account's repair issues, call-record cursor and absence clocks with it.

    Where the operator pushes to us, our URL is removed there (while it is ours).
    """
    push = operator_of(entry.data).push
    if push is not None and entry.options.get(CONF_PUSH_EVENTS):
        try:
            await push.disable(hass, entry)
        except PushError as err:
            LOGGER.warning("%s still pushes to the removed account's webhook: %s", entry.title, err)
    async_delete_entry_issues(hass, entry)
    await async_sync_sentences(hass, leaving=entry.entry_id)
    # Added again, the account starts afresh instead of replaying the calls in between.
    await call_cursor_store(hass, entry).async_remove()
    await absence_store(hass, entry).async_remove()
    # The imported statistics stay until the user clears them (a repair issue offers it).
    await history_store(hass, entry).async_remove()
    if "recorder" in hass.config.components:
        await async_statistics_kept(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: TelcoConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete the device of a SIM card or number no longer on the account.

    Home Assistant asks for entries that are not loaded too (setup retry, reauth,
    disabled). Nothing was polled then, so whether the item is still listed is unknown:
    an item's device may go, and comes back with its entities at the next setup if the
    item is still there; the account's device always stays.
    """
    if entry.state is not ConfigEntryState.LOADED:
        return item_of_device(entry, operator_of(entry.data).subjects, device) is not None
    removable = entry.runtime_data.items.removable(device)
    if removable is None:
        return False
    subject, item = removable
    entry.runtime_data.items.forget(subject.key, item)
    return True
