"""Buttons: restart a SIM card's mobile data (lift the fair-use limit)."""

from __future__ import annotations

from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OdorikRuntimeData, TelcoConfigEntry
from .entity import SimEntity, add_sim_entities, run_operator_action

PARALLEL_UPDATES = 1

DATA_RESTART_BUTTON = ButtonEntityDescription(key="data_restart", translation_key="data_restart")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the buttons of an Odorik account's SIM cards."""
    data = entry.runtime_data
    if not isinstance(data, OdorikRuntimeData):
        return
    add_sim_entities(
        data,
        lambda number: [DataRestartButton(data.account, DATA_RESTART_BUTTON, number)],
        async_add_entities,
    )


class DataRestartButton(SimEntity, ButtonEntity):
    """Restart mobile data: reset the fair-use limit or switch to per-kB billing."""

    @override
    async def async_press(self) -> None:
        """Ask the operator for a data restart, then re-read the SIM cards."""
        coordinator = self.coordinator
        await run_operator_action(coordinator, coordinator.client.data_restart(self.number))
        await coordinator.async_refresh_sim_cards()
