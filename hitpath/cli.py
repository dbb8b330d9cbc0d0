"""The command line: the only place that reads the clock, argv and the user's files.

Heavy imports (pydantic, rich, questionary) happen inside the commands that need them, so
``hitpath --version`` and ``hitpath check --format json`` start nearly as fast as Typer itself.
"""

from __future__ import annotations

import errno
import inspect
import io
import os
import sys
from contextlib import suppress
from datetime import date
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO, overload

import typer
from typer.core import TyperCommand, TyperGroup

from hitpath import __version__
from hitpath.core.errors import HitpathError, did_you_mean

if TYPE_CHECKING:  # imported when needed, for start-up speed
    from collections.abc import Callable

    from typer._click.core import Context
    from typer.core import TyperArgument, TyperOption

    from hitpath.core.model import Answers, Assessment, Rules

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


def _plain_converters(command: TyperCommand | TyperGroup, ctx: Context) -> None:
    """Let ``command`` read its options without importing pydantic when they can be.

    Typer converts each option's value through a pydantic adapter that it builds on first
    use, even for an option that was not given; importing and warming pydantic for that
    costs more than the rest of a `check`. An option not given, a text option and a list of
    text options are read here as Typer reads them; any other value is left to Typer.
    """
    for param in command.get_params(ctx):  # the help option too
        # Only where this Typer reads values through a runtime converter made on first use.
        if getattr(param, "_runtime_param", False) is None:
            param._runtime_param = _TextValue()  # type: ignore[attr-defined]


class _Command(TyperCommand):
    """A command that reads its options without pydantic where it can (see _plain_converters)."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        _plain_converters(self, ctx)
        return super().parse_args(ctx, args)


class _Group(TyperGroup):
    """A group that reads its own options without pydantic where it can."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        _plain_converters(self, ctx)
        return super().parse_args(ctx, args)


class _TextValue:
    """Typer's own reading of a value that needs no converter; anything else goes to the
    converter Typer builds."""

    def coerce(self, value: object, param: TyperOption | TyperArgument,
               ctx: Context) -> object:
        """The value as the command receives it."""
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        descriptor = param.type_descriptor
        plain = (descriptor.file_annotation is None
                 and descriptor.parameter_info.parser is None)
        if plain and not many and descriptor.annotation is str and type(value) is str:
            return value
        if (plain and many and descriptor.annotation == list[str]
                and isinstance(value, tuple | list) and all(type(v) is str for v in value)):
            return list(value)
        param._runtime_param = None
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)


app = typer.Typer(
    cls=_Group,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    invoke_without_command=True,
    context_settings=HELP_OPTIONS,
    help=(
        "Can I become a High Intensity Therapist in NHS Talking Therapies, by which route, "
        "and from when? Run with no command to answer the questions (the options of "
        "'hitpath ask' work here too); see 'hitpath check' for answers files. hitpath stores "
        "nothing unless you ask it to."
    ),
    epilog=(
        "\b\nExamples:\n  hitpath\n  hitpath check --answers answers.yaml --output "
        "summary.html\n  hitpath COMMAND -h\n\n"
        "\b\nExit status: 0 done; 1 findings or rows with errors (rules check, batch,\n"
        "  recheck); 2 bad input or usage; 130 stopped (Ctrl-C).\n\n"
        "\b\nNO_COLOR=1 removes colour only; --plain or TERM=dumb gives numbered choices\n"
        "and linear text; FORCE_COLOR=1 keeps colour when output is not a terminal."
    ),
)
rules_app = typer.Typer(cls=_Group, help="Read, check and compile the rules file.",
                        rich_markup_mode=None,
                        context_settings=HELP_OPTIONS, no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _epilog(*examples: str, exits: str) -> str:
    """A command's help tail: examples, then what its exit statuses mean, in lines of at most
    76 (the help shows these paragraphs as they are)."""
    import textwrap

    exit_lines = textwrap.wrap(f"Exit status: {exits}", 76, subsequent_indent="  ",
                               break_long_words=False, break_on_hyphens=False)
    return "\n".join(["\b", "Examples:", *(f"  {e}" for e in examples), "", "\b", *exit_lines])


EXITS_REPORT = "0 done; 2 bad input or usage; 130 stopped (Ctrl-C)."

REPORT_FORMATS = ("text", "markdown", "json", "html")

RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", metavar="FILE", help="Use this rules file instead of the shipped one."),
]
BudgetOpt = Annotated[int | None, typer.Option(
    "--budget", metavar="RUNS", min=1,
    help="Stop the path walk after this many engine runs (default 20,000).")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Judge on this date instead of today."),
]
# check and plan write their reports the same way.
ReportFormatOpt = Annotated[str | None, typer.Option(
    "--format", metavar="text|markdown|json|html",
    help="Report format (default: from --output's ending, else text).")]
