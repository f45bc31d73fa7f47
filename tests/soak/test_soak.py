"""Soak: a day of polling both operators through random faults (run by ``scripts/soak``).

Not a test: skipped unless ``TELCO_SOAK`` is set. It prints a report and fails (so the
wrapper exits non-zero) only on what must never happen however the faults fall: a call
event lost or told twice, a device removed, memory that keeps growing, an exception
that is not a translated ``HomeAssistantError`` (from an action, into the loop, or
logged with a traceback).

Time travel: the test's wall clock is frozen (freezegun) and moved on in steps of the
shortest poll interval (30 s). The loop's clock is the real monotonic clock *plus*
the simulated time travelled, so timers of Home Assistant and of the clients fall due
as the steps pass, while a request held by a ``timeout`` fault ends after the client's
own (unshortened) timeout, within the next step.

Everything is driven from outside, as a user and an operator would: calls and faults
through the simulator's control endpoints, actions through Home Assistant's services,
revoked credentials answered by the user entering them again in the reauth flow.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import gc
import logging
import os
import random
import time
import tracemalloc
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_API_KEY,
    CONF_PASSWORD,
    EVENT_STATE_CHANGED,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er, storage
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.telco.const import CONF_API_SECRET, DOMAIN
from tests.common import FROZEN_NOW, setup_entry
from tests.conftest import ODORIK_PASSWORD, ZADARMA_KEY, ZADARMA_SECRET
from tests.simulator import SimulatorServer
from tests.simulator.faults import FAULT_KINDS

pytestmark = pytest.mark.skipif(
    not os.environ.get("TELCO_SOAK"), reason="a soak, run by scripts/soak"
)

ODORIK_EVENT = "event.odorik_1234567_call"
ZADARMA_EVENT = "event.zadarma_453101_call"
SEED = int(os.environ.get("TELCO_SOAK_SEED", "20261115"))
HOURS = float(os.environ.get("TELCO_SOAK_HOURS", "24"))
VERBOSE = bool(os.environ.get("TELCO_SOAK_VERBOSE"))
WATCHED = ("sensor.zadarma_453101_balance", "sensor.odorik_1234567_balance", ODORIK_EVENT)
STEP = timedelta(seconds=30)  # Odorik's calls in progress and call history
# How long a step may take to settle (real seconds) before the next one moves on: a
# request held by a fault waits for the client's timeout, which the next step passes.
SETTLE = 0.5
# Events are read by the polls after the last call; long enough for a 429's back-off.
DRAIN = timedelta(minutes=20)
# Memory: "unbounded" when the second half of the run grows more than this and more
# than half as much as the first half (after the warm-up hour) did: a bounded process
# levels off, a leak grows with time.
GROWTH_FLOOR = 1024 * 1024
GROWTH_RATIO = 0.5

REAUTH_INPUT = {
    "odorik": {CONF_PASSWORD: ODORIK_PASSWORD},
    "zadarma": {CONF_API_KEY: ZADARMA_KEY, CONF_API_SECRET: ZADARMA_SECRET},
}
ODORIK_SIMS = ["00420799799081", "00420799799082"]
ODORIK_PUBLIC = ["00420533533533", "00420910110910"]
ZADARMA_NUMBERS = ["48221234567", "442037691880"]
ZADARMA_SIPS = ["100001", "100002"]
# The reads each operator's polls send (fault endpoints), ``None`` = every request.
READS = {
    "odorik": [
        None,
        "GET /active_calls.json",
        "GET /calls.json",
        "GET /sms.json",
        "GET /sim_cards.json",
        "GET /balance",
        "GET /public_numbers.json",
        "GET /public_numbers/*/routes.json",
        "GET /sim_cards/mobile_data.json",
        "GET /call_statistics.json",
    ],
    "zadarma": [
        None,
        "GET /statistics",
        "GET /statistics/incoming-calls",
        "GET /info/balance",
        "GET /direct_numbers",
        "GET /sip",
        "GET /sip/*/status",
    ],
}
KINDS = list(FAULT_KINDS)
FAULTS_PER_HOUR = 3.0  # per operator
CALLS_PER_HOUR = 8.0  # per operator
ACTIONS_PER_HOUR = 4.0


def _real() -> float:
    """Return the real monotonic clock (freezegun patches ``time.monotonic``)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


