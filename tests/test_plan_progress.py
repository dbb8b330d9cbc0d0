"""The plan questionnaire numbers its own questions from 1, whatever was answered before it
(in the HIT questions or an answers file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hitpath.ask.flow import Progress
from hitpath.ask.plan_session import PlanSession
from hitpath.core.model import Question, Rules
from hitpath.load.answers import load_answers

ROOT = Path(__file__).resolve().parent.parent


class Recorder:
    """Leaves every question unanswered and keeps the progress each one showed."""

    plain = True
    planning = False

    def __init__(self) -> None:
        self.shown: list[str] = []

    def ask(self, question: Question, default: Any, progress: Progress,
            can_go_back: bool) -> Any:
        self.shown.append(str(progress))
        return None

    def notice(self, text: str) -> None:
        pass


def test_plan_questions_are_numbered_from_one_after_answers_from_a_file(rules: Rules) -> None:
    answers = load_answers(rules, str(ROOT / "examples" / "pwp.yaml"))
    prompter = Recorder()
    session = PlanSession(rules, answers, date(2026, 11, 30), prompter,  # type: ignore[arg-type]
                          True, None)
    session.ask_for("dclinpsy")
    assert prompter.shown, "the goal needs questions the file does not answer"
    numbers = [int(s.split()[1]) for s in prompter.shown]
    assert numbers == list(range(1, len(numbers) + 1)), prompter.shown
    about = int(prompter.shown[-1].split()[-1])
    assert about == len(numbers), prompter.shown
