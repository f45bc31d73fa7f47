"""How Odorik answers the service actions.

Numbers are brought to Odorik's ``00…`` international format, SIM settings are
checked against what Odorik offers for that SIM card, and everything that could be
refused without asking Odorik is refused before a request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import timedelta
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ...api.odorik import MAX_PAGE_SIZE, MAX_PAGES
from ...api.odorik_models import Call, SimCard, SimCardUpdate
from ...const import ODORIK_CURRENCY
from ...model.action_input import invalid, jsonable, moment, period
from ...model.actions import callback_response, offer, sms_response
from ...model.declaration import OperatorAction
from .coordinators import OdorikRuntimeData
from .numbers import odorik_number, odorik_prefix
from .routing import PublicNumberRouting

type Data = OdorikRuntimeData
type Fields = Mapping[str, Any]

_ICCID = re.compile(r"[0-9]{18,22}[Ff]?")
_PIN = re.compile(r"[0-9]{4,8}")
# SIM settings checked against the options Odorik lists for the SIM card.
_OFFERED = {
    "data_package": "available_data_packages",
    "data_package_for_next_month": "available_data_packages",
    "package_delayed_billing": "available_packages_delayed_billing",
    "package_delayed_billing_for_next_month": "available_packages_delayed_billing",
    "roaming": "available_roaming_settings",
    "add_credit": "available_credit_addons",
}


def _public_number(value: str, field: str = "public_number") -> str:
    """Return a public number; the document allows SIP names there too."""
    return odorik_number(value, field, sip_names=True)


def _target(value: str, field: str) -> str:
    """Return a number calls go to: a phone number, an Odorik ``*`` code or a SIP name."""
    return odorik_number(value, field, codes=True, sip_names=True)


async def _callback(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    caller = odorik_number(given["caller"], "caller", codes=True)
    recipient = odorik_number(given["recipient"], "recipient", codes=True)
    delayed = given.get("delayed")
    now = dt_util.utcnow()
    if delayed is not None and not isinstance(delayed, int):
        delayed = moment(delayed, "delayed")
        if delayed <= now:
            raise invalid("delayed", "delayed_into_past")
    result = await data.account.async_ask(
        data.client.callback(
            caller,
            recipient,
            delayed=delayed,
            line=given.get("line"),
            simple=given.get("simple", False),
        )
    )
    if delayed is None:
        rings = now
    elif isinstance(delayed, int):
        rings = now + timedelta(minutes=delayed)
    else:
        rings = delayed
    return callback_response(status=result.value, from_=caller, to=recipient, time=rings)


async def send_sms(data: Data, recipient: str, message: str, sender: str | None) -> dict[str, Any]:
    """Send an SMS (the path of both the action and the notify entity)."""
    number = odorik_number(recipient, "recipient")
    if sender is not None:
        allowed = await data.account.async_ask(data.client.get_allowed_senders())
        if sender not in allowed:
            raise invalid("sender", "sender_not_allowed", allowed=", ".join(allowed))
    result = await data.account.async_run_change(
        data.client.send_sms(number, message, sender=sender)
    )
    if result.balance is not None:
        # Odorik answers a sent SMS with the credit left: no need to ask again.
        data.account.async_set_balance(result.balance)
    return sms_response(
        status=result.status.value,
        balance=result.balance,
        messages=None,
        cost=None,
        currency=ODORIK_CURRENCY if result.balance is not None else None,
        denied_numbers=[],
    )


async def _send_sms(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    return await send_sms(data, given["recipient"], given["message"], given.get("sender"))


async def _hang_up(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    # Ending calls is not undone: which ones is said, never implied by leaving fields out.
    every = given.get("all", False)
    if "call_id" in given and every:
        raise invalid("all", "hang_up_call_id_or_all")
    if "call_id" not in given and "line" not in given and not every:
        raise invalid("call_id", "hang_up_which_calls")
    calls = await data.active_calls.async_ask(data.client.get_active_calls())
    line = given.get("line")
    on_line = [call for call in calls if line is None or call.line == line]
    if (call_id := given.get("call_id")) is not None:
        if not any(call.id == call_id for call in on_line):
            raise invalid("call_id", "call_not_active", call_id=str(call_id))
        chosen = [call_id]
    else:
        chosen = [call.id for call in on_line]
    return {"hung_up": await end_calls(data, chosen)}


async def end_calls(data: Data, call_ids: list[int]) -> list[int]:
    """End calls in progress (the path of the action and the intent), then re-read them."""
    for call_id in call_ids:
        await data.active_calls.async_hang_up(call_id)
    await data.active_calls.async_refresh()
    return call_ids


def _call_filters(given: Fields) -> dict[str, Any]:
    names = ("direction", "line", "min_length", "max_length", "min_price", "max_price")
    return {name: given[name] for name in names if name in given}


async def _get_call_history(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    has_period = "from" in given or "to" in given
    if has_period == ("since_id" in given):
        raise invalid("since_id", "period_or_since_id")
    query: dict[str, Any] = {
        **_call_filters(given),
        "status": given.get("status"),
        "include_sms": given.get("include_sms", False),
    }
    if "phone_number_filter" in given:
        query["phone_number_filter"] = odorik_prefix(
            given["phone_number_filter"], "phone_number_filter"
        )
    if has_period:
        if "from" not in given or "to" not in given:
            raise invalid("to" if "from" in given else "from", "period_incomplete")
        query["start"], query["end"] = period(dict(given))
    else:
        query["since_id"] = given["since_id"]
    limit = given.get("limit")
    calls = await _pages(data, query, limit)
    return {"calls": [jsonable(call) for call in calls], "count": len(calls)}


async def _pages(data: Data, query: dict[str, Any], limit: int | None) -> list[Call]:
    """Read the history page by page; with a limit, stop as soon as it is reached.

    A page is judged full by the records Odorik listed, not by those that could be
    read: one unreadable record must not end the history early. A record on two
    pages (the history moved while it was read) is given once.
    """
    if limit is None:
        return await data.account.async_ask(data.client.get_calls(**query))
    calls: dict[int, Call] = {}
    size = min(limit, MAX_PAGE_SIZE)
    for page in range(1, MAX_PAGES + 1):
        read = await data.account.async_ask(
            data.client.read_calls(**query, page_size=size, page=page)
        )
        for call in read.calls:
            calls.setdefault(call.id, call)
        if len(calls) >= limit or read.listed < size:
            break
    return list(calls.values())[:limit]


async def _get_call_statistics(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    start, end = period(dict(given))
    filters = _call_filters(given)
    totals = await data.account.async_ask(
        data.client.get_call_statistics(start=start, end=end, **filters)
    )
    destinations = await data.account.async_ask(
        data.client.get_call_statistics_by_destination(start=start, end=end, **filters)
    )
    # Odorik's missed-call statistics take no filter (page 001): they are the account's.
    missed = await data.account.async_ask(data.client.get_missed_calls(start=start, end=end))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "totals": jsonable(totals),
        "by_destination": jsonable(destinations),
        "missed_calls": jsonable(missed),
        "missed_calls_account_wide": True,
    }


async def _get_mobile_data(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    start, end = period(dict(given))
    number = given.get("phone_number")
    if number is not None:
        number = odorik_number(number, "phone_number")
    records = await data.mobile_data.async_ask(
        data.client.get_mobile_data(start=start, end=end, phone_number=number)
    )
    totals: dict[str, dict[str, float]] = {}
    for record in records:
        total = totals.setdefault(
            record.phone_number, {"bytes_up": 0, "bytes_down": 0, "bytes_total": 0, "price": 0.0}
        )
        total["bytes_up"] += record.bytes_up
        total["bytes_down"] += record.bytes_down
        total["bytes_total"] += record.bytes_total
        total["price"] = round(total["price"] + (record.price or 0.0), 4)
    return {"sim_cards": totals, "records": jsonable(records)}


def _routing_response(routing: PublicNumberRouting) -> dict[str, Any]:
    return {
        "public_number": routing.number.public_number,
        "routes": jsonable(routing.routes),
        "parallel_ringings": [ringing.ringing_number for ringing in routing.ringings],
    }


async def _get_routing(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    if "public_number" in given:
        number = _public_number(given["public_number"])
        routings = [await data.routing.async_ask(data.routing.async_read_public_number(number))]
    else:
        # Every listed number the login may read (a line login lists the account's).
        listed = await data.routing.async_ask(data.routing.async_read_all())
        routings = [routing for routing in listed if routing.readable]
    return {"public_numbers": [_routing_response(routing) for routing in routings]}


async def _add_route(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _public_number(given["public_number"])
    ringing = _target(given["ringing_number"], "ringing_number")
    source = given["source_number"]
    if source != "*":
        source = odorik_number(source, "source_number", codes=True, sip_names=True)
    # With replace, Odorik drops the other rules of this source itself, in the same
    # request: a refused rule leaves the old ones as they were.
    return _routing_response(
        await data.routing.async_add_route(number, source, ringing, replace=given["replace"])
    )


async def _remove_route(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _public_number(given["public_number"])
    route_id = given["route_id"]
    routes = await data.routing.async_ask(data.client.get_routes(number))
    if not any(route.id == route_id for route in routes):
        raise invalid("route_id", "route_not_found", route_id=str(route_id))
    return _routing_response(await data.routing.async_remove_route(number, route_id))


async def _add_parallel_ringing(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _public_number(given["public_number"])
    ringing = _target(given["ringing_number"], "ringing_number")
    return _routing_response(await data.routing.async_add_ringing(number, ringing))


async def _remove_parallel_ringing(
    hass: HomeAssistant, data: Data, given: Fields
) -> dict[str, Any]:
    number = _public_number(given["public_number"])
    ringing = _target(given["ringing_number"], "ringing_number")
    return _routing_response(await data.routing.async_remove_ringing(number, ringing))


def _sim_number(data: Data, value: str) -> str:
    number = odorik_number(value, "phone_number")
    if number not in data.account.data.sim_cards:
        raise invalid("phone_number", "unknown_sim_card", value=str(value))
    return number


def _check_offered(card: SimCard, given: Fields) -> None:
    """Refuse a value Odorik does not offer for this SIM card (where it lists them)."""
    for name, listed in _OFFERED.items():
        if name not in given:
            continue
        options = getattr(card, listed)
        if options is not None and given[name] not in {option.name for option in options}:
            offered = ", ".join(option.name for option in options) or "-"
            raise invalid(name, "option_not_offered", value=str(given[name]), offered=offered)


async def _set_sim_options(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = _sim_number(data, given["phone_number"])
    settings = {key: value for key, value in given.items() if key != "phone_number"}
    if not settings:
        raise invalid("phone_number", "nothing_to_change")
    card = await data.account.async_ask(
        data.client.get_sim_card(
            number,
            include_available_data_packages=True,
            include_available_credit_addons=True,
            include_available_packages_delayed_billing=True,
            include_available_roaming_settings=True,
        )
    )
    _check_offered(card, settings)
    known = {item.name for item in fields(SimCardUpdate)}
    update = SimCardUpdate(**{key: value for key, value in settings.items() if key in known})
    await data.account.async_update_sim(number, update)
    return {"sim_card": jsonable(data.account.sim_card(number))}


async def _assign_number_to_sim(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    number = odorik_number(given["phone_number"], "phone_number")
    iccid = str(given["iccid"]).replace(" ", "")
    if not _ICCID.fullmatch(iccid):
        raise invalid("iccid", "invalid_iccid")
    if not _PIN.fullmatch(str(given["pin"])):
        raise invalid("pin", "invalid_pin")
    await data.account.async_run_change(
        data.client.assign_number_to_sim(
            number,
            iccid=iccid,
            pin=str(given["pin"]),
            delayed_activation=given["delayed_activation"],
        )
    )
    await data.account.async_refresh_sim_cards()  # only the SIM cards changed
    return {"phone_number": number, "delayed_activation": given["delayed_activation"]}


ACTIONS: dict[str, OperatorAction[Data]] = dict(
    [
        offer("callback", _callback, without={"sip", "predicted"}),
        offer("send_sms", _send_sms),
        offer("hang_up", _hang_up),
        offer("get_call_history", _get_call_history),
        offer("get_call_statistics", _get_call_statistics),
        offer("get_mobile_data", _get_mobile_data),
        offer("get_routing", _get_routing),
        offer("add_route", _add_route),
        offer("remove_route", _remove_route),
        offer("add_parallel_ringing", _add_parallel_ringing),
        offer("remove_parallel_ringing", _remove_parallel_ringing),
        offer("set_sim_options", _set_sim_options),
        offer("assign_number_to_sim", _assign_number_to_sim),
    ]
)