AnswersFileOpt = Annotated[str | None, typer.Option(
    "--answers", metavar="FILE", help="A YAML or JSON answers file.")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", metavar="KEY=VALUE",
    help="Set or override one answer (repeatable; lists comma-separated).")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Replace --output even when it is not a file hitpath wrote.")]
ReportOutputOpt = Annotated[str | None, typer.Option(
    "--output", metavar="FILE",
    help="Write the report here (atomically) instead of to the screen.")]


_STOP_REPORTED = {"done": False}


def _said(code: int) -> int:
    """Note that a command has already told the person about a Ctrl-C stop (exit 130)."""
    if code == 130:
        _STOP_REPORTED["done"] = True
    return code


def _today() -> date:
    """The one place hitpath reads the clock."""
    return date.today()


def parse_as_of(text: str | None) -> date:
    """``--as-of`` (default: today), strictly checked."""
    if text is None:
        return _today()
    from hitpath.core.dates import parse_iso

    try:
        day, month_only = parse_iso(text)
    except ValueError as exc:
        raise HitpathError(str(exc), file="--as-of") from None
    if month_only:
        raise HitpathError("expected a full date YYYY-MM-DD", file="--as-of")
    return day


def parse_format(text: str, allowed: tuple[str, ...] = REPORT_FORMATS) -> str:
    """``--format``, with a 'did you mean'."""
    if text in allowed:
        return text
    raise HitpathError(
        f"'{text}' is not a format; expected one of: {', '.join(allowed)}",
        file="--format", hint=did_you_mean(text, allowed),
    )


@overload
def _home(path: str) -> str: ...
@overload
def _home(path: None) -> None: ...
def _home(path: str | None) -> str | None:
    """A path as a person typed it, with a leading ``~`` meaning their home folder (the shell
    does not expand it in ``--output=~/x`` or at a prompt)."""
    return os.path.expanduser(path) if path else path


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"hitpath {__version__}\n")
        raise typer.Exit()


AnswersOpt = Annotated[str | None, typer.Option(
    "--answers", metavar="FILE", help="Pre-fill from this answers file; only the rest is asked.")]
SaveOpt = Annotated[str | None, typer.Option(
    "--save", metavar="FILE", help="Save the answers here (mode 0600), also on Ctrl-C.")]
PlainOpt = Annotated[bool, typer.Option(
    "--plain", help="No colour or symbols; numbered choices; linear text.")]
AskAllOpt = Annotated[bool, typer.Option(
    "--ask-all", help="Ask every question, with the given answers as defaults.")]


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    # The questionnaire's options, accepted here for bare 'hitpath' but left out of the
    # root's help, which lists only global options.
    answers: Annotated[str | None, typer.Option("--answers", hidden=True)] = None,
    save: Annotated[str | None, typer.Option("--save", hidden=True)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", hidden=True)] = None,
    plain: Annotated[bool, typer.Option("--plain", hidden=True)] = False,
    ask_all: Annotated[bool, typer.Option("--ask-all", hidden=True)] = False,
    rules: Annotated[str | None, typer.Option("--rules", hidden=True)] = None,
) -> None:
    """Start the questionnaire when no command is given (the same options as 'ask')."""
    if ctx.invoked_subcommand is None:
        ask(answers=answers, save=save, as_of=as_of, plain=plain, ask_all=ask_all, rules=rules)


@app.command(epilog=_epilog(
    "hitpath ask --save ~/hitpath-answers.yaml",
    "hitpath ask --answers ~/hitpath-answers.yaml --plain",
    exits="0 done; 2 bad input, or no terminal; 130 stopped (Ctrl-C), after offering to "
          "save the answers so far."))
def ask(
    answers: AnswersOpt = None,
    save: SaveOpt = None,
    as_of: AsOfOpt = None,
    plain: PlainOpt = False,
    ask_all: AskAllOpt = False,
    rules: RulesOpt = None,
) -> NoReturn:
    """Answer the questions in the terminal and see your routes."""
    from hitpath.ask.session import run_ask

    raise typer.Exit(_said(run_ask(answers_path=_home(answers), save_path=_home(save),
                                   as_of=parse_as_of(as_of), rules_path=_home(rules),
                                   plain=plain, ask_all=ask_all)))


