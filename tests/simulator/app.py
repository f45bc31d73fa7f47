"""The simulator's aiohttp application: operators, request counting, faults.

Odorik lives under ``/api/v1`` (as on www.odorik.cz), Zadarma under ``/v1``
(as on api.zadarma.com, whose signature covers the path from ``/v1``), and the
control endpoint under ``/_control``:

- ``GET /_control/requests``: request counts per ``"<operator> <METHOD> <route>"``
- ``POST /_control/reset``: zero the counts
- ``GET /_control/faults`` / ``POST /_control/faults``: read / merge fault switches,
  e.g. ``{"odorik": {"outage": true}}`` or
  ``{"odorik": {"html_pages": ["DELETE /public_numbers/{number}/routes/{id}.json"]}}``
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, fields
from types import TracebackType
from typing import Any, Self

from aiohttp import web

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


@dataclass
class SimulatorControl:
    """What the control endpoint reads and changes."""

    latency_ms: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    faults: dict[str, OperatorFaults] = field(
        default_factory=lambda: {name: OperatorFaults() for name in OPERATORS}
    )


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
    return await handler(request)


def _matches(request: web.Request, operator: str, methods: list[str]) -> bool:
    """Return whether ``"<METHOD> <path>"`` names this request by its path or its route."""
    if not methods:
        return False
    prefix = PREFIXES[operator]
    resource = request.match_info.route.resource
    paths = {request.path.removeprefix(prefix)}
    if resource is not None:
        paths.add(resource.canonical.removeprefix(prefix))
    return any(f"{request.method} {path}" in methods for path in paths)


async def _get_requests(request: web.Request) -> web.Response:
    counts = request.app[CONTROL_KEY].counts
    return web.json_response({"total": sum(counts.values()), "counts": dict(counts)})


async def _reset(request: web.Request) -> web.Response:
    request.app[CONTROL_KEY].counts.clear()
    return web.json_response({})


async def _get_faults(request: web.Request) -> web.Response:
    faults = request.app[CONTROL_KEY].faults
    return web.json_response({name: asdict(value) for name, value in faults.items()})


async def _set_faults(request: web.Request) -> web.Response:
    body: dict[str, dict[str, Any]] = await request.json()
    faults = request.app[CONTROL_KEY].faults
    known = {item.name for item in fields(OperatorFaults)}
    for operator, switches in body.items():
        if operator not in faults or not set(switches) <= known:
            return web.json_response({"error": f"unknown fault {operator}: {switches}"}, status=400)
        for name, value in switches.items():
            setattr(faults[operator], name, value)
    return await _get_faults(request)


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

    async def start(self) -> None:
        """Listen on the configured (or a free) port."""
        self._runner = web.AppRunner(self.app, access_log=None)
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
