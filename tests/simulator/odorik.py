"""A stateful fake of the Odorik.cz API, answering as the official pages document.

Where the pages and the research notes are silent (error tokens of some
endpoints, success bodies of writes, paging corners) the simulator guesses; every
guess is marked ``# GUESS:`` and neither the client nor its tests may depend on it.

Seeded demo account (timestamps relative to "now"):

- account ``1234567`` / API password ``odorik-demo``; lines ``403366`` (password
  ``line-demo-1``) and ``403367`` (``line-demo-2``); balance 554.03 CZK
- SIM cards ``00420799799081`` (line 403366, data on, LTE, roaming
  ``eu_data_outgoing``) and ``00420799799082`` (line 403367, data off, roaming off);
  ``00420799799083`` is a line number without a SIM (ICCID
  ``89420011000389617997``, PIN ``1234`` may be assigned to it)
- public numbers ``00420533533533`` (geographic, a route and a parallel ringing) and
  ``00420910110910`` (nomadic); SIP name ``demo_sip`` and shared numbers
  ``00420533533401``/``402`` only with the ``include_*`` flags
- 60 days of calls and SMS, daily mobile data per SIM, one active call

Control endpoints (not counted as operator requests):

- ``GET /_control/odorik/state``: balance, settings, SIM cards, active calls
- ``POST /_control/odorik/settings``: ``{"sim_change_seconds": 20, "balance": -5,
  "callback_failed": true, "sms_gateway_failed": true, "empty_write_bodies": true}``
  (``empty_write_bodies``: successful writes of routes, ringings, active calls and
  SIM cards answer an empty body)
- ``POST /_control/odorik/active_calls``, ``/calls``, ``/mobile_data``: add a record;
  ``/calls`` with ``"count": n`` adds n (answering a list), ``"sms": true`` adds SMS
  (with ``"inbound": true`` an SMS received from ``source_number`` by the SIM card
  ``destination_number``); tests may call ``OdorikSimulator.add_calls(n, ...)`` directly
- SMS are numbered by themselves (not by the call history's counter) and are listed
  both by ``GET /sms.json`` and, with ``include_sms=true``, by ``calls.json``
- ``POST /_control/odorik/history``: add months of calls and mobile data at once,
  ``{"days": 365, "calls_per_day": 300, "data_per_day": 500}`` (see ``add_history``)
- ``POST /_control/odorik/synthetic``: make the account a large one for the benchmarks
  (``scripts/bench``), ``{"sim_cards": 500, "calls": 10000, "public_numbers": 50}``:
  then it has that many SIM cards (each with a mobile-data record a day this month),
  calls this month and public numbers (each routed to a line); see ``add_synthetic``
- ``POST /_control/odorik/reset``: back to the seeded state
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
import json
import math
import random
import re
from typing import Any, Self
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from aiohttp import web

from .app import CONTROL_KEY, SimulatorServer

PRAGUE = ZoneInfo("Europe/Prague")
ACCOUNT_USER = "1234567"
ACCOUNT_PASSWORD = "odorik-demo"
LINE_PASSWORDS = {403366: "line-demo-1", 403367: "line-demo-2"}
SEEDED_BALANCE = 554.03
SMS_NAME = "SMS zpráva"
# GUESS: no source says how SMS ids relate to call ids. The SMS history (``/sms.json``)
# numbers its records by itself (notes §4.2); here they are far below the call ids, so
# a client that mixes the two id spaces under ``since_id`` fails the tests.
SMS_ID_START = 5_120_000
CALL_ID_START = 98_292_000
SMS_HISTORY_FIELDS = [
    "id",
    "date",
    "direction",
    "source_number",
    "destination_number",
    "type",
    "roaming_zone",
    "status",
    "price",
    "balance_after",
    "line",
]

DATA_PACKAGES = [
    ("perKB_50MB", 0),
    ("perKB_100MB", 0),
    ("perKB_200MB", 0),
    ("perKB_400MB", 0),
    ("perKB_500MB", 0),
    ("150MB", 60),
    ("300MB", 95),
    ("600MB", 160),
    ("1000MB", 220),
    ("1500MB", 295),
    ("2000MB", 320),
    ("3000MB", 440),
    ("10GB", 690),
]
PER_KB = "perKB_"
PER_KB_DEFAULT = "perKB_50MB"
CREDIT_ADDONS = [("200MB", 49), ("500MB", 99), ("1GB", 149)]
DELAYED_BILLING_PACKAGES = [("none", 0), ("naruby_100", 100), ("naruby_300", 250)]
# GUESS: 003 names no roaming profile but its example eu_data_outgoing ("see the source
# of available roaming settings"); these names are one client's guesses. The list a SIM
# card offers is the setting roaming_settings, so that tests can offer others.
ROAMING_SETTINGS = ["off", "eu_data_outgoing", "eu_outgoing", "world_outgoing"]
VOICE_PACKAGES = ["none", "100min", "300min", "unlimited"]
PREMIUM_SERVICES = ["off", "sms_payments_and_dms", "all_other_than_sms_payments_and_dms", "all"]
BOOLEAN_SIM_SETTINGS = ["missed_calls_register", "mobile_data", "lte", "lte_for_next_month"]
SIM_SETTINGS = [
    "data_package",
    "data_package_for_next_month",
    "voice_package",
    "voice_package_for_next_month",
    "package_delayed_billing",
    "package_delayed_billing_for_next_month",
    *BOOLEAN_SIM_SETTINGS,
    "roaming",
    "premium_services",
]
NEXT_MONTH_REQUESTS = [
    "requested_data_plan_for_next_month",
    "requested_data_roaming_plan_for_next_month",
    "requested_voice_roaming_plan_for_next_month",
    "requested_tariff_plan_for_next_month",
]
CALL_FIELDS = [
    "id",
    "redirection_parent_id",
    "date",
    "direction",
    "source_number",
    "destination_number",
    "destination_name",
    "length",
    "ringing_length",
    "status",
    "price",
    "price_per_minute",
    "balance_after",
    "line",
    "active_call_id",
]
CSV_EXTRA_FIELDS = ["sip_in_call_id", "sip_out_call_id"]
MAX_PAGE_SIZE = 2000
# Clients post forms, or bodies without a Content-Type (aiohttp then reports octet-stream).
FORM_TYPES = {"application/x-www-form-urlencoded", "application/octet-stream", "text/plain"}

NUMBER = re.compile(r"^00\d{6,16}$")
INTERNAL = re.compile(r"^\*\d{1,20}$")
ICCID = re.compile(r"^\d{18,22}F?$")
PIN = re.compile(r"^\d{4,8}$")

type Params = dict[str, str]
type Record = dict[str, Any]


class OdorikRefusalError(Exception):
    """An Odorik error answer: rendered in the style of the endpoint."""

    def __init__(self, token: str, detail: str | None = None) -> None:
        """Store the token and optional details (plain-text style only)."""
        super().__init__(token)
        self.token = token
        self.detail = detail


@dataclass(frozen=True)
class Principal:
    """Who is asking: the whole account (``line`` None) or one line."""

    line: int | None

    def sees(self, line: int | None) -> bool:
        """Return whether this login may see data of ``line``."""
        return self.line is None or self.line == line


@dataclass
class OdorikSettings:
    """Switches set through ``POST /_control/odorik/settings``."""

    sim_change_seconds: float = 0.0
    callback_failed: bool = False
    sms_gateway_failed: bool = False
    # Answer successful writes (routes, ringings, hang-up, SIM PUT) with an empty body.
    empty_write_bodies: bool = False
    # List SMS in /sms.json without ``direction``, as calls.json lists them (the only
    # public description of SMS rows says they lack it).
    sms_without_direction: bool = False
    # The roaming profiles a SIM card offers (and accepts); see ROAMING_SETTINGS.
    roaming_settings: list[str] = field(default_factory=lambda: list(ROAMING_SETTINGS))
    # "PUT /sim_cards/{phone}.json" style methods (as registered, with placeholders)
    # whose answers are lost: the request is handled, then the connection closes
    # before the answer is written, as when a timeout or a dropped link cuts it off.
    lost_answers: list[str] = field(default_factory=list)
    # Methods, named as for lost_answers, answered as successful writes (as
    # ``_written`` answers) without changing anything: a server that drops a change.
    unapplied_writes: list[str] = field(default_factory=list)


@dataclass
class FakeLine:
    """A line of the demo account."""

    id: int
    password: str
    name: str
    caller_id: str
    public_number: str


@dataclass
class FakePublicNumber:
    """A public number, SIP name or shared number with its routing rules."""

    number: str
    type: str
    line: int | None
    routes: list[Record] = field(default_factory=list)


@dataclass
class FakeSim:
    """A SIM card; ``pending`` changes apply when ``pending_until`` passes."""

    id: int
    phone_number: str
    line: int
    sim_number: str
    pin: str
    state: str
    settings: dict[str, Any]
    extra_bytes: int = 0
    requested: Params = field(default_factory=dict)
    pending: dict[str, Any] = field(default_factory=dict)
    pending_labels: list[str] = field(default_factory=list)
    pending_until: datetime | None = None
    data_restarts: int = 0


@dataclass
class Endpoint:
    """One registered operator route."""

    method: str
    path: str
    style: str
    handler: Callable[[web.Request, Params, Principal], Awaitable[web.Response]]


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_moment(text: str) -> datetime:
    """Parse an XML-Schema dateTime; without an offset it is Prague time."""
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=PRAGUE)
    return parsed.astimezone(UTC)


def _month_bounds(now: datetime) -> tuple[datetime, datetime]:
    local = now.astimezone(PRAGUE)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start.astimezone(UTC), following.astimezone(UTC) - timedelta(seconds=1)


def _package_bytes(name: str) -> int | None:
    match = re.fullmatch(r"(\d+)(MB|GB)", name)
    if match is None:
        return None
    return int(match.group(1)) * (1024**2 if match.group(2) == "MB" else 1024**3)


def _price(length: int, per_minute: float) -> float:
    return round(per_minute * length / 60, 4)


def _int_param(params: Params, key: str) -> int | None:
    try:
        return int(params[key])
    except (KeyError, ValueError):
        return None


def _float_param(params: Params, key: str) -> float | None:
    try:
        return float(params[key])
    except (KeyError, ValueError):
        return None


def _options(items: Iterable[tuple[str, float]]) -> list[Record]:
    return [{"name": name, "price": price} for name, price in items]


def _text(body: str) -> web.Response:
    return web.Response(text=body, content_type="text/plain", charset="utf-8")


def _json(payload: object, *, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        text=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def _xml_element(name: str, value: object) -> str:
    tag = name.replace("_", "-")
    if value is None:
        return f'<{tag} nil="true"/>'
    if isinstance(value, bool):
        return f'<{tag} type="boolean">{"true" if value else "false"}</{tag}>'
    if isinstance(value, int):
        return f'<{tag} type="integer">{value}</{tag}>'
    if isinstance(value, float):
        return f'<{tag} type="float">{value}</{tag}>'
    if name == "date":
        return f'<{tag} type="dateTime">{value}</{tag}>'
    return f"<{tag}>{escape(str(value))}</{tag}>"


def render_error(style: str, token: str, detail: str | None = None) -> web.Response:
    """Render an error answer the way the endpoint's format does (always HTTP 200)."""
    if style == "json":
        return _json({"errors": [token]})
    if style == "csv":
        return web.Response(text=f"errors\n{token}\n", content_type="text/csv", charset="utf-8")
    if style == "xml":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<errors>\n  <error>{escape(token)}</error>\n</errors>\n"
        )
        return web.Response(text=body, content_type="application/xml", charset="utf-8")
    return _text(f"error {token} {detail}" if detail else f"error {token}")


