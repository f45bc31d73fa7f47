"""The operators this integration knows: one declaration each.

``odorik.py`` and ``zadarma.py`` each declare one operator (``declaration.Operator``):
its config-flow fields and default address, how to build its client and name its
account, its coordinators, what its entities belong to and which entities exist, its
device facts and its diagnostics. The flow, the setup, the platforms, diagnostics and
repairs read these declarations; nothing outside them and ``api/`` asks which operator
an entry has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .const import CONF_OPERATOR
from .declaration import AccountIdentity, Operator
from .odorik import ODORIK
from .zadarma import ZADARMA

OPERATORS: dict[str, Operator[Any, Any]] = {
    operator.key: operator for operator in (ODORIK, ZADARMA)
}


def operator_of(data: Mapping[str, Any]) -> Operator[Any, Any]:
    """Return the operator of a config entry (from its data)."""
    return OPERATORS[data[CONF_OPERATOR]]


__all__ = ["OPERATORS", "AccountIdentity", "Operator", "operator_of"]
