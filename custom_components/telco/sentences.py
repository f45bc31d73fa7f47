"""Sentences for Assist's default agent, installed only when the user opts in.

The default agent reads custom sentences only from ``<config>/custom_sentences/<lang>/``
(its hook for integrations is private and moves between versions). The integration
ships its sentences in ``sentences/<lang>/telco.yaml``; while any account has the
option ``custom_sentences`` on they are copied there, and removed when none has it
(option off, or the account removed). Only files this integration wrote are touched:
each starts with ``MARKER``. The files are read and written in the executor; the
agent is told to read them again (``conversation.reload``) after a change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import CONF_CALLBACK_NUMBER, CONF_CUSTOM_SENTENCES, DOMAIN, LOGGER
from .model.declaration import Operator

SOURCE: Final = Path(__file__).parent / "sentences"
FILE_NAME: Final = f"{DOMAIN}.yaml"
# The first line of every file we write; a file without it is the user's own.
MARKER: Final = "# Written by the Odorik & Zadarma integration (telco)"


def _install(source: Path, target: Path) -> bool:
    """Copy every language's sentences; return whether a file changed."""
    changed = False
    for language in sorted(path for path in source.iterdir() if path.is_dir()):
        text = (language / FILE_NAME).read_text(encoding="utf-8")
        destination = target / language.name / FILE_NAME
        if destination.exists():
            current = destination.read_text(encoding="utf-8")
            if not current.startswith(MARKER):
                LOGGER.warning(
                    "Not replacing %s: it was not written by this integration", destination
                )
                continue
            if current == text:
                continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        changed = True
    return changed


def _remove(source: Path, target: Path) -> bool:
    """Delete the files we wrote (and only those); return whether one was deleted."""
    changed = False
    for language in sorted(path for path in source.iterdir() if path.is_dir()):
        destination = target / language.name / FILE_NAME
        if not destination.is_file():
            continue
        if not destination.read_text(encoding="utf-8").startswith(MARKER):
            continue
        destination.unlink()
        changed = True
    return changed


async def async_sync_sentences(
    hass: HomeAssistant,
    *,
    leaving: str | None = None,
    changing: tuple[str, Mapping[str, Any]] | None = None,
) -> None:
    """Install or remove the sentences as the accounts' options say.

    ``leaving`` is an entry being removed, whose option no longer counts;
    ``changing`` an entry and the options it is about to keep (the options flow).
    """
    wanted = any(
        (changing[1] if changing and changing[0] == entry.entry_id else entry.options).get(
            CONF_CUSTOM_SENTENCES, False
        )
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
        if entry.entry_id != leaving
    )
    target = Path(hass.config.path("custom_sentences"))
    changed = await hass.async_add_executor_job(_install if wanted else _remove, SOURCE, target)
    if changed and hass.services.has_service("conversation", "reload"):
        # Without the conversation integration, there is no agent to tell yet.
        await hass.services.async_call("conversation", "reload", {}, blocking=True)


# --- The options of this feature (the options flow shows them in its own block) ---------


def options_schema(options: dict[str, Any]) -> dict[vol.Marker, Any]:
    """Return the options-flow fields for the callback number and the sentences."""
    number = {"suggested_value": options.get(CONF_CALLBACK_NUMBER)}
    return {
        vol.Optional(CONF_CALLBACK_NUMBER, description=number): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEL)
        ),
        vol.Optional(
            CONF_CUSTOM_SENTENCES, default=bool(options.get(CONF_CUSTOM_SENTENCES, False))
        ): BooleanSelector(),
    }


def chosen_options(
    operator: Operator[Any, Any], user_input: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """Return the submitted options of this feature; a bad number goes into ``errors``."""
    # Stored only when on: an account without the option has none of it.
    chosen: dict[str, Any] = (
        {CONF_CUSTOM_SENTENCES: True} if user_input.get(CONF_CUSTOM_SENTENCES) else {}
    )
    if typed := str(user_input.get(CONF_CALLBACK_NUMBER) or "").strip():
        try:
            chosen[CONF_CALLBACK_NUMBER] = operator.phone_number(typed, CONF_CALLBACK_NUMBER)
        except ServiceValidationError:
            errors[CONF_CALLBACK_NUMBER] = "invalid_phone_number"
    return chosen
