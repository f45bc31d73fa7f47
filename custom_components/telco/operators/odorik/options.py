"""Odorik's option values (roaming profiles, data packages) as translation keys.

Odorik writes them as it likes (``perKB_50MB``, ``1000MB``); Home Assistant's
translation keys are lower-case, so each value gets a key (``per_kb_50mb``) and the
select sends Odorik's own value back.
"""

from __future__ import annotations

from collections.abc import Iterable
import re
from typing import Final

from ...api.odorik_models import SimOption

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


# Odorik documents no roaming profile names but its example ``eu_data_outgoing``: the
# profile that turns roaming off is found among those a SIM card offers.
ROAMING_OFF: Final = "off"
_OFF_WORDS: Final = ("off", "none", "disabled")


def roaming_off(offered: Iterable[SimOption] | None) -> str | None:
    """Return the offered roaming profile that turns roaming off, None if none is offered.

    The one named ``off``, else the first whose name says off, none or disabled.
    """
    names = [option.name for option in offered or ()]
    if ROAMING_OFF in names:
        return ROAMING_OFF
    return next((name for name in names if any(w in name.lower() for w in _OFF_WORDS)), None)
