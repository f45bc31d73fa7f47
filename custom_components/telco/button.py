"""Buttons: restart a SIM card's mobile data (lift the fair-use limit)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import TelcoConfigEntry, TelcoRuntimeData
from .entity import TelcoEntity, TelcoEntityDescription, add_described_entities

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class TelcoButtonDescription[DataT: TelcoRuntimeData](
    TelcoEntityDescription[DataT], ButtonEntityDescription
):
    """An action at the operator; ``press_fn`` goes through the coordinator's write path."""

    press_fn: Callable[[DataT, str], Awaitable[object]]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the buttons the entry's operator declares."""
    add_described_entities(
        entry, entry.runtime_data.operator.buttons, TelcoButton, async_add_entities
    )


class TelcoButton(TelcoEntity[Any], ButtonEntity):
    """An action on the account or one of its items."""

    entity_description: TelcoButtonDescription[Any]

    @override
    async def async_press(self) -> None:
        """Ask the operator for the action."""
        await self.entity_description.press_fn(self.data, self.item)
