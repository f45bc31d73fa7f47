"""Async client of the Odorik.cz REST API (https://www.odorik.cz/w/api).

Credentials travel as ordinary ``user``/``password`` parameters: in the query
string of a GET, in the form body of POST/PUT/DELETE. Because a GET URL then
carries the password, no aiohttp exception or URL ever reaches our messages
or logs; errors are described by method and path only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
import csv
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
import io
import logging
import re
from typing import Any, Final, TypedDict, Unpack
from urllib.parse import quote
from xml.etree import ElementTree as ET

import aiohttp

from .exceptions import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoRateLimitedError,
    TelcoValidationError,
)
from .odorik_models import (
    NEXT_MONTH_REQUESTS,
    ActiveCall,
    Call,
    CallbackResult,
    CallDirection,
    CallFormat,
    CallHistoryRead,
    CallStatistics,
    CallStatus,
    DestinationStatistics,
    Line,
    MissedCallStatistics,
    MobileDataRecord,
    PremiumServices,
    PublicNumber,
    Ringing,
    Route,
    SimCard,
    SimCardUpdate,
    SimState,
    Sms,
    SmsResult,
    SmsStatus,
    parse_float,
    parse_int,
)
from .parsing import MALFORMED, build_in_steps, loads, loads_in_steps, wait_seconds

_LOGGER = logging.getLogger(__name__)

VERSION: Final = "0.1.0"
DEFAULT_ODORIK_URL: Final = "https://www.odorik.cz/api/v1"
DEFAULT_USER_AGENT: Final = f"home-assistant-telco/{VERSION}"
MAX_PAGE_SIZE: Final = 2000
# The most pages of the call history one read follows. ``Odorik-Pages`` is the
# server's word, not a promise: a broken proxy or server announcing hundreds of pages
# must not become hundreds of requests. A cursor read continues past them next time.
MAX_PAGES: Final = 50
# How many unreadable call records are remembered, to log each once.
_UNREADABLE_MEMORY: Final = 1024
# Requests in flight at once: those a poll sends together go out together (one round
# trip), below Home Assistant's 100 connections per host.
MAX_CONCURRENT_REQUESTS: Final = 30
AUTH_TOKENS: Final = frozenset({"authentication_required", "authentication_failed"})

_PLAIN_ERROR = re.compile(r"^errors?(?:\s+(?P<token>\S+)(?:\s+(?P<detail>.*))?)?$", re.DOTALL)

type ParamValue = str | int | float | bool | datetime | None
type Params = Mapping[str, ParamValue]


@dataclass(frozen=True, slots=True)
class _Answer:
    """What came back, before the endpoint's format is decoded."""

    status: int
    text: str
    headers: Mapping[str, str]


