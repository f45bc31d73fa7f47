"""Switches: SIM mobile data, LTE, roaming and state; direct-number auto-prolongation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import TelcoConfigEntry, TelcoRuntimeData
from .entity import TelcoEntity, TelcoEntityDescription, add_described_entities

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class TelcoSwitchDescription[DataT: TelcoRuntimeData](
    TelcoEntityDescription[DataT], SwitchEntityDescription
):
    """A setting that is on or off: how it reads, and how to ask the operator to change it.

    ``set_fn`` goes through the coordinator's write path, which translates refusals,
    shows the real state again after one, and re-reads what changed.
    """

    is_on_fn: Callable[[DataT, str], bool]
    set_fn: Callable[[DataT, str, bool], Awaitable[object]]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the switches the entry's operator declares."""
    add_described_entities(
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
