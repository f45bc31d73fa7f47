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

CONF_ACTIVE_CALLS_INTERVAL: Final = "active_calls_interval"
CONF_ACCOUNT_INTERVAL: Final = "account_interval"
CONF_SLOW_INTERVAL: Final = "slow_interval"
# Where the notify entity sends its SMS.
CONF_SMS_RECIPIENT: Final = "sms_recipient"

# Seconds. Active calls change fast; balance, SIM cards and numbers change when the
# user acts; mobile data is booked by the operator in daily records.
DEFAULT_INTERVALS: Final = {
    CONF_ACTIVE_CALLS_INTERVAL: 30,
    CONF_ACCOUNT_INTERVAL: 300,
    CONF_SLOW_INTERVAL: 900,
}
INTERVAL_LIMITS: Final = {
    CONF_ACTIVE_CALLS_INTERVAL: (10, 3600),
    CONF_ACCOUNT_INTERVAL: (60, 86400),
    CONF_SLOW_INTERVAL: (300, 86400),
}

# Zadarma allows 3 requests a minute to its statistics methods (100 to the others), and
# a refusal stops every request of the key for a minute. Reading the call statistics
# once a minute, and not as the user chooses, leaves room for two more: another page
# of a busy period, or a refresh asked for by hand.
ZADARMA_STATISTICS_INTERVAL: Final = timedelta(minutes=1)

# Odorik books mobile data and months in Prague time.
ODORIK_TIMEZONE: Final = ZoneInfo("Europe/Prague")
ODORIK_CURRENCY: Final = "CZK"

REPAIR_EXPIRY_WINDOW: Final = timedelta(days=7)
