"""Zadarma's calls: read from its statistics, and pushed to Home Assistant's webhook.

Zadarma lists a call in its statistics once it has ended, dated by its start:
``/v1/statistics/`` the account's calls, ``/v1/statistics/incoming-calls/`` the
incoming ones, each with its own ids. It allows 3 statistics requests a minute: the
poll reads both (two of the three) once a minute, looking back for long calls, and
tells each call once (``StatisticsCursor``); with push on it reads them every ten
minutes, as the safety net of the events Zadarma pushes.

A call told by both is told once: its end, pushed, is matched against the statistics
by the other party's number and the call's start (within a few seconds), whichever
comes first, and the later one is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ...api.zadarma import ZadarmaClient, digits
from ...api.zadarma_models import CallHistory, CallRecord
from ...const import LOGGER
from ...model.coordinator import CallBatch, CallRecordsCoordinator
from ...model.declaration import TelcoConfigEntry

# Zadarma allows 3 requests a minute to its statistics methods; whether a refusal stops
# only them or every request of the key is not documented (the client holds back only
# statistics, see api/zadarma.py). A poll reads two (the calls and the incoming calls);
# the third is left for another page of a busy period.
STATISTICS_INTERVAL: Final = timedelta(minutes=1)
# While Zadarma pushes the calls, the statistics are only the safety net.
PUSHED_STATISTICS_INTERVAL: Final = timedelta(minutes=10)
# Statistics list a call once it has ended, dated by its start: each read looks back
# this far for calls that were still going on at the last one.
STATISTICS_LOOKBACK = timedelta(hours=6)
# Zadarma answers for at most a month per request; a longer pause is read in steps.
STATISTICS_MAX_PERIOD = timedelta(days=28)
# Zadarma returns at most this many statistics records a page.
STATISTICS_PAGE = 1000
# The most pages of each list one read follows (at 3 requests a minute): a server that
# ignores ``skip`` must not hold the poll, and the events, for ever.
MAX_STATISTICS_PAGES: Final = 20
# The start of one call as pushed and as listed: the same second, give or take.
SAME_CALL_WINDOW = timedelta(seconds=5)


def parties(*numbers: str, own: Collection[str] = ()) -> frozenset[str]:
    """Return the numbers of a call other than the account's own, as digits."""
    found = {digits(number) for number in numbers}
    return frozenset(number for number in found if number.strip("0") and number not in own)


def _source(key: str) -> str:
    """Return the list a told call came from: its key's prefix (``incoming``, ``push``)."""
    source, _, _ = key.rpartition(":")
    return source


@dataclass(frozen=True, kw_only=True)
class ToldCall:
    """A call already told: when it began and who was on the other end."""

    start: datetime
    parties: frozenset[str] = frozenset()

    def is_same_call(self, other: ToldCall) -> bool:
        """Tell whether two reports describe one call: same other party, same start."""
        return bool(self.parties & other.parties) and (
            abs(self.start - other.start) <= SAME_CALL_WINDOW
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the call as JSON-able data."""
        return {"start": self.start.isoformat(), "parties": sorted(self.parties)}

    @classmethod
    def from_stored(cls, stored: Any) -> ToldCall:
        """Return a call kept by ``as_dict`` (or, before push, only its start)."""
        if isinstance(stored, str):
            return cls(start=datetime.fromisoformat(stored))
        return cls(
            start=datetime.fromisoformat(stored["start"]), parties=frozenset(stored["parties"])
        )


@dataclass(frozen=True, kw_only=True)
class ZadarmaCall:
    """A call of the account, as the call event tells it: the one shape of a call record.

    Read from a statistics record of the client (``from_record``), which may lack what
    a call event needs (its start, line, cost) where Zadarma leaves it out.
    ``incoming`` is True for a record of the incoming calls, None where the statistics
    do not say which way the call went.
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
    incoming: bool | None = None

    @property
    def key(self) -> str:
        """Return the record's key among the records told (each list has its own ids)."""
        return f"incoming:{self.id}" if self.incoming else self.id

    @classmethod
    def from_record(cls, record: CallRecord, *, incoming: bool | None) -> ZadarmaCall | None:
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
            incoming=incoming,
        )


