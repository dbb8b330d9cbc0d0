"""Batch checks for a cohort.

``hitpath batch`` streams a CSV or JSONL file of answers through the compiled fast path
(``hitpath.cohort.fastpath``) and writes one result row per person. Input is read in large
chunks and output is written as it goes, so memory stays flat whatever the file's size; the
output file is written under a temporary name and renamed only when the run finishes, so an
interrupted run never leaves a file that looks complete. A bad row is reported in its own
``error`` cell and never stops the run.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import json
import operator
import os
import re
import signal
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import date
from typing import IO, TYPE_CHECKING, cast

from hitpath.cohort.fastpath import compile_rules, remember
from hitpath.core.errors import HitpathError, did_you_mean
from hitpath.core.model import Question, Rules
from hitpath.core.untrusted import echo, for_json, for_terminal, visible
from hitpath.load.answers import spreadsheet_answer, written_as
from hitpath.load.output import (
    FORMULA_STARTS,
    STDIO,
    AtomicOutput,
    on_stop_signal,
    remove_temporary_files,
    spreadsheet_text,
)
from hitpath.report.words import (
    and_list,
    not_before_words,
    not_yet_answer,
    outside_answer,
    verdict_text,
)

if TYPE_CHECKING:
    from _csv import Reader
    from types import FrameType

    from rich.progress import Progress as Bar

    from hitpath.cohort.fastpath import Outcome, OutcomeClass, OutcomeClasses

REF = "ref"
"""The one input column that is not an answer key: the adviser's own reference, kept as is."""

# Input is read and decoded a piece at a time. Read as text, a piece takes 4 bytes a character,
# and the next is made before the last is let go: pieces are kept small.
CHUNK_BYTES = 1 << 18
MAX_LINE_BYTES = 64 << 20  # a "line" longer than this is not a cohort file
CACHE_LIMIT = 4096  # distinct cell texts remembered per column, so memory stays flat
REASONS_LIMIT = 1024  # reasons remembered: most carry a date of their own, so few come back
ERRORS_SHOWN = 10  # rows named in the summary on stderr; every one is in the error column
PROGRESS_EVERY = 4096  # rows between progress bar updates

JSONL_ENDINGS = (".jsonl", ".ndjson")
CSV_DELIMITERS = (",", ";", "\t")


class _Problem(str):
    """A cell's reason for refusal, cached like a good value."""


_BLANK = object()  # a cell with only spaces: not answered


# Reading ----------------------------------------------------------------------------------


