"""Benchmark: from Zadarma pushing NOTIFY_START to the call event's new state (scripts/bench).

Not a test: skipped unless ``TELCO_BENCH`` is set; it prints numbers and asserts only
that every event arrived. The clock is the real one (the test's is frozen).
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.simulator.zadarma import ZadarmaSimulator
from tests.test_push import EVENT, OUR_NUMBER, external_url, pushing, zadarma  # noqa: F401


def _now() -> float:
    """Return the real monotonic clock in seconds (freezegun patches time's others)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


pytestmark = pytest.mark.skipif(
    not os.environ.get("TELCO_BENCH"), reason="a benchmark, run by scripts/bench"
)
EVENTS = int(os.environ.get("TELCO_BENCH_EVENTS", "1000"))


async def test_push_latency(
    hass: HomeAssistant,
    pushing: MockConfigEntry,  # noqa: F811
    zadarma: ZadarmaSimulator,  # noqa: F811
) -> None:
    arrived: dict[str, float] = {}

    @callback
    def changed(event: Event[Any]) -> None:
        state = event.data["new_state"]
        if event.data["entity_id"] == EVENT and state is not None:
            arrived[state.attributes.get("call_id", "")] = _now()

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    start = dt_util.utcnow().strftime("%Y-%m-%d %H:%M:%S")
    sent: dict[str, float] = {}
    for index in range(EVENTS):
        call_id = f"in_bench_{index}"
        sent[call_id] = _now()
        await zadarma.push(
            zadarma.demo,
            {
                "event": "NOTIFY_START",
                "pbx_call_id": call_id,
                "caller_id": f"42077700{index:04d}",
                "called_did": OUR_NUMBER,
                "call_start": start,
            },
        )
        await hass.async_block_till_done()
    latencies = sorted((arrived[call_id] - sent[call_id]) * 1000 for call_id in sent)
    assert len(arrived) == EVENTS
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(  # noqa: T201 (the benchmark's report)
        f"\npush latency, NOTIFY_START → event state, {EVENTS} events over loopback:\n"
        f"  median {statistics.median(latencies):.2f} ms   p99 {p99:.2f} ms   "
        f"max {latencies[-1]:.2f} ms   (target: under 50 ms)"
    )
