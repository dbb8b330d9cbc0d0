"""What a plan is: the planner's records, kept apart from ``model`` so that commands which
never plan (``check``, ``batch``) do not define them at start-up.

Plain NamedTuples and words, like ``model`` (see there for why).
"""

from datetime import date
from typing import NamedTuple

from hitpath.core.model import _Word


class Binding(_Word):
    """What set a training's start (the plan JSON contract's words)."""

    INTAKE = "intake"
    APPLICATION_WINDOW = "application_window"
    EXPERIENCE = "experience"
    FUNDING_RULE = "funding_rule"
    ENTRY = "entry"


class RuleReach(_Word):
    """Whether starting a step starts the funding rule's clock for later trainings."""

    APPLIES = "applies"
    MAY_APPLY = "may_apply"
    DOES_NOT_APPLY = "does_not_apply"


class PlanStep(NamedTuple):
    """One period of a plan: work that builds experience, or a training."""

    kind: str  # work | training
    training: str | None
    title: str
    start: date
    end: date
    band: int | None
    nhs_funded: bool
    funding_rule: RuleReach
    because: str
    exam_board: tuple[date, date] | None = None  # earliest, latest
    binding: Binding | None = None
    applications: tuple[date | None, date | None] = (None, None)  # usually open, close


class Plan(NamedTuple):
    """One order of trainings to the goal, dated; every date is the earliest if accepted."""

    trainings: tuple[str, ...]
    steps: tuple[PlanStep, ...]
    goal_start: date
    qualified: date
    binding: Binding
    uncertain: tuple[str, ...]
    band_months: int
    delay_months: int = 0


class Plans(NamedTuple):
    """Everything a plan report shows, computed once by the planner."""

    as_of: date
    goal: str
    goal_title: str
    plans: tuple[Plan, ...]
    via: Plan | None
    via_training: str | None
    via_text: str | None  # the cost of the --via plan against the best, and why
    blocked: tuple[str, ...]  # what stops every route, when no plan reaches the goal
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    rules_version: str
