"""The simulator's aiohttp application: operators, request counting, faults.

Odorik lives under ``/api/v1`` (as on www.odorik.cz), Zadarma under ``/v1``
(as on api.zadarma.com, whose signature covers the path from ``/v1``), and the
control endpoint under ``/_control``:

- ``GET /_control/requests``: request counts per ``"<operator> <METHOD> <route>"`` and,
  under ``"faults"``, how often each injected fault fired per ``"<operator> <kind>"``
- ``POST /_control/reset``: zero both
- ``GET /_control/faults`` / ``POST /_control/faults``: read / merge fault switches,
  e.g. ``{"odorik": {"outage": true}}`` or
  ``{"odorik": {"html_pages": ["DELETE /public_numbers/{number}/routes/{id}.json"]}}``

Injections
----------

Besides those switches each operator has a list of *injections*, set with
``POST /_control/faults`` ``{"odorik": {"inject": [<injection>, ...]}}`` (replaces that
operator's list; ``[]`` clears it; a bad injection answers 400 and changes nothing)
and read back by ``GET /_control/faults`` (each with ``fired`` and ``active``). From
Python: ``server.inject("odorik", "http_503", endpoint="GET /balance", count=3)``,
``server.clear_faults()``, ``server.fired("http_503")``.

An injection is ``{"fault": <kind>, "endpoint": "<METHOD> <path>" | null, "count": N |
null, "seconds": S | null, ...options}``:

- ``endpoint`` matches the path after the operator's prefix as sent
  (``GET /sim_cards/00420799799081.json``) or as routed
  (``GET /sim_cards/{phone}.json``); shell wildcards work (``* /sim_cards/*``); a
  trailing ``/`` is ignored (Zadarma's ``GET /info/balance``). ``null`` = every
  request of the operator (for ``lost_answer``: every write).
- ``count``: the next N matching requests; ``seconds``: S seconds of the simulator's
  clock (``time.time()``, looked up late so the tests' frozen clock drives it) from
  when it was set; neither: until cleared. An injection *fires* on every matching
  request while it is active; ``fired`` counts those.

Kinds (applied in list order; the first *answering* one decides the answer):

- ``latency`` (``ms``): answer after the delay (every matching one adds up). Under
  the tests' frozen clock the loop's clock stops too, so the answer never comes.
- ``timeout``: never answer; the request is held until the client gives up and closes
  the connection (or the server stops). Needs a client timeout on the real clock.
- ``reset``: close the connection without an answer.
- ``http_500``, ``http_502``, ``http_503``: that status with a plain-text body.
- ``html_200``: an HTML maintenance page with status 200 (nothing is changed).
- ``truncated_json``: the real answer (the request is handled) cut in half.
- ``wrong_shape``: the real answer as valid JSON of the wrong shape: an object comes
  as ``[object]``, a list as ``{"items": list}``, a non-JSON body as
  ``{"unexpected": body}``.
- ``text_error``: ``error internal_error`` as ``text/plain`` with 200 (Odorik's style).
- ``http_429`` (``retry_after``: seconds, or null = no header): 429 in the operator's
  style (Odorik: ``error too_many_requests``, a GUESS; Zadarma: its JSON error).
- ``revoke``: the credentials are refused as the operator refuses wrong ones
  (Odorik ``authentication_failed``, Zadarma 401 ``Not authorized``).
- ``stuck_sim`` (``number``, Odorik only): that SIM card lists a change in progress,
  refuses changes and data restarts with ``change_in_progress``, and its pending
  change does not settle; once the injection ends a pending change settles as due.
- ``drop_item`` (``id``): JSON answers silently lack every list item (an object) one
  of whose fields equals ``id`` (a SIM number, public number, direct number, line…).
- ``lost_answer``: writes only (not GET): the write is applied, then the answer
  never comes (held as ``timeout``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, fields
import json
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .faults import FAULT_KINDS, OPERATOR_KINDS, Injection, InjectionError, Injections

OPERATORS = ("odorik", "zadarma")
PREFIXES = {"odorik": "/api/v1", "zadarma": "/v1"}
MAINTENANCE_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>Maintenance</title></head>\n<body><h1>We will be back soon</h1>"
    "<p>The service is down for maintenance. ok</p></body></html>\n"
)


@dataclass
class OperatorFaults:
    """Fault switches of one operator, set through ``/_control/faults``."""

    outage: bool = False  # answer every request with HTTP 503
    reject_auth: bool = False  # refuse every credential as wrong
    latency_ms: int = 0  # extra delay on top of the global latency
    # "GET /lines.json" style methods answered HTTP 404, as if this server had none
    unsupported: list[str] = field(default_factory=list)
    # "DELETE /active_calls/{id}.json" style methods (the path as sent, or the route
    # with its placeholders) answered HTTP 200 with an HTML maintenance page, as a
    # proxy in front of a server being maintained does: nothing changes.
    html_pages: list[str] = field(default_factory=list)
    # "GET /lines.json" style methods answered HTTP 503 while the others work
    failing: list[str] = field(default_factory=list)
    # "GET /calls.json" style methods answered this many more times, then HTTP 503
    # (an outage in the middle of a long read)
    budget: dict[str, int] = field(default_factory=dict)


# Injected kinds that answer instead of the operator, and those that change its answer.
ANSWERING_KINDS = frozenset(
    {"timeout", "reset", "http_500", "http_502", "http_503", "html_200", "text_error", "http_429"}
)
REWRITING_KINDS = frozenset({"truncated_json", "wrong_shape", "lost_answer"})
assert ANSWERING_KINDS | REWRITING_KINDS | OPERATOR_KINDS | {"latency", "drop_item"} == set(
    FAULT_KINDS
)
STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class SimulatorControl:
    """What the control endpoint reads and changes."""

    latency_ms: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    faults: dict[str, OperatorFaults] = field(
        default_factory=lambda: {name: OperatorFaults() for name in OPERATORS}
    )
    injections: Injections = field(default_factory=Injections)
    # Set when the server stops: releases requests held by ``timeout``/``lost_answer``.
    closing: asyncio.Event = field(default_factory=asyncio.Event)

    def fire(self, request: web.Request, kind: str) -> list[Injection]:
        """Return (and count) the active injections of ``kind`` that match ``request``.

        For the operators' own code (``revoke``, ``stuck_sim``).
        """
        operator = operator_of(request.path)
        if operator is None:
            return []
        return self.injections.fire(operator, request.method, _spellings(request, operator), {kind})


CONTROL_KEY: web.AppKey[SimulatorControl] = web.AppKey("control", SimulatorControl)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def operator_of(path: str) -> str | None:
    """Return which operator a request path belongs to."""
    for name, prefix in PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


@web.middleware
async def control_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count the request, apply latency and the operator's outage switch."""
    control = request.app[CONTROL_KEY]
    operator = operator_of(request.path)
    if operator is None:
        return await handler(request)
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else request.path
    control.counts[f"{operator} {request.method} {route}"] += 1
    faults = control.faults[operator]
    delay = control.latency_ms + faults.latency_ms
    if delay:
        await asyncio.sleep(delay / 1000)
    if faults.outage:
        return web.Response(status=503, text="Service Unavailable")
    method = f"{request.method} {request.path.removeprefix(PREFIXES[operator])}"
    if method in faults.failing:
        return web.Response(status=503, text="Service Unavailable")
    if method in faults.budget:
        if faults.budget[method] <= 0:
            return web.Response(status=503, text="Service Unavailable")
        faults.budget[method] -= 1
    if method in faults.unsupported:
        return web.Response(status=404, text="Not Found")
    if _matches(request, operator, faults.html_pages):
        return web.Response(status=200, text=MAINTENANCE_PAGE, content_type="text/html")
    return await _injected(request, handler, control, operator)


