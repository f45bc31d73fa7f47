"""Binary sensors: SIM changes in progress, SIP lines online, direct-number test mode."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoBinarySensorDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the binary sensors the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.binary_sensors, TelcoBinarySensor, async_add_entities
    )


class TelcoBinarySensor(TelcoEntity[Any], BinarySensorEntity):
    """A binary sensor read from its coordinator's last poll."""

    entity_description: TelcoBinarySensorDescription[Any]

    @property
    @override
    def is_on(self) -> bool:
        """Return the state from the last poll."""
        return self.entity_description.is_on_fn(self.data, self.item)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the details the description lists, if any."""
        if (attributes_fn := self.entity_description.attributes_fn) is not None:
            return attributes_fn(self.data, self.item)
        return None
