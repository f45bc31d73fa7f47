"""The search of the secrets suites: what to look for, where, and how to drive Home Assistant.

``test_secrets.py`` (Odorik) and ``test_secrets_zadarma.py`` run the integration with
recognisable fake credentials, with every logger at DEBUG, then search everything the
integration shows or keeps:

- every log record (its message, and its formatted exception with chained causes)
- every exception an action or a flow raised (text, representation, placeholders, causes)
- the representation of the client, the coordinators, their data and runtime data
- diagnostics, entity states with attributes, events on the bus, action responses,
  what flows show (errors, placeholders, reasons)
- Home Assistant's storage (restore state and registries included), where only the
  config entries may hold them

for each secret as it is and URL-, form-, base64-, hex- and JSON-encoded, for the
markers every fake secret starts with (a cut-off or re-cased one is found too), and
for what is a leak whatever its value: an Odorik query string with credentials, and a
Zadarma signature (base64 of the 40 hex digits of an HMAC-SHA1, as in the
``Authorization`` header and a push's ``Signature``).

``PLANTS`` puts a text in each of these places: the suites' planted-secret tests prove
that the search finds what is planted there.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
import json
import logging
import re
import time
import traceback
from typing import Any
from urllib.parse import quote, quote_plus

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE, EVENT_LOGGING_CHANGED, MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, restore_state
from homeassistant.helpers.json import JSONEncoder
from homeassistant.helpers.storage import Store
import pytest
from yarl import URL

from custom_components.telco.const import DOMAIN
from custom_components.telco.diagnostics import async_get_config_entry_diagnostics
from custom_components.telco.model.declaration import TelcoConfigEntry
from tests.common import act, advance
from tests.simulator import SimulatorServer

# Every fake secret of the suites starts so: a cut-off or re-cased secret is found too.
MARKERS = ("S3cr3t", "K3y-Zadarma")
# Odorik's credentials travel in the query: any URL with them is a leak, whatever the value.
ODORIK_QUERY = re.compile(r"[?&](?:user|password)=", re.IGNORECASE)
# Zadarma's signatures are base64 of the hex text of an HMAC-SHA1: 54 letters and digits,
# then "==" (maybe URL-encoded); base64 of hex digits never holds "+" or "/". Any such
# text is a leak, whatever the value: a request's can be replayed (Zadarma has no nonce).
ZADARMA_SIGNATURE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{54})(?:==|%3D%3D)")
HEX_DIGITS = frozenset(b"0123456789abcdef")
# The test plugin's storage mock logs what it writes; Home Assistant's storage does not,
# and the config entries are where the credentials belong.
MOCK_STORAGE_LOGGER = "pytest_homeassistant_custom_component.common"
ENTRIES_STORE = "core.config_entries"


# -- what to look for -----------------------------------------------------------------


def _base64_cores(raw: bytes) -> list[str]:
    """Return what base64 of any text containing ``raw`` holds, at each of its 3 offsets.

    The groups shared with the surrounding bytes (a ``user:`` before, padding after)
    are left out, so the text is found inside Basic credentials or a longer blob.
    """
    cores = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        core = encoded[4 if offset else 0 :]
        if (offset + len(raw)) % 3:
            core = core[:-4]
        cores.append(core)
    return cores


def encodings(secret: str) -> dict[str, str]:
    """Return the forms a secret may take in text: as is and encoded in every usual way."""
    raw = secret.encode()
    forms = {
        "as is": secret,
        "url-encoded": quote(secret, safe=""),
        "url-encoded path": quote(secret),
        "form-encoded": quote_plus(secret),
        "query-encoded (yarl)": URL.build(query={"p": secret}).raw_query_string[2:],
        "json-escaped": json.dumps(secret)[1:-1],
        "hex": raw.hex(),
    }
    for index, core in enumerate(_base64_cores(raw)):
        forms[f"base64 at offset {index}"] = core
        forms[f"url-safe base64 at offset {index}"] = core.replace("+", "-").replace("/", "_")
    return forms


@dataclass(frozen=True)
class Sighting:
    """A secret (or an Odorik query string) found somewhere."""

    where: str
    what: str
    context: str

    def __str__(self) -> str:
        """Describe where, what, and the text around it."""
        return f"{self.where}: {self.what} in …{self.context}…"


@dataclass
class SecretSearch:
    """Texts gathered from everywhere, searched for secrets in all their forms."""

    secrets: Mapping[str, str]
    texts: list[tuple[str, str]] = field(default_factory=list)

    def needles(self) -> list[tuple[str, str]]:
        """Return ``(what, text)`` pairs to look for (compared without case)."""
        found: dict[str, str] = {}
        for name, secret in self.secrets.items():
            for form, text in encodings(secret).items():
                found.setdefault(text.casefold(), f"{name} ({form})")
        for marker in MARKERS:
            found.setdefault(marker.casefold(), f"marker {marker!r}")
        return [(what, text) for text, what in found.items()]

    def add(self, where: str, text: str) -> None:
        """Gather a text."""
        self.texts.append((where, text))

    def add_data(self, where: str, data: Any) -> None:
        """Gather data as JSON (as shown or stored) and as its representation."""
        self.add(where, json.dumps(data, cls=JSONEncoder, ensure_ascii=False))
        self.add(where, repr(data))

    def add_exception(self, where: str, err: BaseException) -> None:
        """Gather an exception: its traceback with causes, and each one's text and details."""
        self.add(where, "".join(traceback.format_exception(err)))
        for item in exception_chain(err):
            self.add(where, f"{item!s} {item!r} {item.args!r}")
            for name in ("translation_placeholders", "translation_key", "__notes__"):
                if (value := getattr(item, name, None)) is not None:
                    self.add(where, repr(value))

    def sightings(self) -> list[Sighting]:
        """Return every secret and query string found, with where and its context."""
        needles = self.needles()
        found = []
        for where, text in self.texts:
            folded = text.casefold()
            for what, needle in needles:
                if (index := folded.find(needle)) >= 0:
                    found.append(Sighting(where, what, text[max(index - 60, 0) : index + 80]))
            if match := ODORIK_QUERY.search(text):
                start = max(match.start() - 60, 0)
                found.append(Sighting(where, "an Odorik query string", text[start : start + 140]))
            for signature in zadarma_signatures(text):
                start = max(signature.start() - 60, 0)
                found.append(Sighting(where, "a Zadarma signature", text[start : start + 140]))
        return found

    def assert_clean(self) -> None:
        """Fail, listing each sighting, if any secret was found."""
        assert self.texts, "nothing was gathered"
        sightings = list(dict.fromkeys(str(sighting) for sighting in self.sightings()))
        assert not sightings, "secrets leaked:\n" + "\n".join(sightings[:40])


