"""What Home Assistant needs to know about each operator: one declaration each.

The config flow, the entry setup, devices, diagnostics and repairs read these
declarations; nothing outside this module and ``api/`` asks which operator an
entry belongs to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
import hashlib
from typing import Any

from aiohttp import ClientSession
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .api import TelcoApiError, TelcoError
from .api.odorik import DEFAULT_ODORIK_URL, OdorikClient
from .api.zadarma import DEFAULT_ZADARMA_URL, ZadarmaClient
from .const import (
    CONF_ACCOUNT_INTERVAL,
    CONF_ACTIVE_CALLS_INTERVAL,
    CONF_API_SECRET,
    CONF_OPERATOR,
    CONF_SLOW_INTERVAL,
    OPERATOR_ODORIK,
    OPERATOR_ZADARMA,
)
from .coordinator import (
    OdorikAccountCoordinator,
    OdorikActiveCallsCoordinator,
    OdorikMobileDataCoordinator,
    OdorikRoutingCoordinator,
    OdorikRuntimeData,
    TelcoConfigEntry,
    TelcoRuntimeData,
    ZadarmaAccountCoordinator,
    ZadarmaRuntimeData,
)


@dataclass(frozen=True, kw_only=True)
class AccountIdentity:
    """Who an account is, as far as its operator tells.

    ``unique_id`` names the config entry, its devices and entities; it survives a
    change of password or key wherever the operator offers a lasting identity.
    ``also_known_as`` lists the unique ids under which the same account may already
    be configured (an Odorik account's lines).
    """

    unique_id: str
    title: str
    also_known_as: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class Operator[ClientT]:
    """One operator: its config-flow fields, its client and its device facts."""

    key: str
    name: str
    manufacturer: str
    account_url: str
    default_url: str
    # The field naming the account, the secret, and what reauthentication asks for.
    account_field: str
    secret_field: str
    reauth_fields: tuple[str, ...]
    # The poll-interval options that apply to this operator's coordinators.
    intervals: tuple[str, ...]
    connect: Callable[[ClientSession, Mapping[str, Any]], ClientT]
    # Checks the credentials (raising the client's errors) and names the account.
    identify: Callable[[ClientT, Mapping[str, Any]], Awaitable[AccountIdentity]]
    # Builds the entry's coordinators around the client (the account device is registered).
    start: Callable[[HomeAssistant, TelcoConfigEntry, ClientT, str], TelcoRuntimeData]


# --- Odorik -------------------------------------------------------------------------------


def _odorik_client(session: ClientSession, data: Mapping[str, Any]) -> OdorikClient:
    return OdorikClient(session, data[CONF_USERNAME], data[CONF_PASSWORD], base_url=data[CONF_URL])


async def _identify_odorik(client: OdorikClient, data: Mapping[str, Any]) -> AccountIdentity:
    """Tell an account login from a line login: a line sees itself among its lines.

    An account's lines are kept as the names under which the same account may be
    configured already; a line login cannot learn its account, so only the account
    side can tell they belong together.
    """
    await client.get_balance()
    user = str(data[CONF_USERNAME])
    try:
        lines = {str(line.id) for line in await client.get_lines()}
    except TelcoError:
        # The credentials work (the balance answered); a login that may not list
        # lines is still told apart from the others by its own name.
        lines = set()
    if user in lines:
        return AccountIdentity(unique_id=f"odorik_line_{user}", title=f"Odorik line {user}")
    return AccountIdentity(
        unique_id=f"odorik_{user}",
        title=f"Odorik {user}",
        also_known_as=frozenset(f"odorik_line_{line}" for line in lines),
    )


def _start_odorik(
    hass: HomeAssistant, entry: TelcoConfigEntry, client: OdorikClient, account_device_id: str
) -> OdorikRuntimeData:
    return OdorikRuntimeData(
        account_device_id=account_device_id,
        client=client,
        account=OdorikAccountCoordinator(hass, entry, client),
        active_calls=OdorikActiveCallsCoordinator(hass, entry, client),
        mobile_data=OdorikMobileDataCoordinator(hass, entry, client),
        routing=OdorikRoutingCoordinator(hass, entry, client),
    )


ODORIK: Operator[OdorikClient] = Operator(
    key=OPERATOR_ODORIK,
    name="Odorik",
    manufacturer="Odorik.cz",
    account_url="https://www.odorik.cz/ucet/",
    default_url=DEFAULT_ODORIK_URL,
    account_field=CONF_USERNAME,
    secret_field=CONF_PASSWORD,
    reauth_fields=(CONF_PASSWORD,),
    intervals=(CONF_ACTIVE_CALLS_INTERVAL, CONF_ACCOUNT_INTERVAL, CONF_SLOW_INTERVAL),
    connect=_odorik_client,
    identify=_identify_odorik,
    start=_start_odorik,
)


# --- Zadarma ------------------------------------------------------------------------------


def _zadarma_client(session: ClientSession, data: Mapping[str, Any]) -> ZadarmaClient:
    return ZadarmaClient(
        session, data[CONF_API_KEY], data[CONF_API_SECRET], base_url=data[CONF_URL]
    )


async def _identify_zadarma(client: ZadarmaClient, data: Mapping[str, Any]) -> AccountIdentity:
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


def _start_zadarma(
    hass: HomeAssistant, entry: TelcoConfigEntry, client: ZadarmaClient, account_device_id: str
) -> ZadarmaRuntimeData:
    return ZadarmaRuntimeData(
        account_device_id=account_device_id,
        client=client,
        account=ZadarmaAccountCoordinator(hass, entry, client),
    )


ZADARMA: Operator[ZadarmaClient] = Operator(
    key=OPERATOR_ZADARMA,
    name="Zadarma",
    manufacturer="Zadarma",
    account_url="https://my.zadarma.com/",
    default_url=DEFAULT_ZADARMA_URL,
    account_field=CONF_API_KEY,
    secret_field=CONF_API_SECRET,
    reauth_fields=(CONF_API_KEY, CONF_API_SECRET),
    intervals=(CONF_ACCOUNT_INTERVAL,),
    connect=_zadarma_client,
    identify=_identify_zadarma,
    start=_start_zadarma,
)


OPERATORS: dict[str, Operator[Any]] = {operator.key: operator for operator in (ODORIK, ZADARMA)}


def operator_of(data: Mapping[str, Any]) -> Operator[Any]:
    """Return the operator of a config entry (from its data)."""
    return OPERATORS[data[CONF_OPERATOR]]