@app.command(epilog=_epilog(
    "hitpath check --answers client.yaml",
    "hitpath check --answers client.yaml --output ~/client-summary.html",
    "hitpath check --set nation=england --set professions=pwp --format json",
    exits="0 done; 2 bad input, or --output names a file hitpath did not write (add "
          "--force to replace it); 130 stopped (Ctrl-C)."))
def check(
    answers: AnswersFileOpt = None,
    set_: SetOpt = None,
    as_of: AsOfOpt = None,
    format_: ReportFormatOpt = None,
    output: ReportOutputOpt = None,
    plain: Annotated[bool, typer.Option("--plain", help="No colour or symbols.")] = False,
    full: Annotated[bool, typer.Option(
        "--full", help="Everything: reasons, funding rule, pay, timeline, all advice, sources "
        "(default: the one-page answer; JSON always has everything).")] = False,
    force: ForceOpt = False,
    rules: RulesOpt = None,
) -> None:
    """Assess an answers file without questions: for careers staff and scripts."""
    answers, output, rules = _home(answers), _home(output), _home(rules)
    day = parse_as_of(as_of)
    from hitpath.core.engine import assess
    from hitpath.load.ruleset import load_rules

    if answers == "-" and rules == "-":
        raise HitpathError("standard input can be read only once; give the answers or the "
                           "rules as a file", file="-")
    if output:
        _may_write(output, (answers, rules), force)
    fmt = report_format(format_, output)  # after the input check: its refusal says more
    ruleset = load_rules(rules)
    given = _given(ruleset, answers, set_)
    if not given.values:
        sys.stderr.write(f"hitpath: {_no_answers(answers)}, so every route depends on them; "
                         f"{_give_answers(answers)} (see 'hitpath questions').\n")
    assessment = assess(ruleset, given, day)
    emit_report(assessment, ruleset, fmt, output, plain, full, inputs=(answers, rules))


@app.command(epilog=_epilog(
    "hitpath plan --list",
    "hitpath plan --goal dclinpsy --answers me.yaml",
    "hitpath plan --goal dclinpsy --answers me.yaml --via pwp@2027-01",
    "hitpath plan --goal hit --answers me.yaml --format json",
    exits="0 done (also when no plan reaches the goal: the report says what stops it); 2 bad "
          "input (an unknown goal or training, a --via month that is not an intake, no answers "
          "and no terminal to ask them in), or "
          "--output names a file hitpath did not write (add --force); 130 stopped (Ctrl-C)."))
def plan(
    goal: Annotated[str | None, typer.Option(
        "--goal", metavar="GOAL", help="The training to reach, by id (see --list).")] = None,
    answers: AnswersFileOpt = None,
    set_: SetOpt = None,
    via: Annotated[str | None, typer.Option(
        "--via", metavar="TRAINING[@YYYY-MM]",
        help="Also show the plan through this training (from that intake), and its cost.")] = None,
    top: Annotated[int | None, typer.Option(
        "--top", metavar="N", min=1, max=10,
        help="How many plans to show (default 3; when you can already start the goal, only "
             "it, unless you give N).")] = None,
    as_of: AsOfOpt = None,
    format_: ReportFormatOpt = None,
    output: ReportOutputOpt = None,
    list_: Annotated[bool, typer.Option("--list", help="List the trainings and exit.")] = False,
    plain: PlainOpt = False,
    save: SaveOpt = None,
    force: ForceOpt = False,
    rules: RulesOpt = None,
) -> None:
    """Plan the order of trainings that reaches a goal soonest, across the psychological
    professions, with the two-year funding rule applied to the day."""
    answers, output, rules, save = _home(answers), _home(output), _home(rules), _home(save)
    from hitpath.load.ruleset import load_rules

    ruleset = load_rules(rules)
    if list_:
        from hitpath.report.plan import list_trainings

        sys.stdout.write(list_trainings(ruleset))
        return
    fmt = report_format(format_, output)
    day = parse_as_of(as_of)
    from hitpath.core.planner import PlanError, check_training, parse_via
    from hitpath.core.planner import plan as make_plan

    try:
        if goal is not None:
            check_training(ruleset, goal)
        if via is not None:
            parse_via(ruleset, via)
    except PlanError as exc:
        wrong = "--goal" if goal and goal.strip().lower() not in ruleset.trainings else "--via"
        raise HitpathError(str(exc), file=wrong) from None
    if output:
        _may_write(output, (answers, rules), force)
    given = _given(ruleset, answers, set_)
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if goal is None and not terminal:
        raise HitpathError("which goal? pass --goal GOAL",
                           hint=f"Goals: {', '.join(ruleset.trainings)} "
                           "(hitpath plan --list shows their titles).")
    if goal is not None and not given.values and not terminal:
        # A plan needs answers: without them every route is 'not answered', which is no
        # report, so this is one message and exit 2, like a missing goal.
        raise HitpathError(f"{_no_answers(answers)}, so no plan can be made",
                           hint=f"{_give_answers(answers).capitalize()} (see 'hitpath "
                           "questions'), or run it in a terminal to be asked.")
    if goal is None or not given.values:
        from hitpath.ask.plan_session import run_plan_ask

        raise typer.Exit(_said(run_plan_ask(ruleset, given, day, plain=plain, save_path=save,
                                            via=via, top=top, goal=goal)))
    plans = make_plan(ruleset, given, day, goal, via=via, top=top)
    from hitpath.report.plan import render_plans, terminal_width

    text = render_plans(plans, ruleset, fmt, None if output else terminal_width())
    if output:
        _write_report(output, text, fmt, (answers, rules))
    else:
        sys.stdout.write(text)


