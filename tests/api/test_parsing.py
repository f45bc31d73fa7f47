"""Long answers are decoded a part at a time, refusing what ``loads`` refuses."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from custom_components.telco.api import parsing
from custom_components.telco.api.odorik_models import SimOption
from custom_components.telco.api.parsing import STEP_CHARS, build_in_steps, loads, loads_in_steps

LONG = [{"id": index, "name": f"sim {index}", "offers": [{"price": 1.5}]} for index in range(3000)]


def _turns(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Count the times the loop is let turn (``asyncio.sleep(0)`` in parsing)."""
    turns: list[None] = []
    sleep = asyncio.sleep

    async def counted(delay: float) -> None:
        turns.append(None)
        await sleep(delay)

    monkeypatch.setattr(parsing.asyncio, "sleep", counted)
    return turns


async def test_a_long_array_decodes_as_loads_does_the_loop_turning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = " \n" + json.dumps(LONG, indent=1) + "\r\n"
    assert len(text) > 3 * STEP_CHARS
    turns = _turns(monkeypatch)
    assert await loads_in_steps(text) == loads(text) == LONG
    assert len(turns) >= len(text) // STEP_CHARS - 1


@pytest.mark.parametrize(
    "tail",
    [
        ", NaN]",  # a constant loads refuses
        ", 1e400]",  # beyond a float
        ",]",  # a trailing comma
        "]]",  # extra data
        ' {"a": 1}]',  # no comma
        ", [" + "[" * 100_000 + "]" * 100_000 + "]]",  # nested past the recursion limit
        "",  # cut short
    ],
)
async def test_a_long_array_is_refused_where_loads_refuses_it(tail: str) -> None:
    text = json.dumps(LONG)[:-1] + tail
    with pytest.raises(ValueError):  # noqa: PT011 - loads' own error, whatever its text
        loads(text)
    with pytest.raises(ValueError):  # noqa: PT011
        await loads_in_steps(text)


@pytest.mark.parametrize("text", ["[]", " [ ] ", '{"errors": ["x"]}', "[1, 2]", '"text"'])
async def test_short_answers_decode_at_once(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    turns = _turns(monkeypatch)
    assert await loads_in_steps(text) == json.loads(text)
    assert turns == []


async def test_an_empty_long_array() -> None:
    text = "[" + " " * (2 * STEP_CHARS) + "]"
    assert await loads_in_steps(text) == []


async def test_records_are_built_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    turns = _turns(monkeypatch)
    built: list[Any] = await build_in_steps(lambda record: record["id"], LONG)
    assert built == list(range(len(LONG)))
    assert len(turns) == -(-len(LONG) // parsing.STEP_RECORDS) - 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"name": "10GB", "price": 690}, SimOption("10GB", 690.0)),
        ({"name": "10GB", "price": "690"}, SimOption("10GB", 690.0)),
        ({"name": "10GB", "price": True}, SimOption("10GB", None)),
        ({"name": 7, "price": None}, SimOption("7", None)),
        ({"name": "x", "price": [1]}, SimOption("x", None)),  # not cached: not hashable
        ({"name": ["x"]}, SimOption("['x']", None)),
        ("bare", SimOption("bare", None)),
    ],
)
def test_offers_read_the_same_made_once_or_not(value: object, expected: SimOption) -> None:
    assert SimOption.from_value(value) == expected
    assert SimOption.from_value(value) == expected
