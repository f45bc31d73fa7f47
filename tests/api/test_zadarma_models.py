"""Lenient parsing of Zadarma's inconsistent types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.telco.api.zadarma_models import (
    CallbackResult,
    Direction,
    DirectNumber,
    DocumentGroup,
    ProlongResult,
    Sip,
    parse_bool,
    parse_datetime,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("False", False),
        ("on", True),
        ("off", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        ("", False),
    ],
)
def test_parse_bool(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", None, [1]])
def test_parse_bool_refuses_garbage(value: object) -> None:
    with pytest.raises(ValueError, match="not a flag"):
        parse_bool(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("0000-00-00 00:00:00", None),
        ("2026-03-02 20:36:11", datetime(2026, 3, 2, 20, 36, 11, tzinfo=UTC)),
        ("2026-03-02", datetime(2026, 3, 2, tzinfo=UTC)),
        ("2026-03-02T21:36:11+01:00", datetime(2026, 3, 2, 20, 36, 11, tzinfo=UTC)),
        (1772483771, datetime(2026, 3, 2, 20, 36, 11, tzinfo=UTC)),
        ("1772483771", datetime(2026, 3, 2, 20, 36, 11, tzinfo=UTC)),
    ],
)
def test_parse_datetime(value: object, expected: datetime | None) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


def test_parse_datetime_keeps_zones() -> None:
    parsed = parse_datetime("2026-03-02 22:36:11+02:00")
    assert parsed == datetime(2026, 3, 2, 22, 36, 11, tzinfo=timezone(timedelta(hours=2)))


def test_direct_number_spec_shape() -> None:
    """SPEC typing: channels as a string, receive_sms null, no type, revenue minutes."""
    number = DirectNumber.from_dict(
        {
            "number": "+442037691880",
            "status": "on",
            "country": "Bulgaria",
            "description": "Sofia",
            "number_name": "",
            "sip": "",
            "sip_name": None,
            "start_date": "2021-01-01 00:00:00",
            "stop_date": "2021-02-01 00:00:00",
            "monthly_fee": "2",
            "currency": "USD",
            "channels": " 2 ",
            "autorenew": "true",
            "receive_sms": None,
            "is_on_test": "false",
            "minutes": "100",
        }
    )
    assert number.number == "442037691880"
    assert number.type == "common"
    assert (number.caller_name, number.sip, number.sip_name) == (None, None, None)
    assert (number.channels, number.monthly_fee, number.minutes) == (2, 2.0, 100)
    assert (number.autorenew, number.is_on_test, number.receive_sms) == (True, False, None)
    assert number.direction_id is None
    assert number.stop_date == datetime(2021, 2, 1, tzinfo=UTC)


def test_direct_number_minimal() -> None:
    number = DirectNumber.from_dict({"number": "4812"})
    assert (number.status, number.monthly_fee, number.channels, number.autorenew) == (
        "",
        None,
        None,
        False,
    )


def test_direction_restrictions_as_list_and_missing() -> None:
    spec = Direction.from_dict(
        {
            "id": "3753",
            "countryCode": "49",
            "areaCode": "800",
            "name": "800 number (Toll-free)",
            "connect_fee": 0,
            "monthly_fee": 15,
            "currency": "USD",
            "restrictions": {"upload": ["passport"], "specify": ["address"]},
            "receive_sms": "false",
            "is_toll": "true",
            "feature": None,
            "connect_time": "0",
        }
    )
    assert (spec.id, spec.is_toll, spec.connect_time_days) == (3753, True, 0)
    assert spec.required_documents == {"passport": ""}
    assert spec.required_information == ("address",)
    bare = Direction.from_dict({"id": 1, "name": "X", "restrictions": None})
    assert (bare.required_documents, bare.required_information, bare.connect_time_days) == (
        {},
        (),
        None,
    )


def test_small_models() -> None:
    assert Sip.from_dict({"id": 123456, "display_name": None}) == Sip("123456", "", 0)
    callback = CallbackResult.from_dict({"from": 100001, "to": 48600100200, "time": None})
    assert (callback.from_, callback.to, callback.time) == ("100001", "48600100200", None)
    prolong = ProlongResult.from_dict({"number": "4812", "stop_date": "2021-02-01 00:00:00"})
    assert (prolong.amount, prolong.currency) == (0.0, "")
    group = DocumentGroup.from_dict(
        {"id": "0", "is_readonly": True, "region": "", "city": "Berlin"}
    )
    assert (group.id, group.is_readonly, group.region, group.city) == (0, True, None, "Berlin")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"id": None}, ValueError),
        ({"id": "1", "lines": True}, TypeError),
        ({"id": "1", "lines": "many"}, ValueError),
    ],
)
def test_strict_where_it_matters(data: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        Sip.from_dict(data)
