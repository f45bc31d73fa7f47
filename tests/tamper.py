"""A loopback reverse proxy in front of the simulator that spoils the answers it is told to.

For answers the simulator never gives (a ``NaN`` balance, a call record without a
date, a 429 from Odorik): the integration talks to the proxy, the proxy forwards each
request unchanged (Zadarma's signature included) and hands the answer to the rewrite
registered for ``"<METHOD> <path>"``, if any, before passing it on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
import json
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

# Headers of the operator's answer the clients read.
_KEPT_HEADERS = ("Content-Type", "Odorik-Pages", "Retry-After", "X-RateLimit-Reset")


@dataclass(frozen=True)
class Answer:
    """An answer on its way back: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """Return the body decoded."""
        return json.loads(self.body)

    def with_json(self, payload: Any) -> Answer:
        """Return the answer with ``payload`` as its body (JSON, ``NaN`` allowed)."""
        return replace(self, body=json.dumps(payload).encode())

    def with_text(self, text: str, status: int | None = None, **headers: str) -> Answer:
        """Return the answer with a body of text (and another status and headers)."""
        return Answer(
            status=self.status if status is None else status,
            headers={**self.headers, **headers},
            body=text.encode(),
        )


type Rewrite = Callable[[Answer], Answer]


@dataclass
class TamperingProxy:
    """Forward to ``upstream``; rewrite the answers of the requests in ``rewrites``."""

    upstream: str
    rewrites: dict[str, Rewrite] = field(default_factory=dict)
    port: int = 0

    @property
    def url(self) -> str:
        """Return the proxy's base URL (append the operator's prefix, as to the simulator)."""
        return f"http://127.0.0.1:{self.port}"

    async def _forward(self, request: web.Request) -> web.Response:
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in {"authorization", "content-type"}
        }
        async with self._session.request(
            request.method,
            self.upstream + request.raw_path,
            headers=headers,
            data=await request.read(),
            allow_redirects=False,
        ) as response:
            answer = Answer(
                status=response.status,
                headers={
                    name: response.headers[name]
                    for name in _KEPT_HEADERS
                    if name in response.headers
                },
                body=await response.read(),
            )
        if (rewrite := self.rewrites.get(f"{request.method} {request.path}")) is not None:
            answer = rewrite(answer)
        return web.Response(status=answer.status, headers=answer.headers, body=answer.body)

    async def __aenter__(self) -> Self:
        """Start listening on a free port."""
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server and the forwarding session."""
        await self._runner.cleanup()
        await self._session.close()
