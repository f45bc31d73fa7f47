"""Checking what a user gives a service action, before anything reaches the operator.

Moments get their offset (a moment without one is taken in Home Assistant's time
zone), and what the operator answers is made JSON-friendly for the action's
response. Every refusal is a translated ``ServiceValidationError`` that names the
field. Each operator brings phone numbers to its own format (``numbers.py`` in its
package) with ``invalid``.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
import re
from typing import Any

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN

# What people type around the digits of a phone number: spaces (also the no-break
# ones a number copied from a web page brings), dashes, dots, slashes, brackets.
# Never ``\s``: it takes control characters (\x1f) too.
DECORATION = re.compile(r"[ \u00a0\u2007\u202f\-./()]")
# Digits as the operators read them. Never ``\d``: it takes any script's digits.
DIGITS = re.compile(r"[0-9]+")


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
