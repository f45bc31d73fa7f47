"""Base entity, devices, and adding/removing entities as the account changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import (
    TelcoApiError,
    TelcoAuthenticationError,
    TelcoError,
    TelcoValidationError,
)
from .api.odorik_models import SimCard, SimCardUpdate
from .api.zadarma_models import DirectNumber
from .const import DOMAIN
from .coordinator import (
    OdorikAccountCoordinator,
    OdorikRuntimeData,
    PublicNumberRouting,
    TelcoConfigEntry,
    TelcoCoordinator,
    ZadarmaAccountCoordinator,
    ZadarmaRuntimeData,
)
from .operators import operator_of

# Device identifier prefixes of the devices below an account.
SIM_PREFIX = "sim"
PUBLIC_NUMBER_PREFIX = "public_number"
DIRECT_NUMBER_PREFIX = "direct_number"


def device_identifier(entry: TelcoConfigEntry, kind: str | None = None, key: str = "") -> str:
    """Return the identifier of the account device, or of one device below it.

    Built from the account's identity, so that deleting and re-adding the account
    finds the user's names, areas and history again.
    """
    account = str(entry.unique_id)
    return account if kind is None else f"{account}_{kind}_{key}"


# Home Assistant 2026.8 links a device to its parent by the parent's registry id and
# deprecates the parent's identifier (`via_device`); our floor, 2025.4, knows only that.
LINK_BY_DEVICE_ID: Final = (MAJOR_VERSION, MINOR_VERSION) >= (2026, 8)


@callback
def register_account_device(hass: HomeAssistant, entry: TelcoConfigEntry) -> str:
    """Register the device of the operator account itself, and return its registry id.

    It is registered before any entity, so that the devices below it can name it as
    their parent.
    """
    operator = operator_of(entry.data)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, device_identifier(entry))},
        name=entry.title,
        manufacturer=operator.manufacturer,
        model="Account",
        entry_type=DeviceEntryType.SERVICE,
        configuration_url=operator.account_url,
    )
    return device.id


def account_device(entry: TelcoConfigEntry) -> DeviceInfo:
    """Return the device of the operator account (registered by ``register_account_device``)."""
    return DeviceInfo(identifiers={(DOMAIN, device_identifier(entry))})


def child_device(
    entry: TelcoConfigEntry,
    kind: str,
    key: str,
    *,
    name: str,
    model: str,
    serial_number: str | None = None,
) -> DeviceInfo:
    """Return a device below the account (a SIM card, a public or direct number)."""
    device = DeviceInfo(
        identifiers={(DOMAIN, device_identifier(entry, kind, key))},
        name=name,
        manufacturer=operator_of(entry.data).manufacturer,
        model=model,
        serial_number=serial_number,
    )
    # Each key is typed on the Home Assistant versions that take it, and only there.
    if LINK_BY_DEVICE_ID:
        device["via_device_id"] = entry.runtime_data.account_device_id  # type: ignore[typeddict-unknown-key, unused-ignore]
    else:
        device["via_device"] = (DOMAIN, device_identifier(entry))  # type: ignore[typeddict-unknown-key, unused-ignore]
    return device


def sim_device(entry: TelcoConfigEntry, card: SimCard) -> DeviceInfo:
    """Return the device of an Odorik SIM card."""
    number = card.phone_number or str(card.id)
    return child_device(
        entry,
        SIM_PREFIX,
        number,
        name=f"SIM {display_number(number)}",
        model="SIM card",
        serial_number=card.sim_number,
    )


def public_number_device(entry: TelcoConfigEntry, routing: PublicNumberRouting) -> DeviceInfo:
    """Return the device of an Odorik public number."""
    number = routing.number
    return child_device(
        entry,
        PUBLIC_NUMBER_PREFIX,
        number.public_number,
        name=display_number(number.public_number),
        model=f"Public number ({number.type})" if number.type else "Public number",
    )


def direct_number_device(entry: TelcoConfigEntry, number: DirectNumber) -> DeviceInfo:
    """Return the device of a Zadarma direct number."""
    return child_device(
        entry,
        DIRECT_NUMBER_PREFIX,
        number.number,
        name=display_number(number.number),
        model="Direct number",
    )


# Operator refusals with their own translated message; others use the generic one.
KNOWN_REFUSALS = frozenset(
    {
        "change_in_progress",
        "low_balance",
        "mobile_data_disabled",
        "rate_limited",
        "redirection_loop",
        "nonexisting_public_number",
        "invalid_ringing_number",
    }
)
KNOWN_VALIDATIONS = frozenset(
    {"state_change_alone", "change_in_progress", "invalid_caller_name", "caller_name_too_long"}
)


async def run_operator_action[R](
    coordinator: TelcoCoordinator[Any, Any], action: Awaitable[R]
) -> R:
    """Run a change on the coordinator's operator, turning client errors into translated errors."""
    try:
        return await action
    except TelcoValidationError as err:
        if err.reason in KNOWN_VALIDATIONS:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key=f"invalid_{err.reason}"
            ) from err
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_request",
            translation_placeholders={"error": str(err)},
        ) from err
    except TelcoAuthenticationError as err:
        coordinator.config_entry.async_start_reauth(coordinator.hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="authentication_failed"
        ) from err
    except TelcoApiError as err:
        if err.token in KNOWN_REFUSALS:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key=f"refused_{err.token}"
            ) from err
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="refused",
            translation_placeholders={"error": str(err)},
        ) from err
    except TelcoError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="communication_error",
            translation_placeholders={"error": str(err)},
        ) from err


