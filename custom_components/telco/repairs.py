"""Repairs: the fixes of the issues the operators raise.

A Zadarma direct number about to expire without auto-prolongation: the fix turns the
number's *Auto-prolongation* switch on, the same description and so the same write
path as the entity (``operators/zadarma/repairs.py`` raises it). Push that stopped:
the fix registers the webhook URL at the operator again (``operators/zadarma/push.py``).

A removed account's long-term statistics are kept; its issue's fix clears them
(``model/statistics.py`` raises it).
"""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import voluptuous as vol

from .model.declaration import PushError, TelcoConfigEntry
from .model.statistics import STATISTICS_KEPT, async_clear_account_statistics

# The switch whose turning on fixes an expiring number.
FIX_SWITCH = "auto_prolongation"


class _ConfirmRepairFlow(RepairsFlow):
    """A fix that asks for confirmation (its ``confirm`` step), then does it."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult[Any, str]:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult[Any, str]:
        """Ask for confirmation, then fix."""
        raise NotImplementedError

    def _loaded_entry(self, entry_id: str) -> TelcoConfigEntry | None:
        """Return the issue's entry if it is loaded (a fix needs its runtime data)."""
        entry: TelcoConfigEntry | None = self.hass.config_entries.async_get_entry(entry_id)
        return entry if entry is not None and entry.state is ConfigEntryState.LOADED else None


class AutoProlongationRepairFlow(_ConfirmRepairFlow):
    """Turn auto-prolongation on for a number about to expire."""

    def __init__(self, entry_id: str, number: str) -> None:
        """Remember which number to fix."""
        self.entry_id = entry_id
        self.number = number

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult[Any, str]:
        """Ask for confirmation, then turn auto-prolongation on."""
        if (entry := self._loaded_entry(self.entry_id)) is None:
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


class PushRepairFlow(_ConfirmRepairFlow):
    """Register the account's webhook URL at its operator again."""

    def __init__(self, entry_id: str) -> None:
        """Remember which account to fix."""
        self.entry_id = entry_id

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult[Any, str]:
        """Ask for confirmation, then register the URL again."""
        # Only an operator with push raises its issue (and the issue goes with its entry).
        entry = self._loaded_entry(self.entry_id)
        if entry is None or (push := entry.runtime_data.operator.push) is None:
            return self.async_abort(reason="entry_not_loaded")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await push.repair(self.hass, entry)
            except PushError as err:
                errors["base"] = err.reason
            else:
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"account": entry.title},
            errors=errors,
        )


class ClearStatisticsRepairFlow(_ConfirmRepairFlow):
    """Clear the long-term statistics of a removed account, or keep them (ignore the issue)."""

    def __init__(self, prefix: str, account: str) -> None:
        """Remember whose statistics to clear."""
        self.prefix = prefix
        self.account = account

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult[Any, str]:
        """Ask for confirmation, then delete the statistics."""
        if user_input is not None:
            await async_clear_account_statistics(self.hass, self.prefix)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"account": self.account},
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the fix flow of a repair issue (each issue carries what it is about)."""
    details = data or {}
    if details.get("kind") == "push_broken":
        return PushRepairFlow(str(details.get("entry_id")))
    if issue_id.startswith(f"{STATISTICS_KEPT}_"):
        return ClearStatisticsRepairFlow(str(details.get("prefix")), str(details.get("account")))
    return AutoProlongationRepairFlow(str(details.get("entry_id")), str(details.get("number")))
