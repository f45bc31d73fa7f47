"""Home Assistant against operator answers the simulator never gives (through a spoiling proxy).

A non-finite balance fails the poll rather than the sensor; a call record that
cannot be read holds back no later call; a time zone no clock has does not keep a
Zadarma entry down; a rate limit's wait reaches the coordinator where Home Assistant
takes it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.telco.model.coordinator import POLL_RETRY_AFTER
from tests.common import FROZEN_NOW, act, advance, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY
from tests.tamper import Answer, Rewrite, TamperingProxy
from tests.test_event import (
    EVENT,
    POLL,
    ZADARMA_EVENT,
    ZADARMA_POLL,
    add_row,
    listen_for_events,
    record_ids,
)

ODORIK_BALANCE = "sensor.odorik_1234567_balance"
ZADARMA_BALANCE = "sensor.zadarma_453101_balance"
ACCOUNT_POLL = timedelta(minutes=5)
CALLS = "GET /api/v1/calls.json"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.fixture
async def proxy(simulator: SimulatorServer) -> AsyncIterator[TamperingProxy]:
    async with TamperingProxy(simulator.url) as proxy:
        yield proxy


async def run_until(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the clock on by ``delta`` and run what falls due by then, not later.

    (``advance`` runs what falls due within another ``delta``: too coarse to tell a
    poll put off by a rate limit's wait from one at the interval.)
    """
    freezer.tick(delta)
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done(wait_background_tasks=True)


def through(entry: MockConfigEntry, url: str) -> MockConfigEntry:
    """Return the entry talking to ``url`` instead of the simulator."""
    return MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        unique_id=entry.unique_id,
        data={**entry.data, CONF_URL: url},
        entry_id=entry.entry_id,
    )


@pytest.fixture
def odorik(odorik_entry: MockConfigEntry, proxy: TamperingProxy) -> MockConfigEntry:
    return through(odorik_entry, proxy.url + "/api/v1")


@pytest.fixture
def zadarma(zadarma_entry: MockConfigEntry, proxy: TamperingProxy) -> MockConfigEntry:
    return through(zadarma_entry, proxy.url)


def undated(ids: set[int | str], key: str = "date", value: Any = None) -> Rewrite:
    """Return a rewrite of a list of records that spoils the ``key`` of those in ``ids``."""

    def rewrite(answer: Answer) -> Answer:
        payload = answer.json()
        records = payload if isinstance(payload, list) else payload["stats"]
        spoiled = [{**item, key: value} if item["id"] in ids else item for item in records]
        if isinstance(payload, list):
            return answer.with_json(spoiled)
        return answer.with_json({**payload, "stats": spoiled})

    return rewrite


# -- D1 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["nan", "inf", "1e400"])
async def test_an_odorik_balance_that_is_no_number_fails_the_poll(
    hass: HomeAssistant,
    proxy: TamperingProxy,
    odorik: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    body: str,
) -> None:
    await setup_entry(hass, odorik)
    assert float(hass.states.get(ODORIK_BALANCE).state) == 554.03
    proxy.rewrites["GET /api/v1/balance"] = lambda answer: answer.with_text(body)

    await advance(hass, freezer, ACCOUNT_POLL)

    assert hass.states.get(ODORIK_BALANCE).state == STATE_UNAVAILABLE
    assert "Task exception was never retrieved" not in caplog.text
    assert "non-finite" not in caplog.text


@pytest.mark.parametrize("balance", ["NaN", "Infinity"])
async def test_a_zadarma_balance_that_is_no_number_fails_the_poll(
    hass: HomeAssistant,
    proxy: TamperingProxy,
    zadarma: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    balance: str,
) -> None:
    await setup_entry(hass, zadarma)
    assert hass.states.get(ZADARMA_BALANCE).state != STATE_UNAVAILABLE
    body = f'{{"status": "success", "balance": {balance}, "currency": "USD"}}'
    proxy.rewrites["GET /v1/info/balance/"] = lambda answer: answer.with_text(body)

    await advance(hass, freezer, ACCOUNT_POLL)

    assert hass.states.get(ZADARMA_BALANCE).state == STATE_UNAVAILABLE
    assert "Task exception was never retrieved" not in caplog.text


