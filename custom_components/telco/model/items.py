"""Which items an account has: entities for new ones, devices of long-gone ones removed.

Items come and go. ``ItemTracker`` adds entities when an item appears, leaves them
unavailable while it is missing, and removes its device only after it has been
absent from every successful answer for 24 hours: a SIM card moved between lines,
a number briefly missing from a list or an answer cut short must not take the
user's names, areas and history with them; a day is long enough to ride out such
hiccups and short enough for the device list to follow the account.

The absence clocks are kept in storage, named by the account like its call cursor,
so that a restart within the day does not start them again; the items are those
with a device or entities registered, whichever run gave them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from .descriptions import Subject, TelcoEntityDescription

ABSENCE_BEFORE_REMOVAL: Final = timedelta(hours=24)
ABSENCE_VERSION: Final = 1
# Home Assistant adds a platform's entities without letting the loop turn (about 0.25 ms
# each): an account with hundreds of SIM cards is added this many at a time, the loop
# turning in between, so that no callback holds it past a few tens of milliseconds.
ADD_BATCH: Final = 100


def absence_store(hass: HomeAssistant, entry: ConfigEntry[Any]) -> Store[dict[str, Any]]:
    """Return where an account's absence clocks are kept: named by the account, not the entry."""
    return Store(hass, ABSENCE_VERSION, f"{DOMAIN}.absence.{entry.unique_id}")


def account_identifier(entry: ConfigEntry[Any]) -> str:
    """Return the identifier of an account: its unique id, never the entry id.

    Deleting and re-adding the account finds the user's names, areas and history again.
    """
    return str(entry.unique_id)


def item_identifier(entry: ConfigEntry[Any], subject: Subject[Any], item: str) -> str:
    """Return the device identifier of one item (or of the account for its subject)."""
    account = account_identifier(entry)
    return f"{account}_{subject.key}_{item}" if subject.key else account


def entity_unique_id(
    entry: ConfigEntry[Any], description: TelcoEntityDescription[Any], item: str
) -> str:
    """Return the unique id of the entity ``description`` makes for ``item`` (or the account)."""
    item_id = f"{description.subject.id_prefix}{item}" if item else ""
    parts = (account_identifier(entry), item_id, description.key)
    return "_".join(part for part in parts if part)


@dataclass
class _Platform:
    """One platform's way of making entities for an item, and the items it has done."""

    create: Callable[[Subject[Any], str], Iterable[Entity]]
    add: AddConfigEntryEntitiesCallback
    added: set[tuple[str, str]] = field(default_factory=set)


