"""The entity model: subjects, descriptions, the base entity, devices and their lifecycle.

Every entity belongs to a *subject*: the account itself, or one item of a kind the
account has (a SIM card, a public number, a direct number, a SIP line). Each
platform has one entity class, driven by frozen descriptions that say which subject
they belong to, whether an item has such an entity (``exists_fn``), when it is
available (``available_fn``), how it reads its state and, for writes, how it asks
the coordinator's write path for a change (``set_fn`` and kin). Each operator's
declaration (``operators/``) lists its subjects and descriptions.

Items come and go. ``ItemTracker`` adds entities when an item appears, leaves them
unavailable while it is missing, and removes its device only after it has been
absent from every successful answer for 24 hours: a SIM card moved between lines,
a number briefly missing from a list or an answer cut short must not take the
user's names, areas and history with them; a day is long enough to ride out such
hiccups and short enough for the device list to follow the account.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .coordinator import TelcoConfigEntry, TelcoCoordinator, TelcoRuntimeData

if TYPE_CHECKING:
    from .operators import Operator

# Home Assistant 2026.8 links a device to its parent by the parent's registry id and
# deprecates the parent's identifier (`via_device`); our floor, 2025.4, knows only that.
LINK_BY_DEVICE_ID: Final = (MAJOR_VERSION, MINOR_VERSION) >= (2026, 8)

ABSENCE_BEFORE_REMOVAL: Final = timedelta(hours=24)


@dataclass(frozen=True, kw_only=True)
class DeviceFacts:
    """What the device of one item is called and what it is."""

    name: str
    model: str
    serial_number: str | None = None


def _no_placeholders(_item: str) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True, kw_only=True)
class Subject[DataT: TelcoRuntimeData]:
    """A kind of thing entities belong to: the account, or items such as SIM cards.

    ``key`` names the kind in device identifiers (empty for the account itself);
    ``items_fn`` lists the items the last successful poll of ``coordinator_fn``
    returned; ``device_fn`` describes an item's device, or is None when the items'
    entities sit on the account's device (SIP lines); ``id_prefix`` goes before the
    item in unique ids.
    """

    key: str
    coordinator_fn: Callable[[DataT], TelcoCoordinator[Any, Any]]
    items_fn: Callable[[DataT], Collection[str]]
    device_fn: Callable[[DataT, str], DeviceFacts] | None = None
    id_prefix: str = ""
    placeholders_fn: Callable[[str], Mapping[str, str]] = _no_placeholders


def account_subject[DataT: TelcoRuntimeData](
    coordinator_fn: Callable[[DataT], TelcoCoordinator[Any, Any]],
) -> Subject[DataT]:
    """Return the subject of the account itself: one item, the account's own device."""
    return Subject(key="", coordinator_fn=coordinator_fn, items_fn=lambda _data: ("",))


def _always(_data: Any, _item: str) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class TelcoEntityDescription[DataT: TelcoRuntimeData](EntityDescription):
    """What every description says: its subject, its coordinator, when it exists.

    ``coordinator_fn`` names the coordinator whose polls hold the state, when it is
    not the subject's (a SIM card's mobile data comes from its own poll).
    """

    subject: Subject[DataT]
    coordinator_fn: Callable[[DataT], TelcoCoordinator[Any, Any]] | None = None
    exists_fn: Callable[[DataT, str], bool] = _always
    available_fn: Callable[[DataT, str], bool] = _always


def account_identifier(entry: TelcoConfigEntry) -> str:
    """Return the identifier of an account: its unique id, never the entry id.

    Deleting and re-adding the account finds the user's names, areas and history again.
    """
    return str(entry.unique_id)


def item_identifier(entry: TelcoConfigEntry, subject: Subject[Any], item: str) -> str:
    """Return the device identifier of one item (or of the account for its subject)."""
    account = account_identifier(entry)
    return f"{account}_{subject.key}_{item}" if subject.key else account


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
        model="Account",
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
    device = DeviceInfo(
        identifiers={(DOMAIN, item_identifier(entry, subject, item))},
        name=facts.name,
        manufacturer=data.operator.manufacturer,
        model=facts.model,
        serial_number=facts.serial_number,
    )
    # Each key is typed on the Home Assistant versions that take it, and only there.
    if LINK_BY_DEVICE_ID:
        device["via_device_id"] = data.account_device_id  # type: ignore[typeddict-unknown-key, unused-ignore]
    else:
        device["via_device"] = (DOMAIN, account_identifier(entry))  # type: ignore[typeddict-unknown-key, unused-ignore]
    return device


def display_number(number: str) -> str:
    """Format an operator number (00420…, 4420…) for a device name: +420 799 799 081."""
    digits = number.removeprefix("00").removeprefix("+")
    if not digits.isdigit():
        return number
    if digits.startswith("420") and len(digits) == 12:
        return f"+420 {digits[3:6]} {digits[6:9]} {digits[9:]}"
    return f"+{digits}"


