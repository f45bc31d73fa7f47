"""Helpers shared by the Odorik client tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from custom_components.telco.api.odorik import OdorikClient
from tests.simulator import SimulatorServer
from tests.simulator.odorik import (
    ACCOUNT_PASSWORD,
    ACCOUNT_USER,
    LINE_PASSWORDS,
    OdorikSimulator,
    odorik_simulator,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_client(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    *,
    user: str = ACCOUNT_USER,
    password: str = ACCOUNT_PASSWORD,
    **kwargs: Any,
) -> OdorikClient:
    """Return a client of the simulator logged in as the demo account (or as asked)."""
    return OdorikClient(session, user, password, base_url=simulator.odorik_url, **kwargs)


def line_client(
    simulator: SimulatorServer, session: aiohttp.ClientSession, line: int
) -> OdorikClient:
    """Return a client logged in as one demo line."""
    return make_client(simulator, session, user=str(line), password=LINE_PASSWORDS[line])


def state(simulator: SimulatorServer) -> OdorikSimulator:
    """Return the Odorik part of the simulator."""
    return odorik_simulator(simulator)


def requests_to(simulator: SimulatorServer, route: str) -> int:
    """Return how many Odorik requests hit ``"<METHOD> <route>"`` (route below /api/v1)."""
    method, path = route.split(" ", 1)
    return simulator.control.counts[f"odorik {method} /api/v1{path}"]


def days_ago(days: float) -> datetime:
    """Return a moment ``days`` before now (negative: in the future)."""
    return datetime.now(UTC) - timedelta(days=days)


async def control(
    simulator: SimulatorServer, session: aiohttp.ClientSession, path: str, body: object
) -> Any:
    """POST to the simulator's Odorik control endpoint and return the JSON answer."""
    async with session.post(f"{simulator.url}/_control/odorik/{path}", json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


class RawServer:
    """A loopback server answering canned responses, for what the simulator never does."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        """Map paths (below /api/v1) to handlers; any method matches."""
        self.app = web.Application()
        for path, handler in routes.items():
            self.app.router.add_route("*", "/api/v1" + path, handler)
        self._runner = web.AppRunner(self.app, access_log=None)
        self.port = 0

    @property
    def url(self) -> str:
        """Return the Odorik base URL of this server."""
        return f"http://127.0.0.1:{self.port}/api/v1"

    def client(self, session: aiohttp.ClientSession, **kwargs: Any) -> OdorikClient:
        """Return a client of this server with the demo credentials."""
        return OdorikClient(session, ACCOUNT_USER, ACCOUNT_PASSWORD, base_url=self.url, **kwargs)

    async def __aenter__(self) -> Self:
        """Start listening on a free port."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self._runner.cleanup()


def canned(
    body: str | bytes,
    *,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Handler:
    """Return a handler that always answers the same."""

    async def handler(request: web.Request) -> web.Response:
        raw = body.encode() if isinstance(body, str) else body
        return web.Response(body=raw, status=status, content_type=content_type, headers=headers)

    return handler
