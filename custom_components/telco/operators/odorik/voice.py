"""What the intents may ask of an Odorik account: balance, mobile data, calls, callback.

Each reads the coordinators' last polls or takes the write path of the matching
service action; numbers are checked in Odorik's format before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant

from ...const import ODORIK_CURRENCY
from ...model.voice import Spoken, Voice
from .actions import ACTIONS, end_calls
from .coordinators import OdorikRuntimeData
from .entities import SENSORS
from .numbers import odorik_number

type Data = OdorikRuntimeData

_SENSORS = {description.key: description for description in SENSORS}


def _balance(data: Data) -> tuple[float, str]:
    return data.account.data.balance, ODORIK_CURRENCY


def _data_used(data: Data) -> Mapping[str, int]:
    usage = data.mobile_data.data
    return {
        number: usage[number].bytes_total if number in usage else 0
        for number in data.account.data.sim_cards
    }


async def _hang_up(hass: HomeAssistant, data: Data, number: str | None) -> list[int]:
    """End the calls from or to ``number`` in progress now, or every one."""
    wanted = odorik_number(number, "number", codes=True) if number is not None else None
    calls = await data.active_calls.async_ask(data.client.get_active_calls())
    chosen = [
        call.id
        for call in calls
        if wanted is None or wanted in {call.source_number, call.destination_number}
    ]
    if not chosen:
        return []
    return await end_calls(data, chosen)


async def _callback(
    hass: HomeAssistant, data: Data, caller: str, recipient: str
) -> Mapping[str, Any]:
    return await ACTIONS["callback"].run(hass, data, {"caller": caller, "recipient": recipient})


VOICE: Voice[Data] = Voice(
    balance=Spoken(sensor=_SENSORS["balance"], run=_balance),
    data_used=Spoken(sensor=_SENSORS["data_used"], run=_data_used),
    hang_up=Spoken(sensor=_SENSORS["active_calls"], run=_hang_up),
    # A callback is two calls of the account: allowed with its calls in progress.
    callback=Spoken(sensor=_SENSORS["active_calls"], run=_callback),
)
