"""Async client of the Zadarma REST API (v1).

Requests are signed as described in :mod:`.zadarma_signing`. GET parameters go
in the query string, everything else in a form body, both byte-identical to the
string that was signed; every path ends with the slash the API wants.

Errors:

- timeouts, ``aiohttp`` errors, HTTP 5xx and answers that are not the expected
  JSON (an HTML page, or a write's answer without ``"status": "success"``) raise
  ``TelcoConnectionError``;
- HTTP 401 (and 403) raise ``TelcoAuthenticationError``;
- a redirect (HTTP 3xx, not followed) raises ``TelcoConnectionError``;
- HTTP 429 raises ``TelcoRateLimitedError`` with ``retry_after`` in seconds,
  read from ``Retry-After``, else ``X-RateLimit-Reset`` (seconds left, or a unix
  time when it is that large), else 60; kept within 1 s..1 h, and a value that
  is not a finite number counts as none;
- any other HTTP 4xx, and ``"status": "error"`` on HTTP 200, raise
  ``TelcoApiError((token,), message)``. ``token`` comes from the message when
  it is one we know (see ``_MESSAGE_TOKENS``: ``unknown_method``,
  ``insufficient_balance``, ``missing_parameter``, ``invalid_number``,
  ``not_allowed``, ``read_only``, ``not_found``), else from the HTTP status
  (``bad_request``, ``forbidden``, ``not_found``, ``method_not_allowed``,
  ``conflict``, ``http_<code>``; ``api_error`` for HTTP 200).

Rate limits: Zadarma allows 100 requests a minute per key, and of those only 3
a minute to the statistics methods. The client keeps a sliding window of its
own requests for each limit and sleeps before one that would exceed
``requests_per_minute`` (or ``statistics_requests_per_minute``). After a 429 it
does not send anything under that limit until the server's delay has passed:
calls made before that raise ``TelcoRateLimitedError`` at once, with the time
still to wait, so that a Home Assistant update fails fast instead of blocking
for a minute. Whether a 429 to a statistics request blocks the whole key or only
the statistics is not documented; the client holds back only statistics after
one. Should the whole key be blocked, the next other request gets a 429 of its
own and the client backs off from everything.

Neither the API key nor the secret ever appears in an exception or a log line.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from functools import partial
import logging
import re
import time
from typing import Any, Final
from urllib.parse import parse_qsl, quote

import aiohttp
from yarl import URL

from .exceptions import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoRateLimitedError,
    TelcoValidationError,
)
from .parsing import MALFORMED, loads, wait_seconds
from .zadarma_models import (
    AccountTimezone,
    AvailableNumber,
    Balance,
    CallbackResult,
    CallCost,
    CallHistory,
    Country,
    Direction,
    DirectNumber,
    DocumentFile,
    DocumentGroup,
    DocumentUpload,
    GroupValidity,
    OrderResult,
    Pbx,
    ProlongResult,
    Sip,
    SipStatus,
    SmsResult,
    parse_bool,
)
from .zadarma_signing import ParamValue, authorization_header, build_query
from .zadarma_webhooks import CALL_NOTIFICATIONS, PushSettings

_LOGGER = logging.getLogger(__name__)

DEFAULT_ZADARMA_URL: Final = "https://api.zadarma.com"
DEFAULT_RETRY_AFTER: Final = 60.0
RATE_LIMIT_WINDOW: Final = 60.0
REQUESTS_PER_MINUTE: Final = 100
# Requests in flight at once: those sent together go out together (one round trip),
# below Home Assistant's 100 connections per host.
MAX_CONCURRENT_REQUESTS: Final = 30
STATISTICS_REQUESTS_PER_MINUTE: Final = 3
MAX_STATISTICS_LIMIT: Final = 1000
MAX_CALLER_NAME_LENGTH: Final = 30
STATISTICS_TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"

STATISTICS_ENDPOINT: Final = "statistics"

_CALLER_NAME = re.compile(r"[A-Za-z0-9]*")
# Never ``\D``: it would keep the digits of any script (Arabic-Indic, full-width).
_NOT_DIGITS = re.compile(r"[^0-9]")
_SPACES_AND_PLUS = re.compile(r"[\s+]")
# How many unreadable call records are remembered, to log each once.
_UNREADABLE_MEMORY: Final = 1024
# A X-RateLimit-Reset this large is a unix time, not a number of seconds.
_UNIX_TIME_THRESHOLD: Final = 1_000_000_000

_MESSAGE_TOKENS: Final = (
    ("wrong method name", "unknown_method"),
    ("not enough money", "insufficient_balance"),
    ("param is required", "missing_parameter"),
    ("check phone", "invalid_number"),
    ("not allowed", "not_allowed"),
    ("read-only", "read_only"),
    ("not found", "not_found"),
)
_STATUS_TOKENS: Final = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
}

type Clock = Callable[[], float]
type Sleep = Callable[[float], Awaitable[None]]
type JsonObject = dict[str, Any]


def error_token(http_status: int, message: str | None) -> str:
    """Return a stable snake_case key for a Zadarma error."""
    text = (message or "").lower()
    for fragment, token in _MESSAGE_TOKENS:
        if fragment in text:
            return token
    if http_status < 400:
        return "api_error"
    return _STATUS_TOKENS.get(http_status, f"http_{http_status}")


def digits(number: str | int) -> str:
    """Return a phone number as the API wants it: digits only."""
    return _NOT_DIGITS.sub("", str(number))


def _on_off(enabled: bool) -> str:
    return "on" if enabled else "off"


def validate_caller_name(caller_name: str) -> None:
    """Refuse a caller name Zadarma documents as invalid (Latin letters, digits, ≤30)."""
    if len(caller_name) > MAX_CALLER_NAME_LENGTH:
        raise TelcoValidationError(
            "caller_name_too_long",
            f"The caller name may have at most {MAX_CALLER_NAME_LENGTH} characters",
        )
    if not _CALLER_NAME.fullmatch(caller_name):
        raise TelcoValidationError(
            "invalid_caller_name", "The caller name may contain only Latin letters and digits"
        )


class RequestLimiter:
    """Keep at most ``limit`` requests in any ``window`` seconds, by sleeping."""

    def __init__(self, limit: int, window: float, *, clock: Clock, sleep: Sleep) -> None:
        """Start with an empty window."""
        if limit < 1:
            raise ValueError("the request limit must be at least 1")
        self._limit = limit
        self._window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()

    async def acquire(self) -> None:
        """Return once one more request fits in the window, and count it."""
        while True:
            now = self._clock()
            while self._sent and self._sent[0] <= now - self._window:
                self._sent.popleft()
            if len(self._sent) < self._limit:
                self._sent.append(now)
                return
            delay = self._sent[0] + self._window - now
            _LOGGER.debug("Zadarma request limit reached, waiting %.1f s", delay)
            await self._sleep(delay)


class ZadarmaClient:
    """Talk to one Zadarma account with its API key and secret."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        api_secret: str,
        *,
        base_url: str = DEFAULT_ZADARMA_URL,
        request_timeout: float = 15.0,
        requests_per_minute: int = REQUESTS_PER_MINUTE,
        statistics_requests_per_minute: int = STATISTICS_REQUESTS_PER_MINUTE,
        clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """Prepare the client; nothing is sent before the first call."""
        self._session = session
        self._api_key = api_key
        self._api_secret = api_secret
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        # Looked up now, not at import: a test's frozen clock then drives the back-off.
        clock = clock or time.monotonic
        self._clock = clock
        self._limiter = RequestLimiter(
            requests_per_minute, RATE_LIMIT_WINDOW, clock=clock, sleep=sleep
        )
        self._statistics_limiter = RequestLimiter(
            statistics_requests_per_minute, RATE_LIMIT_WINDOW, clock=clock, sleep=sleep
        )
        self._blocked_until = 0.0
        self._statistics_blocked_until = 0.0
        self._number_types: dict[str, str] = {}
        # The zone the numbers' dates are written in, once get_timezone() has read it.
        self._timezone: tzinfo = UTC
        self._number_types_lookup = asyncio.Lock()
        # The statistics records that could not be read, logged once each.
        self._unreadable: set[str] = set()
        self._in_flight = asyncio.Semaphore(MAX_CONCURRENT_REQUESTS)

    # Account, SIP, callback, SMS

    async def get_balance(self) -> Balance:
        """Return the account balance."""
        return await self._call(Balance.from_dict, "GET", "info/balance")

    async def get_timezone(self) -> AccountTimezone:
        """Return the account's time zone, and read the numbers' dates in it from now on.

        Zadarma writes ``start_date``/``stop_date`` without a zone; the account's zone
        is the one its own clock (``datetime`` of this answer) is written in.
        """
        zone = await self._call(AccountTimezone.from_dict, "GET", "info/timezone")
        self._timezone = zone.tzinfo
        return zone

    async def get_pbx(self) -> Pbx:
        """Return the account's virtual PBX: its id (the account's identity) and extensions."""
        return await self._call(Pbx.from_dict, "GET", "pbx/internal")

    async def get_sips(self) -> list[Sip]:
        """Return the SIP accounts."""
        return await self._call(_list_of(Sip.from_dict, "sips"), "GET", "sip")

    async def get_sip_status(self, sip_id: str) -> SipStatus:
        """Return whether a SIP account is registered."""
        return await self._call(SipStatus.from_dict, "GET", f"sip/{_segment(sip_id)}/status")

    async def request_callback(
        self, from_: str, to: str, *, sip: str | None = None, predicted: bool = False
    ) -> CallbackResult:
        """Ring ``from_`` (a phone, SIP id or extension), then connect it to ``to``.

        With ``predicted`` Zadarma dials ``to`` first. ``sip`` picks the SIP
        account whose caller id is shown and under which the call is recorded.
        """
        params: dict[str, ParamValue] = {
            "from": _SPACES_AND_PLUS.sub("", from_),
            "to": _SPACES_AND_PLUS.sub("", to),
            "sip": sip,
            "predicted": True if predicted else None,
        }
        return await self._call(CallbackResult.from_dict, "GET", "request/callback", params)

    async def send_sms(
        self, number: str | Sequence[str], message: str, *, sender: str | None = None
    ) -> SmsResult:
        """Send an SMS to one number or several (sent comma-joined)."""
        numbers = [number] if isinstance(number, str) else list(number)
        params: dict[str, ParamValue] = {
            "number": ",".join(digits(item) for item in numbers),
            "message": message,
            "sender": sender,
        }
        return await self._call(SmsResult.from_dict, "POST", "sms/send", params)

    @property
    def timezone(self) -> tzinfo:
        """Return the zone the account writes its times in (UTC until ``get_timezone``)."""
        return self._timezone

    def _statistics_params(
        self, start: datetime, end: datetime, sip: str | None, toll_free: bool
    ) -> dict[str, ParamValue]:
        """Return the parameters every statistics request carries, times in the account's zone."""
        start_text, end_text = self._statistics_time(start), self._statistics_time(end)
        if end < start:
            raise TelcoValidationError("invalid_period", "The period ends before it starts")
        return {
            "start": start_text,
            "end": end_text,
            "sip": sip,
            "type": "toll-free" if toll_free else None,
        }

    def _statistics_time(self, value: datetime) -> str:
        """Return an aware moment as the ``YYYY-MM-DD HH:MM:SS`` (account zone) Zadarma wants."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise TelcoValidationError(
                "naive_datetime", "Datetimes sent to Zadarma must carry a time zone"
            )
        return value.astimezone(self._timezone).strftime(STATISTICS_TIME_FORMAT)

    # Pushed events: where Zadarma sends call notifications and the other webhooks

    async def get_call_notifications(self) -> PushSettings:
        """Return the URL call notifications go to (empty if none) and which are on."""
        return await self._call(
            partial(PushSettings.from_dict, key="notifications"), "GET", "pbx/callinfo"
        )

    async def set_call_notification_url(self, url: str) -> None:
        """Send call notifications to ``url``; Zadarma checks it with ``zd_echo`` first."""
        await self._call(_nothing, "POST", "pbx/callinfo/url", {"url": url})

    async def delete_call_notification_url(self) -> None:
        """Send call notifications nowhere."""
        await self._call(_nothing, "DELETE", "pbx/callinfo/url")

    async def set_call_notifications(self, **enabled: bool) -> None:
        """Turn call notifications (``notify_start``, ``notify_end`` …) on or off."""
        unknown = set(enabled) - set(CALL_NOTIFICATIONS)
        if unknown:
            raise TelcoValidationError(
                "invalid_notification", f"unknown notifications: {', '.join(sorted(unknown))}"
            )
        params: dict[str, ParamValue] = {
            name: "true" if on else "false" for name, on in enabled.items()
        }
        await self._call(_nothing, "POST", "pbx/callinfo/notifications", params)

    async def get_webhooks(self) -> PushSettings:
        """Return the URL the other webhooks (SMS …) go to (empty if none) and which are on."""
        return await self._call(partial(PushSettings.from_dict, key="hooks"), "GET", "pbx/webhooks")

    async def set_webhooks_url(self, url: str) -> None:
        """Send the other webhooks to ``url``; Zadarma checks it with ``zd_echo`` first."""
        await self._call(_nothing, "POST", "pbx/webhooks/url", {"url": url})

    async def delete_webhooks_url(self) -> None:
        """Send the other webhooks nowhere."""
        await self._call(_nothing, "DELETE", "pbx/webhooks/url")

    async def set_webhook_hooks(self, **enabled: bool) -> None:
        """Turn webhooks (``sms``, ``number_lookup`` …) on or off."""
        params: dict[str, ParamValue] = {
            name: "true" if on else "false" for name, on in enabled.items()
        }
        await self._call(_nothing, "POST", "pbx/webhooks/hooks", params)

    # Call statistics (at most 3 requests a minute)

    async def get_statistics(
        self,
        start: datetime,
        end: datetime,
        *,
        sip: str | None = None,
        toll_free: bool = False,
        skip: int = 0,
        limit: int = MAX_STATISTICS_LIMIT,
    ) -> CallHistory:
        """Return one page of the calls between ``start`` and ``end``, oldest first.

        ``start`` and ``end`` must carry a time zone; they are sent, and the replies
        read, in the account's zone (``get_timezone``), as Zadarma writes every date.
        Zadarma answers at most ``limit`` (≤ 1000) calls, after skipping ``skip``;
        page with both. ``sip`` keeps one SIP account's calls, ``toll_free`` only
        calls of toll-free numbers. Each request counts against the statistics limit
        of 3 a minute: the client waits for a free slot rather than exceed it.
        """
        params = self._statistics_params(start, end, sip, toll_free)
        params |= _page(skip, limit)
        return await self._statistics_page("statistics", params)

    async def get_incoming_statistics(
        self,
        start: datetime,
        end: datetime,
        *,
        sip: str | None = None,
        skip: int = 0,
        limit: int = MAX_STATISTICS_LIMIT,
    ) -> CallHistory:
        """Return one page of the incoming calls between ``start`` and ``end``, oldest first.

        Zadarma lists them apart, at ``/v1/statistics/incoming-calls/`` (its spec and
        PHP client), without costs; paged, zoned and limited as ``get_statistics``.
        """
        params = self._statistics_params(start, end, sip, toll_free=False)
        params |= _page(skip, limit)
        return await self._statistics_page("statistics/incoming-calls", params)

    async def _statistics_page(
        self, endpoint: str, params: Mapping[str, ParamValue]
    ) -> CallHistory:
        """Read one page of call records; log each record that cannot be read once."""
        page = await self._call(
            partial(CallHistory.from_dict, zone=self._timezone), "GET", endpoint, params
        )
        for record_id in page.skipped_ids:
            key = f"{endpoint}:{record_id}"
            if key in self._unreadable:
                continue
            if len(self._unreadable) >= _UNREADABLE_MEMORY:
                self._unreadable.clear()
            self._unreadable.add(key)
            _LOGGER.warning(
                "Zadarma /v1/%s/ listed a call record that cannot be read (id %s); it is left out",
                endpoint,
                record_id,
            )
        return page

    async def get_call_costs(
        self, start: datetime, end: datetime, *, sip: str | None = None, toll_free: bool = False
    ) -> list[CallCost]:
        """Return what the calls between ``start`` and ``end`` cost (``cost_only``).

        One total per currency, with the billed seconds. Counts against the
        statistics limit like ``get_statistics``.
        """
        params = self._statistics_params(start, end, sip, toll_free)
        params["cost_only"] = True
        return await self._call(_list_of(CallCost.from_dict, "stats"), "GET", "statistics", params)

    # Ordering direct numbers

    async def get_countries(self, *, language: str | None = None) -> list[Country]:
        """Return the countries where numbers can be ordered."""
        return await self._call(
            _list_of(Country.from_dict, "info"),
            "GET",
            "direct_numbers/countries",
            {"language": language},
        )

    async def get_country(
        self, country: str, *, language: str | None = None, direction_id: int | None = None
    ) -> list[Direction]:
        """Return the directions (cities, kinds) of a country, by ISO alpha-2 code."""
        params: dict[str, ParamValue] = {
            "country": country.upper(),
            "language": language,
            "direction_id": direction_id,
        }
        return await self._call(
            _list_of(Direction.from_dict, "info"), "GET", "direct_numbers/country", params
        )

    async def get_available_numbers(
        self, direction_id: int | str, *, mask: str | None = None
    ) -> list[AvailableNumber]:
        """Return numbers free to order in a direction, optionally matching ``mask``.

        Zadarma's page (002_) takes the direction's numeric id or a code such as
        ``ru495`` (country and area code).
        """
        return await self._call(
            _list_of(AvailableNumber.from_dict, "numbers"),
            "GET",
            f"direct_numbers/available/{_segment(direction_id)}",
            {"mask": mask},
        )

    async def order_number(
        self,
        direction_id: int,
        *,
        documents_group_id: int | None = None,
        number_id: str | None = None,
        purpose: str | None = None,
        receive_sms: bool = False,
        period: str | None = None,
        autorenew_period: str | None = None,
    ) -> OrderResult:
        """Order a number of a direction (``number_id`` from ``get_available_numbers``).

        ``period`` is ``month`` or ``3month``; ``autorenew_period`` is ``month``
        or ``year``.
        """
        params: dict[str, ParamValue] = {
            "direction_id": direction_id,
            "documents_group_id": documents_group_id,
            "number_id": number_id,
            "purpose": purpose,
            "receive_sms": 1 if receive_sms else None,
            "period": period,
            "autorenew_period": autorenew_period,
        }
        return await self._call(OrderResult.from_dict, "POST", "direct_numbers/order", params)

    async def prolong_number(self, number: str, months: int) -> ProlongResult:
        """Pay ``months`` more months of a number."""
        if isinstance(months, bool) or months < 1:
            raise TelcoValidationError("invalid_months", "Prolong by at least one month")
        params: dict[str, ParamValue] = {"number": digits(number), "months": months}
        return await self._call(
            partial(ProlongResult.from_dict, zone=self._timezone),
            "POST",
            "direct_numbers/prolong",
            params,
        )

    # Connected direct numbers
    #
    # Zadarma's page (002_) wants ``type`` with ``number`` on /number/, both
    # autoprolongation methods, set_caller_name and set_sip_id. The caller may give
    # it; otherwise the client sends the type the numbers list gave, listing the
    # numbers once when it has not seen the number yet.

    async def get_direct_numbers(self) -> list[DirectNumber]:
        """Return the connected numbers (and remember their ``type``)."""
        numbers = await self._call(
            _list_of(partial(DirectNumber.from_dict, zone=self._timezone), "info"),
            "GET",
            "direct_numbers",
        )
        self._number_types.update({item.number: item.type for item in numbers})
        return numbers

    async def get_direct_number(
        self, number: str, *, number_type: str | None = None
    ) -> DirectNumber:
        """Return one connected number (its ``type`` comes from the list, if given)."""
        return await self._call(
            _object_of(partial(DirectNumber.from_dict, zone=self._timezone), "info"),
            "GET",
            "direct_numbers/number",
            await self._number_params(number, number_type),
        )

    async def get_autoprolongation(self, number: str, *, number_type: str | None = None) -> bool:
        """Return whether a number renews itself at the end of its period."""
        return await self._call(
            _autoprolongation,
            "GET",
            "direct_numbers/autoprolongation",
            await self._number_params(number, number_type),
        )

    async def set_autoprolongation(
        self, number: str, enabled: bool, *, number_type: str | None = None
    ) -> bool:
        """Switch automatic renewal of a number; return the new state."""
        params = await self._number_params(number, number_type)
        params["value"] = _on_off(enabled)
        return await self._call(_autoprolongation, "PUT", "direct_numbers/autoprolongation", params)

    async def set_caller_name(
        self, number: str, caller_name: str, *, number_type: str | None = None
    ) -> str | None:
        """Name a number (shown as CALLERID(name)); ``""`` clears it.

        Raises ``TelcoValidationError`` before sending anything when the name is
        not Latin letters and digits, or is longer than 30 characters.
        """
        validate_caller_name(caller_name)
        params = await self._number_params(number, number_type)
        params["caller_name"] = caller_name
        return await self._call(_caller_name, "PUT", "direct_numbers/set_caller_name", params)

    async def set_sip_id(
        self,
        number: str,
        sip_id: str,
        *,
        test_mode: bool | None = None,
        number_type: str | None = None,
    ) -> str:
        """Route a number to a SIP id or an external ``user@host`` URI; return it.

        ``test_mode`` switches the number's test mode when given.
        """
        params = await self._number_params(number, number_type)
        params["sip_id"] = sip_id
        params["test_mode"] = None if test_mode is None else _on_off(test_mode)
        return await self._call(_sip_id, "PUT", "direct_numbers/set_sip_id", params)

    # Identity documents

    async def create_document_group(self, **fields: str | int | None) -> DocumentGroup:
        """Create a document group (``email``, ``first_name``, ``country``...)."""
        return await self._call(
            _object_of(DocumentGroup.from_dict, "group"),
            "POST",
            "documents/groups/create",
            dict(fields),
        )

    async def update_document_group(
        self, group_id: int, **fields: str | int | None
    ) -> DocumentGroup:
        """Change the data of a document group (not of the main group 0).

        The spec requires every field ``create_document_group`` requires, changed
        or not: give the whole group.
        """
        return await self._call(
            _object_of(DocumentGroup.from_dict, "group"),
            "PUT",
            f"documents/groups/update/{_segment(group_id)}",
            dict(fields),
        )

    async def upload_document(
        self,
        group_id: int,
        document_type: str,
        *,
        filename: str,
        content: bytes,
        content_type: str,
    ) -> DocumentUpload:
        """Upload a scan (``passport``, ``receipt``...) to a document group."""
        params: dict[str, ParamValue] = {"group_id": group_id, "document_type": document_type}
        upload = _Upload(filename=filename, content=content, content_type=content_type)
        return await self._call(
            DocumentUpload.from_dict, "POST", "documents/upload", params, upload=upload
        )

    async def get_document_groups(self) -> list[DocumentGroup]:
        """Return every document group, the main group 0 included."""
        return await self._call(
            _list_of(DocumentGroup.from_dict, "groups"), "GET", "documents/groups/list"
        )

    async def get_document_group(self, group_id: int) -> DocumentGroup:
        """Return one document group (0 is the main group)."""
        return await self._call(
            _object_of(DocumentGroup.from_dict, "group"),
            "GET",
            f"documents/groups/get/{_segment(group_id)}",
        )

    async def get_document_files(self, group_id: int = 0) -> list[DocumentFile]:
        """Return the documents uploaded to a group (0 is the main group)."""
        return await self._call(
            _list_of(DocumentFile.from_dict, "documents"),
            "GET",
            "documents/files",
            {"group_id": group_id},
        )

    async def validate_document_group(self, group_id: int, direction_id: int) -> GroupValidity:
        """Check whether a document group is enough to order a number of a direction."""
        return await self._call(
            GroupValidity.from_dict,
            "GET",
            f"documents/groups/valid/{_segment(group_id)}",
            {"direction_id": direction_id},
        )

    # Transport

    async def _number_params(self, number: str, number_type: str | None) -> dict[str, ParamValue]:
        """Return ``number`` with its ``type``: the one given, else the listed one."""
        number = digits(number)
        return {"number": number, "type": number_type or await self._number_type(number)}

    async def _number_type(self, number: str) -> str:
        """Return the ``type`` the numbers list gives, listing the numbers if unseen.

        A number the list does not show raises ``TelcoApiError`` (``not_found``).
        """
        if number not in self._number_types:
            async with self._number_types_lookup:
                # Another call may have listed the numbers while this one waited.
                if number not in self._number_types:
                    await self.get_direct_numbers()
        if number not in self._number_types:
            raise TelcoApiError(("not_found",), f"Zadarma lists no direct number {number}")
        return self._number_types[number]

    def _check_back_off(self, statistics: bool) -> None:
        """Refuse to send while the server's rate-limit delay runs."""
        blocked_until = self._blocked_until
        if statistics:
            blocked_until = max(blocked_until, self._statistics_blocked_until)
        remaining = blocked_until - self._clock()
        if remaining > 0:
            raise TelcoRateLimitedError(
                "Waiting for the Zadarma rate limit to reset", retry_after=remaining
            )

    async def _call[T](
        self,
        parse: Callable[[JsonObject], T],
        method: str,
        endpoint: str,
        params: Mapping[str, ParamValue] | None = None,
        *,
        upload: _Upload | None = None,
    ) -> T:
        """Send one request and parse its answer with ``parse``."""
        payload = await self._request(
            method,
            endpoint,
            params,
            upload=upload,
            statistics=endpoint.startswith(STATISTICS_ENDPOINT),
        )
        try:
            return parse(payload)
        except MALFORMED as err:
            raise TelcoConnectionError(
                f"Zadarma answered an unexpected shape (/v1/{endpoint}/): {type(err).__name__}"
            ) from err

    async def _request(
        self,
        method: str,
        endpoint: str,
        params: Mapping[str, ParamValue] | None = None,
        *,
        upload: _Upload | None = None,
        statistics: bool = False,
    ) -> JsonObject:
        """Sign and send one request; return the JSON object of a success.

        ``statistics`` requests also wait for (and back off under) the statistics limit.
        """
        path = f"/v1/{endpoint}/"
        query = build_query(params or {})
        self._check_back_off(statistics)
        if statistics:
            await self._statistics_limiter.acquire()
        await self._limiter.acquire()
        # Another call may have hit a 429 while this one waited for the limiter.
        self._check_back_off(statistics)
        headers = {
            "Authorization": authorization_header(self._api_key, self._api_secret, path, query)
        }
        url = self._base_url + path
        data: aiohttp.FormData | bytes | None = None
        if method == "GET":
            if query:
                url = f"{url}?{query}"
        elif upload is not None:
            data = upload.form(query)
        else:
            data = query.encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        _LOGGER.debug("Zadarma %s %s", method, path)
        try:
            async with (
                self._in_flight,
                self._session.request(
                    method,
                    URL(url, encoded=True),
                    headers=headers,
                    data=data,
                    timeout=self._timeout,
                    # Where a redirect points is not Zadarma's API; its answer is not one.
                    allow_redirects=False,
                ) as response,
            ):
                body = await response.read()
                return self._parse(
                    path,
                    response.status,
                    response.headers,
                    body,
                    statistics=statistics,
                    write=method != "GET",
                )
        except TimeoutError as err:
            raise TelcoConnectionError(f"Timeout talking to Zadarma ({path})") from err
        except aiohttp.ClientError as err:
            raise TelcoConnectionError(
                f"Error talking to Zadarma ({path}): {type(err).__name__}"
            ) from err

    def _parse(
        self,
        path: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        *,
        statistics: bool = False,
        write: bool = False,
    ) -> JsonObject:
        """Turn an answer into its JSON object, or raise the matching error.

        A ``write`` succeeded only when Zadarma says so with ``"status": "success"``;
        any other object (``{}``, a proxy's JSON) says nothing about the change.
        """
        if status >= 500:
            raise TelcoConnectionError(f"Zadarma answered HTTP {status} ({path})")
        if 300 <= status < 400:
            raise TelcoConnectionError(f"Zadarma answered a redirect, HTTP {status} ({path})")
        payload: Any = None
        try:
            payload = loads(body)
        except ValueError:
            if status < 400:
                raise TelcoConnectionError(f"Zadarma answered invalid JSON ({path})") from None
        message: str | None = None
        if isinstance(payload, dict) and payload.get("message") is not None:
            message = str(payload["message"])
        if status == 429:
            retry_after = _retry_after(headers)
            if statistics:
                self._statistics_blocked_until = self._clock() + retry_after
            else:
                self._blocked_until = self._clock() + retry_after
            _LOGGER.debug("Zadarma rate limit hit, backing off for %.0f s", retry_after)
            raise TelcoRateLimitedError(message, retry_after=retry_after)
        if status in (401, 403):
            raise TelcoAuthenticationError(
                f"Zadarma refused the API key or signature ({message or status})"
            )
        if status >= 400 or (isinstance(payload, dict) and payload.get("status") == "error"):
            raise TelcoApiError((error_token(status, message),), message)
        if not isinstance(payload, dict):
            raise TelcoConnectionError(f"Zadarma answered an unexpected shape ({path})")
        if write and payload.get("status") != "success":
            raise TelcoConnectionError(f"Zadarma answered a write without success ({path})")
        return payload


