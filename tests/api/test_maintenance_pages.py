"""Writes answered HTTP 200 with an HTML maintenance page: not done, and said so.

The simulator's ``html_pages`` fault answers the named methods with such a page and
changes nothing; the clients must raise ``TelcoConnectionError`` rather than report
the change as made.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import pytest

from custom_components.telco.api import TelcoConnectionError, ZadarmaClient
from custom_components.telco.api.odorik import OdorikClient
from custom_components.telco.api.odorik_models import Ringing, SimCardUpdate
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ACCOUNT_PASSWORD
from tests.simulator.zadarma import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_NUMBER_EXPIRING,
    ZADARMA_KEY,
)

from .odorik_helpers import make_client
from .zadarma_helpers import FakeClock

pytestmark = pytest.mark.usefixtures("socket_enabled")

OFFICE = "00420533533533"
DATA_SIM = "00420799799081"
SEEDED_ACTIVE_CALL = 14990661
SEEDED_SECOND_ROUTE = 22625402


async def html_pages(
    simulator: SimulatorServer, session: aiohttp.ClientSession, operator: str, *methods: str
) -> None:
    """Switch the simulator's ``html_pages`` fault on for some methods of an operator."""
    body = {operator: {"html_pages": list(methods)}}
    async with session.post(f"{simulator.url}/_control/faults", json=body) as response:
        assert response.status == 200, await response.text()


@dataclass(frozen=True)
class OdorikWrite:
    """One Odorik write, the method the fault names, and what it leaves unchanged."""

    name: str
    method: str
    act: Callable[[OdorikClient], Awaitable[object]]
    unchanged: Callable[[OdorikClient], Awaitable[bool]]


async def _second_route_there(client: OdorikClient) -> bool:
    return SEEDED_SECOND_ROUTE in {route.id for route in await client.get_routes(OFFICE)}


async def _no_new_route(client: OdorikClient) -> bool:
    return len(await client.get_routes(OFFICE)) == 2


async def _ringing_there(client: OdorikClient) -> bool:
    return Ringing(OFFICE, "*403366") in await client.get_ringings(OFFICE)


async def _no_new_ringing(client: OdorikClient) -> bool:
    return Ringing(OFFICE, "00420601234567") not in await client.get_ringings(OFFICE)


async def _call_there(client: OdorikClient) -> bool:
    return SEEDED_ACTIVE_CALL in {call.id for call in await client.get_active_calls()}


async def _lte_on(client: OdorikClient) -> bool:
    return (await client.get_sim_card(DATA_SIM)).lte is True


ODORIK_WRITES = [
    OdorikWrite(
        "delete_route",
        "DELETE /public_numbers/{number}/routes/{route_id}.json",
        lambda client: client.delete_route(OFFICE, SEEDED_SECOND_ROUTE),
        _second_route_there,
    ),
    OdorikWrite(
        "add_route",
        "POST /public_numbers/{number}/routes.json",
        lambda client: client.add_route(OFFICE, "00420602000000", "*403367"),
        _no_new_route,
    ),
    OdorikWrite(
        "delete_ringing",
        "DELETE /public_numbers/{number}/ringings/{ringing}.json",
        lambda client: client.delete_ringing(OFFICE, "*403366"),
        _ringing_there,
    ),
    OdorikWrite(
        "add_ringing",
        "POST /public_numbers/{number}/ringings.json",
        lambda client: client.add_ringing(OFFICE, "00420601234567"),
        _no_new_ringing,
    ),
    OdorikWrite(
        "hang_up",
        "DELETE /active_calls/{call_id}.json",
        lambda client: client.hang_up(SEEDED_ACTIVE_CALL),
        _call_there,
    ),
    OdorikWrite(
        "update_sim_card",
        "PUT /sim_cards/{phone}.json",
        lambda client: client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False)),
        _lte_on,
    ),
]


@pytest.mark.parametrize("write", ODORIK_WRITES, ids=[write.name for write in ODORIK_WRITES])
async def test_odorik_write_answered_with_a_maintenance_page(
    simulator: SimulatorServer, session: aiohttp.ClientSession, write: OdorikWrite
) -> None:
    client = make_client(simulator, session)
    assert await write.unchanged(client)
    await html_pages(simulator, session, "odorik", write.method)
    with pytest.raises(TelcoConnectionError) as err:
        await write.act(client)
    # Odorik takes the password as a parameter: the message names no URL or secret.
    assert ACCOUNT_PASSWORD not in str(err.value)
    assert "?" not in str(err.value)
    assert await write.unchanged(client)


async def test_odorik_maintenance_page_on_a_plain_text_endpoint(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await html_pages(simulator, session, "odorik", "GET /sms/allowed_sender")
    with pytest.raises(TelcoConnectionError):
        await client.get_allowed_senders()


async def test_the_fault_names_a_path_as_sent_too(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await html_pages(
        simulator, session, "odorik", f"DELETE /active_calls/{SEEDED_ACTIVE_CALL}.json"
    )
    async with session.delete(
        f"{simulator.odorik_url}/active_calls/{SEEDED_ACTIVE_CALL}.json"
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert "<html" in await response.text()
    assert await _call_there(client)


@pytest.fixture
def zadarma_client(simulator: SimulatorServer, session: aiohttp.ClientSession) -> ZadarmaClient:
    clock = FakeClock()
    return ZadarmaClient(
        session,
        DEMO_API_KEY,
        DEMO_API_SECRET,
        base_url=simulator.zadarma_url,
        clock=clock,
        sleep=clock.sleep,
    )


async def test_zadarma_sms_answered_with_a_maintenance_page(
    simulator: SimulatorServer, session: aiohttp.ClientSession, zadarma_client: ZadarmaClient
) -> None:
    await html_pages(simulator, session, "zadarma", "POST /sms/send/")
    with pytest.raises(TelcoConnectionError) as err:
        await zadarma_client.send_sms("48600100200", "Hello")
    assert DEMO_API_SECRET not in str(err.value)
    assert simulator.app[ZADARMA_KEY].demo.sms == []


async def test_zadarma_prolong_answered_with_a_maintenance_page(
    simulator: SimulatorServer, session: aiohttp.ClientSession, zadarma_client: ZadarmaClient
) -> None:
    account = simulator.app[ZADARMA_KEY].demo
    before = account.numbers[DEMO_NUMBER_EXPIRING].stop_date
    await html_pages(simulator, session, "zadarma", "POST /direct_numbers/prolong/")
    with pytest.raises(TelcoConnectionError):
        await zadarma_client.prolong_number(DEMO_NUMBER_EXPIRING, 1)
    assert account.numbers[DEMO_NUMBER_EXPIRING].stop_date == before
