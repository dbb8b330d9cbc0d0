"""The documentation holds to the tool: its report example is a real run, line for line, as far
as it shows it, and every link between the README and the guides in docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Run

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
