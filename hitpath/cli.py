"""The command line: the only place that reads the clock, argv and the user's files.

Heavy imports (pydantic, rich, questionary) happen inside the commands that need them, so
``hitpath --version`` and ``hitpath check --format json`` start nearly as fast as Typer itself.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any, NoReturn

import typer

from hitpath import __version__
from hitpath.core.errors import HitpathError, did_you_mean

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    invoke_without_command=True,
    help=(
        "Can I become a High Intensity Therapist in NHS Talking Therapies, by which route, "
        "and from when? Run with no command to answer the questions; see 'hitpath check' "
        "for answers files. hitpath stores nothing unless you ask it to."
    ),
)
rules_app = typer.Typer(help="Read, check and compile the rules file.", rich_markup_mode=None)
app.add_typer(rules_app, name="rules")

REPORT_FORMATS = ("text", "markdown", "json", "html")

RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", metavar="FILE", help="Use this rules file instead of the shipped one."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Judge on this date instead of today."),
]


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
    if not 1900 <= day.year <= 2100:
        raise HitpathError(f"the year {day.year} is out of range; expected 1900 to 2100",
                           file="--as-of")
    return day


def parse_format(text: str, allowed: tuple[str, ...] = REPORT_FORMATS) -> str:
    """``--format``, with a 'did you mean'."""
    if text in allowed:
        return text
    raise HitpathError(
        f"'{text}' is not a format; expected one of: {', '.join(allowed)}",
        file="--format", hint=did_you_mean(text, allowed),
    )


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
    answers: AnswersOpt = None,
    save: SaveOpt = None,
    as_of: AsOfOpt = None,
    plain: PlainOpt = False,
    ask_all: AskAllOpt = False,
    rules: RulesOpt = None,
) -> None:
    """Start the questionnaire when no command is given (the same options as 'ask')."""
    if ctx.invoked_subcommand is None:
        ask(answers=answers, save=save, as_of=as_of, plain=plain, ask_all=ask_all, rules=rules)


@app.command()
def ask(
    answers: AnswersOpt = None,
    save: SaveOpt = None,
    as_of: AsOfOpt = None,
    plain: PlainOpt = False,
    ask_all: AskAllOpt = False,
    rules: RulesOpt = None,
) -> None:
    """Answer the questions in the terminal and see your routes."""
    from hitpath.ask.session import run_ask

    raise typer.Exit(_said(run_ask(answers_path=answers, save_path=save,
                                   as_of=parse_as_of(as_of), rules_path=rules, plain=plain,
                                   ask_all=ask_all)))


@app.command()
def check(
    answers: Annotated[str | None, typer.Option("--answers", metavar="FILE",
                       help="A YAML or JSON answers file.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE",
                    help="Set or override one answer (repeatable; lists comma-separated).")] = None,
    as_of: AsOfOpt = None,
    format_: Annotated[str | None, typer.Option(
        "--format", metavar="text|markdown|json|html",
        help="Report format (default: from --output's ending, else text).")] = None,
    output: Annotated[str | None, typer.Option("--output", metavar="FILE",
                      help="Write the report here (atomically) instead of to the screen.")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="No colour or symbols.")] = False,
    full: Annotated[bool, typer.Option(
        "--full", help="Everything: reasons, funding rule, pay, timeline, all advice, sources "
        "(default: the one-page answer; JSON always has everything).")] = False,
    rules: RulesOpt = None,
) -> None:
    """Assess an answers file without questions: for careers staff and scripts."""
    fmt = parse_format(format_) if format_ else _format_from_name(output)
    day = parse_as_of(as_of)
    from hitpath.core.engine import assess
    from hitpath.core.model import Answers
    from hitpath.load.answers import apply_sets, load_answers
    from hitpath.load.ruleset import load_rules

    if output:
        from hitpath.load.output import check_target

        check_target(output, tuple(p for p in (answers, rules) if p))
    ruleset = load_rules(rules)
    given = load_answers(ruleset, answers) if answers else Answers()
    if set_:
        given = apply_sets(ruleset, given, set_)
    if not given.values:
        sys.stderr.write("hitpath: no answers given, so every route depends on them; pass "
                         "--answers FILE or --set KEY=VALUE (see 'hitpath questions').\n")
    assessment = assess(ruleset, given, day)
    emit_report(assessment, ruleset, fmt, output, plain, full)


def _format_from_name(output: str | None) -> str:
    """The report format an output file's ending asks for (text when it asks for none)."""
    endings = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html",
               ".htm": "html"}
    if output:
        import os

        return endings.get(os.path.splitext(output)[1].lower(), "text")
    return "text"


