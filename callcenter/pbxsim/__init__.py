"""PBX simulator: a real TCP peer that behaves like the recorded Asterisk 22.10.1.

It serves AMI (the engine connects to it) and acts as a FastAGI client (it connects to the
engine's FastAGI server), driven by simulated callers, agent phones, customer phones and fax machines.
"""

from callcenter.pbxsim.actors import SimulatedAgentPhone, SimulatedCaller, SimulatedFax
from callcenter.pbxsim.config import SimConfig
from callcenter.pbxsim.simulator import PbxSimulator, SimulatedCallHandle

__all__ = [
    "PbxSimulator",
    "SimConfig",
    "SimulatedAgentPhone",
    "SimulatedCallHandle",
    "SimulatedCaller",
    "SimulatedFax",
]
