"""Zadarma: an account with a balance, SIP lines and direct numbers.

The declaration (``ZADARMA``) of this package's client connection, coordinators
(``coordinators.py``), entities (``entities.py``), actions (``actions.py``) and repair
issues (``repairs.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
import hashlib
from typing import Any

from aiohttp import ClientSession
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant

from ...api import TelcoApiError
from ...api.zadarma import DEFAULT_ZADARMA_URL, ZadarmaClient
from ...const import CONF_ACCOUNT_INTERVAL, CONF_API_SECRET, OPERATOR_ZADARMA
from ...model.declaration import AccountIdentity, Operator, TelcoConfigEntry
from .actions import ACTIONS
from .coordinators import ZadarmaAccountCoordinator, ZadarmaCallsCoordinator, ZadarmaRuntimeData
from .entities import (
    ACCOUNT,
    BINARY_SENSORS,
    DIRECT_NUMBER,
    EVENTS,
    NOTIFIERS,
    SENSORS,
    SIP,
    SWITCHES,
    TEXTS,
)
from .numbers import zadarma_number
from .repairs import watch_expiring_numbers

type Data = ZadarmaRuntimeData


def _connect(session: ClientSession, data: Mapping[str, Any]) -> ZadarmaClient:
    return ZadarmaClient(
        session, data[CONF_API_KEY], data[CONF_API_SECRET], base_url=data[CONF_URL]
    )


async def _identify(client: ZadarmaClient, data: Mapping[str, Any]) -> AccountIdentity:
    """Name the account by its PBX id, which a new API key keeps.

    An account without a PBX has no identity of its own in the API; it is then named
    by a digest of its key (never the key itself), and a new key is a new account.
    """
    await client.get_balance()
    try:
        pbx = await client.get_pbx()
    except TelcoApiError:
        digest = hashlib.sha256(str(data[CONF_API_KEY]).encode()).hexdigest()[:12]
        return AccountIdentity(unique_id=f"zadarma_key_{digest}", title="Zadarma")
    return AccountIdentity(unique_id=f"zadarma_{pbx.pbx_id}", title=f"Zadarma {pbx.pbx_id}")


def _start(
    hass: HomeAssistant, entry: TelcoConfigEntry, client: ZadarmaClient, account_device_id: str
) -> Data:
    return ZadarmaRuntimeData(
        operator=ZADARMA,
        account_device_id=account_device_id,
        client=client,
        account=ZadarmaAccountCoordinator(hass, entry, client),
        calls=ZadarmaCallsCoordinator(hass, entry, client),
    )


def _diagnostics(data: Data) -> dict[str, Any]:
    account = data.account.data
    return {
        "balance": asdict(account.balance),
        "direct_numbers": [asdict(number) for number in account.numbers.values()],
        "sips": [
            {**asdict(sip), "is_online": account.sip_online.get(sip.id)}
            for sip in account.sips.values()
        ],
        "call_cursor": data.calls.cursor.as_dict() if data.calls.cursor else None,
    }


ZADARMA: Operator[ZadarmaClient, Data] = Operator(
    key=OPERATOR_ZADARMA,
    name="Zadarma",
    manufacturer="Zadarma",
    account_url="https://my.zadarma.com/",
    default_url=DEFAULT_ZADARMA_URL,
    account_field=CONF_API_KEY,
    secret_field=CONF_API_SECRET,
    reauth_fields=(CONF_API_KEY, CONF_API_SECRET),
    intervals=(CONF_ACCOUNT_INTERVAL,),
    connect=_connect,
    phone_number=zadarma_number,
    identify=_identify,
    start=_start,
    subjects=(ACCOUNT, DIRECT_NUMBER, SIP),
    sensors=SENSORS,
    binary_sensors=BINARY_SENSORS,
    switches=SWITCHES,
    texts=TEXTS,
    events=EVENTS,
    notifiers=NOTIFIERS,
    actions=ACTIONS,
    diagnostics=_diagnostics,
    watch=watch_expiring_numbers,
)