class TelcoEntity[DataT: TelcoRuntimeData](CoordinatorEntity[TelcoCoordinator[Any, Any]]):
    """An entity of the account, or of one item of the account."""

    _attr_has_entity_name = True
    entity_description: TelcoEntityDescription[DataT]

    def __init__(self, data: DataT, description: TelcoEntityDescription[DataT], item: str) -> None:
        """Name the entity by its description and tie it to its subject's device."""
        subject = description.subject
        coordinator = (description.coordinator_fn or subject.coordinator_fn)(data)
        super().__init__(coordinator)
        self.data = data
        self.item = item
        self.entity_description = description
        entry = coordinator.config_entry
        item_id = f"{subject.id_prefix}{item}" if item else ""
        parts = (account_identifier(entry), item_id, description.key)
        self._attr_unique_id = "_".join(part for part in parts if part)
        self._attr_device_info = device_info(entry, data, subject, item)
        self._attr_translation_placeholders = dict(subject.placeholders_fn(item))

    @override
    async def async_added_to_hass(self) -> None:
        """Also follow the subject's polls, which say whether the item still exists."""
        await super().async_added_to_hass()
        subject_coordinator = self.entity_description.subject.coordinator_fn(self.data)
        if subject_coordinator is not self.coordinator:
            self.async_on_remove(
                subject_coordinator.async_add_listener(self._handle_coordinator_update)
            )

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


@dataclass
class _Platform:
    """One platform's way of making entities for an item, and the items it has done."""

    create: Callable[[Subject[Any], str], Iterable[Entity]]
    add: AddConfigEntryEntitiesCallback
    added: set[tuple[str, str]] = field(default_factory=set)


class ItemTracker:
    """Which items each subject has: entities for new items, devices of long-gone ones removed."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: TelcoConfigEntry,
        data: TelcoRuntimeData,
        subjects: Iterable[Subject[Any]],
    ) -> None:
        """Follow the polls of every subject's coordinator."""
        self.hass = hass
        self.entry = entry
        self.data = data
        self.subjects = tuple(subjects)
        self._platforms: list[_Platform] = []
        self._absent_since: dict[tuple[str, str], datetime] = {}
        coordinators = {id(s.coordinator_fn(data)): s.coordinator_fn(data) for s in self.subjects}
        for coordinator in coordinators.values():
            entry.async_on_unload(coordinator.async_add_listener(self._async_polled))

    @callback
    def add_platform(
        self,
        create: Callable[[Subject[Any], str], Iterable[Entity]],
        add: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add a platform's entities for every item now, and for new items as they appear."""
        platform = _Platform(create, add)
        self._platforms.append(platform)
        self._add_entities(platform)

    @callback
    def forget(self, subject_key: str, item: str) -> None:
        """Forget an item whose device is gone, so that its entities return with it."""
        self._absent_since.pop((subject_key, item), None)
        for platform in self._platforms:
            platform.added.discard((subject_key, item))

    def present(self, subject: Subject[Any]) -> Collection[str]:
        """Return the items the subject's last successful poll listed."""
        return subject.items_fn(self.data)

    @callback
    def _async_polled(self) -> None:
        for platform in self._platforms:
            self._add_entities(platform)
        self._remove_long_gone(dt_util.utcnow())

    def _add_entities(self, platform: _Platform) -> None:
        entities: list[Entity] = []
        for subject in self.subjects:
            if not subject.coordinator_fn(self.data).last_update_success:
                continue
            for item in self.present(subject):
                if (subject.key, item) not in platform.added:
                    platform.added.add((subject.key, item))
                    entities.extend(platform.create(subject, item))
        if entities:
            platform.add(entities)

    def _remove_long_gone(self, now: datetime) -> None:
        for subject in self.subjects:
            if not subject.key or not subject.coordinator_fn(self.data).last_update_success:
                continue  # the account stays; a failed poll says nothing about absence
            present = set(self.present(subject))
            for item in self._known_items(subject):
                key = (subject.key, item)
                if item in present:
                    self._absent_since.pop(key, None)
                    continue
                since = self._absent_since.setdefault(key, now)
                if now - since >= ABSENCE_BEFORE_REMOVAL:
                    self._remove_item(subject, item)

    def _known_items(self, subject: Subject[Any]) -> set[str]:
        """Return the items of a subject that have a device or entities registered."""
        prefix = item_identifier(self.entry, subject, "")
        if subject.device_fn is not None:
            devices = dr.async_entries_for_config_entry(
                dr.async_get(self.hass), self.entry.entry_id
            )
            return {
                identifier.removeprefix(prefix)
                for device in devices
                for domain, identifier in device.identifiers
                if domain == DOMAIN and identifier.startswith(prefix)
            }
        # Items without a device of their own: those given entities during this run.
        return {
            item
            for platform in self._platforms
            for key, item in platform.added
            if key == subject.key
        }

    def _remove_item(self, subject: Subject[Any], item: str) -> None:
        if subject.device_fn is not None:
            registry = dr.async_get(self.hass)
            identifier = (DOMAIN, item_identifier(self.entry, subject, item))
            for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
                if identifier in device.identifiers:
                    registry.async_remove_device(device.id)
        else:
            entities = er.async_get(self.hass)
            prefix = f"{account_identifier(self.entry)}_{subject.id_prefix}{item}_"
            for entity in er.async_entries_for_config_entry(entities, self.entry.entry_id):
                if entity.unique_id.startswith(prefix):
                    entities.async_remove(entity.entity_id)
        self.forget(subject.key, item)

    def removable(self, device: dr.DeviceEntry) -> tuple[Subject[Any], str] | None:
        """Return the subject and item of a device the user may delete: one no longer listed."""
        for subject in self.subjects:
            if not subject.key or subject.device_fn is None:
                continue
            prefix = item_identifier(self.entry, subject, "")
            for domain, identifier in device.identifiers:
                if domain == DOMAIN and identifier.startswith(prefix):
                    item = identifier.removeprefix(prefix)
                    return None if item in self.present(subject) else (subject, item)
        return None


@callback
def add_described_entities[DescriptionT: TelcoEntityDescription[Any]](
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

    data.items.add_platform(create, async_add_entities)
