"""Ctrl-C stops a question however it arrives: as a key, as a signal while the prompt is still
starting, or dropped by Python between two prompts (a pseudo-terminal shows these only as
races; here each way is made to happen)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from hitpath.ask import prompts
from hitpath.ask.prompts import QuestionaryPrompter


class Asking:
    """A prompter reading keys from a pipe. It is made inside the test itself: the test runner
    sets a hook of its own for unraisable errors around each test, which hitpath's wraps."""

    def __init__(self) -> None:
        self.reported: list[sys.UnraisableHookArgs] = []
        sys.unraisablehook = self.reported.append
        self.prompter = QuestionaryPrompter()


@pytest.fixture
def keys() -> Iterator[PipeInput]:
    kept = sys.unraisablehook
    prompts._LOST.clear()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe
    sys.unraisablehook = kept
    prompts._LOST.clear()


MENU = [("One", "one"), ("Two", "two")]


def _started_with_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every prompt gets a SIGINT as it starts, before it reads any key."""
    from prompt_toolkit.application import Application

    run = Application.run

    def run_interrupted(self: Application[object], *args: object, **kwargs: object) -> object:
        self.pre_run_callables.append(self.key_processor.send_sigint)
        return run(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Application, "run", run_interrupted)


@pytest.mark.parametrize("ask", ["menu", "confirm", "path"])
def test_a_signal_as_a_prompt_starts_stops_it(keys: PipeInput, ask: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    prompter = Asking().prompter
    _started_with_signal(monkeypatch)
    keys.send_text("\r")  # what would answer it, had the signal been missed
    with pytest.raises(KeyboardInterrupt):
        if ask == "menu":
            prompter.menu("Next?", MENU)
        elif ask == "confirm":
            prompter.confirm("Sure?")
        else:
            prompter.path("Where?", "here.md")


def test_ctrl_c_as_a_key_stops_a_menu(keys: PipeInput) -> None:
    prompter = Asking().prompter
    keys.send_text("\x03")
    with pytest.raises(KeyboardInterrupt):
        prompter.menu("Next?", MENU)


def test_an_interrupt_python_dropped_stops_the_next_prompt(keys: PipeInput) -> None:
    asking = Asking()

    class Dropping:
        def __del__(self) -> None:
            raise KeyboardInterrupt  # as Ctrl-C landing in a clean-up callback

    Dropping()  # Python reports it through the unraisable hook, and goes on
    assert not asking.reported
    keys.send_text("\r")  # what would answer it, had the interrupt been lost
    with pytest.raises(KeyboardInterrupt):
        asking.prompter.menu("Next?", MENU)
    # Only once: the prompt after that is asked as usual.
    assert asking.prompter.menu("Next?", MENU) == "one"


def test_other_unraisable_errors_are_still_reported(keys: PipeInput) -> None:
    asking = Asking()

    class Failing:
        def __del__(self) -> None:
            raise ValueError("a clean-up failed")

    Failing()
    assert [str(u.exc_value) for u in asking.reported] == ["a clean-up failed"]
    assert not prompts._LOST
