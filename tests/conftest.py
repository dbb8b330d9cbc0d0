"""Shared fixtures: the shipped rules, and a way to run the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import hitpath
from hitpath.core.model import Rules
from hitpath.load.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
# The package under test: the source tree's hitpath/, or an installed wheel's when the tests run
# against one (make distcheck).
PACKAGE = Path(hitpath.__file__).resolve().parent


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


def hitpath_exe() -> str:
    """The installed console script (the one a user runs), beside this interpreter."""
    candidate = Path(sys.executable).parent / "hitpath"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("hitpath")
    assert found, "the hitpath console script is not installed"
    return found


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_hitpath(tmp_path: Path) -> Run:
    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
        return subprocess.run(
            [hitpath_exe(), *args], input=stdin, capture_output=True, text=True,
            env=full_env, timeout=timeout, cwd=tmp_path,
        )

    return run


# The quick loop is `pytest -m "not slow"`; `make test` runs everything. Slow means seconds:
# a whole installed command in a subprocess, a terminal or a browser, a whole walk of the
# rules, or a big generated file.
SLOW_MODULES = {"test_pty", "test_browser", "test_batch_streaming", "test_batch_golden",
                "test_batch_properties", "test_dist", "test_lint_walk", "test_one_meaning"}
SLOW_TESTS = {
    "test_answers_schema_accepts_every_walked_person",
    "test_fast_path_equals_engine_on_shipped_rules",
    "test_fast_path_equals_engine_for_every_operator", "test_shipped_rules_pass_clean",
    "test_shipped_rules_are_due_for_review_six_months_on", "test_check_command_text_and_json",
    "test_any_answers_yield_four_routes", "test_more_experience_never_makes_a_verdict_worse",
    "test_random_structures_as_answers_give_a_clean_error_or_answers",
    "test_the_installed_command_never_shows_a_traceback",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rpartition(".")[2] if item.module else ""
        name = getattr(item, "originalname", item.name)
        if ("run_hitpath" in getattr(item, "fixturenames", ()) or module in SLOW_MODULES
                or name in SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
