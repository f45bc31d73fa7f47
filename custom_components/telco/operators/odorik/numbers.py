"""Phone numbers in Odorik's format: ``00`` and the international number."""

from __future__ import annotations

import re

from ...model.action_input import DECORATION, DIGITS, invalid

# 00, a country code (never 0), and the number: 9 to 17 digits in all.
_INTERNATIONAL = re.compile(r"00[1-9][0-9]{6,14}")
# Odorik's own codes (*100, a line in its network) and SIP names (demo_sip). The
# documents give no length; the bounds are ours, far above any real code or name.
_ODORIK_CODE = re.compile(r"\*[0-9]{1,12}")
_SIP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,63}")


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
    compact = DECORATION.sub("", text)
    if compact.startswith("+"):
        compact = "00" + compact[1:]
    if _INTERNATIONAL.fullmatch(compact):
        return compact
    raise invalid(field, "invalid_odorik_number", value=text)


def odorik_prefix(value: str, field: str) -> str:
    """Return a prefix or a whole number in Odorik's format: ``+420 533`` → ``00420533``."""
    text = str(value).strip()
    compact = DECORATION.sub("", text)
    if compact.startswith("+"):
        compact = "00" + compact[1:]
    if DIGITS.fullmatch(compact) and len(compact) <= 17:
        return compact
    raise invalid(field, "invalid_odorik_number", value=text)