def _given(ruleset: Rules, answers: str | None, sets: list[str] | None) -> Answers:
    """The answers from ``--answers`` (none without it), with the ``--set`` overrides."""
    from hitpath.core.model import Answers
    from hitpath.load.answers import apply_sets, load_answers

    given = load_answers(ruleset, answers) if answers else Answers()
    return apply_sets(ruleset, given, sets) if sets else given


def _may_write(output: str, inputs: tuple[str | None, ...], force: bool) -> None:
    """Refuse ``output`` before any work when it cannot be written, is an input, or (without
    ``--force``) is a file hitpath did not write."""
    from hitpath.load.output import check_target, refuse_foreign

    check_target(output, inputs)
    if not force:
        refuse_foreign(output)


def _write_report(output: str, text: str, fmt: str, inputs: tuple[str | None, ...]) -> None:
    """Write a report atomically, readable only by its owner, and say so."""
    from hitpath.load.output import stamp, write_atomic

    write_atomic(output, stamp(text, fmt), mode=0o600, inputs=inputs)
    sys.stderr.write(f"Wrote {output}\n")


def _no_answers(answers: str | None) -> str:
    """Why there are no answers: none were given, or the file given holds none."""
    if not answers:
        return "no answers given"
    return f"{'standard input' if answers == '-' else answers} holds no answers"


def _give_answers(answers: str | None) -> str:
    if answers:
        return "add answers to it, or pass --set KEY=VALUE"
    return "pass --answers FILE or --set KEY=VALUE"


# The report format an output file's ending asks for (text when it asks for none).
_REPORT_ENDINGS = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html",
                   ".htm": "html"}
# Endings no report format writes: a report there would be read as something it is not.
_NOT_REPORTS = (".csv", ".tsv", ".xlsx", ".xls", ".ods", ".yaml", ".yml")


def report_format(format_: str | None, output: str | None) -> str:
    """The report format: ``--format``, else what ``--output``'s ending asks for; a format
    the ending clearly contradicts (Markdown into ``.csv``, JSON into ``.html``) is refused."""
    ending = os.path.splitext(output)[1].lower() if output else ""
    named = _REPORT_ENDINGS.get(ending, "text")
    if ending in _NOT_REPORTS:
        raise HitpathError(f"a report cannot be written as {ending}; end the file name with "
                           ".txt, .md, .json or .html", file="--output")
    if not format_:
        return named
    fmt = parse_format(format_)
    if output and fmt != named and (named != "text" or ending == ".txt"):
        raise HitpathError(f"--format {fmt} does not match the file's ending ({ending} is "
                           f"{named}); drop --format to follow the ending", file="--output")
    return fmt


# Endings batch's results cannot honestly carry: a spreadsheet program would misread them.
_NOT_BATCH = (".xlsx", ".xls", ".ods", ".json", ".yaml", ".yml", ".tsv", ".txt", ".pdf")


def _batch_output(output: str, fmt: str | None, inputs: tuple[str | None, ...],
                  force: bool) -> None:
    """Refuse batch's ``--output`` before any row is read: an ending no batch format writes,
    a ``--format`` the ending contradicts, an input, or (without ``--force``) a file hitpath
    did not write."""
    from hitpath.cohort.batch import OUTPUT_ENDINGS
    from hitpath.load.output import check_target

    check_target(output, inputs)  # an input named as the output is the first thing to say
    ending = os.path.splitext(output)[1].lower()
    if ending in _NOT_BATCH:
        raise HitpathError(f"batch cannot write its results as {ending}; end the file name "
                           "with .csv, .jsonl, .html or .md (a spreadsheet opens .csv)",
                           file="--output")
    named = OUTPUT_ENDINGS.get(ending, "csv")
    if fmt and ending and fmt != named and (ending == ".csv" or ending in OUTPUT_ENDINGS):
        raise HitpathError(f"--format {fmt} does not match the file's ending ({ending} is "
                           f"{named}); drop --format to follow the ending", file="--output")
    _may_write(output, inputs, force)


