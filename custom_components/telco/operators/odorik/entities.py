"""Odorik's entities: what they belong to (the account, SIM cards, public numbers) and each one.

Every write goes through the account coordinator's write path; the call event tells
each call and SMS of the call history once.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined, unused-ignore]
    BinarySensorDeviceClass,
)
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfInformation, UnitOfTime
from homeassistant.exceptions import ServiceValidationError

from ...api.odorik_models import (
    ActiveCall,
    SimCard,
    SimCardUpdate,
    SimState,
)
from ...const import DOMAIN, ODORIK_CURRENCY
from ...model.descriptions import (
    DeviceFacts,
    Subject,
    TelcoBinarySensorDescription,
    TelcoButtonDescription,
    TelcoNotifyDescription,
    TelcoSelectDescription,
    TelcoSensorDescription,
    TelcoSwitchDescription,
    account_subject,
    device_model,
    display_number,
    sms_notifier,
)
from .actions import send_sms
from .coordinators import DataUsage, OdorikRuntimeData
from .options import DATA_PACKAGES, key_of, keys_of, option_key, roaming_off

type Data = OdorikRuntimeData


# --- Subjects ---------------------------------------------------------------------------


def _sim_device(data: Data, number: str) -> DeviceFacts:
    card = data.account.data.sim_cards[number]
    return DeviceFacts(
        name=f"SIM {display_number(number)}",
        model=device_model(data.account.hass, "model_sim_card", "SIM card"),
        serial_number=card.sim_number,
    )


# The kinds of public number Odorik documents; each has its translated model.
PUBLIC_NUMBER_KINDS = frozenset({"geographic", "nomadic", "mobile", "sip_name", "shared"})


def _public_number_device(data: Data, number: str) -> DeviceFacts:
    hass = data.routing.hass
    kind = data.routing.data[number].number.type
    if not kind:
        model = device_model(hass, "model_public_number", "Public number")
    elif kind in PUBLIC_NUMBER_KINDS:
        model = device_model(hass, f"model_public_number_{kind}", f"Public number ({kind})")
    else:
        model = device_model(hass, "model_public_number_kind", "Public number ({kind})", kind=kind)
    return DeviceFacts(name=display_number(number), model=model)


ACCOUNT: Subject[Data] = account_subject(lambda data: data.account)
SIM: Subject[Data] = Subject(
    key="sim",
    coordinator_fn=lambda data: data.account,
    items_fn=lambda data: data.account.data.sim_cards,
    device_fn=_sim_device,
)
PUBLIC_NUMBER: Subject[Data] = Subject(
    key="public_number",
    coordinator_fn=lambda data: data.routing,
    items_fn=lambda data: data.routing.data,
    device_fn=_public_number_device,
)


def _sim(data: Data, number: str) -> SimCard:
    """Return a SIM card as it will be once the changes asked for are applied."""
    return data.account.sim_card(number)


def _usage(data: Data, number: str) -> DataUsage:
    return data.mobile_data.data.get(number, DataUsage())


# --- Sensors ----------------------------------------------------------------------------


def _count(key: str, value: Any) -> TelcoSensorDescription[Data]:
    """Describe a count of this month's calls: it only grows, and restarts on the 1st."""
    return TelcoSensorDescription(
        key=key,
        translation_key=key,
        subject=ACCOUNT,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=value,
    )


def _duration(key: str, value: Any) -> TelcoSensorDescription[Data]:
    """Describe the call time of this month: it only grows, and restarts on the 1st."""
    return TelcoSensorDescription(
        key=key,
        translation_key=key,
        subject=ACCOUNT,
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=value,
    )


def _describe_call(call: ActiveCall) -> dict[str, Any]:
    return {
        "id": call.id,
        "source_number": call.source_number,
        "destination_number": call.destination_number,
        "destination_name": call.destination_name,
        "start": call.start_date.isoformat() if call.start_date else None,
        "answered": call.answer_date.isoformat() if call.answer_date else None,
        "price_per_minute": call.price_per_minute,
        "line": call.line,
    }


def _routing_attributes(data: Data, number: str) -> dict[str, Any]:
    routing = data.routing.data[number]
    return {
        "routes": [
            {
                "id": route.id,
                "source_number": route.source_number,
                "ringing_number": route.ringing_number,
            }
            for route in routing.routes
        ],
        "parallel_ringings": [ringing.ringing_number for ringing in routing.ringings],
    }


