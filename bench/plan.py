"""In-process planning: every goal from a handful of different people, the slowest median.

Loaded by bench.py (its `run()`); the target is under 20 ms for any goal from any answers.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from typing import Any

PEOPLE: dict[str, dict[str, Any]] = {
    "psychology graduate": {
        "nation": "england", "professions": ["none"], "degree": "yes", "gbc": "yes",
        "degree_class": "upper_second", "mental_health_experience_months": 0,
        "ksa_portfolio": "not_started", "previous_nhs_training": "none",
        "right_to_work": "yes"},
    "EMHP, exam board 22 October 2025": {
        "nation": "england", "professions": ["none"], "degree": "yes", "gbc": "yes",
        "degree_class": "first", "mental_health_experience_months": 30,
        "ksa_portfolio": "in_progress", "previous_nhs_training": "yes",
        "previous_training_programme": "emhp", "previous_training_started": "2024-09-01",
        "previous_exam_board": "2025-10-22", "right_to_work": "yes"},
    "qualified PWP": {
        "nation": "england", "professions": ["pwp"], "pwp_employment_months": 5,
        "degree": "yes", "gbc": "yes", "degree_class": "upper_second",
        "ksa_portfolio": "in_progress", "previous_nhs_training": "yes",
        "previous_training_programme": "pwp", "previous_training_started": "2024-01-10",
        "previous_exam_board": "2025-03-01", "right_to_work": "yes"},
    "mental health nurse": {
        "nation": "england", "professions": ["mental_health_nurse"],
        "core_experience_months": 30, "previous_nhs_training": "none"},
}


def run() -> list[str]:
    from hitpath.core.planner import plan
    from hitpath.load.answers import from_mapping
    from hitpath.load.ruleset import load_rules

    rules = load_rules()
    slowest = (0.0, "", "")
    figures: list[float] = []
    for who, raw in PEOPLE.items():
        answers = from_mapping(rules, raw, who)
        for goal in rules.trainings:
            for as_of in (date(2025, 4, 11), date(2026, 11, 30)):
                samples = []
                for _ in range(15):
                    start = time.perf_counter()
                    plan(rules, answers, as_of, goal, via="pwp")
                    samples.append(time.perf_counter() - start)
                median = statistics.median(samples) * 1000
                figures.append(median)
                if median > slowest[0]:
                    slowest = (median, who, goal)
    return [
        "Planning in process (every goal, four people, two dates, with --via pwp), median:",
        f"  typical plan                              {statistics.median(figures):8.2f} ms",
        f"  slowest: {slowest[2]} for the {slowest[1]:<24}{slowest[0]:8.2f} ms  "
        "(target: under 20 ms)",
    ]
