"""Odorik's public numbers with their routing rules and parallel ringings.

Each number's routing is read on its own. A login may list numbers whose routing it
may not read: the list holds every public number of the account (document 000), a
line login included, and Odorik answers ``unauthorized`` (or
``nonexisting_public_number``) to reading another line's number. Such a number stays
listed, its routing marked unread: the other numbers are shown all the same, and no
device is removed for it.

Odorik documents no change in progress for routing: a change is read back at once,
and must show there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, override

from homeassistant.exceptions import HomeAssistantError

from ...api import TelcoApiError
from ...api.odorik import OdorikClient
from ...api.odorik_models import PublicNumber, Ringing, Route
from ...const import DOMAIN
from ...model.coordinator import TelcoCoordinator, map_client_errors
from ...model.views import ItemViews

# Routing changes by hand.
ROUTING_INTERVAL: Final = timedelta(minutes=15)

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


class OdorikRoutingCoordinator(TelcoCoordinator[dict[str, PublicNumberRouting], OdorikClient]):
    """Public numbers with their routes and parallel ringings."""

    interval = ROUTING_INTERVAL

    @override
    def item_views(self, data: dict[str, PublicNumberRouting]) -> ItemViews:
        """Return each public number's routing: all its entities show."""
        return ItemViews(items=dict(data))

    @map_client_errors
    async def _async_update_data(self) -> dict[str, PublicNumberRouting]:
        return {routing.number.public_number: routing for routing in await self.async_read_all()}

    async def async_read_all(self) -> list[PublicNumberRouting]:
        """Read every public number's routing; those the login may not read are marked."""
        numbers = await self.client.get_public_numbers()
        results = await asyncio.gather(
            *(self._routing(number) for number in numbers), return_exceptions=True
        )
        routings: list[PublicNumberRouting] = []
        for number, result in zip(numbers, results, strict=True):
            if not isinstance(result, BaseException):
                routings.append(result)
            elif (unread := _unreadable(number, result)) is not None:
                routings.append(unread)  # kept, marked; anything else fails the read
            else:
                raise result
        return routings

    async def _routing(self, number: PublicNumber) -> PublicNumberRouting:
        routes, ringings = await asyncio.gather(
            self.client.get_routes(number.public_number),
            self.client.get_ringings(number.public_number),
        )
        return PublicNumberRouting(number=number, routes=routes, ringings=ringings)

    async def async_read_public_number(self, number: str) -> PublicNumberRouting:
        """Read one public number's routes and parallel ringings as they are now."""
        known = self.data.get(number)
        return await self._routing(known.number if known else PublicNumber(number, None))

    async def async_refresh_public_number(self, number: str) -> PublicNumberRouting:
        """Re-read only the public number a change was made to; its entities show it at once."""
        routing = await self.async_read_public_number(number)
        if number in self.data:
            self.async_set_updated_data({**self.data, number: routing})
        return routing

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
