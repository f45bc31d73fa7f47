"""Odorik client: SIM cards, their settings, data restart, mobile data, assignment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
import pytest

from custom_components.telco.api import TelcoApiError, TelcoValidationError
from custom_components.telco.api.odorik_models import (
    PremiumServices,
    SimCardUpdate,
    SimOption,
    SimState,
)
from tests.simulator import SimulatorServer

from .odorik_helpers import (
    Handler,
    RawServer,
    canned,
    control,
    days_ago,
    line_client,
    make_client,
    requests_to,
    state,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

DATA_SIM = "00420799799081"
QUIET_SIM = "00420799799082"
SPARE_NUMBER = "00420799799083"
PRAGUE = ZoneInfo("Europe/Prague")


async def test_sim_cards(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    data_sim, quiet_sim = await make_client(simulator, session).get_sim_cards()
    assert (data_sim.phone_number, data_sim.line, data_sim.id) == (DATA_SIM, 403366, 1013)
    assert data_sim.state is SimState.ACTIVE
    assert data_sim.changes_in_progress == ()
    assert not data_sim.has_changes_in_progress
    assert (data_sim.mobile_data, data_sim.lte, data_sim.roaming) == (
        True,
        True,
        "eu_data_outgoing",
    )
    assert data_sim.premium_services is PremiumServices.OFF
    assert data_sim.data_bought_total == 1000 * 1024**2
    assert data_sim.data_used is not None
    assert 0 < data_sim.data_used < data_sim.data_bought_total
    assert data_sim.data_package_valid_from is not None
    assert data_sim.data_package_valid_from.astimezone(PRAGUE).day == 1
    assert data_sim.data_package_valid_from.tzinfo is UTC
    assert data_sim.available_data_packages is None
    assert (quiet_sim.phone_number, quiet_sim.line, quiet_sim.mobile_data) == (
        QUIET_SIM,
        403367,
        False,
    )
    assert quiet_sim.roaming == "off"
    assert quiet_sim.data_used is None
    assert quiet_sim.data_bought_total is None


async def test_sim_cards_of_a_line(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = line_client(simulator, session, 403367)
    assert [sim.phone_number for sim in await client.get_sim_cards()] == [QUIET_SIM]
    with pytest.raises(TelcoApiError):
        await client.get_sim_card(DATA_SIM)


async def test_sim_card_with_available_options(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    sim = await make_client(simulator, session).get_sim_card(
        DATA_SIM,
        include_available_data_packages=True,
        include_available_credit_addons=True,
        include_available_packages_delayed_billing=True,
        include_available_roaming_settings=True,
    )
    assert sim.phone_number == DATA_SIM  # filled in from the path
    assert sim.line is None
    assert sim.available_data_packages is not None
    assert sim.available_data_packages[0] == SimOption("perKB_50MB", 0.0)
    assert sim.available_data_packages[-1] == SimOption("10GB", 690.0)
    assert len(sim.available_data_packages) == 13
    assert sim.available_credit_addons
    assert sim.available_packages_delayed_billing
    assert sim.available_roaming_settings is not None
    assert [option.name for option in sim.available_roaming_settings] == [
        "off",
        "eu_data_outgoing",
        "eu_outgoing",
        "world_outgoing",
    ]


async def test_unknown_sim(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    with pytest.raises(TelcoApiError):
        await make_client(simulator, session).get_sim_card("00420700000000")


async def test_update_persists_and_sends_booleans_as_text(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    current = await client.get_sim_card(DATA_SIM)
    update = SimCardUpdate(
        mobile_data=False,
        lte_for_next_month=False,
        roaming="world_outgoing",
        premium_services=PremiumServices.SMS_PAYMENTS_AND_DMS,
        data_package_for_next_month="300MB",
    )
    answered = await client.update_sim_card(DATA_SIM, update, current=current)
    sent = state(simulator).last_params
    assert (sent["mobile_data"], sent["lte_for_next_month"]) == ("false", "false")
    assert sent["premium_services"] == "sms_payments_and_dms"
    assert answered.mobile_data is False
    again = await client.get_sim_card(DATA_SIM)
    assert (again.mobile_data, again.lte_for_next_month, again.roaming) == (
        False,
        False,
        "world_outgoing",
    )
    assert again.premium_services is PremiumServices.SMS_PAYMENTS_AND_DMS
    assert again.data_package_for_next_month == "300MB"
    assert requests_to(simulator, "GET /sim_cards/{phone}.json") == 2  # no extra read


async def test_update_reads_the_sim_when_not_given(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    updated = await client.update_sim_card(QUIET_SIM, SimCardUpdate(mobile_data=True))
    assert updated.mobile_data is True
    assert requests_to(simulator, "GET /sim_cards/{phone}.json") == 1
    assert requests_to(simulator, "PUT /sim_cards/{phone}.json") == 1


async def test_state_change_goes_alone(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    with pytest.raises(TelcoValidationError) as err:
        await client.update_sim_card(
            DATA_SIM, SimCardUpdate(state=SimState.SUSPENDED, mobile_data=False)
        )
    assert err.value.reason == "state_change_alone"
    with pytest.raises(TelcoValidationError) as err:
        await client.update_sim_card(DATA_SIM, SimCardUpdate(state=SimState.NEW))
    assert err.value.reason == "invalid_state"
    assert simulator.control.counts.total() == 0
    suspended = await client.update_sim_card(DATA_SIM, SimCardUpdate(state=SimState.SUSPENDED))
    assert suspended.state is SimState.SUSPENDED
    assert (await client.get_sim_card(DATA_SIM)).state is SimState.SUSPENDED


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        (SimCardUpdate(), "empty_update"),
        (SimCardUpdate(premium_services="everything"), "invalid_premium_services"),
    ],
)
async def test_update_validation(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    update: SimCardUpdate,
    reason: str,
) -> None:
    with pytest.raises(TelcoValidationError) as err:
        await make_client(simulator, session).update_sim_card(DATA_SIM, update)
    assert err.value.reason == reason
    assert simulator.control.counts.total() == 0


@pytest.mark.parametrize(
    "update",
    [
        SimCardUpdate(roaming="moon"),
        SimCardUpdate(data_package="5TB"),
        SimCardUpdate(voice_package="forever"),
    ],
)
async def test_update_refused_by_the_operator(
    simulator: SimulatorServer, session: aiohttp.ClientSession, update: SimCardUpdate
) -> None:
    """A value outside the offered options is refused; the token is not documented."""
    client = make_client(simulator, session)
    current = await client.get_sim_card(DATA_SIM)
    with pytest.raises(TelcoApiError):
        await client.update_sim_card(DATA_SIM, update, current=current)
    assert await client.get_sim_card(DATA_SIM) == current


async def test_add_credit(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    client = make_client(simulator, session)
    before = await client.get_sim_card(DATA_SIM)
    after = await client.update_sim_card(DATA_SIM, SimCardUpdate(add_credit="500MB"))
    assert before.data_bought_total is not None
    assert after.data_bought_total == before.data_bought_total + 500 * 1024**2
    assert await client.get_balance() == 455.03
    await control(simulator, session, "settings", {"balance": 10})
    with pytest.raises(TelcoApiError):
        await client.update_sim_card(DATA_SIM, SimCardUpdate(add_credit="1GB"))
    assert (await client.get_sim_card(DATA_SIM)).data_bought_total == after.data_bought_total


async def test_changes_in_progress_flow(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    odorik = state(simulator)
    now = datetime.now(UTC)
    odorik.clock = lambda: now
    await control(simulator, session, "settings", {"sim_change_seconds": 20})
    pending = await client.update_sim_card(DATA_SIM, SimCardUpdate(lte=False))
    assert pending.has_changes_in_progress
    assert pending.lte is True  # not applied yet
    listed = await client.get_sim_cards()
    assert listed[0].has_changes_in_progress

    # Judged from a fresh read: refused before sending.
    simulator.control.counts.clear()
    with pytest.raises(TelcoValidationError) as err:
        await client.update_sim_card(DATA_SIM, SimCardUpdate(mobile_data=False))
    assert err.value.reason == "change_in_progress"
    assert requests_to(simulator, "PUT /sim_cards/{phone}.json") == 0

    # A stale snapshot lets it through; the operator refuses it.
    stale = listed[1].__class__(**{**_fields(listed[0]), "changes_in_progress": ()})
    with pytest.raises(TelcoApiError):
        await client.update_sim_card(DATA_SIM, SimCardUpdate(mobile_data=False), current=stale)
    with pytest.raises(TelcoApiError) as err:
        await client.data_restart(DATA_SIM)
    assert err.value.tokens == ("change_in_progress",)

    # Next-month requests are still accepted, without an extra read.
    simulator.control.counts.clear()
    requested = await client.update_sim_card(
        DATA_SIM,
        SimCardUpdate(
            requested_data_plan_for_next_month="600MB",
            requested_tariff_plan_for_next_month="basic",
        ),
    )
    assert requested.has_changes_in_progress
    assert requests_to(simulator, "GET /sim_cards/{phone}.json") == 0
    assert odorik.sims[DATA_SIM].requested["requested_tariff_plan_for_next_month"] == "basic"

    odorik.clock = lambda: now + timedelta(seconds=21)
    done = await client.get_sim_card(DATA_SIM)
    assert done.changes_in_progress == ()
    assert done.lte is False


def _fields(item: object) -> dict[str, object]:
    return {name: getattr(item, name) for name in item.__slots__}  # type: ignore[attr-defined]


async def test_data_restart(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    client = make_client(simulator, session)
    await client.data_restart(DATA_SIM)
    assert state(simulator).sims[DATA_SIM].data_restarts == 1
    assert await client.get_balance() == 554.03  # debits nothing
    with pytest.raises(TelcoApiError) as err:
        await client.data_restart(QUIET_SIM)
    assert err.value.tokens == ("mobile_data_disabled",)
    await control(simulator, session, "settings", {"balance": -5})
    with pytest.raises(TelcoApiError) as err:
        await client.data_restart(DATA_SIM)
    assert err.value.tokens == ("low_balance",)


async def test_data_restart_turns_a_data_package_into_billing_per_kb(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    """003: with a data package the card switches to per-kB billing; per kB, the
    fair-use limit is reset by switching away and back, so the package stays."""
    client = make_client(simulator, session)
    assert (await client.get_sim_card(DATA_SIM)).data_package == "1000MB"
    await client.data_restart(DATA_SIM)
    restarted = await client.get_sim_card(DATA_SIM)
    assert restarted.data_package is not None
    assert restarted.data_package.startswith("perKB_")
    assert restarted.data_package_for_next_month == "1000MB"

    state(simulator).sims[QUIET_SIM].settings["mobile_data"] = True
    await client.data_restart(QUIET_SIM)
    assert (await client.get_sim_card(QUIET_SIM)).data_package == "perKB_50MB"
    assert state(simulator).sims[QUIET_SIM].data_restarts == 1


async def test_data_restart_takes_time(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await control(simulator, session, "settings", {"sim_change_seconds": 60})
    await client.data_restart(DATA_SIM)
    assert (await client.get_sim_card(DATA_SIM)).changes_in_progress == ("data_restart",)


async def test_mobile_data(simulator: SimulatorServer, session: aiohttp.ClientSession) -> None:
    client = make_client(simulator, session)
    window = {"start": days_ago(45), "end": days_ago(0)}
    everything = await client.get_mobile_data(**window)
    one_sim = await client.get_mobile_data(**window, phone_number=DATA_SIM)
    assert one_sim == [record for record in everything if record.phone_number == DATA_SIM]
    assert {record.phone_number for record in everything} == {DATA_SIM, QUIET_SIM}
    assert requests_to(simulator, "GET /sim_cards/mobile_data.json") == 1
    assert requests_to(simulator, "GET /sim_cards/{phone}/mobile_data.json") == 1
    for record in one_sim:
        assert record.date is not None
        local = record.date.astimezone(PRAGUE)
        assert (local.hour, local.minute) == (0, 0)
        assert record.bytes_total == record.bytes_up + record.bytes_down
    quiet = [record for record in everything if record.phone_number == QUIET_SIM]
    assert all(record.price_per_mb == 1.0 and (record.price or 0) > 0 for record in quiet)
    line_view = await line_client(simulator, session, 403366).get_mobile_data(**window)
    assert line_view == one_sim


async def test_mobile_data_added_by_control(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    added = await control(
        simulator, session, "mobile_data", {"phone_number": QUIET_SIM, "bytes_down": 2048}
    )
    records = await client.get_mobile_data(
        start=days_ago(0.01), end=days_ago(-0.01), phone_number=QUIET_SIM
    )
    assert [(record.id, record.bytes_total) for record in records] == [(added["id"], 2048)]


async def test_mobile_data_errors(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    # Odorik documents none of these errors: only that they are refused.
    with pytest.raises(TelcoApiError):
        await client.get_mobile_data(start=days_ago(1), end=days_ago(0), phone_number="INVALID")
    async with session.get(
        f"{simulator.odorik_url}/sim_cards/mobile_data.json",
        params={"user": "1234567", "password": "odorik-demo", "from": "yesterday", "to": "x"},
    ) as response:
        assert set(await response.json()) == {"errors"}
    async with session.get(
        f"{simulator.odorik_url}/sim_cards/mobile_data.json",
        params={"user": "1234567", "password": "odorik-demo"},
    ) as response:
        assert set(await response.json()) == {"errors"}


async def test_assign_number_to_sim(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    client = make_client(simulator, session)
    await client.assign_number_to_sim(
        SPARE_NUMBER, iccid="89420011000389617997", pin="1234", delayed_activation=True
    )
    assert state(simulator).last_params["delayed_activation"] == "true"
    new = await client.get_sim_card(SPARE_NUMBER)
    assert new.state is SimState.NEW
    assert new.sim_number == "89420011000389617997F"
    active = await client.update_sim_card(SPARE_NUMBER, SimCardUpdate(state=SimState.ACTIVE))
    assert active.state is SimState.ACTIVE
    assert [sim.phone_number for sim in await client.get_sim_cards()] == [
        DATA_SIM,
        QUIET_SIM,
        SPARE_NUMBER,
    ]


@pytest.mark.parametrize(
    ("number", "iccid", "pin", "token"),
    [
        ("00420700000000", "89420011000389617997", "1234", "invalid_phone_number"),
        (SPARE_NUMBER, "89420011000389617997", "9999", "invalid_iccid_or_pin"),
        (SPARE_NUMBER, "123", "1234", "invalid_iccid_or_pin"),
        (DATA_SIM, "89420011000389617997", "1234", "sim_already_assigned"),
        (SPARE_NUMBER, "8942001100038961787F", "1111", "sim_already_assigned"),
    ],
)
async def test_assign_number_errors(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    number: str,
    iccid: str,
    pin: str,
    token: str,
) -> None:
    with pytest.raises(TelcoApiError) as err:
        await make_client(simulator, session).assign_number_to_sim(number, iccid=iccid, pin=pin)
    assert err.value.tokens == (token,)


async def test_assign_number_of_another_line(
    simulator: SimulatorServer, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(TelcoApiError):
        await line_client(simulator, session, 403366).assign_number_to_sim(
            SPARE_NUMBER, iccid="89420011000389617997", pin="1234"
        )
    assert SPARE_NUMBER not in state(simulator).sims


async def test_update_answer_without_the_sim(session: aiohttp.ClientSession) -> None:
    """If a PUT answers ``{}``, the client reads the SIM card back."""
    sim = '{"id": 5, "sim_number": "1F", "state": "active", "changes_in_progress": []}'
    routes = {"/sim_cards/{phone}.json": canned(sim)}
    async with RawServer(routes) as raw:
        client = raw.client(session)
        current = await client.get_sim_card(DATA_SIM)
    routes = {"/sim_cards/{phone}.json": _put_empty_get_sim(sim)}
    async with RawServer(routes) as raw:
        client = raw.client(session)
        updated = await client.update_sim_card(DATA_SIM, SimCardUpdate(lte=True), current=current)
    assert updated == current


def _put_empty_get_sim(sim: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        body = "{}" if request.method == "PUT" else sim
        return web.Response(text=body, content_type="application/json")

    return handler
