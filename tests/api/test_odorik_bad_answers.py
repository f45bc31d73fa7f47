"""The Odorik client against answers no operator should give, served over loopback.

Whatever comes back, only ``TelcoError`` subclasses leave a client method, and no
parsed model holds a number that is not finite.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
import logging
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.telco.api import (
    TelcoApiError,
    TelcoConnectionError,
    TelcoRateLimitedError,
)
from custom_components.telco.api.odorik import MAX_PAGES
from custom_components.telco.api.odorik_models import (
    CallbackResult,
    CallFormat,
    SmsStatus,
)
from tests.simulator.odorik import ACCOUNT_PASSWORD

from .odorik_helpers import RawServer, canned

pytestmark = pytest.mark.usefixtures("socket_enabled")

NOW = datetime(2026, 11, 15, 10, tzinfo=UTC)


def call(record_id: int, **fields: Any) -> dict[str, Any]:
    """Return a calls.json record, readable unless ``fields`` spoil it."""
    return {
        "id": record_id,
        "date": "2026-11-15T09:00:00Z",
        "direction": "in",
        "source_number": "00420777123456",
        "destination_number": "00420533533533",
        "length": 60,
        "price": 0.5,
        **fields,
    }


# -- D1: numbers that are not numbers --------------------------------------------------


@pytest.mark.parametrize(
    "body", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "1" + "0" * 400]
)
async def test_a_balance_that_is_not_finite_is_a_malformed_answer(
    session: aiohttp.ClientSession, body: str
) -> None:
    async with RawServer({"/balance": canned(body, content_type="text/plain")}) as raw:
        with pytest.raises(TelcoConnectionError, match="no number"):
            await raw.client(session).get_balance()


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
async def test_json_with_a_non_finite_number_is_no_json(
    session: aiohttp.ClientSession, constant: str
) -> None:
    body = f'[{{"id": 1, "date": "2026-11-15T09:00:00Z", "price": {constant}}}]'
    routes = {"/calls.json": canned(body), "/active_calls.json": canned(body)}
    async with RawServer(routes) as raw:
        client = raw.client(session)
        with pytest.raises(TelcoConnectionError, match="other than JSON"):
            await client.get_calls(since_id=0)
        with pytest.raises(TelcoConnectionError, match="other than JSON"):
            await client.get_active_calls()


async def test_non_finite_numbers_as_text_are_no_amount(session: aiohttp.ClientSession) -> None:
    records = [call(1, price="nan", price_per_minute="inf", balance_after="1e400", length="inf")]
    xml = (
        '<calls type="array"><call><id type="integer">2</id>'
        "<date>2026-11-15T09:00:00Z</date>"
        '<price type="float">NaN</price><balance-after type="decimal">INF</balance-after>'
        '<length type="integer">1e400</length></call></calls>'
    )
    routes = {
        "/calls.json": canned(json.dumps(records)),
        "/calls.xml": canned(xml, content_type="application/xml"),
        "/call_statistics.json": canned(
            json.dumps({"incoming": {"count": "nan", "length": "inf", "price": "-inf"}})
        ),
    }
    async with RawServer(routes) as raw:
        client = raw.client(session)
        (row,) = await client.get_calls(since_id=0)
        assert (row.price, row.price_per_minute, row.balance_after, row.length) == (
            None,
            None,
            None,
            None,
        )
        (item,) = await client.get_calls(since_id=0, fmt=CallFormat.XML)
        assert (item.id, item.price, item.balance_after, item.length) == (2, None, None, None)
        statistics = await client.get_call_statistics(start=NOW, end=NOW)
        assert (statistics.incoming.count, statistics.incoming.price) == (0, 0.0)


async def test_an_sms_sent_with_a_credit_that_is_not_a_number(
    session: aiohttp.ClientSession,
) -> None:
    async with RawServer(
        {"/sms": canned("successfully_sent nan", content_type="text/plain")}
    ) as raw:
        result = await raw.client(session).send_sms("00420601234567", "Hello")
    assert result.status is SmsStatus.SENT
    assert result.balance is None


# -- D3: the untyped errors ----------------------------------------------------------------


JSON_ENDPOINTS = [
    ("/lines.json", lambda client: client.get_lines()),
    ("/calls.json", lambda client: client.get_calls(since_id=0)),
    ("/active_calls.json", lambda client: client.get_active_calls()),
    ("/sim_cards.json", lambda client: client.get_sim_cards()),
    ("/sim_cards/{phone}.json", lambda client: client.get_sim_card("00420799799081")),
    ("/public_numbers.json", lambda client: client.get_public_numbers()),
    ("/call_statistics.json", lambda client: client.get_call_statistics(start=NOW, end=NOW)),
    ("/sim_cards/{phone}/data_restart", lambda client: client.data_restart("00420799799081")),
    ("/active_calls/{id}.json", lambda client: client.hang_up(1)),
]


@pytest.mark.parametrize(("path", "ask"), JSON_ENDPOINTS, ids=[path for path, _ in JSON_ENDPOINTS])
@pytest.mark.parametrize("opening", ["[", '{"errors": '])
async def test_json_nested_too_deeply(
    session: aiohttp.ClientSession, path: str, ask: Any, opening: str
) -> None:
    async with RawServer({path: canned(opening * 100_000)}) as raw:
        with pytest.raises(TelcoConnectionError):
            await ask(raw.client(session))


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
async def test_a_date_beyond_the_calendar_is_no_date(
    session: aiohttp.ClientSession, moment: str
) -> None:
    body = json.dumps([{"id": 1, "start_date": moment, "answer_date": moment}])
    async with RawServer({"/active_calls.json": canned(body)}) as raw:
        (active,) = await raw.client(session).get_active_calls()
    assert (active.start_date, active.answer_date) == (None, None)


@pytest.mark.parametrize("record_id", ["inf", "nan", "1e400", 1.5e300])
async def test_an_id_that_is_not_a_whole_number(
    session: aiohttp.ClientSession, record_id: object
) -> None:
    routes = {
        "/active_calls.json": canned(json.dumps([{"id": record_id}])),
        "/calls.json": canned(json.dumps([call(1), {**call(2), "id": record_id}])),
    }
    async with RawServer(routes) as raw:
        client = raw.client(session)
        if isinstance(record_id, float):
            # A float that is finite is a number, if not a good id.
            assert (await client.get_active_calls())[0].id == int(record_id)
            return
        with pytest.raises(TelcoConnectionError, match="malformed"):
            await client.get_active_calls()
        read = await client.read_calls(since_id=0)
    assert [row.id for row in read.calls] == [1]
    assert read.skipped_ids == ()


async def test_items_that_are_not_records_are_left_out(session: aiohttp.ClientSession) -> None:
    body = json.dumps([None, 1, "", [], call(5)])
    async with RawServer({"/calls.json": canned(body)}) as raw:
        read = await raw.client(session).read_calls(since_id=0)
    assert [row.id for row in read.calls] == [5]
    assert read.listed == 5


@pytest.mark.parametrize(
    "body",
    [
        '{"incoming": {"count": "inf"}}',
        '{"incoming": []}',
        '{"incoming": {"count": {"x": 1}}}',
        '{"incoming": {"price": "' + "9" * 5000 + '"}}',
    ],
    ids=["inf", "list", "object", "huge"],
)
async def test_call_statistics_never_raise_untyped(
    session: aiohttp.ClientSession, body: str
) -> None:
    async with RawServer({"/call_statistics.json": canned(body)}) as raw:
        statistics = await raw.client(session).get_call_statistics(start=NOW, end=NOW)
    assert (statistics.incoming.count, statistics.incoming.price) == (0, 0.0)


# -- D2: one record that cannot be read ------------------------------------------------------


@pytest.mark.parametrize("date", [None, "2026-13-45", "0001-01-01T00:00:00+05:00", 17])
async def test_a_record_that_cannot_be_read_is_skipped_and_reported(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture, date: object
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps([call(7), call(8, date=date), call(9)])
    async with RawServer({"/calls.json": canned(body)}) as raw:
        client = raw.client(session)
        read = await client.read_calls(since_id=6)
        assert [row.id for row in read.calls] == [7, 9]
        assert read.skipped_ids == (8,)
        # The plain list leaves it out too, and the record is logged once, not per read.
        assert [row.id for row in await client.get_calls(since_id=6)] == [7, 9]
    logged = [record for record in caplog.records if "cannot be read" in record.getMessage()]
    assert len(logged) == 1
    assert "id 8" in logged[0].getMessage()
    assert ACCOUNT_PASSWORD not in caplog.text


async def test_the_memory_of_unreadable_records_stays_bounded(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    """A long-running client forgets the logged ids past 1024, and so may log one again."""
    caplog.set_level(logging.WARNING)
    body = json.dumps([call(record_id, date=None) for record_id in range(1, 1026)])
    async with RawServer({"/calls.json": canned(body)}) as raw:
        client = raw.client(session)
        read = await client.read_calls(since_id=0)
        assert len(read.skipped_ids) == 1025
        caplog.clear()
        await client.read_calls(since_id=0)
    logged = [
        record.getMessage() for record in caplog.records if "cannot be read" in record.getMessage()
    ]
    # The memory holds at most 1024 ids, fewer than these: each is logged again, once.
    assert len(logged) == 1025
    assert "(id 1)" in logged[0]
    assert "(id 1025)" in logged[-1]


# -- D7 / D14: paging ---------------------------------------------------------------------


async def pages_server(
    pages: dict[int, list[dict[str, Any]]], announced: str
) -> tuple[RawServer, list[int]]:
    """Return a server answering calls.json by page, announcing ``announced`` pages."""
    asked: list[int] = []

    async def handler(request: web.Request) -> web.Response:
        page = int(request.query.get("page", "1"))
        asked.append(page)
        return web.json_response(pages.get(page, []), headers={"Odorik-Pages": announced})

    return RawServer({"/calls.json": handler}), asked


async def test_an_empty_page_ends_the_read(session: aiohttp.ClientSession) -> None:
    server, asked = await pages_server({}, "500")
    async with server as raw:
        assert await raw.client(session).get_calls(since_id=0) == []
    assert asked == [1]


async def test_a_short_page_ends_the_read(session: aiohttp.ClientSession) -> None:
    server, asked = await pages_server({1: [call(1), call(2)], 2: [call(3)]}, "9")
    async with server as raw:
        calls = await raw.client(session).get_calls(since_id=0, page_size=2)
    assert [row.id for row in calls] == [1, 2, 3]
    assert asked == [1, 2]


async def test_pages_are_followed_so_far_only(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    pages = {number: [call(number)] for number in range(1, 1000)}
    server, asked = await pages_server(pages, "999")
    async with server as raw:
        calls = await raw.client(session).get_calls(since_id=0, page_size=1)
    assert len(asked) == MAX_PAGES
    assert [row.id for row in calls] == list(range(1, MAX_PAGES + 1))
    assert f"reading the first {MAX_PAGES}" in caplog.text


@pytest.mark.parametrize("announced", ["²", "-3", " 2 ", "1e3", ""])
async def test_odd_page_counts(session: aiohttp.ClientSession, announced: str) -> None:
    server, asked = await pages_server({1: [call(1)], 2: [call(2)]}, announced)
    async with server as raw:
        await raw.client(session).get_calls(since_id=0, page_size=1)
    assert asked == ([1, 2] if announced == " 2 " else [1])


async def test_a_record_listed_on_two_pages_is_read_once(session: aiohttp.ClientSession) -> None:
    """Pages shift when a call is written between two requests of one read."""
    server, _ = await pages_server({1: [call(1), call(2)], 2: [call(2), call(3)]}, "2")
    async with server as raw:
        calls = await raw.client(session).get_calls(since_id=0, page_size=2)
    assert [row.id for row in calls] == [1, 2, 3]


async def test_an_sms_row_and_a_call_of_one_id_are_both_kept(
    session: aiohttp.ClientSession,
) -> None:
    """SMS may be numbered apart from the calls: one id is not one record then."""
    body = json.dumps([call(4), call(4, destination_name="SMS zpráva", length=None)])
    async with RawServer({"/calls.json": canned(body)}) as raw:
        calls = await raw.client(session).get_calls(since_id=0, include_sms=True)
    assert [row.is_sms for row in calls] == [False, True]


# -- D8: the wait after a refusal ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "wait"),
    [("inf", None), ("nan", None), ("1e12", 3600.0), ("-5", 1.0), ("0.2", 1.0), ("600", 600.0)],
)
async def test_retry_after_is_bounded(
    session: aiohttp.ClientSession, header: str, wait: float | None
) -> None:
    routes = {"/balance": canned("", status=429, headers={"Retry-After": header})}
    async with RawServer(routes) as raw:
        with pytest.raises(TelcoRateLimitedError) as err:
            await raw.client(session).get_balance()
    assert err.value.retry_after == wait


# -- D11: redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_carries_no_credentials_away(
    session: aiohttp.ClientSession, status: int
) -> None:
    elsewhere: list[str] = []

    async def collect(request: web.Request) -> web.Response:
        elsewhere.append(await request.text())
        return web.Response(text="successfully_sent 100", content_type="text/plain")

    async with RawServer({"/sms": collect}) as other:

        async def redirect(request: web.Request) -> web.Response:
            return web.Response(status=status, headers={"Location": other.url + "/sms"})

        async with RawServer({"/sms": redirect}) as raw:
            with pytest.raises(TelcoConnectionError, match=f"redirect \\(HTTP {status}\\)") as err:
                await raw.client(session).send_sms("00420601234567", "Hello")
    assert elsewhere == []
    assert ACCOUNT_PASSWORD not in str(err.value)
    assert "127.0.0.1" not in str(err.value)


# -- api-fidelity D8, D10 -----------------------------------------------------------------


async def test_the_callback_answer_with_the_pages_typo_is_ordered(
    session: aiohttp.ClientSession,
) -> None:
    routes = {"/callback": canned("calback_ordered", content_type="text/plain")}
    async with RawServer(routes) as raw:
        result = await raw.client(session).callback("00420601234567", "00420777123456")
    assert result is CallbackResult.ORDERED


@pytest.mark.parametrize("status", [200, 422])
async def test_data_restart_refused_in_json_keeps_its_token(
    session: aiohttp.ClientSession, status: int
) -> None:
    body = '{"errors": ["mobile_data_disabled"]}'
    routes = {"/sim_cards/{phone}/data_restart": canned(body, status=status)}
    async with RawServer(routes) as raw:
        with pytest.raises(TelcoApiError) as err:
            await raw.client(session).data_restart("00420799799081")
    assert err.value.tokens == ("mobile_data_disabled",)
