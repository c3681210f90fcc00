"""Shared test configuration: Hypothesis profiles.

``ci`` is deterministic (derandomized, no deadline, a bounded number of examples) so that CI runs are
repeatable and fit its time budget; ``dev`` explores more. ``HYPOTHESIS_PROFILE`` picks one (default
``dev``).
"""

from __future__ import annotations

import os

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
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
