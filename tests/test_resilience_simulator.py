"""The simulator's fault injections do what ``tests/simulator/app.py`` documents.

Raw HTTP where the answer itself is the point (a status, a cut body); the real
clients where the operator's own style matters (Zadarma signs its requests).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.telco.api import (
    TelcoAuthenticationError,
    TelcoConnectionError,
    ZadarmaClient,
)
from custom_components.telco.api.odorik import OdorikClient
from custom_components.telco.api.odorik_models import SimCardUpdate
from tests.simulator import FAULT_KINDS, SimulatorServer
from tests.simulator.odorik import ACCOUNT_PASSWORD, ACCOUNT_USER, odorik_simulator
from tests.simulator.zadarma import DEMO_API_KEY, DEMO_API_SECRET, DEMO_NUMBER_EXPIRING

AUTH = {"user": ACCOUNT_USER, "password": ACCOUNT_PASSWORD}
DATA_SIM = "00420799799081"
OTHER_SIM = "00420799799082"


def odorik(simulator: SimulatorServer, session: aiohttp.ClientSession) -> OdorikClient:
    """Return a client of the demo account, giving up after a fifth of a second."""
    return OdorikClient(
        session, ACCOUNT_USER, ACCOUNT_PASSWORD, base_url=simulator.odorik_url, request_timeout=0.2
    )


def zadarma(simulator: SimulatorServer, session: aiohttp.ClientSession) -> ZadarmaClient:
    """Return a client of the demo account."""
    return ZadarmaClient(session, DEMO_API_KEY, DEMO_API_SECRET, base_url=simulator.zadarma_url)


async def get(
    simulator: SimulatorServer, session: aiohttp.ClientSession, path: str
) -> tuple[int, str, str]:
    """GET an Odorik path as the demo account: status, content type and body."""
    async with session.get(simulator.odorik_url + path, params=AUTH) as response:
        return response.status, response.content_type, await response.text()


async def control(
    simulator: SimulatorServer, session: aiohttp.ClientSession, body: dict[str, Any]
) -> tuple[int, Any]:
    """POST to ``/_control/faults``: status and answer."""
    async with session.post(f"{simulator.url}/_control/faults", json=body) as response:
        return response.status, await response.json()


async def test_injections_are_set_read_back_and_cleared_over_http(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """The control endpoint replaces an operator's list, reads it back, and ``[]`` clears."""
    inject = [
        {"fault": "http_503", "endpoint": "GET /balance", "count": 1},
        {"fault": "http_429", "retry_after": 30},
    ]
    status, answer = await control(simulator, session, {"odorik": {"inject": inject}})
    assert status == 200
    assert answer["odorik"]["inject"] == [
        {
            "fault": "http_503",
            "endpoint": "GET /balance",
            "count": 1,
            "seconds": None,
            "fired": 0,
            "active": True,
        },
        {
            "fault": "http_429",
            "endpoint": None,
            "count": None,
            "seconds": None,
            "retry_after": 30,
            "fired": 0,
            "active": True,
        },
    ]
    assert answer["zadarma"]["inject"] == []
    assert (await get(simulator, session, "/balance"))[0] == 503
    assert (await get(simulator, session, "/balance"))[0] == 429
    async with session.get(f"{simulator.url}/_control/faults") as response:
        listed = (await response.json())["odorik"]["inject"]
    assert [(item["fired"], item["active"]) for item in listed] == [(1, False), (1, True)]
    async with session.get(f"{simulator.url}/_control/requests") as response:
        assert (await response.json())["faults"] == {"odorik http_503": 1, "odorik http_429": 1}

    status, answer = await control(simulator, session, {"odorik": {"inject": []}})
    assert answer["odorik"]["inject"] == []
    assert await get(simulator, session, "/balance") == (200, "text/plain", "554.03")


