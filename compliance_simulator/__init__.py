"""The built-in Compliance API simulator: a synthetic organization served over HTTP.

>>> from compliance_simulator import Simulator, SimConfig, serve
>>> sim = Simulator(SimConfig(seed=7, users=3, days=2))
>>> len(sim.truth()) > 0
True
"""

from __future__ import annotations

from .api import RequestRecord
from .config import SimConfig
from .faults import Fault
from .keys import SimKeys
from .server import SimServer, run_server, serve
from .session_endpoints import RequestBound
from .simulator import Simulator
from .truth import SOURCES, Decoy, Planted, located_text, scanned_input

__all__ = [
    "SOURCES",
    "Decoy",
    "Fault",
    "Planted",
    "RequestBound",
    "RequestRecord",
    "SimConfig",
    "SimKeys",
    "SimServer",
    "Simulator",
    "located_text",
    "run_server",
    "scanned_input",
    "serve",
]
