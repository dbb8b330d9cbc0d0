"""Plain runtime types: the compiled rules, the answers, and the assessment.

No pydantic and no dataclasses here: a normal run builds these from the pre-validated compiled
rules, and NamedTuple classes are several times cheaper to define at import than dataclasses,
which keeps start-up close to the CLI framework's own floor. (No `from __future__ import
annotations` either: NamedTuple would turn every string annotation into a ForwardRef at import.)
"""

from collections.abc import Mapping, Sequence
from datetime import date
from datetime import date as _Date  # for fields that are themselves called "date"
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, TypedDict, Union, final

from hitpath.core.intakes import Calendar, FirstIntake

UNSURE = "not_sure"
"""The answer 'not sure': the engine treats it as unknown unless a rule names it."""

AnswerValue = str | int | date | tuple[str, ...]

Json = Union[str, int, float, bool, None, Sequence["Json"], Mapping[str, "Json"]]  # noqa: UP007
"""Plain data as JSON (and YAML) writes it."""


class _Word(StrEnum):
    """A word of the JSON contract: equal to, and hashed like, its plain string."""

    __hash__ = str.__hash__


class Verdict(_Word):
    """A route's verdict (the JSON contract's words)."""

    ELIGIBLE = "eligible"
    ELIGIBLE_FROM = "eligible_from"
    NOT_YET = "not_yet"
    NOT_ELIGIBLE = "not_eligible"
    UNSURE = "unsure"


class Status(_Word):
    """A requirement's state for one person."""

    MET = "met"
    UNMET = "unmet"
    DATED = "dated"  # met from a date
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Kind(_Word):
    """What failing a requirement means for its route."""

    GATE = "gate"  # not for you
    NEED = "need"  # not yet, no date
    MONTHS = "months"  # from a date: experience reached by working on
    DATE = "date"  # from a date: a fixed time after an answer's date


class FundingState(_Word):
    """Whether the funding rule applies."""

    APPLIES = "applies"
    DOES_NOT_APPLY = "does_not_apply"
    UNSURE = "unsure"


# The condition tree, as the validated rules spell it: a discriminated union of mappings,
# told apart by their one key (all, any, not, ref, routes_open, or q with one operator).
# The condition types are for the type checker: at run time every condition is a plain dict,
# and defining these TypedDict classes would cost a good part of this module's import time
# (typing checks every annotation), on every command.

if TYPE_CHECKING:
    @final
    class AllOf(TypedDict):
        """True when every part is true."""

        all: list["Condition"]

    @final
    class AnyOf(TypedDict):
        """True when at least one part is true."""

        any: list["Condition"]

    _Not = TypedDict("_Not", {"not": "Condition"})

    @final
    class NotOf(_Not):
        """True when its part is false."""

    @final
    class Ref(TypedDict):
        """A named condition from the rules' ``conditions`` table."""

        ref: str

    @final
    class RoutesOpen(TypedDict):
        """Whether any route is open (for advice and next steps)."""

        routes_open: bool

    _Operators = TypedDict("_Operators", {
        "equals": str | int, "not_equals": str | int, "in": list[str], "not_in": list[str],
        "contains_any": list[str], "contains_all": list[str], "contains_none": list[str],
        "at_least": int, "at_most": int, "before": str, "on_or_after": str, "answered": bool,
    }, total=False)

    class _Question(TypedDict):
        q: str

    @final
    class Compare(_Question, _Operators):
        """One answer compared with a value by exactly one operator from the registry."""

    Condition = AllOf | AnyOf | NotOf | Ref | RoutesOpen | Compare
else:
    AllOf = AnyOf = NotOf = Ref = RoutesOpen = Compare = Condition = dict


class Choice(NamedTuple):
    value: str
    label: str
    exclusive: bool = False


