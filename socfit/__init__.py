"""socfit: recommend the right U.S. SOC 2018 code for an immigration petition, with evidence.

This product includes information from the O*NET Database by the U.S. Department of Labor, Employment
and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license.
"""

__version__ = "0.1.0"
