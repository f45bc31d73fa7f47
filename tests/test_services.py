"""Service actions against the simulator: framework, both operators, and Odorik's actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import DOMAIN
from custom_components.telco.model.actions import ACTIONS
from tests.common import FROZEN_NOW, act, refused, requests_sent, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import DATA_PACKAGES, ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY

SIM = "00420799799081"
PUBLIC = "00420533533533"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def operator_refuses(
    hass: HomeAssistant, action: str, entry: MockConfigEntry, token: str, **data: Any
) -> HomeAssistantError:
    """Run an action the operator refuses; the error says what the operator said."""
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, action, entry, **data)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key in {f"refused_{token}", "refused"}
    if err.value.translation_key == "refused":
        assert token in err.value.translation_placeholders["error"]
    return err.value


# -- framework ---------------------------------------------------------------


async def test_every_action_is_registered_with_its_response_mode(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    services = hass.services.async_services_for_domain(DOMAIN)
    assert set(services) == set(ACTIONS)
    for name in ACTIONS:
        read_only = name.startswith(("get_", "list_", "validate_"))
        expected = SupportsResponse.ONLY if read_only else SupportsResponse.OPTIONAL
        assert hass.services.supports_response(DOMAIN, name) == expected


async def test_unknown_entry_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "get_routing",
            {"config_entry_id": "no-such-entry"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "entry_not_found"


async def test_unloaded_entry_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    await hass.config_entries.async_unload(odorik_entry.entry_id)
    error = await refused(
        hass, simulator, "odorik", "get_routing", odorik_entry, key="entry_not_loaded"
    )
    assert error.translation_placeholders["account"] == "Odorik 1234567"


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("hang_up", {}),
        ("get_routing", {}),
        ("get_call_statistics", {"from": "2026-11-01T00:00:00", "to": "2026-11-02T00:00:00"}),
        ("set_sim_options", {"phone_number": SIM, "lte": False}),
    ],
)
async def test_action_the_operator_does_not_offer_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    action: str,
    data: dict[str, Any],
) -> None:
    await setup_entry(hass, zadarma_entry)
    error = await refused(
        hass, simulator, "zadarma", action, zadarma_entry, **data, key="action_not_offered"
    )
    assert error.translation_placeholders == {"action": action, "operator": "Zadarma"}


@pytest.mark.parametrize(
    ("operator", "field", "value"),
    [("zadarma", "delayed", 5), ("zadarma", "line", 403366), ("odorik", "predicted", True)],
)
async def test_field_the_operator_does_not_take_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    operator: str,
    field: str,
    value: Any,
) -> None:
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    error = await refused(
        hass,
        simulator,
        operator,
        "callback",
        entry,
        caller="+420 777 123 456",
        recipient="+420 608 000 111",
        **{field: value},
        key="field_not_offered",
    )
    assert error.translation_placeholders["field"] == field


# -- callback ----------------------------------------------------------------


async def test_odorik_callback_normalises_numbers(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass, "callback", odorik_entry, caller="+420 777 123 456", recipient="00420608000111"
    )
    assert response == {
        "status": "callback_ordered",
        "from": "00420777123456",
        "to": "00420608000111",
        "time": response["time"],
    }
    assert dt_util.parse_datetime(response["time"]) is not None
    call = simulator.app[ODORIK_KEY].active_calls[-1]
    assert (call["source_number"], call["destination_number"]) == (
        "00420777123456",
        "00420608000111",
    )


@pytest.mark.parametrize("delayed", [30, "2026-11-15T12:30:00", "2026-11-15T12:30:00+01:00", "45"])
async def test_odorik_callback_delayed(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry, delayed: Any
) -> None:
    await hass.config.async_set_time_zone("Europe/Prague")
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass,
        "callback",
        odorik_entry,
        caller="+420777123456",
        recipient="+420608000111",
        delayed=delayed,
        line=403366,
        simple=True,
    )
    assert response["status"] == "successfully_enqueued"
    assert dt_util.parse_datetime(response["time"]) > dt_util.utcnow()
    scheduled = simulator.app[ODORIK_KEY].scheduled[-1]
    assert scheduled["caller"] == "00420777123456"
    assert scheduled["line"] == 403366
    if isinstance(delayed, str) and "T" in delayed:
        # A moment without an offset is Home Assistant's time: 12:30 in Prague.
        assert scheduled["at"] == datetime(2026, 11, 15, 11, 30, tzinfo=dt_util.UTC)


async def test_odorik_callback_into_the_past_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    error = await refused(
        hass,
        simulator,
        "odorik",
        "callback",
        odorik_entry,
        caller="+420777123456",
        recipient="+420608000111",
        delayed="2026-11-15T08:00:00+00:00",
        key="delayed_into_past",
    )
    assert error.translation_placeholders["field"] == "delayed"


@pytest.mark.parametrize("field", ["caller", "recipient"])
@pytest.mark.parametrize("value", ["777 123 456", "hello", "+42x777"])
async def test_odorik_callback_bad_number_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    field: str,
    value: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    numbers = {"caller": "+420777123456", "recipient": "+420608000111", field: value}
    error = await refused(
        hass, simulator, "odorik", "callback", odorik_entry, **numbers, key="invalid_odorik_number"
    )
    assert error.translation_placeholders["field"] == field


async def test_odorik_callback_refusals(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    numbers = {"caller": "+420777123456", "recipient": "+420608000111"}
    await operator_refuses(hass, "callback", odorik_entry, "invalid_line", line=999999, **numbers)
    simulator.app[ODORIK_KEY].settings.callback_failed = True
    await operator_refuses(hass, "callback", odorik_entry, "callback_failed", **numbers)


async def test_zadarma_callback(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    response = await act(
        hass,
        "callback",
        zadarma_entry,
        caller="+48 22 123 45 67",
        recipient="+420 777 123 456",
        sip="100001",
        predicted=True,
    )
    assert response["from"] == "48221234567"
    assert response["to"] == "420777123456"
    callback = simulator.app[ZADARMA_KEY].demo.callbacks[-1]
    assert callback == {
        "from": "48221234567",
        "to": "420777123456",
        "sip": "100001",
        "predicted": "1",
    }


@pytest.mark.parametrize("scenario", ["0-1", "12-30"])
async def test_zadarma_callback_from_a_pbx_scenario_keeps_it_as_written(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry, scenario: str
) -> None:
    """Zadarma's ``from`` may be a PBX scenario: its dash is no decoration of a number."""
    await setup_entry(hass, zadarma_entry)
    await act(hass, "callback", zadarma_entry, caller=scenario, recipient="+420 777 123 456")
    callback = simulator.app[ZADARMA_KEY].demo.callbacks[-1]
    assert (callback["from"], callback["to"]) == (scenario, "420777123456")


