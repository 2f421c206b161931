#!/bin/sh
# Installs Régua into a virtual environment: what the container image does
# (Containerfile), and what a test runs where no image can be built.
#
#   deploy/install.sh [SOURCE]      SOURCE: the source tree (default: the current folder)
#
# REGUA_PREFIX (default /opt/regua) receives venv/ and requirements.txt;
# UV names the uv binary (default: uv on PATH); PYTHON the interpreter.
set -eu

SRC=$(cd "${1:-.}" && pwd)
PREFIX="${REGUA_PREFIX:-/opt/regua}"
UV="${UV:-uv}"
PY="${PYTHON:-python3}"
# Bytecode compiled now, once: the service's user cannot write __pycache__ into the
# venv, and without it every `regua` command compiles Django and Régua again (~0.6 s).
export UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1

mkdir -p "$PREFIX"
"$UV" venv --quiet --python "$PY" "$PREFIX/venv"
# Exactly the versions of uv.lock (hashes checked), with the Redis extra; no development tools.
"$UV" export --quiet --project "$SRC" --frozen --no-dev --extra rq --no-emit-project \
  --format requirements-txt --output-file "$PREFIX/requirements.txt"
"$UV" pip install --quiet --python "$PREFIX/venv/bin/python" --require-hashes \
  -r "$PREFIX/requirements.txt"
"$UV" pip install --quiet --python "$PREFIX/venv/bin/python" --no-deps "$SRC"

# The installed command loads its settings and every app.
"$PREFIX/venv/bin/regua" check
