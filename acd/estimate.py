"""Estimated wait and the Erlang C model (pure)."""

from __future__ import annotations

import math


def estimated_wait(position: int, free_slots: int, staffed_slots: int, aht: float) -> float:
    """Seconds until an item at 1-based ``position`` is offered.

    Free slots take the first items at once; after that one slot frees up every
    ``aht / staffed_slots`` seconds on average. With nobody staffed the wait is unbounded.
    """
    ahead = position - free_slots
    if ahead <= 0:
        return 0.0
    if staffed_slots <= 0:
        return math.inf
    return ahead * aht / staffed_slots


def erlang_c(agents: int, offered_erlangs: float) -> float:
    """Probability that an arrival waits (M/M/N). 1.0 when the load reaches the agent count."""
    if offered_erlangs >= agents:
        return 1.0
    term = 1.0
    total = 1.0  # sum_{k=0}^{N-1} A^k / k!, computed incrementally
    for k in range(1, agents):
        term *= offered_erlangs / k
        total += term
    top = term * offered_erlangs / agents * agents / (agents - offered_erlangs)
    return top / (total + top)


def erlang_c_service_level(agents: int, offered_erlangs: float, aht: float, threshold: float) -> float:
    """P(wait <= threshold) for M/M/N with FIFO service."""
    pw = erlang_c(agents, offered_erlangs)
    return 1.0 - pw * math.exp(-(agents - offered_erlangs) * threshold / aht)


def erlang_c_asa(agents: int, offered_erlangs: float, aht: float) -> float:
    if offered_erlangs >= agents:
        return math.inf
    return erlang_c(agents, offered_erlangs) * aht / (agents - offered_erlangs)
