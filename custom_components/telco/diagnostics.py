"""Diagnostics: the account as last polled, without credentials or phone numbers."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_API_SECRET
from .model.declaration import TelcoConfigEntry

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
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "account": data.operator.diagnostics(data),
        },
        TO_REDACT,
    )
