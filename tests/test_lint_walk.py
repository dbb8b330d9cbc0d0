"""The exhaustive path walk: the golden transcript, coverage, speed, and the soundness of its
pruning (what it skips is proven to change nothing)."""

from __future__ import annotations

import difflib
import itertools
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hitpath.core.engine import assess
from hitpath.core.model import UNSURE, Answers, Question, Rules
from hitpath.lint.commands import load_for_lint, transcript_text
from hitpath.lint.walk import WalkResult, _outcome, _Walker, walk
from hitpath.load.ruleset import build_rules, validate_text
from tests.conftest import ROOT, Run

GOLDEN = ROOT / "tests" / "golden" / "walk.txt"
SOUND = ROOT / "tests" / "fixtures" / "bad_rules" / "sound.yaml"


def _golden_as_of() -> date:
    found = re.search(r"as of (\d{4}-\d{2}-\d{2})", GOLDEN.read_text(encoding="utf-8"))
    assert found, "the golden transcript names its date in the header"
    return date.fromisoformat(found.group(1))


@pytest.fixture(scope="module")
def shipped_walk() -> tuple[WalkResult, Any]:
    loaded = load_for_lint(None)
    return walk(loaded.rules, _golden_as_of()), loaded


def test_golden_transcript_is_current(shipped_walk: tuple[WalkResult, Any]) -> None:
    result, loaded = shipped_walk
    fresh = transcript_text(result, loaded)
    stored = GOLDEN.read_text(encoding="utf-8")
    if fresh != stored:
        diff = "".join(itertools.islice(difflib.unified_diff(
            stored.splitlines(True), fresh.splitlines(True), "golden", "now"), 60))
        pytest.fail(
            "The rules' outcomes changed. If that is intended, regenerate with 'make rules' "
            f"(the walk is as of {result.as_of}) and review the diff:\n{diff}")


def test_shipped_rules_walk_completely(shipped_walk: tuple[WalkResult, Any]) -> None:
    result, loaded = shipped_walk
    rules = loaded.rules
    assert result.problem_count == 0, result.problems
    assert result.asked == {q.id for q in rules.questions if not q.plan_only}
    assert result.advice_fired == {a.id for a in rules.advice}
    assert result.steps_fired == {s.id for s in rules.next_steps}
    for route in rules.routes:
        counts = result.verdicts[route.id]
        assert counts["eligible"] + counts["eligible_from"] > 0, route.id
        assert counts["not_eligible"] + counts["not_yet"] > 0, route.id
        assert sum(counts.values()) == result.paths
    assert result.runs < result.paths
    assert sum(c.paths for c in result.classes.values()) == result.paths


