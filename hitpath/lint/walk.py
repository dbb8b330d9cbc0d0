"""The exhaustive path walk: every way through the questions, each run through the engine.

The walk follows the questionnaire: a question is asked when its ``when`` is true (or cannot be
decided yet), and takes every answer that can matter: every choice, every combination of the
groups of a multi question that the rules tell apart, and for numbers and dates the values on
each side of every threshold and date the rules mention (plus "not sure" where allowed).

Two pruning rules keep it fast, and both are proofs rather than guesses:

* answers that every condition, requirement and later question treats alike (12 and 13 months
  against "at least 12", or two core professions) lead to the same outcome on every
  continuation, so only the first is walked on; the others are counted as walked;
* answers that differ only in which advice they trigger are each run once, on one complete path,
  rather than multiplied through every combination of the other answers.

The outcome of a path is each route's verdict and date (and, when undecided, the answers that
would decide it) and the funding rule's state and date; one transcript line per distinct
outcome makes the golden file.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from hitpath.core.conditions import (
    Check,
    Compiler,
    Operand,
    comparisons_in,
    compile_condition,
    condition_sites,
    edge_values,
    evaluate,
    multi_answers,
    parts,
    questions_in,
    unknown_questions,
)
from hitpath.core.dates import add_months, months_between
from hitpath.core.engine import assess
from hitpath.core.errors import HitpathError
from hitpath.core.model import (
    UNSURE,
    VERDICTS,
    Answers,
    AnswerValue,
    Assessment,
    Compare,
    Condition,
    ConflictRule,
    Question,
    Requirement,
    Route,
    RouteResult,
    Rules,
)

if TYPE_CHECKING:
    from hitpath.lint.plans import PlanWalk


MAX_GROUP_COMBINATIONS = 4096
"""Above this many combinations of a multi question's groups, walk singles and pairs only."""

MAX_PROBLEMS = 20

DEFAULT_BUDGET = 20_000
"""Engine runs a walk may take: under ten seconds on a quiet machine, five times what the
shipped rules need. Each question a verdict depends on can multiply the paths, so a crafted
file could need years; past the budget the walk stops and says so, and ``--budget`` raises
it."""

Tri = bool | None
PathAnswers = dict[str, AnswerValue]
"""The answers along one path through the questions."""
Value = AnswerValue | None
"""One answer the walk tries (None: an optional question left unanswered)."""
RouteOutcome = tuple[str, str, str, tuple[str, ...]]  # route id, verdict, date, deciding
Outcome = tuple[RouteOutcome | tuple[str, str, str] | tuple[str, str], ...]
"""Each route's outcome, then ("funding", state, date); or ("error", name) alone."""
Feature = tuple[object, ...]
"""What the rules can see of one answer: answers with equal features are walked once."""
Partial = tuple[PathAnswers, int]
"""A path answered up to (not including) the question at the index."""


def _unknown(path: Partial) -> Tri:
    return None  # whether routes are open is known only at the end of a path


@dataclass(slots=True)
class WalkProblem:
    """A path on which the engine failed or broke one of the walk's promises."""

    message: str
    answers: PathAnswers
    about: str = "engine"
    """What the problem is about: "engine", "funding", or "route:<id>"."""
    paths: int = 1


@dataclass(slots=True)
class OutcomeClass:
    """All walked paths that end in one outcome, with the first one found."""

    outcome: Outcome
    answers: PathAnswers
    paths: int = 0


@dataclass(slots=True)
class WalkResult:
    """What the walk found: coverage, verdict counts, outcome classes and problems."""

    as_of: date
    paths: int = 0
    runs: int = 0
    seconds: float = 0.0
    asked: set[str] = field(default_factory=set)
    advice_fired: set[str] = field(default_factory=set)
    steps_fired: set[str] = field(default_factory=set)
    conflicts_fired: set[str] = field(default_factory=set)
    verdicts: dict[str, Counter[str]] = field(default_factory=dict)
    classes: dict[Outcome, OutcomeClass] = field(default_factory=dict)
    problems: list[WalkProblem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)
    plans: PlanWalk | None = None  # the plan checks' coverage, when they ran


