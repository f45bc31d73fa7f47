"""Intents: ask an account's balance or mobile data, end its calls, order a callback.

Every loaded account whose operator declares the capability (``Operator.voice``) and
whose sensor for it the user exposes to the assistant is spoken about or acted on;
the others are left out. Slots are checked like the actions' fields, before
anything is sent, and a refusal is spoken in the user's language. The answers are
this integration's translations (category ``intents``; Home Assistant loads every
category of an integration's translation files), the refusals its ``exceptions``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import importlib
from typing import Any, Final, override

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.helpers.translation import async_get_translations

from .const import CONF_CALLBACK_NUMBER, DOMAIN
from .model.declaration import Operator, TelcoConfigEntry
from .model.descriptions import TelcoSensorDescription, display_number
from .model.items import entity_unique_id
from .model.voice import Spoken, Voice
from .operators import OPERATORS

INTENT_GET_BALANCE: Final = "TelcoGetBalance"
INTENT_GET_DATA_USAGE: Final = "TelcoGetDataUsage"
INTENT_HANG_UP: Final = "TelcoHangUp"
INTENT_CALLBACK: Final = "TelcoCallback"
SLOT_OPERATOR: Final = "operator"
SLOT_NUMBER: Final = "number"
# The languages the answers are written in; any other is answered in English.
LANGUAGES: Final = ("en", "cs", "pl")
# Whom intents are asked by when the caller does not say (the default agent's name).
DEFAULT_ASSISTANT: Final = "conversation"

# Slots are validated with the schema library of Home Assistant's intent helper,
# read from the helper itself: voluptuous on 2025.4 and 2026.2, probatio on 2026.10.
# Their markers do not mix.
_schema: Any = importlib.import_module(type(intent.SLOT_SCHEMA).__module__.partition(".")[0])


def spoken_language(language: str | None) -> str:
    """Return the language to answer in: ``cs-CZ`` → ``cs``; unknown ones → ``en``."""
    base = (language or "en").lower().replace("_", "-").partition("-")[0]
    return base if base in LANGUAGES else "en"


class RefusalError(Exception):
    """An answer that says why nothing was done, by its key in the ``intents`` texts."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Keep the text's key and placeholders."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


class _Kept(dict[str, str]):
    """Placeholders that leave one they do not have as it is written."""

    def __missing__(self, key: str) -> str:
        return f"{{{key}}}"


class Texts:
    """The answers and refusals in one language (English where one is missing)."""

    def __init__(self, language: str, texts: dict[str, str], english: dict[str, str]) -> None:
        """Keep the flattened translations of both languages."""
        self.language = language
        self._texts = texts
        self._english = english

    def _get(self, key: str) -> str:
        return self._texts.get(key) or self._english.get(key) or key

    def say(self, key: str, **placeholders: str) -> str:
        """Return one answer, filled in."""
        return self._get(f"component.{DOMAIN}.intents.{key}").format_map(_Kept(placeholders))

    def error(self, err: HomeAssistantError) -> str:
        """Return the translated message of one of our errors (a refusal of the operator)."""
        text = self._get(f"component.{DOMAIN}.exceptions.{err.translation_key}.message")
        return text.format_map(_Kept(err.translation_placeholders or {}))

    def amount(self, value: float, decimals: int = 2) -> str:
        """Return a number as the language writes it (decimal comma in cs and pl)."""
        text = f"{value:.{decimals}f}"
        return text if self.language == "en" else text.replace(".", ",")

    def data_size(self, total_bytes: int) -> str:
        """Return an amount of data in MB or, from 1 000 MB on, in GB (decimal units)."""
        megabytes = total_bytes / 1_000_000
        if megabytes < 1000:
            return f"{self.amount(megabytes, 1)} MB"
        return f"{self.amount(megabytes / 1000, 2)} GB"


async def async_texts(hass: HomeAssistant, language: str | None) -> Texts:
    """Load the answers and refusals in the user's language."""
    chosen = spoken_language(language)
    english = {
        **await async_get_translations(hass, "en", "intents", [DOMAIN]),
        **await async_get_translations(hass, "en", "exceptions", [DOMAIN]),
    }
    if chosen == "en":
        return Texts(chosen, english, english)
    texts = {
        **await async_get_translations(hass, chosen, "intents", [DOMAIN]),
        **await async_get_translations(hass, chosen, "exceptions", [DOMAIN]),
    }
    return Texts(chosen, texts, english)


# --- Which accounts an intent may speak about -------------------------------------------


