"""The rules file's schema (pydantic), and the cross-checks that tie its parts together.

Only used when a rules file has to be validated from source (an edited copy, or a shipped copy
whose compiled form is stale) and for ``hitpath rules schema``; a normal run reads the
pre-validated compiled copy and never imports pydantic.
"""

from __future__ import annotations

import calendar
from itertools import pairwise
from typing import Annotated, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from hitpath.core.conditions import OPERATORS as REGISTRY
from hitpath.core.dates import parse_iso
from hitpath.load.validate import CONNECTIVES

OPERATORS: dict[str, tuple[str, ...]] = {op: spec.fits for op, spec in REGISTRY.items()}
"""Operator -> the question types it fits, from the one operator registry."""


class _Strict(BaseModel):
    # allow_inf_nan: .inf and .nan are not figures a rules file may state.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)


# Bounds on every number and date in the rules, so nothing can overflow later (a year 9999
# plus two years, a 10^20 number of months): generous for any real rule, finite for any file.
MAX_MONTHS = 1200
"""A hundred years: more than any experience, gap or review period a rule could ask for."""
MAX_QUESTIONS = 200
"""A questionnaire longer than this is not one a person would answer (the walk also goes one
level deeper for each)."""
MAX_NUMBER = 10**9
"""The largest threshold or limit a comparison or a number question may state."""