def emit_report(assessment: Assessment, ruleset: Rules, fmt: str, output: str | None, plain: bool,
                full: bool = False, inputs: tuple[str | None, ...] = ()) -> None:
    """Render in ``fmt`` (the one-page answer, or everything with ``full``) to the screen or,
    atomically, to ``output`` (never one of the ``inputs``; ``-`` is standard output)."""
    if output == "-":
        output = None
        plain = True
    if fmt == "json":
        from hitpath.report.json_report import render as render_json

        text = render_json(assessment, ruleset)
    elif fmt == "markdown":
        from hitpath.report.markdown import render as render_md

        text = render_md(assessment, ruleset, full=full)
    elif fmt == "html":
        from hitpath.report.html import render as render_html

        text = render_html(assessment, ruleset, full=full)
    else:
        from hitpath.report.text import render as render_text

        if output is None:
            from hitpath.report import plain_wanted

            render_text(assessment, ruleset, plain=plain_wanted(plain), full=full)
            return
        buffer = io.StringIO()
        render_text(assessment, ruleset, file=buffer, plain=True, full=full)
        text = buffer.getvalue()
    if output:
        _write_report(output, text, fmt, inputs)
    else:
        from hitpath.core.untrusted import for_terminal

        # JSON is safe as made (its controls are escapes); other text from the rules is not.
        sys.stdout.write(text if fmt == "json" else for_terminal(text))


@app.command(epilog=_epilog("hitpath questions", "hitpath questions --format json",
                           exits=EXITS_REPORT))
def questions(
    format_: Annotated[str, typer.Option("--format", metavar="text|json")] = "text",
    rules: RulesOpt = None,
) -> None:
    """List every question id, its type, allowed values and when it is asked."""
    from hitpath.report.listing import questions_json, questions_text

    _listing(format_, rules, questions_json, questions_text)


@app.command(epilog=_epilog("hitpath sources", "hitpath sources --format json",
                           exits=EXITS_REPORT))
def sources(
    format_: Annotated[str, typer.Option("--format", metavar="text|json")] = "text",
    rules: RulesOpt = None,
) -> None:
    """Every source with its title, URL, publisher, checked date, and what relies on it."""
    from hitpath.report.listing import sources_json, sources_text

    _listing(format_, rules, sources_json, sources_text)


def _listing(format_: str, rules: str | None, as_json: Callable[[Rules], str],
             as_text: Callable[[Rules], str]) -> None:
    """Print a listing of the rules as JSON, or as text shown as text."""
    fmt = parse_format(format_, ("text", "json"))
    from hitpath.core.untrusted import for_terminal
    from hitpath.load.ruleset import load_rules

    ruleset = load_rules(_home(rules))
    sys.stdout.write(as_json(ruleset) if fmt == "json" else for_terminal(as_text(ruleset)))


@rules_app.command("compile", epilog=_epilog("hitpath rules compile", exits=EXITS_REPORT))
def rules_compile() -> None:
    """Validate the shipped rules.yaml and rewrite its compiled twin (for maintainers)."""
    from hitpath.load.ruleset import compile_shipped

    path = compile_shipped()
    sys.stderr.write(f"Validated and compiled the rules into {path}\n")


@rules_app.command("check", epilog=_epilog(
    "hitpath rules check", "hitpath rules check --rules my-rules.yaml --format json",
    exits="0 sound; 1 findings; 2 the rules cannot be read; 130 stopped (Ctrl-C)."))
def rules_check(
    rules: RulesOpt = None,
    format_: Annotated[str, typer.Option("--format", metavar="text|json")] = "text",
    as_of: AsOfOpt = None,
    budget: BudgetOpt = None,
) -> None:
    """Check a rules file: exit 0 when sound, 1 with findings, 2 when it cannot be read."""
    fmt = parse_format(format_, ("text", "json"))
    from hitpath.lint.commands import run_check

    raise typer.Exit(run_check(rules_path=_home(rules), fmt=fmt, as_of=parse_as_of(as_of),
                               budget=budget))


@rules_app.command("walk", epilog=_epilog(
    "hitpath rules walk --summary", "hitpath rules walk --transcript walk.txt",
    exits="0 every path ends in a report; 1 findings; 2 bad input; 130 stopped (Ctrl-C)."))
