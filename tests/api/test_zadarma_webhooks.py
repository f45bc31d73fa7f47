"""Zadarma's pushed events: signatures (the notes' test vector) and their fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.telco.api.zadarma_webhooks import (
    CallNotification,
    PushSettings,
    SmsNotification,
    is_signed,
    notification_signature,
)

SECRET = "d78f2a12cc1fc5effe71"
START = {
    "event": "NOTIFY_START",
    "caller_id": "442037691880",
    "called_did": "442037691881",
    "call_start": "2026-03-02 20:36:11",
    "pbx_call_id": "in_0123456789abcdef",
}
# The notes' test vector (§6): hex→base64, and the raw-digest variant some clients send.
HEX_SIGNATURE = "MDAzYjU5ODBmY2M5ZDEzMWM4OTAxYjRiYmU2YzRiN2JiYWViMjQ4Ng=="
RAW_SIGNATURE = "ADtZgPzJ0THIkBtLvmxLe7rrJIY="


def test_the_notes_test_vector() -> None:
    assert notification_signature(START, SECRET) == HEX_SIGNATURE
    assert is_signed(START, HEX_SIGNATURE, SECRET)
    assert is_signed(START, RAW_SIGNATURE, SECRET)


@pytest.mark.parametrize(
    ("fields", "signature"),
    [
        (START, None),
        (START, ""),
        (START, "bm90IGEgc2lnbmF0dXJl"),
        ({**START, "caller_id": "442037691889"}, HEX_SIGNATURE),
        ({**START, "event": "NOTIFY_UNKNOWN"}, HEX_SIGNATURE),
        (START, HEX_SIGNATURE.lower()),
    ],
)
def test_unsigned_or_wrongly_signed_events_are_not_taken(
    fields: dict[str, str], signature: str | None
) -> None:
    assert not is_signed(fields, signature, SECRET)
    assert not is_signed(START, HEX_SIGNATURE, "another-secret")


@pytest.mark.parametrize(
    ("event", "names"),
    [
        ("NOTIFY_ANSWER", ("caller_id", "destination", "call_start")),
        ("NOTIFY_OUT_END", ("internal", "destination", "call_start")),
        ("NOTIFY_END", ("caller_id", "called_did", "call_start")),
    ],
)
def test_each_event_signs_its_own_fields(event: str, names: tuple[str, ...]) -> None:
    fields = {
        "event": event,
        "caller_id": "420777123456",
        "called_did": "48221234567",
        "destination": "420601234567",
        "internal": "100",
        "call_start": "2026-11-15 10:00:00",
    }
    signature = notification_signature(fields, SECRET)
    assert is_signed(fields, signature, SECRET)
    changed = {**fields, names[0]: "1"}
    assert not is_signed(changed, signature, SECRET)


def test_a_call_end_is_read_in_the_account_zone() -> None:
    zone = timezone(timedelta(hours=1))
    end = CallNotification.from_fields(
        {
            **START,
            "event": "NOTIFY_END",
            "duration": "42",
            "disposition": "ANSWERED",
            "internal": "100",
        },
        zone,
    )
    assert end.call_start == datetime(2026, 3, 2, 19, 36, 11, tzinfo=UTC)
    assert (end.duration, end.disposition, end.internal) == (42, "answered", "100")
    broken = CallNotification.from_fields({**START, "call_start": "yesterday"}, zone)
    assert broken.call_start is None


def test_sms_and_settings() -> None:
    sms = SmsNotification.from_fields(
        {"event": "SMS", "caller_id": "420777123456", "caller_did": "48221234567", "text": "Hi"}
    )
    assert (sms.caller_id, sms.caller_did, sms.text) == ("420777123456", "48221234567", "Hi")
    settings = PushSettings.from_dict(
        {"url": "", "notifications": {"notify_start": "true", "notify_end": "false"}},
        "notifications",
    )
    assert settings.url == ""
    assert settings.enabled == {"notify_start": True, "notify_end": False}


def test_an_event_zadarma_does_not_sign_is_never_taken() -> None:
    """An unknown event has no signed fields: no signature makes it taken."""
    unknown = {**START, "event": "NOTIFY_TRANSFER"}
    assert notification_signature(unknown, SECRET) is None
    assert not is_signed(unknown, HEX_SIGNATURE, SECRET)
    assert not is_signed(unknown, "", SECRET)


@pytest.mark.parametrize("flags", [["notify_start"], "notify_start", 1])
def test_settings_whose_flags_are_no_object_are_refused(flags: object) -> None:
    with pytest.raises(TypeError, match="notifications is not an object"):
        PushSettings.from_dict({"url": "", "notifications": flags}, "notifications")
