"""Bad input through Home Assistant's service machinery: refused, translated, never sent."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import ARABIC_INDIC, FROZEN_NOW, FULL_WIDTH, in_script, refused, setup_entry
from tests.simulator import SimulatorServer

ARABIC = in_script("+420777123456", ARABIC_INDIC)
WIDE = in_script("+420777123456", FULL_WIDTH)


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.mark.parametrize(
    ("action", "data", "key"),
    [
        ("callback", {"caller": ARABIC, "recipient": "+420608000111"}, "odorik_number"),
        ("callback", {"caller": "+420777123456", "recipient": WIDE}, "odorik_number"),
        ("send_sms", {"recipient": WIDE, "message": "Hi"}, "odorik_number"),
        (
            "add_route",
            {"public_number": "00420533533533", "ringing_number": in_script("*100", ARABIC_INDIC)},
            "odorik_number",
        ),
        ("get_routing", {"public_number": in_script("+420533533533", FULL_WIDTH)}, "odorik_number"),
        (
            "get_call_history",
            {"since_id": 1, "phone_number_filter": in_script("+420", ARABIC_INDIC)},
            "odorik_number",
        ),
        (
            "assign_number_to_sim",
            {
                "phone_number": "+420799799081",
                "iccid": in_script("89" * 10, ARABIC_INDIC),
                "pin": "1234",
            },
            "iccid",
        ),
        (
            "assign_number_to_sim",
            {
                "phone_number": "+420799799081",
                "iccid": "8" * 19,
                "pin": in_script("1234", FULL_WIDTH),
            },
            "pin",
        ),
    ],
)
async def test_odorik_numbers_of_other_scripts_are_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    action: str,
    data: dict[str, Any],
    key: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    await refused(hass, simulator, "odorik", action, odorik_entry, **data, key=f"invalid_{key}")


@pytest.mark.parametrize(
    ("action", "data", "key"),
    [
        ("callback", {"caller": ARABIC, "recipient": "420608000111"}, "zadarma_number"),
        ("callback", {"caller": "420777123456", "recipient": WIDE}, "zadarma_number"),
        (
            "callback",
            {
                "caller": "420777123456",
                "recipient": "420608000111",
                "sip": in_script("100001", FULL_WIDTH),
            },
            "sip",
        ),
        ("send_sms", {"recipient": ARABIC, "message": "Hi"}, "zadarma_number"),
        (
            "list_available_numbers",
            {"direction_id": 2001, "mask": in_script("44", ARABIC_INDIC)},
            "mask",
        ),
    ],
)
async def test_zadarma_numbers_of_other_scripts_are_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    action: str,
    data: dict[str, Any],
    key: str,
) -> None:
    await setup_entry(hass, zadarma_entry)
    await refused(hass, simulator, "zadarma", action, zadarma_entry, **data, key=f"invalid_{key}")