# -- D2 ----------------------------------------------------------------------------------------


async def test_an_odorik_record_that_cannot_be_read_holds_back_no_later_call(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    proxy: TamperingProxy,
    odorik: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    history = simulator.app[ODORIK_KEY]
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik)
    first = add_row(history, dt_util.utcnow(), "in", length=30)
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"]]

    # A record without a date, then calls after it; then one with the last id.
    start = dt_util.utcnow()
    poison, *good = (add_row(history, start, "in", length=10)["id"] for _ in range(3))
    proxy.rewrites[CALLS] = undated({poison})
    await advance(hass, freezer, POLL)
    assert record_ids(fired) == [first["id"], *good]
    last = add_row(history, dt_util.utcnow(), "out", length=10)["id"]
    await advance(hass, freezer, POLL)
    assert record_ids(fired)[-1] == last
    late_poison = add_row(history, dt_util.utcnow(), "out", length=10)["id"]
    proxy.rewrites[CALLS] = undated({poison, late_poison})
    await advance(hass, freezer, POLL)

    # The cursor moved past both, and nothing was told twice.
    assert odorik.runtime_data.calls.cursor.last_id == late_poison
    assert record_ids(fired) == [first["id"], *good, last]
    assert hass.states.get(EVENT).state != STATE_UNAVAILABLE
    logged = [item for item in caplog.records if "cannot be read" in item.getMessage()]
    assert [item.levelno for item in logged] == [logging.WARNING] * 2


# A start off the calendar cannot be read; Zadarma's null date is a record without one.
@pytest.mark.parametrize(
    "callstart", ["2026-13-45 00:00:00", "0000-00-00 00:00:00"], ids=["off_calendar", "undated"]
)
async def test_a_zadarma_record_that_cannot_be_read_holds_back_no_other_call(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    proxy: TamperingProxy,
    zadarma: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    callstart: str,
) -> None:
    account = simulator.app[ZADARMA_KEY].demo
    fired = listen_for_events(hass, ZADARMA_EVENT)
    await setup_entry(hass, zadarma)
    await advance(hass, freezer, ZADARMA_POLL)
    start = dt_util.utcnow()
    added = [
        account.add_call(
            from_="100001",
            to=f"42077712345{index}",
            billseconds=30,
            callstart=start + timedelta(seconds=index),
        )
        for index in range(3)
    ]
    poison: set[int | str] = {added[0].id}
    proxy.rewrites["GET /v1/statistics/"] = undated(poison, "callstart", callstart)

    await advance(hass, freezer, ZADARMA_POLL)
    await advance(hass, freezer, ZADARMA_POLL)

    assert [event["destination_number"] for event in fired] == ["420777123451", "420777123452"]


# -- D4 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"status": "success", "timezone": "UTC+25"}',
        '{"status": "success", "timezone": "Mars/Olympus", "datetime": "9999-12-31 23:59:59",'
        ' "unixtime": 1790000000}',
    ],
    ids=["offset_beyond_a_day", "clock_at_the_end_of_time"],
)
async def test_a_time_zone_no_clock_has_does_not_keep_the_entry_down(
    hass: HomeAssistant,
    proxy: TamperingProxy,
    zadarma: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    body: str,
) -> None:
    proxy.rewrites["GET /v1/info/timezone/"] = lambda answer: answer.with_text(body)
    await setup_entry(hass, zadarma)
    assert zadarma.state is ConfigEntryState.LOADED
    assert "time zone is unknown, dates read as UTC" in caplog.text


# -- D8 ----------------------------------------------------------------------------------------