def test_golden_lines_are_one_per_outcome(shipped_walk: tuple[WalkResult, Any]) -> None:
    lines = [line for line in GOLDEN.read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    outcomes = [line.split(" -> ", 1)[1] for line in lines]
    assert len(outcomes) == len(set(outcomes)) == len(shipped_walk[0].classes)
    # Every route is named on every line, decided or unsure with the answers that decide it.
    for outcome in outcomes:
        for route in ("core_profession", "pwp", "ksa", "counselling"):
            assert re.search(rf"\b{route}=(eligible(_from:\S+)?|not_yet|not_eligible|"
                             rf"unsure\([a-z_,]+\))( |$)", outcome), outcome


def _any_answer(q: Question, as_of: date, rng: random.Random) -> Any:
    """Any answer a person could give, not only the walk's own candidates: any choice or set
    of choices, any number in range, any date over ten years either side."""
    if q.optional and rng.random() < 0.2:
        return None
    if q.unsure_allowed and q.type in ("number", "date") and rng.random() < 0.1:
        return UNSURE
    if q.type == "choice":
        return rng.choice(q.values)
    if q.type == "multi":
        exclusive = [c.value for c in q.choices if c.exclusive]
        plain = [c.value for c in q.choices if not c.exclusive]
        if exclusive and rng.random() < 0.1:
            return (rng.choice(exclusive),)
        chosen = set(rng.sample(plain, rng.randint(1, min(4, len(plain)))))
        return tuple(v for v in q.values if v in chosen)
    if q.type == "number":
        low = q.min if q.min is not None else 0
        return rng.randint(low, q.max if q.max is not None else low + 120)
    return date.fromordinal(as_of.toordinal() + rng.randint(-3650, 3650))


def _random_path(walker: _Walker, index: int, answers: dict[str, Any],
                 rng: random.Random) -> dict[str, Any]:
    """One path the questionnaire could take, with answers drawn from everything allowed."""
    if index == len(walker.questions):
        return answers
    q = walker.questions[index]
    if walker.tri_of(q.when)((answers, index)) is not True:
        return _random_path(walker, index + 1, answers, rng)
    value = _any_answer(q, walker.as_of, rng)
    child = dict(answers)
    if value is not None:
        child[q.id] = value
    return _random_path(walker, index + 1, child, rng)


def _sound_rules() -> Rules:
    return build_rules(validate_text(SOUND.read_text(encoding="utf-8"), str(SOUND)), str(SOUND))


def _every_path(walker: _Walker, index: int, answers: dict[str, Any]) -> list[dict[str, Any]]:
    if index == len(walker.questions):
        return [answers]
    q = walker.questions[index]
    if walker.tri_of(q.when)((answers, index)) is not True:
        return _every_path(walker, index + 1, answers)
    out = []
    for value in walker.candidates(q, answers):
        child = dict(answers)
        if value is not None:
            child[q.id] = value
        out += _every_path(walker, index + 1, child)
    return out


def test_pruned_walk_equals_brute_force_on_a_small_file() -> None:
    rules = _sound_rules()
    day = date(2026, 4, 1)
    result = walk(rules, day)
    every = _every_path(_Walker(rules, day), 0, {})
    brute = {_outcome(assess(rules, Answers(a), day)) for a in every}
    assert brute == set(result.classes)
    assert len(every) == result.paths
    assert result.runs < len(every)


def test_engine_failures_become_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    import hitpath.lint.walk as lint_walk

    def broken(rules: Rules, answers: Answers, as_of: date) -> Any:
        if answers.values.get("experience_months") == 11:
            raise ZeroDivisionError("boom")
        return assess(rules, answers, as_of)

    monkeypatch.setattr(lint_walk, "assess", broken)
    result = walk(_sound_rules(), date(2026, 4, 1))
    assert result.problems and "ZeroDivisionError: boom" in result.problems[0].message
    assert result.problems[0].answers["experience_months"] == 11


def test_undecidable_funding_rule_is_found(tmp_path: Path) -> None:
    # The funding rule looks at 'roles', which is never asked outside England.
    text = SOUND.read_text(encoding="utf-8").replace(
        "    applies_when:\n      all:\n        - {ref: in_england}\n        - {ref: is_pwp}\n",
        "    applies_when: {ref: is_pwp}\n")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_for_lint(str(path))
    result = walk(loaded.rules, date(2026, 4, 1))
    messages = [(p.about, p.message, p.answers) for p in result.problems]
    assert ("funding", "it is left undecided by 'roles', which is never asked on this path",
            {"nation": "elsewhere"}) in messages


def test_walk_command(run_hitpath: Run, tmp_path: Path) -> None:
    out = tmp_path / "walk.txt"
    done = run_hitpath("rules", "walk", "--summary", "--rules", str(SOUND), "--as-of",
                       "2026-04-01", "--transcript", str(out))
    assert done.returncode == 0, done.stderr
    assert "Walked 31 paths" in done.stdout and "Reached 4 of 4 questions" in done.stdout
    text = out.read_text(encoding="utf-8")
    assert f"--rules {SOUND}" in text and "nation=england roles=none ->" in text
    done = run_hitpath("rules", "walk", "--rules", str(SOUND), "--as-of", "2026-04-01")
    assert done.returncode == 0 and done.stdout.startswith("# hitpath rules walk")
    broken = ROOT / "tests" / "fixtures" / "bad_rules" / "unreachable_question.yaml"
    done = run_hitpath("rules", "walk", "--summary", "--rules", str(broken))
    assert done.returncode == 1 and "unreachable-question" in done.stdout
