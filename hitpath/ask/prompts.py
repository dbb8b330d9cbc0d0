"""The questionary adapter: turns a Question into a prompt and the reply back into an answer.

The only module that imports questionary (and prompt_toolkit through it), and only when a
prompt is about to be shown. Validation is the same `coerce` the answers files go through.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from datetime import date
from typing import TYPE_CHECKING, TypeVar, cast

from hitpath.ask.flow import BACK, MonthOnly, Progress, Reply
from hitpath.core.conditions import describe_answer
from hitpath.core.dates import month_year
from hitpath.core.model import UNSURE, AnswerValue, Question
from hitpath.core.untrusted import echo, for_terminal
from hitpath.load.answers import coerce

if TYPE_CHECKING:
    from collections.abc import Callable

    from prompt_toolkit.key_binding import KeyBindings
    from questionary import Question as Prompt

BACK_LABEL = "← Back"  # plain prompts take 'back' typed instead
BACK_WORDS = {"<", "back", "b"}
UNSURE_WORDS = {"?", "not sure", "not_sure", "unsure"}


class QuestionaryPrompter:
    """Asks with questionary; ``plain`` uses numbered choices and no symbols or colour."""

    def __init__(self, plain: bool = False) -> None:
        if plain:
            # Monochrome prompts: prompt_toolkit reads this when each prompt starts.
            os.environ["PROMPT_TOOLKIT_COLOR_DEPTH"] = "DEPTH_1_BIT"
        import questionary

        self.q = questionary
        self.plain = plain
        self.planning = False  # a plan is asking: questions show their plan_help if any
        self.style = None if plain else questionary.Style([("qmark", "bold"), ("question", "bold")])
        _keep_lost_interrupts()

    def notice(self, text: str) -> None:
        """A line of information between questions."""
        print(wrap(for_terminal(text)), flush=True)

    def ask(self, question: Question, default: AnswerValue | MonthOnly | None,
            progress: Progress, can_go_back: bool) -> Reply:
        """Ask one question; returns the answer, None (left empty) or BACK."""
        self.notice("")
        self.notice(str(progress))
        shown = (question.plan_help or question.help) if self.planning else question.help
        if shown:
            self.notice(shown)
        if question.type == "choice":
            return self._choice(question, default, can_go_back)
        if question.type == "multi":
            return self._multi(question, default, can_go_back)
        return self._typed(question, default, can_go_back)

    def _choice(self, question: Question, default: AnswerValue | MonthOnly | None,
                can_go_back: bool) -> Reply:
        selected = default if isinstance(default, str) and default in question.values else None
        if self.plain:
            values = list(question.values)
            index = self._numbered(question.text, [c.label for c in question.choices],
                                   values.index(selected) if selected else None, can_go_back)
            return BACK if index is None else values[index]
        choices = [self.q.Choice(fit_choice(for_terminal(c.label), 3), value=c.value)
                   for c in question.choices]
        if can_go_back:
            choices.append(self.q.Choice(BACK_LABEL, value="__back__"))
        # The instruction is wrapped with the question (the prompt would put it after the
        # wrapped text and split its words at the edge); the echo replaces both.
        prompt = self.q.select(
            wrap(for_terminal(question.text) + " (arrow keys, then Enter)", 2),
            choices=choices, default=selected, qmark="?", style=self.style,
            instruction=" ")  # not empty: an empty one brings the library's own back
        reply = self._ask_echoed(prompt, question)
        assert isinstance(reply, str)  # a select gives one value
        return BACK if reply == "__back__" else reply

    def _ask_echoed(self, prompt: Prompt, question: Question) -> str | list[str]:
        """Ask a list prompt, then echo the question and the labels chosen ourselves,
        wrapped on word boundaries: the prompt library's own echo splits words at the
        terminal's edge and sums up several choices as a count."""
        prompt.application.erase_when_done = True
        reply = cast("str | list[str]", _asked(prompt))
        picked = reply if isinstance(reply, list) else [reply]
        labels = [c.label for c in question.choices if c.value in picked]
        answer = "; ".join(labels) if labels else ("Back" if "__back__" in picked else "none")
        self._echo(question.text, answer)
        return reply

    def _echo(self, text: str, answer: str) -> None:
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        width = _width()
        fragments: list[tuple[str, str]] = [("class:qmark", "?")]
        column = 1
        words = [("class:question", w) for w in for_terminal(text).split()]
        words += [("class:answer", w) for w in for_terminal(answer).split()]
        for style, word in words:
            if column + 1 + len(word) > width and column > 1:
                fragments.append(("", "\n"))
                column = 0
            else:
                fragments.append(("", " "))
                column += 1
            fragments.append((style, word))
            column += len(word)
        from questionary.styles import merge_styles_default

        print_formatted_text(FormattedText(fragments), style=merge_styles_default([self.style]))

    def _numbered(self, message: str, labels: list[str], default: int | None,
                  can_go_back: bool) -> int | None:
        """Linear choice for screen readers: a numbered list, then type a number.

        Returns the index chosen, or None for back.
        """
        self.notice("\n".join(f"  {i}. {label}" for i, label in enumerate(labels, 1)))
        hint = f"type a number from 1 to {len(labels)}"
        if can_go_back:
            hint += ", or 'back'"

        def parse(text: str) -> int | None:
            text = text.strip().lower()
            if can_go_back and text in BACK_WORDS:
                return None
            if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= len(labels):
                raise ValueError(f"Please {hint}.")
            return int(text) - 1

        return self._text(wrap(for_terminal(f"{message} ({hint})")),
                          str(default + 1) if default is not None else "", parse)

    def _text(self, message: str, default: str, parse: Callable[[str], Parsed], end: str = "",
              qmark: str = "", while_typing: bool = True) -> Parsed:
        """A typed reply as ``parse`` reads it; the prompt shows its refusals (see _refusal)."""
        reply = _asked(self.q.text(message, default=default, validate=_refusal(parse, end),
                                   validate_while_typing=while_typing,
                                   key_bindings=_cleared_when_refused(), qmark=qmark,
                                   style=self.style))
        return parse(str(reply))

    def _multi(self, question: Question, default: AnswerValue | MonthOnly | None,
               can_go_back: bool) -> Reply:
        chosen = set(default) if isinstance(default, tuple) else set()
        if self.plain:
            return self._multi_plain(question, chosen, can_go_back)
        choices = [self.q.Choice(fit_choice(for_terminal(c.label), 5), value=c.value,
                                 checked=c.value in chosen)
                   for c in question.choices]
        if can_go_back:
            choices.append(self.q.Choice(BACK_LABEL, value="__back__"))

        def parse(values: list[str]) -> None:
            if "__back__" not in values:
                coerce(question, values)
            elif len(values) > 1:
                raise ValueError("choose Back on its own")

        prompt = self.q.checkbox(
            wrap(for_terminal(question.text) + " (Space to choose, Enter when done)", 2),
            choices=choices, validate=_refusal(parse), qmark="?", style=self.style, instruction="")
        reply = self._ask_echoed(prompt, question)
        if reply == ["__back__"]:
            return BACK
        return coerce(question, reply)[0]

    def _multi_plain(self, question: Question, chosen: set[str], can_go_back: bool) -> Reply:
        lines = [f"  {i}. {c.label}" for i, c in enumerate(question.choices, 1)]
        self.notice("\n".join(lines))
        hint = "Type the numbers that apply, separated by commas"
        if can_go_back:
            hint += ", or 'back'"
        default = ",".join(str(i) for i, c in enumerate(question.choices, 1) if c.value in chosen)

        def parse(text: str) -> Reply:
            text = text.strip().lower()
            if can_go_back and text in BACK_WORDS:
                return BACK
            picks = []
            for part in text.replace(" ", ",").split(","):
                if not part:
                    continue
                if not (part.isascii() and part.isdigit()
                        and 1 <= int(part) <= len(question.choices)):
                    raise ValueError(f"{echo(part)} is not a number from 1 to "
                                     f"{len(question.choices)}")
                picks.append(question.choices[int(part) - 1].value)
            return coerce(question, picks)[0]

        return self._text(wrap(for_terminal(f"{question.text} ({hint})")), default, parse, ".")

    def _typed(self, question: Question, default: AnswerValue | MonthOnly | None,
               can_go_back: bool) -> Reply:
        hint = ("a date YYYY-MM-DD or DD/MM/YYYY, e.g. 2023-07-14" if question.type == "date"
                else f"a whole number of {question.unit or 'units'}")
        extras = {"'?' if not sure": question.unsure_allowed, "Enter to skip": question.optional,
                  "'<' to go back": can_go_back}
        instruction = "(" + "; ".join([hint, *(words for words, on in extras.items() if on)]) + ")"
        shown = ""
        if isinstance(default, MonthOnly):
            shown = default.day.strftime("%Y-%m")
        elif default is not None:
            shown = "?" if default == UNSURE else (
                default.isoformat() if isinstance(default, date) else str(default))

        def parse(text: str) -> Reply:
            text = text.strip()
            if can_go_back and text.lower() in BACK_WORDS:
                return BACK
            if question.unsure_allowed and text.lower() in UNSURE_WORDS:
                return UNSURE
            if text == "":
                if question.optional:
                    return None
                raise ValueError(f"please type {hint}")
            value, month_only = coerce(question, text)
            return MonthOnly(value) if month_only and isinstance(value, date) else value

        return self._text(wrap(for_terminal(f"{question.text} {instruction}"), 2), shown, parse,
                          qmark="" if self.plain else "?", while_typing=False)

    # Menus used around the questions -------------------------------------------------------

    def menu(self, message: str, options: list[tuple[str, str]]) -> str:
        """A choice among (label, value) options."""
        if self.plain:
            index = self._numbered(message, [label for label, _ in options], None, False)
            return options[index or 0][1]
        choices = [self.q.Choice(fit_choice(label, 3), value=value) for label, value in options]
        return str(_asked(self.q.select(message, choices=choices, qmark="?", style=self.style,
                                        instruction="(arrow keys, then Enter)")))

    def path(self, message: str, default: str) -> str:
        """A file path (empty to cancel)."""
        return str(_asked(self.q.text(message, default=default, qmark="" if self.plain else "?",
                                      style=self.style))).strip()

    def confirm(self, message: str, default: bool = True) -> bool:
        """Yes or no."""
        return bool(_asked(self.q.confirm(message, default=default,
                                          qmark="" if self.plain else "?", style=self.style)))


