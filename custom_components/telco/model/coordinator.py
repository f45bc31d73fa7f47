"""Coordinators: polling at fixed intervals, error translation, the write path.

Every operator's coordinators derive from ``TelcoCoordinator``; those that tell call
records once each derive from ``CallRecordsCoordinator``, whose cursor outlives
restarts.

Each is an ``ItemViewsCoordinator`` (views.py): a poll writes only the entities of
the items whose views changed.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
import inspect
from itertools import count
import math
from typing import Any, ClassVar, Concatenate, Final, Protocol, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from ..api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoError,
    TelcoRateLimitedError,
    TelcoValidationError,
)
from ..const import DOMAIN, LOGGER
from .views import ItemViews, ItemViewsCoordinator

# Operator refusals and client validations with their own translated message (a rate
# limit has its own, saying when to try again).
KNOWN_REFUSALS = frozenset(
    {
        "callback_failed",
        "change_in_progress",
        "delayed_into_past",
        "invalid_delay_format",
        "invalid_iccid_or_pin",
        "invalid_line",
        "invalid_phone_number",
        "invalid_ringing_number",
        "invalid_source_number",
        "low_balance",
        "mobile_data_disabled",
        "nonexisting_public_number",
        "nonexisting_ringing_number",
        "redirection_loop",
        "shared_number_conflict",
        "sim_already_assigned",
        "unauthorized",
    }
)
RATE_LIMIT_REFUSALS = frozenset({"rate_limited"})
KNOWN_VALIDATIONS = frozenset({"state_change_alone", "change_in_progress"})
# Newer Home Assistant polls next after an ``UpdateFailed``'s ``retry_after`` (2025.4 has
# no such argument); an operator's delay is taken within these bounds.
POLL_RETRY_AFTER: Final = "retry_after" in inspect.signature(UpdateFailed.__init__).parameters
RETRY_AFTER_BOUNDS: Final = (1.0, 3600.0)


def change_error(err: TelcoError) -> HomeAssistantError:
    """Translate a client error met while changing something at the operator."""
    if isinstance(err, TelcoValidationError):
        if err.reason in KNOWN_VALIDATIONS:
            return ServiceValidationError(
                translation_domain=DOMAIN, translation_key=f"invalid_{err.reason}"
            )
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_request",
            translation_placeholders={"error": str(err)},
        )
    if isinstance(err, TelcoAuthenticationError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="authentication_failed"
        )
    if isinstance(err, TelcoApiError) and err.token in RATE_LIMIT_REFUSALS:
        retry_after = err.retry_after if isinstance(err, TelcoRateLimitedError) else None
        if retry_after is None:
            return HomeAssistantError(
                translation_domain=DOMAIN, translation_key="refused_rate_limited_later"
            )
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="refused_rate_limited",
            # Whole seconds, rounded up: trying again on the second said is soon enough.
            translation_placeholders={"retry_after": str(max(math.ceil(retry_after), 1))},
        )
    if isinstance(err, TelcoApiError):
        if err.token in KNOWN_REFUSALS:
            return HomeAssistantError(
                translation_domain=DOMAIN, translation_key=f"refused_{err.token}"
            )
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="refused",
            translation_placeholders={"error": str(err)},
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="communication_error",
        translation_placeholders={"error": str(err)},
    )


def poll_error(err: TelcoError) -> ConfigEntryAuthFailed | UpdateFailed:
    """Translate a client error met while polling."""
    if isinstance(err, TelcoAuthenticationError):
        return ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="authentication_failed"
        )
    if isinstance(err, TelcoApiError):
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="api_error",
            translation_placeholders={"error": str(err)},
            **_poll_delay(err),
        )
    # Connection trouble, and anything else the client raises (a request it refused
    # to build counts too: the poll failed and nothing was read).
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="communication_error",
        translation_placeholders={"error": str(err)},
    )


def _poll_delay(err: TelcoApiError) -> dict[str, Any]:
    """Return the ``UpdateFailed`` argument that waits out a rate limit, if one applies."""
    if not POLL_RETRY_AFTER or not isinstance(err, TelcoRateLimitedError):
        return {}
    if err.retry_after is None or not math.isfinite(err.retry_after):
        return {}
    low, high = RETRY_AFTER_BOUNDS
    return {"retry_after": min(max(err.retry_after, low), high)}


def map_client_errors[CoordinatorT: TelcoCoordinator[Any, Any], **P, R](
    func: Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, R]]:
    """Turn client errors into the errors a coordinator update must raise."""

    @wraps(func)
    async def wrapper(self: CoordinatorT, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await func(self, *args, **kwargs)
        except TelcoError as err:
            raise poll_error(err) from err

    return wrapper


class TelcoCoordinator[DataT, ClientT](ItemViewsCoordinator[DataT]):
    """A coordinator of one operator client, polled at the interval its operator chose.

    Each operator sets ``interval`` from what its API allows and how fast the data
    changes; users who want a poll now ask Home Assistant (``update_entity``). Its
    entry is typed loosely: the runtime data an entry holds is declared above the
    coordinators (``declaration.TelcoRuntimeData``), and names them.
    """

    config_entry: ConfigEntry[Any]
    interval: ClassVar[timedelta]

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], client: ClientT) -> None:
        """Poll at the operator's interval; nothing is requested yet."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {type(self).__name__}",
            update_interval=self.interval,
        )
        self.client = client

    async def async_refresh_item(self, item: str) -> None:
        """Read ``item`` now (``update_entity`` of one of its entities); by default, poll."""
        del item  # most coordinators read all their items in one request
        await self.async_request_refresh()

    async def async_ask[R](self, request: Awaitable[R]) -> R:
        """Ask the operator something on a user's behalf, translating its errors.

        Refused credentials start reauthentication.
        """
        try:
            return await request
        except TelcoError as err:
            raise self._asked_error(err) from err

    def _asked_error(self, err: TelcoError) -> HomeAssistantError:
        """Return the translated error of a request; refused credentials start reauthentication."""
        if isinstance(err, TelcoAuthenticationError):
            self.config_entry.async_start_reauth(self.hass)
        return change_error(err)

    async def async_run_change[R](self, change: Awaitable[R]) -> R:
        """Send a change to the operator: the one place its errors are translated.

        On failure nothing was changed: the entities listening here drop any state
        the user interface guessed and show the operator's again; refused
        credentials start reauthentication.
        """
        try:
            return await self.async_ask(change)
        except HomeAssistantError:
            self.async_update_listeners()
            raise

    async def async_run_confirmed_change(
        self, change: Awaitable[object], confirm: Callable[[], Awaitable[bool]]
    ) -> None:
        """Send a change whose answer may be lost after the operator made it.

        A connection that fails or times out once the request is sent (or a page
        answering in the operator's place) says nothing about the change: the
        operator may have made it. ``confirm`` then re-reads the item (showing it
        at once) and tells whether the operator has the change, or is applying
        it; if so it counts as made. Otherwise, or when the re-read fails too,
        the user is told that the change may not have been applied. Every other
        error is translated as ``async_run_change`` does.
        """
        try:
            await change
        except TelcoConnectionError as err:
            await self._async_confirm_lost_answer(err, confirm)
        except TelcoError as err:
            self.async_update_listeners()
            raise self._asked_error(err) from err

    async def _async_confirm_lost_answer(
        self, lost: TelcoConnectionError, confirm: Callable[[], Awaitable[bool]]
    ) -> None:
        try:
            confirmed = await confirm()
        except TelcoError as err:
            if isinstance(err, TelcoAuthenticationError):
                self.config_entry.async_start_reauth(self.hass)
            LOGGER.debug("Re-reading after a change whose answer was lost failed: %s", err)
            confirmed = False
        if not confirmed:
            self.async_update_listeners()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="change_unconfirmed",
                translation_placeholders={"error": str(lost)},
            ) from lost
        LOGGER.debug("A change whose answer was lost was made all the same: %s", lost)


