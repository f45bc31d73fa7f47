"""Odorik client: the SMS history (``GET /sms.json``), read by period."""

from __future__ import annotations

import json

import aiohttp
import pytest

from custom_components.telco.api import TelcoConnectionError
from custom_components.telco.api.odorik_models import SMS_DESTINATION_NAME, CallDirection
from tests.simulator import SimulatorServer

from .odorik_helpers import RawServer, canned, days_ago, line_client, make_client, state

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_sms_history_lists_sent_and_received_by_period(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    history = await client.get_sms_history(start=days_ago(60), end=days_ago(0))
    assert [sms.date for sms in history] == sorted(sms.date for sms in history)
    assert {sms.direction for sms in history} == {CallDirection.IN, CallDirection.OUT}
    received = [sms for sms in history if sms.direction is CallDirection.IN]
    assert {sms.destination_number for sms in received} == {"00420799799081"}
    # Numbered by themselves: the call history's ids say nothing about them.
    calls = await client.get_calls(start=days_ago(60), end=days_ago(0))
    assert not {sms.id for sms in history} & {call.id for call in calls}

    recent = await client.get_sms_history(start=days_ago(4), end=days_ago(0))
    assert {sms.id for sms in recent} < {sms.id for sms in history}
    assert all(sms.date >= days_ago(4) for sms in recent)
    sent = await client.get_sms_history(
        start=days_ago(60), end=days_ago(0), direction=CallDirection.OUT
    )
    assert sent == [sms for sms in history if sms.direction is CallDirection.OUT]


async def test_sent_sms_is_in_the_history(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await client.send_sms("00420601234567", "Ahoj", sender="5517")
    *_, sms = await client.get_sms_history(start=days_ago(0.01), end=days_ago(-0.01))
    assert sms.direction is CallDirection.OUT
    assert sms.destination_number == "00420601234567"
    assert sms.price == 1.2
    assert sms.balance_after == 552.83
    call = sms.as_call()
    assert call.is_sms
    assert call.destination_name == SMS_DESTINATION_NAME
    assert (call.id, call.date, call.length) == (sms.id, sms.date, None)


async def test_a_line_sees_its_own_sms(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    state(simulator).add_calls(sms=True, destination_number="00420601234567", line=403367)
    lines = {
        sms.line
        for sms in await line_client(simulator, session, 403367).get_sms_history(
            start=days_ago(60), end=days_ago(-0.01)
        )
    }
    assert lines == {403367}


async def test_sms_history_fields_and_malformed_records(session: aiohttp.ClientSession) -> None:
    good = [
        {
            "id": "5",
            "date": "2024-03-01T09:00:00Z",
            "direction": None,
            "source_number": "00420601234567",
            "destination_number": "00420799799081",
            "type": "sms",
            "roaming_zone": "EU",
            "status": "unknown",
            "price": "0.0",
            "line": 403366,
        }
    ]
    async with RawServer({"/sms.json": canned(json.dumps(good))}) as raw:
        (sms,) = await raw.client(session).get_sms_history(start=days_ago(1), end=days_ago(0))
        assert (sms.id, sms.direction, sms.roaming_zone, sms.price) == (5, None, "EU", 0.0)
        assert sms.balance_after is None
    async with RawServer({"/sms.json": canned('[{"id": 5}]')}) as raw:
        with pytest.raises(TelcoConnectionError):
            await raw.client(session).get_sms_history(start=days_ago(1), end=days_ago(0))
