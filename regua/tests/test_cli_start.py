"""`regua --version` and the command list answer without loading the apps, with Django's text.

Every other argument list goes the ordinary way (django.setup(), then the command).
"""

import os
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.core.management import ManagementUtility

from regua.__main__ import quick_answer

ROOT = Path(__file__).resolve().parents[2]
REGUA = str(Path(sys.executable).parent / "regua")


@pytest.mark.parametrize("argv", [["--version"], ["version"], ["version", "--verbosity", "2"]])
def test_the_version_is_djangos_as_django_prints_it(argv):
    assert quick_answer([REGUA, *argv]) == django.get_version()


@pytest.mark.parametrize(
    ("argv", "commands_only"),
    [([], False), (["help"], False), (["--help"], False), (["-h"], False)]
    + [(["help", "--commands"], True)],
)
def test_the_command_list_is_the_one_django_makes_from_the_loaded_apps(argv, commands_only):
    # Under pytest the apps are loaded: Django's own text is the reference.
    expected = ManagementUtility([REGUA, *argv]).main_help_text(commands_only=commands_only)

    assert quick_answer([REGUA, *argv]) == expected
    assert "[dunning]" in expected or commands_only


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--dry-run"],
        ["help", "run"],
        ["--settings=regua.settings", "help"],
        ["help", "--commands", "extra"],
        ["check"],
    ],
)
def test_anything_else_goes_through_django(argv):
    assert quick_answer([REGUA, *argv]) is None


def test_shell_completion_goes_through_django(monkeypatch):
    monkeypatch.setenv("DJANGO_AUTO_COMPLETE", "1")

    assert quick_answer([REGUA, "help"]) is None


def test_an_app_named_by_its_config_class_goes_through_django(settings):
    settings.INSTALLED_APPS = [
        "regua.web.apps.WebConfig" if app == "regua.web" else app for app in settings.INSTALLED_APPS
    ]

    assert quick_answer([REGUA, "help"]) is None


def test_the_console_script_lists_the_commands_without_importing_a_model(tmp_path):
    probe = (
        "import sys; from regua.__main__ import main; sys.argv = ['regua', 'help', '--commands'];"
        " main(); from django.apps import apps;"
        " sys.stderr.write(f'apps ready: {apps.ready}; models: {\"regua.dunning.models\" in sys.modules}')"
    )
    env = {**os.environ, "REGUA_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert "apps ready: False; models: False" in done.stderr
    assert "run\n" in done.stdout and "worker\n" in done.stdout
