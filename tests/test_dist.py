"""The packages others take: the wheel holds every file of the package (so a new subpackage or
data file cannot be left behind) and the schemas the installed rules name; the source
distribution holds what its tests need. `make distcheck` goes further: it installs both and runs
the tests against them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

# What a developer needs beside the package to build, test and benchmark from the sdist.
SDIST_FOLDERS = ("tests", "examples", "docs", "bench", "requirements")
SDIST_FILES = ("README.md", "CHANGELOG.md", "LICENSE", "Makefile", "pyproject.toml")
NOT_SHIPPED = re.compile(r"(^|/)(__pycache__|\.hypothesis|\.pytest_cache)(/|$)|\.py[cod]$")


def _files(folder: Path) -> set[str]:
    """Every file under a folder, relative to the project root, caches left out."""
    found = {p.relative_to(ROOT).as_posix() for p in folder.rglob("*") if p.is_file()}
    return {name for name in found if not NOT_SHIPPED.search(name)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist, and the wheel built from it, as `python -m build` makes them."""
    if not (ROOT / "hitpath" / "__init__.py").exists():
        pytest.skip("needs the project's source (tests run against an installed wheel)")
    # A clean copy, as a fresh clone has it: setuptools would otherwise add to the sdist whatever
    # an earlier build listed in the tree's own *.egg-info, hiding a gap in MANIFEST.in.
    source = tmp_path_factory.mktemp("source") / "hitpath"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "*.egg-info", "build", "dist", "__pycache__", ".*_cache", ".hypothesis"))
    out = tmp_path_factory.mktemp("dist")
    # Without isolation the build uses the locked setuptools already installed: no network.
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out),
                           str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (sdist,) = out.glob("hitpath-*.tar.gz")
    (wheel,) = out.glob("hitpath-*.whl")
    return sdist, wheel


def test_wheel_holds_every_file_of_the_package(built: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(built[1]) as wheel:
        names = set(wheel.namelist())
    package = _files(ROOT / "hitpath")
    missing = sorted(package - names)
    assert not missing, f"left out of the wheel: {missing}"
    extra = sorted(n for n in names - package if not n.startswith("hitpath-"))
    assert not extra, f"in the wheel but not in hitpath/: {extra}"


def test_wheel_names_its_licence(built: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(built[1]) as wheel:
        names = wheel.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        text = wheel.read(metadata).decode("utf-8")
        (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert wheel.read(licence) == (ROOT / "LICENSE").read_bytes()
    assert "License-Expression: MIT" in text.splitlines()


def test_installed_rules_point_editors_at_a_schema_inside_the_wheel(
        built: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(built[1]) as wheel:
        first = wheel.read("hitpath/rules.yaml").decode("utf-8").splitlines()[0]
        found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert found, first
        target = Path("hitpath", found.group(1)).as_posix()
        assert not target.startswith("../") and ".." not in Path(target).parts
        assert target in wheel.namelist()


def test_sdist_holds_what_its_tests_need(built: tuple[Path, Path]) -> None:
    with tarfile.open(built[0]) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        names = {n.removeprefix(top + "/") for n in sdist.getnames()}
    wanted = _files(ROOT / "hitpath") | set(SDIST_FILES)
    for folder in SDIST_FOLDERS:
        wanted |= _files(ROOT / folder)
    missing = sorted(wanted - names)
    assert not missing, f"left out of the sdist: {missing}"
    assert not [n for n in names if NOT_SHIPPED.search(n) or n.startswith(".venv")]
