"""What entities belong to, and the descriptions every platform's entities are made from.

Every entity belongs to a *subject*: the account itself, or one item of a kind the
account has (a SIM card, a public number, a direct number, a SIP line). Each
platform has one entity class, driven by frozen descriptions that say which subject
they belong to, whether an item has such an entity (``exists_fn``), when it is
available (``available_fn``), how it reads its state and, for writes, how it asks
the coordinator's write path for a change (``set_fn`` and kin). Each operator's
declaration (``operators/<operator>/``) lists its subjects and descriptions.

``DataT`` is the runtime data of the operator's entries (a
``declaration.TelcoRuntimeData``); it is left unbound here, below the declaration.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntityDescription
from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.event import EventEntityDescription
from homeassistant.components.notify import NotifyEntityDescription
from homeassistant.components.select import SelectEntityDescription
from homeassistant.components.sensor import SensorEntityDescription
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.components.text import TextEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.typing import StateType

from ..const import DOMAIN
from .coordinator import TelcoCoordinator


@dataclass(frozen=True, kw_only=True)
class DeviceFacts:
    """What the device of one item is called and what it is."""

    name: str
    model: str
    serial_number: str | None = None


def device_model(hass: HomeAssistant, key: str, default: str, **placeholders: str) -> str:
    """Return a device model in Home Assistant's language, from ``device.<key>.name``.

    Home Assistant translates a device's name (``translation_key``) but not its
    model, so the model is looked up here the way the device registry looks up a
    name: in the system language, from the translations loaded with the integration.
    ``default`` (English) is used when there is no translation.
    """
    translations = translation.async_get_cached_translations(
        hass, hass.config.language, "device", DOMAIN
    )
    text = translations.get(f"component.{DOMAIN}.device.{key}.name", default)
    try:
        return text.format(**placeholders)
    except (KeyError, IndexError, ValueError):
        return default.format(**placeholders)


def display_number(number: str) -> str:
    """Format an operator number (00420…, 4420…) for a device name: +420 799 799 081."""
    digits = number.removeprefix("00").removeprefix("+")
    if not digits.isdigit():
        return number
    if digits.startswith("420") and len(digits) == 12:
        return f"+420 {digits[3:6]} {digits[6:9]} {digits[9:]}"
    return f"+{digits}"


def _no_placeholders(_item: str) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True, kw_only=True)
class Subject[DataT]:
    """A kind of thing entities belong to: the account, or items such as SIM cards.

    ``key`` names the kind in device identifiers (empty for the account itself);
    ``items_fn`` lists the items the last successful poll of ``coordinator_fn``
    returned; ``device_fn`` describes an item's device, or is None when the items'
    entities sit on the account's device (SIP lines); ``id_prefix`` goes before the
    item in unique ids.
    """

    key: str
    coordinator_fn: Callable[[DataT], TelcoCoordinator[Any, Any]]
    items_fn: Callable[[DataT], Collection[str]]
    device_fn: Callable[[DataT, str], DeviceFacts] | None = None
    id_prefix: str = ""
    placeholders_fn: Callable[[str], Mapping[str, str]] = _no_placeholders


def account_subject[DataT](
    coordinator_fn: Callable[[DataT], TelcoCoordinator[Any, Any]],
) -> Subject[DataT]:
    """Return the subject of the account itself: one item, the account's own device."""
    return Subject(key="", coordinator_fn=coordinator_fn, items_fn=lambda _data: ("",))


def _always(_data: Any, _item: str) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class TelcoEntityDescription[DataT](EntityDescription):
    """What every description says: its subject, its coordinator, when it exists.

    ``coordinator_fn`` names the coordinator whose polls hold the state, when it is
    not the subject's (a SIM card's mobile data comes from its own poll).
    """

    subject: Subject[DataT]
    coordinator_fn: Callable[[DataT], TelcoCoordinator[Any, Any]] | None = None
    exists_fn: Callable[[DataT, str], bool] = _always
    available_fn: Callable[[DataT, str], bool] = _always


