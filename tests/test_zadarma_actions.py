"""Zadarma's actions against the simulator: number settings, ordering and documents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, PERSON, act, refused, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import (
    DEMO_NUMBER_AUTORENEW,
    DEMO_NUMBER_EXPIRING,
    GROUP_REQUIRED,
    ZADARMA_KEY,
    SimAvailable,
    SimGroup,
    ZadarmaAccount,
    ZadarmaSimulator,
)

OFFICE = DEMO_NUMBER_AUTORENEW  # Warsaw, 6 USD a month, SIP 100001
LONDON = DEMO_NUMBER_EXPIRING  # London, 4.5 USD a month, SIP 100002
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"

ZADARMA_ACTIONS = (
    "set_caller_name",
    "set_sip_routing",
    "set_auto_prolongation",
    "prolong_number",
    "list_number_countries",
    "list_number_directions",
    "list_available_numbers",
    "order_number",
    "list_document_groups",
    "get_document_group",
    "create_document_group",
    "update_document_group",
    "upload_document",
    "list_documents",
    "validate_document_group",
)


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


@pytest.fixture
def zadarma(simulator: SimulatorServer) -> ZadarmaSimulator:
    return simulator.app[ZADARMA_KEY]


@pytest.fixture
def account(zadarma: ZadarmaSimulator) -> ZadarmaAccount:
    return zadarma.demo


@pytest.fixture
async def loaded(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> MockConfigEntry:
    await setup_entry(hass, zadarma_entry)
    return zadarma_entry


def requests_to(simulator: SimulatorServer, method: str, endpoint: str) -> int:
    return simulator.control.counts[f"zadarma {method} /v1/{endpoint}/"]


async def operator_refuses(
    hass: HomeAssistant, action: str, entry: MockConfigEntry, said: str, **data: Any
) -> None:
    """The action reaches Zadarma, which refuses; the error says what Zadarma said."""
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, action, entry, **data)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "refused"
    assert said in err.value.translation_placeholders["error"]


# -- every action ------------------------------------------------------------


@pytest.mark.parametrize("action", ZADARMA_ACTIONS)
async def test_odorik_does_not_offer_zadarma_actions(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    action: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    error = await refused(
        hass,
        simulator,
        "odorik",
        action,
        odorik_entry,
        **_minimal(action),
        key="action_not_offered",
    )
    assert error.translation_placeholders == {"action": action, "operator": "Odorik"}


@pytest.mark.parametrize("action", ZADARMA_ACTIONS)
async def test_unknown_and_unloaded_entries_are_refused(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry, action: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            action,
            {"config_entry_id": "no-such-entry", **_minimal(action)},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "entry_not_found"
    await hass.config_entries.async_unload(loaded.entry_id)
    await refused(
        hass, simulator, "zadarma", action, loaded, **_minimal(action), key="entry_not_loaded"
    )


def _minimal(action: str) -> dict[str, Any]:
    """Return valid data for each action (the schema passes; the entry decides)."""
    return {
        "set_caller_name": {"number": OFFICE, "caller_name": "Office"},
        "set_sip_routing": {"number": OFFICE, "sip_id": "100001"},
        "set_auto_prolongation": {"number": OFFICE, "enabled": True},
        "prolong_number": {"number": OFFICE, "months": 1},
        "list_number_countries": {},
        "list_number_directions": {"country": "PL"},
        "list_available_numbers": {"direction_id": "3061"},
        "order_number": {"direction_id": 2001},
        "list_document_groups": {},
        "get_document_group": {"group_id": 0},
        "create_document_group": PERSON,
        "update_document_group": {"group_id": 1, "city": "Gdańsk"},
        "upload_document": {"group_id": 0, "document_type": "passport", "file": "/config/x.pdf"},
        "list_documents": {},
        "validate_document_group": {"group_id": 0, "direction_id": 3061},
    }[action]


# -- settings of a connected number ------------------------------------------


async def test_set_caller_name_rereads_only_that_number(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    listed = requests_to(simulator, "GET", "direct_numbers")
    response = await act(
        hass, "set_caller_name", loaded, number="+48 22 123 45 67", caller_name="Reception2"
    )
    assert response == {"number": OFFICE, "caller_name": "Reception2"}
    assert account.numbers[OFFICE].number_name == "Reception2"
    assert requests_to(simulator, "GET", "direct_numbers/number") == 1
    assert requests_to(simulator, "GET", "direct_numbers") == listed
    assert hass.states.get(f"text.{OFFICE}_caller_name").state == "Reception2"


async def test_empty_caller_name_clears_it(
    hass: HomeAssistant, loaded: MockConfigEntry, account: ZadarmaAccount
) -> None:
    response = await act(hass, "set_caller_name", loaded, number=OFFICE, caller_name="")
    assert response == {"number": OFFICE, "caller_name": ""}
    assert account.numbers[OFFICE].number_name is None


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        ({"caller_name": "Kancelář"}, "caller_name", "invalid_caller_name_value"),
        ({"caller_name": "Front desk"}, "caller_name", "invalid_caller_name_value"),
        ({"caller_name": "A" * 31}, "caller_name", "invalid_caller_name_value"),
        ({"number": "+44 20 0000 0000"}, "number", "unknown_direct_number"),
        ({"number": "office"}, "number", "invalid_zadarma_number"),
    ],
)
async def test_set_caller_name_refused_before_sending(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    data: dict[str, Any],
    field: str,
    key: str,
) -> None:
    given = {"number": OFFICE, "caller_name": "Office", **data}
    error = await refused(hass, simulator, "zadarma", "set_caller_name", loaded, **given, key=key)
    assert error.translation_placeholders["field"] == field


async def test_set_sip_routing_to_a_login_of_the_account(
    hass: HomeAssistant, loaded: MockConfigEntry, account: ZadarmaAccount
) -> None:
    response = await act(hass, "set_sip_routing", loaded, number=LONDON, sip_id="100001")
    assert response == {"number": LONDON, "sip_id": "100001"}
    assert account.numbers[LONDON].sip == "100001"
    assert hass.states.get(f"sensor.{LONDON}_sip_routing").state == "100001"


async def test_set_sip_routing_to_an_external_uri_with_test_mode(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    response = await act(
        hass,
        "set_sip_routing",
        loaded,
        number=OFFICE,
        sip_id="sip:1234567890@myserver.com",
        test_mode=True,
    )
    assert response == {"number": OFFICE, "sip_id": "1234567890@myserver.com"}
    assert account.numbers[OFFICE].sip == "1234567890@myserver.com"
    assert account.numbers[OFFICE].is_on_test
    sent = simulator.app[ZADARMA_KEY].received[-2]
    assert sent[2]["test_mode"] == "on"


@pytest.mark.parametrize(
    ("sip_id", "key"),
    [
        ("999999", "unknown_sip_login"),
        ("user@", "invalid_sip_uri"),
        ("a b@host", "invalid_sip_uri"),
    ],
)
async def test_set_sip_routing_refused_before_sending(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry, sip_id: str, key: str
) -> None:
    error = await refused(
        hass, simulator, "zadarma", "set_sip_routing", loaded, number=OFFICE, sip_id=sip_id, key=key
    )
    assert error.translation_placeholders["field"] == "sip_id"
    if key == "unknown_sip_login":
        assert error.translation_placeholders["logins"] == "100001, 100002"


async def test_set_auto_prolongation(
    hass: HomeAssistant, loaded: MockConfigEntry, account: ZadarmaAccount
) -> None:
    response = await act(hass, "set_auto_prolongation", loaded, number=LONDON, enabled=True)
    assert response == {"number": LONDON, "auto_prolongation": True}
    assert account.numbers[LONDON].autorenew
    assert hass.states.get(f"switch.{LONDON}_auto_prolongation").state == "on"


async def test_set_auto_prolongation_refused_by_zadarma(
    hass: HomeAssistant, loaded: MockConfigEntry, account: ZadarmaAccount
) -> None:
    account.numbers[LONDON].status = "reserved_on"
    await operator_refuses(
        hass, "set_auto_prolongation", loaded, "not allowed", number=LONDON, enabled=True
    )
    assert not account.numbers[LONDON].autorenew


async def test_prolong_number_returns_the_new_date_and_the_amount(
    hass: HomeAssistant, loaded: MockConfigEntry, account: ZadarmaAccount
) -> None:
    before = account.numbers[LONDON].stop_date
    response = await act(hass, "prolong_number", loaded, number=f"+{LONDON}", months=2)
    after = account.numbers[LONDON].stop_date
    assert after > before
    assert response == {
        "number": LONDON,
        "stop_date": after.isoformat(),
        "total_paid": {"amount": 9.0, "currency": "USD"},
    }
    assert account.balance == pytest.approx(25.40 - 9.0)
    state = hass.states.get(f"sensor.{LONDON}_paid_until")
    assert state.state == after.isoformat()


async def test_prolong_refused_before_paying_when_the_balance_is_short(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    account.balance = 10.0
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "prolong_number", loaded, number=OFFICE, months=2)
    assert err.value.translation_key == "insufficient_balance"
    assert err.value.translation_placeholders == {
        "field": "months",
        "cost": "12",
        "balance": "10",
        "currency": "USD",
    }
    assert requests_to(simulator, "POST", "direct_numbers/prolong") == 0
    assert account.balance == 10.0


async def test_prolong_of_a_number_priced_in_another_currency_is_left_to_zadarma(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    """EUR and USD are not compared: Zadarma, not a guessed rate, refuses the payment."""
    account.numbers[LONDON].currency = "EUR"
    account.balance = 1.0
    await setup_entry(hass, zadarma_entry)
    before = account.numbers[LONDON].stop_date
    await operator_refuses(
        hass, "prolong_number", zadarma_entry, "Not enough money", number=LONDON, months=2
    )
    assert requests_to(simulator, "POST", "direct_numbers/prolong") == 1
    assert account.numbers[LONDON].stop_date == before
    assert account.balance == 1.0


# -- ordering ----------------------------------------------------------------


async def test_list_number_countries(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    response = await act(hass, "list_number_countries", loaded, language="pl")
    assert response == {
        "countries": [
            {"iso_code": "PL", "dialing_code": "48", "name": "Polska"},
            {"iso_code": "GB", "dialing_code": "44", "name": "Wielka Brytania"},
        ]
    }


async def test_list_number_directions(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    response = await act(hass, "list_number_directions", loaded, country="gb")
    london, mobile = response["directions"]
    assert london["id"] == 2001
    assert london["connect_fee"] == 0.0
    assert london["monthly_fee"] == 4.5
    assert london["required_documents"] == {}
    assert mobile["required_documents"] == {
        "passport": "Passport or ID copy (both sides)",
        "receipt": "Utility bill not older than 3 months",
    }
    assert mobile["required_information"] == ["address", "id_number"]
    assert mobile["receive_sms"] is True
    one = await act(hass, "list_number_directions", loaded, country="GB", direction_id=2002)
    assert [item["id"] for item in one["directions"]] == [2002]


async def test_list_number_directions_refusals(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry
) -> None:
    await refused(
        hass,
        simulator,
        "zadarma",
        "list_number_directions",
        loaded,
        country="GBR",
        key="invalid_country",
    )
    await operator_refuses(
        hass, "list_number_directions", loaded, "Country not found", country="XX"
    )


async def test_list_available_numbers_by_id_code_and_mask(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    by_id = await act(hass, "list_available_numbers", loaded, direction_id="2001")
    assert [item["number"] for item in by_id["numbers"]] == [
        "442030001001",
        "442030001002",
        "442030001003",
    ]
    assert all(item["id"] and item["direction_id"] == 2001 for item in by_id["numbers"])
    by_code = await act(hass, "list_available_numbers", loaded, direction_id="GB20")
    assert by_code == by_id
    masked = await act(hass, "list_available_numbers", loaded, direction_id="2001", mask="1002")
    assert [item["number"] for item in masked["numbers"]] == ["442030001002"]


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        ({"direction_id": "warsaw"}, "direction_id", "invalid_direction"),
        ({"direction_id": "0"}, "direction_id", "invalid_direction"),
        ({"direction_id": "2001", "mask": "20*"}, "mask", "invalid_mask"),
    ],
)
async def test_list_available_numbers_refused_before_sending(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    data: dict[str, Any],
    field: str,
    key: str,
) -> None:
    error = await refused(
        hass, simulator, "zadarma", "list_available_numbers", loaded, **data, key=key
    )
    assert error.translation_placeholders["field"] == field


async def test_order_a_number_without_documents(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    response = await act(hass, "order_number", loaded, direction_id=2001, number="+44 20 3000 1002")
    assert response == {"number": "442030001002", "is_reserved": False, "is_activated": True}
    ordered = account.numbers["442030001002"]
    assert ordered.status == "on"
    assert account.balance == pytest.approx(25.40 - 4.5)
    sent = simulator.app[ZADARMA_KEY].received
    order = next(params for method, path, params in sent if path.endswith("/order/"))
    assert order["number_id"] == "2001p0D1t1002"
    # The spec requires the group even where no documents are needed: the main one.
    assert order["documents_group_id"] == "0"
    assert requests_to(simulator, "GET", "documents/groups/valid/{group_id}") == 0
    # The new number is polled at once: its device and entities appear.
    assert hass.states.get("sensor.442030001002_status").state == "on"


async def test_order_a_number_with_the_main_document_group(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    response = await act(
        hass,
        "order_number",
        loaded,
        direction_id=3062,
        number_id="3062p0D0t0001",
        documents_group_id=0,
        period="3month",
        autorenew_period="year",
        purpose="Office line",
    )
    assert response == {"number": "48121110001", "is_reserved": False, "is_activated": True}
    assert account.numbers["48121110001"].autorenew_period == "year"
    assert account.balance == pytest.approx(25.40 - 18.0)
    sent = simulator.app[ZADARMA_KEY].received
    order = next(params for method, path, params in sent if path.endswith("/order/"))
    assert order["documents_group_id"] == "0"
    assert order["period"] == "3month"
    assert order["purpose"] == "Office line"


async def test_order_lets_zadarma_pick_the_number(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    response = await act(hass, "order_number", loaded, direction_id=2001)
    assert response["number"] in account.numbers
    sent = simulator.app[ZADARMA_KEY].received
    order = next(params for method, path, params in sent if path.endswith("/order/"))
    assert "number_id" not in order


async def test_order_refused_before_any_payment_when_the_balance_is_short(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    account.balance = 3.0
    numbers = set(account.numbers)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "order_number", loaded, direction_id=2001)
    assert err.value.translation_key == "insufficient_balance"
    assert err.value.translation_placeholders == {
        "field": "period",
        "cost": "4.5",
        "balance": "3",
        "currency": "USD",
    }
    assert requests_to(simulator, "POST", "direct_numbers/order") == 0
    assert set(account.numbers) == numbers
    assert account.balance == 3.0


async def test_order_counts_the_connection_fee_and_the_whole_period(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    account.balance = 17.0  # Krakow: 6 a month, 18 for three months
    with pytest.raises(ServiceValidationError) as err:
        await act(
            hass,
            "order_number",
            loaded,
            direction_id=3062,
            documents_group_id=0,
            period="3month",
        )
    assert err.value.translation_placeholders["cost"] == "18"
    assert requests_to(simulator, "POST", "direct_numbers/order") == 0


async def test_order_refused_when_the_direction_needs_documents(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "order_number", loaded, direction_id=3061)
    assert err.value.translation_key == "documents_group_required"
    assert err.value.translation_placeholders["needed"] == "passport, address"
    assert requests_to(simulator, "POST", "direct_numbers/order") == 0


async def test_order_refused_when_the_group_is_not_good_enough(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    account.balance = 100.0
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "order_number", loaded, direction_id=2002, documents_group_id=0)
    assert err.value.translation_key == "documents_group_not_valid"
    assert err.value.translation_placeholders["failed"] == (
        "is_information_match, is_documents_uploaded, is_address_match"
    )
    assert requests_to(simulator, "POST", "direct_numbers/order") == 0
    assert account.balance == 100.0


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        ({"direction_id": 2001, "receive_sms": True}, "receive_sms", "sms_not_offered"),
        ({"direction_id": 2001, "number": "+44 20 9999 9999"}, "number", "number_not_available"),
        ({"direction_id": 2001, "number_id": "nope"}, "number_id", "number_not_available"),
        (
            {"direction_id": 2001, "number": "442030001002", "number_id": "2001p0D1t1002"},
            "number",
            "number_or_number_id",
        ),
    ],
)
async def test_order_refused_before_ordering(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    data: dict[str, Any],
    field: str,
    key: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "order_number", loaded, **data)
    assert err.value.translation_key == key
    assert err.value.translation_placeholders["field"] == field
    assert requests_to(simulator, "POST", "direct_numbers/order") == 0


async def test_order_of_an_unknown_direction(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry
) -> None:
    await operator_refuses(hass, "order_number", loaded, "Direction not found", direction_id=9999)
    assert requests_to(simulator, "POST", "direct_numbers/order") == 0


async def test_order_of_a_direction_no_country_lists(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    zadarma: ZadarmaSimulator,
) -> None:
    # A number whose country code matches no listed country: its prices are unknown.
    zadarma.available = {"x": SimAvailable("x", 2001, "3912345678")}
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "order_number", loaded, direction_id=2001)
    assert err.value.translation_key == "invalid_direction"
    assert requests_to(simulator, "POST", "direct_numbers/order") == 0


async def test_order_of_a_number_whose_code_two_countries_share(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    zadarma: ZadarmaSimulator,
    account: ZadarmaAccount,
) -> None:
    """+44 is the Isle of Man's too: its directions are read, then the United Kingdom's."""
    zadarma.countries = {"IM": {"code": "44", "en": "Isle of Man"}, **zadarma.countries}
    response = await act(hass, "order_number", loaded, direction_id=2001, number="+44 20 3000 1002")
    assert response == {"number": "442030001002", "is_reserved": False, "is_activated": True}
    asked = [params["country"] for _, path, params in zadarma.received if "/country/" in path]
    assert asked == ["IM", "GB"]
    # London's price was the one checked and paid.
    assert account.balance == pytest.approx(25.40 - 4.5)


# -- documents ---------------------------------------------------------------


async def test_list_and_get_document_groups(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    groups = await act(hass, "list_document_groups", loaded)
    (main,) = groups["groups"]
    assert main["id"] == 0
    assert main["is_readonly"] is True
    assert main["last_name"] == "Kowalski"
    got = await act(hass, "get_document_group", loaded, group_id=0)
    assert got == {"group": main}


async def test_get_unknown_document_group(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    await operator_refuses(hass, "get_document_group", loaded, "not found", group_id=7)


async def test_create_and_update_a_document_group(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    created = await act(
        hass,
        "create_document_group",
        loaded,
        **PERSON,
        type_of_id="national_id_card",
        id_number="ABC123456",
        date_of_birth="1990-04-01",
    )
    group = created["group"]
    assert group["id"] == 1
    assert group["salutation"] == "MS"
    assert group["country"] == "PL"
    assert group["phone"] == "48123456789"
    assert group["type_of_id"] == "NATIONAL_ID_CARD"
    assert group["date_of_birth"] == "1990-04-01"
    updated = await act(hass, "update_document_group", loaded, group_id=1, city="Gdańsk")
    assert updated["group"]["city"] == "Gdańsk"
    assert updated["group"]["first_name"] == "Anna"
    assert account.groups[1].data["city"] == "Gdańsk"
    # The spec requires the whole group in an update: what is held, with the change.
    received = simulator.app[ZADARMA_KEY].received
    body = next(body for method, _, body in reversed(received) if method == "PUT")
    assert body == {
        **{name: created["group"][name] for name in GROUP_REQUIRED},
        "city": "Gdańsk",
        "type_of_id": "NATIONAL_ID_CARD",
        "id_number": "ABC123456",
        "date_of_birth": "1990-04-01",
    }


async def test_a_document_group_for_a_direction_code_is_sent_its_id(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry
) -> None:
    """Zadarma takes the group's direction by id: a code (pl22, Warsaw) is looked up."""
    created = await act(hass, "create_document_group", loaded, **PERSON, direction_id="pl22")
    assert created["group"]["id"] == 1
    received = simulator.app[ZADARMA_KEY].received
    body = next(body for method, path, body in reversed(received) if method == "POST")
    assert body["direction_id"] == "3061"
    assert requests_to(simulator, "GET", "direct_numbers/country") == 1


