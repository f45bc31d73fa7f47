"""The intents for LLM agents: by themselves before 2026.8, as our llm platform's tools after."""

from __future__ import annotations

from dataclasses import dataclass
import inspect
import sys
from types import ModuleType
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, llm
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco import llm as telco_llm
from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, requests_sent
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY

TOOL_NAMES = {
    "telco__TelcoGetBalance",
    "telco__TelcoGetDataUsage",
    "telco__TelcoHangUp",
    "telco__TelcoCallback",
}


@pytest.fixture(autouse=True)
async def _frozen_with_assist(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)
    assert await async_setup_component(hass, "homeassistant", {})


async def set_up(hass: HomeAssistant, entry: MockConfigEntry, **options: str) -> None:
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def expose(hass: HomeAssistant, entry: MockConfigEntry, *keys: str) -> None:
    registry = er.async_get(hass)
    for key in keys:
        entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"{entry.unique_id}_{key}")
        assert entity_id is not None
        async_expose_entity(hass, "conversation", entity_id, True)


def context(language: str) -> llm.LLMContext:
    fields = {
        "platform": "test",
        "context": Context(),
        "language": language,
        "assistant": "conversation",
        "device_id": None,
    }
    if "user_prompt" in llm.LLMContext.__dataclass_fields__:  # up to 2025.x
        fields["user_prompt"] = None
    return llm.LLMContext(**fields)


# -- before 2026.8: Home Assistant offers the intents by itself ----------------


@pytest.mark.skipif(telco_llm.LLM_TOOLS, reason="from 2026.8 intents are not offered by themselves")
async def test_before_2026_8_the_platform_offers_nothing_and_the_intents_are_tools(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await set_up(hass, odorik_entry)
    expose(hass, odorik_entry, "balance")
    assert telco_llm.async_get_tools(hass, context("en"), llm.LLM_API_ASSIST) is None

    pytest.importorskip("hassil", reason="the Assist API needs the conversation agent's hassil")
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, context("cs"))
    names = {tool.name for tool in api.tools}
    assert {"TelcoGetBalance", "TelcoGetDataUsage", "TelcoHangUp", "TelcoCallback"} <= names
    result = await api.async_call_tool(llm.ToolInput(tool_name="TelcoGetBalance", tool_args={}))
    assert result["speech"]["plain"]["speech"] == "Odorik 1234567 má 554,03 CZK."


# -- from 2026.8: our llm platform -------------------------------------------


@dataclass
class StandInTools:
    """The ``llm`` integration's ``LLMTools``, where this Home Assistant has none."""

    tools: list[Any]
    prompt: str | None = None


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ask the platform as 2026.8+ does; below it, open the gate with a stand-in ``llm``.

    The 2026.10 leg runs the real thing; the older legs check what the platform offers
    (their ``IntentTool`` cannot run a prefixed tool: it takes the name for the intent).
    """
    if telco_llm.LLM_TOOLS:
        return
    monkeypatch.setattr(telco_llm, "LLM_TOOLS", True)
    stand_in = ModuleType("homeassistant.components.llm")
    stand_in.LLMTools = StandInTools  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "homeassistant.components.llm", stand_in)


def data_of(result: Any) -> dict[str, Any]:
    """Return a tool's answer (a ToolResult from 2026.8, a plain dict before)."""
    return dict(result.data if hasattr(result, "data") else result)


@pytest.mark.usefixtures("platform")
async def test_tools_are_offered_only_for_what_is_exposed(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await set_up(hass, odorik_entry)
    expose(hass, odorik_entry, "balance")
    offered = telco_llm.async_get_tools(hass, context("en"), llm.LLM_API_ASSIST)
    assert {tool.name for tool in offered.tools} == {"telco__TelcoGetBalance"}
    assert all(tool.integration == DOMAIN for tool in offered.tools)
    assert telco_llm.async_get_tools(hass, context("en"), "another_api") is None

    expose(hass, odorik_entry, "active_calls", "00420799799081_data_used")
    offered = telco_llm.async_get_tools(hass, context("en"), llm.LLM_API_ASSIST)
    assert {tool.name for tool in offered.tools} == TOOL_NAMES
    if hasattr(llm, "ToolAnnotations"):
        annotations = {tool.name: tool.annotations for tool in offered.tools}
        assert annotations["telco__TelcoGetBalance"].read_only
        assert not annotations["telco__TelcoCallback"].idempotent


@pytest.mark.usefixtures("platform")
async def test_no_tools_are_offered_while_no_sensor_is_exposed(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """The intents stay registered, but an assistant sees none of them as a tool."""
    await set_up(hass, odorik_entry)
    assert telco_llm.async_get_tools(hass, context("en"), llm.LLM_API_ASSIST) is None

    expose(hass, odorik_entry, "balance")
    assert telco_llm.async_get_tools(hass, context("en"), llm.LLM_API_ASSIST) is not None
    async_expose_entity(
        hass,
        "conversation",
        er.async_get(hass).async_get_entity_id(
            "sensor", DOMAIN, f"{odorik_entry.unique_id}_balance"
        ),
        False,
    )
    assert telco_llm.async_get_tools(hass, context("en"), llm.LLM_API_ASSIST) is None


@pytest.mark.usefixtures("platform")
async def test_a_tool_runs_the_intent(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    if "integration" not in inspect.signature(llm.IntentTool).parameters:
        pytest.skip("this IntentTool calls the intent by the tool's name, which has no prefix")
    await set_up(hass, odorik_entry, callback_number="00420777123456")
    expose(hass, odorik_entry, "active_calls")
    offered = telco_llm.async_get_tools(hass, context("pl"), llm.LLM_API_ASSIST)
    tool = next(tool for tool in offered.tools if tool.name == "telco__TelcoCallback")

    before = requests_sent(simulator, "odorik")
    result = await tool.async_call(
        hass,
        llm.ToolInput(tool_name=tool.name, tool_args={"number": "608 000 111"}),
        context("pl"),
    )
    assert data_of(result)["response_type"] == "error"
    assert requests_sent(simulator, "odorik") == before

    result = await tool.async_call(
        hass,
        llm.ToolInput(tool_name=tool.name, tool_args={"number": "+420 608 000 111"}),
        context("pl"),
    )
    assert data_of(result)["speech"]["plain"]["speech"] == (
        "Najpierw zadzwonię na +420 777 123 456, potem połączę go z +420 608 000 111."
    )
    assert simulator.app[ODORIK_KEY].active_calls[-1]["destination_number"] == "00420608000111"
