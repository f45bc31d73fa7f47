"""A stateful simulator of the Odorik.cz and Zadarma APIs for tests and development.

Run it with ``python -m tests.simulator``; use ``SimulatorServer`` from tests.
"""

from .app import CONTROL_KEY, OperatorFaults, SimulatorControl, SimulatorServer, create_app

__all__ = ["CONTROL_KEY", "OperatorFaults", "SimulatorControl", "SimulatorServer", "create_app"]
