"""Helpers of the resilience tests (``tests/test_resilience*.py``)."""

from __future__ import annotations

import logging

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

# Home Assistant warns about every custom integration it loads, aiohttp about a missing
# zlib accelerator, and asyncio's debug mode (2025.4's test plugin) about a step during
# which the test moved the frozen clock on; none of them is ours to judge.
_HARMLESS = ("We found a custom integration", "zlib_ng and isal are not available")


def _harmless(record: logging.LogRecord) -> bool:
    message = record.getMessage()
    slow_step = record.name == "asyncio" and message.startswith("Executing <")
    return slow_step or message.startswith(_HARMLESS)


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the records at WARNING or above, the harness's own notices left out."""
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and not _harmless(record)
    ]


def assert_logged_once(caplog: pytest.LogCaptureFixture, *coordinators: str) -> None:
    """Assert that each coordinator logged its failure once, without a traceback, and
    that nothing else complained (an exception raised into the loop logs an ERROR)."""
    records = problems(caplog)
    summary = [f"{record.name}: {record.getMessage()}" for record in records]
    assert len(records) == len(coordinators), summary
    for coordinator in coordinators:
        mine = [record for record in records if f" {coordinator} " in record.getMessage()]
        assert len(mine) == 1, summary
        assert mine[0].exc_info is None, summary
        assert mine[0].name == "custom_components.telco", summary


def assert_recovered(caplog: pytest.LogCaptureFixture, *coordinators: str) -> None:
    """Assert one "recovered" line per coordinator and no complaint."""
    assert problems(caplog) == []
    recovered = [
        record.getMessage() for record in caplog.records if "recovered" in record.getMessage()
    ]
    for coordinator in coordinators:
        assert sum(f" {coordinator} " in line for line in recovered) == 1, recovered


def states(hass: HomeAssistant, entity_ids: list[str]) -> dict[str, str]:
    """Return the states of some entities."""
    shown = {}
    for entity_id in entity_ids:
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        shown[entity_id] = state.state
    return shown


def unavailable(entity_ids: list[str]) -> dict[str, str]:
    """Return the states of entities that are all unavailable."""
    return dict.fromkeys(entity_ids, STATE_UNAVAILABLE)
