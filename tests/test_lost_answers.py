"""Changes whose answer is lost, or whose re-read fails: the user is told what happened.

The simulator handles a write, then closes the connection before answering
(``lost_answers``), as a timeout or a dropped link does after the operator made the
change. The coordinator reads the item again: a change it shows counts as made; one
it does not show, or a re-read that fails too, is reported as possibly not applied.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, act, advance, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ACCOUNT_PASSWORD, ODORIK_KEY
from tests.simulator.zadarma import DEMO_API_SECRET, ZADARMA_KEY

SIM = "00420799799081"
MOBILE_DATA = "switch.sim_420_799_799_081_mobile_data"
LTE = "switch.sim_420_799_799_081_lte"
SIM_PUT = "PUT /sim_cards/{phone}.json"
PUT_COUNT = "odorik PUT /api/v1/sim_cards/{phone}.json"
PUBLIC = "00420533533533"
SEEDED_SECOND_ROUTE = 22625402
SEEDED_ACTIVE_CALL = 14990661
ZADARMA_NUMBER = "442037691880"
AUTO_PROLONGATION = "switch.442037691880_auto_prolongation"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


async def _switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def _may_not_have_been_applied(err: HomeAssistantError) -> None:
    """Check the error says the change may not have been applied, without secrets."""
    assert not isinstance(err, ServiceValidationError)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == "change_unconfirmed"
    said = err.translation_placeholders["error"]
    assert ACCOUNT_PASSWORD not in said
    assert DEMO_API_SECRET not in said
    assert "?" not in said


# -- Odorik SIM cards --------------------------------------------------------------


async def test_sim_change_made_but_its_answer_lost_counts_as_made(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.lost_answers = [SIM_PUT]

    await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    assert odorik.sims[SIM].settings["mobile_data"] is False
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF


async def test_sim_change_being_applied_when_its_answer_was_lost_shows_the_value_asked_for(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.sim_change_seconds = 120
    odorik.settings.lost_answers = [SIM_PUT]

    await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    # Odorik is still applying it: the switch shows what was asked for.
    assert odorik.sims[SIM].settings["mobile_data"] is True
    assert odorik_entry.runtime_data.account.data.sim_cards[SIM].changes_in_progress
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF

    # A second change is refused before it is sent: the re-read saw the change in progress.
    puts = simulator.control.counts[PUT_COUNT]
    with pytest.raises(ServiceValidationError) as err:
        await _switch(hass, SERVICE_TURN_OFF, LTE)
    assert err.value.translation_key == "invalid_change_in_progress"
    assert simulator.control.counts[PUT_COUNT] == puts

    # Also through the next poll, until Odorik has applied it.
    await advance(hass, freezer, timedelta(minutes=1))
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=5))
    assert odorik.sims[SIM].settings["mobile_data"] is False
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF
    assert not odorik_entry.runtime_data.account.data.sim_cards[SIM].changes_in_progress


async def test_sim_change_not_made_says_it_may_not_have_been_applied(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """A page in front of Odorik answered: the re-read shows the old setting."""
    await setup_entry(hass, odorik_entry)
    simulator.control.faults["odorik"].html_pages = [SIM_PUT]

    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    _may_not_have_been_applied(err.value)
    assert simulator.app[ODORIK_KEY].sims[SIM].settings["mobile_data"] is True
    assert hass.states.get(MOBILE_DATA).state == "on"


async def test_lost_answer_whose_re_read_fails_says_so_and_the_next_change_reads_first(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.sim_change_seconds = 120
    odorik.settings.lost_answers = [SIM_PUT]
    simulator.control.faults["odorik"].failing = ["GET /sim_cards.json"]

    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)
    _may_not_have_been_applied(err.value)

    # Trying again: the card is read afresh and found applying the first change,
    # so no second change is sent.
    puts = simulator.control.counts[PUT_COUNT]
    with pytest.raises(ServiceValidationError) as refused:
        await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)
    assert refused.value.translation_key == "invalid_change_in_progress"
    assert simulator.control.counts[PUT_COUNT] == puts
    assert simulator.control.counts["odorik GET /api/v1/sim_cards/{phone}.json"] == 1


async def test_lost_answer_whose_re_read_is_refused_starts_reauthentication(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].settings.lost_answers = [SIM_PUT]
    simulator.inject("odorik", "revoke", endpoint="GET /sim_cards.json", count=1)

    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    _may_not_have_been_applied(err.value)
    assert simulator.fired("revoke") == 1
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_lost_answer_of_a_card_the_re_read_no_longer_lists_says_so(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].settings.lost_answers = [SIM_PUT]
    simulator.inject("odorik", "drop_item", endpoint="GET /sim_cards.json", count=1, id=SIM)

    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    _may_not_have_been_applied(err.value)
    assert simulator.fired("drop_item") == 1
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def test_made_change_whose_re_read_fails_shows_the_value_asked_for(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    faults = simulator.control.faults["odorik"]
    faults.failing = ["GET /sim_cards.json"]

    await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    assert odorik.sims[SIM].settings["mobile_data"] is False
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF

    faults.failing = []
    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF


async def test_empty_answer_whose_read_back_fails_counts_when_the_cards_show_it(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """The client reads the card back after an empty answer; that read fails."""
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.empty_write_bodies = True
    simulator.control.faults["odorik"].failing = [f"GET /sim_cards/{SIM}.json"]

    await _switch(hass, SERVICE_TURN_OFF, MOBILE_DATA)

    assert odorik.sims[SIM].settings["mobile_data"] is False
    assert hass.states.get(MOBILE_DATA).state == STATE_OFF


async def test_data_restart_whose_answer_is_lost_counts_when_the_card_shows_it(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    """With a data package, a restart switches the card to per-kB billing (003)."""
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.lost_answers = ["POST /sim_cards/{phone}/data_restart"]

    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.sim_420_799_799_081_restart_mobile_data"},
        blocking=True,
    )

    assert odorik.sims[SIM].data_restarts == 1
    assert hass.states.get("sensor.sim_420_799_799_081_data_package").state == "per_kb_50mb"


# -- Odorik routing and calls ------------------------------------------------------


async def test_removal_whose_answer_is_lost_counts_when_the_re_read_shows_it_gone(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    odorik.settings.lost_answers = [
        "DELETE /public_numbers/{number}/routes/{route_id}.json",
        "DELETE /public_numbers/{number}/ringings/{ringing}.json",
        "DELETE /active_calls/{call_id}.json",
    ]

    routing = await act(
        hass, "remove_route", odorik_entry, public_number=PUBLIC, route_id=SEEDED_SECOND_ROUTE
    )
    assert SEEDED_SECOND_ROUTE not in {route["id"] for route in routing["routes"]}
    routing = await act(
        hass,
        "remove_parallel_ringing",
        odorik_entry,
        public_number=PUBLIC,
        ringing_number="*403366",
    )
    assert routing["parallel_ringings"] == []
    assert await act(hass, "hang_up", odorik_entry, call_id=SEEDED_ACTIVE_CALL) == {
        "hung_up": [SEEDED_ACTIVE_CALL]
    }
    assert odorik.public_numbers[PUBLIC].routes == []
    assert odorik.active_calls == []
    assert hass.states.get("sensor.odorik_1234567_active_calls").state == "0"


async def test_route_added_with_a_lost_answer_counts_when_the_re_read_shows_it(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    simulator.app[ODORIK_KEY].settings.lost_answers = [
        "POST /public_numbers/{number}/routes.json",
        "POST /public_numbers/{number}/ringings.json",
    ]
    routing = await act(
        hass,
        "add_route",
        odorik_entry,
        public_number=PUBLIC,
        source_number="+420602000000",
        ringing_number="*403367",
    )
    assert ("00420602000000", "*403367") in {
        (route["source_number"], route["ringing_number"]) for route in routing["routes"]
    }
    routing = await act(
        hass, "add_parallel_ringing", odorik_entry, public_number=PUBLIC, ringing_number="*403367"
    )
    assert "*403367" in routing["parallel_ringings"]


@pytest.mark.parametrize(
    ("action", "method", "data"),
    [
        (
            "remove_route",
            "DELETE /public_numbers/{number}/routes/{route_id}.json",
            {"route_id": SEEDED_SECOND_ROUTE},
        ),
        (
            "remove_parallel_ringing",
            "DELETE /public_numbers/{number}/ringings/{ringing}.json",
            {"ringing_number": "*403366"},
        ),
        (
            "add_parallel_ringing",
            "POST /public_numbers/{number}/ringings.json",
            {"ringing_number": "*403367"},
        ),
    ],
)
async def test_routing_change_answered_as_done_but_not_shown_is_no_success(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    action: str,
    method: str,
    data: dict[str, object],
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    before = list(odorik.public_numbers[PUBLIC].routes)
    odorik.settings.unapplied_writes = [method]

    with pytest.raises(HomeAssistantError) as err:
        await act(hass, action, odorik_entry, public_number=PUBLIC, **data)

    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "change_not_shown"
    assert odorik.public_numbers[PUBLIC].routes == before


# -- Zadarma -------------------------------------------------------------------------


async def test_auto_prolongation_made_but_its_answer_lost_counts_as_made(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.settings.lost_answers = ["PUT direct_numbers/autoprolongation"]
    assert hass.states.get(AUTO_PROLONGATION).state == STATE_OFF

    await _switch(hass, SERVICE_TURN_ON, AUTO_PROLONGATION)

    assert zadarma.demo.numbers[ZADARMA_NUMBER].autorenew is True
    assert hass.states.get(AUTO_PROLONGATION).state == "on"
    response = await act(
        hass, "set_auto_prolongation", zadarma_entry, number=ZADARMA_NUMBER, enabled=False
    )
    assert response == {"number": ZADARMA_NUMBER, "auto_prolongation": False}
    assert zadarma.demo.numbers[ZADARMA_NUMBER].autorenew is False


async def test_auto_prolongation_with_a_lost_answer_and_a_failed_re_read_says_so(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    simulator.app[ZADARMA_KEY].settings.lost_answers = ["PUT direct_numbers/autoprolongation"]
    simulator.control.faults["zadarma"].failing = ["GET /direct_numbers/number/"]

    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_ON, AUTO_PROLONGATION)

    _may_not_have_been_applied(err.value)
    assert hass.states.get(AUTO_PROLONGATION).state == STATE_OFF


async def test_auto_prolongation_whose_re_read_fails_shows_the_answered_state(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    simulator.control.faults["zadarma"].failing = ["GET /direct_numbers/number/"]

    await _switch(hass, SERVICE_TURN_ON, AUTO_PROLONGATION)

    assert hass.states.get(AUTO_PROLONGATION).state == "on"


async def test_re_read_number_keeps_the_type_the_list_gave(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    """The single-number answer carries no ``type`` (spec, live): the list's is kept."""
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.demo.numbers[ZADARMA_NUMBER].type = "revenue"
    await setup_entry(hass, zadarma_entry)

    await _switch(hass, SERVICE_TURN_ON, AUTO_PROLONGATION)

    assert zadarma_entry.runtime_data.account.data.numbers[ZADARMA_NUMBER].type == "revenue"
    assert zadarma.received[-1][2]["type"] == "revenue"