def exposed(
    hass: HomeAssistant,
    assistant: str,
    entry: TelcoConfigEntry,
    sensor: TelcoSensorDescription[Any],
    item: str = "",
) -> bool:
    """Tell whether the user exposes the sensor of ``item`` (or of the account)."""
    unique_id = entity_unique_id(entry, sensor, item)
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, unique_id)
    return entity_id is not None and async_should_expose(hass, assistant, entity_id)


def _order(entry: TelcoConfigEntry) -> tuple[int, str]:
    return list(OPERATORS).index(entry.runtime_data.operator.key), entry.title


def loaded(hass: HomeAssistant) -> list[TelcoConfigEntry]:
    """Return the loaded accounts, by operator (as the registry lists them) and title."""
    entries: list[TelcoConfigEntry] = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED
    ]
    return sorted(entries, key=_order)


def accounts[RunT](
    hass: HomeAssistant,
    assistant: str,
    capability: Callable[[Voice[Any]], Spoken[Any, RunT] | None],
) -> Iterator[tuple[TelcoConfigEntry, Spoken[Any, RunT]]]:
    """Yield the loaded accounts with the capability whose sensor is exposed, in order."""
    for entry in loaded(hass):
        voice = entry.runtime_data.operator.voice
        spoken = capability(voice) if voice is not None else None
        if spoken is not None and exposed(hass, assistant, entry, spoken.sensor):
            yield entry, spoken


def checked_number(operator: Operator[Any, Any], value: str) -> str:
    """Return a number in the operator's format, or refuse it in words."""
    try:
        return operator.phone_number(value, SLOT_NUMBER)
    except ServiceValidationError:
        raise RefusalError("invalid_number", number=value) from None


# --- The intents ------------------------------------------------------------------------


