"""Sensors: balance, calls, mobile data, routing and direct numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfInformation, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .api.odorik_models import ActiveCall, SimCard
from .api.zadarma_models import DirectNumber
from .const import ODORIK_CURRENCY
from .coordinator import (
    DataUsage,
    OdorikAccount,
    OdorikAccountCoordinator,
    OdorikActiveCallsCoordinator,
    OdorikMobileDataCoordinator,
    OdorikRoutingCoordinator,
    OdorikRuntimeData,
    PublicNumberRouting,
    TelcoConfigEntry,
    ZadarmaAccountCoordinator,
    month_start,
)
from .entity import (
    DirectNumberEntity,
    SimEntity,
    TelcoEntity,
    account_device,
    add_direct_number_entities,
    add_entities_for_new_items,
    add_sim_entities,
    public_number_device,
    sim_device,
)

PARALLEL_UPDATES = 0

NUMBER_STATUSES = ["on", "off", "reserved", "order", "blocked", "expired", "unknown"]


@dataclass(frozen=True, kw_only=True)
class OdorikAccountSensorDescription(SensorEntityDescription):
    """A sensor of the Odorik account, read from one account poll."""

    value_fn: Callable[[OdorikAccount], StateType]


@dataclass(frozen=True, kw_only=True)
class SimSensorDescription(SensorEntityDescription):
    """A sensor of one SIM card, read from the SIM card's settings."""

    value_fn: Callable[[SimCard], StateType]


@dataclass(frozen=True, kw_only=True)
class DataUsageSensorDescription(SensorEntityDescription):
    """A month-to-date mobile data sensor of one SIM card."""

    value_fn: Callable[[DataUsage], StateType]


@dataclass(frozen=True, kw_only=True)
class DirectNumberSensorDescription(SensorEntityDescription):
    """A sensor of one Zadarma direct number."""

    value_fn: Callable[[DirectNumber], StateType | datetime]


ODORIK_ACCOUNT_SENSORS: tuple[OdorikAccountSensorDescription, ...] = (
    OdorikAccountSensorDescription(
        key="balance",
        translation_key="balance",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=ODORIK_CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda account: account.balance,
    ),
    OdorikAccountSensorDescription(
        key="outgoing_calls",
        translation_key="outgoing_calls",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda account: account.statistics.outgoing.count,
    ),
    OdorikAccountSensorDescription(
        key="outgoing_call_duration",
        translation_key="outgoing_call_duration",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=lambda account: account.statistics.outgoing.length,
    ),
    OdorikAccountSensorDescription(
        key="outgoing_call_cost",
        translation_key="outgoing_call_cost",
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=ODORIK_CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda account: account.statistics.outgoing.price,
    ),
    OdorikAccountSensorDescription(
        key="incoming_calls",
        translation_key="incoming_calls",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda account: account.statistics.incoming.count,
    ),
    OdorikAccountSensorDescription(
        key="incoming_call_duration",
        translation_key="incoming_call_duration",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=lambda account: account.statistics.incoming.length,
    ),
    OdorikAccountSensorDescription(
        key="redirected_calls",
        translation_key="redirected_calls",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda account: account.statistics.redirected.count,
    ),
    OdorikAccountSensorDescription(
        key="missed_calls",
        translation_key="missed_calls",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda account: account.missed_calls,
    ),
)

ACTIVE_CALLS_SENSOR = SensorEntityDescription(key="active_calls", translation_key="active_calls")

SIM_SENSORS: tuple[SimSensorDescription, ...] = (
    SimSensorDescription(
        key="data_package",
        translation_key="data_package",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda card: card.data_package,
    ),
)

DATA_USAGE_SENSORS: tuple[DataUsageSensorDescription, ...] = (
    DataUsageSensorDescription(
        key="data_used",
        translation_key="data_used",
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
        suggested_display_precision=1,
        value_fn=lambda usage: usage.bytes_total,
    ),
    DataUsageSensorDescription(
        key="data_cost",
        translation_key="data_cost",
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=ODORIK_CURRENCY,
        suggested_display_precision=2,
        value_fn=lambda usage: round(usage.price, 4),
    ),
)