class _Upload:
    """A file to send as the ``file`` field of a multipart form (not signed)."""

    def __init__(self, *, filename: str, content: bytes, content_type: str) -> None:
        self.filename = filename
        self.content = content
        self.content_type = content_type

    def form(self, query: str) -> aiohttp.FormData:
        """Return the multipart form: the fields exactly as signed, then the file."""
        form = aiohttp.FormData()
        for name, value in parse_qsl(query, keep_blank_values=True):
            form.add_field(name, value)
        form.add_field("file", self.content, filename=self.filename, content_type=self.content_type)
        return form


def _retry_after(headers: Mapping[str, str]) -> float:
    """Return how many seconds to wait after a 429."""
    for name in ("Retry-After", "X-RateLimit-Reset"):
        try:
            value = float(headers[name])
        except (KeyError, ValueError):
            continue
        if value > _UNIX_TIME_THRESHOLD:
            value -= time.time()
        if (seconds := wait_seconds(value)) is not None:
            return seconds
    return DEFAULT_RETRY_AFTER


def _page(skip: int, limit: int) -> dict[str, ParamValue]:
    """Return the paging parameters of a statistics request, checked."""
    if isinstance(limit, bool) or not 1 <= limit <= MAX_STATISTICS_LIMIT:
        raise TelcoValidationError(
            "invalid_limit", f"limit must be between 1 and {MAX_STATISTICS_LIMIT}"
        )
    if isinstance(skip, bool) or skip < 0:
        raise TelcoValidationError("invalid_skip", "skip cannot be negative")
    return {"skip": skip, "limit": limit}


def _segment(value: str | int) -> str:
    """Return a value safe to put in the path."""
    return quote(str(value), safe="")


def _list_of[T](
    parse: Callable[[Mapping[str, Any]], T], key: str
) -> Callable[[JsonObject], list[T]]:
    """Return a parser of the list of objects under ``key`` (``null`` is empty)."""

    def parse_list(payload: JsonObject) -> list[T]:
        items = payload.get(key) or []
        if not isinstance(items, list):
            raise TypeError(f"{key} is not a list")
        return [parse(item) for item in items]

    return parse_list


def _object_of[T](parse: Callable[[Mapping[str, Any]], T], key: str) -> Callable[[JsonObject], T]:
    """Return a parser of the object under ``key``."""

    def parse_object(payload: JsonObject) -> T:
        return parse(payload[key])

    return parse_object


def _nothing(_payload: JsonObject) -> None:
    """Parse a success that carries nothing we keep."""


def _autoprolongation(payload: JsonObject) -> bool:
    return parse_bool(payload["autoprolongation"])


def _caller_name(payload: JsonObject) -> str | None:
    return str(payload.get("caller_name") or "") or None


def _sip_id(payload: JsonObject) -> str:
    return str(payload["sip_id"])
