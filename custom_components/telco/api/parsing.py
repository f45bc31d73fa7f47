"""What both clients check in an operator's answer before any of it is trusted.

An answer may be anything: JSON nested a hundred thousand deep, ``NaN`` or ``1e400``
where a price belongs, a date at the edge of the calendar, a list of nulls. The
clients decode with ``loads`` (which rejects non-finite numbers and reports deep
nesting as the ``ValueError`` it is), read numbers with ``finite``, and catch
``MALFORMED`` around every parser, so that only ``TelcoError`` subclasses leave a
client method and no model holds a number that is not one.
"""

from __future__ import annotations

import json
import math
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


def wait_seconds(value: float) -> float | None:
    """Return a rate-limit wait in seconds within ``MIN_WAIT``..``MAX_WAIT``; None if not finite."""
    if not math.isfinite(value):
        return None
    return min(max(value, MIN_WAIT), MAX_WAIT)
