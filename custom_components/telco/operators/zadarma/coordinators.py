"""Zadarma's coordinators: the account (balance, numbers, SIP lines) and its calls.

Zadarma lists a call in its statistics once it has ended, dated by its start, and
allows 3 statistics requests a minute: the calls are read once a minute, looking back
for long calls, and each is told once (``StatisticsCursor``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final, override

from homeassistant.core import HomeAssistant

from ...api import TelcoAuthenticationError, TelcoError
from ...api.zadarma import ZadarmaClient
from ...api.zadarma_models import Balance, CallRecord, DirectNumber, Sip
from ...const import LOGGER
from ...model.coordinator import (
    CallRecordsCoordinator,
    TelcoCoordinator,
    map_client_errors,
    poll_error,
)
from ...model.declaration import TelcoConfigEntry, TelcoRuntimeData

# Zadarma allows 100 requests a minute per key: an account poll costs three requests
# and one per SIP line, every five minutes.
ACCOUNT_INTERVAL: Final = timedelta(minutes=5)
# It allows 3 requests a minute to its statistics methods, and a refusal stops every
# request of the key for a minute. Reading the call statistics once a minute leaves
# room for two more: another page of a busy period, or a refresh asked for by hand.
STATISTICS_INTERVAL: Final = timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class ZadarmaAccount:
    """One poll of the Zadarma account."""

    balance: Balance
    numbers: dict[str, DirectNumber]
    sips: dict[str, Sip]
    sip_online: dict[str, bool]


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


@dataclass(frozen=True, kw_only=True)
class ZadarmaCall:
    """A call of the account, as the call event tells it: the one shape of a call record.

    Read from a ``/v1/statistics/`` record of the client (``from_record``), which may
    lack what a call event needs (its start, line, cost) where Zadarma leaves it out.
    """

    id: str
    sip: str
    callstart: datetime
    from_: str
    to: str
    disposition: str
    billseconds: int
    billcost: float
    currency: str

    @classmethod
    def from_record(cls, record: CallRecord) -> ZadarmaCall | None:
        """Return the call of a statistics record, or None for one without its start."""
        # A record without its start cannot be placed in time; Zadarma dates them all.
        if record.call_start is None:
            return None
        return cls(
            id=record.id,
            sip=record.sip or "",
            callstart=record.call_start,
            from_=record.from_,
            to=record.to,
            disposition=record.disposition,
            billseconds=record.bill_seconds,
            billcost=record.bill_cost or 0.0,
            currency=record.currency or "",
        )


# Reads the calls that began between two moments, every page of them.
type StatisticsFetch = Callable[
    [ZadarmaClient, datetime, datetime], Awaitable[Sequence[ZadarmaCall]]
]

# Zadarma returns at most this many statistics records a page.
STATISTICS_PAGE = 1000


async def fetch_statistics(
    client: ZadarmaClient, start: datetime, end: datetime
) -> Sequence[ZadarmaCall]:
    """Read the call statistics of calls that began between ``start`` and ``end``, every page.

    Each page is one of the three statistics requests Zadarma allows a minute; the
    client waits its turn.
    """
    calls: list[ZadarmaCall] = []
    skip = 0
    while True:
        page = await client.get_statistics(start, end, skip=skip, limit=STATISTICS_PAGE)
        calls.extend(
            call for record in page.calls if (call := ZadarmaCall.from_record(record)) is not None
        )
        if len(page.calls) < STATISTICS_PAGE:
            return calls
        skip += STATISTICS_PAGE


# Statistics list a call once it has ended, dated by its start: each read looks back
# this far for calls that were still going on at the last one. Longer calls are rare
# enough, and each poll still costs one request for fewer than 1000 calls in that time.
STATISTICS_LOOKBACK = timedelta(hours=6)
# Zadarma answers for at most a month per request; a longer pause is read in steps.
STATISTICS_MAX_PERIOD = timedelta(days=28)


@dataclass(frozen=True, kw_only=True)
class StatisticsCursor:
    """How far Zadarma's call statistics were read, exactly.

    A long call appears behind shorter ones already read, so each read starts
    ``STATISTICS_LOOKBACK`` before the end of the last one (``read_until``) and skips
    the records already told, whose ids are kept (with their start) for as long as a
    read can return them again. Calls that began before ``since``, the very first
    start, are history.
    """

    since: datetime
    read_until: datetime
    seen: Mapping[str, datetime] = field(default_factory=dict)

    @classmethod
    def starting(cls, now: datetime) -> StatisticsCursor:
        """Return the cursor of a first start: nothing before ``now`` is new."""
        return cls(since=now, read_until=now)

    def period(self, now: datetime) -> tuple[datetime, datetime]:
        """Return the start and end of the next read."""
        start = max(self.since, self.read_until - STATISTICS_LOOKBACK)
        return start, min(now, start + STATISTICS_MAX_PERIOD)

    def take(
        self, records: Sequence[ZadarmaCall], end: datetime
    ) -> tuple[list[ZadarmaCall], StatisticsCursor]:
        """Return the new records of a read up to ``end``, oldest first, and the next cursor."""
        # A record may come twice when calls end while the pages of a read are fetched.
        fresh = {
            record.id: record
            for record in records
            if record.id not in self.seen and record.callstart >= self.since
        }
        new = sorted(fresh.values(), key=lambda record: (record.callstart, record.id))
        # The next read starts here; what began before it cannot come back.
        horizon = max(self.since, end - STATISTICS_LOOKBACK)
        seen = {
            record_id: start
            for record_id, start in (
                *self.seen.items(),
                *((record.id, record.callstart) for record in new),
            )
            if start >= horizon
        }
        return new, replace(self, read_until=end, seen=seen)

    def as_dict(self) -> dict[str, Any]:
        """Return the cursor as JSON-able data."""
        return {
            "since": self.since.isoformat(),
            "read_until": self.read_until.isoformat(),
            "seen": {record_id: start.isoformat() for record_id, start in self.seen.items()},
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> StatisticsCursor:
        """Return the cursor kept by ``as_dict``."""
        return cls(
            since=datetime.fromisoformat(stored["since"]),
            read_until=datetime.fromisoformat(stored["read_until"]),
            seen={
                record_id: datetime.fromisoformat(start)
                for record_id, start in stored["seen"].items()
            },
        )


class ZadarmaCallsCoordinator(CallRecordsCoordinator[ZadarmaCall, StatisticsCursor, ZadarmaClient]):
    """Calls new in Zadarma's call statistics, read with ``fetch``."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: TelcoConfigEntry,
        client: ZadarmaClient,
        fetch: StatisticsFetch = fetch_statistics,
    ) -> None:
        """Read the statistics with ``fetch`` (the client's, every page, by default)."""
        super().__init__(hass, entry, client)
        self._fetch = fetch

    interval = STATISTICS_INTERVAL

    @override
    def _start_cursor(self, now: datetime) -> StatisticsCursor:
        return StatisticsCursor.starting(now)

    @override
    def _load_cursor(self, stored: Mapping[str, Any]) -> StatisticsCursor:
        return StatisticsCursor.from_dict(stored)

    @override
    async def _read_new(
        self, cursor: StatisticsCursor, now: datetime
    ) -> tuple[Sequence[ZadarmaCall], StatisticsCursor]:
        start, end = cursor.period(now)
        return cursor.take(await self._fetch(self.client, start, end), end)


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
