"""Odorik's public numbers with their routing rules and parallel ringings.

Each number's routing is read on its own. A login may list numbers whose routing it
may not read: the list holds every public number of the account (document 000), a
line login included, and Odorik answers ``unauthorized`` (or
``nonexisting_public_number``) to reading another line's number. Such a number stays
listed, its routing marked unread: the other numbers are shown all the same, and no
device is removed for it.

Odorik documents no change in progress for routing: a change is read back at once,
and must show there.

Routing changes only when someone edits it, so a number is read after setup, right
after a change made here, on ``update_entity`` of its entities, when the list shows
it new, and otherwise once an hour: each poll (every 15 minutes) reads the list and,
with it, the numbers due, a quarter of them, so that the numbers are not read
together. Parallel ringing is "a special case of routing, where source_number is set
to ``*``" (document 000): the ``*`` rules of ``routes.json`` are the ringings, and
``ringings.json`` is read only when the routes hold no ``*`` rule.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ...api import TelcoApiError, TelcoError
from ...api.odorik import OdorikClient
from ...api.odorik_models import PublicNumber, Ringing, Route
from ...const import DOMAIN, LOGGER
from ...model.coordinator import TelcoCoordinator, map_client_errors
from ...model.declaration import TelcoConfigEntry
from ...model.views import ItemViews

# Routing changes by hand: the list is read every 15 minutes (a number added or removed
# shows within them), each number's routing once an hour.
ROUTING_INTERVAL: Final = timedelta(minutes=15)
ROUTING_MAX_AGE: Final = timedelta(hours=1)
# A poll reads the numbers due before the next poll, less this margin: a number read
# by a poll is due again on the poll an hour later, not on the one before it.
DUE_MARGIN: Final = timedelta(minutes=1)

# Odorik's answers to reading a number's routing that the login may not read.
UNREADABLE: Final = frozenset({"unauthorized", "nonexisting_public_number"})


@dataclass(frozen=True, kw_only=True)
class PublicNumberRouting:
    """A public number with its routing rules and parallel ringings.

    ``refused`` holds Odorik's token when it would not let the login read them;
    the lists are then empty, for nothing is known of them.
    """

    number: PublicNumber
    routes: list[Route]
    ringings: list[Ringing]
    refused: str | None = None

    @property
    def readable(self) -> bool:
        """Tell whether the routing was read."""
        return self.refused is None


def _unreadable(number: PublicNumber, result: BaseException) -> PublicNumberRouting | None:
    """Return the routing of a number the login may not read, None for any other failure."""
    if isinstance(result, TelcoApiError) and UNREADABLE.intersection(result.tokens):
        return PublicNumberRouting(number=number, routes=[], ringings=[], refused=result.token)
    return None


def _settled(
    number: PublicNumber, result: PublicNumberRouting | BaseException
) -> PublicNumberRouting:
    """Return a number's routing read, or marked unread; raise any other failure."""
    if not isinstance(result, BaseException):
        return result
    if (unread := _unreadable(number, result)) is not None:
        return unread  # kept, marked; anything else fails the read
    raise result


