"""A stateful fake of the Zadarma REST API (v1), mounted under ``/v1``.

Every request is authenticated like the real (PHP) server does it: the
signature is rebuilt from the parameters *as received* with this module's own
``http_build_query`` emulation (deliberately not the client's code, so a
property test can compare the two). Replies use the production shapes of the
research notes (§3): flags as ``"true"``/``"false"``, ``channels`` and ids as
numbers, ``restrictions.upload`` as an object. The ``spec_typing`` setting
switches to the OpenAPI spec's typing (strings, lists) to exercise lenient
parsing.

Control endpoints (besides the shared ones of ``app.py``):

- ``GET /_control/zadarma/settings``: the settings below
- ``POST /_control/zadarma/settings``: merge e.g.
  ``{"rate_limit_per_minute": 5, "rate_limit_window_seconds": 2, "spec_typing": true,
  "statistics_rate_limit_per_minute": 3}``
- ``POST /_control/zadarma/calls``: add calls to the statistics of the demo account
  (or of ``api_key``): ``{"from": "48601234567", "to": "48221234567",
  "disposition": "no answer", "billseconds": 0, "sip": "100001", "cost": 0.0,
  "callstart": "YYYY-MM-DD HH:MM:SS", "count": 1}``; tests may call
  ``ZadarmaAccount.add_call`` directly.
- ``POST /_control/zadarma/synthetic``: make the demo account (or ``api_key``'s) a large
  one for the benchmarks (``scripts/bench``), ``{"direct_numbers": 100, "sips": 50}``:
  that many more direct numbers and SIP lines (see ``ZadarmaAccount.add_synthetic``)

Where the documents and notes are silent the simulator guesses; every guess is
marked ``# GUESS:`` and the client must not depend on it.

The seeded demo account uses the research notes' test-vector key and secret.
"""

from __future__ import annotations

import base64
import calendar
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
import hashlib
import hmac
import inspect
import math
import re
import secrets
import string
import time
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from multidict import MultiDictProxy

from .app import CONTROL_KEY

DEMO_API_KEY = "1c64dee7ee7638e3a507"
DEMO_API_SECRET = "d78f2a12cc1fc5effe71"
DEMO_PBX_ID = 453101
DEMO_NUMBER_AUTORENEW = "48221234567"
DEMO_NUMBER_EXPIRING = "442037691880"

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
NUMBER_TYPES = frozenset({"common", "revenue", "order", "inum", "rufree"})
LANGUAGES = frozenset({"en", "es", "de", "pl", "ru", "ua", "fr"})
SALUTATIONS = frozenset({"MR", "MS", "COMPANY"})
DOCUMENT_TYPES = frozenset(
    {
        "certificate",
        "contract",
        "company_letter",
        "inn_ua",
        "passport",
        "phone_bill",
        "photo_with_doc",
        "photo_with_passport",
        "receipt",
        "driver_id_us_ca",
        "driver_id_other",
    }
)
GROUP_REQUIRED = (
    "email",
    "salutation",
    "first_name",
    "last_name",
    "country",
    "city",
    "address",
    "zip_code",
    "street",
    "building_number",
    "phone",
)
GROUP_OPTIONAL = (
    "nationality",
    "middle_name",
    "date_of_birth",
    "organization",
    "organization_description",
    "organization_reg_number",
    "region",
    "street_code",
    "municipality_code",
    "building_letter",
    "type_of_id",
    "id_number",
    "issuing_authority",
    "issuing_date",
)
SMS_PART_COST = 0.05
MAX_STATISTICS_LIMIT = 1000
# Methods counted against the statistics limit (only /v1/statistics/ is simulated).
STATISTICS_METHODS = frozenset({"statistics", "statistics/incoming-calls"})
# The notifications of call info, and the other webhooks (spec, /v1/pbx/…).
CALL_NOTIFICATIONS = (
    "notify_start",
    "notify_internal",
    "notify_end",
    "notify_out_start",
    "notify_out_end",
    "notify_answer",
)
HOOKS = ("number_lookup", "call_tracking", "sms", "speech_recognition")
# The notification each pushed event needs switched on (the SMS event: the sms hook).
EVENT_NOTIFICATION = {
    "NOTIFY_START": "notify_start",
    "NOTIFY_INTERNAL": "notify_internal",
    "NOTIFY_ANSWER": "notify_answer",
    "NOTIFY_END": "notify_end",
    "NOTIFY_OUT_START": "notify_out_start",
    "NOTIFY_OUT_END": "notify_out_end",
}
# The fields each event's signature covers (notes §6). GUESS for SMS: undocumented;
# the call events' pattern, sender, receiving number and text.
SIGNED_FIELDS = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "SMS": ("caller_id", "caller_did", "text"),
}
CALLER_NAME = re.compile(r"[A-Za-z0-9]{0,30}")

ZADARMA_KEY: web.AppKey[ZadarmaSimulator] = web.AppKey("zadarma")


# --- PHP http_build_query, written independently of the client ----------------------------

_PHP_KEEP = frozenset(string.ascii_letters + string.digits + "-_.")


def php_encode(text: str) -> str:
    """Encode like PHP ``urlencode``: keep ``A-Za-z0-9-_.``, space as ``+``, else ``%XX``."""
    out = []
    for char in text:
        if char in _PHP_KEEP:
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def expected_signature(path: str, pairs: list[tuple[str, str]], secret: str) -> str:
    """Rebuild the signature the server expects for the received parameters.

    PHP parses ``key[0]=...`` back into arrays and ``ksort``s only the top-level
    keys, so pairs are ordered (stably) by the part of the key before ``[``.
    """
    ordered = sorted(pairs, key=lambda pair: pair[0].split("[", 1)[0])
    query = "&".join(f"{php_encode(key)}={php_encode(value)}" for key, value in ordered)
    md5 = hashlib.md5(query.encode("utf-8"), usedforsecurity=False).hexdigest()
    mac = hmac.new(secret.encode("utf-8"), (path + query + md5).encode("utf-8"), "sha1")
    return base64.b64encode(mac.hexdigest().encode("ascii")).decode("ascii")


