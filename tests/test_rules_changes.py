"""``hitpath rules changes``: the advisers' changelog of the rules, and the check that it covers
every change ``rules diff`` finds between the previous shipped rules and these."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hitpath.core.errors import HitpathError
from hitpath.lint.changes import (
    SHIPPED_CHANGES,
    changelog_section,
    check_coverage,
    covers,
    load_changes,
    render_markdown,
    render_text,
    since,
)
from hitpath.lint.diff import rule_change_items
from hitpath.load.ruleset import SHIPPED_RULES, validate_text
from tests.conftest import ROOT, Run

PREVIOUS = ROOT / "tests" / "fixtures" / "rules-2026.03.1.yaml"


def _rules(path: Path | str) -> dict[str, Any]:
    return validate_text(Path(path).read_text(encoding="utf-8"), str(path))


@pytest.fixture(scope="module")
def previous() -> dict[str, Any]:
    return _rules(PREVIOUS)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    return _rules(SHIPPED_RULES)


def _changes_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "changes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ONE_VERSION = """\
versions:
  - version: "2026.11.1"
    reviewed: 2026-11-30
    data_as_of: "2026-11"
    summary: A review.
    changes:
      - title: Pay
        applies_from: 2026-04-01
        text: The 2026/27 figures are published.
        sources: [NHSEMP-2627]
        covers: [terms.pay.2026/27]
