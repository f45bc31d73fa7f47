"""Odorik's account: balance, SIM cards and this month's call statistics; SIM changes.

A SIM change may take Odorik a while (``changes_in_progress``): meanwhile the
entities show what was asked for. A change whose answer was lost is judged by
reading the SIM cards again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Final, override

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ...api import TelcoError
from ...api.odorik import OdorikClient
from ...api.odorik_models import CallStatistics, SimCard, SimCardUpdate
from ...const import LOGGER, ODORIK_TIMEZONE
from ...model.coordinator import TelcoCoordinator, map_client_errors
from ...model.declaration import TelcoConfigEntry
from ...model.views import ItemViews
from .options import roaming_off

# The balance, SIM cards and statistics change when the user acts. This month's call
# statistics and missed calls change only when a record enters the call history, which
# the calls coordinator reads every 30 s: they are read when it saw a record since
# their last read, at a new Prague month, at setup and after a failed poll.
ACCOUNT_INTERVAL: Final = timedelta(minutes=5)


def month_start(now: datetime) -> datetime:
    """Return the start of ``now``'s month in Prague time (Odorik's billing month)."""
    local = now.astimezone(ODORIK_TIMEZONE)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def shows(update: SimCardUpdate, card: SimCard) -> bool:
    """Tell whether a SIM card reads as ``update`` asks; a setting it does not show cannot."""
    settings = {item.name for item in fields(SimCard)}
    return set(update.changes()) <= settings and update.applied_to(card) == card


@dataclass(frozen=True, kw_only=True)
class OdorikAccount:
    """One poll of the Odorik account: balance, SIM cards and this month's calls."""

    balance: float
    sim_cards: dict[str, SimCard]
    statistics: CallStatistics
    missed_calls: int
    # The start of the Prague month the statistics count from.
    month: datetime