def emit_report(assessment: Any, ruleset: Any, fmt: str, output: str | None, plain: bool,
                full: bool = False) -> None:
    """Render in ``fmt`` (the one-page answer, or everything with ``full``) to the screen or,
    atomically, to ``output``."""
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
        import io

        buffer = io.StringIO()
        render_text(assessment, ruleset, file=buffer, plain=True, full=full)
        text = buffer.getvalue()
    if output:
        from hitpath.load.output import write_atomic

        write_atomic(output, text, mode=0o600)
        sys.stderr.write(f"Wrote {output}\n")
    else:
        sys.stdout.write(text)


@app.command()
def questions(
    format_: Annotated[str, typer.Option("--format", metavar="text|json")] = "text",
    rules: RulesOpt = None,
) -> None:
    """List every question id, its type, allowed values and when it is asked."""
    fmt = parse_format(format_, ("text", "json"))
    from hitpath.load.ruleset import load_rules
    from hitpath.report.listing import questions_json, questions_text

    ruleset = load_rules(rules)
    sys.stdout.write(questions_json(ruleset) if fmt == "json" else questions_text(ruleset))


@app.command()
def sources(
    format_: Annotated[str, typer.Option("--format", metavar="text|json")] = "text",
    rules: RulesOpt = None,
) -> None:
    """Every source with its title, URL, publisher, checked date, and what relies on it."""
    fmt = parse_format(format_, ("text", "json"))
    from hitpath.load.ruleset import load_rules
    from hitpath.report.listing import sources_json, sources_text

    ruleset = load_rules(rules)
    sys.stdout.write(sources_json(ruleset) if fmt == "json" else sources_text(ruleset))


@rules_app.command("compile")
def rules_compile() -> None:
    """Validate the shipped rules.yaml and rewrite its compiled twin (for maintainers)."""
    from hitpath.load.ruleset import compile_shipped

    path = compile_shipped()
    sys.stderr.write(f"Validated and compiled the rules into {path}\n")


@rules_app.command("check")
def rules_check(
    rules: RulesOpt = None,
    format_: Annotated[str, typer.Option("--format", metavar="text|json")] = "text",
    as_of: AsOfOpt = None,
) -> None:
    """Check a rules file: exit 0 when sound, 1 with findings, 2 when it cannot be read."""
    fmt = parse_format(format_, ("text", "json"))
    from hitpath.lint.commands import run_check

    raise typer.Exit(run_check(rules_path=rules, fmt=fmt, as_of=parse_as_of(as_of)))


