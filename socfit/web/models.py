"""Request bodies of the JSON API. They document the API (OpenAPI at /docs) and turn away malformed JSON
early. A profile is checked by the advisor's validate_profile alone, before pydantic sees it, so the API
accepts, cleans and refuses exactly what the CLI does, with the CLI's messages (an InputError, 422)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from socfit.advisor.profile import (DEGREE_LEVELS, DUTIES_LIMIT, DUTY_ITEMS_LIMIT, FIELD_LIMIT, NUMBER_LIMITS,
                                    TEXT_LIMITS, validate_profile)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _text(key: str) -> Any:
    return Field(None, description=f"At most {TEXT_LIMITS[key]:,} characters")


def _number(key: str, what: str) -> Any:
    lo, hi = NUMBER_LIMITS[key]
    return Field(None, description=f"{what}, {lo:,} to {hi:,} (a number written as text, \"185,000\", is read too)")


class Degree(_Strict):
    level: Literal[DEGREE_LEVELS] = Field(..., description="Common spellings (PhD, MSc, master's...) are read too")
    field: str | None = Field(None, description=f"At most {FIELD_LIMIT} characters", examples=["Computer Science"])
    cip: str | None = Field(None, description="A CIP 2020 code", examples=["11.0701"])


class Profile(_Strict):
    """A person's profile (docs/advisor.md). Only job_title is required."""

    job_title: str = Field(..., description=f"At most {TEXT_LIMITS['job_title']} characters",
                           examples=["Senior Machine Learning Engineer"])
    duties: list[str] | None = Field(None, description=f"One duty per item (or one text); at most {DUTY_ITEMS_LIMIT} "
                                     f"items and {DUTIES_LIMIT:,} characters in all",
                                     examples=[["Design and train deep learning models for medical image analysis"]])
    degree: Degree | None = Field(None, description="The highest degree; the level alone as text is read too")
    years_experience: int | float | None = _number("years_experience", "Years")
    endeavor: str | None = _text("endeavor")
    salary: int | float | None = _number("salary", "U.S. dollars a year")
    supervises: int | None = _number("supervises", "People")
    country_title: str | None = _text("country_title")
    soc_code: str | None = _text("soc_code")
    employer: str | None = _text("employer")
    industry: str | None = _text("industry")

    @model_validator(mode="before")
    @classmethod
    def _advisor_checks(cls, data: Any) -> dict[str, Any]:
        """The CLI's check and cleaning; its InputError passes through pydantic untouched (not a ValueError)."""
        return validate_profile(data)

    def plain(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class CodeRequest(_Strict):
    title: str = Field(..., min_length=1, max_length=300, examples=["Sr. Data Scientist"])
    duties: str | list[str] | None = Field(None, max_length=20_000)
    top: int = Field(5, ge=1, le=20)


class NewCase(_Strict):
    name: str | None = Field(None, max_length=200)
    profile: Profile
    soc_code: str | None = Field(None, max_length=20, description="The code chosen, if already decided")
    note: str = Field("", max_length=5_000, description="Why this code")


class NewDecision(_Strict):
    soc_code: str = Field(..., min_length=1, max_length=20)
    note: str = Field("", max_length=5_000)
    profile: Profile | None = Field(None, description="The profile the choice was made on; becomes the case's profile")
    recommended: str | None = Field(None, max_length=20, description="socfit's recommendation at the time")