class LoopClock:
    """The loop's clock: real time plus the simulated time travelled."""

    def __init__(self) -> None:
        """Start with nothing travelled."""
        self.shift = 0.0

    def time(self) -> float:
        """Return what the loop takes for now."""
        return _real() + self.shift


@pytest.fixture(autouse=True)
async def loop_clock(freezer: FrozenDateTimeFactory) -> AsyncIterator[LoopClock]:
    """Freeze the wall clock at the snapshots' moment; drive the loop's by real + travelled.

    Home Assistant's event loop reads ``time.monotonic`` (frozen), so the tests'
    loop stands still and a client timeout never fires; this one runs.
    """
    freezer.move_to(FROZEN_NOW)
    loop = asyncio.get_running_loop()
    clock = LoopClock()
    original = loop.time
    loop.time = clock.time  # type: ignore[method-assign]
    yield clock
    loop.time = original  # type: ignore[method-assign]


# -- what the soak records --------------------------------------------------------------------


@dataclass
class Injected:
    """One fault the soak set: its operator, body, and when it ends (simulated)."""

    operator: str
    body: dict[str, Any]
    until: datetime | None  # None: a count, over when it has fired that often
    left: int | None = None  # what is left of the count


@dataclass
class Record:
    """Everything the report is made of."""

    cycles: int = 0
    unsettled_steps: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    expected: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    fired: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    actions: Counter[tuple[str, str]] = field(default_factory=Counter)
    action_errors: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    coordinator_failures: Counter[str] = field(default_factory=Counter)
    coordinator_recoveries: Counter[str] = field(default_factory=Counter)
    entity_recoveries: int = 0
    down_since: dict[str, datetime] = field(default_factory=dict)
    longest_down: dict[str, timedelta] = field(default_factory=dict)
    reauths: Counter[str] = field(default_factory=Counter)
    reauth_retries: int = 0
    memory: dict[str, int] = field(default_factory=dict)
    memory_top: list[str] = field(default_factory=list)


