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
from homeassistant.const import CONF_URL
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import (
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoError,
    TelcoRateLimitedError,
)
from .const import (
    CONF_ADVANCED,
    CONF_HISTORY_MONTHS,
    CONF_OPERATOR,
    CONF_PUSH_EVENTS,
    CONF_SMS_RECIPIENT,
    DEFAULT_HISTORY_MONTHS,
    DOMAIN,
    LOGGER,
)
from .model.declaration import (
    AccountIdentity,
    Operator,
    PushError,
    PushPlan,
    PushSupport,
    TelcoConfigEntry,
)
from .operators import OPERATORS, operator_of
from .sentences import (
    async_sync_sentences,
    chosen_options as intent_options,
    options_schema as intent_fields,
)

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
PHONE = TextSelector(TextSelectorConfig(type=TextSelectorType.TEL))


def credentials_schema(operator: Operator[Any, Any], defaults: Mapping[str, Any]) -> vol.Schema:
    """Return the form for an operator's credentials, with the API address folded away."""
    account = operator.account_field
    return vol.Schema(
        {
            vol.Required(account, default=defaults.get(account, vol.UNDEFINED)): str,
            vol.Required(operator.secret_field): PASSWORD,
            vol.Required(CONF_ADVANCED): section(
                vol.Schema(
                    {
                        vol.Required(
                            CONF_URL, default=defaults.get(CONF_URL, operator.default_url)
                        ): URL
                    }
                ),
                {"collapsed": True},
            ),
        }
    )