@dataclass(frozen=True, kw_only=True)
class PushedEvent:
    """An event Zadarma pushed, told as it came: its type and attributes.

    ``told`` is the call it ended, to be matched against the statistics (None for the
    events during a call, and for SMS).
    """

    key: str
    event_type: str
    attributes: Mapping[str, Any]
    told: ToldCall | None = None


# Reads the calls that began between two moments, every page of both lists.
type StatisticsFetch = Callable[
    [ZadarmaClient, datetime, datetime], Awaitable[Sequence[ZadarmaCall]]
]


async def fetch_statistics(
    client: ZadarmaClient, start: datetime, end: datetime
) -> Sequence[ZadarmaCall]:
    """Read the calls and the incoming calls that began between ``start`` and ``end``.

    Both lists at once (a poll then costs one round trip, not two). Each page is one
    of the three statistics requests Zadarma allows a minute; the client waits its
    turn. The incoming calls come first: where the overall list also has one, the
    cursor tells it once.
    """
    incoming, overall = await asyncio.gather(
        _read_list(client.get_incoming_statistics, start, end, incoming=True),
        _read_list(client.get_statistics, start, end, incoming=None),
    )
    return [*incoming, *overall]


async def _read_list(
    read: Callable[..., Awaitable[CallHistory]],
    start: datetime,
    end: datetime,
    *,
    incoming: bool | None,
) -> list[ZadarmaCall]:
    """Read every page of one statistics list."""
    calls: list[ZadarmaCall] = []
    ids: set[str] = set()
    for number in range(MAX_STATISTICS_PAGES):
        page = await read(start, end, skip=number * STATISTICS_PAGE, limit=STATISTICS_PAGE)
        calls.extend(
            call
            for record in page.calls
            if (call := ZadarmaCall.from_record(record, incoming=incoming)) is not None
        )
        listed = {record.id for record in page.calls} | set(page.skipped_ids)
        # A page that is not full is the last; one that brings no new id (a server
        # that ignores skip) would be followed by the same again.
        if page.listed < STATISTICS_PAGE or listed <= ids:
            break
        ids |= listed
    else:
        LOGGER.warning(
            "Zadarma listed more than %d pages of calls; the rest of the period is not read",
            MAX_STATISTICS_PAGES,
        )
    return calls


