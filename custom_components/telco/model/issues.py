"""The repair issues of an account: named by their kind, the entry and the item."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN


def entry_issue_id(kind: str, entry: ConfigEntry[Any], item: str) -> str:
    """Return the repair issue ID of one item of an entry, for one kind of issue."""
    return f"{kind}_{entry.entry_id}_{item}"


@callback
def async_delete_entry_issues(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    kind: str | None = None,
    keep: Collection[str] = (),
) -> None:
    """Delete the entry's repair issues of one kind (or of every kind), but those in ``keep``."""
    infix = f"_{entry.entry_id}_"
    for domain, known in list(ir.async_get(hass).issues):
        if domain != DOMAIN or known in keep or infix not in known:
            continue
        if kind is None or known.startswith(f"{kind}{infix}"):
            ir.async_delete_issue(hass, DOMAIN, known)
