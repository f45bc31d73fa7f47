"""Odorik's call event: a received SMS is told as received, even when its row does not say so.

The only public description of SMS rows says they carry no direction; an SMS to
one of the account's own numbers (its SIM cards, its public numbers) was received.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.api.odorik_models import Call
from custom_components.telco.operators.odorik.events import call_event_type
from tests.common import FROZEN_NOW, advance, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import SMS_NAME
from tests.test_event import POLL, add_call, listen_for_events, record_ids
from tests.test_event_odorik_sms import SIM, STRANGER, kinds


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def test_a_received_sms_is_told_as_received(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    received = await add_call(
        session, simulator, sms=True, inbound=True, source_number=STRANGER, destination_number=SIM
    )
    await advance(hass, freezer, POLL)

    assert record_ids(fired) == [received["id"]]
    assert kinds(fired) == ["sms_received"]
    assert fired[0]["source_number"] == STRANGER
    assert fired[0]["destination_number"] == SIM


async def test_an_sms_without_direction_is_told_by_its_recipient(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """SMS rows may carry no direction: one to the account's own SIM card was received."""
    async with session.post(
        f"{simulator.url}/_control/odorik/settings", json={"sms_without_direction": True}
    ) as response:
        assert response.status == 200
    fired = listen_for_events(hass)
    await setup_entry(hass, odorik_entry)
    received = await add_call(
        session, simulator, sms=True, inbound=True, source_number=STRANGER, destination_number=SIM
    )
    sent = await add_call(session, simulator, sms=True, destination_number=STRANGER)
    await advance(hass, freezer, POLL)

    assert record_ids(fired) == [received["id"], sent["id"]]
    assert kinds(fired) == ["sms_received", "sms_sent"]


def sms_row(**fields: Any) -> Call:
    return Call.from_dict(
        {
            "id": 1,
            "date": "2026-11-15T10:00:00Z",
            "source_number": STRANGER,
            "destination_number": SIM,
            "destination_name": SMS_NAME,
            **fields,
        }
    )


OWN = frozenset({SIM, "00420533533533"})


@pytest.mark.parametrize(
    ("fields", "event_type"),
    [
        ({}, "sms_received"),
        ({"destination_number": "00420533533533"}, "sms_received"),
        ({"destination_number": "+420799799081"}, "sms_received"),
        ({"source_number": SIM, "destination_number": STRANGER}, "sms_sent"),
        ({"source_number": "5517", "destination_number": STRANGER}, "sms_sent"),
        # A direction the row gives wins over the numbers.
        ({"direction": "out"}, "sms_sent"),
        ({"direction": "in", "destination_number": STRANGER}, "sms_received"),
    ],
)
def test_sms_kind_without_direction_by_recipient(fields: dict[str, Any], event_type: str) -> None:
    assert call_event_type(sms_row(**fields), OWN) == event_type
