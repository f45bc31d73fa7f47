"""The Zadarma client of a config entry, from its key, secret and API address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import ClientSession
from homeassistant.const import CONF_API_KEY, CONF_URL

from ...api.zadarma import ZadarmaClient
from ...const import CONF_API_SECRET


def connect(session: ClientSession, data: Mapping[str, Any]) -> ZadarmaClient:
    """Return the client of an entry's data (nothing is sent yet)."""
    return ZadarmaClient(
        session, data[CONF_API_KEY], data[CONF_API_SECRET], base_url=data[CONF_URL]
    )
