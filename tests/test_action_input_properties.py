"""Properties of the action input checks, for arbitrary input (Hypothesis).

Every normaliser either returns a canonical ASCII value (the same when given it
again) or refuses with our translated error; every action schema either passes
finite, sendable values or refuses with a translated error whose placeholders the
message has. Never another exception.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
import json
import math
from pathlib import Path
import re
from typing import Any

from homeassistant.exceptions import ServiceValidationError
from hypothesis import given, settings, strategies as st
import pytest
import voluptuous as vol

from custom_components.telco.const import DOMAIN
from custom_components.telco.model.action_input import a_date, a_moment, finite, text, whole
from custom_components.telco.model.actions import ACTIONS, ATTR_CONFIG_ENTRY_ID
from custom_components.telco.operators.odorik.numbers import odorik_number, odorik_prefix
from custom_components.telco.operators.zadarma.directions import country_code, direction_key
from custom_components.telco.operators.zadarma.numbers import (
    zadarma_caller,
    zadarma_mask,
    zadarma_number,
    zadarma_sip,
    zadarma_sip_uri,
)
from custom_components.telco.services import TranslatedSchema

# CI runs three legs: few examples each, no deadline on a loaded machine.
PROPERTIES = settings(max_examples=80, deadline=None)

STRINGS = json.loads(
    (Path(__file__).parents[1] / "custom_components/telco/strings.json").read_text("utf-8")
)
# What a number is made of, and what must never pass for it: other scripts' digits,
# superscripts, no-break spaces, control characters, a lone surrogate.
_PIECES = [
    *"0123456789+-./() *@:;_=abcXYZ",
    "00",
    "+420",
    "sip:",
    "\u00a0",
    "\u202f",
    "\x00",
    "\x1f",
    "\n",
    "\x7f",
    "\ud800",
    "\u0664",
    "\uff17",
    "\u00b2",
    "\u096a",
    "\u00e9",
]
NUMBERISH = st.lists(st.sampled_from(_PIECES), max_size=24).map("".join)
ANY_TEXT = st.one_of(NUMBERISH, st.text(max_size=40))
ANY_VALUE = st.one_of(
    ANY_TEXT,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)

NORMALISERS: dict[str, Callable[[str], Any]] = {
    "odorik_number": lambda value: odorik_number(value, "recipient"),
    "odorik_target": lambda value: odorik_number(value, "to", codes=True, sip_names=True),
    "odorik_prefix": lambda value: odorik_prefix(value, "phone_number_filter"),
    "zadarma_number": lambda value: zadarma_number(value, "to"),
    "zadarma_caller": zadarma_caller,
    "zadarma_sip": lambda value: zadarma_sip(value, "sip"),
    "zadarma_mask": zadarma_mask,
    "zadarma_sip_uri": zadarma_sip_uri,
    "country_code": country_code,
    "direction_key": direction_key,
}


def _assert_translated(err: ServiceValidationError) -> None:
    """The refusal has a message of ours, with every placeholder it names."""
    assert err.translation_domain == DOMAIN
    message = STRINGS["exceptions"][err.translation_key]["message"]
    assert set(re.findall(r"{(\w+)}", message)) <= set(err.translation_placeholders or {})


@pytest.mark.parametrize("name", NORMALISERS)
@PROPERTIES
@given(typed=ANY_TEXT)
def test_a_normaliser_returns_canonical_ascii_or_refuses(name: str, typed: str) -> None:
    normalise = NORMALISERS[name]
    try:
        value = normalise(typed)
    except ServiceValidationError as err:
        _assert_translated(err)
        return
    written = str(value)
    assert written.isascii()
    assert written.isprintable()
    assert " " not in written
    assert normalise(written) == value


@PROPERTIES
@given(value=ANY_VALUE, minimum=st.integers(0, 1), maximum=st.sampled_from([36, 10**18 - 1]))
def test_a_whole_number_is_an_int_in_its_range_or_refused(
    value: Any, minimum: int, maximum: int
) -> None:
    try:
        number = whole(minimum, maximum)(value)
    except vol.Invalid:
        return
    assert type(number) is int
    assert minimum <= number <= maximum


@PROPERTIES
@given(value=ANY_VALUE)
def test_a_finite_number_is_finite_or_refused(value: Any) -> None:
    try:
        number = finite(0)(value)
    except vol.Invalid:
        return
    assert type(number) is float
    assert math.isfinite(number)
    assert number >= 0


@PROPERTIES
@given(value=ANY_VALUE, single_line=st.booleans())
def test_text_can_be_sent_or_is_refused(value: Any, single_line: bool) -> None:
    try:
        written = text(single_line=single_line)(value)
    except vol.Invalid:
        return
    assert written.strip()
    written.encode("utf-8")  # no lone surrogate
    controls = [char for char in written if ord(char) < 32 or 127 <= ord(char) < 160]
    assert set(controls) <= (set() if single_line else {"\n", "\r", "\t"})


@PROPERTIES
@given(value=st.one_of(ANY_VALUE, st.dates().map(str), st.datetimes().map(str)))
def test_dates_and_moments_are_read_or_refused(value: Any) -> None:
    for check, kind in ((a_date, date), (a_moment, datetime)):
        try:
            read = check(value)
        except vol.Invalid:
            continue
        assert isinstance(read, kind)


def _schema(name: str) -> TranslatedSchema:
    return TranslatedSchema({vol.Required(ATTR_CONFIG_ENTRY_ID): str, **ACTIONS[name].given_fields})


def _calls(name: str) -> st.SearchStrategy[dict[str, Any]]:
    names = [str(marker.schema) for marker in ACTIONS[name].fields]
    return st.fixed_dictionaries(
        {ATTR_CONFIG_ENTRY_ID: st.just("01ENTRY")},
        optional=dict.fromkeys(names, ANY_VALUE),
    )


def _sendable(value: Any) -> None:
    if isinstance(value, float):
        assert math.isfinite(value)
    if isinstance(value, str):
        value.encode("utf-8")


@pytest.mark.parametrize("name", ACTIONS)
@settings(max_examples=50)
@given(data=st.data())
def test_an_action_schema_passes_sendable_values_or_refuses_translated(
    name: str, data: st.DataObject
) -> None:
    call = data.draw(_calls(name))
    try:
        checked = _schema(name)(call)
    except ServiceValidationError as err:
        _assert_translated(err)
        field = err.translation_placeholders["field"]
        assert (
            field in call
            or field == "data"
            or field in {str(marker.schema) for marker in ACTIONS[name].fields}
        )
        return
    for value in checked.values():
        _sendable(value)
