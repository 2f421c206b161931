"""Argument types shared by the dunning commands (bad values exit with status 2)."""

import argparse
import datetime
import json
from typing import Any

from django.core.management.base import CommandParser

from regua.dunning.dates import out_of_range


def iso_date(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"data inválida: {text!r} (use AAAA-MM-DD, por exemplo 2026-11-30)"
        ) from None
    problem = out_of_range(day)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return day


def subcommands(parser: CommandParser, dest: str = "action", required: bool = True) -> Any:
    """Subcommands whose bad arguments exit with status 2, like the main parser's."""
    return parser.add_subparsers(
        dest=dest,
        required=required,
        parser_class=CommandParser,
    )


def add_subcommand(subparsers: Any, parser: CommandParser, name: str, help: str) -> CommandParser:
    return subparsers.add_parser(
        name, help=help, called_from_command_line=parser.called_from_command_line
    )


def dumps(data: Any) -> str:
    """JSON for standard output: UTF-8 text, one object."""
    return json.dumps(data, ensure_ascii=False, indent=2)
