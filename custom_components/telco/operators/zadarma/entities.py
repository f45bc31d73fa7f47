"""Zadarma's entities: what they belong to (the account, direct numbers, SIP lines) and each one.

Writes go through the account coordinator's write path, which re-reads the number;
the call event tells each call of the call statistics once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined, unused-ignore]
    BinarySensorDeviceClass,
)
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import EntityCategory

from ...api import TelcoValidationError
from ...api.zadarma import digits, validate_caller_name
from ...model.action_input import invalid
from ...model.descriptions import (
    DeviceFacts,
    Subject,
    TelcoBinarySensorDescription,
    TelcoEventDescription,
    TelcoNotifyDescription,
    TelcoSensorDescription,
    TelcoSwitchDescription,
    TelcoTextDescription,
    account_subject,
    device_model,
    display_number,
    sms_notifier,
)
from .actions import send_sms
from .calls import PushedEvent, ZadarmaCall
from .coordinators import ZadarmaRuntimeData

type Data = ZadarmaRuntimeData

NUMBER_STATUSES = ["on", "off", "reserved", "order", "blocked", "expired", "unknown"]


ACCOUNT: Subject[Data] = account_subject(lambda data: data.account)
DIRECT_NUMBER: Subject[Data] = Subject(
    key="direct_number",
    coordinator_fn=lambda data: data.account,
    items_fn=lambda data: data.account.data.numbers,
    device_fn=lambda data, number: DeviceFacts(
        name=display_number(number),
        model=device_model(data.account.hass, "model_direct_number", "Direct number"),
    ),
)
# SIP lines have no device of their own: their entities sit on the account's.
SIP: Subject[Data] = Subject(
    key="sip",
    coordinator_fn=lambda data: data.account,
    items_fn=lambda data: data.account.data.sips,
    id_prefix="sip_",
    placeholders_fn=lambda sip: {"sip": sip},
)


def number_status(status: str | None) -> str:
    """Map Zadarma's number status (``on``, ``reserved_until_…``) onto the enum options."""
    if not status:
        return "unknown"
    base = status.split("_", 1)[0].lower()
    return base if base in NUMBER_STATUSES else "unknown"


SENSORS: tuple[TelcoSensorDescription[Data], ...] = (
    TelcoSensorDescription(
        key="balance",
        translation_key="balance",
        subject=ACCOUNT,
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        value_fn=lambda data, _: data.account.data.balance.balance,
        unit_fn=lambda data: data.account.data.balance.currency,
    ),
    TelcoSensorDescription(
        key="number_status",
        translation_key="number_status",
        subject=DIRECT_NUMBER,
        device_class=SensorDeviceClass.ENUM,
        options=NUMBER_STATUSES,
        value_fn=lambda data, number: number_status(data.account.data.numbers[number].status),
    ),
    TelcoSensorDescription(
        key="paid_until",
        translation_key="paid_until",
        subject=DIRECT_NUMBER,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data, number: data.account.data.numbers[number].stop_date,
    ),
    TelcoSensorDescription(
        key="sip_routing",
        translation_key="sip_routing",
        subject=DIRECT_NUMBER,
        value_fn=lambda data, number: data.account.data.numbers[number].sip or None,
    ),
)

BINARY_SENSORS: tuple[TelcoBinarySensorDescription[Data], ...] = (
    TelcoBinarySensorDescription(
        key="sip_online",
        translation_key="sip_online",
        subject=SIP,
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda data, sip: data.account.data.sip_online.get(sip, False),
        attributes_fn=lambda data, sip: {
            "display_name": data.account.data.sips[sip].display_name,
            "lines": data.account.data.sips[sip].lines,
        },
    ),
    TelcoBinarySensorDescription(
        key="test_mode",
        translation_key="test_mode",
        subject=DIRECT_NUMBER,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=lambda data, number: data.account.data.numbers[number].is_on_test,
    ),
)

# Writes go through the account coordinator's write path, which re-reads the number.
SWITCHES: tuple[TelcoSwitchDescription[Data], ...] = (
    TelcoSwitchDescription(
        key="auto_prolongation",
        translation_key="auto_prolongation",
        subject=DIRECT_NUMBER,
        is_on_fn=lambda data, number: data.account.data.numbers[number].autorenew,
        set_fn=lambda data, number, on: data.account.async_set_auto_prolongation(number, on),
    ),
)


async def _set_caller_name(data: Data, number: str, name: str) -> None:
    """Ask Zadarma for a caller name, refused first by the client's own rule."""
    name = name.strip()
    try:
        validate_caller_name(name)
    except TelcoValidationError:
        raise invalid("caller_name", "invalid_caller_name_value", value=name) from None
    await data.account.async_change_number(number, data.client.set_caller_name(number, name))


# The text shows whatever name Zadarma holds (one set in its web interface may have
# spaces, diacritics or more than 30 characters): no pattern or length is declared,
# as Home Assistant would refuse to show such a state. Only what the user writes is checked.
TEXTS: tuple[TelcoTextDescription[Data], ...] = (
    TelcoTextDescription(
        key="caller_name",
        translation_key="caller_name",
        subject=DIRECT_NUMBER,
        native_min=0,
        value_fn=lambda data, number: data.account.data.numbers[number].caller_name or "",
        set_fn=_set_caller_name,
    ),
)


# --- Events: each call in the call statistics, and what Zadarma pushes -------------------

# The kinds a read of the statistics tells, then those only pushed events tell.
CALL_EVENT_TYPES = [
    "incoming_answered",
    "incoming_missed",
    "outgoing",
    "ringing",
    "answered",
    "sms_received",
]


def call_event_type(own_numbers: Collection[str], record: ZadarmaCall) -> str:
    """Tell the kind of a call: incoming when listed so, or when it called an own number.

    The overall statistics do not say which way a call went; ``own_numbers`` are the
    account's direct numbers and SIP lines, as digits.
    """
    if record.incoming or digits(record.to) in own_numbers:
        return "incoming_answered" if record.disposition == "answered" else "incoming_missed"
    return "outgoing"


def call_attributes(record: ZadarmaCall) -> dict[str, Any]:
    """Describe a call, its numbers as Zadarma wrote them."""
    return {
        "source_number": record.from_,
        "destination_number": record.to,
        "sip": record.sip,
        "length": record.billseconds,
        "price": record.billcost,
        "currency": record.currency,
        "disposition": record.disposition,
        "time": record.callstart.isoformat(),
        "record_id": record.id,
    }


def _call_events(data: Data, _item: str) -> list[tuple[str, dict[str, Any]]]:
    numbers = data.account.data.own_numbers
    batch = data.calls.data
    events: list[tuple[str, dict[str, Any]]] = []
    for record in batch.records:
        if isinstance(record, PushedEvent):
            events.append((record.event_type, dict(record.attributes)))
            continue
        ended = record.callstart + timedelta(seconds=record.billseconds)
        events.append(
            (
                call_event_type(numbers, record),
                batch.event_attributes(call_attributes(record), ended),
            )
        )
    return events


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


NOTIFIERS: tuple[TelcoNotifyDescription[Data], ...] = (sms_notifier(ACCOUNT, send_sms),)
