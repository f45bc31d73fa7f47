"""Sensors: balance, calls, mobile data, routing and direct numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, override

from homeassistant.components.sensor import SensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoSensorDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the sensors the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.sensors, TelcoSensor, async_add_entities
    )


class TelcoSensor(TelcoEntity[Any], SensorEntity):
    """A sensor read from its coordinator's last poll."""

    # Calls, routes and ringings with phone numbers change often and say little later.
    _unrecorded_attributes = frozenset({"calls", "routes", "parallel_ringings"})
    entity_description: TelcoSensorDescription[Any]

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the value from the last poll."""
        return self.entity_description.value_fn(self.data, self.item)

    @property
    @override
    def options(self) -> list[str] | None:
        """Return an enum's states: the declared ones, and the current one if it is new.

        An operator may report a value it never documented; it is shown as it is
        rather than refused by Home Assistant's check that the state is an option.
        """
        options = super().options
        if options is None or not self.available:
            return options
        value = self.native_value
        if isinstance(value, str) and value not in options:
            return [*options, value]
        return options

    @property
    @override
    def native_unit_of_measurement(self) -> str | None:
        """Return the unit, from the account where only the account knows it."""
        if (unit_fn := self.entity_description.unit_fn) is not None:
            return unit_fn(self.data)
        return super().native_unit_of_measurement

    @property
    @override
    def last_reset(self) -> datetime | None:
        """Return when the current cycle of a ``total`` began."""
        if (last_reset_fn := self.entity_description.last_reset_fn) is not None:
            return last_reset_fn(self.data)
        return None

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the details the description lists, if any."""
        if (attributes_fn := self.entity_description.attributes_fn) is not None:
            return attributes_fn(self.data, self.item)
        return None
