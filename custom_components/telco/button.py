"""Buttons: restart a SIM card's mobile data (lift the fair-use limit)."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoButtonDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the buttons the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.buttons, TelcoButton, async_add_entities
    )


class TelcoButton(TelcoEntity[Any], ButtonEntity):
    """An action on the account or one of its items."""

    entity_description: TelcoButtonDescription[Any]

    @override
    async def async_press(self) -> None:
        """Ask the operator for the action."""
        await self.entity_description.press_fn(self.data, self.item)
