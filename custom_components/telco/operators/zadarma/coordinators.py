"""Zadarma's coordinators: the account (balance, numbers, SIP lines); its calls are in calls.py."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Final, override

from ...api import TelcoAuthenticationError, TelcoError
from ...api.zadarma import ZadarmaClient, digits
from ...api.zadarma_models import Balance, DirectNumber, Sip
from ...const import LOGGER
from ...model.coordinator import (
    TelcoCoordinator,
    map_client_errors,
    poll_error,
)
from ...model.declaration import TelcoRuntimeData
from .calls import ZadarmaCallsCoordinator

# Zadarma allows 100 requests a minute per key: an account poll costs three requests
# and one per SIP line, every five minutes.
ACCOUNT_INTERVAL: Final = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True)
class ZadarmaAccount:
    """One poll of the Zadarma account."""

    balance: Balance
    numbers: dict[str, DirectNumber]
    sips: dict[str, Sip]
    sip_online: dict[str, bool]

    @property
    def own_numbers(self) -> frozenset[str]:
        """Return the account's direct numbers and SIP lines, as digits."""
        return frozenset({*self.numbers, *(digits(sip) for sip in self.sips)})


class ZadarmaAccountCoordinator(TelcoCoordinator[ZadarmaAccount, ZadarmaClient]):
    """Balance, direct numbers, SIP lines and whether each SIP line is online."""

    interval = ACCOUNT_INTERVAL

    @override
    async def _async_setup(self) -> None:
        """Read the account's time zone once: the numbers' dates are written in it."""
        try:
            await self.client.get_timezone()
        except TelcoAuthenticationError as err:
            raise poll_error(err) from err
        except TelcoError as err:
            # Without it the dates are read as UTC, as before; don't keep the entry down.
            LOGGER.warning("Zadarma's account time zone is unknown, dates read as UTC: %s", err)

    @map_client_errors
    async def _async_update_data(self) -> ZadarmaAccount:
        balance, numbers, sips = await asyncio.gather(
            self.client.get_balance(), self.client.get_direct_numbers(), self.client.get_sips()
        )
        statuses = await asyncio.gather(*(self.client.get_sip_status(sip.id) for sip in sips))
        return ZadarmaAccount(
            balance=balance,
            numbers={number.number: number for number in numbers},
            sips={sip.id: sip for sip in sips},
            sip_online={
                sip.id: status.is_online for sip, status in zip(sips, statuses, strict=True)
            },
        )

    async def async_refresh_balance(self) -> Balance | None:
        """Re-read only the balance after something was paid for; None if it failed."""
        try:
            balance = await self.client.get_balance()
        except TelcoError as err:
            # The payment itself went through; the next regular poll shows the balance.
            LOGGER.debug("Re-reading the balance after a payment failed: %s", err)
            return None
        self.async_set_updated_data(replace(self.data, balance=balance))
        return balance

    async def async_change_number[R](self, number: str, change: Awaitable[R]) -> R:
        """Change a direct number at the operator, then re-read only that number."""
        result = await self.async_run_change(change)
        await self.async_refresh_number(number)
        return result

    async def async_refresh_number(self, number: str) -> None:
        """Re-read one direct number after a change to it."""
        if number not in self.data.numbers:
            return
        known = self.data.numbers[number]
        try:
            fresh = await self.client.get_direct_number(number)
        except TelcoError as err:
            # The change itself went through; the next regular poll shows it.
            LOGGER.debug("Re-reading a direct number after a change failed: %s", err)
            return
        # The single-number answer carries no ``type``; keep the one the list gave.
        numbers = {**self.data.numbers, number: replace(fresh, type=known.type)}
        self.async_set_updated_data(replace(self.data, numbers=numbers))


@dataclass(kw_only=True)
class ZadarmaRuntimeData(TelcoRuntimeData):
    """The Zadarma client and coordinators of one config entry."""

    client: ZadarmaClient
    account: ZadarmaAccountCoordinator
    calls: ZadarmaCallsCoordinator

    @property
    @override
    def coordinators(self) -> tuple[TelcoCoordinator[Any, Any], ...]:
        """Return every coordinator, e.g. to refresh them all at setup."""
        return (self.account, self.calls)