# --- State -----------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _date(value: datetime, zone: tzinfo = UTC) -> str:
    return value.astimezone(zone).strftime(DATE_FORMAT)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def add_months(value: datetime, months: int) -> datetime:
    """Move a date by calendar months, clamping the day (31 Jan + 1 = 28/29 Feb)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


@dataclass
class ZadarmaSettings:
    """Behaviour switches, changed through ``/_control/zadarma/settings``."""

    rate_limit_per_minute: int = 100
    rate_limit_window_seconds: float = 60.0
    spec_typing: bool = False
    # GUESS: 3 a minute per the spec and the notes; some documentation locales
    # reportedly say 10.
    statistics_rate_limit_per_minute: int = 3
    # "PUT direct_numbers/autoprolongation" style methods whose answers are lost: the
    # request is handled, then the connection closes before the answer is written.
    lost_answers: list[str] = field(default_factory=list)


@dataclass
class RateWindow:
    """Requests of one key in the current fixed window.

    GUESS: per key and a fixed window; Zadarma does not say (notes §5).
    """

    start: float | None = None
    count: int = 0

    def admit(self, now: float, limit: int, window: float) -> tuple[bool, dict[str, str]]:
        """Count a request if it fits; return whether it did and the rate headers."""
        if self.start is None or now - self.start >= window:
            self.start, self.count = now, 0
        allowed = self.count < limit
        if allowed:
            self.count += 1
        # Rounded first: start + window - now is a float sum, 60.000000001 is 60 s.
        reset = max(math.ceil(round(self.start + window - now, 6)), 1)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(limit - self.count),
            "X-RateLimit-Reset": str(reset),
        }
        if not allowed:
            headers["Retry-After"] = str(reset)
        return allowed, headers


@dataclass
class SimCall:
    """A call as ``/v1/statistics/`` or ``/v1/statistics/incoming-calls/`` lists it.

    Incoming calls (to one of the account's numbers or SIP lines) are listed apart, at
    ``incoming-calls`` (spec and PHP client: "general incoming call statistics"),
    without costs; the overall statistics list the others. GUESS: that the overall
    ones leave the incoming calls out (the spec describes them as the calls "of the
    user's SIP numbers"); the client reads both and tells a call once either way.
    """

    id: str
    callstart: datetime
    sip: str
    from_: str
    to: str
    description: str
    disposition: str
    billseconds: int
    cost: float
    currency: str = "USD"
    hangupcause: str = "16"
    toll_free: bool = False
    incoming: bool = False

    @property
    def billcost(self) -> float:
        """Return what the call cost (GUESS: billed by the second)."""
        return round(self.cost * self.billseconds / 60, 4)

    def to_json(self, spec_typing: bool, zone: tzinfo = UTC) -> dict[str, Any]:
        """Return the ``stats`` item: live typing has numbers for ``from``/``to``.

        ``callstart`` is written in the account's ``zone``, as its other dates are.
        """
        if self.incoming:
            return {
                "id": self.id,
                "sip": self.sip,
                "callstart": _date(self.callstart, zone),
                "from": self.from_ if spec_typing else int(self.from_),
                "to": self.to if spec_typing else int(self.to),
                "billseconds": self.billseconds,
                "disposition": self.disposition,
            }
        record: dict[str, Any] = {
            "id": self.id,
            "sip": self.sip,
            "callstart": _date(self.callstart, zone),
            "from": self.from_ if spec_typing else int(self.from_),
            "to": self.to if spec_typing else int(self.to),
            "description": self.description,
            "disposition": self.disposition,
            "billseconds": self.billseconds,
            "cost": self.cost,
            "billcost": self.billcost,
            "currency": self.currency,
        }
        if not spec_typing:
            record["hangupcause"] = self.hangupcause
        return record


@dataclass
class SimSip:
    """A SIP account."""

    id: str
    display_name: str
    lines: int
    online: bool


@dataclass
class SimDirection:
    """A city or kind of number that can be ordered."""

    id: int
    iso: str
    country_code: str
    area_code: str
    name: str
    connect_fee: float
    monthly_fee: float
    currency: str = "USD"
    upload: dict[str, str] = field(default_factory=dict)
    specify: list[str] = field(default_factory=list)
    receive_sms: bool = False
    is_toll: bool = False
    feature: str | None = None
    connect_time: str = "0"

    def to_json(self, spec_typing: bool) -> dict[str, Any]:
        """Return the ``/country/`` item."""
        return {
            "id": str(self.id) if spec_typing else self.id,
            "countryCode": self.country_code,
            "areaCode": self.area_code,
            "name": self.name,
            "connect_fee": self.connect_fee,
            "monthly_fee": self.monthly_fee,
            "currency": self.currency,
            "restrictions": {
                "upload": list(self.upload) if spec_typing else dict(self.upload),
                "specify": list(self.specify),
            },
            "receive_sms": _flag(self.receive_sms),
            "is_toll": _flag(self.is_toll),
            "feature": self.feature,
            "connect_time": self.connect_time,
        }


@dataclass
class SimAvailable:
    """A number free to order."""

    id: str
    direction_id: int
    number: str


@dataclass
class SimNumber:
    """A direct number of an account."""

    number: str
    status: str
    country: str
    description: str
    direction_id: int
    monthly_fee: float
    start_date: datetime
    stop_date: datetime
    number_name: str | None = None
    sip: str = ""
    sip_name: str | None = None
    currency: str = "USD"
    channels: int = 2
    autorenew: bool = True
    autorenew_period: str = "month"
    is_on_test: bool = False
    receive_sms: bool = False
    group_id: int = 0
    type: str = "common"

    def to_json(self, spec_typing: bool, zone: tzinfo = UTC) -> dict[str, Any]:
        """Return the ``/direct_numbers/`` item, its dates in the account's ``zone``."""
        return {
            "number": self.number,
            "status": self.status,
            "country": self.country,
            "description": self.description,
            "number_name": self.number_name,
            "sip": self.sip,
            "sip_name": self.sip_name,
            "start_date": _date(self.start_date, zone),
            "stop_date": _date(self.stop_date, zone),
            "monthly_fee": self.monthly_fee,
            "currency": self.currency,
            "channels": str(self.channels) if spec_typing else self.channels,
            "autorenew": _flag(self.autorenew),
            "is_on_test": _flag(self.is_on_test),
            "receive_sms": (
                None if spec_typing and not self.receive_sms else _flag(self.receive_sms)
            ),
            "direction_id": self.direction_id,
            "group_id": self.group_id,
            "autorenew_period": self.autorenew_period,
            "type": self.type,
        }


@dataclass
class SimDocument:
    """An uploaded file."""

    type: str
    name: str
    verified: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the ``/documents/files/`` item."""
        return {
            "type": self.type,
            "is_verified": _flag(self.verified),
            "source": "upload",
            "name": self.name,
        }


@dataclass
class SimGroup:
    """A document group; id 0 is the read-only main group."""

    id: int
    data: dict[str, str | None]
    is_readonly: bool = False
    files: list[SimDocument] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the group object."""
        texts = {name: self.data.get(name) for name in (*GROUP_REQUIRED, *GROUP_OPTIONAL)}
        return {"id": self.id, **texts, "is_readonly": self.is_readonly}


@dataclass
class ZadarmaAccount:
    """One API key's account."""

    api_key: str
    api_secret: str
    pbx_id: int | None = None
    balance: float = 0.0
    currency: str = "USD"
    sips: dict[str, SimSip] = field(default_factory=dict)
    numbers: dict[str, SimNumber] = field(default_factory=dict)
    groups: dict[int, SimGroup] = field(default_factory=dict)
    callbacks: list[dict[str, str]] = field(default_factory=list)
    sms: list[dict[str, str]] = field(default_factory=list)
    calls: list[SimCall] = field(default_factory=list)
    requests: RateWindow = field(default_factory=RateWindow)
    statistics_requests: RateWindow = field(default_factory=RateWindow)
    rate_limited: int = 0
    # GUESS: the numbers' dates are written in the account's zone (notes §3.3); the
    # demo account's is UTC+0, the spec's example of /v1/info/timezone/.
    utc_offset_minutes: int = 0
    # Where the account pushes call notifications and the other webhooks (notes §6).
    callinfo_url: str = ""
    notifications: dict[str, bool] = field(
        default_factory=lambda: dict.fromkeys(CALL_NOTIFICATIONS, False)
    )
    webhooks_url: str = ""
    hooks: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(HOOKS, False))
    # What each push was answered (status), for assertions.
    pushed: list[tuple[dict[str, str], int]] = field(default_factory=list)

    @property
    def zone(self) -> tzinfo:
        """Return the account's time zone."""
        return timezone(timedelta(minutes=self.utc_offset_minutes))

    @property
    def zone_name(self) -> str:
        """Return the zone as /v1/info/timezone/ names it: ``UTC+0``, ``UTC+3``, ``UTC-3:30``."""
        sign = "-" if self.utc_offset_minutes < 0 else "+"
        hours, minutes = divmod(abs(self.utc_offset_minutes), 60)
        return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")

    def debit(self, amount: float) -> None:
        """Take money, or refuse like Zadarma does."""
        if amount > self.balance + 1e-9:
            raise RefusalError(400, "Not enough money on your account")
        self.balance = round(self.balance - amount, 4)

    def add_call(
        self,
        *,
        from_: str,
        to: str,
        disposition: str = "answered",
        billseconds: int = 0,
        sip: str = "100001",
        cost: float = 0.0,
        description: str = "",
        callstart: datetime | None = None,
    ) -> SimCall:
        """Add a call to the statistics (now, unless ``callstart`` says when)."""
        call = SimCall(
            # Live ids are 24 hex digits.
            id=f"65f0a1b2c3d4e5f6{len(self.calls) + 1:08x}",
            callstart=callstart or _now(),
            sip=sip,
            from_=from_,
            to=to,
            description=description,
            disposition=disposition,
            billseconds=billseconds,
            cost=cost,
            currency=self.currency,
            incoming=self.is_own(to),
        )
        self.calls.append(call)
        return call

    def add_synthetic(self, *, direct_numbers: int = 0, sips: int = 0) -> None:
        """Add SIP lines (``200000`` on, every other one online) and direct numbers.

        The numbers (``48221300000`` on, Warsaw, renewed monthly, a third of them not
        automatically) point at the SIP lines in turn (at the account's first SIP line
        when no SIP line is added).
        """
        now = _now()
        for index in range(sips):
            sip = str(200_000 + index)
            self.sips[sip] = SimSip(sip, f"Line {index + 1}", lines=1, online=index % 2 == 0)
        targets = list(self.sips.values())[-sips:] if sips else list(self.sips.values())[:1]
        for index in range(direct_numbers):
            number = str(48_221_300_000 + index)
            target = targets[index % len(targets)] if targets else None
            self.numbers[number] = SimNumber(
                number=number,
                status="on",
                country="Poland",
                description="Warsaw",
                direction_id=3061,
                monthly_fee=6.0,
                start_date=now - timedelta(days=30 + index),
                stop_date=now + timedelta(days=1 + index % 28),
                sip=target.id if target else "",
                sip_name=target.display_name if target else None,
                autorenew=index % 3 != 0,
            )

    def is_own(self, number: str) -> bool:
        """Tell whether a number is one of the account's direct numbers or SIP lines."""
        digits = "".join(character for character in number if character.isdigit())
        return digits in self.numbers or digits in self.sips


class RefusalError(Exception):
    """An error envelope to answer with."""

    def __init__(self, status: int, message: str) -> None:
        """Store the HTTP status and message."""
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Call:
    """One authenticated request, as handlers see it."""

    account: ZadarmaAccount
    params: dict[str, str]
    pairs: list[tuple[str, str]]
    files: dict[str, web.FileField]
    match_info: Mapping[str, str]
    settings: ZadarmaSettings

    def required(self, name: str) -> str:
        """Return a parameter that must be present (it may be empty)."""
        if name not in self.params:
            raise RefusalError(400, f'"{name}" param is required')
        return self.params[name]

    def integer(self, name: str, value: str | None = None) -> int:
        """Return a parameter (or ``value``) as an integer."""
        text = self.required(name) if value is None else value
        try:
            return int(text)
        except ValueError:
            raise RefusalError(400, f"Wrong {name}") from None

    def number(self, *, typed: bool = False) -> SimNumber:
        """Return the account's number named by ``number``.

        With ``typed`` the number's ``type`` must come along: Zadarma's page (002_)
        lists it with ``number`` for /number/, autoprolongation, set_caller_name and
        set_sip_id (the notes saw a live /number/ work without it; the page wins).
        """
        if typed:
            # GUESS: the message follows the spec's '"to" param is required'; the exact
            # answer to a missing type is unknown.
            number_type: str | None = self.required("type")
        else:
            number_type = self.params.get("type")
        if number_type is not None and number_type not in NUMBER_TYPES:
            raise RefusalError(400, "Wrong type")
        number = self.account.numbers.get(self.required("number").lstrip("+"))
        if number is None:
            raise RefusalError(400, "Number not found")
        if number_type is not None and number_type != number.type:
            # GUESS: whether Zadarma checks the type against the number is unknown.
            raise RefusalError(400, "Wrong type")
        return number

    def group(self, group_id: int) -> SimGroup:
        """Return one of the account's document groups."""
        group = self.account.groups.get(group_id)
        if group is None:
            raise RefusalError(400, "Documents group not found")
        return group


type EndpointHandler = Callable[[Call], dict[str, Any] | Awaitable[dict[str, Any]]]


class ZadarmaSimulator:
    """The fake Zadarma API: accounts, a number catalogue and the handlers."""

    def __init__(self, *, seed: bool, clock: Callable[[], float] | None = None) -> None:
        """Build the catalogue and, with ``seed``, the demo account."""
        self.settings = ZadarmaSettings()
        # Looked up at each call: a test's frozen clock moves the rate windows too.
        self.clock = clock or (lambda: time.monotonic())
        self.accounts: dict[str, ZadarmaAccount] = {}
        self.countries: dict[str, dict[str, str]] = {}
        self.directions: dict[int, SimDirection] = {}
        self.available: dict[str, SimAvailable] = {}
        # (method, path, parameters) of every authenticated request, for assertions
        self.received: list[tuple[str, str, dict[str, str]]] = []
        self._client_session: ClientSession | None = None
        self._seed_catalogue()
        if seed:
            self.accounts[DEMO_API_KEY] = demo_account()

    @classmethod
    def setup(cls, app: web.Application, prefix: str, *, seed: bool) -> ZadarmaSimulator:
        """Create the simulator, store it on ``app`` and add its routes."""
        simulator = cls(seed=seed)
        app[ZADARMA_KEY] = simulator
        for method, endpoint, handler in simulator.routes():
            wrapped = simulator.endpoint(
                handler, statistics=endpoint in STATISTICS_METHODS, name=f"{method} {endpoint}"
            )
            app.router.add_route(method, f"{prefix}/{endpoint}/", wrapped)
        app.router.add_route("*", prefix + "/{tail:.*}", _unknown_method)
        app.router.add_get("/_control/zadarma/settings", simulator._get_settings)
        app.router.add_post("/_control/zadarma/settings", simulator._set_settings)
        app.router.add_post("/_control/zadarma/calls", simulator._add_calls)
        app.router.add_post("/_control/zadarma/synthetic", simulator._add_synthetic)
        app.on_cleanup.append(lambda _app: simulator.close())
        return simulator

    @property
    def demo(self) -> ZadarmaAccount:
        """Return the seeded demo account."""
        return self.accounts[DEMO_API_KEY]

    def add_account(self, api_key: str, api_secret: str, **values: Any) -> ZadarmaAccount:
        """Add an (empty) account, e.g. to test that limits are per key."""
        account = ZadarmaAccount(api_key=api_key, api_secret=api_secret, **values)
        account.groups[0] = SimGroup(id=0, data={}, is_readonly=True)
        self.accounts[api_key] = account
        return account

    def routes(self) -> list[tuple[str, str, EndpointHandler]]:
        """Return ``(method, endpoint, handler)`` of every supported method."""
        return [
            ("GET", "info/balance", self.balance),
            ("GET", "info/timezone", self.timezone),
            ("GET", "pbx/internal", self.pbx_internal),
            ("GET", "sip", self.sips),
            ("GET", "sip/{sip}/status", self.sip_status),
            ("GET", "request/callback", self.callback),
            ("GET", "statistics", self.statistics),
            ("GET", "statistics/incoming-calls", self.incoming_statistics),
            ("POST", "sms/send", self.send_sms),
            ("GET", "direct_numbers", self.direct_numbers),
            ("GET", "direct_numbers/number", self.direct_number),
            ("GET", "direct_numbers/autoprolongation", self.get_autoprolongation),
            ("PUT", "direct_numbers/autoprolongation", self.set_autoprolongation),
            ("PUT", "direct_numbers/set_caller_name", self.set_caller_name),
            ("PUT", "direct_numbers/set_sip_id", self.set_sip_id),
            ("GET", "direct_numbers/countries", self.country_list),
            ("GET", "direct_numbers/country", self.country),
            ("GET", "direct_numbers/available/{direction_id}", self.available_numbers),
            ("POST", "direct_numbers/order", self.order),
            ("POST", "direct_numbers/prolong", self.prolong),
            ("POST", "documents/groups/create", self.create_group),
            ("PUT", "documents/groups/update/{group_id}", self.update_group),
            ("POST", "documents/upload", self.upload),
            ("GET", "documents/groups/list", self.group_list),
            ("GET", "documents/groups/get/{group_id}", self.get_group),
            ("GET", "documents/files", self.files),
            ("GET", "documents/groups/valid/{group_id}", self.validate_group),
            ("GET", "pbx/callinfo", self.callinfo),
            ("POST", "pbx/callinfo/url", self.set_callinfo_url),
            ("DELETE", "pbx/callinfo/url", self.delete_callinfo_url),
            ("POST", "pbx/callinfo/notifications", self.set_notifications),
            ("GET", "pbx/webhooks", self.webhooks),
            ("POST", "pbx/webhooks/url", self.set_webhooks_url),
            ("DELETE", "pbx/webhooks/url", self.delete_webhooks_url),
            ("POST", "pbx/webhooks/hooks", self.set_hooks),
        ]

    # --- Request pipeline ------------------------------------------------------------------

    def endpoint(
        self, handler: EndpointHandler, *, statistics: bool = False, name: str = ""
    ) -> Callable[[web.Request], Any]:
        """Wrap a handler with authentication, rate limiting and the envelope.

        ``statistics`` methods also count against the (much lower) statistics limit;
        the answers of methods the setting ``lost_answers`` names by ``name`` are lost.
        """

        async def handle(request: web.Request) -> web.Response:
            pairs, files = await _received(request)
            account = self.authenticate(request, pairs)
            if account is None:
                return _error(401, "Not authorized")
            self.received.append((request.method, request.path, dict(pairs)))
            allowed, headers = self._count(account, statistics=statistics)
            if not allowed:
                account.rate_limited += 1
                response = _error(429, "You exceeded the rate limit")
            else:
                call = Call(account, dict(pairs), pairs, files, request.match_info, self.settings)
                try:
                    answer = handler(call)
                    if inspect.isawaitable(answer):
                        answer = await answer
                    response = web.json_response({"status": "success", **answer})
                except RefusalError as refusal:
                    response = _error(refusal.status, refusal.message)
            if name in self.settings.lost_answers and request.transport is not None:
                # Handled, but the connection closes before the answer is written.
                request.transport.close()
            response.headers.update(headers)
            return response

        return handle

    def authenticate(
        self, request: web.Request, pairs: list[tuple[str, str]]
    ) -> ZadarmaAccount | None:
        """Return the account whose key signed the request correctly, if any."""
        control = request.app[CONTROL_KEY]
        if control.faults["zadarma"].reject_auth or control.fire(request, "revoke"):
            return None
        api_key, _, signature = request.headers.get("Authorization", "").partition(":")
        account = self.accounts.get(api_key)
        if account is None:
            return None
        expected = expected_signature(request.path, pairs, account.api_secret)
        return account if hmac.compare_digest(signature, expected) else None

    def _count(self, account: ZadarmaAccount, *, statistics: bool) -> tuple[bool, dict[str, str]]:
        """Count a request in the key's windows; return whether it may pass."""
        settings = self.settings
        now = self.clock()
        window = settings.rate_limit_window_seconds
        allowed, headers = account.requests.admit(now, settings.rate_limit_per_minute, window)
        if allowed and statistics:
            # GUESS: a statistics request counts against both limits, and one counter
            # serves every statistics method; a 429 looks like the general one and the
            # rate headers describe the statistics limit.
            limit = settings.statistics_rate_limit_per_minute
            allowed, headers = account.statistics_requests.admit(now, limit, window)
        return allowed, headers

    async def _get_settings(self, request: web.Request) -> web.Response:
        return web.json_response(asdict(self.settings))

    async def _set_settings(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        known = {item.name for item in fields(ZadarmaSettings)}
        if not set(body) <= known:
            return web.json_response({"error": f"unknown settings: {sorted(body)}"}, status=400)
        self.settings = replace(self.settings, **body)
        return web.json_response(asdict(self.settings))

    # --- Pushed events: call info and webhooks (notes §6, spec /v1/pbx/…) --------------------

    def callinfo(self, call: Call) -> dict[str, Any]:
        """``GET /v1/pbx/callinfo/``: where call notifications go, and which are on."""
        return {
            "url": call.account.callinfo_url,
            "notifications": _flags(call.account.notifications),
        }

    async def set_callinfo_url(self, call: Call) -> dict[str, Any]:
        """``POST /v1/pbx/callinfo/url/``: Zadarma checks the URL with ``zd_echo`` first."""
        url = await self._checked_url(call)
        call.account.callinfo_url = url
        return {"url": url}

    def delete_callinfo_url(self, call: Call) -> dict[str, Any]:
        """``DELETE /v1/pbx/callinfo/url/``."""
        call.account.callinfo_url = ""
        return {"url": ""}

    def set_notifications(self, call: Call) -> dict[str, Any]:
        """``POST /v1/pbx/callinfo/notifications/``: each ``"true"``/``"false"``."""
        call.account.notifications.update(_parsed_flags(call, CALL_NOTIFICATIONS))
        return {"notifications": _flags(call.account.notifications)}

    def webhooks(self, call: Call) -> dict[str, Any]:
        """``GET /v1/pbx/webhooks/``: where the other webhooks go, and which are on."""
        return {"url": call.account.webhooks_url, "hooks": _flags(call.account.hooks)}

    async def set_webhooks_url(self, call: Call) -> dict[str, Any]:
        """``POST /v1/pbx/webhooks/url/``: checked with ``zd_echo`` as well."""
        url = await self._checked_url(call)
        call.account.webhooks_url = url
        return {"url": url}

    def delete_webhooks_url(self, call: Call) -> dict[str, Any]:
        """``DELETE /v1/pbx/webhooks/url/``."""
        call.account.webhooks_url = ""
        return {"url": ""}

    def set_hooks(self, call: Call) -> dict[str, Any]:
        """``POST /v1/pbx/webhooks/hooks/``."""
        call.account.hooks.update(_parsed_flags(call, HOOKS))
        return {"hooks": _flags(call.account.hooks)}

    async def _checked_url(self, call: Call) -> str:
        """Return the URL of a request once it answered Zadarma's ``zd_echo`` check."""
        url = call.params.get("url", "")
        if not url.startswith(("http://", "https://")):
            raise RefusalError(400, "Wrong url")  # GUESS: the message is ours
        echo = secrets.token_hex(8)
        try:
            async with self._session().get(
                url, params={"zd_echo": echo}, timeout=ClientTimeout(total=5)
            ) as response:
                answered = await response.text()
        except (ClientError, TimeoutError):
            answered = None
        if answered != echo:
            # GUESS: the spec names no answer for a failed check.
            raise RefusalError(400, "URL check failed: the server did not answer zd_echo")
        return url

    def _session(self) -> ClientSession:
        if self._client_session is None or self._client_session.closed:
            self._client_session = ClientSession()
        return self._client_session

    async def close(self) -> None:
        """Close the session the simulator pushes with."""
        if self._client_session is not None:
            await self._client_session.close()

    async def push(self, account: ZadarmaAccount, fields: Mapping[str, str]) -> int | None:
        """Push one event as Zadarma does: a signed form POST to the account's URL.

        Nothing is sent (None) when no URL is set or the event's notification is off.
        Returns the HTTP status the receiver answered.
        """
        event = fields["event"]
        if event == "SMS":
            url, enabled = account.webhooks_url, account.hooks["sms"]
        else:
            url, enabled = account.callinfo_url, account.notifications[EVENT_NOTIFICATION[event]]
        if not url or not enabled:
            return None
        text = "".join(fields.get(name, "") for name in SIGNED_FIELDS[event])
        digest = hmac.new(account.api_secret.encode(), text.encode(), hashlib.sha1).hexdigest()
        signature = base64.b64encode(digest.encode()).decode()
        async with self._session().post(
            url, data=dict(fields), headers={"Signature": signature}
        ) as response:
            status = response.status
        account.pushed.append((dict(fields), status))
        return status

    # --- Account, SIP, callback, SMS -------------------------------------------------------

    def balance(self, call: Call) -> dict[str, Any]:
        """``GET /v1/info/balance/``."""
        return {"balance": call.account.balance, "currency": call.account.currency}

    def timezone(self, call: Call) -> dict[str, Any]:
        """``GET /v1/info/timezone/``: the account's zone and its clock."""
        return {
            "unixtime": int(time.time()),
            "datetime": _date(_now(), call.account.zone),
            "timezone": call.account.zone_name,
        }

    def pbx_internal(self, call: Call) -> dict[str, Any]:
        """``GET /v1/pbx/internal/``: the PBX id and its extensions."""
        if call.account.pbx_id is None:
            # GUESS: the notes show only a live answer of an account with a PBX; what
            # Zadarma answers without one is undocumented. Clients must not rely on this.
            raise RefusalError(400, "PBX not found")
        return {"pbx_id": call.account.pbx_id, "numbers": [100]}

    def rotate_key(self, old_key: str, new_key: str, new_secret: str) -> ZadarmaAccount:
        """Replace an account's API key and secret, as the personal account does."""
        account = self.accounts.pop(old_key)
        account.api_key, account.api_secret = new_key, new_secret
        self.accounts[new_key] = account
        return account

    def sips(self, call: Call) -> dict[str, Any]:
        """``GET /v1/sip/``."""
        sips = [
            {"id": sip.id, "display_name": sip.display_name, "lines": sip.lines}
            for sip in call.account.sips.values()
        ]
        return {"sips": sips, "left": max(5 - len(sips), 0)}

    def sip_status(self, call: Call) -> dict[str, Any]:
        """``GET /v1/sip/<SIP>/status/``."""
        sip = call.account.sips.get(call.match_info["sip"])
        if sip is None:
            raise RefusalError(400, "SIP not found")
        return {"sip": sip.id, "is_online": _flag(sip.online)}

    def callback(self, call: Call) -> dict[str, Any]:
        """``GET /v1/request/callback/``: remember the call that would be made."""
        source, target = call.required("from"), call.required("to")
        if not source or not target:
            raise RefusalError(400, "Check phone's number")
        sip = call.params.get("sip")
        if sip is not None and sip not in call.account.sips:
            raise RefusalError(400, "SIP not found")
        call.account.callbacks.append(
            {
                "from": source,
                "to": target,
                "sip": sip or "",
                "predicted": call.params.get("predicted", ""),
            }
        )
        return {"from": source, "to": target, "time": int(time.time())}

    def send_sms(self, call: Call) -> dict[str, Any]:
        """``POST /v1/sms/send/``: comma-joined or ``number[i]`` recipients."""
        listed = [value for key, value in call.pairs if key.startswith("number[")]
        recipients = listed or [item for item in call.required("number").split(",") if item]
        message = call.required("message")
        if not recipients or not message:
            raise RefusalError(400, "Check phone's number" if not recipients else "Wrong message")
        per_sms = 160 if message.isascii() else 70
        parts = max(1, math.ceil(len(message) / per_sms))
        sent = [number for number in recipients if number.isdigit() and len(number) >= 7]
        denied = [
            {"number": number, "message": "Wrong number"}
            for number in recipients
            if number not in sent
        ]
        cost = round(parts * len(sent) * SMS_PART_COST, 4)
        call.account.debit(cost)
        sender = call.params.get("sender") or call.params.get("caller_id") or ""
        for number in sent:
            call.account.sms.append({"number": number, "message": message, "sender": sender})
        return {
            "messages": parts * len(sent),
            "cost": cost,
            "currency": call.account.currency,
            "sms_detalization": [
                {"senderid": sender, "number": number, "cost": parts * SMS_PART_COST}
                for number in sent
            ],
            "denied_numbers": denied,
        }

    # --- Call statistics ---------------------------------------------------------------------

    def statistics(self, call: Call) -> dict[str, Any]:
        """``GET /v1/statistics/``: a page of calls, oldest first, or their cost."""
        return self._statistics(call, incoming=False)

    def incoming_statistics(self, call: Call) -> dict[str, Any]:
        """``GET /v1/statistics/incoming-calls/``: a page of incoming calls, oldest first."""
        return self._statistics(call, incoming=True)

    def _statistics(self, call: Call, *, incoming: bool) -> dict[str, Any]:
        zone = call.account.zone
        now = _now().astimezone(zone)
        start = _statistics_moment(call, "start", now.replace(day=1, hour=0, minute=0, second=0))
        end = _statistics_moment(call, "end", now)
        if end < start:
            raise RefusalError(400, "Wrong period")  # GUESS: the answer is not documented
        if end > add_months(start, 1):
            # GUESS: "at most one month" (spec); a calendar month and this message are ours.
            raise RefusalError(400, "The period may not exceed one month")
        kind = call.params.get("type", "overall")
        if kind not in ("overall", "toll-free") or (incoming and "type" in call.params):
            raise RefusalError(400, "Wrong type")
        skip = call.integer("skip", call.params.get("skip", "0"))
        limit = call.integer("limit", call.params.get("limit", str(MAX_STATISTICS_LIMIT)))
        if skip < 0 or limit < 1:
            raise RefusalError(400, "Wrong skip" if skip < 0 else "Wrong limit")
        sip = call.params.get("sip")
        chosen = sorted(
            (
                item
                for item in call.account.calls
                if item.incoming == incoming
                and start <= item.callstart <= end
                and sip in (None, item.sip)
                and (kind == "overall" or item.toll_free)
            ),
            key=lambda item: item.callstart,
        )
        period = {"start": _date(start, zone), "end": _date(end, zone)}
        # GUESS: which values turn cost_only on; PHP clients send 1.
        if not incoming and call.params.get("cost_only", "").lower() in ("1", "true"):
            return {**period, "stats": _cost_totals(chosen)}
        # GUESS: a limit above 1000 is cut to 1000 rather than refused.
        page = chosen[skip : skip + min(limit, MAX_STATISTICS_LIMIT)]
        return {
            **period,
            "stats": [item.to_json(call.settings.spec_typing, zone) for item in page],
        }

    async def _add_calls(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        account = self.accounts[body.get("api_key", DEMO_API_KEY)]
        callstart = body.get("callstart")
        added = [
            account.add_call(
                from_=str(body.get("from", "48601234567")),
                to=str(body.get("to", DEMO_NUMBER_AUTORENEW)),
                disposition=body.get("disposition", "answered"),
                billseconds=int(body.get("billseconds", 60)),
                sip=str(body.get("sip", "100001")),
                cost=float(body.get("cost", 0.0)),
                description=body.get("description", ""),
                callstart=(
                    datetime.strptime(callstart, DATE_FORMAT).replace(tzinfo=UTC)
                    if callstart
                    else None
                ),
            )
            for _ in range(int(body.get("count", 1)))
        ]
        return web.json_response([item.to_json(spec_typing=False) for item in added])

    async def _add_synthetic(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        account = self.accounts[body.pop("api_key", DEMO_API_KEY)]
        known = {"direct_numbers", "sips"}
        if not set(body) <= known:
            return web.json_response({"error": f"unknown fields: {sorted(body)}"}, status=400)
        account.add_synthetic(**{key: int(value) for key, value in body.items()})
        return web.json_response(
            {"direct_numbers": len(account.numbers), "sips": len(account.sips)}
        )

    # --- Connected direct numbers ----------------------------------------------------------

    def direct_numbers(self, call: Call) -> dict[str, Any]:
        """``GET /v1/direct_numbers/``."""
        spec = call.settings.spec_typing
        zone = call.account.zone
        return {"info": [number.to_json(spec, zone) for number in call.account.numbers.values()]}

    def direct_number(self, call: Call) -> dict[str, Any]:
        """``GET /v1/direct_numbers/number/``."""
        number = call.number(typed=True)
        info = number.to_json(call.settings.spec_typing, call.account.zone)
        # The spec and live answers of the single number carry no ``type`` (the list's do).
        del info["type"]
        return {"info": info}

    def get_autoprolongation(self, call: Call) -> dict[str, Any]:
        """``GET /v1/direct_numbers/autoprolongation/``."""
        number = call.number(typed=True)
        return {"number": number.number, "autoprolongation": "on" if number.autorenew else "off"}

    def set_autoprolongation(self, call: Call) -> dict[str, Any]:
        """``PUT /v1/direct_numbers/autoprolongation/``; refused for unpaid numbers."""
        number = call.number(typed=True)
        value = call.required("value")
        if value not in ("on", "off"):
            raise RefusalError(400, "Wrong value")
        if number.status.startswith("reserved"):
            raise RefusalError(400, "Autoprolongation is not allowed for this number")
        number.autorenew = value == "on"
        return {"number": number.number, "autoprolongation": value}

    def set_caller_name(self, call: Call) -> dict[str, Any]:
        """``PUT /v1/direct_numbers/set_caller_name/``; empty clears."""
        number = call.number(typed=True)
        caller_name = call.required("caller_name")
        if not CALLER_NAME.fullmatch(caller_name):
            raise RefusalError(400, "Wrong caller_name")
        number.number_name = caller_name or None
        return {"number": number.number, "caller_name": caller_name}

    def set_sip_id(self, call: Call) -> dict[str, Any]:
        """``PUT /v1/direct_numbers/set_sip_id/``: a SIP id of the account or ``user@host``."""
        number = call.number(typed=True)
        sip_id = call.required("sip_id")
        test_mode = call.params.get("test_mode")
        if test_mode not in (None, "on", "off"):
            raise RefusalError(400, "Wrong test_mode")
        sip = call.account.sips.get(sip_id)
        if sip is None and "@" not in sip_id:
            raise RefusalError(400, "SIP not found")
        number.sip, number.sip_name = sip_id, sip.display_name if sip else None
        if test_mode is not None:
            number.is_on_test = test_mode == "on"
        return {"number": number.number, "sip_id": sip_id}

    # --- Ordering ----------------------------------------------------------------------------

    def _language(self, call: Call) -> str:
        language = call.params.get("language", "en").lower()
        if language not in LANGUAGES:
            raise RefusalError(400, "Wrong language")
        return language

    def country_list(self, call: Call) -> dict[str, Any]:
        """``GET /v1/direct_numbers/countries/``."""
        language = self._language(call)
        info = [
            {
                "countryCode": names["code"],
                "countryCodeIso": iso,
                "name": names.get(language, names["en"]),
            }
            for iso, names in self.countries.items()
        ]
        return {"info": info}

    def country(self, call: Call) -> dict[str, Any]:
        """``GET /v1/direct_numbers/country/``."""
        self._language(call)
        iso = call.required("country").upper()
        if iso not in self.countries:
            raise RefusalError(400, "Country not found")
        wanted = call.params.get("direction_id")
        directions = [
            direction
            for direction in self.directions.values()
            if direction.iso == iso and (wanted is None or str(direction.id) == wanted)
        ]
        return {"info": [item.to_json(call.settings.spec_typing) for item in directions]}

    def _direction(self, call: Call, value: str | None = None) -> SimDirection:
        direction = self.directions.get(call.integer("direction_id", value))
        if direction is None:
            raise RefusalError(400, "Direction not found")
        return direction

    def available_numbers(self, call: Call) -> dict[str, Any]:
        """``GET /v1/direct_numbers/available/<DIRECTION_ID>/``: an id or a code (``ru495``)."""
        wanted = call.match_info["direction_id"]
        # GUESS: the page (002_) names the code form only by its example ``ru495``; we
        # read it as the lowercase ISO country followed by the area code.
        by_code = {f"{item.iso.lower()}{item.area_code}": item for item in self.directions.values()}
        direction = by_code.get(wanted.lower()) or self._direction(call, wanted)
        mask = call.params.get("mask", "")
        numbers = [
            asdict(item)
            for item in self.available.values()
            if item.direction_id == direction.id and mask in item.number
        ]
        return {"numbers": numbers}

    def order(self, call: Call) -> dict[str, Any]:
        """``POST /v1/direct_numbers/order/``: reserved when the balance is short."""
        direction = self._direction(call)
        group: SimGroup | None = None
        if "documents_group_id" in call.params:
            group = call.group(call.integer("documents_group_id"))
        elif direction.upload:
            raise RefusalError(400, '"documents_group_id" param is required')
        chosen = self._choose_available(call, direction)
        period = call.params.get("period", "month")
        autorenew_period = call.params.get("autorenew_period", "month")
        if period not in ("month", "3month") or autorenew_period not in ("month", "year"):
            raise RefusalError(400, "Wrong period")
        months = 3 if period == "3month" else 1
        status = _documents_status(self.validity(group, direction) if group else None)
        try:
            call.account.debit(direction.connect_fee + direction.monthly_fee * months)
        except RefusalError:
            status = f"reserved_{status}"
        del self.available[chosen.id]
        now = _now()
        call.account.numbers[chosen.number] = SimNumber(
            number=chosen.number,
            status=status,
            country=self.countries[direction.iso]["en"],
            description=direction.name,
            direction_id=direction.id,
            monthly_fee=direction.monthly_fee,
            currency=direction.currency,
            start_date=now,
            stop_date=add_months(now, months),
            autorenew_period=autorenew_period,
            receive_sms=direction.receive_sms and call.params.get("receive_sms") == "1",
            group_id=group.id if group else 0,
        )
        return {
            "number": chosen.number,
            "is_reserved": _flag(status.startswith("reserved")),
            "is_activated": _flag(status == "on"),
        }

    def _choose_available(self, call: Call, direction: SimDirection) -> SimAvailable:
        number_id = call.params.get("number_id")
        candidates = [
            item
            for item in self.available.values()
            if item.direction_id == direction.id and number_id in (None, item.id)
        ]
        if not candidates:
            raise RefusalError(400, "Number not found")
        return candidates[0]

    def prolong(self, call: Call) -> dict[str, Any]:
        """``POST /v1/direct_numbers/prolong/``: move ``stop_date`` and pay."""
        number = call.number()
        months = call.integer("months")
        if months < 1:
            raise RefusalError(400, "Wrong months")
        amount = round(number.monthly_fee * months, 4)
        call.account.debit(amount)
        number.stop_date = add_months(number.stop_date, months)
        return {
            "number": number.number,
            "stop_date": _date(number.stop_date, call.account.zone),
            "total_paid": {"amount": amount, "currency": number.currency},
        }

    # --- Documents ---------------------------------------------------------------------------

    def _group_data(self, call: Call) -> dict[str, str | None]:
        """Return a group's data from a create or an update, which both need every field."""
        data: dict[str, str | None] = {}
        for name in GROUP_REQUIRED:
            # GUESS: an empty value counts as a missing one.
            if not call.params.get(name):
                raise RefusalError(400, f'"{name}" param is required')
            data[name] = call.params[name]
        data.update({name: call.params[name] for name in GROUP_OPTIONAL if name in call.params})
        if data.get("salutation", "MR") not in SALUTATIONS:
            raise RefusalError(400, "Wrong salutation")
        if "@" not in (data.get("email") or "@"):
            raise RefusalError(400, "Wrong email")
        return data

    def create_group(self, call: Call) -> dict[str, Any]:
        """``POST /v1/documents/groups/create/``."""
        data = self._group_data(call)
        group_id = max(call.account.groups, default=0) + 1
        group = call.account.groups[group_id] = SimGroup(id=group_id, data=data)
        return {"group": group.to_json()}

    def update_group(self, call: Call) -> dict[str, Any]:
        """``PUT /v1/documents/groups/update/<ID>/``; the main group is read-only.

        The spec requires the same fields as create, so a partial body is refused.
        """
        group = call.group(call.integer("group_id", call.match_info["group_id"]))
        if group.is_readonly:
            raise RefusalError(400, "The main documents group is read-only")
        # GUESS: an optional field left out keeps its value (the spec does not say).
        group.data.update(self._group_data(call))
        return {"group": group.to_json()}

    def upload(self, call: Call) -> dict[str, Any]:
        """``POST /v1/documents/upload/`` (multipart; the file is not signed)."""
        group = call.group(call.integer("group_id"))
        document_type = call.required("document_type")
        if document_type not in DOCUMENT_TYPES:
            raise RefusalError(400, "Wrong document_type")
        upload = call.files.get("file")
        if upload is None:
            raise RefusalError(400, '"file" param is required')
        name = upload.filename or "document"
        group.files.append(SimDocument(type=document_type, name=name))
        return {
            "message": f"The File {name} has been successfully uploaded to the website.",
            "doc_name": name,
        }

    def group_list(self, call: Call) -> dict[str, Any]:
        """``GET /v1/documents/groups/list/``."""
        return {"groups": [group.to_json() for group in call.account.groups.values()]}

    def get_group(self, call: Call) -> dict[str, Any]:
        """``GET /v1/documents/groups/get/<ID>/`` (0 = main)."""
        group = call.group(call.integer("group_id", call.match_info["group_id"]))
        return {"group": group.to_json()}

    def files(self, call: Call) -> dict[str, Any]:
        """``GET /v1/documents/files/`` (no or 0 ``group_id`` = main)."""
        group = call.group(call.integer("group_id", call.params.get("group_id", "0")))
        return {"documents": [item.to_json() for item in group.files]}

    def validate_group(self, call: Call) -> dict[str, Any]:
        """``GET /v1/documents/groups/valid/<ID>/``: the direction's needs vs the uploads."""
        group = call.group(call.integer("group_id", call.match_info["group_id"]))
        checks = self.validity(group, self._direction(call))
        return {name: _flag(value) for name, value in checks.items()}

    @staticmethod
    def validity(group: SimGroup, direction: SimDirection) -> dict[str, bool]:
        """Return the four checks of a group against a direction's restrictions."""
        uploaded = {item.type for item in group.files}
        verified = {item.type for item in group.files if item.verified}
        address_needed = "address" in direction.specify
        return {
            "is_information_match": all(group.data.get(name) for name in direction.specify),
            "is_documents_uploaded": set(direction.upload) <= uploaded,
            "is_documents_verified": set(direction.upload) <= verified,
            "is_address_match": not address_needed or group.data.get("country") == direction.iso,
        }

    # --- Seed --------------------------------------------------------------------------------

    def _seed_catalogue(self) -> None:
        self.countries = {
            "PL": {"code": "48", "en": "Poland", "pl": "Polska", "de": "Polen"},
            "GB": {"code": "44", "en": "United Kingdom", "pl": "Wielka Brytania"},
        }
        passport = {"passport": "Passport or ID copy (both sides)"}
        for direction in (
            SimDirection(
                3061,
                "PL",
                "48",
                "22",
                "Warsaw",
                0.0,
                6.0,
                upload=passport,
                specify=["address"],
                connect_time="1",
            ),
            SimDirection(
                3062,
                "PL",
                "48",
                "12",
                "Krakow",
                0.0,
                6.0,
                upload=passport,
                specify=["address"],
                connect_time="1",
            ),
            SimDirection(2001, "GB", "44", "20", "London", 0.0, 4.5),
            SimDirection(
                2002,
                "GB",
                "44",
                "7",
                "Mobile",
                5.0,
                10.0,
                upload={**passport, "receipt": "Utility bill not older than 3 months"},
                specify=["address", "id_number"],
                receive_sms=True,
                feature="SMS reception",
                connect_time="3",
            ),
        ):
            self.directions[direction.id] = direction
        for direction_id, numbers in {
            3061: ("48221110001", "48221110002", "48221110003"),
            3062: ("48121110001", "48121110002"),
            2001: ("442030001001", "442030001002", "442030001003"),
            2002: ("447700900001", "447700900002"),
        }.items():
            for index, number in enumerate(numbers):
                number_id = f"{direction_id}p0D{index}t{number[-4:]}"
                self.available[number_id] = SimAvailable(number_id, direction_id, number)


def demo_account() -> ZadarmaAccount:
    """Return the seeded demo account (dates relative to now)."""
    now = _now()
    main = SimGroup(
        id=0,
        is_readonly=True,
        data={
            "email": "jan.kowalski@example.com",
            "salutation": "MR",
            "first_name": "Jan",
            "last_name": "Kowalski",
            "country": "PL",
            "city": "Warszawa",
            "address": "ul. Marszalkowska 1, 00-001 Warszawa",
            "zip_code": "00-001",
            "street": "Marszalkowska",
            "building_number": "1",
            "phone": "48221234567",
            "region": "",
            "type_of_id": "",
        },
        files=[SimDocument(type="passport", name="passport.jpg", verified=True)],
    )
    account = ZadarmaAccount(
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        pbx_id=DEMO_PBX_ID,
        balance=25.40,
        currency="USD",
        sips={
            "100001": SimSip("100001", "Office", lines=3, online=True),
            "100002": SimSip("100002", "Mobile app", lines=1, online=False),
        },
        numbers={
            DEMO_NUMBER_AUTORENEW: SimNumber(
                number=DEMO_NUMBER_AUTORENEW,
                status="on",
                country="Poland",
                description="Warsaw",
                direction_id=3061,
                monthly_fee=6.0,
                start_date=now - timedelta(days=200),
                stop_date=now + timedelta(days=25),
                number_name="Office",
                sip="100001",
                sip_name="Office",
                autorenew=True,
            ),
            DEMO_NUMBER_EXPIRING: SimNumber(
                number=DEMO_NUMBER_EXPIRING,
                status="on",
                country="United Kingdom",
                description="London",
                direction_id=2001,
                monthly_fee=4.5,
                start_date=now - timedelta(days=360),
                stop_date=now + timedelta(days=5),
                sip="100002",
                sip_name="Mobile app",
                autorenew=False,
            ),
        },
        groups={0: main},
    )
    _seed_calls(account, now)
    return account


DEMO_CALLER = "48601234567"
DEMO_CALLED_MOBILE = "48501234567"
DEMO_CALLED_LONDON = "442079460000"


def _seed_calls(account: ZadarmaAccount, now: datetime) -> None:
    """Give the demo account calls of the last weeks: in (answered, missed) and out."""
    office, london = DEMO_NUMBER_AUTORENEW, DEMO_NUMBER_EXPIRING
    warsaw, uk = "Poland, Warsaw", "United Kingdom, London"
    # days ago, from, to, disposition, billed seconds, SIP, cost a minute, description
    seeded = [
        (40.0, DEMO_CALLER, office, "answered", 95, "100001", 0.0, warsaw),
        (10.1, office, DEMO_CALLED_LONDON, "answered", 62, "100001", 0.012, uk),
        (2.2, DEMO_CALLER, office, "answered", 185, "100001", 0.0, warsaw),
        (2.1, "442071234567", london, "no answer", 0, "100002", 0.0, uk),
        (1.3, DEMO_CALLER, office, "busy", 0, "100001", 0.0, warsaw),
        (1.1, office, DEMO_CALLED_MOBILE, "answered", 240, "100001", 0.05, "Poland, Mobile"),
        (0.1, london, DEMO_CALLED_LONDON, "cancel", 0, "100002", 0.012, uk),
    ]
    for days, source, target, disposition, seconds, sip, cost, description in seeded:
        account.add_call(
            from_=source,
            to=target,
            disposition=disposition,
            billseconds=seconds,
            sip=sip,
            cost=cost,
            description=description,
            callstart=now - timedelta(days=days),
        )


def _statistics_moment(call: Call, name: str, default: datetime) -> datetime:
    """Return ``start`` or ``end`` of a statistics request.

    GUESS: Zadarma does not say which zone these are in; like every other date of the
    account they are taken in its zone (``/v1/info/timezone/``). Missing ones default
    as the spec describes (month start, now).
    """
    text = call.params.get(name)
    if text is None:
        return default
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=call.account.zone)
    except ValueError:
        raise RefusalError(400, f"Wrong {name}") from None


def _cost_totals(calls: list[SimCall]) -> list[dict[str, Any]]:
    """Return the ``cost_only`` answer: one total per currency (GUESS: the grouping)."""
    totals: dict[str, dict[str, Any]] = {}
    for item in calls:
        total = totals.setdefault(
            item.currency, {"cost": 0.0, "currency": item.currency, "seconds": 0}
        )
        total["cost"] = round(total["cost"] + item.billcost, 4)
        total["seconds"] += item.billseconds
    return list(totals.values())


def _documents_status(checks: dict[str, bool] | None) -> str:
    """Return the status of a fresh order: ``on``, ``checking`` or ``checking_upload``."""
    if checks is None or all(checks.values()):
        return "on"
    return "checking" if checks["is_documents_uploaded"] else "checking_upload"


async def _received(
    request: web.Request,
) -> tuple[list[tuple[str, str]], dict[str, web.FileField]]:
    """Return the signed parameters as received (query or form) and any files."""
    if request.method == "GET":
        return list(request.query.items()), {}
    form: MultiDictProxy[str | bytes | web.FileField] = await request.post()
    pairs = [(key, value) for key, value in form.items() if isinstance(value, str)]
    files = {key: value for key, value in form.items() if isinstance(value, web.FileField)}
    return pairs, files


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"status": "error", "message": message}, status=status)


async def _unknown_method(request: web.Request) -> web.Response:
    return _error(404, "Wrong method name")


def _flags(values: Mapping[str, bool]) -> dict[str, str]:
    """Return switches as Zadarma writes them: ``"true"``/``"false"``."""
    return {name: "true" if on else "false" for name, on in values.items()}


def _parsed_flags(call: Call, names: tuple[str, ...]) -> dict[str, bool]:
    """Return the switches a request sets (only ``"true"``/``"false"`` are taken)."""
    parsed: dict[str, bool] = {}
    for name in names:
        value = call.params.get(name)
        if value is None:
            continue
        if value not in ("true", "false"):
            raise RefusalError(400, f"Wrong {name}")  # GUESS: the message is ours
        parsed[name] = value == "true"
    return parsed
