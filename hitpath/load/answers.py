"""Answers: validated against the questions, from a file, from --set, or from the prompts.

The same validators serve every way answers arrive, so a file, the command line and the
questionnaire accept and refuse exactly the same values.
"""

from __future__ import annotations

import re
from datetime import date

from hitpath.core.dates import MONTHS, parse_iso
from hitpath.core.errors import HitpathError, did_you_mean
from hitpath.core.model import UNSURE, Answers, AnswerValue, Question, Rules
from hitpath.core.untrusted import echo
from hitpath.load.strict import LineMap, line_of

# Dates as people write them in the UK, day first: 31/01/2024 or 31.01.2024, 01/2024 for a
# month; 2024/01/31 is year first. Files, --set, the questionnaire and spreadsheets all read
# dates through uk_date, so each accepts exactly what the others do.
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{2,4})")
_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.]([0-9]{4})")
_YEAR_FIRST = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?")
DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY"


def uk_date(text: str) -> str:
    """A day-first date (31/01/2024, 31.01.2024), a month (01/2024) or a year-first one
    (2024/01/31) as YYYY-MM-DD or YYYY-MM; anything else is returned as it is, for the ISO
    reader. Raises ValueError, in one line, for an ambiguous or impossible date."""
    import calendar

    found = _DAY_FIRST.fullmatch(text)
    if found:
        day, month, year = (int(g) for g in found.groups())
        if len(found.group(3)) != 4:
            raise ValueError(f"{echo(text)} is ambiguous: write the year in full, day first, "
                             "for example 31/01/2024")
        if not 1 <= month <= 12:
            raise ValueError(f"{echo(text)} has no month {month}; dates with / are read day "
                             "first (DD/MM/YYYY): was it written month first?")
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"{echo(text)} is not a real date: {MONTHS[month - 1]} {year} has "
                             f"{last} days (dates with / are read day first, DD/MM/YYYY)")
        return f"{year:04d}-{month:02d}-{day:02d}"
    found = _MONTH_YEAR.fullmatch(text)
    if found:
        month, year = int(found.group(1)), int(found.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"{echo(text)} has no month {month}; expected MM/YYYY")
        return f"{year:04d}-{month:02d}"
    found = _YEAR_FIRST.fullmatch(text)
    if found:
        return f"{int(found.group(1)):04d}-{int(found.group(2)):02d}-{int(found.group(3)):02d}"
    return text


def coerce(question: Question, raw: object) -> tuple[AnswerValue, bool]:
    """Check one raw value against its question.

    Returns (value, month_only), or raises ValueError with a message a person can act on.
    """
    if raw is None:
        raise ValueError("no value given")
    if isinstance(raw, str) and raw.strip() == UNSURE and question.type in ("number", "date"):
        if not question.unsure_allowed:
            raise ValueError("'not_sure' is not allowed for this question")
        return UNSURE, False
    kind = question.type
    if kind == "choice":
        value = _choice_text(raw)
        if value not in question.values:
            raise ValueError(_not_a_choice(value, question))
        return value, False
    if kind == "multi":
        items = raw if isinstance(raw, list) else [raw]
        if isinstance(raw, str):
            items = [p for p in (s.strip() for s in raw.replace(";", ",").split(",")) if p]
        values: list[str] = []
        for item in items:
            value = _choice_text(item)
            if value not in question.values:
                raise ValueError(_not_a_choice(value, question))
            if value not in values:
                values.append(value)
        if not values:
            raise ValueError("choose at least one")
        exclusive = [c.label for c in question.choices if c.exclusive and c.value in values]
        if exclusive and len(values) > 1:
            raise ValueError(f"'{exclusive[0]}' cannot be combined with other choices")
        return tuple(values), False
    if kind == "number":
        if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
            raise ValueError(f"expected a whole number of {question.unit or 'units'}, "
                             f"got {echo(raw)}")
        if isinstance(raw, str):
            text = raw.strip()
            if len(text) > 12:
                raise ValueError(f"expected a whole number of {question.unit or 'units'} "
                                 f"of at most {question.max}, got a {len(text)}-digit number")
            digits = text[1:] if text.startswith("-") else text
            if not (digits.isascii() and digits.isdigit()):
                raise ValueError(f"expected a whole number of {question.unit or 'units'}, "
                                 f"got {echo(raw)}")
            raw = int(text)
        if not isinstance(raw, (int, float)):
            raise ValueError(f"expected a whole number, got {type(raw).__name__}")
        number = int(raw)
        if question.min is not None and number < question.min:
            raise ValueError(f"expected a whole number of at least {question.min}, got {number}")
        if question.max is not None and number > question.max:
            raise ValueError(f"expected a whole number of at most {question.max}, got {number}")
        return number, False
    if kind == "date":
        if isinstance(raw, date):
            return raw, False
        if not isinstance(raw, str):
            raise ValueError(f"expected a date written {DATE_FORMS}, got {echo(raw)}")
        text = uk_date(raw.strip())
        if not _ISO.fullmatch(text):
            raise ValueError(f"{echo(raw.strip())} is not a date; expected {DATE_FORMS}, "
                             "for example 2025-07-14 or 14/07/2025")
        day, month_only = parse_iso(text)
        if month_only and not question.month_only_allowed:
            raise ValueError(f"{echo(raw.strip())} gives only a month; this needs the exact "
                             f"day, {DATE_FORMS} (a month's last day could be too late or too "
                             "early)")
        return day, month_only
    raise ValueError(f"unknown question type {kind}")