SENSORS: tuple[TelcoSensorDescription[Data], ...] = (
    TelcoSensorDescription(
        key="balance",
        translation_key="balance",
        subject=ACCOUNT,
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=ODORIK_CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda data, _: data.account.data.balance,
    ),
    _count("outgoing_calls", lambda data, _: data.account.data.statistics.outgoing.count),
    _duration(
        "outgoing_call_duration", lambda data, _: data.account.data.statistics.outgoing.length
    ),
    TelcoSensorDescription(
        key="outgoing_call_cost",
        translation_key="outgoing_call_cost",
        subject=ACCOUNT,
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=ODORIK_CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda data, _: data.account.data.statistics.outgoing.price,
        last_reset_fn=lambda data: data.account.data.month,
    ),
    _count("incoming_calls", lambda data, _: data.account.data.statistics.incoming.count),
    _duration(
        "incoming_call_duration", lambda data, _: data.account.data.statistics.incoming.length
    ),
    _count("redirected_calls", lambda data, _: data.account.data.statistics.redirected.count),
    _count("missed_calls", lambda data, _: data.account.data.missed_calls),
    TelcoSensorDescription(
        key="active_calls",
        translation_key="active_calls",
        subject=ACCOUNT,
        coordinator_fn=lambda data: data.active_calls,
        value_fn=lambda data, _: len(data.active_calls.data),
        attributes_fn=lambda data, _: {
            "calls": [_describe_call(call) for call in data.active_calls.data]
        },
    ),
    TelcoSensorDescription(
        key="data_package",
        translation_key="data_package",
        subject=SIM,
        entity_category=EntityCategory.DIAGNOSTIC,
        # An enum of translated packages; one Odorik never documented is added as it is.
        device_class=SensorDeviceClass.ENUM,
        options=DATA_PACKAGES,
        value_fn=lambda data, number: key_of(_sim(data, number).data_package),
    ),
    TelcoSensorDescription(
        key="data_used",
        translation_key="data_used",
        subject=SIM,
        coordinator_fn=lambda data: data.mobile_data,
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
        suggested_display_precision=1,
        value_fn=lambda data, number: _usage(data, number).bytes_total,
    ),
    TelcoSensorDescription(
        key="data_cost",
        translation_key="data_cost",
        subject=SIM,
        coordinator_fn=lambda data: data.mobile_data,
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=ODORIK_CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda data, number: round(_usage(data, number).price, 4),
        last_reset_fn=lambda data: data.mobile_data.ledger.month,
    ),
    TelcoSensorDescription(
        key="routing",
        translation_key="routing",
        subject=PUBLIC_NUMBER,
        # A number the login may not read (another line's) gets no entity; one that
        # turns unreadable stays, unavailable, with its device.
        exists_fn=lambda data, number: data.routing.data[number].readable,
        available_fn=lambda data, number: data.routing.data[number].readable,
        value_fn=lambda data, number: len(data.routing.data[number].routes),
        attributes_fn=_routing_attributes,
    ),
)

BINARY_SENSORS: tuple[TelcoBinarySensorDescription[Data], ...] = (
    TelcoBinarySensorDescription(
        key="change_in_progress",
        translation_key="change_in_progress",
        subject=SIM,
        device_class=BinarySensorDeviceClass.RUNNING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=lambda data, number: bool(_sim(data, number).changes_in_progress),
        attributes_fn=lambda data, number: {
            "changes": list(data.account.data.sim_cards[number].changes_in_progress)
        },
    ),
)


# --- Writes: every one through the account coordinator's write path ---------------------


async def _update_sim(data: Data, number: str, update: SimCardUpdate) -> None:
    await data.account.async_update_sim(number, update)


def _roaming_off(data: Data, number: str) -> str | None:
    """Return the roaming profile the SIM card offers to turn roaming off, if any."""
    return roaming_off(data.account.data.sim_cards[number].available_roaming_settings)


def _roaming_switchable(data: Data, number: str) -> bool:
    """Tell whether the SIM card offers a profile to turn roaming off, and one to turn it on."""
    return (
        _roaming_off(data, number) is not None
        and data.account.roaming_to_restore(number) is not None
    )


def _roaming_on(data: Data, number: str) -> bool:
    roaming = _sim(data, number).roaming
    return roaming is not None and roaming != _roaming_off(data, number)


