"""Switches: SIM mobile data, LTE, roaming and state; direct-number auto-prolongation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.odorik_models import SimCard
from .coordinator import OdorikAccountCoordinator, OdorikRuntimeData, TelcoConfigEntry
from .entity import DirectNumberEntity, SimEntity, add_direct_number_entities, add_sim_entities

PARALLEL_UPDATES = 1

ROAMING_OFF = "off"


@dataclass(frozen=True, kw_only=True)
class SimSwitchDescription(SwitchEntityDescription):
    """A SIM setting shown as a switch.

    ``setting`` is the SIM card field (and PUT parameter); ``is_on_fn`` reads it;
    ``value_fn(on, entity)`` gives the value to send.
    """

    setting: str
    is_on_fn: Callable[[Any], bool] = bool
    value_fn: Callable[[bool, SimSwitch], Any] = lambda on, _entity: on


def _roaming_value(on: bool, entity: SimSwitch) -> str:
    """Turn roaming off, or back on to the last setting it had (or the first offered)."""
    if not on:
        return ROAMING_OFF
    if entity.last_roaming:
        return entity.last_roaming
    offered = [
        option.name
        for option in entity.card.available_roaming_settings or ()
        if option.name != ROAMING_OFF
    ]
    return offered[0] if offered else "eu_data_outgoing"


SIM_SWITCHES: tuple[SimSwitchDescription, ...] = (
    SimSwitchDescription(key="mobile_data", translation_key="mobile_data", setting="mobile_data"),
    SimSwitchDescription(key="lte", translation_key="lte", setting="lte"),
    SimSwitchDescription(
        key="roaming",
        translation_key="roaming",
        setting="roaming",
        is_on_fn=lambda value: value not in (None, ROAMING_OFF),
        value_fn=_roaming_value,
    ),
    SimSwitchDescription(
        key="sim_active",
        translation_key="sim_active",
        setting="state",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        is_on_fn=lambda value: value == "active",
        value_fn=lambda on, _entity: "active" if on else "suspended",
    ),
)

AUTO_PROLONGATION_SWITCH = SwitchEntityDescription(
    key="auto_prolongation", translation_key="auto_prolongation"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the switches of an Odorik or Zadarma account."""
    data = entry.runtime_data
    if isinstance(data, OdorikRuntimeData):
        add_sim_entities(
            data,
            lambda number: (
                SimSwitch(data.account, description, number) for description in SIM_SWITCHES
            ),
            async_add_entities,
        )
        return
    add_direct_number_entities(
        data,
        lambda number: [AutoProlongationSwitch(data.account, AUTO_PROLONGATION_SWITCH, number)],
        async_add_entities,
    )


class SimSwitch(SimEntity, SwitchEntity):
    """A SIM setting that is on or off."""

    entity_description: SimSwitchDescription

    def __init__(
        self, coordinator: OdorikAccountCoordinator, description: SimSwitchDescription, number: str
    ) -> None:
        """Remember the roaming setting to return to when roaming is turned back on."""
        super().__init__(coordinator, description, number)
        self.last_roaming: str | None = None
        self._remember_roaming(self.card)

    def _remember_roaming(self, card: SimCard) -> None:
        if card.roaming not in (None, ROAMING_OFF):
            self.last_roaming = card.roaming

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        if self.number in self.coordinator.data.sim_cards:
            self._remember_roaming(self.card)
        super()._handle_coordinator_update()

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the setting is on (or being turned on)."""
        description = self.entity_description
        return description.is_on_fn(self.setting(description.setting))

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the setting on."""
        await self._async_set(on=True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the setting off."""
        await self._async_set(on=False)

    async def _async_set(self, *, on: bool) -> None:
        description = self.entity_description
        await self.async_change_setting(description.setting, description.value_fn(on, self))


class AutoProlongationSwitch(DirectNumberEntity, SwitchEntity):
    """Whether a direct number is renewed automatically when its paid period ends."""

    @property
    @override
    def is_on(self) -> bool:
        """Return whether auto-prolongation is on."""
        return self.direct_number.autorenew

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn auto-prolongation on."""
        await self._async_set(enabled=True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn auto-prolongation off."""
        await self._async_set(enabled=False)

    async def _async_set(self, *, enabled: bool) -> None:
        await self.async_run(self.coordinator.client.set_autoprolongation(self.number, enabled))
