"""Hostile places to write: device nodes, folders, FIFOs, inputs, stale temporary files,
signals, full disks, read-only folders, symlinks and umasks."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import hitpath_exe
from tests.hostile.helpers import (
    AS_OF,
    ENGLAND_PWP,
    no_traceback,
    run_exe,
    run_main,
    sound_copy,
    sound_text,
)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(ENGLAND_PWP)
    return path


def _cohort(tmp_path: Path, rows: int = 3) -> Path:
    path = tmp_path / "cohort.csv"
    path.write_text("ref,nation\n" + "".join(f"r{i},england\n" for i in range(rows)))
    return path


# Row 1: device nodes are written into, never replaced -------------------------------------

@pytest.mark.skipif(not IS_ROOT, reason="making a device node needs root")
@pytest.mark.parametrize("command", ["check", "batch", "save"])
def test_a_device_node_stays_a_device_node(tmp_path: Path, answers: Path, command: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    before = os.lstat(node)
    if command == "check":
        args = ["check", "--answers", str(answers), "--as-of", AS_OF, "--output", str(node)]
    elif command == "batch":
        args = ["batch", str(_cohort(tmp_path)), "--as-of", AS_OF, "--output", str(node)]
    else:
        args = ["rules", "walk", "--rules", str(sound_copy(tmp_path)), "--as-of", AS_OF,
                "--summary", "--transcript", str(node)]
    code, out, err = run_main(capsys, *args)
    assert code in (0, 1), err
    mode = os.lstat(node).st_mode
    assert stat.S_ISCHR(mode), "the device node was replaced by a plain file"
    assert stat.S_IMODE(mode) == stat.S_IMODE(before.st_mode)
    assert os.lstat(node).st_ino == before.st_ino
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".hitpath-")]
    no_traceback(out, err)


def test_stdout_by_its_device_name_is_written_into(tmp_path: Path, answers: Path) -> None:
    # What /dev/stdout is, made in a temporary folder (the real one is never risked): a
    # link to the process's standard output, a pipe here, written through and never replaced.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    done = run_exe("check", "--answers", str(answers), "--as-of", AS_OF, "--format", "json",
                   "--output", str(stdout), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b'"routes"' in done.stdout
    assert stdout.is_symlink()
    no_traceback(done.stderr)


def test_a_fifo_or_a_folder_is_refused(tmp_path: Path, answers: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target, words in ((fifo, "FIFO"), (tmp_path, "folder")):
        code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                                  "--output", str(target))
        assert code == 2
        assert words.lower() in err.lower() and str(target) in err
        no_traceback(out, err)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_socket_is_refused(tmp_path: Path, answers: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                                  "--output", str(path))
    finally:
        server.close()
    assert code == 2 and "socket" in err
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


# Row 7: no output onto any input, the rules file included ---------------------------------

def test_batch_output_onto_its_rules_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    rules = sound_copy(tmp_path)
    before = rules.read_bytes()
    code, out, err = run_main(capsys, "batch", str(_cohort(tmp_path)), "--rules", str(rules),
                              "--as-of", AS_OF, "--output", str(rules))
    assert code == 2 and "input" in err and str(rules) in err
    assert rules.read_bytes() == before


def test_walk_transcript_onto_its_rules_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rules = sound_copy(tmp_path)
    before = rules.read_bytes()
    code, out, err = run_main(capsys, "rules", "walk", "--rules", str(rules), "--as-of", AS_OF,
                              "--transcript", str(rules))
    assert code == 2 and "input" in err
    assert rules.read_bytes() == before


def test_check_output_onto_the_shipped_rules_is_refused(
        tmp_path: Path, answers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hitpath.load.ruleset import SHIPPED_RULES

    before = Path(SHIPPED_RULES).read_bytes()
    # A hard link has another name but is the same file: identity, not spelling, decides.
    link = tmp_path / "other-name.yaml"
    os.link(SHIPPED_RULES, link)
    for target in (SHIPPED_RULES, str(link)):
        code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                                  "--output", target)
        assert code == 2 and "input" in err, err
    assert Path(SHIPPED_RULES).read_bytes() == before


def test_check_output_onto_its_answers_is_refused(tmp_path: Path, answers: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # One of the review's passing cases, kept passing.
    code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                              "--output", str(answers))
    assert code == 2 and answers.read_text() == ENGLAND_PWP


def test_output_through_a_symlink_to_an_input_is_refused(
        tmp_path: Path, answers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "report.txt"
    link.symlink_to(answers)
    code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                              "--output", str(link))
    assert code == 2 and answers.read_text() == ENGLAND_PWP
    assert link.is_symlink()


def test_output_onto_a_symlink_writes_the_file_it_points_to(
        tmp_path: Path, answers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A link is not a regular file, so it is never replaced: its file is written instead.
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("an old report")
    link = tmp_path / "report.txt"
    link.symlink_to(elsewhere)
    code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                              "--output", str(link), "--force")
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(elsewhere)
    assert "routes" in elsewhere.read_text().lower()
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o600


def test_output_onto_a_dangling_symlink_is_refused(
        tmp_path: Path, answers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "report.txt"
    link.symlink_to(tmp_path / "nowhere" / "x.txt")
    code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                              "--output", str(link))
    assert code == 2 and link.is_symlink()
    no_traceback(out, err)


# Rows 11: temporary files are cleaned up, on signals and later ----------------------------

def _slow_cohort(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("ref,nation,professions,pwp_employment_months\n")
        for i in range(400_000):
            handle.write(f"r{i},england,pwp,{i % 40}\n")
    return path


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_batch_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    cohort = _slow_cohort(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([hitpath_exe(), "batch", str(cohort), "--as-of", AS_OF,
                             "--output", str(out / "results.csv")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not [p for p in os.listdir(out) if p.startswith(".hitpath-")]:
        assert proc.poll() is None, "batch ended before it was signalled"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert os.listdir(out) == [], "a temporary or partial file was left behind"
    assert b"stopped" in err
    no_traceback(err)


def test_stale_temporary_files_are_removed_and_named(tmp_path: Path, answers: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / ".hitpath-abc123.tmp"
    stale.write_text("partial results of a run killed with -9")
    old = time.time() - 2 * 86400
    os.utime(stale, (old, old))
    fresh = tmp_path / ".hitpath-def456.tmp"  # perhaps another run's, still writing
    fresh.write_text("")
    other = tmp_path / ".other-abc.tmp"
    other.write_text("")
    os.utime(other, (old, old))
    code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of", AS_OF,
                              "--output", str(tmp_path / "report.txt"))
    assert code == 0, err
    assert not stale.exists() and fresh.exists() and other.exists()
    assert stale.name in err


# Row 15: a folder recheck cannot read -----------------------------------------------------

@pytest.mark.skipif(IS_ROOT, reason="root reads any folder")
def test_recheck_on_an_unreadable_folder(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "a.yaml").write_text(ENGLAND_PWP)
    folder.chmod(0)
    try:
        code, out, err = run_main(capsys, "recheck", str(folder), "--old-rules",
                                  str(sound_copy(tmp_path)), "--as-of", AS_OF)
    finally:
        folder.chmod(0o700)
    assert code == 2 and "cannot read" in err and str(folder) in err
    no_traceback(out, err)


def test_recheck_on_a_folder_it_cannot_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # Root reads any folder, so the refusal is staged where the listing is asked for.
    folder = tmp_path / "clients"
    folder.mkdir()
    listdir = os.listdir

    def refuse(path: object = ".") -> list[str]:
        if str(path) == str(folder):
            raise PermissionError(13, "Permission denied", str(path))
        return listdir(path)  # type: ignore[arg-type]

    rules = sound_copy(tmp_path)
    monkeypatch.setattr(os, "listdir", refuse)
    code, out, err = run_main(capsys, "recheck", str(folder), "--old-rules", str(rules),
                              "--as-of", AS_OF)
    assert code == 2 and "cannot read" in err and str(folder) in err
    no_traceback(out, err)


# Row 16: --save is checked before the first question --------------------------------------

@pytest.mark.parametrize("where", ["folder", "missing"])
def test_ask_save_target_is_checked_up_front(tmp_path: Path, where: str) -> None:
    import pexpect

    target = tmp_path if where == "folder" else tmp_path / "no-such-folder" / "a.yaml"
    child = pexpect.spawn(hitpath_exe(), ["ask", "--plain", "--save", str(target)],
                          cwd=str(tmp_path), env={**os.environ, "NO_COLOR": "1"},
                          encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "Where do you want to work" not in (child.before or "")


def test_ask_may_save_back_into_the_answers_it_resumes(tmp_path: Path) -> None:
    # The one output allowed to be an input: the answers file a session resumes and keeps.
    import pexpect

    (tmp_path / "me.yaml").write_text("nation: england\n")
    child = pexpect.spawn(hitpath_exe(), ["ask", "--plain", "--answers", "me.yaml",
                                          "--save", "me.yaml"],
                          cwd=str(tmp_path), env={**os.environ, "NO_COLOR": "1"},
                          encoding="utf-8", timeout=30)
    child.expect("qualifications or roles")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "nation: england" in (tmp_path / "me.yaml").read_text()


def test_ask_save_onto_the_rules_is_refused_up_front(tmp_path: Path) -> None:
    import pexpect

    rules = sound_copy(tmp_path)
    child = pexpect.spawn(hitpath_exe(), ["ask", "--plain", "--rules", str(rules),
                                          "--save", str(rules)],
                          cwd=str(tmp_path), encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2 and rules.read_text() == sound_text()


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
def test_ask_save_into_a_read_only_folder_is_refused_up_front(tmp_path: Path) -> None:
    import pexpect

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        child = pexpect.spawn(hitpath_exe(), ["ask", "--plain", "--save",
                                              str(folder / "a.yaml")],
                              cwd=str(tmp_path), encoding="utf-8", timeout=30)
        child.expect(pexpect.EOF)
        child.close()
    finally:
        folder.chmod(0o700)
    assert child.exitstatus == 2


# The review's passing cases, kept passing -------------------------------------------------

def test_disk_full_is_one_clear_message(tmp_path: Path, answers: Path) -> None:
    # As root, a /dev/full of our own, so a fault could never replace the real one.
    full = Path("/dev/full")
    if IS_ROOT:
        full = tmp_path / "full"
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    done = run_exe("check", "--answers", str(answers), "--as-of", AS_OF,
                   "--output", str(full), cwd=tmp_path)
    assert done.returncode == 2
    assert b"No space left" in done.stderr and done.stderr.count(b"\n") <= 3
    no_traceback(done.stderr)
    assert stat.S_ISCHR(os.lstat(full).st_mode)


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
def test_read_only_folder_is_one_clear_message(tmp_path: Path, answers: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, out, err = run_main(capsys, "check", "--answers", str(answers), "--as-of",
                                  AS_OF, "--output", str(folder / "r.txt"))
    finally:
        folder.chmod(0o700)
    assert code == 2 and str(folder) in err
    no_traceback(out, err)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_file_modes_whatever_the_umask(tmp_path: Path, answers: Path, umask: int) -> None:
    report = tmp_path / "r.html"
    results = tmp_path / "r.csv"
    old = os.umask(umask)
    try:
        first = run_exe("check", "--answers", str(answers), "--as-of", AS_OF,
                        "--output", str(report), cwd=tmp_path)
        second = run_exe("batch", str(_cohort(tmp_path)), "--as-of", AS_OF,
                         "--output", str(results), cwd=tmp_path)
    finally:
        os.umask(old)
    assert first.returncode == 0 and second.returncode == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(results.stat().st_mode) == 0o600


def test_two_runs_writing_one_file_are_named(tmp_path: Path, answers: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from hitpath.load.output import AtomicOutput

    target = tmp_path / "results.csv"
    first = AtomicOutput(str(target))
    first.handle.write("first\n")
    second = AtomicOutput(str(target))
    second.handle.write("second\n")
    second.commit()
    first.commit()
    err = capsys.readouterr().err
    assert target.read_text() == "first\n"
    assert "another" in err and str(target) in err


def test_rules_file_is_never_written_by_check(tmp_path: Path, answers: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(sound_text())
    code, out, err = run_main(capsys, "check", "--rules", str(rules), "--set", "nation=england",
                              "--as-of", AS_OF, "--output", str(rules))
    assert code == 2 and rules.read_text() == sound_text()