_LOST: dict[str, bool] = {}


class _KeepInterrupts:
    """An unraisable-error hook that keeps a KeyboardInterrupt and passes the rest on."""

    def __init__(self, passed_on: Callable[[sys.UnraisableHookArgs], object]) -> None:
        self.passed_on = passed_on

    def __call__(self, unraisable: sys.UnraisableHookArgs) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _LOST["interrupt"] = True
        else:
            self.passed_on(unraisable)


def _keep_lost_interrupts() -> None:
    """Ctrl-C pressed while one prompt gives way to the next can land in a clean-up callback,
    where Python reports it and drops it: it is kept, and stops the next prompt."""
    if not isinstance(sys.unraisablehook, _KeepInterrupts):
        sys.unraisablehook = _KeepInterrupts(sys.unraisablehook)


def _asked(prompt: Prompt) -> object:
    """A prompt's reply. Ctrl-C stops it however it comes: kept from between two prompts, as a
    key, or as a signal when pressed while the prompt starts, before it reads keys itself (the
    list prompts would ignore that one)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    if _LOST.pop("interrupt", False):
        raise KeyboardInterrupt
    app = prompt.application
    stop = KeyBindings()
    stop.add(Keys.SIGINT)(lambda event: event.app.exit(exception=KeyboardInterrupt,
                                                       style="class:aborting"))
    app.key_bindings = merge_key_bindings([app.key_bindings, stop]) if app.key_bindings \
        else stop
    return prompt.unsafe_ask()


Given = TypeVar("Given", str, list[str])  # a typed reply, or the choices ticked
Parsed = TypeVar("Parsed")  # what a typed reply is read as


def _refusal(parse: Callable[[Given], object], end: str = ".") -> Callable[[Given], bool | str]:
    """A prompt's check: True when ``parse`` takes the reply, else its refusal as a sentence."""

    def valid(reply: Given) -> bool | str:
        try:
            parse(reply)
        except ValueError as exc:
            text = str(exc)
            return text[:1].upper() + text[1:] + end
        return True

    return valid