def format_datetime(value: datetime) -> str:
    """Return an aware datetime as XML-Schema dateTime with its offset."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise TelcoValidationError(
            "naive_datetime", "Datetimes sent to Odorik must carry a time zone"
        )
    return value.isoformat(timespec="seconds")


def _encode(value: str | int | float | bool | datetime) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    return str(value)


def _segment(value: str | int) -> str:
    """Percent-encode one path segment (public numbers may be SIP names)."""
    return quote(str(value), safe="")


def _retry_after(value: str | None) -> float | None:
    """Return the wait a ``Retry-After`` asks for (seconds or an HTTP date), bounded."""
    if not value:
        return None
    seconds = parse_float(value)
    if seconds is None:
        try:
            moment = parsedate_to_datetime(value)
            seconds = (moment - datetime.now(moment.tzinfo)).total_seconds()
        except (TypeError, ValueError, OverflowError):
            return None
    return wait_seconds(seconds)


def _plain_error(text: str) -> TelcoApiError | None:
    match = _PLAIN_ERROR.match(text.strip())
    if match is None:
        return None
    token = match.group("token")
    detail = (match.group("detail") or "").strip() or None
    return TelcoApiError((token,) if token else (), detail)


def _json_error(payload: object) -> TelcoApiError | None:
    if not isinstance(payload, dict) or "errors" not in payload:
        return None
    errors = payload["errors"]
    items = errors if isinstance(errors, list) else [errors]
    return TelcoApiError(tuple(str(item) for item in items if item is not None))


def _csv_error(text: str) -> TelcoApiError | None:
    lines = [line.strip().strip('"') for line in text.strip().splitlines()]
    if not lines or lines[0] != "errors":
        return None
    return TelcoApiError(tuple(line for line in lines[1:] if line))


def _xml_root(text: str) -> ET.Element:
    # The standard parser expands no external entities, and expat guards
    # against entity expansion attacks.
    return ET.fromstring(text)  # noqa: S314


def _xml_error(text: str) -> TelcoApiError | None:
    try:
        root = _xml_root(text)
    except ET.ParseError:
        return None
    container = root if root.tag == "errors" else root.find("errors")
    if container is None:
        return None
    return TelcoApiError(tuple((item.text or "").strip() for item in container if item.text))


def _format_error(fmt: CallFormat, text: str) -> TelcoApiError | None:
    """Return the error of a CSV or XML answer (JSON errors are read after decoding)."""
    if fmt is CallFormat.CSV:
        return _csv_error(text)
    if fmt is CallFormat.XML:
        return _xml_error(text)
    return None


def _xml_value(element: ET.Element) -> object:
    if element.get("nil") == "true":
        return None
    text = element.text or ""
    kind = element.get("type")
    if kind == "integer":
        return parse_int(text)
    if kind in {"float", "decimal"}:
        return parse_float(text)
    if kind == "boolean":
        return text == "true"
    return text or None


def _xml_records(text: str) -> list[dict[str, object]]:
    root = _xml_root(text)
    return [{child.tag.replace("-", "_"): _xml_value(child) for child in item} for item in root]


def _csv_records(text: str) -> list[dict[str, object]]:
    reader = csv.DictReader(io.StringIO(text))
    return [
        {key: (value if value != "" else None) for key, value in row.items() if key}
        for row in reader
    ]


def _check_sim_update(changes: Mapping[str, object], current: SimCard | None) -> None:
    if not changes:
        raise TelcoValidationError("empty_update", "Nothing to change on the SIM card")
    if "state" in changes:
        # Odorik would make the state change alone and ignore the rest (page 003);
        # refusing says so, where sending would drop the other settings unsaid.
        if len(changes) > 1:
            raise TelcoValidationError(
                "state_change_alone", "A SIM state change must be sent on its own"
            )
        if changes["state"] not in {SimState.ACTIVE, SimState.SUSPENDED}:
            raise TelcoValidationError("invalid_state", "A SIM can be made active or suspended")
    premium = changes.get("premium_services")
    if premium is not None and premium not in set(PremiumServices):
        raise TelcoValidationError(
            "invalid_premium_services", f"Unknown premium_services value {premium}"
        )
    if current is not None and current.changes_in_progress and set(changes) - NEXT_MONTH_REQUESTS:
        raise TelcoValidationError(
            "change_in_progress",
            "The SIM card is still applying an earlier change; only next-month "
            "requests are accepted now",
        )


class CallQuery(TypedDict, total=False):
    """What ``OdorikClient.read_calls`` (and ``get_calls``) take: the period, filters, paging."""

    start: datetime | None
    end: datetime | None
    since_id: int | None
    direction: CallDirection | str | None
    line: int | None
    min_length: int | None
    max_length: int | None
    min_price: float | None
    max_price: float | None
    status: CallStatus | str | None
    phone_number_filter: str | None
    sip_ids: bool
    include_sms: bool
    page_size: int
    page: int | None
    fmt: CallFormat


class _CallsRead:
    """The records of one read of the call history, gathered page by page."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.calls: list[Call] = []
        self.skipped_ids: list[int] = []
        self.listed = 0
        self.last_page_size = 0
        # (is an SMS row, id): SMS may be numbered apart from the calls.
        self._keys: set[tuple[bool, int]] = set()

    def add(self, records: Sequence[Any], unreadable: Callable[[str, int | None], None]) -> None:
        """Parse one page's records, each by itself; each record once, however often listed."""
        self.last_page_size = len(records)
        self.listed += len(records)
        for record in records:
            try:
                call = Call.from_dict(record)
            except MALFORMED:
                record_id = _record_id(record)
                unreadable(self.path, record_id)
                if record_id is not None and record_id not in self.skipped_ids:
                    self.skipped_ids.append(record_id)
                continue
            # Pages shift when records are written between two requests of a read.
            key = (call.is_sms, call.id)
            if key not in self._keys:
                self._keys.add(key)
                self.calls.append(call)

    def result(self) -> CallHistoryRead:
        """Return what was read."""
        return CallHistoryRead(
            calls=self.calls, skipped_ids=tuple(self.skipped_ids), listed=self.listed
        )


