"""Shared test configuration: Hypothesis profiles.

``ci`` is the default (``make test``, CI): derandomized, so every run of the same code draws the same examples and
gives the same result (derandomize also turns the example database off, so a failure saved by an exploring run
does not change it), with no deadline and a bounded number of examples to fit the time budget. ``dev`` explores:
more examples from a random seed, which ``make test-deep`` prints so that a failure can be rerun with
``--hypothesis-seed``. ``HYPOTHESIS_PROFILE`` picks one.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=500,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_report_header(config: pytest.Config) -> str:
    """Name the profile (and a forced seed) at the top of every run, so a failure's log says how to rerun it."""
    seed = config.getoption("--hypothesis-seed", None)
    current = settings.get_current_profile_name()
    if settings.get_profile(current).derandomize:
        return f"hypothesis profile {current!r}: derandomized"
    return f"hypothesis profile {current!r}: seed {'random' if seed is None else seed}"