def display_number(number: str) -> str:
    """Format an operator number (00420…, 4420…) for a device name: +420 799 799 081."""
    digits = number.removeprefix("00").removeprefix("+")
    if not digits.isdigit():
        return number
    if digits.startswith("420") and len(digits) == 12:
        return f"+420 {digits[3:6]} {digits[6:9]} {digits[9:]}"
    return f"+{digits}"


class TelcoEntity[CoordinatorT: TelcoCoordinator[Any, Any]](CoordinatorEntity[CoordinatorT]):
    """An entity of one account, or of one device below it."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: CoordinatorT,
        description: EntityDescription,
        device_info: DeviceInfo,
        key: str = "",
    ) -> None:
        """Name the entity by its description and tie it to its device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_device_info = device_info
        parts = [device_identifier(coordinator.config_entry), key, description.key]
        self._attr_unique_id = "_".join(part for part in parts if part)

    async def async_operator_change[R](self, action: Awaitable[R]) -> R:
        """Run a change on the operator; if it fails, show the operator's real state again."""
        try:
            return await run_operator_action(self.coordinator, action)
        except HomeAssistantError:
            # Nothing changed: drop the UI's optimistic guess.
            self.async_write_ha_state()
            raise


class SimEntity(TelcoEntity[OdorikAccountCoordinator]):
    """An entity of one Odorik SIM card, read from the account poll."""

    def __init__(
        self, coordinator: OdorikAccountCoordinator, description: EntityDescription, number: str
    ) -> None:
        """Tie the entity to the SIM card's device."""
        card = coordinator.data.sim_cards[number]
        super().__init__(
            coordinator, description, sim_device(coordinator.config_entry, card), number
        )
        self.number = number

    @property
    def card(self) -> SimCard:
        """Return the SIM card from the last poll."""
        return self.coordinator.data.sim_cards[self.number]

    @property
    def available(self) -> bool:
        """Tell whether the SIM card is still on the account."""
        return super().available and self.number in self.coordinator.data.sim_cards

    def setting(self, name: str) -> Any:
        """Return a SIM setting, or the value asked for while the operator applies it."""
        return self.coordinator.sim_value(self.card, name)

    async def async_change_setting(self, name: str, value: Any) -> None:
        """Change one SIM setting on the operator, then re-read the SIM cards."""
        coordinator = self.coordinator
        update = SimCardUpdate(**{name: value})
        await self.async_operator_change(
            coordinator.client.update_sim_card(self.number, update, current=self.card)
        )
        coordinator.requested[(self.number, name)] = value
        await coordinator.async_refresh_sim_cards()


class DirectNumberEntity(TelcoEntity[ZadarmaAccountCoordinator]):
    """An entity of one Zadarma direct number."""

    def __init__(
        self, coordinator: ZadarmaAccountCoordinator, description: EntityDescription, number: str
    ) -> None:
        """Tie the entity to the number's device."""
        direct_number = coordinator.data.numbers[number]
        super().__init__(
            coordinator,
            description,
            direct_number_device(coordinator.config_entry, direct_number),
            number,
        )
        self.number = number

    @property
    def direct_number(self) -> DirectNumber:
        """Return the number from the last poll."""
        return self.coordinator.data.numbers[self.number]

    @property
    def available(self) -> bool:
        """Tell whether the number is still on the account."""
        return super().available and self.number in self.coordinator.data.numbers

    async def async_run(self, action: Awaitable[object]) -> None:
        """Change the number on the operator, then re-read only this number."""
        await self.async_operator_change(action)
        await self.coordinator.async_refresh_number(self.number)


def add_entities_for_new_items(
    coordinator: TelcoCoordinator[Any, Any],
    items: Callable[[], Iterable[str]],
    create: Callable[[str], Iterable[Entity]],
    async_add_entities: Callable[[Iterable[Entity]], None],
) -> None:
    """Add entities now, and again whenever the account gains a SIM card or number."""
    known: set[str] = set()

    @callback
    def add_new() -> None:
        new = [item for item in items() if item not in known]
        known.update(new)
        entities = [entity for item in new for entity in create(item)]
        if entities:
            async_add_entities(entities)

    add_new()
    coordinator.config_entry.async_on_unload(coordinator.async_add_listener(add_new))


def add_sim_entities(
    data: OdorikRuntimeData,
    create: Callable[[str], Iterable[Entity]],
    async_add_entities: Callable[[Iterable[Entity]], None],
) -> None:
    """Add entities for each SIM card (by phone number), now and as SIM cards arrive."""
    account = data.account
    add_entities_for_new_items(account, lambda: account.data.sim_cards, create, async_add_entities)


def add_direct_number_entities(
    data: ZadarmaRuntimeData,
    create: Callable[[str], Iterable[Entity]],
    async_add_entities: Callable[[Iterable[Entity]], None],
) -> None:
    """Add entities for each direct number, now and as numbers arrive."""
    account = data.account
    add_entities_for_new_items(account, lambda: account.data.numbers, create, async_add_entities)


@callback
def remove_stale_devices(
    hass: HomeAssistant, entry: TelcoConfigEntry, kind: str, current: Iterable[str]
) -> None:
    """Remove the devices of SIM cards or numbers that left the account."""
    wanted = {device_identifier(entry, kind, key) for key in current}
    prefix = device_identifier(entry, kind, "")
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        ours = {ident for domain, ident in device.identifiers if domain == DOMAIN}
        if any(ident.startswith(prefix) for ident in ours) and not ours & wanted:
            registry.async_remove_device(device.id)
