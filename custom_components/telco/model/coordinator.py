"""Coordinators: polling at the entry's intervals, error translation, the write path.

Every operator's coordinators derive from ``TelcoCoordinator``; those that tell call
records once each derive from ``CallRecordsCoordinator``, whose cursor outlives
restarts.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, Concatenate, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ..api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoError,
    TelcoValidationError,
)
from ..const import DEFAULT_INTERVALS, DOMAIN, LOGGER

# Operator refusals and client validations with their own translated message.
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
        "rate_limited",
        "redirection_loop",
        "shared_number_conflict",
        "sim_already_assigned",
    }
)
KNOWN_VALIDATIONS = frozenset({"state_change_alone", "change_in_progress"})


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
        )
    # Connection trouble, and anything else the client raises (a request it refused
    # to build counts too: the poll failed and nothing was read).
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="communication_error",
        translation_placeholders={"error": str(err)},
    )


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


class TelcoCoordinator[DataT, ClientT](DataUpdateCoordinator[DataT]):
    """A coordinator of one operator client, polled at an interval from the entry's options.

    Its entry is typed loosely: the runtime data an entry holds is declared above
    the coordinators (``declaration.TelcoRuntimeData``), and names them.
    """

    config_entry: ConfigEntry[Any]
    interval_option: str

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], client: ClientT) -> None:
        """Poll at the interval the user chose (or the default); nothing is requested yet."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {type(self).__name__}",
            update_interval=self.interval_from(entry.options),
        )
        self.client = client

    def interval_from(self, options: Mapping[str, Any]) -> timedelta:
        """Return the poll interval that the entry's options ask for."""
        seconds = options.get(self.interval_option, DEFAULT_INTERVALS[self.interval_option])
        return timedelta(seconds=seconds)

    async def async_apply_options(self, options: Mapping[str, Any]) -> None:
        """Poll at the interval the options ask for, counted from now."""
        self.update_interval = self.interval_from(options)
        # A refresh schedules the next one at the new interval.
        await self.async_refresh()

    async def async_ask[R](self, request: Awaitable[R]) -> R:
        """Ask the operator something on a user's behalf, translating its errors.

        Refused credentials start reauthentication.
        """
        try:
            return await request
        except TelcoError as err:
            if isinstance(err, TelcoAuthenticationError):
                self.config_entry.async_start_reauth(self.hass)
            raise change_error(err) from err

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


@dataclass(frozen=True, kw_only=True)
class CallBatch[RecordT]:
    """The records one poll found new, oldest first. Every poll makes a new batch."""

    records: tuple[RecordT, ...] = ()


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
        self.cursor: CursorT | None = None

    @map_client_errors
    async def _async_update_data(self) -> CallBatch[RecordT]:
        if self.cursor is None:
            self.cursor = await self._async_find_cursor()
            return CallBatch()
        records, cursor = await self._read_new(self.cursor, dt_util.utcnow())
        if records:
            # A write that fails fails the poll: nothing is told, and the next poll
            # reads the same records again.
            await self._store.async_save(cursor.as_dict())
        self.cursor = cursor
        return CallBatch(records=tuple(records))

    async def _async_find_cursor(self) -> CursorT:
        """Return the stored cursor, or keep and return the cursor of a first start."""
        if (stored := await self._store.async_load()) is not None:
            return self._load_cursor(stored)
        cursor = self._start_cursor(dt_util.utcnow())
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
