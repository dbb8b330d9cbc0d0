"""Plans across trainings: which order of trainings reaches a goal soonest, and why each date.

Pure: no I/O, no clock; ``plan(rules, answers, as_of, goal)`` returns Plans. It is a timetable
problem (earliest arrival over scheduled departures with a minimum transfer time): intakes are
the departures, the funding rule is the transfer time. A plan is a short sequence of trainings
ending with the goal; each is started at its earliest feasible intake (starting later never
makes anything earlier), so one schedule per sequence is enough. Entry is judged on the answers
as they will stand on each intake's start, through the same condition compiler and route
verdicts that ``check`` uses: HIT's entry is its checked routes (one truth for check and plan).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from itertools import permutations
from typing import NamedTuple

from hitpath.core import dates
from hitpath.core.conditions import compile_condition, evaluate, explain
from hitpath.core.dates import MONTHS, long_date, month_year
from hitpath.core.errors import did_you_mean
from hitpath.core.intakes import Applications, applications, first_intake, open_intakes
from hitpath.core.model import Answers, AnswerValue, Programme, Rules, Verdict
from hitpath.core.plans import Binding, Plan, Plans, PlanStep, RuleReach
from hitpath.core.untrusted import echo
from hitpath.core.verdicts import Day, route_judge

# Calendar arithmetic repeats the same few dates across a search: memoise it.
add_months = lru_cache(maxsize=8192)(dates.add_months)
months_between = lru_cache(maxsize=8192)(dates.months_between)

MAX_TRAININGS = 3
"""Plans of at most this many trainings, the goal included: every realistic career story."""

HORIZON_YEARS = 15
"""No plan starts its goal later than this many years from the as-of date."""

ONE_DAY = timedelta(days=1)


class PlanError(ValueError):
    """A goal, training or intake the rules do not know; the message says what they have."""


class _Earlier(NamedTuple):
    """A training started before: from the answers, or earlier in the plan."""

    title: str
    occupation: str | None
    board_from: date  # the exam board's earliest date (the exact date when known)
    board_to: date  # its latest date
    triggers: bool | None  # whether it starts the funding rule (None: not known)
    may: bool  # the rule's reach over it is uncertain


class _Step(NamedTuple):
    """A training placed in a plan."""

    training: Programme
    start: date
    end: date
    board_from: date
    board_to: date
    binding: Binding
    because: str
    applications: Applications
    uncertain: tuple[str, ...]
    reach: RuleReach


class _Blocked(NamedTuple):
    """Why a training cannot be placed."""

    reason: str


class Planner:
    """One person's planning: answers and as-of date fixed, schedules memoised by sequence."""

    def __init__(self, rules: Rules, answers: Answers, as_of: date) -> None:
        self.rules = rules
        self.answers = answers
        self.values: dict[str, AnswerValue] = dict(answers.values)
        self.as_of = as_of
        self.horizon = add_months(as_of, HORIZON_YEARS * 12)
        self.schedules: dict[tuple[tuple[str, date | None], ...], _Step | _Blocked] = {}
        self.entry_memo: dict[tuple[object, ...], tuple[bool | None, str]] = {}
        self.plans_made: dict[tuple[tuple[str, date], ...], Plan] = {}
        self.histories: dict[tuple[tuple[str | None, date], ...], tuple[_Step, ...]] = {}
        requirement = rules.funding.requirement
        self.gap_months = requirement.plus_years * 12 + requirement.plus_months
        self.gap_words = (f"{requirement.plus_years} years" if not requirement.plus_months
                          else f"{self.gap_months} months")
        self.months_questions = {r.question for r in rules.requirements.values()
                                 if r.kind == "months" and r.question}
        experience = rules.experience
        if experience is not None:
            self.months_questions |= {experience.question, *experience.also_counts}
        self.earlier = self._earlier_from_answers()
        # The work done before the first training: the first experience role that fits.
        self.role = next(((r.title, r.band) for r in rules.experience_roles
                          if r.when is None or evaluate(rules, r.when, self.values) is True),
                         ("Work in a mental health post", None))

    # The person's earlier training, from the answers ------------------------------------------

    def _earlier_from_answers(self) -> _Earlier | _Blocked | None:
        rules, values = self.rules, self.values
        requirement = rules.funding.requirement
        triggers = evaluate(rules, requirement.applies_when, values)
        if triggers is False:
            return None
        between = rules.between
        if between is None or values.get(between.earlier_question) in (None, "none"):
            return None
        board = values.get(requirement.question or "")
        if not isinstance(board, date):
            return _Blocked(
                "the funding rule may apply to your earlier training, and its exam board date "
                "is not known; give that date (an expected one is fine)")
        programme = values.get(between.programme_question)
        occupation = next((t.occupation for t in rules.trainings.values()
                           if programme is not None and t.previous_training_value == programme),
                          None)
        return _Earlier("earlier training", occupation, board, board, triggers, triggers is None)

    # Answers as they will stand on a day --------------------------------------------------

    def project(self, history: tuple[_Step, ...], day: date,
                counted: bool = True, grow: bool = True) -> dict[str, AnswerValue]:
        """The answers as they will stand on ``day`` after ``history``: experience grown, the
        qualifications gained, and the latest funded training as the earlier one. With
        ``counted``, the experience answer also takes the other answers that count towards it
        (not for trainings entered by the checked routes, which read each answer as check
        does). Without ``grow``, experience stays as answered."""
        rules = self.rules
        values = dict(self.values)
        elapsed = months_between(self.as_of, day) if grow else 0
        for qid in self.months_questions:
            raw = values.get(qid)
            if isinstance(raw, int) and not isinstance(raw, bool):
                values[qid] = raw + elapsed
        experience = rules.experience
        if experience is not None and counted:
            given = [values.get(q) for q in (experience.question, *experience.also_counts)]
            known = [v for v in given if isinstance(v, int) and not isinstance(v, bool)]
            if known:
                values[experience.question] = max(known)
        if rules.reference_question:
            values[rules.reference_question] = day
        latest: _Step | None = None
        for done in history:
            t = done.training
            if t.qualifies_question and t.qualifies_adds and done.end < day:
                question = rules.question_by_id[t.qualifies_question]
                exclusive = {c.value for c in question.choices if c.exclusive}
                held = values.get(t.qualifies_question)
                held = tuple(v for v in (held if isinstance(held, tuple) else ())
                             if v not in exclusive)
                if t.qualifies_adds not in held:
                    held = (*held, t.qualifies_adds)
                values[t.qualifies_question] = held
                if t.qualifies_months_question:
                    values[t.qualifies_months_question] = months_between(done.board_to, day)
            if done.reach is not RuleReach.DOES_NOT_APPLY:
                latest = done
        between = rules.between
        if latest is not None and between is not None:
            values[between.earlier_question] = between.earlier_value
            values[between.started_question] = latest.start
            if latest.training.previous_training_value:
                values[between.programme_question] = latest.training.previous_training_value
            values[rules.funding.requirement.question or ""] = latest.board_to
        return values

    # Entry --------------------------------------------------------------------------------

    def entry_on(self, history: tuple[_Step, ...], t: Programme,
                 day: date) -> tuple[bool | None, str]:
        """``entry`` on the answers as they will stand on ``day`` after ``history`` (memoised)."""
        key = (t.id, day, *((d.training.id, d.start) for d in history))
        found = self.entry_memo.get(key)
        if found is None:
            found = self.entry_memo[key] = self.entry(
                t, self.project(history, day, not t.routes), day)
        return found

    def entry(self, t: Programme, values: dict[str, AnswerValue], day: date
              ) -> tuple[bool | None, str]:
        """Whether ``t``'s entry holds on ``day`` for these answers, and by which route (or
        the assumption it rests on)."""
        opened, route = self._entry_plain(t, values, day)
        if opened is True or not t.assumes:
            return opened, route or ""
        assumed = {**values, **{a.question: a.value for a in t.assumes}}
        again, route = self._entry_plain(t, assumed, day)
        if again is True:
            return True, "assumes:" + (route or "")
        return opened, route or ""

    def _entry_plain(self, t: Programme, values: dict[str, AnswerValue],
                     day: date) -> tuple[bool | None, str | None]:
        unknown = False
        if t.routes:
            routes = {r.id: r for r in self.rules.routes}
            judging = Day(day)
            for rid in t.routes:
                verdict = route_judge(self.rules, routes[rid])(
                    values, judging, day, {}, lambda q: True)
                if verdict.verdict == Verdict.ELIGIBLE:
                    return True, rid
                if verdict.verdict == Verdict.UNSURE:
                    unknown = True
            return (None if unknown else False), None
        for route in t.entry:
            got = compile_condition(self.rules, route.when)(values)
            if got is True:
                return True, route.id
            if got is None:
                unknown = True
        return (None if unknown else False), None

    def _opens_ever(self, history: tuple[_Step, ...], t: Programme) -> bool | None:
        """Whether ``t``'s entry holds at the horizon (entry only grows easier with time)."""
        key = ("ever", t.id, tuple(d.training.id for d in history))
        found = self.entry_memo.get(key)
        if found is None:
            found = self.entry_memo[key] = self.entry(
                t, self.project(history, self.horizon, not t.routes), self.horizon)
        return found[0]

    # The funding rule ---------------------------------------------------------------------

    def earlier_trainings(self, history: tuple[_Step, ...]) -> list[_Earlier]:
        """Every earlier training whose exam board can hold back the next one."""
        found = [self.earlier] if isinstance(self.earlier, _Earlier) else []
        return found + [_Earlier(done.training.short_title, done.training.occupation,
                                 done.board_from, done.board_to, True,
                                 done.reach is RuleReach.MAY_APPLY)
                        for done in history if done.reach is not RuleReach.DOES_NOT_APPLY]

    def reach(self, t: Programme, start: date) -> RuleReach:
        """Whether starting ``t`` on ``start`` starts the funding rule's clock."""
        between = self.rules.between
        if not t.nhs_funded or between is None:
            return RuleReach.DOES_NOT_APPLY
        trial = {**self.values, between.earlier_question: between.earlier_value,
                 between.started_question: start}
        applies = evaluate(self.rules, self.rules.funding.requirement.applies_when, trial)
        if applies is False:
            return RuleReach.DOES_NOT_APPLY
        if applies is None or t.rule_cover != "yes":
            return RuleReach.MAY_APPLY
        return RuleReach.APPLIES

    # Placing one training -----------------------------------------------------------------

    def schedule(self, history: tuple[_Step, ...], t: Programme,
                 pinned: date | None = None) -> _Step | _Blocked:
        """Place ``t`` after ``history`` at its earliest feasible intake (or at ``pinned``)."""
        key = (*((d.training.id, d.start) for d in history), (t.id, pinned))
        found = self.schedules.get(key)
        if found is None:
            found = self.schedules[key] = self._schedule(history, t, pinned)
        return found

    def _schedule(self, history: tuple[_Step, ...], t: Programme,
                  pinned: date | None) -> _Step | _Blocked:
        rules = self.rules
        if isinstance(self.earlier, _Blocked):
            return self.earlier
        free = history[-1].end + ONE_DAY if history else self.as_of
        uncertain: list[str] = []
        funding_from: date | None = None
        funding_hopeful: date | None = None
        funding_by: _Earlier | None = None
        hard: date | None = None
        for earlier in self.earlier_trainings(history):
            if earlier.triggers is False or not t.nhs_funded:
                continue
            if earlier.occupation is not None and earlier.occupation == t.occupation:
                if rules.between:
                    uncertain.append(rules.between.same_occupation)
                continue
            latest = add_months(earlier.board_to, self.gap_months)
            if funding_from is None or latest > funding_from:
                funding_from, funding_by = latest, earlier
                funding_hopeful = add_months(earlier.board_from, self.gap_months)
            # Against the person's own earlier training, a training entered by the checked
            # routes meets the rule through their requirement, as check judges it (some
            # routes do not apply it); trainings in the plan hold every later one back.
            if (earlier is not self.earlier or not t.routes) and (hard is None or latest > hard):
                hard = latest
        soonest = max(free, self.as_of)
        ready = max(soonest, hard or self.as_of)
        if self._opens_ever(history, t) is not True:
            return _Blocked(f"the entry to {t.short_title} is not met on your answers")
        if pinned is not None and funding_from is not None and soonest <= pinned < funding_from:
            ready = max(ready, funding_from)  # to say why a pinned start is too early
        chosen = self._first_open(history, t, ready, pinned)
        if isinstance(chosen, _Blocked):
            return chosen
        start, apps, first_try, closed, possible, route = chosen
        if t.routes and funding_from is not None and start > first_try:
            # The routes held the start back: by the funding rule when its date alone
            # explains it (the first intake open for applications after that date).
            after_rule = first_intake(t.calendar, max(soonest, funding_from), self.as_of)
            if after_rule is not None and after_rule.certain == start:
                first_try, ready = start, max(soonest, funding_from)
                possible = None
        end = add_months(start, t.length_months) - ONE_DAY
        # Whole months after teaching ends (counted from the 1st after it, so no day rolls).
        after = end + ONE_DAY
        board_from = add_months(after, t.lag_from) - ONE_DAY
        board_to = add_months(after, t.lag_to) - ONE_DAY
        if start > first_try:
            binding = Binding.EXPERIENCE
        elif closed is not None:
            binding = Binding.APPLICATION_WINDOW
        elif funding_from is not None and ready == funding_from and funding_from > soonest:
            binding = Binding.FUNDING_RULE
        elif history and ready == free and free > self.as_of:
            binding = Binding.ENTRY
        else:
            binding = Binding.INTAKE
        because = self._because(t, history, binding, start, apps, closed, funding_by,
                                funding_from, first_try)
        if pinned is None and possible is not None:
            uncertain.append(
                f"If the teaching of a {t.short_title} course starting in {month_year(possible)}"
                f" begins on or after {long_date(ready)}, that intake is possible too; it "
                f"depends on the course's exact start of teaching (one starting on 1 "
                f"{MONTHS[possible.month - 1]} is too early).")
        if (funding_hopeful is not None and funding_by is not None and binding
                is Binding.FUNDING_RULE and funding_hopeful < (funding_from or date.max)):
            sooner = self._first_open(history, t, max(soonest, funding_hopeful), None)
            if not isinstance(sooner, _Blocked) and sooner[0] < start:
                uncertain.append(
                    f"If the exam board of your {funding_by.title} is early (by "
                    f"{long_date(add_months(sooner[0], -self.gap_months))}), the "
                    f"{month_year(sooner[0])} intake of {t.short_title} may be possible.")
        if route.startswith("assumes:"):
            uncertain += [a.text for a in t.assumes]
        if funding_by is not None and funding_by.may:
            uncertain.append(
                f"We can't confirm the funding rule covers your {funding_by.title}; this plan "
                f"applies it to be safe. Ask the course or NHS England.")
        return _Step(t, start, end, board_from, board_to, binding, because, apps,
                     tuple(uncertain), self.reach(t, start))

    def _first_open(self, history: tuple[_Step, ...], t: Programme, ready: date,
                    pinned: date | None
                    ) -> tuple[date, Applications, date, date | None, date | None, str] | _Blocked:
        """The first intake on or after ``ready`` that applications and entry allow: its
        start, applications, the first intake tried, the first closed one, one that depends
        on the exact start of teaching, and the entry route."""
        cal = t.calendar
        if pinned is not None:
            intake = next((i for i in cal.intakes if i.month == pinned.month), None)
            if intake is None:
                return _Blocked(f"{t.short_title} has no intake in {MONTHS[pinned.month - 1]}")
            if pinned < ready:
                return _Blocked(self._too_early(t, pinned, ready, history))
            opened, route = self.entry_on(history, t, pinned)
            if opened is not True:
                return _Blocked(f"on {long_date(pinned)} the entry to {t.short_title} is not "
                                "met yet on your answers")
            return (pinned, applications(cal, pinned, intake), pinned, None, None, route)
        first_try: date | None = None
        for start, apps, closed, possible in open_intakes(cal, ready, self.as_of):
            if start > self.horizon:
                break
            first_try = first_try or start
            opened, route = self.entry_on(history, t, start)
            if opened is True:
                first = first_try == start
                return (start, apps, first_try, closed if first else None,
                        possible if first else None, route)
        return _Blocked(f"no {t.short_title} intake within {HORIZON_YEARS} years fits")

    def _too_early(self, t: Programme, pinned: date, ready: date,
                   history: tuple[_Step, ...]) -> str:
        why = "it is before you can start"
        e = next((e for e in self.earlier_trainings(history)
                  if add_months(e.board_to, self.gap_months) == ready), None)
        if e is not None:
            board = (long_date(e.board_to) if e.board_from == e.board_to
                     else f"expected by {long_date(e.board_to)}")
            why = (f"NHS funding for it starts on {long_date(ready)}, {self.gap_words} after "
                   f"the exam board of your {e.title} ({board}), to the day")
        elif history and ready == history[-1].end + ONE_DAY:
            why = f"your {history[-1].training.short_title} runs until {long_date(ready - ONE_DAY)}"
        if (pinned.year, pinned.month) == (ready.year, ready.month):
            return (f"a {t.short_title} course starting in {month_year(pinned)} is possible only "
                    f"if its teaching begins on or after {long_date(ready)}: {why}; one "
                    f"starting on {long_date(pinned)} is too early")
        return f"{month_year(pinned)} is too early: {why}"

    def _because(self, t: Programme, history: tuple[_Step, ...], binding: Binding, start: date,
                 apps: Applications, closed: date | None,
                 funding_by: _Earlier | None, funding_from: date | None,
                 first_try: date) -> str:
        when = month_year(start)
        apply = ""
        if apps.opens and apps.closes:
            if t.calendar.window is not None:
                apply = f" Apply between {long_date(apps.opens)} and {long_date(apps.closes)}."
            else:
                apply = (f" Posts are usually advertised from {month_year(apps.opens)} to "
                         f"{month_year(apps.closes)}.")
        if binding is Binding.EXPERIENCE:
            reached = self._entry_day(history, t, first_try, start)
            text = (f"Your answers meet the entry to {t.short_title} from about "
                    f"{long_date(reached)}, as your experience grows; the next intake after "
                    f"that starts in {when}.")
        elif binding is Binding.APPLICATION_WINDOW and closed is not None:
            # The calendar passes over an intake whose applications usually close before the
            # day of the plan: its adverts have closed by then, whenever the person is ready.
            text = (f"Applications for the {month_year(closed)} intake of {t.short_title} "
                    f"have usually closed by now ({long_date(self.as_of)}), so the first "
                    f"intake you can still apply for starts in {when}.")
        elif binding is Binding.FUNDING_RULE and funding_by is not None and funding_from:
            if funding_by.board_from == funding_by.board_to:
                board = f"was on {long_date(funding_by.board_to)}"
            else:
                typical = funding_by.board_from + (funding_by.board_to - funding_by.board_from) / 2
                board = (f"is expected between {long_date(funding_by.board_from)} and "
                         f"{long_date(funding_by.board_to)} (about {month_year(typical)})")
            text = (f"The exam board of your {funding_by.title} {board}, so NHS funding for "
                    f"{t.short_title} is normally available from {long_date(funding_from)}, "
                    f"{self.gap_words} on, to the day; the next intake after that starts in "
                    f"{when}.")
        elif binding is Binding.ENTRY and history:
            text = (f"It follows your {history[-1].training.short_title}, which ends on "
                    f"{long_date(history[-1].end)}; the next intake starts in {when}.")
        else:
            text = f"The first {t.short_title} intake open to you starts in {when}."
        return text + apply

    def _entry_day(self, history: tuple[_Step, ...], t: Programme, lo: date,
                   hi: date) -> date:
        """The first day the entry holds, between two intakes (it only grows easier)."""
        while (hi - lo).days > 1:
            mid = lo + (hi - lo) / 2
            if self.entry_on(history, t, mid)[0] is True:
                hi = mid
            else:
                lo = mid
        return hi

    # Whole plans --------------------------------------------------------------------------

    def sequences(self, goal: Programme, must: str | None) -> Iterator[tuple[Programme, ...]]:
        """Orders of trainings ending with the goal, shortest first (skipping ones held)."""
        held = self.values
        between = self.rules.between
        done_before = held.get(between.programme_question) if between else None
        others = [t for t in self.rules.trainings.values() if t.id != goal.id and not (
            t.qualifies_question and t.qualifies_adds
            and isinstance(answer := held.get(t.qualifies_question), tuple)
            and t.qualifies_adds in answer) and not (
            done_before is not None and t.previous_training_value == done_before)]
        for size in range(MAX_TRAININGS):
            for prefix in permutations(others, size):
                chain = (*prefix, goal)
                if must is None or any(t.id == must for t in chain):
                    yield chain

    def build(self, chain: tuple[Programme, ...], pins: dict[str, date],
              bound: date | None) -> tuple[_Step, ...] | _Blocked:
        """Schedule a chain; stop early once it cannot qualify by ``bound``."""
        history: tuple[_Step, ...] = ()
        for t in chain:
            placed = self.schedule(history, t, pins.get(t.id))
            if isinstance(placed, _Blocked):
                return placed
            history = (*history, placed)
            if bound is not None and t is not chain[-1]:
                rest = sum(x.length_months for x in chain[chain.index(t) + 1:])
                if add_months(placed.end, rest) > bound:
                    return _Blocked("later than the plans already found")
        return history

    def to_plan(self, history: tuple[_Step, ...]) -> Plan:
        """A scheduled chain as a dated plan with its work periods and because-lines."""
        key = tuple((d.training.id, d.start) for d in history)
        made = self.plans_made.get(key)
        if made is None:
            made = self.plans_made[key] = self._to_plan(history)
            self.histories[key] = history
        return made

    def _to_plan(self, history: tuple[_Step, ...]) -> Plan:
        steps: list[PlanStep] = []
        uncertain: list[str] = []
        cursor = self.as_of
        for i, done in enumerate(history):
            t = done.training
            if done.start > cursor:
                if i == 0:
                    title, band = self.role
                    because = (f"You keep building experience until {t.short_title} starts; "
                               "this is not a training, so it does not start the funding rule.")
                else:
                    prev = history[i - 1].training
                    title = f"Work qualified after {prev.short_title}"
                    band = prev.qualified_band
                    because = f"Qualified after {prev.short_title}, until {t.short_title} starts."
                steps.append(PlanStep("work", None, title, cursor, done.start - ONE_DAY, band,
                                      False, RuleReach.DOES_NOT_APPLY, because))
            steps.append(PlanStep(
                "training", t.id, t.title, done.start, done.end, t.training_band, t.nhs_funded,
                done.reach, done.because, (done.board_from, done.board_to), done.binding,
                (done.applications.opens, done.applications.closes)))
            cursor = done.end + ONE_DAY
            uncertain += done.uncertain  # repeats are dropped when the plan is made
            if t.lag_from != t.lag_to:
                uncertain.append(
                    f"The {t.short_title} exam board is an estimate: {t.lag_from} to "
                    f"{t.lag_to} months after teaching ends; ask the course for its date.")
            if t.rule_cover != "yes" and done.reach is not RuleReach.DOES_NOT_APPLY:
                uncertain.append(f"{t.rule.text} Plans apply the rule to {t.short_title} "
                                 "to be safe.")
        goal = history[-1]
        qualified = goal.board_from
        band_months = 0
        for step in steps:
            span_end = min(step.end, qualified)
            if step.band is not None and span_end >= step.start:
                band_months += step.band * months_between(step.start, span_end + ONE_DAY)
        return Plan(tuple(d.training.id for d in history), tuple(steps), goal.start, qualified,
                    goal.binding, tuple(dict.fromkeys(uncertain)), band_months)

    def rests_on_experience(self, p: Plan) -> bool:
        """Whether some training in ``p`` is entered only because experience grows from now
        to its start (the plan assumes the person keeps working in mental health)."""
        key = tuple((s.training, s.start) for s in p.steps if s.kind == "training")
        history = self.histories.get(key, ())
        for i, done in enumerate(history):
            t, before = done.training, history[:i]
            flat = self.entry(t, self.project(before, done.start, not t.routes, grow=False),
                              done.start)
            if flat[0] is not True and self.entry_on(before, t, done.start)[0] is True:
                return True
        return False

    def blocked(self, goal: Programme) -> list[str]:
        """What stops each of the goal's entry routes, on the answers at the horizon."""
        values = self.project((), self.horizon, not goal.routes)
        lines: list[str] = []
        if isinstance(self.earlier, _Blocked):
            lines.append(self.earlier.reason[0].upper() + self.earlier.reason[1:] + ".")
        shown = Answers(values, self.answers.month_only)
        if goal.routes:
            # The engine's own words for each route, judged on that day (a failed gate such
            # as working in England first).
            from hitpath.core.engine import assess

            judged = assess(self.rules, shown, self.horizon).routes
            return lines + [f"{r.title}: {r.reason}" for r in judged if r.id in goal.routes]
        for entry in goal.entry:
            got = evaluate(self.rules, entry.when, values)
            reasons = explain(self.rules, entry.when, shown)
            if got is None:
                lines.append(f"{entry.title}: depends on " + "; ".join(
                    r for r in reasons if r.endswith(("not answered", "not sure"))) + ".")
            elif got is False:
                lines.append(f"{entry.title}: not met ({'; '.join(reasons)}).")
        return lines


