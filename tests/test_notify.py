"""Notify: an SMS to the account's SMS recipient, through the same path as send_sms."""

from __future__ import annotations

from homeassistant.components.notify import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import CONF_SMS_RECIPIENT
from tests.common import setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY

ODORIK_SMS = "notify.odorik_1234567_sms"
ZADARMA_SMS = "notify.zadarma_453101_sms"


async def _notify(
    hass: HomeAssistant, entity_id: str, message: str, title: str | None = None
) -> None:
    data = {ATTR_ENTITY_ID: entity_id, ATTR_MESSAGE: message}
    if title:
        data[ATTR_TITLE] = title
    await hass.services.async_call(NOTIFY_DOMAIN, SERVICE_SEND_MESSAGE, data, blocking=True)


async def _set_recipient(hass: HomeAssistant, entry: MockConfigEntry, recipient: str) -> dict:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    defaults = {
        str(key): key.default() for key in result["data_schema"].schema if callable(key.default)
    }
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {**defaults, CONF_SMS_RECIPIENT: recipient}
    )


async def test_odorik_sms_goes_to_the_recipient_of_the_options(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    result = await _set_recipient(hass, odorik_entry, "+420 777 123 456")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert odorik_entry.options[CONF_SMS_RECIPIENT] == "00420777123456"

    await _notify(hass, ODORIK_SMS, "The door is open.", title="Home")

    sms = simulator.app[ODORIK_KEY].calls[-1]
    assert sms["destination_number"] == "00420777123456"
    assert hass.states.get(ODORIK_SMS).state != "unknown"


async def test_zadarma_sms_goes_to_the_recipient_of_the_options(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    await _set_recipient(hass, zadarma_entry, "+420 777 123 456")
    assert zadarma_entry.options[CONF_SMS_RECIPIENT] == "420777123456"

    await _notify(hass, ZADARMA_SMS, "The door is open.", title="Home")

    sms = simulator.app[ZADARMA_KEY].demo.sms[-1]
    assert sms["number"] == "420777123456"
    assert sms["message"] == "Home\nThe door is open."


async def test_without_a_recipient_nothing_is_sent(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    before = len(simulator.app[ODORIK_KEY].calls)
    with pytest.raises(ServiceValidationError) as err:
        await _notify(hass, ODORIK_SMS, "Hello")
    assert err.value.translation_key == "no_sms_recipient"
    assert len(simulator.app[ODORIK_KEY].calls) == before


async def test_a_recipient_that_is_no_number_is_refused_in_the_options(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    result = await _set_recipient(hass, odorik_entry, "mum")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SMS_RECIPIENT: "invalid_phone_number"}
    assert CONF_SMS_RECIPIENT not in odorik_entry.options


async def test_operator_refusal_reaches_the_user(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    await _set_recipient(hass, zadarma_entry, "420777123456")
    simulator.app[ZADARMA_KEY].demo.balance = 0
    with pytest.raises(HomeAssistantError) as err:
        await _notify(hass, ZADARMA_SMS, "Hello")
    assert "Not enough money" in err.value.translation_placeholders["error"]
