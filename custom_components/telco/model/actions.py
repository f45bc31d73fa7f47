"""The service actions of the integration: their names, fields and checks of types and ranges.

Every action takes the ``config_entry_id`` of an account (``services.py`` registers
them once). Each operator says which actions it answers, and with which of their
fields (``offer``); its handler brings numbers and moments to the operator's format
before anything is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant, SupportsResponse
import voluptuous as vol

from .action_input import FieldInvalid, a_date, a_moment, finite, flag, one_of, text, whole
from .declaration import OperatorAction, TelcoRuntimeData

# Our own name and resolver: the core helper for config-entry actions is 2026-only.
ATTR_CONFIG_ENTRY_ID = "config_entry_id"

# Numbers are brought to each operator's format by its handler; none has a control
# character (a \x1f would be taken for a space there).
_NUMBER = text()
_NON_NEGATIVE_INT = whole(0)
_POSITIVE_INT = whole(1)
_NON_NEGATIVE_FLOAT = finite(0)
_DIRECTION = one_of(["in", "out", "redirected"])
_STATUS = one_of(["answered", "missed"])
_MAX_DELAY_MINUTES = 525_600  # a year
_DELAY_MINUTES = whole(0, _MAX_DELAY_MINUTES)


def _delay(value: Any) -> int | datetime:
    """Check a delay: minutes from now, or a moment (with or without its offset)."""
    try:
        return _DELAY_MINUTES(value)
    except vol.Invalid:
        pass
    try:
        return a_moment(value)
    except vol.Invalid:
        raise FieldInvalid("invalid_delay", value, max=str(_MAX_DELAY_MINUTES)) from None


_PERIOD: dict[vol.Marker, Any] = {
    vol.Optional("from"): a_moment,
    vol.Optional("to"): a_moment,
}
_REQUIRED_PERIOD: dict[vol.Marker, Any] = {
    vol.Required("from"): a_moment,
    vol.Required("to"): a_moment,
}
_CALL_FILTERS: dict[vol.Marker, Any] = {
    vol.Optional("direction"): _DIRECTION,
    vol.Optional("line"): _POSITIVE_INT,
    vol.Optional("min_length"): _NON_NEGATIVE_INT,
    vol.Optional("max_length"): _NON_NEGATIVE_INT,
    vol.Optional("min_price"): _NON_NEGATIVE_FLOAT,
    vol.Optional("max_price"): _NON_NEGATIVE_FLOAT,
}
SIM_TEXT_SETTINGS = (
    "data_package",
    "data_package_for_next_month",
    "voice_package",
    "voice_package_for_next_month",
    "package_delayed_billing",
    "package_delayed_billing_for_next_month",
    "roaming",
    "add_credit",
    "requested_data_plan_for_next_month",
    "requested_data_roaming_plan_for_next_month",
    "requested_voice_roaming_plan_for_next_month",
    "requested_tariff_plan_for_next_month",
)
SIM_SWITCH_SETTINGS = ("missed_calls_register", "mobile_data", "lte", "lte_for_next_month")
PREMIUM_SERVICES = ["off", "sms_payments_and_dms", "all_other_than_sms_payments_and_dms", "all"]
# Zadarma: the languages of its personal account, the ordering periods, the group data.
ZADARMA_LANGUAGES = ["en", "es", "de", "pl", "ru", "ua", "fr"]
ORDER_PERIODS = ["month", "3month"]
AUTORENEW_PERIODS = ["month", "year"]
# Zadarma writes these in upper case; the selectors offer them in lower case.
SALUTATIONS = ["mr", "ms", "company"]
ID_TYPES = [
    "passport",
    "dni",
    "nie",
    "residence_permit",
    "national_id_card",
    "business_registration",
]
DOCUMENT_TYPES = [
    "passport",
    "certificate",
    "contract",
    "company_letter",
    "inn_ua",
    "phone_bill",
    "photo_with_doc",
    "photo_with_passport",
    "receipt",
    "driver_id_us_ca",
    "driver_id_other",
]
_TEXT = text()
# A Zadarma direction: its numeric id (3061) or its code (ru495), in every action.
_NUMBER_DIRECTION = _TEXT


def _lower(value: str) -> str:
    return value.lower()


_LANGUAGE = one_of(ZADARMA_LANGUAGES)
GROUP_REQUIRED = (
    "email",
    "salutation",
    "first_name",
    "last_name",
    "country",
    "city",
    "address",
    "zip_code",
    "street",
    "building_number",
    "phone",
)
_GROUP_OPTIONAL = (
    "nationality",
    "middle_name",
    "date_of_birth",
    "organization",
    "organization_description",
    "organization_reg_number",
    "region",
    "street_code",
    "municipality_code",
    "building_letter",
    "type_of_id",
    "id_number",
    "issuing_authority",
    "issuing_date",
    "direction_id",
)
GROUP_FIELDS = (*GROUP_REQUIRED, *_GROUP_OPTIONAL)
_GROUP_VALUES: dict[str, Any] = {
    **dict.fromkeys(GROUP_FIELDS, _TEXT),
    "salutation": vol.All(_TEXT, _lower, one_of(SALUTATIONS)),
    "type_of_id": vol.All(_TEXT, _lower, one_of(ID_TYPES)),
    "date_of_birth": a_date,
    "issuing_date": a_date,
    "direction_id": _NUMBER_DIRECTION,
}


@dataclass(frozen=True, kw_only=True)
class Action:
    """An action as Home Assistant registers it: its fields and whether it answers.

    Home Assistant checks what the caller gave (``given_fields``, without defaults), so
    that a field an operator does not take is told from one it filled in; the defaults
    of the fields the operator takes are added after that check (``defaults``).
    """

    fields: dict[vol.Marker, Any]
    response: SupportsResponse = SupportsResponse.OPTIONAL

    @property
    def given_fields(self) -> dict[vol.Marker, Any]:
        """Return the fields as a caller gives them: those with a default are optional."""
        return {
            vol.Optional(marker.schema, description=marker.description)
            if isinstance(marker, vol.Optional)
            else marker: validator
            for marker, validator in self.fields.items()
        }

    def defaults(self, taken: Collection[str]) -> dict[str, Any]:
        """Return the default of each field in ``taken`` that has one."""
        defaults: dict[str, Any] = {}
        for marker in self.fields:
            default = marker.default if isinstance(marker, vol.Optional) else vol.UNDEFINED
            if callable(default) and str(marker.schema) in taken:
                defaults[str(marker.schema)] = default()
        return defaults


ACTIONS: dict[str, Action] = {
    "callback": Action(
        fields={
            vol.Required("caller"): _NUMBER,
            vol.Required("recipient"): _NUMBER,
            vol.Optional("delayed"): _delay,
            vol.Optional("line"): _POSITIVE_INT,
            vol.Optional("simple"): flag,
            vol.Optional("sip"): _NUMBER,
            vol.Optional("predicted"): flag,
        }
    ),
    "send_sms": Action(
        fields={
            vol.Required("recipient"): _NUMBER,
            vol.Required("message"): text(single_line=False),
            vol.Optional("sender"): _TEXT,
        }
    ),
    "hang_up": Action(
        fields={
            vol.Optional("call_id"): _POSITIVE_INT,
            vol.Optional("line"): _POSITIVE_INT,
            vol.Optional("all"): flag,
        }
    ),
    "get_call_history": Action(
        fields={
            **_PERIOD,
            vol.Optional("since_id"): _NON_NEGATIVE_INT,
            **_CALL_FILTERS,
            vol.Optional("status"): _STATUS,
            vol.Optional("phone_number_filter"): _NUMBER,
            vol.Optional("include_sms"): flag,
            vol.Optional("limit"): _POSITIVE_INT,
        },
        response=SupportsResponse.ONLY,
    ),
    "get_call_statistics": Action(
        fields={**_REQUIRED_PERIOD, **_CALL_FILTERS}, response=SupportsResponse.ONLY
    ),
    "get_mobile_data": Action(
        fields={**_REQUIRED_PERIOD, vol.Optional("phone_number"): _NUMBER},
        response=SupportsResponse.ONLY,
    ),
    "get_routing": Action(
        fields={vol.Optional("public_number"): _NUMBER}, response=SupportsResponse.ONLY
    ),
    "add_route": Action(
        fields={
            vol.Required("public_number"): _NUMBER,
            vol.Required("ringing_number"): _NUMBER,
            vol.Optional("source_number", default="*"): _NUMBER,
            vol.Optional("replace", default=False): flag,
        }
    ),
    "remove_route": Action(
        fields={vol.Required("public_number"): _NUMBER, vol.Required("route_id"): _POSITIVE_INT}
    ),
    "add_parallel_ringing": Action(
        fields={vol.Required("public_number"): _NUMBER, vol.Required("ringing_number"): _NUMBER}
    ),
    "remove_parallel_ringing": Action(
        fields={vol.Required("public_number"): _NUMBER, vol.Required("ringing_number"): _NUMBER}
    ),
    "set_sim_options": Action(
        fields={
            vol.Required("phone_number"): _NUMBER,
            **{vol.Optional(name): _TEXT for name in SIM_TEXT_SETTINGS},
            **{vol.Optional(name): flag for name in SIM_SWITCH_SETTINGS},
            vol.Optional("premium_services"): one_of(PREMIUM_SERVICES),
            vol.Optional("state"): one_of(["active", "suspended"]),
        }
    ),
    "assign_number_to_sim": Action(
        fields={
            vol.Required("phone_number"): _NUMBER,
            vol.Required("iccid"): _NUMBER,
            vol.Required("pin"): _NUMBER,
            vol.Optional("delayed_activation", default=False): flag,
        }
    ),
    # Zadarma: settings of a connected number
    "set_caller_name": Action(
        fields={vol.Required("number"): _NUMBER, vol.Required("caller_name"): text(empty=True)}
    ),
    "set_sip_routing": Action(
        fields={
            vol.Required("number"): _NUMBER,
            vol.Required("sip_id"): _TEXT,
            vol.Optional("test_mode"): flag,
        }
    ),
    "set_auto_prolongation": Action(
        fields={vol.Required("number"): _NUMBER, vol.Required("enabled"): flag}
    ),
    "prolong_number": Action(
        fields={
            vol.Required("number"): _NUMBER,
            vol.Required("months"): whole(1, 36),
        }
    ),
    # Zadarma: ordering a number
    "list_number_countries": Action(
        fields={vol.Optional("language"): _LANGUAGE}, response=SupportsResponse.ONLY
    ),
    "list_number_directions": Action(
        fields={
            vol.Required("country"): _TEXT,
            vol.Optional("language"): _LANGUAGE,
            vol.Optional("direction_id"): _NUMBER_DIRECTION,
        },
        response=SupportsResponse.ONLY,
    ),
    "list_available_numbers": Action(
        fields={vol.Required("direction_id"): _NUMBER_DIRECTION, vol.Optional("mask"): _NUMBER},
        response=SupportsResponse.ONLY,
    ),
    "order_number": Action(
        fields={
            vol.Required("direction_id"): _NUMBER_DIRECTION,
            vol.Optional("number_id"): _TEXT,
            vol.Optional("number"): _NUMBER,
            vol.Optional("documents_group_id"): _NON_NEGATIVE_INT,
            vol.Optional("period", default="month"): one_of(ORDER_PERIODS),
            vol.Optional("autorenew_period"): one_of(AUTORENEW_PERIODS),
            vol.Optional("receive_sms", default=False): flag,
            vol.Optional("purpose"): _TEXT,
        }
    ),
    # Zadarma: identity documents
    "list_document_groups": Action(fields={}, response=SupportsResponse.ONLY),
    "get_document_group": Action(
        fields={vol.Required("group_id"): _NON_NEGATIVE_INT}, response=SupportsResponse.ONLY
    ),
    "create_document_group": Action(
        fields={
            **{vol.Required(name): _GROUP_VALUES[name] for name in GROUP_REQUIRED},
            **{vol.Optional(name): _GROUP_VALUES[name] for name in _GROUP_OPTIONAL},
        }
    ),
    "update_document_group": Action(
        fields={
            vol.Required("group_id"): _NON_NEGATIVE_INT,
            **{vol.Optional(name): _GROUP_VALUES[name] for name in GROUP_FIELDS},
        }
    ),
    "upload_document": Action(
        fields={
            vol.Required("group_id"): _NON_NEGATIVE_INT,
            vol.Required("document_type"): one_of(DOCUMENT_TYPES),
            vol.Required("file"): _TEXT,
        }
    ),
    "list_documents": Action(
        fields={vol.Optional("group_id", default=0): _NON_NEGATIVE_INT},
        response=SupportsResponse.ONLY,
    ),
    "validate_document_group": Action(
        fields={
            vol.Required("group_id"): _NON_NEGATIVE_INT,
            vol.Required("direction_id"): _NUMBER_DIRECTION,
        },
        response=SupportsResponse.ONLY,
    ),
}


def offer[DataT: TelcoRuntimeData](
    name: str,
    run: Callable[[HomeAssistant, DataT, Mapping[str, Any]], Awaitable[dict[str, Any]]],
    *,
    without: Collection[str] = (),
) -> tuple[str, OperatorAction[DataT]]:
    """Return an operator's answer to one action: every field of it, but those ``without``."""
    fields = frozenset(str(marker.schema) for marker in ACTIONS[name].fields) - set(without)
    return name, OperatorAction(fields=fields, run=run)


