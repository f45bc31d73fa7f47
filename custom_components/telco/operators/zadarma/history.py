"""Zadarma's history for long-term statistics: what the calls cost, from ``/v1/statistics/``.

Zadarma allows 3 statistics requests a minute, and the calls poll takes one of them
every minute: the import asks at most once a minute, in windows of 28 days (it
answers for at most a month) and pages of 1000, and leaves the third for a busy poll
or a refresh by hand. A call is listed once it ended, dated by its start: the last
hours are read again for as long as the poll looks back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import HomeAssistant, callback

from ...api.zadarma import MAX_STATISTICS_LIMIT
from ...model.declaration import TelcoConfigEntry
from ...model.history import HistoryPage, HistoryRecord, HistorySource, Series
from .calls import STATISTICS_LOOKBACK, STATISTICS_MAX_PERIOD
from .coordinators import ZadarmaRuntimeData

# One request a minute, beside the poll's one.
PACE: Final = timedelta(minutes=1)


def history(
    hass: HomeAssistant, entry: TelcoConfigEntry, data: ZadarmaRuntimeData
) -> tuple[HistorySource, ...]:
    """Return the call costs, in the account's currency, read with the entry's client."""
    client = data.client
    cost = Series(key="call_cost", label="call_cost", unit=data.account.data.balance.currency)

    async def read(start: datetime, end: datetime, page: int) -> HistoryPage:
        answer = await client.get_statistics(
            start, end, skip=page * MAX_STATISTICS_LIMIT, limit=MAX_STATISTICS_LIMIT
        )
        return HistoryPage(
            records=[
                HistoryRecord(
                    id=record.id,
                    moment=record.call_start,
                    values={cost.key: record.bill_cost or 0.0},
                )
                for record in answer.calls
                if record.call_start is not None
            ],
            more=answer.listed >= MAX_STATISTICS_LIMIT,
        )

    def on_new_calls(news: Callable[[], None]) -> Callable[[], None]:
        @callback
        def check() -> None:
            if data.calls.data is not None and data.calls.data.records:
                news()

        return data.calls.async_add_listener(check)

    return (
        HistorySource(
            key="calls",
            read=read,
            describe={cost.key: cost}.get,
            window=STATISTICS_MAX_PERIOD,
            settle=STATISTICS_LOOKBACK,
            pace=PACE,
            subscribe=on_new_calls,
        ),
    )
