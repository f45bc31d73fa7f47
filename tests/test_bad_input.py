"""Bad input through Home Assistant's service machinery: refused, translated, never sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import DOMAIN
from custom_components.telco.operators import OPERATORS
from custom_components.telco.operators.zadarma.documents import read_document
from tests.common import (
    ARABIC_INDIC,
    DEVANAGARI,
    FROZEN_NOW,
    FULL_WIDTH,
    PERSON,
    act,
    in_script,
    refused,
    requests_sent,
    setup_entry,
)
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


SIM = "00420799799081"
PERIOD = {"from": "2026-11-01T00:00:00", "to": "2026-11-02T00:00:00"}
INFINITY = float("inf")


@pytest.mark.parametrize(
    ("action", "data", "field", "key"),
    [
        # Python's infinity, as YAML's .inf or a template's native value gives it.
        ("get_call_history", {**PERIOD, "min_price": INFINITY}, "min_price", "finite_number"),
        ("get_call_history", {**PERIOD, "max_price": 1e400}, "max_price", "finite_number"),
        ("get_call_statistics", {**PERIOD, "max_price": "inf"}, "max_price", "finite_number"),
        ("get_call_statistics", {**PERIOD, "min_price": "1e400"}, "min_price", "finite_number"),
        ("get_call_history", {**PERIOD, "min_price": float("nan")}, "min_price", "finite_number"),
        ("get_call_history", {"since_id": INFINITY}, "since_id", "whole_number"),
        ("get_call_history", {**PERIOD, "line": INFINITY}, "line", "whole_number"),
        (
            "get_call_history",
            {**PERIOD, "limit": in_script("10", ARABIC_INDIC)},
            "limit",
            "whole_number",
        ),
        ("get_call_history", {**PERIOD, "limit": 2.5}, "limit", "whole_number"),
        ("get_call_history", {**PERIOD, "limit": True}, "limit", "whole_number"),
        ("hang_up", {"call_id": INFINITY}, "call_id", "whole_number"),
        ("remove_route", {"public_number": SIM, "route_id": -INFINITY}, "route_id", "whole_number"),
        ("get_call_history", {**PERIOD, "line": 0}, "line", "number_too_small"),
        ("get_call_history", {**PERIOD, "min_length": 10**30}, "min_length", "number_too_large"),
        (
            "callback",
            {"caller": "+420777123456", "recipient": "+420608000111", "delayed": INFINITY},
            "delayed",
            "delay",
        ),
        (
            "callback",
            {"caller": "+420777123456", "recipient": "+420608000111", "delayed": 600_000},
            "delayed",
            "delay",
        ),
        ("get_call_history", {**PERIOD, "direction": "sideways"}, "direction", "choice"),
        ("get_call_history", {**PERIOD, "status": ["missed"]}, "status", "choice"),
        ("get_call_statistics", {**PERIOD, "from": "2026-13-45T00:00:00"}, "from", "moment"),
        ("get_mobile_data", {**PERIOD, "to": "yesterday"}, "to", "moment"),
        # A lone surrogate crashes ciso8601, and with it Home Assistant.
        ("get_mobile_data", {**PERIOD, "to": "2026\ud800"}, "to", "moment"),
        (
            "callback",
            {"caller": "+420777123456", "recipient": "+420608000111", "delayed": "0\ud800"},
            "delayed",
            "delay",
        ),
        ("set_sim_options", {"phone_number": SIM, "state": "gone"}, "state", "choice"),
        ("set_sim_options", {"phone_number": SIM, "roaming": "  "}, "roaming", "text_empty"),
        ("set_sim_options", {"phone_number": SIM, "roaming": "eu\x00"}, "roaming", "text"),
        ("send_sms", {"recipient": SIM, "message": "Hi \ud800"}, "message", "text"),
        ("send_sms", {"recipient": SIM, "message": ""}, "message", "text_empty"),
        # A \x1f is whitespace to str.strip(): it would vanish from the number unseen.
        ("send_sms", {"recipient": SIM + "\x1f", "message": "Hi"}, "recipient", "text"),
        (
            "assign_number_to_sim",
            {"phone_number": SIM, "iccid": "8" * 19, "pin": ""},
            "pin",
            "text_empty",
        ),
        ("get_call_history", {**PERIOD, "include_sms": "maybe"}, "include_sms", "flag"),
        ("hang_up", {"all": INFINITY}, "all", "flag"),
        ("callback", {"caller": "+420777123456"}, "recipient", "field"),
    ],
)
async def test_odorik_fields_of_the_wrong_kind_are_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    action: str,
    data: dict[str, Any],
    field: str,
    key: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    translation = key if key.startswith(("number_", "text_")) else f"invalid_{key}"
    error = await refused(hass, simulator, "odorik", action, odorik_entry, **data, key=translation)
    assert error.translation_placeholders["field"] == field


@pytest.fixture
async def zadarma_loaded(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> MockConfigEntry:
    await setup_entry(hass, zadarma_entry)
    return zadarma_entry


@pytest.mark.parametrize("action", ["list_available_numbers", "order_number"])
@pytest.mark.parametrize(
    "direction",
    ["\u00b2", in_script("2001", ARABIC_INDIC), "9" * 5000, "gb" + "2" * 40],
    ids=["superscript", "arabic_indic", "5000_digits", "long_code"],
)
async def test_a_direction_of_other_digits_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_loaded: MockConfigEntry,
    action: str,
    direction: str,
) -> None:
    error = await refused(
        hass,
        simulator,
        "zadarma",
        action,
        zadarma_loaded,
        direction_id=direction,
        key="invalid_direction",
    )
    assert error.translation_placeholders["field"] == "direction_id"


@pytest.fixture
def documents(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A folder Home Assistant may read."""
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "passport.pdf").write_bytes(b"%PDF-1.4\n")
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("{folder}/" + "a" * 300 + "/passport.pdf", "file_not_allowed"),
        ("{folder}/" + "a" * 300, "file_not_allowed"),
        ("{folder}/../passport.pdf", "file_not_allowed"),
        ("/proc/self/environ", "file_not_allowed"),
        ("~/passport.pdf", "file_not_allowed"),
        ("file://{folder}/passport.pdf", "file_not_allowed"),
        ("{folder}/a\x00b/passport.pdf", "invalid_text"),
        ("{folder}/passport.pdf\n", "invalid_text"),
        ("{folder}", "file_not_found"),
    ],
    ids=[
        "long_folder",
        "long_name",
        "parent",
        "proc",
        "home",
        "file_url",
        "nul",
        "line_break",
        "folder",
    ],
)
async def test_upload_of_a_path_not_allowed_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_loaded: MockConfigEntry,
    documents: Path,
    path: str,
    key: str,
) -> None:
    error = await refused(
        hass,
        simulator,
        "zadarma",
        "upload_document",
        zadarma_loaded,
        group_id=0,
        document_type="passport",
        file=path.format(folder=documents),
        key=key,
    )
    assert error.translation_placeholders["field"] == "file"