class Question(NamedTuple):
    id: str
    text: str
    fact: str
    type: str
    help: str | None = None
    choices: tuple[Choice, ...] = ()
    when: Condition | None = None
    unsure_allowed: bool = False
    optional: bool = False
    month_only_allowed: bool = True
    unit: str | None = None
    min: int | None = None
    max: int | None = None
    plan_only: bool = False
    plan_help: str | None = None

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed choice values."""
        return tuple(c.value for c in self.choices)

    def label(self, value: str) -> str:
        """The label of a choice value (the value itself when unknown)."""
        return next((c.label for c in self.choices if c.value == value),
                    "not sure" if value == UNSURE else value)


class Requirement(NamedTuple):
    id: str
    kind: Kind
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
    counts_on: str | None = None


class Route(NamedTuple):
    id: str
    title: str
    short_title: str
    summary: str
    applies_when: Condition
    not_applicable: str
    requirements: tuple[Requirement, ...]
    sources: tuple[str, ...]
    caveat_when: Condition | None = None
    caveat: str | None = None


class Funding(NamedTuple):
    requirement: Requirement
    title: str
    short_title: str
    summary: str
    not_applied: str
    if_unsure: str
    sources: tuple[str, ...]
    if_unsure_about: tuple[tuple[str, str], ...] = ()
    uncertain_when: Condition | None = None
    uncertain: str | None = None
    # (question, values, text, sources): the uncertain reach worded for some answers
    uncertain_for: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = ()


class BandPay(NamedTuple):
    band: int
    entry: int
    after_2_years: int
    top: int


class PayPeriod(NamedTuple):
    effective_from: date
    pay_year: str
    uplift_percent: float
    estimated: bool
    note: str | None
    bands: tuple[BandPay, ...]
    sources: tuple[str, ...]

    def band(self, number: int) -> BandPay | None:
        """The pay points of one band, if the table has it."""
        return next((band for band in self.bands if band.band == number), None)


class Training(NamedTuple):
    length_months: int
    university_days: int
    service_days: int
    text: str
    sources: tuple[str, ...]


class Terms(NamedTuple):
    trainee_band: int
    qualified_band: int
    pay_scale: str
    pay_year_starts: tuple[int, int]  # (month, day)
    hours_per_week: float
    hours_sources: tuple[str, ...]
    bands_sources: tuple[str, ...]
    training: Training
    pay: tuple[PayPeriod, ...]
    pay_lasts_months: int
    pay_stale: str | None = None
    qualifying: str | None = None
    qualified: str | None = None
    timeline_sources: tuple[str, ...] = ()

    def pay_on(self, day: date) -> PayPeriod | None:
        """The pay table in force on ``day`` (None before the first one)."""
        return next((p for p in reversed(self.pay) if p.effective_from <= day), None)


class HcasZone(NamedTuple):
    area: str
    percent: float
    label: str


class HcasAmounts(NamedTuple):
    effective_from: date
    pay_year: str
    limits: tuple[tuple[str, int, int], ...]  # (area, min, max)
    sources: tuple[str, ...]

    def limit(self, area: str) -> tuple[int, int] | None:
        """The (minimum, maximum) for one zone, if the table has it."""
        return next(((low, high) for zone, low, high in self.limits if zone == area), None)


class Hcas(NamedTuple):
    zones: tuple[HcasZone, ...]
    sources: tuple[str, ...]
    question: str | None = None
    amounts: tuple[HcasAmounts, ...] = ()

    def amounts_on(self, day: date) -> HcasAmounts | None:
        """The cash limits in force on ``day`` (None before the first table)."""
        return next((t for t in reversed(self.amounts) if t.effective_from <= day), None)


class HcasPay(NamedTuple):
    """A trainee's supplement in pounds for their zone, from the limits in force."""

    pay_year: str
    minimum: int
    maximum: int
    trainee_entry: int  # the supplement on the trainee band's entry point
    sources: tuple[str, ...]


class Advice(NamedTuple):
    id: str
    topic: str
    text: str
    sources: tuple[str, ...]
    when: Condition | None = None
    one_page: bool = False  # shown on the one-page answer whatever its topic


class NextStep(NamedTuple):
    id: str
    text: str
    sources: tuple[str, ...]
    when: Condition | None = None
    dated_by: str | None = None


class ConflictRule(NamedTuple):
    """Answers that cannot both be true, as the rules declare them (see ``core.conflicts``)."""

    id: str
    kind: str  # date_order | months_within | not_before_check | not_after_check
    questions: tuple[str, ...]  # in the order the kind reads them
    text: str
    when: Condition | None = None
    margin_months: int = 0


