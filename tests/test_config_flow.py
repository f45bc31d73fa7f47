"""Adding, re-authenticating and reconfiguring accounts; the poll interval options.

Every flow runs against the simulator over real HTTP: a wrong password is refused by
the simulated operator, ``outage`` makes it answer HTTP 503, and a URL outside both
operators' prefixes makes it answer 404 (an answer the client does not expect).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import (
    CONF_ADVANCED,
    CONF_API_SECRET,
    CONF_HISTORY_MONTHS,
    CONF_OPERATOR,
    CONF_SMS_RECIPIENT,
    DOMAIN,
    LEGACY_INTERVAL_OPTIONS,
)
from tests.common import requests_sent
from tests.conftest import (
    ODORIK_PASSWORD,
    ODORIK_USER,
    ZADARMA_KEY,
    ZADARMA_PBX_ID,
    ZADARMA_SECRET,
)
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import ZADARMA_KEY as ZADARMA_APP

# A line of the demo account, and a second Zadarma key pair.
ODORIK_LINE = "403366"
ODORIK_LINE_PASSWORD = "line-demo-1"
OTHER_KEY = "0123456789abcdef0123"
OTHER_SECRET = "fedcba9876543210fedc"

TRANSLATIONS = Path(__file__).parent.parent / "custom_components" / "telco" / "translations"

# Nothing listens on port 1 of loopback: connecting there fails at once.
CLOSED_URL = "http://127.0.0.1:1"


def unknown_url(simulator: SimulatorServer) -> str:
    """Return an address under the simulator that no operator answers (HTTP 404)."""
    return simulator.url + "/_control"


def odorik_input(url: str, password: str = ODORIK_PASSWORD, user: str = ODORIK_USER) -> dict:
    """Return a submitted Odorik credentials form."""
    return {CONF_USERNAME: user, CONF_PASSWORD: password, CONF_ADVANCED: {CONF_URL: url}}


def zadarma_input(url: str, secret: str = ZADARMA_SECRET, key: str = ZADARMA_KEY) -> dict:
    """Return a submitted Zadarma credentials form."""
    return {CONF_API_KEY: key, CONF_API_SECRET: secret, CONF_ADVANCED: {CONF_URL: url}}


def form_defaults(result: Mapping[str, Any]) -> dict[str, Any]:
    """Return the pre-filled values of a form, with its section's values under its key."""
    defaults: dict[str, Any] = {}
    for key, value in result["data_schema"].schema.items():
        if hasattr(value, "schema") and hasattr(value, "options"):  # a section
            defaults[str(key)] = form_defaults({"data_schema": value.schema})
        elif callable(key.default):
            defaults[str(key)] = key.default()
    return defaults


