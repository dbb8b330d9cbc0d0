"""`hitpath` / `hitpath ask`: the questionnaire, the review, the results and what-ifs.

Ties the pure flow (flow.py) to the terminal (prompts.py) and the reports. Nothing is
written unless the person asks (--save, or a save or export from the menus); Ctrl-C keeps the
answers so far, offers to save them, and exits with status 130.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from datetime import date
from functools import partial

from hitpath.ask.flow import Interview, prune, reached
from hitpath.ask.prompts import QuestionaryPrompter, answer_text, wrap, wrap_item
from hitpath.core.engine import assess
from hitpath.core.errors import HitpathError
from hitpath.core.model import Answers, Assessment, Question, Rules, to_plain
from hitpath.core.untrusted import for_terminal
from hitpath.load.answers import load_answers
from hitpath.load.output import check_target, write_atomic
from hitpath.load.ruleset import load_rules
from hitpath.report import plain_wanted

INTRO = (
    "hitpath checks which routes into High Intensity Therapist training in NHS Talking "
    "Therapies are open to you, and from when. It stores nothing unless you ask, and needs "
    "no name or health details. Press Ctrl-C at any time to stop."
)


def save_answers(answers: Answers, rules: Rules, path: str) -> None:
    """Write answers as YAML (the format `check --answers` reads), atomically, mode 0600."""
    import yaml

    text = "# hitpath answers: resume with  hitpath ask --answers THIS_FILE\n"
    text += yaml.safe_dump(to_plain(answers, rules), sort_keys=False, allow_unicode=True)
    write_atomic(path, text, mode=0o600)


def run_ask(*, answers_path: str | None, save_path: str | None, as_of: date,
            rules_path: str | None, plain: bool, ask_all: bool) -> int:
    """Run the questionnaire; returns the exit status."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise HitpathError(
            "the questionnaire needs a terminal, and this is not one",
            hint="Without a terminal, use: hitpath check --answers FILE",
        )
    plain = plain_wanted(plain)
    rules = load_rules(rules_path)
    answers = load_answers(rules, answers_path) if answers_path else Answers()
    dropped = prune(rules, answers)
    if save_path:
        # Fail now, not after twenty questions, if the answers could not be saved there: a
        # folder, a missing or read-only folder, a FIFO, or the rules. (Saving back into the
        # answers file read at the start is how a session is resumed and kept, so it is allowed.)
        check_target(save_path, (rules_path,))

    prompter = QuestionaryPrompter(plain=plain)
    print(wrap(INTRO))
    if answers_path:
        print(wrap(resumed(answers_path, len(answers.values), len(dropped), ask_all)))
    return Session(rules, answers, as_of, prompter, plain, save_path, ask_all,
                   answers_path=answers_path).start()


def resumed(path: str, count: int, dropped: int, ask_all: bool) -> str:
    """The line that says a questionnaire carries on from earlier answers in ``path``."""
    source = "standard input" if path == "-" else path
    if not count:
        return f"{source} holds no answers yet, so every question is asked."
    text = f"Loaded {count} earlier answer{'s' if count != 1 else ''} from {source}"
    if dropped:
        text += f" ({dropped} more no longer apply and were left out)"
    if ask_all:
        return text + "; every question is asked, with them as the defaults."
    return text + "; only the rest are asked, and you can go back to them."


def program() -> str:
    """How to start the hitpath that is running, in a shell: ``hitpath`` when that name finds
    it, else its full path (or ``python -m hitpath`` with the full interpreter path)."""
    import shutil

    exe = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if not exe or os.path.basename(exe) == "__main__.py":
        return f"{shlex.quote(sys.executable)} -m hitpath"
    found = shutil.which("hitpath")
    if found and os.path.realpath(found) == os.path.realpath(exe):
        return "hitpath"
    return shlex.quote(os.path.abspath(exe))


SKIP_WORDS = ("n", "no")
"""Replies to "Save ...? Type a file name" that mean no (a file so named is still ./n)."""