class Conflict(NamedTuple):
    """One conflict found in a person's answers: the answers involved, and why."""

    id: str
    questions: tuple[str, ...]
    text: str


class Source(NamedTuple):
    id: str
    title: str
    url: str
    publisher: str
    checked: date
    published: str | None = None
    confidence: str | None = None


class Meta(NamedTuple):
    report_title: str
    rules_version: str
    reviewed: date
    data_as_of: str
    jurisdiction: str
    review_every_months: int
    does_not_cover: tuple[str, ...]
    care_signpost: str | None = None
    care_sources: tuple[str, ...] = ()
    care_when: Condition | None = None  # where the signpost's services are


class EntryRoute(NamedTuple):
    """One way into a training: a condition on the answers as they stand on the start day."""

    id: str
    title: str
    when: Condition
    sources: tuple[str, ...]


class Sourced(NamedTuple):
    """A text with its sources."""

    text: str
    sources: tuple[str, ...]


class Assumed(NamedTuple):
    """An answer a plan assumes the person will have given by the time they apply."""

    question: str
    value: str
    text: str
    sources: tuple[str, ...]


class Programme(NamedTuple):
    """A training programme a plan can pass through (PWP, HIT, the doctorate...)."""

    id: str
    title: str
    short_title: str
    occupation: str
    routes: tuple[str, ...]  # entry through these checked routes (HIT), else ``entry``
    entry: tuple[EntryRoute, ...]
    length_months: int
    length: Sourced
    training_band: int
    qualified_band: int
    bands_sources: tuple[str, ...]
    nhs_funded: bool
    funded: Sourced
    rule_cover: str  # yes | likely | unknown
    rule: Sourced
    calendar: Calendar
    lag_from: int
    lag_to: int
    lag_sources: tuple[str, ...]
    apply_via: Sourced
    sources: tuple[str, ...]
    previous_training_value: str | None = None
    qualifies_question: str | None = None
    qualifies_adds: str | None = None
    qualifies_months_question: str | None = None
    assumes: tuple[Assumed, ...] = ()
    competition: Sourced | None = None
    notes: tuple[Sourced, ...] = ()
    opening: Sourced | None = None


class ExperienceRole(NamedTuple):
    """A role that builds experience and is not a training."""

    id: str
    title: str
    sources: tuple[str, ...]
    when: Condition | None = None
    band: int | None = None


class Experience(NamedTuple):
    """The answer plans count as experience, and the answers that count towards it."""

    question: str
    also_counts: tuple[str, ...]
    text: str
    sources: tuple[str, ...]


class BetweenTrainings(NamedTuple):
    """The funding rule as plans apply it between two trainings."""

    text: str
    same_occupation: str
    earlier_question: str
    earlier_value: str
    programme_question: str
    started_question: str
    sources: tuple[str, ...]


class Signpost(NamedTuple):
    """A training shown for information only."""

    id: str
    title: str
    needs: str
    sources: tuple[str, ...]


class Rules:
    """The compiled rules: what the engine reads."""

    __slots__ = ("meta", "sources", "conditions", "questions", "requirements", "routes",
                 "funding", "terms", "hcas", "advice", "next_steps", "origin",
                 "question_by_id", "compiled", "requirement_checks", "reference_question",
                 "scope_when", "trainings", "experience_roles", "experience", "between",
                 "signposts", "conflicts")

    def __init__(
        self, *, meta: Meta, sources: dict[str, Source], conditions: dict[str, Condition],
        questions: tuple[Question, ...], requirements: dict[str, Requirement],
        routes: tuple[Route, ...], funding: Funding, terms: Terms, hcas: Hcas,
        advice: tuple[Advice, ...], next_steps: tuple[NextStep, ...], origin: str = "<rules>",
        reference_question: str | None = None, scope_when: Condition | None = None,
        trainings: dict[str, Programme] | None = None,
        experience_roles: tuple[ExperienceRole, ...] = (),
        experience: Experience | None = None, between: BetweenTrainings | None = None,
        signposts: tuple[Signpost, ...] = (),
        conflicts: tuple[ConflictRule, ...] = (),
    ) -> None:
        self.conflicts = conflicts
        self.meta = meta
        self.sources = sources
        self.conditions = conditions
        self.questions = questions
        self.requirements = requirements
        self.routes = routes
        self.funding = funding
        self.terms = terms
        self.hcas = hcas
        self.advice = advice
        self.next_steps = next_steps
        self.origin = origin
        self.reference_question = reference_question
        self.scope_when = scope_when
        self.trainings = trainings or {}
        self.experience_roles = experience_roles
        self.experience = experience
        self.between = between
        self.signposts = signposts
        self.question_by_id = {q.id: q for q in questions}
        # The compiled conditions and requirements, made on first use (see conditions.py).
        self.compiled: object = None
        self.requirement_checks: dict[str, object] = {}


