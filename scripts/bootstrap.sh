#!/usr/bin/env bash
# Installs what Régua needs on a fresh Debian machine: Debian packages that are
# missing (WeasyPrint's libraries, fonts, Chromium for the browser tests, venv
# for Debian's Python) and uv. Safe to run again: it installs only what lacks.
set -euo pipefail

want=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so.0 || want+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || want+=(libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so.0 || want+=(libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/dejavu ] || want+=(fonts-dejavu-core)
[ "${REGUA_NO_BROWSER:-0}" = 1 ] || [ -x /usr/bin/chromium ] || want+=(chromium)
python3 -c "import venv, ensurepip" 2>/dev/null || want+=(python3-venv)
command -v make >/dev/null || want+=(make)

if [ ${#want[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "Instalando pacotes do sistema: ${want[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${want[@]}"
  else
    echo "Faltam pacotes do sistema: ${want[*]} (instale-os como root)." >&2
    exit 1
  fi
fi

# uv: the one on PATH, else one in .tools installed with pip into its own venv
# (Debian's Python refuses system-wide pip installs, PEP 668).
if ! command -v uv >/dev/null && [ ! -x .tools/bin/uv ]; then
  python3 -m venv .tools
  .tools/bin/python -m pip install -q --upgrade pip
  .tools/bin/python -m pip install -q uv
fi
