"""Odorik client: transport, authentication, errors, account and SMS."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging

import aiohttp
from aiohttp import web
import pytest

from custom_components.telco.api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoRateLimitedError,
    TelcoValidationError,
)
from custom_components.telco.api.odorik import (
    DEFAULT_ODORIK_URL,
    DEFAULT_USER_AGENT,
    OdorikClient,
)
from custom_components.telco.api.odorik_models import CallFormat, SmsResult, SmsStatus
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ACCOUNT_PASSWORD

from .odorik_helpers import (
    RawServer,
    canned,
    control,
    days_ago,
    line_client,
    make_client,
    requests_to,
    state,
)

# Raw loopback servers need sockets even in tests without the simulator fixture.
pytestmark = pytest.mark.usefixtures("socket_enabled")


def _exception_texts(err: BaseException) -> list[str]:
    texts: list[str] = []
    current: BaseException | None = err
    while current is not None:
        texts += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    return texts


# -- account ---------------------------------------------------------------------


async def test_balance(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    assert await make_client(simulator, session).get_balance() == 554.03


async def test_every_request_carries_credentials_and_user_agent(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await client.get_balance()
    sent = state(simulator).last_params
    assert sent["user"] == "1234567"
    assert sent["password"] == ACCOUNT_PASSWORD
    assert sent["user_agent"] == DEFAULT_USER_AGENT == "home-assistant-telco/0.1.0"
    await client.data_restart("00420799799081")
    assert state(simulator).last_params["user_agent"] == DEFAULT_USER_AGENT


async def test_post_sends_credentials_in_the_form_body(session: aiohttp.ClientSession) -> None:
    seen: dict[str, object] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["query"] = dict(request.query)
        seen["form"] = dict(await request.post())
        return web.Response(text="ok", content_type="text/plain")

    async with RawServer({"/sim_cards/{phone}/data_restart": handler}) as raw:
        await raw.client(session).data_restart("00420799799081")
    assert seen["query"] == {}
    assert seen["form"] == {
        "user": "1234567",
        "password": ACCOUNT_PASSWORD,
        "user_agent": DEFAULT_USER_AGENT,
    }


async def test_line_login_sees_only_its_line(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    lines = await line_client(simulator, session, 403367).get_lines()
    assert [line.id for line in lines] == [403367]
    assert await line_client(simulator, session, 403366).get_balance() == 554.03


async def test_lines_never_keep_the_sip_password(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    lines = await make_client(simulator, session).get_lines()
    assert [line.id for line in lines] == [403366, 403367]
    office = lines[0]
    assert office.name == "Kancelář"
    assert office.public_number == "00420533533533"
    assert office.backup_number is None
    assert office.active_sip is True
    assert office.missed_call_email == "demo@example.com"
    device = office.connected_devices[0]
    assert device.user_agent == "Acrobits SIPIS"
    assert device.last_registration_at is not None
    assert device.last_registration_at.utcoffset() == timedelta(0)
    assert not hasattr(office, "sip_password")
    assert "line-demo-1" not in repr(lines)


async def test_client_repr_hides_the_password(session: aiohttp.ClientSession) -> None:
    client = OdorikClient(session, "1234567", "s3cret")
    assert "s3cret" not in repr(client)
    assert DEFAULT_ODORIK_URL in repr(client)


async def test_allowed_senders(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    senders = await make_client(simulator, session).get_allowed_senders()
    assert senders == ["Odorik.cz", "5517", "smsinfo", "00420799799081"]


# -- authentication ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "token"),
    [("", "authentication_required"), ("wrong", "authentication_failed")],
)
async def test_auth_errors_in_every_style(
    simulator: SimulatorServer, session: aiohttp.ClientSession, password: str, token: str
) -> None:
    client = make_client(simulator, session, password=password)
    calls = [
        client.get_balance(),  # plain text
        client.get_lines(),  # JSON
        client.get_calls(since_id=0, fmt=CallFormat.CSV),
        client.get_calls(since_id=0, fmt=CallFormat.XML),
        client.get_calls(since_id=0),
        client.callback("00420799799081", "00420601234567"),  # plain POST
        client.hang_up(14990661),  # JSON DELETE
    ]
    for call in calls:
        with pytest.raises(TelcoAuthenticationError, match=token):
            await call
    assert await make_client(simulator, session).get_active_calls()


async def test_wrong_line_password(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session, user="403366", password="line-demo-2")
    with pytest.raises(TelcoAuthenticationError, match="authentication_failed"):
        await client.get_balance()


async def test_reject_auth_fault(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    simulator.control.faults["odorik"].reject_auth = True
    with pytest.raises(TelcoAuthenticationError):
        await make_client(simulator, session).get_sim_cards()


async def test_unseeded_simulator_knows_nobody(session: aiohttp.ClientSession) -> None:
    async with SimulatorServer(seed=False) as empty:
        with pytest.raises(TelcoAuthenticationError):
            await make_client(empty, session).get_balance()
        await control(empty, session, "reset", {})
        assert await make_client(empty, session).get_balance() == 554.03


async def test_simulator_reads_parameters_from_query_and_body(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """The body wins over the query (a GET with a body, as in the official curl example)."""
    url = f"{simulator.odorik_url}/balance"
    query = {"user": "1234567", "password": "wrong"}
    async with session.get(url, params=query, data={"password": ACCOUNT_PASSWORD}) as response:
        assert await response.text() == "554.03"
        assert response.status == 200
        assert response.content_type == "text/plain"
    async with session.get(f"{simulator.odorik_url}/lines.json") as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        assert await response.json() == {"errors": ["authentication_required"]}


# -- transport errors and secrecy -----------------------------------------------------


async def test_outage_is_a_connection_error(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    simulator.control.faults["odorik"].outage = True
    with pytest.raises(TelcoConnectionError, match="HTTP 503"):
        await make_client(simulator, session).get_balance()


async def test_timeout_keeps_credentials_secret(
    simulator: SimulatorServer, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    simulator.control.faults["odorik"].latency_ms = 500
    client = make_client(simulator, session, request_timeout=0.1)
    with pytest.raises(TelcoConnectionError, match="timed out") as err:
        await client.get_calls(start=days_ago(1), end=days_ago(0))
    for text in _exception_texts(err.value):
        assert ACCOUNT_PASSWORD not in text
    assert err.value.__cause__ is None
    assert err.value.__context__ is None
    assert "/calls.json" in str(err.value)
    assert "GET /calls.json" in caplog.text
    assert ACCOUNT_PASSWORD not in caplog.text
    assert "user=" not in caplog.text


async def test_refused_connection_keeps_credentials_secret(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with RawServer({}) as raw:
        url = raw.url
    client = OdorikClient(session, "1234567", ACCOUNT_PASSWORD, base_url=url)
    with pytest.raises(TelcoConnectionError, match="ClientConnectorError") as err:
        await client.get_sim_card("00420799799081")
    for text in _exception_texts(err.value):
        assert ACCOUNT_PASSWORD not in text
    assert ACCOUNT_PASSWORD not in caplog.text


async def test_a_redirect_is_not_followed_nor_quoted(session: aiohttp.ClientSession) -> None:
    """A redirect would carry the query, password and all; its error names no URL."""
    hits: list[str] = []

    async def redirect(request: web.Request) -> web.Response:
        hits.append(request.path_qs)
        raise web.HTTPFound(request.path_qs)

    async with RawServer({"/balance": redirect}) as raw:
        client = OdorikClient(session, "1234567", "pa ss+w/rd?&", base_url=raw.url)
        with pytest.raises(TelcoConnectionError, match="redirect") as err:
            await client.get_balance()
    assert len(hits) == 1
    for text in _exception_texts(err.value):
        assert "pa ss+w/rd?&" not in text
        assert "pa+ss%2Bw" not in text
        assert "password=" not in text
        assert "127.0.0.1" not in text


async def test_connection_error_without_password(session: aiohttp.ClientSession) -> None:
    async with RawServer({}) as raw:
        url = raw.url
    client = OdorikClient(session, "1234567", "", base_url=url)
    with pytest.raises(TelcoConnectionError, match="Cannot connect"):
        await client.get_balance()


async def test_rate_limit_honours_retry_after(session: aiohttp.ClientSession) -> None:
    routes = {
        "/balance": canned("slow down", status=429, headers={"Retry-After": "42"}),
        "/lines.json": canned(
            "", status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
        ),
        "/sms/allowed_sender": canned("", status=429, headers={"Retry-After": "soon"}),
        "/active_calls.json": canned("", status=429),
    }
    async with RawServer(routes) as raw:
        client = raw.client(session)
        with pytest.raises(TelcoRateLimitedError) as err:
            await client.get_balance()
        assert err.value.retry_after == 42
        assert err.value.token == "rate_limited"
        with pytest.raises(TelcoRateLimitedError) as err:
            await client.get_lines()
        # A moment gone by: try again after the least wait.
        assert err.value.retry_after == 1
        with pytest.raises(TelcoRateLimitedError) as err:
            await client.get_allowed_senders()
        assert err.value.retry_after is None
        with pytest.raises(TelcoRateLimitedError) as err:
            await client.get_active_calls()
        assert err.value.retry_after is None


async def test_garbage_answers(session: aiohttp.ClientSession) -> None:
    routes = {
        "/balance": canned("lots of money", content_type="text/plain"),
        "/lines.json": canned(b"\xff\xfe\x00", content_type="application/json"),
        "/active_calls.json": canned("<html>oops</html>", content_type="text/html"),
        "/public_numbers.json": canned('{"public_number": "x"}'),
        "/call_statistics.json": canned("[]"),
        "/call_statistics/missed_calls.json": canned('[{"count": 1}]'),
        "/sim_cards.json": canned('[{"id": "not a number"}]'),
        "/sim_cards/{phone}.json": canned('{"sim_number": "no id"}'),
        "/sms": canned("who knows", content_type="text/plain"),
        "/callback": canned("maybe", content_type="text/plain"),
        "/sim_cards/{phone}/data_restart": canned("fine", content_type="text/plain"),
        "/sms/allowed_sender": canned("nothing here", status=404, content_type="text/plain"),
        "/public_numbers/{number}/routes.json": canned("[]", status=404),
        "/active_calls/{id}.json": canned("nope", status=410, content_type="text/plain"),
    }
    async with RawServer(routes) as raw:
        client = raw.client(session)
        with pytest.raises(TelcoConnectionError, match="no number"):
            await client.get_balance()
        with pytest.raises(TelcoConnectionError, match="undecodable"):
            await client.get_lines()
        with pytest.raises(TelcoConnectionError, match="other than JSON"):
            await client.get_active_calls()
        with pytest.raises(TelcoConnectionError, match="no list"):
            await client.get_public_numbers()
        with pytest.raises(TelcoConnectionError, match="no object"):
            await client.get_call_statistics(start=days_ago(1), end=days_ago(0))
        assert (await client.get_missed_calls(start=days_ago(1), end=days_ago(0)))[0].count == 1
        with pytest.raises(TelcoConnectionError, match="malformed records"):
            await client.get_sim_cards()
        with pytest.raises(TelcoConnectionError, match="malformed SIM card"):
            await client.get_sim_card("00420799799081")
        with pytest.raises(TelcoConnectionError, match="unexpected"):
            await client.send_sms("00420601234567", "hi")
        with pytest.raises(TelcoConnectionError, match="unexpected"):
            await client.callback("00420799799081", "00420601234567")
        with pytest.raises(TelcoConnectionError, match="unexpected"):
            await client.data_restart("00420799799081")
        with pytest.raises(TelcoApiError) as err:
            await client.get_allowed_senders()
        assert err.value.tokens == ("http_404",)
        with pytest.raises(TelcoApiError) as err:
            await client.get_routes("00420533533533")
        assert err.value.tokens == ("http_404",)
        with pytest.raises(TelcoApiError) as err:
            await client.hang_up(1)
        assert err.value.tokens == ("http_410",)


async def test_error_body_variants(session: aiohttp.ClientSession) -> None:
    """Tolerate the variants seen in the wild: 'errors' (OAS), bare 'error', plain on JSON."""
    routes = {
        "/balance": canned("errors authentication_required\n", content_type="text/plain"),
        "/lines.json": canned("error authentication_failed", content_type="text/plain"),
        "/sms/allowed_sender": canned("error", content_type="text/plain"),
        "/active_calls.json": canned('{"errors": "unauthorized"}'),
        "/public_numbers.json": canned('{"errors": ["unauthorized", null, "x"]}'),
        "/callback": canned("error invalid_line", status=400, content_type="text/plain"),
    }
    async with RawServer(routes) as raw:
        client = raw.client(session)
        with pytest.raises(TelcoAuthenticationError, match="authentication_required"):
            await client.get_balance()
        with pytest.raises(TelcoAuthenticationError, match="authentication_failed"):
            await client.get_lines()
        with pytest.raises(TelcoApiError) as err:
            await client.get_allowed_senders()
        assert err.value.tokens == ()
        assert err.value.token == "error"
        with pytest.raises(TelcoApiError) as err:
            await client.get_active_calls()
        assert err.value.tokens == ("unauthorized",)
        with pytest.raises(TelcoApiError) as err:
            await client.get_public_numbers()
        assert err.value.tokens == ("unauthorized", "x")
        with pytest.raises(TelcoApiError) as err:
            await client.callback("1", "2")
        assert err.value.token == "invalid_line"


async def test_naive_datetimes_are_refused_before_sending(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    naive = days_ago(1).replace(tzinfo=None)
    with pytest.raises(TelcoValidationError) as err:
        await make_client(simulator, session).get_mobile_data(start=naive, end=days_ago(0))
    assert err.value.reason == "naive_datetime"
    assert simulator.control.counts.total() == 0


# -- SMS -----------------------------------------------------------------------


async def test_send_sms_debits_and_is_listed(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    result = await client.send_sms("00420601234567", "Ahoj", sender="5517")
    assert result == SmsResult(SmsStatus.SENT, 552.83)
    assert await client.get_balance() == 552.83
    calls = await client.get_calls(since_id=0, include_sms=True)
    assert calls[-1].is_sms
    assert calls[-1].direction is None
    assert calls[-1].destination_number == "00420601234567"
    assert calls[-1].balance_after == 552.83


async def test_delayed_sms_is_enqueued(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    assert await client.send_sms("00420601234567", "later", delayed=30) == SmsResult(
        SmsStatus.ENQUEUED
    )
    result = await client.send_sms("00420601234567", "later", delayed=days_ago(-1))
    assert result.status is SmsStatus.ENQUEUED
    assert await client.get_balance() == 554.03


@pytest.mark.parametrize(
    ("recipient", "message", "sender", "token"),
    [
        ("00420601234567", "  ", None, "empty_message"),
        ("00420601234567", "hi", "xxx", "forbidden_sender"),
        ("xxx", "hi", None, "unsupported_recipient"),
    ],
)
async def test_sms_errors(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    recipient: str,
    message: str,
    sender: str | None,
    token: str,
) -> None:
    with pytest.raises(TelcoApiError) as err:
        await make_client(simulator, session).send_sms(recipient, message, sender=sender)
    assert err.value.tokens == (token,)


async def test_sms_delay_errors(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    client = make_client(simulator, session)
    with pytest.raises(TelcoApiError, match="delayed_into_past"):
        await client.send_sms("00420601234567", "hi", delayed=days_ago(1))
    form = {"user": "1234567", "password": ACCOUNT_PASSWORD, "recipient": "00420601234567"}
    async with session.post(f"{simulator.odorik_url}/sms", data=form) as response:
        assert await response.text() == "error missing_argument message"
    form |= {"message": "hi", "delayed": "tomorrow"}
    async with session.post(f"{simulator.odorik_url}/sms", data=form) as response:
        assert await response.text() == "error invalid_delay_format"


async def test_sms_balance_and_gateway_errors(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await control(simulator, session, "settings", {"sms_gateway_failed": True})
    with pytest.raises(TelcoApiError, match="gateway_failed"):
        await client.send_sms("00420601234567", "hi")
    await control(simulator, session, "settings", {"balance": 0.5})
    with pytest.raises(TelcoApiError, match="low_balance"):
        await client.send_sms("00420601234567", "hi")


async def test_control_state_reports_settings(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    answer = await control(simulator, session, "settings", {"sim_change_seconds": 5})
    assert answer["settings"]["sim_change_seconds"] == 5
    assert answer["balance"] == 554.03
    async with session.get(f"{simulator.url}/_control/odorik/state") as response:
        body = await response.json()
    assert [sim["phone_number"] for sim in body["sim_cards"]] == [
        "00420799799081",
        "00420799799082",
    ]
    async with session.post(
        f"{simulator.url}/_control/odorik/settings", json={"colour": "red"}
    ) as response:
        assert response.status == 400


async def test_concurrent_requests(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    balances = await asyncio.gather(*(client.get_balance() for _ in range(5)))
    assert balances == [554.03] * 5
    assert requests_to(simulator, "GET /balance") == 5
