"""Load-time errors in a rules file: each names the file, the line, the rule and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from hitpath.core.errors import HitpathError
from hitpath.load.ruleset import SHIPPED_RULES, load_rules

SHIPPED = Path(SHIPPED_RULES).read_text(encoding="utf-8")

CASES = [
    ("unknown key in a requirement", "    met_when: {ref: in_england}",
     "    met_wen: {ref: in_england}", "requirements[in_england].met_wen",
     "Did you mean 'met_when'?"),
    ("a value the question does not offer", '{q: degree, in: ["yes", level6_equivalent]}',
     '{q: degree, in: ["yes", level6]}', "requirements[ksa_degree].met_when.in",
     "Did you mean 'level6_equivalent'?"),
    ("a date operator on a list question", "  is_pwp: {q: professions, contains_any: [pwp]}",
     "  is_pwp: {q: professions, on_or_after: 2020-01-01}", "conditions.is_pwp.on_or_after",
     "Use one of: contains_any"),
    ("an empty any", "  is_pwp: {q: professions, contains_any: [pwp]}",
     "  is_pwp: {any: []}", "conditions.is_pwp.any", "at least one item"),
    ("a missing source", "    sources: [BABCP-CORE, LINCOLN, STAFFS, KCL]",
     "    sources: [BABCP-COR, LINCOLN, STAFFS, KCL]", "requirements[core_experience].sources",
     "Did you mean 'BABCP-CORE'?"),
    ("an unknown question", "  in_england: {q: nation, equals: england}",
     "  in_england: {q: natoin, equals: england}", "conditions.in_england.q",
     "Did you mean 'nation'?"),
    ("a misspelt kind", "    kind: months", "    kind: month", "requirements[core_experience]",
     "Did you mean 'months'?"),
    ("a misspelt section", "\nfunding:\n", "\nfundng:\n", "fundng", "Did you mean 'funding'?"),
    ("unknown key in a source", "    title: NHS Talking Therapies, for anxiety and depression",
     "    titel: NHS Talking Therapies, for anxiety and depression", "sources.NHSE-TT.titel",
     "Did you mean 'title'?"),
    ("a conflict id used twice", "  - id: pwp_months_since_exam_board",
     "  - id: exam_board_before_training", "conflicts[exam_board_before_training].id",
     "two conflicts have the id 'exam_board_before_training'"),
    ("unknown key in a training", "    length_months: {value: 12, text: \"About one",
     "    lenght_months: {value: 12, text: \"About one", "trainings.pwp.lenght_months",
     "Did you mean 'length_months'?"),
    ("an impossible date", "    - effective_from: 2025-04-01", "    - effective_from: 2025-02-30",
     "terms.pay[1].effective_from", "February 2025 has 28 days"),
    ("pay periods out of order", "    - effective_from: 2026-04-01",
     "    - effective_from: 2025-04-01", "terms.pay[2].effective_from", "date order"),
    ("a training the question does not offer", "      values: [emhp]",
     "      values: [emph]", "funding.uncertain_for[0].values[0]", "Did you mean 'emhp'?"),
    ("a misspelt operator under not", "    when: {q: nation, equals: scotland}",
     "    when: {not: {q: nation, equalz: scotland}}", "advice[scotland].when.not.equalz",
     "Did you mean 'equals'?"),
    ("a later question in a when", "    when: {ref: core_profession}\n",
     "    when: {q: pay_area, equals: fringe}\n", "questions[core_experience_months].when.q",
     "not asked before this question"),
]


@pytest.mark.parametrize(("name", "old", "new", "key", "hint"), CASES,
                         ids=[c[0] for c in CASES])
def test_rules_error_names_line_key_and_fix(tmp_path: Path, name: str, old: str, new: str,
                                            key: str, hint: str) -> None:
    assert old in SHIPPED, name
    broken = SHIPPED.replace(old, new, 1)
    path = tmp_path / "rules.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(HitpathError) as caught:
        load_rules(str(path))
    text = caught.value.render()
    assert f"{path}:" in text and caught.value.line, text
    assert key in text, text
    assert hint in text, text
    changed_line = broken.splitlines()[caught.value.line - 1]
    assert changed_line.strip(), text


def test_rules_file_that_is_a_list(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("- meta\n- sources\n")
    with pytest.raises(HitpathError, match="must be a mapping"):
        load_rules(str(path))
