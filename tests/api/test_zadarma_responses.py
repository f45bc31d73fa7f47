"""How the Zadarma client reads odd answers (served by a scripted aiohttp server)."""

from __future__ import annotations

from collections.abc import AsyncIterator
import time
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.telco.api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoRateLimitedError,
    ZadarmaClient,
)
from custom_components.telco.api.zadarma import error_token

from .zadarma_helpers import Script


@pytest.fixture
async def script(socket_enabled: None) -> AsyncIterator[tuple[Script, str]]:
    script = Script()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", script.handle)
    server = TestServer(app)
    await server.start_server()
    try:
        yield script, str(server.make_url("/"))
    finally:
        await server.close()


@pytest.fixture
def client(script: tuple[Script, str], session: aiohttp.ClientSession) -> ZadarmaClient:
    return ZadarmaClient(session, "key", "secret", base_url=script[1])


@pytest.fixture
def answer(script: tuple[Script, str]) -> Script:
    return script[0]


async def test_error_status_on_http_200(client: ZadarmaClient, answer: Script) -> None:
    answer.json(200, {"status": "error", "message": "Invalid verification code"})
    with pytest.raises(TelcoApiError) as err:
        await client.get_balance()
    assert err.value.tokens == ("api_error",)
    assert err.value.detail == "Invalid verification code"


async def test_invalid_json(client: ZadarmaClient, answer: Script) -> None:
    answer.body = b"<html>oops</html>"
    with pytest.raises(TelcoConnectionError, match="invalid JSON"):
        await client.get_balance()


async def test_not_an_object(client: ZadarmaClient, answer: Script) -> None:
    answer.json(200, ["success"])
    with pytest.raises(TelcoConnectionError, match="unexpected shape"):
        await client.get_balance()


@pytest.mark.parametrize(
    "body",
    [
        {"status": "success", "currency": "USD"},
        {"status": "success", "balance": "lots", "currency": "USD"},
        {"status": "success", "balance": True, "currency": "USD"},
    ],
)
async def test_missing_or_wrong_fields(
    client: ZadarmaClient, answer: Script, body: dict[str, Any]
) -> None:
    answer.json(200, body)
    with pytest.raises(TelcoConnectionError, match="unexpected shape"):
        await client.get_balance()


@pytest.mark.parametrize(
    "body",
    [{}, {"messages": 1, "cost": 0.05, "currency": "USD"}, {"status": "ok"}],
    ids=["empty_object", "no_status", "other_status"],
)
async def test_write_without_success_status_is_not_done(
    client: ZadarmaClient, answer: Script, body: dict[str, Any]
) -> None:
    """Zadarma confirms a write with ``"status": "success"``; without it nothing is known."""
    answer.json(200, body)
    with pytest.raises(TelcoConnectionError, match="without success"):
        await client.send_sms("48600100200", "Hello")
    with pytest.raises(TelcoConnectionError, match="without success"):
        await client.set_caller_name("48221234567", "Office", number_type="common")
    with pytest.raises(TelcoConnectionError, match="without success"):
        await client.set_autoprolongation("48221234567", True, number_type="common")


async def test_write_with_success_status(client: ZadarmaClient, answer: Script) -> None:
    answer.json(200, {"status": "success", "number": "48221234567", "caller_name": "Office"})
    assert await client.set_caller_name("48221234567", "Office", number_type="common") == "Office"


async def test_list_that_is_not_a_list(client: ZadarmaClient, answer: Script) -> None:
    answer.json(200, {"status": "success", "sips": {"id": "1"}})
    with pytest.raises(TelcoConnectionError, match="unexpected shape"):
        await client.get_sips()


async def test_null_list_is_empty(client: ZadarmaClient, answer: Script) -> None:
    answer.json(200, {"status": "success", "info": None})
    assert await client.get_direct_numbers() == []


async def test_http_400_without_json(client: ZadarmaClient, answer: Script) -> None:
    answer.status, answer.body = 400, b"Bad Request"
    with pytest.raises(TelcoApiError) as err:
        await client.get_balance()
    assert err.value.tokens == ("bad_request",)
    assert err.value.detail is None


async def test_http_403_is_an_auth_error(client: ZadarmaClient, answer: Script) -> None:
    answer.json(403, {"status": "error", "message": "Auth error"})
    with pytest.raises(TelcoAuthenticationError, match="Auth error"):
        await client.get_balance()


async def test_http_500(client: ZadarmaClient, answer: Script) -> None:
    answer.json(500, {"status": "error", "message": "boom"})
    with pytest.raises(TelcoConnectionError, match="HTTP 500"):
        await client.get_balance()


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        ({}, 60.0),
        ({"Retry-After": "17"}, 17.0),
        ({"Retry-After": "soon", "X-RateLimit-Reset": "42"}, 42.0),
        ({"X-RateLimit-Reset": "0"}, 1.0),
    ],
)
async def test_429_delay(
    client: ZadarmaClient, answer: Script, headers: dict[str, str], retry_after: float
) -> None:
    answer.json(429, {"status": "error", "message": "You exceeded the rate limit"}, **headers)
    with pytest.raises(TelcoRateLimitedError) as err:
        await client.get_balance()
    assert err.value.retry_after == retry_after


async def test_429_reset_as_unix_time(client: ZadarmaClient, answer: Script) -> None:
    reset = int(time.time()) + 30
    answer.json(429, {"status": "error"}, **{"X-RateLimit-Reset": str(reset)})
    with pytest.raises(TelcoRateLimitedError) as err:
        await client.get_balance()
    assert err.value.retry_after is not None
    assert 25 < err.value.retry_after <= 30
    assert err.value.detail is None


@pytest.mark.parametrize(
    ("status", "message", "token"),
    [
        (404, "Wrong method name", "unknown_method"),
        (400, "Not enough money on your account", "insufficient_balance"),
        (400, '"to" param is required', "missing_parameter"),
        (400, "Check phone's number", "invalid_number"),
        (400, "Autoprolongation is not allowed", "not_allowed"),
        (400, "The main documents group is read-only", "read_only"),
        (400, "Number not found", "not_found"),
        (400, "Wrong type", "bad_request"),
        (400, None, "bad_request"),
        (403, None, "forbidden"),
        (404, None, "not_found"),
        (405, None, "method_not_allowed"),
        (409, None, "conflict"),
        (418, "I'm a teapot", "http_418"),
        (200, "Something odd", "api_error"),
    ],
)
def test_error_tokens(status: int, message: str | None, token: str) -> None:
    assert error_token(status, message) == token
