"""The client side of scripts/e2e: a real Home Assistant driven over its HTTP and websocket APIs.

    python scripts/e2e_check.py free-port
    python scripts/e2e_check.py write-config CONFIG_DIR PORT
    python scripts/e2e_check.py run --ha URL --simulator URL --log CONFIG_DIR/home-assistant.log
    python scripts/e2e_check.py check-log CONFIG_DIR/home-assistant.log

``run`` onboards a fresh Home Assistant, adds an Odorik and a Zadarma account through the
config flow (the ``advanced`` section pointing at the simulator), waits for the entities,
reads states, writes a SIM card's switch, calls actions (one with its response), fires
calls at the simulator and waits for the event entities, removes both entries and reads
the log. Every step checks what the simulator saw. It prints the time of each step and
exits 1 at the first failure.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
import contextlib
import datetime
import itertools
import json
from pathlib import Path
import re
import socket
import sys
import time
from typing import Any

import aiohttp
from dev_bootstrap import access_token, write_http_store

ODORIK = {"username": "1234567", "password": "odorik-demo"}
ZADARMA = {"api_key": "1c64dee7ee7638e3a507", "api_secret": "d78f2a12cc1fc5effe71"}
PUBLIC_NUMBER = "00420533533533"
RINGING_NUMBER = "*100"
ZADARMA_NUMBER = "48221234567"
CALLER_NAME = "EndToEnd"
STEP_TIMEOUT = 60.0
# One log record: a timestamp, a level, then everything up to the next record (tracebacks).
RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+(?:[+-]\d\d:\d\d)? (?P<level>[A-Z]+) ", re.MULTILINE
)
DEPRECATION = "Detected that custom integration 'telco'"
BRAND = Path(__file__).resolve().parent.parent / "custom_components" / "telco" / "brand"


class E2EError(Exception):
    """A check failed."""


def check(condition: object, message: str) -> None:
    """Fail the run with ``message`` unless ``condition`` holds."""
    if not condition:
        raise E2EError(message)


@contextlib.contextmanager
def step(name: str, timings: list[tuple[str, float]]) -> Any:
    """Print a step's name and, when it is done, how long it took."""
    print(f"--- {name}", flush=True)
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    timings.append((name, elapsed))
    print(f"    ok ({elapsed:.2f} s)", flush=True)


async def until[T](probe: Callable[[], Any], what: str, limit: float = STEP_TIMEOUT) -> T:
    """Await ``probe()`` every 0.25 s until it returns something true; return that."""
    deadline = time.monotonic() + limit
    while True:
        with contextlib.suppress(aiohttp.ClientConnectionError):
            if result := await probe():
                return result  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise E2EError(f"timed out after {limit:.0f} s waiting for {what}")
        await asyncio.sleep(0.25)


