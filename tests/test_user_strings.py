"""What users read: every translated error can be raised, every entity has an icon.

Static checks over the integration's source and its strings.json / icons.json.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re

from custom_components.telco.model.coordinator import KNOWN_REFUSALS, KNOWN_VALIDATIONS

PACKAGE = Path(__file__).parents[1] / "custom_components" / "telco"
STRINGS = json.loads((PACKAGE / "strings.json").read_text())
ICONS = json.loads((PACKAGE / "icons.json").read_text())


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text()) for path in PACKAGE.rglob("*.py")}


def _literals() -> set[str]:
    return {
        node.value
        for tree in _modules().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _validations_raised_in_api() -> dict[str, str]:
    """Map each reason the clients raise a TelcoValidationError with to its function."""
    raised: dict[str, str] = {}
    for path, tree in _modules().items():
        if path.parent.name != "api":
            continue
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "TelcoValidationError"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    raised[node.args[0].value] = function.name
    return raised


def _imported_outside_api() -> set[str]:
    return {
        alias.name
        for path, tree in _modules().items()
        if path.parent.name != "api"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and "api" in node.module
        for alias in node.names
    }


def test_every_exception_message_can_be_raised() -> None:
    """A key is named in the code, or built from a refusal or validation known to reach it."""
    reachable = (
        _literals()
        | {f"invalid_{reason}" for reason in KNOWN_VALIDATIONS}
        | {f"refused_{token}" for token in KNOWN_REFUSALS}
    )
    assert sorted(set(STRINGS["exceptions"]) - reachable) == []


def test_known_validations_reach_the_write_path() -> None:
    """A client rule the integration runs itself first is refused there, never in the write path.

    The caller-name rule (``validate_caller_name``) is checked by the text entity and
    the action, each with its own message: its reasons never reach ``change_error``.
    """
    raised = _validations_raised_in_api()
    checked_first = _imported_outside_api()
    for reason in KNOWN_VALIDATIONS:
        assert reason in raised, reason
        assert raised[reason] not in checked_first, (reason, raised[reason])


def test_no_doubled_prefix_in_exception_keys() -> None:
    assert [key for key in STRINGS["exceptions"] if re.match(r"(\w+?)_\1_", key)] == []


def test_every_entity_has_an_icon() -> None:
    missing = [
        f"{platform}.{key}"
        for platform, entities in STRINGS["entity"].items()
        for key in entities
        if key not in ICONS["entity"].get(platform, {})
    ]
    assert missing == []


def test_callback_recipient_is_not_an_sms_recipient() -> None:
    for language in ("en", "cs", "pl"):
        strings = json.loads((PACKAGE / "translations" / f"{language}.json").read_text())
        description = strings["services"]["callback"]["fields"]["recipient"]["description"]
        assert "SMS" not in description, (language, description)
