"""Assist's sentences: shipped for en, cs and pl, installed and removed with the option."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
import yaml

from custom_components.telco.const import CONF_CALLBACK_NUMBER, CONF_CUSTOM_SENTENCES
from custom_components.telco.intents import HANDLERS
from custom_components.telco.sentences import MARKER, SOURCE
from tests.common import setup_entry
from tests.simulator import SimulatorServer

LANGUAGES = ("cs", "en", "pl")


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Give Home Assistant a configuration folder of its own."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture
def reloads(hass: HomeAssistant) -> list[ServiceCall]:
    """Record the calls of ``conversation.reload``."""
    return async_mock_service(hass, "conversation", "reload")


def installed(config_dir: Path) -> dict[str, str]:
    """Return the sentence files of this integration under custom_sentences, by language."""
    return {
        path.parent.name: path.read_text(encoding="utf-8")
        for path in sorted((config_dir / "custom_sentences").glob("*/telco.yaml"))
    }


async def set_options(hass: HomeAssistant, entry: MockConfigEntry, **chosen: Any) -> Any:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], chosen)
    await hass.async_block_till_done()
    return result


# -- the shipped files -------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_intent(language: str) -> None:
    text = (SOURCE / language / "telco.yaml").read_text(encoding="utf-8")
    assert text.startswith(MARKER)
    sentences = yaml.safe_load(text)
    assert sentences["language"] == language
    assert set(sentences["intents"]) == {handler.intent_type for handler in HANDLERS}
    assert sentences["lists"]["number"] == {"wildcard": True}
    assert {value["out"] for value in sentences["lists"]["operator"]["values"]} == {
        "odorik",
        "zadarma",
    }


@pytest.mark.parametrize(
    ("language", "sentence", "intent", "slots"),
    [
        ("en", "what's my phone balance", "TelcoGetBalance", {}),
        ("en", "what is the balance on Zadarma", "TelcoGetBalance", {"operator": "zadarma"}),
        ("en", "how much data have I used this month", "TelcoGetDataUsage", {}),
        ("en", "hang up all calls", "TelcoHangUp", {}),
        (
            "en",
            "call +420 608 000 111 through my phone account",
            "TelcoCallback",
            {"number": "+420 608 000 111"},
        ),
        ("cs", "jaký je můj zůstatek u Zadarmy", "TelcoGetBalance", {"operator": "zadarma"}),
        ("cs", "kolik dat jsem spotřeboval tento měsíc", "TelcoGetDataUsage", {}),
        ("cs", "ukonči hovor s číslem 00420555444333", "TelcoHangUp", {"number": "00420555444333"}),
        (
            "cs",
            "zavolej na číslo +420 608 000 111 přes můj účet",
            "TelcoCallback",
            {"number": "+420 608 000 111"},
        ),
        ("pl", "jaki jest mój stan konta na Odoriku", "TelcoGetBalance", {"operator": "odorik"}),
        (
            "pl",
            "ile danych zużyła karta SIM 00420799799081",
            "TelcoGetDataUsage",
            {"number": "00420799799081"},
        ),
        ("pl", "rozłącz wszystkie połączenia", "TelcoHangUp", {}),
        (
            "pl",
            "oddzwoń na numer +420 608 000 111",
            "TelcoCallback",
            {"number": "+420 608 000 111"},
        ),
    ],
)
def test_sentences_match_the_intents(
    language: str, sentence: str, intent: str, slots: dict[str, str]
) -> None:
    hassil = pytest.importorskip("hassil", reason="hassil comes with the conversation agent")
    intents = hassil.Intents.from_dict(
        yaml.safe_load((SOURCE / language / "telco.yaml").read_text(encoding="utf-8"))
    )
    result = hassil.recognize(sentence, intents)
    assert result is not None, sentence
    assert result.intent.name == intent
    assert {name: entity.value for name, entity in result.entities.items()} == slots


# -- the option --------------------------------------------------------------


async def test_sentences_are_installed_and_removed_with_the_option(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    config_dir: Path,
    reloads: list[ServiceCall],
) -> None:
    await setup_entry(hass, odorik_entry)
    assert installed(config_dir) == {}
    assert reloads == []

    result = await set_options(hass, odorik_entry, custom_sentences=True)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert odorik_entry.options[CONF_CUSTOM_SENTENCES] is True
    assert installed(config_dir) == {
        language: (SOURCE / language / "telco.yaml").read_text(encoding="utf-8")
        for language in LANGUAGES
    }
    assert len(reloads) == 1

    await set_options(hass, odorik_entry, custom_sentences=True)
    assert len(reloads) == 1  # nothing changed, nothing to reload

    await set_options(hass, odorik_entry, custom_sentences=False)
    assert CONF_CUSTOM_SENTENCES not in odorik_entry.options
    assert installed(config_dir) == {}
    assert len(reloads) == 2


async def test_sentences_stay_while_another_account_wants_them(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    config_dir: Path,
    reloads: list[ServiceCall],
) -> None:
    await setup_entry(hass, odorik_entry)
    await setup_entry(hass, zadarma_entry)
    await set_options(hass, odorik_entry, custom_sentences=True)
    await set_options(hass, zadarma_entry, custom_sentences=True)
    await set_options(hass, odorik_entry, custom_sentences=False)
    assert set(installed(config_dir)) == set(LANGUAGES)

    await hass.config_entries.async_remove(zadarma_entry.entry_id)
    await hass.async_block_till_done()
    assert installed(config_dir) == {}
    assert len(reloads) == 2


async def test_the_users_own_file_is_left_alone(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    config_dir: Path,
    reloads: list[ServiceCall],
) -> None:
    own = config_dir / "custom_sentences" / "cs" / "telco.yaml"
    own.parent.mkdir(parents=True)
    own.write_text('language: "cs"\nintents: {}\n', encoding="utf-8")
    await setup_entry(hass, odorik_entry)

    await set_options(hass, odorik_entry, custom_sentences=True)
    assert installed(config_dir)["cs"] == 'language: "cs"\nintents: {}\n'
    assert set(installed(config_dir)) == set(LANGUAGES)

    await set_options(hass, odorik_entry, custom_sentences=False)
    assert installed(config_dir) == {"cs": 'language: "cs"\nintents: {}\n'}


async def test_sentences_of_an_earlier_version_are_replaced_at_setup(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    config_dir: Path,
    reloads: list[ServiceCall],
) -> None:
    old = config_dir / "custom_sentences" / "en" / "telco.yaml"
    old.parent.mkdir(parents=True)
    old.write_text(f'{MARKER}\nlanguage: "en"\nintents: {{}}\n', encoding="utf-8")
    odorik_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(odorik_entry, options={CONF_CUSTOM_SENTENCES: True})

    assert await hass.config_entries.async_setup(odorik_entry.entry_id)
    await hass.async_block_till_done()

    assert installed(config_dir)["en"] == (SOURCE / "en" / "telco.yaml").read_text(encoding="utf-8")
    assert len(reloads) == 1


async def test_options_take_the_callback_number_in_the_operators_format(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    config_dir: Path,
    reloads: list[ServiceCall],
) -> None:
    await setup_entry(hass, zadarma_entry)
    result = await set_options(hass, zadarma_entry, callback_number="call me")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_CALLBACK_NUMBER: "invalid_phone_number"}
    assert CONF_CALLBACK_NUMBER not in zadarma_entry.options

    result = await set_options(hass, zadarma_entry, callback_number="+420 777 123 456")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert zadarma_entry.options == {CONF_CALLBACK_NUMBER: "420777123456"}
    assert installed(config_dir) == {}
    assert reloads == []
