"""No credential leaks while Zadarma's history is imported into long-term statistics.

The import runs only with a recorder, which must be set up before Home Assistant:
so it has its own module. It reads months of ``/v1/statistics/`` in the background,
and logs a failed import with its exception; the suite of ``test_secrets_zadarma.py``
(whose key and secret these are) searches, as ``tests/secrets_search.py`` describes,
everything the import, its failure, its retry and the removal of the account (whose
kept statistics a repair issue offers to clear) leave behind. The SQL the recorder's
engine logs at DEBUG is left out: it is the recorder's, and it holds only statistics.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.telco.const import DOMAIN
from custom_components.telco.diagnostics import async_get_config_entry_diagnostics
from tests.common import FROZEN_NOW
from tests.secrets_search import (
    Leaks,
    SecretSearch,
    add_account,
    leaks_fixture,  # noqa: F401 (a fixture)
    log_capture_fixture,  # noqa: F401 (a fixture)
    run,
)
from tests.simulator import SimulatorServer, zadarma as zadarma_module
from tests.simulator.zadarma import DEMO_API_KEY, DEMO_NUMBER_AUTORENEW, ZadarmaSimulator
from tests.test_secrets_zadarma import API_KEY, API_SECRET, ZADARMA_SECRETS, wait, zadarma_input


@pytest.fixture(autouse=True)
def _custom_integrations(recorder_mock: Recorder, enable_custom_integrations: None) -> None:
    """Set the recorder up before ``hass`` (the shared fixture would start ``hass`` first)."""


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.fixture
def zadarma(simulator: SimulatorServer, leaks: Leaks) -> ZadarmaSimulator:
    """The demo account under the recognisable key and secret, with months of calls."""
    state: ZadarmaSimulator = simulator.app[zadarma_module.ZADARMA_KEY]
    account = state.accounts[DEMO_API_KEY]
    state.rotate_key(DEMO_API_KEY, API_KEY, API_SECRET)
    now = account.calls[-1].callstart
    for day in range(0, 120, 3):
        account.add_call(
            from_=DEMO_NUMBER_AUTORENEW,
            to="48601234567",
            billseconds=60,
            cost=0.1,
            callstart=now - timedelta(days=day, hours=2),
        )
    leaks.search = SecretSearch(dict(ZADARMA_SECRETS))
    return state


@pytest.fixture(autouse=True)
def _quiet_sql(log_capture: object) -> Iterator[None]:
    """Leave the recorder's SQL out (set after every logger went to DEBUG)."""
    engine = logging.getLogger("sqlalchemy.engine")
    level = engine.level
    engine.setLevel(logging.WARNING)
    yield
    engine.setLevel(level)


async def settle(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the background import run, the client's waits for its rate limits too."""
    await run(freezer, hass.async_block_till_done(wait_background_tasks=True))
    await async_wait_recording_done(hass)


async def test_zadarma_history_import_leaks_no_key_or_secret(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    leaks: Leaks,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The import fails part way (Zadarma answers 500), is taken up again, then the removal."""
    simulator.inject("zadarma", "http_500", endpoint="GET /statistics/", count=4)
    entry = (await add_account(hass, leaks, "zadarma", zadarma_input(simulator.zadarma_url)))[
        "result"
    ]
    assert entry.state is ConfigEntryState.LOADED
    await settle(hass, freezer)
    assert simulator.fired("http_500", "zadarma")
    # The next setup takes the import up again.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass, freezer)
    # The import reads a page a minute beside the polls (3 statistics requests a minute).
    await wait(hass, freezer, 30)
    await settle(hass, freezer)
    logged = "\n".join(text for _, text in leaks.logs.records)
    assert "history" in logged.lower()
    # Gathered once, at the end: the final write stops the recorder.
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    leaks.search.add_data("diagnostics", diagnostics)
    leaks.search.add("repr of the runtime data", repr(entry.runtime_data))

    assert await hass.config_entries.async_remove(entry.entry_id)
    await settle(hass, freezer)
    assert any(
        issue_id.startswith("statistics_kept")
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN
    )

    (await leaks.gather([])).assert_clean()