async def _injected(
    request: web.Request, handler: Handler, control: SimulatorControl, operator: str
) -> web.StreamResponse:
    """Apply the operator's injections that match the request (see the module docstring)."""
    injections = control.injections
    method, paths = request.method, _spellings(request, operator)
    for item in injections.fire(operator, method, paths, {"latency"}):
        await asyncio.sleep(item.options["ms"] / 1000)
    answering = injections.fire(operator, method, paths, ANSWERING_KINDS, limit=1)
    if answering:
        return await _answer(request, control, operator, answering[0])
    rewriting = injections.fire(operator, method, paths, REWRITING_KINDS, limit=1)
    drops = injections.fire(operator, method, paths, {"drop_item"})
    response = await handler(request)
    if drops:
        response = _without(response, {str(item.options["id"]) for item in drops})
    if not rewriting:
        return response
    kind = rewriting[0].fault
    if kind == "lost_answer":
        return await _hold(request, control)
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return response
    if kind == "truncated_json":
        return _rebuilt(response, response.body[: len(response.body) // 2])
    shape = _wrong_shape(response.body, json_body=response.content_type == "application/json")
    return _rebuilt(response, json.dumps(shape).encode(), "application/json")


async def _answer(
    request: web.Request, control: SimulatorControl, operator: str, item: Injection
) -> web.StreamResponse:
    """Answer in place of the operator as an answering injection says."""
    kind = item.fault
    if kind == "timeout":
        return await _hold(request, control)
    if kind == "reset":
        if request.transport is not None:
            request.transport.abort()
        # Writing to the closed transport fails quietly inside aiohttp: no answer at all.
        return web.Response(status=503)
    if kind == "html_200":
        return web.Response(status=200, text=MAINTENANCE_PAGE, content_type="text/html")
    if kind == "text_error":
        return web.Response(status=200, text="error internal_error", content_type="text/plain")
    if kind == "http_429":
        retry_after = item.options["retry_after"]
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        if operator == "zadarma":
            body = {"status": "error", "message": "You exceeded the rate limit"}
            return web.json_response(body, status=429, headers=headers)
        # GUESS: Odorik documents no rate limit, so neither its 429 body.
        return web.Response(status=429, text="error too_many_requests", headers=headers)
    status = int(kind.removeprefix("http_"))
    return web.Response(status=status, text=STATUS_TEXT[status])


async def _hold(request: web.Request, control: SimulatorControl) -> web.StreamResponse:
    """Never answer: wait until the client closes the connection (the runner cancels the
    handler then) or the server stops."""
    await control.closing.wait()
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=503)


def _rebuilt(response: web.Response, body: bytes, content_type: str | None = None) -> web.Response:
    """Return the operator's answer with another body (status and headers kept)."""
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() not in {"content-length", "content-type"}
    }
    rebuilt = web.Response(status=response.status, body=body, headers=headers)
    rebuilt.content_type = content_type or response.content_type
    if content_type is None and response.charset:
        rebuilt.charset = response.charset
    return rebuilt


