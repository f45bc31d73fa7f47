"""A stateful simulator of the Odorik.cz and Zadarma APIs for tests and development.

Run it with ``python -m tests.simulator``; use ``SimulatorServer`` from tests.
"""

from .app import CONTROL_KEY, OperatorFaults, SimulatorControl, SimulatorServer, create_app
from .faults import FAULT_KINDS, Injection

__all__ = [
    "CONTROL_KEY",
    "FAULT_KINDS",
    "Injection",
    "OperatorFaults",
    "SimulatorControl",
    "SimulatorServer",
    "create_app",
]
