"""How Zadarma answers the service actions.

Numbers are sent as Zadarma wants them: digits only. Everything that can be refused
without asking Zadarma is refused before a request is sent; an order is checked
against the balance and the document group with reads only, before any money moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from ...api import TelcoValidationError
from ...api.zadarma import digits, validate_caller_name
from ...api.zadarma_models import AvailableNumber, Direction
from ...const import DOMAIN
from ...model.action_input import invalid, jsonable
from ...model.actions import callback_response, offer, sms_response
from ...model.declaration import OperatorAction
from . import documents
from .coordinators import ZadarmaRuntimeData
from .directions import country_code, direction_key, resolve_direction
from .numbers import zadarma_caller, zadarma_mask, zadarma_number, zadarma_sip, zadarma_sip_uri

type Data = ZadarmaRuntimeData
type Fields = Mapping[str, Any]

# The checks of a document group that an order cannot do without; verification of
# the uploaded documents may follow the order (the number waits in ``checking``).
_ORDER_CHECKS = ("is_information_match", "is_documents_uploaded", "is_address_match")
_PERIOD_MONTHS = {"month": 1, "3month": 3}
# The account's own document group, which every account has.
MAIN_DOCUMENT_GROUP = 0


async def _callback(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    sip = given.get("sip")
    result = await data.account.async_ask(
        data.client.request_callback(
            zadarma_caller(given["caller"]),
            zadarma_number(given["recipient"], "recipient"),
            sip=zadarma_sip(sip, "sip") if sip is not None else None,
            predicted=given.get("predicted", False),
        )
    )
    return callback_response(
        status="callback_ordered", from_=result.from_, to=result.to, time=result.time
    )


async def send_sms(data: Data, recipient: str, message: str, sender: str | None) -> dict[str, Any]:
    """Send an SMS (the path of both the action and the notify entity).

    Zadarma answers success even when it denied every recipient (``denied_numbers``):
    then nothing was sent, and the user is told so.
    """
    number = zadarma_number(recipient, "recipient")
    result = await data.account.async_run_change(
        data.client.send_sms(number, message, sender=sender)
    )
    balance = await data.account.async_refresh_balance()
    denied = {digits(item.number): item.message for item in result.denied_numbers}
    if denied and (result.messages == 0 or number in denied):
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="sms_denied",
            translation_placeholders={
                "numbers": ", ".join(item.number for item in result.denied_numbers),
                "reason": "; ".join(dict.fromkeys(denied.values())) or "-",
            },
        )
    return sms_response(
        status="successfully_sent",
        balance=balance.balance if balance is not None else None,
        messages=result.messages,
        cost=result.cost,
        currency=result.currency,
        denied_numbers=jsonable(result.denied_numbers),
    )


async def _send_sms(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    return await send_sms(data, given["recipient"], given["message"], given.get("sender"))


# --- Settings of a connected number -----------------------------------------------------


def _direct_number(data: Data, value: str, field: str = "number") -> str:
    """Return a number of the account in Zadarma's digits, or refuse it."""
    number = zadarma_number(value, field)
    if number not in data.account.data.numbers:
        raise invalid(field, "unknown_direct_number", value=str(value).strip())
    return number


