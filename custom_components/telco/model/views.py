"""What each item of a coordinator shows, and its entities listening as one.

A coordinator that tells what each of its items shows (``item_views``) lets a poll
that changed nothing, or one item, write only the entities of the items that
changed: a large account's poll is then no longer thousands of state writes. The
entities of one item listen as one (``ItemContext``): a poll calls a listener an
item, not one an entity. Coordinators that tell no views call every entity, as
Home Assistant's do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, override

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


@dataclass(frozen=True, kw_only=True)
class ItemViews:
    """What the entities of each item show from one poll, by item; compared between polls.

    ``items`` holds, by item (``""`` for the account), everything its entities read
    from the poll and from the coordinator; ``common`` what every item's entities read
    (a billing month), whose change changes them all.
    """

    items: Mapping[str, object]
    common: object = None


@dataclass(frozen=True)
class ItemContext:
    """What an entity listens to a coordinator for: the item it shows (``""``: the account)."""

    item: str


@dataclass(frozen=True)
class _ItemListeners:
    """The listeners of one item, and how to stop the one listener they are to the coordinator."""

    listeners: dict[object, CALLBACK_TYPE]
    stop: CALLBACK_TYPE


# An item of one view that the other has not.
_ABSENT: Final = object()


class ItemViewsCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """A coordinator whose listeners of an item are called when the item's view changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Start with nothing shown: the first call of the listeners calls every one."""
        super().__init__(*args, **kwargs)
        # What the listeners were last called with: the views and whether polls succeeded.
        self._shown: ItemViews | None = None
        self._shown_success = False
        # The items whose views changed in the call of the listeners; None for every item.
        self._changed: set[str] | None = None
        # The listeners of each item, called by the one listener the item has here.
        self._item_listeners: dict[str, _ItemListeners] = {}

    def item_views(self, data: DataT) -> ItemViews | None:
        """Return what each item's entities show from ``data``; None if not told.

        A coordinator that tells calls the listeners of an item (``ItemContext``) only
        when its view changed; otherwise every entity writes on every call of the
        listeners. The items of every subject the coordinator holds share the keys:
        the view of a key shared by two holds what the entities of both show.
        """
        return None

    @callback
    @override
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for data updates; the listeners of an item's entities are grouped by item.

        The group is one listener of Home Assistant's coordinator, added with the
        item's first listener and removed with its last: polls are scheduled while
        anything listens, as ever.
        """
        if not isinstance(context, ItemContext):
            return super().async_add_listener(update_callback, context)
        item = context.item
        if (group := self._item_listeners.get(item)) is None:
            listeners: dict[object, CALLBACK_TYPE] = {}
            stop = super().async_add_listener(
                partial(self._async_update_item, item, listeners), context
            )
            group = self._item_listeners[item] = _ItemListeners(listeners, stop)
        token = object()
        group.listeners[token] = update_callback

        @callback
        def remove_listener() -> None:
            group.listeners.pop(token, None)
            if not group.listeners and self._item_listeners.get(item) is group:
                del self._item_listeners[item]
                group.stop()

        return remove_listener

    @callback
    def _async_update_item(self, item: str, listeners: dict[object, CALLBACK_TYPE]) -> None:
        if self._changed is None or item in self._changed:
            for update_callback in list(listeners.values()):
                update_callback()

    @callback
    @override
    def async_update_listeners(self) -> None:
        """Call the listeners, an item's only when its view changed since the last call.

        Every item counts as changed when polls began or stopped succeeding (the
        entities' availability changes), when the common view changed, and when the
        coordinator tells no views.
        """
        views = None if self.data is None else self.item_views(self.data)
        shown = self._shown
        if (
            views is None
            or shown is None
            or self._shown_success != self.last_update_success
            or views.common != shown.common
        ):
            self._changed = None
        else:
            old, new = shown.items, views.items
            self._changed = {
                item
                for item in old.keys() | new.keys()
                if old.get(item, _ABSENT) != new.get(item, _ABSENT)
            }
        self._shown, self._shown_success = views, self.last_update_success
        super().async_update_listeners()
