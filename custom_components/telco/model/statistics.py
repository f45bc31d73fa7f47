"""An operator's history as external long-term statistics (``telco:<account>_<series>``).

The pattern of Home Assistant's ``opower``: hourly rows with ``sum`` and ``state``
added with ``async_add_external_statistics``, never into a sensor's statistics.

Each source (``model/history.py``) is read window by window from ``history_months``
ago, in the background and page by page (no request sooner than its ``pace``). A
window's records are bucketed by the hour they began in, and each hour with records
is written (and each window's last hour), with the sum of everything up to it. What is
older than the source's ``settle`` is final: how far that goes (``until``) and the
raw sums there are kept in a ``Store`` named by the account, after each window, and
checked against the recorder's row at ``until`` when taken up again. Younger hours
are read again and rewritten at the next import, which each poll that sees new
records asks for: rows are rewritten from a known sum, never added to twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
import math
import re
from typing import Any, Final, cast

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.storage import Store
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from ..api import TelcoAuthenticationError, TelcoError
from ..const import CONF_HISTORY_MONTHS, DEFAULT_HISTORY_MONTHS, DOMAIN, LOGGER
from .history import HistoryPage, HistorySource, Series

HISTORY_STORE_VERSION: Final = 1
HOUR: Final = timedelta(hours=1)
# After an outage (or a refusal) the window is read again this much later.
RETRY_AFTER: Final = timedelta(minutes=5)
# Reading a year is faster than writing it, and what the recorder has not written yet
# is held in memory: past this many queued tasks the import waits for it.
RECORDER_BACKLOG: Final = 100

# Home Assistant 2025.4 stores metadata without ``unit_class`` (its recorder raises a
# TypeError when given one); from 2025.11 on the field is required. The one gate.
METADATA_HAS_UNIT_CLASS: Final = "unit_class" in StatisticMetaData.__annotations__


def statistic_prefix(entry: ConfigEntry[Any]) -> str:
    """Return what an account's statistic ids start with: ``odorik_1234567``."""
    return re.sub(r"[^a-z0-9_]", "_", str(entry.unique_id).lower())


def statistic_id(prefix: str, series: Series) -> str:
    """Return the id of one series: ``telco:odorik_1234567_call_cost``."""
    return f"{DOMAIN}:{prefix}_{series.key}"


def history_store(hass: HomeAssistant, entry: ConfigEntry[Any]) -> Store[dict[str, Any]]:
    """Return where the import's progress is kept: named by the account, not the entry."""
    return Store(hass, HISTORY_STORE_VERSION, f"{DOMAIN}.history.{entry.unique_id}")


def metadata(statistic: str, name: str, series: Series) -> StatisticMetaData:
    """Return the metadata of a series as this Home Assistant wants it."""
    meta: dict[str, Any] = {
        "mean_type": StatisticMeanType.NONE,
        "has_sum": True,
        "name": name,
        "source": DOMAIN,
        "statistic_id": statistic,
        "unit_of_measurement": series.unit,
    }
    if METADATA_HAS_UNIT_CLASS:
        meta["unit_class"] = series.unit_class
    # The fields differ by version (the gate above), which one TypedDict cannot say.
    return cast("StatisticMetaData", meta)


async def async_statistic_ids(hass: HomeAssistant, prefix: str) -> list[str]:
    """Return the ids of the statistics this integration wrote for an account."""
    listed = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    return sorted(
        item["statistic_id"]
        for item in listed
        if item.get("source") == DOMAIN and item["statistic_id"].startswith(f"{DOMAIN}:{prefix}_")
    )


STATISTICS_KEPT: Final = "statistics_kept"


def statistics_kept_issue_id(prefix: str) -> str:
    """Return the repair issue offering to clear an account's statistics once it is removed."""
    return f"{STATISTICS_KEPT}_{prefix}"


async def async_statistics_kept(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Tell that a removed account's statistics were kept, and offer to clear them."""
    prefix = statistic_prefix(entry)
    if not await async_statistic_ids(hass, prefix):
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        statistics_kept_issue_id(prefix),
        data={"prefix": prefix, "account": entry.title},
        is_fixable=True,
        is_persistent=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=STATISTICS_KEPT,
        translation_placeholders={"account": entry.title},
    )


async def async_clear_account_statistics(hass: HomeAssistant, prefix: str) -> None:
    """Delete every statistic this integration wrote for an account."""
    if ids := await async_statistic_ids(hass, prefix):
        get_instance(hass).async_clear_statistics(ids)


def _hour(moment: datetime) -> datetime:
    return dt_util.as_utc(moment).replace(minute=0, second=0, microsecond=0)