def entry_data(operator: Operator[Any, Any], user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a submitted credentials form into config entry data."""
    account = operator.account_field
    url = str(user_input[CONF_ADVANCED][CONF_URL]).strip().rstrip("/")
    return {
        CONF_OPERATOR: operator.key,
        account: str(user_input[account]).strip(),
        operator.secret_field: user_input[operator.secret_field],
        CONF_URL: url,
    }


async def identify(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[AccountIdentity | None, dict[str, str]]:
    """Check the credentials with the operator and name the account; or return form errors."""
    operator = operator_of(data)
    try:
        client = operator.connect(async_get_clientsession(hass), data)
        return await operator.identify(client, data), {}
    except TelcoAuthenticationError:
        return None, {"base": "invalid_auth"}
    except (TelcoConnectionError, TelcoRateLimitedError):
        # Worth trying again in a moment: never a reason to name the account otherwise.
        return None, {"base": "cannot_connect"}
    except TelcoError:
        LOGGER.exception("Unexpected answer while testing the credentials")
        return None, {"base": "unknown"}


class TelcoConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an Odorik or Zadarma account."""

    VERSION = 1
    # 1.2: the poll intervals are no longer options (async_migrate_entry drops them).
    MINOR_VERSION = 2

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: TelcoConfigEntry) -> TelcoOptionsFlow:
        """Return the options flow (the SMS recipient)."""
        return TelcoOptionsFlow()

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which operator the account belongs to."""
        return self.async_show_menu(step_id="user", menu_options=list(OPERATORS))

    async def async_step_odorik(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for an Odorik account ID or line number and its API or line password."""
        return await self._async_step_credentials(OPERATORS["odorik"], user_input)

    async def async_step_zadarma(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a Zadarma API key and secret."""
        return await self._async_step_credentials(OPERATORS["zadarma"], user_input)

    async def _async_step_credentials(
        self, operator: Operator[Any, Any], user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        defaults: Mapping[str, Any] = {}
        if user_input is not None:
            data = defaults = entry_data(operator, user_input)
            # The same login again is refused before the operator is asked.
            self._async_abort_entries_match({operator.account_field: data[operator.account_field]})
            identity, errors = await identify(self.hass, data)
            if identity is not None:
                await self.async_set_unique_id(identity.unique_id)
                self._abort_if_unique_id_configured()
                if await self._async_configured_under_another_name(identity):
                    return self.async_abort(reason="already_configured")
                return self.async_create_entry(title=identity.title, data=data)
        return self.async_show_form(
            step_id=operator.key,
            data_schema=credentials_schema(operator, defaults),
            errors=errors,
        )

    async def _async_configured_under_another_name(self, identity: AccountIdentity) -> bool:
        """Tell whether the account is configured already as one of its lines, or vice versa."""
        for entry in self._async_current_entries(include_ignore=False):
            if entry.unique_id in identity.also_known_as:
                return True
            if not identity.unique_id.startswith(f"{entry.data[CONF_OPERATOR]}_"):
                continue
            # Only the account side knows its lines: ask the configured entry.
            other, _ = await identify(self.hass, entry.data)
            if other is not None and identity.unique_id in other.also_known_as:
                return True
        return False

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start reauthentication after the operator refused the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the account's new password, or its new API key and secret."""
        entry = self._get_reauth_entry()
        operator = operator_of(entry.data)
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **{field: user_input[field] for field in operator.reauth_fields}}
            identity, errors = await identify(self.hass, data)
            if identity is not None:
                await self.async_set_unique_id(identity.unique_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
        fields: dict[Any, Any] = {
            vol.Required(field): str if field == operator.account_field else PASSWORD
            for field in operator.reauth_fields
        }
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(fields),
            description_placeholders={"operator": operator.name, "account": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials or API address of the same account."""
        entry = self._get_reconfigure_entry()
        operator = operator_of(entry.data)
        errors: dict[str, str] = {}
        defaults: Mapping[str, Any] = entry.data
        if user_input is not None:
            data = defaults = entry_data(operator, user_input)
            identity, errors = await identify(self.hass, data)
            if identity is not None:
                await self.async_set_unique_id(identity.unique_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=credentials_schema(operator, defaults),
            description_placeholders={"operator": operator.name},
            errors=errors,
        )


# --- History in long-term statistics: how many months the first import reaches back.
HISTORY_MONTHS = NumberSelector(
    NumberSelectorConfig(min=1, max=60, step=1, mode=NumberSelectorMode.BOX)
)


def history_schema(options: Mapping[str, Any]) -> dict[Any, Any]:
    """Return the options field of the history's months."""
    months = options.get(CONF_HISTORY_MONTHS, DEFAULT_HISTORY_MONTHS)
    return {vol.Optional(CONF_HISTORY_MONTHS, default=months): HISTORY_MONTHS}


def history_options(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return the history's months as chosen (whole months; the default is not stored)."""
    months = int(user_input.get(CONF_HISTORY_MONTHS, DEFAULT_HISTORY_MONTHS))
    return {} if months == DEFAULT_HISTORY_MONTHS else {CONF_HISTORY_MONTHS: months}


# ---


class TelcoOptionsFlow(OptionsFlow):
    """Change where the account's SMS notifications go, and whether its events are pushed."""

    _chosen: dict[str, Any]
    _plan: PushPlan
    _push: PushSupport

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the SMS recipient (any usual format) and, where offered, push."""
        operator = operator_of(self.config_entry.data)
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen: dict[str, Any] = {}
            if typed := str(user_input.get(CONF_SMS_RECIPIENT) or "").strip():
                try:
                    chosen[CONF_SMS_RECIPIENT] = operator.phone_number(typed, CONF_SMS_RECIPIENT)
                except ServiceValidationError:
                    errors[CONF_SMS_RECIPIENT] = "invalid_phone_number"
            # Intents: the callback number and Assist's sentences (sentences.py).
            chosen.update(intent_options(operator, user_input, errors))
            if operator.push is not None and user_input.get(CONF_PUSH_EVENTS):
                chosen[CONF_PUSH_EVENTS] = True  # kept only while on
            # More months of history restart the import (the entry reloads itself).
            chosen |= history_options(user_input)
            if not errors:
                try:
                    return await self._async_apply(chosen)
                except PushError as err:
                    errors["base"] = err.reason
        options = {**self.config_entry.options, **(user_input or {})}
        suggested = {"suggested_value": options.get(CONF_SMS_RECIPIENT)}
        fields: dict[Any, Any] = {
            vol.Optional(CONF_SMS_RECIPIENT, description=suggested): PHONE,
            **intent_fields(options),
            **history_schema(options),
        }
        if operator.push is not None:
            fields[vol.Required(CONF_PUSH_EVENTS, default=bool(options.get(CONF_PUSH_EVENTS)))] = (
                BooleanSelector()
            )
        return self.async_show_form(step_id="init", data_schema=vol.Schema(fields), errors=errors)

    async def _async_apply(self, chosen: dict[str, Any]) -> ConfigFlowResult:
        """Turn push on or off at the operator as asked, then keep the options.

        Turning it on over another URL set at the operator asks first.
        """
        push = operator_of(self.config_entry.data).push
        was_on = bool(self.config_entry.options.get(CONF_PUSH_EVENTS))
        if push is None or bool(chosen.get(CONF_PUSH_EVENTS)) == was_on:
            # The SMS recipient is read when an SMS is sent: nothing to reload.
            return await self._async_done(chosen)
        if chosen.get(CONF_PUSH_EVENTS):
            plan = await push.prepare(self.hass, self.config_entry)
            if plan.replaces:
                self._chosen, self._plan, self._push = chosen, plan, push
                return await self.async_step_replace_url()
            await push.enable(self.hass, self.config_entry, plan)
        else:
            await push.disable(self.hass, self.config_entry)
        return await self._async_done(chosen)

    async def async_step_replace_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm replacing the URL another service has set at the operator."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await self._push.enable(self.hass, self.config_entry, self._plan)
            except PushError as err:
                errors["base"] = err.reason
            else:
                return await self._async_done(self._chosen)
        return self.async_show_form(
            step_id="replace_url",
            data_schema=vol.Schema({}),
            description_placeholders={"url": ", ".join(self._plan.replaces)},
            errors=errors,
        )

    async def _async_done(self, chosen: dict[str, Any]) -> ConfigFlowResult:
        """Keep the options; Assist's sentences follow them at once.

        Another number of months of history starts the import again: the options are
        kept first, so that the entry's restart reads them.
        """
        entry = self.config_entry
        await async_sync_sentences(self.hass, changing=(entry.entry_id, chosen))
        months = chosen.get(CONF_HISTORY_MONTHS, DEFAULT_HISTORY_MONTHS)
        if entry.state is ConfigEntryState.LOADED and months != entry.options.get(
            CONF_HISTORY_MONTHS, DEFAULT_HISTORY_MONTHS
        ):
            self.hass.config_entries.async_update_entry(entry, options=chosen)
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_create_entry(data=chosen)
