"""Property tests: whatever an operator answers, only typed errors and finite numbers come out.

Every client method that reads an answer is fed arbitrary answers over real HTTP by
a loopback server: any status, the headers the clients read, and bodies of random
bytes, text, JSON shaped like the operator's (with ``NaN``, ``1e400``, huge ints,
dates off the calendar, objects where lists belong), CSV and XML. A method may
return or raise a ``TelcoError``; nothing else, and nothing it returns may hold a
number that is not finite. Each test draws the method with the answer; examples are
few (the suite runs on three legs), so each run tries some of every method.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
import dataclasses
from datetime import UTC, datetime, timedelta
import json
import math
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.telco.api import TelcoError, ZadarmaClient
from custom_components.telco.api.odorik import MAX_PAGES, OdorikClient
from custom_components.telco.api.odorik_models import (
    CallFormat,
    SimCardUpdate,
    parse_datetime,
    parse_float,
    parse_int,
)
from custom_components.telco.api.parsing import MALFORMED, loads
from custom_components.telco.api.zadarma_models import (
    Balance,
    parse_datetime as zadarma_datetime,
)
from custom_components.telco.operators.zadarma.calls import (
    MAX_STATISTICS_PAGES,
    fetch_statistics,
)

from .zadarma_helpers import FakeClock

pytestmark = pytest.mark.usefixtures("socket_enabled")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    # One server and session serve every example; each example sets its own answer.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=1)

# -- what the operators might answer ------------------------------------------------------

TRICKY_TEXT = [
    "",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "9" * 400,
    "²",
    "١٢",
    "0",
    "-1",
    "3.5",
    "true",
    "false",
    "on",
    "off",
    "0000-00-00 00:00:00",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31 23:59:59",
    "2026-13-45",
    "2026-11-15T09:00:00Z",
    "2026-11-15 09:00:00",
    "UTC+3",
    "UTC+25",
    "GMT-99",
    "SMS zpráva",
    "in",
    "out",
    "answered",
    "missed",
]
ODORIK_KEYS = [
    "id",
    "date",
    "direction",
    "source_number",
    "destination_number",
    "destination_name",
    "length",
    "ringing_length",
    "status",
    "price",
    "price_per_minute",
    "balance_after",
    "line",
    "start_date",
    "answer_date",
    "count",
    "incoming",
    "outgoing",
    "redirected",
    "destination",
    "sim_number",
    "state",
    "changes_in_progress",
    "phone_number",
    "data_used",
    "data_bought_total",
    "data_package_valid_from",
    "mobile_data",
    "lte",
    "roaming",
    "available_data_packages",
    "available_roaming_settings",
    "name",
    "bytes_up",
    "bytes_down",
    "bytes_total",
    "price_per_mb",
    "connected_devices",
    "public_number",
    "type",
    "ringing_number",
    "errors",
]
ZADARMA_KEYS = [
    "status",
    "message",
    "balance",
    "currency",
    "timezone",
    "datetime",
    "unixtime",
    "pbx_id",
    "numbers",
    "sips",
    "id",
    "display_name",
    "lines",
    "sip",
    "is_online",
    "from",
    "to",
    "time",
    "messages",
    "cost",
    "denied_numbers",
    "stats",
    "start",
    "end",
    "callstart",
    "billseconds",
    "billcost",
    "disposition",
    "seconds",
    "info",
    "number",
    "type",
    "start_date",
    "stop_date",
    "monthly_fee",
    "channels",
    "autorenew",
    "is_on_test",
    "receive_sms",
    "countryCode",
    "countryCodeIso",
    "name",
    "restrictions",
    "upload",
    "specify",
    "connect_fee",
    "direction_id",
    "is_reserved",
    "total_paid",
    "amount",
    "group",
    "groups",
    "documents",
    "doc_name",
    "is_readonly",
    "is_information_match",
    "is_documents_uploaded",
    "is_documents_verified",
    "is_address_match",
    "autoprolongation",
    "caller_name",
    "sip_id",
    "notifications",
    "hooks",
    "url",
]

LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**63, -(2**63) - 1, 10**400, 9 * 10**18]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(TRICKY_TEXT),
    st.text(max_size=8),
)


def json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    """Return JSON values whose objects mostly use the operator's field names."""
    names = st.one_of(st.sampled_from(keys), st.text(max_size=4))
    return st.recursive(
        LEAVES,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(names, children, max_size=8)
        ),
        max_leaves=24,
    )


