"""Odorik's coordinators: calls in progress, mobile data and calls (account: account.py).

Odorik bills by the Prague month; the mobile data of a month is kept in a ledger that
each poll extends by what is new, and the call history is read past the last record
told (``since_id``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ...api.odorik import OdorikClient
from ...api.odorik_models import ActiveCall, Call, MobileDataRecord, Sms
from ...const import ODORIK_TIMEZONE
from ...model.coordinator import CallRecordsCoordinator, TelcoCoordinator, map_client_errors
from ...model.declaration import TelcoConfigEntry, TelcoRuntimeData
from ...model.views import ItemViews
from .account import OdorikAccountCoordinator, month_start
from .routing import OdorikRoutingCoordinator

# Odorik names no request limit. Calls in progress change fast, and a call enters the
# history when it ends; mobile data is booked in daily records (the account:
# account.py; routing: routing.py).
ACTIVE_CALLS_INTERVAL: Final = timedelta(seconds=30)
SLOW_INTERVAL: Final = timedelta(minutes=15)


def day_start(moment: datetime) -> datetime:
    """Return the start of ``moment``'s day in Prague time."""
    local = moment.astimezone(ODORIK_TIMEZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


class OdorikActiveCallsCoordinator(TelcoCoordinator[list[ActiveCall], OdorikClient]):
    """Calls in progress right now."""

    interval = ACTIVE_CALLS_INTERVAL

    @override
    def item_views(self, data: list[ActiveCall]) -> ItemViews:
        """Return the calls, which the account's sensor of calls in progress shows."""
        return ItemViews(items={"": tuple(data)})

    @map_client_errors
    async def _async_update_data(self) -> list[ActiveCall]:
        return await self.client.get_active_calls()

    async def async_hang_up(self, call_id: int) -> None:
        """End a call in progress; a lost answer counts when the call is listed no more."""

        async def ended() -> bool:
            calls = await self.client.get_active_calls()
            self.async_set_updated_data(calls)
            return all(call.id != call_id for call in calls)

        await self.async_run_confirmed_change(self.client.hang_up(call_id), ended)


@dataclass(frozen=True, kw_only=True)
class DataUsage:
    """Month-to-date mobile data of one SIM card."""

    bytes_total: int = 0
    price: float = 0.0

    def __add__(self, other: DataUsage) -> DataUsage:
        """Add two usages."""
        return DataUsage(
            bytes_total=self.bytes_total + other.bytes_total, price=self.price + other.price
        )

    @classmethod
    def of(cls, records: list[MobileDataRecord]) -> DataUsage:
        """Sum records."""
        return cls(
            bytes_total=sum(record.bytes_total for record in records),
            price=sum(record.price or 0.0 for record in records),
        )


@dataclass
class MobileDataLedger:
    """Month-to-date mobile data, accumulated incrementally.

    Records before ``cursor`` are final and summed into ``settled``; each poll
    re-reads only from ``cursor`` (the start of the last day already seen, whose
    daily record may still grow), so a poll costs what is new, not the month.
    """

    month: datetime
    cursor: datetime
    settled: dict[str, DataUsage] = field(default_factory=dict)

    @classmethod
    def for_month_of(cls, now: datetime) -> MobileDataLedger:
        """Start an empty ledger at the beginning of ``now``'s Prague month."""
        start = month_start(now)
        return cls(month=start, cursor=start)

    def add(self, records: list[MobileDataRecord]) -> dict[str, DataUsage]:
        """Take the records read from ``cursor`` on; return the month-to-date totals."""
        # An undated record cannot be placed in the month; the operator dates them all.
        dated = [
            (record.date, record)
            for record in records
            if record.date is not None and record.date >= self.cursor
        ]
        if not dated:
            return dict(self.settled)
        # Days before the last one seen are final; the last one may still grow.
        new_cursor = max(self.cursor, day_start(max(date for date, _ in dated)))
        fresh: dict[str, list[MobileDataRecord]] = {}
        done: dict[str, list[MobileDataRecord]] = {}
        for date, record in dated:
            fresh.setdefault(record.phone_number, []).append(record)
            if date < new_cursor:
                done.setdefault(record.phone_number, []).append(record)
        totals = dict(self.settled)
        for number, items in fresh.items():
            totals[number] = totals.get(number, DataUsage()) + DataUsage.of(items)
        for number, items in done.items():
            self.settled[number] = self.settled.get(number, DataUsage()) + DataUsage.of(items)
        self.cursor = new_cursor
        return totals


class OdorikMobileDataCoordinator(TelcoCoordinator[dict[str, DataUsage], OdorikClient]):
    """Month-to-date mobile data per SIM card, from one request for all SIM cards."""

    interval = SLOW_INTERVAL

    def __init__(self, hass: HomeAssistant, entry: TelcoConfigEntry, client: OdorikClient) -> None:
        """Start with an empty ledger for the current month."""
        super().__init__(hass, entry, client)
        self.ledger = MobileDataLedger.for_month_of(dt_util.utcnow())

    @override
    def item_views(self, data: dict[str, DataUsage]) -> ItemViews:
        """Return each SIM card's usage; the month is every SIM card's ``last_reset``."""
        return ItemViews(items=dict(data), common=self.ledger.month)

    @map_client_errors
    async def _async_update_data(self) -> dict[str, DataUsage]:
        now = dt_util.utcnow()
        if month_start(now) != self.ledger.month:
            self.ledger = MobileDataLedger.for_month_of(now)
        records = await self.client.get_mobile_data(start=self.ledger.cursor, end=now)
        return self.ledger.add(records)


# SMS are read by date: the document offers ``since_id`` for calls ("the id of the
# last call read"), and the SMS history numbers its records by itself, so an SMS id
# says nothing about the call ids (nor is it known whether ``since_id`` filters SMS).
# Each poll re-reads this far back, for an SMS written late or a clock that differs;
# the ids told within it are kept, so that each SMS is told once.
SMS_LOOK_BACK: Final = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class OdorikCallCursor:
    """How far the call history and the SMS history were read.

    Calls are read past call ``last_id``; before the first call after the very
    first start there is no id to read past, and they are read by time from that
    start (``since``). SMS are read by time from ``sms_from``, and ``sms_seen``
    holds the ids (with their dates) of those already told that are dated from
    ``sms_from`` on.
    """

    since: datetime
    last_id: int | None = None
    sms_from: datetime
    sms_seen: Mapping[int, datetime] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the cursor as JSON-able data."""
        return {
            "since": self.since.isoformat(),
            "last_id": self.last_id,
            "sms": {
                "from": self.sms_from.isoformat(),
                "seen": {str(key): date.isoformat() for key, date in self.sms_seen.items()},
            },
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any], now: datetime) -> OdorikCallCursor:
        """Return the cursor kept by ``as_dict``, or by a version before SMS had their own.

        That version's ``last_id`` also counted SMS ids; it is kept as the call id
        to read past. Which SMS it told is not known, so SMS are read from ``now``.
        """
        since = datetime.fromisoformat(stored["since"])
        if (sms := stored.get("sms")) is None:
            return cls(since=since, last_id=stored["last_id"], sms_from=now)
        return cls(
            since=since,
            last_id=stored["last_id"],
            sms_from=datetime.fromisoformat(sms["from"]),
            sms_seen={int(key): datetime.fromisoformat(date) for key, date in sms["seen"].items()},
        )

    def after_sms(self, told: Sequence[Sms], now: datetime) -> OdorikCallCursor:
        """Return the cursor past SMS read up to ``now``, of which ``told`` were new.

        The next read starts ``SMS_LOOK_BACK`` before ``now`` (never before
        ``sms_from``); the ids of SMS dated before it are forgotten, for they will
        not be read again.
        """
        start = max(self.sms_from, now - SMS_LOOK_BACK)
        seen = {**self.sms_seen, **{sms.id: sms.date for sms in told}}
        return replace(
            self,
            sms_from=start,
            sms_seen={key: date for key, date in seen.items() if date >= start},
        )


class OdorikCallsCoordinator(CallRecordsCoordinator[Call, OdorikCallCursor, OdorikClient]):
    """Calls new in the call history (``since_id``, every page) and SMS new in the SMS history.

    Polled as often as the calls in progress: a call enters the history when it
    leaves them, and a poll past the last id costs one request, usually empty; the
    SMS of the last hour cost one more.
    """

    interval = ACTIVE_CALLS_INTERVAL

    def __init__(
        self,
        hass: HomeAssistant,
        entry: TelcoConfigEntry,
        client: OdorikClient,
        *,
        on_records: Callable[[], None] | None = None,
    ) -> None:
        """Read nothing yet; ``on_records`` is told of each poll that found records."""
        super().__init__(hass, entry, client)
        self._on_records = on_records

    @override
    def _start_cursor(self, now: datetime) -> OdorikCallCursor:
        return OdorikCallCursor(since=now, sms_from=now)

    @override
    def _load_cursor(self, stored: Mapping[str, Any]) -> OdorikCallCursor:
        return OdorikCallCursor.from_dict(stored, dt_util.utcnow())

    @override
    async def _read_new(
        self, cursor: OdorikCallCursor, now: datetime
    ) -> tuple[Sequence[Call], OdorikCallCursor]:
        if cursor.last_id is None:
            reading = self.client.read_calls(start=cursor.since, end=now)
        else:
            reading = self.client.read_calls(since_id=cursor.last_id)
        # Both at once: neither depends on the other, and a poll then costs one round trip.
        read, history = await asyncio.gather(
            reading, self.client.get_sms_history(start=cursor.sms_from, end=now)
        )
        # Without include_sms the history lists no SMS; should one come all the same,
        # the SMS history tells it.
        calls = [row for row in read.calls if not row.is_sms]
        told: dict[int, Sms] = {}
        for sms in history:
            if sms.id not in cursor.sms_seen and sms.date >= cursor.sms_from:
                told.setdefault(sms.id, sms)
        cursor = cursor.after_sms(list(told.values()), now)
        # A record that cannot be read (the client logged it) is passed all the same:
        # stopping at it would hold back every call after it for good.
        if ids := [call.id for call in calls] + list(read.skipped_ids):
            cursor = replace(cursor, last_id=max(ids))
        # Call ids follow the order records are written (when a call ends); oldest
        # first is by when it began, calls before SMS of the same moment.
        records = sorted(
            [*calls, *(sms.as_call() for sms in told.values())],
            key=lambda record: (record.date, record.is_sms, record.id),
        )
        if (records or read.skipped_ids) and self._on_records is not None:
            self._on_records()  # the month's call statistics have changed
        return records, cursor


@dataclass(kw_only=True)
class OdorikRuntimeData(TelcoRuntimeData):
    """The Odorik client and coordinators of one config entry."""

    client: OdorikClient
    account: OdorikAccountCoordinator
    active_calls: OdorikActiveCallsCoordinator
    calls: OdorikCallsCoordinator
    mobile_data: OdorikMobileDataCoordinator
    routing: OdorikRoutingCoordinator

    @property
    @override
    def coordinators(self) -> tuple[TelcoCoordinator[Any, Any], ...]:
        """Return every coordinator, e.g. to refresh them all at setup."""
        return (self.account, self.active_calls, self.calls, self.mobile_data, self.routing)