def parse_via(rules: Rules, text: str) -> tuple[str, date | None]:
    """``TRAINING`` or ``TRAINING@YYYY-MM`` -> (training id, first day of that month)."""
    name, _, month = text.partition("@")
    t = check_training(rules, name)
    if not month:
        return t.id, None
    try:
        last, month_only = dates.parse_iso(month)  # ASCII digits, a year in range
    except dates.YearOutOfRange as exc:
        raise PlanError(str(exc)) from None
    except ValueError:
        month_only = False
    if not month_only:
        raise PlanError(f"{echo(month)} is not a month; expected TRAINING@YYYY-MM, "
                        "for example pwp@2027-01")
    start = last.replace(day=1)
    months = sorted(i.month for i in t.calendar.intakes)
    if start.month not in months:
        names = ", ".join(MONTHS[m - 1] for m in months)
        raise PlanError(f"{t.short_title} has no intake in {MONTHS[start.month - 1]}; its "
                        f"intakes are in {names}")
    return t.id, start


def check_training(rules: Rules, name: str) -> Programme:
    """The training with this id (in any case: ids are lowercase), or a PlanError naming the
    ids (with a did-you-mean)."""
    found = rules.trainings.get(name.strip().lower())
    if found is not None:
        return found
    hint = did_you_mean(name.strip().lower(), list(rules.trainings))
    raise PlanError(f"no training {echo(name)}.{' ' + hint if hint else ''} Trainings: "
                    f"{', '.join(rules.trainings)}")


