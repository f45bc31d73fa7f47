"""Repairs: a Zadarma direct number about to expire without auto-prolongation.

The fix turns the number's *Auto-prolongation* switch on: the same description, and
so the same write path, as the entity.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .api.zadarma_models import DirectNumber
from .const import DOMAIN, REPAIR_EXPIRY_WINDOW
from .coordinator import TelcoConfigEntry

ISSUE_PREFIX = "number_expiring"
# The switch whose turning on fixes an expiring number.
FIX_SWITCH = "auto_prolongation"


def issue_id(entry: TelcoConfigEntry, number: str) -> str:
    """Return the repair issue ID of one direct number."""
    return f"{ISSUE_PREFIX}_{entry.entry_id}_{number}"


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
            issue_id(entry, number),
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="number_expiring",
            translation_placeholders={
                "number": f"+{number}",
                "date": dt_util.as_local(stop_date).date().isoformat(),
                "account": entry.title,
            },
            data={"entry_id": entry.entry_id, "number": number},
        )
    async_delete_issues(hass, entry, keep={issue_id(entry, number) for number in expiring})


@callback
def async_delete_issues(
    hass: HomeAssistant, entry: TelcoConfigEntry, keep: set[str] | None = None
) -> None:
    """Delete the entry's repair issues (but those in ``keep``)."""
    prefix = issue_id(entry, "")
    for domain, known in list(ir.async_get(hass).issues):
        if domain == DOMAIN and known.startswith(prefix) and known not in (keep or set()):
            ir.async_delete_issue(hass, DOMAIN, known)


class AutoProlongationRepairFlow(RepairsFlow):
    """Turn auto-prolongation on for a number about to expire."""

    def __init__(self, entry_id: str, number: str) -> None:
        """Remember which number to fix."""
        self.entry_id = entry_id
        self.number = number

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult[Any, str]:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult[Any, str]:
        """Ask for confirmation, then turn auto-prolongation on."""
        entry: TelcoConfigEntry | None = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="entry_not_loaded")
        data = entry.runtime_data
        fix = next((switch for switch in data.operator.switches if switch.key == FIX_SWITCH), None)
        if fix is None or self.number not in fix.subject.items_fn(data):
            return self.async_abort(reason="entry_not_loaded")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await fix.set_fn(data, self.number, True)
            except HomeAssistantError as err:
                if err.translation_key == "authentication_failed":
                    # The write path has started reauthentication.
                    return self.async_abort(reason="reauth_required")
                errors["base"] = "cannot_enable"
            else:
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"number": f"+{self.number}"},
            errors=errors,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the fix flow of a repair issue (each issue carries its entry and number)."""
    details = data or {}
    return AutoProlongationRepairFlow(str(details.get("entry_id")), str(details.get("number")))