# --- Call records --------------------------------------------------------------------------

CALL_CURSOR_VERSION = 1


def call_cursor_store(hass: HomeAssistant, entry: ConfigEntry[Any]) -> Store[dict[str, Any]]:
    """Return where an account's call-record cursor is kept: named by the account, not the entry."""
    return Store(hass, CALL_CURSOR_VERSION, f"{DOMAIN}.calls.{entry.unique_id}")


class CallCursor(Protocol):
    """How far an operator's call records were read, as kept in storage."""

    def as_dict(self) -> dict[str, Any]:
        """Return the cursor as JSON-able data."""
        raise NotImplementedError


# A record read more than this after its call ended is told as a catch-up (after an
# outage or a restart), so that automations can tell "the phone rang" from history.
CATCH_UP_AFTER: Final = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class CallBatch[RecordT]:
    """The records one poll found new, oldest first, and when they were read.

    Every poll makes a batch with the next ``sequence``: the event entity tells each
    sequence once, however often the coordinators call it back.
    """

    sequence: int
    read_at: datetime
    records: tuple[RecordT, ...] = ()

    def is_catch_up(self, ended: datetime) -> bool:
        """Tell whether a call that ended at ``ended`` is history caught up with."""
        return self.read_at - ended > CATCH_UP_AFTER

    def event_attributes(self, attributes: dict[str, Any], ended: datetime) -> dict[str, Any]:
        """Return a record's event attributes, marked ``catch_up`` when it is history."""
        return {**attributes, "catch_up": True} if self.is_catch_up(ended) else attributes


