"""Diagnostics: the account as last polled, without credentials or phone numbers."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_API_SECRET
from .coordinator import OdorikRuntimeData, TelcoConfigEntry

# Credentials, and every field that holds a phone number, SIM serial or name.
TO_REDACT = {
    CONF_API_KEY,
    CONF_API_SECRET,
    CONF_PASSWORD,
    CONF_USERNAME,
    "title",
    "caller_name",
    "destination_number",
    "line",
    "number",
    "phone_number",
    "public_number",
    "ringing_number",
    "sim_number",
    "sip",
    "sip_name",
    "source_number",
    "display_name",
    "id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: TelcoConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings and its last poll, redacted."""
    data = entry.runtime_data
    polled: dict[str, Any]
    if isinstance(data, OdorikRuntimeData):
        account = data.account.data
        polled = {
            "balance": account.balance,
            "statistics": asdict(account.statistics),
            "missed_calls": account.missed_calls,
            "sim_cards": [asdict(card) for card in account.sim_cards.values()],
            "active_calls": [asdict(call) for call in data.active_calls.data],
            "mobile_data": [asdict(usage) for usage in data.mobile_data.data.values()],
            "public_numbers": [asdict(routing) for routing in data.routing.data.values()],
        }
    else:
        zadarma = data.account.data
        polled = {
            "balance": asdict(zadarma.balance),
            "direct_numbers": [asdict(number) for number in zadarma.numbers.values()],
            "sips": [
                {**asdict(sip), "is_online": zadarma.sip_online.get(sip.id)}
                for sip in zadarma.sips.values()
            ],
        }
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "account": polled,
        },
        TO_REDACT,
    )
