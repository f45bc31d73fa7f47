"""Odorik client: the writes whose success answer the documents leave open.

Routes, ringings, hanging up and SIM settings: Odorik documents their errors
but not what a success looks like. These are ``.json`` endpoints, so the client
takes an empty body or JSON without ``errors`` as done, and anything else (an
HTML maintenance page, a bare ``ok``) as a communication error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web
import pytest

from custom_components.telco.api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
)
from custom_components.telco.api.odorik import OdorikClient
from custom_components.telco.api.odorik_models import Ringing, SimCard, SimCardUpdate
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ACCOUNT_PASSWORD, ACCOUNT_USER

from .odorik_helpers import Handler, RawServer, canned, control, make_client, requests_to

pytestmark = pytest.mark.usefixtures("socket_enabled")

OFFICE = "00420533533533"
DATA_SIM = "00420799799081"
SEEDED_ACTIVE_CALL = 14990661
SEEDED_SECOND_ROUTE = 22625402


@dataclass(frozen=True)
class Write:
    """One write, and how to see afterwards that the operator applied it."""

    name: str
    act: Callable[[OdorikClient], Awaitable[object]]
    applied: Callable[[OdorikClient], Awaitable[bool]]


async def _route_added(client: OdorikClient) -> bool:
    routes = await client.get_routes(OFFICE)
    return any(
        (route.source_number, route.ringing_number) == ("00420602000000", "*403367")
        for route in routes
    )


async def _route_deleted(client: OdorikClient) -> bool:
    return SEEDED_SECOND_ROUTE not in {route.id for route in await client.get_routes(OFFICE)}


async def _ringing_added(client: OdorikClient) -> bool:
    return Ringing(OFFICE, "00420601234567") in await client.get_ringings(OFFICE)


async def _ringing_deleted(client: OdorikClient) -> bool:
    return Ringing(OFFICE, "*403366") not in await client.get_ringings(OFFICE)


async def _hung_up(client: OdorikClient) -> bool:
    return SEEDED_ACTIVE_CALL not in {call.id for call in await client.get_active_calls()}


async def _lte_off(client: OdorikClient) -> bool:
    return (await client.get_sim_card(DATA_SIM)).lte is False


WRITES = [
    Write(
        "add_route",
        lambda client: client.add_route(OFFICE, "00420602000000", "*403367"),
        _route_added,
    ),
    Write(
        "delete_route",
        lambda client: client.delete_route(OFFICE, SEEDED_SECOND_ROUTE),
        _route_deleted,
    ),
    Write(
        "add_ringing",
        lambda client: client.add_ringing(OFFICE, "00420601234567"),
        _ringing_added,
    ),
    Write(
        "delete_ringing",
        lambda client: client.delete_ringing(OFFICE, "*403366"),
        _ringing_deleted,
    ),
    Write("hang_up", lambda client: client.hang_up(SEEDED_ACTIVE_CALL), _hung_up),
    Write(
        "update_sim_card",
        lambda client: client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False)),
        _lte_off,
    ),
]


@pytest.mark.parametrize("empty_bodies", [False, True], ids=["json_body", "empty_body"])
@pytest.mark.parametrize("write", WRITES, ids=[write.name for write in WRITES])
async def test_write_succeeds_whatever_the_success_body(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    write: Write,
    empty_bodies: bool,
) -> None:
    await control(simulator, session, "settings", {"empty_write_bodies": empty_bodies})
    client = make_client(simulator, session)
    assert not await write.applied(client)
    result = await write.act(client)
    assert await write.applied(client)
    if isinstance(result, SimCard):
        # The SIM card as the operator shows it now: from the answer, or read back.
        assert result.phone_number == DATA_SIM
        assert result.lte is False
    else:
        assert result is None


async def test_sim_update_with_an_empty_answer_reads_the_card_back(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    await control(simulator, session, "settings", {"empty_write_bodies": True})
    client = make_client(simulator, session)
    current = await client.get_sim_card(DATA_SIM)
    simulator.control.counts.clear()
    updated = await client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False), current=current)
    assert updated.lte is False
    assert updated.id == current.id
    assert requests_to(simulator, "PUT /sim_cards/{phone}.json") == 1
    assert requests_to(simulator, "GET /sim_cards/{phone}.json") == 1


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("POST", f"/public_numbers/{OFFICE}/routes.json", {"source_number": "*"}),
        ("DELETE", f"/public_numbers/{OFFICE}/routes/{SEEDED_SECOND_ROUTE}.json", {}),
        ("POST", f"/public_numbers/{OFFICE}/ringings.json", {}),
        ("DELETE", f"/public_numbers/{OFFICE}/ringings/*403366.json", {}),
        ("DELETE", f"/active_calls/{SEEDED_ACTIVE_CALL}.json", {}),
        ("PUT", f"/sim_cards/{DATA_SIM}.json", {"lte": "false"}),
    ],
)
async def test_simulator_switch_empties_the_success_body(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    method: str,
    path: str,
    params: dict[str, str],
) -> None:
    await control(simulator, session, "settings", {"empty_write_bodies": True})
    form = {
        "user": ACCOUNT_USER,
        "password": ACCOUNT_PASSWORD,
        "ringing_number": "*403367",
        **params,
    }
    async with session.request(method, simulator.odorik_url + path, data=form) as response:
        assert response.status == 200
        assert await response.read() == b""


@pytest.mark.parametrize("empty_bodies", [False, True], ids=["json_body", "empty_body"])
async def test_write_errors_still_raise(
    simulator: SimulatorServer, session: aiohttp.ClientSession, empty_bodies: bool
) -> None:
    await control(simulator, session, "settings", {"empty_write_bodies": empty_bodies})
    client = make_client(simulator, session)
    with pytest.raises(TelcoApiError) as err:
        await client.add_route(OFFICE, "anyone", "*403367")
    assert err.value.tokens == ("invalid_source_number",)
    with pytest.raises(TelcoApiError) as err:
        await client.add_ringing("00420999999999", "*403367")
    assert err.value.tokens == ("nonexisting_public_number",)
    with pytest.raises(TelcoApiError) as err:
        await client.delete_ringing(OFFICE, "*999999")
    assert err.value.tokens == ("nonexisting_ringing_number",)
    # What Odorik answers for an unknown rule id, call id or SIM setting value is
    # not documented: only the error class is certain.
    with pytest.raises(TelcoApiError):
        await client.delete_route(OFFICE, 1)
    with pytest.raises(TelcoApiError):
        await client.hang_up(1)
    with pytest.raises(TelcoApiError):
        await client.update_sim_card(DATA_SIM, SimCardUpdate(roaming="moon"))
    assert len(await client.get_routes(OFFICE)) == 2
    assert [call.id for call in await client.get_active_calls()] == [SEEDED_ACTIVE_CALL]


def _empty_then_sim(sim: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        if request.method == "PUT":
            return web.Response(text="", content_type="text/plain")
        return web.Response(text=sim, content_type="application/json")

    return handler


async def test_empty_and_json_success_bodies(session: aiohttp.ClientSession) -> None:
    sim = (
        '{"id": 5, "sim_number": "1F", "state": "active", "changes_in_progress": [], "lte": false}'
    )
    routes = {
        "/public_numbers/{number}/routes.json": canned("{}"),
        "/public_numbers/{number}/routes/{id}.json": canned("", content_type="text/html"),
        "/public_numbers/{number}/ringings.json": canned(" \n", content_type="text/plain"),
        "/public_numbers/{number}/ringings/{ringing}.json": canned("[]"),
        "/active_calls/{id}.json": canned(""),
        "/sim_cards/{phone}.json": _empty_then_sim(sim),
    }
    async with RawServer(routes) as raw:
        client = raw.client(session)
        assert await client.add_route(OFFICE, "*", "*403367") is None
        assert await client.delete_route(OFFICE, 1) is None
        assert await client.add_ringing(OFFICE, "*403367") is None
        assert await client.delete_ringing(OFFICE, "*403367") is None
        assert await client.hang_up(1) is None
        updated = await client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False))
    assert (updated.id, updated.phone_number, updated.lte) == (5, DATA_SIM, False)


MAINTENANCE = "<!DOCTYPE html><html><body><h1>Maintenance</h1><p>ok</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (MAINTENANCE, "text/html"),
        ("<html>done</html>", "text/html"),
        ("ok", "text/plain"),
        ('"ok"', "application/json"),
        ("true", "application/json"),
    ],
    ids=["maintenance_page", "html", "plain_ok", "json_string", "json_true"],
)
async def test_a_write_answered_with_anything_but_json_is_not_done(
    session: aiohttp.ClientSession, body: str, content_type: str
) -> None:
    """The ``.json`` writes answer JSON; anything else says nothing about the change."""
    answer = canned(body, content_type=content_type)
    routes = {
        "/public_numbers/{number}/routes.json": answer,
        "/public_numbers/{number}/routes/{id}.json": answer,
        "/public_numbers/{number}/ringings.json": answer,
        "/public_numbers/{number}/ringings/{ringing}.json": answer,
        "/active_calls/{id}.json": answer,
        "/sim_cards/{phone}.json": answer,
    }
    writes: list[Callable[[OdorikClient], Awaitable[object]]] = [
        lambda client: client.add_route(OFFICE, "*", "*403367"),
        lambda client: client.delete_route(OFFICE, 1),
        lambda client: client.add_ringing(OFFICE, "*403367"),
        lambda client: client.delete_ringing(OFFICE, "*403367"),
        lambda client: client.hang_up(1),
        lambda client: client.update_sim_card(
            DATA_SIM, SimCardUpdate(requested_data_plan_for_next_month="600MB")
        ),
    ]
    async with RawServer(routes) as raw:
        client = raw.client(session)
        for write in writes:
            with pytest.raises(TelcoConnectionError) as err:
                await write(client)
            assert ACCOUNT_PASSWORD not in str(err.value)
            assert "?" not in str(err.value)


async def test_errors_sent_with_http_200_on_writes(session: aiohttp.ClientSession) -> None:
    routes = {
        "/public_numbers/{number}/routes.json": canned(
            "error unauthorized", content_type="text/plain"
        ),
        "/public_numbers/{number}/routes/{id}.json": canned(
            '{"errors": ["nonexisting_public_number"]}'
        ),
        "/public_numbers/{number}/ringings.json": canned(
            "error authentication_failed", content_type="text/plain"
        ),
        "/public_numbers/{number}/ringings/{ringing}.json": canned('{"errors": "x"}'),
        "/active_calls/{id}.json": canned("", status=404, content_type="text/plain"),
        "/sim_cards/{phone}.json": canned("error change_in_progress\n", content_type="text/plain"),
    }
    async with RawServer(routes) as raw:
        client = raw.client(session)
        with pytest.raises(TelcoApiError) as err:
            await client.add_route(OFFICE, "*", "*403367")
        assert err.value.tokens == ("unauthorized",)
        with pytest.raises(TelcoApiError) as err:
            await client.delete_route(OFFICE, 1)
        assert err.value.tokens == ("nonexisting_public_number",)
        with pytest.raises(TelcoAuthenticationError):
            await client.add_ringing(OFFICE, "*403367")
        with pytest.raises(TelcoApiError) as err:
            await client.delete_ringing(OFFICE, "*403367")
        assert err.value.tokens == ("x",)
        with pytest.raises(TelcoApiError) as err:
            await client.hang_up(1)
        assert err.value.tokens == ("http_404",)
        with pytest.raises(TelcoApiError) as err:
            await client.update_sim_card(
                DATA_SIM, SimCardUpdate(requested_data_plan_for_next_month="600MB")
            )
        assert err.value.tokens == ("change_in_progress",)


async def test_sim_update_read_back_failure_is_reported(session: aiohttp.ClientSession) -> None:
    """An empty PUT answer whose read-back is garbage fails as a connection error."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="" if request.method == "PUT" else "nonsense")

    async with RawServer({"/sim_cards/{phone}.json": handler}) as raw:
        with pytest.raises(TelcoConnectionError):
            await raw.client(session).update_sim_card(
                DATA_SIM, SimCardUpdate(requested_data_plan_for_next_month="600MB")
            )
