"""A third operator is one declaration: set up through the real config entry machinery.

The README's recipe ("Adding an operator"), followed with a tiny client of an imaginary
operator: its package would hold what this file declares (runtime data, one
coordinator, one sensor, one action), the registry gets its line and the config flow
its menu step. Nothing in the model, the platforms or the entry points changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, override

from aiohttp import ClientSession
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.telco.api import TelcoAuthenticationError, TelcoConnectionError
from custom_components.telco.config_flow import TelcoConfigFlow
from custom_components.telco.const import CONF_ADVANCED, DOMAIN
from custom_components.telco.model.actions import offer
from custom_components.telco.model.coordinator import TelcoCoordinator, map_client_errors
from custom_components.telco.model.declaration import (
    AccountIdentity,
    Operator,
    TelcoConfigEntry,
    TelcoRuntimeData,
)
from custom_components.telco.model.descriptions import TelcoSensorDescription, account_subject
from custom_components.telco.operators import OPERATORS

TOKEN = "example-token"


class ExampleClient:
    """The client of an imaginary operator: a balance, and SMS that cost 0.5 each."""

    def __init__(self, session: ClientSession, user: str, token: str, url: str) -> None:
        """Keep the credentials; the 'operator' lives in ``ACCOUNTS``."""
        self.user = user
        self.token = token
        self.url = url

    def _account(self) -> dict[str, Any]:
        if self.url != "https://api.example.invalid":
            raise TelcoConnectionError("no such host")
        if self.token != TOKEN or self.user not in ACCOUNTS:
            raise TelcoAuthenticationError("token refused")
        return ACCOUNTS[self.user]

    async def get_balance(self) -> float:
        """Return the account's credit."""
        balance: float = self._account()["balance"]
        return balance

    async def send_sms(self, recipient: str, message: str) -> float:
        """Send an SMS and return the credit left."""
        account = self._account()
        account["sent"].append((recipient, message))
        account["balance"] -= 0.5
        balance: float = account["balance"]
        return balance


ACCOUNTS: dict[str, dict[str, Any]] = {}


class ExampleAccountCoordinator(TelcoCoordinator[float, ExampleClient]):
    """The account's balance, at the account interval."""

    interval = timedelta(minutes=5)

    @override
    @map_client_errors
    async def _async_update_data(self) -> float:
        return await self.client.get_balance()


@dataclass(kw_only=True)
class ExampleRuntimeData(TelcoRuntimeData):
    """The client and coordinator of one entry."""

    client: ExampleClient
    account: ExampleAccountCoordinator

    @property
    @override
    def coordinators(self) -> tuple[TelcoCoordinator[Any, Any], ...]:
        return (self.account,)


def _connect(session: ClientSession, data: Mapping[str, Any]) -> ExampleClient:
    return ExampleClient(session, data[CONF_USERNAME], data[CONF_PASSWORD], data[CONF_URL])


async def _identify(client: ExampleClient, data: Mapping[str, Any]) -> AccountIdentity:
    await client.get_balance()
    return AccountIdentity(unique_id=f"example_{client.user}", title=f"Example {client.user}")


def _start(
    hass: HomeAssistant, entry: TelcoConfigEntry, client: ExampleClient, device_id: str
) -> ExampleRuntimeData:
    return ExampleRuntimeData(
        operator=EXAMPLE,
        account_device_id=device_id,
        client=client,
        account=ExampleAccountCoordinator(hass, entry, client),
    )


async def _send_sms(
    hass: HomeAssistant, data: ExampleRuntimeData, given: Mapping[str, Any]
) -> dict[str, Any]:
    balance = await data.account.async_run_change(
        data.client.send_sms(given["recipient"], given["message"])
    )
    data.account.async_set_updated_data(balance)
    return {"balance": balance}


async def _list_documents(
    hass: HomeAssistant, data: ExampleRuntimeData, given: Mapping[str, Any]
) -> dict[str, Any]:
    return {"given": sorted(given)}


ACCOUNT = account_subject(lambda data: data.account)
EXAMPLE: Operator[ExampleClient, ExampleRuntimeData] = Operator(
    key="example",
    name="Example",
    manufacturer="Example Telecom",
    account_url="https://example.invalid/account",
    default_url="https://api.example.invalid",
    account_field=CONF_USERNAME,
    secret_field=CONF_PASSWORD,
    reauth_fields=(CONF_PASSWORD,),
    connect=_connect,
    phone_number=lambda value, _field: value,
    identify=_identify,
    start=_start,
    subjects=(ACCOUNT,),
    sensors=(
        TelcoSensorDescription(
            key="balance",
            translation_key="balance",
            subject=ACCOUNT,
            device_class=SensorDeviceClass.MONETARY,
            native_unit_of_measurement="EUR",
            value_fn=lambda data, _item: data.account.data,
        ),
    ),
    actions=dict(
        [
            offer("send_sms", _send_sms, without={"sender"}),
            # An operator may leave out a field with a default (group_id is 0 by default).
            offer("list_documents", _list_documents, without={"group_id"}),
        ]
    ),
    diagnostics=lambda data: {"balance": data.account.data},
)


