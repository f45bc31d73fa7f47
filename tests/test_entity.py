"""Changes on the operator: how refusals and failures reach the user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.components.text import ATTR_VALUE, DOMAIN as TEXT_DOMAIN, SERVICE_SET_VALUE
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import DOMAIN
from custom_components.telco.model import entity
from custom_components.telco.model.descriptions import display_number
from custom_components.telco.operators.zadarma.entities import DIRECT_NUMBER
from tests.common import FROZEN_NOW, advance, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY

AUTO_PROLONGATION = "switch.442037691880_auto_prolongation"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def test_refused_credentials_on_a_change_start_reauthentication(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].reject_auth = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: "switch.sim_420_799_799_081_lte"},
            blocking=True,
        )
    assert err.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_operator_refusal_without_own_message_names_the_reason(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    """The number left the account since the last poll: Zadarma says it is not found."""
    await setup_entry(hass, zadarma_entry)
    account = simulator.app[ZADARMA_KEY].demo
    del account.numbers["442037691880"]
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: AUTO_PROLONGATION}, blocking=True
        )
    assert err.value.translation_key == "refused"
    assert "not_found" in err.value.translation_placeholders["error"]
    assert hass.states.get(AUTO_PROLONGATION).state == STATE_OFF


async def test_failed_change_keeps_the_operator_state(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    simulator.control.faults["zadarma"].outage = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            TEXT_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: "text.48221234567_caller_name", ATTR_VALUE: "Desk"},
            blocking=True,
        )
    assert err.value.translation_key == "communication_error"
    assert hass.states.get("text.48221234567_caller_name").state == "Office"


async def test_rate_limited_poll_recovers(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, zadarma_entry)
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.settings.rate_limit_per_minute = 1
    zadarma.settings.rate_limit_window_seconds = 3600
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get("sensor.zadarma_453101_balance").state == "unavailable"
    refused = zadarma.demo.rate_limited
    assert refused >= 1

    # The client waits out the operator's Retry-After (most of the hour here) instead
    # of hammering: a poll inside that time sends nothing.
    await advance(hass, freezer, timedelta(minutes=5))
    assert zadarma.demo.rate_limited == refused

    zadarma.settings.rate_limit_per_minute = 100
    await advance(hass, freezer, timedelta(hours=1))
    assert hass.states.get("sensor.zadarma_453101_balance").state == "25.4"


async def test_request_refused_by_the_client_is_a_validation_error(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    client = odorik_entry.runtime_data.client
    with pytest.raises(ServiceValidationError) as err:
        await odorik_entry.runtime_data.account.async_run_change(client.get_calls())
    assert err.value.translation_key == "invalid_request"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("00420799799081", "+420 799 799 081"),
        ("442037691880", "+442037691880"),
        ("demo_sip", "demo_sip"),
    ],
)
def test_display_number(number: str, shown: str) -> None:
    assert display_number(number) == shown


# A change whose answer may be lost is re-read; in an outage the re-read fails too, and
# the user is told the change may not have been applied.
UNCONFIRMED = "change_unconfirmed"


@pytest.mark.parametrize(
    ("operator", "domain", "service", "entity_id", "data", "key"),
    [
        ("odorik", "switch", "turn_off", "switch.sim_420_799_799_081_mobile_data", {}, UNCONFIRMED),
        ("odorik", "switch", "turn_on", "switch.sim_420_799_799_082_roaming", {}, UNCONFIRMED),
        (
            "odorik",
            "select",
            "select_option",
            "select.sim_420_799_799_081_roaming_profile",
            {"option": "off"},
            UNCONFIRMED,
        ),
        (
            "odorik",
            "button",
            "press",
            "button.sim_420_799_799_081_restart_mobile_data",
            {},
            UNCONFIRMED,
        ),
        ("zadarma", "switch", "turn_on", AUTO_PROLONGATION, {}, UNCONFIRMED),
        (
            "zadarma",
            "text",
            "set_value",
            "text.48221234567_caller_name",
            {"value": "Desk"},
            "communication_error",
        ),
    ],
)
async def test_every_write_goes_through_the_write_path(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    operator: str,
    domain: str,
    service: str,
    entity_id: str,
    data: dict[str, str],
    key: str,
) -> None:
    """A refusal on any platform is translated once and leaves the operator's state shown."""
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    before = hass.states.get(entity_id)
    assert before is not None
    simulator.control.faults[operator].outage = True

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
        )

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    after = hass.states.get(entity_id)
    assert after is not None
    if domain != "button":  # a button's state is the time it was last pressed
        assert after.state == before.state


class _RefusesItemAssignment(dict[str, Any]):
    """A device info that may not be filled in by key, as 2026.11 means to deprecate."""

    def __setitem__(self, key: str, value: Any) -> None:
        raise AssertionError(f"DeviceInfo filled in by key: {key}")


@pytest.mark.parametrize("link_by_device_id", [False, True])
async def test_item_device_info_is_built_in_one_go(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    link_by_device_id: bool,
) -> None:
    await setup_entry(hass, zadarma_entry)
    data = zadarma_entry.runtime_data
    # Both links on this leg: the parent's registry id (2026.8+) or its identifier.
    monkeypatch.setattr(entity, "DeviceInfo", _RefusesItemAssignment)
    monkeypatch.setattr(entity, "LINK_BY_DEVICE_ID", link_by_device_id)

    info = entity.device_info(zadarma_entry, data, DIRECT_NUMBER, "48221234567")

    link: dict[str, Any] = (
        {"via_device_id": data.account_device_id}
        if link_by_device_id
        else {"via_device": (DOMAIN, "zadarma_453101")}
    )
    assert info == {
        "identifiers": {(DOMAIN, "zadarma_453101_direct_number_48221234567")},
        "name": "+48221234567",
        "manufacturer": "Zadarma",
        "model": "Direct number",
        "serial_number": None,
        **link,
    }
