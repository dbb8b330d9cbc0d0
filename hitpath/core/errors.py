"""One error type for every bad input: it carries the file, line, key and a hint."""

from __future__ import annotations


class HitpathError(Exception):
    """A problem with the user's input that hitpath can name precisely.

    The CLI turns it into one paragraph on stderr and exit status 2; it is never shown as a
    traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.hint = hint

    def where(self) -> str:
        """``file:line:column`` as far as it is known."""
        parts = ["<stdin>" if self.file == "-" else self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        """The whole message, as a person reads it."""
        text = f"{self.where()}: " if self.file or self.line is not None else ""
        if self.key:
            text += f"{self.key}: "
        text += self.message
        if self.hint:
            text += f"\n  {self.hint}"
        return text

    def __str__(self) -> str:
        return self.render()


SUGGEST_CHARS = 100


def did_you_mean(word: str, options: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """A 'did you mean' hint for a near miss, or None (none for a long value: comparing
    megabytes with every option would take gigabytes, and no typo is that long)."""
    if len(word) > SUGGEST_CHARS:
        return None
    import difflib  # only on the error path

    ordered = sorted(options)
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    if not close and len(word) >= 3:
        close = [o for o in ordered if o.startswith(word) or word.startswith(o)][:1]
    return f"Did you mean '{close[0]}'?" if close else None
