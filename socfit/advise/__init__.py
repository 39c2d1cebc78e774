"""The NIW advisor: ``advise(profile)`` -> Advice (see docs/advisor.md)."""

from socfit.advise.core import Advice, advise
from socfit.advise.profile import DEGREE_LEVELS, apply_patch, load_profile, validate_profile

__all__ = ["Advice", "DEGREE_LEVELS", "advise", "apply_patch", "load_profile", "validate_profile"]