def months_before(moment: datetime, months: int) -> datetime:
    """Return the hour ``months`` calendar months before ``moment`` (the day clamped)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    start = _hour(moment)
    day = min(start.day, 28)  # every month has a 28th
    return start.replace(year=year, month=month + 1, day=day)


@dataclass
class _Cursor:
    """How far a source is final: its raw sums at ``until`` (by series key)."""

    start: datetime
    until: datetime
    bases: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "until": self.until.isoformat(),
            "bases": self.bases,
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> _Cursor:
        return cls(
            start=datetime.fromisoformat(stored["start"]),
            until=datetime.fromisoformat(stored["until"]),
            bases={str(key): float(value) for key, value in stored["bases"].items()},
        )


@dataclass
class _Run:
    """One import in progress: written up to ``position``, the raw sums there."""

    position: datetime
    running: dict[str, float]
    page: int = 0
    buckets: dict[str, dict[datetime, float]] = field(default_factory=dict)
    seen: set[Any] = field(default_factory=set)


class HistoryImporter:
    """Import an account's history into long-term statistics, and keep it up to date."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], sources: tuple[HistorySource, ...]
    ) -> None:
        """Import ``sources``; nothing starts before ``async_start``."""
        self.hass = hass
        self.entry = entry
        self.sources = {source.key: source for source in sources}
        self.prefix = statistic_prefix(entry)
        self._store = history_store(hass, entry)
        self._stored: dict[str, Any] | None = None
        self._cursors: dict[str, _Cursor] = {}
        self._runs: dict[str, _Run] = {}
        self._last_request: dict[str, datetime] = {}
        self._busy: set[str] = set()
        self._again: set[str] = set()
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._names: dict[str, str] = {}
        self._months = self._months_option()

    def _months_option(self) -> int:
        return int(self.entry.options.get(CONF_HISTORY_MONTHS, DEFAULT_HISTORY_MONTHS))

    async def async_start(self) -> None:
        """Start importing in the background, and again whenever a poll saw news."""
        # The account is back: its statistics are in use again.
        ir.async_delete_issue(self.hass, DOMAIN, statistics_kept_issue_id(self.prefix))
        translations = await async_get_translations(
            self.hass, self.hass.config.language, "selector", {DOMAIN}
        )
        prefix = f"component.{DOMAIN}.selector.statistic.options."
        self._names = {
            key.removeprefix(prefix): value
            for key, value in translations.items()
            if key.startswith(prefix)
        }
        for source in self.sources.values():
            if source.subscribe is not None:
                self.entry.async_on_unload(source.subscribe(self._news_of(source.key)))
        self.entry.async_on_unload(self._stop)
        for key in self.sources:
            self._schedule(key)

    def _news_of(self, key: str) -> CALLBACK_TYPE:
        @callback
        def news() -> None:
            self._schedule(key)

        return news

    @callback
    def _stop(self) -> None:
        for cancel in self._timers.values():
            cancel()
        self._timers.clear()

    @callback
    def _schedule(self, key: str, delay: timedelta | None = None) -> None:
        """Import a source now (or after ``delay``); once at a time, again if asked meanwhile."""
        if key in self._busy:
            self._again.add(key)
            return
        if key in self._timers:
            # A paced import is due anyway; it reads everything new. (Only news comes
            # meanwhile: a delay is asked for at the end of an import, which has none.)
            return
        if delay is not None and delay > timedelta(0):

            @callback
            def due(_now: datetime) -> None:
                self._timers.pop(key, None)
                self._schedule(key)

            self._timers[key] = async_call_later(
                self.hass, delay, HassJob(due, cancel_on_shutdown=True)
            )
            return
        self._busy.add(key)
        self.entry.async_create_background_task(
            self.hass, self._async_step(key), name=f"{DOMAIN} history {self.prefix} {key}"
        )

    async def _async_step(self, key: str) -> None:
        try:
            delay = await self._async_import(self.sources[key])
        except Exception:  # noqa: BLE001 - a bug must not stop the following imports
            LOGGER.exception("Importing the %s history of %s failed", key, self.entry.title)
            delay = RETRY_AFTER
        finally:
            self._busy.discard(key)
        if delay is not None:
            self._schedule(key, delay)
        elif key in self._again:
            self._again.discard(key)
            self._schedule(key)

    async def _async_import(self, source: HistorySource) -> timedelta | None:
        """Read and write what is new; return when to go on, or None once caught up."""
        run = self._runs.get(source.key)
        if run is None:
            cursor = await self._async_cursor(source)
            run = self._runs[source.key] = _Run(position=cursor.until, running=dict(cursor.bases))
        while True:
            now = dt_util.utcnow()
            horizon = _hour(now) + HOUR
            if run.position >= horizon:
                del self._runs[source.key]
                return None
            last = self._last_request.get(source.key)
            if last is not None and (wait := last + source.pace - now) > timedelta(0):
                return wait
            end = min(run.position + source.window, horizon)
            try:
                page = await source.read(run.position, end, run.page)
            except TelcoError as err:
                self._last_request[source.key] = dt_util.utcnow()
                # The window is read again from its first page: nothing of it was written.
                run.page, run.buckets, run.seen = 0, {}, set()
                if isinstance(err, TelcoAuthenticationError):
                    del self._runs[source.key]
                    return None  # reauthentication reloads the entry
                LOGGER.warning(
                    "Reading the %s history of %s failed, trying again: %s",
                    source.key,
                    self.entry.title,
                    err,
                )
                return RETRY_AFTER
            self._last_request[source.key] = dt_util.utcnow()
            self._fold(run, page, run.position, end)
            if page.more:
                run.page += 1
                continue
            await self._async_write(source, run, end, now)

    @staticmethod
    def _fold(run: _Run, page: HistoryPage, start: datetime, end: datetime) -> None:
        """Add a page's records to the hours they began in, each record once."""
        for record in page.records:
            if record.id in run.seen or not start <= record.moment < end:
                continue
            run.seen.add(record.id)
            hour = _hour(record.moment)
            for key, value in record.values.items():
                hours = run.buckets.setdefault(key, {})
                hours[hour] = hours.get(hour, 0.0) + value

    async def _async_write(
        self, source: HistorySource, run: _Run, end: datetime, now: datetime
    ) -> None:
        """Write a window's hours, then keep how far they are final."""
        cursor = self._cursors[source.key]
        limit = min(end, _hour(now - source.settle))
        settled: dict[str, float] = {}
        for key in sorted({*run.running, *run.buckets}):
            series = source.describe(key)
            if series is None:
                continue
            hours = run.buckets.get(key, {})
            hour = run.position if key in run.running else min(hours)
            total = run.running.get(key, 0.0)
            rows: list[StatisticData] = []
            while hour < end:
                value = hours.get(hour, 0.0)
                total += value
                following = hour + HOUR
                # The hours with records, the window's last and the last final one: the
                # sums in between are those before, and the next import starts from one.
                if value or following in (end, limit) or not rows:
                    rows.append(
                        StatisticData(
                            start=hour, state=value * series.scale, sum=total * series.scale
                        )
                    )
                hour = following
                if hour == limit:
                    settled[key] = total
            run.running[key] = total
            statistic = statistic_id(self.prefix, series)
            async_add_external_statistics(
                self.hass, metadata(statistic, self._name(series), series), rows
            )
        recorder = get_instance(self.hass)
        if recorder.backlog > RECORDER_BACKLOG:
            await recorder.async_block_till_done()
        moved = run.position < limit
        run.position, run.page, run.buckets, run.seen = end, 0, {}, set()
        if moved:
            cursor.until = limit
            cursor.bases = {
                **{k: v for k, v in cursor.bases.items() if k not in settled},
                **settled,
            }
            await self._async_save(source.key, cursor)

    def _name(self, series: Series) -> str:
        template = self._names.get(series.label, series.label.replace("_", " "))
        return template.replace("{account}", self.entry.title).replace("{item}", series.item or "")

    async def _async_save(self, key: str, cursor: _Cursor) -> None:
        stored = self._stored if self._stored is not None else {}
        stored[key] = cursor.as_dict()
        self._stored = stored
        await self._store.async_save(stored)

    async def _async_cursor(self, source: HistorySource) -> _Cursor:
        """Take up the kept progress, if the recorder still has it; else start over."""
        if source.key in self._cursors:
            return self._cursors[source.key]
        if self._stored is None:
            self._stored = await self._store.async_load() or {}
        start = months_before(dt_util.utcnow(), self._months)
        kept = self._stored.get(source.key)
        cursor = _Cursor.from_dict(kept) if kept else None
        if cursor is not None and (
            cursor.start > start or not await self._async_holds(source, cursor)
        ):
            LOGGER.info(
                "Importing the %s history of %s from the start", source.key, self.entry.title
            )
            cursor = None
        self._cursors[source.key] = cursor = cursor or _Cursor(start=start, until=start)
        return cursor

    async def _async_holds(self, source: HistorySource, cursor: _Cursor) -> bool:
        """Tell whether the recorder has the sums kept at ``until`` (not cleared, not lost)."""
        if not cursor.bases:
            return True
        described = {key: source.describe(key) for key in cursor.bases}
        ids = {
            key: statistic_id(self.prefix, series)
            for key, series in described.items()
            if series is not None
        }
        recorder = get_instance(self.hass)
        # What was queued before (an import just stopped by a reload) is written first.
        await recorder.async_block_till_done()
        last = cursor.until - HOUR
        rows = await recorder.async_add_executor_job(
            statistics_during_period,
            self.hass,
            last,
            cursor.until,
            set(ids.values()),
            "hour",
            None,
            {"sum"},
        )
        for key, statistic in ids.items():
            found = [row for row in rows.get(statistic, []) if row["start"] == last.timestamp()]
            scale = series.scale if (series := described[key]) is not None else 1.0
            expected = cursor.bases[key] * scale
            if not found or not math.isclose(found[0].get("sum") or 0.0, expected, abs_tol=1e-6):
                return False
        return True
