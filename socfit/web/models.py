"""Request bodies of the JSON API. They document the API (OpenAPI at /docs) and turn away malformed JSON
early; the advisor's validate_profile stays the authority on a profile (same messages as the CLI)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Degree(_Strict):
    level: Literal["bachelor", "master", "doctorate", "professional", "other"]
    field: str | None = Field(None, max_length=200, examples=["Computer Science"])
    cip: str | None = Field(None, max_length=12, examples=["11.0701"])


class Profile(_Strict):
    """A person's profile (docs/advisor.md). Only job_title is required."""

    job_title: str = Field(..., min_length=1, max_length=300, examples=["Senior Machine Learning Engineer"])
    duties: str | list[str] | None = Field(None, max_length=20_000,
                                           examples=[["Design and train deep learning models for medical image analysis"]])
    degree: Degree | None = None
    years_experience: float | None = Field(None, ge=0, le=70)
    endeavor: str | None = Field(None, max_length=5_000)
    salary: float | None = Field(None, ge=0, le=10_000_000)
    supervises: int | None = Field(None, ge=0, le=100_000)
    country_title: str | None = Field(None, max_length=300)
    soc_code: str | None = Field(None, max_length=20)
    employer: str | None = Field(None, max_length=300)
    industry: str | None = Field(None, max_length=300)

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