class TelcoIntentHandler(intent.IntentHandler):
    """An intent of this integration: answers, refusals and errors spoken alike."""

    # The capability of an operator this intent uses.
    capability: Callable[[Voice[Any]], Spoken[Any, Any] | None]

    def offered(self, hass: HomeAssistant, assistant: str) -> bool:
        """Tell whether an account the assistant may see has what this intent needs."""
        return any(accounts(hass, assistant, self.capability))

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Check the slots, answer, and speak a refusal instead of raising it."""
        slots = self.async_validate_slots(intent_obj.slots)
        given = {name: slot["value"] for name, slot in slots.items() if "value" in slot}
        texts = await async_texts(intent_obj.hass, intent_obj.language)
        response = intent_obj.create_response()
        assistant = intent_obj.assistant or DEFAULT_ASSISTANT
        try:
            speech = await self.async_answer(intent_obj.hass, assistant, given, texts)
        except RefusalError as refusal:
            speech = texts.say(refusal.key, **refusal.placeholders)
            response.async_set_error(intent.IntentResponseErrorCode.FAILED_TO_HANDLE, speech)
            return response
        except HomeAssistantError as err:
            if err.translation_domain != DOMAIN or not err.translation_key:
                raise
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE, texts.error(err)
            )
            return response
        response.async_set_speech(speech)
        return response

    async def async_answer(
        self, hass: HomeAssistant, assistant: str, given: dict[str, Any], texts: Texts
    ) -> str:
        """Return what to say."""
        raise NotImplementedError


class GetBalance(TelcoIntentHandler):
    """Say every exposed account's balance, with its currency."""

    intent_type = INTENT_GET_BALANCE
    capability = staticmethod(lambda voice: voice.balance)
    description = (
        "Tells the credit (balance) of the user's phone operator accounts "
        "(Odorik, Zadarma), each with its currency. Optionally only one operator's."
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """Take an optional operator."""
        return {_schema.Optional(SLOT_OPERATOR): _schema.In(list(OPERATORS))}

    @override
    async def async_answer(
        self, hass: HomeAssistant, assistant: str, given: dict[str, Any], texts: Texts
    ) -> str:
        wanted = given.get(SLOT_OPERATOR)
        said = []
        for entry, spoken in accounts(hass, assistant, self.capability):
            if wanted is not None and entry.runtime_data.operator.key != wanted:
                continue
            amount, currency = spoken.run(entry.runtime_data)
            said.append(
                texts.say(
                    "balance", account=entry.title, amount=texts.amount(amount), currency=currency
                )
            )
        if not said:
            raise RefusalError("no_account")
        return " ".join(said)


class GetDataUsage(TelcoIntentHandler):
    """Say this month's mobile data of each exposed SIM card."""

    intent_type = INTENT_GET_DATA_USAGE
    capability = staticmethod(lambda voice: voice.data_used)
    description = (
        "Tells how much mobile data each of the user's Odorik SIM cards used this month. "
        "Optionally only the SIM card with the given phone number."
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """Take an optional SIM card number."""
        return {_schema.Optional(SLOT_NUMBER): intent.non_empty_string}

    @staticmethod
    def sim_cards(
        hass: HomeAssistant, assistant: str
    ) -> Iterator[tuple[TelcoConfigEntry, str, int]]:
        """Yield each SIM card whose data-used sensor is exposed, with its bytes this month."""
        for entry in loaded(hass):
            voice = entry.runtime_data.operator.voice
            if voice is None or voice.data_used is None:
                continue
            sensor = voice.data_used.sensor
            for number, used in sorted(voice.data_used.run(entry.runtime_data).items()):
                if exposed(hass, assistant, entry, sensor, number):
                    yield entry, number, used

    @override
    def offered(self, hass: HomeAssistant, assistant: str) -> bool:
        return any(self.sim_cards(hass, assistant))

    @override
    async def async_answer(
        self, hass: HomeAssistant, assistant: str, given: dict[str, Any], texts: Texts
    ) -> str:
        typed = given.get(SLOT_NUMBER)
        cards = list(self.sim_cards(hass, assistant))
        if not cards:
            raise RefusalError("no_account")
        said = []
        for entry, number, used in cards:
            if typed and number != checked_number(entry.runtime_data.operator, typed):
                continue
            amount = texts.data_size(used)
            said.append(texts.say("data_used", number=display_number(number), amount=amount))
        if not said:
            raise RefusalError("no_sim_card", number=typed or "")
        return " ".join(said)


class HangUp(TelcoIntentHandler):
    """End the calls in progress of the exposed accounts: all, or those with a number."""

    intent_type = INTENT_HANG_UP
    capability = staticmethod(lambda voice: voice.hang_up)
    description = (
        "Ends the phone calls in progress on the user's Odorik accounts: every call, "
        "or only the calls from or to the given phone number."
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """Take an optional number."""
        return {_schema.Optional(SLOT_NUMBER): intent.non_empty_string}

    @override
    async def async_answer(
        self, hass: HomeAssistant, assistant: str, given: dict[str, Any], texts: Texts
    ) -> str:
        typed = given.get(SLOT_NUMBER)
        chosen = list(accounts(hass, assistant, self.capability))
        if not chosen:
            raise RefusalError("no_account")
        # Every number is checked before any call is ended.
        numbers = {
            entry.entry_id: checked_number(entry.runtime_data.operator, typed) if typed else None
            for entry, _ in chosen
        }
        ended = 0
        for entry, spoken in chosen:
            ended += len(await spoken.run(hass, entry.runtime_data, numbers[entry.entry_id]))
        if not ended:
            if typed:
                raise RefusalError("no_calls_with", number=typed)
            raise RefusalError("no_calls")
        return texts.say("hung_up", count=str(ended))


class Callback(TelcoIntentHandler):
    """Ring the account's callback number, then connect it to the number asked for."""

    intent_type = INTENT_CALLBACK
    capability = staticmethod(lambda voice: voice.callback)
    description = (
        "Calls the given phone number through the user's phone operator account: the "
        "operator first rings the user's own callback number, then connects the call."
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """Take the number to connect to."""
        return {_schema.Required(SLOT_NUMBER): intent.non_empty_string}

    @override
    async def async_answer(
        self, hass: HomeAssistant, assistant: str, given: dict[str, Any], texts: Texts
    ) -> str:
        typed = given[SLOT_NUMBER]
        chosen = list(accounts(hass, assistant, self.capability))
        if not chosen:
            raise RefusalError("no_account")
        ready = [
            (entry, spoken) for entry, spoken in chosen if entry.options.get(CONF_CALLBACK_NUMBER)
        ]
        if not ready:
            raise RefusalError("callback_number_missing", account=chosen[0][0].title)
        entry, spoken = ready[0]
        caller = entry.options[CONF_CALLBACK_NUMBER]
        recipient = checked_number(entry.runtime_data.operator, typed)
        await spoken.run(hass, entry.runtime_data, caller, recipient)
        return texts.say(
            "callback", caller=display_number(caller), number=display_number(recipient)
        )


HANDLERS: Final = (GetBalance, GetDataUsage, HangUp, Callback)


@callback
def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intents (they speak about every loaded account)."""
    for handler in HANDLERS:
        intent.async_register(hass, handler())
