"""hitpath recheck: which saved clients a rules update affects, and the change behind it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from hitpath.load.ruleset import SHIPPED_RULES
from tests.conftest import Run

AS_OF = "2026-05-01"

CLIENTS = {
    "pwp-20m.yaml": """nation: england
professions: [pwp]
pwp_employment_months: 20
degree: "yes"
ksa_portfolio: in_progress
previous_nhs_training: none
""",
    "nurse.yaml": """nation: england
professions: [mental_health_nurse]
core_experience_months: 30
previous_nhs_training: none
""",
    "emhp.json": json.dumps({
        "nation": "england", "professions": ["none"], "degree": "yes",
        "mental_health_experience_months": 30, "ksa_portfolio": "complete",
        "previous_nhs_training": "yes", "previous_training_programme": "emhp",
        "previous_training_started": "2023-09-04", "previous_exam_board": "2025-07-01"}),
    "adult-nurse.yaml": """nation: england
professions: [other_nurse]
core_experience_months: 30
degree: "yes"
ksa_portfolio: not_started
mental_health_experience_months: 30
previous_nhs_training: none
""",
}


def _old_rules(folder: Path, edit: Any) -> Path:
    """The shipped rules as they might have been before an update."""
    with open(SHIPPED_RULES, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    edit(data)
    path = folder / "old-rules.yaml"
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(json.loads(json.dumps(data, default=str)), handle, sort_keys=False,
                       allow_unicode=True)
    return path


def _requirement(data: dict[str, Any], req_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["requirements"] if r["id"] == req_id)
    return found


def _last_year(data: dict[str, Any]) -> None:
    data["meta"]["rules_version"] = "2025.09.1"
    _requirement(data, "pwp_experience")["at_least"] = 18
    _requirement(data, "nhs_funding_gap")["plus_years"] = 1
    data["conditions"]["core_profession"]["contains_any"].append("other_nurse")


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    folder = tmp_path / "clients"
    folder.mkdir()
    for name, text in CLIENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "notes.txt").write_text("not an answers file", encoding="utf-8")
    return folder


def _sections(stdout: str) -> dict[str, list[str]]:
    """Each client's block of lines, by file name."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        if line.startswith("clients/") or line.endswith((".yaml", ".json")):
            current = found.setdefault(Path(line).name, [])
        elif not line.strip():
            current = None
        elif current is not None:
            current.append(line.strip())
    return found


def test_only_changed_clients_are_shown_with_the_cause(run_hitpath: Run, tmp_path: Path,
                                                       clients: Path) -> None:
    old = _old_rules(tmp_path, _last_year)
    done = run_hitpath("recheck", "clients", "--old-rules", str(old), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        f"Rules 2025.09.1 ({old}) -> 2026.11.1 (the shipped rules), judged on 1 May 2026.")
    shown = _sections(done.stdout)
    assert set(shown) == {"pwp-20m.yaml", "emhp.json", "adult-nurse.yaml"}  # not nurse.yaml
    assert shown["pwp-20m.yaml"] == [
        "PWP route: Eligible now -> Not yet: from 1 September 2026",
        "because requirement pwp_experience at_least: 18 -> 24",
    ]
    assert shown["emhp.json"] == [
        "KSA portfolio route: Not yet: from 1 July 2026 -> Not yet: from 1 July 2027",
        "because requirement nhs_funding_gap plus_years: 1 -> 2",
        "Two-year NHS funding rule: applies, NHS funding from 1 July 2026 -> applies, "
        "NHS funding from 1 July 2027",
        "because requirement nhs_funding_gap plus_years: 1 -> 2",
    ]
    cause = ("because condition core_profession: professions contains_any [...]: "
             "other_nurse taken out")
    assert shown["adult-nurse.yaml"] == [
        "Core profession route: Eligible now -> Not for you on these answers", cause,
        "KSA portfolio route: Not for you on these answers -> Not yet", cause,
    ]
    assert done.stdout.rstrip().endswith("4 clients checked: 3 affected, 1 unchanged.")


def test_same_rules_change_nothing(run_hitpath: Run, clients: Path) -> None:
    done = run_hitpath("recheck", "clients", "--old-rules", SHIPPED_RULES, "--as-of", AS_OF)
    assert done.returncode == 0
    assert _sections(done.stdout) == {}
    assert "4 clients checked: 0 affected, 4 unchanged." in done.stdout


def test_a_change_that_does_not_touch_a_client_is_not_blamed(run_hitpath: Run, tmp_path: Path,
                                                             clients: Path) -> None:
    def counselling_only(data: dict[str, Any]) -> None:
        _requirement(data, "counselling_accreditation")["met_when"] = {
            "q": "professions", "contains_any": ["accredited_counsellor"]}

    old = _old_rules(tmp_path, counselling_only)
    done = run_hitpath("recheck", "clients", "--old-rules", str(old), "--as-of", AS_OF)
    assert _sections(done.stdout) == {}


def test_files_and_folders_mix_and_a_bad_file_does_not_stop_the_rest(
    run_hitpath: Run, tmp_path: Path, clients: Path
) -> None:
    (tmp_path / "broken.yaml").write_text("nation: englnd\n", encoding="utf-8")
    old = _old_rules(tmp_path, _last_year)
    done = run_hitpath("recheck", "broken.yaml", "clients/pwp-20m.yaml", "--old-rules",
                       str(old), "--as-of", AS_OF)
    assert done.returncode == 1
    assert "broken.yaml:1: nation: 'englnd' is not a choice. Did you mean 'england'?" in (
        done.stderr)
    assert set(_sections(done.stdout)) == {"pwp-20m.yaml"}
    assert "2 clients checked: 1 affected, 0 unchanged, 1 could not be read." in done.stdout


def test_answers_valid_only_under_one_rules(run_hitpath: Run, tmp_path: Path,
                                            clients: Path) -> None:
    def no_arts(data: dict[str, Any]) -> None:
        question = next(q for q in data["questions"] if q["id"] == "professions")
        question["choices"] = [c for c in question["choices"] if c["value"] != "arts_therapist"]
        condition = data["conditions"]["core_profession"]["contains_any"]
        condition.remove("arts_therapist")

    (clients / "arts.yaml").write_text("nation: england\nprofessions: [arts_therapist]\n",
                                       encoding="utf-8")
    old = _old_rules(tmp_path, no_arts)
    done = run_hitpath("recheck", "clients", "--old-rules", str(old), "--as-of", AS_OF)
    assert done.returncode == 0
    assert _sections(done.stdout)["arts.yaml"][0] == (
        "the answers are not valid under the old rules:")


@pytest.mark.parametrize(("args", "needle"), [
    (["missing.yaml"], "the answers file does not exist"),
    (["empty"], "this folder holds no answers files"),
    (["clients", "--old-rules", "nowhere.yaml"], "the rules file does not exist"),
])
def test_bad_arguments_exit_2(run_hitpath: Run, tmp_path: Path, clients: Path,
                              args: list[str], needle: str) -> None:
    (tmp_path / "empty").mkdir()
    if "--old-rules" not in args:
        args = [*args, "--old-rules", SHIPPED_RULES]
    done = run_hitpath("recheck", *args)
    assert done.returncode == 2
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
