"""Simulated organisations for the rater-effects tests (seeded, deterministic)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SimulatedOrganisation:
    observations: list[tuple[str, str, float]]
    lenient: frozenset[str]
    severe: frozenset[str]
    ordinary: frozenset[str]


def simulate_organisation(
    seed: int,
    *,
    n_managers: int = 60,
    n_lenient: int = 3,
    n_severe: int = 3,
    effect: float = 0.8,
    team_sizes: tuple[int, int] = (3, 12),
    planted_team_sizes: tuple[int, int] = (8, 12),
    performance_mean: float = 3.0,
    performance_sd: float = 0.2,
    noise_sd: float = 0.2,
) -> SimulatedOrganisation:
    """Managers rate their reports on a 1–5 scale.

    rating = clip(round(true performance + manager effect + noise), 1, 5), where
    true performance ~ N(performance_mean, performance_sd²) per employee, noise
    ~ N(0, noise_sd²) per rating, the manager effect is +effect for the planted
    lenient managers, −effect for the planted severe ones and 0 for everyone
    else.  Team sizes are uniform on ``team_sizes`` (inclusive), and on
    ``planted_team_sizes`` for the planted managers.

    The defaults (effect ±0.8, planted teams of 8–12, within-team spread
    sd ≈ 0.28 before rounding) were chosen so that recovery is robust, not
    lucky: over seeds 0–999 the planted managers failed to take the top 3 /
    bottom 3 places in 2 organisations (0.2 %), a planted manager's 95 %
    interval included zero in none, and 3.0 % of ordinary managers' intervals
    excluded zero (at most 7 of 54 in any one organisation).
    """
    rng = np.random.default_rng(seed)
    managers = [f"m{index:03d}" for index in range(n_managers)]
    order = rng.permutation(n_managers)
    lenient = frozenset(managers[i] for i in order[:n_lenient])
    severe = frozenset(managers[i] for i in order[n_lenient : n_lenient + n_severe])
    ordinary = frozenset(managers) - lenient - severe
    observations: list[tuple[str, str, float]] = []
    employee = 0
    for manager in managers:
        planted = manager in lenient or manager in severe
        low, high = planted_team_sizes if planted else team_sizes
        size = int(rng.integers(low, high + 1))
        bias = effect if manager in lenient else -effect if manager in severe else 0.0
        performance = rng.normal(performance_mean, performance_sd, size=size)
        noise = rng.normal(0.0, noise_sd, size=size)
        ratings = np.clip(np.rint(performance + bias + noise), 1.0, 5.0)
        for rating in ratings:
            observations.append((manager, f"e{employee:05d}", float(rating)))
            employee += 1
    return SimulatedOrganisation(observations, lenient, severe, ordinary)
