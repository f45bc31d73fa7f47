"""Odorik's history for long-term statistics: the call history and the mobile data.

Calls count in the hour they began: their price (every direction) and length; a
call is written when it ends, so the last hours are read again for six hours. Mobile
data counts each SIM card's ``bytes_total`` in the hour of its record; a day's record
grows through the day, so two days are read again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.const import UnitOfInformation, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.unit_conversion import DurationConverter, InformationConverter

from ...api.odorik import MAX_PAGE_SIZE
from ...const import ODORIK_CURRENCY
from ...model.declaration import TelcoConfigEntry
from ...model.descriptions import display_number
from ...model.history import HistoryPage, HistoryRecord, HistorySource, Series
from .coordinators import OdorikRuntimeData

WINDOW: Final = timedelta(days=1)
CALLS_SETTLE: Final = timedelta(hours=6)
DATA_SETTLE: Final = timedelta(days=2)

CALL_COST: Final = Series(key="call_cost", label="call_cost", unit=ODORIK_CURRENCY)
CALL_DURATION: Final = Series(
    key="call_duration",
    label="call_duration",
    unit=UnitOfTime.MINUTES,
    unit_class=DurationConverter.UNIT_CLASS,
    scale=1 / 60,
)
DATA_USED_SUFFIX: Final = "_data_used"
CALL_SERIES: Final = {series.key: series for series in (CALL_COST, CALL_DURATION)}


def data_used(number: str) -> Series:
    """Return the series of one SIM card's data (in MB: bytes as millionths)."""
    return Series(
        key=f"{number}{DATA_USED_SUFFIX}",
        label="data_used",
        unit=UnitOfInformation.MEGABYTES,
        unit_class=InformationConverter.UNIT_CLASS,
        scale=1e-6,
        item=display_number(number),
    )


def _describe_data(key: str) -> Series | None:
    if not key.endswith(DATA_USED_SUFFIX):
        return None
    return data_used(key.removesuffix(DATA_USED_SUFFIX))


def history(
    hass: HomeAssistant, entry: TelcoConfigEntry, data: OdorikRuntimeData
) -> tuple[HistorySource, ...]:
    """Return the call history and the mobile data, read with the entry's client."""
    client = data.client

    async def read_calls(start: datetime, end: datetime, page: int) -> HistoryPage:
        read = await client.read_calls(start=start, end=end, page_size=MAX_PAGE_SIZE, page=page + 1)
        calls = read.calls
        return HistoryPage(
            records=[
                HistoryRecord(
                    id=call.id,
                    moment=call.date,
                    values={
                        CALL_COST.key: call.price or 0.0,
                        CALL_DURATION.key: float(call.length or 0),
                    },
                )
                for call in calls
                if not call.is_sms
            ],
            # Full by what was listed: a record left out unread does not end the history.
            more=read.listed >= MAX_PAGE_SIZE,
        )

    async def read_data(start: datetime, end: datetime, page: int) -> HistoryPage:
        records = await client.get_mobile_data(start=start, end=end)
        return HistoryPage(
            records=[
                HistoryRecord(
                    id=record.id,
                    moment=record.date,
                    values={data_used(record.phone_number).key: float(record.bytes_total)},
                )
                for record in records
                if record.date is not None
            ]
        )

    def on_new_calls(news: Callable[[], None]) -> Callable[[], None]:
        @callback
        def check() -> None:
            if data.calls.data is not None and data.calls.data.records:
                news()

        return data.calls.async_add_listener(check)

    def on_new_data(news: Callable[[], None]) -> Callable[[], None]:
        last: list[Any] = [data.mobile_data.data]

        @callback
        def check() -> None:
            if data.mobile_data.data != last[0]:
                last[0] = data.mobile_data.data
                news()

        return data.mobile_data.async_add_listener(check)

    return (
        HistorySource(
            key="calls",
            read=read_calls,
            describe=CALL_SERIES.get,
            window=WINDOW,
            settle=CALLS_SETTLE,
            subscribe=on_new_calls,
        ),
        HistorySource(
            key="mobile_data",
            read=read_data,
            describe=_describe_data,
            window=WINDOW,
            settle=DATA_SETTLE,
            subscribe=on_new_data,
        ),
    )
