"""The month-to-date mobile data ledger, and how client errors are translated."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from homeassistant.exceptions import ConfigEntryAuthFailed, ServiceValidationError
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest

from custom_components.telco.api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoError,
    TelcoValidationError,
)
from custom_components.telco.api.odorik_models import MobileDataRecord
from custom_components.telco.coordinator import (
    DataUsage,
    MobileDataLedger,
    change_error,
    month_start,
    poll_error,
)

PRAGUE = ZoneInfo("Europe/Prague")


def record(
    record_id: int, date: datetime | None, total: int, number: str = "1"
) -> MobileDataRecord:
    return MobileDataRecord(
        id=record_id,
        date=date,
        bytes_up=0,
        bytes_down=total,
        bytes_total=total,
        price=total / 1000,
        price_per_mb=None,
        phone_number=number,
    )


def test_month_starts_in_prague_time() -> None:
    # 23:30 UTC on 31 October is already November in Prague.
    assert month_start(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == datetime(
        2026, 11, 1, tzinfo=PRAGUE
    )


def test_ledger_settles_finished_days_and_rereads_the_last_one() -> None:
    ledger = MobileDataLedger.for_month_of(datetime(2026, 11, 3, 12, tzinfo=UTC))
    day1 = datetime(2026, 11, 1, tzinfo=PRAGUE)
    day2 = datetime(2026, 11, 2, tzinfo=PRAGUE)
    totals = ledger.add([record(1, day1, 100), record(2, day2, 50), record(3, None, 999)])
    assert list(totals) == ["1"]
    assert totals["1"].bytes_total == 150
    assert totals["1"].price == pytest.approx(0.15)
    # Day 1 is final; day 2 may still grow, so the next read starts there.
    assert ledger.cursor == day2
    assert ledger.settled == {"1": DataUsage(bytes_total=100, price=0.1)}

    # The operator grew day 2's record and added day 3; day 1 is not read again.
    day3 = datetime(2026, 11, 3, tzinfo=PRAGUE)
    totals = ledger.add([record(2, day2, 70), record(4, day3, 5), record(5, day3, 7, "2")])
    assert totals["1"].bytes_total == 175
    assert totals["2"].bytes_total == 7
    assert ledger.cursor == day3


def test_ledger_without_records_keeps_its_cursor() -> None:
    ledger = MobileDataLedger.for_month_of(datetime(2026, 11, 3, 12, tzinfo=UTC))
    assert ledger.add([]) == {}
    assert ledger.cursor == datetime(2026, 11, 1, tzinfo=PRAGUE)


@pytest.mark.parametrize(
    ("error", "kind", "key"),
    [
        (TelcoAuthenticationError("refused"), ConfigEntryAuthFailed, "authentication_failed"),
        (TelcoApiError(("low_balance",)), UpdateFailed, "api_error"),
        (TelcoConnectionError("timeout"), UpdateFailed, "communication_error"),
        (TelcoValidationError("bad_date", "bad date"), UpdateFailed, "communication_error"),
        (TelcoError("anything else"), UpdateFailed, "communication_error"),
    ],
)
def test_every_client_error_of_a_poll_is_translated(
    error: TelcoError, kind: type[Exception], key: str
) -> None:
    translated = poll_error(error)
    assert type(translated) is kind
    assert translated.translation_key == key


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (TelcoValidationError("state_change_alone", "alone"), "invalid_state_change_alone"),
        (TelcoValidationError("bad_date", "bad date"), "invalid_request"),
        (TelcoAuthenticationError("refused"), "authentication_failed"),
        (TelcoApiError(("low_balance",)), "refused_low_balance"),
        (TelcoApiError(("something_new",)), "refused"),
        (TelcoConnectionError("timeout"), "communication_error"),
        (TelcoError("anything else"), "communication_error"),
    ],
)
def test_every_client_error_of_a_change_is_translated(error: TelcoError, key: str) -> None:
    translated = change_error(error)
    assert translated.translation_key == key
    assert isinstance(translated, ServiceValidationError) == isinstance(error, TelcoValidationError)
