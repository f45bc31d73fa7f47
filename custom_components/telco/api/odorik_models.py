"""Data models of the Odorik.cz API.

Every model is a frozen dataclass built by ``from_dict`` from one decoded
record (JSON, or a CSV/XML row turned into a dict). Parsing is lenient where
the API is loose (numbers as strings, ``"true"``/``"false"`` flags, nulls,
values of a documented set that the operator may extend) and strict only for
what identifies a record (``id``, a call's ``date``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
import math
from typing import Any

type Record = Mapping[str, Any]

SMS_DESTINATION_NAME = "SMS zpráva"


class PublicNumberType(StrEnum):
    """Kinds of public numbers listed by ``/public_numbers.json``."""

    GEOGRAPHIC = "geographic"
    NOMADIC = "nomadic"
    MOBILE = "mobile"
    SIP_NAME = "sip_name"
    SHARED = "shared"


class CallDirection(StrEnum):
    """Direction of a call record (and the ``direction`` filter)."""

    IN = "in"
    OUT = "out"
    REDIRECTED = "redirected"


class CallStatus(StrEnum):
    """Outcome of a call (and the ``status`` filter)."""

    ANSWERED = "answered"
    MISSED = "missed"


class CallFormat(StrEnum):
    """Representations of the call history."""

    JSON = "json"
    CSV = "csv"
    XML = "xml"


class SimState(StrEnum):
    """State of a SIM card; ``new`` is a prepared, not yet activated assignment."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    NEW = "new"


class PremiumServices(StrEnum):
    """Allowed values of a SIM card's ``premium_services`` setting."""

    OFF = "off"
    SMS_PAYMENTS_AND_DMS = "sms_payments_and_dms"
    ALL_OTHER_THAN_SMS_PAYMENTS_AND_DMS = "all_other_than_sms_payments_and_dms"
    ALL = "all"


class CallbackResult(StrEnum):
    """Plain-text success answers of ``POST /callback``.

    Page 001 lists ``callback_ordered``, and its own warning quotes the answer as
    ``calback_ordered``; should the server spell it so, the callback was ordered all
    the same.
    """

    ORDERED = "callback_ordered"
    ENQUEUED = "successfully_enqueued"

    @classmethod
    def _missing_(cls, value: object) -> CallbackResult | None:
        return cls.ORDERED if value == "calback_ordered" else None


class SmsStatus(StrEnum):
    """Plain-text success answers of ``POST /sms``."""

    SENT = "successfully_sent"
    ENQUEUED = "successfully_enqueued"


def parse_int(value: object) -> int | None:
    """Return an int from an int, finite float or numeric string; None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            number = parse_float(text)
            return None if number is None else int(number)
    return None


def parse_float(value: object) -> float | None:
    """Return a finite float from a number or numeric string; None otherwise.

    ``nan``, ``inf`` and numbers beyond a float's range (``1e400``, ``10**400``) are
    no amount of anything: None, as for any other value that is not a number.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            number = float(value.strip() if isinstance(value, str) else value)
        except (ValueError, OverflowError):
            return None
        return number if math.isfinite(number) else None
    return None


def parse_bool(value: object) -> bool | None:
    """Return a bool from a bool, 0/1 or a ``"true"``/``"false"`` string."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
    return None


def parse_str(value: object) -> str | None:
    """Return the value as a string; None and empty strings become None."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text or None