async def start_operator_step(hass: HomeAssistant, operator: str) -> dict[str, Any]:
    """Start adding an account and pick the operator in the menu."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": operator}
    )


def devices_of_entry(hass: HomeAssistant, entry: MockConfigEntry) -> list[dr.DeviceEntry]:
    """Return the devices of an entry."""
    return dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add an entry and set it up against the simulator."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


# -- adding an account -------------------------------------------------------


async def test_user_step_offers_both_operators(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})

    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert result["menu_options"] == ["odorik", "zadarma"]


async def test_odorik_form_defaults_to_the_public_api(hass: HomeAssistant) -> None:
    result = await start_operator_step(hass, "odorik")

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "odorik"
    assert result["errors"] == {}
    assert form_defaults(result) == {CONF_ADVANCED: {CONF_URL: "https://www.odorik.cz/api/v1"}}


async def test_odorik_account_is_added(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url + "/", user=f" {ODORIK_USER} ")
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Odorik 1234567"
    assert result["data"] == {
        CONF_OPERATOR: "odorik",
        CONF_USERNAME: ODORIK_USER,
        CONF_PASSWORD: ODORIK_PASSWORD,
        CONF_URL: simulator.odorik_url,
    }
    entry = result["result"]
    assert entry.unique_id == f"odorik_{ODORIK_USER}"
    assert entry.state is ConfigEntryState.LOADED


async def test_odorik_wrong_password_then_right_one(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url, password="wrong")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "odorik"
    assert result["errors"] == {"base": "invalid_auth"}
    # The form keeps what was typed, except the password.
    assert form_defaults(result) == {
        CONF_USERNAME: ODORIK_USER,
        CONF_ADVANCED: {CONF_URL: simulator.odorik_url},
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == ODORIK_PASSWORD
    assert result["result"].unique_id == f"odorik_{ODORIK_USER}"


async def test_odorik_outage_then_recovery(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    simulator.control.faults["odorik"].outage = True
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    simulator.control.faults["odorik"].outage = False
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_odorik_unreachable_address(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(CLOSED_URL)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_odorik_unexpected_answer(
    hass: HomeAssistant, simulator: SimulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(unknown_url(simulator))
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected answer while testing the credentials" in caplog.text
    assert ODORIK_PASSWORD not in caplog.text
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_odorik_account_already_configured(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    odorik_entry.add_to_hass(hass)
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url, password="anything")
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    # The duplicate is refused before the operator is asked.
    assert requests_sent(simulator, "odorik") == 0
    assert hass.config_entries.async_entries(DOMAIN) == [odorik_entry]


async def test_zadarma_form_defaults_to_the_public_api(hass: HomeAssistant) -> None:
    result = await start_operator_step(hass, "zadarma")

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zadarma"
    assert result["errors"] == {}
    assert form_defaults(result) == {CONF_ADVANCED: {CONF_URL: "https://api.zadarma.com"}}


async def test_zadarma_account_is_added(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    result = await start_operator_step(hass, "zadarma")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url + "/")
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Zadarma {ZADARMA_PBX_ID}"
    assert result["data"] == {
        CONF_OPERATOR: "zadarma",
        CONF_API_KEY: ZADARMA_KEY,
        CONF_API_SECRET: ZADARMA_SECRET,
        CONF_URL: simulator.zadarma_url,
    }
    entry = result["result"]
    assert entry.unique_id == f"zadarma_{ZADARMA_PBX_ID}"
    assert entry.state is ConfigEntryState.LOADED


async def test_zadarma_wrong_secret_then_right_one(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    result = await start_operator_step(hass, "zadarma")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url, secret="wrong")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zadarma"
    assert result["errors"] == {"base": "invalid_auth"}
    assert form_defaults(result) == {
        CONF_API_KEY: ZADARMA_KEY,
        CONF_ADVANCED: {CONF_URL: simulator.zadarma_url},
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_API_SECRET] == ZADARMA_SECRET
    assert result["result"].unique_id == f"zadarma_{ZADARMA_PBX_ID}"


async def test_zadarma_outage(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    simulator.control.faults["zadarma"].outage = True
    result = await start_operator_step(hass, "zadarma")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_zadarma_unexpected_answer(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    result = await start_operator_step(hass, "zadarma")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(unknown_url(simulator))
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_zadarma_account_already_configured(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    result = await start_operator_step(hass, "zadarma")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert requests_sent(simulator, "zadarma") == 0
    assert hass.config_entries.async_entries(DOMAIN) == [zadarma_entry]


# -- reauthentication --------------------------------------------------------


async def test_odorik_reauth(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    # The password was changed at the operator; the stored one is refused.
    odorik_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        odorik_entry, data={**odorik_entry.data, CONF_PASSWORD: "old-password"}
    )
    result = await odorik_entry.start_reauth_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {}
    assert result["description_placeholders"]["operator"] == "Odorik"
    assert result["description_placeholders"]["account"] == "Odorik 1234567"
    assert list(result["data_schema"].schema) == [CONF_PASSWORD]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "still-wrong"}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert odorik_entry.data[CONF_PASSWORD] == "old-password"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: ODORIK_PASSWORD}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert odorik_entry.data == {
        CONF_OPERATOR: "odorik",
        CONF_USERNAME: ODORIK_USER,
        CONF_PASSWORD: ODORIK_PASSWORD,
        CONF_URL: simulator.odorik_url,
    }
    # The entry was reloaded with the new password.
    assert odorik_entry.state is ConfigEntryState.LOADED


async def test_zadarma_reauth(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        zadarma_entry, data={**zadarma_entry.data, CONF_API_SECRET: "old-secret"}
    )
    result = await zadarma_entry.start_reauth_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["operator"] == "Zadarma"
    assert result["description_placeholders"]["account"] == f"Zadarma {ZADARMA_PBX_ID}"
    assert list(result["data_schema"].schema) == [CONF_API_KEY, CONF_API_SECRET]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: ZADARMA_KEY, CONF_API_SECRET: "still-wrong"}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert zadarma_entry.data[CONF_API_SECRET] == "old-secret"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: ZADARMA_KEY, CONF_API_SECRET: ZADARMA_SECRET}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert zadarma_entry.data[CONF_API_SECRET] == ZADARMA_SECRET
    assert zadarma_entry.data[CONF_API_KEY] == ZADARMA_KEY
    assert zadarma_entry.state is ConfigEntryState.LOADED


async def test_reauth_while_the_operator_is_down(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    odorik_entry.add_to_hass(hass)
    simulator.control.faults["odorik"].outage = True
    result = await odorik_entry.start_reauth_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new-password"}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert odorik_entry.data[CONF_PASSWORD] == ODORIK_PASSWORD


# -- reconfiguration ---------------------------------------------------------


async def test_odorik_reconfigure(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    # The entry points at an address where nothing answers; move it to the simulator.
    odorik_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        odorik_entry, data={**odorik_entry.data, CONF_URL: CLOSED_URL}
    )
    result = await odorik_entry.start_reconfigure_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {}
    assert result["description_placeholders"] == {"operator": "Odorik"}
    assert form_defaults(result) == {
        CONF_USERNAME: ODORIK_USER,
        CONF_ADVANCED: {CONF_URL: CLOSED_URL},
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(CLOSED_URL)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url, password="wrong")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    # The form now offers what was last typed, not what is stored.
    assert form_defaults(result)[CONF_ADVANCED] == {CONF_URL: simulator.odorik_url}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(unknown_url(simulator))
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert odorik_entry.data[CONF_URL] == CLOSED_URL

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url + "/")
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert odorik_entry.data[CONF_URL] == simulator.odorik_url
    assert odorik_entry.unique_id == f"odorik_{ODORIK_USER}"
    assert odorik_entry.state is ConfigEntryState.LOADED


async def test_odorik_reconfigure_refuses_another_account(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    odorik_entry.add_to_hass(hass)
    result = await odorik_entry.start_reconfigure_flow(hass)

    # One of the account's lines is another login, seeing less: not this entry.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        odorik_input(simulator.odorik_url, user=ODORIK_LINE, password=ODORIK_LINE_PASSWORD),
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert odorik_entry.data[CONF_USERNAME] == ODORIK_USER
    assert odorik_entry.unique_id == f"odorik_{ODORIK_USER}"


async def test_zadarma_reconfigure(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        zadarma_entry, data={**zadarma_entry.data, CONF_URL: CLOSED_URL}
    )
    result = await zadarma_entry.start_reconfigure_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"operator": "Zadarma"}
    assert form_defaults(result) == {
        CONF_API_KEY: ZADARMA_KEY,
        CONF_ADVANCED: {CONF_URL: CLOSED_URL},
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url, secret="wrong")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    simulator.control.faults["zadarma"].outage = True
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert zadarma_entry.data[CONF_URL] == CLOSED_URL

    simulator.control.faults["zadarma"].outage = False
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert zadarma_entry.data[CONF_URL] == simulator.zadarma_url
    assert zadarma_entry.unique_id == f"zadarma_{ZADARMA_PBX_ID}"
    assert zadarma_entry.state is ConfigEntryState.LOADED


async def test_zadarma_reconfigure_refuses_another_account(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    simulator.app[ZADARMA_APP].add_account(OTHER_KEY, OTHER_SECRET, pbx_id=777001)
    zadarma_entry.add_to_hass(hass)
    result = await zadarma_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url, key=OTHER_KEY, secret=OTHER_SECRET)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert zadarma_entry.data[CONF_API_KEY] == ZADARMA_KEY


async def test_zadarma_reconfigure_takes_a_rotated_key(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    device_ids = {device.id for device in devices_of_entry(hass, zadarma_entry)}
    simulator.app[ZADARMA_APP].rotate_key(ZADARMA_KEY, OTHER_KEY, OTHER_SECRET)
    result = await zadarma_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url, key=OTHER_KEY, secret=OTHER_SECRET)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert zadarma_entry.data[CONF_API_KEY] == OTHER_KEY
    assert zadarma_entry.data[CONF_API_SECRET] == OTHER_SECRET
    assert zadarma_entry.unique_id == f"zadarma_{ZADARMA_PBX_ID}"
    assert zadarma_entry.state is ConfigEntryState.LOADED
    # The same devices, not new ones.
    assert {device.id for device in devices_of_entry(hass, zadarma_entry)} == device_ids


async def test_zadarma_reauth_takes_a_rotated_key(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    simulator.app[ZADARMA_APP].rotate_key(ZADARMA_KEY, OTHER_KEY, OTHER_SECRET)
    result = await zadarma_entry.start_reauth_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: OTHER_KEY, CONF_API_SECRET: OTHER_SECRET}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert zadarma_entry.data[CONF_API_KEY] == OTHER_KEY
    assert zadarma_entry.state is ConfigEntryState.LOADED


async def test_zadarma_reauth_refuses_the_key_of_another_account(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    simulator.app[ZADARMA_APP].add_account(OTHER_KEY, OTHER_SECRET, pbx_id=777001)
    zadarma_entry.add_to_hass(hass)
    result = await zadarma_entry.start_reauth_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: OTHER_KEY, CONF_API_SECRET: OTHER_SECRET}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert zadarma_entry.data[CONF_API_KEY] == ZADARMA_KEY


async def test_zadarma_account_without_pbx_is_named_without_its_key(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    simulator.app[ZADARMA_APP].add_account(OTHER_KEY, OTHER_SECRET)
    result = await start_operator_step(hass, "zadarma")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url, key=OTHER_KEY, secret=OTHER_SECRET)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Zadarma"
    assert result["result"].unique_id.startswith("zadarma_key_")
    assert OTHER_KEY[:4] not in result["result"].unique_id


async def test_zadarma_reauth_of_an_account_without_pbx_says_a_new_key_is_a_new_entry(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    # Without a PBX nothing in Zadarma's API tells whose a key is: a new key cannot be
    # recognised as the same account, and the form must not promise that it can.
    zadarma = simulator.app[ZADARMA_APP]
    zadarma.add_account(OTHER_KEY, OTHER_SECRET)
    result = await start_operator_step(hass, "zadarma")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url, key=OTHER_KEY, secret=OTHER_SECRET)
    )
    await hass.async_block_till_done()
    entry = result["result"]
    zadarma.rotate_key(OTHER_KEY, "aaaabbbbccccddddeeee", "eeeeddddccccbbbbaaaa")

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "aaaabbbbccccddddeeee", CONF_API_SECRET: "eeeeddddccccbbbbaaaa"},
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data[CONF_API_KEY] == OTHER_KEY
    for language in ("en", "cs", "pl"):
        config = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
        said = config["config"]["step"]["reauth_confirm"]["data_description"]["api_key"]
        assert "PBX" in said, language
        assert "PBX" in config["config"]["abort"]["wrong_account"], language


# -- a transient failure while naming the account (B5) ------------------------------
# Only the operator's "this login cannot do that" names an account otherwise; a rate
# limit or an outage of one method is "try again", never a name stored for good.


def odorik_line_entry(simulator: SimulatorServer) -> MockConfigEntry:
    """Return a config entry of a line of the demo account, added by its line login."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Odorik line {ODORIK_LINE}",
        unique_id=f"odorik_line_{ODORIK_LINE}",
        data={
            CONF_OPERATOR: "odorik",
            CONF_USERNAME: ODORIK_LINE,
            CONF_PASSWORD: ODORIK_LINE_PASSWORD,
            CONF_URL: simulator.odorik_url,
        },
    )