LONDON_PAID_UNTIL = "sensor.442037691880_paid_until"
PROLONG_COUNT = "zadarma POST /v1/direct_numbers/prolong/"


async def test_prolong_made_but_its_answer_lost_is_paid_once_and_told(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    """Paying again because an answer was lost would pay twice: the re-read decides."""
    await setup_entry(hass, zadarma_entry)
    zadarma = simulator.app[ZADARMA_KEY]
    zadarma.settings.lost_answers = ["POST direct_numbers/prolong"]
    before = zadarma.demo.numbers[ZADARMA_NUMBER].stop_date
    balance = zadarma.demo.balance

    response = await act(hass, "prolong_number", zadarma_entry, number=ZADARMA_NUMBER, months=2)

    after = zadarma.demo.numbers[ZADARMA_NUMBER].stop_date
    assert after > before
    assert zadarma.demo.balance == pytest.approx(balance - 9.0)  # paid once
    assert simulator.control.counts[PROLONG_COUNT] == 1
    assert response == {
        "number": ZADARMA_NUMBER,
        "stop_date": after.isoformat(),
        "total_paid": None,  # the answer saying how much was lost
    }
    assert hass.states.get(LONDON_PAID_UNTIL).state == after.isoformat()


@pytest.mark.parametrize("re_read", ["fails", "shows_nothing_paid"])
async def test_prolong_with_a_lost_answer_not_confirmed_is_not_paid_again(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    zadarma_entry: MockConfigEntry,
    re_read: str,
) -> None:
    await setup_entry(hass, zadarma_entry)
    zadarma = simulator.app[ZADARMA_KEY]
    before = zadarma.demo.numbers[ZADARMA_NUMBER].stop_date
    if re_read == "fails":
        zadarma.settings.lost_answers = ["POST direct_numbers/prolong"]
        simulator.control.faults["zadarma"].failing = ["GET /direct_numbers/number/"]
    else:  # the connection broke before the operator took it
        simulator.inject("zadarma", "reset", endpoint="POST /direct_numbers/prolong", count=1)

    with pytest.raises(HomeAssistantError) as err:
        await act(hass, "prolong_number", zadarma_entry, number=ZADARMA_NUMBER, months=2)

    _may_not_have_been_applied(err.value)
    assert simulator.control.counts[PROLONG_COUNT] == 1
    paid = zadarma.demo.numbers[ZADARMA_NUMBER].stop_date
    assert (paid > before) is (re_read == "fails")
