"""Data returned by the Zadarma API.

The live API and its OpenAPI spec disagree on many types (ids and ``channels``
as strings or numbers, flags as ``"true"``/``"false"`` strings or booleans,
``restrictions.upload`` as an object or a list), so every parser accepts each
form. A missing *required* field raises ``KeyError``/``ValueError``; the client
turns that into ``TelcoConnectionError`` (the answer was garbage).

Dates come as ``"YYYY-MM-DD HH:MM:SS"`` without a zone. Zadarma does not say
which zone that is; the numbers' ``start_date``/``stop_date`` are read in the zone
the account reports (``/v1/info/timezone/``, whose own ``datetime`` is written in
that zone), other dates as UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
import math
import re
from typing import Any, Self

from .parsing import MALFORMED

type JsonObject = Mapping[str, Any]

_TRUE_WORDS = frozenset({"true", "1", "on", "yes"})
_FALSE_WORDS = frozenset({"false", "0", "off", "no", ""})


def parse_bool(value: Any) -> bool:
    """Read a flag sent as a bool, a number, ``"true"``/``"false"`` or ``"on"``/``"off"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("not a flag: a non-finite number")
        return value != 0
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValueError(f"not a flag: {value!r}")


def _optional_bool(value: Any) -> bool | None:
    return None if value is None else parse_bool(value)


def _float(value: Any) -> float:
    """Read a finite number; ``NaN``, the infinities and ``10**400`` are no amount."""
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError("number too large for a float") from None
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"not an integer: {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    if isinstance(value, str):
        value = value.strip()
    return int(value)


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return _int(value)


def _optional_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return _float(value)


def _str(value: Any) -> str:
    if value is None:
        raise ValueError("missing text")
    return str(value)


def _optional_str(value: Any) -> str | None:
    """Return the text, or ``None`` for ``null`` and empty strings."""
    if value is None or value == "":
        return None
    return str(value)


