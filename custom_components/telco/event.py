"""Events: each call (and Odorik SMS) the operator records, told once, oldest first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import TelcoConfigEntry, TelcoRuntimeData
from .entity import TelcoEntity, TelcoEntityDescription, add_described_entities

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class TelcoEventDescription[DataT: TelcoRuntimeData](
    TelcoEntityDescription[DataT], EventEntityDescription
):
    """Events read from records: one event per record a poll found new.

    ``coordinator_fn`` names the coordinator whose every poll brings the records new
    since the last one, as a new object; ``events_fn`` turns that poll's records
    into event types (one of ``event_types``) with their attributes, oldest first,
    leaving out a record it cannot tell the kind of.
    """

    events_fn: Callable[[DataT, str], Iterable[tuple[str, dict[str, Any]]]]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the events the entry's operator declares."""
    add_described_entities(
        entry, entry.runtime_data.operator.events, TelcoEvent, async_add_entities
    )


class TelcoEvent(TelcoEntity[Any], EventEntity):
    """An event entity that fires once for each new record, in order."""

    entity_description: TelcoEventDescription[Any]
    # The poll whose records were told; the subject's polls also call back here.
    _told: object = None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Fire the records of a poll not told yet, each with its own state."""
        if self.coordinator.data is not self._told:
            self._told = self.coordinator.data
            for event_type, attributes in self.entity_description.events_fn(self.data, self.item):
                self._trigger_event(event_type, attributes)
                self.async_write_ha_state()
        super()._handle_coordinator_update()