DEFAULT_TOP = 3
"""How many plans are shown when ``top`` is not asked for."""


def plan(rules: Rules, answers: Answers, as_of: date, goal: str, *, via: str | None = None,
         top: int | None = None) -> Plans:
    """The plans that reach ``goal`` from these answers, best first (earliest qualified; then
    fewer trainings; then more months on a higher band), with the ``via`` plan beside them.

    When ``top`` is not given, at most DEFAULT_TOP plans; and when the goal's entry already
    holds on ``as_of``, only the plans of the goal alone: the others only add trainings before
    a goal the person can already start, so they only come later.
    ``via`` is ``TRAINING`` or ``TRAINING@YYYY-MM`` (a PlanError when either is unknown).
    """
    asked = top is not None
    top = top if top is not None else DEFAULT_TOP
    target = check_training(rules, goal)
    goal = target.id
    via_id, via_start = parse_via(rules, via) if via else (None, None)
    planner = Planner(rules, answers, as_of)
    found: list[Plan] = []
    bound: date | None = None
    for chain in planner.sequences(target, None):
        built = planner.build(chain, {}, bound)
        if isinstance(built, _Blocked) or (bound is not None and built[-1].board_from > bound):
            continue
        found.append(planner.to_plan(built))
        found.sort(key=_order)
        if len(found) >= top:
            bound = found[top - 1].qualified
    left_out = 0
    if not asked and planner.entry_on((), target, as_of)[0] is True:
        direct = [p for p in found if p.trainings == (target.id,)]
        left_out = len(found) - len(direct)
        found = direct
    best = found[:top]
    plans = tuple(p._replace(delay_months=months_between(best[0].qualified, p.qualified))
                  for p in best)
    via_plan, via_text = (_via(planner, target, via_id, via_start, plans) if via_id is not None
                          else (None, None))
    blocked = () if plans else tuple(planner.blocked(target))
    shown = (*plans, via_plan) if via_plan else plans
    used = {goal} | {t for p in shown for t in p.trainings}
    notes = _notes(rules, target, used, any(planner.rests_on_experience(p) for p in shown))
    if left_out:
        notes = (f"You can already apply for {target.short_title}, so plans that add other "
                 "trainings before it are left out: they would only qualify you later. "
                 "Ask for them with --top N.", *notes)
    sources = _sources(rules, used)
    return Plans(as_of, goal, target.title, plans, via_plan, via_id, via_text, blocked,
                 notes, sources, rules.meta.rules_version)