@dataclass(frozen=True, kw_only=True)
class TelcoSensorDescription[DataT](TelcoEntityDescription[DataT], SensorEntityDescription):
    """A sensor: its value, and what the account must tell (unit, attributes, cycle).

    ``unit_fn`` gives a unit known only from the account (Zadarma's currency);
    ``last_reset_fn`` the start of the cycle a ``total`` belongs to.
    """

    value_fn: Callable[[DataT, str], StateType | datetime]
    unit_fn: Callable[[DataT], str] | None = None
    attributes_fn: Callable[[DataT, str], dict[str, Any]] | None = None
    last_reset_fn: Callable[[DataT], datetime] | None = None


@dataclass(frozen=True, kw_only=True)
class TelcoBinarySensorDescription[DataT](
    TelcoEntityDescription[DataT], BinarySensorEntityDescription
):
    """A binary sensor: whether it is on, and what it lists."""

    is_on_fn: Callable[[DataT, str], bool]
    attributes_fn: Callable[[DataT, str], dict[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class TelcoSwitchDescription[DataT](TelcoEntityDescription[DataT], SwitchEntityDescription):
    """A setting that is on or off: how it reads, and how to ask the operator to change it.

    ``set_fn`` goes through the coordinator's write path, which translates refusals,
    shows the real state again after one, and re-reads what changed.
    """

    is_on_fn: Callable[[DataT, str], bool]
    set_fn: Callable[[DataT, str, bool], Awaitable[object]]


@dataclass(frozen=True, kw_only=True)
class TelcoSelectDescription[DataT](TelcoEntityDescription[DataT], SelectEntityDescription):
    """A setting chosen from what the operator offers for that item.

    ``set_fn`` goes through the coordinator's write path.
    """

    options_fn: Callable[[DataT, str], list[str]]
    current_fn: Callable[[DataT, str], str | None]
    set_fn: Callable[[DataT, str, str], Awaitable[object]]


@dataclass(frozen=True, kw_only=True)
class TelcoButtonDescription[DataT](TelcoEntityDescription[DataT], ButtonEntityDescription):
    """An action at the operator; ``press_fn`` goes through the coordinator's write path."""

    press_fn: Callable[[DataT, str], Awaitable[object]]


@dataclass(frozen=True, kw_only=True)
class TelcoTextDescription[DataT](TelcoEntityDescription[DataT], TextEntityDescription):
    """A text setting; ``set_fn`` goes through the coordinator's write path."""

    value_fn: Callable[[DataT, str], str]
    set_fn: Callable[[DataT, str, str], Awaitable[object]]


@dataclass(frozen=True, kw_only=True)
class TelcoNotifyDescription[DataT](TelcoEntityDescription[DataT], NotifyEntityDescription):
    """A way to message someone; ``send_fn`` is the path the ``send_sms`` action takes."""

    send_fn: Callable[[DataT, str, str], Awaitable[object]]


@dataclass(frozen=True, kw_only=True)
class TelcoEventDescription[DataT](TelcoEntityDescription[DataT], EventEntityDescription):
    """Events read from records: one event per record a poll found new.

    ``coordinator_fn`` names the ``CallRecordsCoordinator`` whose every poll brings the
    records new since the last one (a ``CallBatch`` with the poll's sequence);
    ``events_fn`` turns that poll's records into event types (one of ``event_types``)
    with their attributes, oldest first, leaving out a record it cannot tell the kind
    of, and marking history read long after the call (``CallBatch.event_attributes``).
    """

    events_fn: Callable[[DataT, str], Iterable[tuple[str, dict[str, Any]]]]


def sms_notifier[DataT](
    subject: Subject[DataT],
    send_sms: Callable[[DataT, str, str, str | None], Awaitable[object]],
) -> TelcoNotifyDescription[DataT]:
    """Return the account's *SMS* notify entity: the path of the ``send_sms`` action."""
    return TelcoNotifyDescription(
        key="sms",
        translation_key="sms",
        subject=subject,
        send_fn=lambda data, recipient, message: send_sms(data, recipient, message, None),
    )
