"""Selects: a SIM card's roaming profile and next month's data package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.odorik_models import SimCard, SimOption
from .coordinator import OdorikRuntimeData, TelcoConfigEntry
from .entity import SimEntity, add_sim_entities

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class SimSelectDescription(SelectEntityDescription):
    """A SIM setting chosen from the options the operator offers for that SIM card."""

    setting: str
    options_fn: Callable[[SimCard], tuple[SimOption, ...] | None]


SIM_SELECTS: tuple[SimSelectDescription, ...] = (
    SimSelectDescription(
        key="roaming_profile",
        translation_key="roaming_profile",
        setting="roaming",
        options_fn=lambda card: card.available_roaming_settings,
    ),
    SimSelectDescription(
        key="data_package_next_month",
        translation_key="data_package_next_month",
        setting="data_package_for_next_month",
        options_fn=lambda card: card.available_data_packages,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the selects of an Odorik account's SIM cards."""
    data = entry.runtime_data
    if not isinstance(data, OdorikRuntimeData):
        return
    add_sim_entities(
        data,
        lambda number: (
            SimSelect(data.account, description, number) for description in SIM_SELECTS
        ),
        async_add_entities,
    )


class SimSelect(SimEntity, SelectEntity):
    """A SIM setting with a list of values."""

    entity_description: SimSelectDescription

    @property
    @override
    def options(self) -> list[str]:
        """Return what the operator offers (and the current value, if it is not offered)."""
        offered = [option.name for option in self.entity_description.options_fn(self.card) or ()]
        current = self.current_option
        if current is not None and current not in offered:
            offered.append(current)
        return offered

    @property
    @override
    def current_option(self) -> str | None:
        """Return the current value (or the one being applied)."""
        value = self.setting(self.entity_description.setting)
        return str(value) if value is not None else None

    @override
    async def async_select_option(self, option: str) -> None:
        """Ask the operator for the chosen value (Home Assistant checked it is offered)."""
        await self.async_change_setting(self.entity_description.setting, option)
