"""The plan checks of ``rules check``, on the shipped rules with one thing changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hitpath.lint.checks import Finding
from hitpath.lint.commands import check, load_for_lint
from hitpath.load.ruleset import SHIPPED_RULES

SHIPPED = Path(SHIPPED_RULES).read_text(encoding="utf-8")
AS_OF = date(2026, 11, 30)
CAP_ENTRY = '''            - {q: gbc, equals: "yes"}
            - {q: degree_class, in: [first, upper_second, lower_second]}
        sources: [HC-CAP, EXETER-CAP, UCL-CAP]'''


def findings_for(tmp_path: Path, old: str, new: str) -> list[Finding]:
    assert SHIPPED.count(old) == 1, old
    path = tmp_path / "rules.yaml"
    path.write_text(SHIPPED.replace(old, new), encoding="utf-8")
    found, result = check(load_for_lint(str(path)), AS_OF)
    assert result.plans is not None
    return found


def test_shipped_trainings_are_all_reachable_both_ways(tmp_path: Path) -> None:
    found, result = check(load_for_lint(None), AS_OF)
    assert [f for f in found if f.code.startswith(("entry-", "training-", "intake-"))] == []
    assert result.plans.reachable == result.plans.trainings == 7
    assert result.plans.both_ways == result.plans.routes


def test_an_entry_no_answer_opens_is_an_error_and_its_training_unreachable(
        tmp_path: Path) -> None:
    never = CAP_ENTRY.replace('{q: gbc, equals: "yes"}',
                              '{q: gbc, equals: "yes"}\n            - {q: gbc, equals: "no"}')
    found = findings_for(tmp_path, CAP_ENTRY, never)
    codes = {(f.code, f.subject) for f in found}
    assert ("entry-never-open", "training 'cap' entry 'psychology_degree'") in codes
    assert ("training-unreachable", "training 'cap'") in codes
    assert all(f.line for f in found)


def test_an_intake_with_no_time_to_apply_is_a_warning(tmp_path: Path) -> None:
    old = ("      - {month: 1, advert_months_before: {from: 4, to: 3}, confidence: uncertain, "
           "sources: [AD-HPFT-CWP]}")
    found = findings_for(tmp_path, old, "      - {month: 1, confidence: uncertain, "
                         "sources: [AD-HPFT-CWP]}")
    assert [f.code for f in found] == ["intake-no-applications"]
    assert found[0].subject == "training 'cwp'"
