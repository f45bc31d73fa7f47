"""Binary sensors: SIM changes in progress, SIP lines online, direct-number test mode."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import TelcoConfigEntry, TelcoRuntimeData
from .entity import TelcoEntity, TelcoEntityDescription, add_described_entities

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class TelcoBinarySensorDescription[DataT: TelcoRuntimeData](
    TelcoEntityDescription[DataT], BinarySensorEntityDescription
):
    """A binary sensor: whether it is on, and what it lists."""

    is_on_fn: Callable[[DataT, str], bool]
    attributes_fn: Callable[[DataT, str], dict[str, Any]] | None = None


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the binary sensors the entry's operator declares."""
    add_described_entities(
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