class Session:
    """The screens after the intro, with the state Ctrl-C must not lose."""

    command = "ask"  # the command that resumes from saved answers

    def __init__(self, rules: Rules, answers: Answers, as_of: date,
                 prompter: QuestionaryPrompter, plain: bool, save_path: str | None,
                 ask_all: bool, answers_path: str | None = None) -> None:
        self.rules = rules
        self.answers = answers
        self.as_of = as_of
        self.prompter = prompter
        self.plain = plain
        self.save_path = save_path
        self.answers_path = answers_path
        # Files this session read its answers from or wrote: replaced without asking.
        self.own_files = {os.path.abspath(p) for p in (answers_path,) if p}
        self.interview = Interview(rules, answers, as_of, ask_all=ask_all)
        # The one-page answer first; "Show everything" switches the screen and the exports.
        self.full = False

    def confirm_save_target(self) -> None:
        """Before any question: --save naming a file that is already there (and is not the
        answers being resumed) is replaced only if the person says so."""
        if self.save_path and not self.may_replace(self.save_path):
            self.save_path = self.ask_path(
                "Save your answers as you go to (Enter for no saving):", "")

    def may_replace(self, path: str) -> bool:
        """Whether writing ``path`` loses nothing, or the person agrees to replace it."""
        if not os.path.lexists(path) or os.path.abspath(path) in self.own_files:
            return True
        if os.path.isdir(path):
            return True  # refused, with its reason, when written
        return self.prompter.confirm(f"{path} already exists. Replace it?", default=False)

    def ask_path(self, message: str, default: str) -> str:
        """A file name to write (``~`` is the home folder), asked again until it is new or
        the person agrees to replace it; empty when they skip."""
        while True:
            path = os.path.expanduser(self.prompter.path(message, default))
            if path.strip().lower() in SKIP_WORDS:
                return ""  # "n" or "no" is an answer to the question, not a file name
            if not path or self.may_replace(path):
                return path
            message = "Choose another name (Enter to skip):"
            default = ""

    def start(self) -> int:
        """Run the session; returns the exit status."""
        try:
            return self.run()
        except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
            return self.interrupted()

    def run(self) -> int:
        self.confirm_save_target()
        self.interview.run(self.prompter)
        self.review()
        self.autosave()
        self.results()
        self.autosave()  # again at the end: a kept what-if changed the answers
        return 0

    def autosave(self) -> None:
        """With --save, keep the file in step with the answers (a failure is said, not fatal)."""
        if self.save_path:
            self.write(lambda p: save_answers(self.answers, self.rules, p), self.save_path)

    def review(self) -> None:
        """Check your answers: change any of them, then see the results."""
        while True:
            print()
            print("Check your answers:")
            shown = [q for q in self.rules.questions if q.id in self.answers.values]
            for number, question in enumerate(shown, 1):
                text = answer_text(question, self.answers.values[question.id],
                                   question.id in self.answers.month_only)
                fact = question.fact[0].upper() + question.fact[1:]
                print(wrap_item(for_terminal(f"{fact}: {text}"), f"  {number}. "))
            if not shown:
                print("  (no answers)")
            choice = self.prompter.menu("What next?", [
                ("Show my results", "results"), ("Change an answer", "change")])
            if choice == "results":
                return
            picked = self.pick_question("Which answer do you want to change?")
            if picked is not None:
                self.interview.change(self.prompter, picked)

    def pick_question(self, message: str) -> Question | None:
        options = [(q.fact[0].upper() + q.fact[1:], q.id) for q in self.rules.questions
                   if q.id in self.answers.values
                   or (q.id in self.interview.only
                       and reached(self.rules, q, self.answers) is True)]
        options.append(("Never mind", ""))
        picked = self.prompter.menu(message, options)
        return self.rules.question_by_id.get(picked) if picked else None

    def show(self) -> Assessment:
        from hitpath.report.text import render

        assessment = assess(self.rules, self.answers, self.as_of)
        print()
        render(assessment, self.rules, plain=self.plain, full=self.full, asked=True)
        return assessment

    def results(self) -> None:
        """The results, then what-ifs, exports and saves until the person quits."""
        assessment = self.show()
        while True:
            print()
            choice = self.prompter.menu("What would you like to do?", [
                ("Try a what-if: change an answer and see what moves", "whatif"),
                ("Export a Markdown summary", "markdown"),
                ("Export an HTML summary", "html"),
                ("Save my answers to a file", "save"),
                # Outside England the short report is all there is, and plans are England's.
                *([] if not assessment.in_scope else [
                    ("Show the short answer again", "short") if self.full else
                    ("Show everything: reasons, funding rule, pay, timeline, advice, sources",
                     "full"),
                    ("Plan a path to another profession", "plan")]),
                ("Quit", "quit"),
            ])
            if choice == "quit":
                return
            if choice in ("short", "full"):
                self.full = choice == "full"
                assessment = self.show()
            elif choice == "whatif":
                assessment = self.what_if(assessment)
            elif choice == "plan":
                from hitpath.ask.plan_session import plan_from_results

                if plan_from_results(self):
                    return  # "Quit" among the plans ends the session, as it says
                assessment = self.show()
            else:
                self.save_or_export(choice, "summary", partial(self.summary, assessment))

    def summary(self, assessment: Assessment, fmt: str) -> str:
        """The results as Markdown or HTML, for an export."""
        if fmt == "markdown":
            from hitpath.report.markdown import render as render_md

            return render_md(assessment, self.rules, full=self.full)
        from hitpath.report.html import render as render_html

        return render_html(assessment, self.rules, full=self.full)

    def save_or_export(self, choice: str, what: str, render: Callable[[str], str]) -> None:
        """A menu's save of the answers (``choice`` "save") or export of ``what`` ("markdown"
        or "html", written by ``render``): ask where, then write it and say how that went."""
        if choice == "save":
            # Offered: the file given or resumed from, else a new name.
            path = self.ask_path("Save your answers to:", self.save_path or self.answers_path
                                 or "hitpath-answers.yaml")
            if path and self.write(partial(save_answers, self.answers, self.rules), path):
                self.own_files.add(os.path.abspath(path))  # saved again later without asking
            return
        ending = "md" if choice == "markdown" else "html"
        path = self.ask_path(f"Write the {what} to:", f"hitpath-{what}.{ending}")
        if path:
            # An export is not the session's own file: a later export to the same name asks
            # first, so a full summary is never silently replaced by a short one.
            self.write(lambda p: write_atomic(p, render(choice), mode=0o600), path)

    def write(self, action: Callable[[str], None], path: str) -> bool:
        """Write with ``action``; say how it went; whether it was written."""
        try:
            action(path)
        except HitpathError as exc:
            print(f"Not written: {exc.render()}")
            return False
        print(f"Wrote {path} (readable only by you).")
        return True

    def what_if(self, before: Assessment) -> Assessment:
        """Change one answer on a copy; show what moves; keep it only if asked."""
        from hitpath.report.words import changes

        question = self.pick_question("Which answer do you want to try changing?")
        if question is None:
            return before
        trial = Answers(dict(self.answers.values), self.answers.month_only)
        what_if = Interview(self.rules, trial, self.as_of, skipped=set(self.interview.skipped))
        what_if.change(self.prompter, question)
        after = assess(self.rules, trial, self.as_of)
        moved = changes(before, after, self.rules)
        print()
        if moved:
            print("With that change:")
            for line in moved:
                print(wrap_item(for_terminal(line)))
        else:
            print("With that change nothing moves: the same verdicts and dates.")
        if self.prompter.confirm("Keep this change?", default=False):
            self.answers.values = trial.values
            self.answers.month_only = trial.month_only
            return self.show()
        return before

    def interrupted(self) -> int:
        """Ctrl-C: keep the answers, offer to save them, say how to resume; exit 130.

        A save that fails says why and asks for another name (or Enter to leave without
        saving), so the answers are never lost to a mistyped folder.
        """
        print()
        print("Stopped.")
        try:
            target = ""  # with no answers there is nothing to save
            if self.answers.values:
                target = self.save_path or self.ask_path(
                    "Save your answers so far? Type a file name, or press Enter to skip:",
                    self.answers_path or "")
            while target:
                try:
                    save_answers(self.answers, self.rules, target)
                except HitpathError as exc:
                    print(f"Not saved: {exc.render()}")
                    target = self.ask_path(
                        "Type another file name to save to, or press Enter to leave without "
                        "saving:", "")
                    continue
                print(f"Saved your answers to {target}.")
                print(f"To carry on later: {program()} {self.command} --answers "
                      f"{shlex.quote(target)}")
                return 130
        except (KeyboardInterrupt, EOFError):
            print()
        print(f"Nothing was saved. To carry on later, start again with: {program()} "
              f"{self.command}")
        return 130
