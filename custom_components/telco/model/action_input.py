"""Checking what a user gives a service action, before anything reaches the operator.

The action schemas check each field's type with the validators here (whole and
finite numbers, choices, dates, text); what they refuse is translated like the
handlers' refusals (``refusal``). Moments get their offset (a moment without one
is taken in Home Assistant's time zone), and what the operator answers is made
JSON-friendly for the action's response. Every refusal is a translated
``ServiceValidationError`` that names the field. Each operator brings phone
numbers to its own format (``numbers.py`` in its package) with ``invalid``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
import math
import re
from typing import Any
import unicodedata

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..const import DOMAIN

# What people type around the digits of a phone number: spaces (also the no-break
# ones a number copied from a web page brings), dashes, dots, slashes, brackets.
# Never ``\s``: it takes control characters (\x1f) too.
DECORATION = re.compile(r"[ \u00a0\u2007\u202f\-./()]")
# Digits as the operators read them. Never ``\d``: it takes any script's digits.
DIGITS = re.compile(r"[0-9]+")
# Whole and decimal numbers as text, in ASCII (int() and float() take any script's
# digits, and float() takes "inf" and "nan").
_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,18}(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
# Around a number as text: spaces only (str.strip() would also drop \x1f and its kin).
_SPACES = " \t"
# The largest whole number a field takes: any id or count of the operators is below.
MAX_WHOLE = 10**18 - 1
# A value longer than this is cut short where an error message shows it.
_SHOWN = 100


def invalid(field: str, key: str = "invalid_value", **placeholders: str) -> ServiceValidationError:
    """Return the translated refusal of one field."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"field": field, **placeholders},
    )


def moment(value: datetime | date, field: str) -> datetime:
    """Return a moment with its offset; a naive one is in Home Assistant's time zone."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)  # noqa: DTZ001 (zone below)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def period(data: dict[str, Any]) -> tuple[datetime, datetime]:
    """Return the ``from``/``to`` period of an action, checked."""
    start, end = moment(data["from"], "from"), moment(data["to"], "to")
    if end <= start:
        raise invalid("to", "period_ends_before_it_starts")
    return start, end


def jsonable(value: Any) -> Any:
    """Return an operator's answer as JSON-friendly data (ISO dates, numbers as numbers)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            item.name.rstrip("_"): jsonable(getattr(value, item.name)) for item in fields(value)
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    return value


# --- The checks of the fields' types, in the action schemas -------------------------------


class FieldInvalid(vol.Invalid):
    """A field one of our checks refused: ``key`` names the translation of why."""

    def __init__(self, key: str, value: Any, **placeholders: str) -> None:
        """Keep the translation key and its placeholders, the value among them.

        Not ``placeholders``: from Home Assistant 2026.10 ``vol.Invalid`` is probatio's,
        where that name is a read-only property.
        """
        super().__init__(key)
        self.key = key
        self.field_placeholders = {"value": shown(value), **placeholders}


def shown(value: Any) -> str:
    """Return a value as an error message shows it: printable, and not too long."""
    text = "".join(char if char.isprintable() else "\ufffd" for char in str(value))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "\u2026"


def refusal(err: vol.Invalid) -> ServiceValidationError:
    """Return what an action schema refused as a translated refusal of its first field."""
    while isinstance(err, vol.MultipleInvalid) and err.errors:
        err = err.errors[0]
    field = str(err.path[0]) if err.path else "data"
    if isinstance(err, FieldInvalid):
        return invalid(field, err.key, **err.field_placeholders)
    return invalid(field, "invalid_field", error=shown(err.msg))


def whole(minimum: int = 0, maximum: int = MAX_WHOLE) -> Callable[[Any], int]:
    """Return a check of a whole number from ``minimum`` to ``maximum``.

    It takes an int, a float with nothing after the point (a template's 15.0) or
    ASCII digits; never infinity (``vol.Coerce(int)`` raises OverflowError on it),
    NaN, a bool, or 4.5 cut to 4.
    """

    def check(value: Any) -> int:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and _WHOLE.fullmatch(value.strip(_SPACES)):
            number = int(value.strip(_SPACES))
        if number is None:
            raise FieldInvalid("invalid_whole_number", value)
        return _within(number, value, minimum, maximum)

    return check


def finite(minimum: float = 0.0) -> Callable[[Any], float]:
    """Return a check of a finite number of at least ``minimum`` (never inf, 1e400, NaN)."""

    def check(value: Any) -> float:
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value) if abs(value) <= 1e300 else None
        elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip(_SPACES)):
            number = float(value.strip(_SPACES))
        if number is None or not math.isfinite(number):
            raise FieldInvalid("invalid_finite_number", value)
        return _within(number, value, minimum, math.inf)

    return check


def _within[NumberT: (int, float)](
    number: NumberT, value: Any, minimum: float, maximum: float
) -> NumberT:
    if number < minimum:
        raise FieldInvalid("number_too_small", value, min=_written(minimum))
    if number > maximum:
        raise FieldInvalid("number_too_large", value, max=_written(maximum))
    return number


def _written(bound: float) -> str:
    """Return a bound as a message shows it: 36, 999999999999999999, 0."""
    return str(bound) if isinstance(bound, int) else f"{bound:g}"


_TRUE = frozenset({"true", "on", "yes", "1", "enable"})
_FALSE = frozenset({"false", "off", "no", "0", "disable"})


def flag(value: Any) -> bool:
    """Check a yes or no: a bool, 0 or 1, or a word for it (``cv.boolean`` takes inf as yes).

    Text around the word may be spaces only: ``cv.boolean`` also drops control characters.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip(_SPACES).lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
    raise FieldInvalid("invalid_flag", value)


def one_of(options: Collection[str]) -> Callable[[Any], str]:
    """Return a check of a choice among ``options``."""

    def check(value: Any) -> str:
        if isinstance(value, str) and value in options:
            return value
        raise FieldInvalid("invalid_choice", value, options=", ".join(options))

    return check


def _encodable(value: Any) -> bool:
    """Tell text that can be written as UTF-8: a lone surrogate cannot."""
    try:
        str(value).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def a_date(value: Any) -> date:
    """Check a date (2026-11-15)."""
    if not _encodable(value):
        raise FieldInvalid("invalid_date", value)
    try:
        return cv.date(value)
    except (vol.Invalid, ValueError):
        raise FieldInvalid("invalid_date", value) from None


def a_moment(value: Any) -> datetime:
    """Check a moment, with or without its offset (2026-11-15 12:30).

    Text with a lone surrogate never reaches the parser: ciso8601 crashes the
    whole process on it.
    """
    if not _encodable(value):
        raise FieldInvalid("invalid_moment", value)
    try:
        return cv.datetime(value)
    except (vol.Invalid, ValueError):  # ValueError: a month 13 past its pattern check
        raise FieldInvalid("invalid_moment", value) from None


def text(*, single_line: bool = True, empty: bool = False) -> Callable[[Any], str]:
    """Return a check of text, not empty unless ``empty`` (where empty clears a setting).

    ``single_line`` text (a name, a code, a path) has no control character; other
    text may break lines and indent. No text has a lone surrogate: no request can
    carry one.
    """
    allowed = "" if single_line else "\n\r\t"

    def check(value: Any) -> str:
        written = cv.string(value)
        if not empty and not written.strip():
            raise FieldInvalid("text_empty", written)
        for char in written:
            category = unicodedata.category(char)
            if category == "Cs" or (category == "Cc" and char not in allowed):
                raise FieldInvalid("invalid_text", written)
        return written

    return check
