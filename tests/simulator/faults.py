"""Fault injections: what the simulator breaks, where, and for how long.

An injection names a fault kind, the requests it matches (``"<METHOD> <path>"`` or
every request of the operator) and how long it lasts (the next ``count`` matching
requests, ``seconds`` of the simulator's clock, or until cleared). The kinds are
described in ``app.py``'s module docstring; the middleware there applies them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
import time
from typing import Any

# Kind -> its options with their defaults (``REQUIRED`` = must be given).
REQUIRED = object()
FAULT_KINDS: dict[str, dict[str, Any]] = {
    "latency": {"ms": REQUIRED},
    "timeout": {},
    "reset": {},
    "http_500": {},
    "http_502": {},
    "http_503": {},
    "html_200": {},
    "truncated_json": {},
    "wrong_shape": {},
    "text_error": {},
    "http_429": {"retry_after": None},
    "revoke": {},
    "stuck_sim": {"number": REQUIRED},
    "drop_item": {"id": REQUIRED},
    "lost_answer": {},
}
# Kinds the operator's own code applies (it knows how its auth and SIM cards look).
OPERATOR_KINDS = frozenset({"revoke", "stuck_sim"})
# Kinds that apply only to writes: an endpoint of None means every write, not every read.
WRITE_KINDS = frozenset({"lost_answer"})
RESERVED = ("fault", "endpoint", "count", "seconds")


class InjectionError(ValueError):
    """An injection the simulator does not understand."""


def _clock() -> float:
    """Return the simulator's clock: wall seconds, looked up late so freezegun moves it."""
    return time.time()


@dataclass
class Injection:
    """One fault applied to the matching requests of one operator."""

    operator: str
    fault: str
    endpoint: str | None = None
    count: int | None = None
    seconds: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    started: float = 0.0
    fired: int = 0

    @classmethod
    def from_json(cls, operator: str, body: dict[str, Any], now: float) -> Injection:
        """Build an injection from its control-endpoint form, or raise ``InjectionError``."""
        kind = body.get("fault")
        if kind not in FAULT_KINDS:
            raise InjectionError(f"unknown fault kind {kind!r}")
        allowed = FAULT_KINDS[kind]
        unknown = set(body) - set(RESERVED) - set(allowed)
        if unknown:
            raise InjectionError(f"{kind} takes no option {sorted(unknown)}")
        options = {name: body.get(name, default) for name, default in allowed.items()}
        missing = [name for name, value in options.items() if value is REQUIRED]
        if missing:
            raise InjectionError(f"{kind} needs {missing}")
        endpoint = body.get("endpoint")
        if endpoint is not None and (not isinstance(endpoint, str) or " " not in endpoint):
            raise InjectionError(f"endpoint must be '<METHOD> <path>', not {endpoint!r}")
        count, seconds = body.get("count"), body.get("seconds")
        if count is not None and (not isinstance(count, int) or count < 0):
            raise InjectionError(f"count must be a whole number, not {count!r}")
        if seconds is not None and (not isinstance(seconds, int | float) or seconds < 0):
            raise InjectionError(f"seconds must be a number, not {seconds!r}")
        return cls(operator, kind, endpoint, count, seconds, options, started=now)

    def to_json(self, now: float) -> dict[str, Any]:
        """Return the control-endpoint form, with how often it fired and whether it is on."""
        return {
            "fault": self.fault,
            "endpoint": self.endpoint,
            "count": self.count,
            "seconds": self.seconds,
            **self.options,
            "fired": self.fired,
            "active": self.active(now),
        }

    def active(self, now: float) -> bool:
        """Return whether the injection still applies (count left, time not up)."""
        if self.count is not None and self.fired >= self.count:
            return False
        return self.seconds is None or now < self.started + self.seconds

    def matches(self, method: str, paths: set[str]) -> bool:
        """Return whether a request (its method and path spellings) is one this breaks."""
        if self.fault in WRITE_KINDS and method in {"GET", "HEAD"}:
            return False
        if self.endpoint is None:
            return True
        want_method, _, want_path = self.endpoint.partition(" ")
        want_path = want_path.rstrip("/")
        return fnmatchcase(method, want_method.upper()) and any(
            fnmatchcase(path.rstrip("/"), want_path) for path in paths
        )


@dataclass
class Injections:
    """Every operator's injections, the clock they run on and what fired."""

    clock: Callable[[], float] = _clock
    lists: dict[str, list[Injection]] = field(default_factory=dict)
    fired: Counter[str] = field(default_factory=Counter)

    def replace(self, operator: str, bodies: list[dict[str, Any]]) -> None:
        """Replace an operator's list (``[]`` clears it); all or nothing."""
        if not isinstance(bodies, list):
            raise InjectionError("inject takes a list of injections")
        now = self.clock()
        self.lists[operator] = [Injection.from_json(operator, body, now) for body in bodies]

    def add(self, injection: Injection) -> Injection:
        """Append one injection to its operator's list."""
        self.lists.setdefault(injection.operator, []).append(injection)
        return injection

    def clear(self, operator: str | None = None) -> None:
        """Drop the injections of one operator, or of all."""
        if operator is None:
            self.lists.clear()
        else:
            self.lists.pop(operator, None)

    def listed(self, operator: str) -> list[dict[str, Any]]:
        """Return an operator's injections in their control-endpoint form."""
        now = self.clock()
        return [item.to_json(now) for item in self.lists.get(operator, [])]

    def fire(
        self,
        operator: str,
        method: str,
        paths: set[str],
        kinds: Iterable[str],
        *,
        limit: int | None = None,
    ) -> list[Injection]:
        """Return the active injections of ``kinds`` matching a request, counting each as fired.

        With ``limit``, only the first ``limit`` of them (in list order) fire.
        """
        now = self.clock()
        wanted = set(kinds)
        hits = [
            item
            for item in self.lists.get(operator, [])
            if item.fault in wanted and item.active(now) and item.matches(method, paths)
        ][:limit]
        for item in hits:
            item.fired += 1
            self.fired[f"{operator} {item.fault}"] += 1
        return hits

    def count(self, fault: str | None = None, operator: str | None = None) -> int:
        """Return how often injections fired, optionally of one kind and/or operator."""
        return sum(
            number
            for key, number in self.fired.items()
            if (operator is None or key.split(" ")[0] == operator)
            and (fault is None or key.split(" ")[1] == fault)
        )
