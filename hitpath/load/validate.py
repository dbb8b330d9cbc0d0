"""Validate a rules file from source: the pydantic schema, then the cross-references.

Every problem becomes a HitpathError naming the file, the line, the key and, where a close
name exists, a 'did you mean'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from hitpath.core.conditions import comparisons_in, leaf_parts, parts
from hitpath.core.errors import HitpathError, did_you_mean
from hitpath.load.strict import LineMap, Path, line_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import ValidationError

    from hitpath.core.model import Condition, Json


def validate_rules(data: object, lines: LineMap, filename: str) -> dict[str, Json]:
    """Return the rules as validated plain data (JSON-ready), or raise HitpathError.

    The schema has checked every key and type of this data; the cross-checks below read
    it as plain mappings (the loader's boundary)."""
    from pydantic import ValidationError

    from hitpath.load.schema import RulesFile

    if not isinstance(data, dict):
        kind = {list: "list", str: "text", type(None): "empty file"}.get(type(data))
        raise HitpathError("a rules file must be a mapping of sections; this one is a "
                           f"{kind or type(data).__name__}", file=filename, line=1)
    try:
        model = RulesFile.model_validate(data)
    except ValidationError as exc:
        raise _from_pydantic(exc, data, lines, filename) from None
    plain = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    _Checker(plain, lines, filename).run()
    return plain


def _data_path(data: object, loc: tuple[str | int, ...]) -> tuple[Path, str]:
    """Map a pydantic error location to a path in the data (dropping union tags)."""
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        last_part = index == len(loc) - 1
        if (isinstance(node, dict) and part in node
                and (last_part or isinstance(node[part], (dict, list)))):
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            path.append(part)
        elif part == "in_" and isinstance(node, dict) and "in" in node:
            node = node["in"]
            path.append("in")
    last = str(loc[-1]) if loc else ""
    return tuple(path), last


def _from_pydantic(exc: ValidationError, data: object, lines: LineMap, filename: str
                   ) -> HitpathError:
    errors = exc.errors()
    # An unknown key usually explains a 'missing' one (a typo), so name it first.
    order = {"extra_forbidden": 0, "union_tag_invalid": 1}
    first = min(errors, key=lambda e: order.get(e["type"], 2))
    path, last = _data_path(data, tuple(first["loc"]))
    key = _key_name(data, path) or "(top level)"
    message = first["msg"]
    hint = None
    if first["type"] == "extra_forbidden":
        parent_path = path[:-1] if path and path[-1] == last else path
        key = _key_name(data, (*parent_path, last))
        parent = _schema_fields(parent_path)
        message = f"unknown key '{last}'"
        if parent:
            hint = did_you_mean(last, parent) or f"Allowed keys here: {', '.join(sorted(parent))}."
    elif first["type"] == "missing":
        message = f"the required key '{last}' is missing"
    elif first["type"] in ("union_tag_invalid", "literal_error"):
        ctx = first.get("ctx", {})
        expected = ctx.get("expected") or ctx.get("expected_tags")
        given = str(ctx.get("tag", first.get("input", "")))
        options = [o.strip(" '") for o in str(expected).replace(" or ", ",").split(",")]
        message = f"'{given}' is not allowed here"
        hint = did_you_mean(given, [o for o in options if o]) or ""
        hint = (hint + " " if hint else "") + (f"Expected one of: {expected}." if expected else "")
    elif first["type"] == "too_short":
        message = "this list is empty; it needs at least one item"
    more = len(errors) - 1
    if more:
        hint = (hint + " " if hint else "") + f"({more} more problem{'s' if more > 1 else ''} "
        hint += "after this one; fix this first.)"
    return HitpathError(message, file=filename, line=line_of(lines, path), key=key, hint=hint)


def _key_name(data: object, path: Path) -> str:
    """A path as a person reads it: list items named by their id where they have one."""
    parts: list[str] = []
    node = data
    for part in path:
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            ident = node.get("id") if isinstance(node, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{ident if ident else part}]"]
            continue
        node = node.get(part) if isinstance(node, dict) else None
        parts.append(str(part))
    return ".".join(parts)


def _schema_fields(path: Path) -> list[str]:
    """The keys allowed at ``path``, for a 'did you mean' (found by walking the schema)."""
    import typing

    from pydantic import BaseModel

    from hitpath.load import schema

    condition_keys = sorted({f.alias or n for n, f in schema.Compare.model_fields.items()}
                            | set(CONNECTIVES))

    def models_in(annotation: object) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found += models_in(arg)
        return found

    current: list[type[BaseModel]] = [schema.RulesFile]
    keyed = False  # the next part is a key of a mapping of models (a training's id)
    for part in path:
        if isinstance(part, int):
            continue
        if keyed:
            keyed = False
            continue
        if current == [schema.RulesFile] and part == "conditions":
            return condition_keys
        nxt: list[type[BaseModel]] = []
        for model in current:
            # Errors name a field by its key in the file ('not'), which may be an alias.
            field = next((f for n, f in model.model_fields.items()
                          if part in (n, f.alias)), None)
            if field is not None:
                nxt += models_in(field.annotation)
                # Models kept by id (sources, trainings, signposts): the next part is an id.
                keyed = keyed or typing.get_origin(field.annotation) is dict
        if not nxt:
            return condition_keys if current and part in (
                "when", "applies_when", "met_when") else []
        current = nxt
    if any(m in (schema.AllOf, schema.AnyOf, schema.NotOf, schema.Ref, schema.Compare)
           for m in current):
        return condition_keys
    return sorted({f.alias or n for model in current for n, f in model.model_fields.items()})


ID_SECTIONS = (
    ("questions", "question"), ("requirements", "requirement"), ("routes", "route"),
    ("advice", "advice item"), ("next_steps", "next step"),
)
"""The sections listed by id, with the word for one item."""


class _Checker:
    """Cross-reference checks the schema alone cannot express."""

    def __init__(self, rules: dict[str, Any], lines: LineMap, filename: str) -> None:
        self.rules = rules
        self.lines = lines
        self.filename = filename
        self.questions = {q["id"]: q for q in rules["questions"]}
        self.order = [q["id"] for q in rules["questions"]]

    def fail(self, path: Path, message: str, hint: str | None = None) -> HitpathError:
        return HitpathError(message, file=self.filename, line=line_of(self.lines, path),
                            key=_key_name(self.rules, path), hint=hint)

    def run(self) -> None:
        rules = self.rules
        for section, what in ID_SECTIONS:
            self._unique(section, what)
        self._condition_bounds()  # first: what follows follows named conditions
        named = [(("conditions", name), node) for name, node in rules["conditions"].items()]
        for path, node in named + self._in_file_order(_found(rules, _is_condition)):
            # A question may only depend on questions asked before it; only advice and next
            # steps, shown after the verdicts, may ask whether a route is open.
            allowed = set(self.order[:cast(int, path[1])]) if path[0] == "questions" else None
            self.condition(node, path, allowed, verdicts=path[0] in ("advice", "next_steps"))
        requirements = {r["id"]: r for r in rules["requirements"]}
        for i, req in enumerate(rules["requirements"]):
            if req["kind"] in ("months", "date"):
                wanted = "number" if req["kind"] == "months" else "date"
                self.question_ref(req["question"], ("requirements", i, "question"), wanted)
        for i, route in enumerate(rules["routes"]):
            for j, rid in enumerate(route["requirements"]):
                if rid not in requirements:
                    raise self.fail(("routes", i, "requirements", j), f"no requirement '{rid}'",
                                    did_you_mean(rid, list(requirements)))
        funding = rules["funding"]
        req = requirements.get(funding["requirement"])
        if req is None or req["kind"] != "date":
            raise self.fail(("funding", "requirement"),
                            f"'{funding['requirement']}' is not a date requirement",
                            did_you_mean(funding["requirement"], list(requirements)))
        for i, about in enumerate(funding.get("if_unsure_about", [])):
            self.question_ref(about["question"], ("funding", "if_unsure_about", i, "question"),
                              None)
        for i, about in enumerate(funding.get("uncertain_for", [])):
            where = ("funding", "uncertain_for", i)
            choices = self.question_ref(about["question"], (*where, "question"), "choice")
            for j, value in enumerate(about["values"]):
                if value not in choices:
                    raise self.fail((*where, "values", j), f"'{about['question']}' has no "
                                    f"choice '{value}'", did_you_mean(value, choices))
        terms = rules["terms"]
        starts = [p["effective_from"] for p in terms["pay"]]
        for i, period in enumerate(terms["pay"]):
            if i and starts[i] <= starts[i - 1]:
                raise self.fail(("terms", "pay", i, "effective_from"),
                                "pay periods must be in date order with no two on one date",
                                f"{starts[i]} is not after {starts[i - 1]}.")
            bands = [b["band"] for b in period["bands"]]
            for band in (terms["trainee_band"], terms["qualified_band"]):
                if band not in bands:
                    raise self.fail(("terms", "pay", i, "bands"),
                                    f"this pay period has no band {band}")
        if "reference_question" in rules:
            self.question_ref(rules["reference_question"], ("reference_question",), "date")
        area_question = rules["hcas"].get("question")
        if area_question:
            areas = self.question_ref(area_question, ("hcas", "question"), "choice")
            for i, zone in enumerate(rules["hcas"]["zones"]):
                if zone["area"] not in areas:
                    raise self.fail(("hcas", "zones", i, "area"),
                                    f"'{zone['area']}' is not a choice of '{area_question}'",
                                    did_you_mean(zone["area"], areas))
        conflict_types = {"earlier": "date", "later": "date", "since": "date", "date": "date",
                  "months": "number"}
        self._unique("conflicts", "conflict")
        for i, conflict in enumerate(rules["conflicts"]):
            for key, qtype in conflict_types.items():
                if key in conflict:
                    self.question_ref(conflict[key], ("conflicts", i, key), qtype)
        zones = [z["area"] for z in rules["hcas"]["zones"]]
        amounts = rules["hcas"].get("amounts", [])
        for i, table in enumerate(amounts):
            if i and table["effective_from"] <= amounts[i - 1]["effective_from"]:
                raise self.fail(("hcas", "amounts", i, "effective_from"),
                                "supplement tables must be in date order with no two on one date",
                                f"{table['effective_from']} is not after "
                                f"{amounts[i - 1]['effective_from']}.")
            for j, limit in enumerate(table["limits"]):
                if limit["area"] not in zones:
                    raise self.fail(("hcas", "amounts", i, "limits", j, "area"),
                                    f"'{limit['area']}' is not one of the zones",
                                    did_you_mean(limit["area"], zones))
        self._trainings()
        known = rules["sources"]
        for path, cited in self._in_file_order(_found(rules, _cites)):
            for i, sid in enumerate(cast("list[str]", cited)):
                if sid not in known:
                    raise self.fail((*path, i), f"no source '{sid}' in the sources section",
                                    did_you_mean(sid, list(known)))

    def _choice_value(self, qid: str, value: str, path: Path, wanted: str | None) -> None:
        values = self.question_ref(qid, path, wanted)
        if value not in values:
            raise self.fail(path, f"'{value}' is not a choice of '{qid}'",
                            did_you_mean(value, values) or f"Choices: {', '.join(values)}.")

    def _trainings(self) -> None:
        """Trainings, experience roles and signposts: references, sources, conditions."""
        rules = self.rules
        trainings = rules.get("trainings", {})
        routes = [r["id"] for r in rules["routes"]]
        between = rules["funding"].get("between_trainings")
        if trainings and between is None:
            raise self.fail(("funding",), "plans need 'funding.between_trainings'",
                            "Say how the funding rule applies between two trainings.")
        if between is not None:
            base = ("funding", "between_trainings")
            self._choice_value(between["earlier_question"], between["earlier_value"],
                               (*base, "earlier_value"), "choice")
            self.question_ref(between["programme_question"], (*base, "programme_question"),
                              "choice")
            self.question_ref(between["started_question"], (*base, "started_question"), "date")
        for tid, training in trainings.items():
            base = ("trainings", tid)
            for i, rid in enumerate(training.get("routes", [])):
                if rid not in routes:
                    raise self.fail((*base, "routes", i), f"no route '{rid}'",
                                    did_you_mean(rid, routes))
            ids = [e["id"] for e in training.get("entry", [])]
            if len(set(ids)) != len(ids):
                raise self.fail((*base, "entry"), "two entry routes share an id")
            if "previous_training_value" in training and between is not None:
                self._choice_value(between["programme_question"],
                                   training["previous_training_value"],
                                   (*base, "previous_training_value"), "choice")
            qualifies = training.get("qualifies_as")
            if qualifies:
                self._choice_value(qualifies["question"], qualifies["adds"],
                                   (*base, "qualifies_as", "adds"), "multi")
                if "months_question" in qualifies:
                    self.question_ref(qualifies["months_question"],
                                      (*base, "qualifies_as", "months_question"), "number")
            for i, assumed in enumerate(training.get("plan_assumes", [])):
                self._choice_value(assumed["question"], assumed["value"],
                                   (*base, "plan_assumes", i, "value"), "choice")
        occupations = [t["occupation"] for t in trainings.values()]
        for tid, training in trainings.items():
            if occupations.count(training["occupation"]) > 1:
                raise self.fail(("trainings", tid, "occupation"),
                                f"two trainings lead to the occupation '{training['occupation']}'")
        self._unique("experience_roles", "experience role")
        if rules["experience_roles"] and "when" in rules["experience_roles"][-1]:
            raise self.fail(("experience_roles", len(rules["experience_roles"]) - 1, "when"),
                            "the last experience role is the one for everyone else: no 'when'")
        experience = rules.get("experience")
        if experience:
            self.question_ref(experience["question"], ("experience", "question"), "number")
            for i, qid in enumerate(experience.get("also_counts", [])):
                self.question_ref(qid, ("experience", "also_counts", i), "number")
        elif trainings:
            raise self.fail(("trainings",), "plans need an 'experience' section",
                            "Name the answer plans count as experience.")
        for sid in rules.get("signposts", {}):
            if sid in trainings:
                raise self.fail(("signposts", sid), f"'{sid}' is also a training")

    def _in_file_order(self, found: list[tuple[Path, Any]]) -> list[tuple[Path, Any]]:
        return sorted(found, key=lambda item: line_of(self.lines, item[0]) or 0)

    def _unique(self, section: str, what: str) -> None:
        seen: set[str] = set()
        for i, ident in enumerate(item["id"] for item in self.rules[section]):
            if ident in seen:
                raise self.fail((section, i, "id"), f"two {what}s have the id '{ident}'")
            seen.add(ident)

    def question_ref(self, qid: str, path: Path, wanted: str | None) -> list[str]:
        """Refuse a reference to no question, or to one of another type than ``wanted``;
        returns the question's choices (none for a number or a date)."""
        question = self.questions.get(qid)
        if question is None:
            raise self.fail(path, f"no question '{qid}'", did_you_mean(qid, self.order))
        if wanted and question["type"] != wanted:
            raise self.fail(path, f"'{qid}' is a {question['type']} question; expected {wanted}")
        return [c["value"] for c in question.get("choices", [])]

    def condition(
        self, node: Condition, path: Path, allowed: set[str] | None, verdicts: bool = False
    ) -> None:
        from hitpath.load.schema import OPERATORS

        if "all" in node or "any" in node:
            key = "all" if "all" in node else "any"
            for i, part in enumerate(parts(node)):
                self.condition(part, (*path, key, i), allowed, verdicts)
        elif "not" in node:
            self.condition(node["not"], (*path, "not"), allowed, verdicts)
        elif "ref" in node:
            if node["ref"] not in self.rules["conditions"]:
                raise self.fail((*path, "ref"), f"no named condition '{node['ref']}'",
                                did_you_mean(node["ref"], list(self.rules["conditions"])))
            if allowed is not None:
                named = self.rules["conditions"]
                for leaf in comparisons_in(named, named[node["ref"]]):
                    if leaf["q"] not in allowed:
                        raise self.fail((*path, "ref"), f"this depends on '{leaf['q']}', which "
                                        "is not asked before it")
        elif "routes_open" in node:
            if not verdicts:
                raise self.fail(path, "routes_open can only be used in advice and next steps")
        else:
            qid = node["q"]
            allowed_values = self.question_ref(qid, (*path, "q"), None)
            question = self.questions[qid]
            if allowed is not None and qid not in allowed:
                raise self.fail((*path, "q"), f"'{qid}' is not asked before this question",
                                "A question's 'when' may only use earlier questions.")
            _, op, value = leaf_parts(node)
            if question["type"] not in OPERATORS[op]:
                fits = [o for o, types in OPERATORS.items() if question["type"] in types]
                raise self.fail((*path, op),
                                f"'{op}' does not fit the {question['type']} question '{qid}'",
                                f"Use one of: {', '.join(fits)}.")
            if question["type"] in ("choice", "multi") and op != "answered":
                if question.get("unsure_allowed"):
                    allowed_values.append("not_sure")
                for item in value if isinstance(value, tuple) else [value]:
                    if item not in allowed_values:
                        raise self.fail((*path, op),
                                        f"'{item}' is not a choice of '{qid}'",
                                        did_you_mean(str(item), allowed_values)
                                        or f"Choices: {', '.join(allowed_values)}.")
            if question["type"] == "number" and op != "answered" and not isinstance(value, int):
                raise self.fail((*path, op), f"'{qid}' is a number; expected a whole number")

    def _condition_bounds(self) -> None:
        """Refuse named conditions that refer in a circle, or that written out in full would
        be deeper or bigger than any rule needs (a chain of hundreds, or a few lines each
        using the next twice): the engine, the walk and the checks follow them. No recursion
        here, so the file cannot drive this past Python's limit either."""
        named = self.rules["conditions"]
        depth: dict[str, int] = {}
        size: dict[str, int] = {}
        state: dict[str, int] = {}  # 1: being measured, 2: done
        for start in named:
            if start in state:
                continue
            state[start] = 1
            trail = [start]
            stack = [iter(_refs_in(named[start]))]
            while stack:
                name = trail[-1]
                following = next(stack[-1], None)
                if following is None:
                    stack.pop()
                    trail.pop()
                    state[name] = 2
                    depth[name], size[name] = _measure(named[name], depth, size)
                    self._within_bounds(("conditions", name), depth[name], size[name])
                    continue
                if following not in named or state.get(following) == 2:
                    continue
                if state.get(following) == 1:
                    chain = " -> ".join([*trail[trail.index(following):], following])
                    raise self.fail(("conditions", following),
                                    f"named conditions refer in a circle: {chain}")
                state[following] = 1
                trail.append(following)
                stack.append(iter(_refs_in(named[following])))
        total = 0
        for path, node in _found(self.rules, _is_condition):
            node_depth, node_size = _measure(node, depth, size)
            self._within_bounds(path, node_depth, node_size)
            total += node_size
            if total > MAX_CONDITION_TOTAL:
                raise self.fail(path, f"the conditions of these rules, written out in full, "
                                f"pass {MAX_CONDITION_TOTAL:,} parts here",
                                "Name shared conditions once and keep each one small.")

    def _within_bounds(self, path: Path, node_depth: int, node_size: int) -> None:
        if node_depth > MAX_CONDITION_DEPTH:
            raise self.fail(path, f"this condition is nested {node_depth} levels deep once its "
                            f"named conditions are written out; at most {MAX_CONDITION_DEPTH} "
                            "are allowed", "Refer to fewer conditions in a chain.")
        if node_size > MAX_CONDITION_SIZE:
            raise self.fail(path, f"this condition has {node_size:,} parts once its named "
                            f"conditions are written out; at most {MAX_CONDITION_SIZE:,} are "
                            "allowed", "A condition used more than once in another one "
                            "multiplies it; simplify.")


MAX_CONDITION_DEPTH = 40
"""Levels of all/any/not/ref in one condition once named conditions are written out."""
MAX_CONDITION_SIZE = 2_000
"""Parts of one condition once named conditions are written out (the shipped rules' largest
has well under a hundred)."""
MAX_CONDITION_TOTAL = 20_000
"""Parts of all the rules' conditions together, written out: bounds each engine run."""

CONNECTIVES = ("all", "any", "not", "ref", "q", "routes_open")


def _refs_in(node: Condition) -> list[str]:
    """The named conditions a condition refers to directly (not through others)."""
    found: list[str] = []
    stack = [node]
    while stack:
        part = stack.pop()
        if "ref" in part:
            found.append(part["ref"])
        stack.extend(parts(part))
    return found


def _measure(node: Condition, depth: dict[str, int], size: dict[str, int]) -> tuple[int, int]:
    """(depth, parts) of a condition with named ones written out, from their known measures."""
    deepest = total = 0
    stack = [(node, 1)]
    while stack:
        part, level = stack.pop()
        total += 1
        if "ref" in part:
            total += size.get(part["ref"], 0)
            level += depth.get(part["ref"], 0)
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in parts(part))
    return deepest, total


def _is_condition(key: object, value: object) -> bool:
    """A condition outside the named table: under a key ending in 'when' (when, applies_when,
    met_when...)."""
    return (isinstance(key, str) and key.endswith("when") and isinstance(value, dict)
            and any(k in value for k in CONNECTIVES))


def _cites(key: object, value: object) -> bool:
    """A list of source ids: under 'sources' or a key ending in '_sources'."""
    return isinstance(key, str) and key.endswith("sources") and isinstance(value, list)


def _found(rules: dict[str, Json], wanted: Callable[[object, object], bool]
           ) -> list[tuple[Path, Any]]:
    """Every value outside the named conditions whose key and value ``wanted`` picks, found
    wherever it sits (without recursion: a crafted file cannot drive it deep)."""
    found: list[tuple[Path, Any]] = []
    stack: list[tuple[Path, object]] = [((), {k: v for k, v in rules.items()
                                              if k != "conditions"})]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if wanted(key, value):
                    found.append(((*path, key), value))
                else:
                    stack.append(((*path, key), value))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
    return found
