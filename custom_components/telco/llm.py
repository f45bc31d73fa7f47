"""The intents as tools for LLM agents (the ``llm`` integration's platform).

From Home Assistant 2026.8 the Assist API no longer offers every registered intent to
an LLM agent (core PR #175659): each integration hands its tools over through this
platform (``async_get_tools``, which the ``llm`` integration has asked since 2026.7).
Before 2026.8 the Assist API offers our intents by themselves, so the platform
answers nothing there, and tools are not offered twice; ``LLM_TOOLS`` is the one
version gate. The API of 2026.8+ is read when asked, never at import: on older
versions this module imports only what every supported version has.

Each tool is the intent's own handler (``IntentTool``): the same slot checks,
exposure rules and spoken answers. A tool is offered only while an account exposes
the sensor it needs to the asking assistant. The tools answer with what the intents
say (balances, data, counts, numbers), never with a message's text: nothing an SMS
sender wrote reaches the agent through them.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import intent

from .const import DOMAIN
from .intents import (
    INTENT_CALLBACK,
    INTENT_GET_BALANCE,
    INTENT_GET_DATA_USAGE,
    INTENT_HANG_UP,
    TelcoIntentHandler,
)

# The one gate: 2026.8 stopped offering intents to LLM agents by themselves.
LLM_TOOLS: Final = (MAJOR_VERSION, MINOR_VERSION) >= (2026, 8)

# Each intent's title, and how its tool behaves (helpers.llm.ToolAnnotations).
TOOLS: Final[dict[str, tuple[str, dict[str, bool]]]] = {
    # Read from the last poll: nothing leaves Home Assistant.
    INTENT_GET_BALANCE: (
        "Get phone account balance",
        {"read_only": True, "destructive": False, "idempotent": True, "open_world": False},
    ),
    INTENT_GET_DATA_USAGE: (
        "Get mobile data used",
        {"read_only": True, "destructive": False, "idempotent": True, "open_world": False},
    ),
    # Ends calls at the operator; ending them again ends nothing more.
    INTENT_HANG_UP: (
        "Hang up phone calls",
        {"read_only": False, "destructive": True, "idempotent": True, "open_world": True},
    ),
    # Places a (paid) call each time it is called.
    INTENT_CALLBACK: (
        "Call a number by callback",
        {"read_only": False, "destructive": False, "idempotent": False, "open_world": True},
    ),
}


@callback
def async_get_tools(hass: HomeAssistant, llm_context: Any, api_id: str) -> Any:
    """Return the tools of the intents the asking assistant may use, or None."""
    if not LLM_TOOLS:
        return None
    helpers = importlib.import_module("homeassistant.helpers.llm")
    if api_id != helpers.LLM_API_ASSIST or not llm_context.assistant:
        return None
    handlers = {
        handler.intent_type: handler
        for handler in intent.async_get(hass)
        if isinstance(handler, TelcoIntentHandler)
    }
    tools = [
        _tool(helpers, intent_type, handler)
        for intent_type in TOOLS
        if (handler := handlers.get(intent_type)) is not None
        and handler.offered(hass, llm_context.assistant)
    ]
    if not tools:
        return None
    return importlib.import_module("homeassistant.components.llm").LLMTools(tools=tools)


def _tool(helpers: Any, intent_type: str, handler: TelcoIntentHandler) -> Any:
    """Wrap one intent's handler as a tool, prefixed and tagged with this integration.

    The title, integration and annotations are set on the tool rather than passed in,
    so that a version whose ``IntentTool`` takes fewer arguments still gets them.
    """
    title, annotations = TOOLS[intent_type]
    tool = helpers.IntentTool(f"{DOMAIN}__{intent_type}", handler)
    tool.title = title
    tool.integration = DOMAIN
    if (described := getattr(helpers, "ToolAnnotations", None)) is not None:
        tool.annotations = described(**annotations)
    return tool
