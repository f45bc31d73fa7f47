"""Intents against the simulator: what is said in each language, what is sent, what is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.const import DOMAIN
from tests.common import FROZEN_NOW, requests_sent
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ODORIK_KEY
from tests.simulator.zadarma import ZADARMA_KEY

SIM_1 = "00420799799081"
SIM_2 = "00420799799082"
CALLER = "00420555444333"  # the seeded call in progress comes from this number
ODORIK_SENSORS = ("balance", "active_calls", f"{SIM_1}_data_used", f"{SIM_2}_data_used")


@pytest.fixture(autouse=True)
async def _frozen_with_assist(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)
    # Which entities are exposed to Assist is kept by the homeassistant integration.
    assert await async_setup_component(hass, "homeassistant", {})


def sensor(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    """Return the entity id of an entry's sensor by the end of its unique id."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{entry.unique_id}_{key}")
    assert entity_id is not None, key
    return entity_id


def expose(hass: HomeAssistant, entry: MockConfigEntry, *keys: str, exposed: bool = True) -> None:
    """Expose (or hide) some of an entry's sensors to Assist."""
    for key in keys:
        async_expose_entity(hass, "conversation", sensor(hass, entry, key), exposed)


async def loaded(
    hass: HomeAssistant, entry: MockConfigEntry, *keys: str, **options: Any
) -> MockConfigEntry:
    """Set an entry up with some options and expose the given sensors."""
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    expose(hass, entry, *keys)
    return entry


async def ask(
    hass: HomeAssistant, intent_type: str, language: str = "en", **slots: str
) -> intent.IntentResponse:
    """Handle an intent as the default agent does."""
    return await intent.async_handle(
        hass,
        "conversation",
        intent_type,
        {name: {"value": value} for name, value in slots.items()},
        language=language,
        assistant="conversation",
    )


def sent(simulator: SimulatorServer, method: str, route: str) -> int:
    """Return how many requests of one kind (``"odorik DELETE"``, a route's end) were sent."""
    return sum(
        count
        for name, count in simulator.control.counts.items()
        if name.startswith(f"{method} ") and name.endswith(route)
    )


def month_megabytes(simulator: SimulatorServer, number: str) -> str:
    """Return a SIM card's data of this Prague month, as the simulator booked it, in MB."""
    start = datetime(2026, 11, 1, tzinfo=ZoneInfo("Europe/Prague"))
    total = sum(
        record["bytes_total"]
        for record in simulator.app[ODORIK_KEY].mobile_data
        if record["phone_number"] == number and record["date"] >= start
    )
    return f"{total / 1_000_000:.1f}"


def speech(response: intent.IntentResponse) -> str:
    return str(response.speech["plain"]["speech"])


def refusal(response: intent.IntentResponse) -> str:
    """Return what was said when nothing was done."""
    assert response.response_type is intent.IntentResponseType.ERROR
    assert response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    return speech(response)


# -- TelcoGetBalance ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Odorik 1234567 has 554.03 CZK. Zadarma 453101 has 25.40 USD."),
        ("cs", "Odorik 1234567 má 554,03 CZK. Zadarma 453101 má 25,40 USD."),
        ("pl", "Odorik 1234567 ma 554,03 CZK. Zadarma 453101 ma 25,40 USD."),
    ],
)
async def test_balance_of_every_exposed_account(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
    language: str,
    expected: str,
) -> None:
    await loaded(hass, zadarma_entry, "balance")
    await loaded(hass, odorik_entry, "balance")
    before = requests_sent(simulator, "odorik") + requests_sent(simulator, "zadarma")

    response = await ask(hass, "TelcoGetBalance", language)

    assert speech(response) == expected
    # The last poll answers: nothing is asked of the operators.
    assert requests_sent(simulator, "odorik") + requests_sent(simulator, "zadarma") == before


async def test_balance_of_one_operator(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
) -> None:
    await loaded(hass, odorik_entry, "balance")
    await loaded(hass, zadarma_entry, "balance")
    response = await ask(hass, "TelcoGetBalance", "en", operator="zadarma")
    assert speech(response) == "Zadarma 453101 has 25.40 USD."
    with pytest.raises(intent.InvalidSlotInfo):
        await ask(hass, "TelcoGetBalance", "en", operator="vodafone")


async def test_balance_only_of_exposed_accounts(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
) -> None:
    await loaded(hass, odorik_entry, "balance")
    await loaded(hass, zadarma_entry)  # its balance sensor is not exposed
    assert speech(await ask(hass, "TelcoGetBalance")) == "Odorik 1234567 has 554.03 CZK."

    expose(hass, odorik_entry, "balance", exposed=False)
    response = await ask(hass, "TelcoGetBalance", "cs")
    assert refusal(response) == "Pro tohle není Assistovi zpřístupněný žádný telefonní účet."


