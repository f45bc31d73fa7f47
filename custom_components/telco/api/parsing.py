"""What both clients check in an operator's answer before any of it is trusted.

An answer may be anything: JSON nested a hundred thousand deep, ``NaN`` or ``1e400``
where a price belongs, a date at the edge of the calendar, a list of nulls. The
clients decode with ``loads`` (which rejects non-finite numbers and reports deep
nesting as the ``ValueError`` it is), read numbers with ``finite``, and catch
``MALFORMED`` around every parser, so that only ``TelcoError`` subclasses leave a
client method and no model holds a number that is not one.

A large answer (hundreds of SIM cards with their offers, thousands of calls) is
decoded and parsed a part at a time, letting the event loop turn in between
(``loads_in_steps``, ``build_in_steps``): decoding it at once would hold the loop
for tens of milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import json
import math
import re
from typing import Any, Final, NoReturn

# Everything a parser of a hostile answer may raise: a missing key, a wrong type, an
# unparsable value, an object where a list was, nesting too deep for the interpreter,
# ``int(inf)``, ``float(10**400)``, ``fromtimestamp(9e18)``, a date past year 9999.
MALFORMED: Final = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    RecursionError,
    ArithmeticError,
)

# Bounds of a wait an operator asks for after a rate-limit refusal: at least a second
# (a wait of zero or less is no wait), at most an hour (a wait of days, or a unix time
# read as seconds, would stop the integration for good).
MIN_WAIT: Final = 1.0
MAX_WAIT: Final = 3600.0

# How much of an answer is decoded, and how many records parsed, before the loop turns
# (about a millisecond each).
STEP_CHARS: Final = 64 * 1024
STEP_RECORDS: Final = 50
_SPACE: Final = re.compile(r"[ \t\n\r]*")


def finite(value: float) -> float:
    """Return ``value``, or raise ``ValueError`` for NaN and the infinities."""
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"JSON constant {name} is not a number")


def _finite_float(text: str) -> float:
    # A JSON number too large for a float (1e400) reads as infinity.
    return finite(float(text))


def loads(body: str | bytes) -> Any:
    """Decode JSON whose numbers are all finite; any other answer raises ``ValueError``.

    ``NaN``, ``Infinity`` and ``-Infinity`` (which Python's decoder accepts) and
    numbers beyond a float's range are refused, as is nesting deeper than the
    interpreter's recursion limit.
    """
    try:
        return json.loads(body, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


_DECODER: Final = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)


async def loads_in_steps(text: str) -> Any:
    """Decode JSON as ``loads`` does; a long array an element at a time, the loop turning.

    Every ``STEP_CHARS`` characters of a top-level array the event loop turns once;
    anything else is decoded at once. The same answers are refused, with ``ValueError``.
    """
    at = _after_space(text, 0)
    if len(text) - at <= STEP_CHARS or not text.startswith("[", at):
        return loads(text)
    items: list[Any] = []
    at = _after_space(text, at + 1)
    mark = at
    closed = text.startswith("]", at)
    while not closed:
        try:
            item, at = _DECODER.raw_decode(text, at)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        items.append(item)
        at = _after_space(text, at)
        closed = text.startswith("]", at)
        if not closed:
            if not text.startswith(",", at):
                raise ValueError(f"JSON array without a comma at {at}")
            at = _after_space(text, at + 1)
        if at - mark >= STEP_CHARS:
            mark = at
            await asyncio.sleep(0)
    if _after_space(text, at + 1) != len(text):
        raise ValueError(f"JSON with extra data at {at + 1}")
    return items


def _after_space(text: str, at: int) -> int:
    """Return where the JSON whitespace from ``at`` on ends."""
    match = _SPACE.match(text, at)
    return at if match is None else match.end()


async def build_in_steps[T](parse: Callable[[Any], T], records: Sequence[Any]) -> list[T]:
    """Parse records into models, ``STEP_RECORDS`` at a time, the event loop turning between."""
    built: list[T] = []
    for start in range(0, len(records), STEP_RECORDS):
        if start:
            await asyncio.sleep(0)
        built.extend(parse(record) for record in records[start : start + STEP_RECORDS])
    return built


def wait_seconds(value: float) -> float | None:
    """Return a rate-limit wait in seconds within ``MIN_WAIT``..``MAX_WAIT``; None if not finite."""
    if not math.isfinite(value):
        return None
    return min(max(value, MIN_WAIT), MAX_WAIT)
