"""The Zadarma client against answers no operator should give, served over loopback.

Whatever comes back, only ``TelcoError`` subclasses leave a client method, and no
parsed model holds a number that is not finite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import json
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.telco.api import (
    TelcoConnectionError,
    TelcoRateLimitedError,
    ZadarmaClient,
)
from custom_components.telco.operators.zadarma.calls import (
    MAX_STATISTICS_PAGES,
    STATISTICS_PAGE,
    fetch_statistics,
)

from .zadarma_helpers import FakeClock, Script

SECRET = "d78f2a12cc1fc5effe71"
START = datetime(2026, 11, 15, 9, tzinfo=UTC)
END = START + timedelta(hours=1)


async def serve(script: Script) -> TestServer:
    """Start a loopback server answering as ``script`` says."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", script.handle)
    server = TestServer(app)
    await server.start_server()
    return server


@pytest.fixture
async def script(socket_enabled: None) -> AsyncIterator[tuple[Script, str]]:
    script = Script()
    server = await serve(script)
    try:
        yield script, str(server.make_url("/")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
def answer(script: tuple[Script, str]) -> Script:
    return script[0]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(
    script: tuple[Script, str], session: aiohttp.ClientSession, clock: FakeClock
) -> ZadarmaClient:
    return ZadarmaClient(session, "key", SECRET, base_url=script[1], clock=clock, sleep=clock.sleep)


def raw(answer: Script, body: str, status: int = 200, **headers: str) -> None:
    """Answer ``body`` as it is, JSON or not."""
    answer.status, answer.body, answer.headers = status, body.encode(), headers


def record(record_id: str, **fields: Any) -> dict[str, Any]:
    """Return a statistics record, readable unless ``fields`` spoil it."""
    return {
        "id": record_id,
        "sip": "100001",
        "callstart": "2026-11-15 09:10:00",
        "from": 420777123456,
        "to": 48221234567,
        "disposition": "answered",
        "billseconds": 60,
        "cost": 0.1,
        "billcost": 0.1,
        "currency": "USD",
        **fields,
    }


def statistics(*records: object) -> str:
    return json.dumps(
        {
            "status": "success",
            "start": "2026-11-15 09:00:00",
            "end": "2026-11-15 10:00:00",
            "stats": list(records),
        }
    )


# -- D1: numbers that are not numbers --------------------------------------------------


@pytest.mark.parametrize(
    "balance", ["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 400, '"nan"', '"inf"']
)
async def test_a_balance_that_is_not_finite_is_a_malformed_answer(
    client: ZadarmaClient, answer: Script, balance: str
) -> None:
    raw(answer, f'{{"status": "success", "balance": {balance}, "currency": "USD"}}')
    with pytest.raises(TelcoConnectionError):
        await client.get_balance()


async def test_a_cost_that_is_not_finite_is_a_malformed_answer(
    client: ZadarmaClient, answer: Script
) -> None:
    raw(answer, '{"status": "success", "messages": 1, "cost": "inf", "currency": "USD"}')
    with pytest.raises(TelcoConnectionError):
        await client.send_sms("48600100200", "Hello")


# -- D3: the untyped errors ----------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"stats": '])
async def test_json_nested_too_deeply(client: ZadarmaClient, answer: Script, opening: str) -> None:
    raw(answer, opening * 100_000)
    with pytest.raises(TelcoConnectionError):
        await client.get_balance()
    with pytest.raises(TelcoConnectionError):
        await client.get_statistics(START, END)


@pytest.mark.parametrize(
    "fields",
    [
        {"lines": '"inf"'},
        {"lines": "1e400"},
        {"lines": '"1e400"'},
        {"lines": str(2**64) + ".0"},
    ],
    ids=["text_inf", "json_overflow", "text_overflow", "huge_float"],
)
async def test_counts_that_are_not_whole_numbers(
    client: ZadarmaClient, answer: Script, fields: dict[str, str]
) -> None:
    items = ", ".join(f'"{key}": {value}' for key, value in fields.items())
    raw(answer, f'{{"status": "success", "sips": [{{"id": "100001", {items}}}]}}')
    try:
        (sip,) = await client.get_sips()
    except TelcoConnectionError:
        return
    assert sip.lines == 2**64


@pytest.mark.parametrize(
    ("zone", "start_date"),
    [
        ("UTC", 9223372036854775808),
        ("UTC", "99999999999999999999"),
        ("UTC+5", "0001-01-01 00:00:00"),
        ("UTC-5", "9999-12-31 23:59:59"),
        ("UTC", "0001-01-01T00:00:00+05:00"),
    ],
)
async def test_a_date_beyond_the_calendar_is_a_malformed_answer(
    client: ZadarmaClient, answer: Script, zone: str, start_date: object
) -> None:
    answer.json(200, {"status": "success", "timezone": zone})
    await client.get_timezone()
    number = {"number": "48221234567", "start_date": start_date}
    answer.json(200, {"status": "success", "info": [number]})
    with pytest.raises(TelcoConnectionError):
        await client.get_direct_numbers()


# -- D4: the account's time zone ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "UTC+25"},
        {"timezone": "GMT-99:00"},
        {"timezone": "Europe/Nowhere", "datetime": "9999-12-31 23:59:59", "unixtime": 0},
        {"timezone": "Europe/Nowhere", "datetime": "2026-11-15 10:00:00", "unixtime": "nan"},
        {"timezone": "Europe/Nowhere", "datetime": "2026-11-15 10:00:00", "unixtime": 1e300},
    ],
    ids=["utc_plus_25", "gmt_minus_99", "clock_off_the_calendar", "nan_clock", "huge_clock"],
)
async def test_a_time_zone_no_clock_has_is_a_malformed_answer(
    client: ZadarmaClient, answer: Script, body: dict[str, Any]
) -> None:
    answer.json(200, {"status": "success", **body})
    with pytest.raises(TelcoConnectionError):
        await client.get_timezone()
    assert client.timezone is UTC