def _cleared_when_refused() -> KeyBindings:
    """Enter on a refused reply shows why (the message quotes the reply) and empties the
    field, so the retry is not typed onto the end of the refused text."""
    from prompt_toolkit.buffer import ValidationState
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    keys = KeyBindings()

    @keys.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.validate(set_cursor=True):
            buffer.validate_and_handle()
            return
        refusal = buffer.validation_error
        buffer.text = ""  # this also clears the message, so it is put back
        buffer.validation_error = refusal
        buffer.validation_state = ValidationState.INVALID

    return keys


def answer_text(question: Question, value: AnswerValue | None,
                month_only: bool = False) -> str:
    """An answer for the review list; a date given as a month is shown as that month
    ("September 2022"), as the person gave it, not as the day it is read as."""
    if month_only and isinstance(value, date):
        return month_year(value)
    return describe_answer(question, value)


def fit_choice(label: str, lead: int) -> str:
    """A choice's label wrapped on words to the terminal's width, its later lines under its
    first word (``lead`` columns of pointer and box come before it): the list would
    otherwise cut a long label off at the edge."""
    return textwrap.fill(label, _width(lead), subsequent_indent=" " * lead,
                         break_on_hyphens=False, break_long_words=False)


def wrap_item(text: str, lead: str = "  - ") -> str:
    """One list item wrapped at the terminal's width on word boundaries, its later lines
    hanging under its first word."""
    return textwrap.fill(text, _width(), initial_indent=lead, subsequent_indent=" " * len(lead),
                         break_on_hyphens=False, break_long_words=False)


def wrap(text: str, indent: int = 0) -> str:
    """Wrap at the terminal's width on word boundaries (the terminal would split words);
    ``indent`` leaves room for what the prompt puts before the text."""
    width = _width(indent)
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False, break_long_words=False)
                     if line else "" for line in text.split("\n"))


def _width(room: int = 0) -> int:
    """The terminal's width less ``room`` columns (and one, so no line ends on the edge),
    at least 40."""
    return max(40, shutil.get_terminal_size((80, 24)).columns - 1 - room)
