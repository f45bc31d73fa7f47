"""Notify: an SMS from the account to the recipient set in its options."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.notify import NotifyEntity, NotifyEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_SMS_RECIPIENT, DOMAIN
from .coordinator import TelcoConfigEntry, TelcoRuntimeData
from .entity import TelcoEntity, TelcoEntityDescription, add_described_entities

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class TelcoNotifyDescription[DataT: TelcoRuntimeData](
    TelcoEntityDescription[DataT], NotifyEntityDescription
):
    """A way to message someone; ``send_fn`` is the path the ``send_sms`` action takes."""

    send_fn: Callable[[DataT, str, str], Awaitable[object]]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TelcoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the notify entities the entry's operator declares."""
    add_described_entities(
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
