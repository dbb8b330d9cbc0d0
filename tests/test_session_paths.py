"""Asking for a file name in the questionnaire: "no" means no, never a file called "no"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hitpath.ask.session import Session
from hitpath.core.model import Answers, Rules

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class Replies:
    def __init__(self, replies: list[str]) -> None:
        self.replies = replies

    def path(self, message: str, default: str) -> str:
        return self.replies.pop(0)

    def confirm(self, message: str, default: bool = True) -> bool:
        return False


def session(rules: Rules, replies: list[str]) -> Session:
    return Session(rules, Answers({"nation": "england"}), date(2025, 1, 10),
                   Replies(replies), plain=True, save_path=None,  # type: ignore[arg-type]
                   ask_all=False)


@pytest.mark.parametrize("reply", ["n", "no", "No", " N "])
def test_no_is_a_skip_not_a_file_name(rules: Rules, reply: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert session(rules, [reply]).ask_path("Save? Type a file name:", "") == ""
    assert list(tmp_path.iterdir()) == []


def test_a_file_called_n_can_still_be_named(rules: Rules) -> None:
    assert session(rules, ["./n"]).ask_path("Save? Type a file name:", "") == "./n"


def test_ctrl_c_then_no_saves_nothing(rules: Rules, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert session(rules, ["no"]).interrupted() == 130
    assert list(tmp_path.iterdir()) == []
    assert "Nothing was saved" in capsys.readouterr().out


class Menus(Replies):
    """Scripted menu choices, file names and yes/no replies; fails on any question asked."""

    def __init__(self, menus: list[str], paths: list[str], confirms: list[bool]) -> None:
        super().__init__(paths)
        self.menus = menus
        self.confirms = confirms
        self.confirmed: list[str] = []
        self.offered: list[list[str]] = []
        self.planning = False

    def menu(self, message: str, options: list[tuple[str, str]]) -> str:
        self.offered.append([value for _, value in options])
        choice = self.menus.pop(0)
        assert choice in self.offered[-1], (choice, options)
        return choice

    def confirm(self, message: str, default: bool = True) -> bool:
        self.confirmed.append(message)
        return self.confirms.pop(0)

    def ask(self, question: object, *_: object, **__: object) -> object:
        raise AssertionError(f"no question should be asked: {getattr(question, 'id', '')}")

    def notice(self, text: str) -> None:
        pass


def pwp_session(rules: Rules, prompter: Menus) -> Session:
    from hitpath.load.answers import load_answers

    answers = load_answers(rules, str(EXAMPLES / "pwp.yaml"))
    answers.values.update({"gbc": "no", "degree_class": "upper_second",
                           "right_to_work": "yes"})
    return Session(rules, answers, date(2026, 11, 30), prompter,  # type: ignore[arg-type]
                   plain=True, save_path=None, ask_all=False)


def test_a_second_export_to_the_same_name_asks_first(rules: Rules, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    prompter = Menus(["full", "markdown", "short", "markdown", "quit"],
                     ["summary.md", "summary.md", ""], [False])
    pwp_session(rules, prompter).results()
    assert len(prompter.confirmed) == 1 and "summary.md" in prompter.confirmed[0]
    assert "Why" in (tmp_path / "summary.md").read_text()  # the full export was kept


def test_quit_among_the_plans_ends_the_session(rules: Rules, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    prompter = Menus(["plan", "hit", "quit"], [], [])
    pwp_session(rules, prompter).results()
    assert not prompter.menus
    assert "back" in prompter.offered[-1]  # the way back to the results is its own choice


def test_back_from_the_plans_shows_the_results_menu_again(rules: Rules, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    prompter = Menus(["plan", "hit", "back", "quit"], [], [])
    pwp_session(rules, prompter).results()
    assert not prompter.menus and "whatif" in prompter.offered[-1]


def test_the_results_point_to_the_menu_not_a_command(rules: Rules,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    prompter = Menus(["quit"], [], [])
    pwp_session(rules, prompter).results()
    shown = capsys.readouterr().out
    assert '"Show everything"' in shown and "--full" not in shown
    assert "full" in prompter.offered[0]  # the choice the line points to is there
