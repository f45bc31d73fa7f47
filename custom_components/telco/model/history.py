"""What an operator declares to have its history imported as long-term statistics.

An operator reads its history in windows of time and pages (``HistorySource.read``);
each record adds values to some series (``Series``), named by a key that the
statistic id ends with. The importer (``model/statistics.py``) buckets them by hour,
keeps its progress and writes the statistics; nothing here knows the recorder.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, kw_only=True)
class Series:
    """One statistic of an account's history.

    ``label`` is the translation key of its name (``selector.statistic.options``),
    ``item`` what it is about besides the account (a SIM card's number); records add
    raw values, written multiplied by ``scale`` (seconds as minutes).
    """

    key: str
    label: str
    unit: str | None
    unit_class: str | None = None
    scale: float = 1.0
    item: str | None = None


@dataclass(frozen=True, kw_only=True)
class HistoryRecord:
    """One record of the history: its id, when it counts, what it adds to which series."""

    id: Hashable
    moment: datetime
    values: Mapping[str, float]


@dataclass(frozen=True, kw_only=True)
class HistoryPage:
    """One answer of the operator, and whether another page of the same window follows."""

    records: Sequence[HistoryRecord]
    more: bool = False


@dataclass(frozen=True, kw_only=True)
class HistorySource:
    """One kind of an account's history, as its operator reads it.

    ``read(start, end, page)`` returns page ``page`` (from 0) of the records that
    began in ``[start, end)`` (records outside are dropped); a window spans at most
    ``window``. Records younger than ``settle`` may still come or change (a call
    is written when it ends, a day's data grows): those hours are read again.
    ``pace`` is the least time between two requests (a budget shared with the
    polls). ``subscribe`` calls back whenever a poll saw new records, and returns
    how to stop. ``describe`` names the series of a key.
    """

    key: str
    read: Callable[[datetime, datetime, int], Awaitable[HistoryPage]]
    describe: Callable[[str], Series | None]
    window: timedelta
    settle: timedelta
    pace: timedelta = timedelta(0)
    subscribe: Callable[[Callable[[], None]], Callable[[], None]] | None = None
