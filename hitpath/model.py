"""Plain runtime types: the compiled rules, the answers, and the assessment.

No pydantic here: a normal run builds these from the pre-validated compiled rules, so start-up
stays close to the CLI framework's own floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

UNSURE = "not_sure"
"""The answer 'not sure': the engine treats it as unknown unless a rule names it."""

Condition = dict[str, Any]
AnswerValue = str | int | date | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    fact: str
    type: str
    help: str | None = None
    choices: tuple[Choice, ...] = ()
    when: Condition | None = None
    unsure_allowed: bool = False
    optional: bool = False
    unit: str | None = None
    min: int | None = None
    max: int | None = None

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed choice values."""
        return tuple(c.value for c in self.choices)

    def label(self, value: str) -> str:
        """The label of a choice value (the value itself when unknown)."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return "not sure" if value == UNSURE else value


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    kind: str  # gate | need | months | date
    title: str
    met: str
    unmet: str
    how_to_meet: str
    sources: tuple[str, ...]
    applies_when: Condition | None = None
    met_when: Condition | None = None
    question: str | None = None
    at_least: int = 0
    plus_years: int = 0
    plus_months: int = 0
    caveat: str | None = None
    rollover_note: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    id: str
    title: str
    short_title: str
    summary: str
    applies_when: Condition
    not_applicable: str
    requirements: tuple[Requirement, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Funding:
    requirement: Requirement
    title: str
    summary: str
    not_applied: str
    if_unsure: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BandPay:
    band: int
    entry: int
    after_2_years: int
    top: int


@dataclass(frozen=True, slots=True)
class PayPeriod:
    effective_from: date
    pay_year: str
    uplift_percent: float
    estimated: bool
    note: str | None
    bands: tuple[BandPay, ...]
    sources: tuple[str, ...]

    def band(self, number: int) -> BandPay | None:
        """The pay points of one band, if the table has it."""
        for band in self.bands:
            if band.band == number:
                return band
        return None


@dataclass(frozen=True, slots=True)
class Training:
    length_months: int
    university_days: int
    service_days: int
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Terms:
    trainee_band: int
    qualified_band: int
    hours_per_week: float
    hours_sources: tuple[str, ...]
    bands_sources: tuple[str, ...]
    training: Training
    pay: tuple[PayPeriod, ...]

    def pay_on(self, day: date) -> PayPeriod | None:
        """The pay table in force on ``day`` (None before the first one)."""
        found = None
        for period in self.pay:
            if period.effective_from <= day:
                found = period
        return found


@dataclass(frozen=True, slots=True)
class HcasZone:
    area: str
    percent: float
    label: str


@dataclass(frozen=True, slots=True)
class Hcas:
    zones: tuple[HcasZone, ...]
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    topic: str
    text: str
    sources: tuple[str, ...]
    when: Condition | None = None


@dataclass(frozen=True, slots=True)
class NextStep:
    id: str
    text: str
    sources: tuple[str, ...]
    when: Condition | None = None
    dated_by: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    url: str
    publisher: str
    checked: date
    published: str | None = None
    confidence: str | None = None


@dataclass(frozen=True, slots=True)
class Meta:
    title: str
    rules_version: str
    reviewed: date
    data_as_of: str
    jurisdiction: str
    review_every_months: int
    does_not_cover: tuple[str, ...]
    care_signpost: str | None
    care_sources: tuple[str, ...]


@dataclass(slots=True)
class Rules:
    """The compiled rules: what the engine reads."""

    meta: Meta
    sources: dict[str, Source]
    conditions: dict[str, Condition]
    questions: tuple[Question, ...]
    requirements: dict[str, Requirement]
    routes: tuple[Route, ...]
    funding: Funding
    terms: Terms
    hcas: Hcas
    advice: tuple[Advice, ...]
    next_steps: tuple[NextStep, ...]
    origin: str = "<rules>"
    question_by_id: dict[str, Question] = field(default_factory=dict)
    compiled: dict[int, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.question_by_id = {q.id: q for q in self.questions}


@dataclass(slots=True)
class Answers:
    """Validated answers keyed by question id. ``month_only`` names dates given as YYYY-MM."""

    values: dict[str, AnswerValue] = field(default_factory=dict)
    month_only: frozenset[str] = frozenset()

    def get(self, key: str) -> AnswerValue | None:
        return self.values.get(key)


VERDICTS = ("eligible", "eligible_from", "not_yet", "not_eligible", "unsure")


@dataclass(slots=True)
class RequirementResult:
    id: str
    title: str
    status: str  # met | unmet | dated | unknown | not_applicable
    text: str
    sources: tuple[str, ...]
    how_to_meet: str | None = None
    date: date | None = None
    unknown: tuple[str, ...] = ()
    because: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(slots=True)
class RouteResult:
    id: str
    title: str
    short_title: str
    summary: str
    verdict: str
    eligible_from: date | None
    met: list[RequirementResult]
    unmet: list[RequirementResult]
    unknown: list[str]
    because: list[str]
    reason: str
    sources: tuple[str, ...]


@dataclass(slots=True)
class FundingResult:
    two_year_rule: str  # applies | does_not_apply | unsure
    nhs_funding_from: date | None
    text: str
    because: list[str]
    notes: list[str]
    sources: tuple[str, ...]


@dataclass(slots=True)
class TermsResult:
    trainee_band: int
    qualified_band: int
    hours_per_week: float
    pay_year: str | None
    pay_from: date | None
    estimated: bool
    pay_note: str | None
    trainee_pay: BandPay | None
    qualified_pay: BandPay | None
    training: Training
    hcas: HcasZone | None
    sources: tuple[str, ...]


@dataclass(slots=True)
class Item:
    id: str
    topic: str
    text: str
    sources: tuple[str, ...]
    date: date | None = None


@dataclass(slots=True)
class TimelineEvent:
    date: date | None
    label: str
    kind: str  # today | requirement | start | training | qualify | band


@dataclass(slots=True)
class Assessment:
    """Everything a report shows, computed once by the engine."""

    as_of: date
    reference_date: date
    rules_version: str
    rules_reviewed: date
    data_as_of: str
    review_overdue: bool
    in_scope: bool
    routes: list[RouteResult]
    funding: FundingResult
    terms: TermsResult
    advice: list[Item]
    next_steps: list[Item]
    answers: Answers
    notes: list[str]
    timeline: list[TimelineEvent] = field(default_factory=list)
