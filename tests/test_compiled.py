"""The compiled twin of rules.yaml must match it: a stale twin is simply not used, but the
shipped package should never carry one."""

from __future__ import annotations

import re

import pytest

from hitpath.core.model import Rules
from hitpath.load.ruleset import SHIPPED_RULES, compiled_is_current, load_rules, validate_text


def test_compiled_twin_is_current() -> None:
    assert compiled_is_current(), "run 'make rules' after editing hitpath/rules.yaml"


def test_compiled_and_source_build_the_same_rules() -> None:
    from hitpath.load.ruleset import build_rules

    with open(SHIPPED_RULES, encoding="utf-8") as handle:
        from_source = build_rules(validate_text(handle.read(), SHIPPED_RULES), SHIPPED_RULES)
    from_twin = load_rules()
    # Every part the engine reads (all but the caches made on first use).
    parts = [name for name in Rules.__slots__
             if name not in ("compiled", "requirement_checks")]
    assert len(parts) >= 14
    for name in parts:
        assert getattr(from_source, name) == getattr(from_twin, name), name


def test_the_twin_is_not_trusted_once_the_code_that_made_it_changes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hitpath.load import ruleset

    assert compiled_is_current()
    monkeypatch.setattr(ruleset, "code_fingerprint", lambda: "made by other code")
    assert not compiled_is_current()
    # Still loads, from source.
    assert load_rules().meta.rules_version


def test_an_edited_copy_is_validated_from_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = open(SHIPPED_RULES, encoding="utf-8").read()
    copy = tmp_path / "rules.yaml"
    edited = re.sub(r'rules_version: "[^"]+"', 'rules_version: "local.1"', text, count=1)
    assert edited != text
    copy.write_text(edited)
    assert load_rules(str(copy)).meta.rules_version == "local.1"
