"""The compiled twin of rules.yaml must match it: a stale twin is simply not used, but the
shipped package should never carry one."""

from __future__ import annotations

import re

from hitpath.load.ruleset import SHIPPED_RULES, compiled_is_current, load_rules, validate_text


def test_compiled_twin_is_current() -> None:
    assert compiled_is_current(), "run 'make compile' after editing hitpath/rules.yaml"


def test_compiled_and_source_build_the_same_rules() -> None:
    from hitpath.load.ruleset import build_rules

    with open(SHIPPED_RULES, encoding="utf-8") as handle:
        from_source = build_rules(validate_text(handle.read(), SHIPPED_RULES), SHIPPED_RULES)
    from_twin = load_rules()
    assert from_source.questions == from_twin.questions
    assert from_source.routes == from_twin.routes
    assert from_source.terms == from_twin.terms
    assert from_source.advice == from_twin.advice


def test_an_edited_copy_is_validated_from_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = open(SHIPPED_RULES, encoding="utf-8").read()
    copy = tmp_path / "rules.yaml"
    edited = re.sub(r'rules_version: "[^"]+"', 'rules_version: "local.1"', text, count=1)
    assert edited != text
    copy.write_text(edited)
    assert load_rules(str(copy)).meta.rules_version == "local.1"