# -- TelcoGetDataUsage -------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "SIM +420 799 799 081 used {used} MB this month. "
            "SIM +420 799 799 082 used 0.0 MB this month.",
        ),
        (
            "cs",
            "SIM +420 799 799 081 tento měsíc spotřebovala {used} MB. "
            "SIM +420 799 799 082 tento měsíc spotřebovala 0,0 MB.",
        ),
        (
            "pl",
            "SIM +420 799 799 081 zużyła w tym miesiącu {used} MB. "
            "SIM +420 799 799 082 zużyła w tym miesiącu 0,0 MB.",
        ),
    ],
)
async def test_data_usage_of_every_sim_card(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    language: str,
    expected: str,
) -> None:
    await loaded(hass, odorik_entry, *ODORIK_SENSORS)
    used = month_megabytes(simulator, SIM_1)
    assert used != "0.0"
    if language != "en":
        used = used.replace(".", ",")
    assert speech(await ask(hass, "TelcoGetDataUsage", language)) == expected.format(used=used)


async def test_data_usage_of_one_sim_card_and_only_exposed_ones(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, f"{SIM_1}_data_used")
    response = await ask(hass, "TelcoGetDataUsage", "en", number="+420 799 799 081")
    used = month_megabytes(simulator, SIM_1)
    assert speech(response) == f"SIM +420 799 799 081 used {used} MB this month."

    # The second SIM card's sensor is not exposed: it is not spoken about.
    response = await ask(hass, "TelcoGetDataUsage", "en", number="+420 799 799 082")
    assert refusal(response) == (
        "No SIM card with the number +420 799 799 082 is exposed to Assist."
    )
    assert "799 082" not in speech(await ask(hass, "TelcoGetDataUsage"))


async def test_data_usage_without_an_exposed_sim_card_is_refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
) -> None:
    """Zadarma has no SIM cards, Odorik's are hidden: there is nothing to tell."""
    await loaded(hass, zadarma_entry, "balance")
    await loaded(hass, odorik_entry, "balance")
    response = await ask(hass, "TelcoGetDataUsage", "en")
    assert refusal(response) == "No phone account is exposed to Assist for this."

    expose(hass, odorik_entry, f"{SIM_2}_data_used")
    used = month_megabytes(simulator, SIM_2)
    response = await ask(hass, "TelcoGetDataUsage", "en")
    assert speech(response) == f"SIM +420 799 799 082 used {used} MB this month."


async def test_data_usage_in_gigabytes(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, f"{SIM_1}_data_used")
    data = odorik_entry.runtime_data
    data.mobile_data.async_set_updated_data(
        {SIM_1: type(data.mobile_data.data[SIM_1])(bytes_total=2_345_000_000)}
    )
    response = await ask(hass, "TelcoGetDataUsage", "cs")
    assert speech(response) == "SIM +420 799 799 081 tento měsíc spotřebovala 2,35 GB."


async def test_data_usage_bad_number_is_refused(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, *ODORIK_SENSORS)
    response = await ask(hass, "TelcoGetDataUsage", "pl", number="siedem")
    assert refusal(response).startswith("siedem nie jest numerem telefonu")


# -- TelcoHangUp -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Calls ended: 2."), ("cs", "Ukončené hovory: 2."), ("pl", "Zakończone połączenia: 2.")],
)
async def test_hang_up_every_call(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    language: str,
    expected: str,
) -> None:
    await loaded(hass, odorik_entry, "active_calls")
    odorik = simulator.app[ODORIK_KEY]
    odorik.add_active_call(
        source_number="00420777000001", destination_number="00420608000001", line=403367
    )

    response = await ask(hass, "TelcoHangUp", language)

    assert speech(response) == expected
    assert odorik.active_calls == []
    assert sent(simulator, "odorik DELETE", "/active_calls/{call_id}.json") == 2
    assert hass.states.get(sensor(hass, odorik_entry, "active_calls")).state == "0"


async def test_hang_up_the_calls_with_a_number(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, "active_calls")
    odorik = simulator.app[ODORIK_KEY]
    other = odorik.add_active_call(
        source_number="00420777000001", destination_number="00420608000001", line=403367
    )

    response = await ask(hass, "TelcoHangUp", "en", number="+420 555 444 333")

    assert speech(response) == "Calls ended: 1."
    assert [call["id"] for call in odorik.active_calls] == [other["id"]]
    response = await ask(hass, "TelcoHangUp", "cs", number="+420 555 444 333")
    assert refusal(response) == "S číslem +420 555 444 333 neprobíhá žádný hovor."
    assert len(odorik.active_calls) == 1


async def test_hang_up_bad_number_sends_nothing(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, "active_calls")
    before = requests_sent(simulator, "odorik")
    response = await ask(hass, "TelcoHangUp", "cs", number="pět set")
    assert refusal(response).startswith("pět set není telefonní číslo")
    assert requests_sent(simulator, "odorik") == before
    assert len(simulator.app[ODORIK_KEY].active_calls) == 1