def test_a_path_with_a_nul_byte_is_not_allowed_past_the_schema_either(
    hass: HomeAssistant, documents: Path
) -> None:
    """The reader refuses what the system cannot look at, whoever calls it."""
    with pytest.raises(ServiceValidationError) as err:
        read_document(hass, f"{documents}/a\x00b/passport.pdf")
    assert err.value.translation_key == "file_not_allowed"


@pytest.mark.parametrize(
    ("sip_id", "key"),
    [
        ("u" * 1000 + "@pbx.example.com", "sip_uri_too_long"),
        ("100@pbx.example.com;transport=" + "t" * 250, "sip_uri_too_long"),
        ("anna\u00e9@pbx.example.com", "invalid_sip_uri"),
        ("100@pbx.example.com;x=\u00e9", "invalid_sip_uri"),
        ("100@pbx.example.com;x=a b", "invalid_sip_uri"),
        ("100@pbx.example.com:" + in_script("5060", ARABIC_INDIC), "invalid_sip_uri"),
    ],
    ids=["long_user", "long_params", "accent_user", "accent_params", "space", "arabic_port"],
)
async def test_set_sip_routing_to_an_uri_zadarma_cannot_take_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_loaded: MockConfigEntry,
    sip_id: str,
    key: str,
) -> None:
    error = await refused(
        hass,
        simulator,
        "zadarma",
        "set_sip_routing",
        zadarma_loaded,
        number="48221234567",
        sip_id=sip_id,
        key=key,
    )
    assert error.translation_placeholders["field"] == "sip_id"


async def test_the_longest_sip_uri_is_routed_and_shown(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_loaded: MockConfigEntry
) -> None:
    uri = "u" * (255 - len("@pbx.example.com")) + "@pbx.example.com"
    response = await act(
        hass, "set_sip_routing", zadarma_loaded, number="48221234567", sip_id=f"sip:{uri}"
    )
    assert response["sip_id"] == uri
    assert hass.states.get("sensor.48221234567_sip_routing").state == uri


@pytest.mark.parametrize(
    ("action", "data", "field", "key"),
    [
        # Checked before the direction's code is looked up, or the free numbers listed.
        (
            "create_document_group",
            {**PERSON, "direction_id": "gb20", "email": "anna"},
            "email",
            "invalid_email",
        ),
        (
            "update_document_group",
            {"group_id": 1, "direction_id": "gb20", "phone": in_script("48", ARABIC_INDIC)},
            "phone",
            "invalid_zadarma_number",
        ),
        (
            "order_number",
            {"direction_id": "gb20", "number": in_script("442030001002", FULL_WIDTH)},
            "number",
            "invalid_zadarma_number",
        ),
        (
            "create_document_group",
            {**PERSON, "date_of_birth": "1990-02-30"},
            "date_of_birth",
            "invalid_date",
        ),
        # A lone surrogate is no date, and no request could carry it.
        (
            "create_document_group",
            {**PERSON, "date_of_birth": "1990-02-03\ud800"},
            "date_of_birth",
            "invalid_date",
        ),
        ("create_document_group", {**PERSON, "salutation": "dr"}, "salutation", "invalid_choice"),
        ("create_document_group", {**PERSON, "city": "Kraków\r\n"}, "city", "invalid_text"),
        ("create_document_group", {**PERSON, "phone": "+48 12\x1f345"}, "phone", "invalid_text"),
        (
            "set_caller_name",
            {"number": "48221234567", "caller_name": "A" * 31},
            "caller_name",
            "invalid_caller_name_value",
        ),
        ("prolong_number", {"number": "48221234567", "months": 37}, "months", "number_too_large"),
        ("list_number_countries", {"language": "cz"}, "language", "invalid_choice"),
        (
            "upload_document",
            {"group_id": 0, "document_type": "selfie", "file": "/x.pdf"},
            "document_type",
            "invalid_choice",
        ),
    ],
)
async def test_zadarma_refusals_come_before_any_request(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_loaded: MockConfigEntry,
    action: str,
    data: dict[str, Any],
    field: str,
    key: str,
) -> None:
    error = await refused(hass, simulator, "zadarma", action, zadarma_loaded, **data, key=key)
    assert error.translation_placeholders["field"] == field