def parse_datetime(value: object) -> datetime | None:
    """Return a UTC-aware datetime from an ISO 8601 string.

    The API writes UTC with a ``Z``; a value without an offset is taken as
    UTC as well, one with an offset is converted to UTC.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00:00+05:00 lies before the first moment a datetime holds.
        return None


def parse_enum[E: StrEnum](enum: type[E], value: object) -> E | str | None:
    """Return the enum member, or the raw string for a value not (yet) documented."""
    text = parse_str(value)
    if text is None:
        return None
    try:
        return enum(text)
    except ValueError:
        return text


def _require_int(record: Record, key: str) -> int:
    value = parse_int(record.get(key))
    if value is None:
        raise ValueError(f"record without a valid {key}")
    return value


def _text(record: Record, key: str) -> str:
    return parse_str(record.get(key)) or ""


@dataclass(frozen=True, slots=True)
class PublicNumber:
    """A public number (or SIP name) of the account."""

    public_number: str
    type: PublicNumberType | str | None

    @classmethod
    def from_dict(cls, record: Record) -> PublicNumber:
        """Build from a ``/public_numbers.json`` item."""
        return cls(
            public_number=_text(record, "public_number"),
            type=parse_enum(PublicNumberType, record.get("type")),
        )


@dataclass(frozen=True, slots=True)
class Ringing:
    """A parallel ringing: a route whose source number is ``*``."""

    public_number: str
    ringing_number: str

    @classmethod
    def from_dict(cls, record: Record) -> Ringing:
        """Build from a ``ringings.json`` item."""
        return cls(
            public_number=_text(record, "public_number"),
            ringing_number=_text(record, "ringing_number"),
        )


@dataclass(frozen=True, slots=True)
class Route:
    """A routing rule of a public number (``source_number`` ``*`` = everyone)."""

    id: int
    public_number: str
    source_number: str
    ringing_number: str

    @classmethod
    def from_dict(cls, record: Record) -> Route:
        """Build from a ``routes.json`` item."""
        return cls(
            id=_require_int(record, "id"),
            public_number=_text(record, "public_number"),
            source_number=_text(record, "source_number"),
            ringing_number=_text(record, "ringing_number"),
        )


@dataclass(frozen=True, slots=True)
class Call:
    """One record of the call history (or an SMS row with ``include_sms``)."""

    id: int
    date: datetime
    direction: CallDirection | str | None
    source_number: str
    destination_number: str
    destination_name: str
    length: int | None
    ringing_length: int | None
    status: CallStatus | str | None
    price: float | None
    price_per_minute: float | None
    balance_after: float | None
    line: int | None
    redirection_parent_id: int | None = None
    active_call_id: int | None = None
    sip_in_call_id: str | None = None
    sip_out_call_id: str | None = None
    recording: str | None = None

    @property
    def is_sms(self) -> bool:
        """Return whether the row is an SMS merged in by ``include_sms``."""
        return self.destination_name == SMS_DESTINATION_NAME

    @classmethod
    def from_dict(cls, record: Record) -> Call:
        """Build from a calls.json item or a CSV/XML row."""
        date = parse_datetime(record.get("date"))
        if date is None:
            raise ValueError("call record without a valid date")
        return cls(
            id=_require_int(record, "id"),
            date=date,
            direction=parse_enum(CallDirection, record.get("direction")),
            source_number=_text(record, "source_number"),
            destination_number=_text(record, "destination_number"),
            destination_name=_text(record, "destination_name"),
            length=parse_int(record.get("length")),
            ringing_length=parse_int(record.get("ringing_length")),
            status=parse_enum(CallStatus, record.get("status")),
            price=parse_float(record.get("price")),
            price_per_minute=parse_float(record.get("price_per_minute")),
            balance_after=parse_float(record.get("balance_after")),
            line=parse_int(record.get("line")),
            redirection_parent_id=parse_int(record.get("redirection_parent_id")),
            active_call_id=parse_int(record.get("active_call_id")),
            sip_in_call_id=parse_str(record.get("sip_in_call_id")),
            sip_out_call_id=parse_str(record.get("sip_out_call_id")),
            recording=parse_str(record.get("recording")),
        )


@dataclass(frozen=True, slots=True)
class CallHistoryRead:
    """What one read of the call history found, every page of it (or the one asked for).

    ``calls`` are the records that could be read, each once, in the order listed;
    ``skipped_ids`` the ids of those that could not, for a cursor to move past;
    ``listed`` how many records the pages held, to tell a full page from the last.
    """

    calls: list[Call]
    skipped_ids: tuple[int, ...] = ()
    listed: int = 0


@dataclass(frozen=True, slots=True)
class Sms:
    """One record of the SMS history (``/sms.json``): who sent what to whom, not the text.

    The wiki documents the history; its fields are those three public clients
    read. SMS are numbered by themselves, not by the call history's ids.
    """

    id: int
    date: datetime
    direction: CallDirection | str | None
    source_number: str
    destination_number: str
    status: str | None
    price: float | None
    balance_after: float | None
    line: int | None
    roaming_zone: str | None = None

    @classmethod
    def from_dict(cls, record: Record) -> Sms:
        """Build from an ``sms.json`` item."""
        date = parse_datetime(record.get("date"))
        if date is None:
            raise ValueError("SMS record without a valid date")
        return cls(
            id=_require_int(record, "id"),
            date=date,
            direction=parse_enum(CallDirection, record.get("direction")),
            source_number=_text(record, "source_number"),
            destination_number=_text(record, "destination_number"),
            status=parse_str(record.get("status")),
            price=parse_float(record.get("price")),
            balance_after=parse_float(record.get("balance_after")),
            line=parse_int(record.get("line")),
            roaming_zone=parse_str(record.get("roaming_zone")),
        )

    def as_call(self) -> Call:
        """Return the SMS as the call history lists it with ``include_sms``."""
        return Call(
            id=self.id,
            date=self.date,
            direction=self.direction,
            source_number=self.source_number,
            destination_number=self.destination_number,
            destination_name=SMS_DESTINATION_NAME,
            length=None,
            ringing_length=None,
            status=None,
            price=self.price,
            price_per_minute=None,
            balance_after=self.balance_after,
            line=self.line,
        )


@dataclass(frozen=True, slots=True)
class ActiveCall:
    """A call in progress; ``answer_date`` is None while it still rings."""

    id: int
    source_number: str
    destination_number: str
    destination_name: str
    start_date: datetime | None
    answer_date: datetime | None
    price_per_minute: float | None
    line: int | None

    @classmethod
    def from_dict(cls, record: Record) -> ActiveCall:
        """Build from an ``/active_calls.json`` item."""
        return cls(
            id=_require_int(record, "id"),
            source_number=_text(record, "source_number"),
            destination_number=_text(record, "destination_number"),
            destination_name=_text(record, "destination_name"),
            start_date=parse_datetime(record.get("start_date")),
            answer_date=parse_datetime(record.get("answer_date")),
            price_per_minute=parse_float(record.get("price_per_minute")),
            line=parse_int(record.get("line")),
        )


@dataclass(frozen=True, slots=True)
class CallTotals:
    """Count, total length (seconds) and total price (CZK) of some calls."""

    count: int
    length: int
    price: float

    @classmethod
    def from_dict(cls, record: object) -> CallTotals:
        """Build from one direction of ``/call_statistics.json``; absent = zeros."""
        if not isinstance(record, Mapping):
            return cls(count=0, length=0, price=0.0)
        return cls(
            count=parse_int(record.get("count")) or 0,
            length=parse_int(record.get("length")) or 0,
            price=parse_float(record.get("price")) or 0.0,
        )


@dataclass(frozen=True, slots=True)
class CallStatistics:
    """Totals per direction for a period."""

    incoming: CallTotals
    outgoing: CallTotals
    redirected: CallTotals

    @classmethod
    def from_dict(cls, record: Record) -> CallStatistics:
        """Build from ``/call_statistics.json``."""
        return cls(
            incoming=CallTotals.from_dict(record.get("incoming")),
            outgoing=CallTotals.from_dict(record.get("outgoing")),
            redirected=CallTotals.from_dict(record.get("redirected")),
        )


@dataclass(frozen=True, slots=True)
class DestinationStatistics:
    """Totals of one destination, tariff and direction."""

    destination: str
    count: int
    length: int
    price: float
    price_per_minute: float | None
    direction: CallDirection | str | None

    @classmethod
    def from_dict(cls, record: Record) -> DestinationStatistics:
        """Build from a ``/call_statistics/by_destination.json`` item."""
        return cls(
            destination=_text(record, "destination"),
            count=parse_int(record.get("count")) or 0,
            length=parse_int(record.get("length")) or 0,
            price=parse_float(record.get("price")) or 0.0,
            price_per_minute=parse_float(record.get("price_per_minute")),
            direction=parse_enum(CallDirection, record.get("direction")),
        )


@dataclass(frozen=True, slots=True)
class MissedCallStatistics:
    """How many calls to a number were missed in a period."""

    destination_number: str
    count: int

    @classmethod
    def from_dict(cls, record: Record) -> MissedCallStatistics:
        """Build from a ``/call_statistics/missed_calls.json`` item."""
        return cls(
            destination_number=_text(record, "destination_number"),
            count=parse_int(record.get("count")) or 0,
        )


@dataclass(frozen=True, slots=True)
class SimOption:
    """A value offered for a SIM setting (data package, credit add-on, ...)."""

    name: str
    price: float | None = None

    @classmethod
    def from_value(cls, value: object) -> SimOption:
        """Build from ``{"name": ..., "price": ...}`` or a bare name."""
        # A dict is told at once; Mapping asks the ABC machinery, thousands of times a poll.
        if isinstance(value, (dict, Mapping)):
            name, price = value.get("name"), value.get("price")
            if type(name) in _SCALARS and type(price) in _SCALARS:
                return _offer(name, price)
            return cls(name=parse_str(name) or "", price=parse_float(price))
        return cls(name=parse_str(value) or "")


# JSON's scalars: hashable, and told apart by type (1, 1.0 and True) in the cache.
_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None)})


@lru_cache(maxsize=1024, typed=True)
def _offer(name: object, price: object) -> SimOption:
    """Return the offer of ``name`` at ``price``: every SIM card offers much the same.

    Made once for every card that offers it (an option is frozen), not once a card.
    """
    return SimOption(name=parse_str(name) or "", price=parse_float(price))


def _options(value: object) -> tuple[SimOption, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(SimOption.from_value(item) for item in value)


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(text for item in value if (text := parse_str(item)) is not None)


@dataclass(frozen=True, slots=True)
class SimCard:
    """Settings and state of a SIM card.

    ``phone_number`` and ``line`` come only with the list endpoint; the
    ``available_*`` tuples only when asked for with ``include_available_*``.
    ``data_used``/``data_bought_total`` are bytes, None without a data package.
    """

    id: int
    sim_number: str
    state: SimState | str | None
    changes_in_progress: tuple[str, ...]
    phone_number: str | None = None
    line: int | None = None
    data_package: str | None = None
    data_package_for_next_month: str | None = None
    data_bought_total: int | None = None
    data_used: int | None = None
    data_package_valid_from: datetime | None = None
    data_package_valid_to: datetime | None = None
    voice_package: str | None = None
    voice_package_for_next_month: str | None = None
    package_delayed_billing: str | None = None
    package_delayed_billing_for_next_month: str | None = None
    missed_calls_register: bool | None = None
    mobile_data: bool | None = None
    lte: bool | None = None
    lte_for_next_month: bool | None = None
    roaming: str | None = None
    premium_services: PremiumServices | str | None = None
    available_data_packages: tuple[SimOption, ...] | None = None
    available_credit_addons: tuple[SimOption, ...] | None = None
    available_packages_delayed_billing: tuple[SimOption, ...] | None = None
    available_roaming_settings: tuple[SimOption, ...] | None = None

    @property
    def has_changes_in_progress(self) -> bool:
        """Return whether the operator is still applying an earlier change."""
        return bool(self.changes_in_progress)

    @classmethod
    def from_dict(cls, record: Record, *, phone_number: str | None = None) -> SimCard:
        """Build from a ``/sim_cards.json`` item or ``/sim_cards/<n>.json``."""
        return cls(
            id=_require_int(record, "id"),
            sim_number=_text(record, "sim_number"),
            state=parse_enum(SimState, record.get("state")),
            changes_in_progress=_strings(record.get("changes_in_progress")),
            phone_number=parse_str(record.get("phone_number")) or phone_number,
            line=parse_int(record.get("line")),
            data_package=parse_str(record.get("data_package")),
            data_package_for_next_month=parse_str(record.get("data_package_for_next_month")),
            data_bought_total=parse_int(record.get("data_bought_total")),
            data_used=parse_int(record.get("data_used")),
            data_package_valid_from=parse_datetime(record.get("data_package_valid_from")),
            data_package_valid_to=parse_datetime(record.get("data_package_valid_to")),
            voice_package=parse_str(record.get("voice_package")),
            voice_package_for_next_month=parse_str(record.get("voice_package_for_next_month")),
            package_delayed_billing=parse_str(record.get("package_delayed_billing")),
            package_delayed_billing_for_next_month=parse_str(
                record.get("package_delayed_billing_for_next_month")
            ),
            missed_calls_register=parse_bool(record.get("missed_calls_register")),
            mobile_data=parse_bool(record.get("mobile_data")),
            lte=parse_bool(record.get("lte")),
            lte_for_next_month=parse_bool(record.get("lte_for_next_month")),
            roaming=parse_str(record.get("roaming")),
            premium_services=parse_enum(PremiumServices, record.get("premium_services")),
            available_data_packages=_options(record.get("available_data_packages")),
            available_credit_addons=_options(record.get("available_credit_addons")),
            available_packages_delayed_billing=_options(
                record.get("available_packages_delayed_billing")
            ),
            available_roaming_settings=_options(record.get("available_roaming_settings")),
        )


# Settings that may still be requested while ``changes_in_progress`` is non-empty.
NEXT_MONTH_REQUESTS = frozenset(
    {
        "requested_data_plan_for_next_month",
        "requested_data_roaming_plan_for_next_month",
        "requested_voice_roaming_plan_for_next_month",
        "requested_tariff_plan_for_next_month",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SimCardUpdate:
    """Changes for ``PUT /sim_cards/<n>.json``; fields left None are not sent.

    Page 003: with a ``state`` change the operator makes only that change and
    ignores the other settings; rather than let them be dropped unsaid, the client
    refuses to send them together (its own rule, ``state_change_alone``). While
    changes are in progress only the ``requested_*`` fields are accepted.
    ``OdorikClient.update_sim_card`` enforces both.
    """

    state: SimState | str | None = None
    data_package: str | None = None
    data_package_for_next_month: str | None = None
    voice_package: str | None = None
    voice_package_for_next_month: str | None = None
    package_delayed_billing: str | None = None
    package_delayed_billing_for_next_month: str | None = None
    missed_calls_register: bool | None = None
    mobile_data: bool | None = None
    lte: bool | None = None
    lte_for_next_month: bool | None = None
    roaming: str | None = None
    premium_services: PremiumServices | str | None = None
    add_credit: str | None = None
    requested_data_plan_for_next_month: str | None = None
    requested_data_roaming_plan_for_next_month: str | None = None
    requested_voice_roaming_plan_for_next_month: str | None = None
    requested_tariff_plan_for_next_month: str | None = None

    def merged(self, later: SimCardUpdate) -> SimCardUpdate:
        """Return this change with the fields ``later`` sets taken from ``later``."""
        return replace(
            self,
            **{
                item.name: getattr(later, item.name)
                for item in fields(later)
                if getattr(later, item.name) is not None
            },
        )

    def applied_to(self, card: SimCard) -> SimCard:
        """Return ``card`` as it will read once the operator has applied this change."""
        settings = {item.name for item in fields(SimCard)}
        return replace(
            card,
            **{
                item.name: getattr(self, item.name)
                for item in fields(self)
                if item.name in settings and getattr(self, item.name) is not None
            },
        )

    def changes(self) -> dict[str, str | bool]:
        """Return the fields that are set, by API parameter name."""
        result: dict[str, str | bool] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None:
                result[item.name] = value if isinstance(value, bool) else str(value)
        return result


@dataclass(frozen=True, slots=True)
class MobileDataRecord:
    """Mobile data used by a SIM card (a daily aggregate at Prague midnight)."""

    id: int
    date: datetime | None
    bytes_up: int
    bytes_down: int
    bytes_total: int
    price: float | None
    price_per_mb: float | None
    phone_number: str

    @classmethod
    def from_dict(cls, record: Record) -> MobileDataRecord:
        """Build from a ``mobile_data.json`` item."""
        bytes_up = parse_int(record.get("bytes_up")) or 0
        bytes_down = parse_int(record.get("bytes_down")) or 0
        total = parse_int(record.get("bytes_total"))
        return cls(
            id=_require_int(record, "id"),
            date=parse_datetime(record.get("date")),
            bytes_up=bytes_up,
            bytes_down=bytes_down,
            bytes_total=bytes_up + bytes_down if total is None else total,
            price=parse_float(record.get("price")),
            price_per_mb=parse_float(record.get("price_per_mb")),
            phone_number=_text(record, "phone_number"),
        )


@dataclass(frozen=True, slots=True)
class ConnectedDevice:
    """A device registered on a line."""

    user_agent: str | None
    public_socket: str | None
    local_socket: str | None
    last_registration_at: datetime | None
    registration_expires_at: datetime | None

    @classmethod
    def from_dict(cls, record: Record) -> ConnectedDevice:
        """Build from a ``connected_devices`` item."""
        return cls(
            user_agent=parse_str(record.get("user_agent")),
            public_socket=parse_str(record.get("public_socket")),
            local_socket=parse_str(record.get("local_socket")),
            last_registration_at=parse_datetime(record.get("last_registration_at")),
            registration_expires_at=parse_datetime(record.get("registration_expires_at")),
        )


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the account, from ``/lines.json``.

    The operator also sends the line's SIP password in plain text; it is
    dropped here so that it can never end up in a log, a repr or diagnostics.
    """

    id: int
    name: str
    caller_id: str | None
    public_number: str | None
    backup_number: str | None
    active_sip: bool | None = None
    active_iax: bool | None = None
    active_rtp: bool | None = None
    active_ping: bool | None = None
    active_pin: bool | None = None
    active_password: bool | None = None
    active_822: bool | None = None
    active_cz_restriction: bool | None = None
    active_anonymous: bool | None = None
    active_greeting: bool | None = None
    missed_call_email: str | None = None
    recording_email: str | None = None
    voicemail_email: str | None = None
    backup_number_email: str | None = None
    connected_devices: tuple[ConnectedDevice, ...] = ()

    @classmethod
    def from_dict(cls, record: Record) -> Line:
        """Build from a ``/lines.json`` item, leaving out ``sip_password``."""
        devices = record.get("connected_devices")
        return cls(
            id=_require_int(record, "id"),
            name=_text(record, "name"),
            caller_id=parse_str(record.get("caller_id")),
            public_number=parse_str(record.get("public_number")),
            backup_number=parse_str(record.get("backup_number")),
            active_sip=parse_bool(record.get("active_sip")),
            active_iax=parse_bool(record.get("active_iax")),
            active_rtp=parse_bool(record.get("active_rtp")),
            active_ping=parse_bool(record.get("active_ping")),
            active_pin=parse_bool(record.get("active_pin")),
            active_password=parse_bool(record.get("active_password")),
            active_822=parse_bool(record.get("active_822")),
            active_cz_restriction=parse_bool(record.get("active_cz_restriction")),
            active_anonymous=parse_bool(record.get("active_anonymous")),
            active_greeting=parse_bool(record.get("active_greeting")),
            missed_call_email=parse_str(record.get("missed_call_email")),
            recording_email=parse_str(record.get("recording_email")),
            voicemail_email=parse_str(record.get("voicemail_email")),
            backup_number_email=parse_str(record.get("backup_number_email")),
            connected_devices=tuple(
                ConnectedDevice.from_dict(item)
                for item in (devices if isinstance(devices, list) else [])
                if isinstance(item, Mapping)
            ),
        )


@dataclass(frozen=True, slots=True)
class SmsResult:
    """Outcome of ``POST /sms``; ``balance`` is the credit left after a sent SMS."""

    status: SmsStatus
    balance: float | None = None
