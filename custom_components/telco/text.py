"""Texts: a Zadarma direct number's caller name."""

from __future__ import annotations

from typing import override

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.zadarma import MAX_CALLER_NAME_LENGTH
from .coordinator import OdorikRuntimeData, TelcoConfigEntry
from .entity import DirectNumberEntity, add_direct_number_entities

PARALLEL_UPDATES = 1

CALLER_NAME = TextEntityDescription(
    key="caller_name",
    translation_key="caller_name",
    native_min=0,
    native_max=MAX_CALLER_NAME_LENGTH,
    pattern=r"^[A-Za-z0-9]*$",
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the texts of a Zadarma account's direct numbers."""
    data = entry.runtime_data
    if isinstance(data, OdorikRuntimeData):
        return
    add_direct_number_entities(
        data,
        lambda number: [CallerNameText(data.account, CALLER_NAME, number)],
        async_add_entities,
    )


class CallerNameText(DirectNumberEntity, TextEntity):
    """The name sent with calls from the number (Latin letters and digits, up to 30)."""

    @property
    @override
    def native_value(self) -> str:
        """Return the caller name (empty when none is set)."""
        return self.direct_number.caller_name or ""

    @override
    async def async_set_value(self, value: str) -> None:
        """Set the caller name; an empty value clears it."""
        await self.async_run(self.coordinator.client.set_caller_name(self.number, value))
