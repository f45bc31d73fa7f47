"""Every action, field and selector is described in services.yaml, icons.json and each language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from custom_components.telco.model.actions import ACTIONS

PACKAGE = Path(__file__).parent.parent / "custom_components" / "telco"


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGE / name).read_text(encoding="utf-8"))
    return data


def test_english_translation_is_strings_json() -> None:
    assert (PACKAGE / "translations" / "en.json").read_text(encoding="utf-8") == (
        PACKAGE / "strings.json"
    ).read_text(encoding="utf-8")


def test_every_action_field_has_a_selector_and_an_icon() -> None:
    described = yaml.safe_load((PACKAGE / "services.yaml").read_text(encoding="utf-8"))
    icons = _json("icons.json")["services"]
    assert set(described) == set(ACTIONS)
    assert set(icons) == set(ACTIONS)
    for name, action in ACTIONS.items():
        fields = described[name]["fields"]
        assert set(fields) == {"config_entry_id"} | {str(marker.schema) for marker in action.fields}
        assert all("selector" in field for field in fields.values()), name


@pytest.mark.parametrize("language", ["en", "cs", "pl"])
def test_every_action_field_and_option_is_translated(language: str) -> None:
    described = yaml.safe_load((PACKAGE / "services.yaml").read_text(encoding="utf-8"))
    translated = _json(f"translations/{language}.json")
    for name, spec in described.items():
        service = translated["services"][name]
        assert service["name"]
        assert service["description"]
        assert set(service["fields"]) == set(spec["fields"]), name
        for field in spec["fields"].values():
            select = field["selector"].get("select") or {}
            if key := select.get("translation_key"):
                assert set(translated["selector"][key]["options"]) == set(select["options"])
    assert set(translated["exceptions"]) == set(_json("strings.json")["exceptions"])
