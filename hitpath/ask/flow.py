"""The questionnaire's flow, pure: which question comes next, going back, review and change,
and the early stop once nothing left to ask can change the outcome.

It knows nothing of terminals: it drives any object with the Prompter methods below, so the
tests use a scripted fake and the CLI uses questionary (prompts.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from hitpath.core.conditions import (
    Operand,
    comparisons_in,
    condition_sites,
    edge_values,
    evaluate,
    multi_answers,
    questions_in,
)
from hitpath.core.conflicts import refused
from hitpath.core.dates import add_months
from hitpath.core.engine import assess, reference_date
from hitpath.core.model import Answers, AnswerValue, Kind, Question, Rules

MAX_PROBES = 4096
"""Above this many combinations of a multi question's groups, probe singles and pairs only."""


class Back:
    """The type of BACK."""

    def __repr__(self) -> str:
        return "BACK"


BACK = Back()
"""A reply meaning: go back to the previous question."""


class MonthOnly:
    """A reply of a date given as YYYY-MM (read as the month's last day)."""

    def __init__(self, day: date) -> None:
        self.day = day


Reply = AnswerValue | MonthOnly | None | Back
"""What a prompt gives back: an answer, None (left unanswered) or BACK."""


class Progress:
    """Where the person is: 'Question 4 of about 9'."""

    def __init__(self, number: int, about: int) -> None:
        self.number = number
        self.about = max(about, number)

    def __str__(self) -> str:
        if self.number == 0:
            return "Changing one answer"
        return f"Question {self.number} of about {self.about}"


class Prompter(Protocol):
    """What the flow needs from a user interface."""

    def ask(self, question: Question, default: AnswerValue | MonthOnly | None,
            progress: Progress, can_go_back: bool) -> Reply:
        """Ask one question; return the answer, None to leave it unanswered, or BACK."""

    def notice(self, text: str) -> None:
        """Tell the person something (for example that no more questions are needed)."""


def reached(rules: Rules, question: Question, answers: Answers) -> bool | None:
    """Whether the question is on the path for these answers (None: not known yet)."""
    return evaluate(rules, question.when, answers.values)


def prune(rules: Rules, answers: Answers) -> list[str]:
    """Drop answers to questions no longer reached; returns the dropped ids."""
    dropped: list[str] = []
    changed = True
    while changed:  # dropping one answer can take another question off the path
        changed = False
        for question in rules.questions:
            if question.id not in answers.values:
                continue
            on_path = reached(rules, question, answers)
            if on_path is False or (
                    on_path is None and questions_in(rules, question.when) & set(dropped)):
                del answers.values[question.id]
                answers.month_only = answers.month_only - {question.id}
                dropped.append(question.id)
                changed = True
    return dropped


def _outcome(rules: Rules, answers: Answers, as_of: date) -> tuple[object, ...]:
    """What a person would see change: verdicts and dates, what is missing, advice, steps."""
    result = assess(rules, answers, as_of)
    return (
        tuple((r.verdict, r.eligible_from) for r in result.routes),
        tuple(tuple((u.id, u.status, u.date) for u in r.unmet) for r in result.routes),
        result.funding.two_year_rule, result.funding.nhs_funding_from,
        tuple(sorted(a.id for a in result.advice)),
        tuple(s.id for s in result.next_steps),  # their dates follow the verdicts' own
    )


def _probe_values(rules: Rules, question: Question, answers: Answers,
                  as_of: date) -> list[AnswerValue]:
    """A handful of answers that between them reach every outcome the rules distinguish:
    the same boundary values the path walk tries (``conditions.edge_values`` and
    ``multi_answers``), plus the ends of the range."""
    if question.type == "choice":
        return list(question.values)
    leaves = [leaf for site in condition_sites(rules, plans=False)
              for leaf in comparisons_in(rules.conditions, site.node)
              if leaf["q"] == question.id]
    if question.type == "multi":
        # Whole groups of choices, and every combination: one choice at a time would never
        # meet a contains_all.
        return list(multi_answers(question, leaves, MAX_PROBES)[0])
    if question.type == "number":
        ends: list[Operand] = [0, 1, question.max or 1000]
        ends += [req.at_least for req in rules.requirements.values()
                 if req.question == question.id and req.kind == Kind.MONTHS]
        return [m for m in edge_values(leaves, ends) if isinstance(m, int) and m >= 0
                and (question.max is None or m <= question.max)]
    if question.id == rules.reference_question:
        # A course starts in the future: probe either side of every date the rules compute.
        days = {as_of, add_months(as_of, 40)}
        for route in assess(rules, answers, as_of).routes:
            for res in route.unmet:
                if res.date:
                    days |= {res.date - timedelta(days=1), res.date}
        return sorted(d for d in days if d >= as_of)
    reference = reference_date(rules, answers, as_of)
    days = {as_of, as_of - timedelta(days=1), as_of + timedelta(days=1)}
    days |= {d for d in edge_values(leaves) if isinstance(d, date)}
    for req in rules.requirements.values():
        if req.question == question.id and req.kind == Kind.DATE:
            # The answer that makes the computed date fall on the judging day, either side.
            edge = add_months(reference, -(req.plus_years * 12 + req.plus_months))
            days |= {edge - timedelta(days=1), edge, edge + timedelta(days=1)}
    return sorted(days)


