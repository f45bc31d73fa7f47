"""Fixtures shared by every test.

The test plugin puts its own ``custom_components`` package on the path; importing
ours first makes it the one Home Assistant finds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
import logging
import os
from pathlib import Path

import aiohttp
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_URL, CONF_USERNAME
from hypothesis import settings
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.amber import AmberSnapshotExtension
from syrupy.location import PyTestLocation

import custom_components.telco  # noqa: F401
from custom_components.telco.const import CONF_API_SECRET, CONF_OPERATOR, DOMAIN
from tests.simulator import SimulatorServer

ODORIK_USER = "1234567"
ODORIK_PASSWORD = "odorik-demo"
ZADARMA_KEY = "1c64dee7ee7638e3a507"
ZADARMA_SECRET = "d78f2a12cc1fc5effe71"
ZADARMA_PBX_ID = 453101

# Property tests: each keeps its own example count (hypothesis' 100 where it names
# none) and no example may take 5 s. Under CI (scripts/test and .ci/run) the examples
# are the same on every run and every pytest-xdist worker, with no example database;
# elsewhere they are random, and failures are remembered in .hypothesis/.
settings.register_profile(
    "ci", derandomize=True, database=None, deadline=timedelta(seconds=5), print_blob=True
)
settings.register_profile("dev", deadline=timedelta(seconds=5))
settings.load_profile("ci" if os.environ.get("CI") else "dev")


class SnapshotsFolderExtension(AmberSnapshotExtension):
    """Amber snapshots in ``tests/snapshots`` on every Home Assistant leg.

    The newer test plugin stores snapshots there, the older one in syrupy's
    ``__snapshots__``; the tests snapshot plain data, so one extension serves both.
    """

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return the folder beside the test file."""
        return str(Path(test_location.filepath).parent / "snapshots")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use the same snapshot files on both Home Assistant legs."""
    return snapshot.use_extension(SnapshotsFolderExtension)


class DeprecationReports(logging.Handler):
    """Collect the frame helper's reports of deprecated Home Assistant use.

    Home Assistant logs them (at any level, depending on who calls) as "Detected that
    custom integration 'telco' …" for our integration and "Detected code that …" for
    anything outside an integration, such as the tests themselves.
    """

    PREFIXES = ("Detected that custom integration 'telco'", "Detected code that")

    def __init__(self) -> None:
        """Start with no report."""
        super().__init__(level=logging.NOTSET)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record if it is a deprecation report."""
        message = record.getMessage()
        if message.startswith(self.PREFIXES):
            self.reports.append(message)


@pytest.fixture(autouse=True)
def _no_deprecated_home_assistant_use() -> Iterator[None]:
    """Fail every test during which Home Assistant reports a deprecated use."""
    handler = DeprecationReports()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.reports:
        pytest.fail("Home Assistant reported deprecated use:\n" + "\n".join(handler.reports))


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """Run every leg's tests on an event loop without asyncio's debug mode.

    The test plugin of Home Assistant 2025.4 (0.13.236) switches the test's own loop
    into debug mode, which records a stack for every callback and task and ran that
    leg's suite about twice as slowly; the newer plugins switch the loop that
    ``asyncio.get_event_loop()`` returns in a plain fixture, which is not the loop the
    test runs on. This replaces the plugin's fixture on every leg, so that all legs run
    alike; Home Assistant's own checks (event-loop thread, blocking calls) stay on.
    """


@pytest.fixture(autouse=True)
def _custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom integrations in every test that runs it."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[SimulatorServer]:
    """Run the seeded simulator of both operators on a free loopback port."""
    async with SimulatorServer() as server:
        yield server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Give the client tests a plain aiohttp session."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def odorik_entry(simulator: SimulatorServer) -> MockConfigEntry:
    """Return a config entry of the simulator's Odorik demo account."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Odorik {ODORIK_USER}",
        unique_id=f"odorik_{ODORIK_USER}",
        data={
            CONF_OPERATOR: "odorik",
            CONF_USERNAME: ODORIK_USER,
            CONF_PASSWORD: ODORIK_PASSWORD,
            CONF_URL: simulator.odorik_url,
        },
        entry_id="01ODORIKENTRY0000000000000",
    )


@pytest.fixture
def zadarma_entry(simulator: SimulatorServer) -> MockConfigEntry:
    """Return a config entry of the simulator's Zadarma demo account."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Zadarma {ZADARMA_PBX_ID}",
        unique_id=f"zadarma_{ZADARMA_PBX_ID}",
        data={
            CONF_OPERATOR: "zadarma",
            CONF_API_KEY: ZADARMA_KEY,
            CONF_API_SECRET: ZADARMA_SECRET,
            CONF_URL: simulator.zadarma_url,
        },
        entry_id="01ZADARMAENTRY000000000000",
    )