def zadarma_signatures(text: str) -> Iterator[re.Match[str]]:
    """Yield each Zadarma signature in a text: base64 of 40 lowercase hex digits."""
    for match in ZADARMA_SIGNATURE.finditer(text):
        try:
            decoded = base64.b64decode(match.group(1) + "==", validate=True)
        except binascii.Error:
            continue
        if len(decoded) == 40 and set(decoded) <= HEX_DIGITS:
            yield match


def exception_chain(err: BaseException) -> Iterator[BaseException]:
    """Yield an exception, its causes and contexts, and the members of exception groups."""
    seen: set[int] = set()
    pending = [err]
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        pending += [cause for cause in (item.__cause__, item.__context__) if cause is not None]
        if isinstance(item, BaseExceptionGroup):
            pending += list(item.exceptions)


# -- where to look: logs ----------------------------------------------------------------


class LogCapture(logging.Handler):
    """Keep every record's message and its formatted form (exception and stack included)."""

    def __init__(self) -> None:
        """Take every level."""
        super().__init__(level=logging.NOTSET)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record, formatted now (its arguments may change later)."""
        if record.name == MOCK_STORAGE_LOGGER and record.args and ENTRIES_STORE in record.args:
            return
        text = f"{record.getMessage()}\n{self.format(record)}"
        if record.exc_info and record.exc_info[1] is not None:
            chain = exception_chain(record.exc_info[1])
            text += "\n" + "\n".join(f"{item!s} {item!r}" for item in chain)
        self.records.append((f"log {record.name} {record.levelname}", text))


@pytest.fixture(name="log_capture")
def log_capture_fixture() -> Iterator[LogCapture]:
    """Set every logger to DEBUG and capture all records, also of non-propagating loggers."""
    capture = LogCapture()
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [
        item for item in manager.loggerDict.values() if isinstance(item, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    disabled = manager.disable
    logging.disable(logging.NOTSET)
    hooked = [logger for logger in loggers if logger is loggers[0] or not logger.propagate]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger in hooked:
        logger.addHandler(capture)
    try:
        yield capture
    finally:
        for logger in hooked:
            logger.removeHandler(capture)
        for logger, level in levels.items():
            logger.setLevel(level)
        logging.disable(disabled)


# -- where to look: Home Assistant --------------------------------------------------------


@dataclass
class Leaks:
    """Everything a test saw, to be searched for the secrets at its end."""

    hass: HomeAssistant
    storage: dict[str, Any]
    logs: LogCapture
    search: SecretSearch
    events: list[Event[Any]] = field(default_factory=list)

    def response(self, action: str, response: Any) -> None:
        """Keep an action's response."""
        self.search.add_data(f"response of {action}", response)

    def error(self, what: str, err: BaseException) -> None:
        """Keep an exception an action (or a flow) raised."""
        self.search.add_exception(f"error of {what}", err)

    def flow(self, result: Mapping[str, Any]) -> None:
        """Keep what a flow shows: its errors, placeholders and reason (not an entry's data)."""
        shown = {key: result.get(key) for key in ("errors", "description_placeholders", "reason")}
        self.search.add_data(f"flow step {result.get('step_id')}", shown)

    async def gather(self, entries: list[TelcoConfigEntry]) -> SecretSearch:
        """Gather every place at the end of a test; return the search."""
        search = self.search
        for entry in entries:
            search.add(f"repr of entry {entry.title}", repr(entry))
            if entry.state is ConfigEntryState.LOADED:
                self._runtime(entry)
                diagnostics = await async_get_config_entry_diagnostics(self.hass, entry)
                search.add_data(f"diagnostics of {entry.title}", diagnostics)
        for state in self.hass.states.async_all():
            search.add_data(f"state of {state.entity_id}", state.as_dict())
        for event in self.events:
            search.add_data(f"event {event.event_type}", event.data)
            search.add(f"event {event.event_type}", repr(event))
        await self._flush_storage()
        for key, stored in self.storage.items():
            if key != ENTRIES_STORE:
                search.add_data(f"storage {key}", stored)
        search.texts += self.logs.records
        return search

    def _runtime(self, entry: TelcoConfigEntry) -> None:
        """Gather the representation of what a loaded entry holds."""
        data = entry.runtime_data
        where = f"repr of {entry.title}"
        self.search.add(where, repr(data))
        self.search.add(where, repr(data.items))
        for name, value in vars(data).items():
            self.search.add(f"{where} .{name}", repr(value))
        for coordinator in data.coordinators:
            self.search.add(where, repr(coordinator))
            self.search.add(where, repr(coordinator.data))
            for name, value in vars(coordinator).items():
                self.search.add(f"{where} {type(coordinator).__name__}.{name}", repr(value))
            if coordinator.last_exception is not None:
                self.search.add_exception(where, coordinator.last_exception)

    async def _flush_storage(self) -> None:
        """Write what waits to be written: restore state, registries, delayed saves."""
        await restore_state.async_get(self.hass).async_dump_states()
        self.hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
        await self.hass.async_block_till_done()