"""


# The completeness check on the shipped changelog -------------------------------------------

def test_the_previous_rules_are_version_2026_03_1(previous: dict[str, Any]) -> None:
    assert previous["meta"]["rules_version"] == "2026.03.1"
    assert str(previous["meta"]["reviewed"]) == "2026-03-31"


def test_the_changelog_covers_every_change_since_the_previous_rules(
        previous: dict[str, Any], shipped: dict[str, Any]) -> None:
    result = check_coverage(load_changes(), previous, shipped)
    assert result.problems == []
    assert result.new_version == shipped["meta"]["rules_version"]
    # Many changes, not a diff that found nothing.
    assert result.changes > 100


def test_the_newest_entry_is_the_shipped_rules_version(shipped: dict[str, Any]) -> None:
    newest = load_changes().versions[0]
    assert newest.version == shipped["meta"]["rules_version"]
    assert newest.reviewed.isoformat() == str(shipped["meta"]["reviewed"])


def test_every_cited_source_is_one_the_rules_of_its_time_hold(
        previous: dict[str, Any], shipped: dict[str, Any]) -> None:
    known = {"2026.03.1": previous["sources"], shipped["meta"]["rules_version"]:
             shipped["sources"]}
    for version in load_changes().versions:
        for entry in version.changes:
            missing = [s for s in entry.sources if s not in known[version.version]]
            assert not missing, (version.version, entry.title, missing)


def test_a_change_no_entry_covers_is_named(previous: dict[str, Any], shipped: dict[str, Any],
                                           tmp_path: Path) -> None:
    text = Path(SHIPPED_CHANGES).read_text(encoding="utf-8")
    edited = text.replace("covers: [advice.pay_protection]", "covers: []")
    assert edited != text
    result = check_coverage(load_changes(str(_changes_file(tmp_path, edited))), previous,
                            shipped)
    assert [p.splitlines()[0] for p in result.problems] == [
        "not covered: advice.pay_protection.when: advice item 'pay_protection': when: "
        "core_profession -> in_england"]


def test_a_cover_that_names_no_change_is_refused_with_a_suggestion(
        previous: dict[str, Any], shipped: dict[str, Any], tmp_path: Path) -> None:
    text = Path(SHIPPED_CHANGES).read_text(encoding="utf-8")
    edited = text.replace("covers: [advice.pay_protection]",
                          "covers: [advice.pay_protection, advice.pay_protecton]")
    result = check_coverage(load_changes(str(_changes_file(tmp_path, edited))), previous,
                            shipped)
    assert len(result.problems) == 1
    assert "'Pay protection' covers 'advice.pay_protecton', which names no change" in (
        result.problems[0])
    assert "Did you mean 'advice.pay_protection.when'?" in result.problems[0]


def test_rules_without_an_entry_for_their_version_fail(previous: dict[str, Any],
                                                       shipped: dict[str, Any]) -> None:
    newer = {**shipped, "meta": {**shipped["meta"], "rules_version": "2027.05.1"}}
    result = check_coverage(load_changes(), previous, newer)
    assert result.problems and "rules 2027.05.1 has no entry" in result.problems[0]


def test_a_version_written_with_a_leading_zero_is_the_same_version(
        previous: dict[str, Any], shipped: dict[str, Any], tmp_path: Path) -> None:
    text = Path(SHIPPED_CHANGES).read_text(encoding="utf-8")
    edited = text.replace('- version: "2026.11.1"', '- version: "2026.11.01"')
    assert edited != text
    result = check_coverage(load_changes(str(_changes_file(tmp_path, edited))), previous,
                            shipped)
    assert result.problems == []


def test_the_json_check_shows_changelog_words_as_text(run_hitpath: Run, tmp_path: Path) -> None:
    text = Path(SHIPPED_CHANGES).read_text(encoding="utf-8")
    edited = text.replace("- title: Pay protection",
                          '- title: "Pay\\x9b2J\\u202e protection"').replace(
        "covers: [advice.pay_protection]", "covers: [advice.pay_protection, advice.nothing]")
    assert edited.count("\\u202e") == 1 and "advice.nothing" in edited
    done = run_hitpath("rules", "changes", "--check", str(PREVIOUS), "--format", "json",
                       "--changes", str(_changes_file(tmp_path, edited)))
    assert done.returncode == 1, done.stderr
    assert "\x9b" not in done.stdout and "\u202e" not in done.stdout
    problems = json.loads(done.stdout)["problems"]
    assert any("'Pay\x9b2J\u202e protection' covers 'advice.nothing'" in p for p in problems)


def test_a_source_the_rules_do_not_hold_is_named(previous: dict[str, Any],
                                                 shipped: dict[str, Any]) -> None:
    sources = {k: v for k, v in shipped["sources"].items() if k != "NSHCS"}
    result = check_coverage(load_changes(), previous, {**shipped, "sources": sources})
    assert any("cites 'NSHCS', which is not a source" in p for p in result.problems)


@pytest.mark.parametrize(("pattern", "subject", "expected"), [
    ("advice.wales", "advice.wales.sources", True),
    ("advice.wales", "advice.wales", True),
    ("advice.wales", "advice.walesx.sources", False),
    ("advice.wales.text", "advice.wales.sources", False),
    ("sources.*.checked", "sources.HEIW.checked", True),
    ("sources.*.checked", "sources.HEIW.url", False),
    ("requirements.*.counts_on", "requirements.ksa_experience.counts_on", True),
    # A section alone names the section's own change (its order), never all it holds.
    ("next_steps", "next_steps", True),
    ("next_steps", "next_steps.apply_from_earliest.text", False),
])
def test_what_a_cover_names(pattern: str, subject: str, expected: bool) -> None:
    assert covers(pattern, subject) is expected


# What rules diff numbers -----------------------------------------------------------------------

def test_every_section_of_the_rules_is_diffed(previous: dict[str, Any],
                                             shipped: dict[str, Any]) -> None:
    subjects = {c.subject.split(".")[0] for c in rule_change_items(previous, shipped)}
    # The sections the previous rules did not have are reported, not skipped.
    assert {"trainings", "conflicts", "signposts", "experience_roles", "experience"} <= subjects
    assert {c.text for c in rule_change_items(previous, shipped)} >= {
        "training 'hit' added", "conflict 'course_start_in_past' added"}


def test_a_relabelled_choice_is_not_a_reorder(previous: dict[str, Any],
                                              shipped: dict[str, Any]) -> None:
    texts = [c.text for c in rule_change_items(previous, shipped)
             if c.subject == "questions.professions.choices"]
    assert texts == ["question 'professions': choices: 'other_nurse' relabelled: Adult, "
                     "children's or general nurse, or nursing associate"]


# Showing it ------------------------------------------------------------------------------------

def test_text_lists_versions_newest_first_with_dates_and_sources() -> None:
    text = render_text(load_changes().versions)
    first, second = text.index("Rules 2026.11.1"), text.index("Rules 2026.03.1")
    assert first < second
    assert "  Pay: from 1 April 2026\n" in text
    assert "[NHSEMP-2627, NHSPRB-39, NHSE-AFC-FAQ]" in text
    # The places an entry covers are for the check, not for advisers.
    assert "terms.pay.2026/27" not in text


def test_since_gives_only_later_versions() -> None:
    versions = load_changes().versions
    assert [v.version for v in since(versions, "2026.03.1")] == ["2026.11.1"]
    assert since(versions, "2026.11.1") == []
    assert [v.version for v in since(versions, "2025.12.9")] == ["2026.11.1", "2026.03.1"]


def test_text_from_the_file_is_shown_as_text(tmp_path: Path) -> None:
    hostile = ONE_VERSION.replace("The 2026/27 figures are published.",
                                  '"\\e[31mRed\\e]8;;https://x.test\\a *not* <b>bold</b>"')
    log = load_changes(str(_changes_file(tmp_path, hostile)))
    text = render_text(log.versions)
    assert "\x1b" not in text and "\a" not in text
    assert "\\x1b[31mRed" in text
    markdown = render_markdown(log.versions)
    assert "\\*not\\*" in markdown and "\\<b>bold" in markdown


def test_the_rules_section_of_the_changelog_is_fresh() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog_section(load_changes()) in changelog, (
        "CHANGELOG.md's Rules section is stale: run 'make rules'")


@pytest.mark.parametrize(("edit", "expected"), [
    (("    summary: A review.\n", "    sumary: A review.\n"),
     "changes.yaml:5: versions.0.sumary: 'sumary' is not a key here"),
    (("applies_from: 2026-04-01", "applies_from: 2026-13-01"),
     "changes.yaml:8: versions.0.changes.0.applies_from: "),
    (('version: "2026.11.1"', "version: 2026.11"), "versions.0.version: expected a rules "
                                                   "version in quotes"),
    (("covers: [terms.pay.2026/27]", "covers: [\"*.pay\"]"),
     "'*.pay' is not a place in the rules"),
])
def test_a_bad_changelog_gets_one_message(tmp_path: Path, edit: tuple[str, str],
                                          expected: str) -> None:
    with pytest.raises(HitpathError) as caught:
        load_changes(str(_changes_file(tmp_path, ONE_VERSION.replace(*edit))))
    assert expected in caught.value.render()


def test_versions_out_of_order_are_refused(tmp_path: Path) -> None:
    older = ONE_VERSION.split("versions:\n", 1)[1].replace('"2026.11.1"', '"2026.03.1"')
    text = ONE_VERSION.replace("versions:\n", "versions:\n" + older)
    with pytest.raises(HitpathError) as caught:
        load_changes(str(_changes_file(tmp_path, text)))
    assert "'2026.11.1' comes after '2026.03.1'" in caught.value.render()


# The installed command ---------------------------------------------------------------------------

def test_the_command_shows_checks_and_refuses(run_hitpath: Run, tmp_path: Path) -> None:
    done = run_hitpath("rules", "changes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("What changed in the advice hitpath gives")
    done = run_hitpath("rules", "changes", "--since", "2026.03.1", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [v["version"] for v in json.loads(done.stdout)["versions"]] == ["2026.11.1"]
    done = run_hitpath("rules", "changes", "--format", "markdown")
    assert done.returncode == 0 and "### 2026.03.1 - reviewed 31 March 2026" not in done.stdout
    assert "## 2026.03.1 - reviewed 31 March 2026" in done.stdout

    done = run_hitpath("rules", "changes", "--check", str(PREVIOUS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cover all" in done.stdout
    gap = _changes_file(tmp_path, Path(SHIPPED_CHANGES).read_text(encoding="utf-8").replace(
        "covers: [advice.pay_protection]", "covers: []"))
    done = run_hitpath("rules", "changes", "--check", str(PREVIOUS), "--changes", str(gap))
    assert done.returncode == 1
    assert "not covered: advice.pay_protection.when" in done.stdout

    for args, message in ((("--since", "latest"), "'latest' is not a rules version"),
                          (("--format", "html"), "'html' is not a format"),
                          (("--changes", str(tmp_path / "none.yaml")), "does not exist"),
                          (("--rules", SHIPPED_RULES), "--rules is for --check"),
                          (("--since", "2026.03.1", "--check", str(PREVIOUS)),
                           "give --since or --check, not both")):
        done = run_hitpath("rules", "changes", *args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_the_text_fits_the_terminal_and_says_where_sources_are(run_hitpath: Run) -> None:
    done = run_hitpath("rules", "changes", env={"COLUMNS": "60"})
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 60
    assert "'hitpath sources' gives its title" in " ".join(done.stdout.split())


def test_rules_check_names_a_version_the_changelog_lacks() -> None:
    import dataclasses

    from hitpath.lint.commands import changelog_findings, load_for_lint

    loaded = load_for_lint(None)
    assert changelog_findings(loaded) == []
    meta = loaded.data["meta"]
    bumped = dataclasses.replace(loaded, data={**loaded.data, "meta": {
        **meta, "rules_version": "2027.05.1"}})
    (finding,) = changelog_findings(bumped)
    assert (finding.code, finding.severity) == ("changelog-missing", "warning")
    assert finding.line is not None and "rules changes --check" in finding.hint
    moved = dataclasses.replace(loaded, data={**loaded.data, "meta": {
        **meta, "reviewed": "2026-12-01"}})
    assert [f.code for f in changelog_findings(moved)] == ["changelog-date"]
