"""What an operator can answer when the user talks to an account (``intents.py``).

Each capability names the sensor that stands for it: an account is spoken about, or
acted on, only while the user exposes that sensor to the assistant (the balance for
the balance, a SIM card's data used for its data, the calls in progress for hanging
up). The intents read the coordinators' last polls and act through the same write
paths as the service actions, so a refusal is the same translated error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant

from .descriptions import TelcoSensorDescription


@dataclass(frozen=True, kw_only=True)
class Spoken[DataT, RunT]:
    """One capability: what it does (``run``) and the sensor whose exposure allows it."""

    sensor: TelcoSensorDescription[DataT]
    run: RunT


# The balance and its currency, from the last poll (the first one sets the entry up).
type BalanceFn[DataT] = Callable[[DataT], tuple[float, str]]
# This month's mobile data in bytes, by SIM card number (the operator's format).
type DataUsedFn[DataT] = Callable[[DataT], Mapping[str, int]]
# Ends the calls in progress (those on a number, in any format, or all): their ids.
type HangUpFn[DataT] = Callable[[HomeAssistant, DataT, str | None], Awaitable[list[int]]]
# Rings ``caller`` first and connects it to ``recipient`` (both in any format).
type CallbackFn[DataT] = Callable[[HomeAssistant, DataT, str, str], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True, kw_only=True)
class Voice[DataT]:
    """The capabilities of one operator that the intents use; None where it has none."""

    balance: Spoken[DataT, BalanceFn[DataT]]
    data_used: Spoken[DataT, DataUsedFn[DataT]] | None = None
    hang_up: Spoken[DataT, HangUpFn[DataT]] | None = None
    callback: Spoken[DataT, CallbackFn[DataT]] | None = None