async def test_zadarma_callback_refusal_says_what_zadarma_said(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    with pytest.raises(HomeAssistantError) as err:
        await act(
            hass,
            "callback",
            zadarma_entry,
            caller="48221234567",
            recipient="420777123456",
            sip="999999",
        )
    assert err.value.translation_key == "refused"
    assert "SIP not found" in err.value.translation_placeholders["error"]


async def test_zadarma_bad_number_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    error = await refused(
        hass,
        simulator,
        "zadarma",
        "callback",
        zadarma_entry,
        caller="office",
        recipient="420777123456",
        key="invalid_zadarma_number",
    )
    assert error.translation_placeholders["field"] == "caller"


# -- SMS ---------------------------------------------------------------------


async def test_odorik_send_sms_returns_the_credit_left(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    response = await act(
        hass, "send_sms", odorik_entry, recipient="+420 777 123 456", message="Door open"
    )
    assert response == {
        "status": "successfully_sent",
        "balance": round(odorik.balance, 2),
        "messages": None,
        "cost": None,
        "currency": "CZK",
        "denied_numbers": [],
    }
    assert odorik.calls[-1]["destination_number"] == "00420777123456"


async def test_odorik_send_sms_checks_the_sender(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    sender = sorted(odorik.allowed_senders)[0]
    response = await act(
        hass,
        "send_sms",
        odorik_entry,
        recipient="+420777123456",
        message="Hi",
        sender=sender,
    )
    assert response["status"] == "successfully_sent"

    before = len(odorik.calls)
    with pytest.raises(ServiceValidationError) as err:
        await act(
            hass, "send_sms", odorik_entry, recipient="+420777123456", message="Hi", sender="X"
        )
    assert err.value.translation_key == "sender_not_allowed"
    assert len(odorik.calls) == before


async def test_odorik_send_sms_refused_for_low_balance(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].balance = 0.5
    await operator_refuses(
        hass, "send_sms", odorik_entry, "low_balance", recipient="+420777123456", message="Hi"
    )


async def test_zadarma_send_sms_returns_cost_and_currency(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    response = await act(
        hass, "send_sms", zadarma_entry, recipient="+420 777 123 456", message="Door open"
    )
    assert response["messages"] == 1
    assert response["currency"] == "USD"
    assert response["cost"] > 0
    assert simulator.app[ZADARMA_KEY].demo.sms[-1]["number"] == "420777123456"
    # Only the balance is read again, and shows the payment at once.
    assert float(hass.states.get("sensor.zadarma_453101_balance").state) == round(
        25.4 - response["cost"], 4
    )


async def test_zadarma_send_sms_without_money(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    simulator.app[ZADARMA_KEY].demo.balance = 0
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, "send_sms", zadarma_entry, recipient="420777123456", message="Hi")
    assert "Not enough money" in err.value.translation_placeholders["error"]


async def test_empty_message_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    before = requests_sent(simulator, "odorik")
    with pytest.raises(Exception, match="message"):
        await act(hass, "send_sms", odorik_entry, recipient="+420777123456", message="")
    assert requests_sent(simulator, "odorik") == before


# -- hang up -----------------------------------------------------------------


async def test_hang_up_one_call(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    call_id = odorik.active_calls[0]["id"]
    response = await act(hass, "hang_up", odorik_entry, call_id=call_id)
    assert response == {"hung_up": [call_id]}
    assert odorik.active_calls == []
    assert hass.states.get("sensor.odorik_1234567_active_calls").state == "0"


async def test_hang_up_every_call_of_a_line(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    other = odorik.add_active_call(
        source_number="00420777000001", destination_number="00420608000001", line=403367
    )
    ours = [call["id"] for call in odorik.active_calls if call["line"] == 403366]

    response = await act(hass, "hang_up", odorik_entry, line=403366)

    assert response == {"hung_up": ours}
    assert [call["id"] for call in odorik.active_calls] == [other["id"]]
    response = await act(hass, "hang_up", odorik_entry, all=True)
    assert response == {"hung_up": [other["id"]]}
    assert odorik.active_calls == []


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "hang_up_which_calls"),
        ({"all": False}, "hang_up_which_calls"),
        ({"call_id": 1, "all": True}, "hang_up_call_id_or_all"),
    ],
)
async def test_hang_up_says_which_calls(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """Ending every call is asked for with all: true, never implied by leaving fields out."""
    await setup_entry(hass, odorik_entry)
    await refused(hass, simulator, "odorik", "hang_up", odorik_entry, **data, key=key)
    assert len(simulator.app[ODORIK_KEY].active_calls) == 1


async def test_hang_up_a_call_not_in_progress_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "hang_up", odorik_entry, call_id=1)
    assert err.value.translation_key == "call_not_active"
    assert len(simulator.app[ODORIK_KEY].active_calls) == 1


# -- reading: history, statistics, mobile data, routing ----------------------


async def test_call_history_for_a_period_with_filters(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass,
        "get_call_history",
        odorik_entry,
        **{"from": "2026-11-01T00:00:00", "to": "2026-11-15T10:00:00"},
        direction="out",
    )
    calls = response["calls"]
    assert response["count"] == len(calls) > 0
    assert {call["direction"] for call in calls} == {"out"}
    assert all(call["date"] >= "2026-10-31T23:00:00" for call in calls)
    assert all(isinstance(call["length"], int) for call in calls)


async def test_call_history_since_an_id_with_a_limit(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    ids = sorted(call["id"] for call in simulator.app[ODORIK_KEY].calls)
    since = ids[len(ids) // 2]
    response = await act(hass, "get_call_history", odorik_entry, since_id=since, limit=3)
    assert [call["id"] for call in response["calls"]] == [i for i in ids if i > since][:3]

    response = await act(hass, "get_call_history", odorik_entry, since_id=since, include_sms=True)
    assert [call["id"] for call in response["calls"]] == [i for i in ids if i > since]


@pytest.mark.parametrize(
    ("data", "key", "field"),
    [
        ({}, "period_or_since_id", "since_id"),
        ({"since_id": 1, "from": "2026-11-01T00:00:00"}, "period_or_since_id", "since_id"),
        ({"from": "2026-11-01T00:00:00"}, "period_incomplete", "to"),
        (
            {"from": "2026-11-02T00:00:00", "to": "2026-11-01T00:00:00"},
            "period_ends_before_it_starts",
            "to",
        ),
    ],
)
async def test_call_history_needs_one_way_of_choosing_records(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
    field: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    error = await refused(
        hass, simulator, "odorik", "get_call_history", odorik_entry, **data, key=key
    )
    assert error.translation_placeholders["field"] == field


async def test_call_statistics(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass,
        "get_call_statistics",
        odorik_entry,
        **{"from": "2026-11-01T00:00:00+01:00", "to": "2026-11-15T10:00:00+00:00"},
    )
    assert set(response["totals"]) == {"incoming", "outgoing", "redirected"}
    assert response["totals"]["outgoing"]["count"] > 0
    assert isinstance(response["totals"]["outgoing"]["price"], float)
    assert response["by_destination"]
    assert all("destination" in row for row in response["by_destination"])
    assert all(row["count"] > 0 for row in response["missed_calls"])
    assert response["from"] == "2026-11-01T00:00:00+01:00"


async def test_mobile_data_of_one_sim_card_and_of_all(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    period = {"from": "2026-11-01T00:00:00", "to": "2026-11-15T10:00:00"}
    one = await act(hass, "get_mobile_data", odorik_entry, **period, phone_number="+420799799081")
    assert set(one["sim_cards"]) == {SIM}
    assert one["sim_cards"][SIM]["bytes_total"] == sum(
        record["bytes_total"] for record in one["records"]
    )
    every = await act(hass, "get_mobile_data", odorik_entry, **period)
    assert every["sim_cards"][SIM] == one["sim_cards"][SIM]
    assert len(every["records"]) >= len(one["records"])


async def test_routing_of_one_public_number_and_of_all(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    one = await act(hass, "get_routing", odorik_entry, public_number="+420 533 533 533")
    assert [item["public_number"] for item in one["public_numbers"]] == [PUBLIC]
    assert one["public_numbers"][0]["routes"]
    every = await act(hass, "get_routing", odorik_entry)
    assert {item["public_number"] for item in every["public_numbers"]} == {
        PUBLIC,
        "00420910110910",
    }


# -- routing changes ---------------------------------------------------------


async def test_add_route_and_remove_it(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass,
        "add_route",
        odorik_entry,
        public_number="+420 533 533 533",
        ringing_number="+420 777 123 456",
        source_number="+420 608 000 111",
    )
    added = next(
        route for route in response["routes"] if route["source_number"] == "00420608000111"
    )
    assert added["ringing_number"] == "00420777123456"
    # The routing sensor shows the new rule at once.
    state = hass.states.get("sensor.420_533_533_533_routing_rules")
    assert int(state.state) == len(response["routes"])

    response = await act(
        hass, "remove_route", odorik_entry, public_number=PUBLIC, route_id=added["id"]
    )
    assert added["id"] not in [route["id"] for route in response["routes"]]


async def test_add_route_to_a_sip_name_the_routing_poll_does_not_list(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """A SIP name takes routes too; it has no entities, and none appear for it."""
    await setup_entry(hass, odorik_entry)
    polled = dict(odorik_entry.runtime_data.routing.data)
    assert "demo_sip" not in polled

    response = await act(
        hass,
        "add_route",
        odorik_entry,
        public_number="demo_sip",
        ringing_number="+420 777 123 456",
        source_number="+420 608 000 111",
    )

    assert response["public_number"] == "demo_sip"
    assert [(route["source_number"], route["ringing_number"]) for route in response["routes"]] == [
        ("00420608000111", "00420777123456")
    ]
    assert [
        route["ringing_number"]
        for route in simulator.app[ODORIK_KEY].public_numbers["demo_sip"].routes
    ] == ["00420777123456"]
    assert odorik_entry.runtime_data.routing.data == polled


async def test_add_route_replacing_the_rules_of_its_source(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    before = await act(hass, "get_routing", odorik_entry, public_number=PUBLIC)
    old = [r for r in before["public_numbers"][0]["routes"] if r["source_number"] == "*"]
    assert old

    response = await act(
        hass, "add_route", odorik_entry, public_number=PUBLIC, ringing_number="*100", replace=True
    )

    anyone = [route for route in response["routes"] if route["source_number"] == "*"]
    assert [route["ringing_number"] for route in anyone] == ["*100"]


async def test_failed_replacement_leaves_the_old_rules(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    before = list(odorik.public_numbers[PUBLIC].routes)
    # 910 routes back to 533: routing 533 to 910 would loop.
    await act(
        hass, "add_route", odorik_entry, public_number="00420910110910", ringing_number=PUBLIC
    )

    await operator_refuses(
        hass,
        "add_route",
        odorik_entry,
        "redirection_loop",
        public_number=PUBLIC,
        ringing_number="00420910110910",
        replace=True,
    )
    assert odorik.public_numbers[PUBLIC].routes == before


@pytest.mark.parametrize(
    ("data", "token"),
    [
        (
            {"public_number": "00420111222333", "ringing_number": "*100"},
            "nonexisting_public_number",
        ),
        ({"public_number": PUBLIC, "ringing_number": "demo-unknown"}, "invalid_ringing_number"),
        (
            {"public_number": "00420533533401", "ringing_number": "00420777000111"},
            "shared_number_conflict",
        ),
        (
            {"public_number": PUBLIC, "ringing_number": "*100", "source_number": "office"},
            "invalid_source_number",
        ),
    ],
)
async def test_add_route_refusals(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    data: dict[str, str],
    token: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    await operator_refuses(hass, "add_route", odorik_entry, token, **data)


async def test_remove_a_route_that_does_not_exist_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "remove_route", odorik_entry, public_number=PUBLIC, route_id=1)
    assert err.value.translation_key == "route_not_found"
    assert (
        simulator.control.counts[
            "odorik DELETE /api/v1/public_numbers/{number}/routes/{route_id}.json"
        ]
        == 0
    )


async def test_parallel_ringing_added_and_removed(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass,
        "add_parallel_ringing",
        odorik_entry,
        public_number=PUBLIC,
        ringing_number="+420 777 123 456",
    )
    assert "00420777123456" in response["parallel_ringings"]
    response = await act(
        hass,
        "remove_parallel_ringing",
        odorik_entry,
        public_number=PUBLIC,
        ringing_number="00420777123456",
    )
    assert "00420777123456" not in response["parallel_ringings"]
    await operator_refuses(
        hass,
        "remove_parallel_ringing",
        odorik_entry,
        "nonexisting_ringing_number",
        public_number=PUBLIC,
        ringing_number="00420777123456",
    )


# -- SIM cards ---------------------------------------------------------------


async def test_set_sim_options(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    package = next(
        name for name, _ in DATA_PACKAGES if name != odorik.sims[SIM].settings["data_package"]
    )
    response = await act(
        hass,
        "set_sim_options",
        odorik_entry,
        phone_number="+420 799 799 081",
        mobile_data=False,
        data_package_for_next_month=package,
    )
    assert odorik.sims[SIM].settings["mobile_data"] is False
    assert odorik.sims[SIM].settings["data_package_for_next_month"] == package
    assert response["sim_card"]["mobile_data"] is False
    assert hass.states.get("switch.sim_420_799_799_081_mobile_data").state == "off"


@pytest.mark.parametrize(
    ("data", "key", "field"),
    [
        ({"data_package": "1TB"}, "option_not_offered", "data_package"),
        ({"roaming": "moon"}, "option_not_offered", "roaming"),
        ({}, "nothing_to_change", "phone_number"),
    ],
)
async def test_set_sim_options_refused_before_the_change(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
    field: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    before = dict(odorik.sims[SIM].settings)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "set_sim_options", odorik_entry, phone_number=SIM, **data)
    assert err.value.translation_key == key
    assert err.value.translation_placeholders["field"] == field
    assert odorik.sims[SIM].settings == before


async def test_sim_state_change_goes_alone(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    with pytest.raises(ServiceValidationError) as err:
        await act(
            hass, "set_sim_options", odorik_entry, phone_number=SIM, state="suspended", lte=False
        )
    assert err.value.translation_key == "invalid_state_change_alone"
    await act(hass, "set_sim_options", odorik_entry, phone_number=SIM, state="suspended")
    assert simulator.app[ODORIK_KEY].sims[SIM].state == "suspended"


async def test_sim_options_while_a_change_is_in_progress(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.sim_change_seconds = 120
    await act(hass, "set_sim_options", odorik_entry, phone_number=SIM, lte=False)

    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "set_sim_options", odorik_entry, phone_number=SIM, mobile_data=False)
    assert err.value.translation_key == "invalid_change_in_progress"
    # What the document allows during a change still goes through.
    await act(
        hass,
        "set_sim_options",
        odorik_entry,
        phone_number=SIM,
        requested_data_plan_for_next_month="1000MB",
    )


async def test_set_options_of_a_sim_card_not_on_the_account(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    await refused(
        hass,
        simulator,
        "odorik",
        "set_sim_options",
        odorik_entry,
        phone_number="+420 799 000 000",
        lte=True,
        key="unknown_sim_card",
    )


async def test_assign_number_to_sim(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass,
        "assign_number_to_sim",
        odorik_entry,
        phone_number="+420 799 799 083",
        iccid="8942 0011 0003 8961 7997",
        pin="1234",
    )
    assert response == {"phone_number": "00420799799083", "delayed_activation": False}
    assert "00420799799083" in simulator.app[ODORIK_KEY].sims
    await hass.async_block_till_done()
    # The SIM cards are read again: the new one has its entities at once.
    assert hass.states.get("switch.sim_420_799_799_083_mobile_data") is not None
    await operator_refuses(
        hass,
        "assign_number_to_sim",
        odorik_entry,
        "sim_already_assigned",
        phone_number="+420 799 799 083",
        iccid="89420011000389617997",
        pin="1234",
    )


async def test_assign_number_to_sim_refusals(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    await operator_refuses(
        hass,
        "assign_number_to_sim",
        odorik_entry,
        "invalid_iccid_or_pin",
        phone_number="+420 799 799 083",
        iccid="89420011000389617997",
        pin="9999",
    )
    await refused(
        hass,
        simulator,
        "odorik",
        "assign_number_to_sim",
        odorik_entry,
        phone_number="+420 799 799 083",
        iccid="1234",
        pin="1234",
        key="invalid_iccid",
    )


async def test_reads_translate_refused_credentials_and_start_reauthentication(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].reject_auth = True
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, "get_routing", odorik_entry)
    assert err.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_a_poll_after_a_change_is_not_needed_to_see_it(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Writes refresh only what they changed, at once; a balance change follows an SMS."""
    await setup_entry(hass, odorik_entry)
    before = float(hass.states.get("sensor.odorik_1234567_balance").state)
    await act(hass, "send_sms", odorik_entry, recipient="+420777123456", message="Hi")
    freezer.tick(timedelta(seconds=11))
    await hass.async_block_till_done()
    assert float(hass.states.get("sensor.odorik_1234567_balance").state) < before


@pytest.mark.parametrize(
    ("data", "token"),
    [
        (
            {"public_number": "00420111222333", "ringing_number": "*100"},
            "nonexisting_public_number",
        ),
        ({"public_number": PUBLIC, "ringing_number": "demo-unknown"}, "invalid_ringing_number"),
        ({"public_number": PUBLIC, "ringing_number": PUBLIC}, "redirection_loop"),
    ],
)
async def test_add_parallel_ringing_refusals(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    data: dict[str, str],
    token: str,
) -> None:
    await setup_entry(hass, odorik_entry)
    await operator_refuses(hass, "add_parallel_ringing", odorik_entry, token, **data)


async def test_assign_a_number_not_on_a_line(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    await operator_refuses(
        hass,
        "assign_number_to_sim",
        odorik_entry,
        "invalid_phone_number",
        phone_number="+420 799 000 000",
        iccid="89420011000389617997",
        pin="1234",
    )


async def test_call_history_number_filter_takes_a_prefix(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    response = await act(
        hass,
        "get_call_history",
        odorik_entry,
        **{"from": "2026-10-01T00:00:00", "to": "2026-11-15T10:00:00"},
        phone_number_filter="+420 533",
    )
    assert response["calls"]
    assert all(
        "00420533" in (call["source_number"] + call["destination_number"])
        for call in response["calls"]
    )


async def test_hang_up_a_call_on_another_line_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    call_id = simulator.app[ODORIK_KEY].active_calls[0]["id"]
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "hang_up", odorik_entry, call_id=call_id, line=403367)
    assert err.value.translation_key == "call_not_active"
    assert len(simulator.app[ODORIK_KEY].active_calls) == 1


async def test_zadarma_sip_is_kept_as_written(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    await refused(
        hass,
        simulator,
        "zadarma",
        "callback",
        zadarma_entry,
        caller="48221234567",
        recipient="420777123456",
        sip="office line",
        key="invalid_sip",
    )


@pytest.mark.parametrize("operator", ["odorik", "zadarma"])
async def test_callback_and_send_sms_answer_alike_for_every_operator(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    request: pytest.FixtureRequest,
    operator: str,
) -> None:
    """One response shape per action: a template needs no operator of its own."""
    entry: MockConfigEntry = request.getfixturevalue(f"{operator}_entry")
    await setup_entry(hass, entry)
    callback = await act(
        hass, "callback", entry, caller="+420 777 123 456", recipient="+420 608 000 111"
    )
    assert set(callback) == {"status", "from", "to", "time"}
    assert callback["status"] == "callback_ordered"
    assert callback["from"].endswith("420777123456")
    assert callback["to"].endswith("420608000111")
    sms = await act(hass, "send_sms", entry, recipient="+420 777 123 456", message="Hi")
    assert set(sms) == {"status", "balance", "messages", "cost", "currency", "denied_numbers"}
    assert sms["status"] == "successfully_sent"
    assert sms["balance"] == float(hass.states.get(f"sensor.{entry.unique_id}_balance").state)
    assert sms["denied_numbers"] == []
