"""Large accounts: hundreds of SIM cards are added without holding the event loop."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import EntityPlatform
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.model.items import ADD_BATCH
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY


async def test_many_entities_are_added_a_batch_a_loop_turn(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Adding every entity of 120 SIM cards in one go held the loop for the whole lot
    (about 1.2 s for 500 SIM cards, scripts/bench cycles): each platform adds them a
    batch at a time, and the loop turns between two batches."""
    simulator.app[ODORIK_KEY].add_synthetic(sim_cards=120)
    loop = asyncio.get_running_loop()
    turns = 0

    def turn() -> None:
        nonlocal turns, ticking
        turns += 1
        ticking = loop.call_soon(turn)

    ticking = loop.call_soon(turn)
    batches: list[tuple[str, int, int]] = []  # (platform, entities, loop turn)
    add = EntityPlatform.async_add_entities

    async def counted(self: EntityPlatform, entities: Any, *args: Any, **kwargs: Any) -> None:
        entities = list(entities)
        if self.platform_name == "telco":
            batches.append((self.domain, len(entities), turns))
        await add(self, entities, *args, **kwargs)

    monkeypatch.setattr(EntityPlatform, "async_add_entities", counted)
    odorik_entry.add_to_hass(hass)
    try:
        assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    finally:
        ticking.cancel()
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
    for (_, _, before), (_, _, after) in itertools.pairwise(sensors):
        assert after > before  # the loop ran other callbacks in between