async def test_a_direction_code_of_two_directions_is_refused_naming_both(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    zadarma: ZadarmaSimulator,
) -> None:
    """Two directions share Warsaw's area code: the user is asked to give one's id."""
    warsaw = zadarma.directions[3061]
    zadarma.directions[3069] = replace(warsaw, id=3069, name="Warsaw toll-free", is_toll=True)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "list_number_directions", loaded, country="PL", direction_id="PL22")
    assert err.value.translation_key == "direction_code_ambiguous"
    assert err.value.translation_placeholders["ids"] == "3061, 3069"
    assert err.value.translation_placeholders["value"] == "pl22"


async def test_update_of_a_group_missing_what_zadarma_requires_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    """A group made elsewhere without a phone: an update must give one, or Zadarma refuses."""
    held = dict.fromkeys(GROUP_REQUIRED, "x") | {"email": "a@example.com", "salutation": "MR"}
    account.groups[2] = SimGroup(id=2, data={**held, "phone": None})
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "update_document_group", loaded, group_id=2, city="Gdańsk")
    assert err.value.translation_key == "document_group_incomplete"
    assert err.value.translation_placeholders == {"field": "phone", "group_id": "2"}
    assert requests_to(simulator, "PUT", "documents/groups/update/{group_id}") == 0
    await act(hass, "update_document_group", loaded, group_id=2, phone="+48 12 345 67 89")
    assert account.groups[2].data["phone"] == "48123456789"


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        ({"email": "anna.example.com"}, "email", "invalid_email"),
        ({"country": "Poland"}, "country", "invalid_country"),
        ({"nationality": "POL"}, "nationality", "invalid_country"),
        ({"phone": "call me"}, "phone", "invalid_zadarma_number"),
    ],
)
async def test_create_document_group_refused_before_sending(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    data: dict[str, Any],
    field: str,
    key: str,
) -> None:
    given = {**PERSON, **data}
    error = await refused(
        hass, simulator, "zadarma", "create_document_group", loaded, **given, key=key
    )
    assert error.translation_placeholders["field"] == field


