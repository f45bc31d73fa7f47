"""Notify: an SMS from the account to the recipient set in its options."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.notify import NotifyEntity
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_SMS_RECIPIENT, DOMAIN
from .model.declaration import TelcoConfigEntry
from .model.descriptions import TelcoNotifyDescription
from .model.entity import TelcoEntity, async_add_described_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the notify entities the entry's operator declares."""
    await async_add_described_entities(
        entry, entry.runtime_data.operator.notifiers, TelcoNotify, async_add_entities
    )


class TelcoNotify(TelcoEntity[Any], NotifyEntity):
    """Send an SMS to the account's SMS recipient (a title goes on the first line)."""

    entity_description: TelcoNotifyDescription[Any]

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message as an SMS."""
        recipient = self.coordinator.config_entry.options.get(CONF_SMS_RECIPIENT)
        if not recipient:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_sms_recipient"
            )
        text = f"{title}\n{message}" if title else message
        await self.entity_description.send_fn(self.data, recipient, text)
