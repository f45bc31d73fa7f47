"""The base entity of every platform, and the devices of an account and its items."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final, override

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import DOMAIN
from .coordinator import TelcoCoordinator
from .declaration import Operator, TelcoConfigEntry, TelcoRuntimeData
from .descriptions import Subject, TelcoEntityDescription, device_model
from .items import account_identifier, entity_unique_id, item_identifier
from .views import ItemContext

# Home Assistant 2026.8 links a device to its parent by the parent's registry id and
# deprecates the parent's identifier (`via_device`); our floor, 2025.4, knows only that.
LINK_BY_DEVICE_ID: Final = (MAJOR_VERSION, MINOR_VERSION) >= (2026, 8)


@callback
def register_account_device(
    hass: HomeAssistant, entry: TelcoConfigEntry, operator: Operator[Any, Any]
) -> str:
    """Register the device of the operator account itself, and return its registry id.

    It is registered before any entity, so that the devices below it can name it as
    their parent.
    """
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, account_identifier(entry))},
        name=entry.title,
        manufacturer=operator.manufacturer,
        model=device_model(hass, "model_account", "Account"),
        entry_type=DeviceEntryType.SERVICE,
        configuration_url=operator.account_url,
    )
    return device.id


def device_info(
    entry: TelcoConfigEntry, data: TelcoRuntimeData, subject: Subject[Any], item: str
) -> DeviceInfo:
    """Return the device an entity of ``item`` belongs to."""
    if subject.device_fn is None or not subject.key:
        # The account device is registered at setup; entities only point at it.
        return DeviceInfo(identifiers={(DOMAIN, account_identifier(entry))})
    facts = subject.device_fn(data, item)
    identifiers = {(DOMAIN, item_identifier(entry, subject, item))}
    manufacturer = data.operator.manufacturer
    # Built in one go (2026.11 makes DeviceInfo a dataclass and deprecates filling it in
    # by key). Each link is typed only on the Home Assistant versions that take it, so
    # each call is ignored for the legs that do not.
    if LINK_BY_DEVICE_ID:
        return DeviceInfo(  # type: ignore[typeddict-unknown-key, unused-ignore]
            identifiers=identifiers,
            name=facts.name,
            manufacturer=manufacturer,
            model=facts.model,
            serial_number=facts.serial_number,
            via_device_id=data.account_device_id,
        )
    return DeviceInfo(  # type: ignore[typeddict-unknown-key, unused-ignore]
        identifiers=identifiers,
        name=facts.name,
        manufacturer=manufacturer,
        model=facts.model,
        serial_number=facts.serial_number,
        via_device=(DOMAIN, account_identifier(entry)),
    )


class TelcoEntity[DataT: TelcoRuntimeData](CoordinatorEntity[TelcoCoordinator[Any, Any]]):
    """An entity of the account, or of one item of the account."""

    _attr_has_entity_name = True
    entity_description: TelcoEntityDescription[DataT]

    def __init__(self, data: DataT, description: TelcoEntityDescription[DataT], item: str) -> None:
        """Name the entity by its description and tie it to its subject's device."""
        subject = description.subject
        coordinator = (description.coordinator_fn or subject.coordinator_fn)(data)
        # Called back only when a poll changed what the item's entities show.
        super().__init__(coordinator, ItemContext(item))
        self.data = data
        self.item = item
        self.entity_description = description
        entry = coordinator.config_entry
        self._attr_unique_id = entity_unique_id(entry, description, item)
        self._attr_device_info = device_info(entry, data, subject, item)
        self._attr_translation_placeholders = dict(subject.placeholders_fn(item))

    @override
    async def async_added_to_hass(self) -> None:
        """Also follow the subject's polls, which say whether the item still exists."""
        await super().async_added_to_hass()
        subject_coordinator = self.entity_description.subject.coordinator_fn(self.data)
        if subject_coordinator is not self.coordinator:
            self.async_on_remove(
                subject_coordinator.async_add_listener(
                    self._handle_coordinator_update, ItemContext(self.item)
                )
            )

    @override
    async def async_update(self) -> None:
        """Read this entity's item now (``update_entity``): its coordinator may read it alone.

        Only an enabled entity is asked: Home Assistant removes one that gets disabled,
        and ``update_entity`` finds only the entities it has.
        """
        await self.coordinator.async_refresh_item(self.item)

    @property
    @override
    def available(self) -> bool:
        """Tell whether the item is on the account and the entity has a state."""
        description = self.entity_description
        subject = description.subject
        # The item's presence is read from the subject's last good poll.
        return (
            super().available
            and self.item in subject.items_fn(self.data)
            and description.available_fn(self.data, self.item)
        )


async def async_add_described_entities[DescriptionT: TelcoEntityDescription[Any]](
    entry: TelcoConfigEntry,
    descriptions: Iterable[DescriptionT],
    entity_class: Callable[[Any, DescriptionT, str], Entity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a platform's entities for the account and each item, now and as items appear."""
    data = entry.runtime_data
    described = tuple(descriptions)

    def create(subject: Subject[Any], item: str) -> list[Entity]:
        return [
            entity_class(data, description, item)
            for description in described
            if description.subject is subject and description.exists_fn(data, item)
        ]

    await data.items.async_add_platform(create, async_add_entities)