class Problems(logging.Handler):
    """Count warnings and errors; keep the ones with a traceback (an exception escaped)."""

    def __init__(self) -> None:
        """Listen from WARNING up."""
        super().__init__(level=logging.WARNING)
        self.levels: Counter[str] = Counter()
        self.tracebacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record; keep it if it carries an exception."""
        message = record.getMessage()
        if message.startswith(("We found a custom integration", "zlib_ng and isal")):
            return
        self.levels[record.levelname] += 1
        if record.exc_info:
            self.tracebacks.append(f"{record.name}: {message[:200]}")


# -- the soak ---------------------------------------------------------------------------------


class Soak:
    """A day of polling, faults, calls and actions, and what it saw."""

    def __init__(
        self,
        hass: HomeAssistant,
        simulator: SimulatorServer,
        freezer: FrozenDateTimeFactory,
        clock: LoopClock,
        session: aiohttp.ClientSession,
        entries: dict[str, MockConfigEntry],
    ) -> None:
        """Prepare the soak; nothing runs yet."""
        self.hass = hass
        self.simulator = simulator
        self.freezer = freezer
        self.clock = clock
        self.session = session
        self.entries = entries
        self.random = random.Random(SEED)  # noqa: S311 - a reproducible schedule
        # Draws made at moments the loop decides (inside actions, by the user) come from
        # their own generators, so the run's faults and calls depend on the seed alone.
        self.user_random = random.Random(SEED + 1)  # noqa: S311
        self.record = Record()
        self.injections: list[Injected] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.coordinator_ok: dict[str, bool] = {}
        self.reauth_at: dict[str, datetime] = {}
        self.latest: dict[str, datetime] = {}
        self.last_fired: dict[str, dict[str, Any]] = {}
        self.devices: set[str] = set()
        self.soak_route: int | None = None

    def say(self, line: str) -> None:
        """Print what happens, at its simulated time, with ``--verbose``."""
        if VERBOSE:
            print(f"{self.now():%H:%M:%S} {line}", flush=True)  # noqa: T201

    # - time ----------------------------------------------------------------------------

    def now(self) -> datetime:
        """Return the simulated now."""
        return dt_util.utcnow()

    async def step(self, delta: timedelta = STEP) -> None:
        """Move both clocks on by ``delta``; let what falls due run, for a bounded while."""
        self.freezer.tick(delta)
        self.clock.shift += delta.total_seconds()
        async_fire_time_changed(self.hass, dt_util.utcnow())
        self.record.cycles += 1
        try:
            await asyncio.wait_for(
                self.hass.async_block_till_done(wait_background_tasks=True), SETTLE
            )
        except TimeoutError:
            self.record.unsettled_steps += 1
        self.watch_coordinators()

    # - watching ------------------------------------------------------------------------

    def listen(self) -> None:
        """Follow every telco entity's availability and the call events."""
        entities = er.async_get(self.hass)
        ours = {
            entity.entity_id for entity in entities.entities.values() if entity.platform == DOMAIN
        }

        @callback
        def changed(event: Event[Any]) -> None:
            entity_id = event.data["entity_id"]
            new = event.data["new_state"]
            if entity_id in (ODORIK_EVENT, ZADARMA_EVENT):
                self.on_event_state(entity_id, new)
            if entity_id not in ours:
                return
            down = new is None or new.state == STATE_UNAVAILABLE
            if down and entity_id not in self.record.down_since:
                self.record.down_since[entity_id] = self.now()
                if entity_id in WATCHED:
                    self.say(f"{entity_id} unavailable")
            elif not down and entity_id in self.record.down_since:
                if entity_id in WATCHED:
                    self.say(f"{entity_id} back")
                self.close_down(entity_id)
                self.record.entity_recoveries += 1

        self.hass.bus.async_listen(EVENT_STATE_CHANGED, changed)

    def close_down(self, entity_id: str) -> None:
        """End an entity's stretch of unavailability, keeping the longest."""
        lasted = self.now() - self.record.down_since.pop(entity_id)
        if lasted > self.record.longest_down.get(entity_id, timedelta(0)):
            self.record.longest_down[entity_id] = lasted

    def on_event_state(self, entity_id: str, state: Any) -> None:
        """Count a fired event: a state stamped later than the last (as tests/test_event.py).

        A state shown again after an outage or a reload keeps its moment and details.
        """
        if state is None:
            return
        moment = dt_util.parse_datetime(state.state)
        if moment is None:
            return
        latest = self.latest.get(entity_id)
        attributes = dict(state.attributes)
        if latest is not None and moment < latest:
            return
        if moment == latest and attributes == self.last_fired.get(entity_id):
            return
        self.latest[entity_id] = moment
        self.last_fired[entity_id] = attributes
        self.record.fired[entity_id].append(str(attributes.get("record_id")))

    def coordinators(self) -> dict[str, DataUpdateCoordinator[Any]]:
        """Return every loaded entry's coordinators by ``operator name``."""
        found = {}
        for operator, entry in self.entries.items():
            runtime = getattr(entry, "runtime_data", None)
            if runtime is None:
                continue
            for name, value in vars(runtime).items():
                if isinstance(value, DataUpdateCoordinator):
                    found[f"{operator} {name}"] = value
        return found

    def watch_coordinators(self) -> None:
        """Count each coordinator's turns from working to failing and back."""
        for name, coordinator in self.coordinators().items():
            ok = coordinator.last_update_success
            was = self.coordinator_ok.get(name, True)
            if was and not ok:
                self.record.coordinator_failures[name] += 1
            elif ok and not was:
                self.record.coordinator_recoveries[name] += 1
            self.coordinator_ok[name] = ok

    def snapshot_devices(self) -> None:
        """Remember every device of both entries."""
        devices = dr.async_get(self.hass)
        for entry in self.entries.values():
            self.devices |= {
                device.id for device in dr.async_entries_for_config_entry(devices, entry.entry_id)
            }

    def removed_devices(self) -> list[str]:
        """Return the remembered devices no longer registered."""
        devices = dr.async_get(self.hass)
        return sorted(device for device in self.devices if devices.async_get(device) is None)

    # - the simulator -------------------------------------------------------------------

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call a control endpoint of the simulator."""
        async with self.session.request(
            method, f"{self.simulator.url}/_control/{path}", json=body
        ) as response:
            response.raise_for_status()
            return await response.json()

    async def add_call(self, operator: str) -> None:
        """Add a finished call (Odorik: sometimes an SMS) and expect its event."""
        pick = self.random
        if operator == "odorik":
            body: dict[str, Any] = {"direction": pick.choice(["in", "out"])}
            roll = pick.random()
            if roll < 0.2:
                body = {"sms": True, "direction": "out", "destination_number": "00420601234567"}
            elif roll < 0.3:
                body["status"] = "missed"
            else:
                body["length"] = pick.randint(5, 900)
            record = await self.control("POST", "odorik/calls", body)
            self.record.expected[ODORIK_EVENT].append(str(record["id"]))
        else:
            inbound = pick.random() < 0.5
            body = {
                "from": "420777123456" if inbound else "100001",
                "to": "48221234567" if inbound else "420777123456",
                "billseconds": pick.randint(0, 600),
                "disposition": pick.choice(["answered", "answered", "no answer", "busy"]),
            }
            records = await self.control("POST", "zadarma/calls", body)
            self.record.expected[ZADARMA_EVENT].append(str(records[0]["id"]))

    def random_injection(self, operator: str) -> Injected:
        """Return a fault of a random kind, place and length."""
        pick = self.random
        kinds = [kind for kind in KINDS if operator == "odorik" or kind != "stuck_sim"]
        kind = pick.choice(kinds)
        body: dict[str, Any] = {"fault": kind, "endpoint": pick.choice(READS[operator])}
        if kind in {"latency", "timeout"}:
            # Each step a request is held costs the settling time in real time.
            body["seconds"] = pick.choice([60, 300, 900])
        if kind == "latency":
            body["ms"] = pick.choice([200, 2_000, 10_000, 20_000])
        elif kind == "http_429":
            body["retry_after"] = pick.choice([None, 30, 120, 600])
        elif kind == "stuck_sim":
            body["number"] = pick.choice(ODORIK_SIMS)
            body["endpoint"] = None
        elif kind == "drop_item":
            ids = (
                ODORIK_SIMS + ODORIK_PUBLIC
                if operator == "odorik"
                else ZADARMA_NUMBERS + ZADARMA_SIPS
            )
            body["id"] = pick.choice(ids)
        elif kind in {"revoke", "lost_answer"}:
            body["endpoint"] = None
        until: datetime | None = None
        if "seconds" in body:
            pass
        elif kind == "lost_answer" or (kind not in {"revoke", "stuck_sim"} and pick.random() < 0.3):
            body["count"] = pick.randint(1, 4)
        else:
            body["seconds"] = pick.choice([60, 300, 900, 1800, 3600])
        if "seconds" in body:
            until = self.now() + timedelta(seconds=body["seconds"])
        return Injected(operator, body, until, body.get("count"))

    async def sync_faults(self, operator: str, added: Injected | None = None) -> None:
        """Replace the operator's list of injections with those still on (and ``added``).

        The control endpoint replaces the whole list and starts each injection afresh,
        so each goes again with what is left of it: its count less what it fired since
        it was last sent, the seconds until it ends.
        """
        listed = (await self.control("GET", "faults"))[operator]["inject"]
        mine = [item for item in self.injections if item.operator == operator]
        if len(listed) == len(mine):
            for item, state in zip(mine, listed, strict=True):
                if item.left is not None:
                    item.left -= state["fired"]
        now = self.now()
        kept = [
            item
            for item in mine
            if (item.left is None or item.left > 0) and (item.until is None or item.until > now)
        ]
        if added is not None:
            kept.append(added)
        self.injections = [item for item in self.injections if item.operator != operator] + kept
        bodies = []
        for item in kept:
            body = dict(item.body)
            if item.left is not None:
                body["count"] = item.left
            if item.until is not None:
                body["seconds"] = (item.until - now).total_seconds()
            bodies.append(body)
        await self.control("POST", "faults", {operator: {"inject": bodies}})

    async def inject(self, operator: str) -> None:
        """Add a random fault to the operator's list."""
        injected = self.random_injection(operator)
        self.record.injected[f"{operator} {injected.body['fault']}"] += 1
        self.say(f"inject {operator} {injected.body}")
        await self.sync_faults(operator, injected)

    def revoked(self, operator: str) -> bool:
        """Return whether a revoke fault of the operator is still on."""
        return any(
            item.operator == operator
            and item.body["fault"] == "revoke"
            and item.until is not None
            and item.until > self.now()
            for item in self.injections
        )

    # - the user ------------------------------------------------------------------------

    async def answer_reauth(self) -> None:
        """Enter the credentials again a while after the operator took them back."""
        flows = self.hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        for flow in flows:
            if flow["context"].get("source") != SOURCE_REAUTH:
                continue
            operator = next(
                name
                for name, entry in self.entries.items()
                if entry.entry_id == flow["context"]["entry_id"]
            )
            if self.revoked(operator):
                continue
            due = self.reauth_at.setdefault(
                operator, self.now() + timedelta(minutes=self.user_random.randint(2, 30))
            )
            if self.now() < due:
                continue
            result = await self.hass.config_entries.flow.async_configure(
                flow["flow_id"], REAUTH_INPUT[operator]
            )
            await self.settle()
            if result["type"] is FlowResultType.ABORT and result["reason"] == "reauth_successful":
                self.record.reauths[operator] += 1
                self.reauth_at.pop(operator)
            else:  # another fault got in the way: the user tries again later
                self.record.reauth_retries += 1
                self.reauth_at[operator] = self.now() + timedelta(minutes=10)

    async def settle(self) -> None:
        """Let the loop settle for a bounded while."""
        try:
            await asyncio.wait_for(
                self.hass.async_block_till_done(wait_background_tasks=True), SETTLE
            )
        except TimeoutError:
            self.record.unsettled_steps += 1

    def start_action(self) -> None:
        """Start a random action as a user would (it runs alongside the polls)."""
        name, run = self.random.choice(self.actions())
        task = self.hass.async_create_background_task(self.run_action(name, run), f"soak {name}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def run_action(self, name: str, run: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Run an action, counting how it ended: anything but a HomeAssistantError is a bug."""
        try:
            await run()
        except HomeAssistantError as err:
            self.record.actions[name, "failed"] += 1
            self.record.action_errors[f"{type(err).__name__} {err.translation_key}"] += 1
            self.say(f"{name}: {type(err).__name__}: {err}")
        except Exception as err:  # noqa: BLE001 - the soak reports whatever escaped
            self.record.actions[name, "unexpected"] += 1
            self.record.unexpected.append(f"{name}: {type(err).__name__}: {err}")
        else:
            self.record.actions[name, "ok"] += 1

    async def service(self, domain: str, service: str, data: dict[str, Any]) -> Any:
        """Call a service the way the user interface does (blocking)."""
        response = domain == DOMAIN and service.startswith("get_")
        return await self.hass.services.async_call(
            domain, service, data, blocking=True, return_response=response
        )

    def actions(self) -> list[tuple[str, Callable[[], Coroutine[Any, Any, Any]]]]:
        """Return the actions a user takes now and then."""
        odorik = self.entries["odorik"].entry_id
        zadarma = self.entries["zadarma"].entry_id

        def toggle(entity_id: str) -> Callable[[], Coroutine[Any, Any, Any]]:
            async def run() -> None:
                state = self.hass.states.get(entity_id)
                turn = "turn_off" if state is not None and state.state == "on" else "turn_on"
                await self.service("switch", turn, {ATTR_ENTITY_ID: entity_id})

            return run

        async def route() -> None:
            if self.soak_route is None:
                answer = await self.service(
                    DOMAIN,
                    "add_route",
                    {
                        "config_entry_id": odorik,
                        "public_number": "+420 910 110 910",
                        "ringing_number": "00420799799082",
                        "source_number": "00420777000111",
                    },
                )
                self.soak_route = (
                    next(
                        (
                            rule["id"]
                            for rule in answer["routes"]
                            if rule["source_number"] == "00420777000111"
                        ),
                        None,
                    )
                    if answer
                    else None
                )
            else:
                route_id, self.soak_route = self.soak_route, None
                await self.service(
                    DOMAIN,
                    "remove_route",
                    {
                        "config_entry_id": odorik,
                        "public_number": "+420 910 110 910",
                        "route_id": route_id,
                    },
                )

        async def caller_name() -> None:
            name = self.user_random.choice(["Office", "Home", "Desk"]) + str(
                self.user_random.randint(1, 9)
            )
            await self.service(
                DOMAIN,
                "set_caller_name",
                {"config_entry_id": zadarma, "number": "48221234567", "caller_name": name},
            )

        async def history() -> None:
            await self.service(
                DOMAIN,
                "get_call_history",
                {
                    "config_entry_id": odorik,
                    "from": (self.now() - timedelta(hours=2)).isoformat(),
                    "to": self.now().isoformat(),
                },
            )

        async def sip_routing() -> None:
            await self.service(
                DOMAIN,
                "set_sip_routing",
                {
                    "config_entry_id": zadarma,
                    "number": "442037691880",
                    "sip_id": self.user_random.choice(ZADARMA_SIPS),
                },
            )

        return [
            ("odorik switch data", toggle("switch.sim_420_799_799_082_mobile_data")),
            ("odorik switch lte", toggle("switch.sim_420_799_799_081_lte")),
            ("zadarma switch prolongation", toggle("switch.48221234567_auto_prolongation")),
            ("odorik add/remove route", route),
            ("zadarma set_caller_name", caller_name),
            ("odorik get_call_history", history),
            ("zadarma set_sip_routing", sip_routing),
        ]

    # - memory --------------------------------------------------------------------------

    def forget_storage_calls(self) -> None:
        """Let the harness's storage mocks drop the calls they recorded.

        The test plugin replaces ``Store``'s disk access with mocks, which keep every
        call, written data included, for the test to inspect: a growth of the harness
        that a real Home Assistant writing to disk does not have.
        """
        for name in ("_async_load", "_async_write_data", "async_remove"):
            reset = getattr(getattr(storage.Store, name), "reset_mock", None)
            if reset is not None:
                reset()

    def measure(self, label: str) -> tracemalloc.Snapshot:
        """Record the memory held now (after a collection), the simulator's left out."""
        gc.collect()
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [
                tracemalloc.Filter(False, tracemalloc.__file__),
                tracemalloc.Filter(False, "*/tests/simulator/*", all_frames=True),
                tracemalloc.Filter(False, "*/tests/soak/*"),
            ]
        )
        self.record.memory[label] = sum(stat.size for stat in snapshot.statistics("filename"))
        return snapshot

    # - the run -------------------------------------------------------------------------

    async def run(self) -> None:
        """Soak for ``HOURS``, then drain and stop the faults."""
        self.snapshot_devices()
        self.listen()
        total = int(timedelta(hours=HOURS) / STEP)
        per_hour = timedelta(hours=1) / STEP
        warm_up, half = max(int(per_hour), 1), total // 2
        warm: tracemalloc.Snapshot | None = None
        for index in range(1, total + 1):
            for operator in ("odorik", "zadarma"):
                if self.random.random() < CALLS_PER_HOUR / per_hour:
                    await self.add_call(operator)
                if self.random.random() < FAULTS_PER_HOUR / per_hour:
                    await self.inject(operator)
            if self.random.random() < ACTIONS_PER_HOUR / per_hour:
                self.start_action()
                # Its requests are answered before time moves on (unless a fault holds them).
                await self.settle()
            await self.step()
            await self.answer_reauth()
            if index % 10 == 0:
                for operator in ("odorik", "zadarma"):
                    await self.sync_faults(operator)
            if index % int(per_hour) == 0:
                self.forget_storage_calls()
            if index == warm_up:
                warm = self.measure("warm")
            if index == half:
                self.measure("half")
        self.injections.clear()
        await self.control("POST", "faults", {"odorik": {"inject": []}, "zadarma": {"inject": []}})
        for _ in range(int(DRAIN / STEP)):
            await self.step()
            await self.answer_reauth()
        while self.tasks:  # actions still waiting (a rate limit) end as time goes on
            await self.step()
        self.forget_storage_calls()
        end = self.measure("end")
        if warm is not None:
            self.record.memory_top = [
                str(stat) for stat in end.compare_to(warm, "lineno")[:8] if stat.size_diff > 0
            ]
        for entity_id in list(self.record.down_since):
            self.close_down(entity_id)


