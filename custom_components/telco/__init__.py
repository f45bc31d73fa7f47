"""The Odorik & Zadarma integration: telephony operator accounts in Home Assistant."""

from __future__ import annotations

import asyncio

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .coordinator import OdorikRuntimeData, TelcoConfigEntry, TelcoRuntimeData
from .entity import (
    DIRECT_NUMBER_PREFIX,
    PUBLIC_NUMBER_PREFIX,
    SIM_PREFIX,
    register_account_device,
    remove_stale_devices,
)
from .operators import operator_of
from .repairs import async_check_expiring_numbers

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
]


async def async_setup_entry(hass: HomeAssistant, entry: TelcoConfigEntry) -> bool:
    """Connect to the operator account and poll it."""
    operator = operator_of(entry.data)
    client = operator.connect(async_get_clientsession(hass), entry.data)
    # The account device first: SIM cards and numbers hang below it.
    account_device_id = register_account_device(hass, entry)
    runtime_data = operator.start(hass, entry, client, account_device_id)
    await asyncio.gather(
        *(
            coordinator.async_config_entry_first_refresh()
            for coordinator in runtime_data.coordinators
        )
    )
    entry.runtime_data = runtime_data
    _track_devices(hass, entry, runtime_data)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


def _track_devices(hass: HomeAssistant, entry: TelcoConfigEntry, data: TelcoRuntimeData) -> None:
    """Remove devices of SIM cards and numbers as they leave the account; check expiries."""
    if isinstance(data, OdorikRuntimeData):
        account, routing = data.account, data.routing

        @callback
        def sims_changed() -> None:
            remove_stale_devices(hass, entry, SIM_PREFIX, account.data.sim_cards)

        @callback
        def numbers_changed() -> None:
            remove_stale_devices(hass, entry, PUBLIC_NUMBER_PREFIX, routing.data)

        entry.async_on_unload(account.async_add_listener(sims_changed))
        entry.async_on_unload(routing.async_add_listener(numbers_changed))
        return
    zadarma = data.account

    @callback
    def direct_numbers_changed() -> None:
        remove_stale_devices(hass, entry, DIRECT_NUMBER_PREFIX, zadarma.data.numbers)
        async_check_expiring_numbers(hass, entry, zadarma.data.numbers.values())

    direct_numbers_changed()
    entry.async_on_unload(zadarma.async_add_listener(direct_numbers_changed))


async def async_unload_entry(hass: HomeAssistant, entry: TelcoConfigEntry) -> bool:
    """Stop polling the account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
