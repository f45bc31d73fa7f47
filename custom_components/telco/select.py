"""Selects: a SIM card's roaming profile and next month's data package."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoSelectDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the selects the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.selects, TelcoSelect, async_add_entities
    )


class TelcoSelect(TelcoEntity[Any], SelectEntity):
    """A setting with a list of values."""

    entity_description: TelcoSelectDescription[Any]

    @property
    @override
    def options(self) -> list[str]:
        """Return what the operator offers (and the current value, if it is not offered)."""
        if not self.available:
            return []  # asked for even while unavailable, when the item may be gone
        offered = list(self.entity_description.options_fn(self.data, self.item))
        current = self.current_option
        if current is not None and current not in offered:
            offered.append(current)
        return offered

    @property
    @override
    def current_option(self) -> str | None:
        """Return the current value (or the one being applied)."""
        return self.entity_description.current_fn(self.data, self.item)

    @override
    async def async_select_option(self, option: str) -> None:
        """Ask the operator for the chosen value (Home Assistant checked it is offered)."""
        await self.entity_description.set_fn(self.data, self.item, option)
