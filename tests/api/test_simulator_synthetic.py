"""The simulator's synthetic accounts (for scripts/bench), read by the real clients."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from custom_components.telco.api.zadarma import ZadarmaClient
from tests.api.odorik_helpers import make_client, state
from tests.simulator import SimulatorServer
from tests.simulator.odorik import PRAGUE
from tests.simulator.zadarma import DEMO_API_KEY, DEMO_API_SECRET


async def test_odorik_synthetic_account(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    body = {"sim_cards": 40, "calls": 900, "public_numbers": 7}
    async with session.post(f"{simulator.url}/_control/odorik/synthetic", json=body) as answer:
        counts = await answer.json()
    assert counts["sim_cards"] == 40
    assert counts["public_numbers"] == 7
    assert counts["calls_this_month"] >= 900
    client = make_client(simulator, session)
    cards = await client.get_sim_cards()
    assert len(cards) == 40
    added = [card for card in cards if card.phone_number.startswith("00420799800")]
    assert len(added) == 38  # beside the two seeded ones
    numbers = await client.get_public_numbers()
    assert len(numbers) == 7  # the seeded geographic and nomadic ones, and five more
    assert [route.ringing_number for route in await client.get_routes("00420533600001")] == [
        "*403367"
    ]
    now = datetime.now(UTC)
    month = now.astimezone(PRAGUE).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    statistics = await client.get_call_statistics(start=month, end=now)
    seeded = [row for row in state(simulator).calls if row["date"] >= month]
    assert len(seeded) >= 900
    told = statistics.incoming.count + statistics.outgoing.count + statistics.redirected.count
    assert told == sum(1 for row in seeded if row["direction"] is not None)
    data = await client.get_mobile_data(start=month, end=now)
    days = (now.astimezone(PRAGUE).date() - month.date()).days + 1
    assert sum(1 for row in data if row.phone_number == "00420799800037") == days
    # The SIM list tells each card's month of data from one pass over the records.
    listed = next(card for card in cards if card.phone_number == "00420799800037")
    mine = sum(row.bytes_total for row in data if row.phone_number == "00420799800037")
    assert listed.data_used == mine


async def test_odorik_synthetic_account_of_one_sim_card(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    body = {"sim_cards": 1}
    async with session.post(f"{simulator.url}/_control/odorik/synthetic", json=body) as answer:
        assert (await answer.json())["sim_cards"] == 1
    client = make_client(simulator, session)
    assert [card.phone_number for card in await client.get_sim_cards()] == ["00420799799081"]
    now = datetime.now(UTC)
    data = await client.get_mobile_data(start=datetime(2000, 1, 1, tzinfo=UTC), end=now)
    assert {row.phone_number for row in data} == {"00420799799081"}


async def test_zadarma_synthetic_account(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    body = {"direct_numbers": 100, "sips": 50}
    async with session.post(f"{simulator.url}/_control/zadarma/synthetic", json=body) as answer:
        assert await answer.json() == {"direct_numbers": 102, "sips": 52}
    client = ZadarmaClient(session, DEMO_API_KEY, DEMO_API_SECRET, base_url=simulator.zadarma_url)
    sips = await client.get_sips()
    assert len(sips) == 52
    numbers = await client.get_direct_numbers()
    assert len(numbers) == 102
    assert {number.sip for number in numbers} >= {"200000", "200049"}
    assert (await client.get_sip_status("200000")).is_online
    assert not (await client.get_sip_status("200001")).is_online


async def test_synthetic_refuses_unknown_fields(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    for operator in ("odorik", "zadarma"):
        url = f"{simulator.url}/_control/{operator}/synthetic"
        async with session.post(url, json={"sim": 3}) as answer:
            assert answer.status == 400
