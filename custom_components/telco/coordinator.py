"""Coordinators that poll the operators, and the runtime data of a config entry."""

from __future__ import annotations

from abc import abstractmethod
import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, Protocol, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoError,
    TelcoValidationError,
)
from .api.odorik import OdorikClient
from .api.odorik_models import (
    ActiveCall,
    Call,
    CallStatistics,
    MobileDataRecord,
    PublicNumber,
    Ringing,
    Route,
    SimCard,
    SimCardUpdate,
)
from .api.zadarma import ZadarmaClient
from .api.zadarma_models import Balance, DirectNumber, Sip
from .const import (
    CONF_ACCOUNT_INTERVAL,
    CONF_ACTIVE_CALLS_INTERVAL,
    CONF_SLOW_INTERVAL,
    DEFAULT_INTERVALS,
    DOMAIN,
    LOGGER,
    ODORIK_TIMEZONE,
    ZADARMA_STATISTICS_INTERVAL,
)

if TYPE_CHECKING:
    from .entity import ItemTracker
    from .operators import Operator


@dataclass(kw_only=True)
class TelcoRuntimeData:
    """What a loaded entry holds: its operator's declaration, account device and coordinators."""

    operator: Operator[Any, Any]
    account_device_id: str
    # Set once the first polls succeeded: which SIM cards, numbers and lines exist.
    items: ItemTracker = field(init=False)

    @property
    def coordinators(self) -> tuple[TelcoCoordinator[Any, Any], ...]:
        """Return every coordinator, e.g. to apply new poll intervals."""
        raise NotImplementedError


@dataclass(kw_only=True)
class OdorikRuntimeData(TelcoRuntimeData):
    """The Odorik client and coordinators of one config entry."""

    client: OdorikClient
    account: OdorikAccountCoordinator
    active_calls: OdorikActiveCallsCoordinator
    calls: OdorikCallsCoordinator
    mobile_data: OdorikMobileDataCoordinator
    routing: OdorikRoutingCoordinator

    @property
    @override
    def coordinators(self) -> tuple[TelcoCoordinator[Any, Any], ...]:
        """Return every coordinator, e.g. to apply new poll intervals."""
        return (self.account, self.active_calls, self.calls, self.mobile_data, self.routing)


@dataclass(kw_only=True)
class ZadarmaRuntimeData(TelcoRuntimeData):
    """The Zadarma client and coordinators of one config entry."""

    client: ZadarmaClient
    account: ZadarmaAccountCoordinator
    calls: ZadarmaCallsCoordinator

    @property
    @override
    def coordinators(self) -> tuple[TelcoCoordinator[Any, Any], ...]:
        """Return every coordinator, e.g. to apply new poll intervals."""
        return (self.account, self.calls)


type TelcoConfigEntry = ConfigEntry[TelcoRuntimeData]

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
KNOWN_VALIDATIONS = frozenset(
    {"state_change_alone", "change_in_progress", "invalid_caller_name", "caller_name_too_long"}
)


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
    """A coordinator of one operator client, polled at an interval from the entry's options."""

    config_entry: TelcoConfigEntry
    interval_option: str

    def __init__(self, hass: HomeAssistant, entry: TelcoConfigEntry, client: ClientT) -> None:
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