# -- arbitrary bad input (Hypothesis) ------------------------------------------

# Valid data for each action: one field at a time is made bad.
VALID: dict[str, dict[str, Any]] = {
    "callback": {"caller": "+420777123456", "recipient": "+420608000111"},
    "send_sms": {"recipient": "+420777123456", "message": "Hi"},
    "hang_up": {"all": True},
    "get_call_history": {"since_id": 1},
    "get_call_statistics": PERIOD,
    "get_mobile_data": PERIOD,
    "get_routing": {},
    "add_route": {"public_number": "00420533533533", "ringing_number": "*100"},
    "remove_route": {"public_number": "00420533533533", "route_id": 1},
    "add_parallel_ringing": {"public_number": "00420533533533", "ringing_number": SIM},
    "remove_parallel_ringing": {"public_number": "00420533533533", "ringing_number": SIM},
    "set_sim_options": {"phone_number": SIM, "lte": True},
    "assign_number_to_sim": {"phone_number": SIM, "iccid": "8" * 19, "pin": "1234"},
    "set_caller_name": {"number": "48221234567", "caller_name": "Office"},
    "set_sip_routing": {"number": "48221234567", "sip_id": "100001"},
    "set_auto_prolongation": {"number": "48221234567", "enabled": True},
    "prolong_number": {"number": "48221234567", "months": 1},
    "list_number_countries": {},
    "list_number_directions": {"country": "PL"},
    "list_available_numbers": {"direction_id": 2001},
    "order_number": {"direction_id": 2001},
    "list_document_groups": {},
    "get_document_group": {"group_id": 0},
    "create_document_group": PERSON,
    "update_document_group": {"group_id": 1, "city": "Gdańsk"},
    "upload_document": {"group_id": 0, "document_type": "passport", "file": "/config/x.pdf"},
    "list_documents": {},
    "validate_document_group": {"group_id": 0, "direction_id": 3061},
}
# The fields that take a phone number (or a code, a mask, an ICCID, a PIN: digits).
NUMBER_FIELDS = {
    "caller",
    "recipient",
    "sip",
    "phone_number_filter",
    "phone_number",
    "public_number",
    "ringing_number",
    "source_number",
    "number",
    "mask",
    "iccid",
    "pin",
    "phone",
}
# What no field takes: a control character or a lone surrogate, anywhere in the text.
POISON = st.sampled_from(["\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x85", "\ud800", "\udfff"])
AROUND = st.text(alphabet="0123456789+ abc-", max_size=12)
POISONED = st.tuples(AROUND, POISON, AROUND).map("".join)
# Numbers in another script's digits, or with one of its digits among ASCII ones.
SCRIPTS = st.sampled_from([ARABIC_INDIC, DEVANAGARI, FULL_WIDTH, 0x06F0, 0x0E50, 0x1D7CE])
FOREIGN_NUMBER = st.tuples(
    st.sampled_from(["+", "00", ""]), st.from_regex(r"[0-9]{3,12}", fullmatch=True), SCRIPTS
).map(lambda parts: parts[0] + in_script(parts[1], parts[2]))


def _bad_calls(operator: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """Return an action the operator offers, with one of its fields made bad."""
    offered = OPERATORS[operator].actions

    def spoil(action: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
        fields = sorted(offered[action].fields)
        return st.sampled_from(fields).flatmap(
            lambda field: (POISONED | FOREIGN_NUMBER if field in NUMBER_FIELDS else POISONED).map(
                lambda bad: (action, {**VALID[action], field: bad})
            )
        )

    return st.sampled_from(sorted(name for name in offered if offered[name].fields)).flatmap(spoil)


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_no_bad_input_reaches_the_operator(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    operator: str,
    data: st.DataObject,
) -> None:
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    if entry.state is not ConfigEntryState.LOADED:
        await setup_entry(hass, entry)
    action, given_data = data.draw(_bad_calls(operator))
    before = requests_sent(simulator, operator)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            action,
            {"config_entry_id": entry.entry_id, **given_data},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_domain == DOMAIN
    assert requests_sent(simulator, operator) == before
