"""Every broken-rules fixture: the right exit status, a message naming the defect and its line,
never a traceback. (How fast each is checked is measured by bench/walk.py, never asserted.)

Each fixture says what it breaks in its first line (``# defect: ...; expect: exit N, words``)
and marks the broken line with ``# <- defect`` (none: the whole file, named at line 1), so
adding a fixture needs no test change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hitpath.cli import main
from tests.conftest import Run

FIXTURES = Path(__file__).parent / "fixtures" / "bad_rules"
AS_OF = "2026-04-01"
HEADER = re.compile(r"^# (?:defect|sound): .*; expect: exit (\d)(?:, (.+))?$")


def _expectation(path: Path) -> tuple[int, str | None, int | None]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = HEADER.match(lines[0])
    assert found, f"{path.name}: first line must say '# defect: ...; expect: exit N, words'"
    marked = [i for i, line in enumerate(lines, 1) if line.rstrip().endswith("# <- defect")]
    return int(found.group(1)), found.group(2), marked[0] if marked else None


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(["rules", "check", "--rules", str(path), "--as-of", AS_OF])
    captured = capsys.readouterr()
    return int(stop.value.code or 0), captured.out + captured.err


def _fixtures() -> list[Path]:
    found = sorted(FIXTURES.glob("*.yaml"))
    assert len(found) >= 20
    return found


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.stem)
def test_fixture(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, words, line = _expectation(path)
    status, output = _check(path, capsys)
    assert status == code, output
    assert "Traceback" not in output
    if code == 0:
        assert "sound, no findings" in output
        return
    assert words and words in output, output
    line = line or 1  # no marked line: a defect of the whole file, named at line 1
    assert f"{path.name}:{line}:" in output, f"line {line} not named:\n{output}"


def test_every_load_time_and_check_defect_of_the_issue_has_a_fixture() -> None:
    names = {p.stem for p in _fixtures()}
    wanted = {
        "alias_bomb", "python_tag", "duplicate_key", "unknown_question", "bad_choice_value",
        "date_operator_on_number", "empty_any", "overlapping_pay_periods",
        "requirement_without_source", "rules_is_a_list", "unreachable_question",
        "unused_question", "route_never_open", "route_never_closed", "advice_never_shown",
        "constant_condition", "pay_gap", "pay_not_covering_review", "source_not_https",
        "source_stale", "review_overdue", "text_without_full_stop", "text_shouting",
        "text_too_long", "sound",
    }
    assert wanted <= names


def test_five_megabyte_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Made here rather than committed: 5 MB of rules-like YAML.
    big = tmp_path / "huge.yaml"
    block = (FIXTURES / "sound.yaml").read_text(encoding="utf-8")
    with big.open("w", encoding="utf-8") as handle:
        while handle.tell() < 5 * 1024 * 1024:
            handle.write(block)
    status, output = _check(big, capsys)
    assert status == 2
    assert "bytes" in output and "at most" in output and "huge.yaml" in output


def test_empty_and_binary_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    status, output = _check(empty, capsys)
    assert status == 2 and "empty file" in output
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"meta:\n  title: \xff\xfe\n")
    status, output = _check(binary, capsys)
    assert status == 2 and "UTF-8" in output and "binary.yaml:2" in output


def test_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, output = _check(tmp_path / "nowhere.yaml", capsys)
    assert status == 2 and "does not exist" in output


def test_the_installed_command_never_shows_a_traceback(run_hitpath: Run) -> None:
    for name, code in (("python_tag", 2), ("text_shouting", 1)):
        done = run_hitpath("rules", "check", "--rules", str(FIXTURES / f"{name}.yaml"),
                           "--as-of", AS_OF)
        assert done.returncode == code, done.stderr
        assert "Traceback" not in done.stdout + done.stderr
    done = run_hitpath("rules", "check", "--rules", str(FIXTURES / "pay_gap.yaml"),
                       "--as-of", AS_OF, "--format", "json")
    assert done.returncode == 1
    assert '"code": "pay-gap"' in done.stdout