def rules_walk(
    rules: RulesOpt = None,
    summary: Annotated[bool, typer.Option("--summary", help="Print only the totals.")] = False,
    transcript: Annotated[str | None, typer.Option(
        "--transcript", metavar="FILE",
        help="Write one line per distinct outcome class to FILE.")] = None,
    as_of: AsOfOpt = None,
    budget: BudgetOpt = None,
) -> None:
    """Walk every path through the questions and report coverage and verdict counts."""
    from hitpath.lint.commands import run_walk

    raise typer.Exit(run_walk(rules_path=_home(rules), summary=summary,
                              transcript=_home(transcript), as_of=parse_as_of(as_of),
                              budget=budget))


@rules_app.command("schema", epilog=_epilog(
    "hitpath rules schema > rules.schema.json", "hitpath rules schema --for answers",
    exits=EXITS_REPORT))
def rules_schema(
    for_: Annotated[str, typer.Option("--for", metavar="rules|answers",
                    help="Which file the schema describes.")] = "rules",
) -> None:
    """Print a JSON Schema for the rules file or for answers files (for editors)."""
    kind = parse_format(for_, ("rules", "answers"))
    from hitpath.lint.commands import run_schema

    raise typer.Exit(run_schema(kind=kind))


@rules_app.command("diff", epilog=_epilog(
    "hitpath rules diff old-rules.yaml hitpath/rules.yaml --answers clients/",
    exits="0 nothing differs; 1 something differs (or an answers file is not valid under one "
          "of the files); 2 bad input; 130 stopped (Ctrl-C)."))
def rules_diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The rules file before the edit.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The rules file after the edit.")],
    answers: Annotated[list[str] | None, typer.Option(
        "--answers", metavar="FILE", help="Answers files whose outcomes to compare.")] = None,
    as_of: AsOfOpt = None,
    budget: BudgetOpt = None,
) -> None:
    """What changed between two rules files, in outcome terms."""
    from hitpath.lint.commands import run_diff

    raise typer.Exit(run_diff(old=_home(old), new=_home(new),
                              answers=[_home(a) for a in answers or []],
                              as_of=parse_as_of(as_of), budget=budget))


@rules_app.command("changes", epilog=_epilog(
    "hitpath rules changes", "hitpath rules changes --since 2026.03.1 --format markdown",
    "hitpath rules changes --check old-rules.yaml",
    exits="0 shown, or with --check every change between the two rules files is covered; "
          "1 with --check, changes no entry covers (or entries that name no change); 2 bad "
          "input or usage; 130 stopped (Ctrl-C)."))
def rules_changes(
    since: Annotated[str | None, typer.Option(
        "--since", metavar="VERSION",
        help="Only the rules versions after this one (the version a report names).")] = None,
    format_: Annotated[str, typer.Option("--format", metavar="text|markdown|json")] = "text",
    check: Annotated[str | None, typer.Option(
        "--check", metavar="OLD",
        help="Instead of showing it, check that the changelog covers every change from the "
             "rules file OLD (the previous version's) to the rules (for rules editors).")] = None,
    rules: RulesOpt = None,
    changes: Annotated[str | None, typer.Option(
        "--changes", metavar="FILE",
        help="Use this changelog file instead of the shipped one (for rules editors).")] = None,
) -> None:
    """What changed in the advice, and from which date, rules version by version (newest
    first). Written for careers advisers: each change in plain words with its sources."""
    fmt = parse_format(format_, ("text", "markdown", "json"))
    from hitpath.lint.changes import parse_version, run_changes

    after = parse_version(since, "--since") if since is not None else None
    if check is not None and after is not None:
        raise HitpathError("give --since or --check, not both", file="--since")
    if check is None and rules is not None:
        raise HitpathError("--rules is for --check (the changelog belongs to the shipped "
                           "rules)", file="--rules")
    raise typer.Exit(run_changes(fmt=fmt, after=after, check_old=_home(check),
                                 rules_path=_home(rules), changes_path=_home(changes)))


BATCH_FORMATS = ("csv", "jsonl", "html", "markdown")


@app.command(epilog=_epilog(
    "hitpath batch cohort.csv --output results.csv",
    "hitpath batch cohort.csv --output results.html",
    "hitpath batch clients/ --format markdown",
    exits="0 every row assessed; 1 some rows have errors (each is named in its row, the "
          "rest are assessed); 2 bad input, or --output names a file hitpath did not write "
          "(add --force to replace it); 130 stopped (Ctrl-C), with no results file written."))
