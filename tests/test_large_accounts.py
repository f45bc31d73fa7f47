"""Large accounts: hundreds of SIM cards are added without holding the event loop."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import EntityPlatform
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.model.entity import TelcoEntity
from custom_components.telco.model.items import ADD_BATCH
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY


async def test_many_entities_are_added_a_batch_a_callback(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Adding every entity of 120 SIM cards in one go held the loop for the whole lot
    (about 1.2 s for 500 SIM cards, scripts/bench cycles): each platform adds them a
    batch at a time, each batch in a callback of its own."""
    # Set up and unloaded once: the platforms are imported, so that nothing waits for
    # an import (as at any setup after Home Assistant's start).
    odorik_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(odorik_entry.entry_id)
    await hass.async_block_till_done()
    simulator.app[ODORIK_KEY].add_synthetic(sim_cards=120)
    # Every callback the loop runs (a task's step among them) goes through Handle._run.
    steps = 0
    run = asyncio.Handle._run

    def counted_run(handle: asyncio.Handle) -> None:
        nonlocal steps
        steps += 1
        run(handle)

    monkeypatch.setattr(asyncio.Handle, "_run", counted_run)
    batches: list[tuple[str, int, int]] = []  # (platform, entities, loop callback)
    add = EntityPlatform.async_add_entities

    async def counted(self: EntityPlatform, entities: Any, *args: Any, **kwargs: Any) -> None:
        entities = list(entities)
        if self.platform_name == "telco":
            batches.append((self.domain, len(entities), steps))
        await add(self, entities, *args, **kwargs)

    monkeypatch.setattr(EntityPlatform, "async_add_entities", counted)
    made: Counter[int] = Counter()  # entities made per loop callback
    init = TelcoEntity.__init__

    def made_in_step(self: TelcoEntity[Any], *args: Any) -> None:
        made[steps] += 1
        init(self, *args)

    monkeypatch.setattr(TelcoEntity, "__init__", made_in_step)
    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    assert odorik_entry.state is ConfigEntryState.LOADED
    # Every entity is there once setup has returned.
    registered = er.async_entries_for_config_entry(er.async_get(hass), odorik_entry.entry_id)
    assert len(registered) == sum(size for _, size, _ in batches)
    enabled = [entity for entity in registered if entity.disabled_by is None]
    assert enabled
    assert all(hass.states.get(entity.entity_id) for entity in enabled)
    await hass.async_block_till_done()

    sensors = [batch for batch in batches if batch[0] == "sensor"]
    assert sum(size for _, size, _ in sensors) > 2 * ADD_BATCH  # more than two batches' worth
    assert max(size for _, size, _ in batches) <= ADD_BATCH
    # No two batches are added in one callback, of one platform or of two (Home
    # Assistant starts every platform's setup at once, in one callback).
    assert len({step for _, _, step in batches}) == len(batches)
    # They are made a batch at a time too (an item's few entities at once).
    assert max(made.values()) <= ADD_BATCH + 10
