"""Writes tell the user what really happened at the operator.

- a write answered by an HTML maintenance page (HTTP 200) is a communication error,
  and the operator's state is what it was;
- a Zadarma SMS whose every recipient is denied is not reported as sent;
- prolonging a Zadarma number shows the balance it cost at once;
- a rate-limit refusal says when to try again.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.notify import (
    ATTR_MESSAGE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.telco.api import TelcoApiError, TelcoRateLimitedError
from custom_components.telco.const import CONF_SMS_RECIPIENT, DOMAIN
from custom_components.telco.model.coordinator import change_error
from tests.common import FROZEN_NOW, act, requests_sent, setup_entry
from tests.simulator import SimulatorServer
from tests.simulator.odorik import ACCOUNT_PASSWORD, ODORIK_KEY
from tests.simulator.zadarma import (
    DEMO_API_SECRET,
    DEMO_NUMBER_AUTORENEW,
    DEMO_NUMBER_EXPIRING,
    ZADARMA_KEY,
)

PUBLIC = "00420533533533"
SEEDED_SECOND_ROUTE = 22625402
SEEDED_ACTIVE_CALL = 14990661
ZADARMA_BALANCE = "sensor.zadarma_453101_balance"
ZADARMA_SMS = "notify.zadarma_453101_sms"


@pytest.fixture(autouse=True)
def _frozen(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(FROZEN_NOW)


def html_pages(simulator: SimulatorServer, operator: str, *methods: str) -> None:
    """Answer some methods of an operator with an HTML maintenance page (HTTP 200)."""
    simulator.control.faults[operator].html_pages = list(methods)


async def fails_to_communicate(
    hass: HomeAssistant,
    action: str,
    entry: MockConfigEntry,
    *,
    key: str = "communication_error",
    **data: Any,
) -> HomeAssistantError:
    """Run an action that must fail as a communication error, without secrets.

    A change the operator's re-read does not show says that it may not have been
    applied (``change_unconfirmed``).
    """
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, action, entry, **data)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    said = err.value.translation_placeholders["error"]
    assert ACCOUNT_PASSWORD not in said
    assert DEMO_API_SECRET not in said
    assert "?" not in said
    return err.value


# -- 1. an HTML maintenance page is no success -------------------------------


async def test_remove_route_answered_with_a_maintenance_page(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    before = list(odorik.public_numbers[PUBLIC].routes)
    html_pages(simulator, "odorik", "DELETE /public_numbers/{number}/routes/{route_id}.json")
    await fails_to_communicate(
        hass,
        "remove_route",
        odorik_entry,
        key="change_unconfirmed",
        public_number=PUBLIC,
        route_id=SEEDED_SECOND_ROUTE,
    )
    assert odorik.public_numbers[PUBLIC].routes == before
    assert SEEDED_SECOND_ROUTE in {route["id"] for route in before}


async def test_remove_parallel_ringing_answered_with_a_maintenance_page(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    html_pages(simulator, "odorik", "DELETE /public_numbers/{number}/ringings/{ringing}.json")
    await fails_to_communicate(
        hass,
        "remove_parallel_ringing",
        odorik_entry,
        key="change_unconfirmed",
        public_number=PUBLIC,
        ringing_number="*403366",
    )
    html_pages(simulator, "odorik")
    routing = await act(hass, "get_routing", odorik_entry, public_number=PUBLIC)
    assert "*403366" in routing["public_numbers"][0]["parallel_ringings"]


async def test_hang_up_answered_with_a_maintenance_page(
    hass: HomeAssistant, simulator: SimulatorServer, odorik_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, odorik_entry)
    odorik = simulator.app[ODORIK_KEY]
    html_pages(simulator, "odorik", "DELETE /active_calls/{call_id}.json")
    await fails_to_communicate(
        hass, "hang_up", odorik_entry, key="change_unconfirmed", call_id=SEEDED_ACTIVE_CALL
    )
    assert [call["id"] for call in odorik.active_calls] == [SEEDED_ACTIVE_CALL]
    assert hass.states.get("sensor.odorik_1234567_active_calls").state == "1"


async def test_zadarma_sms_answered_with_a_maintenance_page(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    html_pages(simulator, "zadarma", "POST /sms/send/")
    await fails_to_communicate(
        hass, "send_sms", zadarma_entry, recipient="+420777123456", message="Hi"
    )
    assert simulator.app[ZADARMA_KEY].demo.sms == []


# -- 2. an SMS every recipient of which was denied ---------------------------


async def test_zadarma_sms_to_a_denied_recipient_is_not_reported_as_sent(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, "send_sms", zadarma_entry, recipient="123", message="Hi")
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "sms_denied"
    assert err.value.translation_placeholders == {"numbers": "123", "reason": "Wrong number"}
    assert simulator.app[ZADARMA_KEY].demo.sms == []
    assert "123" in str(err.value)


async def test_zadarma_notify_to_a_denied_recipient_fails(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    zadarma_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(zadarma_entry, options={CONF_SMS_RECIPIENT: "123"})
    await setup_entry(hass, zadarma_entry)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            NOTIFY_DOMAIN,
            SERVICE_SEND_MESSAGE,
            {ATTR_ENTITY_ID: ZADARMA_SMS, ATTR_MESSAGE: "The door is open."},
            blocking=True,
        )
    assert err.value.translation_key == "sms_denied"
    assert err.value.translation_placeholders["numbers"] == "123"
    assert simulator.app[ZADARMA_KEY].demo.sms == []


async def test_zadarma_sms_to_an_accepted_recipient_is_still_sent(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    response = await act(hass, "send_sms", zadarma_entry, recipient="420777123456", message="Hi")
    assert response["messages"] == 1
    assert response["denied_numbers"] == []


# -- 3. prolonging a number shows what it cost -------------------------------


async def test_prolong_number_shows_the_balance_at_once(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    account = simulator.app[ZADARMA_KEY].demo
    assert float(hass.states.get(ZADARMA_BALANCE).state) == pytest.approx(25.40)
    listed = simulator.control.counts["zadarma GET /v1/direct_numbers/"]

    response = await act(
        hass, "prolong_number", zadarma_entry, number=DEMO_NUMBER_EXPIRING, months=2
    )

    assert response["total_paid"] == {"amount": 9.0, "currency": "USD"}
    assert account.balance == pytest.approx(16.40)
    # No poll ran (the account's poll lists the numbers); the balance was read again.
    assert simulator.control.counts["zadarma GET /v1/direct_numbers/"] == listed
    assert float(hass.states.get(ZADARMA_BALANCE).state) == pytest.approx(16.40)


# -- 4. a rate limit says when to try again ----------------------------------


async def test_rate_limited_change_says_when_to_try_again(
    hass: HomeAssistant, simulator: SimulatorServer, zadarma_entry: MockConfigEntry
) -> None:
    await setup_entry(hass, zadarma_entry)
    zadarma = simulator.app[ZADARMA_KEY]
    # A fresh window on a fixed clock that admits nothing: Retry-After is the whole 60 s.
    moment = zadarma.clock() + 3600
    zadarma.clock = lambda: moment
    zadarma.settings.rate_limit_per_minute = 0

    with pytest.raises(HomeAssistantError) as err:
        await act(
            hass, "set_caller_name", zadarma_entry, number=DEMO_NUMBER_AUTORENEW, caller_name="Desk"
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "refused_rate_limited"
    assert err.value.translation_placeholders == {"retry_after": "60"}
    assert "60" in str(err.value)
    assert zadarma.demo.rate_limited == 1

    # Within the wait the client refuses by itself, still saying how long is left.
    before = requests_sent(simulator, "zadarma")
    with pytest.raises(HomeAssistantError) as err:
        await act(
            hass, "set_caller_name", zadarma_entry, number=DEMO_NUMBER_AUTORENEW, caller_name="Desk"
        )
    assert err.value.translation_key == "refused_rate_limited"
    assert 1 <= int(err.value.translation_placeholders["retry_after"]) <= 60
    assert requests_sent(simulator, "zadarma") == before
    assert zadarma.demo.numbers[DEMO_NUMBER_AUTORENEW].number_name != "Desk"


@pytest.mark.parametrize(
    "error",
    [TelcoRateLimitedError("Odorik POST /sms was rate limited"), TelcoApiError(("rate_limited",))],
    ids=["no_retry_after", "token_only"],
)
def test_rate_limit_without_a_delay_has_its_own_wording(error: TelcoApiError) -> None:
    translated = change_error(error)
    assert translated.translation_key == "refused_rate_limited_later"
    assert not translated.translation_placeholders


def test_rate_limit_delay_is_rounded_up_to_whole_seconds() -> None:
    translated = change_error(TelcoRateLimitedError(retry_after=2.2))
    assert translated.translation_placeholders == {"retry_after": "3"}
    translated = change_error(TelcoRateLimitedError(retry_after=0.0))
    assert translated.translation_placeholders == {"retry_after": "1"}