async def test_odoriks_retry_after_reaches_the_coordinator(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    proxy: TamperingProxy,
    odorik: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """From Home Assistant 2025.12 a 429's wait puts the next poll off; before, it can't."""
    balance = "odorik GET /api/v1/balance"
    await setup_entry(hass, odorik)
    proxy.rewrites["GET /api/v1/balance"] = lambda answer: answer.with_text(
        "", status=429, **{"Retry-After": "600"}
    )
    await advance(hass, freezer, ACCOUNT_POLL)
    assert hass.states.get(ODORIK_BALANCE).state == STATE_UNAVAILABLE
    del proxy.rewrites["GET /api/v1/balance"]
    asked = simulator.control.counts[balance]

    # Just past the interval (the coordinator adds a fraction of a second of its own).
    await run_until(hass, freezer, ACCOUNT_POLL + timedelta(seconds=5))

    if POLL_RETRY_AFTER:
        assert simulator.control.counts[balance] == asked
        assert hass.states.get(ODORIK_BALANCE).state == STATE_UNAVAILABLE
        await run_until(hass, freezer, ACCOUNT_POLL)
    assert simulator.control.counts[balance] == asked + 1
    assert float(hass.states.get(ODORIK_BALANCE).state) == 554.03


# -- api-fidelity D12 --------------------------------------------------------------------------


async def test_call_statistics_of_a_line_say_missed_calls_are_the_accounts(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """Odorik documents no line filter for missed calls: none is sent, and the answer says so."""
    await setup_entry(hass, odorik_entry)
    window = {"from": "2026-10-16T10:00:00+00:00", "to": "2026-11-15T10:00:00+00:00"}
    every = await act(hass, "get_call_statistics", odorik_entry, **window)
    one_line = await act(hass, "get_call_statistics", odorik_entry, **window, line=403366)
    assert one_line["missed_calls"] == every["missed_calls"] != []
    assert one_line["missed_calls_account_wide"] is True


async def test_a_record_that_cannot_be_read_does_not_end_a_limited_history_early(
    hass: HomeAssistant, simulator: SimulatorServer, proxy: TamperingProxy, odorik: MockConfigEntry
) -> None:
    """A page is full by what Odorik listed: one unreadable record leaves the next page read."""
    await setup_entry(hass, odorik)
    since = min(call["id"] for call in simulator.app[ODORIK_KEY].calls)
    told = await act(hass, "get_call_history", odorik, since_id=since, limit=4)
    listed = [call["id"] for call in told["calls"]]
    assert len(listed) == 4
    proxy.rewrites[CALLS] = undated({listed[1]})

    response = await act(hass, "get_call_history", odorik, since_id=since, limit=3)

    assert [call["id"] for call in response["calls"]] == [listed[0], *listed[2:]]
    assert response["count"] == 3


async def test_an_sms_sent_without_the_credit_in_the_answer_keeps_the_balance_shown(
    hass: HomeAssistant, simulator: SimulatorServer, proxy: TamperingProxy, odorik: MockConfigEntry
) -> None:
    """Odorik's answer names the credit left after the token; without it none is made up."""
    await setup_entry(hass, odorik)
    assert float(hass.states.get(ODORIK_BALANCE).state) == 554.03
    proxy.rewrites["POST /api/v1/sms"] = lambda answer: answer.with_text(
        answer.body.decode().partition(" ")[0]
    )

    response = await act(hass, "send_sms", odorik, recipient="+420 777 123 456", message="Hi")

    assert response["status"] == "successfully_sent"
    assert response["balance"] is None
    assert response["currency"] is None
    assert simulator.app[ODORIK_KEY].calls[-1]["destination_number"] == "00420777123456"
    # The SMS was paid for; the sensor keeps the last credit read until the next poll.
    assert simulator.app[ODORIK_KEY].balance < 554.03
    assert float(hass.states.get(ODORIK_BALANCE).state) == 554.03
