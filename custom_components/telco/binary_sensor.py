"""Binary sensors: SIM changes in progress, SIP lines online, direct-number test mode."""

from __future__ import annotations

from typing import Any, override

# 2026.10 re-exports the device class from binary_sensor.const implicitly; 2026.11 lists it.
from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined, unused-ignore]
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OdorikRuntimeData, TelcoConfigEntry, ZadarmaAccountCoordinator
from .entity import (
    DirectNumberEntity,
    SimEntity,
    TelcoEntity,
    account_device,
    add_direct_number_entities,
    add_entities_for_new_items,
    add_sim_entities,
)

PARALLEL_UPDATES = 0

CHANGE_IN_PROGRESS = BinarySensorEntityDescription(
    key="change_in_progress",
    translation_key="change_in_progress",
    device_class=BinarySensorDeviceClass.RUNNING,
    entity_category=EntityCategory.DIAGNOSTIC,
)
SIP_ONLINE = BinarySensorEntityDescription(
    key="sip_online",
    translation_key="sip_online",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
)
TEST_MODE = BinarySensorEntityDescription(
    key="test_mode", translation_key="test_mode", entity_category=EntityCategory.DIAGNOSTIC
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the binary sensors of an Odorik or Zadarma account."""
    data = entry.runtime_data
    if isinstance(data, OdorikRuntimeData):
        add_sim_entities(
            data,
            lambda number: [ChangeInProgressSensor(data.account, CHANGE_IN_PROGRESS, number)],
            async_add_entities,
        )
        return
    zadarma = data.account
    add_entities_for_new_items(
        zadarma,
        lambda: zadarma.data.sips,
        lambda sip: [SipOnlineSensor(zadarma, sip)],
        async_add_entities,
    )
    add_direct_number_entities(
        data, lambda number: [TestModeSensor(zadarma, TEST_MODE, number)], async_add_entities
    )


class ChangeInProgressSensor(SimEntity, BinarySensorEntity):
    """Whether the operator is still applying changes to a SIM card."""

    @property
    @override
    def is_on(self) -> bool:
        """Return whether changes are in progress."""
        return bool(self.card.changes_in_progress)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """List the changes in progress."""
        return {"changes": list(self.card.changes_in_progress)}


class SipOnlineSensor(TelcoEntity[ZadarmaAccountCoordinator], BinarySensorEntity):
    """Whether a Zadarma SIP line is registered."""

    def __init__(self, coordinator: ZadarmaAccountCoordinator, sip: str) -> None:
        """Name the sensor after its SIP line."""
        super().__init__(
            coordinator,
            SIP_ONLINE,
            account_device(coordinator.config_entry),
            f"sip_{sip}",
        )
        self.sip = sip
        self._attr_translation_placeholders = {"sip": sip}

    @property
    @override
    def available(self) -> bool:
        """Tell whether the SIP line is still on the account."""
        return super().available and self.sip in self.coordinator.data.sips

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the SIP line is online."""
        return self.coordinator.data.sip_online.get(self.sip, False)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Describe the SIP line."""
        sip = self.coordinator.data.sips[self.sip]
        return {"display_name": sip.display_name, "lines": sip.lines}


class TestModeSensor(DirectNumberEntity, BinarySensorEntity):
    """Whether a direct number is in test mode."""

    @property
    @override
    def is_on(self) -> bool:
        """Return whether test mode is on."""
        return self.direct_number.is_on_test
