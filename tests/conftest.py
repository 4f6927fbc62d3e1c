"""Suite-wide settings."""

from __future__ import annotations

from hypothesis import settings

# Timing varies on a shared 2-core machine; a property must fail on its logic, not on a slow
# first example (Hypothesis' default 200 ms deadline made runs flaky).
settings.register_profile("callcenter", deadline=None)
settings.load_profile("callcenter")