async def _set_roaming(data: Data, number: str, on: bool) -> None:
    """Turn roaming off, or back on with the profile it had (or the first offered)."""
    profile = data.account.roaming_to_restore(number) if on else _roaming_off(data, number)
    if profile is None:
        # The switch is unavailable then; a call that came before the poll said so.
        offered = _names(data.account.data.sim_cards[number].available_roaming_settings)
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="roaming_not_offered",
            translation_placeholders={"offered": ", ".join(offered) or "-"},
        )
    await _update_sim(data, number, SimCardUpdate(roaming=profile))


SWITCHES: tuple[TelcoSwitchDescription[Data], ...] = (
    TelcoSwitchDescription(
        key="mobile_data",
        translation_key="mobile_data",
        subject=SIM,
        is_on_fn=lambda data, number: bool(_sim(data, number).mobile_data),
        set_fn=lambda data, number, on: _update_sim(data, number, SimCardUpdate(mobile_data=on)),
    ),
    TelcoSwitchDescription(
        key="lte",
        translation_key="lte",
        subject=SIM,
        is_on_fn=lambda data, number: bool(_sim(data, number).lte),
        set_fn=lambda data, number, on: _update_sim(data, number, SimCardUpdate(lte=on)),
    ),
    TelcoSwitchDescription(
        key="roaming",
        translation_key="roaming",
        subject=SIM,
        # On and off are profiles the SIM card offers: without both it cannot switch.
        available_fn=_roaming_switchable,
        is_on_fn=_roaming_on,
        set_fn=_set_roaming,
    ),
    TelcoSwitchDescription(
        key="sim_active",
        translation_key="sim_active",
        subject=SIM,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        is_on_fn=lambda data, number: _sim(data, number).state == SimState.ACTIVE,
        set_fn=lambda data, number, on: _update_sim(
            data, number, SimCardUpdate(state=SimState.ACTIVE if on else SimState.SUSPENDED)
        ),
    ),
)


def _names(options: Any) -> list[str]:
    return [option.name for option in options or ()]


def _roaming_values(data: Data, number: str) -> dict[str, str]:
    sim = _sim(data, number)
    return keys_of([*_names(sim.available_roaming_settings), sim.roaming])


def _package_values(data: Data, number: str) -> dict[str, str]:
    sim = _sim(data, number)
    return keys_of([*_names(sim.available_data_packages), sim.data_package_for_next_month])


async def _set_roaming_profile(data: Data, number: str, option: str) -> None:
    """Ask Odorik for the profile chosen, by its own name for it."""
    profile = _roaming_values(data, number).get(option, option)
    await _update_sim(data, number, SimCardUpdate(roaming=profile))


async def _set_package_next_month(data: Data, number: str, option: str) -> None:
    """Ask Odorik for next month's package chosen, by its own name for it."""
    package = _package_values(data, number).get(option, option)
    await _update_sim(data, number, SimCardUpdate(data_package_for_next_month=package))


# Options are translation keys; what is sent is Odorik's value they stand for.
SELECTS: tuple[TelcoSelectDescription[Data], ...] = (
    TelcoSelectDescription(
        key="roaming_profile",
        translation_key="roaming_profile",
        subject=SIM,
        options_fn=lambda data, number: [
            option_key(name) for name in _names(_sim(data, number).available_roaming_settings)
        ],
        current_fn=lambda data, number: key_of(_sim(data, number).roaming),
        set_fn=_set_roaming_profile,
    ),
    TelcoSelectDescription(
        key="data_package_next_month",
        translation_key="data_package_next_month",
        subject=SIM,
        options_fn=lambda data, number: [
            option_key(name) for name in _names(_sim(data, number).available_data_packages)
        ],
        current_fn=lambda data, number: key_of(_sim(data, number).data_package_for_next_month),
        set_fn=_set_package_next_month,
    ),
)

BUTTONS: tuple[TelcoButtonDescription[Data], ...] = (
    TelcoButtonDescription(
        key="data_restart",
        translation_key="data_restart",
        subject=SIM,
        press_fn=lambda data, number: data.account.async_data_restart(number),
    ),
)


NOTIFIERS: tuple[TelcoNotifyDescription[Data], ...] = (sms_notifier(ACCOUNT, send_sms),)
