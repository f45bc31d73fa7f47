"""Helpers for the integration tests."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.json import JSONEncoder
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.telco.const import DOMAIN
from custom_components.telco.operators.zadarma.calls import ZadarmaCall
from tests.simulator import SimulatorServer

# A fixed moment for snapshots: the simulator seeds its data relative to "now".
FROZEN_NOW = "2026-11-15T10:00:00+00:00"


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add a config entry and set it up."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the frozen clock on and run the polls that fall due.

    The test plugin runs a timer when the fired time lies ``delta`` past
    ``time.time()``; the loop's own clock is not frozen, so the target is explicit.
    """
    freezer.tick(delta)
    async_fire_time_changed(hass, dt_util.utcnow() + delta)
    # Coordinators refresh in background tasks.
    await hass.async_block_till_done(wait_background_tasks=True)


def stored(key: str, data: Any) -> dict[str, Any]:
    """Return a file of Home Assistant's storage (``hass_storage[key]``) holding ``data``."""
    return {"version": 1, "minor_version": 1, "key": key, "data": data}


def entities_of(hass: HomeAssistant, entry: MockConfigEntry, domain: str) -> list[dict[str, Any]]:
    """Describe an entry's entities of one platform: registry entry, device and state.

    A projection rather than the whole registry entry, whose fields differ between
    the Home Assistant versions we test on.
    """
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    described = []
    for entity in sorted(
        er.async_entries_for_config_entry(entities, entry.entry_id), key=lambda item: item.entity_id
    ):
        if entity.domain != domain:
            continue
        device = devices.async_get(entity.device_id) if entity.device_id else None
        state = hass.states.get(entity.entity_id)
        described.append(
            {
                "entity_id": entity.entity_id,
                "unique_id": entity.unique_id,
                "translation_key": entity.translation_key,
                "device_class": entity.original_device_class,
                "entity_category": entity.entity_category,
                "disabled_by": entity.disabled_by,
                "unit": entity.unit_of_measurement,
                "device": device.name if device else None,
                "state": state.state if state else None,
                "attributes": json.loads(json.dumps(dict(state.attributes), cls=JSONEncoder))
                if state
                else None,
            }
        )
    return described


def devices_of(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Describe an entry's devices."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    via = {device.id: device.name for device in devices}
    return sorted(
        (
            {
                "name": device.name,
                "identifiers": sorted(device.identifiers),
                "manufacturer": device.manufacturer,
                "model": device.model,
                "serial_number": device.serial_number,
                "entry_type": device.entry_type,
                "via_device": via.get(device.via_device_id) if device.via_device_id else None,
            }
            for device in devices
        ),
        key=lambda item: str(item["name"]),
    )


def device_with(
    hass: HomeAssistant, entry: MockConfigEntry, identifier: str
) -> dr.DeviceEntry | None:
    """Return the entry's device with our ``identifier``, if it is registered."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return next((device for device in devices if (DOMAIN, identifier) in device.identifiers), None)


def requests_sent(simulator: SimulatorServer, operator: str) -> int:
    """Return how many requests the simulator received for an operator."""
    return sum(
        count for name, count in simulator.control.counts.items() if name.startswith(f"{operator} ")
    )


async def act(
    hass: HomeAssistant, action: str, entry: MockConfigEntry, **data: Any
) -> dict[str, Any]:
    """Run an action on an entry and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def refused(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    operator: str,
    action: str,
    entry: MockConfigEntry,
    *,
    key: str,
    **data: Any,
) -> ServiceValidationError:
    """Run an action that must be refused, with translation ``key``, before any request."""
    before = requests_sent(simulator, operator)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, action, entry, **data)
    assert requests_sent(simulator, operator) == before
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    return err.value


def statistics_call(
    record_id: str,
    callstart: datetime,
    *,
    to: str = "442037691880",
    disposition: str = "answered",
) -> ZadarmaCall:
    """Return a call of the statistics, with the details the tests do not vary."""
    return ZadarmaCall(
        id=record_id,
        callstart=callstart,
        from_="420777123456",
        to=to,
        sip="100001",
        disposition=disposition,
        billseconds=42,
        billcost=0.0,
        currency="USD",
    )


# The digit zero of other scripts: Arabic-Indic, Devanagari, full-width.
ARABIC_INDIC, DEVANAGARI, FULL_WIDTH = 0x0660, 0x0966, 0xFF10


def in_script(text: str, zero: int) -> str:
    """Return ``text`` with its ASCII digits written in another script (``zero`` its 0)."""
    return "".join(chr(zero + int(char)) if "0" <= char <= "9" else char for char in text)


# A person Zadarma's document actions take (a document group's required data).
PERSON = {
    "email": "anna.nowak@example.com",
    "salutation": "ms",
    "first_name": "Anna",
    "last_name": "Nowak",
    "country": "pl",
    "city": "Kraków",
    "address": "ul. Floriańska 3, 31-019 Kraków",
    "zip_code": "31-019",
    "street": "Floriańska",
    "building_number": "3",
    "phone": "+48 12 345 67 89",
}
