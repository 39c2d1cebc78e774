"""socfit: recommend the right U.S. SOC 2018 code for an immigration petition, with evidence.

This product includes information from the O*NET Database by the U.S. Department of Labor, Employment
and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "advise", "code", "occupation"]


def __getattr__(name: str):
    """`socfit.code`, `socfit.advise`, `socfit.occupation`, imported on first use so `import socfit` stays light."""
    if name == "code":
        from socfit.coder import code

        return code
    if name == "advise":
        from socfit.advisor import advise

        return advise
    if name == "occupation":
        from socfit.api import occupation

        return occupation
    raise AttributeError(f"module 'socfit' has no attribute {name!r}")