def parse_datetime(value: Any, zone: tzinfo = UTC) -> datetime | None:
    """Read ``"YYYY-MM-DD HH:MM:SS"`` (or a date), written in ``zone``, as an aware UTC datetime."""
    if value is None or value == "" or str(value).startswith("0000-00-00"):
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        parsed = datetime.fromisoformat(str(value).strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(UTC)
    except (OverflowError, OSError) as err:
        # A unix time past year 9999 (or NaN), a date at the calendar's edge in a zone.
        raise ValueError(f"date out of range: {value!r}") from err


_UTC_OFFSET = re.compile(
    r"(?:UTC|GMT)\s*(?:([+-])\s*([0-9]{1,2})(?::?([0-9]{2}))?)?", re.IGNORECASE
)
_QUARTER_HOUR = 15 * 60
# A zone's offset lies within a day either way (the real ones within -12 h..+14 h).
_MAX_OFFSET = timedelta(hours=24)


def _offset(value: timedelta) -> timedelta:
    """Return an offset a ``timezone`` can take, or raise ``ValueError``."""
    if abs(value) >= _MAX_OFFSET:
        raise ValueError("a time zone offset beyond a day")
    return value


@dataclass(frozen=True, slots=True)
class AccountTimezone:
    """The account's time zone (``/v1/info/timezone/``): ``"UTC+3"`` and its offset."""

    name: str
    utc_offset: timedelta

    @property
    def tzinfo(self) -> tzinfo:
        """Return the zone to read the account's dates in."""
        return timezone(self.utc_offset) if self.utc_offset else UTC

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply: the offset from the name, else from the clock it shows."""
        name = _str(data["timezone"]).strip()
        if match := _UTC_OFFSET.fullmatch(name):
            sign, hours, minutes = match.groups()
            offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
            return cls(name=name, utc_offset=_offset(-offset if sign == "-" else offset))
        # The account's clock against the unix time, to the quarter hour.
        shown = datetime.fromisoformat(_str(data["datetime"]).strip()).replace(tzinfo=UTC)
        seconds = shown.timestamp() - _float(data["unixtime"])
        quarters = round(seconds / _QUARTER_HOUR)
        return cls(name=name, utc_offset=_offset(timedelta(seconds=quarters * _QUARTER_HOUR)))


@dataclass(frozen=True, slots=True)
class Balance:
    """The account balance (``/v1/info/balance/``)."""

    balance: float
    currency: str

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply."""
        return cls(balance=_float(data["balance"]), currency=_str(data["currency"]))


@dataclass(frozen=True, slots=True)
class Pbx:
    """The account's virtual PBX (``/v1/pbx/internal/``): its id and extensions.

    The PBX id belongs to the account, not to an API key, so it names the account
    across key rotations.
    """

    pbx_id: str
    extensions: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply."""
        numbers = data.get("numbers") or []
        return cls(
            pbx_id=_str(data["pbx_id"]),
            extensions=tuple(_str(item) for item in numbers) if isinstance(numbers, list) else (),
        )


@dataclass(frozen=True, slots=True)
class Sip:
    """One SIP account (an item of ``/v1/sip/``)."""

    id: str
    display_name: str
    lines: int

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse one item."""
        return cls(
            id=_str(data["id"]),
            display_name=str(data.get("display_name") or ""),
            lines=_int(data.get("lines", 0)),
        )


@dataclass(frozen=True, slots=True)
class SipStatus:
    """Whether a SIP account is registered (``/v1/sip/<SIP>/status/``)."""

    sip: str
    is_online: bool

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply."""
        return cls(sip=_str(data["sip"]), is_online=parse_bool(data["is_online"]))


@dataclass(frozen=True, slots=True)
class DirectNumber:
    """A connected virtual number (``/v1/direct_numbers/`` and ``/number/``).

    ``caller_name`` is the API's ``number_name`` (set with ``set_caller_name``).
    ``type`` is ``common`` unless the API says otherwise (``revenue``, ``order``...).
    ``receive_sms`` is ``None`` when the number cannot take SMS.
    """

    number: str
    type: str
    status: str
    country: str | None
    description: str | None
    caller_name: str | None
    sip: str | None
    sip_name: str | None
    start_date: datetime | None
    stop_date: datetime | None
    monthly_fee: float | None
    currency: str | None
    channels: int | None
    autorenew: bool
    autorenew_period: str | None
    is_on_test: bool
    receive_sms: bool | None
    direction_id: int | None
    group_id: int | None
    minutes: int | None

    @classmethod
    def from_dict(cls, data: JsonObject, zone: tzinfo = UTC) -> Self:
        """Parse one item; its dates are written in the account's ``zone``."""
        fee = data.get("monthly_fee")
        return cls(
            number=_str(data["number"]).lstrip("+"),
            type=str(data.get("type") or "common"),
            status=str(data.get("status") or ""),
            country=_optional_str(data.get("country")),
            description=_optional_str(data.get("description")),
            caller_name=_optional_str(data.get("number_name", data.get("caller_name"))),
            sip=_optional_str(data.get("sip")),
            sip_name=_optional_str(data.get("sip_name")),
            start_date=parse_datetime(data.get("start_date"), zone),
            stop_date=parse_datetime(data.get("stop_date"), zone),
            monthly_fee=None if fee is None else _float(fee),
            currency=_optional_str(data.get("currency")),
            channels=_optional_int(data.get("channels")),
            autorenew=parse_bool(data.get("autorenew", False)),
            autorenew_period=_optional_str(data.get("autorenew_period")),
            is_on_test=parse_bool(data.get("is_on_test", False)),
            receive_sms=_optional_bool(data.get("receive_sms")),
            direction_id=_optional_int(data.get("direction_id")),
            group_id=_optional_int(data.get("group_id")),
            minutes=_optional_int(data.get("minutes")),
        )


@dataclass(frozen=True, slots=True)
class Country:
    """A country where numbers can be ordered (``/v1/direct_numbers/countries/``)."""

    iso_code: str
    dialing_code: str
    name: str

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse one item."""
        return cls(
            iso_code=_str(data["countryCodeIso"]).upper(),
            dialing_code=_str(data["countryCode"]),
            name=_str(data["name"]),
        )


@dataclass(frozen=True, slots=True)
class Direction:
    """A city or number kind of a country (``/v1/direct_numbers/country/``).

    ``required_documents`` maps each document type to upload to its
    description (empty when the API sent a bare list of types);
    ``required_information`` lists the data to fill in the document group.
    """

    id: int
    country_code: str
    area_code: str
    name: str
    connect_fee: float
    monthly_fee: float
    currency: str
    required_documents: Mapping[str, str] = field(default_factory=dict)
    required_information: tuple[str, ...] = ()
    receive_sms: bool = False
    is_toll: bool = False
    feature: str | None = None
    connect_time_days: int | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse one item."""
        restrictions = data.get("restrictions") or {}
        upload = restrictions.get("upload") or {}
        if isinstance(upload, Mapping):
            documents = {str(kind): str(text or "") for kind, text in upload.items()}
        else:
            documents = {str(kind): "" for kind in upload}
        return cls(
            id=_int(data["id"]),
            country_code=str(data.get("countryCode") or ""),
            area_code=str(data.get("areaCode") or ""),
            name=_str(data["name"]),
            connect_fee=_float(data.get("connect_fee") or 0),
            monthly_fee=_float(data.get("monthly_fee") or 0),
            currency=str(data.get("currency") or ""),
            required_documents=documents,
            required_information=tuple(str(item) for item in restrictions.get("specify") or ()),
            receive_sms=parse_bool(data.get("receive_sms", False)),
            is_toll=parse_bool(data.get("is_toll", False)),
            feature=_optional_str(data.get("feature")),
            connect_time_days=_optional_int(data.get("connect_time")),
        )


@dataclass(frozen=True, slots=True)
class AvailableNumber:
    """A number free to order (``/v1/direct_numbers/available/<ID>/``).

    ``id`` is opaque; pass it to ``order_number(number_id=...)``.
    """

    id: str
    direction_id: int
    number: str

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse one item."""
        return cls(
            id=_str(data["id"]),
            direction_id=_int(data["direction_id"]),
            number=_str(data["number"]).lstrip("+"),
        )


@dataclass(frozen=True, slots=True)
class OrderResult:
    """The outcome of ``/v1/direct_numbers/order/``."""

    number: str
    is_reserved: bool
    is_activated: bool

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply."""
        return cls(
            number=_str(data["number"]).lstrip("+"),
            is_reserved=parse_bool(data.get("is_reserved", False)),
            is_activated=parse_bool(data.get("is_activated", False)),
        )


@dataclass(frozen=True, slots=True)
class ProlongResult:
    """The outcome of ``/v1/direct_numbers/prolong/``."""

    number: str
    stop_date: datetime | None
    amount: float
    currency: str

    @classmethod
    def from_dict(cls, data: JsonObject, zone: tzinfo = UTC) -> Self:
        """Parse the reply; ``stop_date`` is written in the account's ``zone``."""
        paid = data.get("total_paid") or {}
        return cls(
            number=_str(data["number"]).lstrip("+"),
            stop_date=parse_datetime(data.get("stop_date"), zone),
            amount=_float(paid.get("amount", 0)),
            currency=str(paid.get("currency") or ""),
        )


_GROUP_TEXT_FIELDS = (
    "email",
    "salutation",
    "nationality",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "organization",
    "organization_description",
    "organization_reg_number",
    "country",
    "region",
    "city",
    "address",
    "zip_code",
    "street",
    "street_code",
    "municipality_code",
    "building_number",
    "building_letter",
    "phone",
    "type_of_id",
    "id_number",
    "issuing_authority",
    "issuing_date",
)


@dataclass(frozen=True, slots=True)
class DocumentGroup:
    """A person's or company's identity data (``/v1/documents/groups/...``).

    Id 0 is the account's main group, which cannot be edited through the API.
    Empty strings and ``null`` both read as ``None``.
    """

    id: int
    is_readonly: bool = False
    email: str | None = None
    salutation: str | None = None
    nationality: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    date_of_birth: str | None = None
    organization: str | None = None
    organization_description: str | None = None
    organization_reg_number: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    address: str | None = None
    zip_code: str | None = None
    street: str | None = None
    street_code: str | None = None
    municipality_code: str | None = None
    building_number: str | None = None
    building_letter: str | None = None
    phone: str | None = None
    type_of_id: str | None = None
    id_number: str | None = None
    issuing_authority: str | None = None
    issuing_date: str | None = None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse a group object."""
        texts = {name: _optional_str(data.get(name)) for name in _GROUP_TEXT_FIELDS}
        return cls(
            id=_int(data["id"]),
            is_readonly=parse_bool(data.get("is_readonly", False)),
            **texts,
        )


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """An uploaded document (``/v1/documents/files/``)."""

    type: str
    name: str
    is_verified: bool
    source: str | None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse one item."""
        return cls(
            type=_str(data["type"]),
            name=str(data.get("name") or ""),
            is_verified=parse_bool(data.get("is_verified", False)),
            source=_optional_str(data.get("source")),
        )


@dataclass(frozen=True, slots=True)
class DocumentUpload:
    """The outcome of ``/v1/documents/upload/``."""

    doc_name: str
    message: str

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply."""
        return cls(doc_name=_str(data["doc_name"]), message=str(data.get("message") or ""))


@dataclass(frozen=True, slots=True)
class GroupValidity:
    """Whether a document group is good enough for a direction (``groups/valid/<ID>/``)."""

    is_information_match: bool
    is_documents_uploaded: bool
    is_documents_verified: bool
    is_address_match: bool

    @property
    def is_valid(self) -> bool:
        """Return whether every check passed, so the number can be ordered."""
        return (
            self.is_information_match
            and self.is_documents_uploaded
            and self.is_documents_verified
            and self.is_address_match
        )

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply."""
        return cls(
            is_information_match=parse_bool(data["is_information_match"]),
            is_documents_uploaded=parse_bool(data["is_documents_uploaded"]),
            is_documents_verified=parse_bool(data["is_documents_verified"]),
            is_address_match=parse_bool(data["is_address_match"]),
        )


@dataclass(frozen=True, slots=True)
class CallbackResult:
    """The outcome of ``/v1/request/callback/``; ``time`` is when Zadarma took it."""

    from_: str
    to: str
    time: datetime | None

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply (``from``/``to`` may be numbers)."""
        return cls(
            from_=_str(data["from"]),
            to=_str(data["to"]),
            time=parse_datetime(data.get("time")),
        )


@dataclass(frozen=True, slots=True)
class DeniedNumber:
    """A recipient an SMS was not sent to, with Zadarma's reason."""

    number: str
    message: str


@dataclass(frozen=True, slots=True)
class SmsResult:
    """The outcome of ``/v1/sms/send/``."""

    messages: int
    cost: float
    currency: str
    denied_numbers: tuple[DeniedNumber, ...] = ()

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse the reply."""
        denied = tuple(
            DeniedNumber(
                number=str(item.get("number") or ""), message=str(item.get("message") or "")
            )
            for item in data.get("denied_numbers") or ()
        )
        return cls(
            messages=_int(data.get("messages", 0)),
            cost=_float(data.get("cost", 0)),
            currency=str(data.get("currency") or ""),
            denied_numbers=denied,
        )


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One call of ``/v1/statistics/``.

    ``cost_per_minute`` is the API's ``cost`` (the rate of the destination) and
    ``bill_cost`` its ``billcost`` (what the call cost). ``from_``/``to`` arrive as
    numbers or strings and are kept as text; ``disposition`` is Zadarma's word
    (``answered``, ``busy``, ``no answer``, ``cancel``, ``failed``...).
    """

    id: str
    call_start: datetime | None
    from_: str
    to: str
    disposition: str
    bill_seconds: int
    sip: str | None = None
    description: str | None = None
    cost_per_minute: float | None = None
    bill_cost: float | None = None
    currency: str | None = None
    hangup_cause: str | None = None

    @property
    def answered(self) -> bool:
        """Return whether the call was answered."""
        return self.disposition == "answered"

    @classmethod
    def from_dict(cls, data: JsonObject, zone: tzinfo = UTC) -> Self:
        """Parse one item (numbers as numbers or strings, key order free).

        ``callstart`` is written in the account's ``zone``, as its other dates are.
        """
        return cls(
            id=_str(data["id"]),
            call_start=parse_datetime(data.get("callstart"), zone),
            from_=_str(data["from"]),
            to=_str(data["to"]),
            disposition=str(data.get("disposition") or "").strip().lower(),
            bill_seconds=_optional_int(data.get("billseconds")) or 0,
            sip=_optional_str(data.get("sip")),
            description=_optional_str(data.get("description")),
            cost_per_minute=_optional_float(data.get("cost")),
            bill_cost=_optional_float(data.get("billcost")),
            currency=_optional_str(data.get("currency")),
            hangup_cause=_optional_str(data.get("hangupcause")),
        )


@dataclass(frozen=True, slots=True)
class CallHistory:
    """A page of ``/v1/statistics/``: the period Zadarma answered for, and its calls.

    Each record is read by itself: one that cannot be (its start off the calendar,
    no id) is left out of ``calls``, its id (if it has one) in ``skipped_ids``, so
    that one bad record does not cost the page. ``listed`` is how many the page
    held, to tell a full page from the last.
    """

    start: datetime | None
    end: datetime | None
    calls: tuple[CallRecord, ...]
    skipped_ids: tuple[str, ...] = ()
    listed: int = 0

    @classmethod
    def from_dict(cls, data: JsonObject, zone: tzinfo = UTC) -> Self:
        """Parse the reply (``stats`` null or missing is no call), its times in ``zone``."""
        stats = data.get("stats") or []
        if not isinstance(stats, list):
            raise TypeError("stats is not a list")
        calls: list[CallRecord] = []
        skipped: list[str] = []
        for item in stats:
            try:
                calls.append(CallRecord.from_dict(item, zone))
            except MALFORMED:
                if isinstance(item, Mapping) and isinstance(item.get("id"), str | int):
                    skipped.append(str(item["id"]))
        return cls(
            start=parse_datetime(data.get("start"), zone),
            end=parse_datetime(data.get("end"), zone),
            calls=tuple(calls),
            skipped_ids=tuple(skipped),
            listed=len(stats),
        )


@dataclass(frozen=True, slots=True)
class CallCost:
    """A total of ``/v1/statistics/`` with ``cost_only``: money and billed seconds."""

    cost: float
    currency: str | None
    seconds: int

    @classmethod
    def from_dict(cls, data: JsonObject) -> Self:
        """Parse one item."""
        return cls(
            cost=_float(data.get("cost") or 0),
            currency=_optional_str(data.get("currency")),
            seconds=_optional_int(data.get("seconds")) or 0,
        )