class OdorikSimulator:
    """The state and HTTP handlers of the fake Odorik API."""

    def __init__(self, app: web.Application, *, seed: bool) -> None:
        """Create the (optionally seeded) state; ``clock`` may be replaced by tests."""
        self.app = app
        self.seeded = seed
        self.clock: Callable[[], datetime] = _now
        self.last_params: Params = {}
        self._reset_state()

    # -- setup ---------------------------------------------------------------

    @classmethod
    def setup(cls, app: web.Application, prefix: str, *, seed: bool) -> OdorikSimulator:
        """Register the operator routes under ``prefix`` and the control routes."""
        simulator = cls(app, seed=seed)
        app[ODORIK_KEY] = simulator
        for endpoint in simulator._endpoints():
            app.router.add_route(endpoint.method, prefix + endpoint.path, simulator._wrap(endpoint))
        app.router.add_get("/_control/odorik/state", simulator._control_state)
        app.router.add_post("/_control/odorik/settings", simulator._control_settings)
        app.router.add_post("/_control/odorik/active_calls", simulator._control_active_call)
        app.router.add_post("/_control/odorik/calls", simulator._control_call)
        app.router.add_post("/_control/odorik/mobile_data", simulator._control_mobile_data)
        app.router.add_post("/_control/odorik/history", simulator._control_history)
        app.router.add_post("/_control/odorik/synthetic", simulator._control_synthetic)
        app.router.add_post("/_control/odorik/reset", simulator._control_reset)
        return simulator

    @classmethod
    def of(cls, app: web.Application) -> Self:
        """Return the simulator registered on ``app``."""
        simulator = app[ODORIK_KEY]
        assert isinstance(simulator, cls)
        return simulator

    def _endpoints(self) -> list[Endpoint]:
        pn = "/public_numbers/{number}"
        sim = "/sim_cards/{phone}"
        return [
            Endpoint("GET", "/balance", "plain", self._balance),
            Endpoint("GET", "/lines", "plain", self._lines_plain),
            Endpoint("GET", "/lines.json", "json", self._lines_json),
            Endpoint("GET", "/sms/allowed_sender", "plain", self._allowed_senders),
            Endpoint("POST", "/sms", "plain", self._send_sms),
            Endpoint("GET", "/sms.json", "json", self._sms_history),
            Endpoint("GET", "/public_numbers.json", "json", self._public_numbers),
            Endpoint("GET", pn + "/ringings.json", "json", self._ringings),
            Endpoint("POST", pn + "/ringings.json", "json", self._add_ringing),
            Endpoint("DELETE", pn + "/ringings/{ringing}.json", "json", self._delete_ringing),
            Endpoint("GET", pn + "/routes.json", "json", self._routes),
            Endpoint("POST", pn + "/routes.json", "json", self._add_route),
            Endpoint("DELETE", pn + "/routes/{route_id}.json", "json", self._delete_route),
            Endpoint("POST", "/callback", "plain", self._callback),
            Endpoint("GET", "/calls.json", "json", self._calls),
            Endpoint("GET", "/calls.csv", "csv", self._calls),
            Endpoint("GET", "/calls.xml", "xml", self._calls),
            Endpoint("GET", "/active_calls.json", "json", self._active_calls),
            Endpoint("DELETE", "/active_calls/{call_id}.json", "json", self._hang_up),
            Endpoint("GET", "/call_statistics.json", "json", self._statistics),
            Endpoint("GET", "/call_statistics/by_destination.json", "json", self._by_destination),
            Endpoint("GET", "/call_statistics/missed_calls.json", "json", self._missed_calls),
            Endpoint("GET", "/sim_cards.json", "json", self._sim_cards),
            Endpoint("GET", "/sim_cards/mobile_data.json", "json", self._mobile_data),
            Endpoint("GET", sim + ".json", "json", self._sim_card),
            Endpoint("PUT", sim + ".json", "json", self._update_sim),
            Endpoint("POST", sim + "/data_restart", "plain", self._data_restart),
            Endpoint("GET", sim + "/mobile_data.json", "json", self._mobile_data),
            Endpoint("POST", sim + "/assign_number_to_sim.json", "json", self._assign_number),
        ]

    def _wrap(self, endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            params = await self._params(request)
            self.last_params = params
            control = self.app[CONTROL_KEY]
            try:
                revoked = bool(control.fire(request, "revoke"))
                principal = self._authenticate(params, revoked=revoked)
                # The ``stuck_sim`` injections: SIM cards this request sees stuck.
                stuck = {str(item.options["number"]) for item in control.fire(request, "stuck_sim")}
                request[STUCK_SIMS] = stuck
                self.settle(stuck)
                if f"{endpoint.method} {endpoint.path}" in self.settings.unapplied_writes:
                    response = self._written({})
                else:
                    response = await endpoint.handler(request, params, principal)
            except OdorikRefusalError as refusal:
                response = render_error(endpoint.style, refusal.token, refusal.detail)
            if f"{endpoint.method} {endpoint.path}" in self.settings.lost_answers:
                return self._lose(request)
            return response

        return handle

    @staticmethod
    def _lose(request: web.Request) -> web.Response:
        """Close the connection of a handled request: its answer never arrives."""
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=200)

    @staticmethod
    async def _params(request: web.Request) -> Params:
        """Merge query and form body; the body wins."""
        params = dict(request.query)
        body = await request.text()
        if body and request.content_type in FORM_TYPES:
            params.update(parse_qsl(body, keep_blank_values=True))
        return params

    def _authenticate(self, params: Params, *, revoked: bool = False) -> Principal:
        user = params.get("user", "")
        password = params.get("password", "")
        if not user or not password:
            raise OdorikRefusalError("authentication_required")
        if self.app[CONTROL_KEY].faults["odorik"].reject_auth or revoked or not self.seeded:
            raise OdorikRefusalError("authentication_failed")
        if user == ACCOUNT_USER and password == ACCOUNT_PASSWORD:
            return Principal(line=None)
        line = self.lines.get(int(user)) if user.isdigit() else None
        if line is not None and password == line.password:
            return Principal(line=line.id)
        raise OdorikRefusalError("authentication_failed")

    # -- state -----------------------------------------------------------------

    def _reset_state(self) -> None:
        self.settings = OdorikSettings()
        self.balance = 0.0
        self.lines: dict[int, FakeLine] = {}
        self.public_numbers: dict[str, FakePublicNumber] = {}
        self.foreign_shared_routes: set[tuple[str, str]] = set()
        self.sims: dict[str, FakeSim] = {}
        self.spare_numbers: dict[str, int] = {}
        self.spare_sims: dict[str, str] = {}
        self.calls: list[Record] = []
        self.active_calls: list[Record] = []
        self.mobile_data: list[Record] = []
        self.scheduled: list[Record] = []
        self.allowed_senders: list[str] = []
        self._ids: Counter[str] = Counter()
        # By date, for the periods of calls.json and mobile_data.json (rebuilt on change).
        self._indexes: dict[str, tuple[tuple[int, int], list[datetime], list[int]]] = {}
        if self.seeded:
            self._seed(self.clock())

    def _next_id(self, kind: str, start: int) -> int:
        self._ids[kind] += 1
        return start + self._ids[kind]

    def _seed(self, now: datetime) -> None:
        self.balance = SEEDED_BALANCE
        self.lines = {
            403366: FakeLine(403366, "line-demo-1", "Kancelář", "00420533533533", "00420533533533"),
            403367: FakeLine(403367, "line-demo-2", "Mobil", "00420799799082", "00420910110910"),
        }
        self.allowed_senders = ["Odorik.cz", "5517", "smsinfo", "00420799799081"]
        self.public_numbers = {
            "00420533533533": FakePublicNumber("00420533533533", "geographic", 403366),
            "00420910110910": FakePublicNumber("00420910110910", "nomadic", 403367),
            "demo_sip": FakePublicNumber("demo_sip", "sip_name", 403366),
            "00420533533401": FakePublicNumber("00420533533401", "shared", None),
            "00420533533402": FakePublicNumber("00420533533402", "shared", None),
        }
        self._store_route("00420533533533", "*", "*403366")
        self._store_route("00420533533533", "00420555444333", "00420799799081")
        self._store_route("00420910110910", "*", "*403367")
        self.foreign_shared_routes = {("00420533533401", "00420777000111")}
        self.sims = {
            "00420799799081": FakeSim(
                id=1013,
                phone_number="00420799799081",
                line=403366,
                sim_number="8942001100038961787F",
                pin="1111",
                state="active",
                settings=self._default_sim_settings(),
            ),
            "00420799799082": FakeSim(
                id=1014,
                phone_number="00420799799082",
                line=403367,
                sim_number="8942001100038961795F",
                pin="2222",
                state="active",
                settings={
                    "data_package": "perKB_50MB",
                    "data_package_for_next_month": "perKB_50MB",
                    "voice_package": "none",
                    "voice_package_for_next_month": "none",
                    "package_delayed_billing": "none",
                    "package_delayed_billing_for_next_month": "none",
                    "missed_calls_register": False,
                    "mobile_data": False,
                    "lte": True,
                    "lte_for_next_month": True,
                    "roaming": "off",
                    "premium_services": "off",
                },
            ),
        }
        self.spare_numbers = {"00420799799083": 403367}
        self.spare_sims = {"89420011000389617997": "1234"}
        self._seed_calls(now)
        self._seed_mobile_data(now)
        self.active_calls = [
            {
                "id": 14990661,
                "source_number": "00420555444333",
                "destination_number": "00420533533533",
                "destination_name": "Česko v síti",
                "start_date": now - timedelta(minutes=3),
                "answer_date": now - timedelta(minutes=2, seconds=50),
                "price_per_minute": 0.0,
                "line": 403366,
            }
        ]

    def _seed_calls(self, now: datetime) -> None:
        rng = random.Random(403366)  # noqa: S311 - deterministic demo data
        rows: list[Record] = []
        for days_ago in range(59, -1, -1):
            day = now - timedelta(days=days_ago)
            out_length = rng.randint(20, 600)
            rows.append(
                self._call_row(
                    day - timedelta(hours=5),
                    "out",
                    "00420799799081",
                    "00420601234567",
                    "Česká rep. - mobil",
                    length=out_length,
                    per_minute=0.59,
                    line=403366,
                    recording=(
                        f"https://www.odorik.cz/recordings/{days_ago}.mp3"
                        if days_ago % 5 == 0
                        else None
                    ),
                )
            )
            incoming = self._call_row(
                day - timedelta(hours=3),
                "in",
                "00420555444333",
                "00420533533533",
                "Česko v síti",
                length=rng.randint(30, 900),
                per_minute=0.0,
                line=403366,
            )
            rows.append(incoming)
            rows.append(
                self._call_row(
                    day - timedelta(hours=3),
                    "redirected",
                    "00420555444333",
                    "00420799799081",
                    "Odorik.cz mobil",
                    length=incoming["length"],
                    per_minute=0.35,
                    line=403366,
                    parent=incoming["id"],
                )
            )
            if days_ago % 2 == 0:
                rows.append(
                    self._call_row(
                        day - timedelta(hours=1),
                        "in",
                        "00420533999999",
                        "00420910110910",
                        "Česko v síti",
                        length=0,
                        per_minute=0.0,
                        line=403367,
                        status="missed",
                    )
                )
            if days_ago % 4 == 1:
                rows.append(
                    self._sms_row(
                        day - timedelta(minutes=40),
                        "00420799799081",
                        403366,
                        sender="00420601234567",
                    )
                )
            if days_ago % 3 == 0:
                rows.append(self._sms_row(day - timedelta(minutes=10), "00420601234567", 403366))
        balance = SEEDED_BALANCE + sum(row["price"] for row in rows)
        for row in rows:
            balance -= row["price"]
            row["balance_after"] = round(balance, 4)
        self.calls = rows

    def _call_row(
        self,
        date: datetime,
        direction: str,
        source: str,
        destination: str,
        name: str,
        *,
        length: int,
        per_minute: float,
        line: int,
        status: str = "answered",
        parent: int | None = None,
        recording: str | None = None,
    ) -> Record:
        call_id = self._next_id("call", CALL_ID_START)
        return {
            "id": call_id,
            "redirection_parent_id": parent,
            "date": date,
            "direction": direction,
            "source_number": source,
            "destination_number": destination,
            "destination_name": name,
            "length": length,
            "ringing_length": 20 if status == "missed" else 6,
            "status": status,
            "price": _price(length, per_minute),
            "price_per_minute": per_minute,
            "balance_after": None,
            "line": line,
            "active_call_id": self._next_id("active", 47088000),
            "recording": recording,
            "sip_in_call_id": f"in-{call_id}@sip.odorik.cz",
            "sip_out_call_id": f"out-{call_id}@sip.odorik.cz" if direction != "in" else None,
        }

    def _sms_row(
        self, date: datetime, recipient: str, line: int, *, sender: str | None = None
    ) -> Record:
        """Return an SMS as calls.json lists it with ``include_sms=true``.

        Without ``sender`` the account sent it (from the line's caller id); with one,
        ``recipient`` (a SIM card of the account) received it from ``sender``.

        GUESS: only one client describes these rows: ``destination_name`` "SMS zpráva",
        ``direction`` null and no length or status (null here), for sent and received
        SMS alike. GUESS: a received SMS costs nothing. The SMS history (/sms.json)
        tells the direction (``sms_direction``, kept beside the row).
        """
        inbound = sender is not None
        price = 0.0 if inbound else 1.2 if recipient.startswith("00420") else 2.5
        return {
            "id": self._next_id("sms", SMS_ID_START),
            "sms_direction": "in" if inbound else "out",
            "redirection_parent_id": None,
            "date": date,
            "direction": None,
            "source_number": sender if inbound else self.lines[line].caller_id,
            "destination_number": recipient,
            "destination_name": SMS_NAME,
            "length": None,
            "ringing_length": None,
            "status": None,
            "price": price,
            "price_per_minute": None,
            "balance_after": None,
            "line": line,
            "active_call_id": None,
            "recording": None,
            "sip_in_call_id": None,
            "sip_out_call_id": None,
        }

    def _seed_mobile_data(self, now: datetime) -> None:
        rng = random.Random(799799)  # noqa: S311 - deterministic demo data
        today = now.astimezone(PRAGUE).date()
        records: list[Record] = []
        for days_ago in range(59, -1, -1):
            day = today - timedelta(days=days_ago)
            midnight = datetime(day.year, day.month, day.day, tzinfo=PRAGUE).astimezone(UTC)
            down = rng.randint(1_000_000, 40_000_000)
            records.append(self._data_record(midnight, "00420799799081", down // 10, down, 0.0))
            if days_ago >= 30:
                down = rng.randint(100_000, 3_000_000)
                records.append(self._data_record(midnight, "00420799799082", down // 8, down, 1.0))
        self.mobile_data = records

    def _data_record(self, date: datetime, phone: str, up: int, down: int, per_mb: float) -> Record:
        return {
            "id": self._next_id("data", 130),
            "date": date,
            "bytes_up": up,
            "bytes_down": down,
            "bytes_total": up + down,
            "price": round((up + down) / 1024**2 * per_mb, 4),
            "price_per_mb": per_mb,
            "phone_number": phone,
        }

    def settle(self, stuck: Iterable[str] = ()) -> None:
        """Apply SIM changes whose time has come (not on the ``stuck`` SIM numbers)."""
        now = self.clock()
        for sim in self.sims.values():
            if sim.phone_number in stuck:
                continue
            if sim.pending_until is not None and sim.pending_until <= now:
                self._apply_sim(sim, sim.pending)
                sim.pending = {}
                sim.pending_labels = []
                sim.pending_until = None

    def _written(self, payload: object) -> web.Response:
        """Answer a successful write.

        GUESS: the documents never say what a successful POST/DELETE of routes and
        ringings, DELETE of an active call or PUT of a SIM card answers. We answer
        the JSON below (the new record, the SIM card, or ``{}``), or with the
        ``empty_write_bodies`` setting an empty body; the client must accept both.
        """
        if self.settings.empty_write_bodies:
            return web.Response(status=200)
        return _json(payload)

    def _debit(self, price: float) -> float:
        self.balance = round(self.balance - price, 4)
        return self.balance

    # -- account ---------------------------------------------------------------

    async def _balance(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        return _text(f"{self.balance:.2f}")

    def _visible_lines(self, who: Principal) -> list[FakeLine]:
        return [line for line in self.lines.values() if who.sees(line.id)]

    async def _lines_plain(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        return _text(",".join(str(line.id) for line in self._visible_lines(who)))

    async def _lines_json(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        now = self.clock().astimezone(PRAGUE).replace(microsecond=0)
        return _json(
            [
                {
                    "id": line.id,
                    "name": line.name,
                    "caller_id": line.caller_id,
                    "public_number": line.public_number,
                    "backup_number": None,
                    "sip_password": line.password,
                    "active_822": False,
                    "active_cz_restriction": False,
                    "active_iax": False,
                    "active_password": True,
                    "active_pin": False,
                    "active_ping": True,
                    "active_rtp": True,
                    "active_sip": True,
                    "active_anonymous": False,
                    "active_greeting": False,
                    "missed_call_email": "demo@example.com" if line.id == 403366 else None,
                    "recording_email": None,
                    "voicemail_email": None,
                    "backup_number_email": None,
                    "incoming_call_name_format": 0,
                    "incoming_call_number_format": 0,
                    "connected_devices": [
                        {
                            "user_agent": "Acrobits SIPIS",
                            "public_socket": "192.0.2.10:5060",
                            "local_socket": "10.0.0.2:5060",
                            "last_registration_at": (now - timedelta(minutes=5)).isoformat(),
                            "registration_expires_at": (now + timedelta(minutes=55)).isoformat(),
                        }
                    ]
                    if line.id == 403366
                    else [],
                }
                for line in self._visible_lines(who)
            ]
        )

    async def _allowed_senders(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        return _text(",".join(self.allowed_senders))

    def _delay(self, params: Params) -> datetime | None:
        """Return when a delayed request runs; None for now."""
        raw = params.get("delayed", "")
        if not raw:
            return None
        now = self.clock()
        if re.fullmatch(r"-?\d+", raw.strip()):
            moment = now + timedelta(minutes=int(raw))
        else:
            try:
                moment = _parse_moment(raw)
            except ValueError:
                raise OdorikRefusalError("invalid_delay_format") from None
        if moment < now:
            raise OdorikRefusalError("delayed_into_past")
        return moment

    def _line_for(self, who: Principal, params: Params) -> int:
        if who.line is not None:
            return who.line
        raw = params.get("line")
        if raw:
            if not raw.isdigit() or int(raw) not in self.lines:
                raise OdorikRefusalError("invalid_line")
            return int(raw)
        return min(self.lines)

    async def _send_sms(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        missing = [name for name in ("recipient", "message") if name not in params]
        if missing:
            # GUESS: as for /callback, the separator of the list is not documented.
            raise OdorikRefusalError("missing_argument", ", ".join(missing))
        recipient = params["recipient"].strip()
        if not params["message"].strip():
            raise OdorikRefusalError("empty_message")
        sender = params.get("sender")
        if sender and sender not in self.allowed_senders:
            raise OdorikRefusalError("forbidden_sender")
        if not NUMBER.fullmatch(recipient):
            raise OdorikRefusalError("unsupported_recipient")
        when = self._delay(params)
        price = 1.2 if recipient.startswith("00420") else 2.5
        if self.balance < price:
            raise OdorikRefusalError("low_balance")
        if self.settings.sms_gateway_failed:
            raise OdorikRefusalError("gateway_failed")
        line = who.line if who.line is not None else min(self.lines)
        if when is not None:
            self.scheduled.append({"kind": "sms", "at": when, "recipient": recipient})
            return _text("successfully_enqueued")
        row = self._sms_row(self.clock(), recipient, line)
        row["balance_after"] = self._debit(price)
        self.calls.append(row)
        return _text(f"successfully_sent {self.balance:.2f}")

    # -- public numbers ------------------------------------------------------

    def _store_route(self, number: str, source: str, ringing: str) -> Record:
        route = {
            "id": self._next_id("route", 22625400),
            "public_number": number,
            "source_number": source,
            "ringing_number": ringing,
        }
        self.public_numbers[number].routes.append(route)
        return route

    def _public_number(self, request: web.Request, who: Principal) -> FakePublicNumber:
        number = self.public_numbers.get(request.match_info["number"])
        if number is None:
            raise OdorikRefusalError("nonexisting_public_number")
        if not who.sees(number.line):
            raise OdorikRefusalError("unauthorized")
        return number

    async def _public_numbers(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        hidden = {"sip_name", "shared"}
        if params.get("include_sip_names") == "true":
            hidden.discard("sip_name")
        if params.get("include_shared_numbers") == "true":
            hidden.discard("shared")
        # 000: "all public numbers associated with the account", a line login too; a
        # line login may not read the routing of another line's number (unauthorized).
        return _json(
            [
                {"public_number": number.number, "type": number.type}
                for number in self.public_numbers.values()
                if number.type not in hidden
            ]
        )

    async def _ringings(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        number = self._public_number(request, who)
        return _json(
            [
                {"public_number": number.number, "ringing_number": route["ringing_number"]}
                for route in number.routes
                if route["source_number"] == "*"
            ]
        )

    def _leads_to(self, number: str, target: str, seen: set[str]) -> bool:
        """Return whether a call to ``number`` ends up ringing ``target``."""
        if number == target:
            return True
        public = self.public_numbers.get(number)
        if public is None:
            return False
        for route in public.routes:
            ringing = route["ringing_number"]
            if ringing not in seen:
                seen.add(ringing)
                if self._leads_to(ringing, target, seen):
                    return True
        return False

    def _check_ringing(self, number: FakePublicNumber, ringing: str) -> None:
        if not (
            NUMBER.fullmatch(ringing)
            or INTERNAL.fullmatch(ringing)
            or ringing in self.public_numbers
        ):
            raise OdorikRefusalError("invalid_ringing_number")
        if self._leads_to(ringing, number.number, {ringing}):
            raise OdorikRefusalError("redirection_loop")
        if (number.number, ringing) in self.foreign_shared_routes:
            # 000 documents this token for POST routes only; for POST ringings (a route
            # from "*") it is a GUESS.
            raise OdorikRefusalError("shared_number_conflict")

    async def _add_ringing(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        number = self._public_number(request, who)
        ringing = params.get("ringing_number", "").strip()
        self._check_ringing(number, ringing)
        existing = [
            route
            for route in number.routes
            if route["source_number"] == "*" and route["ringing_number"] == ringing
        ]
        if not existing:
            self._store_route(number.number, "*", ringing)
        return self._written({"public_number": number.number, "ringing_number": ringing})

    async def _delete_ringing(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        number = self._public_number(request, who)
        ringing = request.match_info["ringing"]
        kept = [
            route
            for route in number.routes
            if not (route["source_number"] == "*" and route["ringing_number"] == ringing)
        ]
        if len(kept) == len(number.routes):
            raise OdorikRefusalError("nonexisting_ringing_number")
        number.routes = kept
        return self._written({})

    async def _routes(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        return _json(list(self._public_number(request, who).routes))

    async def _add_route(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        number = self._public_number(request, who)
        source = params.get("source_number", "").strip()
        ringing = params.get("ringing_number", "").strip()
        if not (source == "*" or NUMBER.fullmatch(source) or INTERNAL.fullmatch(source)):
            raise OdorikRefusalError("invalid_source_number")
        self._check_ringing(number, ringing)
        if params.get("replace_by_source_number") == "true":
            number.routes = [route for route in number.routes if route["source_number"] != source]
        return self._written(self._store_route(number.number, source, ringing))

    async def _delete_route(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        number = self._public_number(request, who)
        route_id = request.match_info["route_id"]
        kept = [route for route in number.routes if str(route["id"]) != route_id]
        if len(kept) == len(number.routes):
            # GUESS: the document lists only unauthorized and nonexisting_public_number
            # for this DELETE; what an unknown rule id answers is unknown.
            raise OdorikRefusalError("nonexisting_route")
        number.routes = kept
        return self._written({})

    # -- calls ---------------------------------------------------------------

    async def _callback(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        missing = [name for name in ("caller", "recipient") if not params.get(name)]
        if missing:
            # GUESS: the document lists the missing arguments after the token but not
            # their separator.
            raise OdorikRefusalError("missing_argument", ", ".join(missing))
        when = self._delay(params)
        line = self._line_for(who, params)
        if self.settings.callback_failed:
            raise OdorikRefusalError("callback_failed")
        if when is not None:
            self.scheduled.append(
                {"kind": "callback", "at": when, "caller": params["caller"], "line": line}
            )
            return _text("successfully_enqueued")
        self.add_active_call(
            source_number=params["caller"],
            destination_number=params["recipient"],
            line=line,
            answered=False,
        )
        return _text("callback_ordered")

    def add_active_call(
        self,
        *,
        source_number: str,
        destination_number: str,
        line: int,
        answered: bool = True,
        destination_name: str = "Česko v síti",
        price_per_minute: float = 0.0,
    ) -> Record:
        """Start a call in progress (also used by the control endpoint)."""
        now = self.clock()
        call = {
            "id": self._next_id("active_list", 14990661),
            "source_number": source_number,
            "destination_number": destination_number,
            "destination_name": destination_name,
            "start_date": now,
            "answer_date": now if answered else None,
            "price_per_minute": price_per_minute,
            "line": line,
        }
        self.active_calls.append(call)
        return call

    def add_calls(
        self,
        count: int = 1,
        *,
        direction: str = "in",
        status: str = "answered",
        source_number: str = "00420555444333",
        destination_number: str = "00420533533533",
        destination_name: str = "Česko v síti",
        length: int = 60,
        price_per_minute: float = 0.0,
        line: int = 403366,
        sms: bool = False,
        inbound: bool = False,
        date: datetime | None = None,
    ) -> list[Record]:
        """Append ``count`` calls (or with ``sms`` SMS to ``destination_number``).

        With ``sms`` and ``inbound`` the SIM card ``destination_number`` received the
        SMS from ``source_number`` (on the SIM card's line).

        Without ``date`` they are spread between the newest record and now, so the
        history stays oldest first. The balance pays for them. Returns them as
        calls.json lists them (with the SIP ids).
        """
        if count < 1:
            raise ValueError("add at least one call")
        now = self.clock()
        newest = max((row["date"] for row in self.calls), default=now - timedelta(days=1))
        step = max(now - newest, timedelta(0)) / count
        rows = []
        for index in range(count):
            when = date or min(newest + step * (index + 1), now)
            if sms and inbound:
                sim = self.sims[destination_number]
                row = self._sms_row(when, destination_number, sim.line, sender=source_number)
            elif sms:
                row = self._sms_row(when, destination_number, line)
            else:
                row = self._call_row(
                    when,
                    direction,
                    source_number,
                    destination_number,
                    destination_name,
                    length=length,
                    per_minute=price_per_minute,
                    line=line,
                    status=status,
                )
            row["balance_after"] = self._debit(row["price"])
            rows.append(row)
        self.calls.extend(rows)
        return [self._call_json(row, sip_ids=True) for row in rows]

    def add_history(
        self,
        *,
        days: int,
        calls_per_day: int,
        data_per_day: int = 0,
        end: datetime | None = None,
        seed: int = 2026,
    ) -> tuple[list[Record], list[Record]]:
        """Add ``days`` days of calls and mobile data before ``end`` (now), oldest first.

        The calls are spread evenly over each day, in every direction, priced and of
        varied length; the data records (of the first SIM card) likewise. The
        balance does not pay for them. Returns the calls and data records added.
        """
        rng = random.Random(seed)  # noqa: S311 - deterministic test data
        end = end or self.clock()
        first = end - timedelta(days=days)
        directions = ("out", "in", "redirected")
        calls: list[Record] = []
        data: list[Record] = []
        for day in range(days):
            start = first + timedelta(days=day)
            for index in range(calls_per_day):
                when = start + timedelta(days=1) * index / calls_per_day
                direction = directions[index % 3]
                calls.append(
                    self._call_row(
                        when.replace(microsecond=0),
                        direction,
                        "00420799799081",
                        "00420601234567",
                        "Česká rep. - mobil",
                        length=rng.randint(0, 900),
                        per_minute=0.0 if direction == "in" else rng.choice((0.35, 0.59, 1.2)),
                        line=403366,
                    )
                )
            for index in range(data_per_day):
                when = start + timedelta(days=1) * index / data_per_day
                down = rng.randint(0, 5_000_000)
                data.append(
                    self._data_record(
                        when.replace(microsecond=0), "00420799799081", down // 10, down, 0.0
                    )
                )
        self.calls[:0] = calls
        self.mobile_data[:0] = data
        return calls, data

    def add_synthetic(
        self,
        *,
        sim_cards: int | None = None,
        calls: int = 0,
        public_numbers: int | None = None,
        seed: int = 2026,
    ) -> dict[str, int]:
        """Make the account a large one (for the benchmarks); return what it then has.

        - ``sim_cards``: the account then has this many SIM cards: the seeded ones
          first (those past the count removed, with their mobile data), then new ones
          (``00420799800000`` on, alternately on the two lines, set up as the first
          seeded one), each with one mobile-data record a day of this Prague month
        - ``calls``: this month then holds at least this many calls: the missing ones
          are spread evenly from the month's start to now (every direction, priced, one
          incoming call in ten missed); the balance does not pay for them
        - ``public_numbers``: the account then lists this many public numbers (without
          the ``include_*`` flags): the seeded ones first, then geographic ones
          (``00420533600000`` on, alternately on the two lines, each routed to its line)
        """
        rng = random.Random(seed)  # noqa: S311 - deterministic benchmark data
        now = self.clock()
        month_start, _ = _month_bounds(now)
        lines = sorted(self.lines)
        if sim_cards is not None:
            template = next(iter(self.sims.values())).settings if self.sims else None
            kept = dict(list(self.sims.items())[:sim_cards])
            self.mobile_data = [row for row in self.mobile_data if row["phone_number"] in kept]
            self.sims = kept
            for index in range(sim_cards - len(kept)):
                number = f"00420799{800000 + index:06d}"
                self.sims[number] = FakeSim(
                    id=20_000 + index,
                    phone_number=number,
                    line=lines[index % len(lines)],
                    sim_number=f"89420011{100000000000 + index:012d}",
                    pin="1111",
                    state="active",
                    settings=dict(template or self._default_sim_settings()),
                )
                day = month_start
                while day <= now:
                    down = rng.randint(100_000, 20_000_000)
                    record = self._data_record(day.astimezone(UTC), number, down // 10, down, 0.0)
                    self.mobile_data.append(record)
                    day += timedelta(days=1)
        this_month = sum(1 for row in self.calls if row["date"] >= month_start)
        missing = max(calls - this_month, 0)
        directions = ("out", "in", "redirected")
        rows: list[Record] = []
        for index in range(missing):
            when = (month_start + (now - month_start) * index / missing).replace(microsecond=0)
            direction = directions[index % 3]
            missed = direction == "in" and index % 30 == 1
            rows.append(
                self._call_row(
                    when.astimezone(UTC),
                    direction,
                    "00420555444333" if direction == "in" else "00420799799081",
                    "00420533533533" if direction == "in" else "00420601234567",
                    "Česko v síti" if direction == "in" else "Česká rep. - mobil",
                    length=0 if missed else rng.randint(5, 900),
                    per_minute=0.0 if direction == "in" else rng.choice((0.35, 0.59, 1.2)),
                    line=lines[0],
                    status="missed" if missed else "answered",
                )
            )
        # Oldest first, as the history is kept: these go before this month's seeded ones.
        position = bisect_left([row["date"] for row in self.calls], month_start)
        self.calls[position:position] = rows
        listed = [
            number
            for number in self.public_numbers.values()
            if number.type not in {"sip_name", "shared"}
        ]
        for index in range(max((public_numbers or 0) - len(listed), 0)):
            number = f"00420533{600000 + index:06d}"
            line = lines[index % len(lines)]
            self.public_numbers[number] = FakePublicNumber(number, "geographic", line)
            self._store_route(number, "*", f"*{line}")
        return {
            "sim_cards": len(self.sims),
            "calls_this_month": sum(1 for row in self.calls if row["date"] >= month_start),
            "public_numbers": sum(
                1
                for number in self.public_numbers.values()
                if number.type not in {"sip_name", "shared"}
            ),
            "mobile_data": len(self.mobile_data),
        }

    @staticmethod
    def _default_sim_settings() -> dict[str, Any]:
        """Return the settings of a SIM card added to an account without one."""
        return {
            "data_package": "1000MB",
            "data_package_for_next_month": "1000MB",
            "voice_package": "none",
            "voice_package_for_next_month": "none",
            "package_delayed_billing": "none",
            "package_delayed_billing_for_next_month": "none",
            "missed_calls_register": True,
            "mobile_data": True,
            "lte": True,
            "lte_for_next_month": True,
            "roaming": "eu_data_outgoing",
            "premium_services": "off",
        }

    def _index(self, name: str, rows: list[Record]) -> tuple[list[datetime], list[int]]:
        """Return the rows' dates in order, and the positions of the rows in that order."""
        key = (id(rows), len(rows))
        known = self._indexes.get(name)
        if known is None or known[0] != key:
            order = sorted(range(len(rows)), key=lambda position: rows[position]["date"])
            known = (key, [rows[position]["date"] for position in order], order)
            self._indexes[name] = known
        return known[1], known[2]

    def _between(
        self, name: str, rows: list[Record], start: datetime | None, end: datetime | None
    ) -> list[Record]:
        """Return the rows dated from ``start`` to ``end`` (both included), in list order."""
        if start is None or end is None:
            return rows
        dates, order = self._index(name, rows)
        chosen = sorted(order[bisect_left(dates, start) : bisect_right(dates, end)])
        return [rows[position] for position in chosen]

    def _filtered_calls(self, params: Params, who: Principal) -> list[Record]:
        try:
            start = _parse_moment(params["from"]) if "from" in params else None
            end = _parse_moment(params["to"]) if "to" in params else None
        except ValueError:
            # GUESS: no source shows the answer to an unparsable from/to (the notes
            # propose this token as a guess).
            raise OdorikRefusalError("invalid_date") from None
        since_id = _int_param(params, "since_id")
        if since_id is None and (start is None or end is None):
            # GUESS: the document names missing_argument only for POST /callback; what
            # calls.json answers without from/to or since_id is unknown.
            raise OdorikRefusalError("missing_argument")
        line = _int_param(params, "line")
        include_sms = params.get("include_sms") == "true"
        prefix = params.get("phone_number_filter", "")
        lower = {key: _float_param(params, f"min_{key}") for key in ("length", "price")}
        upper = {key: _float_param(params, f"max_{key}") for key in ("length", "price")}
        result = []
        for row in self._between("calls", self.calls, start, end):
            checks = [
                who.sees(row["line"]),
                include_sms or row["destination_name"] != SMS_NAME,
                start is None or row["date"] >= start,
                end is None or row["date"] <= end,
                # GUESS: since_id is compared with SMS ids too, although they are
                # numbered by themselves (no source says either way).
                since_id is None or row["id"] > since_id,
                line is None or row["line"] == line,
                "direction" not in params or row["direction"] == params["direction"],
                "status" not in params or row["status"] == params["status"],
                row["source_number"].startswith(prefix)
                or row["destination_number"].startswith(prefix),
            ]
            for key in ("length", "price"):
                value = row[key] or 0
                low, high = lower[key], upper[key]
                checks.append(low is None or value >= low)
                checks.append(high is None or value <= high)
            if all(checks):
                result.append(row)
        return result

    def _call_json(self, row: Record, *, sip_ids: bool) -> Record:
        record = {key: row[key] for key in CALL_FIELDS}
        record["date"] = _iso(row["date"])
        record["recording"] = row["recording"]
        if sip_ids:
            record.update({key: row[key] for key in CSV_EXTRA_FIELDS})
        return record

    async def _sms_history(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        """``GET /sms.json``: the SMS history, sent and received, without the texts.

        The wiki (api:sms, notes §4.2) requires ``from`` and ``to`` and offers the
        ``direction`` (in/out) and ``line`` filters; the fields are those three
        public clients read. GUESS: no paging (none is documented), oldest first, the
        same missing_argument and invalid_date answers as calls.json, ``status``
        "unknown" and ``roaming_zone`` null.
        """
        try:
            start = _parse_moment(params["from"]) if "from" in params else None
            end = _parse_moment(params["to"]) if "to" in params else None
        except ValueError:
            raise OdorikRefusalError("invalid_date") from None
        if start is None or end is None:
            raise OdorikRefusalError("missing_argument")
        line = _int_param(params, "line")
        records = []
        for row in self.calls:
            if row["destination_name"] != SMS_NAME or not who.sees(row["line"]):
                continue
            if not start <= row["date"] <= end or (line is not None and row["line"] != line):
                continue
            if "direction" in params and row["sms_direction"] != params["direction"]:
                continue
            direction = None if self.settings.sms_without_direction else row["sms_direction"]
            record = {key: row.get(key) for key in SMS_HISTORY_FIELDS}
            record.update(date=_iso(row["date"]), direction=direction, type="sms", status="unknown")
            records.append(record)
        return _json(records)

    async def _calls(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        rows = self._filtered_calls(params, who)
        # At most 2000 calls per request, pages numbered from 1, their count in the
        # Odorik-Pages header (001_). GUESS: a larger page_size is cut to 2000 rather
        # than refused; an empty result still announces one page; a page beyond the
        # last is an empty list.
        page_size = min(max(_int_param(params, "page_size") or MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE)
        page = max(_int_param(params, "page") or 1, 1)
        pages = max(math.ceil(len(rows) / page_size), 1)
        chunk = rows[(page - 1) * page_size : page * page_size]
        sip_ids = params.get("sip_ids") == "true"
        records = [self._call_json(row, sip_ids=sip_ids) for row in chunk]
        headers = {"Odorik-Pages": str(pages)}
        if request.path.endswith(".csv"):
            return self._calls_csv(records, sip_ids=sip_ids, headers=headers)
        if request.path.endswith(".xml"):
            return self._calls_xml(records, headers=headers)
        return _json(records, headers=headers)

    @staticmethod
    def _calls_csv(
        records: list[Record], *, sip_ids: bool, headers: dict[str, str]
    ) -> web.Response:
        columns = CALL_FIELDS + (CSV_EXTRA_FIELDS if sip_ids else [])

        def cell(value: object) -> str:
            text = "" if value is None else str(value)
            if any(char in text for char in ',"\n'):
                return '"' + text.replace('"', '""') + '"'
            return text

        lines = [",".join(columns)]
        lines.extend(",".join(cell(record[key]) for key in columns) for record in records)
        return web.Response(
            text="\n".join(lines) + "\n", content_type="text/csv", charset="utf-8", headers=headers
        )

    @staticmethod
    def _calls_xml(records: list[Record], *, headers: dict[str, str]) -> web.Response:
        parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<calls type="array">']
        for record in records:
            parts.append("  <call>")
            parts.extend(f"    {_xml_element(key, value)}" for key, value in record.items())
            parts.append("  </call>")
        parts.append("</calls>")
        return web.Response(
            text="\n".join(parts) + "\n",
            content_type="application/xml",
            charset="utf-8",
            headers=headers,
        )

    @staticmethod
    def _active_json(call: Record) -> Record:
        return {
            **call,
            "start_date": _iso(call["start_date"]),
            "answer_date": _iso(call["answer_date"]),
        }

    async def _active_calls(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        return _json(
            [self._active_json(call) for call in self.active_calls if who.sees(call["line"])]
        )

    async def _hang_up(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        call_id = request.match_info["call_id"]
        call = next((item for item in self.active_calls if str(item["id"]) == call_id), None)
        if call is None:
            # GUESS: the document lists only unauthorized for this DELETE; what an
            # unknown call id answers is unknown (node-odorik reads any failure as
            # "call not found").
            raise OdorikRefusalError("nonexisting_call")
        if not who.sees(call["line"]):
            raise OdorikRefusalError("unauthorized")
        self.active_calls.remove(call)
        now = self.clock()
        length = int((now - call["answer_date"]).total_seconds()) if call["answer_date"] else 0
        row = self._call_row(
            call["start_date"],
            "out" if call["source_number"].startswith("*") else "in",
            call["source_number"],
            call["destination_number"],
            call["destination_name"],
            length=length,
            per_minute=call["price_per_minute"],
            line=call["line"],
            status="answered" if call["answer_date"] else "missed",
        )
        row["active_call_id"] = call["id"]
        row["balance_after"] = self._debit(row["price"])
        self.calls.append(row)
        return self._written({})

    def _statistics_rows(self, params: Params, who: Principal) -> list[Record]:
        if "from" not in params or "to" not in params:
            # GUESS: the document's list of mandatory parameters is empty here, the
            # community OpenAPI file calls from/to required; the token is borrowed
            # from POST /callback.
            raise OdorikRefusalError("missing_argument")
        return self._filtered_calls(params, who)

    async def _statistics(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        rows = self._statistics_rows(params, who)
        result = {}
        for key, direction in (
            ("incoming", "in"),
            ("outgoing", "out"),
            ("redirected", "redirected"),
        ):
            chosen = [row for row in rows if row["direction"] == direction]
            result[key] = {
                "count": len(chosen),
                "length": sum(row["length"] for row in chosen),
                "price": round(sum(row["price"] for row in chosen), 4),
            }
        return _json(result)

    async def _by_destination(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        groups: dict[tuple[str, float, str], list[Record]] = {}
        for row in self._statistics_rows(params, who):
            key = (row["destination_name"], row["price_per_minute"], row["direction"])
            groups.setdefault(key, []).append(row)
        return _json(
            [
                {
                    "destination": name,
                    "count": len(rows),
                    "length": sum(row["length"] for row in rows),
                    "price": round(sum(row["price"] for row in rows), 4),
                    "price_per_minute": per_minute,
                    "direction": direction,
                }
                for (name, per_minute, direction), rows in sorted(groups.items())
            ]
        )

    async def _missed_calls(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        counts: Counter[str] = Counter(
            row["destination_number"]
            for row in self._statistics_rows(params, who)
            if row["status"] == "missed"
        )
        return _json(
            [
                {"destination_number": number, "count": count}
                for number, count in sorted(counts.items())
            ]
        )

    # -- SIM cards -------------------------------------------------------------

    def _sim(self, request: web.Request, who: Principal) -> FakeSim:
        sim = self.sims.get(request.match_info["phone"])
        if sim is None:
            # GUESS: the SIM pages list no error for an unknown number; only one
            # client's test fixture uses this token (for mobile_data.json).
            raise OdorikRefusalError("nonexisting_public_number")
        if not who.sees(sim.line):
            # GUESS: borrowed from the public-number pages; the SIM pages say only that
            # a line login lists its own SIM card.
            raise OdorikRefusalError("unauthorized")
        return sim

    @staticmethod
    def _stuck(request: web.Request, sim: FakeSim) -> bool:
        """Return whether a ``stuck_sim`` injection holds this SIM card for this request."""
        return sim.phone_number in request.get(STUCK_SIMS, ())

    def _data_used(self) -> Counter[str]:
        """Return the bytes each SIM card used this month (its package's period)."""
        valid_from, valid_to = _month_bounds(self.clock())
        used: Counter[str] = Counter()
        for record in self._between("data", self.mobile_data, valid_from, valid_to):
            used[record["phone_number"]] += record["bytes_total"]
        return used

    def _sim_json(
        self,
        sim: FakeSim,
        params: Params,
        *,
        listed: bool,
        stuck: bool = False,
        used_by_number: Counter[str] | None = None,
    ) -> Record:
        valid_from, valid_to = _month_bounds(self.clock())
        settings = sim.settings
        bought = _package_bytes(settings["data_package"])
        used = None
        if bought is not None:
            bought += sim.extra_bytes
            # One pass over the month's records for a whole list (``used_by_number``).
            used = (used_by_number or self._data_used())[sim.phone_number]
        record: Record = {"id": sim.id}
        if listed:
            record.update({"phone_number": sim.phone_number, "line": sim.line})
        record.update(
            {
                "sim_number": sim.sim_number,
                "state": sim.state,
                # GUESS: what a stuck change lists; the label data_restart leaves.
                "changes_in_progress": list(sim.pending_labels)
                or (["data_restart"] if stuck else []),
                "data_package": settings["data_package"],
                "data_package_for_next_month": settings["data_package_for_next_month"],
                "data_bought_total": bought,
                "data_used": used,
                "data_package_valid_from": _iso(valid_from),
                "data_package_valid_to": _iso(valid_to),
            }
        )
        record.update({key: settings[key] for key in SIM_SETTINGS[2:]})
        available = {
            "include_available_data_packages": ("available_data_packages", DATA_PACKAGES),
            "include_available_credit_addons": ("available_credit_addons", CREDIT_ADDONS),
            "include_available_packages_delayed_billing": (
                "available_packages_delayed_billing",
                DELAYED_BILLING_PACKAGES,
            ),
            "include_available_roaming_settings": (
                "available_roaming_settings",
                [(name, 0) for name in self.settings.roaming_settings],
            ),
        }
        for flag, (key, options) in available.items():
            if params.get(flag) == "true":
                record[key] = _options(options)
        return record

    async def _sim_cards(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        used = self._data_used()
        return _json(
            [
                self._sim_json(
                    sim, params, listed=True, stuck=self._stuck(request, sim), used_by_number=used
                )
                for sim in self.sims.values()
                if who.sees(sim.line)
            ]
        )

    async def _sim_card(self, request: web.Request, params: Params, who: Principal) -> web.Response:
        sim = self._sim(request, who)
        return _json(self._sim_json(sim, params, listed=False, stuck=self._stuck(request, sim)))

    def _validated_changes(self, params: Params) -> dict[str, Any]:
        allowed: dict[str, list[str]] = {
            "data_package": [name for name, _ in DATA_PACKAGES],
            "data_package_for_next_month": [name for name, _ in DATA_PACKAGES],
            "voice_package": VOICE_PACKAGES,
            "voice_package_for_next_month": VOICE_PACKAGES,
            "package_delayed_billing": [name for name, _ in DELAYED_BILLING_PACKAGES],
            "package_delayed_billing_for_next_month": [
                name for name, _ in DELAYED_BILLING_PACKAGES
            ],
            "roaming": self.settings.roaming_settings,
            "premium_services": PREMIUM_SERVICES,
            "add_credit": [name for name, _ in CREDIT_ADDONS],
            **{key: ["true", "false"] for key in BOOLEAN_SIM_SETTINGS},
        }
        changes: dict[str, Any] = {}
        for key, values in allowed.items():
            if key in params:
                if params[key] not in values:
                    # GUESS: the document names no error for a value outside the
                    # offered options; invalid_<parameter> is our invention.
                    raise OdorikRefusalError(f"invalid_{key}")
                value = params[key]
                changes[key] = value == "true" if key in BOOLEAN_SIM_SETTINGS else value
        return changes

    def _apply_sim(self, sim: FakeSim, changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            if key == "state":
                sim.state = value
            elif key == "add_credit":
                sim.extra_bytes += _package_bytes(value) or 0
            else:
                sim.settings[key] = value

    def _start_change(self, sim: FakeSim, changes: dict[str, Any], labels: list[str]) -> None:
        seconds = self.settings.sim_change_seconds
        if seconds > 0:
            sim.pending = changes
            sim.pending_labels = labels
            sim.pending_until = self.clock() + timedelta(seconds=seconds)
        else:
            self._apply_sim(sim, changes)

    async def _update_sim(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        sim = self._sim(request, who)
        touched = [key for key in [*SIM_SETTINGS, "state", "add_credit"] if key in params]
        if (sim.pending_labels or self._stuck(request, sim)) and touched:
            # GUESS: the document describes this restriction of PUT without a token;
            # change_in_progress is the one it gives for data_restart.
            raise OdorikRefusalError("change_in_progress")
        sim.requested.update({key: params[key] for key in NEXT_MONTH_REQUESTS if key in params})
        if "state" in params:
            if params["state"] not in {"active", "suspended"}:
                # GUESS: no error is documented for another state.
                raise OdorikRefusalError("invalid_state")
            changes: dict[str, Any] = {"state": params["state"]}
        else:
            changes = self._validated_changes(params)
        if "add_credit" in changes:
            price = dict(CREDIT_ADDONS)[changes["add_credit"]]
            if self.balance < price:
                # GUESS: the token data_restart uses; what PUT answers without credit
                # (and the add-on prices) are not documented.
                raise OdorikRefusalError("low_balance")
            self._debit(price)
        if changes:
            # GUESS: what the strings of changes_in_progress say is not documented.
            labels = [f"{key}: {value}" for key, value in changes.items()]
            self._start_change(sim, changes, labels)
        return self._written(
            self._sim_json(sim, params, listed=False, stuck=self._stuck(request, sim))
        )

    async def _data_restart(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        sim = self._sim(request, who)
        if sim.pending_labels or self._stuck(request, sim):
            raise OdorikRefusalError("change_in_progress")
        if self.balance < 0:
            raise OdorikRefusalError("low_balance")
        if not sim.settings["mobile_data"]:
            raise OdorikRefusalError("mobile_data_disabled")
        sim.data_restarts += 1
        # 003: billed per kB, the fair-use limit is reset by switching to another kind
        # of tariff and back (the settings end as they were); with a data package, the
        # card is switched to billing per kB.
        changes: dict[str, Any] = {}
        if not sim.settings["data_package"].startswith(PER_KB):
            # GUESS: which per-kB package is not documented; the smallest one.
            changes["data_package"] = PER_KB_DEFAULT
        self._start_change(sim, changes, ["data_restart"])
        return _text("ok")

    async def _mobile_data(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        if "phone" in request.match_info:
            phones = {self._sim(request, who).phone_number}
        else:
            phones = {sim.phone_number for sim in self.sims.values() if who.sees(sim.line)}
        if "from" not in params or "to" not in params:
            # GUESS: from/to are documented as mandatory, but not the error without
            # them; the token is borrowed from POST /callback.
            raise OdorikRefusalError("missing_argument")
        try:
            start, end = _parse_moment(params["from"]), _parse_moment(params["to"])
        except ValueError:
            # GUESS: as for calls.json, no source shows this answer.
            raise OdorikRefusalError("invalid_date") from None
        return _json(
            [
                {**record, "date": _iso(record["date"])}
                for record in self._between("data", self.mobile_data, start, end)
                if record["phone_number"] in phones
            ]
        )

    async def _assign_number(
        self, request: web.Request, params: Params, who: Principal
    ) -> web.Response:
        phone = request.match_info["phone"]
        if phone in self.sims:
            raise OdorikRefusalError("sim_already_assigned")
        line = self.spare_numbers.get(phone)
        if line is None:
            raise OdorikRefusalError("invalid_phone_number")
        if not who.sees(line):
            # GUESS: not among the documented errors of this POST.
            raise OdorikRefusalError("unauthorized")
        # GUESS: the parameter names; document 003 names the data (ICCID and PIN), not
        # the fields. ``iccid``/``pin`` are one public client's, the same as ours.
        iccid = params.get("iccid", "").strip().removesuffix("F")
        pin = params.get("pin", "").strip()
        known = {sim.sim_number.removesuffix("F"): sim.pin for sim in self.sims.values()}
        known.update(self.spare_sims)
        if not (ICCID.fullmatch(iccid) and PIN.fullmatch(pin)) or known.get(iccid) != pin:
            raise OdorikRefusalError("invalid_iccid_or_pin")
        if iccid not in self.spare_sims:
            raise OdorikRefusalError("sim_already_assigned")
        del self.spare_sims[iccid]
        del self.spare_numbers[phone]
        template = self.sims["00420799799082"].settings if "00420799799082" in self.sims else {}
        self.sims[phone] = FakeSim(
            id=self._next_id("sim", 2000),
            phone_number=phone,
            line=line,
            sim_number=iccid + "F",
            pin=pin,
            state="new" if params.get("delayed_activation") == "true" else "active",
            settings=dict(template),
        )
        return _json({})

    # -- control ----------------------------------------------------------------

    async def _control_state(self, request: web.Request) -> web.Response:
        self.settle()
        return web.json_response(
            {
                "balance": self.balance,
                "settings": asdict(self.settings),
                "sim_cards": [self._sim_json(sim, {}, listed=True) for sim in self.sims.values()],
                "active_calls": [self._active_json(call) for call in self.active_calls],
                "calls": len(self.calls),
                "scheduled": len(self.scheduled),
            }
        )

    async def _control_settings(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        known = {item.name for item in fields(OdorikSettings)} | {"balance"}
        if not set(body) <= known:
            return web.json_response({"error": f"unknown settings {set(body) - known}"}, status=400)
        if "balance" in body:
            self.balance = float(body.pop("balance"))
        for key, value in body.items():
            setattr(self.settings, key, value)
        return await self._control_state(request)

    async def _control_active_call(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        call = self.add_active_call(
            source_number=body.get("source_number", "00420555444333"),
            destination_number=body.get("destination_number", "00420533533533"),
            line=int(body.get("line", 403366)),
            answered=bool(body.get("answered", True)),
            destination_name=body.get("destination_name", "Česko v síti"),
            price_per_minute=float(body.get("price_per_minute", 0.0)),
        )
        return web.json_response(self._active_json(call))

    async def _control_call(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        records = self.add_calls(
            int(body.get("count", 1)),
            direction=body.get("direction", "in"),
            status=body.get("status", "answered"),
            source_number=body.get("source_number", "00420555444333"),
            destination_number=body.get("destination_number", "00420533533533"),
            destination_name=body.get("destination_name", "Česko v síti"),
            length=int(body.get("length", 60)),
            price_per_minute=float(body.get("price_per_minute", 0.0)),
            line=int(body.get("line", 403366)),
            sms=bool(body.get("sms", False)),
            inbound=bool(body.get("inbound", False)),
            date=_parse_moment(body["date"]) if "date" in body else None,
        )
        return web.json_response(records if "count" in body else records[0])

    async def _control_mobile_data(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        date = _parse_moment(body["date"]) if "date" in body else self.clock()
        record = self._data_record(
            date,
            body.get("phone_number", "00420799799081"),
            int(body.get("bytes_up", 0)),
            int(body.get("bytes_down", 0)),
            float(body.get("price_per_mb", 0.0)),
        )
        self.mobile_data.append(record)
        return web.json_response({**record, "date": _iso(record["date"])})

    async def _control_history(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        calls, data = self.add_history(
            days=int(body.get("days", 365)),
            calls_per_day=int(body.get("calls_per_day", 0)),
            data_per_day=int(body.get("data_per_day", 0)),
        )
        # What the whole history costs (the seeded calls too): what statistics must sum to.
        priced = sum(row["price"] for row in self.calls if row["direction"] is not None)
        return web.json_response(
            {"calls": len(calls), "mobile_data": len(data), "call_cost": round(priced, 2)}
        )

    async def _control_synthetic(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        known = {"sim_cards", "calls", "public_numbers"}
        if not set(body) <= known:
            return web.json_response({"error": f"unknown fields {set(body) - known}"}, status=400)
        return web.json_response(self.add_synthetic(**{key: int(body[key]) for key in body}))

    async def _control_reset(self, request: web.Request) -> web.Response:
        self.seeded = True
        self._reset_state()
        return await self._control_state(request)


ODORIK_KEY: web.AppKey[OdorikSimulator] = web.AppKey("odorik", OdorikSimulator)
STUCK_SIMS = "telco_stuck_sims"  # request key: the SIM numbers stuck for that request


def odorik_simulator(server: SimulatorServer) -> OdorikSimulator:
    """Return the Odorik state of a running simulator (``server.app[ODORIK_KEY]``)."""
    return server.app[ODORIK_KEY]
