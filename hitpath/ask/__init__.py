"""The questionnaire: the pure flow, the prompt adapter (the only importer of questionary) and the
session around them (results, what-if, exports)."""