@pytest.fixture(name="leaks")
def leaks_fixture(
    hass: HomeAssistant, hass_storage: dict[str, Any], log_capture: LogCapture
) -> Iterator[Leaks]:
    """Collect every event; search it, the logs and the rest at the end of the test."""
    seen = Leaks(hass, hass_storage, log_capture, SecretSearch({}))

    @callback
    def keep(event: Event[Any]) -> None:
        seen.events.append(event)

    unsubscribe = hass.bus.async_listen(MATCH_ALL, keep)
    # Home Assistant's bus reads its logger's level once, and again on this event.
    hass.bus.async_fire(EVENT_LOGGING_CHANGED)
    yield seen
    unsubscribe()


# -- driving Home Assistant ---------------------------------------------------------------


async def run[T](freezer: FrozenDateTimeFactory, step: Awaitable[T]) -> T:
    """Await a step, letting time pass while it waits on the clock.

    The test plugin drives the event loop's clock by the frozen one: a delay, a
    back-off or the client's timeout of a request the simulator holds ends only
    when the frozen clock moves. Whenever the step still waits after a moment of
    real time (for the loopback I/O), the clock moves on a second.
    """
    task: asyncio.Future[T] = asyncio.ensure_future(step)
    loop = asyncio.get_running_loop()
    while not task.done():
        # Not asyncio.sleep: its timer runs on the frozen clock.
        await loop.run_in_executor(None, time.sleep, 0.005)
        if not task.done():
            freezer.tick(timedelta(seconds=1))
    return task.result()


