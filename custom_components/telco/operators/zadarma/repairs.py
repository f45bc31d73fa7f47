"""Repair issues of a Zadarma account: a direct number about to expire without auto-prolongation.

The fix (``repairs.py`` at the top) turns the number's *Auto-prolongation* switch on.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ...api.zadarma_models import DirectNumber
from ...const import DOMAIN, REPAIR_EXPIRY_WINDOW
from ...model.declaration import TelcoConfigEntry
from ...model.issues import async_delete_entry_issues, entry_issue_id
from .coordinators import ZadarmaRuntimeData

NUMBER_EXPIRING = "number_expiring"


@callback
def async_check_expiring_numbers(
    hass: HomeAssistant, entry: TelcoConfigEntry, numbers: Iterable[DirectNumber]
) -> None:
    """Raise a repair issue for each number that expires within 7 days and won't renew."""
    deadline = dt_util.utcnow() + REPAIR_EXPIRY_WINDOW
    expiring = {
        number.number: stop_date
        for number in numbers
        if not number.autorenew
        and (stop_date := number.stop_date) is not None
        and stop_date <= deadline
    }
    for number, stop_date in expiring.items():
        ir.async_create_issue(
            hass,
            DOMAIN,
            entry_issue_id(NUMBER_EXPIRING, entry, number),
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=NUMBER_EXPIRING,
            translation_placeholders={
                "number": f"+{number}",
                "date": dt_util.as_local(stop_date).date().isoformat(),
                "account": entry.title,
            },
            data={"entry_id": entry.entry_id, "number": number},
        )
    keep = {entry_issue_id(NUMBER_EXPIRING, entry, number) for number in expiring}
    async_delete_entry_issues(hass, entry, NUMBER_EXPIRING, keep)


@callback
def watch_expiring_numbers(
    hass: HomeAssistant, entry: TelcoConfigEntry, data: ZadarmaRuntimeData
) -> None:
    """Raise a repair issue for a number about to expire, after every poll."""

    @callback
    def check() -> None:
        if data.account.last_update_success:
            async_check_expiring_numbers(hass, entry, data.account.data.numbers.values())

    check()
    entry.async_on_unload(data.account.async_add_listener(check))
