"""The questionnaire's flow, in process, driven by a scripted fake prompter."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from hitpath.ask.flow import BACK, Interview, Progress, prune
from hitpath.core.model import UNSURE, Answers, Question, Rules

AS_OF = date(2025, 1, 10)


class Script:
    """Answers from a list of (question id, reply) steps; fails on any unexpected question."""

    def __init__(self, steps: list[tuple[str, Any]]) -> None:
        self.steps = list(steps)
        self.asked: list[tuple[str, Any, str, bool]] = []
        self.notices: list[str] = []

    def ask(self, question: Question, default: Any, progress: Progress,
            can_go_back: bool) -> Any:
        assert self.steps, f"not scripted: {question.id}"
        expected, reply = self.steps.pop(0)
        assert question.id == expected, f"asked {question.id}, script expected {expected}"
        self.asked.append((question.id, default, str(progress), can_go_back))
        return reply

    def notice(self, text: str) -> None:
        self.notices.append(text)


PWP_PATH = [
    ("nation", "england"),
    ("professions", ("pwp",)),
    ("pwp_employment_months", 18),
    ("degree", "yes"),
    ("ksa_portfolio", "in_progress"),
    ("previous_nhs_training", "yes"),
    ("previous_training_programme", "pwp"),
    ("previous_training_started", date(2022, 9, 5)),
    ("previous_exam_board", date(2023, 7, 14)),
    ("course_start", None),
    ("modality", "cbt"),
    ("right_to_work", "yes"),
    ("pay_area", "elsewhere"),
]


def test_a_full_path_asks_only_reached_questions(rules: Rules) -> None:
    script = Script(PWP_PATH)
    answers = Interview(rules, Answers(), AS_OF).run(script)
    assert not script.steps
    assert "core_experience_months" not in answers.values  # not a core profession
    assert "mental_health_experience_months" not in answers.values  # PWPs use the PWP route
    assert answers.values["previous_exam_board"] == date(2023, 7, 14)
    assert script.asked[0][3] is False and all(step[3] for step in script.asked[1:])


def test_progress_follows_the_branching(rules: Rules) -> None:
    script = Script(PWP_PATH)
    Interview(rules, Answers(), AS_OF).run(script)
    shown = [step[2] for step in script.asked]
    assert shown[0] == "Question 1 of about 15"
    assert shown[-1] == f"Question {len(PWP_PATH)} of about {len(PWP_PATH)}"
    numbers = [int(s.split()[1]) for s in shown]
    assert numbers == list(range(1, len(PWP_PATH) + 1))


def test_back_returns_to_the_previous_question_with_its_answer(rules: Rules) -> None:
    steps = PWP_PATH[:3] + [("degree", BACK), ("pwp_employment_months", 12)] + PWP_PATH[3:]
    script = Script(steps)
    answers = Interview(rules, Answers(), AS_OF).run(script)
    assert answers.values["pwp_employment_months"] == 12
    revisit = [s for s in script.asked if s[0] == "pwp_employment_months"]
    assert revisit[1][1] == 18, "the earlier answer is the default when going back"


def test_back_twice_then_a_different_branch_drops_unreached_answers(rules: Rules) -> None:
    steps = PWP_PATH[:3] + [
        ("degree", BACK), ("pwp_employment_months", BACK),
        ("professions", ("mental_health_nurse",)),
        ("core_experience_months", 24),
        ("previous_nhs_training", "none"),
        ("modality", "cbt"), ("right_to_work", "yes"), ("pay_area", "elsewhere"),
    ]
    script = Script(steps)
    answers = Interview(rules, Answers(), AS_OF).run(script)
    assert "pwp_employment_months" not in answers.values
    assert answers.values["core_experience_months"] == 24


def test_not_sure_is_recorded_and_the_route_stays_undecided(rules: Rules) -> None:
    from hitpath.core.engine import assess

    steps = [s if s[0] != "previous_exam_board" else ("previous_exam_board", UNSURE)
             for s in PWP_PATH]
    answers = Interview(rules, Answers(), AS_OF).run(Script(steps))
    pwp = next(r for r in assess(rules, answers, AS_OF).routes if r.id == "pwp")
    assert pwp.verdict == "unsure" and pwp.unknown == ["previous_exam_board"]


def test_early_stop_once_every_route_is_decided(rules: Rules) -> None:
    script = Script([("nation", "scotland")])
    Interview(rules, Answers(), AS_OF).run(script)
    assert not script.steps  # nothing else asked: every route is decided


def test_questions_that_cannot_change_anything_are_skipped(rules: Rules) -> None:
    # A core profession with plenty of experience and no earlier training: the course start
    # cannot change any verdict, so it is not asked; advice-only questions still are.
    script = Script([
        ("nation", "england"), ("professions", ("mental_health_nurse",)),
        ("core_experience_months", 60), ("previous_nhs_training", "none"),
        ("modality", "cbt"), ("right_to_work", "yes"), ("pay_area", "elsewhere"),
    ])
    interview = Interview(rules, Answers(), AS_OF)
    interview.run(script)
    assert not script.steps
    assert interview.stopped_early and script.notices


def test_ask_all_asks_every_reached_question_with_defaults(rules: Rules) -> None:
    given = Answers({"nation": "england", "professions": ("pwp",)})
    steps = [("nation", "england"), ("professions", ("pwp",))] + PWP_PATH[2:]
    script = Script(steps)
    Interview(rules, given, AS_OF, ask_all=True).run(script)
    assert script.asked[0][1] == "england" and script.asked[1][1] == ("pwp",)


def test_prefilled_answers_are_not_asked_again(rules: Rules) -> None:
    given = Answers({"nation": "england", "professions": ("pwp",),
                     "pwp_employment_months": 18})
    script = Script(PWP_PATH[3:])
    Interview(rules, given, AS_OF).run(script)
    assert script.asked[0][0] == "degree"


def test_change_asks_only_what_the_change_brings_onto_the_path(rules: Rules) -> None:
    answers = Interview(rules, Answers(), AS_OF).run(Script(PWP_PATH))
    interview = Interview(rules, answers, AS_OF, skipped={"course_start"})
    script = Script([("previous_nhs_training", "none")])
    interview.change(script, rules.question_by_id["previous_nhs_training"])
    assert not script.steps
    for dropped in ("previous_training_programme", "previous_training_started",
                    "previous_exam_board"):
        assert dropped not in answers.values
    script = Script([("previous_nhs_training", "yes"), ("previous_training_programme", "emhp"),
                     ("previous_training_started", date(2023, 9, 4)),
                     ("previous_exam_board", date(2024, 10, 22))])
    interview.change(script, rules.question_by_id["previous_nhs_training"])
    assert not script.steps and answers.values["previous_training_programme"] == "emhp"


def test_a_month_only_date_is_kept_as_such(rules: Rules) -> None:
    from hitpath.ask.flow import MonthOnly

    steps = [s if s[0] != "previous_exam_board"
             else ("previous_exam_board", MonthOnly(date(2023, 7, 31))) for s in PWP_PATH]
    answers = Interview(rules, Answers(), AS_OF).run(Script(steps))
    assert answers.values["previous_exam_board"] == date(2023, 7, 31)
    assert answers.month_only == {"previous_exam_board"}


def test_changing_a_month_only_date_offers_the_month_not_a_made_up_day(rules: Rules) -> None:
    from hitpath.ask.flow import MonthOnly

    steps = [s if s[0] != "previous_exam_board"
             else ("previous_exam_board", MonthOnly(date(2023, 7, 31))) for s in PWP_PATH]
    interview = Interview(rules, Answers(), AS_OF)
    interview.run(Script(steps))
    script = Script([("previous_exam_board", MonthOnly(date(2023, 8, 31)))])
    interview.change(script, rules.question_by_id["previous_exam_board"])
    offered = script.asked[0][1]
    assert isinstance(offered, MonthOnly) and offered.day == date(2023, 7, 31)
    assert interview.answers.month_only == {"previous_exam_board"}


def test_the_prompt_prefills_a_month_only_date_as_a_month(rules: Rules) -> None:
    from hitpath.ask.flow import MonthOnly
    from hitpath.ask.prompts import QuestionaryPrompter

    prefilled: list[str] = []

    class Asked:
        def __init__(self, default: str) -> None:
            self.default = default
            self.application = SimpleNamespace(key_bindings=None)  # what a prompt runs in

        def unsafe_ask(self) -> str:
            return self.default

    class FakeQuestionary:
        def text(self, message: str, default: str = "", **_: Any) -> Asked:
            prefilled.append(default)
            return Asked(default)

    prompter = QuestionaryPrompter(plain=True)
    prompter.q = FakeQuestionary()
    question = rules.question_by_id["previous_exam_board"]
    reply = prompter.ask(question, MonthOnly(date(2023, 7, 31)), Progress(0, 0), False)
    assert prefilled == ["2023-07"]
    assert isinstance(reply, MonthOnly) and reply.day == date(2023, 7, 31)
    prompter.ask(question, date(2023, 7, 14), Progress(0, 0), False)
    assert prefilled[-1] == "2023-07-14"


def test_prune_drops_chains(rules: Rules) -> None:
    answers = Answers({"nation": "wales", "professions": ("pwp",), "degree": "yes",
                       "pwp_employment_months": 3})
    dropped = prune(rules, answers)
    assert set(dropped) == {"professions", "degree", "pwp_employment_months"}
    assert answers.values == {"nation": "wales"}


@pytest.mark.parametrize("first", ["wales", "northern_ireland"])
def test_back_on_the_first_question_stays_there(rules: Rules, first: str) -> None:
    script = Script([("nation", BACK), ("nation", first)])
    answers = Interview(rules, Answers(), AS_OF).run(script)
    assert answers.values["nation"] == first
    assert not script.steps


def test_back_twice_shows_every_stepped_over_question_again(rules: Rules) -> None:
    # At the KSA question go back to the degree, then back again to the months; going
    # forward again shows the degree question before carrying on.
    steps = PWP_PATH[:4] + [("ksa_portfolio", BACK), ("degree", BACK),
                            ("pwp_employment_months", 18), ("degree", "no"),
                            ("ksa_portfolio", "in_progress")] + PWP_PATH[5:]
    script = Script(steps)
    answers = Interview(rules, Answers(), AS_OF).run(script)
    assert not script.steps
    assert answers.values["degree"] == "no"


def test_change_after_ask_all_asks_only_what_the_change_brings(rules: Rules) -> None:
    answers = Interview(rules, Answers(), AS_OF).run(Script(PWP_PATH))
    interview = Interview(rules, answers, AS_OF, ask_all=True, skipped={"course_start"})
    script = Script([("pay_area", "inner_london")])
    interview.change(script, rules.question_by_id["pay_area"])
    assert not script.steps and answers.values["pay_area"] == "inner_london"


def test_a_resumed_run_goes_back_into_the_files_answers(rules: Rules) -> None:
    answers = Answers({"nation": "england", "professions": ("pwp",),
                       "pwp_employment_months": 30})
    script = Script([("degree", BACK), ("pwp_employment_months", 12), ("degree", "yes")]
                    + PWP_PATH[4:])
    Interview(rules, answers, AS_OF).run(script)
    assert not script.steps
    assert answers.values["pwp_employment_months"] == 12
    # Offered on the first question shown, and on the file's answer gone back to (the one
    # before it is in the file too).
    assert script.asked[0][0] == "degree" and script.asked[0][3] is True
    assert script.asked[1][:2] == ("pwp_employment_months", 30) and script.asked[1][3] is True


def test_a_fresh_run_offers_no_back_on_the_first_question(rules: Rules) -> None:
    script = Script(PWP_PATH)
    Interview(rules, Answers(), AS_OF).run(script)
    assert script.asked[0][3] is False


def test_the_review_shows_a_month_as_the_month_given(rules: Rules) -> None:
    from hitpath.ask.prompts import answer_text

    question = rules.question_by_id["previous_training_started"]
    assert answer_text(question, date(2022, 9, 30), month_only=True) == "September 2022"
    assert answer_text(question, date(2022, 9, 30)) == "30 September 2022"


def test_an_answer_that_conflicts_is_refused_and_asked_again(rules: Rules) -> None:
    """The second of two answers that cannot both be true is refused, with one line of why;
    a corrected answer is then taken."""
    steps = list(PWP_PATH)
    board = steps.index(("previous_exam_board", date(2023, 7, 14)))
    steps[board:board + 1] = [("previous_exam_board", date(2021, 7, 14)),
                              ("previous_exam_board", date(2023, 7, 14))]
    script = Script(steps)
    answers = Interview(rules, Answers(), AS_OF).run(script)
    assert not script.steps
    assert answers.values["previous_exam_board"] == date(2023, 7, 14)
    refusals = [n for n in script.notices if n.startswith("Not accepted:")]
    assert len(refusals) == 1 and "\n" not in refusals[0]
    assert "before the start of that training" in refusals[0]


def test_the_other_answer_can_be_fixed_by_going_back(rules: Rules) -> None:
    """Refused, the person goes back and fixes the earlier answer instead."""
    steps = list(PWP_PATH)
    board = steps.index(("previous_exam_board", date(2023, 7, 14)))
    steps[board:board + 1] = [("previous_exam_board", date(2021, 7, 14)),
                              ("previous_exam_board", BACK),
                              ("previous_training_started", date(2021, 4, 5))]
    script = Script(steps)
    answers = Interview(rules, Answers(), AS_OF).run(script)
    assert not script.steps
    # Started before April 2022: the funding rule's exam board is no longer asked at all.
    assert answers.values["previous_training_started"] == date(2021, 4, 5)
    assert "previous_exam_board" not in answers.values


def test_going_back_from_a_refused_change_keeps_the_answer(rules: Rules) -> None:
    """A change refused as conflicting can be left with Back, so the other answer of the
    pair can be changed instead."""
    interview = Interview(rules, Answers(), AS_OF)
    interview.run(Script(PWP_PATH))
    script = Script([("previous_exam_board", date(2021, 7, 14)), ("previous_exam_board", BACK)])
    interview.change(script, rules.question_by_id["previous_exam_board"])
    assert not script.steps and all(step[3] for step in script.asked)  # Back offered each time
    assert script.notices and "Not accepted" in script.notices[0]
    assert interview.answers.values["previous_exam_board"] == date(2023, 7, 14)


def test_long_choice_labels_wrap_on_words_under_their_first_word(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hitpath.ask.prompts import fit_choice

    monkeypatch.setenv("COLUMNS", "60")
    label = "Social worker (CQSW, DipSW or social work degree), registered"
    fitted = fit_choice(label, 5)
    lines = fitted.split("\n")
    assert len(lines) == 2 and all(5 + len(line) <= 59 for line in lines)
    assert lines[1].startswith(" " * 5) and not lines[1].startswith(" " * 6)
    assert " ".join(fitted.split()) == label
    assert fit_choice("England", 3) == "England"