def _choice_text(raw: object) -> str:
    # YAML 1.1 reads unquoted yes/no as booleans: take them as the choices they spell.
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, (str, int)):
        return str(raw).strip()
    raise ValueError(f"expected one of the choices, got {type(raw).__name__}")


def _not_a_choice(value: str, question: Question) -> str:
    hint = did_you_mean(value, question.values)
    allowed = ", ".join(question.values)
    return f"{echo(value)} is not a choice. {hint + ' ' if hint else ''}Allowed: {allowed}"


def example_answer(rules: Rules, kind: str = "choice") -> tuple[str, str]:
    """A real answer key and value from the rules, for hints: the first question of ``kind``
    (a choice question's first choice; an example date)."""
    question = next((q for q in rules.questions if q.type == kind), rules.questions[0])
    if question.choices:
        return question.id, question.values[0]
    return question.id, "2023-07-14" if question.type == "date" else "1"


def from_mapping(
    rules: Rules, data: object, filename: str, lines: LineMap | None = None
) -> Answers:
    """Validate a parsed answers file (a mapping of question id to value)."""
    lines = lines or {}
    if data is None:
        return Answers()
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else type(data).__name__
        raise HitpathError(
            f"an answers file must be a mapping of question ids to answers; this one is a {kind}",
            file=filename, line=1, hint="For example:  " + ": ".join(example_answer(rules)),
        )
    answers = Answers()
    month_only: set[str] = set()
    for key, raw in data.items():
        question = _question(rules, key, filename, line_of(lines, (key,)))
        if raw is None:  # an empty value (null) means: not answered
            continue
        try:
            value, monthly = coerce(question, raw)
        except ValueError as exc:
            raise HitpathError(str(exc), file=filename, line=line_of(lines, (key,)),
                               key=key) from None
        answers.values[key] = value
        if monthly:
            month_only.add(key)
    answers.month_only = frozenset(month_only)
    return answers


def _question(rules: Rules, key: str, file: str, line: int | None = None) -> Question:
    """The question ``key`` answers, or a HitpathError naming the nearest key."""
    question = rules.question_by_id.get(key)
    if question is None:
        raise HitpathError("unknown answer key", file=file, line=line, key=key,
                           hint=did_you_mean(key, list(rules.question_by_id))
                           or "Run 'hitpath questions' to list the keys.")
    return question


def load_answers(rules: Rules, path: str) -> Answers:
    """Read and validate an answers file (YAML or JSON)."""
    from hitpath.load.strict import load_file

    data, lines = load_file(path, "answers")
    return from_mapping(rules, data, path, lines)


# What spreadsheets hold -------------------------------------------------------------------
# Batch cells and --set values are read as a person would type them as well as by id: a
# choice's label or id in any case ('England', 'Not sure', 'None'), and UK dates, day first
# (31/01/2024).

def written_as(text: str) -> str:
    """A label, id or key as compared: any case, '_' as a space, curly apostrophes
    straight."""
    return " ".join(text.replace("_", " ").replace("\u2019", "'").lower().split())


def _choice_names(question: Question) -> dict[str, str]:
    """Every way a choice may be written (label or id, in any case) -> its id."""
    names = {written_as(c.label): c.value for c in question.choices}
    names.update({written_as(c.value): c.value for c in question.choices})
    return names


def _one_choice(names: dict[str, str], text: str) -> str:
    return names.get(written_as(text), text.strip())


def spreadsheet_answer(question: Question, raw: object) -> object:
    """A cell as a spreadsheet holds it, turned into what the answers checks read: choice
    labels to ids, 'Not sure' to not_sure, UK day-first dates to YYYY-MM-DD.

    Raises ValueError for a date that is ambiguous (a two-digit year) or impossible (31/02,
    or a month after 12: the file was perhaps saved month first).
    """
    if question.type == "choice" and isinstance(raw, str):
        return _one_choice(_choice_names(question), raw)
    if question.type == "multi" and isinstance(raw, (str, list)):
        names = _choice_names(question)
        if isinstance(raw, list):
            return [_one_choice(names, item) if isinstance(item, str) else item
                    for item in raw]
        whole = names.get(written_as(raw))
        if whole is not None:
            return [whole]
        picked: list[str] = []
        for part in (p for p in raw.split(";") if p.strip()):
            value = names.get(written_as(part))
            if value is not None:
                picked.append(value)
            else:  # 'pwp,other_nurse', or labels with no commas of their own
                picked += [_one_choice(names, p) for p in part.split(",") if p.strip()]
        return picked if picked else raw
    if question.type in ("number", "date") and isinstance(raw, str):
        if written_as(raw) == "not sure":
            return UNSURE
        if question.type == "date":
            return uk_date(raw.strip())
    return raw


def apply_sets(rules: Rules, answers: Answers, pairs: list[str]) -> Answers:
    """Apply ``--set KEY=VALUE`` overrides (lists comma-separated), read as a spreadsheet's
    cells are (labels and ids in any case, UK dates)."""
    values = dict(answers.values)
    month_only = set(answers.month_only)
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep:
            raise HitpathError(f"{echo(pair)} is not KEY=VALUE", file="--set",
                               hint="For example: --set "
                               + "=".join(example_answer(rules, "date")))
        question = _question(rules, key, "--set")
        if raw.strip() == "":
            values.pop(key, None)
            month_only.discard(key)
            continue
        try:
            value, monthly = coerce(question, spreadsheet_answer(question, raw))
        except ValueError as exc:
            raise HitpathError(str(exc), file="--set", key=key) from None
        values[key] = value
        if monthly:
            month_only.add(key)
        else:
            month_only.discard(key)
    return Answers(values, frozenset(month_only))
