# Régua: `make demo` shows the product on demo data, `make test` runs every check.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Trust the system certificate store (company proxies add their own CA there).
export UV_NATIVE_TLS := 1
export UV_SYSTEM_CERTS := 1
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=

.PHONY: install demo test lint typecheck pytest slow bench bench-quick clean

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock scripts/bootstrap.sh
	./scripts/bootstrap.sh
	$(UV) sync --frozen --all-extras --python python3
	touch $@

# A fresh data folder each time: the demo never touches var/ of a real install.
demo: install
	rm -rf var/demo
	REGUA_DATA_DIR=var/demo .venv/bin/regua demo

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: install
	.venv/bin/mypy regua

pytest: install
	.venv/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

slow: install
	.venv/bin/pytest -m slow $(PYTEST_ARGS)

bench: install
	.venv/bin/python -m bench

bench-quick: install
	.venv/bin/python -m bench --quick

clean:
	rm -rf .venv .tools var
