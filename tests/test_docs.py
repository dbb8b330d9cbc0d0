"""The documentation holds to the tool: its report example is a real run, line for line, as far
as it shows it, and every link between the README and the guides in docs/ leads somewhere."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from hitpath.core.model import Rules
from tests.conftest import Run, hitpath_exe

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_check_example_is_real(run_hitpath: Run) -> None:
    guide = (ROOT / "docs" / "checking-your-route.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n\$ (hitpath check --answers examples/pwp\.yaml[^\n]*)\n(.*?)"
                      r"\n\.\.\.\n```", guide, re.S)
    assert block, "the guide's check example is missing"
    args = block.group(1).split()[1:]
    args[args.index("examples/pwp.yaml")] = str(ROOT / "examples" / "pwp.yaml")
    done = run_hitpath(*args)
    assert done.returncode == 0, done.stderr
    shown = block.group(2).splitlines()
    assert done.stdout.splitlines()[:len(shown)] == shown


def test_plan_example_is_real(run_hitpath: Run) -> None:
    guide = (ROOT / "docs" / "checking-your-route.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n\$ (hitpath plan [^\n]*)\n(.*?)\n\.\.\.\n```", guide, re.S)
    assert block, "the guide's plan example is missing"
    args = block.group(1).split()[1:]
    example = "examples/plans/psychology-graduate.yaml"
    args[args.index(example)] = str(ROOT / example)
    done = run_hitpath(*args)
    assert done.returncode == 0, done.stderr
    shown = block.group(2).splitlines()
    assert done.stdout.splitlines()[:len(shown)] == shown


def _anchors(markdown: str) -> set[str]:
    """The anchors a Markdown renderer gives the headings (lower case, punctuation dropped)."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_leads_somewhere(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # examples are not links
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # an address outside the project; hitpath never fetches it
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and anchor not in _anchors(file.read_text(encoding="utf-8")):
            broken.append(f"{target}: no heading '{anchor}' in {file.name}")
    assert not broken, f"{doc.name}: " + "; ".join(broken)


def test_readme_is_short_and_starts_with_the_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Quick start" in readme
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", quick, re.S)
    assert [line.split("#")[0].strip() for line in "".join(commands).splitlines()] == [
        "make run", "make test"]
    assert len(readme.splitlines()) < 150, "keep the README short; detail goes in docs/"


def _console_runs(markdown: str) -> list[tuple[str, list[str]]]:
    """Each `$ hitpath ...` command of the console examples, with the lines it is shown giving
    (up to a '...' that stands for the rest)."""
    runs: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", markdown, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *shown = chunk.rstrip("\n").split("\n")
            runs.append((command, shown[:shown.index("...")] if "..." in shown else shown))
    return runs


def _timing_free(line: str) -> str:
    return re.sub(r" in \d+\.\d s,", " in N s,", line)


def test_rules_editors_examples_are_real() -> None:
    """Every example in the rules editors' guide that needs only the project's own files is what
    the command prints today (the ones on an edited copy were run by hand on that copy)."""
    if not (ROOT / "hitpath" / "rules.yaml").exists():
        pytest.skip("the examples name the source tree's files")
    guide = (ROOT / "docs" / "rules-editors.md").read_text(encoding="utf-8")
    checked = 0
    for command, shown in _console_runs(guide):
        args = command.split()
        if args[0] != "hitpath" or any(a.endswith(".yaml") and not (ROOT / a).exists()
                                       for a in args):
            continue
        done = subprocess.run([hitpath_exe(), *args[1:]], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"},
                              timeout=120)
        assert done.returncode in (0, 1), done.stderr
        got = [_timing_free(line) for line in done.stdout.splitlines()[:len(shown)]]
        assert got == [_timing_free(line) for line in shown], command
        checked += 1
    assert checked >= 3, "the guide's runnable examples are missing"


def test_answers_file_table_lists_every_question_and_choice(rules: Rules) -> None:
    guide = (ROOT / "docs" / "checking-your-route.md").read_text(encoding="utf-8")
    table = guide.split("| key | type | values |", 1)[1].split("\n\n", 1)[0]
    rows = {cells[0]: cells for line in table.splitlines()[2:]
            if len(cells := [c.strip() for c in line.strip("|").split("|")]) == 3}
    assert set(rows) == {q.id for q in rules.questions}, "the table's keys are not the questions"
    for question in rules.questions:
        if question.choices:
            listed = set(re.findall(r"[a-z0-9_]+", rows[question.id][2].split(":")[0]
                                    .split("(")[0]))
            assert {c.value for c in question.choices} <= listed, question.id
