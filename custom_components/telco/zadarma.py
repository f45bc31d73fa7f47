"""Zadarma: an account with a balance, SIP lines and direct numbers."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
import hashlib
from typing import Any

from aiohttp import ClientSession
from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined, unused-ignore]
    BinarySensorDeviceClass,
)
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import CONF_API_KEY, CONF_URL, EntityCategory
from homeassistant.core import HomeAssistant, callback

from .action_input import zadarma_number
from .api import TelcoApiError
from .api.zadarma import DEFAULT_ZADARMA_URL, MAX_CALLER_NAME_LENGTH, ZadarmaClient, digits
from .binary_sensor import TelcoBinarySensorDescription
from .const import CONF_ACCOUNT_INTERVAL, CONF_API_SECRET, OPERATOR_ZADARMA
from .coordinator import (
    TelcoConfigEntry,
    ZadarmaAccountCoordinator,
    ZadarmaCallRecord,
    ZadarmaCallsCoordinator,
    ZadarmaRuntimeData,
)
from .declaration import AccountIdentity, Operator
from .entity import DeviceFacts, Subject, account_subject, display_number
from .event import TelcoEventDescription
from .notify import TelcoNotifyDescription
from .repairs import async_check_expiring_numbers
from .sensor import TelcoSensorDescription
from .switch import TelcoSwitchDescription
from .text import TelcoTextDescription
from .zadarma_actions import ACTIONS, send_sms

type Data = ZadarmaRuntimeData

NUMBER_STATUSES = ["on", "off", "reserved", "order", "blocked", "expired", "unknown"]


def _connect(session: ClientSession, data: Mapping[str, Any]) -> ZadarmaClient:
    return ZadarmaClient(
        session, data[CONF_API_KEY], data[CONF_API_SECRET], base_url=data[CONF_URL]
    )


async def _identify(client: ZadarmaClient, data: Mapping[str, Any]) -> AccountIdentity:
    """Name the account by its PBX id, which a new API key keeps.

    An account without a PBX has no identity of its own in the API; it is then named
    by a digest of its key (never the key itself), and a new key is a new account.
    """
    await client.get_balance()
    try:
        pbx = await client.get_pbx()
    except TelcoApiError:
        digest = hashlib.sha256(str(data[CONF_API_KEY]).encode()).hexdigest()[:12]
        return AccountIdentity(unique_id=f"zadarma_key_{digest}", title="Zadarma")
    return AccountIdentity(unique_id=f"zadarma_{pbx.pbx_id}", title=f"Zadarma {pbx.pbx_id}")


def _start(
    hass: HomeAssistant, entry: TelcoConfigEntry, client: ZadarmaClient, account_device_id: str
) -> Data:
    return ZadarmaRuntimeData(
        operator=ZADARMA,
        account_device_id=account_device_id,
        client=client,
        account=ZadarmaAccountCoordinator(hass, entry, client),
        calls=ZadarmaCallsCoordinator(hass, entry, client, _fetch_calls),
    )


@dataclass(frozen=True, kw_only=True)
class StatisticsCall:
    """A ``/v1/statistics/`` record with what a call event needs (a ``ZadarmaCallRecord``)."""

    id: str
    sip: str
    callstart: datetime
    from_: str
    to: str
    disposition: str
    billseconds: int
    billcost: float
    currency: str


# Zadarma returns at most this many statistics records a page.
STATISTICS_PAGE = 1000


async def _fetch_calls(
    client: ZadarmaClient, start: datetime, end: datetime
) -> Sequence[ZadarmaCallRecord]:
    """Read the call statistics of calls that began between ``start`` and ``end``, every page.

    Each page is one of the three statistics requests Zadarma allows a minute; the
    client waits its turn.
    """
    calls: list[ZadarmaCallRecord] = []
    skip = 0
    while True:
        page = await client.get_statistics(start, end, skip=skip, limit=STATISTICS_PAGE)
        calls.extend(
            StatisticsCall(
                id=record.id,
                sip=record.sip or "",
                callstart=record.call_start,
                from_=record.from_,
                to=record.to,
                disposition=record.disposition,
                billseconds=record.bill_seconds,
                billcost=record.bill_cost or 0.0,
                currency=record.currency or "",
            )
            for record in page.calls
            # A record without its start cannot be placed in time; Zadarma dates them all.
            if record.call_start is not None
        )
        if len(page.calls) < STATISTICS_PAGE:
            return calls
        skip += STATISTICS_PAGE


ACCOUNT: Subject[Data] = account_subject(lambda data: data.account)
DIRECT_NUMBER: Subject[Data] = Subject(
    key="direct_number",
    coordinator_fn=lambda data: data.account,
    items_fn=lambda data: data.account.data.numbers,
    device_fn=lambda _data, number: DeviceFacts(name=display_number(number), model="Direct number"),
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
        set_fn=lambda data, number, on: data.account.async_change_number(
            number, data.client.set_autoprolongation(number, on)
        ),
    ),
)

TEXTS: tuple[TelcoTextDescription[Data], ...] = (
    TelcoTextDescription(
        key="caller_name",
        translation_key="caller_name",
        subject=DIRECT_NUMBER,
        native_min=0,
        native_max=MAX_CALLER_NAME_LENGTH,
        pattern=r"^[A-Za-z0-9]*$",
        value_fn=lambda data, number: data.account.data.numbers[number].caller_name or "",
        set_fn=lambda data, number, name: data.account.async_change_number(
            number, data.client.set_caller_name(number, name)
        ),
    ),
)


# --- Events: each call in the call statistics ---------------------------------------------

CALL_EVENT_TYPES = ["incoming_answered", "incoming_missed", "outgoing"]


def call_event_type(own_numbers: Collection[str], record: ZadarmaCallRecord) -> str:
    """Tell the kind of a call: incoming when it called one of the account's own numbers.

    The statistics do not say which way a call went; ``own_numbers`` are the
    account's direct numbers and SIP lines, as digits.
    """
    if digits(record.to) in own_numbers:
        return "incoming_answered" if record.disposition == "answered" else "incoming_missed"
    return "outgoing"


def call_attributes(record: ZadarmaCallRecord) -> dict[str, Any]:
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
    account = data.account.data
    own_numbers = {*account.numbers, *(digits(sip) for sip in account.sips)}
    return [
        (call_event_type(own_numbers, record), call_attributes(record))
        for record in data.calls.data.records
    ]


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


@callback
def _watch_expiring_numbers(hass: HomeAssistant, entry: TelcoConfigEntry, data: Data) -> None:
    """Raise a repair issue for a number about to expire, after every poll."""

    @callback
    def check() -> None:
        if data.account.last_update_success:
            async_check_expiring_numbers(hass, entry, data.account.data.numbers.values())

    check()
    entry.async_on_unload(data.account.async_add_listener(check))


NOTIFIERS: tuple[TelcoNotifyDescription[Data], ...] = (
    TelcoNotifyDescription(
        key="sms",
        translation_key="sms",
        subject=ACCOUNT,
        send_fn=lambda data, recipient, message: send_sms(data, recipient, message, None),
    ),
)


def _diagnostics(data: Data) -> dict[str, Any]:
    account = data.account.data
    return {
        "balance": asdict(account.balance),
        "direct_numbers": [asdict(number) for number in account.numbers.values()],
        "sips": [
            {**asdict(sip), "is_online": account.sip_online.get(sip.id)}
            for sip in account.sips.values()
        ],
        "call_cursor": data.calls.cursor.as_dict() if data.calls.cursor else None,
    }


ZADARMA: Operator[ZadarmaClient, Data] = Operator(
    key=OPERATOR_ZADARMA,
    name="Zadarma",
    manufacturer="Zadarma",
    account_url="https://my.zadarma.com/",
    default_url=DEFAULT_ZADARMA_URL,
    account_field=CONF_API_KEY,
    secret_field=CONF_API_SECRET,
    reauth_fields=(CONF_API_KEY, CONF_API_SECRET),
    intervals=(CONF_ACCOUNT_INTERVAL,),
    connect=_connect,
    phone_number=zadarma_number,
    identify=_identify,
    start=_start,
    subjects=(ACCOUNT, DIRECT_NUMBER, SIP),
    sensors=SENSORS,
    binary_sensors=BINARY_SENSORS,
    switches=SWITCHES,
    texts=TEXTS,
    events=EVENTS,
    notifiers=NOTIFIERS,
    actions=ACTIONS,
    diagnostics=_diagnostics,
    watch=_watch_expiring_numbers,
)