def still_matters(rules: Rules, question: Question, answers: Answers, as_of: date) -> bool:
    """Whether some answer to ``question`` could change a verdict, a date, what is missing,
    the advice or the next steps."""
    base = _outcome(rules, answers, as_of)
    for value in _probe_values(rules, question, answers, as_of):
        trial = Answers({**answers.values, question.id: value}, answers.month_only)
        prune(rules, trial)
        if _outcome(rules, trial, as_of) != base:
            return True
    return False


class Interview:
    """One run of the questionnaire over a set of answers (which it updates in place)."""

    def __init__(self, rules: Rules, answers: Answers, as_of: date, ask_all: bool = False,
                 early_stop: bool = True, skipped: set[str] | None = None,
                 only: frozenset[str] | None = None) -> None:
        self.rules = rules
        # The questions this run may ask: by default every question check needs (a plan
        # passes the ones its goal needs).
        self.only = only if only is not None else frozenset(
            q.id for q in rules.questions if not q.plan_only)
        self.answers = answers
        self.as_of = as_of
        self.ask_all = ask_all
        self.early_stop = early_stop
        self.visited: list[str] = []  # questions answered in this run, in order
        self.pending_back: str | None = None
        # Questions stepped back over, to be shown again on the way forward (last on top).
        self.redo: list[str] = []
        self.stopped_early = False
        # Optional questions the person chose to leave empty: not asked again unprompted.
        self.skipped: set[str] = skipped if skipped is not None else set()
        # Answers given before this run that its progress does not count (a plan numbers its
        # own questions from 1); none by default, so a resumed questionnaire carries on.
        self.uncounted: frozenset[str] = frozenset()

    def count_from_here(self) -> None:
        """Number the questions asked from now on from 1: the answers already given (from
        the results or a file) are not counted in 'Question N of about M'."""
        self.uncounted = frozenset(self.answers.values) | frozenset(self.skipped)

    def _open(self, question: Question) -> bool:
        if question.id not in self.only:
            return False
        if self.ask_all:
            return question.id not in self.visited
        return (question.id not in self.answers.values and question.id not in self.visited
                and question.id not in self.skipped)

    def candidates(self) -> list[Question]:
        """Questions on the path that this run has yet to ask."""
        return [q for q in self.rules.questions
                if self._open(q) and reached(self.rules, q, self.answers) is True]

    def next_question(self) -> Question | None:
        """The next question to ask, or None when there is nothing left worth asking."""
        if self.pending_back:
            target = self.rules.question_by_id[self.pending_back]
            self.pending_back = None
            return target
        candidates = self.candidates()
        if not candidates or not self.early_stop or self.ask_all or not self.decided():
            return candidates[0] if candidates else None
        # Every route is decided: ask only what could still change a verdict, a date or the
        # advice (probing one question at a time is sound once nothing is undecided).
        for question in candidates:
            if still_matters(self.rules, question, self.answers, self.as_of):
                return question
            self.stopped_early = True
        return None

    def decided(self) -> bool:
        """Whether every route's verdict is decided on the answers so far."""
        result = assess(self.rules, self.answers, self.as_of, detail=False)
        return all(r.verdict != "unsure" for r in result.routes)

    def progress(self, current: Question) -> Progress:
        """'Question N of about M': N counts the answers before it on the path (so a resumed
        questionnaire carries on at the same number); M follows the branching so far."""
        here = self.rules.questions.index(current)
        before = sum(1 for q in self.rules.questions[:here]
                     if (q.id in self.answers.values or q.id in self.skipped)
                     and q.id not in self.uncounted)
        after = sum(1 for q in self.rules.questions[here + 1:]
                    if self._open(q) and reached(self.rules, q, self.answers) is not False)
        return Progress(before + 1, before + 1 + after)

    def record(self, question: Question, value: AnswerValue | MonthOnly | None) -> list[str]:
        """Store an answer (None clears it), re-derive the path; returns dropped answer ids."""
        self.answers.month_only = self.answers.month_only - {question.id}
        if isinstance(value, MonthOnly):
            self.answers.month_only = self.answers.month_only | {question.id}
            value = value.day
        if value is None:
            self.answers.values.pop(question.id, None)
            self.skipped.add(question.id)
        else:
            self.skipped.discard(question.id)
            self.answers.values[question.id] = value
        self.visited = [v for v in self.visited if v != question.id] + [question.id]
        dropped = prune(self.rules, self.answers)
        self.visited = [v for v in self.visited if v not in dropped]
        return dropped

    def earlier(self, current: Question) -> str | None:
        """The answered question just before ``current`` on the path, when this run has
        asked nothing yet (a resumed questionnaire goes back into the file's answers)."""
        for question in reversed(self.rules.questions[:self.rules.questions.index(current)]):
            if (question.id in self.answers.values and question.id in self.only
                    and reached(self.rules, question, self.answers) is True):
                return question.id
        return None

    def can_go_back(self, current: Question) -> bool:
        """Whether 'back' has somewhere to go from ``current``."""
        return bool(self.visited) or self.earlier(current) is not None

    def back(self, current: Question) -> bool:
        """Step back to the previous question (this run's, else the answer before
        ``current``); False when there is none."""
        self.pending_back = self.visited.pop() if self.visited else self.earlier(current)
        return self.pending_back is not None

    def run(self, prompter: Prompter) -> Answers:
        """Ask until nothing is left; returns the answers (the same object, updated)."""
        while True:
            question = self.next_question()
            if question is None:
                break
            progress = self.progress(question)
            reply = prompter.ask(question, self.shown(question), progress,
                                 can_go_back=self.can_go_back(question))
            if isinstance(reply, Back):
                if self.back(question):
                    self.redo.append(question.id)
                else:
                    self.pending_back = question.id
                continue
            if self.refuse(prompter, question, reply):
                self.pending_back = question.id  # asked again: fix it, or go back to the other
                continue
            self.record(question, reply)
            while self.redo and self.pending_back is None:
                again = self.rules.question_by_id[self.redo.pop()]
                if reached(self.rules, again, self.answers) is True:
                    self.pending_back = again.id
        if self.stopped_early:
            prompter.notice("No more questions needed: the rest cannot change your results.")
        return self.answers

    def shown(self, question: Question) -> AnswerValue | MonthOnly | None:
        """The answer already given, as the person gave it: a month-only date stays a month,
        so changing something else never turns it into a made-up day."""
        value = self.answers.values.get(question.id)
        if isinstance(value, date) and question.id in self.answers.month_only:
            return MonthOnly(value)
        return value

    def refuse(self, prompter: Prompter, question: Question,
               reply: AnswerValue | MonthOnly | None) -> bool:
        """Whether an answer cannot be true with the answers already given (a conflict the
        rules declare); if so the person is told why, in one line."""
        value = reply.day if isinstance(reply, MonthOnly) else reply
        if value is None:
            return False
        conflict = refused(self.rules, self.answers.values, question.id, value, self.as_of)
        if conflict is None:
            return False
        prompter.notice(f"Not accepted: {conflict.text} Give another answer, or go back to "
                        "change the other one.")
        return True

    def change(self, prompter: Prompter, question: Question) -> Answers:
        """Change one answer, then ask only what that change brings onto the path."""
        # Going back from a change keeps the answer as it was: the way out when the new
        # answer is refused and it is the other answer of the pair that needs changing.
        reply = prompter.ask(question, self.shown(question), Progress(0, 0), can_go_back=True)
        while not isinstance(reply, Back) and self.refuse(prompter, question, reply):
            reply = prompter.ask(question, self.shown(question), Progress(0, 0),
                                 can_go_back=True)
        if not isinstance(reply, Back):
            self.record(question, reply)
        self.stopped_early = False
        self.ask_all = False  # after a change, only what it brings onto the path is asked
        self.visited = [question.id]
        return self.run(prompter)
