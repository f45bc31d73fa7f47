"""Events: each call (and Odorik SMS) the operator records, told once, oldest first."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoEventDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the events the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.events, TelcoEvent, async_add_entities
    )


class TelcoEvent(TelcoEntity[Any], EventEntity):
    """An event entity that fires once for each new record, in order."""

    entity_description: TelcoEventDescription[Any]
    # The sequence of the poll whose records were told; the subject's polls also call back.
    _told: int | None = None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Fire the records of a poll not told yet, each with its own state."""
        batch = self.coordinator.data
        if batch.sequence != self._told:
            self._told = batch.sequence
            fired = False
            for event_type, attributes in self.entity_description.events_fn(self.data, self.item):
                self._trigger_event(event_type, attributes)
                self.async_write_ha_state()
                fired = True
            if fired:
                return  # the last event's state is written already
        super()._handle_coordinator_update()
