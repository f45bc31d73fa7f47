"""What users type into actions, brought to each operator's format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.telco.api.zadarma import digits
from custom_components.telco.model.action_input import FieldInvalid, jsonable, moment, whole
from custom_components.telco.operators.odorik.numbers import odorik_number, odorik_prefix
from custom_components.telco.operators.zadarma.numbers import zadarma_number, zadarma_sip
from tests.common import ARABIC_INDIC, DEVANAGARI, FULL_WIDTH, in_script


@pytest.mark.parametrize(
    "typed",
    [
        "+420 777 123 456",
        "+420777123456",
        "00420777123456",
        "+420-777-123-456",
        "(00420) 777 123 456",
    ],
)
def test_odorik_numbers(typed: str) -> None:
    assert odorik_number(typed, "recipient") == "00420777123456"


def test_odorik_codes_and_sip_names_only_where_allowed() -> None:
    assert odorik_number("*100", "ringing_number", codes=True) == "*100"
    assert odorik_number("demo_sip", "public_number", sip_names=True) == "demo_sip"
    for value, kwargs in (
        ("*100", {}),
        ("demo_sip", {"codes": True}),
        ("777123456", {}),
        ("+00420777123456", {}),
    ):
        with pytest.raises(ServiceValidationError) as err:
            odorik_number(value, "caller", **kwargs)
        assert err.value.translation_placeholders == {"field": "caller", "value": value}


@pytest.mark.parametrize(
    ("typed", "sent"),
    [("+420 777 123 456", "420777123456"), ("00420777123456", "420777123456"), ("100", "100")],
)
def test_zadarma_numbers(typed: str, sent: str) -> None:
    assert zadarma_number(typed, "to") == sent


@pytest.mark.parametrize(
    "typed", ["office", "+420 777 12a", "1" * 16, "+0123", "0000123", "+00420777123456"]
)
def test_zadarma_refuses_what_is_no_number(typed: str) -> None:
    with pytest.raises(ServiceValidationError):
        zadarma_number(typed, "to")


async def test_a_moment_without_offset_is_home_assistants_time(hass: HomeAssistant) -> None:
    await hass.config.async_set_time_zone("Europe/Prague")
    naive = datetime(2026, 11, 15, 12, 30)  # noqa: DTZ001 - without an offset on purpose
    assert moment(naive, "from").isoformat() == "2026-11-15T12:30:00+01:00"
    assert moment(date(2026, 7, 1), "from").isoformat() == "2026-07-01T00:00:00+02:00"


class Kind(StrEnum):
    A = "a"


@dataclass
class Item:
    from_: str
    when: datetime
    kind: Kind
    tags: tuple[str, ...]
    extra: dict[str, float]


def test_jsonable() -> None:
    item = Item("x", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), Kind.A, ("t",), {"p": 1.5})
    assert jsonable([item]) == [
        {
            "from": "x",
            "when": "2026-01-02T03:04:05+00:00",
            "kind": "a",
            "tags": ["t"],
            "extra": {"p": 1.5},
        }
    ]


FOREIGN_DIGITS = [
    in_script("+420777123456", ARABIC_INDIC),
    "+420" + in_script("777", FULL_WIDTH) + "123456",
    "+420\u00b277123456",  # a superscript two
    in_script("+420777123456", DEVANAGARI),
]
CONTROL_CHARACTERS = ["+420\x00777123456", "+420\n777123456", "+420\x1f777123456"]


@pytest.mark.parametrize("typed", [*FOREIGN_DIGITS, *CONTROL_CHARACTERS])
def test_only_ascii_digits_make_a_number(typed: str) -> None:
    for check in (
        lambda text: odorik_number(text, "caller", codes=True, sip_names=True),
        lambda text: odorik_prefix(text, "phone_number_filter"),
        lambda text: zadarma_number(text, "to"),
        lambda text: zadarma_sip(text.removeprefix("+"), "sip"),
    ):
        with pytest.raises(ServiceValidationError):
            check(typed)


def test_odorik_codes_are_ascii_too() -> None:
    with pytest.raises(ServiceValidationError):
        odorik_number(in_script("*100", ARABIC_INDIC), "ringing_number", codes=True)


def test_a_copied_number_keeps_its_no_break_spaces_out() -> None:
    assert zadarma_number("+420\u00a0777\u202f123\u2007456", "to") == "420777123456"


def test_zadarma_digits_keep_only_ascii_digits() -> None:
    assert digits("+420 ٤٢ 777") == "420777"


@pytest.mark.parametrize(
    ("value", "key", "placeholders"),
    [
        (37, "number_too_large", {"value": "37", "max": "36"}),
        ("0", "number_too_small", {"value": "0", "min": "1"}),
        (float("inf"), "invalid_whole_number", {"value": "inf"}),
        ("x" * 500, "invalid_whole_number", {"value": "x" * 99 + "\u2026"}),
        ("4\x00", "invalid_whole_number", {"value": "4\ufffd"}),
    ],
)
def test_a_refused_whole_number_says_why_and_shows_the_value_safely(
    value: Any, key: str, placeholders: dict[str, str]
) -> None:
    with pytest.raises(FieldInvalid) as err:
        whole(1, 36)(value)
    assert (err.value.key, err.value.field_placeholders) == (key, placeholders)


def test_whole_numbers_from_templates_and_text() -> None:
    assert [whole()(value) for value in (15, 15.0, " 15 ", "+15")] == [15, 15, 15, 15]
