"""What Zadarma pushes to a URL: call notifications (``NOTIFY_*``) and SMS, and their signatures.

Zadarma first checks the URL with a GET carrying ``zd_echo``, which must be answered
with its value; then each event is a POST of form fields, ``event`` naming its kind,
signed in the ``Signature`` header: base64 of the hex HMAC-SHA1 (the API secret as
key) of some of its fields joined without a separator (notes §6, from Zadarma's PHP
client). A few clients encode the raw digest instead; both are accepted.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
import hashlib
import hmac

from .zadarma_models import parse_datetime

# The fields each event's signature covers, in order (notes §6).
_SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_IVR": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}
# The SMS hook's signature is undocumented (notes §6: "signature rules unknown"). It is
# read as the call events' pattern, sender + receiving number (+ text): an SMS signed
# otherwise is dropped like any unsigned post, and polling cannot see SMS at all.
_SMS_SIGNED_FIELDS: tuple[tuple[str, ...], ...] = (
    ("caller_id", "caller_did", "text"),
    ("caller_id", "caller_did"),
)
SMS_EVENT = "SMS"

# The notifications Zadarma offers for call info (POST /v1/pbx/callinfo/notifications/).
CALL_NOTIFICATIONS = (
    "notify_start",
    "notify_internal",
    "notify_answer",
    "notify_end",
    "notify_out_start",
    "notify_out_end",
)


def _digest_encodings(secret: str, text: str) -> tuple[str, str]:
    """Return the hex→base64 and the raw→base64 encodings of the text's HMAC-SHA1."""
    mac = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1)
    return (
        base64.b64encode(mac.hexdigest().encode("ascii")).decode("ascii"),
        base64.b64encode(mac.digest()).decode("ascii"),
    )


def notification_signature(fields: Mapping[str, str], secret: str) -> str | None:
    """Return the signature Zadarma sends with these fields, or None for an unknown event."""
    event = fields.get("event", "")
    names = _SMS_SIGNED_FIELDS[0] if event == SMS_EVENT else _SIGNED_FIELDS.get(event)
    if names is None:
        return None
    return _digest_encodings(secret, "".join(fields.get(name, "") for name in names))[0]


def is_signed(fields: Mapping[str, str], signature: str | None, secret: str) -> bool:
    """Tell whether a pushed event carries a valid signature of the account's secret."""
    if not signature:
        return False
    event = fields.get("event", "")
    if event == SMS_EVENT:
        candidates = _SMS_SIGNED_FIELDS
    elif event in _SIGNED_FIELDS:
        candidates = (_SIGNED_FIELDS[event],)
    else:
        return False
    given = signature.strip().encode("ascii", "replace")
    for names in candidates:
        text = "".join(fields.get(name, "") for name in names)
        for expected in _digest_encodings(secret, text):
            if hmac.compare_digest(given, expected.encode("ascii")):
                return True
    return False


@dataclass(frozen=True, slots=True)
class CallNotification:
    """One pushed call event (``NOTIFY_START``, ``NOTIFY_ANSWER``, ``NOTIFY_END`` …).

    ``call_start`` is read in the account's zone, as Zadarma writes it; numbers are
    as Zadarma sent them (sometimes without ``+``; ``0`` for a hidden caller).
    """

    event: str
    pbx_call_id: str
    call_start: datetime | None
    caller_id: str
    called_did: str
    internal: str
    destination: str
    duration: int | None
    disposition: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, str], zone: tzinfo) -> CallNotification:
        """Parse the posted form fields."""
        duration = fields.get("duration", "").strip()
        try:
            call_start = parse_datetime(fields.get("call_start"), zone)
        except ValueError:
            call_start = None
        return cls(
            event=fields.get("event", ""),
            pbx_call_id=fields.get("pbx_call_id", ""),
            call_start=call_start,
            caller_id=fields.get("caller_id", ""),
            called_did=fields.get("called_did", ""),
            internal=fields.get("internal", ""),
            destination=fields.get("destination", ""),
            duration=int(duration) if duration.isdigit() else None,
            disposition=fields.get("disposition", "").strip().lower(),
        )


@dataclass(frozen=True, slots=True)
class SmsNotification:
    """One pushed SMS: who sent it, to which of the account's numbers, and its text."""

    caller_id: str
    caller_did: str
    text: str

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> SmsNotification:
        """Parse the posted form fields."""
        return cls(
            caller_id=fields.get("caller_id", ""),
            caller_did=fields.get("caller_did", ""),
            text=fields.get("text", ""),
        )


@dataclass(frozen=True, slots=True)
class PushSettings:
    """Where Zadarma pushes one kind of event (empty: nowhere), and which are on."""

    url: str
    enabled: Mapping[str, bool]

    @classmethod
    def from_dict(cls, data: Mapping[str, object], key: str) -> PushSettings:
        """Parse ``GET /v1/pbx/callinfo/`` (``notifications``) or ``webhooks/`` (``hooks``)."""
        flags = data.get(key) or {}
        if not isinstance(flags, Mapping):
            raise TypeError(f"{key} is not an object")
        return cls(
            url=str(data.get("url") or ""),
            enabled={str(name): str(value).lower() == "true" for name, value in flags.items()},
        )