def _order(p: Plan) -> tuple[date, int, int]:
    return (p.qualified, len(p.trainings), -p.band_months)


def _via(planner: Planner, goal: Programme, via_id: str, via_start: date | None,
         plans: tuple[Plan, ...]) -> tuple[Plan | None, str | None]:
    rules = planner.rules
    t = rules.trainings[via_id]
    pins = {via_id: via_start} if via_start else {}
    options: list[Plan] = []
    refusals: list[tuple[int, str]] = []
    for chain in planner.sequences(goal, via_id):
        built = planner.build(chain, pins, None)
        if isinstance(built, _Blocked):
            refusals.append((len(chain), built.reason))
            continue
        options.append(planner.to_plan(built))
    at = f" in {month_year(via_start)}" if via_start else ""
    if not options:
        # Say why the shortest way through the training fails, not why a longer chain (with
        # trainings the person never mentioned) does.
        shortest = [r for n, r in refusals if n == min(n for n, _ in refusals)]
        why = next((r for r in shortest if via_start and r.startswith(
            (f"a {t.short_title}", month_year(via_start)))), shortest[0] if shortest else "")
        if t.id == goal.id:
            return None, f"Starting {t.short_title}{at}: {why}."
        return None, (f"No plan reaches {goal.short_title} through {t.short_title}{at}: "
                      f"{why}.")
    chosen = min(options, key=_order)
    if not plans:
        return chosen, None
    cost = months_between(plans[0].qualified, chosen.qualified)
    chosen = chosen._replace(delay_months=cost)
    goal_step = next(s for s in reversed(chosen.steps) if s.training == goal.id)
    if cost == 0:
        text = (f"Taking {t.short_title}{at} costs nothing: you can still qualify as early "
                f"as by the best plan ({long_date(chosen.qualified)}).")
    else:
        years = f" (about {round(cost / 12)} year{'s' if round(cost / 12) != 1 else ''})" \
            if cost >= 10 else ""
        text = (f"Taking {t.short_title}{at} costs {cost} months{years} on the way to "
                f"{goal.short_title}. {goal_step.because}")
    return chosen, text


