"""Lenient parsing of Zadarma's inconsistent types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.telco.api.zadarma_models import (
    CallbackResult,
    CallCost,
    CallHistory,
    CallRecord,
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


@pytest.mark.parametrize("value", ["maybe", None, [1], float("nan"), float("inf")])
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
        ({"id": "1", "lines": float("nan")}, ValueError),
        ({"id": "1", "lines": float("inf")}, ValueError),
    ],
)
def test_strict_where_it_matters(data: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        Sip.from_dict(data)


def test_call_record_live_shape() -> None:
    """Live: ``from``/``to`` are numbers, ids 24 hex digits, an extra hangupcause."""
    record = CallRecord.from_dict(
        {
            "hangupcause": "16",
            "id": "65f0a1b2c3d4e5f600000001",
            "sip": "100001",
            "callstart": "2026-03-02 20:36:11",
            "from": 48601234567,
            "to": 48221234567,
            "description": "Poland, Warsaw",
            "disposition": "answered",
            "billseconds": 185,
            "cost": 0,
            "billcost": 0,
            "currency": "USD",
        }
    )
    assert (record.from_, record.to, record.sip) == ("48601234567", "48221234567", "100001")
    assert record.call_start == datetime(2026, 3, 2, 20, 36, 11, tzinfo=UTC)
    assert (record.bill_seconds, record.cost_per_minute, record.bill_cost) == (185, 0.0, 0.0)
    assert (record.hangup_cause, record.answered) == ("16", True)


def test_call_record_spec_shape_and_gaps() -> None:
    """Spec: everything as strings; missing optional fields read as None."""
    record = CallRecord.from_dict(
        {
            "id": 155112249,
            "callstart": "2015-06-01 00:00:00",
            "from": "+442037691880",
            "to": "442037691881",
            "disposition": "No Answer ",
            "billseconds": "0",
            "cost": "0.195",
            "billcost": "",
            "sip": "",
        }
    )
    assert (record.id, record.from_, record.disposition) == (
        "155112249",
        "+442037691880",
        "no answer",
    )
    assert (record.bill_seconds, record.cost_per_minute, record.bill_cost) == (0, 0.195, None)
    assert (record.sip, record.currency, record.description, record.hangup_cause) == (
        None,
        None,
        None,
        None,
    )
    assert record.answered is False
    bare = CallRecord.from_dict({"id": "1", "from": 1, "to": 2})
    assert (bare.call_start, bare.disposition, bare.bill_seconds) == (None, "", 0)


@pytest.mark.parametrize(
    "data",
    [
        {"from": 1, "to": 2},
        {"id": "1", "from": None, "to": 2},
        {"id": "1", "from": 1, "to": 2, "billseconds": "long"},
        {"id": "1", "from": 1, "to": 2, "cost": "cheap"},
        {"id": "1", "from": 1, "to": 2, "billseconds": True},
    ],
)
def test_call_record_strict_where_it_matters(data: dict[str, object]) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        CallRecord.from_dict(data)


def test_call_history_and_costs() -> None:
    history = CallHistory.from_dict(
        {"start": "2026-03-01 00:00:00", "end": "2026-03-07 23:59:59", "stats": None}
    )
    assert history == CallHistory(
        start=datetime(2026, 3, 1, tzinfo=UTC),
        end=datetime(2026, 3, 7, 23, 59, 59, tzinfo=UTC),
        calls=(),
    )
    with pytest.raises(TypeError):
        CallHistory.from_dict({"stats": {"id": "1"}})
    assert CallCost.from_dict({"cost": "38.094", "currency": "USD", "seconds": "1200"}) == (
        CallCost(38.094, "USD", 1200)
    )
    assert CallCost.from_dict({}) == CallCost(0.0, None, 0)