def walk(rules: Rules, as_of: date, budget: int | None = None) -> WalkResult:
    """Walk every path through the questions of ``rules`` on the date ``as_of``; raises a
    HitpathError after ``budget`` engine runs (default DEFAULT_BUDGET)."""
    walker = _Walker(rules, as_of, budget or DEFAULT_BUDGET)
    started = time.perf_counter()
    walker.visit(0, {}, 1)
    walker.probe_conflicts()
    walker.result.seconds = time.perf_counter() - started
    return walker.result


class _Walker:
    def __init__(self, rules: Rules, as_of: date, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self.rules = rules
        self.as_of = as_of
        self.questions = rules.questions
        self.result = WalkResult(as_of=as_of,
                                 verdicts={r.id: Counter() for r in rules.routes})
        leaves = {id(leaf): leaf for site in condition_sites(rules, plans=False)
                  for leaf in comparisons_in(rules.conditions, site.node)}
        self.leaves_of: dict[str, list[Compare]] = {}
        for leaf in leaves.values():
            self.leaves_of.setdefault(leaf["q"], []).append(leaf)
        self.dated = [req for req in rules.requirements.values() if req.kind in ("months", "date")]
        self.dated_of: dict[str, list[Requirement]] = {}
        for req in self.dated:
            self.dated_of.setdefault(req.question or "", []).append(req)
        self.fixed_values = {q.id: self._values(q) for q in rules.questions}
        self.variants_seen: set[tuple[object, Feature]] = set()
        self.layout: tuple[str, tuple[int, ...]] | None = None
        self.position = {q.id: i for i, q in enumerate(rules.questions)}
        self.partial = Compiler[Partial](rules.conditions, self._read_partial,
                                         lambda wanted: _unknown)
        self.conflict_samples: dict[str, PathAnswers] = {}
        self.routes_of: dict[str, list[Route]] = {}
        for route in rules.routes:
            for req in route.requirements:
                self.routes_of.setdefault(req.id, []).append(route)
        # Where each question is mentioned: the only places its answer can matter. The owner
        # is a route, a requirement, the index of a question (its 'when'), or None for advice.
        self.sites: dict[str, list[tuple[Route | Requirement | int | None, Condition]]] = {
            q.id: [] for q in rules.questions}
        places: list[tuple[Route | Requirement | int | None, Condition | None]] = [
            *((r, r.applies_when) for r in rules.routes),
            *((req, node) for req in rules.requirements.values()
              for node in (req.applies_when, req.met_when)),
            *((i, q.when) for i, q in enumerate(rules.questions)),
            *((None, a.when) for a in rules.advice),
            *((None, s.when) for s in rules.next_steps),
        ]
        for owner, node in places:
            for qid in dict.fromkeys(leaf["q"] for leaf in comparisons_in(rules.conditions, node)):
                if qid in self.sites and node is not None:
                    self.sites[qid].append((owner, node))

    # Answer values ----------------------------------------------------------------------

    def _values(self, q: Question) -> list[Value]:
        """The answers worth walking for ``q`` that do not depend on earlier answers."""
        leaves = self.leaves_of.get(q.id, [])
        values: list[Value]
        if q.type == "choice":
            values = list(q.values)
        elif q.type == "multi":
            found, groups = multi_answers(q, leaves, MAX_GROUP_COMBINATIONS)
            if 2 ** groups > MAX_GROUP_COMBINATIONS:
                self.result.notes.append(
                    f"{q.id}: {groups} groups of choices; walked them singly and in pairs")
            values = list(found)
        elif q.type == "number":
            needed: list[Operand] = [req.at_least for req in self.dated_of.get(q.id, [])]
            values = [v for v in edge_values(leaves, needed) if isinstance(v, int)
                      and (q.min is None or v >= q.min) and (q.max is None or v <= q.max)]
            values = values or [q.min if q.min is not None else 0]
        elif q.id == self.rules.reference_question:
            values = []  # worked out from the earlier answers; see candidates
        else:
            values = [v for v in edge_values(leaves) if isinstance(v, date)]
            for req in self.dated_of.get(q.id, []):
                months = req.plus_years * 12 + req.plus_months
                # The answer that makes the requirement's date fall on the judging day.
                edge = add_months(self.as_of, -months)
                values += [edge - timedelta(days=1), edge, edge + timedelta(days=1)]
                leap = _leap_day_before(edge + timedelta(days=1))
                if leap is not None and months % 12 == 0:
                    values.append(leap)
            values = values or [self.as_of]
        if q.unsure_allowed and q.type in ("number", "date"):
            values.append(UNSURE)
        return list(dict.fromkeys(values))

    def candidates(self, q: Question, answers: PathAnswers) -> list[Value]:
        """Every answer of ``q`` to walk, given the earlier answers."""
        values: list[Value] = [None] if q.optional else []
        if q.id != self.rules.reference_question or q.type != "date":
            return values + self.fixed_values[q.id]
        # The course start: the day before, on and after each date the answers so far give.
        met = (_met_on(req, answers.get(req.question or ""), self.as_of)
               for req in self.rules.requirements.values())
        targets = sorted({day for day in met if day is not None})
        for target in targets:
            values += [target - timedelta(days=1), target, target + timedelta(days=1)]
        if not targets:
            values.append(self.as_of)
        if q.unsure_allowed:
            values.append(UNSURE)
        return list(dict.fromkeys(values))

    # Partial evaluation -----------------------------------------------------------------

    def _read_partial(self, node: Compare) -> Check[Partial]:
        """A comparison on a partial path: unknown while its question is still to come."""
        position = self.position[node["q"]]
        compare = compile_condition(self.rules, node)

        def leaf(path: Partial) -> Tri:
            return None if position >= path[1] else compare(path[0])

        return leaf

    def tri_of(self, node: Condition | None) -> Check[Partial]:
        """A condition as a closure: its value when questions from ``index`` on are unanswered."""
        return self.partial.check(node)

    def undecided_leaves(
        self, nodes: list[Condition], qid: str, answers: PathAnswers, index: int
    ) -> list[Compare]:
        """The comparisons on ``qid`` inside the undecided parts of ``nodes``."""
        found: dict[int, Compare] = {}

        def visit(node: Condition) -> None:
            if self.tri_of(node)((answers, index)) is not None:
                return
            if "ref" in node:
                visit(self.rules.conditions[node["ref"]])
            elif "q" in node:
                if node["q"] == qid:
                    found[id(node)] = node
            else:
                for part in parts(node):
                    visit(part)

        for node in nodes:
            visit(node)
        return list(found.values())

    # The walk ---------------------------------------------------------------------------

    def features(
        self, q: Question, index: int, answers: PathAnswers, values: list[Value]
    ) -> list[tuple[Value, Feature, Feature]]:
        """For each value: what the verdicts can see of it, and what advice can see of it."""
        play = _InPlay(self, answers, index)
        verdict_nodes: list[Condition] = []
        advice_nodes: list[Condition] = []
        for owner, node in self.sites[q.id]:
            if self.tri_of(node)((answers, index)) is not None:
                continue
            if owner is None:
                advice_nodes.append(node)
            elif isinstance(owner, int):  # a later question's 'when'
                if owner > index:
                    verdict_nodes.append(node)
            elif isinstance(owner, Route):
                if play.route_open(owner):
                    verdict_nodes.append(node)
            elif isinstance(owner, Requirement) and play.requirement_counts(owner):
                verdict_nodes.append(node)
        verdict_leaves = self.undecided_leaves(verdict_nodes, q.id, answers, index)
        advice_leaves = self.undecided_leaves(advice_nodes, q.id, answers, index)
        mine = [req for req in self.dated_of.get(q.id, []) if play.requirement_counts(req)]
        targets = play.reference_targets() if q.id == self.rules.reference_question else None
        verdict_checks = [compile_condition(self.rules, leaf) for leaf in verdict_leaves]
        advice_checks = [compile_condition(self.rules, leaf) for leaf in advice_leaves]
        out: list[tuple[Value, Feature, Feature]] = []
        for value in values:
            given = {} if value is None else {q.id: value}
            feature: Feature = tuple(check(given) for check in verdict_checks)
            # A dated requirement sees the answer; a months one, only "met" once it is met.
            feature += tuple("met" if req.kind == "months" and isinstance(value, int)
                             and value >= req.at_least else value for req in mine)
            if q.id == self.rules.reference_question:
                day = value if isinstance(value, date) else self.as_of
                # Requirements compare the judging day with their dates, and nothing else.
                feature += (day,) if targets is None else tuple(day >= t for t in targets)
            extra = tuple(check(given) for check in advice_checks)
            out.append((value, feature, extra))
        self.layout = (q.id, tuple(id(leaf) for leaf in advice_leaves))
        return out

    def visit(
        self, index: int, answers: PathAnswers, weight: int
    ) -> tuple[PathAnswers, Outcome]:
        """Walk from question ``index`` on; returns the first complete path and its outcome."""
        if index == len(self.questions):
            return answers, self.leaf(answers, weight)
        q = self.questions[index]
        # As in the questionnaire, a question is asked only once its ``when`` is surely true;
        # check never asks the questions only plans need.
        if q.plan_only or self.tri_of(q.when)((answers, index)) is not True:
            return self.visit(index + 1, answers, weight)
        self.result.asked.add(q.id)
        groups: dict[Feature, list[tuple[Value, Feature]]] = {}
        for value, feature, extra in self.features(q, index, answers, self.candidates(q, answers)):
            groups.setdefault(feature, []).append((value, extra))
        layout = self.layout
        first: tuple[PathAnswers, Outcome] | None = None
        for members in groups.values():
            value, extra = members[0]
            child = dict(answers)
            if value is not None:
                child[q.id] = value
            path, outcome = self.visit(index + 1, child, weight * len(members))
            if first is None:
                first = (path, outcome)
            tried = {extra}
            for other, other_extra in members[1:]:
                # Same verdicts proven; run once only where the advice could differ.
                if other_extra in tried or (layout, other_extra) in self.variants_seen:
                    continue
                tried.add(other_extra)
                self.variants_seen.add((layout, other_extra))
                variant = dict(path)
                variant.pop(q.id, None)
                if other is not None:
                    variant[q.id] = other
                self.run(variant, expected=outcome)
        assert first is not None
        return first

    def leaf(self, answers: PathAnswers, weight: int) -> Outcome:
        """Run one complete path through the engine and record its outcome."""
        result = self.result
        outcome = self.run(answers, expected=None)
        result.paths += weight
        known = result.classes.get(outcome)
        if known is None:
            known = result.classes[outcome] = OutcomeClass(outcome, dict(answers))
        known.paths += weight
        for item in outcome:
            if item[0] in result.verdicts:
                result.verdicts[item[0]][item[1]] += weight
        return outcome

    def _sample_fits(self, conflict: ConflictRule, answers: PathAnswers) -> bool:
        """Whether a walked path answers every question a conflict compares (with a value of
        its type) and meets its 'when': a path to bend into the conflict afterwards."""
        for qid in conflict.questions:
            wanted = int if self.rules.question_by_id[qid].type == "number" else date
            if not isinstance(answers.get(qid), wanted):
                return False
        return conflict.when is None or evaluate(self.rules, conflict.when, answers) is True

    def probe_conflicts(self) -> None:
        """Every declared conflict, reached: a walked path that answers its questions, with the
        last of them bent just across the line (the engine must then leave undecided every
        route that reads them, naming them)."""
        for conflict in self.rules.conflicts:
            sample = self.conflict_samples.get(conflict.id)
            if sample is None or conflict.id in self.result.conflicts_fired:
                continue
            bent = dict(sample)
            first = sample[conflict.questions[0]]
            if conflict.kind == "date_order" and isinstance(first, date):
                bent[conflict.questions[1]] = first - timedelta(days=1)
            elif conflict.kind == "months_within":
                since = sample[conflict.questions[1]]
                assert isinstance(since, date)  # as _sample_fits checked
                passed = months_between(since, self.as_of) if since <= self.as_of else 0
                bent[conflict.questions[0]] = passed + conflict.margin_months + 1
            elif conflict.kind == "not_before_check":
                bent[conflict.questions[0]] = self.as_of - timedelta(days=1)
            else:
                bent[conflict.questions[0]] = self.as_of + timedelta(days=1)
            self.run(bent, None)

    def run(self, answers: PathAnswers, expected: Outcome | None) -> Outcome:
        """One engine run, with the walk's checks; returns the outcome."""
        result = self.result
        result.runs += 1
        if result.runs > self.budget:
            raise HitpathError(
                f"the path walk needs more than {self.budget:,} engine runs, its budget; "
                f"it stopped after {len(result.asked)} of {len(self.questions)} questions "
                "had been reached",
                file=self.rules.origin,
                hint="Each question that a verdict depends on can multiply the paths. If the "
                     "rules are as meant, raise the budget with --budget N (a few thousand runs "
                     "take about a second).")
        try:
            assessment = assess(self.rules, Answers(dict(answers)), self.as_of)
        except Exception as exc:  # the walk exists to find these
            self.problem(f"the engine failed: {type(exc).__name__}: {exc}", answers, "engine")
            return (("error", type(exc).__name__),)
        result.advice_fired.update(item.id for item in assessment.advice)
        result.steps_fired.update(item.id for item in assessment.next_steps)
        result.conflicts_fired.update(c.id for c in assessment.conflicts)
        for conflict in self.rules.conflicts:
            if conflict.id not in self.conflict_samples and self._sample_fits(conflict, answers):
                self.conflict_samples[conflict.id] = dict(answers)
        outcome = _outcome(assessment)
        for route in assessment.routes:
            message = _route_problem(route, answers, self.rules)
            if message:
                self.problem(message, answers, f"route:{route.id}")
            for qid in route.unknown if route.verdict == "unsure" else ():
                if not self.is_asked(qid, answers):
                    self.problem(f"it is left undecided by '{qid}', which is never asked on "
                                 "this path", answers, f"route:{route.id}")
        if assessment.funding.two_year_rule == "unsure":
            applies = self.rules.funding.requirement.applies_when
            for qid in unknown_questions(self.rules, applies, answers):
                if not self.is_asked(qid, answers):
                    self.problem(f"it is left undecided by '{qid}', which is never asked on "
                                 "this path", answers, "funding")
        if expected is not None and outcome != expected:
            self.problem("two answers the walk treats as equivalent gave different outcomes",
                         answers, "engine")
        return outcome

    def is_asked(self, qid: str, answers: PathAnswers) -> bool:
        """Whether the questionnaire asks ``qid`` on this complete path."""
        question = self.rules.question_by_id.get(qid)
        if question is None or qid in answers:
            return True
        return self.tri_of(question.when)((answers, len(self.questions))) is True

    def problem(self, message: str, answers: PathAnswers, about: str) -> None:
        """Record a problem (the first few in full, the rest counted)."""
        result = self.result
        result.problem_count += 1
        for known in result.problems:
            if known.message == message and known.about == about:
                known.paths += 1
                return
        if len(result.problems) < MAX_PROBLEMS:
            result.problems.append(WalkProblem(message, dict(answers), about))


class _InPlay:
    """Which routes can still change, and which requirements still count, at one point."""

    def __init__(self, walker: _Walker, answers: PathAnswers, index: int) -> None:
        self.walker = walker
        self.answers = answers
        self.index = index
        self.open: dict[str, bool] = {}

    def tri(self, node: Condition | None) -> Tri:
        return self.walker.tri_of(node)((self.answers, self.index))

    def route_open(self, route: Route) -> bool:
        """False once the route is surely not for this person, whatever comes next."""
        found = self.open.get(route.id)
        if found is None:
            found = self.tri(route.applies_when) is not False and not any(
                req.kind == "gate" and self.tri(req.applies_when) is True
                and self.tri(req.met_when) is False
                for req in route.requirements
            )
            self.open[route.id] = found
        return found

    def requirement_counts(self, req: Requirement) -> bool:
        """Whether the requirement can still change a verdict, a date or the funding rule."""
        walker = self.walker
        if req.id != walker.rules.funding.requirement.id and not any(
                self.route_open(route) for route in walker.routes_of.get(req.id, [])):
            return False
        return self.tri(req.applies_when) is not False

    def reference_targets(self) -> list[date] | None:
        """The dates the judging day is compared with (None: some are not known yet)."""
        walker = self.walker
        targets: set[date] = set()
        for req in walker.dated:
            if not self.requirement_counts(req):
                continue
            if walker.position.get(req.question or "", -1) >= self.index:
                return None
            target = _met_on(req, self.answers.get(req.question or ""), walker.as_of)
            if target is not None:
                targets.add(target)
        return sorted(targets)


def _met_on(req: Requirement, raw: object, as_of: date) -> date | None:
    """The day a dated requirement is met from its answer: experience short on ``as_of``
    grown by working on, or the fixed time after a date; None for anything else."""
    if req.kind == "months" and isinstance(raw, int) and raw < req.at_least:
        return add_months(as_of, req.at_least - raw)
    if req.kind == "date" and isinstance(raw, date):
        return add_months(raw, req.plus_years * 12 + req.plus_months)
    return None


def _leap_day_before(day: date) -> date | None:
    for year in range(day.year, day.year - 8, -1):
        try:
            leap = date(year, 2, 29)
        except ValueError:
            continue
        if leap <= day:
            return leap
    return None


def _outcome(assessment: Assessment) -> Outcome:
    routes = tuple(
        (r.id, r.verdict, r.eligible_from.isoformat() if r.eligible_from else "",
         tuple(r.unknown))
        for r in assessment.routes
    )
    funding = assessment.funding
    nhs_from = funding.nhs_funding_from.isoformat() if funding.nhs_funding_from else ""
    return (*routes, ("funding", funding.two_year_rule, nhs_from))


def _route_problem(route: RouteResult, answers: PathAnswers, rules: Rules) -> str | None:
    """Whether a route's verdict breaks the promise: decided, or unsure with its reasons."""
    if route.verdict not in VERDICTS:
        return f"unknown verdict '{route.verdict}'"
    if route.verdict == "unsure":
        if not route.unknown:
            return "unsure without naming the answers that would decide it"
        clashing = {q for c in rules.conflicts if c.id in route.conflicts for q in c.questions}
        for qid in route.unknown:
            if qid not in rules.question_by_id:
                return f"unsure because of '{qid}', which is not a question"
            if answers.get(qid) not in (None, UNSURE) and qid not in clashing:
                return f"unsure because of '{qid}', which was answered"
    if route.verdict == "eligible_from" and route.eligible_from is None:
        return "eligible from a date, but no date given"
    if route.verdict != "eligible_from" and route.eligible_from is not None:
        return f"a date given with the verdict '{route.verdict}'"
    return None


# Transcript -----------------------------------------------------------------------------

def format_answer(value: object) -> str:
    """One answer as the transcript writes it."""
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def format_outcome(outcome: Outcome) -> str:
    """An outcome as ``route=verdict`` words, with dates and deciding answers."""
    parts = []
    for item in outcome:
        if len(item) == 2:  # ("error", name)
            return f"engine error {item[1]}"
        if len(item) == 3:  # ("funding", state, date)
            _, state, when = item
            parts.append(f"funding={state}" + (f":{when}" if when else ""))
            continue
        route_id, verdict, when, unknown = item
        parts.append(f"{route_id}={verdict}" + (f":{when}" if when else "")
                     + (f"({','.join(unknown)})" if unknown else ""))
    return " ".join(parts)


def verdict_questions(rules: Rules) -> set[str]:
    """Questions that can change a verdict, a date or which questions are asked."""
    nodes: list[Condition | None] = [route.applies_when for route in rules.routes]
    wanted = {req.id: req for route in rules.routes for req in route.requirements}
    wanted[rules.funding.requirement.id] = rules.funding.requirement
    ids = {rules.reference_question} if rules.reference_question else set()
    for req in wanted.values():
        nodes += [req.applies_when, req.met_when]
        if req.question:
            ids.add(req.question)
    nodes += [q.when for q in rules.questions]
    return ids | {q for node in nodes for q in questions_in(rules, node)}


def transcript(result: WalkResult, rules: Rules, command: str) -> str:
    """The golden transcript: a header, then one line per outcome class in walk order."""
    shown = verdict_questions(rules)
    lines = [
        "# hitpath rules walk: one line per distinct outcome (answers -> verdicts and dates).",
        "# Answers that every rule treats alike appear once: the first stands for the rest.",
        f"# Rules {rules.meta.rules_version}, as of {result.as_of.isoformat()}. "
        f"Regenerate with: {command}",
        f"# {result.paths} paths, {len(result.classes)} outcomes.",
    ]
    for item in result.classes.values():
        answers = " ".join(f"{q.id}={format_answer(item.answers[q.id])}"
                           for q in rules.questions
                           if q.id in item.answers and q.id in shown)
        lines.append(f"{answers} -> {format_outcome(item.outcome)}")
    return "\n".join(lines) + "\n"