async def add_account(
    hass: HomeAssistant, leaks: Leaks, operator: str, user_input: dict[str, Any]
) -> dict[str, Any]:
    """Add an account through the config flow; keep what each step shows."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": operator}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    await hass.async_block_till_done()
    leaks.flow(result)
    return dict(result)


async def attempt(
    hass: HomeAssistant, leaks: Leaks, action: str, entry: TelcoConfigEntry, **data: Any
) -> Any:
    """Run an action; keep its response, or the error it raised (and return that)."""
    try:
        response = await act(hass, action, entry, **data)
    except HomeAssistantError as err:
        leaks.error(action, err)
        return err
    leaks.response(action, response)
    return response


async def poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int, step: int = 30
) -> None:
    """Let ``minutes`` of polling pass, ``step`` seconds at a time."""
    for _ in range(minutes * 60 // step):
        await advance(hass, freezer, timedelta(seconds=step))


def loaded_entries(hass: HomeAssistant) -> list[TelcoConfigEntry]:
    """Return the integration's entries."""
    return list(hass.config_entries.async_entries(DOMAIN))


async def use_entities(hass: HomeAssistant, leaks: Leaks, entry: TelcoConfigEntry) -> None:
    """Use one entity of each kind the user can change: switch, select, button, text, notify."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    done: set[str] = set()
    for entity in entities:
        state = hass.states.get(entity.entity_id)
        if entity.domain in done or state is None:
            continue
        call: tuple[str, dict[str, Any]] | None = {
            "switch": ("toggle", {}),
            "select": ("select_option", {"option": (state.attributes.get("options") or [""])[0]}),
            "button": ("press", {}),
            "text": ("set_value", {"value": "Reception"}),
            "notify": ("send_message", {"message": "Door open"}),
        }.get(entity.domain)
        if call is None:
            continue
        done.add(entity.domain)
        service, data = call
        try:
            await hass.services.async_call(
                entity.domain, service, {"entity_id": entity.entity_id, **data}, blocking=True
            )
        except HomeAssistantError as err:
            leaks.error(f"{entity.domain}.{service}", err)


# -- every fault ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A fault of the simulator: an injection kind with its options, or an old switch."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)
    switch: Any = None

    def apply(self, simulator: SimulatorServer, operator: str) -> None:
        """Break the operator (every endpoint, until cleared)."""
        if self.switch is not None:
            setattr(simulator.control.faults[operator], self.name, self.switch)
        else:
            simulator.inject(operator, self.name, **self.options)


def faults(item: str, switches: Mapping[str, Any]) -> list[Any]:
    """Return every injection kind of the contract and the operator's old switches.

    ``item`` is a SIM card or number that ``drop_item`` leaves out of the lists.
    """
    kinds = [
        Fault("latency", {"ms": 30}),
        Fault("timeout"),
        Fault("reset"),
        Fault("http_500"),
        Fault("http_502"),
        Fault("http_503"),
        Fault("html_200"),
        Fault("truncated_json"),
        Fault("wrong_shape"),
        Fault("text_error"),
        Fault("http_429", {"retry_after": 30}),
        Fault("http_429"),
        Fault("revoke"),
        Fault("drop_item", {"id": item}),
        Fault("lost_answer"),
        *(Fault(name, switch=value) for name, value in switches.items()),
    ]
    return [pytest.param(fault, id=f"{fault.name}-{index}") for index, fault in enumerate(kinds)]


@dataclass(frozen=True)
class Scenario:
    """What a fault scenario does with an operator's account."""

    operator: str
    user_input: dict[str, Any]
    # Actions run under the fault: a read and a write, with their data.
    actions: tuple[tuple[str, dict[str, Any]], ...]
    # What else is done with the account under the fault (e.g. turning push on).
    also: Callable[[HomeAssistant, Leaks, TelcoConfigEntry], Awaitable[None]] | None = None


