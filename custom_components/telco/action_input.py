"""Checking what a user gives a service action, before anything reaches the operator.

Phone numbers are brought to the operator's own format, moments get their offset (a
moment without one is taken in Home Assistant's time zone), and what the operator
answers is made JSON-friendly for the action's response. Every refusal is a
translated ``ServiceValidationError`` that names the field.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
import re
from typing import Any

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .const import DOMAIN

# What people type around the digits of a phone number.
_DECORATION = re.compile(r"[\s\-./()]")
_DIGITS = re.compile(r"\d+")
# Odorik's own codes (*100, a line in its network) and SIP names (demo_sip).
_ODORIK_CODE = re.compile(r"\*\d+")
_SIP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
# A Zadarma SIP id (100001) or one of its PBX extensions (100001-100).
_SIP_ID = re.compile(r"\d+(-\d+)?")


def invalid(field: str, key: str = "invalid_value", **placeholders: str) -> ServiceValidationError:
    """Return the translated refusal of one field."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"field": field, **placeholders},
    )


def odorik_number(value: str, field: str, *, codes: bool = False, sip_names: bool = False) -> str:
    """Return a number in Odorik's international format: ``+420 777 123 456`` → ``00420777123456``.

    ``codes`` also lets Odorik's ``*`` codes through (``*100``), ``sip_names`` SIP names,
    where the document allows them.
    """
    text = str(value).strip()
    if codes and _ODORIK_CODE.fullmatch(text):
        return text
    if sip_names and _SIP_NAME.fullmatch(text):
        return text
    compact = _DECORATION.sub("", text)
    if compact.startswith("+"):
        compact = "00" + compact[1:]
    if compact.startswith("00") and _DIGITS.fullmatch(compact) and 9 <= len(compact) <= 17:
        return compact
    raise invalid(field, "invalid_odorik_number", value=text)


def odorik_prefix(value: str, field: str) -> str:
    """Return a prefix or a whole number in Odorik's format: ``+420 533`` → ``00420533``."""
    text = str(value).strip()
    compact = _DECORATION.sub("", text)
    if compact.startswith("+"):
        compact = "00" + compact[1:]
    if _DIGITS.fullmatch(compact) and len(compact) <= 17:
        return compact
    raise invalid(field, "invalid_odorik_number", value=text)


def zadarma_sip(value: str, field: str) -> str:
    """Return a Zadarma SIP id as it is (digits, an extension after a dash)."""
    text = str(value).strip()
    if _SIP_ID.fullmatch(text):
        return text
    raise invalid(field, "invalid_sip", value=text)


def zadarma_number(value: str, field: str) -> str:
    """Return a number as Zadarma wants it, digits only: ``+420 777 123 456`` → ``420777123456``.

    Short numbers (SIP ids, PBX extensions) pass as they are.
    """
    text = str(value).strip()
    compact = _DECORATION.sub("", text).removeprefix("+")
    if compact.startswith("00"):
        compact = compact[2:]
    if _DIGITS.fullmatch(compact) and len(compact) <= 15:
        return compact
    raise invalid(field, "invalid_zadarma_number", value=text)


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
