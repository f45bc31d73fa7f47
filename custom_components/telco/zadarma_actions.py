"""How Zadarma answers the service actions (declared in zadarma.py).

Numbers are sent as Zadarma wants them: digits only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant

from .action_input import jsonable, zadarma_number, zadarma_sip
from .coordinator import ZadarmaRuntimeData
from .declaration import OperatorAction
from .services import offered_fields

type Data = ZadarmaRuntimeData
type Fields = Mapping[str, Any]


async def _callback(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    sip = given.get("sip")
    result = await data.account.async_ask(
        data.client.request_callback(
            zadarma_number(given["caller"], "caller"),
            zadarma_number(given["recipient"], "recipient"),
            sip=zadarma_sip(sip, "sip") if sip is not None else None,
            predicted=given.get("predicted", False),
        )
    )
    answer: dict[str, Any] = jsonable(result)
    return answer


async def send_sms(data: Data, recipient: str, message: str, sender: str | None) -> dict[str, Any]:
    """Send an SMS (the path of both the action and the notify entity)."""
    number = zadarma_number(recipient, "recipient")
    result = await data.account.async_run_change(
        data.client.send_sms(number, message, sender=sender)
    )
    await data.account.async_request_refresh()  # the balance went down
    answer: dict[str, Any] = jsonable(result)
    return answer


async def _send_sms(hass: HomeAssistant, data: Data, given: Fields) -> dict[str, Any]:
    return await send_sms(data, given["recipient"], given["message"], given.get("sender"))


ACTIONS: dict[str, OperatorAction[Data]] = {
    "callback": OperatorAction(
        fields=offered_fields(
            "callback", without=lambda field: field in {"delayed", "line", "simple"}
        ),
        run=_callback,
    ),
    "send_sms": OperatorAction(fields=offered_fields("send_sms"), run=_send_sms),
}