class ItemTracker:
    """Which items each subject has: entities for new items, devices of long-gone ones removed.

    ``data`` is the entry's runtime data, which the subjects read their items from;
    ``descriptions`` are the operator's entity descriptions, whose keys end the unique
    ids of the entities of items without a device. Call ``async_start`` once the first
    polls are in.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        data: Any,
        subjects: Iterable[Subject[Any]],
        descriptions: Iterable[TelcoEntityDescription[Any]] = (),
    ) -> None:
        """Follow the polls of every subject's coordinator."""
        self.hass = hass
        self.entry = entry
        self.data = data
        self.subjects = tuple(subjects)
        self._entity_keys: dict[str, set[str]] = {}
        for description in descriptions:
            self._entity_keys.setdefault(description.subject.key, set()).add(description.key)
        self._platforms: list[_Platform] = []
        self._absent_since: dict[tuple[str, str], datetime] = {}
        self._store = absence_store(hass, entry)
        coordinators = {id(s.coordinator_fn(data)): s.coordinator_fn(data) for s in self.subjects}
        for coordinator in coordinators.values():
            entry.async_on_unload(coordinator.async_add_listener(self._async_polled))

    async def async_start(self) -> None:
        """Take up the absence clocks of the last run, and judge the first polls by them."""
        stored = await self._store.async_load() or {}
        for clock in stored.get("absent_since", []):
            since = dt_util.parse_datetime(str(clock.get("since")))
            if since is not None:
                self._absent_since[(str(clock["subject"]), str(clock["item"]))] = since
        self._remove_long_gone(dt_util.utcnow())

    async def async_add_platform(
        self,
        create: Callable[[Subject[Any], str], Iterable[Entity]],
        add: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add a platform's entities for every item now, and for new items as they appear.

        Those of now are made and added ``ADD_BATCH`` at a time, each batch in a
        callback of its own (Home Assistant starts every platform's setup at once, in
        one callback). A poll meanwhile adds the items it finds first itself.
        """
        platform = _Platform(create, add)
        self._platforms.append(platform)
        batch: list[Entity] = []
        for entity in self._iter_new_entities(platform):
            if not batch:
                await asyncio.sleep(0)
            batch.append(entity)
            if len(batch) >= ADD_BATCH:
                add(batch)
                batch = []
        if batch:
            add(batch)

    @callback
    def forget(self, subject_key: str, item: str) -> None:
        """Forget an item whose device is gone, so that its entities return with it."""
        if self._absent_since.pop((subject_key, item), None) is not None:
            self._save()
        for platform in self._platforms:
            platform.added.discard((subject_key, item))

    def present(self, subject: Subject[Any]) -> Collection[str]:
        """Return the items the subject's last successful poll listed."""
        return subject.items_fn(self.data)

    @callback
    def _async_polled(self) -> None:
        # A poll of a large account lists hundreds of items, usually none of them new.
        listed = self._listed()
        for platform in self._platforms:
            if not listed <= platform.added:
                self._add_entities(platform)
        self._remove_long_gone(dt_util.utcnow())

    def _listed(self) -> set[tuple[str, str]]:
        """Return the items the last successful polls listed, by subject key."""
        return {
            (subject.key, item)
            for subject in self.subjects
            if subject.coordinator_fn(self.data).last_update_success
            for item in self.present(subject)
        }

    def _add_entities(self, platform: _Platform) -> None:
        if entities := list(self._iter_new_entities(platform)):
            platform.add(entities)

    def _iter_new_entities(self, platform: _Platform) -> Iterator[Entity]:
        """Make the platform's entities of the items it has none for yet (then it has).

        Each item is taken up as the iteration reaches it, and only if it is still new.
        """
        for subject in self.subjects:
            if not subject.coordinator_fn(self.data).last_update_success:
                continue
            for item in list(self.present(subject)):
                if (subject.key, item) not in platform.added:
                    platform.added.add((subject.key, item))
                    yield from platform.create(subject, item)

    def _remove_long_gone(self, now: datetime) -> None:
        before = dict(self._absent_since)
        for subject in self.subjects:
            if not subject.key or not subject.coordinator_fn(self.data).last_update_success:
                continue  # the account stays; a failed poll says nothing about absence
            present = set(self.present(subject))
            known = self._known_items(subject)
            for key in [key for key in self._absent_since if key[0] == subject.key]:
                if key[1] not in known:  # its device or entities went another way
                    del self._absent_since[key]
            for item in known:
                key = (subject.key, item)
                if item in present:
                    self._absent_since.pop(key, None)
                    continue
                since = self._absent_since.setdefault(key, now)
                if now - since >= ABSENCE_BEFORE_REMOVAL:
                    self._remove_item(subject, item)
        if self._absent_since != before:
            self._save()

    def _save(self) -> None:
        clocks = [
            {"subject": subject, "item": item, "since": since.isoformat()}
            for (subject, item), since in sorted(self._absent_since.items())
        ]
        self.entry.async_create_task(
            self.hass, self._store.async_save({"absent_since": clocks}), "telco absence clocks"
        )

    def _known_items(self, subject: Subject[Any]) -> set[str]:
        """Return the items of a subject that have a device or entities registered."""
        if subject.device_fn is not None:
            prefix = item_identifier(self.entry, subject, "")
            devices = dr.async_entries_for_config_entry(
                dr.async_get(self.hass), self.entry.entry_id
            )
            return {
                identifier.removeprefix(prefix)
                for device in devices
                for domain, identifier in device.identifiers
                if domain == DOMAIN and identifier.startswith(prefix)
            }
        # Items without a device of their own: those whose entities are registered,
        # ``<account>_<id_prefix><item>_<description key>``, from this run or an earlier.
        prefix = f"{account_identifier(self.entry)}_{subject.id_prefix}"
        suffixes = sorted(
            (f"_{key}" for key in self._entity_keys.get(subject.key, ())), key=len, reverse=True
        )
        items: set[str] = set()
        for entity in er.async_entries_for_config_entry(
            er.async_get(self.hass), self.entry.entry_id
        ):
            rest = entity.unique_id.removeprefix(prefix)
            if rest == entity.unique_id:
                continue
            suffix = next((s for s in suffixes if rest.endswith(s) and rest != s), None)
            if suffix is not None:
                items.add(rest.removesuffix(suffix))
        return items

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
        found = item_of_device(self.entry, self.subjects, device)
        if found is None or found[1] in self.present(found[0]):
            return None
        return found


def item_of_device(
    entry: ConfigEntry[Any], subjects: Iterable[Subject[Any]], device: dr.DeviceEntry
) -> tuple[Subject[Any], str] | None:
    """Return the subject and item whose device this is; None for the account's, or others."""
    for subject in subjects:
        if not subject.key or subject.device_fn is None:
            continue
        prefix = item_identifier(entry, subject, "")
        for domain, identifier in device.identifiers:
            if domain == DOMAIN and identifier.startswith(prefix):
                return subject, identifier.removeprefix(prefix)
    return None