async def test_hang_up_needs_the_calls_exposed(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, "balance")  # not the calls in progress
    response = await ask(hass, "TelcoHangUp", "en")
    assert refusal(response) == "No phone account is exposed to Assist for this."
    assert len(simulator.app[ODORIK_KEY].active_calls) == 1
    assert sent(simulator, "odorik DELETE", "/active_calls/{call_id}.json") == 0


async def test_hang_up_without_calls(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    simulator.app[ODORIK_KEY].active_calls.clear()
    await loaded(hass, odorik_entry, "active_calls")
    assert refusal(await ask(hass, "TelcoHangUp", "pl")) == "Nie trwa żadne połączenie."


# -- TelcoCallback -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Calling +420 777 123 456 first, then connecting it to +420 608 000 111."),
        ("cs", "Nejdřív vyzvoním +420 777 123 456, pak ho spojím s +420 608 000 111."),
        ("pl", "Najpierw zadzwonię na +420 777 123 456, potem połączę go z +420 608 000 111."),
    ],
)
async def test_odorik_callback(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    language: str,
    expected: str,
) -> None:
    await loaded(hass, odorik_entry, "active_calls", callback_number="00420777123456")

    response = await ask(hass, "TelcoCallback", language, number="+420 608 000 111")

    assert speech(response) == expected
    call = simulator.app[ODORIK_KEY].active_calls[-1]
    assert (call["source_number"], call["destination_number"]) == (
        "00420777123456",
        "00420608000111",
    )
    assert sent(simulator, "odorik POST", "/callback") == 1


async def test_zadarma_callback(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await loaded(hass, zadarma_entry, "balance", callback_number="420777123456")
    response = await ask(hass, "TelcoCallback", "en", number="+420 608 000 111")
    assert speech(response) == (
        "Calling +420 777 123 456 first, then connecting it to +420 608 000 111."
    )
    callback = simulator.app[ZADARMA_KEY].demo.callbacks[-1]
    assert (callback["from"], callback["to"]) == ("420777123456", "420608000111")


async def test_callback_prefers_the_account_with_a_callback_number(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    zadarma_entry: MockConfigEntry,
) -> None:
    await loaded(hass, odorik_entry, "active_calls")  # no callback number
    await loaded(hass, zadarma_entry, "balance", callback_number="420777123456")
    before = requests_sent(simulator, "odorik")
    await ask(hass, "TelcoCallback", "en", number="+420 608 000 111")
    assert len(simulator.app[ZADARMA_KEY].demo.callbacks) == 1
    assert requests_sent(simulator, "odorik") == before


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Set the callback number first: Settings → Devices & services → "
            "Odorik & Zadarma → Odorik 1234567 → Configure.",
        ),
        (
            "cs",
            "Nejdřív nastavte číslo pro zpětné volání: Nastavení → Zařízení a služby → "
            "Odorik & Zadarma → Odorik 1234567 → Nastavit.",
        ),
        (
            "pl",
            "Najpierw ustaw numer do oddzwaniania: Ustawienia → Urządzenia oraz usługi → "
            "Odorik & Zadarma → Odorik 1234567 → Konfiguruj.",
        ),
    ],
)
async def test_callback_without_a_callback_number_says_where_to_set_it(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    odorik_entry: MockConfigEntry,
    language: str,
    expected: str,
) -> None:
    await loaded(hass, odorik_entry, "active_calls")
    before = requests_sent(simulator, "odorik")
    response = await ask(hass, "TelcoCallback", language, number="+420 608 000 111")
    assert refusal(response) == expected
    assert requests_sent(simulator, "odorik") == before


async def test_callback_bad_number_sends_nothing(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, "active_calls", callback_number="00420777123456")
    before = requests_sent(simulator, "odorik")
    response = await ask(hass, "TelcoCallback", "en", number="608 000 111")
    assert refusal(response) == (
        "608 000 111 is not a phone number I can use; say it with the country code, "
        "such as +420 777 123 456."
    )
    assert requests_sent(simulator, "odorik") == before


async def test_callback_refused_by_the_operator_is_spoken(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, "active_calls", callback_number="00420777123456")
    simulator.app[ODORIK_KEY].settings.callback_failed = True
    response = await ask(hass, "TelcoCallback", "cs", number="+420 608 000 111")
    assert refusal(response) == (
        "Operátor nedokázal předat zpětné volání své ústředně (callback_failed)."
    )


async def test_callback_needs_the_account_exposed(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await loaded(hass, zadarma_entry, callback_number="420777123456")
    response = await ask(hass, "TelcoCallback", "en", number="+420 608 000 111")
    assert refusal(response) == "No phone account is exposed to Assist for this."
    assert simulator.app[ZADARMA_KEY].demo.callbacks == []


async def test_other_languages_are_answered_in_english(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await loaded(hass, odorik_entry, "balance")
    assert speech(await ask(hass, "TelcoGetBalance", "de")) == "Odorik 1234567 has 554.03 CZK."
    assert speech(await ask(hass, "TelcoGetBalance", "cs-CZ")) == "Odorik 1234567 má 554,03 CZK."