def batch(
    input_: Annotated[str, typer.Argument(
        metavar="INPUT", show_default=False,
        help="CSV (one row per person), JSONL (one answers mapping a line), or a folder of "
             "saved answers files (one row each). CSV columns are the answer keys that "
             "'hitpath questions' lists (any case); cells may hold the questionnaire's labels "
             "(Yes, Not sure) and UK dates (31/01/2024).")],
    output: Annotated[str | None, typer.Option("--output", metavar="FILE",
                      help="Write results here (atomically); default: standard output.")] = None,
    as_of: AsOfOpt = None,
    format_: Annotated[str | None, typer.Option(
        "--format", metavar="csv|jsonl|html|markdown",
        help="Output format (default: from --output's ending, else csv); html and markdown "
             "give a table to read and print.")] = None,
    rules: RulesOpt = None,
    force: ForceOpt = False,
) -> None:
    """Assess a whole cohort from a CSV or JSONL file, or a folder of answers files."""
    fmt = parse_format(format_, BATCH_FORMATS) if format_ else None
    from hitpath.cohort.batch import run_batch

    if output and output != "-":
        _batch_output(_home(output), fmt, (_home(input_), _home(rules)), force)

    raise typer.Exit(_said(run_batch(input_path=_home(input_), output=_home(output),
                                     as_of=parse_as_of(as_of), rules_path=_home(rules),
                                     fmt=fmt)))


@app.command(epilog=_epilog(
    "hitpath recheck clients/ --old-rules rules-2026-05.yaml",
    exits="0 done; 1 some answers files could not be read (the rest are checked); 2 bad "
          "input; 130 stopped (Ctrl-C)."))
def recheck(
    answers: Annotated[list[str], typer.Argument(
        metavar="ANSWERS...", show_default=False,
        help="Saved answers files, or folders of them.")],
    old_rules: Annotated[str, typer.Option("--old-rules", metavar="FILE",
                         help="The rules the answers were last checked with.")],
    rules: RulesOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Which saved clients' verdicts or dates change between two versions of the rules."""
    from hitpath.cohort.recheck import run_recheck

    raise typer.Exit(run_recheck(paths=[_home(a) for a in answers],
                                 old_rules=_home(old_rules), rules_path=_home(rules),
                                 as_of=parse_as_of(as_of)))


for _info in (*app.registered_commands, *rules_app.registered_commands):
    # Each command's line in the group's help is its docstring's first sentence, whole: the
    # CLI framework would cut it at a width that leaves most of it out.
    if _info.short_help is None and _info.callback is not None:
        _doc = " ".join(inspect.cleandoc(_info.callback.__doc__ or "").split())
        _info.short_help = _doc.split(". ")[0].rstrip(".") + "."
    if _info.cls in (None, TyperCommand):
        _info.cls = _Command


_SINGLE = ("check", "ask", "questions", "sources", "batch", "recheck", "plan")
# The questionnaire's options bare 'hitpath' takes, and whether each takes a value.
ROOT_OPTIONS = {"--answers": True, "--save": True, "--as-of": True, "--rules": True,
                "--plain": False, "--ask-all": False}


def _app_for(first: str) -> typer.Typer:
    """The app to run: for a plain command, one holding only that command.

    Typer builds every command's options before running any, which costs more than the
    rest of a `check`; `hitpath --help` and the `rules` group still get the whole app.
    """
    if first not in _SINGLE:
        return app
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                         rich_markup_mode=None, context_settings=HELP_OPTIONS)
    # The same registration, epilog included, as in the whole app.
    single.registered_commands += [c for c in app.registered_commands
                                   if c.callback is globals()[first]]
    return single



def _plain_placeholders() -> None:
    """Show arguments as their names: no '{INPUT}' or '<list[str]>' in the help."""
    from typer.core import TyperArgument

    def usage_name(self: TyperArgument) -> str:
        name = self.display_name_raw
        return name if self.required else f"[{name}]"

    TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]


