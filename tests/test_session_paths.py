"""Asking for a file name in the questionnaire: "no" means no, never a file called "no"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hitpath.ask.session import Session
from hitpath.core.model import Answers, Rules


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