ROUTING_SENSOR = SensorEntityDescription(key="routing", translation_key="routing")

ZADARMA_BALANCE_SENSOR = SensorEntityDescription(
    key="balance",
    translation_key="balance",
    device_class=SensorDeviceClass.MONETARY,
    suggested_display_precision=2,
)

DIRECT_NUMBER_SENSORS: tuple[DirectNumberSensorDescription, ...] = (
    DirectNumberSensorDescription(
        key="number_status",
        translation_key="number_status",
        device_class=SensorDeviceClass.ENUM,
        options=NUMBER_STATUSES,
        value_fn=lambda number: number_status(number.status),
    ),
    DirectNumberSensorDescription(
        key="paid_until",
        translation_key="paid_until",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda number: number.stop_date,
    ),
    DirectNumberSensorDescription(
        key="sip_routing",
        translation_key="sip_routing",
        value_fn=lambda number: number.sip or None,
    ),
)


def number_status(status: str | None) -> str:
    """Map Zadarma's number status (``on``, ``reserved_until_…``) onto the enum options."""
    if not status:
        return "unknown"
    base = status.split("_", 1)[0].lower()
    return base if base in NUMBER_STATUSES else "unknown"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the sensors of an Odorik or Zadarma account."""
    data = entry.runtime_data
    if isinstance(data, OdorikRuntimeData):
        _setup_odorik(entry, data, async_add_entities)
        return
    account = data.account
    async_add_entities(
        [ZadarmaBalanceSensor(account, ZADARMA_BALANCE_SENSOR, account_device(entry))]
    )
    add_direct_number_entities(
        data,
        lambda number: (
            DirectNumberSensor(account, description, number)
            for description in DIRECT_NUMBER_SENSORS
        ),
        async_add_entities,
    )


def _setup_odorik(
    entry: TelcoConfigEntry,
    data: OdorikRuntimeData,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    device = account_device(entry)
    async_add_entities(
        [
            *(
                OdorikAccountSensor(data.account, description, device)
                for description in ODORIK_ACCOUNT_SENSORS
            ),
            ActiveCallsSensor(data.active_calls, ACTIVE_CALLS_SENSOR, device),
        ]
    )

    def sim_sensors(number: str) -> list[SensorEntity]:
        device = sim_device(entry, data.account.data.sim_cards[number])
        return [
            *(SimSensor(data.account, description, number) for description in SIM_SENSORS),
            *(
                DataUsageSensor(data.mobile_data, description, device, number)
                for description in DATA_USAGE_SENSORS
            ),
        ]

    add_sim_entities(data, sim_sensors, async_add_entities)
    add_entities_for_new_items(
        data.routing,
        lambda: data.routing.data,
        lambda number: [RoutingSensor(data.routing, ROUTING_SENSOR, number)],
        async_add_entities,
    )


class OdorikAccountSensor(TelcoEntity[OdorikAccountCoordinator], SensorEntity):
    """A sensor of the Odorik account."""

    entity_description: OdorikAccountSensorDescription

    def __init__(
        self,
        coordinator: OdorikAccountCoordinator,
        description: OdorikAccountSensorDescription,
        device_info: DeviceInfo,
    ) -> None:
        """Start in the month of the first poll."""
        super().__init__(coordinator, description, device_info)
        self._statistics = coordinator.data.statistics
        self._month = month_start(dt_util.utcnow())

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Note the Prague month of each new poll of the call statistics."""
        # Re-reading only the SIM cards keeps the statistics, and so their month,
        # even when it happens after midnight on the 1st.
        if self.coordinator.data.statistics is not self._statistics:
            self._statistics = self.coordinator.data.statistics
            self._month = month_start(dt_util.utcnow())
        super()._handle_coordinator_update()

    @property
    @override
    def native_value(self) -> StateType:
        """Return the value from the last account poll."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def last_reset(self) -> datetime | None:
        """Return the start of the month a month-to-date total belongs to."""
        return self._month if self.state_class is SensorStateClass.TOTAL else None


class ActiveCallsSensor(TelcoEntity[OdorikActiveCallsCoordinator], SensorEntity):
    """How many calls are in progress; the attributes describe each."""

    @property
    @override
    def native_value(self) -> int:
        """Return the number of calls in progress."""
        return len(self.coordinator.data)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Describe each call in progress."""
        return {"calls": [describe_call(call) for call in self.coordinator.data]}


