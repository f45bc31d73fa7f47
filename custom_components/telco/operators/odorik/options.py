"""Odorik's option values (roaming profiles, data packages) as translation keys.

Odorik writes them as it likes (``perKB_50MB``, ``1000MB``); Home Assistant's
translation keys are lower-case, so each value gets a key (``per_kb_50mb``) and the
select sends Odorik's own value back.
"""

from __future__ import annotations

from collections.abc import Iterable
import re

# Data packages Odorik documents, as translation keys; Odorik may offer others.
DATA_PACKAGES = [
    "none",
    "per_kb_50mb",
    "per_kb_100mb",
    "per_kb_200mb",
    "per_kb_400mb",
    "per_kb_500mb",
    "150mb",
    "300mb",
    "600mb",
    "1000mb",
    "1500mb",
    "2000mb",
    "3000mb",
    "10gb",
]

_WORD_START = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def option_key(value: str) -> str:
    """Return the translation key of an Odorik value: ``perKB_50MB`` is ``per_kb_50mb``.

    Translation keys are lower-case; a value Odorik never documented gets a key too,
    shown as it is, since it has no translation.
    """
    return _NOT_KEY.sub("_", _WORD_START.sub("_", value).lower()).strip("_") or "unknown"


def key_of(value: str | None) -> str | None:
    """Return the translation key of a value, or None for none."""
    return option_key(value) if value else None


def keys_of(values: Iterable[str | None]) -> dict[str, str]:
    """Map the translation key of each value to the value."""
    return {option_key(value): value for value in values if value}
