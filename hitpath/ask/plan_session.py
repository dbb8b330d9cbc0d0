"""`hitpath plan` in a terminal, and "Plan a path to another profession" after the results:
ask which goal, then only the questions plans need, then show the plans.

The questionnaire's back, not sure, review, Ctrl-C and saving all come from the same flow and
session the HIT questions use.
"""

from __future__ import annotations

import sys
from datetime import date
from functools import partial

from hitpath.ask.flow import Interview, prune
from hitpath.ask.prompts import QuestionaryPrompter, wrap
from hitpath.ask.session import Session
from hitpath.core.conditions import questions_in
from hitpath.core.model import Answers, Condition, Rules
from hitpath.core.planner import plan
from hitpath.report import plain_wanted

INTRO = (
    "hitpath plan works out which order of NHS psychological professions trainings reaches "
    "the one you choose soonest, with the two-year funding rule applied to the day. Every date "
    "is the earliest if you are accepted at the first try. It stores nothing unless you ask. "
    "Press Ctrl-C at any time to stop."
)


def plan_questions(rules: Rules, goal: str | None = None) -> frozenset[str]:
    """The questions plans to ``goal`` read: the entry of the goal and of the trainings that
    can come before it (those entered by the checked routes only when they are the goal), the
    funding rule, experience, and whatever decides when those are asked. Not the judging day
    (plans set it) nor what only check's advice reads."""
    nodes: list[Condition | None] = [rules.scope_when, rules.funding.requirement.applies_when]
    wanted: set[str] = set()
    routes = {r.id: r for r in rules.routes}
    for tid, training in rules.trainings.items():
        nodes += [e.when for e in training.entry]
        if goal is not None and tid != goal:
            continue
        for rid in training.routes:
            route = routes[rid]
            nodes.append(route.applies_when)
            for req in route.requirements:
                nodes += [req.applies_when, req.met_when]
                if req.question:
                    wanted.add(req.question)
    if rules.funding.requirement.question:
        wanted.add(rules.funding.requirement.question)
    if rules.between:
        wanted |= {rules.between.earlier_question, rules.between.programme_question,
                   rules.between.started_question}
    if rules.experience:
        wanted |= {rules.experience.question, *rules.experience.also_counts}
    for node in nodes:
        wanted |= questions_in(rules, node)
    # A question is asked only when its 'when' holds, so what decides that is needed too.
    todo = list(wanted)
    while todo:
        question = rules.question_by_id.get(todo.pop())
        if question is not None:
            found = questions_in(rules, question.when) - wanted
            wanted |= found
            todo += found
    wanted.discard(rules.reference_question or "")
    return frozenset(q for q in wanted if q in rules.question_by_id)


def pick_goal(rules: Rules, prompter: QuestionaryPrompter) -> str:
    """Which training to plan to."""
    options = [(t.title, tid) for tid, t in rules.trainings.items()]
    return prompter.menu("Which profession's training do you want to reach?", options)


def run_plan_ask(rules: Rules, answers: Answers, as_of: date, *, plain: bool,
                 save_path: str | None, via: str | None, top: int | None,
                 goal: str | None = None) -> int:
    """Bare `hitpath plan` in a terminal (or with a goal but no answers; the command line has
    refused both without one); returns the exit status."""
    plain = plain_wanted(plain)
    prune(rules, answers)
    prompter = QuestionaryPrompter(plain=plain)
    return PlanSession(rules, answers, as_of, prompter, plain, save_path, via, top, goal).start()


class PlanSession(Session):
    """The plan questions, the review and the plans, with the answers Ctrl-C must not lose."""

    command = "plan"

    def __init__(self, rules: Rules, answers: Answers, as_of: date,
                 prompter: QuestionaryPrompter, plain: bool, save_path: str | None,
                 via: str | None = None, top: int | None = None,
                 goal: str | None = None) -> None:
        super().__init__(rules, answers, as_of, prompter, plain, save_path, False)
        self.interview = Interview(rules, answers, as_of, early_stop=False,
                                   only=plan_questions(rules))
        self.via = via
        self.top = top
        self.goal = goal

    def ask_for(self, goal: str) -> None:
        """Say what the goal is (from the rules), then ask only what plans to it still need."""
        opening = self.rules.trainings[goal].opening
        if opening is not None:
            self.prompter.notice(opening.text)
        self.prompter.planning = True
        self.interview.only = plan_questions(self.rules, goal)
        self.interview.count_from_here()
        self.interview.run(self.prompter)

    def run(self) -> int:
        print(wrap(INTRO))
        self.confirm_save_target()
        goal = (self.rules.trainings[self.goal.strip().lower()].id if self.goal
                else pick_goal(self.rules, self.prompter))
        self.ask_for(goal)
        self.review()
        self.autosave()
        self.show_plans(goal)
        return 0

    def show_plans(self, goal: str, from_results: bool = False) -> bool:
        """Plans to ``goal``; then export, save, another goal, back to the HIT results (when
        planning from them), or quit. Returns whether the person chose to quit."""
        from hitpath.report.plan import render_plans, terminal_width

        while True:
            plans = plan(self.rules, self.answers, self.as_of, goal, via=self.via, top=self.top)
            print()
            sys.stdout.write(render_plans(plans, self.rules, "text", terminal_width()))
            print()
            choice = self.prompter.menu("What would you like to do?", [
                ("Plan to another goal", "goal"),
                ("Export the plans as Markdown", "markdown"),
                ("Export the plans as HTML", "html"),
                ("Save my answers to a file", "save"),
                *([("Back to your High Intensity Therapist results", "back")]
                  if from_results else []),
                ("Quit", "quit"),
            ])
            if choice in ("quit", "back"):
                return choice == "quit"
            if choice == "goal":
                goal = pick_goal(self.rules, self.prompter)
                self.ask_for(goal)
            else:
                self.save_or_export(choice, "plans", partial(render_plans, plans, self.rules))


def plan_from_results(session: Session) -> bool:
    """After the HIT results: ask a goal, only the questions it still needs, show the plans.
    Returns whether the person chose to quit."""
    planning = PlanSession(session.rules, session.answers, session.as_of, session.prompter,
                           session.plain, session.save_path)
    planning.interview.skipped = session.interview.skipped
    goal = pick_goal(session.rules, session.prompter)
    planning.ask_for(goal)
    session.autosave()
    return planning.show_plans(goal, from_results=True)
