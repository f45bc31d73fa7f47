"""Constants of the telco integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final
from zoneinfo import ZoneInfo

DOMAIN: Final = "telco"
LOGGER = logging.getLogger(__package__)

CONF_OPERATOR: Final = "operator"
CONF_API_SECRET: Final = "api_secret"  # noqa: S105 (a field name)
CONF_ADVANCED: Final = "advanced"

OPERATOR_ODORIK: Final = "odorik"
OPERATOR_ZADARMA: Final = "zadarma"

# Where the notify entity sends its SMS.
CONF_SMS_RECIPIENT: Final = "sms_recipient"
# Whether the operator pushes its events to Home Assistant's webhook (an option), and
# where: the webhook's id and the URL registered at the operator (entry data).
CONF_PUSH_EVENTS: Final = "push_events"
CONF_PUSH_URL: Final = "push_url"
# Poll intervals that were options before entry version 1.2; each operator now polls
# at fixed intervals chosen from its limits (Home Assistant's rule).
LEGACY_INTERVAL_OPTIONS: Final = ("active_calls_interval", "account_interval", "slow_interval")

# Odorik books mobile data and months in Prague time.
ODORIK_TIMEZONE: Final = ZoneInfo("Europe/Prague")
ODORIK_CURRENCY: Final = "CZK"

# How many months of history the long-term statistics are imported with at first.
CONF_HISTORY_MONTHS: Final = "history_months"
DEFAULT_HISTORY_MONTHS: Final = 12

REPAIR_EXPIRY_WINDOW: Final = timedelta(days=7)

# Intents: the number a callback rings first, and whether Assist's sentences are installed.
CONF_CALLBACK_NUMBER: Final = "callback_number"
CONF_CUSTOM_SENTENCES: Final = "custom_sentences"