@pytest.mark.parametrize(
    "injection",
    [
        {"fault": "no_such_kind"},
        {"fault": "latency"},  # ms is required
        {"fault": "http_503", "ms": 5},  # not an option of http_503
        {"fault": "http_503", "endpoint": "/balance"},  # no method
        {"fault": "http_503", "count": -1},
        {"fault": "drop_item"},  # id is required
    ],
)
async def test_a_bad_injection_is_refused_and_changes_nothing(
    simulator: SimulatorServer, session: aiohttp.ClientSession, injection: dict[str, Any]
) -> None:
    """A 400 names the problem; the lists (of both operators) and the switches stay."""
    simulator.inject("zadarma", "http_500")
    body = {
        "odorik": {"outage": True, "inject": [{"fault": "http_502"}]},
        "zadarma": {"inject": [injection]},
    }
    status, answer = await control(simulator, session, body)
    assert status == 400
    assert answer["error"]
    assert simulator.control.faults["odorik"].outage is False
    assert simulator.control.injections.listed("odorik") == []
    assert [item["fault"] for item in simulator.control.injections.listed("zadarma")] == [
        "http_500"
    ]


async def test_count_applies_to_the_next_matching_requests_only(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """``count`` breaks that many matching requests; other endpoints are untouched."""
    injection = simulator.inject("odorik", "http_500", endpoint="GET /balance", count=2)
    assert (await get(simulator, session, "/lines"))[0] == 200
    assert [(await get(simulator, session, "/balance"))[0] for _ in range(3)] == [500, 500, 200]
    assert injection.fired == 2
    assert simulator.fired("http_500") == 2
    assert simulator.fired(operator="zadarma") == 0


async def test_seconds_run_on_the_simulators_frozen_clock(
    simulator: SimulatorServer, session: aiohttp.ClientSession, freezer: FrozenDateTimeFactory
) -> None:
    """``seconds`` ends when the (frozen, moved) clock passes it, not in real time."""
    simulator.inject("odorik", "http_502", seconds=60)
    assert (await get(simulator, session, "/balance"))[0] == 502
    freezer.tick(59)
    assert (await get(simulator, session, "/balance"))[0] == 502
    freezer.tick(2)
    assert (await get(simulator, session, "/balance"))[0] == 200
    assert simulator.control.injections.listed("odorik")[0]["active"] is False


@pytest.mark.parametrize(
    "endpoint",
    [
        "GET /sim_cards/00420799799081.json",  # as sent
        "GET /sim_cards/{phone}.json",  # as routed
        "* /sim_cards/*",  # wildcards
    ],
)
async def test_an_endpoint_matches_as_sent_as_routed_or_by_wildcard(
    simulator: SimulatorServer, session: aiohttp.ClientSession, endpoint: str
) -> None:
    """Every spelling of the endpoint breaks the SIM card, not the balance."""
    simulator.inject("odorik", "http_503", endpoint=endpoint)
    assert (await get(simulator, session, f"/sim_cards/{DATA_SIM}.json"))[0] == 503
    assert (await get(simulator, session, "/balance"))[0] == 200


async def test_zadarma_endpoints_match_without_their_trailing_slash(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """``GET /info/balance`` names Zadarma's ``/v1/info/balance/``."""
    simulator.inject("zadarma", "http_503", endpoint="GET /info/balance", count=1)
    async with session.get(f"{simulator.url}/v1/info/balance/") as response:
        assert response.status == 503
    assert (await zadarma(simulator, session).get_balance()).balance > 0


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "body"),
    [
        ("http_500", 500, "text/plain", "Internal Server Error"),
        ("http_502", 502, "text/plain", "Bad Gateway"),
        ("http_503", 503, "text/plain", "Service Unavailable"),
        ("text_error", 200, "text/plain", "error internal_error"),
    ],
)
async def test_answering_kinds_answer_instead_of_the_operator(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    fault: str,
    status: int,
    content_type: str,
    body: str,
) -> None:
    """A status page or an Odorik-style error token, whatever the endpoint."""
    simulator.inject("odorik", fault)
    assert await get(simulator, session, "/sim_cards.json") == (status, content_type, body)