class Answers:
    """Validated answers keyed by question id. ``month_only`` names dates given as YYYY-MM."""

    __slots__ = ("values", "month_only")

    def __init__(
        self, values: dict[str, AnswerValue] | None = None,
        month_only: frozenset[str] = frozenset(),
    ) -> None:
        self.values: dict[str, AnswerValue] = values if values is not None else {}
        self.month_only = month_only

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Answers) and self.values == other.values
                and self.month_only == other.month_only)

    def __repr__(self) -> str:
        return f"Answers({self.values!r}, month_only={set(self.month_only)!r})"


VERDICTS = tuple(Verdict)


class RequirementResult(NamedTuple):
    id: str
    title: str
    status: Status
    text: str
    sources: tuple[str, ...]
    how_to_meet: str | None = None
    date: _Date | None = None
    unknown: tuple[str, ...] = ()
    because: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class RouteResult(NamedTuple):
    id: str
    title: str
    short_title: str
    summary: str
    verdict: Verdict
    eligible_from: date | None
    met: list[RequirementResult]
    unmet: list[RequirementResult]
    unknown: list[str]
    because: list[str]
    reason: str
    sources: tuple[str, ...]
    caveat: str | None = None
    # The first intake the person can make on this route (earliest, if accepted at the first
    # try), and the month training would end: for open routes only.
    first_intake: FirstIntake | None = None
    qualified_by: date | None = None
    conflicts: tuple[str, ...] = ()  # ids of the conflicts this route's verdict waits on


def first_by_intake(routes: Sequence[RouteResult]) -> RouteResult | None:
    """The route with the earliest first intake (only open routes have one)."""
    dated = [r for r in routes if r.first_intake is not None]
    return min(dated, key=lambda r: r.first_intake.certain if r.first_intake else date.max,
               default=None)


class FundingResult(NamedTuple):
    two_year_rule: FundingState
    nhs_funding_from: date | None
    text: str
    because: list[str]
    notes: list[str]
    sources: tuple[str, ...]
    caveat: str | None = None
    caveat_sources: tuple[str, ...] = ()


class TermsResult(NamedTuple):
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
    hcas_pay: HcasPay | None = None


class Item(NamedTuple):
    id: str
    topic: str
    text: str
    sources: tuple[str, ...]
    date: _Date | None = None
    one_page: bool = False  # advice the one-page answer shows whatever its topic


class Caution(NamedTuple):
    """Something about the answers a report should point out (its words: report/words.py)."""

    kind: str  # month_only (answers that cannot both be true are conflicts, not cautions)


class TimelineEvent(NamedTuple):
    """A step from today to qualified; ``month_only`` when only its month is known (an
    intake's teaching starts on a day the rules do not know)."""

    date: _Date | None
    label: str
    kind: str  # today | requirement | eligible | intake | start | training | qualify | band
    month_only: bool = False


class Assessment(NamedTuple):
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
    notes: list[Caution]
    timeline: list[TimelineEvent] = []  # a shared default, never mutated
    conflicts: list[Conflict] = []  # answers that cannot both be true (shared default)
    not_before: date | None = None  # no route can open before it, whatever is unknown


def to_plain(answers: Answers, rules: Rules) -> dict[str, Json]:
    """Answers as plain data for a saved file, in question order."""
    out: dict[str, Json] = {}
    for question in rules.questions:
        if question.id not in answers.values:
            continue
        value = answers.values[question.id]
        if isinstance(value, date):
            text = value.isoformat()
            out[question.id] = text[:7] if question.id in answers.month_only else text
        elif isinstance(value, tuple):
            out[question.id] = list(value)
        else:
            out[question.id] = value
    return out
