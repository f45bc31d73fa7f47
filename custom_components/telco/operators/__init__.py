"""The operators this integration knows: one package each, named here and nowhere else.

Each package (``odorik/``, ``zadarma/``) declares one operator (``model.declaration.
Operator``) in its ``__init__``, from its coordinators, entities and actions. It
imports the model and its client under ``api/``, never another operator. Adding an
operator is its client, its package, its line here, its config-flow menu step and its
strings (README, "Adding an operator").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..const import CONF_OPERATOR
from ..model.declaration import Operator
from .odorik import ODORIK
from .zadarma import ZADARMA

OPERATORS: dict[str, Operator[Any, Any]] = {
    operator.key: operator for operator in (ODORIK, ZADARMA)
}


def operator_of(data: Mapping[str, Any]) -> Operator[Any, Any]:
    """Return the operator of a config entry (from its data)."""
    return OPERATORS[data[CONF_OPERATOR]]