class _LineSource:
    """Text lines from a binary file, decoded as UTF-8 a chunk at a time.

    Lines that are not UTF-8 are decoded with replacement characters and their numbers kept
    in ``bad_lines``, so the row they belong to can be refused while the rest is assessed.
    """

    def __init__(self, handle: io.BufferedIOBase, where: str = "<input>") -> None:
        self.handle = handle
        self.where = where
        self.bytes_read = 0
        self.lines_before = 0
        self.bad_lines: set[int] = set()

    def lines(self) -> Iterator[str]:
        """Every line with its ending (split at \\n, \\r\\n or \\r, as csv expects)."""
        return itertools.chain.from_iterable(self._chunks())

    def _chunks(self) -> Iterator[Iterable[str]]:
        rest = b""  # after the last line end so far
        long_line = bytearray()  # a line longer than a piece, gathered once (rest first)
        first = True
        while True:
            # read1: what is there, up to a chunk; a pipe is never waited on to fill a chunk.
            try:
                block = self.handle.read1(CHUNK_BYTES)
                if first:
                    first = False
                    while block and len(block) < 3 and b"\xef\xbb\xbf".startswith(block):
                        more = self.handle.read1(3 - len(block))  # a pipe may give a byte
                        if not more:
                            break
                        block += more
                    if block.startswith(b"\xef\xbb\xbf"):  # the byte order mark of spreadsheets
                        self.bytes_read += 3
                        block = block[3:]
                        if not block:
                            continue  # a pipe gave the mark alone: the rows follow
            except OSError as exc:
                raise HitpathError(f"cannot read the input file: {exc.strerror}",
                                   file=self.where) from None
            self.bytes_read += len(block)
            if not block:
                if rest or long_line:
                    yield self._decode(b"".join((rest, long_line)))
                return
            cut = block.rfind(b"\n") + 1
            if not cut:
                # Old Mac files end lines with \r alone; never split a \r\n pair (with no \n in
                # the block, a \r before its last byte is not one).
                cut = block.rfind(b"\r", 0, len(block) - 1) + 1
            if not cut:
                long_line += rest
                long_line += block
                rest = b""
                if len(long_line) > MAX_LINE_BYTES:
                    raise HitpathError(
                        f"a line is longer than {MAX_LINE_BYTES >> 20} MB; expected one row "
                        "per person", file=self.where, hint="Is this a CSV or JSONL file?")
                continue
            data = b"".join((rest, long_line, block[:cut])) if rest or long_line else block[:cut]
            long_line.clear()
            rest = block[cut:]
            yield self._decode(data)

    def _decode(self, chunk: bytes) -> Iterable[str]:
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            lines = chunk.splitlines(keepends=True)
            decoded = []
            for offset, raw in enumerate(lines, start=self.lines_before + 1):
                try:
                    decoded.append(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    self.bad_lines.add(offset)
                    decoded.append(raw.decode("utf-8", "replace"))
            self.lines_before += len(lines)
            return decoded
        self.lines_before += (chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
                              + (not chunk.endswith((b"\n", b"\r"))))
        return io.StringIO(text, newline="")


def _cell_value(question: Question, cell: str) -> object:
    """A CSV cell checked against its question: the value, _BLANK, or a _Problem."""
    from hitpath.load.answers import coerce

    text = cell.strip()
    if not text:
        return _BLANK
    try:
        value, _ = coerce(question, spreadsheet_answer(question, text))
    except ValueError as exc:
        return _Problem(f"{question.id}: {exc}")
    return value


# The run ----------------------------------------------------------------------------------


class _Tally:
    """Counts of assessed and refused rows, and the first few reasons for the summary."""

    def __init__(self) -> None:
        self.assessed = 0
        self.failed = 0
        self.shown: list[str] = []
        self.in_conflict = 0
        self.conflict_rows: list[int] = []

    def conflicted(self, row: int) -> None:
        """A row assessed with answers that cannot both be true (named in its conflicts cell)."""
        self.in_conflict += 1
        if len(self.conflict_rows) < ERRORS_SHOWN:
            self.conflict_rows.append(row)

    def conflict_line(self) -> str:
        """Which rows have conflicting answers (not decided on them), or ''."""
        if not self.in_conflict:
            return ""
        left = self.in_conflict - len(self.conflict_rows)
        more = f" and {left:,} more" if left else ""
        rows = ", ".join(str(r) for r in self.conflict_rows)
        word = "row" if self.in_conflict == 1 else "rows"
        return (f"\n{self.in_conflict:,} {word} with answers that cannot both be true ({word} "
                f"{rows}{more}): not decided on them; see the conflicts column.")

    def refuse(self, reason: str) -> None:
        self.failed += 1
        if len(self.shown) < ERRORS_SHOWN:
            self.shown.append(reason)

    def summary(self) -> str:
        head = f"{self.assessed:,} assessed"
        if not self.failed:
            return head + ", no errors." + self.conflict_line()
        rows = "row" if self.failed == 1 else "rows"
        names = ", ".join(reason.partition(":")[0] for reason in self.shown)
        left = self.failed - len(self.shown)
        more = f" and {left:,} more" if left else ""
        lines = [f"{head}, {self.failed:,} {rows} with errors: {names}{more}"]
        lines += [f"  {reason}" for reason in self.shown]
        if more:
            lines.append("  (every one is named in the error column)")
        return "\n".join(lines) + self.conflict_line()


Assess = Callable[[dict[str, object]], "OutcomeClass"]
"""One row's outcome class (``fastpath.OutcomeClasses``): rows of a class share their cells."""
Progress = Callable[[], None] | None
Row = str | list[str]
"""One output row: a CSV or JSON line, or a table's cells."""
Emit = Callable[[int, str, "OutcomeClass"], Row]
Refuse = Callable[[int, str, str], Row]

_QUOTED = re.compile(r'[,"\r\n]')


def _csv_cell(text: str) -> str:
    """A cell as Python's csv writer writes it: quoted only when it must be."""
    if _QUOTED.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


def csv_line(cells: list[str]) -> str:
    """One CSV line with CSV's own \\r\\n ending, as Python's csv writer writes it: then a \\r
    inside a cell (a ref is kept as given) is quoted too, so no reader splits the row there."""
    search = _QUOTED.search
    if search("".join(cells)) is None:  # the usual line: no cell needs quotes
        return ",".join(cells) + "\r\n"
    return ",".join([c if search(c) is None else '"' + c.replace('"', '""') + '"'
                     for c in cells]) + "\r\n"


class _Columns:
    """The output columns, and how an outcome becomes a row.

    Beside the ids for scripts, each row carries a plain-English reason and the date the
    best route is open from, worked out once per distinct outcome (cohorts repeat).
    """

    def __init__(self, route_ids: tuple[str, ...], reasons: Reasons | None = None) -> None:
        self.route_ids = route_ids
        self.reasons = reasons
        self.names = ["row", REF]
        for route_id in route_ids:
            self.names += [f"{route_id}_verdict", f"{route_id}_from",
                           f"{route_id}_first_intake", f"{route_id}_qualified_by"]
        self.names += ["two_year_rule", "nhs_funding_from", "best_route", "best_route_from",
                       "main_unmet", "undecided_by", "reason", "not_before", "conflicts", "error"]
        self.blank = [""] * (len(self.names) - 3)
        # The routes' cells as CSV text, by the routes' verdicts, dates, intakes and ends: far
        # fewer kinds than whole outcomes.
        self.pieces: dict[Hashable, str] = {}

    def emitters(self, fmt: str) -> tuple[Emit, Refuse]:
        """How an assessed row and a refused row are written in ``fmt``: CSV text lines,
        JSON lines, or (for the tables people read) lists of cells as given."""
        if fmt == "csv":
            return self.csv_line, self.csv_refused_line
        if fmt == "jsonl":
            return self.json_row, self.json_refused
        return self.table_row, self.table_refused

    def header_line(self) -> str:
        """The CSV header line."""
        return csv_line(self.names)

    # In CSV, a ref is written as given, except that one a spreadsheet would run as a formula
    # (=, +, -, @, tab or carriage return first) gets a leading ' that makes it text.

    def csv_line(self, row: int, ref: str, known: OutcomeClass) -> str:
        """A CSV result line, as Python's csv writer writes it (the outcome's cells are
        encoded once per outcome class)."""
        text = known.text
        if text is None:  # only the text is kept: memory stays small per class
            text = known.text = self.csv_text(known.outcome)
        if not ref.isalnum():  # letters and digits alone (the usual ref) need neither
            if ref[:1] in FORMULA_STARTS:
                ref = "'" + ref
            if _QUOTED.search(ref) is not None:
                ref = _csv_cell(ref)
        return f"{row},{ref},{text}"

    def csv_refused_line(self, row: int, ref: str, reason: str) -> str:
        """A CSV line for a row that could not be assessed."""
        return csv_line([str(row), spreadsheet_text(ref), *self.blank,
                         spreadsheet_text(reason)])

    def table_row(self, row: int, ref: str, known: OutcomeClass) -> list[str]:
        """A result row's cells for a table people read: the ref exactly as given."""
        return [str(row), ref, *self.csv_tail(known)]

    def table_refused(self, row: int, ref: str, reason: str) -> list[str]:
        """A table row for a row that could not be assessed."""
        return [str(row), ref, *self.blank, reason]

    def json_row(self, row: int, ref: object, known: OutcomeClass) -> str:
        """A JSON result line (an empty CSV ref becomes null)."""
        if isinstance(ref, str) and ref[:1] in FORMULA_STARTS:
            ref = "'" + ref
        return self.json_line(row, ref if ref != "" else None, known, None)

    def json_refused(self, row: int, ref: object, reason: str) -> str:
        """A JSON line for a row that could not be assessed."""
        if isinstance(ref, str):
            ref = spreadsheet_text(ref)
        return self.json_line(row, ref if ref != "" else None, None, spreadsheet_text(reason))

    def _extra(self, outcome: Outcome) -> tuple[str, str, str]:
        """The best route's open-from date (ISO), the reason, and the reason as a CSV cell,
        for one outcome."""
        if self.reasons is None:
            return _NO_REASON
        return self.reasons.describe(outcome)

    def csv_tail(self, known: OutcomeClass) -> list[str]:
        """Everything after row and ref, made once per outcome class (cohorts repeat)."""
        tail = known.row
        if tail is None:
            tail = known.row = self._cells(known.outcome)
        return tail

    def csv_text(self, outcome: Outcome) -> str:
        """``csv_line(self._cells(outcome))``, made faster: the routes' cells are encoded once
        per distinct set of verdicts, dates, intakes and ends (far fewer than outcomes)."""
        (verdicts, dates, rule, funding_from, best, main, undecided, firm, clash, first,
         ends, _, _) = outcome
        pieces = self.pieces
        key = (verdicts, dates, first, ends)
        routes = pieces.get(key)
        if routes is None:
            # Words from the rules' ids (validated as lower-case words) and ISO dates never
            # need quotes.
            routes = remember(pieces, key, ",".join([
                ",".join((verdict, when.isoformat() if when else "", _month(intake), _month(end)))
                for verdict, when, intake, end in zip(verdicts, dates, first, ends, strict=True)
            ]), CACHE_LIMIT)
        best_from, _, reason = self._extra(outcome)
        return ",".join((routes, rule, funding_from.isoformat() if funding_from else "", best,
                         best_from, main, ";".join(undecided), reason,
                         firm.isoformat() if firm else "", ";".join(clash), "\r\n"))

    def _cells(self, outcome: Outcome) -> list[str]:
        """The cells after row and ref for one outcome."""
        (verdicts, dates, rule, funding_from, best, main, undecided, firm, clash, first,
         ends, _, _) = outcome
        best_from, reason, _ = self._extra(outcome)
        tail: list[str] = []
        for verdict, when, intake, end in zip(verdicts, dates, first, ends, strict=True):
            tail += (verdict, when.isoformat() if when else "", _month(intake), _month(end))
        tail += (rule, funding_from.isoformat() if funding_from else "", best, best_from,
                 main, ";".join(undecided), visible(reason), firm.isoformat() if firm else "",
                 ";".join(clash), "")
        return tail

    def json_line(self, row: int, ref: object, known: OutcomeClass | None, error: str | None
                  ) -> str:
        """One JSON line: row and ref, then the outcome (made once per outcome class)."""
        head = f'{{"row": {row}, "ref": {json.dumps(ref)}, '
        if known is None:
            return head + json.dumps({**_NO_RECORD, "error": error})[1:] + "\n"
        rest = known.line
        if rest is None:
            outcome = known.outcome
            (verdicts, dates, rule, funding_from, best, main, undecided, firm, clash, first,
             ends, _, _) = outcome
            best_from, reason, _ = self._extra(outcome)
            record = {
                "routes": {
                    route_id: {"verdict": verdict, "from": when.isoformat() if when else None,
                               "first_intake": _month(intake) or None,
                               "qualified_by": _month(end) or None}
                    for route_id, verdict, when, intake, end in zip(
                        self.route_ids, verdicts, dates, first, ends, strict=True)
                },
                "two_year_rule": rule,
                "nhs_funding_from": funding_from.isoformat() if funding_from else None,
                "best_route": best or None, "best_route_from": best_from or None,
                "main_unmet": main or None, "undecided_by": list(undecided),
                "reason": reason or None,
                "not_before": firm.isoformat() if firm else None, "conflicts": list(clash),
                "error": None,
            }
            rest = known.line = for_json(json.dumps(record, ensure_ascii=False))[1:] + "\n"
        return head + rest


_NO_REASON = ("", "", "")
_NO_RECORD = dict.fromkeys(("routes", "two_year_rule", "nhs_funding_from", "best_route",
                            "best_route_from", "main_unmet", "undecided_by", "reason",
                            "not_before", "conflicts"))


class Reasons:
    """A batch outcome in plain English, in the words the reports use."""

    def __init__(self, rules: Rules, as_of: date) -> None:
        self.rules = rules
        self.as_of = as_of
        self.routes = {r.id: r for r in rules.routes}
        self.route_ids = tuple(r.id for r in rules.routes)
        self.requirements = rules.requirements
        self.questions = rules.question_by_id
        self.conflicts = {c.id: c.text for c in rules.conflicts}
        self.index = {route_id: i for i, route_id in enumerate(self.route_ids)}
        self._said: dict[Hashable, tuple[str, str, str]] = {}

    def describe(self, outcome: Outcome) -> tuple[str, str, str]:
        """The best route's open-from date (ISO), the reason, and the reason as a CSV cell
        (quoted where it must be), remembered by the few parts of the outcome they depend on
        (far fewer kinds than whole outcomes)."""
        verdicts, best, main, undecided = (outcome.verdicts, outcome.best_route,
                                           outcome.main_unmet, outcome.undecided_by)
        key: Hashable
        if best:
            index = self.index[best]
            key = (best, verdicts[index], outcome.dates[index], main, undecided,
                   outcome.conflicts, outcome.not_before, outcome.counts_on)
        else:
            key = ("unsure" in verdicts, main, outcome.conflicts, outcome.in_scope)
        said = self._said.get(key)
        if said is None:
            when = self.best_from(outcome)
            reason = self.reason(outcome)
            # Its words come from the rules file: CSV has no escapes, so controls are shown.
            said = remember(self._said, key, (when.isoformat() if when else "", reason,
                                              _csv_cell(visible(reason))), REASONS_LIMIT)
        return said

    def best_from(self, outcome: Outcome) -> date | None:
        """When the best route is open: the judging date if now, its date if later."""
        verdicts, dates, best = outcome.verdicts, outcome.dates, outcome.best_route
        if not best:
            return None
        index = self.route_ids.index(best)
        if verdicts[index] == "eligible":
            return self.as_of
        return dates[index] if verdicts[index] == "eligible_from" else None

    def reason(self, outcome: Outcome) -> str:
        """One sentence or two: the verdict on the best route, and what decides it; answers
        that cannot both be true first, as the report's summary names them."""
        line = self._verdict_reason(outcome)
        if outcome.conflicts:
            texts = " ".join(self.conflicts[c] for c in outcome.conflicts
                             if c in self.conflicts)
            return f"Check your answers first: {texts} Until then: {line}"
        return line

    def _verdict_reason(self, outcome: Outcome) -> str:
        verdicts, dates, best, main, undecided = (outcome.verdicts, outcome.dates,
                                                  outcome.best_route, outcome.main_unmet,
                                                  outcome.undecided_by)
        if not outcome.in_scope:
            return outside_answer(self.rules)
        title = self.requirements[main].title if main in self.requirements else ""
        firm = outcome.not_before
        if not best:
            if main:
                return f"{verdict_text('not_eligible')}. In the way: {title}."
            if "unsure" in verdicts:
                return "Not decided: too few answers to judge any route."
            return f"{verdict_text('not_eligible')}."
        index = self.route_ids.index(best)
        verdict, when = verdicts[index], dates[index]
        route = self.routes[best].short_title
        if verdict == "unsure":
            facts = [self.questions[q].fact for q in undecided if q in self.questions]
            said = and_list(facts) if facts else "answers not given yet"
            if firm:
                return (f"{not_before_words(self.rules, firm, outcome.counts_on)}; after that "
                        f"the {route} depends on {said}.")
            return f"Not decided: the {route} depends on {said}."
        if verdict == "not_yet" and firm:
            head = not_yet_answer(self.rules, route, firm, outcome.counts_on)
            return f"{head} Missing: {title}." if title else head
        head = f"{verdict_text(verdict, when)} by the {route}."
        if verdict == "eligible_from" and title:
            return f"{head} Sets the date: {title}."
        if verdict == "not_yet" and title:
            return f"{head} Missing: {title}."
        return head


def _month(day: date | None) -> str:
    """A month as YYYY-MM, as the JSON report gives it ('' for none)."""
    return day.isoformat()[:7] if day else ""


def _header(
    lines: Iterator[str], rules: Rules, where: str
) -> tuple[list[str], str, str, int]:
    """The header row's names, the delimiter, the header's own line, and its line number."""
    number = 0
    for number, line in enumerate(lines, start=1):  # noqa: B007 - the number is used below
        if line.strip():
            break
    else:
        raise HitpathError(
            "the file is empty; expected a header row of answer keys, then one row per person",
            file=where, hint="Run 'hitpath questions' to list the answer keys.")
    # A column is named by its answer key in any case, with spaces for underscores ('Nation',
    # 'Previous NHS training'), as a spreadsheet's header may be written.
    keys = {written_as(key): key for key in [*rules.question_by_id, REF]}

    def named(cells: list[str]) -> list[str]:
        return [keys.get(written_as(cell), cell.strip()) for cell in cells]

    def score(delimiter: str) -> int:
        return sum(1 for n in named(next(csv.reader([line], delimiter=delimiter), []))
                   if n in keys.values())

    delimiter = max(CSV_DELIMITERS, key=score)  # a comma wins a tie
    return named(next(csv.reader([line], delimiter=delimiter))), delimiter, line, number


class _CellReader:
    """Turns a record's answer cells into answer values, remembering each distinct cell text.

    A blank cell means 'not answered' and becomes None, which the fast path reads as missing.
    Good values are cached per column, so a warm row is one C-level pass of dict look-ups;
    refused cells are cached apart, with their reasons.
    """

    def __init__(self, names: list[str], rules: Rules) -> None:
        indexes = [i for i, n in enumerate(names) if n in rules.question_by_id]
        self.keys = tuple(names[i] for i in indexes)
        self.questions = tuple(rules.question_by_id[k] for k in self.keys)
        self.caches: list[dict[str, object]] = [{"": None} for _ in self.keys]
        self.refused: list[dict[str, _Problem]] = [{} for _ in self.keys]
        if len(indexes) == 1:
            only = indexes[0]
            self.pick: Callable[[list[str]], tuple[str, ...]] = lambda record: (record[only],)
        else:
            self.pick = operator.itemgetter(*indexes)

    def slow(self, cells: tuple[str, ...]) -> tuple[list[object], list[str]]:
        """Values and problems for cells some of which are not cached yet."""
        values: list[object] = []
        problems: list[str] = []
        for cell, cache, refused, question in zip(cells, self.caches, self.refused,
                                                  self.questions, strict=True):
            if cell in cache:
                values.append(cache[cell])
                continue
            got: object = refused.get(cell)
            if got is None:
                got = _cell_value(question, cell)
            if got.__class__ is _Problem:
                problems.append(remember(refused, cell, got, CACHE_LIMIT))
                values.append(None)
                continue
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
                cache[""] = None
            value = cache[cell] = None if got is _BLANK else got
            values.append(value)
        return values, problems


def _csv_rows(
    reader: Reader, names: list[str], rules: Rules, classes: OutcomeClasses, columns: _Columns,
    source: _LineSource, tally: _Tally, progress: Progress, header_number: int,
    fmt: str = "csv",
) -> Iterator[Row]:
    """Output rows (CSV lists or JSON lines) for every input record; bad records become rows
    with an error."""
    width = len(names)
    cells_reader = _CellReader(names, rules)
    pick, keys, caches, slow = (cells_reader.pick, cells_reader.keys, cells_reader.caches,
                                cells_reader.slow)
    if classes.given != keys:  # rows hold the answers in the file's order of columns
        classes = classes.laid_out(keys)
    of_row, absent = classes.of_row, classes.absent  # a row: the cells' values, then the rest
    lookup = dict.__getitem__
    unknown_columns = [(i, n) for i, n in enumerate(names) if n not in rules.question_by_id
                       and n != REF]
    ref_index = names.index(REF) if REF in names else -1
    emit, refused = columns.emitters(fmt)
    bad_lines = source.bad_lines
    # Rows are numbered as a spreadsheet shows them: the header is row 1 (after any blank
    # lines above it); the reader counts lines from the header, the source from the top.
    row_number = header_number
    offset = header_number - 1
    last_line = reader.line_num + offset
    while True:
        try:
            for record in reader:
                row_number += 1
                if progress and not row_number % PROGRESS_EVERY:
                    progress()
                if bad_lines and any(n in bad_lines for n in range(
                        last_line + 1, reader.line_num + offset + 1)):
                    last_line = reader.line_num + offset
                    reason = (f"row {row_number}: this row is not UTF-8 text; save the file as "
                              "UTF-8")
                    tally.refuse(reason)
                    # The ref, when the bad bytes are elsewhere in the row.
                    ref = record[ref_index] if 0 <= ref_index < len(record) else ""
                    yield refused(row_number, "" if "\ufffd" in ref else ref, reason)
                    continue
                last_line = reader.line_num + offset
                if len(record) != width:
                    if not record:
                        continue  # a blank line
                    reason = (f"row {row_number}: {len(record)} fields, but the header has "
                              f"{width}")
                    tally.refuse(reason)
                    yield refused(row_number, record[ref_index] if 0 <= ref_index < len(record)
                                  else "", reason)
                    continue
                ref = record[ref_index] if ref_index >= 0 else ""
                cells = pick(record)
                try:
                    row = list(map(lookup, caches, cells))
                    problems = None
                except KeyError:
                    row, problems = slow(cells)
                if absent:
                    row += absent
                if unknown_columns:
                    extra = [f"a value in column {echo(name)}, which is not an answer key"
                             for index, name in unknown_columns if record[index].strip()]
                    problems = [*(problems or []), *extra]
                if problems:
                    reason = f"row {row_number}: " + "; ".join(problems)
                    tally.refuse(reason)
                    yield refused(row_number, ref, reason)
                    continue
                known = of_row(row)
                if known.own[1]:  # the ids of its conflicts
                    tally.conflicted(row_number)
                result = emit(row_number, ref, known)
                tally.assessed += 1
                yield result
            return
        except csv.Error as exc:
            row_number += 1
            last_line = reader.line_num + offset
            reason = f"row {row_number}: this row is not valid CSV ({exc})"
            tally.refuse(reason)
            yield refused(row_number, "", reason)


def _jsonl_rows(
    lines: Iterator[str], rules: Rules, assess: Assess, columns: _Columns,
    source: _LineSource, tally: _Tally, progress: Progress, fmt: str,
) -> Iterator[Row]:
    """Output rows (in ``fmt``, see ``_Columns.emitters``) for every JSONL line."""
    questions = rules.question_by_id
    caches: dict[str, dict[Hashable, object]] = {key: {} for key in questions}
    bad_lines = source.bad_lines
    emit, refuse_row = columns.emitters(fmt)

    def refused(number: int, ref: str, reason: str) -> Row:
        tally.refuse(reason)
        return refuse_row(number, ref, reason)

    for number, line in enumerate(lines, start=1):
        if not number % PROGRESS_EVERY and progress:
            progress()
        if bad_lines and number in bad_lines:
            yield refused(number, _readable_ref(line), f"row {number}: this line is not UTF-8 "
                          "text; save the file as UTF-8")
            continue
        text = line.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError as exc:
            yield refused(number, "", f"row {number}: not valid JSON ({exc})")
            continue
        except RecursionError:
            yield refused(number, "", f"row {number}: nested too deeply to be answers")
            continue
        if not isinstance(data, dict):
            from hitpath.load.answers import example_answer

            key, value = example_answer(rules)
            yield refused(number, "", f"row {number}: expected a mapping of answer keys to "
                          f"answers, like {json.dumps({key: value})}")
            continue
        raw_ref = data.pop(REF, None)
        ref = "" if raw_ref is None else raw_ref if isinstance(raw_ref, str) else json.dumps(
            raw_ref, ensure_ascii=False)
        values: dict[str, object] = {}
        problems: list[str] = []
        for key, raw in data.items():
            question = questions.get(key)
            if question is None:
                hint = did_you_mean(str(key), list(questions))
                problems.append(f"{echo(key)} is not an answer key"
                                + (f" ({hint})" if hint else ""))
                continue
            if raw is None:
                continue
            # Strings are most answers: look them up by themselves, the rest by type and value.
            got = caches[key].get(raw) if raw.__class__ is str else None
            if got is None:
                got = _json_value(question, raw, caches[key])
            if got.__class__ is _Problem:
                problems.append(got)
            elif got is not _BLANK:
                values[key] = got
        if problems:
            yield refused(number, ref, f"row {number}: " + "; ".join(problems))
            continue
        known = assess(values)
        if known.outcome.conflicts:
            tally.conflicted(number)
        result = emit(number, ref, known)
        tally.assessed += 1
        yield result


def _json_value(question: Question, raw: object, cache: dict[Hashable, object]) -> object:
    """A JSON answer checked against its question, cached by its type and value."""
    from hitpath.load.answers import coerce

    try:
        key = raw if raw.__class__ is str else (
            type(raw), tuple(raw) if isinstance(raw, list) else raw)
        got = cache.get(key)
    except TypeError:  # a list holding mappings: never valid, never cached
        key, got = None, None
    if got is not None:
        return got
    if isinstance(raw, str) and not raw.strip():
        got = _BLANK
    else:
        try:
            got = coerce(question, spreadsheet_answer(question, raw))[0]
        except ValueError as exc:
            got = _Problem(f"{question.id}: {exc}")
    if key is not None:
        remember(cache, key, got, CACHE_LIMIT)
    return got


_SPREADSHEETS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx and ods are zip files; xls is OLE


def _input_format(path: str, head: bytes) -> str:
    if head.startswith(_SPREADSHEETS):
        raise HitpathError("this is a spreadsheet file (xlsx, xls or ods), not CSV text",
                           file=path,
                           hint="In the spreadsheet, save it as 'CSV UTF-8' and give that file.")
    lower = path.lower()
    if lower.endswith(JSONL_ENDINGS):
        return "jsonl"
    if lower.endswith((".csv", ".tsv")):
        return "csv"
    return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def _readable_ref(line: str) -> str:
    """The ref of a JSONL line that was not all UTF-8, as far as it can be read."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return ""
    ref = data.get(REF) if isinstance(data, dict) else None
    return ref if isinstance(ref, str) and "\ufffd" not in ref else ""


def _open_input(path: str) -> io.BufferedReader:
    if path == STDIO:
        return sys.stdin.buffer  # type: ignore[return-value]
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise HitpathError("the input file does not exist", file=path) from None
    except OSError as exc:
        raise HitpathError(f"cannot read the input file: {exc.strerror}", file=path) from None


OUTPUT_ENDINGS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html",
                  ".md": "markdown", ".markdown": "markdown"}


def run_batch(
    input_path: str, output: str | None, as_of: date, rules_path: str | None, fmt: str | None
) -> int:
    """Assess every row of a CSV or JSONL file, or every answers file in a folder; 0 when all
    were assessed, 1 otherwise.

    ``fmt`` is the output format (csv, jsonl, or a table to read: html, markdown); None takes
    it from ``output``'s ending. Results go to ``output`` (written atomically, mode 0600) or
    to standard output.
    """
    from hitpath.load.ruleset import load_rules

    if output == STDIO:
        output = None
    if fmt is None:
        fmt = OUTPUT_ENDINGS.get(os.path.splitext(output)[1].lower(), "csv") if output else "csv"
    if input_path == STDIO and rules_path == STDIO:
        raise HitpathError("standard input can be read only once; give the cohort or the "
                           "rules as a file", file=STDIO)
    rules = load_rules(rules_path)
    fast = compile_rules(rules)
    columns = _Columns(tuple(r.id for r in rules.routes), Reasons(rules, as_of))
    tally = _Tally()
    folder = os.path.isdir(input_path)
    if folder:
        from hitpath.cohort.recheck import _answers_files

        files = _answers_files([input_path])
    else:
        files = []
    handle = None if folder else _open_input(input_path)
    previous_handler: Callable[[int, FrameType | None], object] | int | None = None
    on_main_thread = threading_is_main()
    sink: AtomicOutput | None = None
    # Rows make only short-lived objects and the caches are bounded, so the cycle collector
    # is asked to look less often (it costs about 5% of a run at its usual pace).
    collecting = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        if on_main_thread:  # before any file is made, so a kill never strands one
            # SIGTERM stops like Ctrl-C, removing any temporary file, even one made a
            # moment ago (the CLI does the same for SIGHUP).
            previous_handler = signal.signal(signal.SIGTERM, on_stop_signal)
        if handle is not None:
            head = handle.peek(64)
            source = _LineSource(handle, input_path)
            lines = source.lines()
            in_format = _input_format(input_path, head)
        else:
            source = _LineSource(io.BytesIO(), input_path)
            in_format = "folder"
        if in_format == "csv":
            names, delimiter, header_line, header_number = _header(lines, rules, input_path)
            _check_header(names, rules, input_path, source, header_number)
        if output:
            # Large writes: a result line is long, and the file is written once, in order.
            sink = AtomicOutput(output, (input_path, rules_path), buffering=1 << 20)
            out: IO[str] = sink.handle
        else:
            out = sys.stdout
        with _ProgressBar(input_path, output, source) as progress:
            if in_format == "csv":
                reader = csv.reader(itertools.chain([header_line], lines), delimiter=delimiter)
                next(reader)
                rows: Iterator[Row] = _csv_rows(reader, names, rules, fast.classes(as_of),
                                                columns, source, tally, progress,
                                                header_number, fmt)
            elif in_format == "folder":
                rows = _folder_rows(files, input_path, rules, fast.classes(as_of), columns,
                                    tally, fmt)
            else:
                rows = _jsonl_rows(lines, rules, fast.classes(as_of), columns, source, tally,
                                   progress, fmt)
            try:
                if fmt in ("csv", "jsonl"):
                    lines_out = cast(Iterator[str], rows)  # the emitters of these give text
                    if fmt == "csv":
                        out.write(columns.header_line())
                    if sink is not None:
                        out.writelines(lines_out)
                    else:  # line by line, through the CLI's guard on standard output
                        write = out.write
                        for line in lines_out:
                            write(line)
                else:
                    from hitpath.cohort.table import write_table

                    write_table(out, fmt, cast(Iterator[list[str]], rows), columns.names, rules,
                                as_of, tally)
                out.flush()
            except BrokenPipeError:
                raise  # the reader of standard output has gone: the CLI ends quietly
            except OSError as exc:
                raise HitpathError(f"cannot write the results: {exc.strerror}",
                                   file=output or "<stdout>") from None
        if sink is not None:
            sink.commit()
            sink = None
    except KeyboardInterrupt:
        remove_temporary_files()  # the results file's, even before it was noted here
        # Said here: the CLI framework turns Ctrl-C into a silent exit 130.
        done = "no results file was written" if output else "the results above are incomplete"
        sys.stderr.write(f"\nhitpath: stopped after {tally.assessed + tally.failed:,} rows; "
                         f"{done}.\n")
        return 130
    finally:
        if sink is not None:
            sink.discard()
        if handle is not None:
            handle.close()
        gc.set_threshold(*collecting)
        if on_main_thread and previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
    sys.stderr.write(for_terminal(f"hitpath: {tally.summary()}\n"))
    if output:
        sys.stderr.write(for_terminal(f"Wrote {output}\n"))
    return 1 if tally.failed else 0


def _folder_rows(
    files: list[str], folder: str, rules: Rules, assess: Assess, columns: _Columns,
    tally: _Tally, fmt: str,
) -> Iterator[Row]:
    """One output row per saved answers file (in name order); its ref is the file's name."""
    from hitpath.load.answers import load_answers

    emit, refuse = columns.emitters(fmt)
    for number, path in enumerate(files, start=1):
        ref = os.path.relpath(path, folder)
        try:
            answers = load_answers(rules, path)
        except HitpathError as exc:
            reason = f"row {number}: {exc.render()}".replace("\n  ", " ")
            tally.refuse(reason)
            yield refuse(number, ref, reason)
            continue
        result = emit(number, ref, assess(dict(answers.values)))
        tally.assessed += 1
        yield result


def threading_is_main() -> bool:
    """Whether signal handlers can be set (only the main thread may)."""
    import threading

    return threading.current_thread() is threading.main_thread()


def _check_header(
    names: list[str], rules: Rules, where: str, source: _LineSource, line: int
) -> None:
    """Refuse a header that cannot be read; name unknown columns once, with 'did you mean'."""
    if line in source.bad_lines:
        raise HitpathError("the header row is not UTF-8 text", file=where, line=line,
                           hint="Save the file as UTF-8 (in a spreadsheet: CSV UTF-8).")
    seen: set[str] = set()
    for name in names:
        if name in seen and name:
            raise HitpathError(f"the column '{name}' appears twice", file=where, line=line,
                               hint="Keep one of them.")
        seen.add(name)
    keys = list(rules.question_by_id)
    if not any(n in rules.question_by_id for n in names):
        hint = next((h for h in (did_you_mean(n, keys) for n in names) if h), None)
        raise HitpathError("no column is named by an answer key", file=where, line=line,
                           hint=hint or "Run 'hitpath questions' to list the answer keys.")
    for index, name in enumerate(names, start=1):
        if name in rules.question_by_id or name == REF:
            continue
        label = f"column {echo(name)}" if name else f"column {index} (no name)"
        hint = did_you_mean(name, keys) if name else None
        sys.stderr.write(for_terminal(
            f"hitpath: {where}: {label} is not an answer key.{' ' + hint if hint else ''} "
            "Rows with a value in it are reported as errors.\n"))


class _ProgressBar:
    """A rich progress bar on stderr when it is a terminal (and not also the output)."""

    def __init__(self, input_path: str, output: str | None, source: _LineSource) -> None:
        self.bar: Bar | None = None
        self.source = source
        try:
            total = os.path.getsize(input_path) if os.path.isfile(input_path) else None
        except OSError:
            total = None
        stdout_is_screen = output is None and sys.stdout.isatty()
        if sys.stderr.isatty() and not stdout_is_screen:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            done = TimeRemainingColumn() if total is not None else MofNCompleteColumn()
            self.bar = Progress(TextColumn("Assessing"), BarColumn(), done,
                                console=Console(file=sys.stderr), transient=True)
            self.task = self.bar.add_task("batch", total=total)

    def __enter__(self) -> Progress:
        if self.bar is None:
            return None
        self.bar.start()
        bar, task, source = self.bar, self.task, self.source

        def advance() -> None:
            bar.update(task, completed=source.bytes_read)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
