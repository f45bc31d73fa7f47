"""Phone numbers and SIP ids in Zadarma's format: digits only; external SIP URIs in ASCII."""

from __future__ import annotations

import re

from ...model.action_input import DECORATION, DIGITS, invalid

# A Zadarma SIP id (100001) or one of its PBX extensions (100001-100).
_SIP_ID = re.compile(r"[0-9]{1,15}(-[0-9]{1,10})?")
# An external SIP URI as Zadarma takes it, without ``sip:``: user@host[:port][;params],
# the user in the characters RFC 3261 allows there, the parameters printable ASCII.
_SIP_URI = re.compile(
    r"[A-Za-z0-9\-_.!~*'()%&=+$,?/]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?"
    r"(?::[0-9]{1,5})?"
    r"(?:;[!-~]*)?"
)
# A PBX scenario (0-1: a voice menu and its scenario), which a callback may ring first.
# The bounds are ours: the documents show only 0-1, and longer parts read as a number.
_SCENARIO = re.compile(r"[0-9]{1,3}-[0-9]{1,3}")
# The longest SIP URI taken: the routing sensor shows it, and a state has at most 255.
MAX_SIP_URI_LENGTH = 255


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
    compact = DECORATION.sub("", text)
    international = compact.startswith(("+", "00"))
    compact = compact.removeprefix("+") if compact.startswith("+") else compact.removeprefix("00")
    # After + or 00 comes a country code, never 0 (+00420 is no number).
    if (
        DIGITS.fullmatch(compact)
        and len(compact) <= 15
        and not (international and compact[0] == "0")
    ):
        return compact
    raise invalid(field, "invalid_zadarma_number", value=text)


def zadarma_caller(value: str, field: str = "caller") -> str:
    """Return whom a callback rings first: a PBX scenario as written (``0-1``), else a number."""
    text = str(value).strip()
    if _SCENARIO.fullmatch(text):
        return text
    return zadarma_number(text, field)


def zadarma_mask(value: str, field: str = "mask") -> str:
    """Return a mask of the numbers to list (the digits they contain): ``+48 22`` → ``4822``."""
    text = str(value).strip()
    compact = DECORATION.sub("", text).removeprefix("+")
    if DIGITS.fullmatch(compact) and len(compact) <= 15:
        return compact
    raise invalid(field, "invalid_mask", value=text)


def zadarma_sip_uri(value: str, field: str = "sip_id") -> str:
    """Return an external SIP URI as Zadarma takes it: ``sip:100@pbx.example.com`` → ``100@…``."""
    text = str(value).strip().removeprefix("sip:")
    if len(text) > MAX_SIP_URI_LENGTH:
        raise invalid(field, "sip_uri_too_long", limit=str(MAX_SIP_URI_LENGTH))
    if not _SIP_URI.fullmatch(text):
        raise invalid(field, "invalid_sip_uri", value=text)
    return text