async def test_html_200_is_a_maintenance_page_and_changes_nothing(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """Status 200, text/html, and the SIM card keeps its setting."""
    simulator.inject("odorik", "html_200", endpoint="PUT /sim_cards/{phone}.json")
    params = {**AUTH, "lte": "false"}
    async with session.put(f"{simulator.odorik_url}/sim_cards/{DATA_SIM}.json", data=params) as r:
        assert (r.status, r.content_type) == (200, "text/html")
    assert odorik_simulator(simulator).sims[DATA_SIM].settings["lte"] is True


@pytest.mark.parametrize(("operator", "retry_after"), [("odorik", 120), ("zadarma", None)])
async def test_http_429_carries_retry_after_only_when_asked(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    operator: str,
    retry_after: int | None,
) -> None:
    """Odorik answers a text token, Zadarma its JSON error; the header as configured."""
    simulator.inject(operator, "http_429", retry_after=retry_after)
    url = simulator.odorik_url + "/balance" if operator == "odorik" else simulator.url + "/v1/sip/"
    async with session.get(url) as response:
        assert response.status == 429
        assert response.headers.get("Retry-After") == (
            None if retry_after is None else str(retry_after)
        )
        text = await response.text()
    if operator == "zadarma":
        assert json.loads(text)["status"] == "error"
    else:
        assert text.startswith("error ")


async def test_truncated_json_is_the_real_answer_cut_in_half(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """Half the bytes of the real answer: a prefix that is no JSON."""
    whole = await get(simulator, session, "/sim_cards.json")
    simulator.inject("odorik", "truncated_json", endpoint="GET /sim_cards.json")
    status, content_type, cut = await get(simulator, session, "/sim_cards.json")
    assert (status, content_type) == (200, "application/json")
    assert whole[2].encode().startswith(cut.encode())
    assert 0 < len(cut.encode()) <= len(whole[2].encode()) // 2 + 1
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)


async def test_wrong_shape_swaps_lists_and_objects(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """A list comes as an object, an object as a list, text as an object."""
    simulator.inject("odorik", "wrong_shape")
    listed = json.loads((await get(simulator, session, "/sim_cards.json"))[2])
    assert isinstance(listed, dict)
    assert [sim["phone_number"] for sim in listed["items"]] == [DATA_SIM, OTHER_SIM]
    single = json.loads((await get(simulator, session, f"/sim_cards/{DATA_SIM}.json"))[2])
    assert isinstance(single, list)
    assert single[0]["sim_number"]
    assert json.loads((await get(simulator, session, "/balance"))[2]) == {"unexpected": "554.03"}


async def test_reset_closes_the_connection_without_an_answer(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """The client sees the server go away, not a status."""
    simulator.inject("odorik", "reset", endpoint="GET /balance")
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(simulator, session, "/balance")
    assert simulator.fired("reset") >= 1


async def test_timeout_holds_the_request_until_the_client_gives_up(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """No answer at all; the held request ends with the client's connection."""
    simulator.inject("odorik", "timeout", endpoint="GET /balance", count=1)
    with pytest.raises(TimeoutError):
        async with session.get(
            simulator.odorik_url + "/balance",
            params=AUTH,
            timeout=aiohttp.ClientTimeout(total=0.2),
        ):
            pass
    assert await get(simulator, session, "/balance") == (200, "text/plain", "554.03")


async def test_latency_delays_but_answers(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """The real answer, after the delay (not timed here)."""
    injection = simulator.inject("odorik", "latency", ms=10)
    assert await get(simulator, session, "/balance") == (200, "text/plain", "554.03")
    assert injection.fired == 1


async def test_revoke_refuses_credentials_in_each_operators_style_until_cleared(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """Odorik's ``authentication_failed`` token, Zadarma's 401; both back once cleared."""
    simulator.inject("odorik", "revoke")
    simulator.inject("zadarma", "revoke")
    assert await get(simulator, session, "/balance") == (
        200,
        "text/plain",
        "error authentication_failed",
    )
    with pytest.raises(TelcoAuthenticationError):
        await odorik(simulator, session).get_sim_cards()
    with pytest.raises(TelcoAuthenticationError):
        await zadarma(simulator, session).get_balance()
    assert simulator.fired("revoke") == 3
    simulator.clear_faults()
    assert await odorik(simulator, session).get_balance() == 554.03
    assert (await zadarma(simulator, session).get_balance()).balance > 0


async def test_stuck_sim_lists_a_change_and_refuses_writes_until_it_ends(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """Only the named SIM is stuck; a change asked for before settles once it ends."""
    client = odorik(simulator, session)
    simulator.inject("odorik", "stuck_sim", number=DATA_SIM)
    sims = {sim.phone_number: sim for sim in await client.get_sim_cards()}
    assert sims[DATA_SIM].changes_in_progress
    assert not sims[OTHER_SIM].changes_in_progress
    params = {**AUTH, "lte": "false"}
    async with session.put(f"{simulator.odorik_url}/sim_cards/{DATA_SIM}.json", data=params) as r:
        assert json.loads(await r.text()) == {"errors": ["change_in_progress"]}
    async with session.post(
        f"{simulator.odorik_url}/sim_cards/{DATA_SIM}/data_restart", data=AUTH
    ) as response:
        assert await response.text() == "error change_in_progress"
    assert odorik_simulator(simulator).sims[DATA_SIM].settings["lte"] is True

    simulator.clear_faults()
    sim = await client.get_sim_card(DATA_SIM)
    assert not sim.changes_in_progress
    assert (await client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False))).lte is False


async def test_stuck_sim_holds_back_a_pending_change(
    simulator: SimulatorServer, session: aiohttp.ClientSession, freezer: FrozenDateTimeFactory
) -> None:
    """A change due while the SIM is stuck waits; it settles at the first request after."""
    odorik_simulator(simulator).settings.sim_change_seconds = 10
    client = odorik(simulator, session)
    await client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False))
    simulator.inject("odorik", "stuck_sim", number=DATA_SIM, seconds=60)
    freezer.tick(30)
    assert (await client.get_sim_card(DATA_SIM)).lte is True
    freezer.tick(31)
    sim = await client.get_sim_card(DATA_SIM)
    assert (sim.lte, sim.changes_in_progress) == (False, ())


async def test_drop_item_leaves_one_item_out_of_list_answers(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """The SIM card or direct number is missing from the list; the rest is intact."""
    simulator.inject("odorik", "drop_item", id=DATA_SIM)
    simulator.inject("zadarma", "drop_item", id=DEMO_NUMBER_EXPIRING)
    assert [sim.phone_number for sim in await odorik(simulator, session).get_sim_cards()] == [
        OTHER_SIM
    ]
    numbers = [number.number for number in await zadarma(simulator, session).get_direct_numbers()]
    assert numbers
    assert DEMO_NUMBER_EXPIRING not in numbers


async def test_lost_answer_applies_the_write_then_never_answers(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """The client times out, yet the operator made the change; reads are not held."""
    client = odorik(simulator, session)
    simulator.inject("odorik", "lost_answer")
    assert (await client.get_sim_card(DATA_SIM)).lte is True
    with pytest.raises(TelcoConnectionError):
        await client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False))
    assert odorik_simulator(simulator).sims[DATA_SIM].settings["lte"] is False
    assert simulator.fired("lost_answer") == 1


async def test_a_held_request_does_not_keep_the_server_from_stopping(
    socket_enabled: None,
) -> None:
    """Stopping the simulator releases what ``timeout`` holds (no 60 s drain)."""
    async with SimulatorServer() as server, aiohttp.ClientSession() as client_session:
        server.inject("odorik", "timeout")
        held = asyncio.ensure_future(get(server, client_session, "/balance"))
        for _ in range(1000):  # until the simulator holds it (a few loop turns)
            if server.fired("timeout"):
                break
            await asyncio.sleep(0)
        assert server.fired("timeout") == 1
        await server.stop()
        with pytest.raises(aiohttp.ClientError):
            await held


def test_every_documented_kind_is_known() -> None:
    """The kinds of the contract, no more, no fewer."""
    assert set(FAULT_KINDS) == {
        "latency",
        "timeout",
        "reset",
        "http_500",
        "http_502",
        "http_503",
        "html_200",
        "truncated_json",
        "wrong_shape",
        "text_error",
        "http_429",
        "revoke",
        "stuck_sim",
        "drop_item",
        "lost_answer",
    }
