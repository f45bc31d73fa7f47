"""Service actions, registered once for the integration and answered by the entry's operator.

The catalog (``model/actions.py``) checks the fields (types, ranges, enums), and
what it refuses is translated like every other refusal; the operator's declaration
says which actions it offers and with which fields, and its handler brings numbers
and moments to the operator's format before anything is sent. Client errors are
translated by the coordinator, once.
"""

from __future__ import annotations

from functools import partial
from typing import Any, override

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .const import DOMAIN
from .model.action_input import refusal
from .model.actions import ACTIONS, ATTR_CONFIG_ENTRY_ID
from .model.declaration import TelcoConfigEntry


class TranslatedSchema(vol.Schema):
    """An action's schema whose refusals are translated, naming the field.

    Home Assistant passes on what a schema raises; a plain ``vol.Invalid`` would
    reach the user in English only.
    """

    @override
    def __call__(self, data: Any, **options: Any) -> Any:
        # ``options``: from Home Assistant 2026.10 the schema is probatio's, whose call
        # also takes a ``context``; voluptuous' call is untyped, probatio's is not.
        try:
            return super().__call__(data, **options)  # type: ignore[no-untyped-call,unused-ignore]
        except vol.Invalid as err:
            raise refusal(err) from err


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration (the entry's operator answers it)."""
    for name, action in ACTIONS.items():
        hass.services.async_register(
            DOMAIN,
            name,
            partial(_async_handle, name),
            schema=TranslatedSchema(
                {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string, **action.given_fields}
            ),
            supports_response=action.response,
        )


def loaded_entry(hass: HomeAssistant, entry_id: str) -> TelcoConfigEntry:
    """Return the loaded entry an action names, or refuse the action."""
    entry: TelcoConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"account": entry.title},
        )
    return entry


async def _async_handle(name: str, call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    data = entry.runtime_data
    operator = data.operator
    offered = operator.actions.get(name)
    if offered is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="action_not_offered",
            translation_placeholders={"action": name, "operator": operator.name},
        )
    given = set(call.data) - {ATTR_CONFIG_ENTRY_ID}
    if unknown := sorted(given - offered.fields):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="field_not_offered",
            translation_placeholders={"field": unknown[0], "operator": operator.name},
        )
    fields = {
        **ACTIONS[name].defaults(offered.fields),
        **{key: value for key, value in call.data.items() if key != ATTR_CONFIG_ENTRY_ID},
    }
    response = await offered.run(call.hass, data, fields)
    return response if call.return_response else None