async def async_step_example(
    self: TelcoConfigFlow, user_input: dict[str, Any] | None = None
) -> ConfigFlowResult:
    """The operator's config-flow menu step, as it would be written in config_flow.py."""
    return await self._async_step_credentials(OPERATORS["example"], user_input)


@pytest.fixture(autouse=True)
def _example_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the operator: its registry line and its menu step."""
    ACCOUNTS.clear()
    ACCOUNTS["alice"] = {"balance": 12.5, "sent": []}
    monkeypatch.setitem(OPERATORS, "example", EXAMPLE)
    monkeypatch.setattr(TelcoConfigFlow, "async_step_example", async_step_example, raising=False)


async def _add_account(hass: HomeAssistant, token: str = TOKEN) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["odorik", "zadarma", "example"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "example"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "example"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_USERNAME: "alice",
            CONF_PASSWORD: token,
            CONF_ADVANCED: {CONF_URL: "https://api.example.invalid/"},
        },
    )


async def test_a_third_operator_is_added_polled_and_answers_an_action(
    hass: HomeAssistant,
) -> None:
    refused = await _add_account(hass, token="wrong")
    assert refused["type"] is FlowResultType.FORM
    assert refused["errors"] == {"base": "invalid_auth"}

    result = await _add_account(hass)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Example alice"
    await hass.async_block_till_done()
    entry: TelcoConfigEntry = result["result"]
    assert entry.unique_id == "example_alice"
    assert entry.state is ConfigEntryState.LOADED

    [device] = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert device.identifiers == {(DOMAIN, "example_alice")}
    assert device.manufacturer == "Example Telecom"
    state = hass.states.get("sensor.example_alice_balance")
    assert state is not None
    assert state.state == "12.5"
    assert state.attributes["unit_of_measurement"] == "EUR"

    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, "recipient": "+420777123456", "message": "Hi"},
        blocking=True,
        return_response=True,
    )
    assert response == {"balance": 12.0}
    assert ACCOUNTS["alice"]["sent"] == [("+420777123456", "Hi")]
    state = hass.states.get("sensor.example_alice_balance")
    assert state is not None
    assert state.state == "12.0"

    # What it does not declare is refused before its client is asked.
    with pytest.raises(ServiceValidationError) as refusal:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {
                "config_entry_id": entry.entry_id,
                "recipient": "+420777123456",
                "message": "Hi",
                "sender": "Alice",
            },
            blocking=True,
        )
    assert refusal.value.translation_key == "field_not_offered"
    with pytest.raises(ServiceValidationError) as refusal:
        await hass.services.async_call(
            DOMAIN, "hang_up", {"config_entry_id": entry.entry_id}, blocking=True
        )
    assert refusal.value.translation_key == "action_not_offered"
    assert len(ACCOUNTS["alice"]["sent"]) == 1

    # A refused token on a write is the operator's refusal, translated once.
    ACCOUNTS["alice"]["balance"] = 1.0
    entry_data = dict(entry.data)
    hass.config_entries.async_update_entry(entry, data={**entry_data, CONF_PASSWORD: "revoked"})
    entry.runtime_data.client.token = "revoked"
    with pytest.raises(HomeAssistantError) as failure:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"config_entry_id": entry.entry_id, "recipient": "+420777123456", "message": "Hi"},
            blocking=True,
        )
    assert failure.value.translation_key == "authentication_failed"

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_a_field_with_a_default_the_operator_does_not_take_is_not_filled_in(
    hass: HomeAssistant,
) -> None:
    """What the caller gave decides field_not_offered, not the defaults of the schema."""
    result = await _add_account(hass)
    entry: TelcoConfigEntry = result["result"]
    response = await hass.services.async_call(
        DOMAIN,
        "list_documents",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert response == {"given": []}
    with pytest.raises(ServiceValidationError) as refusal:
        await hass.services.async_call(
            DOMAIN,
            "list_documents",
            {"config_entry_id": entry.entry_id, "group_id": 0},
            blocking=True,
            return_response=True,
        )
    assert refusal.value.translation_key == "field_not_offered"
    assert refusal.value.translation_placeholders == {"field": "group_id", "operator": "Example"}