def month_start(now: datetime) -> datetime:
    """Return the start of ``now``'s month in Prague time (Odorik's billing month)."""
    local = now.astimezone(ODORIK_TIMEZONE)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def day_start(moment: datetime) -> datetime:
    """Return the start of ``moment``'s day in Prague time."""
    local = moment.astimezone(ODORIK_TIMEZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


# --- Call records --------------------------------------------------------------------------

CALL_CURSOR_VERSION = 1


def call_cursor_store(hass: HomeAssistant, entry: TelcoConfigEntry) -> Store[dict[str, Any]]:
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

    def __init__(self, hass: HomeAssistant, entry: TelcoConfigEntry, client: ClientT) -> None:
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


# --- Odorik -------------------------------------------------------------------------------

ROAMING_OFF = "off"
# Roaming is turned back on with this profile when the SIM card offers no list.
DEFAULT_ROAMING = "eu_data_outgoing"


@dataclass(frozen=True, kw_only=True)
class OdorikAccount:
    """One poll of the Odorik account: balance, SIM cards and this month's calls."""

    balance: float
    sim_cards: dict[str, SimCard]
    statistics: CallStatistics
    missed_calls: int
    # The start of the Prague month the statistics count from.
    month: datetime


class OdorikAccountCoordinator(TelcoCoordinator[OdorikAccount, OdorikClient]):
    """Balance, SIM cards (one list request for all) and month-to-date call statistics."""

    interval_option = CONF_ACCOUNT_INTERVAL

    def __init__(self, hass: HomeAssistant, entry: TelcoConfigEntry, client: OdorikClient) -> None:
        """Start with no change waiting to be applied."""
        super().__init__(hass, entry, client)
        # Changes the user asked for while the operator still applies them, by phone
        # number; shown instead of the old values until the SIM card's
        # changes_in_progress list is empty again.
        self.requested: dict[str, SimCardUpdate] = {}
        # The last roaming profile of each SIM card other than "off", to go back to.
        self.last_roaming: dict[str, str] = {}

    @map_client_errors
    async def _async_update_data(self) -> OdorikAccount:
        now = dt_util.utcnow()
        start = month_start(now)
        balance, sim_cards, statistics, missed = await asyncio.gather(
            self.client.get_balance(),
            self._fetch_sim_cards(),
            self.client.get_call_statistics(start=start, end=now),
            self.client.get_missed_calls(start=start, end=now),
        )
        return OdorikAccount(
            balance=balance,
            sim_cards=sim_cards,
            statistics=statistics,
            missed_calls=sum(item.count for item in missed),
            month=start,
        )

    async def _fetch_sim_cards(self) -> dict[str, SimCard]:
        cards = await self.client.get_sim_cards(
            include_available_data_packages=True, include_available_roaming_settings=True
        )
        by_number = {card.phone_number: card for card in cards if card.phone_number}
        self.requested = {
            number: update
            for number, update in self.requested.items()
            if number in by_number and by_number[number].changes_in_progress
        }
        for number, card in by_number.items():
            if card.roaming is not None and card.roaming != ROAMING_OFF:
                self.last_roaming[number] = card.roaming
        return by_number

    async def async_refresh_sim_cards(self) -> None:
        """Re-read only the SIM cards after a change (not balance or statistics)."""
        try:
            sim_cards = await self._fetch_sim_cards()
        except TelcoError as err:
            # The change itself went through; the next regular poll shows it.
            LOGGER.debug("Re-reading the SIM cards after a change failed: %s", err)
            return
        self.async_set_updated_data(replace(self.data, sim_cards=sim_cards))

    @callback
    def async_set_balance(self, balance: float) -> None:
        """Show the credit an answer of the operator reported (an SMS tells what is left)."""
        self.async_set_updated_data(replace(self.data, balance=balance))

    def sim_card(self, number: str) -> SimCard:
        """Return a SIM card as it will be once the changes asked for are applied."""
        card = self.data.sim_cards[number]
        requested = self.requested.get(number)
        return requested.applied_to(card) if requested else card

    def roaming_to_restore(self, number: str) -> str:
        """Return the roaming profile to turn roaming back on with."""
        if number in self.last_roaming:
            return self.last_roaming[number]
        offered = [
            option.name
            for option in self.data.sim_cards[number].available_roaming_settings or ()
            if option.name != ROAMING_OFF
        ]
        return offered[0] if offered else DEFAULT_ROAMING

    async def async_update_sim(self, number: str, update: SimCardUpdate) -> None:
        """Change SIM settings, show them as asked for while applied, re-read the SIM cards."""
        current = self.data.sim_cards[number]
        await self.async_run_change(self.client.update_sim_card(number, update, current=current))
        self.requested[number] = self.requested.get(number, SimCardUpdate()).merged(update)
        await self.async_refresh_sim_cards()

    async def async_data_restart(self, number: str) -> None:
        """Restart a SIM card's mobile data (lift the fair-use limit), re-read the SIM cards."""
        await self.async_run_change(self.client.data_restart(number))
        await self.async_refresh_sim_cards()


class OdorikActiveCallsCoordinator(TelcoCoordinator[list[ActiveCall], OdorikClient]):
    """Calls in progress right now."""

    interval_option = CONF_ACTIVE_CALLS_INTERVAL

    @map_client_errors
    async def _async_update_data(self) -> list[ActiveCall]:
        return await self.client.get_active_calls()


@dataclass(frozen=True, kw_only=True)
class DataUsage:
    """Month-to-date mobile data of one SIM card."""

    bytes_total: int = 0
    price: float = 0.0

    def __add__(self, other: DataUsage) -> DataUsage:
        """Add two usages."""
        return DataUsage(
            bytes_total=self.bytes_total + other.bytes_total, price=self.price + other.price
        )

    @classmethod
    def of(cls, records: list[MobileDataRecord]) -> DataUsage:
        """Sum records."""
        return cls(
            bytes_total=sum(record.bytes_total for record in records),
            price=sum(record.price or 0.0 for record in records),
        )


@dataclass
class MobileDataLedger:
    """Month-to-date mobile data, accumulated incrementally.

    Records before ``cursor`` are final and summed into ``settled``; each poll
    re-reads only from ``cursor`` (the start of the last day already seen, whose
    daily record may still grow), so a poll costs what is new, not the month.
    """

    month: datetime
    cursor: datetime
    settled: dict[str, DataUsage] = field(default_factory=dict)

    @classmethod
    def for_month_of(cls, now: datetime) -> MobileDataLedger:
        """Start an empty ledger at the beginning of ``now``'s Prague month."""
        start = month_start(now)
        return cls(month=start, cursor=start)

    def add(self, records: list[MobileDataRecord]) -> dict[str, DataUsage]:
        """Take the records read from ``cursor`` on; return the month-to-date totals."""
        # An undated record cannot be placed in the month; the operator dates them all.
        dated = [
            (record.date, record)
            for record in records
            if record.date is not None and record.date >= self.cursor
        ]
        if not dated:
            return dict(self.settled)
        # Days before the last one seen are final; the last one may still grow.
        new_cursor = max(self.cursor, day_start(max(date for date, _ in dated)))
        fresh: dict[str, list[MobileDataRecord]] = {}
        done: dict[str, list[MobileDataRecord]] = {}
        for date, record in dated:
            fresh.setdefault(record.phone_number, []).append(record)
            if date < new_cursor:
                done.setdefault(record.phone_number, []).append(record)
        totals = dict(self.settled)
        for number, items in fresh.items():
            totals[number] = totals.get(number, DataUsage()) + DataUsage.of(items)
        for number, items in done.items():
            self.settled[number] = self.settled.get(number, DataUsage()) + DataUsage.of(items)
        self.cursor = new_cursor
        return totals


class OdorikMobileDataCoordinator(TelcoCoordinator[dict[str, DataUsage], OdorikClient]):
    """Month-to-date mobile data per SIM card, from one request for all SIM cards."""

    interval_option = CONF_SLOW_INTERVAL

    def __init__(self, hass: HomeAssistant, entry: TelcoConfigEntry, client: OdorikClient) -> None:
        """Start with an empty ledger for the current month."""
        super().__init__(hass, entry, client)
        self.ledger = MobileDataLedger.for_month_of(dt_util.utcnow())

    @map_client_errors
    async def _async_update_data(self) -> dict[str, DataUsage]:
        now = dt_util.utcnow()
        if month_start(now) != self.ledger.month:
            self.ledger = MobileDataLedger.for_month_of(now)
        records = await self.client.get_mobile_data(start=self.ledger.cursor, end=now)
        return self.ledger.add(records)


@dataclass(frozen=True, kw_only=True)
class PublicNumberRouting:
    """A public number with its routing rules and parallel ringings."""

    number: PublicNumber
    routes: list[Route]
    ringings: list[Ringing]


class OdorikRoutingCoordinator(TelcoCoordinator[dict[str, PublicNumberRouting], OdorikClient]):
    """Public numbers with their routes and parallel ringings."""

    interval_option = CONF_SLOW_INTERVAL

    @map_client_errors
    async def _async_update_data(self) -> dict[str, PublicNumberRouting]:
        numbers = await self.client.get_public_numbers()
        routings = await asyncio.gather(*(self._routing(number) for number in numbers))
        return {routing.number.public_number: routing for routing in routings}

    async def _routing(self, number: PublicNumber) -> PublicNumberRouting:
        routes, ringings = await asyncio.gather(
            self.client.get_routes(number.public_number),
            self.client.get_ringings(number.public_number),
        )
        return PublicNumberRouting(number=number, routes=routes, ringings=ringings)

    async def async_read_public_number(self, number: str) -> PublicNumberRouting:
        """Read one public number's routes and parallel ringings as they are now."""
        known = self.data.get(number)
        return await self._routing(known.number if known else PublicNumber(number, None))

    async def async_refresh_public_number(self, number: str) -> PublicNumberRouting:
        """Re-read only the public number a change was made to; its entities show it at once."""
        routing = await self.async_read_public_number(number)
        if number in self.data:
            self.async_set_updated_data({**self.data, number: routing})
        return routing


@dataclass(frozen=True, kw_only=True)
class OdorikCallCursor:
    """How far the call history was read: past record ``last_id``.

    Before the first record after the very first start there is no id to read
    past; the history is then read by time, from that start (``since``).
    """

    since: datetime
    last_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the cursor as JSON-able data."""
        return {"since": self.since.isoformat(), "last_id": self.last_id}

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> OdorikCallCursor:
        """Return the cursor kept by ``as_dict``."""
        return cls(since=datetime.fromisoformat(stored["since"]), last_id=stored["last_id"])


class OdorikCallsCoordinator(CallRecordsCoordinator[Call, OdorikCallCursor, OdorikClient]):
    """Calls and SMS new in the call history (``since_id``, every page).

    Polled as often as the calls in progress: a call enters the history when it
    leaves them, and a poll past the last id costs one request, usually empty.
    """

    interval_option = CONF_ACTIVE_CALLS_INTERVAL

    @override
    def _start_cursor(self, now: datetime) -> OdorikCallCursor:
        return OdorikCallCursor(since=now)

    @override
    def _load_cursor(self, stored: Mapping[str, Any]) -> OdorikCallCursor:
        return OdorikCallCursor.from_dict(stored)

    @override
    async def _read_new(
        self, cursor: OdorikCallCursor, now: datetime
    ) -> tuple[Sequence[Call], OdorikCallCursor]:
        if cursor.last_id is None:
            calls = await self.client.get_calls(start=cursor.since, end=now, include_sms=True)
        else:
            calls = await self.client.get_calls(since_id=cursor.last_id, include_sms=True)
        if not calls:
            return (), cursor
        # Ids follow the order records are written (when a call ends); oldest first
        # is by when it began.
        ordered = sorted(calls, key=lambda call: (call.date, call.id))
        return ordered, replace(cursor, last_id=max(call.id for call in calls))


# --- Zadarma ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ZadarmaAccount:
    """One poll of the Zadarma account."""

    balance: Balance
    numbers: dict[str, DirectNumber]
    sips: dict[str, Sip]
    sip_online: dict[str, bool]


class ZadarmaAccountCoordinator(TelcoCoordinator[ZadarmaAccount, ZadarmaClient]):
    """Balance, direct numbers, SIP lines and whether each SIP line is online."""

    interval_option = CONF_ACCOUNT_INTERVAL

    @override
    async def _async_setup(self) -> None:
        """Read the account's time zone once: the numbers' dates are written in it."""
        try:
            await self.client.get_timezone()
        except TelcoAuthenticationError as err:
            raise poll_error(err) from err
        except TelcoError as err:
            # Without it the dates are read as UTC, as before; don't keep the entry down.
            LOGGER.warning("Zadarma's account time zone is unknown, dates read as UTC: %s", err)

    @map_client_errors
    async def _async_update_data(self) -> ZadarmaAccount:
        balance, numbers, sips = await asyncio.gather(
            self.client.get_balance(), self.client.get_direct_numbers(), self.client.get_sips()
        )
        statuses = await asyncio.gather(*(self.client.get_sip_status(sip.id) for sip in sips))
        return ZadarmaAccount(
            balance=balance,
            numbers={number.number: number for number in numbers},
            sips={sip.id: sip for sip in sips},
            sip_online={
                sip.id: status.is_online for sip, status in zip(sips, statuses, strict=True)
            },
        )

    async def async_refresh_balance(self) -> None:
        """Re-read only the balance after something was paid for."""
        try:
            balance = await self.client.get_balance()
        except TelcoError as err:
            # The payment itself went through; the next regular poll shows the balance.
            LOGGER.debug("Re-reading the balance after a payment failed: %s", err)
            return
        self.async_set_updated_data(replace(self.data, balance=balance))

    async def async_change_number[R](self, number: str, change: Awaitable[R]) -> R:
        """Change a direct number at the operator, then re-read only that number."""
        result = await self.async_run_change(change)
        await self.async_refresh_number(number)
        return result

    async def async_refresh_number(self, number: str) -> None:
        """Re-read one direct number after a change to it."""
        if number not in self.data.numbers:
            return
        known = self.data.numbers[number]
        try:
            fresh = await self.client.get_direct_number(number)
        except TelcoError as err:
            # The change itself went through; the next regular poll shows it.
            LOGGER.debug("Re-reading a direct number after a change failed: %s", err)
            return
        # The single-number answer carries no ``type``; keep the one the list gave.
        numbers = {**self.data.numbers, number: replace(fresh, type=known.type)}
        self.async_set_updated_data(replace(self.data, numbers=numbers))


class ZadarmaCallRecord(Protocol):
    """What a call event needs of a ``/v1/statistics/`` record (the client's model has it)."""

    @property
    def id(self) -> str:
        """Return the record's id, unique among the account's calls."""
        raise NotImplementedError

    @property
    def sip(self) -> str:
        """Return the SIP line the call went through."""
        raise NotImplementedError

    @property
    def callstart(self) -> datetime:
        """Return when the call began."""
        raise NotImplementedError

    @property
    def from_(self) -> str:
        """Return the calling number."""
        raise NotImplementedError

    @property
    def to(self) -> str:
        """Return the called number."""
        raise NotImplementedError

    @property
    def disposition(self) -> str:
        """Return how the call ended (``answered``, ``busy``, ``no answer`` …)."""
        raise NotImplementedError

    @property
    def billseconds(self) -> int:
        """Return the billed length in seconds."""
        raise NotImplementedError

    @property
    def billcost(self) -> float:
        """Return what the call cost."""
        raise NotImplementedError

    @property
    def currency(self) -> str:
        """Return the currency of ``billcost``."""
        raise NotImplementedError


# Reads the records of calls that began between two moments, every page of them.
type StatisticsFetch = Callable[
    [ZadarmaClient, datetime, datetime], Awaitable[Sequence[ZadarmaCallRecord]]
]

# Statistics list a call once it has ended, dated by its start: each read looks back
# this far for calls that were still going on at the last one. Longer calls are rare
# enough, and each poll still costs one request for fewer than 1000 calls in that time.
STATISTICS_LOOKBACK = timedelta(hours=6)
# Zadarma answers for at most a month per request; a longer pause is read in steps.
STATISTICS_MAX_PERIOD = timedelta(days=28)


@dataclass(frozen=True, kw_only=True)
class StatisticsCursor:
    """How far Zadarma's call statistics were read, exactly.

    A long call appears behind shorter ones already read, so each read starts
    ``STATISTICS_LOOKBACK`` before the end of the last one (``read_until``) and skips
    the records already told, whose ids are kept (with their start) for as long as a
    read can return them again. Calls that began before ``since``, the very first
    start, are history.
    """

    since: datetime
    read_until: datetime
    seen: Mapping[str, datetime] = field(default_factory=dict)

    @classmethod
    def starting(cls, now: datetime) -> StatisticsCursor:
        """Return the cursor of a first start: nothing before ``now`` is new."""
        return cls(since=now, read_until=now)

    def period(self, now: datetime) -> tuple[datetime, datetime]:
        """Return the start and end of the next read."""
        start = max(self.since, self.read_until - STATISTICS_LOOKBACK)
        return start, min(now, start + STATISTICS_MAX_PERIOD)

    def take(
        self, records: Sequence[ZadarmaCallRecord], end: datetime
    ) -> tuple[list[ZadarmaCallRecord], StatisticsCursor]:
        """Return the new records of a read up to ``end``, oldest first, and the next cursor."""
        # A record may come twice when calls end while the pages of a read are fetched.
        fresh = {
            record.id: record
            for record in records
            if record.id not in self.seen and record.callstart >= self.since
        }
        new = sorted(fresh.values(), key=lambda record: (record.callstart, record.id))
        # The next read starts here; what began before it cannot come back.
        horizon = max(self.since, end - STATISTICS_LOOKBACK)
        seen = {
            record_id: start
            for record_id, start in (
                *self.seen.items(),
                *((record.id, record.callstart) for record in new),
            )
            if start >= horizon
        }
        return new, replace(self, read_until=end, seen=seen)

    def as_dict(self) -> dict[str, Any]:
        """Return the cursor as JSON-able data."""
        return {
            "since": self.since.isoformat(),
            "read_until": self.read_until.isoformat(),
            "seen": {record_id: start.isoformat() for record_id, start in self.seen.items()},
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> StatisticsCursor:
        """Return the cursor kept by ``as_dict``."""
        return cls(
            since=datetime.fromisoformat(stored["since"]),
            read_until=datetime.fromisoformat(stored["read_until"]),
            seen={
                record_id: datetime.fromisoformat(start)
                for record_id, start in stored["seen"].items()
            },
        )


class ZadarmaCallsCoordinator(
    CallRecordsCoordinator[ZadarmaCallRecord, StatisticsCursor, ZadarmaClient]
):
    """Calls new in Zadarma's call statistics, read with ``fetch``."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: TelcoConfigEntry,
        client: ZadarmaClient,
        fetch: StatisticsFetch,
    ) -> None:
        """Read the statistics with ``fetch``."""
        super().__init__(hass, entry, client)
        self._fetch = fetch

    @override
    def interval_from(self, options: Mapping[str, Any]) -> timedelta:
        """Poll at the one interval that keeps within Zadarma's statistics limit."""
        return ZADARMA_STATISTICS_INTERVAL

    @override
    def _start_cursor(self, now: datetime) -> StatisticsCursor:
        return StatisticsCursor.starting(now)

    @override
    def _load_cursor(self, stored: Mapping[str, Any]) -> StatisticsCursor:
        return StatisticsCursor.from_dict(stored)

    @override
    async def _read_new(
        self, cursor: StatisticsCursor, now: datetime
    ) -> tuple[Sequence[ZadarmaCallRecord], StatisticsCursor]:
        start, end = cursor.period(now)
        return cursor.take(await self._fetch(self.client, start, end), end)