@rules_app.command("walk")
def rules_walk(
    rules: RulesOpt = None,
    summary: Annotated[bool, typer.Option("--summary", help="Print only the totals.")] = False,
    transcript: Annotated[str | None, typer.Option(
        "--transcript", metavar="FILE",
        help="Write one line per distinct outcome class to FILE.")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Walk every path through the questions and report coverage and verdict counts."""
    from hitpath.lint.commands import run_walk

    raise typer.Exit(run_walk(rules_path=rules, summary=summary, transcript=transcript,
                              as_of=parse_as_of(as_of)))


@rules_app.command("schema")
def rules_schema(
    for_: Annotated[str, typer.Option("--for", metavar="rules|answers",
                    help="Which file the schema describes.")] = "rules",
) -> None:
    """Print a JSON Schema for the rules file or for answers files (for editors)."""
    kind = parse_format(for_, ("rules", "answers"))
    from hitpath.lint.commands import run_schema

    raise typer.Exit(run_schema(kind=kind))


@rules_app.command("diff")
def rules_diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The rules file before the edit.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The rules file after the edit.")],
    answers: Annotated[list[str] | None, typer.Option(
        "--answers", metavar="FILE", help="Answers files whose outcomes to compare.")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """What changed between two rules files, in outcome terms."""
    from hitpath.lint.commands import run_diff

    raise typer.Exit(run_diff(old=old, new=new, answers=answers or [],
                              as_of=parse_as_of(as_of)))


@app.command()
def batch(
    input_: Annotated[str, typer.Argument(metavar="INPUT",
                      help="CSV (one row per person) or JSONL (one answers mapping a line).")],
    output: Annotated[str | None, typer.Option("--output", metavar="FILE",
                      help="Write results here (atomically); default: standard output.")] = None,
    as_of: AsOfOpt = None,
    format_: Annotated[str | None, typer.Option("--format", metavar="csv|jsonl",
                       help="Output format (default: from --output's ending, else csv).")] = None,
    rules: RulesOpt = None,
) -> None:
    """Assess a whole cohort from a CSV or JSONL file."""
    fmt = parse_format(format_, ("csv", "jsonl")) if format_ else None
    from hitpath.cohort.batch import run_batch

    raise typer.Exit(_said(run_batch(input_path=input_, output=output,
                                     as_of=parse_as_of(as_of), rules_path=rules, fmt=fmt)))


@app.command()
def recheck(
    answers: Annotated[list[str], typer.Argument(metavar="ANSWERS...",
                       help="Saved answers files, or folders of them.")],
    old_rules: Annotated[str, typer.Option("--old-rules", metavar="FILE",
                         help="The rules the answers were last checked with.")],
    rules: RulesOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Which saved clients' verdicts or dates change between two versions of the rules."""
    from hitpath.cohort.recheck import run_recheck

    raise typer.Exit(run_recheck(paths=answers, old_rules=old_rules, rules_path=rules,
                                 as_of=parse_as_of(as_of)))


_SINGLE = ("check", "ask", "questions", "sources", "batch", "recheck")


def _prog(first: str) -> str:
    return f"hitpath {first}" if first in _SINGLE else "hitpath"


def _app_for(first: str) -> typer.Typer:
    """The app to run: for a plain command, one holding only that command.

    Typer builds every command's options before running any, which costs more than the
    rest of a `check`; `hitpath --help` and the `rules` group still get the whole app.
    """
    if first not in _SINGLE:
        return app
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                         rich_markup_mode=None)
    single.command(first)(globals()[first])
    return single


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(message.rstrip() + "\n")
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: exit 2 with one clear message on bad input, 130 on Ctrl-C."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if not args:
            # The most common start, straight to the questions: building the whole command
            # tree first would cost a tenth of a second before the first question appears.
            from hitpath.ask.session import run_ask

            sys.exit(run_ask(answers_path=None, save_path=None, as_of=_today(),
                             rules_path=None, plain=False, ask_all=False))
        code = _app_for(args[0])(args=args[1:] if args[0] in _SINGLE else args,
                                 prog_name=_prog(args[0]), standalone_mode=False)
    except HitpathError as exc:
        _fail(f"hitpath: {exc.render()}", 2)
    except (KeyboardInterrupt, typer.Abort):
        _fail("\nhitpath: stopped (Ctrl-C); nothing was written.", 130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:
        # Usage errors from the CLI framework (unknown option, missing value...).
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
        raise
    if code == 130 and not _STOP_REPORTED["done"]:
        # The CLI framework turns Ctrl-C into a silent exit 130; say what happened.
        _fail("\nhitpath: stopped (Ctrl-C); nothing was written.", 130)
    sys.exit(code if isinstance(code, int) else 0)