class CallRecordsCoordinator[RecordT, CursorT: CallCursor, ClientT](
    TelcoCoordinator[CallBatch[RecordT], ClientT]
):
    """The call records new since a cursor that outlives restarts, each told once.

    The first refresh, during setup, reads nothing, for no entity listens yet to tell
    the records: it takes up the stored cursor or, on the very first start, keeps
    one at this moment, so that no history is replayed. Each poll then reads what is
    new since the cursor and moves it on. A cursor that moved past records is kept
    before the listeners tell them, and nothing can stop them between the two: a
    restart neither repeats nor loses a record.
    """

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], client: ClientT) -> None:
        """Start without a cursor; the first refresh finds it."""
        super().__init__(hass, entry, client)
        self._store = call_cursor_store(hass, entry)
        self._sequence = count()
        self.cursor: CursorT | None = None

    @override
    def item_views(self, data: CallBatch[RecordT]) -> ItemViews:
        """Return the poll's sequence when it found records: each is told, none is missed.

        A poll that found none changes nothing the account's entities show.
        """
        return ItemViews(items={"": data.sequence if data.records else None})

    @map_client_errors
    async def _async_update_data(self) -> CallBatch[RecordT]:
        now = dt_util.utcnow()
        if self.cursor is None:
            self.cursor = await self._async_find_cursor()
            return CallBatch(sequence=next(self._sequence), read_at=now)
        records, cursor = await self._read_new(self.cursor, now)
        if records:
            # A write that fails fails the poll: nothing is told, and the next poll
            # reads the same records again.
            await self._store.async_save(cursor.as_dict())
        self.cursor = cursor
        return CallBatch(sequence=next(self._sequence), read_at=now, records=tuple(records))

    async def _async_find_cursor(self) -> CursorT:
        """Return the stored cursor, or keep and return the cursor of a first start."""
        if (stored := await self._store.async_load()) is not None:
            return self._load_cursor(stored)
        # Operators date records to the second: a call that begins in the second of the
        # first start, after it, must not fall before the cursor.
        cursor = self._start_cursor(dt_util.utcnow().replace(microsecond=0))
        await self._store.async_save(cursor.as_dict())
        return cursor

    @abstractmethod
    def _start_cursor(self, now: datetime) -> CursorT:
        """Return the cursor of a first start: nothing before ``now`` is new."""
        raise NotImplementedError

    @abstractmethod
    def _load_cursor(self, stored: Mapping[str, Any]) -> CursorT:
        """Return the cursor that was stored."""
        raise NotImplementedError

    @abstractmethod
    async def _read_new(self, cursor: CursorT, now: datetime) -> tuple[Sequence[RecordT], CursorT]:
        """Return the records new since ``cursor``, oldest first, and the cursor past them."""
        raise NotImplementedError