async def test_zadarma_rate_limited_pbx_read_is_no_account_without_pbx(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    # The balance passes, the PBX read right after it is answered HTTP 429.
    simulator.app[ZADARMA_APP].settings.rate_limit_per_minute = 1
    result = await start_operator_step(hass, "zadarma")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert hass.config_entries.async_entries(DOMAIN) == []

    simulator.app[ZADARMA_APP].settings.rate_limit_per_minute = 100
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], zadarma_input(simulator.zadarma_url)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"zadarma_{ZADARMA_PBX_ID}"


async def test_odorik_line_is_not_taken_for_an_account_while_lines_fail(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    simulator.control.faults["odorik"].failing.append("GET /lines.json")
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        odorik_input(simulator.odorik_url, user=ODORIK_LINE, password=ODORIK_LINE_PASSWORD),
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert hass.config_entries.async_entries(DOMAIN) == []

    simulator.control.faults["odorik"].failing.clear()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        odorik_input(simulator.odorik_url, user=ODORIK_LINE, password=ODORIK_LINE_PASSWORD),
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"odorik_line_{ODORIK_LINE}"


async def test_odorik_line_is_not_taken_for_an_account_when_odorik_errs_listing_lines(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    """Only Odorik's refusal to list lines says the login may not; another error is shown."""
    simulator.inject("odorik", "text_error", endpoint="GET /lines.json", count=1)
    result = await start_operator_step(hass, "odorik")
    line_input = odorik_input(simulator.odorik_url, user=ODORIK_LINE, password=ODORIK_LINE_PASSWORD)

    result = await hass.config_entries.flow.async_configure(result["flow_id"], line_input)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(result["flow_id"], line_input)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"odorik_line_{ODORIK_LINE}"


async def test_zadarma_reauth_while_rate_limited(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    result = await zadarma_entry.start_reauth_flow(hass)
    simulator.app[ZADARMA_APP].settings.rate_limit_per_minute = 1

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: ZADARMA_KEY, CONF_API_SECRET: ZADARMA_SECRET}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    simulator.app[ZADARMA_APP].settings.rate_limit_per_minute = 100
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: ZADARMA_KEY, CONF_API_SECRET: ZADARMA_SECRET}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert zadarma_entry.unique_id == f"zadarma_{ZADARMA_PBX_ID}"


async def test_odorik_line_reauth_and_reconfigure_while_lines_fail(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    entry = odorik_line_entry(simulator)
    entry.add_to_hass(hass)
    simulator.control.faults["odorik"].failing.append("GET /lines.json")
    line_input = odorik_input(simulator.odorik_url, user=ODORIK_LINE, password=ODORIK_LINE_PASSWORD)

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: ODORIK_LINE_PASSWORD}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], line_input)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    simulator.control.faults["odorik"].failing.clear()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], line_input)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == f"odorik_line_{ODORIK_LINE}"