# --- The responses both operators give alike ----------------------------------------------


def callback_response(*, status: str, from_: str, to: str, time: datetime | None) -> dict[str, Any]:
    """Return the answer of ``callback``, the same for every operator.

    ``status`` is ``callback_ordered`` or ``successfully_enqueued`` (a delayed one);
    ``from``/``to`` are the numbers as the operator took them; ``time`` is when the
    caller is rung (Zadarma: when it took the request), or None when not told.
    """
    return {"status": status, "from": from_, "to": to, "time": time.isoformat() if time else None}


def sms_response(
    *,
    status: str,
    balance: float | None,
    messages: int | None,
    cost: float | None,
    currency: str | None,
    denied_numbers: list[dict[str, str]],
) -> dict[str, Any]:
    """Return the answer of ``send_sms``, the same for every operator.

    ``status`` is ``successfully_sent`` or ``successfully_enqueued``; ``balance`` the
    credit left; ``messages``, ``cost`` and ``currency`` what the SMS took; each of
    ``denied_numbers`` a recipient the operator refused, with its reason (``number``,
    ``message``). What an operator does not tell is None.
    """
    return {
        "status": status,
        "balance": balance,
        "messages": messages,
        "cost": cost,
        "currency": currency,
        "denied_numbers": denied_numbers,
    }
