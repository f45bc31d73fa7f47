"""Helpers shared by the Zadarma client tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import Any

from aiohttp import web


class FakeClock:
    """A monotonic clock that only moves when told to (or when slept on)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay


class Script:
    """The next answer of a scripted server: the same to every request, unless ``routes``.

    ``routes`` maps an endpoint (``"statistics"``, as in ``/v1/statistics/``) to a
    handler of its own; ``requests`` counts the requests per path.
    """

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = b"{}"
        self.headers: dict[str, str] = {}
        self.routes: dict[str, Callable[[web.Request], Awaitable[web.Response]]] = {}
        self.requests: list[str] = []

    def json(self, status: int, body: Any, **headers: str) -> None:
        """Answer ``body`` as JSON with ``status`` and ``headers``."""
        self.status, self.body, self.headers = status, json.dumps(body).encode(), headers

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one request."""
        self.requests.append(request.path)
        endpoint = request.path.removeprefix("/v1/").rstrip("/")
        if (route := self.routes.get(endpoint)) is not None:
            return await route(request)
        return web.Response(status=self.status, body=self.body, headers=self.headers)