@dataclass(frozen=True, kw_only=True)
class StatisticsCursor:
    """How far Zadarma's call statistics were read, and which calls were told.

    A long call appears behind shorter ones already read, so each read starts
    ``STATISTICS_LOOKBACK`` before the end of the last one (``read_until``) and skips
    the calls already told (``seen``: the records read, by key, and the calls pushed,
    by ``push:<id>``), kept for as long as a read can return them again. Calls that
    began before ``since``, the very first start, are history.
    """

    since: datetime
    read_until: datetime
    seen: Mapping[str, ToldCall] = field(default_factory=dict)

    @classmethod
    def starting(cls, now: datetime) -> StatisticsCursor:
        """Return the cursor of a first start: nothing before ``now`` is new."""
        return cls(since=now, read_until=now)

    def period(self, now: datetime) -> tuple[datetime, datetime]:
        """Return the start and end of the next read."""
        start = max(self.since, self.read_until - STATISTICS_LOOKBACK)
        return start, min(now, start + STATISTICS_MAX_PERIOD)

    def told(self, call: ToldCall, key: str) -> bool:
        """Tell whether a call was told already, under ``key`` or by another way it came.

        Two reports from the same list are two calls (each list has its own ids);
        one from another list, with the same other party and start, is the same call.
        """
        return key in self.seen or any(
            _source(known_key) != _source(key) and known.is_same_call(call)
            for known_key, known in self.seen.items()
        )

    def take(
        self,
        records: Sequence[ZadarmaCall],
        end: datetime,
        own: Collection[str] = (),
    ) -> tuple[list[ZadarmaCall], StatisticsCursor]:
        """Return the new records of a read up to ``end``, oldest first, and the next cursor.

        ``own`` are the account's numbers, left out when calls are matched by party.
        """
        new: list[ZadarmaCall] = []
        # A record may come twice when calls end while the pages of a read are fetched,
        # and an incoming call may be listed in both lists.
        cursor = self
        for record in records:
            if record.callstart < self.since:
                continue
            call = ToldCall(
                start=record.callstart, parties=parties(record.from_, record.to, own=own)
            )
            if cursor.told(call, record.key):
                continue
            cursor = replace(cursor, seen={**cursor.seen, record.key: call})
            new.append(record)
        new.sort(key=lambda record: (record.callstart, record.id))
        cursor = replace(cursor, read_until=end)
        return new, cursor.forget_before(end - STATISTICS_LOOKBACK)

    def with_pushed(self, key: str, call: ToldCall) -> StatisticsCursor:
        """Return the cursor that knows a pushed call as told."""
        return replace(self, seen={**self.seen, key: call})

    def forget_before(self, moment: datetime) -> StatisticsCursor:
        """Return the cursor without the calls that began before ``moment`` (read no more)."""
        horizon = max(self.since, moment)
        return replace(
            self, seen={key: call for key, call in self.seen.items() if call.start >= horizon}
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the cursor as JSON-able data."""
        return {
            "since": self.since.isoformat(),
            "read_until": self.read_until.isoformat(),
            "seen": {key: call.as_dict() for key, call in self.seen.items()},
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> StatisticsCursor:
        """Return the cursor kept by ``as_dict`` (also one kept before push)."""
        return cls(
            since=datetime.fromisoformat(stored["since"]),
            read_until=datetime.fromisoformat(stored["read_until"]),
            seen={key: ToldCall.from_stored(call) for key, call in stored["seen"].items()},
        )


class ZadarmaCallsCoordinator(
    CallRecordsCoordinator[ZadarmaCall | PushedEvent, StatisticsCursor, ZadarmaClient]
):
    """Calls new in Zadarma's call statistics (read with ``fetch``), and those it pushes.

    ``own_numbers`` returns the account's numbers and SIP lines (digits), which
    matching calls by party leaves out.
    """

    interval = STATISTICS_INTERVAL

    def __init__(
        self,
        hass: HomeAssistant,
        entry: TelcoConfigEntry,
        client: ZadarmaClient,
        fetch: StatisticsFetch = fetch_statistics,
        *,
        own_numbers: Callable[[], Collection[str]] = frozenset,
        pushed: bool = False,
    ) -> None:
        """Read the statistics with ``fetch`` (the client's, every page, by default)."""
        super().__init__(hass, entry, client)
        self._fetch = fetch
        self._own_numbers = own_numbers
        # Polls and pushes change the cursor one at a time.
        self._cursor_lock = asyncio.Lock()
        # The events during a call (ringing, answered) by key, once each.
        self._pushed_keys: dict[str, datetime] = {}
        self.last_push: datetime | None = None
        if pushed:
            self.update_interval = PUSHED_STATISTICS_INTERVAL

    @override
    def _start_cursor(self, now: datetime) -> StatisticsCursor:
        return StatisticsCursor.starting(now)

    @override
    def _load_cursor(self, stored: Mapping[str, Any]) -> StatisticsCursor:
        return StatisticsCursor.from_dict(stored)

    @override
    async def _async_update_data(self) -> CallBatch[ZadarmaCall | PushedEvent]:
        # A push that ends a call waits for a read in progress, and the other way round:
        # each decides against the cursor the other left.
        async with self._cursor_lock:
            return await super()._async_update_data()

    @override
    async def _read_new(
        self, cursor: StatisticsCursor, now: datetime
    ) -> tuple[Sequence[ZadarmaCall | PushedEvent], StatisticsCursor]:
        start, end = cursor.period(now)
        return cursor.take(await self._fetch(self.client, start, end), end, self._own_numbers())

    async def async_tell_pushed(self, event: PushedEvent) -> None:
        """Tell an event Zadarma pushed, unless it was told already (by a read or a push)."""
        now = dt_util.utcnow()
        self.last_push = now
        if self.cursor is None:
            return  # not started yet: the first read tells nothing either
        if event.told is None:
            horizon = now - STATISTICS_LOOKBACK
            self._pushed_keys = {
                key: moment for key, moment in self._pushed_keys.items() if moment >= horizon
            }
            if event.key in self._pushed_keys:
                return
            self._pushed_keys[event.key] = now
        else:
            async with self._cursor_lock:
                if self.cursor.told(event.told, event.key):
                    return
                cursor = self.cursor.with_pushed(event.key, event.told)
                await self._store.async_save(cursor.as_dict())
                self.cursor = cursor
        # Told now, without moving the next poll: the statistics stay the safety net.
        self.data = CallBatch(sequence=next(self._sequence), read_at=now, records=(event,))
        self.async_update_listeners()
