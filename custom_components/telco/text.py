"""Texts: a Zadarma direct number's caller name."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.text import TextEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoTextDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the texts the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.texts, TelcoText, async_add_entities
    )


class TelcoText(TelcoEntity[Any], TextEntity):
    """A text setting of one item."""

    entity_description: TelcoTextDescription[Any]

    @property
    @override
    def native_value(self) -> str:
        """Return the text from the last poll."""
        return self.entity_description.value_fn(self.data, self.item)

    @override
    async def async_set_value(self, value: str) -> None:
        """Ask the operator for the new text (the description's ``set_fn`` checks it first)."""
        await self.entity_description.set_fn(self.data, self.item, value)
