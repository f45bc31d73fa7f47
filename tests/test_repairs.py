"""Repairs: a direct number about to expire without auto-prolongation."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import DOMAIN as REPAIRS_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, advance, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY

NUMBER = "442037691880"
ISSUE_ID = f"number_expiring_01ZADARMAENTRY000000000000_{NUMBER}"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def _start_fix(hass: HomeAssistant, client: object) -> dict[str, object]:
    response = await client.post(  # type: ignore[attr-defined]
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": ISSUE_ID}
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, object] = await response.json()
    return result


async def test_expiring_number_is_fixed_by_turning_auto_prolongation_on(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    await setup_entry(hass, zadarma_entry)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders["number"] == f"+{NUMBER}"
    # Only the number that expires within 7 days and will not renew.
    assert [key for key in ir.async_get(hass).issues if key[0] == DOMAIN] == [(DOMAIN, ISSUE_ID)]

    client = await hass_client()
    flow = await _start_fix(hass, client)
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"

    account = simulator.app[ZADARMA_KEY].demo
    assert account.numbers[NUMBER].autorenew is True
    assert hass.states.get(f"switch.{NUMBER}_auto_prolongation").state == "on"
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is None


async def test_fix_reports_an_operator_failure(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    await setup_entry(hass, zadarma_entry)
    client = await hass_client()
    flow = await _start_fix(hass, client)

    simulator.control.faults["zadarma"].outage = True
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    result = await response.json()
    assert result["type"] == "form"
    assert result["errors"] == {"base": "cannot_enable"}
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is not None


async def test_fix_aborts_when_the_entry_is_not_loaded(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    await setup_entry(hass, zadarma_entry)
    await hass.config_entries.async_unload(zadarma_entry.entry_id)
    client = await hass_client()
    result = await _start_fix(hass, client)
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"


async def test_issue_goes_away_when_renewed_elsewhere(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, zadarma_entry)
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is not None

    account = simulator.app[ZADARMA_KEY].demo
    account.numbers[NUMBER].autorenew = True
    await advance(hass, freezer, timedelta(minutes=5))
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is None


async def test_fix_with_refused_credentials_starts_reauthentication(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    await setup_entry(hass, zadarma_entry)
    client = await hass_client()
    flow = await _start_fix(hass, client)

    simulator.control.faults["zadarma"].reject_auth = True
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    result = await response.json()
    await hass.async_block_till_done()

    assert result["type"] == "abort"
    assert result["reason"] == "reauth_required"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is not None


async def test_issues_are_deleted_with_their_entry(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is not None

    await hass.config_entries.async_remove(zadarma_entry.entry_id)
    await hass.async_block_till_done()

    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is None


async def test_fix_of_a_number_gone_from_the_account_is_aborted(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The number was given up between the issue and its fix: nothing is written."""
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    await setup_entry(hass, zadarma_entry)
    client = await hass_client()
    flow = await _start_fix(hass, client)
    assert flow["step_id"] == "confirm"

    account = simulator.app[ZADARMA_KEY].demo
    gone = account.numbers.pop(NUMBER)
    await advance(hass, freezer, timedelta(minutes=5))
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    result = await response.json()
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"
    assert gone.autorenew is False