def _notes(rules: Rules, goal: Programme, used: set[str],
           experience_grows: bool) -> tuple[str, ...]:
    notes = ["Every date is the earliest possible if you are accepted at the first try; "
             "whether you will be accepted is something no plan can know.",
             goal.competition.text if goal.competition else
             "Competition for places is real, and each unsuccessful round usually adds a year.",
             "Dates use the usual intake months and advert times; each course sets its "
             "own day for the start of teaching and its own exam board, so ask the course."]
    unsure = [rules.trainings[t].short_title for t in rules.trainings
              if t in used and rules.trainings[t].rule_cover != "yes"]
    if unsure:
        notes.append("The official list of trainings the funding rule covers was not found "
                     f"complete; we could not confirm it covers {', '.join(unsure)}, so plans "
                     "apply it to be safe.")
    for tid, t in rules.trainings.items():
        if tid in used:
            notes += [n.text for n in t.notes if n.text not in notes]
    if rules.between is not None:
        notes.append(rules.between.text)
    # The experience assumption is said only where a plan rests on it: a training entered
    # only thanks to experience still to gain.
    if rules.experience is not None and experience_grows:
        notes.append(rules.experience.text)
    return tuple(notes)


def _sources(rules: Rules, used: set[str]) -> tuple[str, ...]:
    found: list[str] = []
    if rules.between is not None:
        found += rules.between.sources
    if rules.experience is not None:
        found += rules.experience.sources
    for tid, t in rules.trainings.items():
        if tid not in used:
            continue
        found += [*t.sources, *t.length.sources, *t.bands_sources, *t.rule.sources,
                  *t.funded.sources, *t.lag_sources, *t.apply_via.sources]
        found += [s for intake in t.calendar.intakes for s in intake.sources]
        found += t.calendar.window.sources if t.calendar.window else ()
        found += [s for note in t.notes for s in note.sources]
        found += t.competition.sources if t.competition else ()
    return tuple(s for s in dict.fromkeys(found) if s in rules.sources)


__all__ = ["PlanError", "Planner", "check_training", "parse_via", "plan"]
