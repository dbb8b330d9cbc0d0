"""The pure core: the rules' runtime types, dates, the one error type, conditions and the engine.

No I/O, no clock and no terminal libraries here: the reference date is always an argument, so
every face (questionnaire, reports, batch, rules tooling) calls the same functions.
"""
