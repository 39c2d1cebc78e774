"""The NIW advisor: ``advise(profile)`` -> Advice (see docs/advisor.md)."""

from socfit.advisor.core import Advice, advise
from socfit.advisor.profile import DEGREE_LEVELS, apply_patch, load_profile, validate_profile

__all__ = ["Advice", "DEGREE_LEVELS", "advise", "apply_patch", "load_profile", "validate_profile"]
