"""Files in and out: the strict YAML/JSON loader, the rules schema and its cross-checks, the
compiled copy of the shipped rules, answers parsing, and whole-or-nothing writes."""
