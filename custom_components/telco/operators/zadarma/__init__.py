"""Zadarma: an account with a balance, SIP lines and direct numbers.

The declaration (``ZADARMA``) of this package's client connection, coordinators
(``coordinators.py``), entities (``entities.py``), actions (``actions.py``) and repair
issues (``repairs.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
import hashlib
from typing import Any, Final

from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant

from ...api import TelcoApiError
from ...api.zadarma import DEFAULT_ZADARMA_URL, ZadarmaClient
from ...const import CONF_API_SECRET, OPERATOR_ZADARMA
from ...model.declaration import AccountIdentity, Operator, TelcoConfigEntry
from .actions import ACTIONS
from .calls import ZadarmaCallsCoordinator
from .client import connect
from .coordinators import ZadarmaAccountCoordinator, ZadarmaRuntimeData
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
from .history import history
from .numbers import zadarma_number
from .push import PUSH, push_enabled
from .repairs import watch_expiring_numbers
from .voice import VOICE

type Data = ZadarmaRuntimeData


# How Zadarma refuses ``GET /v1/pbx/internal/`` to a key that has no PBX: its spec lists
# only HTTP 400 beside 401 and 429, and the message is undocumented ("PBX not found" in
# the simulator); a key may also be told "not allowed", or the server may not know the
# method. Anything else (a rate limit, an HTTP-200 error, a connection error) says
# nothing about the PBX and is raised. HTTP 401 and 403 raise the authentication error,
# which cannot be told apart from a wrong key, and is raised too.
_NO_PBX: Final = frozenset({"bad_request", "not_found", "not_allowed", "unknown_method"})


async def _identify(client: ZadarmaClient, data: Mapping[str, Any]) -> AccountIdentity:
    """Name the account by its PBX id, which a new API key keeps.

    An account without a PBX has no identity of its own in the API; it is then named
    by a digest of its key (never the key itself), and a new key is a new account.
    Only Zadarma's refusal says there is no PBX: a connection error or a rate limit
    is raised, so that the flow asks again instead of storing the wrong name for good.
    """
    await client.get_balance()
    try:
        pbx = await client.get_pbx()
    except TelcoApiError as err:
        if err.token not in _NO_PBX:
            raise
        return _named_by_key(data)
    return AccountIdentity(unique_id=f"zadarma_{pbx.pbx_id}", title=f"Zadarma {pbx.pbx_id}")


def _named_by_key(data: Mapping[str, Any]) -> AccountIdentity:
    digest = hashlib.sha256(str(data[CONF_API_KEY]).encode()).hexdigest()[:12]
    return AccountIdentity(unique_id=f"zadarma_key_{digest}", title="Zadarma")


def _start(
    hass: HomeAssistant, entry: TelcoConfigEntry, client: ZadarmaClient, account_device_id: str
) -> Data:
    account = ZadarmaAccountCoordinator(hass, entry, client)
    return ZadarmaRuntimeData(
        operator=ZADARMA,
        account_device_id=account_device_id,
        client=client,
        account=account,
        calls=ZadarmaCallsCoordinator(
            hass,
            entry,
            client,
            own_numbers=lambda: account.data.own_numbers if account.data else frozenset(),
            pushed=push_enabled(entry),
        ),
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
    connect=connect,
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
    voice=VOICE,
    history=history,
    watch=watch_expiring_numbers,
    push=PUSH,
)