def _options_in_place(args: list[str]) -> list[str]:
    """Options given before a command, moved after it when the command takes them.

    ``hitpath --as-of 2025-01-10 check ...`` then judges on that date; an option the command
    does not take is refused with a message naming where it goes.
    """
    leading: list[str] = []
    index = 0
    while index < len(args) and args[index].startswith("-") and args[index] != "--":
        name = args[index].partition("=")[0]
        if name not in ROOT_OPTIONS:
            return args  # a global option, or one the framework will name as unknown
        takes_value = ROOT_OPTIONS[name] and "=" not in args[index]
        step = 2 if takes_value else 1
        leading += args[index:index + step]
        index += step
    if not leading or index >= len(args):
        return args
    command = args[index]
    import typer.main
    from typer.core import TyperGroup

    head, rest = [command], args[index + 1:]
    target = typer.main.get_command(_app_for(command))
    if command not in _SINGLE:
        assert isinstance(target, TyperGroup)
        found = target.commands.get(command)
        if isinstance(found, TyperGroup) and rest:
            head, rest = [command, rest[0]], rest[1:]
            found = found.commands.get(head[1])
        if found is None or isinstance(found, TyperGroup):
            return args  # the framework names the unknown command
        target = found
    where = "hitpath " + " ".join(head)
    takes = {opt for param in target.params for opt in param.opts}
    for token in leading:
        name = token.partition("=")[0]
        if name.startswith("-") and name not in takes:
            raise HitpathError(
                f"'{where}' has no {name} option; it belongs to the questionnaire",
                file=name, hint=f"For example: hitpath ask {' '.join(leading)}")
    return [*head, *leading, *rest]


def _fail(message: str, code: int) -> NoReturn:
    from hitpath.core.untrusted import for_terminal

    sys.stderr.write(for_terminal(message.rstrip()) + "\n")
    sys.exit(code)


def _output_that_fits() -> None:
    """Where the output cannot show '£' or '✓' (an ASCII locale), write 'GBP' and ASCII
    symbols instead of failing on the first one."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding in ("utf8", "utf16", "utf32") or not hasattr(stream, "reconfigure"):
            continue
        from hitpath.report.plaintext import register

        register()
        with suppress(ValueError, OSError):
            stream.reconfigure(errors="hitpath-ascii")


class _StdoutFailed(Exception):
    """A write to standard output failed (not an OSError, so the CLI framework lets it by)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _GuardedStdout:
    """Standard output that reports a failed write as _StdoutFailed, once, to main."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _StdoutFailed(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _StdoutFailed(exc) from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _stdout_failed(exc: _StdoutFailed) -> NoReturn:
    """A closed pipe ends quietly; any other failed write is one line and exit 2."""
    with suppress(OSError, ValueError):  # nothing more can go there, not even at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    if exc.error.errno == errno.EPIPE:
        sys.exit(0)  # the reader has what it wanted (`| head`)
    _fail(f"hitpath: cannot write to standard output: {exc.error.strerror}", 2)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: exit 0 done, 1 done with rows or findings to report, 2 bad input
    or usage (or output that cannot be written), 130 interrupted; one clear message, never a
    traceback."""
    from hitpath.load.output import stops_cleanly

    args = sys.argv[1:] if argv is None else argv
    _output_that_fits()
    if not sys.stdout.isatty():
        sys.stdout = _GuardedStdout(sys.stdout)
    try:
        with stops_cleanly():
            code = _run(args)
            sys.stdout.flush()
    except _StdoutFailed as exc:
        _stdout_failed(exc)
    finally:
        if isinstance(sys.stdout, _GuardedStdout):
            sys.stdout = sys.stdout._stream
    sys.exit(code)


def _run(args: list[str]) -> int:
    """Run one command line; returns the exit status."""
    completing = "_HITPATH_COMPLETE" in os.environ
    try:
        if not args and not completing:
            # The most common start, straight to the questions: building the whole command
            # tree first would cost a tenth of a second before the first question appears.
            ask()  # ends in typer.Exit with its status
        _plain_placeholders()  # in help and in usage errors alike
        args = _options_in_place(args)
        first = args[0] if args and not completing else ""
        single = first in _SINGLE
        code = _app_for(first)(args=args[1:] if single else args,
                               prog_name=f"hitpath {first}" if single else "hitpath",
                               standalone_mode=False)
    except HitpathError as exc:
        _fail(f"hitpath: {exc.render()}", 2)
    except (KeyboardInterrupt, typer.Abort):
        from hitpath.load.output import remove_temporary_files

        remove_temporary_files()
        _fail("\nhitpath: stopped (Ctrl-C); nothing was written.", 130)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except BrokenPipeError as exc:
        raise _StdoutFailed(exc) from None
    except RecursionError:
        _fail("hitpath: the input is nested too deeply to be read", 2)
    except Exception as exc:
        # Usage errors from the CLI framework (unknown option, missing value...).
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            return 2 if exc.exit_code == 2 else int(exc.exit_code)
        raise
    if code == 130 and not _STOP_REPORTED["done"]:
        # The CLI framework turns Ctrl-C into a silent exit 130; say what happened.
        _fail("\nhitpath: stopped (Ctrl-C); nothing was written.", 130)
    return code if isinstance(code, int) else 0
