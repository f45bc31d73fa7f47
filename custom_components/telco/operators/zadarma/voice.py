"""What the intents may ask of a Zadarma account: its balance and a callback.

The balance is the last poll's; the callback takes the write path of the service
action, which checks both numbers in Zadarma's format before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant

from ...model.voice import Spoken, Voice
from .actions import ACTIONS
from .coordinators import ZadarmaRuntimeData
from .entities import SENSORS

type Data = ZadarmaRuntimeData

_BALANCE = next(description for description in SENSORS if description.key == "balance")


def _balance(data: Data) -> tuple[float, str]:
    balance = data.account.data.balance
    return balance.balance, balance.currency


async def _callback(
    hass: HomeAssistant, data: Data, caller: str, recipient: str
) -> Mapping[str, Any]:
    return await ACTIONS["callback"].run(hass, data, {"caller": caller, "recipient": recipient})


VOICE: Voice[Data] = Voice(
    balance=Spoken(sensor=_BALANCE, run=_balance),
    # Zadarma has no calls-in-progress sensor: a callback goes with the account's balance.
    callback=Spoken(sensor=_BALANCE, run=_callback),
)