def _wrong_shape(body: bytes, *, json_body: bool) -> Any:
    """Return valid JSON of another shape than the answer's."""
    try:
        decoded = json.loads(body) if json_body else None
    except ValueError:
        decoded = None
    if decoded is None:
        return {"unexpected": body.decode("utf-8", "replace")}
    if isinstance(decoded, list):
        return {"items": decoded}
    return [decoded]


def _without(response: web.StreamResponse, ids: set[str]) -> web.StreamResponse:
    """Return a JSON answer whose lists lack the objects with a field equal to one of ``ids``."""
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return response
    try:
        decoded = json.loads(response.body)
    except ValueError:
        return response

    def dropped(value: Any) -> Any:
        if isinstance(value, list):
            return [
                dropped(item)
                for item in value
                if not (isinstance(item, dict) and ids & {str(field) for field in item.values()})
            ]
        if isinstance(value, dict):
            return {key: dropped(item) for key, item in value.items()}
        return value

    body = json.dumps(dropped(decoded), ensure_ascii=False).encode()
    return _rebuilt(response, body)


def _spellings(request: web.Request, operator: str) -> set[str]:
    """Return the request's path after the operator's prefix: as sent and as routed."""
    prefix = PREFIXES[operator]
    paths = {request.path.removeprefix(prefix)}
    resource = request.match_info.route.resource
    if resource is not None:
        paths.add(resource.canonical.removeprefix(prefix))
    return paths


def _matches(request: web.Request, operator: str, methods: list[str]) -> bool:
    """Return whether ``"<METHOD> <path>"`` names this request by its path or its route."""
    if not methods:
        return False
    return any(f"{request.method} {path}" in methods for path in _spellings(request, operator))


async def _get_requests(request: web.Request) -> web.Response:
    control = request.app[CONTROL_KEY]
    counts = control.counts
    return web.json_response(
        {
            "total": sum(counts.values()),
            "counts": dict(counts),
            "faults": dict(control.injections.fired),
        }
    )


async def _reset(request: web.Request) -> web.Response:
    control = request.app[CONTROL_KEY]
    control.counts.clear()
    control.injections.fired.clear()
    return web.json_response({})


async def _get_faults(request: web.Request) -> web.Response:
    control = request.app[CONTROL_KEY]
    return web.json_response(
        {
            name: {**asdict(value), "inject": control.injections.listed(name)}
            for name, value in control.faults.items()
        }
    )