async def under_fault(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
    scenario: Scenario,
    fault: Fault,
) -> None:
    """Add the account, set it up, poll and act while the operator is broken, then recover."""
    operator = scenario.operator

    async def step[T](awaitable: Awaitable[T]) -> T:
        return await run(freezer, awaitable)

    fault.apply(simulator, operator)
    result = await step(add_account(hass, leaks, operator, scenario.user_input))
    if result["type"] != "create_entry":
        simulator.clear_faults(operator)
        result = await add_account(hass, leaks, operator, scenario.user_input)
        fault.apply(simulator, operator)
    entry: TelcoConfigEntry = result["result"]
    await step(poll(hass, freezer, 3))
    for action, data in scenario.actions:
        await step(attempt(hass, leaks, action, entry, **data))
    await step(use_entities(hass, leaks, entry))
    if scenario.also is not None:
        await step(scenario.also(hass, leaks, entry))
    # Set up again while broken: the setup fails and is retried.
    await step(hass.config_entries.async_reload(entry.entry_id))
    await step(poll(hass, freezer, 5))
    if fault.switch is None:
        assert simulator.fired(fault.name, operator), "the fault never fired"
    simulator.clear_faults(operator)
    await step(poll(hass, freezer, 15))

    (await leaks.gather(loaded_entries(hass))).assert_clean()


# -- the search can fail ----------------------------------------------------------------


PLANTED = "S3cr3t-Planted-Zx9/+é"
Plant = Callable[[HomeAssistant, Leaks, str], Awaitable[None]]


async def _plant_log(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    logging.getLogger("aiohttp.client").debug("GET %s", text)


def _fail(text: str) -> None:
    raise ValueError(text)


def _raise_with_cause(text: str, *, hidden: bool) -> None:
    """Raise a safe error caused by one holding ``text`` (hidden: as context only)."""
    try:
        _fail(text)
    except ValueError as err:
        if hidden:
            raise HomeAssistantError("safe") from None
        raise HomeAssistantError("safe") from err


async def _plant_cause(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    try:
        _raise_with_cause(text, hidden=False)
    except HomeAssistantError:
        logging.getLogger("homeassistant.helpers.update_coordinator").exception("Failed")


async def _plant_context(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    try:
        _raise_with_cause(text, hidden=True)
    except HomeAssistantError:
        # ``from None`` hides the context from tracebacks, not from the exception.
        logging.getLogger("custom_components.telco").exception("Failed")


# A logger that does not propagate to the root, at WARNING before the test sets DEBUG.
QUIET = logging.getLogger("tests.secrets.quiet")
QUIET.propagate = False
QUIET.setLevel(logging.WARNING)


async def _plant_quiet_logger(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    QUIET.debug(text)


async def _plant_error(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    leaks.error(
        "an action",
        HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="refused",
            translation_placeholders={"e": text},
        ),
    )


async def _plant_response(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    leaks.response("an action", {"calls": [{"note": text}]})


async def _plant_state(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    hass.states.async_set("sensor.planted", "1", {"url": text})


async def _plant_event(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    hass.bus.async_fire("telco_planted", {"detail": text})


async def _plant_storage(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    Store[dict[str, str]](hass, 1, "telco.planted").async_delay_save(lambda: {"x": text}, 60)


async def _plant_flow(hass: HomeAssistant, leaks: Leaks, text: str) -> None:
    leaks.flow({"step_id": "odorik", "errors": {"base": text}})


PLANTS: dict[str, Plant] = {
    "log": _plant_log,
    "cause": _plant_cause,
    "context": _plant_context,
    "quiet logger": _plant_quiet_logger,
    "error": _plant_error,
    "response": _plant_response,
    "state": _plant_state,
    "event": _plant_event,
    "storage": _plant_storage,
    "flow": _plant_flow,
}


async def assert_planted_found(
    hass: HomeAssistant, leaks: Leaks, search: SecretSearch, where: str, text: str
) -> None:
    """Plant ``text`` in one place (``PLANTS``): the search finds it there, and only then."""
    leaks.search = search
    await leaks.gather([])
    assert not search.sightings()  # nothing planted yet
    search.texts.clear()

    await PLANTS[where](hass, leaks, f"before {text} after")
    await hass.async_block_till_done()
    await leaks.gather([])

    assert search.sightings(), f"{text!r} planted in {where} was not found"
    with pytest.raises(AssertionError, match="secrets leaked"):
        search.assert_clean()
