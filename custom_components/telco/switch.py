"""Switches: SIM mobile data, LTE, roaming and state; direct-number auto-prolongation."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoSwitchDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the switches the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.switches, TelcoSwitch, async_add_entities
    )


class TelcoSwitch(TelcoEntity[Any], SwitchEntity):
    """A setting of the account or of one of its items."""

    entity_description: TelcoSwitchDescription[Any]

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the setting is on (or being turned on)."""
        return self.entity_description.is_on_fn(self.data, self.item)

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the setting on."""
        await self.entity_description.set_fn(self.data, self.item, True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the setting off."""
        await self.entity_description.set_fn(self.data, self.item, False)