def records(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Return objects of the operator's fields with arbitrary values."""
    return st.dictionaries(st.sampled_from(keys), json_values(keys), max_size=12)


def odorik_json() -> st.SearchStrategy[Any]:
    return st.one_of(
        json_values(ODORIK_KEYS),
        st.lists(records(ODORIK_KEYS), max_size=5),
        records(ODORIK_KEYS),
    )


def zadarma_json() -> st.SearchStrategy[Any]:
    envelope = st.fixed_dictionaries(
        {"status": st.sampled_from(["success", "success", "error", None, 1])}
    )
    return st.one_of(
        json_values(ZADARMA_KEYS),
        st.tuples(envelope, records(ZADARMA_KEYS)).map(lambda pair: {**pair[1], **pair[0]}),
    )


def dump(value: Any) -> str:
    """Write JSON as a careless server might: NaN and Infinity as bare words."""
    return json.dumps(value, allow_nan=True)


def csv_body(rows: list[dict[str, Any]]) -> str:
    columns = sorted({key for row in rows for key in row}) or ["id"]
    lines = [",".join(columns)]
    lines.extend(",".join(str(row.get(key, "")) for key in columns) for row in rows)
    return "\n".join(lines) + "\n"


def xml_body(rows: list[dict[str, Any]]) -> str:
    kinds = {bool: "boolean", int: "integer", float: "float"}
    parts = ['<calls type="array">']
    for row in rows:
        parts.append("<call>")
        for key, value in row.items():
            kind = kinds.get(type(value))
            attribute = f' type="{kind}"' if kind else ""
            parts.append(f"<{key.replace('_', '-')}{attribute}>{value}</{key.replace('_', '-')}>")
        parts.append("</call>")
    parts.append("</calls>")
    return "".join(parts)


TEXT_BODIES = st.one_of(
    st.sampled_from(TRICKY_TEXT),
    st.tuples(
        st.sampled_from(
            [
                "successfully_sent",
                "successfully_enqueued",
                "callback_ordered",
                "calback_ordered",
                "ok",
                "error",
                "errors",
                "<html>",
            ]
        ),
        st.sampled_from(["", " ", "\n"]),
        st.sampled_from(TRICKY_TEXT),
    ).map("".join),
    st.text(max_size=40),
)
# Nesting past the decoder's limit (refused), and nesting it decodes.
DEEP = st.sampled_from(
    ["[" * 100_000, '{"a":' * 100_000, "[" * 3_000 + "]" * 3_000, "[" * 3_000 + "0" + "]" * 3_000]
)
HEADER_VALUES = st.one_of(
    st.sampled_from([*TRICKY_TEXT[:12], "600", "2000000000", "Wed, 21 Oct 2015 07:28:00 GMT"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
)
STATUSES = st.sampled_from(
    [200] * 8 + [204, 301, 302, 307, 400, 401, 403, 404, 409, 422, 429, 500, 503]
)


@dataclasses.dataclass
class Reply:
    """One arbitrary answer."""

    status: int
    body: bytes
    headers: dict[str, str]


def replies(bodies: st.SearchStrategy[str]) -> st.SearchStrategy[Reply]:
    """Return answers: a status, the headers clients read, a body of any kind."""
    body = st.one_of(
        bodies.map(str.encode),
        TEXT_BODIES.map(str.encode),
        st.binary(max_size=64),
        DEEP.map(str.encode),
    )
    headers = st.dictionaries(
        st.sampled_from(["Retry-After", "X-RateLimit-Reset", "Odorik-Pages", "Content-Type"]),
        HEADER_VALUES,
        max_size=3,
    )
    return st.builds(Reply, status=STATUSES, body=body, headers=headers)


ODORIK_BODIES = st.one_of(
    odorik_json().map(dump),
    st.lists(records(ODORIK_KEYS), max_size=4).map(csv_body),
    st.lists(records(ODORIK_KEYS), max_size=4).map(xml_body),
)
ZADARMA_BODIES = zadarma_json().map(dump)

# -- the server, and what must hold of what comes back -----------------------------------------


class Scripted:
    """Answer every request with the current ``reply``, and count the requests."""

    def __init__(self) -> None:
        self.reply = Reply(200, b"{}", {})
        self.requests = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        reply = self.reply
        return web.Response(status=reply.status, body=reply.body, headers=reply.headers)


@pytest.fixture
async def server() -> AsyncIterator[tuple[Scripted, str]]:
    scripted = Scripted()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", scripted.handle)
    test_server = TestServer(app)
    await test_server.start_server()
    try:
        yield scripted, str(test_server.make_url("")).rstrip("/")
    finally:
        await test_server.close()


def assert_finite(value: object) -> None:
    """Fail if a float anywhere in ``value`` (models, tuples, mappings) is not finite.

    Walked with a stack of its own: a list nested thousands deep is a fair answer.
    """
    stack: list[tuple[str, object]] = [("result", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, float):
            assert math.isfinite(item), f"{where} is {item}"
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(
                (f"{where}.{field.name}", getattr(item, field.name))
                for field in dataclasses.fields(item)
            )
        elif isinstance(item, Mapping):
            stack.extend((f"{where}[{key!r}]", child) for key, child in item.items())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))


async def outcome(ask: Awaitable[object]) -> None:
    """Await one client method: a TelcoError or a result of finite numbers, nothing else."""
    try:
        result = await ask
    except TelcoError:
        return
    assert_finite(result)


# -- the parse helpers ---------------------------------------------------------------------

ANY_VALUE = st.one_of(LEAVES, json_values(ODORIK_KEYS), st.text(), st.binary(max_size=16))


@settings(max_examples=300)
@given(value=ANY_VALUE)
def test_odorik_parse_helpers_give_a_finite_number_or_none(value: object) -> None:
    number = parse_float(value)
    assert number is None or math.isfinite(number)
    assert parse_int(value) is None or isinstance(parse_int(value), int)
    moment = parse_datetime(value)
    assert moment is None or moment.utcoffset() == timedelta(0)


@settings(max_examples=300)
@given(value=ANY_VALUE, zone=st.sampled_from(["UTC", "UTC+5", "UTC-5", "UTC+14"]))
def test_zadarma_parsers_give_a_finite_number_or_a_malformed_error(
    value: object, zone: str
) -> None:
    try:
        balance = Balance.from_dict({"balance": value, "currency": "USD"})
    except MALFORMED:
        pass
    else:
        assert math.isfinite(balance.balance)
    try:
        zadarma_datetime(value)
    except ValueError:
        pass
    except (TypeError, AttributeError):
        pass


@settings(max_examples=300)
@given(
    text=st.one_of(
        st.text(max_size=40),
        json_values(ZADARMA_KEYS).map(dump),
        DEEP,
        st.binary(max_size=32).map(lambda raw: raw.decode("latin-1")),
    )
)
def test_json_is_decoded_finite_or_refused(text: str) -> None:
    try:
        value = loads(text)
    except ValueError:
        return
    assert_finite(value)


# -- Odorik ---------------------------------------------------------------------------------

type OdorikAsk = Callable[[OdorikClient], Awaitable[object]]
NUMBER = "00420799799081"
PUBLIC = "00420533533533"
ODORIK_METHODS: dict[str, OdorikAsk] = {
    "balance": lambda c: c.get_balance(),
    "lines": lambda c: c.get_lines(),
    "allowed_senders": lambda c: c.get_allowed_senders(),
    "send_sms": lambda c: c.send_sms("00420601234567", "Hi"),
    "public_numbers": lambda c: c.get_public_numbers(),
    "ringings": lambda c: c.get_ringings(PUBLIC),
    "add_ringing": lambda c: c.add_ringing(PUBLIC, "00420601234567"),
    "routes": lambda c: c.get_routes(PUBLIC),
    "delete_route": lambda c: c.delete_route(PUBLIC, 1),
    "callback": lambda c: c.callback("00420601234567", "00420777123456"),
    "sms_history": lambda c: c.get_sms_history(start=START, end=END),
    "calls": lambda c: c.read_calls(since_id=1),
    "calls_csv": lambda c: c.read_calls(start=START, end=END, fmt=CallFormat.CSV),
    "calls_xml": lambda c: c.read_calls(since_id=1, include_sms=True, fmt=CallFormat.XML),
    "active_calls": lambda c: c.get_active_calls(),
    "hang_up": lambda c: c.hang_up(1),
    "call_statistics": lambda c: c.get_call_statistics(start=START, end=END),
    "by_destination": lambda c: c.get_call_statistics_by_destination(start=START, end=END),
    "missed_calls": lambda c: c.get_missed_calls(start=START, end=END),
    "sim_cards": lambda c: c.get_sim_cards(include_available_roaming_settings=True),
    "sim_card": lambda c: c.get_sim_card(NUMBER),
    "update_sim_card": lambda c: c.update_sim_card(NUMBER, SimCardUpdate(lte=True)),
    "data_restart": lambda c: c.data_restart(NUMBER),
    "mobile_data": lambda c: c.get_mobile_data(start=START, end=END),
    "assign_number": lambda c: c.assign_number_to_sim(NUMBER, iccid="1", pin="2"),
}


@FUZZ
@given(method=st.sampled_from(sorted(ODORIK_METHODS)), reply=replies(ODORIK_BODIES))
async def test_odorik_answers_anything(
    server: tuple[Scripted, str], session: aiohttp.ClientSession, method: str, reply: Reply
) -> None:
    scripted, url = server
    scripted.reply, scripted.requests = reply, 0
    client = OdorikClient(session, "1234567", "secret", base_url=url + "/api/v1")
    await outcome(ODORIK_METHODS[method](client))
    # Every page announced is one request at most, and pages are bounded.
    assert scripted.requests <= MAX_PAGES


# -- Zadarma ---------------------------------------------------------------------------------

type ZadarmaAsk = Callable[[ZadarmaClient], Awaitable[object]]
DIRECT = "48221234567"
ZADARMA_METHODS: dict[str, ZadarmaAsk] = {
    "balance": lambda c: c.get_balance(),
    "timezone": lambda c: c.get_timezone(),
    "pbx": lambda c: c.get_pbx(),
    "sips": lambda c: c.get_sips(),
    "sip_status": lambda c: c.get_sip_status("100001"),
    "callback": lambda c: c.request_callback("100001", "420777123456"),
    "send_sms": lambda c: c.send_sms(["48600100200", "48600100201"], "Hi"),
    "call_notifications": lambda c: c.get_call_notifications(),
    "webhooks": lambda c: c.get_webhooks(),
    "statistics": lambda c: c.get_statistics(START, END),
    "incoming_statistics": lambda c: c.get_incoming_statistics(START, END),
    "call_costs": lambda c: c.get_call_costs(START, END),
    "fetch_statistics": lambda c: fetch_statistics(c, START, END),
    "countries": lambda c: c.get_countries(),
    "country": lambda c: c.get_country("pl"),
    "available_numbers": lambda c: c.get_available_numbers(3061),
    "order_number": lambda c: c.order_number(3061),
    "prolong_number": lambda c: c.prolong_number(DIRECT, 1),
    "direct_numbers": lambda c: c.get_direct_numbers(),
    "direct_number": lambda c: c.get_direct_number(DIRECT),
    "autoprolongation": lambda c: c.get_autoprolongation(DIRECT, number_type="common"),
    "set_autoprolongation": lambda c: c.set_autoprolongation(DIRECT, True, number_type="order"),
    "set_caller_name": lambda c: c.set_caller_name(DIRECT, "Office", number_type="common"),
    "set_sip_id": lambda c: c.set_sip_id(DIRECT, "100001", number_type="common"),
    "document_groups": lambda c: c.get_document_groups(),
    "document_group": lambda c: c.get_document_group(1),
    "update_document_group": lambda c: c.update_document_group(1, city="Krakow"),
    "document_files": lambda c: c.get_document_files(),
    "validate_group": lambda c: c.validate_document_group(1, 3061),
    "upload": lambda c: c.upload_document(
        1, "passport", filename="a.pdf", content=b"%PDF", content_type="application/pdf"
    ),
}


@FUZZ
@given(method=st.sampled_from(sorted(ZADARMA_METHODS)), reply=replies(ZADARMA_BODIES))
async def test_zadarma_answers_anything(
    server: tuple[Scripted, str], session: aiohttp.ClientSession, method: str, reply: Reply
) -> None:
    scripted, url = server
    scripted.reply, scripted.requests = reply, 0
    # A fresh client (and clock) per answer: a 429 of one example holds back no other.
    clock = FakeClock()
    client = ZadarmaClient(session, "key", "secret", base_url=url, clock=clock, sleep=clock.sleep)
    await outcome(ZADARMA_METHODS[method](client))
    assert scripted.requests <= 2 * MAX_STATISTICS_PAGES