class OdorikAccountCoordinator(TelcoCoordinator[OdorikAccount, OdorikClient]):
    """Balance, SIM cards (one list request for all) and month-to-date call statistics."""

    interval = ACCOUNT_INTERVAL

    def __init__(self, hass: HomeAssistant, entry: TelcoConfigEntry, client: OdorikClient) -> None:
        """Start with no change waiting to be applied."""
        super().__init__(hass, entry, client)
        # Changes the user asked for while the operator still applies them, by phone
        # number; shown instead of the old values until the SIM card's
        # changes_in_progress list is empty again.
        self.requested: dict[str, SimCardUpdate] = {}
        # The last roaming profile of each SIM card other than its "off" one, to go back to.
        self.last_roaming: dict[str, str] = {}
        # SIM cards a change was sent to whose answer was lost and that were not read
        # since: the client reads such a card afresh before the next change.
        self._unsure: set[str] = set()
        # Whether a call record may have changed the statistics since they were read.
        self.statistics_stale = True

    @callback
    def async_calls_recorded(self) -> None:
        """Note that the call history has new records: the next poll reads the statistics."""
        self.statistics_stale = True

    @override
    def item_views(self, data: OdorikAccount) -> ItemViews:
        """Return the account's values under ``""``, each SIM card's under its number.

        A SIM card's entities show it as asked for, and turn roaming back on with
        its last profile: both belong to its view.
        """
        items: dict[str, object] = {"": replace(data, sim_cards={})}
        for number, card in data.sim_cards.items():
            items[number] = (card, self.requested.get(number), self.last_roaming.get(number))
        return ItemViews(items=items)

    @map_client_errors
    async def _async_update_data(self) -> OdorikAccount:
        now = dt_util.utcnow()
        start = month_start(now)
        last: OdorikAccount | None = self.data
        if last is not None and last.month == start and not self.statistics_stale:
            try:
                balance, sim_cards = await asyncio.gather(
                    self.client.get_balance(), self._fetch_sim_cards()
                )
            except BaseException:
                self.statistics_stale = True  # a failed poll reads everything next time
                raise
            return replace(last, balance=balance, sim_cards=sim_cards)
        # Cleared before the read: a record seen while it runs marks them again.
        self.statistics_stale = False
        try:
            balance, sim_cards, statistics, missed = await asyncio.gather(
                self.client.get_balance(),
                self._fetch_sim_cards(),
                self.client.get_call_statistics(start=start, end=now),
                self.client.get_missed_calls(start=start, end=now),
            )
        except BaseException:
            self.statistics_stale = True
            raise
        return OdorikAccount(
            balance=balance,
            sim_cards=sim_cards,
            statistics=statistics,
            missed_calls=sum(item.count for item in missed),
            month=start,
        )

    async def _fetch_sim_cards(self) -> dict[str, SimCard]:
        cards = await self.client.get_sim_cards(
            include_available_data_packages=True, include_available_roaming_settings=True
        )
        by_number = {card.phone_number: card for card in cards if card.phone_number}
        self._unsure.clear()
        self.requested = {
            number: update
            for number, update in self.requested.items()
            if number in by_number and by_number[number].changes_in_progress
        }
        for number, card in by_number.items():
            off = roaming_off(card.available_roaming_settings)
            if off is not None and card.roaming is not None and card.roaming != off:
                self.last_roaming[number] = card.roaming
        return by_number

    async def async_refresh_sim_cards(self) -> None:
        """Re-read only the SIM cards after a change (not balance or statistics)."""
        try:
            sim_cards = await self._fetch_sim_cards()
        except TelcoError as err:
            # The change itself went through; the next regular poll shows it. Until
            # then the entities show what was asked for.
            LOGGER.debug("Re-reading the SIM cards after a change failed: %s", err)
            self.async_update_listeners()
            return
        self.async_set_updated_data(replace(self.data, sim_cards=sim_cards))

    @callback
    def async_set_balance(self, balance: float) -> None:
        """Show the credit an answer of the operator reported (an SMS tells what is left)."""
        self.async_set_updated_data(replace(self.data, balance=balance))

    def sim_card(self, number: str) -> SimCard:
        """Return a SIM card as it will be once the changes asked for are applied."""
        card = self.data.sim_cards[number]
        requested = self.requested.get(number)
        return requested.applied_to(card) if requested else card

    def roaming_to_restore(self, number: str) -> str | None:
        """Return the roaming profile to turn roaming back on with; None if none is offered."""
        card = self.data.sim_cards[number]
        off = roaming_off(card.available_roaming_settings)
        offered = [
            option.name for option in card.available_roaming_settings or () if option.name != off
        ]
        if self.last_roaming.get(number) in offered:
            return self.last_roaming[number]
        return offered[0] if offered else None

    async def async_update_sim(self, number: str, update: SimCardUpdate) -> None:
        """Change SIM settings, show them as asked for while applied, re-read the SIM cards.

        An answer lost on the way counts when the re-read shows the settings, or
        Odorik applying a change it was not applying before.
        """
        before = self.data.sim_cards[number]
        current = None if number in self._unsure else before
        await self.async_run_confirmed_change(
            self.client.update_sim_card(number, update, current=current),
            lambda: self._async_took(number, before, lambda card: shows(update, card)),
        )
        self.requested[number] = self.requested.get(number, SimCardUpdate()).merged(update)
        await self.async_refresh_sim_cards()

    async def async_data_restart(self, number: str) -> None:
        """Restart a SIM card's mobile data (lift the fair-use limit), re-read the SIM cards.

        A lost answer counts when the re-read shows a restart: a data package turned
        into per-kB billing, or a change being applied.
        """
        before = self.data.sim_cards[number]
        await self.async_run_confirmed_change(
            self.client.data_restart(number),
            lambda: self._async_took(
                number, before, lambda card: card.data_package != before.data_package
            ),
        )
        await self.async_refresh_sim_cards()

    async def _async_took(
        self, number: str, before: SimCard, done: Callable[[SimCard], bool]
    ) -> bool:
        """Re-read the SIM cards after a lost answer; tell whether Odorik took the change."""
        self._unsure.add(number)
        sim_cards = await self._fetch_sim_cards()
        self.async_set_updated_data(replace(self.data, sim_cards=sim_cards))
        if (card := sim_cards.get(number)) is None:
            return False
        started = bool(card.changes_in_progress) and not before.changes_in_progress
        return started or done(card)
