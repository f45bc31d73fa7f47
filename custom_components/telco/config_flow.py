"""Config flow: pick an operator, enter its credentials, test them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, override

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import TelcoAuthenticationError, TelcoConnectionError, TelcoError
from .api.odorik import DEFAULT_ODORIK_URL, OdorikClient
from .api.zadarma import DEFAULT_ZADARMA_URL, ZadarmaClient
from .const import (
    CONF_ACCOUNT_INTERVAL,
    CONF_ACTIVE_CALLS_INTERVAL,
    CONF_ADVANCED,
    CONF_API_SECRET,
    CONF_OPERATOR,
    CONF_SLOW_INTERVAL,
    DEFAULT_INTERVALS,
    DOMAIN,
    INTERVAL_LIMITS,
    LOGGER,
    OPERATOR_ODORIK,
    OPERATOR_ZADARMA,
)
from .coordinator import TelcoConfigEntry

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))

# Per operator: the field that names the account (the unique ID), the secret field,
# the default API address, and how the entry is titled.
ACCOUNT_FIELD = {OPERATOR_ODORIK: CONF_USERNAME, OPERATOR_ZADARMA: CONF_API_KEY}
SECRET_FIELD = {OPERATOR_ODORIK: CONF_PASSWORD, OPERATOR_ZADARMA: CONF_API_SECRET}
DEFAULT_URLS = {OPERATOR_ODORIK: DEFAULT_ODORIK_URL, OPERATOR_ZADARMA: DEFAULT_ZADARMA_URL}
INTERVALS_BY_OPERATOR = {
    OPERATOR_ODORIK: (CONF_ACTIVE_CALLS_INTERVAL, CONF_ACCOUNT_INTERVAL, CONF_SLOW_INTERVAL),
    OPERATOR_ZADARMA: (CONF_ACCOUNT_INTERVAL,),
}


def entry_title(operator: str, data: Mapping[str, Any]) -> str:
    """Return the title of an account's entry (the Zadarma key is shortened)."""
    if operator == OPERATOR_ODORIK:
        return f"Odorik {data[CONF_USERNAME]}"
    return f"Zadarma {data[CONF_API_KEY][:6]}…"


def credentials_schema(operator: str, defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form for an operator's credentials, with the API address folded away."""
    account = ACCOUNT_FIELD[operator]
    return vol.Schema(
        {
            vol.Required(account, default=defaults.get(account, vol.UNDEFINED)): str,
            vol.Required(SECRET_FIELD[operator]): PASSWORD,
            vol.Required(CONF_ADVANCED): section(
                vol.Schema(
                    {
                        vol.Required(
                            CONF_URL, default=defaults.get(CONF_URL, DEFAULT_URLS[operator])
                        ): URL
                    }
                ),
                {"collapsed": True},
            ),
        }
    )


def entry_data(operator: str, user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a submitted credentials form into config entry data."""
    account = ACCOUNT_FIELD[operator]
    secret = SECRET_FIELD[operator]
    url = str(user_input[CONF_ADVANCED][CONF_URL]).strip().rstrip("/")
    return {
        CONF_OPERATOR: operator,
        account: str(user_input[account]).strip(),
        secret: user_input[secret],
        CONF_URL: url,
    }


async def validate_credentials(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Ask the operator for the balance with the credentials; return form errors."""
    session = async_get_clientsession(hass)
    try:
        if data[CONF_OPERATOR] == OPERATOR_ODORIK:
            await OdorikClient(
                session, data[CONF_USERNAME], data[CONF_PASSWORD], base_url=data[CONF_URL]
            ).get_balance()
        else:
            await ZadarmaClient(
                session, data[CONF_API_KEY], data[CONF_API_SECRET], base_url=data[CONF_URL]
            ).get_balance()
    except TelcoAuthenticationError:
        return {"base": "invalid_auth"}
    except TelcoConnectionError:
        return {"base": "cannot_connect"}
    except TelcoError:
        LOGGER.exception("Unexpected answer while testing the credentials")
        return {"base": "unknown"}
    return {}


class TelcoConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an Odorik or Zadarma account."""

    VERSION = 1

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: TelcoConfigEntry) -> TelcoOptionsFlow:
        """Return the options flow (poll intervals)."""
        return TelcoOptionsFlow()

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which operator the account belongs to."""
        return self.async_show_menu(
            step_id="user", menu_options=[OPERATOR_ODORIK, OPERATOR_ZADARMA]
        )

    async def async_step_odorik(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for an Odorik account ID or line number and its API or line password."""
        return await self._async_step_credentials(OPERATOR_ODORIK, user_input)

    async def async_step_zadarma(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a Zadarma API key and secret."""
        return await self._async_step_credentials(OPERATOR_ZADARMA, user_input)

    async def _async_step_credentials(
        self, operator: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        defaults: Mapping[str, Any] = {}
        if user_input is not None:
            data = entry_data(operator, user_input)
            defaults = data
            await self.async_set_unique_id(data[ACCOUNT_FIELD[operator]])
            self._abort_if_unique_id_configured()
            errors = await validate_credentials(self.hass, data)
            if not errors:
                return self.async_create_entry(title=entry_title(operator, data), data=data)
        return self.async_show_form(
            step_id=operator, data_schema=credentials_schema(operator, defaults), errors=errors
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start reauthentication after the operator refused the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the account's new password or API secret."""
        entry = self._get_reauth_entry()
        operator = entry.data[CONF_OPERATOR]
        secret = SECRET_FIELD[operator]
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, secret: user_input[secret]}
            errors = await validate_credentials(self.hass, data)
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(secret): PASSWORD}),
            description_placeholders={
                "operator": operator.capitalize(),
                "account": entry.title,
            },
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials or API address of the same account."""
        entry = self._get_reconfigure_entry()
        operator = entry.data[CONF_OPERATOR]
        errors: dict[str, str] = {}
        defaults: Mapping[str, Any] = entry.data
        if user_input is not None:
            data = entry_data(operator, user_input)
            defaults = data
            await self.async_set_unique_id(data[ACCOUNT_FIELD[operator]])
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            errors = await validate_credentials(self.hass, data)
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=credentials_schema(operator, defaults),
            description_placeholders={"operator": operator.capitalize()},
            errors=errors,
        )


class TelcoOptionsFlow(OptionsFlow):
    """Change how often the account is polled."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the poll intervals of the entry's operator."""
        if user_input is not None:
            chosen = {key: int(value) for key, value in user_input.items()}
            # Running coordinators take the new intervals at once, without a reload.
            if self.config_entry.state is ConfigEntryState.LOADED:
                for coordinator in self.config_entry.runtime_data.coordinators:
                    coordinator.update_interval = coordinator.interval_from(chosen)
            return self.async_create_entry(data=chosen)
        options = self.config_entry.options
        fields = INTERVALS_BY_OPERATOR[self.config_entry.data[CONF_OPERATOR]]
        schema = vol.Schema(
            {
                vol.Required(key, default=options.get(key, DEFAULT_INTERVALS[key])): NumberSelector(
                    NumberSelectorConfig(
                        min=INTERVAL_LIMITS[key][0],
                        max=INTERVAL_LIMITS[key][1],
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                )
                for key in fields
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