# -- the same Odorik account as an account and as one of its lines ---------------------


async def test_odorik_account_is_added_when_its_lines_cannot_be_listed(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    simulator.control.faults["odorik"].unsupported.append("GET /lines.json")
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"odorik_{ODORIK_USER}"


async def test_odorik_line_of_a_configured_account_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    odorik_entry: MockConfigEntry,
) -> None:
    zadarma_entry.add_to_hass(hass)
    odorik_entry.add_to_hass(hass)
    result = await start_operator_step(hass, "odorik")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        odorik_input(simulator.odorik_url, user=ODORIK_LINE, password=ODORIK_LINE_PASSWORD),
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert hass.config_entries.async_entries(DOMAIN) == [zadarma_entry, odorik_entry]


async def test_odorik_account_of_a_configured_line_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    result = await start_operator_step(hass, "odorik")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        odorik_input(simulator.odorik_url, user=ODORIK_LINE, password=ODORIK_LINE_PASSWORD),
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Odorik line {ODORIK_LINE}"
    assert result["result"].unique_id == f"odorik_line_{ODORIK_LINE}"

    result = await start_operator_step(hass, "odorik")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1

    # Another line of the same account is another login, with its own SIM card.
    result = await start_operator_step(hass, "odorik")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], odorik_input(simulator.odorik_url, user="403367", password="line-demo-2")
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == "odorik_line_403367"


