"""The command-line reference (docs/cli.md), generated from the app itself.

``python -m hitpath.clidoc > docs/cli.md`` (or ``make cli-docs``) writes it; a test checks the
committed copy is what the app says now, so the reference cannot drift from the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typer import Context
    from typer.core import TyperCommand, TyperGroup

WIDTH = 80

HEAD = """# Command-line reference

Every hitpath command, its options, examples and exit statuses, exactly as `hitpath COMMAND -h`
shows them. Generated from the program by `make cli-docs`; a test fails when this page and the
program disagree. For what the commands are for, see the [README](../README.md) and the guides
in this folder.
"""


def render() -> str:
    """The reference page, as Markdown."""
    import typer.main
    from typer.core import TyperCommand, TyperGroup

    from hitpath.cli import _plain_placeholders, app

    _plain_placeholders()
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    sections: list[str] = [HEAD]

    def walk(command: TyperCommand | TyperGroup, path: list[str], parent: Context | None
             ) -> None:
        settings = {**(command.context_settings or {}), "terminal_width": WIDTH,
                    "max_content_width": WIDTH}
        ctx = typer.Context(command, info_name=path[-1], parent=parent, **settings)
        text = command.get_help(ctx).rstrip()
        sections.append(f"## {' '.join(path)}\n\n```text\n{text}\n```\n")
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                assert isinstance(sub, (TyperCommand, TyperGroup))  # typer made every one
                walk(sub, [*path, name], ctx)

    walk(root, ["hitpath"], None)
    return "\n".join(sections)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