async def test_update_of_the_main_group_is_refused_before_writing(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "update_document_group", loaded, group_id=0, city="Gdańsk")
    assert err.value.translation_key == "document_group_read_only"
    assert requests_to(simulator, "PUT", "documents/groups/update/{group_id}") == 0


async def test_update_without_data_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry
) -> None:
    await refused(
        hass,
        simulator,
        "zadarma",
        "update_document_group",
        loaded,
        group_id=1,
        key="nothing_to_change",
    )


@pytest.fixture
def documents(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A folder Home Assistant may read, with a passport scan in it."""
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "passport.pdf").write_bytes(PDF)
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


async def test_upload_a_document_from_an_allowed_folder(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
    documents: Path,
) -> None:
    await act(hass, "create_document_group", loaded, **PERSON)
    response = await act(
        hass,
        "upload_document",
        loaded,
        group_id=1,
        document_type="passport",
        file=str(documents / "passport.pdf"),
    )
    assert response == {
        "doc_name": "passport.pdf",
        "message": "The File passport.pdf has been successfully uploaded to the website.",
    }
    assert [item.type for item in account.groups[1].files] == ["passport"]
    listed = await act(hass, "list_documents", loaded, group_id=1)
    assert listed == {
        "group_id": 1,
        "documents": [
            {"type": "passport", "name": "passport.pdf", "is_verified": False, "source": "upload"}
        ],
    }


async def test_upload_from_a_folder_home_assistant_may_not_read(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    documents: Path,
    tmp_path: Path,
) -> None:
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(PDF)
    error = await refused(
        hass,
        simulator,
        "zadarma",
        "upload_document",
        loaded,
        group_id=0,
        document_type="passport",
        file=str(outside),
        key="file_not_allowed",
    )
    assert error.translation_placeholders == {"field": "file", "value": str(outside)}


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("missing.pdf", None, "file_not_found"),
        ("empty.pdf", b"", "file_size"),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024), "file_size"),
        ("notes.txt", b"just text", "file_type_not_accepted"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10, None),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"0" * 10, None),
    ],
)
async def test_upload_checks_the_file_before_sending(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    documents: Path,
    name: str,
    content: bytes | None,
    key: str | None,
) -> None:
    path = documents / name
    if content is not None:
        path.write_bytes(content)
    data = {"group_id": 0, "document_type": "receipt", "file": str(path)}
    if key is None:
        response = await act(hass, "upload_document", loaded, **data)
        assert response["doc_name"] == name
        return
    await refused(hass, simulator, "zadarma", "upload_document", loaded, **data, key=key)


async def test_upload_needs_an_absolute_path(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry, documents: Path
) -> None:
    await refused(
        hass,
        simulator,
        "zadarma",
        "upload_document",
        loaded,
        group_id=0,
        document_type="passport",
        file="documents/passport.pdf",
        key="file_not_allowed",
    )


async def test_upload_to_an_unknown_group(
    hass: HomeAssistant, loaded: MockConfigEntry, documents: Path
) -> None:
    await operator_refuses(
        hass,
        "upload_document",
        loaded,
        "not found",
        group_id=9,
        document_type="passport",
        file=str(documents / "passport.pdf"),
    )


async def test_list_documents_of_the_main_group(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    response = await act(hass, "list_documents", loaded)
    assert response == {
        "group_id": 0,
        "documents": [
            {"type": "passport", "name": "passport.jpg", "is_verified": True, "source": "upload"}
        ],
    }


async def test_validate_document_group(hass: HomeAssistant, loaded: MockConfigEntry) -> None:
    good = await act(hass, "validate_document_group", loaded, group_id=0, direction_id=3061)
    assert good == {
        "group_id": 0,
        "direction_id": 3061,
        "is_information_match": True,
        "is_documents_uploaded": True,
        "is_documents_verified": True,
        "is_address_match": True,
        "is_valid": True,
    }
    bad = await act(hass, "validate_document_group", loaded, group_id=0, direction_id=2002)
    assert bad["is_valid"] is False
    assert bad["is_documents_uploaded"] is False


async def test_validate_against_an_unknown_direction(
    hass: HomeAssistant, loaded: MockConfigEntry
) -> None:
    await operator_refuses(
        hass, "validate_document_group", loaded, "Direction not found", group_id=0, direction_id=1
    )


async def test_direction_is_an_id_or_a_code_in_every_action(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    loaded: MockConfigEntry,
    account: ZadarmaAccount,
) -> None:
    """direction_id has one type: the direction's id (2001) or its code (gb20), everywhere."""
    by_id = await act(hass, "list_number_directions", loaded, country="GB", direction_id=2001)
    by_code = await act(hass, "list_number_directions", loaded, country="GB", direction_id="gb20")
    assert by_code == by_id
    assert [direction["id"] for direction in by_code["directions"]] == [2001]

    numbers = await act(hass, "list_available_numbers", loaded, direction_id="GB20")
    assert [item["number"] for item in numbers["numbers"]][:1] == ["442030001001"]
    validity = await act(hass, "validate_document_group", loaded, group_id=0, direction_id="gb20")
    assert validity["direction_id"] == 2001

    response = await act(
        hass, "order_number", loaded, direction_id="gb20", number="+44 20 3000 1002"
    )
    assert response["number"] == "442030001002"
    assert "442030001002" in account.numbers


async def test_a_direction_code_of_no_direction_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, loaded: MockConfigEntry
) -> None:
    error = await refused(
        hass,
        simulator,
        "zadarma",
        "order_number",
        loaded,
        direction_id="gb-20",
        key="invalid_direction",
    )
    assert error.translation_placeholders["field"] == "direction_id"
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "order_number", loaded, direction_id="gb99")
    assert err.value.translation_key == "invalid_direction"
    assert not any(name.endswith("/order/") for name in simulator.control.counts)
