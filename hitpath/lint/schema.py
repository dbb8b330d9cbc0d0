"""JSON Schemas for editors: the rules file (from the pydantic models) and answers files (from
the questions of the shipped rules).

``rules.yaml`` starts with ``# yaml-language-server: $schema=schemas/rules.schema.json`` so
an editor with the YAML language server validates and completes while a careers adviser edits.
The committed copies in ``hitpath/schemas/`` are regenerated with ``hitpath rules schema``; a test
keeps them current. They ship inside the package, so the comment holds once installed too.
"""

from __future__ import annotations

import re

from hitpath.core.model import UNSURE, Json, Question, Rules

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def rules_schema() -> dict[str, Json]:
    """The JSON Schema of a rules file, generated from the pydantic models."""
    from hitpath.load.schema import RulesFile

    schema = RulesFile.model_json_schema(by_alias=True)
    compare = schema["$defs"]["Compare"]
    # A comparison is 'q' plus exactly one operator, and operators never take null.
    for prop in compare["properties"].values():
        prop.pop("default", None)
        if "anyOf" in prop:
            kept = [alt for alt in prop["anyOf"] if alt.get("type") != "null"]
            prop.pop("anyOf")
            prop.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
    compare["minProperties"] = 2
    compare["maxProperties"] = 2
    return {
        "$schema": DRAFT,
        "title": "hitpath rules file",
        **{k: v for k, v in schema.items() if k != "title"},
        "description": "All the knowledge hitpath uses: questions, routes, requirements, the "
                       "funding rule, dated terms and pay, advice and sources. Check an edited "
                       "file with 'hitpath rules check'.",
    }


def _choice_schema(question: Question) -> dict[str, Json]:
    values = list(question.values)
    options: list[dict[str, Json]] = [{"enum": values}]
    # YAML 1.1 reads unquoted yes/no as true/false; hitpath takes them as the choices.
    options += [{"const": flag} for word, flag in (("yes", True), ("no", False)) if word in values]
    return options[0] if len(options) == 1 else {"anyOf": options}


def _answer_schema(question: Question) -> dict[str, Json]:
    """One answer's schema, accepting exactly what hitpath.load.answers.coerce accepts."""
    text = f"{question.text} ({question.unit})" if question.unit else question.text
    options: list[dict[str, Json]]
    if question.type == "choice":
        options = [_choice_schema(question)]
    elif question.type == "multi":
        word = "|".join(re.escape(v) for v in question.values)
        listed = rf"^\s*({word})(\s*[,;]\s*({word}))*\s*$"
        options = [
            {"type": "array", "minItems": 1, "items": _choice_schema(question)},
            {"type": "string", "pattern": listed},
        ]
    elif question.type == "number":
        bounds = (("minimum", question.min), ("maximum", question.max))
        number: dict[str, Json] = {"type": "integer",
                                   **{k: v for k, v in bounds if v is not None}}
        options = [number, {"type": "string", "pattern": r"^\s*-?\d+\s*$"}]
    else:
        options = [{"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
                    "description": "YYYY-MM-DD, or YYYY-MM when only the month is known"}
                   if question.month_only_allowed else
                   {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                    "description": "YYYY-MM-DD"}]
    if question.unsure_allowed and question.type in ("number", "date"):
        options.append({"const": UNSURE})
    options.append({"type": "null"})  # an empty value means: not answered
    return {"description": text, "anyOf": options}


def answers_schema(rules: Rules) -> dict[str, Json]:
    """The JSON Schema of an answers file for these rules: every key optional, none unknown."""
    return {
        "$schema": DRAFT,
        "title": "hitpath answers file",
        "description": "A mapping of question ids to answers; every key is optional. See "
                       "'hitpath questions'.",
        "type": "object",
        "additionalProperties": False,
        "properties": {q.id: _answer_schema(q) for q in rules.questions},
    }
