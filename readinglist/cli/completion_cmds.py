"""``readinglist completion SHELL``: print click's shell-completion script for bash, zsh or fish."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

PROG = "readinglist"
COMPLETE_VAR = "_READINGLIST_COMPLETE"
SHELLS = ("bash", "zsh", "fish")

COMPLETION_EPILOG = """\b
Install it once (then open a new shell):
  bash:  readinglist completion bash > ~/.local/share/bash-completion/completions/readinglist
  zsh:   readinglist completion zsh > "${fpath[1]}/_readinglist"
         (or add to ~/.zshrc:  eval "$(readinglist completion zsh)")
  fish:  readinglist completion fish > ~/.config/fish/completions/readinglist.fish

\b
Examples:
  eval "$(readinglist completion bash)"
  readinglist completion zsh > ~/.zfunc/_readinglist"""


@click.command(epilog=COMPLETION_EPILOG)
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell-completion script for SHELL (commands, options, shelves, tags, paper ids)."""
    cls = get_completion_class(shell)
    assert cls is not None  # every name in SHELLS is one click ships
    root = ctx.find_root().command
    click.echo(cls(root, {}, PROG, COMPLETE_VAR).source())
