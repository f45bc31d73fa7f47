"""Diagnostics: the last poll without credentials or phone numbers."""

from __future__ import annotations

import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import JSONEncoder
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.telco.diagnostics import async_get_config_entry_diagnostics
from tests.common import FROZEN_NOW, setup_entry
from tests.conftest import ODORIK_PASSWORD, ODORIK_USER, ZADARMA_KEY, ZADARMA_SECRET
from tests.simulator import SimulatorServer


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.mark.parametrize(
    ("entry_fixture", "secrets"),
    [
        ("odorik_entry", [ODORIK_PASSWORD, ODORIK_USER, "799799081", "533533533", "8942001"]),
        ("zadarma_entry", [ZADARMA_KEY, ZADARMA_SECRET, "442037691880", "48221234567"]),
    ],
)
async def test_diagnostics_are_redacted(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    snapshot: SnapshotAssertion,
    entry_fixture: str,
    secrets: list[str],
) -> None:
    entry: MockConfigEntry = request.getfixturevalue(entry_fixture)
    await setup_entry(hass, entry)

    diagnostics = await async_get_config_entry_diagnostics(hass, entry)

    text = json.dumps(diagnostics, cls=JSONEncoder)
    for secret in secrets:
        assert secret not in text
    # The API address is kept (it holds no secret) but its port changes per run.
    assert diagnostics["entry"]["data"].pop("url").startswith(simulator.url)
    assert json.loads(json.dumps(diagnostics, cls=JSONEncoder)) == snapshot