class Hass:
    """Home Assistant's REST and websocket APIs, as the frontend and automations use them."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Talk to Home Assistant at ``url``; log in with ``login`` first."""
        self.session = session
        self.url = url
        self.token = ""
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._events: dict[int, asyncio.Queue[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    @property
    def headers(self) -> dict[str, str]:
        """Return the bearer token header."""
        return {"Authorization": f"Bearer {self.token}"}

    async def request(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        """Send one REST request; fail on an HTTP error; return the JSON answer."""
        async with self.session.request(
            method, self.url + path, json=body, params=params, headers=self.headers
        ) as response:
            text = await response.text()
            check(response.status < 400, f"{method} {path} -> {response.status}: {text}")
            return json.loads(text) if text else None

    async def service(
        self, domain: str, name: str, data: dict[str, Any], *, response: bool = False
    ) -> Any:
        """Call an action over REST (``?return_response`` if ``response``)."""
        params = {"return_response": ""} if response else {}
        return await self.request("POST", f"/api/services/{domain}/{name}", data, **params)

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """Return an entity's state object, or None if there is none."""
        async with self.session.get(
            f"{self.url}/api/states/{entity_id}", headers=self.headers
        ) as response:
            return await response.json() if response.status == 200 else None

    async def connect(self) -> None:
        """Open the websocket API and authenticate with the access token."""
        self._ws = await self.session.ws_connect(f"{self.url}/api/websocket")
        hello = await self._ws.receive_json()
        check(hello["type"] == "auth_required", f"websocket greeting: {hello}")
        await self._ws.send_json({"type": "auth", "access_token": self.token})
        answer = await self._ws.receive_json()
        check(answer["type"] == "auth_ok", f"websocket auth: {answer}")
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        """Close the websocket."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    @property
    def socket(self) -> aiohttp.ClientWebSocketResponse:
        """Return the open websocket."""
        if self._ws is None:
            raise E2EError("the websocket is not connected")
        return self._ws

    async def _read(self) -> None:
        async for message in self.socket:
            data = message.json()
            if data["type"] == "event" and data["id"] in self._events:
                self._events[data["id"]].put_nowait(data["event"])
            elif (future := self._pending.pop(data["id"], None)) is not None:
                future.set_result(data)

    async def ws(self, command: str, **fields: Any) -> Any:
        """Send one websocket command and return its result; fail if it failed."""
        message_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self.socket.send_json({"id": message_id, "type": command, **fields})
        answer = await asyncio.wait_for(future, STEP_TIMEOUT)
        check(answer.get("success"), f"websocket {command}: {answer}")
        return answer.get("result")

    @contextlib.asynccontextmanager
    async def subscribe(self, event_type: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """Subscribe to an event type over the websocket; yield the queue of its events."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        message_id = next(self._ids)
        self._events[message_id] = queue
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self.socket.send_json(
            {"id": message_id, "type": "subscribe_events", "event_type": event_type}
        )
        answer = await asyncio.wait_for(future, STEP_TIMEOUT)
        check(answer.get("success"), f"subscribe_events {event_type}: {answer}")
        try:
            yield queue
        finally:
            await self.ws("unsubscribe_events", subscription=message_id)
            del self._events[message_id]


class Simulator:
    """The simulator's control endpoints, and the Odorik API read directly."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Control the simulator at ``url``."""
        self.session = session
        self.url = url

    async def get(self, path: str, **params: str) -> Any:
        """GET a simulator path and return its JSON."""
        async with self.session.get(self.url + path, params=params) as response:
            check(response.status == 200, f"simulator GET {path} -> {response.status}")
            return await response.json(content_type=None)

    async def post(self, path: str, body: Any) -> Any:
        """POST JSON to a control endpoint and return its JSON answer."""
        async with self.session.post(self.url + path, json=body) as response:
            check(response.status == 200, f"simulator POST {path} -> {response.status}")
            return await response.json()

    async def counts(self) -> dict[str, int]:
        """Return the operator requests counted so far, per method and route."""
        counts: dict[str, int] = (await self.get("/_control/requests"))["counts"]
        return counts

    async def sims(self) -> dict[str, dict[str, Any]]:
        """Return the Odorik SIM cards by phone number, as the simulator holds them."""
        state = await self.get("/_control/odorik/state")
        return {sim["phone_number"]: sim for sim in state["sim_cards"]}


def new_requests(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Return the requests counted between two reads of the counts."""
    return {
        key: after[key] - before.get(key, 0) for key in after if after[key] > before.get(key, 0)
    }


# --- the steps -------------------------------------------------------------------------------


async def onboard(hass: Hass) -> None:
    """Wait for a running Home Assistant, onboard it and check every step is done."""

    async def running() -> bool:
        async with hass.session.get(f"{hass.url}/api/onboarding") as response:
            return response.status == 200

    await until(running, "Home Assistant's HTTP server", limit=300)
    async with hass.session.get(f"{hass.url}/api/onboarding") as response:
        steps = await response.json()
    check(not any(item["done"] for item in steps), f"not a fresh instance: {steps}")
    hass.token = await access_token(hass.session, hass.url)
    async with hass.session.get(f"{hass.url}/api/onboarding") as response:
        steps = await response.json()
    check(all(item["done"] for item in steps), f"onboarding left steps undone: {steps}")

    async def started() -> bool:
        return (await hass.request("GET", "/api/config"))["state"] == "RUNNING"

    await until(started, "Home Assistant to finish starting", limit=300)
    config = await hass.request("GET", "/api/config")
    print(f"    Home Assistant {config['version']}, onboarded: {[s['step'] for s in steps]}")


async def brand_images(hass: Hass) -> None:
    """Home Assistant serves the integration's own brand images, as the frontend asks."""
    token = (await hass.ws("brands/access_token"))["token"]
    images = sorted(BRAND.glob("*.png"))
    check(images, f"no brand images in {BRAND}")
    for image in images:
        path = f"/api/brands/integration/telco/{image.name}"
        async with hass.session.get(hass.url + path, params={"token": token}) as response:
            body = await response.read()
            check(response.status == 200, f"GET {path} -> {response.status}")
        check(body == image.read_bytes(), f"{path} is not {image}")
    print(f"    {len(images)} images from brand/: {', '.join(i.name for i in images)}")


async def add_account(
    hass: Hass, operator: str, credentials: dict[str, str], url: str, *, wrong: str
) -> dict[str, Any]:
    """Add an account through the config flow as the frontend does; return the entry."""
    flow = await hass.request(
        "POST",
        "/api/config/config_entries/flow",
        {"handler": "telco", "show_advanced_options": False},
    )
    check(flow["type"] == "menu", f"first step: {flow}")
    check(operator in flow["menu_options"], f"{operator} not offered: {flow['menu_options']}")
    flow_path = f"/api/config/config_entries/flow/{flow['flow_id']}"
    form = await hass.request("POST", flow_path, {"next_step_id": operator})
    check(form["type"] == "form" and form["step_id"] == operator, f"{operator} step: {form}")
    fields = {field["name"]: field for field in form["data_schema"]}
    check(set(credentials) | {"advanced"} == set(fields), f"{operator} fields: {list(fields)}")
    advanced = fields["advanced"]
    check(advanced["type"] == "expandable", f"advanced is no section: {advanced}")
    check(
        [field["name"] for field in advanced["schema"]] == ["url"],
        f"advanced section: {advanced}",
    )
    # A mistyped secret first: the form comes back with its error, nothing is created.
    refused = await hass.request(
        "POST", flow_path, {**credentials, wrong: "wrong", "advanced": {"url": url}}
    )
    check(refused["type"] == "form", f"wrong credentials accepted: {refused}")
    check(refused["errors"] == {"base": "invalid_auth"}, f"wrong credentials: {refused}")
    done = await hass.request("POST", flow_path, {**credentials, "advanced": {"url": url}})
    check(done["type"] == "create_entry", f"{operator} entry not created: {done}")
    entry: dict[str, Any] = done["result"]
    print(f"    {operator}: entry {entry['title']!r} ({entry['entry_id']})")
    return entry


async def add_account_again(
    hass: Hass, operator: str, credentials: dict[str, str], url: str
) -> None:
    """Add the same account a second time: refused before anything is created."""
    flow = await hass.request("POST", "/api/config/config_entries/flow", {"handler": "telco"})
    flow_path = f"/api/config/config_entries/flow/{flow['flow_id']}"
    await hass.request("POST", flow_path, {"next_step_id": operator})
    again = await hass.request("POST", flow_path, {**credentials, "advanced": {"url": url}})
    check(
        again["type"] == "abort" and again["reason"] == "already_configured",
        f"a second {operator} entry: {again}",
    )


async def wait_for_entities(hass: Hass, entries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Wait until both entries are loaded and each entity has a state; return them per entry."""

    async def loaded() -> bool:
        listed = await hass.request("GET", "/api/config/config_entries/entry", domain="telco")
        states = {entry["entry_id"]: entry["state"] for entry in listed}
        failed = [state for state in states.values() if state in ("setup_error", "setup_retry")]
        check(not failed, f"config entries failed to set up: {listed}")
        return all(states.get(entry_id) == "loaded" for entry_id in entries.values())

    await until(loaded, "both config entries to load")

    async def all_have_states() -> dict[str, list[dict[str, Any]]] | None:
        registry = await hass.ws("config/entity_registry/list")
        ours = [item for item in registry if item["platform"] == "telco"]
        states = {state["entity_id"]: state for state in await hass.request("GET", "/api/states")}
        enabled = [item for item in ours if not item["disabled_by"]]
        if not enabled or any(item["entity_id"] not in states for item in enabled):
            return None
        return {
            operator: [
                {**item, "state": states[item["entity_id"]]}
                for item in enabled
                if item["config_entry_id"] == entry_id
            ]
            for operator, entry_id in entries.items()
        }

    per_entry = await until(all_have_states, "every telco entity to have a state")
    for operator, entities in per_entry.items():
        domains: dict[str, int] = {}
        for entity in entities:
            domain = entity["entity_id"].split(".")[0]
            domains[domain] = domains.get(domain, 0) + 1
        unavailable = [e["entity_id"] for e in entities if e["state"]["state"] == "unavailable"]
        print(f"    {operator}: {len(entities)} entities {dict(sorted(domains.items()))}")
        check(entities, f"{operator} has no entities")
        check(not unavailable, f"{operator} entities unavailable: {unavailable}")
    return per_entry


def find(entities: list[dict[str, Any]], domain: str, key: str) -> list[dict[str, Any]]:
    """Return the entities of a platform domain with a translation key."""
    return [
        entity
        for entity in entities
        if entity["entity_id"].startswith(f"{domain}.") and entity.get("translation_key") == key
    ]


async def read_states(
    hass: Hass, sim: Simulator, entities: dict[str, list[dict[str, Any]]]
) -> None:
    """Read the balances over REST; Odorik's must be the simulator's."""
    odorik = await sim.get("/_control/odorik/state")
    for operator in ("odorik", "zadarma"):
        (balance,) = find(entities[operator], "sensor", "balance")
        state = await hass.state(balance["entity_id"])
        if state is None:
            raise E2EError(f"no state for {balance['entity_id']}")
        value = float(state["state"])
        unit = state["attributes"].get("unit_of_measurement")
        print(f"    {balance['entity_id']} = {value} {unit}")
        if operator == "odorik":
            check(
                abs(value - float(odorik["balance"])) < 0.005,
                f"Odorik balance {value} is not the simulator's {odorik['balance']}",
            )


async def toggle_sim_switch(hass: Hass, sim: Simulator, entities: list[dict[str, Any]]) -> None:
    """Turn a SIM card's mobile data off and on again; the simulator's SIM card follows."""
    switches = find(entities, "switch", "mobile_data")
    check(switches, "no mobile data switch")
    on = [entity for entity in switches if entity["state"]["state"] == "on"]
    check(on, f"no SIM card with mobile data on: {[e['entity_id'] for e in switches]}")
    entity_id = on[0]["entity_id"]
    before = await sim.sims()
    for service, wanted in (("turn_off", False), ("turn_on", True)):
        await hass.service("switch", service, {"entity_id": entity_id})
        now = await sim.sims()
        changed = [
            number for number in now if now[number]["mobile_data"] != before[number]["mobile_data"]
        ]
        if wanted:
            check(not changed, f"mobile data not as before: {changed}")
        else:
            check(len(changed) == 1, f"switch.turn_off changed SIM cards {changed}")
            check(now[changed[0]]["mobile_data"] is False, "mobile data still on")

        async def shown(wanted_state: str = "on" if wanted else "off") -> bool:
            state = await hass.state(entity_id)
            return state is not None and state["state"] == wanted_state

        await until(shown, f"{entity_id} to show the change")
        print(f"    switch.{service} {entity_id}: the simulator's SIM card follows")


async def routes_at_odorik(sim: Simulator) -> list[dict[str, Any]]:
    """Read the public number's routes straight from the simulated Odorik API."""
    routes: list[dict[str, Any]] = await sim.get(
        f"/api/v1/public_numbers/{PUBLIC_NUMBER}/routes.json",
        user=ODORIK["username"],
        password=ODORIK["password"],
    )
    return routes


async def add_route(hass: Hass, sim: Simulator, entry_id: str) -> None:
    """telco.add_route writes one route at Odorik; telco.get_routing answers with it."""
    before = await sim.counts()
    await hass.service(
        "telco",
        "add_route",
        {
            "config_entry_id": entry_id,
            "public_number": "+420 533 533 533",
            "ringing_number": RINGING_NUMBER,
        },
    )
    writes = {
        key: count
        for key, count in new_requests(before, await sim.counts()).items()
        if not key.startswith(("odorik GET", "zadarma GET"))
    }
    check(
        writes == {"odorik POST /api/v1/public_numbers/{number}/routes.json": 1},
        f"add_route wrote {writes}",
    )
    routes = await routes_at_odorik(sim)
    check(
        any(route["ringing_number"] == RINGING_NUMBER for route in routes),
        f"the route is not at the simulator: {routes}",
    )
    print(f"    add_route: the simulator has {len(routes)} routes, one to {RINGING_NUMBER}")
    answer = await hass.service(
        "telco",
        "get_routing",
        {"config_entry_id": entry_id, "public_number": "+420 533 533 533"},
        response=True,
    )
    (number,) = answer["service_response"]["public_numbers"]
    ringing = [route["ringing_number"] for route in number["routes"]]
    check(RINGING_NUMBER in ringing, f"get_routing does not answer the new route: {number}")
    print(f"    get_routing (?return_response): {number['public_number']} routes to {ringing}")


async def set_caller_name(
    hass: Hass, sim: Simulator, entry_id: str, entities: list[dict[str, Any]]
) -> None:
    """telco.set_caller_name writes once at Zadarma; the caller name entity reads it back."""
    before = await sim.counts()
    await hass.service(
        "telco",
        "set_caller_name",
        {"config_entry_id": entry_id, "number": "+48 22 123 45 67", "caller_name": CALLER_NAME},
    )
    writes = {
        key: count
        for key, count in new_requests(before, await sim.counts()).items()
        if not key.startswith(("odorik GET", "zadarma GET"))
    }
    check(
        writes == {"zadarma PUT /v1/direct_numbers/set_caller_name/": 1},
        f"set_caller_name wrote {writes}",
    )
    names = find(entities, "text", "caller_name")
    check(names, "no caller name entity")
    targets = [e for e in names if ZADARMA_NUMBER in (e.get("unique_id") or "")] or names
    entity_id = targets[0]["entity_id"]
    await hass.service("homeassistant", "update_entity", {"entity_id": entity_id})

    async def shown() -> bool:
        state = await hass.state(entity_id)
        return state is not None and state["state"] == CALLER_NAME

    await until(shown, f"{entity_id} to read {CALLER_NAME!r} back")
    print(f"    set_caller_name: {entity_id} = {CALLER_NAME!r} read back from the simulator")


async def see_call_event(
    hass: Hass,
    sim: Simulator,
    operator: str,
    entities: list[dict[str, Any]],
    control: tuple[str, dict[str, Any]],
    caller: str,
) -> None:
    """Record a call at the simulator, refresh the event entity, see its state change."""
    events = find(entities, "event", "call")
    check(len(events) == 1, f"{operator} call event entities: {events}")
    entity_id = events[0]["entity_id"]
    async with hass.subscribe("state_changed") as queue:
        started = time.monotonic()
        await sim.post(*control)
        await hass.service("homeassistant", "update_entity", {"entity_id": entity_id})

        async def fired() -> dict[str, Any] | None:
            while not queue.empty():
                event = queue.get_nowait()
                new = event["data"].get("new_state") or {}
                attributes = new.get("attributes", {})
                if event["data"]["entity_id"] == entity_id and caller in json.dumps(attributes):
                    return new
            return None

        # Within a poll interval (Zadarma's is a minute) even if update_entity missed it.
        new_state = await until(fired, f"{entity_id} to tell the call from {caller}", limit=75)
    elapsed = time.monotonic() - started
    print(
        f"    {operator}: {entity_id} -> {new_state['attributes'].get('event_type')}"
        f" from {caller}, {elapsed:.2f} s after the call (websocket state_changed)"
    )


async def remove_entries(
    hass: Hass, entries: dict[str, str], entities: dict[str, list[dict[str, Any]]]
) -> None:
    """Delete both entries: each unloads without asking for a restart, its entities go."""
    for operator, entry_id in entries.items():
        answer = await hass.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")
        check(answer == {"require_restart": False}, f"{operator} removal: {answer}")
        print(f"    {operator}: removed, unloaded without a restart")
    listed = await hass.request("GET", "/api/config/config_entries/entry", domain="telco")
    check(listed == [], f"entries left: {listed}")

    async def gone() -> bool:
        registry = await hass.ws("config/entity_registry/list")
        return not any(item["platform"] == "telco" for item in registry)

    await until(gone, "the telco entities to leave the entity registry")
    ours = {entity["entity_id"] for entity in itertools.chain(*entities.values())}
    states = await hass.request("GET", "/api/states")
    left = sorted(ours & {state["entity_id"] for state in states})
    check(not left, f"states of removed entities remain: {left}")
    services = await hass.request("GET", "/api/services")
    actions = [item["services"] for item in services if item["domain"] == "telco"]
    # Actions belong to the integration, not to an entry (registered in async_setup).
    print(f"    no state left of {len(ours)} entities; telco actions kept: {len(*actions)}")


def log_records(log: Path) -> list[tuple[str, str]]:
    """Return a log's records as (level, text), each with its traceback."""
    text = log.read_text(encoding="utf-8", errors="replace")
    matches = list(RECORD.finditer(text))
    ends = [match.start() for match in matches[1:]] + [len(text)]
    return [
        (match["level"], text[match.start() : end].rstrip())
        for match, end in zip(matches, ends, strict=True)
    ]


def check_log(log: Path) -> None:
    """Fail if the log has a telco error or deprecation report; print what else it has."""
    records = log_records(log)
    check(records, f"{log} has no log records: is it Home Assistant's log?")
    problems = [
        text
        for level, text in records
        if DEPRECATION in text
        or ("Detected code that" in text and "telco" in text)
        or (level in ("ERROR", "CRITICAL") and "telco" in text)
    ]
    for problem in problems:
        print(f"PROBLEM in {log}:\n{problem}")
    check(not problems, f"{len(problems)} telco errors or deprecation reports in the log")
    levels = Counter(level for level, _ in records)
    telco = sum(1 for _, text in records if "custom_components.telco" in text)
    print(
        f"    {log.name}: {len(records)} records ({telco} of telco; {dict(levels)}),"
        " no telco error, no deprecation report"
    )


async def run(args: argparse.Namespace) -> list[tuple[str, float]]:
    """Every step against one fresh Home Assistant; return the timings."""
    timings: list[tuple[str, float]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        hass = Hass(session, args.ha)
        sim = Simulator(session, args.simulator)
        with step("start and onboard Home Assistant (users, token, core_config, ...)", timings):
            await onboard(hass)
        await hass.connect()
        try:
            with step("brand images served from custom_components/telco/brand/", timings):
                await brand_images(hass)
            entries: dict[str, str] = {}
            with step("config flow: Odorik account, simulator in 'advanced'", timings):
                odorik_url = f"{args.simulator}/api/v1"
                entry = await add_account(hass, "odorik", ODORIK, odorik_url, wrong="password")
                entries["odorik"] = entry["entry_id"]
            with step("config flow: Zadarma account, simulator in 'advanced'", timings):
                entry = await add_account(
                    hass, "zadarma", ZADARMA, args.simulator, wrong="api_secret"
                )
                entries["zadarma"] = entry["entry_id"]
                created = time.monotonic()
            with step("config flow: the same account again is refused", timings):
                await add_account_again(hass, "odorik", ODORIK, odorik_url)
            with step("wait for both entries to load and every entity to have a state", timings):
                entities = await wait_for_entities(hass, entries)
            with step("read states over REST", timings):
                await read_states(hass, sim, entities)
            with step("toggle a SIM card's mobile data switch", timings):
                await toggle_sim_switch(hass, sim, entities["odorik"])
            with step("telco.add_route, then telco.get_routing with its response", timings):
                await add_route(hass, sim, entries["odorik"])
            with step("telco.set_caller_name (Zadarma)", timings):
                await set_caller_name(hass, sim, entries["zadarma"], entities["zadarma"])
            # The operators record whole seconds and a first start tells no call that
            # began before it: the calls come from a later second than the entries' setup.
            await asyncio.sleep(max(0.0, created + 1.5 - time.monotonic()))
            with step("a call at Odorik reaches its event entity", timings):
                await see_call_event(
                    hass,
                    sim,
                    "odorik",
                    entities["odorik"],
                    # Whole seconds, as the operators record calls and as the "to" of
                    # the integration's next read is: a call later in this second would
                    # wait for the next poll.
                    (
                        "/_control/odorik/calls",
                        {
                            "source_number": "00420777000111",
                            "date": datetime.datetime.now(datetime.UTC).isoformat(
                                timespec="seconds"
                            ),
                        },
                    ),
                    "00420777000111",
                )
            with step("a call at Zadarma reaches its event entity", timings):
                await see_call_event(
                    hass,
                    sim,
                    "zadarma",
                    entities["zadarma"],
                    (
                        "/_control/zadarma/calls",
                        {"from": "48601999888", "to": ZADARMA_NUMBER},
                    ),
                    "48601999888",
                )
            with step("remove both entries", timings):
                await remove_entries(hass, entries, entities)
            with step("read home-assistant.log", timings):
                check_log(args.log)
        finally:
            await hass.close()
    return timings


def write_config(config: Path, port: int) -> None:
    """Write a fresh configuration: listening on 127.0.0.1:``port`` only, telco at debug."""
    (config / "configuration.yaml").write_text(
        "homeassistant:\n  name: telco end-to-end\n  time_zone: Europe/Prague\n"
        "  currency: CZK\n  country: CZ\n  unit_system: metric\n"
        "frontend:\nhistory:\nlogbook:\n"
        "logger:\n  default: warning\n  logs:\n    custom_components.telco: debug\n",
        encoding="utf-8",
    )
    write_http_store(config, port)


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main() -> int:
    """Run one subcommand."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("free-port")
    config = commands.add_parser("write-config")
    config.add_argument("config", type=Path)
    config.add_argument("port", type=int)
    runner = commands.add_parser("run")
    runner.add_argument("--ha", required=True)
    runner.add_argument("--simulator", required=True)
    runner.add_argument("--log", type=Path, required=True)
    log = commands.add_parser("check-log")
    log.add_argument("log", type=Path)
    args = parser.parse_args()
    try:
        if args.command == "free-port":
            print(free_port())
        elif args.command == "write-config":
            write_config(args.config, args.port)
        elif args.command == "check-log":
            check_log(args.log)
        else:
            timings = asyncio.run(run(args))
            print("=== e2e steps:")
            for name, elapsed in timings:
                print(f"    {elapsed:7.2f} s  {name}")
    except E2EError as err:
        print(f"FAILED: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
