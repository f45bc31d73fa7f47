"""The shape of an operator declaration, and of the runtime data of a loaded entry.

Each package under ``operators/`` declares one ``Operator``: its config-flow fields
and default address, how to build its client and name its account, its coordinators,
what its entities belong to and which entities exist, its actions and its
diagnostics. The flow, the setup, the platforms, diagnostics and repairs read these
declarations; nothing outside the operators and ``api/`` asks which operator an entry
has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .coordinator import TelcoCoordinator
from .descriptions import (
    Subject,
    TelcoBinarySensorDescription,
    TelcoButtonDescription,
    TelcoEntityDescription,
    TelcoEventDescription,
    TelcoNotifyDescription,
    TelcoSelectDescription,
    TelcoSensorDescription,
    TelcoSwitchDescription,
    TelcoTextDescription,
)
from .history import HistorySource
from .items import ItemTracker
from .voice import Voice


@dataclass(kw_only=True)
class TelcoRuntimeData:
    """What a loaded entry holds: its operator's declaration, account device and coordinators.

    Each operator derives its own, with its client and coordinators as fields.
    """

    operator: Operator[Any, Any]
    account_device_id: str
    # Set once the first polls succeeded: which SIM cards, numbers and lines exist.
    items: ItemTracker = field(init=False)

    @property
    def coordinators(self) -> tuple[TelcoCoordinator[Any, Any], ...]:
        """Return every coordinator, e.g. to refresh them all at setup."""
        raise NotImplementedError


type TelcoConfigEntry = ConfigEntry[TelcoRuntimeData]


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
class OperatorAction[DataT: TelcoRuntimeData]:
    """How an operator answers one service action.

    ``fields`` are the action's fields this operator takes (others are refused before
    anything is sent); ``run`` gets the action's validated data and returns the
    response (JSON-friendly), which Home Assistant passes on when asked for.
    """

    fields: frozenset[str]
    run: Callable[[HomeAssistant, DataT, Mapping[str, Any]], Awaitable[dict[str, Any]]]


class PushError(Exception):
    """Push could not be turned on or off; ``reason`` is the options form's error key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        """Keep the reason (a translation key of the options form)."""
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True, kw_only=True)
class PushPlan:
    """Where the operator is to push events: our URL, and the URLs of others it replaces."""

    webhook_id: str
    url: str
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PushSupport:
    """How an operator pushes its events to Home Assistant's webhook (the option ``push_events``).

    ``prepare`` finds the URL (a Home Assistant Cloud cloudhook, or the external URL)
    and the URLs set at the operator that ours would replace, changing nothing;
    ``enable`` registers ours there; ``disable`` removes ours (only where it is still
    ours) and the webhook. Each raises ``PushError``; ``start`` follows the webhook
    while the entry is loaded, and ``repair`` registers our URL again.
    """

    prepare: Callable[[HomeAssistant, TelcoConfigEntry], Awaitable[PushPlan]]
    enable: Callable[[HomeAssistant, TelcoConfigEntry, PushPlan], Awaitable[None]]
    disable: Callable[[HomeAssistant, TelcoConfigEntry], Awaitable[None]]
    start: Callable[[HomeAssistant, TelcoConfigEntry, Any], None]
    # Registers our URL again, the fix of the repair issue of push that stopped.
    repair: Callable[[HomeAssistant, TelcoConfigEntry], Awaitable[None]]


def _no_history(
    _hass: HomeAssistant, _entry: TelcoConfigEntry, _data: Any
) -> tuple[HistorySource, ...]:
    """Import no history into long-term statistics."""
    return ()


def _nothing_to_watch(_hass: HomeAssistant, _entry: TelcoConfigEntry, _data: Any) -> None:
    """Watch nothing beyond the entities."""


@dataclass(frozen=True, kw_only=True)
class Operator[ClientT, DataT: TelcoRuntimeData]:
    """Everything Home Assistant needs to know about one operator."""

    key: str
    name: str
    manufacturer: str
    account_url: str
    default_url: str
    # The config-flow field naming the account, the secret, and what reauth asks for.
    account_field: str
    secret_field: str
    reauth_fields: tuple[str, ...]
    connect: Callable[[ClientSession, Mapping[str, Any]], ClientT]
    # Brings a phone number to the operator's format; refuses it naming the field.
    phone_number: Callable[[str, str], str]
    # Checks the credentials (raising the client's errors) and names the account.
    identify: Callable[[ClientT, Mapping[str, Any]], Awaitable[AccountIdentity]]
    # Builds the coordinators around the client, given the account device's registry id.
    start: Callable[[HomeAssistant, TelcoConfigEntry, ClientT, str], DataT]
    # What the entities belong to, and the entities of each platform.
    subjects: tuple[Subject[DataT], ...]
    sensors: tuple[TelcoSensorDescription[DataT], ...] = ()
    binary_sensors: tuple[TelcoBinarySensorDescription[DataT], ...] = ()
    switches: tuple[TelcoSwitchDescription[DataT], ...] = ()
    selects: tuple[TelcoSelectDescription[DataT], ...] = ()
    buttons: tuple[TelcoButtonDescription[DataT], ...] = ()
    texts: tuple[TelcoTextDescription[DataT], ...] = ()
    notifiers: tuple[TelcoNotifyDescription[DataT], ...] = ()
    # The service actions this operator offers, by name (services.py registers them all).
    actions: Mapping[str, OperatorAction[DataT]] = field(default_factory=dict)
    events: tuple[TelcoEventDescription[DataT], ...] = ()
    # The last poll of each coordinator, for diagnostics (redacted by the caller).
    diagnostics: Callable[[DataT], dict[str, Any]]
    # Anything else to follow while the entry is loaded (e.g. repair issues).
    watch: Callable[[HomeAssistant, TelcoConfigEntry, DataT], None] = _nothing_to_watch
    # Events the operator can push to Home Assistant, when the user turns it on.
    push: PushSupport | None = None
    # What the intents may ask of the account (intents.py, llm.py); None for nothing.
    voice: Voice[DataT] | None = None
    # The history to import as long-term statistics, read once the first polls succeeded.
    history: Callable[[HomeAssistant, TelcoConfigEntry, DataT], tuple[HistorySource, ...]] = (
        _no_history
    )

    @property
    def descriptions(self) -> tuple[TelcoEntityDescription[DataT], ...]:
        """Return the descriptions of the entities of every platform."""
        return (
            *self.sensors,
            *self.binary_sensors,
            *self.switches,
            *self.selects,
            *self.buttons,
            *self.texts,
            *self.notifiers,
            *self.events,
        )
