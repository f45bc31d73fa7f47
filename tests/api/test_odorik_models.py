"""Odorik models: lenient parsing of what the API sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.telco.api.odorik_models import (
    Call,
    CallDirection,
    CallStatistics,
    CallTotals,
    Line,
    MobileDataRecord,
    PremiumServices,
    PublicNumber,
    Route,
    SimCard,
    SimCardUpdate,
    SimOption,
    SimState,
    parse_bool,
    parse_datetime,
    parse_float,
    parse_int,
    parse_str,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), (5.9, 5), ("12", 12), (" 7 ", 7), ("3.0", 3), ("x", None), (None, None),
     (True, None), ([1], None)],
)  # fmt: skip
def test_parse_int(value: object, expected: int | None) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1.0), (0.5, 0.5), ("554.0288", 554.0288), ("-5.5\n", -5.5), ("", None), (None, None),
     (False, None), ({}, None)],
)  # fmt: skip
def test_parse_float(value: object, expected: float | None) -> None:
    assert parse_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("true", True), ("FALSE", False), ("1", True), ("0", False), (0, False),
     (2, True), ("maybe", None), (None, None), (1.0, None)],
)  # fmt: skip
def test_parse_bool(value: object, expected: bool | None) -> None:
    assert parse_bool(value) is expected


def test_parse_str() -> None:
    assert parse_str(None) is None
    assert parse_str("") is None
    assert parse_str(42) == "42"


def test_parse_datetime() -> None:
    utc = datetime(2023, 6, 19, 12, 58, 50, tzinfo=UTC)
    assert parse_datetime("2023-06-19T12:58:50Z") == utc
    offset = parse_datetime("2023-06-19T14:58:50+02:00")
    assert offset == utc
    assert offset is not None
    assert offset.tzinfo is UTC
    assert parse_datetime("2023-06-19T12:58:50") == utc
    assert parse_datetime(datetime(2023, 6, 19, 14, 58, 50, tzinfo=timezone(timedelta(hours=2))))
    assert parse_datetime(datetime(2023, 6, 19, 12, 58, 50)) == utc  # noqa: DTZ001
    assert parse_datetime("yesterday") is None
    assert parse_datetime("  ") is None
    assert parse_datetime(1686999999) is None


def test_unknown_enum_values_are_kept() -> None:
    assert PublicNumber.from_dict({"public_number": "x", "type": "toll_free"}).type == "toll_free"
    assert PublicNumber.from_dict({"public_number": "x"}).type is None
    sim = SimCard.from_dict({"id": 1, "state": "frozen", "premium_services": "some"})
    assert sim.state == "frozen"
    assert sim.premium_services == "some"
    assert sim.changes_in_progress == ()


def test_call_needs_id_and_date() -> None:
    with pytest.raises(ValueError, match="date"):
        Call.from_dict({"id": 1, "date": None})
    with pytest.raises(ValueError, match="id"):
        Call.from_dict({"id": None, "date": "2024-01-01T00:00:00Z"})
    with pytest.raises(ValueError, match="id"):
        Route.from_dict({"public_number": "x"})


def test_call_from_the_documented_example() -> None:
    call = Call.from_dict(
        {
            "id": 98292358,
            "redirection_parent_id": 98292356,
            "date": "2014-10-01T11:28:31Z",
            "direction": "redirected",
            "source_number": "00420555444333",
            "destination_number": "*300000",
            "destination_name": "Česká rep. - * v síti",
            "length": 362,
            "ringing_length": 8,
            "status": "answered",
            "price": 0.0,
            "price_per_minute": 0.0,
            "balance_after": 554.0288,
            "line": 403366,
            "recording": None,
        }
    )
    assert call.direction is CallDirection.REDIRECTED
    assert call.redirection_parent_id == 98292356
    assert call.balance_after == 554.0288
    assert call.recording is None
    assert not call.is_sms


def test_statistics_tolerate_missing_directions() -> None:
    stats = CallStatistics.from_dict({"incoming": {"count": "3", "length": 10, "price": None}})
    assert stats.incoming == CallTotals(3, 10, 0.0)
    assert stats.outgoing == CallTotals(0, 0, 0.0)
    assert stats.redirected == CallTotals(0, 0, 0.0)


def test_sim_options_from_names_or_objects() -> None:
    sim = SimCard.from_dict(
        {
            "id": 1,
            "changes_in_progress": ["lte", None, 3],
            "available_roaming_settings": ["off", {"name": "eu_outgoing", "price": "10"}],
            "available_credit_addons": "none",
            "data_used": None,
        }
    )
    assert sim.changes_in_progress == ("lte", "3")
    assert sim.available_roaming_settings == (SimOption("off"), SimOption("eu_outgoing", 10.0))
    assert sim.available_credit_addons is None
    assert sim.data_used is None


def test_mobile_data_total_when_missing() -> None:
    record = MobileDataRecord.from_dict({"id": 133, "bytes_up": "151666", "bytes_down": 3768})
    assert record.bytes_total == 155434
    assert record.date is None


def test_line_drops_the_sip_password() -> None:
    line = Line.from_dict(
        {"id": "403366", "sip_password": "hunter2", "connected_devices": [{}, "junk"]}
    )
    assert line.id == 403366
    assert line.name == ""
    assert len(line.connected_devices) == 1
    assert "hunter2" not in repr(line)
    assert Line.from_dict({"id": 1, "connected_devices": None}).connected_devices == ()


def test_sim_card_update_changes() -> None:
    update = SimCardUpdate(
        state=SimState.SUSPENDED,
        lte=False,
        premium_services=PremiumServices.ALL,
        requested_tariff_plan_for_next_month="basic",
    )
    assert update.changes() == {
        "state": "suspended",
        "lte": False,
        "premium_services": "all",
        "requested_tariff_plan_for_next_month": "basic",
    }
    assert SimCardUpdate().changes() == {}


def test_sim_card_update_merges_and_applies() -> None:
    card = SimCard(id=1, sim_number="8942", state="active", changes_in_progress=(), lte=True)
    first = SimCardUpdate(mobile_data=False, lte=False)
    later = SimCardUpdate(mobile_data=True, roaming="off")

    merged = first.merged(later)

    assert merged == SimCardUpdate(mobile_data=True, lte=False, roaming="off")
    applied = merged.applied_to(card)
    assert (applied.mobile_data, applied.lte, applied.roaming, applied.state) == (
        True,
        False,
        "off",
        "active",
    )
    # Fields a SIM card does not have (add_credit, requested_*) change nothing.
    assert SimCardUpdate(add_credit="100").applied_to(card) == card
