"""Zadarma's coordinators: the account (balance, numbers, SIP lines); its calls are in calls.py."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from ...api import TelcoAuthenticationError, TelcoError
from ...api.zadarma import ZadarmaClient, digits
from ...api.zadarma_models import Balance, DirectNumber, ProlongResult, Sip, SipStatus
from ...const import LOGGER
from ...model.coordinator import (
    TelcoCoordinator,
    map_client_errors,
    poll_error,
)
from ...model.declaration import TelcoRuntimeData
from .calls import ZadarmaCallsCoordinator

# Zadarma allows 100 requests a minute per key: an account poll costs three requests
# every five minutes. Each SIP line's status costs one more: they are read a tenth at
# a time every 30 s (the lines read longest ago first), so that each is at most five
# minutes old and no minute holds them all.
ACCOUNT_INTERVAL: Final = timedelta(minutes=5)
SIP_STATUS_INTERVAL: Final = timedelta(seconds=30)


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

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], client: ZadarmaClient) -> None:
        """Start with no SIP line's status read."""
        super().__init__(hass, entry, client)
        # When each SIP line's status was last read.
        self.status_read: dict[str, datetime] = {}

    @override
    async def _async_setup(self) -> None:
        """Read the account's time zone once: the numbers' dates are written in it.

        The SIP lines' statuses are read in turns from now on.
        """
        self.config_entry.async_on_unload(
            async_track_time_interval(self.hass, self._async_read_statuses_due, SIP_STATUS_INTERVAL)
        )
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
        # The statuses of the lines already known are read in turns (below); a line
        # new in the list (every line at setup) is asked at once. Taken after the
        # lists came: a turn may have read some meanwhile.
        last: ZadarmaAccount | None = self.data
        known = last.sip_online if last is not None else {}
        late = [sip.id for sip in sips if sip.id not in known]
        answers = await asyncio.gather(*(self.client.get_sip_status(sip_id) for sip_id in late))
        now = dt_util.utcnow()
        statuses = {
            **known,
            **{sip_id: s.is_online for sip_id, s in zip(late, answers, strict=True)},
        }
        listed = {sip.id for sip in sips}
        self.status_read = {
            **{key: when for key, when in self.status_read.items() if key in listed},
            **dict.fromkeys(late, now),
        }
        return ZadarmaAccount(
            balance=balance,
            numbers={number.number: number for number in numbers},
            sips={sip.id: sip for sip in sips},
            sip_online={sip.id: statuses[sip.id] for sip in sips},
        )

    async def _async_read_statuses_due(self, _now: datetime) -> None:
        """Read the share of SIP lines' statuses due: a tenth, those read longest ago."""
        account: ZadarmaAccount | None = self.data
        # No turn while the account poll fails (refused credentials stop it, and these).
        if account is None or not account.sips or not self.last_update_success:
            return
        turns = max(round(self.interval / SIP_STATUS_INTERVAL), 1)
        share = -(-len(account.sips) // turns)
        epoch = datetime.min.replace(tzinfo=UTC)
        order = sorted(account.sips, key=lambda key: self.status_read.get(key, epoch))
        due = order[:share]
        answers = await asyncio.gather(*(self._status_or_error(sip_id) for sip_id in due))
        now = dt_util.utcnow()
        read: dict[str, bool] = {}
        for sip_id, answer in zip(due, answers, strict=True):
            if isinstance(answer, TelcoError):
                # Asked again on the next turn, the line read longest ago; the last
                # status stays shown meanwhile.
                LOGGER.debug("Reading a SIP line's status failed: %s", answer)
                if isinstance(answer, TelcoAuthenticationError):
                    # The account poll asks again now, and fails (and reauthenticates) once.
                    await self.async_request_refresh()
                    return
                continue
            read[sip_id] = answer.is_online
            self.status_read[sip_id] = now
        # The account as it is now (a poll may have come meanwhile; it never takes it away).
        current = self.data
        # A line the account poll dropped meanwhile stays dropped.
        kept = {key: value for key, value in read.items() if key in current.sips}
        if not kept or all(current.sip_online.get(key) == value for key, value in kept.items()):
            return
        # Shown without moving the account poll (async_set_updated_data would).
        self.data = replace(current, sip_online={**current.sip_online, **kept})
        self.async_update_listeners()

    async def _status_or_error(self, sip_id: str) -> SipStatus | TelcoError:
        """Ask a SIP line's status; return a failure instead of raising it."""
        try:
            return await self.client.get_sip_status(sip_id)
        except TelcoError as err:
            return err

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

    async def async_set_auto_prolongation(self, number: str, enabled: bool) -> bool:
        """Switch a number's auto-prolongation, then re-read that number; return the new state.

        The state answered is shown at once, even when the re-read fails; a lost
        answer counts when the number re-read shows the state asked for.
        """

        async def switch() -> None:
            state = await self.client.set_autoprolongation(number, enabled)
            if number in self.data.numbers:
                self._show(number, replace(self.data.numbers[number], autorenew=state))

        async def confirm() -> bool:
            fresh = await self._async_read_number(number)
            return fresh is not None and fresh.autorenew == enabled

        await self.async_run_confirmed_change(switch(), confirm)
        await self.async_refresh_number(number)
        known = self.data.numbers.get(number)
        return known.autorenew if known is not None else enabled

    async def async_prolong_number(self, number: str, months: int) -> ProlongResult | None:
        """Pay ``months`` more months of a number, then re-read it and the balance.

        Paying is never sent twice: a lost answer is judged by the number's paid-until
        date read again. When it moved on, the months were paid and None is returned
        (the amount charged is not known); when it did not, or the re-read fails, the
        user is told the payment may not have been made, and to check before paying
        again.
        """
        paid_until = self.data.numbers[number].stop_date
        answered: list[ProlongResult] = []

        async def prolong() -> None:
            answered.append(await self.client.prolong_number(number, months))

        async def confirm() -> bool:
            fresh = await self._async_read_number(number)
            if fresh is None or fresh.stop_date is None:
                return False
            return paid_until is None or fresh.stop_date > paid_until

        try:
            await self.async_run_confirmed_change(prolong(), confirm)
        finally:
            await self.async_refresh_balance()  # whatever happened, show what is left
        if answered:
            await self.async_refresh_number(number)
            return answered[0]
        return None

    async def async_refresh_number(self, number: str) -> None:
        """Re-read one direct number after a change to it."""
        try:
            await self._async_read_number(number)
        except TelcoError as err:
            # The change itself went through; the next regular poll shows it.
            LOGGER.debug("Re-reading a direct number after a change failed: %s", err)

    async def _async_read_number(self, number: str) -> DirectNumber | None:
        """Re-read one known direct number and show it; None if it is not known."""
        if number not in self.data.numbers:
            return None
        known = self.data.numbers[number]
        fresh = await self.client.get_direct_number(number)
        # The single-number answer carries no ``type``; keep the one the list gave.
        fresh = replace(fresh, type=known.type)
        self._show(number, fresh)
        return fresh

    @callback
    def _show(self, number: str, shown: DirectNumber) -> None:
        """Show one direct number as read or answered."""
        numbers = {**self.data.numbers, number: shown}
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
