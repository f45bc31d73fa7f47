"""What a person sees: every state, option and event type an entity can show is translated.

A state without a translation reaches the browser as the raw key (``eu_data_outgoing``,
``ringing``); these checks walk the operators' declarations, not a list kept by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.telco.operators import OPERATORS
from custom_components.telco.operators.odorik.options import option_key

from .simulator.odorik import DATA_PACKAGES, ROAMING_SETTINGS

PACKAGE = Path(__file__).parents[1] / "custom_components" / "telco"
LANGUAGES = ("en", "cs", "pl")


def _translations(language: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (PACKAGE / "translations" / f"{language}.json").read_text(encoding="utf-8")
    )
    return data


def _icons() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_enum_sensor_state_is_translated(language: str) -> None:
    sensors = _translations(language)["entity"]["sensor"]
    missing = [
        f"{operator.key}: sensor.{description.translation_key}.{option}"
        for operator in OPERATORS.values()
        for description in operator.sensors
        for option in description.options or ()
        if option not in sensors[str(description.translation_key)].get("state", {})
    ]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_call_event_type_is_translated_and_has_an_icon(language: str) -> None:
    events = _translations(language)["entity"]["event"]
    icons = _icons()["entity"]["event"]
    missing = []
    for operator in OPERATORS.values():
        for description in operator.events:
            key = str(description.translation_key)
            shown = events[key]["state_attributes"]["event_type"]["state"]
            drawn = icons[key]["state_attributes"]["event_type"]["state"]
            missing += [
                f"{operator.key}: {key}.{event_type}"
                for event_type in description.event_types or ()
                if event_type not in shown or event_type not in drawn
            ]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_odorik_options_offered_by_the_simulator_are_translated(language: str) -> None:
    selects = _translations(language)["entity"]["select"]
    offered = {
        "roaming_profile": ROAMING_SETTINGS,
        "data_package_next_month": [name for name, *_ in DATA_PACKAGES],
    }
    missing = [
        f"select.{key}.{option_key(value)}"
        for key, values in offered.items()
        for value in values
        if option_key(value) not in selects[key]["state"]
    ]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_event_and_sip_attributes_have_names(language: str) -> None:
    entity = _translations(language)["entity"]
    call = entity["event"]["call"]["state_attributes"]
    assert {"call_id", "extension", "message", "catch_up"} <= set(call)
    assert set(entity["binary_sensor"]["sip_online"]["state_attributes"]) == {
        "display_name",
        "lines",
    }