def _iso(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a date written YYYY-MM-DD")
    day, month_only = parse_iso(value)
    if month_only:
        raise ValueError("expected a full date YYYY-MM-DD")
    return day.isoformat()


IsoDate = Annotated[str, BeforeValidator(_iso), Field(json_schema_extra={"format": "date"})]


class _Rising(_Strict):
    rising: ClassVar[tuple[tuple[str, ...], str]]
    """Fields whose values may not go down, in this order, and what to say when they do."""

    @model_validator(mode="after")
    def _ordered(self) -> _Rising:
        names, message = self.rising
        if any(getattr(self, low) > getattr(self, high) for low, high in pairwise(names)):
            raise ValueError(message)
        return self


class Compare(_Strict):
    """A comparison of one answer with a value, by one operator from a fixed table."""

    q: str = Field(description="The id of the question whose answer is compared.")
    equals: str | Annotated[int, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)] | None = None
    not_equals: str | Annotated[int, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)] | None = None
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[str] | None = Field(default=None, min_length=1)
    contains_any: list[str] | None = Field(default=None, min_length=1)
    contains_all: list[str] | None = Field(default=None, min_length=1)
    contains_none: list[str] | None = Field(default=None, min_length=1)
    at_least: int | None = Field(default=None, ge=-MAX_NUMBER, le=MAX_NUMBER)
    at_most: int | None = Field(default=None, ge=-MAX_NUMBER, le=MAX_NUMBER)
    before: IsoDate | None = None
    on_or_after: IsoDate | None = None
    answered: bool | None = None

    @field_validator("before", "on_or_after", mode="before")
    @classmethod
    def _date(cls, value: object) -> str | None:
        return None if value is None else _iso(value)

    @model_validator(mode="after")
    def _one_operator(self) -> Compare:
        used = [op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(used) != 1:
            raise ValueError(
                f"a comparison needs exactly one operator besides 'q' (found {len(used)}); "
                f"operators: {', '.join(OPERATORS)}"
            )
        return self


class AllOf(_Strict):
    """True when every part is true."""

    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    """True when at least one part is true."""

    any: list[Condition] = Field(min_length=1)


class NotOf(_Strict):
    """True when its part is false."""

    not_: Condition = Field(alias="not")


class Ref(_Strict):
    """A named condition from the top-level ``conditions`` table."""

    ref: str


class RoutesOpen(_Strict):
    """Whether any route is open (eligible now or from a date); only for advice and next steps."""

    routes_open: bool


def _condition_kind(value: object) -> str | None:
    if isinstance(value, dict):
        return next((key for key in CONNECTIVES if key in value), None)
    if isinstance(value, BaseModel):
        return {
            AllOf: "all", AnyOf: "any", NotOf: "not", Ref: "ref", Compare: "q",
            RoutesOpen: "routes_open",
        }.get(type(value))
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[Ref, Tag("ref")]
    | Annotated[Compare, Tag("q")]
    | Annotated[RoutesOpen, Tag("routes_open")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a mapping with one of: all, any, not, ref, or q plus an operator"
        ),
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


class Meta(_Strict):
    """Who made these rules and when they were last checked against their sources."""

    title: str
    report_title: str | None = Field(
        default=None, description="The heading a report opens with (default: the title).")
    rules_version: str
    reviewed: IsoDate = Field(description="When the rules were last checked against the sources.")
    data_as_of: str = Field(description="Month of the newest source used, YYYY-MM.")
    jurisdiction: str
    review_every_months: int = Field(default=6, ge=1, le=MAX_MONTHS)
    does_not_cover: list[str] = Field(default_factory=list)
    care_signpost: str | None = None
    care_sources: list[str] = Field(default_factory=list)
    care_when: Condition | None = Field(
        default=None, description="Where the care signpost applies (it names services that "
        "exist only there); reports leave it out where this is false.")


class Source(_Strict):
    """Where a fact comes from."""

    title: str
    url: str = Field(pattern=r"^https?://")
    publisher: str
    published: str | None = None
    checked: IsoDate
    confidence: Literal["confirmed", "consistent", "uncertain"] | None = None


class Choice(_Strict):
    """One allowed answer to a choice or multi question."""

    value: str
    label: str
    exclusive: bool = Field(default=False, description="Cannot be combined with other choices.")


class Question(_Strict):
    """One question of the questionnaire; its id is the answers-file key."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    help: str | None = None
    plan_help: str | None = Field(
        default=None, description="The help shown when a plan asks it, where 'help' is about "
        "HIT alone.")
    fact: str = Field(description="How an explanation names this answer, e.g. 'your exam board'.")
    type: Literal["choice", "multi", "number", "date"]
    choices: list[Choice] = Field(default_factory=list)
    when: Condition | None = None
    unsure_allowed: bool = False
    optional: bool = False
    month_only_allowed: bool = Field(
        default=True, description="Whether YYYY-MM is accepted (read as the month's last day).")
    unit: str | None = None
    min: int | None = Field(default=None, ge=-MAX_NUMBER, le=MAX_NUMBER)
    max: int | None = Field(default=None, ge=-MAX_NUMBER, le=MAX_NUMBER)
    plan_only: bool = Field(
        default=False, description="Asked only when planning a path, never by check.")

    @model_validator(mode="after")
    def _choices_fit_type(self) -> Question:
        if self.type in ("choice", "multi") and not self.choices:
            raise ValueError(f"a {self.type} question needs choices")
        if self.type in ("number", "date") and self.choices:
            raise ValueError(f"a {self.type} question takes no choices")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError("two choices share a value")
        return self


class _RequirementBase(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    applies_when: Condition | None = Field(
        default=None, description="When false the requirement does not apply (counts as met)."
    )
    met: str = Field(description="Said when the requirement is met.")
    unmet: str = Field(description="Said when it is not met: what is missing.")
    how_to_meet: str
    caveat: str | None = Field(default=None, description="What is uncertain about it.")
    sources: list[str] = Field(min_length=1)


class GateRequirement(_RequirementBase):
    """Unmet means the route does not apply to this person (not_eligible)."""

    kind: Literal["gate"]
    met_when: Condition


class NeedRequirement(_RequirementBase):
    """Unmet means not yet, with no date the tool can compute (not_yet)."""

    kind: Literal["need"]
    met_when: Condition


class MonthsRequirement(_RequirementBase):
    """A number of months of experience, reached by working on."""

    kind: Literal["months"]
    question: str
    at_least: int = Field(ge=1, le=MAX_MONTHS)
    counts_on: str | None = Field(
        default=None, description="When set, the months keep counting up to the day the course "
        "starts (the policy), and this is how an explanation says so: 'if you keep working'.")


class DateRequirement(_RequirementBase):
    """A date computed from an answer plus whole years and months; met on or after it."""

    kind: Literal["date"]
    question: str
    plus_years: int = Field(default=0, ge=0, le=MAX_MONTHS // 12)
    plus_months: int = Field(default=0, ge=0, le=MAX_MONTHS)
    rollover_note: str | None = Field(
        default=None, description="Said when the date fell on a day the target month lacks."
    )


Requirement = Annotated[
    GateRequirement | NeedRequirement | MonthsRequirement | DateRequirement,
    Field(discriminator="kind"),
]


class Route(_Strict):
    """An entry route: who it is for and what it requires."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    short_title: str = Field(description="How a sentence names the route: 'the PWP route'.")
    summary: str
    applies_when: Condition
    not_applicable: str = Field(description="Why the route is not for this person, when it is not.")
    requirements: list[str] = Field(min_length=1)
    caveat_when: Condition | None = Field(
        default=None, description="When the route's verdict rests on something not settled.")
    caveat: str | None = Field(default=None, description="Said beside the verdict then.")
    sources: list[str] = Field(min_length=1)


class UnsureAbout(_Strict):
    """What to say when one particular answer leaves the funding rule unsettled."""

    question: str
    text: str


class UncertainFor(_Strict):
    """What to say about the rule's uncertain reach for some answers to one choice question
    (the earlier training, say), with the sources that say why it is uncertain for them."""

    question: str
    values: list[str] = Field(min_length=1)
    text: str
    sources: list[str] = Field(min_length=1)


class BetweenTrainings(_Strict):
    """The funding rule as plans apply it: between any two trainings, to the day."""

    text: str
    same_occupation: str = Field(description="Said when the next training keeps the occupation.")
    earlier_question: str = Field(
        description="The choice question saying an earlier NHS-funded training was started.")
    earlier_value: str = Field(description="Its answer meaning 'yes'.")
    programme_question: str = Field(description="The choice question naming that training.")
    started_question: str = Field(description="The date question giving its start.")
    sources: list[str] = Field(min_length=1)


class Funding(_Strict):
    """The NHS funding rule, expressed through one date requirement."""

    requirement: str
    title: str
    short_title: str | None = Field(
        default=None, description="How a line of changes names the rule (default: the title).")
    summary: str
    not_applied: str = Field(description="Said when the rule does not apply.")
    if_unsure: str = Field(description="Said when it is not known whether the rule applies.")
    if_unsure_about: list[UnsureAbout] = Field(
        default_factory=list, description="More precise words when a given answer is unknown.")
    uncertain_when: Condition | None = Field(
        default=None, description="When the rule's reach is itself uncertain for this person.")
    uncertain: str | None = Field(default=None, description="Said when uncertain_when holds.")
    uncertain_for: list[UncertainFor] = Field(
        default_factory=list, description="When uncertain_when holds, the words for the first "
        "entry whose question has one of its values, instead of 'uncertain'.")
    between_trainings: BetweenTrainings | None = Field(
        default=None, description="How plans apply the rule between any two trainings.")
    sources: list[str] = Field(min_length=1)


class BandPay(_Rising):
    """One band's basic annual pay points."""

    band: int = Field(ge=1, le=9)
    entry: int = Field(gt=0, le=MAX_NUMBER)
    after_2_years: int = Field(gt=0, le=MAX_NUMBER)
    top: int = Field(gt=0, le=MAX_NUMBER)

    rising = (("entry", "after_2_years", "top"),
              "pay points must rise: entry <= after_2_years <= top")


class PayPeriod(_Strict):
    """A pay table in force from a date until the next one starts."""

    effective_from: IsoDate
    pay_year: str = Field(pattern=r"^\d{4}/\d{2}$")
    uplift_percent: float = Field(ge=-100, le=100)
    estimated: bool = False
    note: str | None = None
    bands: list[BandPay] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Training(_Strict):
    """The shape of the training year."""

    length_months: int = Field(ge=1, le=MAX_MONTHS)
    university_days: int = Field(ge=0, le=5)
    service_days: int = Field(ge=0, le=5)
    text: str
    sources: list[str] = Field(min_length=1)


class PayYearStart(_Strict):
    """The day each pay year starts."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=28)


class Terms(_Strict):
    """Trainee and qualified terms of employment."""

    trainee_band: int = Field(ge=1, le=9)
    qualified_band: int = Field(ge=1, le=9)
    pay_scale: str = Field(description="The pay scale's name as a report says it.")
    pay_year_starts: PayYearStart = Field(description="The day each pay year starts.")
    hours_per_week: float = Field(gt=0, le=168)
    hours_sources: list[str] = Field(min_length=1)
    bands_sources: list[str] = Field(min_length=1)
    training: Training
    pay: list[PayPeriod] = Field(min_length=1)
    pay_lasts_months: int = Field(default=12, ge=1, le=MAX_MONTHS,
                                  description="How long a pay table runs.")
    pay_stale: str | None = Field(
        default=None, description="Said once the newest pay table has run its course.")
    qualifying: str | None = Field(
        default=None, description="The timeline's step at the end of training.")
    qualified: str | None = Field(
        default=None, description="The timeline's last step, after qualifying.")
    timeline_sources: list[str] = Field(default_factory=list)


class HcasZone(_Strict):
    """High Cost Area Supplement for one zone."""

    area: str
    percent: float = Field(ge=0, le=100)
    label: str


class HcasLimit(_Rising):
    """One zone's yearly minimum and maximum supplement, in pounds."""

    area: str
    min: int = Field(gt=0, le=MAX_NUMBER)
    max: int = Field(gt=0, le=MAX_NUMBER)

    rising = ("min", "max"), "the minimum must not exceed the maximum"


class HcasAmounts(_Strict):
    """The supplement's cash limits for one pay year, in force until the next one starts."""

    effective_from: IsoDate
    pay_year: str = Field(pattern=r"^\d{4}/\d{2}$")
    limits: list[HcasLimit] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Hcas(_Strict):
    """High Cost Area Supplement rates."""

    question: str | None = Field(
        default=None, description="The choice question whose answer picks the zone.")
    zones: list[HcasZone]
    amounts: list[HcasAmounts] = Field(
        default_factory=list, description="Yearly minimum and maximum per zone, by pay year.")
    text: str
    sources: list[str] = Field(min_length=1)


class Advice(_Strict):
    """A piece of advice shown when its condition holds."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    topic: Literal[
        "scope", "route", "funding", "terms", "role", "entry", "checks", "career", "uncertain"
    ]
    when: Condition | None = None
    text: str
    sources: list[str] = Field(min_length=1)
    one_page: bool = Field(
        default=False, description="Shown on the one-page answer under 'Check these before "
        "you rely on it' whatever its topic: a person must know it before acting on a verdict.")


class NextStep(_Strict):
    """A step on the take-away checklist, optionally dated."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Condition | None = None
    dated_by: Literal["nhs_funding_from", "earliest_start", "first_intake",
                      "applications_open"] | None = None
    text: str
    sources: list[str] = Field(min_length=1)


Confidence = Literal["confirmed", "consistent", "uncertain"]


class AdvertMonths(_Rising):
    """Posts are usually advertised from ``from`` to ``to`` months before the start."""

    from_: int = Field(alias="from", ge=0, le=24)
    to: int = Field(ge=0, le=24)

    rising = ("to", "from_"), "'from' counts months before the start, so it must be >= 'to'"


class IntakeSpec(_Strict):
    """A usual teaching-start month."""

    month: int = Field(ge=1, le=12)
    advert_months_before: AdvertMonths | None = None
    confidence: Confidence
    sources: list[str] = Field(min_length=1)


class MonthDay(_Strict):
    """A day of the year (the same every year)."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)

    @model_validator(mode="after")
    def _exists(self) -> MonthDay:
        # Checked against a common year, so 29 February is refused (it is not there every year).
        if not 1 <= self.day <= calendar.monthrange(2001, self.month)[1]:
            raise ValueError(f"month {self.month} has no day {self.day} every year")
        return self


class ApplicationWindowSpec(_Strict):
    """One application round a year for intakes ``years_before`` years later."""

    opens: MonthDay
    closes: MonthDay
    years_before: int = Field(ge=0, le=3)
    confidence: Confidence
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> ApplicationWindowSpec:
        if (self.closes.month, self.closes.day) < (self.opens.month, self.opens.day):
            raise ValueError("the window must close after it opens in the same year")
        return self


class LengthFact(_Strict):
    """How long the training lasts, in months."""

    value: int = Field(ge=1, le=120)
    text: str | None = None
    confidence: Confidence
    sources: list[str] = Field(min_length=1)


class BandsFact(_Strict):
    """Agenda for Change band while training and once qualified."""

    training: int = Field(ge=1, le=9)
    qualified: int = Field(ge=1, le=9)
    confidence: Confidence
    sources: list[str] = Field(min_length=1)


class FundedFact(_Strict):
    """Whether the NHS funds the training, and how."""

    value: bool
    text: str
    confidence: Confidence
    sources: list[str] = Field(min_length=1)


class RuleCover(_Strict):
    """Whether the funding rule covers the training."""

    covered: Literal["yes", "likely", "unknown"]
    text: str
    confidence: Confidence
    sources: list[str] = Field(min_length=1)


class LagMonths(_Rising):
    """The usual range, in months, from the end of teaching to the qualifying exam board."""

    from_: int = Field(alias="from", ge=0, le=24)
    to: int = Field(ge=0, le=24)
    confidence: Confidence
    sources: list[str] = Field(min_length=1)

    rising = ("from_", "to"), "'to' must be at least 'from'"


class Sourced(_Strict):
    """A text with its sources."""

    text: str
    sources: list[str] = Field(min_length=1)


class QualifiesAs(_Strict):
    """What qualifying means in answers: a choice added, and months counted from qualifying."""

    question: str
    adds: str
    months_question: str | None = None


class PlanAssumes(_Strict):
    """An answer a plan assumes the person will have given by the time they apply."""

    question: str
    value: str
    text: str
    sources: list[str] = Field(min_length=1)


class EntryRoute(_Strict):
    """One way into a training: a condition on the answers (as they stand on the start day)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    when: Condition
    note: str | None = Field(default=None, description="What is uncertain about this route.")
    confidence: Confidence
    sources: list[str] = Field(min_length=1)


class TrainingSpec(_Strict):
    """A training a plan can pass through."""

    title: str
    short_title: str = Field(description="How a sentence names it: 'PWP training'.")
    occupation: str = Field(pattern=r"^[a-z][a-z0-9_]*$",
                            description="The occupation it leads to (the funding rule's test).")
    routes: list[str] | None = Field(
        default=None, description="Entry through these checked routes (HIT's own routes).")
    entry: list[EntryRoute] | None = Field(default=None, min_length=1)
    length_months: LengthFact | None = Field(
        default=None, description="Required unless 'routes' is given (then from 'terms').")
    bands: BandsFact | None = Field(
        default=None, description="Required unless 'routes' is given (then from 'terms').")
    nhs_funded: FundedFact
    funding_rule: RuleCover
    intakes: list[IntakeSpec] = Field(min_length=1)
    application_window: ApplicationWindowSpec | None = None
    exam_board_lag_months: LagMonths
    apply_via: Sourced
    previous_training_value: str | None = Field(
        default=None, description="The answer to the earlier-training question naming this one.")
    qualifies_as: QualifiesAs | None = None
    plan_assumes: list[PlanAssumes] = Field(default_factory=list)
    competition: Sourced | None = None
    opening: Sourced | None = Field(
        default=None, description="What a plan to this goal says first: what the training is "
        "and where the tool's answer holds.")
    notes: list[Sourced] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_entry(self) -> TrainingSpec:
        if (self.routes is None) == (self.entry is None):
            raise ValueError("a training needs exactly one of 'routes' or 'entry'")
        if self.entry is not None and (self.length_months is None or self.bands is None):
            raise ValueError("a training with 'entry' needs 'length_months' and 'bands'")
        months = [i.month for i in self.intakes]
        if len(set(months)) != len(months):
            raise ValueError("two intakes share a month")
        if self.application_window is not None and any(
                i.advert_months_before for i in self.intakes):
            raise ValueError("give either an application window or advert months, not both")
        return self


class ExperienceRole(_Strict):
    """A role that builds experience and is not a training (it never starts the funding rule)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    when: Condition | None = None
    band: int | None = Field(default=None, ge=1, le=9)
    sources: list[str] = Field(min_length=1)


class Experience(_Strict):
    """Which answer plans count as experience, and which others count towards it."""

    question: str
    also_counts: list[str] = Field(default_factory=list)
    text: str
    sources: list[str] = Field(min_length=1)


class Signpost(_Strict):
    """A training shown for information only."""

    title: str
    needs: str
    funding_rule: Literal["yes", "likely", "unknown"]
    confidence: Confidence
    sources: list[str] = Field(min_length=1)


class _ConflictBase(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Condition | None = Field(
        default=None, description="The conflict is looked for only when this holds.")
    text: str = Field(description="Why the answers cannot both be true, and what to check.")


class DateOrderConflict(_ConflictBase):
    """Two dates that must come in order: ``later`` on or after ``earlier``."""

    kind: Literal["date_order"]
    earlier: str
    later: str


class MonthsWithinConflict(_ConflictBase):
    """A number of months that cannot exceed the months since a date (plus a stated margin),
    counted to the date of the check."""

    kind: Literal["months_within"]
    months: str
    since: str
    margin_months: int = Field(default=0, ge=0, le=24)


class CheckDateConflict(_ConflictBase):
    """A date that must not lie before (``not_before_check``) or after (``not_after_check``)
    the date of the check."""

    kind: Literal["not_before_check", "not_after_check"]
    date: str


ConflictSpec = Annotated[
    DateOrderConflict | MonthsWithinConflict | CheckDateConflict,
    Field(discriminator="kind"),
]


class RulesFile(_Strict):
    """The whole rules file."""

    meta: Meta
    scope_when: Condition | None = Field(
        default=None, description="Who the rules are for; when false the person is out of scope.")
    reference_question: str | None = Field(
        default=None, description="A date question whose answer, when given, replaces the "
        "as-of date as the day requirements are judged on (a course's teaching start).")
    sources: dict[str, Source]
    conditions: dict[str, Condition] = Field(default_factory=dict)
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)
    requirements: list[Requirement] = Field(min_length=1)
    routes: list[Route] = Field(min_length=1)
    funding: Funding
    terms: Terms
    hcas: Hcas
    trainings: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], TrainingSpec] = Field(
        default_factory=dict, description="Trainings a plan can pass through, keyed by id.")
    experience_roles: list[ExperienceRole] = Field(default_factory=list)
    experience: Experience | None = None
    signposts: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Signpost] = Field(
        default_factory=dict, description="Trainings shown for information, not planned through.")
    conflicts: list[ConflictSpec] = Field(
        default_factory=list, description="Answers that cannot both be true.")
    advice: list[Advice] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)

