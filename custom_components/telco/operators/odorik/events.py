"""Odorik's call event: each call and SMS of the call history, told once, oldest first."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from ...api.odorik_models import Call, CallDirection, CallStatus
from ...model.descriptions import TelcoEventDescription
from .coordinators import OdorikRuntimeData
from .entities import ACCOUNT

type Data = OdorikRuntimeData


CALL_EVENT_TYPES = [
    "incoming_answered",
    "incoming_missed",
    "outgoing",
    "redirected",
    "sms_received",
    "sms_sent",
]


def call_event_type(call: Call, own_numbers: Collection[str] = frozenset()) -> str | None:
    """Tell the kind of a call-history record, or None for a direction Odorik never documented.

    An SMS row may carry no direction (the only public description of these rows
    says so): it was then received if it went to one of the account's own numbers
    (``own_numbers``: its SIM cards and public numbers), and sent otherwise.
    """
    if call.is_sms:
        if call.direction is None:
            received = _number_key(call.destination_number) in {
                _number_key(number) for number in own_numbers
            }
        else:
            received = call.direction == CallDirection.IN
        return "sms_received" if received else "sms_sent"
    if call.direction == CallDirection.IN:
        return "incoming_missed" if call.status == CallStatus.MISSED else "incoming_answered"
    if call.direction == CallDirection.OUT:
        return "outgoing"
    if call.direction == CallDirection.REDIRECTED:
        return "redirected"
    return None


def _number_key(number: str) -> str:
    """Return a number as Odorik writes it (``00…``), whatever way it was written."""
    number = number.strip().replace(" ", "")
    return "00" + number[1:] if number.startswith("+") else number


def own_numbers(data: Data) -> frozenset[str]:
    """Return the numbers SMS to the account arrive at: its SIM cards and public numbers."""
    numbers: set[str] = set()
    if data.account.data is not None:
        numbers.update(data.account.data.sim_cards)
    if data.routing.data is not None:
        numbers.update(data.routing.data)
    return frozenset(numbers)


def call_attributes(call: Call) -> dict[str, Any]:
    """Describe a call-history record, its numbers as Odorik wrote them."""
    return {
        "source_number": call.source_number,
        "destination_number": call.destination_number,
        "line": call.line,
        "length": call.length,
        "price": call.price,
        "time": call.date.isoformat(),
        "record_id": call.id,
    }


def _call_events(data: Data, _item: str) -> list[tuple[str, dict[str, Any]]]:
    batch = data.calls.data
    numbers = own_numbers(data)
    return [
        (event_type, batch.event_attributes(call_attributes(call), _ended(call)))
        for call in batch.records
        if (event_type := call_event_type(call, numbers)) is not None
    ]


def _ended(call: Call) -> datetime:
    return call.date + timedelta(seconds=call.length or 0)


EVENTS: tuple[TelcoEventDescription[Data], ...] = (
    TelcoEventDescription(
        key="call",
        translation_key="call",
        subject=ACCOUNT,
        coordinator_fn=lambda data: data.calls,
        event_types=CALL_EVENT_TYPES,
        events_fn=_call_events,
    ),
)
