"""The Zadarma client against the simulator, over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
import logging

import aiohttp
import pytest

from custom_components.telco.api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoConnectionError,
    TelcoRateLimitedError,
    TelcoValidationError,
    ZadarmaClient,
)
from custom_components.telco.api.zadarma_models import AccountTimezone
from custom_components.telco.api.zadarma_signing import authorization_header, build_query
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_NUMBER_AUTORENEW,
    DEMO_NUMBER_EXPIRING,
    DEMO_PBX_ID,
    ZADARMA_KEY,
    ZadarmaSimulator,
    add_months,
)

from .zadarma_helpers import FakeClock


@pytest.fixture
def zadarma(simulator: SimulatorServer) -> ZadarmaSimulator:
    return simulator.app[ZADARMA_KEY]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(
    simulator: SimulatorServer, session: aiohttp.ClientSession, clock: FakeClock
) -> ZadarmaClient:
    return ZadarmaClient(
        session,
        DEMO_API_KEY,
        DEMO_API_SECRET,
        base_url=simulator.zadarma_url,
        clock=clock,
        sleep=clock.sleep,
    )


def zadarma_total(simulator: SimulatorServer) -> int:
    return sum(n for key, n in simulator.control.counts.items() if key.startswith("zadarma "))


# --- Account, SIP, callback, SMS ------------------------------------------------------------


async def test_balance(client: ZadarmaClient) -> None:
    balance = await client.get_balance()
    assert balance.balance == pytest.approx(25.40)
    assert balance.currency == "USD"


async def test_pbx_names_the_account_across_key_rotations(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    client: ZadarmaClient,
    zadarma: ZadarmaSimulator,
) -> None:
    pbx = await client.get_pbx()
    assert (pbx.pbx_id, pbx.extensions) == (str(DEMO_PBX_ID), ("100",))

    zadarma.rotate_key(DEMO_API_KEY, "a" * 20, "b" * 20)
    with pytest.raises(TelcoAuthenticationError):
        await client.get_pbx()
    rotated = ZadarmaClient(session, "a" * 20, "b" * 20, base_url=simulator.zadarma_url)
    assert (await rotated.get_pbx()).pbx_id == str(DEMO_PBX_ID)


async def test_account_without_pbx(
    simulator: SimulatorServer, session: aiohttp.ClientSession, zadarma: ZadarmaSimulator
) -> None:
    zadarma.add_account("c" * 20, "d" * 20)
    client = ZadarmaClient(session, "c" * 20, "d" * 20, base_url=simulator.zadarma_url)
    with pytest.raises(TelcoApiError):
        await client.get_pbx()


async def test_sips_and_their_status(client: ZadarmaClient) -> None:
    sips = await client.get_sips()
    assert [(sip.id, sip.display_name, sip.lines) for sip in sips] == [
        ("100001", "Office", 3),
        ("100002", "Mobile app", 1),
    ]
    assert (await client.get_sip_status("100001")).is_online is True
    assert (await client.get_sip_status("100002")).is_online is False


async def test_unknown_sip_status(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.get_sip_status("999999")
    assert err.value.token == "not_found"
    assert err.value.detail == "SIP not found"


async def test_callback(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    result = await client.request_callback(
        "100001", "+48 600 100 200", sip="100002", predicted=True
    )
    assert (result.from_, result.to) == ("100001", "48600100200")
    assert result.time is not None
    assert abs(result.time - datetime.now(UTC)) < timedelta(minutes=1)
    assert zadarma.demo.callbacks == [
        {"from": "100001", "to": "48600100200", "sip": "100002", "predicted": "1"}
    ]
    method, path, params = zadarma.received[-1]
    assert (method, path) == ("GET", "/v1/request/callback/")
    assert params == {"from": "100001", "to": "48600100200", "sip": "100002", "predicted": "1"}


async def test_callback_without_prediction_sends_no_flag(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    await client.request_callback("100001", "48600100200")
    assert zadarma.received[-1][2] == {"from": "100001", "to": "48600100200"}


async def test_callback_refused(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.request_callback("100001", " ")
    assert err.value.token == "invalid_number"


async def test_send_sms(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    result = await client.send_sms(["+48 600 100 200", "12"], "Zażółć ~* gęślą", sender="Office")
    assert result.messages == 1
    assert result.cost == pytest.approx(0.05)
    assert result.currency == "USD"
    assert [(item.number, item.message) for item in result.denied_numbers] == [
        ("12", "Wrong number")
    ]
    assert zadarma.demo.sms == [
        {"number": "48600100200", "message": "Zażółć ~* gęślą", "sender": "Office"}
    ]
    assert zadarma.demo.balance == pytest.approx(25.35)
    assert zadarma.received[-1][2]["number"] == "48600100200,12"


async def test_send_sms_without_money(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    zadarma.demo.balance = 0.01
    with pytest.raises(TelcoApiError) as err:
        await client.send_sms("48600100200", "Hello")
    assert err.value.token == "insufficient_balance"
    assert zadarma.demo.sms == []


# --- Connected direct numbers ---------------------------------------------------------------


async def test_direct_numbers(client: ZadarmaClient) -> None:
    numbers = {number.number: number for number in await client.get_direct_numbers()}
    assert set(numbers) == {DEMO_NUMBER_AUTORENEW, DEMO_NUMBER_EXPIRING}
    office = numbers[DEMO_NUMBER_AUTORENEW]
    assert office.autorenew is True
    assert office.caller_name == "Office"
    assert (office.type, office.status, office.channels, office.direction_id) == (
        "common",
        "on",
        2,
        3061,
    )
    expiring = numbers[DEMO_NUMBER_EXPIRING]
    assert expiring.autorenew is False
    assert expiring.caller_name is None
    assert expiring.stop_date is not None
    assert expiring.stop_date.tzinfo is UTC
    left = expiring.stop_date - datetime.now(UTC)
    assert timedelta(days=4) < left <= timedelta(days=5)


def sent(zadarma: ZadarmaSimulator) -> list[tuple[str, str, dict[str, str]]]:
    """Return the requests the simulator received, oldest first."""
    return list(zadarma.received)


LIST = ("GET", "/v1/direct_numbers/", {})


async def test_direct_number_sends_the_listed_type(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    await client.get_direct_numbers()
    zadarma.demo.numbers[DEMO_NUMBER_EXPIRING].type = "revenue"
    await client.get_direct_numbers()
    number = await client.get_direct_number("+44 20 3769 1880")
    assert number.number == DEMO_NUMBER_EXPIRING
    assert sent(zadarma)[-1] == (
        "GET",
        "/v1/direct_numbers/number/",
        {"number": DEMO_NUMBER_EXPIRING, "type": "revenue"},
    )


async def test_caller_name_from_a_fresh_client_lists_the_numbers_once(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    """The page wants ``type``: a client that never listed the numbers looks it up once."""
    assert await client.set_caller_name(DEMO_NUMBER_EXPIRING, "London1") == "London1"
    caller_name = ("PUT", "/v1/direct_numbers/set_caller_name/")
    assert sent(zadarma) == [
        LIST,
        (
            *caller_name,
            {"number": DEMO_NUMBER_EXPIRING, "caller_name": "London1", "type": "common"},
        ),
    ]
    await client.set_caller_name(DEMO_NUMBER_EXPIRING, "London2")
    await client.set_caller_name(DEMO_NUMBER_AUTORENEW, "Warsaw")
    assert [request[:2] for request in sent(zadarma)] == [LIST[:2], *[caller_name] * 3]
    assert zadarma.demo.numbers[DEMO_NUMBER_AUTORENEW].number_name == "Warsaw"


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda client: client.get_direct_number(DEMO_NUMBER_EXPIRING), "number"),
        (lambda client: client.get_autoprolongation(DEMO_NUMBER_EXPIRING), "autoprolongation"),
        (
            lambda client: client.set_autoprolongation(DEMO_NUMBER_EXPIRING, True),
            "autoprolongation",
        ),
        (lambda client: client.set_sip_id(DEMO_NUMBER_EXPIRING, "100001"), "set_sip_id"),
    ],
)
async def test_every_number_method_sends_the_type(
    client: ZadarmaClient,
    zadarma: ZadarmaSimulator,
    call: Callable[[ZadarmaClient], Awaitable[object]],
    path: str,
) -> None:
    await call(client)
    await call(client)
    requests = sent(zadarma)
    assert requests[0] == LIST
    assert len(requests) == 3
    assert all(request[1] == f"/v1/direct_numbers/{path}/" for request in requests[1:])
    assert all(request[2]["type"] == "common" for request in requests[1:])


async def test_concurrent_calls_list_the_numbers_once(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    await asyncio.gather(
        client.get_autoprolongation(DEMO_NUMBER_EXPIRING),
        client.get_autoprolongation(DEMO_NUMBER_AUTORENEW),
    )
    assert [request[1] for request in sent(zadarma)].count("/v1/direct_numbers/") == 1


async def test_given_type_needs_no_list(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    assert await client.get_autoprolongation(DEMO_NUMBER_EXPIRING, number_type="common") is False
    assert sent(zadarma) == [
        (
            "GET",
            "/v1/direct_numbers/autoprolongation/",
            {"number": DEMO_NUMBER_EXPIRING, "type": "common"},
        )
    ]


async def test_number_the_list_does_not_show(
    client: ZadarmaClient, zadarma: ZadarmaSimulator, simulator: SimulatorServer
) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.set_caller_name("48000000000", "Nobody")
    assert err.value.token == "not_found"
    assert [request[1] for request in sent(zadarma)] == ["/v1/direct_numbers/"]
    # A number ordered since then is found by listing again.
    ordered = await client.order_number(2001)
    assert await client.set_caller_name(ordered.number, "New") == "New"
    assert sent(zadarma)[-1][2]["type"] == "common"


async def test_simulator_refuses_number_methods_without_type(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    for path in ("/v1/direct_numbers/number/", "/v1/direct_numbers/autoprolongation/"):
        response = await signed_get(
            session, simulator, path, build_query({"number": DEMO_NUMBER_EXPIRING})
        )
        assert response.status == 400
    for path, fields in (
        ("/v1/direct_numbers/set_caller_name/", {"caller_name": "X"}),
        ("/v1/direct_numbers/set_sip_id/", {"sip_id": "100001"}),
        ("/v1/direct_numbers/autoprolongation/", {"value": "on"}),
    ):
        query = build_query({"number": DEMO_NUMBER_EXPIRING, **fields})
        headers = {
            "Authorization": authorization_header(DEMO_API_KEY, DEMO_API_SECRET, path, query),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        async with session.put(f"{simulator.url}{path}", data=query, headers=headers) as response:
            assert response.status == 400
            body = await response.json()
        assert body["status"] == "error"
        assert "type" in body["message"]


async def test_direct_number_errors(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.get_direct_number("111")
    assert err.value.token == "not_found"
    with pytest.raises(TelcoApiError) as err:
        await client.get_direct_number(DEMO_NUMBER_EXPIRING, number_type="bogus")
    assert err.value.token == "bad_request"
    assert err.value.detail == "Wrong type"


async def test_autoprolongation(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    assert await client.get_autoprolongation(DEMO_NUMBER_EXPIRING) is False
    assert await client.set_autoprolongation(DEMO_NUMBER_EXPIRING, True) is True
    assert zadarma.demo.numbers[DEMO_NUMBER_EXPIRING].autorenew is True
    assert await client.get_autoprolongation(DEMO_NUMBER_EXPIRING) is True
    assert await client.set_autoprolongation(DEMO_NUMBER_EXPIRING, False) is False
    assert (await client.get_direct_number(DEMO_NUMBER_EXPIRING)).autorenew is False


async def test_autoprolongation_refused_for_an_unpaid_number(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    zadarma.demo.numbers[DEMO_NUMBER_EXPIRING].status = "reserved_on"
    with pytest.raises(TelcoApiError) as err:
        await client.set_autoprolongation(DEMO_NUMBER_EXPIRING, True)
    assert err.value.token == "not_allowed"


async def test_caller_name(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    assert await client.set_caller_name(DEMO_NUMBER_EXPIRING, "London1") == "London1"
    assert (await client.get_direct_number(DEMO_NUMBER_EXPIRING)).caller_name == "London1"
    assert await client.set_caller_name(DEMO_NUMBER_EXPIRING, "") is None
    assert zadarma.demo.numbers[DEMO_NUMBER_EXPIRING].number_name is None
    assert zadarma.received[-1][2] == {
        "number": DEMO_NUMBER_EXPIRING,
        "caller_name": "",
        "type": "common",
    }


@pytest.mark.parametrize(
    ("caller_name", "reason"),
    [
        ("My Office", "invalid_caller_name"),
        ("Zażółć", "invalid_caller_name"),
        ("a~b", "invalid_caller_name"),
        ("A" * 31, "caller_name_too_long"),
    ],
)
async def test_caller_name_validated_before_sending(
    client: ZadarmaClient, simulator: SimulatorServer, caller_name: str, reason: str
) -> None:
    with pytest.raises(TelcoValidationError) as err:
        await client.set_caller_name(DEMO_NUMBER_EXPIRING, caller_name)
    assert err.value.reason == reason
    assert zadarma_total(simulator) == 0


async def test_unknown_call_notifications_are_refused_before_sending(
    client: ZadarmaClient, simulator: SimulatorServer, zadarma: ZadarmaSimulator
) -> None:
    """A misspelt notification would be ignored by Zadarma: it is refused here instead."""
    with pytest.raises(TelcoValidationError) as err:
        await client.set_call_notifications(notify_start=True, notify_ringing=True)
    assert err.value.reason == "invalid_notification"
    assert "notify_ringing" in str(err.value)
    assert zadarma_total(simulator) == 0
    assert not any(zadarma.demo.notifications.values())


async def test_caller_name_of_30_characters(client: ZadarmaClient) -> None:
    assert await client.set_caller_name(DEMO_NUMBER_EXPIRING, "A" * 30) == "A" * 30


async def test_set_sip_id(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    assert await client.set_sip_id(DEMO_NUMBER_EXPIRING, "100001", test_mode=True) == "100001"
    number = await client.get_direct_number(DEMO_NUMBER_EXPIRING)
    assert (number.sip, number.sip_name, number.is_on_test) == ("100001", "Office", True)
    uri = "48600100200@sip.example.com:5060;transport=tcp"
    assert await client.set_sip_id(DEMO_NUMBER_EXPIRING, uri) == uri
    assert "test_mode" not in zadarma.received[-1][2]
    number = await client.get_direct_number(DEMO_NUMBER_EXPIRING)
    assert (number.sip, number.sip_name, number.is_on_test) == (uri, None, True)
    await client.set_sip_id(DEMO_NUMBER_EXPIRING, "100002", test_mode=False)
    assert zadarma.demo.numbers[DEMO_NUMBER_EXPIRING].is_on_test is False


async def test_set_unknown_sip_id(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.set_sip_id(DEMO_NUMBER_EXPIRING, "999999")
    assert err.value.token == "not_found"


async def test_prolong(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    before = zadarma.demo.numbers[DEMO_NUMBER_EXPIRING].stop_date
    result = await client.prolong_number("+" + DEMO_NUMBER_EXPIRING, 2)
    assert result.number == DEMO_NUMBER_EXPIRING
    assert result.amount == pytest.approx(9.0)
    assert result.currency == "USD"
    assert result.stop_date == add_months(before, 2)
    assert zadarma.demo.balance == pytest.approx(16.40)
    number = await client.get_direct_number(DEMO_NUMBER_EXPIRING)
    assert number.stop_date == result.stop_date


async def test_prolong_without_money(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    before = zadarma.demo.numbers[DEMO_NUMBER_AUTORENEW].stop_date
    with pytest.raises(TelcoApiError) as err:
        await client.prolong_number(DEMO_NUMBER_AUTORENEW, 12)
    assert err.value.token == "insufficient_balance"
    assert zadarma.demo.numbers[DEMO_NUMBER_AUTORENEW].stop_date == before
    assert zadarma.demo.balance == pytest.approx(25.40)


@pytest.mark.parametrize("months", [0, -1, True])
async def test_prolong_months_validated(
    client: ZadarmaClient, simulator: SimulatorServer, months: int
) -> None:
    with pytest.raises(TelcoValidationError) as err:
        await client.prolong_number(DEMO_NUMBER_EXPIRING, months)
    assert err.value.reason == "invalid_months"
    assert zadarma_total(simulator) == 0


# --- Ordering -------------------------------------------------------------------------------


async def test_countries(client: ZadarmaClient) -> None:
    countries = await client.get_countries()
    assert [(c.iso_code, c.dialing_code, c.name) for c in countries] == [
        ("PL", "48", "Poland"),
        ("GB", "44", "United Kingdom"),
    ]
    polish = await client.get_countries(language="pl")
    assert [c.name for c in polish] == ["Polska", "Wielka Brytania"]
    with pytest.raises(TelcoApiError) as err:
        await client.get_countries(language="xx")
    assert err.value.token == "bad_request"


async def test_country_directions(client: ZadarmaClient) -> None:
    directions = await client.get_country("gb")
    assert [d.id for d in directions] == [2001, 2002]
    mobile = directions[1]
    assert mobile.required_documents == {
        "passport": "Passport or ID copy (both sides)",
        "receipt": "Utility bill not older than 3 months",
    }
    assert mobile.required_information == ("address", "id_number")
    assert (mobile.receive_sms, mobile.is_toll, mobile.feature) == (True, False, "SMS reception")
    assert (mobile.connect_fee, mobile.monthly_fee, mobile.connect_time_days) == (5.0, 10.0, 3)
    assert directions[0].required_documents == {}
    only = await client.get_country("PL", language="en", direction_id=3062)
    assert [(d.id, d.name, d.area_code) for d in only] == [(3062, "Krakow", "12")]


async def test_unknown_country(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.get_country("XX")
    assert err.value.token == "not_found"


async def test_spec_typing_parses_the_same(
    client: ZadarmaClient, simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    live_directions = await client.get_country("GB")
    live_numbers = await client.get_direct_numbers()
    async with session.post(
        f"{simulator.url}/_control/zadarma/settings", json={"spec_typing": True}
    ) as response:
        assert response.status == 200
        assert (await response.json())["spec_typing"] is True
    spec_directions = await client.get_country("GB")
    assert [d.id for d in spec_directions] == [d.id for d in live_directions]
    assert set(spec_directions[1].required_documents) == {"passport", "receipt"}
    assert all(text == "" for text in spec_directions[1].required_documents.values())
    spec_numbers = await client.get_direct_numbers()
    assert [n.channels for n in spec_numbers] == [n.channels for n in live_numbers]
    assert all(n.receive_sms is None for n in spec_numbers)


async def test_available_numbers(client: ZadarmaClient) -> None:
    numbers = await client.get_available_numbers(3061)
    assert [n.number for n in numbers] == ["48221110001", "48221110002", "48221110003"]
    assert all(n.direction_id == 3061 and n.id for n in numbers)
    masked = await client.get_available_numbers(3061, mask="0002")
    assert [n.number for n in masked] == ["48221110002"]
    by_code = await client.get_available_numbers("pl22")
    assert [n.number for n in by_code] == [n.number for n in numbers]
    with pytest.raises(TelcoApiError) as err:
        await client.get_available_numbers(9999)
    assert err.value.token == "not_found"


async def test_order_without_documents(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    wanted = (await client.get_available_numbers(2001))[1]
    result = await client.order_number(
        2001, number_id=wanted.id, purpose="Support line", period="month", autorenew_period="year"
    )
    assert (result.number, result.is_reserved, result.is_activated) == (wanted.number, False, True)
    assert wanted.number not in [n.number for n in await client.get_available_numbers(2001)]
    number = await client.get_direct_number(wanted.number)
    assert (number.status, number.autorenew_period, number.direction_id) == ("on", "year", 2001)
    assert zadarma.demo.balance == pytest.approx(25.40 - 4.5)


async def test_order_reserved_when_money_is_short(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    zadarma.demo.balance = 1.0
    result = await client.order_number(2001, period="3month")
    assert (result.is_reserved, result.is_activated) == (True, False)
    number = await client.get_direct_number(result.number)
    assert number.status == "reserved_on"
    assert zadarma.demo.balance == pytest.approx(1.0)


async def test_order_needing_documents(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.order_number(3061)
    assert err.value.token == "missing_parameter"
    group = await client.create_document_group(**NEW_GROUP)
    result = await client.order_number(3061, documents_group_id=group.id, receive_sms=True)
    assert (result.is_reserved, result.is_activated) == (False, False)
    assert zadarma.received[-1][2]["receive_sms"] == "1"
    assert (await client.get_direct_number(result.number)).status == "checking_upload"
    # The main group holds a verified passport and a Polish address.
    result = await client.order_number(3062, documents_group_id=0)
    assert result.is_activated is True


async def test_order_errors(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.order_number(2001, documents_group_id=42)
    assert err.value.token == "not_found"
    with pytest.raises(TelcoApiError) as err:
        await client.order_number(2001, number_id="nope")
    assert err.value.token == "not_found"
    with pytest.raises(TelcoApiError) as err:
        await client.order_number(2001, period="week")
    assert err.value.token == "bad_request"


# --- Documents ------------------------------------------------------------------------------

NEW_GROUP: dict[str, str | int | None] = {
    "email": "anna@example.com",
    "salutation": "MS",
    "first_name": "Anna",
    "last_name": "Nowak",
    "country": "GB",
    "city": "London",
    "address": "1 High Street, London",
    "zip_code": "E1 6AN",
    "street": "High Street",
    "building_number": "1",
    "phone": "447700900123",
    "middle_name": None,
}


async def test_document_groups(client: ZadarmaClient) -> None:
    groups = await client.get_document_groups()
    assert [(g.id, g.is_readonly) for g in groups] == [(0, True)]
    main = await client.get_document_group(0)
    assert (main.first_name, main.last_name, main.country) == ("Jan", "Kowalski", "PL")
    assert main.region is None
    assert main.middle_name is None
    created = await client.create_document_group(**NEW_GROUP)
    assert (created.id, created.first_name, created.is_readonly) == (1, "Anna", False)
    # The spec requires the whole group in an update, as in a create.
    updated = await client.update_document_group(
        created.id, **{**NEW_GROUP, "city": "Leeds", "id_number": "X123"}
    )
    assert (updated.city, updated.id_number, updated.email) == ("Leeds", "X123", "anna@example.com")
    assert (await client.get_document_group(created.id)).city == "Leeds"
    assert [g.id for g in await client.get_document_groups()] == [0, 1]


async def test_document_group_errors(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.create_document_group(email="a@example.com")
    assert err.value.token == "missing_parameter"
    with pytest.raises(TelcoApiError) as err:
        await client.create_document_group(**{**NEW_GROUP, "salutation": "DR"})
    assert err.value.token == "bad_request"
    with pytest.raises(TelcoApiError) as err:
        await client.update_document_group(0, **NEW_GROUP)
    assert err.value.token == "read_only"
    created = await client.create_document_group(**NEW_GROUP)
    with pytest.raises(TelcoApiError) as err:
        await client.update_document_group(created.id, city="Leeds")
    assert err.value.token == "missing_parameter"
    with pytest.raises(TelcoApiError) as err:
        await client.get_document_group(7)
    assert err.value.token == "not_found"


async def test_upload_and_validate(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    group = await client.create_document_group(**NEW_GROUP)
    before = await client.validate_document_group(group.id, 2002)
    assert (before.is_documents_uploaded, before.is_information_match) == (False, False)
    assert before.is_address_match is True
    assert before.is_valid is False
    for kind in ("passport", "receipt"):
        upload = await client.upload_document(
            group.id,
            kind,
            filename=f"{kind}.pdf",
            content=b"%PDF-1.4",
            content_type="application/pdf",
        )
        assert upload.doc_name == f"{kind}.pdf"
        assert "successfully uploaded" in upload.message
    # The file field is not signed; the other fields are.
    assert zadarma.received[-1][2] == {"group_id": "1", "document_type": "receipt"}
    files = await client.get_document_files(group.id)
    assert [(f.type, f.name, f.is_verified, f.source) for f in files] == [
        ("passport", "passport.pdf", False, "upload"),
        ("receipt", "receipt.pdf", False, "upload"),
    ]
    await client.update_document_group(group.id, **NEW_GROUP, id_number="X123")
    after = await client.validate_document_group(group.id, 2002)
    assert (after.is_documents_uploaded, after.is_information_match) == (True, True)
    assert after.is_documents_verified is False
    for document in zadarma.demo.groups[group.id].files:
        document.verified = True
    assert (await client.validate_document_group(group.id, 2002)).is_valid is True
    # A British address does not satisfy a Warsaw number.
    assert (await client.validate_document_group(group.id, 3061)).is_address_match is False


async def test_main_group_files(client: ZadarmaClient) -> None:
    files = await client.get_document_files()
    assert [(f.type, f.is_verified) for f in files] == [("passport", True)]
    assert (await client.validate_document_group(0, 3061)).is_valid is True


async def test_upload_errors(client: ZadarmaClient) -> None:
    with pytest.raises(TelcoApiError) as err:
        await client.upload_document(
            0, "selfie", filename="a.jpg", content=b"x", content_type="image/jpeg"
        )
    assert err.value.token == "bad_request"
    with pytest.raises(TelcoApiError) as err:
        await client.upload_document(
            5, "passport", filename="a.jpg", content=b"x", content_type="image/jpeg"
        )
    assert err.value.token == "not_found"


# --- Authentication and routing -------------------------------------------------------------


async def test_wrong_secret(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    secret = "0123456789abcdef0123"
    client = ZadarmaClient(session, DEMO_API_KEY, secret, base_url=simulator.zadarma_url)
    with pytest.raises(TelcoAuthenticationError) as err:
        await client.get_balance()
    assert "Not authorized" in str(err.value)
    assert secret not in str(err.value)
    assert DEMO_API_KEY not in str(err.value)


async def test_unknown_key(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    client = ZadarmaClient(session, "nobody", DEMO_API_SECRET, base_url=simulator.zadarma_url)
    with pytest.raises(TelcoAuthenticationError):
        await client.get_balance()


async def test_reject_auth_fault(client: ZadarmaClient, simulator: SimulatorServer) -> None:
    simulator.control.faults["zadarma"].reject_auth = True
    with pytest.raises(TelcoAuthenticationError):
        await client.get_balance()


async def signed_get(
    session: aiohttp.ClientSession, simulator: SimulatorServer, path: str, query: str
) -> aiohttp.ClientResponse:
    headers = {"Authorization": authorization_header(DEMO_API_KEY, DEMO_API_SECRET, path, query)}
    async with session.get(f"{simulator.url}{path}?{query}", headers=headers) as response:
        await response.read()
        return response


async def test_tampered_parameter_is_refused(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    path = "/v1/direct_numbers/number/"
    query = build_query({"number": DEMO_NUMBER_EXPIRING, "type": "common"})
    headers = {"Authorization": authorization_header(DEMO_API_KEY, DEMO_API_SECRET, path, query)}
    url = f"{simulator.url}{path}?number={DEMO_NUMBER_AUTORENEW}&type=common"
    async with session.get(url, headers=headers) as response:
        assert response.status == 401
        assert await response.json() == {"status": "error", "message": "Not authorized"}
    async with session.get(f"{simulator.url}{path}?{query}", headers=headers) as response:
        assert response.status == 200
        assert (await response.json())["info"]["number"] == DEMO_NUMBER_EXPIRING
        assert response.headers["X-RateLimit-Limit"] == "100"
        assert response.headers["X-RateLimit-Remaining"] == "99"
        assert 1 <= int(response.headers["X-RateLimit-Reset"]) <= 60


async def test_tilde_and_star_are_signed_php_style(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    path = "/v1/direct_numbers/country/"
    headers = {
        "Authorization": authorization_header(
            DEMO_API_KEY, DEMO_API_SECRET, path, "country=PL&language=%7E%2A"
        )
    }
    # Sent the Python way (~ left as is), the value decodes the same; the server re-encodes
    # it PHP style, so authentication passes and the (invalid) language is what fails.
    async with session.get(
        f"{simulator.url}{path}?country=PL&language=~%2A", headers=headers
    ) as response:
        assert response.status == 400
        assert await response.json() == {"status": "error", "message": "Wrong language"}


async def test_missing_authorization(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    async with session.get(f"{simulator.url}/v1/info/balance/") as response:
        assert response.status == 401


async def test_unknown_method(
    client: ZadarmaClient, simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    response = await signed_get(session, simulator, "/v1/info/did/", "")
    assert response.status == 404
    with pytest.raises(TelcoApiError) as err:
        await client._call(dict, "GET", "info/did")
    assert err.value.token == "unknown_method"
    assert err.value.detail == "Wrong method name"
    # A wrong verb on a known method, and a path without the trailing slash.
    async with session.put(f"{simulator.url}/v1/request/callback/") as response:
        assert response.status == 404
    async with session.get(f"{simulator.url}/v1/info/balance") as response:
        assert response.status == 404
        assert (await response.json())["message"] == "Wrong method name"


# --- Transport failures ---------------------------------------------------------------------


async def test_outage(client: ZadarmaClient, simulator: SimulatorServer) -> None:
    simulator.control.faults["zadarma"].outage = True
    with pytest.raises(TelcoConnectionError, match="HTTP 503"):
        await client.get_balance()


async def test_timeout(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    simulator.control.faults["zadarma"].latency_ms = 500
    client = ZadarmaClient(
        session, DEMO_API_KEY, DEMO_API_SECRET, base_url=simulator.zadarma_url, request_timeout=0.05
    )
    with pytest.raises(TelcoConnectionError, match="Timeout"):
        await client.get_balance()


async def test_unreachable(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    async with SimulatorServer() as server:
        url = server.zadarma_url
    client = ZadarmaClient(session, DEMO_API_KEY, DEMO_API_SECRET, base_url=url)
    with pytest.raises(TelcoConnectionError, match="ClientConnectorError"):
        await client.get_balance()


async def test_secrets_never_logged(
    client: ZadarmaClient, simulator: SimulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await client.get_balance()
    simulator.control.faults["zadarma"].reject_auth = True
    with pytest.raises(TelcoAuthenticationError):
        await client.get_balance()
    assert "info/balance" in caplog.text
    assert DEMO_API_KEY not in caplog.text
    assert DEMO_API_SECRET not in caplog.text


# --- Rate limits ----------------------------------------------------------------------------


async def test_backs_off_after_429(
    client: ZadarmaClient,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    session: aiohttp.ClientSession,
    clock: FakeClock,
) -> None:
    zadarma.clock = clock
    async with session.post(
        f"{simulator.url}/_control/zadarma/settings",
        json={"rate_limit_per_minute": 5, "rate_limit_window_seconds": 2},
    ) as response:
        assert response.status == 200
    for _ in range(5):
        await client.get_balance()
    with pytest.raises(TelcoRateLimitedError) as err:
        await client.get_balance()
    assert err.value.retry_after == 2
    assert err.value.detail == "You exceeded the rate limit"
    assert zadarma.demo.rate_limited == 1
    assert zadarma_total(simulator) == 6
    # While the delay runs the client does not send at all.
    clock.now += 1
    with pytest.raises(TelcoRateLimitedError) as err:
        await client.get_balance()
    assert err.value.retry_after == pytest.approx(1)
    assert zadarma_total(simulator) == 6
    assert clock.sleeps == []
    # Once it has passed, requests flow again.
    clock.now += 1
    assert (await client.get_balance()).currency == "USD"
    assert zadarma_total(simulator) == 7
    assert zadarma.demo.rate_limited == 1


async def test_limits_are_per_key(
    client: ZadarmaClient,
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    session: aiohttp.ClientSession,
) -> None:
    zadarma.settings.rate_limit_per_minute = 1
    other = zadarma.add_account("otherkey000000000000", "othersecret000000000", balance=3.0)
    await client.get_balance()
    other_client = ZadarmaClient(
        session, other.api_key, other.api_secret, base_url=simulator.zadarma_url
    )
    assert (await other_client.get_balance()).balance == 3.0
    with pytest.raises(TelcoRateLimitedError):
        await client.get_balance()


async def test_client_limiter_waits_instead_of_sending(
    simulator: SimulatorServer,
    zadarma: ZadarmaSimulator,
    session: aiohttp.ClientSession,
    clock: FakeClock,
) -> None:
    zadarma.clock = clock
    zadarma.settings.rate_limit_per_minute = 3
    client = ZadarmaClient(
        session,
        DEMO_API_KEY,
        DEMO_API_SECRET,
        base_url=simulator.zadarma_url,
        requests_per_minute=3,
        clock=clock,
        sleep=clock.sleep,
    )
    for _ in range(3):
        await client.get_balance()
        clock.now += 10
    await client.get_balance()
    # The first request left the window 60 s after it was sent: 30 s later.
    assert clock.sleeps == [pytest.approx(30)]
    assert zadarma_total(simulator) == 4
    assert zadarma.demo.rate_limited == 0


def test_limiter_needs_a_positive_limit(session: aiohttp.ClientSession) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ZadarmaClient(session, DEMO_API_KEY, DEMO_API_SECRET, requests_per_minute=0)


async def test_settings_endpoint(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    async with session.get(f"{simulator.url}/_control/zadarma/settings") as response:
        assert await response.json() == {
            "rate_limit_per_minute": 100,
            "rate_limit_window_seconds": 60.0,
            "spec_typing": False,
            "statistics_rate_limit_per_minute": 3,
            "lost_answers": [],
        }
    async with session.post(
        f"{simulator.url}/_control/zadarma/settings", json={"bogus": 1}
    ) as response:
        assert response.status == 400


# --- The account's time zone ------------------------------------------------------------------


async def test_number_dates_are_read_in_the_account_time_zone(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    zadarma.demo.utc_offset_minutes = 180
    stored = zadarma.demo.numbers[DEMO_NUMBER_EXPIRING].stop_date
    # Before the zone is known, the dates are read as UTC: three hours late.
    (early,) = [n for n in await client.get_direct_numbers() if n.number == DEMO_NUMBER_EXPIRING]
    assert early.stop_date == stored + timedelta(hours=3)
    zone = await client.get_timezone()
    assert (zone.name, zone.utc_offset) == ("UTC+3", timedelta(hours=3))
    (number,) = [n for n in await client.get_direct_numbers() if n.number == DEMO_NUMBER_EXPIRING]
    assert number.stop_date == stored
    assert number.stop_date is not None
    assert number.stop_date.tzinfo is UTC
    single = await client.get_direct_number(DEMO_NUMBER_EXPIRING)
    assert single.stop_date == stored
    prolonged = await client.prolong_number(DEMO_NUMBER_EXPIRING, 1)
    assert prolonged.stop_date == add_months(stored, 1)


@pytest.mark.parametrize(
    ("offset", "name"), [(0, "UTC+0"), (-210, "UTC-3:30"), (330, "UTC+5:30"), (-300, "UTC-5")]
)
async def test_time_zone_names(
    client: ZadarmaClient, zadarma: ZadarmaSimulator, offset: int, name: str
) -> None:
    zadarma.demo.utc_offset_minutes = offset
    zone = await client.get_timezone()
    assert zone.name == name
    assert zone.utc_offset == timedelta(minutes=offset)


def test_time_zone_without_a_readable_name_comes_from_the_clock() -> None:
    zone = AccountTimezone.from_dict(
        # 2017-01-01 00:00:00 UTC shown as 02:00 on the account's clock, a second late.
        {"unixtime": 1483228801, "datetime": "2017-01-01 02:00:00", "timezone": "Europe/Kyiv"}
    )
    assert zone.utc_offset == timedelta(hours=2)
    assert zone.tzinfo.utcoffset(None) == timedelta(hours=2)
    assert AccountTimezone.from_dict({"timezone": "UTC+0"}).tzinfo is UTC
