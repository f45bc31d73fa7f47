"""quality_scale.yaml: every rule of the Home Assistant under test, each claim kept true."""

from __future__ import annotations

from pathlib import Path
import re

import homeassistant
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import yaml

from custom_components.telco.const import DOMAIN
from custom_components.telco.model.actions import ACTIONS

ROOT = Path(__file__).resolve().parent.parent
OURS = yaml.safe_load(
    (ROOT / "custom_components" / "telco" / "quality_scale.yaml").read_text(encoding="utf-8")
)["rules"]
# Rules hassfest knows from 2026.10 on; an older Home Assistant has none of them yet.
NEWER_RULES = {"docs-conditions", "docs-triggers"}


def hassfest_rules() -> set[str]:
    """Return the rules of the installed Home Assistant, as its own integrations list them.

    hassfest (not shipped in the wheel) makes every core quality_scale.yaml list every
    rule; the union of theirs is its rule list.
    """
    components = Path(homeassistant.__file__).parent / "components"
    rules: set[str] = set()
    for path in components.glob("*/quality_scale.yaml"):
        rules |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or {})
    return rules


def status(rule: str) -> str:
    value = OURS[rule]
    return value if isinstance(value, str) else value["status"]


def test_every_rule_of_this_home_assistant_is_listed() -> None:
    known = hassfest_rules()
    assert len(known) > 40
    assert sorted(known - set(OURS)) == []
    assert sorted(set(OURS) - known - NEWER_RULES) == []


def test_each_rule_has_a_status_and_each_exemption_a_reason() -> None:
    for rule, value in OURS.items():
        assert status(rule) in {"done", "todo", "exempt"}, rule
        if status(rule) != "done":
            assert isinstance(value, dict), rule
            assert value.get("comment"), rule


async def test_actions_are_set_up_with_the_integration(hass: HomeAssistant) -> None:
    """action-setup: done — every action exists before any account is added."""
    assert status("action-setup") == "done"
    assert await async_setup_component(hass, DOMAIN, {})
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(ACTIONS)
    assert f"The {len(ACTIONS)} actions" in OURS["action-setup"]["comment"]


def test_every_action_is_documented() -> None:
    """docs-actions: done — the README's Actions table names each action, and says how many."""
    assert status("docs-actions") == "done"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Actions\n", 1)[1].split("\n## ", 1)[0]
    rows = "\n".join(re.findall(r"^\| `telco\..*$", section, flags=re.MULTILINE))
    assert [name for name in ACTIONS if f"`telco.{name}`" not in rows] == []
    assert len(ACTIONS) == 28
    assert "Twenty-eight actions" in section
