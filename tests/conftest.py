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