class OdorikRoutingCoordinator(TelcoCoordinator[dict[str, PublicNumberRouting], OdorikClient]):
    """Public numbers with their routes and parallel ringings, each number read hourly."""

    interval = ROUTING_INTERVAL

    def __init__(self, hass: HomeAssistant, entry: TelcoConfigEntry, client: OdorikClient) -> None:
        """Start with no number read."""
        super().__init__(hass, entry, client)
        # When each number listed is due to be read again.
        self.due: dict[str, datetime] = {}

    @override
    def item_views(self, data: dict[str, PublicNumberRouting]) -> ItemViews:
        """Return each public number's routing: all its entities show."""
        return ItemViews(items=dict(data))

    @map_client_errors
    async def _async_update_data(self) -> dict[str, PublicNumberRouting]:
        now = dt_util.utcnow()
        known: dict[str, PublicNumberRouting] | None = self.data
        if known is None:
            routings = await self.async_read_all()
            self._spread(now, [routing.number.public_number for routing in routings])
            return {routing.number.public_number: routing for routing in routings}
        # The numbers due are read with the list (they are known from the last one): a
        # poll is one round trip unless the list shows a number new.
        horizon = now + self.interval - DUE_MARGIN
        due = [known[key].number for key, when in self.due.items() if when <= horizon]
        numbers, results = await asyncio.gather(
            self.client.get_public_numbers(),
            asyncio.gather(*(self._routing(number) for number in due), return_exceptions=True),
        )
        listed = {number.public_number: number for number in numbers}
        read = {
            number.public_number: result
            for number, result in zip(due, results, strict=True)
            if number.public_number in listed
        }
        new = [number for key, number in listed.items() if key not in known]
        late = await asyncio.gather(
            *(self._routing(number) for number in new), return_exceptions=True
        )
        read.update(zip((number.public_number for number in new), late, strict=True))
        fresh: dict[str, PublicNumberRouting] = {}
        due_next = {key: when for key, when in self.due.items() if key in listed}
        for key, number in listed.items():
            if key in read:
                routing = _settled(number, read[key])
                fresh[key] = PublicNumberRouting(
                    number=number,
                    routes=routing.routes,
                    ringings=routing.ringings,
                    refused=routing.refused,
                )
                due_next[key] = now + ROUTING_MAX_AGE
            else:
                old = known[key]
                fresh[key] = PublicNumberRouting(
                    number=number, routes=old.routes, ringings=old.ringings, refused=old.refused
                )
        self.due = due_next
        return fresh

    def _spread(self, now: datetime, numbers: list[str]) -> None:
        """Make each number due an hour after it was read, spread over the polls of the hour."""
        polls = max(round(ROUTING_MAX_AGE / self.interval), 1)
        self.due = {
            number: now + self.interval * (1 + index % polls)
            for index, number in enumerate(numbers)
        }

    async def async_read_all(self) -> list[PublicNumberRouting]:
        """Read every public number's routing; those the login may not read are marked."""
        numbers = await self.client.get_public_numbers()
        results = await asyncio.gather(
            *(self._routing(number) for number in numbers), return_exceptions=True
        )
        return [_settled(number, result) for number, result in zip(numbers, results, strict=True)]

    async def _routing(self, number: PublicNumber) -> PublicNumberRouting:
        """Read one number's routes; the ``*`` rules among them are its parallel ringings."""
        routes = await self.client.get_routes(number.public_number)
        ringings = [
            Ringing(public_number=route.public_number, ringing_number=route.ringing_number)
            for route in routes
            if route.source_number == "*"
        ]
        if not ringings:
            # An operator that keeps parallel ringings apart from the routes.
            ringings = await self.client.get_ringings(number.public_number)
        return PublicNumberRouting(number=number, routes=routes, ringings=ringings)

    async def async_read_public_number(self, number: str) -> PublicNumberRouting:
        """Read one public number's routes and parallel ringings as they are now."""
        known = self.data.get(number)
        return await self._routing(known.number if known else PublicNumber(number, None))

    async def async_refresh_public_number(self, number: str) -> PublicNumberRouting:
        """Re-read only the public number a change was made to; its entities show it at once."""
        routing = await self.async_read_public_number(number)
        if number in self.data:
            self.due[number] = dt_util.utcnow() + ROUTING_MAX_AGE
            self._show({**self.data, number: routing})
        return routing

    def _show(self, data: dict[str, PublicNumberRouting]) -> None:
        """Show one number re-read without moving the next poll (the list keeps its pace)."""
        self.data = data
        self.async_update_listeners()

    @override
    async def async_refresh_item(self, item: str) -> None:
        """Re-read only this public number (``update_entity`` of one of its entities)."""
        if item not in self.data:
            await self.async_request_refresh()
            return
        try:
            await self.async_refresh_public_number(item)
        except TelcoApiError as err:
            if (unread := _unreadable(self.data[item].number, err)) is None:
                LOGGER.debug("Re-reading a public number's routing failed: %s", err)
                return
            self._show({**self.data, item: unread})
        except TelcoError as err:
            LOGGER.debug("Re-reading a public number's routing failed: %s", err)

    async def async_add_route(
        self, number: str, source: str, ringing: str, *, replace: bool
    ) -> PublicNumberRouting:
        """Route calls from ``source`` to ``ringing``; return the routing re-read."""
        return await self._async_change(
            number,
            self.client.add_route(number, source, ringing, replace_by_source_number=replace),
            lambda routing: any(
                route.source_number == source and route.ringing_number == ringing
                for route in routing.routes
            ),
        )

    async def async_remove_route(self, number: str, route_id: int) -> PublicNumberRouting:
        """Delete one routing rule; return the routing re-read, the rule gone."""
        return await self._async_change(
            number,
            self.client.delete_route(number, route_id),
            lambda routing: all(route.id != route_id for route in routing.routes),
        )

    async def async_add_ringing(self, number: str, ringing: str) -> PublicNumberRouting:
        """Make ``ringing`` ring in parallel; return the routing re-read."""
        return await self._async_change(
            number,
            self.client.add_ringing(number, ringing),
            lambda routing: any(item.ringing_number == ringing for item in routing.ringings),
        )

    async def async_remove_ringing(self, number: str, ringing: str) -> PublicNumberRouting:
        """Stop ``ringing`` ringing in parallel; return the routing re-read, it gone."""
        return await self._async_change(
            number,
            self.client.delete_ringing(number, ringing),
            lambda routing: all(item.ringing_number != ringing for item in routing.ringings),
        )

    async def _async_change(
        self,
        number: str,
        change: Awaitable[object],
        shows: Callable[[PublicNumberRouting], bool],
    ) -> PublicNumberRouting:
        """Change a number's routing and return it re-read, which must show the change.

        A lost answer counts when the re-read shows the change; an answer of
        success whose re-read does not show it is no success.
        """

        async def confirm() -> bool:
            return shows(await self.async_refresh_public_number(number))

        await self.async_run_confirmed_change(change, confirm)
        routing = await self.async_ask(self.async_refresh_public_number(number))
        if not shows(routing):
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="change_not_shown")
        return routing