async def _set_caller_name(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _direct_number(data, given["number"])
    name = str(given["caller_name"]).strip()
    try:
        validate_caller_name(name)  # the client's rule, refused here naming the field
    except TelcoValidationError:
        raise invalid("caller_name", "invalid_caller_name_value", value=name) from None
    result = await data.account.async_change_number(
        number, data.client.set_caller_name(number, name)
    )
    return {"number": number, "caller_name": result or ""}


def _sip_target(data: Data, value: str) -> str:
    """Return a SIP login of the account or an external ``user@host`` URI."""
    text = str(value).strip().removeprefix("sip:")
    if "@" in text:
        return zadarma_sip_uri(text)
    if text not in data.account.data.sips:
        logins = ", ".join(sorted(data.account.data.sips)) or "-"
        raise invalid("sip_id", "unknown_sip_login", value=text, logins=logins)
    return text


async def _set_sip_routing(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _direct_number(data, given["number"])
    target = _sip_target(data, given["sip_id"])
    result = await data.account.async_change_number(
        number, data.client.set_sip_id(number, target, test_mode=given.get("test_mode"))
    )
    return {"number": number, "sip_id": result}


async def _set_auto_prolongation(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _direct_number(data, given["number"])
    result = await data.account.async_set_auto_prolongation(number, given["enabled"])
    return {"number": number, "auto_prolongation": result}


async def _check_balance(data: Data, field: str, cost: float, currency: str | None) -> None:
    """Refuse what costs more than the balance (when both are in one currency)."""
    balance = await data.account.async_ask(data.client.get_balance())
    if currency and balance.currency != currency:
        return  # not comparable; Zadarma decides
    if balance.balance < cost:
        raise invalid(
            field,
            "insufficient_balance",
            cost=f"{cost:g}",
            balance=f"{balance.balance:g}",
            currency=balance.currency,
        )


async def _prolong_number(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _direct_number(data, given["number"])
    months = given["months"]
    known = data.account.data.numbers[number]
    if known.monthly_fee is not None:
        await _check_balance(data, "months", round(known.monthly_fee * months, 4), known.currency)
    result = await data.account.async_prolong_number(number, months)
    if result is None:  # paid, as the number read again shows; its answer was lost
        return {
            "number": number,
            "stop_date": jsonable(data.account.data.numbers[number].stop_date),
            "total_paid": None,
        }
    return {
        "number": result.number,
        "stop_date": jsonable(result.stop_date),
        "total_paid": {"amount": result.amount, "currency": result.currency},
    }


# --- Ordering a number ------------------------------------------------------------------


async def _list_number_countries(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    countries = await data.account.async_ask(
        data.client.get_countries(language=given.get("language"))
    )
    return {"countries": jsonable(countries)}


async def _list_number_directions(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    country = country_code(given["country"])
    direction_id = None
    if "direction_id" in given:
        direction_id = await resolve_direction(data, given["direction_id"])
    directions = await data.account.async_ask(
        data.client.get_country(country, language=given.get("language"), direction_id=direction_id)
    )
    return {"directions": jsonable(directions)}


async def _list_available_numbers(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    direction = direction_key(given["direction_id"])
    mask = given.get("mask")
    if mask is not None:
        mask = zadarma_mask(mask)
    numbers = await data.account.async_ask(data.client.get_available_numbers(direction, mask=mask))
    return {"numbers": jsonable(numbers)}


def _wanted_number(given: Fields) -> str | None:
    """Return the number asked for, in Zadarma's digits, or refuse it (before any request)."""
    if "number" in given and "number_id" in given:
        raise invalid("number", "number_or_number_id")
    return zadarma_number(given["number"], "number") if "number" in given else None


def _chosen_number(
    available: list[AvailableNumber], given: Fields, wanted: str | None
) -> AvailableNumber:
    """Return the number to order (the one asked for, or the first free one)."""
    if wanted is not None:
        found = [item for item in available if item.number == wanted]
        field, value = "number", wanted
    elif "number_id" in given:
        found = [item for item in available if item.id == given["number_id"]]
        field, value = "number_id", str(given["number_id"])
    else:
        found, field, value = available, "direction_id", str(given["direction_id"])
    if not found:
        raise invalid(field, "number_not_available", value=value)
    return found[0]


async def _direction_of(data: Data, direction_id: int, number: str) -> Direction:
    """Find a direction's prices: its country is the one whose code the number starts with."""
    countries = await data.account.async_ask(data.client.get_countries())
    candidates = sorted(
        (country for country in countries if number.startswith(country.dialing_code)),
        key=lambda country: len(country.dialing_code),
        reverse=True,
    )
    for country in candidates:
        directions = await data.account.async_ask(
            data.client.get_country(country.iso_code, direction_id=direction_id)
        )
        for direction in directions:
            if direction.id == direction_id:
                return direction
    raise invalid("direction_id", "invalid_direction", value=str(direction_id))


async def _check_documents(data: Data, given: Fields, direction: Direction) -> int:
    """Return the document group to order with, once it is known to be good enough.

    The spec requires ``documents_group_id`` in every order; where the direction
    needs no documents and none is given, it is the main group (0), unchecked.
    """
    group_id: int | None = given.get("documents_group_id")
    needs_documents = bool(direction.required_documents or direction.required_information)
    if group_id is None:
        if needs_documents:
            needed = ", ".join((*direction.required_documents, *direction.required_information))
            raise invalid("documents_group_id", "documents_group_required", needed=needed)
        return MAIN_DOCUMENT_GROUP
    validity = await data.account.async_ask(
        data.client.validate_document_group(group_id, direction.id)
    )
    failed = [name for name in _ORDER_CHECKS if not getattr(validity, name)]
    if failed:
        raise invalid("documents_group_id", "documents_group_not_valid", failed=", ".join(failed))
    return group_id


async def _order_number(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    wanted = _wanted_number(given)
    direction_id = await resolve_direction(data, given["direction_id"])
    available = await data.account.async_ask(data.client.get_available_numbers(direction_id))
    chosen = _chosen_number(available, given, wanted)
    direction = await _direction_of(data, direction_id, chosen.number)
    if given["receive_sms"] and not direction.receive_sms:
        raise invalid("receive_sms", "sms_not_offered")
    group_id = await _check_documents(data, given, direction)
    months = _PERIOD_MONTHS[given["period"]]
    cost = round(direction.connect_fee + direction.monthly_fee * months, 4)
    await _check_balance(data, "period", cost, direction.currency)
    result = await data.account.async_run_change(
        data.client.order_number(
            direction_id,
            documents_group_id=group_id,
            number_id=chosen.id if "number" in given or "number_id" in given else None,
            purpose=given.get("purpose"),
            receive_sms=given["receive_sms"],
            period=given["period"],
            autorenew_period=given.get("autorenew_period"),
        )
    )
    await data.account.async_refresh()  # the new number and the balance
    answer: dict[str, Any] = jsonable(result)
    return answer


ACTIONS: dict[str, OperatorAction[Data]] = dict(
    [
        offer("callback", _callback, without={"delayed", "line", "simple"}),
        offer("send_sms", _send_sms),
        offer("set_caller_name", _set_caller_name),
        offer("set_sip_routing", _set_sip_routing),
        offer("set_auto_prolongation", _set_auto_prolongation),
        offer("prolong_number", _prolong_number),
        offer("list_number_countries", _list_number_countries),
        offer("list_number_directions", _list_number_directions),
        offer("list_available_numbers", _list_available_numbers),
        offer("order_number", _order_number),
        *documents.OFFERS,
    ]
)
