"""Small pieces shared by the letters commands."""

import json
from typing import Any

from django.core.management.base import CommandParser

from regua.audit.cli import add_user_argument


def add_subcommand(
    subparsers: Any, parser: CommandParser, name: str, help: str, description: str = ""
) -> CommandParser:
    """A subcommand whose bad arguments exit with status 2, like the main parser's."""
    sub: CommandParser = subparsers.add_parser(
        name,
        help=help,
        description=f"{help} {description}".strip(),
        called_from_command_line=parser.called_from_command_line,
    )
    add_user_argument(sub)
    return sub


def subcommands(parser: CommandParser) -> Any:
    return parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