def _table(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """Return a plain-text table."""
    cells = [tuple(str(cell) for cell in row) for row in [header, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    lines = [title, "-" * len(title)]
    for number, row in enumerate(cells):
        lines.append(
            "  ".join(
                cell.rjust(width) if column else cell.ljust(width)
                for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:+.2f} MiB" if size else "0.00 MiB"


async def test_soak(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    freezer: FrozenDateTimeFactory,
    loop_clock: LoopClock,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
) -> None:
    """Soak both operators; print the report; fail on a lost or repeated event, a removed
    device, unbounded growth or an exception that escaped."""
    started = _real()
    problems = Problems()
    logging.getLogger().addHandler(problems)
    loop = asyncio.get_running_loop()
    handler = loop.get_exception_handler()
    escaped: list[str] = []

    def count_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        escaped.append(str(context.get("exception") or context.get("message")))
        if handler is not None:
            handler(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(count_exception)
    tracemalloc.start(8)
    try:
        async with aiohttp.ClientSession() as session:
            await setup_entry(hass, odorik_entry)
            await setup_entry(hass, zadarma_entry)
            soak = Soak(
                hass,
                simulator,
                freezer,
                loop_clock,
                session,
                {"odorik": odorik_entry, "zadarma": zadarma_entry},
            )
            await soak.run()
            requests = await soak.control("GET", "requests")
    finally:
        tracemalloc.stop()
        logging.getLogger().removeHandler(problems)
        loop.set_exception_handler(handler)
    record = soak.record
    wall = _real() - started

    failures: list[str] = []
    report = [
        f"telco soak: seed {SEED}, {HOURS:g} h simulated in steps of "
        f"{STEP.total_seconds():.0f} s (+{DRAIN.total_seconds() / 60:.0f} min drain), "
        f"both operators against the simulator\n"
    ]
    report.append(
        _table(
            "Run",
            ("what", "value"),
            [
                ("cycles (steps)", record.cycles),
                (f"steps that did not settle within {SETTLE} s", record.unsettled_steps),
                ("requests to the operators", requests["total"]),
                ("calls added", sum(len(ids) for ids in record.expected.values())),
                ("reauthentications by the user", sum(record.reauths.values())),
                ("reauth attempts refused (another fault)", record.reauth_retries),
            ],
        )
    )
    by_endpoint = sorted(requests["counts"].items())
    report.append(_table("Requests per endpoint", ("endpoint", "requests"), by_endpoint))
    kinds = sorted(set(record.injected) | set(requests["faults"]))
    report.append(
        _table(
            "Faults (injected = how often set, fired = requests it hit)",
            ("operator fault", "injected", "fired"),
            [(kind, record.injected[kind], requests["faults"].get(kind, 0)) for kind in kinds],
        )
    )
    names = sorted(set(record.coordinator_failures) | set(record.coordinator_recoveries))
    report.append(
        _table(
            "Coordinators: failing stretches and recoveries",
            ("coordinator", "failed", "recovered"),
            [
                (name, record.coordinator_failures[name], record.coordinator_recoveries[name])
                for name in names
            ],
        )
    )
    longest = sorted(record.longest_down.items(), key=lambda item: item[1], reverse=True)
    report.append(
        _table(
            f"Longest time unavailable (simulated; entity recoveries: {record.entity_recoveries})",
            ("entity", "longest"),
            [(entity, str(lasted)) for entity, lasted in longest[:8]],
        )
    )
    event_rows = []
    for entity_id in (ODORIK_EVENT, ZADARMA_EVENT):
        expected = Counter(record.expected[entity_id])
        fired = Counter(record.fired[entity_id])
        lost = sorted(set(expected) - set(fired))
        twice = sorted(rid for rid, times in fired.items() if times > 1)
        extra = sorted(set(fired) - set(expected))
        event_rows.append(
            (
                entity_id,
                sum(expected.values()),
                sum(fired.values()),
                len(lost),
                len(twice),
                len(extra),
            )
        )
        if lost:
            failures.append(f"{entity_id}: {len(lost)} events lost, e.g. {lost[:5]}")
        if twice:
            failures.append(f"{entity_id}: {len(twice)} events fired twice, e.g. {twice[:5]}")
        if extra:
            failures.append(f"{entity_id}: {len(extra)} events of calls never added: {extra[:5]}")
    report.append(
        _table(
            "Call events (by record id)",
            ("entity", "expected", "fired", "lost", "twice", "unknown"),
            event_rows,
        )
    )
    action_names = sorted({name for name, _ in record.actions})
    report.append(
        _table(
            "Actions",
            ("action", "ok", "failed", "unexpected"),
            [
                (
                    name,
                    record.actions[name, "ok"],
                    record.actions[name, "failed"],
                    record.actions[name, "unexpected"],
                )
                for name in action_names
            ],
        )
    )
    if record.action_errors:
        report.append(
            _table(
                "Action errors told to the user",
                ("error translation_key", "times"),
                sorted(record.action_errors.items()),
            )
        )
    memory = record.memory
    first = memory.get("half", 0) - memory.get("warm", 0)
    second = memory.get("end", 0) - memory.get("half", 0)
    unbounded = second > GROWTH_FLOOR and second > GROWTH_RATIO * max(first, 0)
    report.append(
        _table(
            "Memory (tracemalloc, after gc; the simulator's and the soak's allocations left out)",
            ("moment", "traced", "growth"),
            [
                ("after the warm-up hour", f"{memory.get('warm', 0) / 1024 / 1024:.2f} MiB", ""),
                ("half way", f"{memory.get('half', 0) / 1024 / 1024:.2f} MiB", _mib(first)),
                ("end", f"{memory.get('end', 0) / 1024 / 1024:.2f} MiB", _mib(second)),
            ],
        )
    )
    report.append(
        f"unbounded growth = the second half grows more than {GROWTH_FLOOR // 1024} KiB and "
        f"more than {GROWTH_RATIO:g} x the first half (warm-up to half way): "
        f"{'YES' if unbounded else 'no'}\n"
    )
    if record.memory_top:
        report.append(
            "Largest growth since the warm-up, by line:\n  " + "\n  ".join(record.memory_top) + "\n"
        )
    if unbounded:
        failures.append(f"memory grew {_mib(second)} in the second half after {_mib(first)}")
    removed = soak.removed_devices()
    if removed:
        failures.append(f"devices removed: {removed}")
    unexpected = record.unexpected + escaped + problems.tracebacks
    report.append(
        _table(
            "Log and exceptions",
            ("what", "count"),
            [
                *(
                    (f"log records at {level}", count)
                    for level, count in sorted(problems.levels.items())
                ),
                ("devices at start / removed", f"{len(soak.devices)} / {len(removed)}"),
                ("exceptions escaped (actions, loop, tracebacks)", len(unexpected)),
            ],
        )
    )
    report.extend(f"  unexpected: {line}" for line in unexpected[:20])
    if unexpected:
        failures.append(f"{len(unexpected)} unexpected exceptions")
    report.append(f"\nResult: {'FAIL' if failures else 'PASS'}")
    report.extend(f"  - {failure}" for failure in failures)
    report.append(f"wall time: {wall:.1f} s")
    print("\n" + "\n".join(report), flush=True)  # noqa: T201 (the soak's report)
    if failures:
        pytest.fail("; ".join(failures), pytrace=False)