def _record_id(record: object) -> int | None:
    """Return the id of a record that could not be read, if it has a readable one."""
    # parse_int reads any JSON value and never raises: None for one that is no number.
    return parse_int(record.get("id")) if isinstance(record, Mapping) else None


class OdorikClient:
    """Talk to the Odorik.cz API with an account or a line login.

    ``username`` is the account ID (with the API password) or a line number
    (with that line's password); a line login sees only its own line.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        username: str,
        password: str,
        *,
        base_url: str = DEFAULT_ODORIK_URL,
        user_agent: str = DEFAULT_USER_AGENT,
        request_timeout: float = 15.0,
    ) -> None:
        """Store the session and credentials; nothing is sent yet."""
        self._session = session
        self._username = username
        self._password = password
        self._base_url = base_url.rstrip("/")
        self._user_agent = user_agent
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        # Ids of unreadable call records already logged (None: those without an id).
        self._unreadable: set[int | None] = set()
        self._in_flight = asyncio.Semaphore(MAX_CONCURRENT_REQUESTS)

    def __repr__(self) -> str:
        """Describe the client without its password."""
        return f"OdorikClient(username={self._username!r}, base_url={self._base_url!r})"

    # -- transport ---------------------------------------------------------

    def _params(self, params: Params | None) -> dict[str, str]:
        result = {
            "user": self._username,
            "password": self._password,
            "user_agent": self._user_agent,
        }
        for key, value in (params or {}).items():
            if value is not None:
                result[key] = _encode(value)
        return result

    def _redact(self, text: str) -> str:
        text = re.sub(r"\?\S*", "", text)
        for secret in {self._password, quote(self._password, safe="")}:
            if secret:
                text = text.replace(secret, "***")
        return text

    async def _send(self, method: str, path: str, params: Params | None) -> _Answer:
        _LOGGER.debug("Odorik %s %s", method, path)
        values = self._params(params)
        url = self._base_url + path
        failure: str
        try:
            async with (
                self._in_flight,
                self._session.request(
                    method,
                    url,
                    params=values if method == "GET" else None,
                    data=None if method == "GET" else values,
                    timeout=self._timeout,
                    # A redirect would carry the credentials (in the query, or in a form
                    # re-sent on 307/308) to wherever it points.
                    allow_redirects=False,
                ) as response,
            ):
                status = response.status
                headers = response.headers.copy()
                body = await response.read()
        except TimeoutError:
            failure = "timed out"
        except aiohttp.ClientError as err:
            # aiohttp messages may quote the URL, whose query holds the password.
            failure = f"{type(err).__name__}: {self._redact(str(err))}"
        else:
            return self._check_status(method, path, status, headers, body)
        raise TelcoConnectionError(f"Odorik {method} {path} failed: {failure}")

    def _check_status(
        self, method: str, path: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> _Answer:
        if status == 429:
            raise TelcoRateLimitedError(
                f"Odorik {method} {path} was rate limited",
                retry_after=_retry_after(headers.get("Retry-After")),
            )
        if status >= 500:
            raise TelcoConnectionError(f"Odorik {method} {path} answered HTTP {status}")
        if 300 <= status < 400:
            # Where it points is not said: a Location may quote the query, password and all.
            raise TelcoConnectionError(
                f"Odorik {method} {path} answered a redirect (HTTP {status})"
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise TelcoConnectionError(
                f"Odorik {method} {path} answered an undecodable body"
            ) from None
        return _Answer(status=status, text=text, headers=headers)

    @staticmethod
    def _raise(error: TelcoApiError) -> None:
        if AUTH_TOKENS.intersection(error.tokens):
            raise TelcoAuthenticationError(f"Odorik refused the credentials ({error.token})")
        raise error

    @staticmethod
    def _check_http(method: str, path: str, answer: _Answer) -> None:
        if answer.status >= 400:
            raise TelcoApiError((f"http_{answer.status}",), f"Odorik {method} {path}")

    async def _text(self, method: str, path: str, params: Params | None = None) -> str:
        answer = await self._send(method, path, params)
        text = answer.text.strip()
        if (error := _plain_error(text)) is not None:
            self._raise(error)
        self._check_http(method, path, answer)
        if text.startswith("<"):
            # Plain-text answers are a number, a list or a bare token; markup is a
            # page of something in front of the API (a maintenance or login page).
            raise TelcoConnectionError(f"Odorik {method} {path} answered an HTML page")
        return text

    async def _json(self, method: str, path: str, params: Params | None = None) -> Any:
        answer = await self._send(method, path, params)
        try:
            payload = await loads_in_steps(answer.text)
        except ValueError:
            if (error := _plain_error(answer.text)) is not None:
                self._raise(error)
            self._check_http(method, path, answer)
            raise TelcoConnectionError(
                f"Odorik {method} {path} answered something other than JSON"
            ) from None
        if (error := _json_error(payload)) is not None:
            self._raise(error)
        self._check_http(method, path, answer)
        return payload

    async def _write(
        self, method: str, path: str, params: Params | None = None
    ) -> Mapping[str, Any] | None:
        """Send a change to a ``.json`` endpoint whose success answer Odorik does not document.

        Odorik's pages give only the errors of these writes; a ``.json`` endpoint
        answers JSON (``{"errors": [...]}`` when it refuses). A success is therefore
        an empty body, or a JSON object or array without ``errors``; the object is
        returned when there is one, else None. Anything else (an HTML maintenance
        page, a bare ``ok``) says nothing about whether the change was made and
        raises ``TelcoConnectionError``.
        """
        answer = await self._send(method, path, params)
        text = answer.text.strip()
        if (error := _plain_error(text)) is not None:
            self._raise(error)
        if not text:
            self._check_http(method, path, answer)
            return None
        try:
            payload = loads(text)
        except ValueError:
            self._check_http(method, path, answer)
            raise TelcoConnectionError(
                f"Odorik {method} {path} answered something other than JSON"
            ) from None
        if (error := _json_error(payload)) is not None:
            self._raise(error)
        self._check_http(method, path, answer)
        if isinstance(payload, Mapping):
            return payload
        if isinstance(payload, list):
            return None
        raise TelcoConnectionError(f"Odorik {method} {path} answered something unexpected")

    async def _list(self, method: str, path: str, params: Params | None = None) -> list[Any]:
        payload = await self._json(method, path, params)
        if not isinstance(payload, list):
            raise TelcoConnectionError(f"Odorik {method} {path} answered no list")
        return [item for item in payload if isinstance(item, Mapping)]

    async def _object(
        self, method: str, path: str, params: Params | None = None
    ) -> Mapping[str, Any]:
        payload = await self._json(method, path, params)
        if not isinstance(payload, Mapping):
            raise TelcoConnectionError(f"Odorik {method} {path} answered no object")
        return payload

    @staticmethod
    def _build[T](path: str, parse: Callable[[Any], T], records: Sequence[Any]) -> list[T]:
        try:
            return [parse(record) for record in records]
        except MALFORMED:
            raise TelcoConnectionError(f"Odorik {path} answered malformed records") from None

    @staticmethod
    async def _build_in_steps[T](
        path: str, parse: Callable[[Any], T], records: Sequence[Any]
    ) -> list[T]:
        """Parse a long list as ``_build`` does, letting the event loop turn between parts."""
        try:
            return await build_in_steps(parse, records)
        except MALFORMED:
            raise TelcoConnectionError(f"Odorik {path} answered malformed records") from None

    # -- account -----------------------------------------------------------

    async def get_balance(self) -> float:
        """Return the account credit in CZK."""
        text = await self._text("GET", "/balance")
        balance = parse_float(text)
        if balance is None:
            raise TelcoConnectionError("Odorik /balance answered no number")
        return balance

    async def get_lines(self) -> list[Line]:
        """Return the lines visible to this login (without their SIP passwords)."""
        records = await self._list("GET", "/lines.json")
        return self._build("/lines.json", Line.from_dict, records)

    async def get_allowed_senders(self) -> list[str]:
        """Return the sender IDs this account may use for SMS."""
        text = await self._text("GET", "/sms/allowed_sender")
        return [item.strip() for item in text.split(",") if item.strip()]

    async def send_sms(
        self,
        recipient: str,
        message: str,
        *,
        sender: str | None = None,
        delayed: int | datetime | None = None,
    ) -> SmsResult:
        """Send (or with ``delayed`` schedule) an SMS; ``delayed`` = minutes or a moment."""
        text = await self._text(
            "POST",
            "/sms",
            {"recipient": recipient, "message": message, "sender": sender, "delayed": delayed},
        )
        status, _, rest = text.partition(" ")
        if status == SmsStatus.SENT:
            return SmsResult(SmsStatus.SENT, parse_float(rest))
        if status == SmsStatus.ENQUEUED:
            return SmsResult(SmsStatus.ENQUEUED)
        raise TelcoConnectionError("Odorik /sms answered something unexpected")

    # -- public numbers ------------------------------------------------------

    async def get_public_numbers(
        self, *, include_sip_names: bool = False, include_shared_numbers: bool = False
    ) -> list[PublicNumber]:
        """Return the public numbers (optionally with SIP names and shared numbers)."""
        records = await self._list(
            "GET",
            "/public_numbers.json",
            {
                "include_sip_names": include_sip_names or None,
                "include_shared_numbers": include_shared_numbers or None,
            },
        )
        return self._build("/public_numbers.json", PublicNumber.from_dict, records)

    async def get_ringings(self, public_number: str) -> list[Ringing]:
        """Return the numbers that ring in parallel on a public number."""
        path = f"/public_numbers/{_segment(public_number)}/ringings.json"
        return self._build(path, Ringing.from_dict, await self._list("GET", path))

    async def add_ringing(self, public_number: str, ringing_number: str) -> None:
        """Make ``ringing_number`` ring in parallel on calls to ``public_number``.

        Odorik does not document the success answer: an empty body or JSON
        without ``errors`` counts as done (see ``_write``).
        """
        path = f"/public_numbers/{_segment(public_number)}/ringings.json"
        await self._write("POST", path, {"ringing_number": ringing_number})

    async def delete_ringing(self, public_number: str, ringing_number: str) -> None:
        """Stop ``ringing_number`` ringing on ``public_number``.

        An empty body or JSON without ``errors`` counts as done (see ``_write``).
        """
        path = f"/public_numbers/{_segment(public_number)}/ringings/{_segment(ringing_number)}.json"
        await self._write("DELETE", path)

    async def get_routes(self, public_number: str) -> list[Route]:
        """Return the routing rules of a public number."""
        path = f"/public_numbers/{_segment(public_number)}/routes.json"
        return self._build(path, Route.from_dict, await self._list("GET", path))

    async def add_route(
        self,
        public_number: str,
        source_number: str,
        ringing_number: str,
        *,
        replace_by_source_number: bool = False,
    ) -> None:
        """Route calls from ``source_number`` (``*`` = anyone) to ``ringing_number``.

        Odorik does not document the success answer (nor whether it carries the
        new rule's id), so nothing is returned; read the rules with ``get_routes``.
        An empty body or JSON without ``errors`` counts as done (see ``_write``).
        """
        path = f"/public_numbers/{_segment(public_number)}/routes.json"
        await self._write(
            "POST",
            path,
            {
                "source_number": source_number,
                "ringing_number": ringing_number,
                "replace_by_source_number": replace_by_source_number or None,
            },
        )

    async def delete_route(self, public_number: str, route_id: int) -> None:
        """Delete one routing rule by its id.

        An empty body or JSON without ``errors`` counts as done (see ``_write``).
        """
        path = f"/public_numbers/{_segment(public_number)}/routes/{_segment(route_id)}.json"
        await self._write("DELETE", path)

    # -- calls ---------------------------------------------------------------

    async def callback(
        self,
        caller: str,
        recipient: str,
        *,
        delayed: int | datetime | None = None,
        line: int | str | None = None,
        simple: bool = False,
    ) -> CallbackResult:
        """Ring ``caller`` and connect them to ``recipient`` (now or ``delayed``)."""
        if isinstance(delayed, int) and not isinstance(delayed, bool) and delayed < 0:
            raise TelcoValidationError("delayed_into_past", "A delay cannot be negative")
        text = await self._text(
            "POST",
            "/callback",
            {
                "caller": caller,
                "recipient": recipient,
                "delayed": delayed,
                "line": line,
                "simple": simple or None,
            },
        )
        try:
            return CallbackResult(text)
        except ValueError:
            raise TelcoConnectionError("Odorik /callback answered something unexpected") from None

    async def get_sms_history(
        self,
        *,
        start: datetime,
        end: datetime,
        direction: CallDirection | str | None = None,
        line: int | None = None,
    ) -> list[Sms]:
        """Return the SMS sent and received between ``start`` and ``end`` (no texts).

        ``GET /sms.json`` wants the period (the wiki, api:sms); SMS have ids of their
        own, so this is the way to read them that rests on no guess about
        ``since_id``.
        """
        params: dict[str, ParamValue] = {
            "from": start,
            "to": end,
            "direction": direction,
            "line": line,
        }
        records = await self._list("GET", "/sms.json", params)
        return self._build("/sms.json", Sms.from_dict, records)

    async def get_calls(self, **query: Unpack[CallQuery]) -> list[Call]:
        """Return the call history, oldest first (see ``read_calls`` for the query).

        Records that cannot be read are left out (and logged once each).
        """
        return (await self.read_calls(**query)).calls

    async def read_calls(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        since_id: int | None = None,
        direction: CallDirection | str | None = None,
        line: int | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        min_price: float | None = None,
        max_price: float | None = None,
        status: CallStatus | str | None = None,
        phone_number_filter: str | None = None,
        sip_ids: bool = False,
        include_sms: bool = False,
        page_size: int = MAX_PAGE_SIZE,
        page: int | None = None,
        fmt: CallFormat = CallFormat.JSON,
    ) -> CallHistoryRead:
        """Read the call history, oldest first, with what could not be read.

        Give either ``start`` and ``end`` or ``since_id``. With ``page=None`` the
        pages announced by the ``Odorik-Pages`` header are followed, at most
        ``MAX_PAGES`` of them, up to the first page that is not full. Each record is
        parsed by itself: one that cannot be (no date, a date off the calendar) is
        left out and its id reported in ``skipped_ids``, so that a cursor can move
        past it rather than stop at it for good.
        """
        if since_id is None and (start is None or end is None):
            raise TelcoValidationError("missing_period", "Give either start and end, or since_id")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise TelcoValidationError(
                "invalid_page_size", f"page_size must be between 1 and {MAX_PAGE_SIZE}"
            )
        if page is not None and page < 1:
            raise TelcoValidationError("invalid_page", "Pages are numbered from 1")
        params: dict[str, ParamValue] = {
            "from": start,
            "to": end,
            "since_id": since_id,
            "direction": direction,
            "line": line,
            "min_length": min_length,
            "max_length": max_length,
            "min_price": min_price,
            "max_price": max_price,
            "status": status,
            "phone_number_filter": phone_number_filter,
            "sip_ids": sip_ids or None,
            "include_sms": include_sms or None,
            "page_size": page_size,
        }
        read = _CallsRead(f"/calls.{fmt}")
        announced = await self._calls_page(fmt, params, page or 1, read)
        if page is not None:
            return read.result()
        if announced > MAX_PAGES:
            _LOGGER.warning(
                "Odorik announced %d pages of calls; reading the first %d", announced, MAX_PAGES
            )
        number = 1
        # A page that is not full is the last, whatever the header said.
        while number < min(announced, MAX_PAGES) and read.last_page_size >= page_size:
            number += 1
            await self._calls_page(fmt, params, number, read)
        return read.result()

    async def _calls_page(
        self, fmt: CallFormat, params: dict[str, ParamValue], page: int, read: _CallsRead
    ) -> int:
        """Read one page into ``read``; return how many pages ``Odorik-Pages`` announces."""
        answer = await self._send("GET", read.path, {**params, "page": page})
        records = self._call_records(read.path, fmt, answer)
        read.add(records, self._unreadable_call)
        header = answer.headers.get("Odorik-Pages", "").strip()
        # isdecimal, not isdigit: "²" is a digit int() refuses.
        return max(int(header), 1) if header.isascii() and header.isdecimal() else 1

    def _unreadable_call(self, path: str, record_id: int | None) -> None:
        """Log a call record that cannot be read, once per id (its content stays out)."""
        if record_id in self._unreadable:
            return
        if len(self._unreadable) >= _UNREADABLE_MEMORY:
            self._unreadable.clear()
        self._unreadable.add(record_id)
        _LOGGER.warning(
            "Odorik %s listed a call record that cannot be read (id %s); it is left out",
            path,
            record_id,
        )

    def _call_records(self, path: str, fmt: CallFormat, answer: _Answer) -> list[Any]:
        text = answer.text
        if (error := _format_error(fmt, text) or _plain_error(text)) is not None:
            self._raise(error)
        if fmt is not CallFormat.JSON:
            self._check_http("GET", path, answer)
            try:
                return _csv_records(text) if fmt is CallFormat.CSV else _xml_records(text)
            except (csv.Error, ET.ParseError, *MALFORMED):
                raise TelcoConnectionError(f"Odorik {path} answered malformed data") from None
        try:
            payload = loads(text)
        except ValueError:
            raise TelcoConnectionError(
                f"Odorik {path} answered something other than JSON"
            ) from None
        if (error := _json_error(payload)) is not None:
            self._raise(error)
        self._check_http("GET", path, answer)
        if not isinstance(payload, list):
            raise TelcoConnectionError(f"Odorik {path} answered no list")
        return payload

    async def get_active_calls(self) -> list[ActiveCall]:
        """Return the calls in progress."""
        records = await self._list("GET", "/active_calls.json")
        return self._build("/active_calls.json", ActiveCall.from_dict, records)

    async def hang_up(self, call_id: int) -> None:
        """Hang up an active call.

        An empty body or JSON without ``errors`` counts as done (see ``_write``).
        """
        await self._write("DELETE", f"/active_calls/{_segment(call_id)}.json")

    @staticmethod
    def _statistics_params(
        start: datetime,
        end: datetime,
        direction: CallDirection | str | None,
        line: int | None,
        min_length: int | None,
        max_length: int | None,
        min_price: float | None,
        max_price: float | None,
    ) -> dict[str, ParamValue]:
        return {
            "from": start,
            "to": end,
            "direction": direction,
            "line": line,
            "min_length": min_length,
            "max_length": max_length,
            "min_price": min_price,
            "max_price": max_price,
        }

    async def get_call_statistics(
        self,
        *,
        start: datetime,
        end: datetime,
        direction: CallDirection | str | None = None,
        line: int | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        min_price: float | None = None,
        max_price: float | None = None,
    ) -> CallStatistics:
        """Return call totals per direction for a period."""
        params = self._statistics_params(
            start, end, direction, line, min_length, max_length, min_price, max_price
        )
        path = "/call_statistics.json"
        # Total: each direction that is not an object of numbers reads as zeros.
        return CallStatistics.from_dict(await self._object("GET", path, params))

    async def get_call_statistics_by_destination(
        self,
        *,
        start: datetime,
        end: datetime,
        direction: CallDirection | str | None = None,
        line: int | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        min_price: float | None = None,
        max_price: float | None = None,
    ) -> list[DestinationStatistics]:
        """Return call totals per destination, tariff and direction for a period."""
        params = self._statistics_params(
            start, end, direction, line, min_length, max_length, min_price, max_price
        )
        path = "/call_statistics/by_destination.json"
        records = await self._list("GET", path, params)
        return self._build(path, DestinationStatistics.from_dict, records)

    async def get_missed_calls(
        self, *, start: datetime, end: datetime
    ) -> list[MissedCallStatistics]:
        """Return how many calls per number were missed in a period, on the whole account.

        Page 001 lists no filter for this method (unlike the other statistics), so
        none is sent: a ``line`` the server might ignore would pass the account's
        missed calls off as one line's.
        """
        path = "/call_statistics/missed_calls.json"
        records = await self._list("GET", path, {"from": start, "to": end})
        return self._build(path, MissedCallStatistics.from_dict, records)

    # -- SIM cards -----------------------------------------------------------

    @staticmethod
    def _sim_params(
        include_available_data_packages: bool,
        include_available_credit_addons: bool,
        include_available_packages_delayed_billing: bool,
        include_available_roaming_settings: bool,
    ) -> dict[str, ParamValue]:
        return {
            "include_available_data_packages": include_available_data_packages or None,
            "include_available_credit_addons": include_available_credit_addons or None,
            "include_available_packages_delayed_billing": (
                include_available_packages_delayed_billing or None
            ),
            "include_available_roaming_settings": include_available_roaming_settings or None,
        }

    async def get_sim_cards(
        self,
        *,
        include_available_data_packages: bool = False,
        include_available_credit_addons: bool = False,
        include_available_packages_delayed_billing: bool = False,
        include_available_roaming_settings: bool = False,
    ) -> list[SimCard]:
        """Return the SIM cards visible to this login."""
        params = self._sim_params(
            include_available_data_packages,
            include_available_credit_addons,
            include_available_packages_delayed_billing,
            include_available_roaming_settings,
        )
        records = await self._list("GET", "/sim_cards.json", params)
        return await self._build_in_steps("/sim_cards.json", SimCard.from_dict, records)

    async def get_sim_card(
        self,
        phone_number: str,
        *,
        include_available_data_packages: bool = False,
        include_available_credit_addons: bool = False,
        include_available_packages_delayed_billing: bool = False,
        include_available_roaming_settings: bool = False,
    ) -> SimCard:
        """Return one SIM card by its phone number."""
        params = self._sim_params(
            include_available_data_packages,
            include_available_credit_addons,
            include_available_packages_delayed_billing,
            include_available_roaming_settings,
        )
        path = f"/sim_cards/{_segment(phone_number)}.json"
        record = await self._object("GET", path, params)
        return self._sim_card(path, record, phone_number)

    def _sim_card(self, path: str, record: Mapping[str, Any], phone_number: str) -> SimCard:
        try:
            return SimCard.from_dict(record, phone_number=phone_number)
        except MALFORMED:
            raise TelcoConnectionError(f"Odorik {path} answered a malformed SIM card") from None

    async def update_sim_card(
        self, phone_number: str, update: SimCardUpdate, *, current: SimCard | None = None
    ) -> SimCard:
        """Change SIM settings and return the SIM card as the operator shows it now.

        Odorik does not document the success answer: when it is not a SIM card
        (an empty body, ``{}``), the card is read back with ``get_sim_card``; an
        answer that is not JSON raises ``TelcoConnectionError``. Refused before
        sending: an empty update, a ``state`` change combined with anything
        else (Odorik would ignore the rest: the client's own rule), an unknown
        ``premium_services`` value, and (judged from ``current``
        or a fresh read) anything but next-month requests while earlier changes
        are still in progress.
        """
        changes = update.changes()
        _check_sim_update(changes, None)
        if set(changes) - NEXT_MONTH_REQUESTS and current is None:
            current = await self.get_sim_card(phone_number)
        _check_sim_update(changes, current)
        path = f"/sim_cards/{_segment(phone_number)}.json"
        record = await self._write("PUT", path, changes)
        if record is None or "id" not in record:
            return await self.get_sim_card(phone_number)
        return self._sim_card(path, record, phone_number)

    async def data_restart(self, phone_number: str) -> None:
        """Lift the fair-use limit of a SIM card's mobile data.

        Success is a bare ``ok``. Odorik does not say in which style this endpoint
        (without a ``.json``) refuses: a plain ``error <token>`` and a JSON
        ``{"errors": [...]}`` both raise ``TelcoApiError`` with their tokens.
        """
        path = f"/sim_cards/{_segment(phone_number)}/data_restart"
        answer = await self._send("POST", path, None)
        text = answer.text.strip()
        if (error := _plain_error(text)) is not None:
            self._raise(error)
        if text.startswith("{"):
            try:
                payload = loads(text)
            except ValueError:
                payload = None
            if (error := _json_error(payload)) is not None:
                self._raise(error)
        self._check_http("POST", path, answer)
        if text != "ok":
            raise TelcoConnectionError(f"Odorik POST {path} answered something unexpected")

    async def get_mobile_data(
        self, *, start: datetime, end: datetime, phone_number: str | None = None
    ) -> list[MobileDataRecord]:
        """Return mobile data records of one SIM card, or of all of them."""
        path = (
            "/sim_cards/mobile_data.json"
            if phone_number is None
            else f"/sim_cards/{_segment(phone_number)}/mobile_data.json"
        )
        records = await self._list("GET", path, {"from": start, "to": end})
        return await self._build_in_steps(path, MobileDataRecord.from_dict, records)

    async def assign_number_to_sim(
        self, phone_number: str, *, iccid: str, pin: str, delayed_activation: bool = False
    ) -> None:
        """Assign a line's mobile number to a SIM card given by ICCID and PIN.

        Document 003 says only "based on this SIM's data (ICCID and PIN)" and lists no
        parameter; the names ``iccid`` and ``pin`` are one public client's (thsip). A
        wrong name would be refused as ``missing_argument`` with the names in its
        detail, which ``TelcoApiError.detail`` carries to the user.
        """
        path = f"/sim_cards/{_segment(phone_number)}/assign_number_to_sim.json"
        await self._object(
            "POST", path, {"iccid": iccid, "pin": pin, "delayed_activation": delayed_activation}
        )
