"""Logs for `regua serve`: one line per event on standard output, as text or JSON.

Every process of the tree (the supervisor, gunicorn and the worker) writes
through these formatters, chosen by ``REGUA_LOG_FORMAT`` (``line`` or
``json``), and names itself with ``REGUA_PROCESS_NAME``.
"""

import datetime
import json
import logging
import os
import sys
from typing import Any

# Attributes every LogRecord has; anything else was passed as ``extra`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def process_name() -> str:
    return os.environ.get("REGUA_PROCESS_NAME", "regua")


def _when(record: logging.LogRecord) -> str:
    moment = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class LineFormatter(logging.Formatter):
    """``2026-12-04T10:00:00.000Z INFO web gunicorn.access: message`` — tracebacks kept on the line."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.exc_info:
            text += " | " + self.formatException(record.exc_info)
        text = text.replace("\r", "").replace("\n", " | ")
        return f"{_when(record)} {record.levelname} {process_name()} {record.name}: {text}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _when(record),
            "level": record.levelname.lower(),
            "process": process_name(),
            "pid": record.process,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(json_lines: bool) -> logging.Formatter:
    return JsonFormatter() if json_lines else LineFormatter()


def stdout_logger(name: str, json_lines: bool) -> logging.Logger:
    """A logger writing straight to standard output, whatever the settings say."""
    logger = logging.getLogger(name)
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter(json_lines))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def gunicorn_logconfig(json_lines: bool) -> dict[str, Any]:
    """gunicorn's loggers (errors and access) on standard output, in our format."""
    name = "json" if json_lines else "line"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "line": {"()": "regua.operations.logs.LineFormatter"},
            "json": {"()": "regua.operations.logs.JsonFormatter"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": name,
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    }