# -- options -------------------------------------------------------------------


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_options_ask_only_for_the_sms_recipient(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    operator: str,
) -> None:
    """Poll intervals are the operator's, not options (Home Assistant's rule)."""
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    runtime_data = entry.runtime_data
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    fields = [str(key) for key in result["data_schema"].schema]
    assert CONF_SMS_RECIPIENT in fields
    assert not set(fields) & set(LEGACY_INTERVAL_OPTIONS)
    assert CONF_HISTORY_MONTHS in fields

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SMS_RECIPIENT: "+420 777 123 456"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert set(entry.options) == {CONF_SMS_RECIPIENT}
    assert entry.runtime_data is runtime_data
    assert runtime_data.account.update_interval == timedelta(minutes=5)


async def test_fixed_intervals_follow_each_operator(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    odorik, zadarma = odorik_entry.runtime_data, zadarma_entry.runtime_data
    assert odorik.active_calls.update_interval == timedelta(seconds=30)
    assert odorik.calls.update_interval == timedelta(seconds=30)
    assert odorik.account.update_interval == timedelta(minutes=5)
    assert odorik.mobile_data.update_interval == timedelta(minutes=15)
    assert odorik.routing.update_interval == timedelta(minutes=15)
    assert zadarma.account.update_interval == timedelta(minutes=5)
    assert zadarma.calls.update_interval == timedelta(minutes=1)


async def test_entry_of_version_1_1_drops_its_interval_options(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=odorik_entry.title,
        unique_id=odorik_entry.unique_id,
        data=dict(odorik_entry.data),
        options={
            "active_calls_interval": 15,
            "account_interval": 60,
            "slow_interval": 3600,
            CONF_SMS_RECIPIENT: "00420777123456",
        },
        version=1,
        minor_version=1,
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.options == {CONF_SMS_RECIPIENT: "00420777123456"}
    assert entry.runtime_data.account.update_interval == timedelta(minutes=5)
    assert entry.runtime_data.active_calls.update_interval == timedelta(seconds=30)


async def test_entry_of_a_newer_version_is_left_alone(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, data=dict(odorik_entry.data), options={"x": 1}, version=2, minor_version=1
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert entry.options == {"x": 1}


async def test_entry_of_a_newer_minor_version_loads_as_it_is(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """A minor version is compatible: going back a release keeps the entry working."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=odorik_entry.title,
        unique_id=odorik_entry.unique_id,
        data=dict(odorik_entry.data),
        options={CONF_SMS_RECIPIENT: "00420777123456", "account_interval": 60},
        version=1,
        minor_version=3,
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 3)
    assert entry.options == {CONF_SMS_RECIPIENT: "00420777123456", "account_interval": 60}
    assert entry.runtime_data.account.update_interval == timedelta(minutes=5)


async def test_options_of_an_entry_that_is_not_loaded_are_stored(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """Options can be changed while the account is unreachable."""
    simulator.control.faults["odorik"].outage = True
    odorik_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(odorik_entry.entry_id)
    assert odorik_entry.state is ConfigEntryState.SETUP_RETRY

    result = await hass.config_entries.options.async_init(odorik_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SMS_RECIPIENT: "+420 777 123 456"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert odorik_entry.options == {CONF_SMS_RECIPIENT: "00420777123456"}