def describe_call(call: ActiveCall) -> dict[str, Any]:
    """Return the attributes of one call in progress."""
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


class SimSensor(SimEntity, SensorEntity):
    """A sensor of one SIM card's settings."""

    entity_description: SimSensorDescription

    @property
    @override
    def native_value(self) -> StateType:
        """Return the value from the SIM card's settings."""
        return self.entity_description.value_fn(self.card)


class DataUsageSensor(TelcoEntity[OdorikMobileDataCoordinator], SensorEntity):
    """Month-to-date mobile data of one SIM card."""

    entity_description: DataUsageSensorDescription

    def __init__(
        self,
        coordinator: OdorikMobileDataCoordinator,
        description: DataUsageSensorDescription,
        device_info: DeviceInfo,
        number: str,
    ) -> None:
        """Tie the sensor to the SIM card's device."""
        super().__init__(coordinator, description, device_info, number)
        self.number = number

    @property
    @override
    def native_value(self) -> StateType:
        """Return this month's usage (zero before the first record of the month)."""
        usage = self.coordinator.data.get(self.number, DataUsage())
        return self.entity_description.value_fn(usage)

    @property
    @override
    def last_reset(self) -> datetime | None:
        """Return the start of the month a month-to-date total belongs to."""
        if self.state_class is SensorStateClass.TOTAL:
            return self.coordinator.ledger.month
        return None


class RoutingSensor(TelcoEntity[OdorikRoutingCoordinator], SensorEntity):
    """The routing of one public number: the count of rules, and the rules."""

    def __init__(
        self,
        coordinator: OdorikRoutingCoordinator,
        description: SensorEntityDescription,
        number: str,
    ) -> None:
        """Tie the sensor to the public number's device."""
        routing = coordinator.data[number]
        super().__init__(
            coordinator,
            description,
            public_number_device(coordinator.config_entry, routing),
            number,
        )
        self.number = number

    @property
    def routing(self) -> PublicNumberRouting:
        """Return the number's routing from the last poll."""
        return self.coordinator.data[self.number]

    @property
    @override
    def available(self) -> bool:
        """Tell whether the number is still on the account."""
        return super().available and self.number in self.coordinator.data

    @property
    @override
    def native_value(self) -> int:
        """Return how many routing rules the number has."""
        return len(self.routing.routes)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """List the routing rules and parallel ringings."""
        return {
            "routes": [
                {
                    "id": route.id,
                    "source_number": route.source_number,
                    "ringing_number": route.ringing_number,
                }
                for route in self.routing.routes
            ],
            "parallel_ringings": [ringing.ringing_number for ringing in self.routing.ringings],
        }


class ZadarmaBalanceSensor(TelcoEntity[ZadarmaAccountCoordinator], SensorEntity):
    """The Zadarma balance, in the account's currency."""

    @property
    @override
    def native_value(self) -> float:
        """Return the balance."""
        return self.coordinator.data.balance.balance

    @property
    @override
    def native_unit_of_measurement(self) -> str:
        """Return the account's currency."""
        return self.coordinator.data.balance.currency


class DirectNumberSensor(DirectNumberEntity, SensorEntity):
    """A sensor of one Zadarma direct number."""

    entity_description: DirectNumberSensorDescription

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the value from the last poll."""
        return self.entity_description.value_fn(self.direct_number)