async def _set_faults(request: web.Request) -> web.Response:
    body: dict[str, dict[str, Any]] = await request.json()
    control = request.app[CONTROL_KEY]
    faults = control.faults
    known = {item.name for item in fields(OperatorFaults)} | {"inject"}
    for operator, switches in body.items():
        if operator not in faults or not set(switches) <= known:
            return web.json_response({"error": f"unknown fault {operator}: {switches}"}, status=400)
    staged = Injections(clock=control.injections.clock)
    try:
        for operator, switches in body.items():
            if "inject" in switches:
                staged.replace(operator, switches["inject"])
    except InjectionError as err:
        return web.json_response({"error": str(err)}, status=400)
    for operator, switches in body.items():
        for name, value in switches.items():
            if name != "inject":
                setattr(faults[operator], name, value)
    control.injections.lists.update(staged.lists)
    return await _get_faults(request)


async def _release_held(app: web.Application) -> None:
    """Let requests held by ``timeout``/``lost_answer`` go when the server stops."""
    app[CONTROL_KEY].closing.set()


def create_app(*, latency_ms: int = 0, seed: bool = True) -> web.Application:
    """Build the simulator of both operators, seeded with the demo accounts."""
    from .odorik import OdorikSimulator
    from .zadarma import ZadarmaSimulator

    app = web.Application(middlewares=[control_middleware])
    app[CONTROL_KEY] = SimulatorControl(latency_ms=latency_ms)
    OdorikSimulator.setup(app, PREFIXES["odorik"], seed=seed)
    ZadarmaSimulator.setup(app, PREFIXES["zadarma"], seed=seed)
    app.router.add_get("/_control/requests", _get_requests)
    app.router.add_post("/_control/reset", _reset)
    app.router.add_get("/_control/faults", _get_faults)
    app.router.add_post("/_control/faults", _set_faults)
    app.on_shutdown.append(_release_held)
    return app


class SimulatorServer:
    """Run the simulator on loopback inside the current event loop.

    ``async with SimulatorServer() as server:`` listens on a free port of
    127.0.0.1 and stops everything on exit.
    """

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, latency_ms: int = 0, seed: bool = True
    ) -> None:
        """Prepare the application; nothing listens before ``start``."""
        self.host = host
        self.port = port
        self.app = create_app(latency_ms=latency_ms, seed=seed)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Return the root URL (Zadarma's base URL)."""
        return f"http://{self.host}:{self.port}"

    @property
    def odorik_url(self) -> str:
        """Return the Odorik base URL (the counterpart of https://www.odorik.cz/api/v1)."""
        return self.url + PREFIXES["odorik"]

    @property
    def zadarma_url(self) -> str:
        """Return the Zadarma base URL (the counterpart of https://api.zadarma.com)."""
        return self.url

    @property
    def control(self) -> SimulatorControl:
        """Return the counts and fault switches."""
        return self.app[CONTROL_KEY]

    def inject(
        self,
        operator: str,
        fault: str,
        *,
        endpoint: str | None = None,
        count: int | None = None,
        seconds: float | None = None,
        **options: Any,
    ) -> Injection:
        """Add an injection to the operator's list (see the module docstring); return it.

        ``options`` are the kind's (``ms``, ``retry_after``, ``number``, ``id``).
        """
        if operator not in OPERATORS:
            raise InjectionError(f"unknown operator {operator!r}")
        injections = self.control.injections
        body = {"fault": fault, "endpoint": endpoint, "count": count, "seconds": seconds}
        injection = Injection.from_json(operator, {**body, **options}, injections.clock())
        return injections.add(injection)

    def clear_faults(self, operator: str | None = None) -> None:
        """Clear the injections and switches of one operator, or of both."""
        defaults = OperatorFaults()
        for name in OPERATORS if operator is None else (operator,):
            switches = self.control.faults[name]
            for switch in fields(OperatorFaults):
                setattr(switches, switch.name, getattr(defaults, switch.name))
            self.control.injections.clear(name)

    def fired(self, fault: str | None = None, operator: str | None = None) -> int:
        """Return how many requests injections affected (of a kind, of an operator)."""
        return self.control.injections.count(fault, operator)

    async def start(self) -> None:
        """Listen on the configured (or a free) port."""
        # Cancelling a handler whose client went away ends requests held by faults.
        self._runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # Port 0 asks the kernel for a free port; read back which one it gave.
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening and release everything."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()
