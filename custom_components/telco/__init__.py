"""The Odorik & Zadarma integration: telephony operator accounts in Home Assistant."""

from __future__ import annotations

import asyncio

from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_URL, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api.odorik import OdorikClient
from .api.zadarma import ZadarmaClient
from .const import CONF_API_SECRET, CONF_OPERATOR, OPERATOR_ODORIK
from .coordinator import (
    OdorikAccountCoordinator,
    OdorikActiveCallsCoordinator,
    OdorikMobileDataCoordinator,
    OdorikRoutingCoordinator,
    OdorikRuntimeData,
    TelcoConfigEntry,
    TelcoRuntimeData,
    ZadarmaAccountCoordinator,
    ZadarmaRuntimeData,
)
from .entity import (
    DIRECT_NUMBER_PREFIX,
    PUBLIC_NUMBER_PREFIX,
    SIM_PREFIX,
    register_account_device,
    remove_stale_devices,
)
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
    session = async_get_clientsession(hass)
    # The account device first: SIM cards and numbers hang below it.
    account_device_id = register_account_device(hass, entry, entry.data[CONF_OPERATOR])
    runtime_data: TelcoRuntimeData
    if entry.data[CONF_OPERATOR] == OPERATOR_ODORIK:
        odorik = OdorikClient(
            session,
            entry.data[CONF_USERNAME],
            entry.data[CONF_PASSWORD],
            base_url=entry.data[CONF_URL],
        )
        runtime_data = OdorikRuntimeData(
            account_device_id=account_device_id,
            client=odorik,
            account=OdorikAccountCoordinator(hass, entry, odorik),
            active_calls=OdorikActiveCallsCoordinator(hass, entry, odorik),
            mobile_data=OdorikMobileDataCoordinator(hass, entry, odorik),
            routing=OdorikRoutingCoordinator(hass, entry, odorik),
        )
    else:
        zadarma = ZadarmaClient(
            session,
            entry.data[CONF_API_KEY],
            entry.data[CONF_API_SECRET],
            base_url=entry.data[CONF_URL],
        )
        runtime_data = ZadarmaRuntimeData(
            account_device_id=account_device_id,
            client=zadarma,
            account=ZadarmaAccountCoordinator(hass, entry, zadarma),
        )
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