async def test_a_time_zone_a_day_off_is_kept(client: ZadarmaClient, answer: Script) -> None:
    answer.json(200, {"status": "success", "timezone": "UTC+14"})
    zone = await client.get_timezone()
    assert zone.utc_offset == timedelta(hours=14)


# -- D2: one record that cannot be read ------------------------------------------------------


@pytest.mark.parametrize(
    "poison",
    [
        record("2", callstart="2026-13-45 00:00:00"),
        record("2", callstart=9e18),
        record("2", billseconds="inf"),
        record("2", **{"from": None}),
    ],
    ids=["callstart_not_a_date", "callstart_off_the_calendar", "infinite_length", "no_caller"],
)
async def test_a_record_that_cannot_be_read_is_skipped_and_reported(
    client: ZadarmaClient,
    answer: Script,
    caplog: pytest.LogCaptureFixture,
    poison: dict[str, Any],
) -> None:
    raw(answer, statistics(record("1"), poison, None, 5, record("3")))
    page = await client.get_statistics(START, END)
    assert [call.id for call in page.calls] == ["1", "3"]
    assert page.skipped_ids == ("2",)
    assert page.listed == 5
    # Logged once, however often it is read again.
    await client.get_statistics(START, END)
    logged = [item for item in caplog.records if "cannot be read" in item.getMessage()]
    assert len(logged) == 1
    assert logged[0].levelno == logging.WARNING
    assert SECRET not in caplog.text


# -- D7: paging ----------------------------------------------------------------------------


def paged(*, ignore_skip: bool) -> Any:
    """Return a statistics handler of endless full pages (the same one, or new ones)."""

    async def handler(request: web.Request) -> web.Response:
        skip = 0 if ignore_skip else int(request.query["skip"])
        ids = range(skip, skip + STATISTICS_PAGE)
        return web.Response(text=statistics(*(record(str(item)) for item in ids)))

    return handler


async def test_a_server_that_ignores_skip_is_read_once(
    client: ZadarmaClient, answer: Script
) -> None:
    answer.routes["statistics"] = paged(ignore_skip=True)
    answer.routes["statistics/incoming-calls"] = paged(ignore_skip=True)
    calls = await fetch_statistics(client, START, END)
    assert len(calls) == 2 * 2 * STATISTICS_PAGE
    assert answer.requests.count("/v1/statistics/") == 2


async def test_pages_are_followed_so_far_only(
    client: ZadarmaClient, answer: Script, caplog: pytest.LogCaptureFixture
) -> None:
    answer.routes["statistics"] = paged(ignore_skip=False)
    answer.routes["statistics/incoming-calls"] = paged(ignore_skip=False)
    await fetch_statistics(client, START, END)
    assert answer.requests.count("/v1/statistics/") == MAX_STATISTICS_PAGES
    assert answer.requests.count("/v1/statistics/incoming-calls/") == MAX_STATISTICS_PAGES
    assert "the rest of the period is not read" in caplog.text


async def test_a_page_full_of_unreadable_records_is_followed(
    client: ZadarmaClient, answer: Script
) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.query["skip"] != "0":
            return web.Response(text=statistics(record("last")))
        bad = (record(str(item), callstart="never") for item in range(STATISTICS_PAGE))
        return web.Response(text=statistics(*bad))

    answer.routes["statistics"] = handler
    answer.routes["statistics/incoming-calls"] = handler
    calls = await fetch_statistics(client, START, END)
    assert [call.id for call in calls] == ["last", "last"]


# -- D8: the wait after a refusal ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "inf"}, 60.0),
        ({"Retry-After": "nan"}, 60.0),
        ({"Retry-After": "nan", "X-RateLimit-Reset": "42"}, 42.0),
        ({"Retry-After": "1e12"}, 3600.0),
        ({"X-RateLimit-Reset": "2000000000"}, 3600.0),
        ({"X-RateLimit-Reset": str(int(time.time()) - 100)}, 1.0),
    ],
)
async def test_retry_after_is_bounded(
    client: ZadarmaClient, answer: Script, clock: FakeClock, headers: dict[str, str], wait: float
) -> None:
    answer.json(429, {"status": "error", "message": "You exceeded the rate limit"}, **headers)
    with pytest.raises(TelcoRateLimitedError) as err:
        await client.get_balance()
    assert err.value.retry_after == wait
    # The client holds back for that long, and no longer.
    answer.json(200, {"status": "success", "balance": 1.5, "currency": "USD"})
    with pytest.raises(TelcoRateLimitedError):
        await client.get_balance()
    clock.now += wait
    assert (await client.get_balance()).balance == 1.5


# -- D11: redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_not_followed(
    client: ZadarmaClient, answer: Script, status: int
) -> None:
    other = Script()
    other.json(200, {"status": "success", "messages": 1, "cost": 0.1, "currency": "USD"})
    server = await serve(other)
    try:
        location = str(server.make_url("/v1/sms/send/"))
        raw(answer, "{}", status, Location=location)
        with pytest.raises(TelcoConnectionError, match=f"redirect, HTTP {status}") as err:
            await client.send_sms("48600100200", "Hello")
    finally:
        await server.close()
    assert other.requests == []
    assert location not in str(err.value)
