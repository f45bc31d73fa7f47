"""Odorik client: public numbers, parallel ringings and routes."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.telco.api import TelcoApiError
from custom_components.telco.api.odorik_models import PublicNumber, PublicNumberType, Ringing
from tests.simulator import SimulatorServer

from .odorik_helpers import line_client, make_client, requests_to

OFFICE = "00420533533533"
NOMADIC = "00420910110910"


async def test_public_numbers(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    client = make_client(simulator, session)
    assert await client.get_public_numbers() == [
        PublicNumber(OFFICE, PublicNumberType.GEOGRAPHIC),
        PublicNumber(NOMADIC, PublicNumberType.NOMADIC),
    ]
    everything = await client.get_public_numbers(
        include_sip_names=True, include_shared_numbers=True
    )
    assert [(item.public_number, item.type) for item in everything[2:]] == [
        ("demo_sip", PublicNumberType.SIP_NAME),
        ("00420533533401", PublicNumberType.SHARED),
        ("00420533533402", PublicNumberType.SHARED),
    ]
    sip_only = await client.get_public_numbers(include_sip_names=True)
    assert [item.public_number for item in sip_only] == [OFFICE, NOMADIC, "demo_sip"]


async def test_line_login_lists_every_number_and_reads_only_its_own(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """000: the list holds every public number of the account, whoever logs in."""
    client = line_client(simulator, session, 403367)
    numbers = await client.get_public_numbers(include_shared_numbers=True)
    assert [item.public_number for item in numbers] == [
        OFFICE,
        NOMADIC,
        "00420533533401",
        "00420533533402",
    ]
    assert await client.get_ringings(NOMADIC) == [Ringing(NOMADIC, "*403367")]
    for read in (client.get_ringings, client.get_routes):
        with pytest.raises(TelcoApiError) as err:
            await read(OFFICE)
        assert err.value.tokens == ("unauthorized",)


async def test_ringings_add_and_delete_persist(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    assert await client.get_ringings(OFFICE) == [Ringing(OFFICE, "*403366")]
    await client.add_ringing(OFFICE, "00420601234567")
    await client.add_ringing(OFFICE, "00420601234567")  # already there: no duplicate
    assert await client.get_ringings(OFFICE) == [
        Ringing(OFFICE, "*403366"),
        Ringing(OFFICE, "00420601234567"),
    ]
    await client.delete_ringing(OFFICE, "*403366")
    assert await client.get_ringings(OFFICE) == [Ringing(OFFICE, "00420601234567")]
    routes = await client.get_routes(OFFICE)
    assert [(route.source_number, route.ringing_number) for route in routes] == [
        ("00420555444333", "00420799799081"),
        ("*", "00420601234567"),
    ]
    assert requests_to(simulator, "DELETE /public_numbers/{number}/ringings/{ringing}.json") == 1


async def test_ringing_on_a_sip_name(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await client.add_ringing("demo_sip", "*403367")
    assert await client.get_ringings("demo_sip") == [Ringing("demo_sip", "*403367")]


@pytest.mark.parametrize(
    ("number", "ringing", "token"),
    [
        ("00420999999999", "*100", "nonexisting_public_number"),
        (OFFICE, "not a number", "invalid_ringing_number"),
        (OFFICE, "", "invalid_ringing_number"),
        (OFFICE, OFFICE, "redirection_loop"),
    ],
)
async def test_add_ringing_errors(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    number: str,
    ringing: str,
    token: str,
) -> None:
    client = make_client(simulator, session)
    with pytest.raises(TelcoApiError) as err:
        await client.add_ringing(number, ringing)
    assert err.value.tokens == (token,)


async def test_add_ringing_to_a_shared_number_used_by_another_account_is_refused(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """000 documents shared_number_conflict for routes only: the ringing's token is a guess."""
    with pytest.raises(TelcoApiError):
        await make_client(simulator, session).add_ringing("00420533533401", "00420777000111")


async def test_redirection_loop_through_a_chain(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await client.add_ringing(NOMADIC, OFFICE)
    with pytest.raises(TelcoApiError, match="redirection_loop"):
        await client.add_route(OFFICE, "*", NOMADIC)
    with pytest.raises(TelcoApiError, match="redirection_loop"):
        await client.add_ringing(OFFICE, NOMADIC)
    assert [route.ringing_number for route in await client.get_routes(OFFICE)] == [
        "*403366",
        "00420799799081",
    ]


async def test_delete_ringing_errors(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    with pytest.raises(TelcoApiError) as err:
        await client.delete_ringing(OFFICE, "*999999")
    assert err.value.tokens == ("nonexisting_ringing_number",)
    with pytest.raises(TelcoApiError) as err:
        await client.delete_ringing("00420111111111", "*403366")
    assert err.value.tokens == ("nonexisting_public_number",)


async def test_routes_add_replace_and_delete(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    before = await client.get_routes(OFFICE)
    assert [route.id for route in before] == [22625401, 22625402]
    await client.add_route(OFFICE, "00420555444333", "*403367")
    await client.add_route(OFFICE, "00420602000000", "*403366")
    routes = await client.get_routes(OFFICE)
    assert [route.id for route in routes] == [22625401, 22625402, 22625404, 22625405]
    await client.add_route(OFFICE, "00420555444333", "*403366", replace_by_source_number=True)
    routes = await client.get_routes(OFFICE)
    assert [(route.id, route.source_number, route.ringing_number) for route in routes] == [
        (22625401, "*", "*403366"),
        (22625405, "00420602000000", "*403366"),
        (22625406, "00420555444333", "*403366"),
    ]
    await client.delete_route(OFFICE, 22625405)
    assert [route.id for route in await client.get_routes(OFFICE)] == [22625401, 22625406]


@pytest.mark.parametrize(
    ("number", "source", "ringing", "token"),
    [
        ("00420999999999", "*", "*100", "nonexisting_public_number"),
        (OFFICE, "anyone", "*100", "invalid_source_number"),
        (OFFICE, "*", "nowhere", "invalid_ringing_number"),
        (OFFICE, "*", OFFICE, "redirection_loop"),
        ("00420533533401", "*", "00420777000111", "shared_number_conflict"),
    ],
)
async def test_add_route_errors(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    number: str,
    source: str,
    ringing: str,
    token: str,
) -> None:
    with pytest.raises(TelcoApiError) as err:
        await make_client(simulator, session).add_route(number, source, ringing)
    assert err.value.tokens == (token,)


async def test_route_errors(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    client = make_client(simulator, session)
    with pytest.raises(TelcoApiError, match="nonexisting_public_number"):
        await client.get_routes("00420999999999")
    with pytest.raises(TelcoApiError, match="nonexisting_public_number"):
        await client.delete_route("00420999999999", 22625401)
    # The token for an unknown rule id is not documented: only the class is certain.
    with pytest.raises(TelcoApiError):
        await client.delete_route(OFFICE, 1)
    assert [route.id for route in await client.get_routes(OFFICE)] == [22625401, 22625402]
    with pytest.raises(TelcoApiError, match="unauthorized"):
        await line_client(simulator, session, 403366).get_routes("00420533533401")
