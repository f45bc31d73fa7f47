"""Odorik.cz: an account (or one line) with SIM cards, public numbers and calls.

The declaration (``ODORIK``) of this package's client connection, coordinators
(``coordinators.py``), entities (``entities.py``) and actions (``actions.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Final

from aiohttp import ClientSession
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant

from ...api import TelcoApiError
from ...api.odorik import DEFAULT_ODORIK_URL, OdorikClient
from ...const import OPERATOR_ODORIK
from ...model.declaration import AccountIdentity, Operator, TelcoConfigEntry
from .account import OdorikAccountCoordinator
from .actions import ACTIONS
from .coordinators import (
    OdorikActiveCallsCoordinator,
    OdorikCallsCoordinator,
    OdorikMobileDataCoordinator,
    OdorikRuntimeData,
)
from .entities import (
    ACCOUNT,
    BINARY_SENSORS,
    BUTTONS,
    NOTIFIERS,
    PUBLIC_NUMBER,
    SELECTS,
    SENSORS,
    SIM,
    SWITCHES,
)
from .events import EVENTS
from .history import history
from .numbers import odorik_number
from .routing import OdorikRoutingCoordinator
from .voice import VOICE

type Data = OdorikRuntimeData


def _connect(session: ClientSession, data: Mapping[str, Any]) -> OdorikClient:
    return OdorikClient(session, data[CONF_USERNAME], data[CONF_PASSWORD], base_url=data[CONF_URL])


# How Odorik refuses a login something it may not do (its ``unauthorized`` token), or
# answers a method it does not offer (HTTP 403 and 404).
_CANNOT_LIST_LINES: Final = frozenset({"unauthorized", "http_403", "http_404"})


async def _identify(client: OdorikClient, data: Mapping[str, Any]) -> AccountIdentity:
    """Tell an account login from a line login: a line sees itself among its lines.

    An account's lines are kept as the names under which the same account may be
    configured already; a line login cannot learn its account, so only the account
    side can tell they belong together.
    """
    await client.get_balance()
    user = str(data[CONF_USERNAME])
    try:
        lines = {str(line.id) for line in await client.get_lines()}
    except TelcoApiError as err:
        # The credentials work (the balance answered); a login that may not list
        # lines is still told apart from the others by its own name. Only Odorik's
        # refusal says so: an outage or a rate limit is raised, not taken for one.
        if not _CANNOT_LIST_LINES.intersection(err.tokens):
            raise
        lines = set()
    if user in lines:
        return AccountIdentity(unique_id=f"odorik_line_{user}", title=f"Odorik line {user}")
    return AccountIdentity(
        unique_id=f"odorik_{user}",
        title=f"Odorik {user}",
        also_known_as=frozenset(f"odorik_line_{line}" for line in lines),
    )


def _start(
    hass: HomeAssistant, entry: TelcoConfigEntry, client: OdorikClient, account_device_id: str
) -> Data:
    account = OdorikAccountCoordinator(hass, entry, client)
    return OdorikRuntimeData(
        operator=ODORIK,
        account_device_id=account_device_id,
        client=client,
        account=account,
        active_calls=OdorikActiveCallsCoordinator(hass, entry, client),
        calls=OdorikCallsCoordinator(hass, entry, client, on_records=account.async_calls_recorded),
        mobile_data=OdorikMobileDataCoordinator(hass, entry, client),
        routing=OdorikRoutingCoordinator(hass, entry, client),
    )


def _diagnostics(data: Data) -> dict[str, Any]:
    account = data.account.data
    return {
        "balance": account.balance,
        "statistics": asdict(account.statistics),
        "missed_calls": account.missed_calls,
        "sim_cards": [asdict(card) for card in account.sim_cards.values()],
        "active_calls": [asdict(call) for call in data.active_calls.data],
        "mobile_data": [asdict(usage) for usage in data.mobile_data.data.values()],
        "public_numbers": [asdict(routing) for routing in data.routing.data.values()],
        "call_cursor": data.calls.cursor.as_dict() if data.calls.cursor else None,
    }


ODORIK: Operator[OdorikClient, Data] = Operator(
    key=OPERATOR_ODORIK,
    name="Odorik",
    manufacturer="Odorik.cz",
    account_url="https://www.odorik.cz/ucet/",
    default_url=DEFAULT_ODORIK_URL,
    account_field=CONF_USERNAME,
    secret_field=CONF_PASSWORD,
    reauth_fields=(CONF_PASSWORD,),
    connect=_connect,
    phone_number=odorik_number,
    identify=_identify,
    start=_start,
    subjects=(ACCOUNT, SIM, PUBLIC_NUMBER),
    sensors=SENSORS,
    binary_sensors=BINARY_SENSORS,
    switches=SWITCHES,
    selects=SELECTS,
    buttons=BUTTONS,
    notifiers=NOTIFIERS,
    actions=ACTIONS,
    events=EVENTS,
    diagnostics=_diagnostics,
    voice=VOICE,
    history=history,
)
