# Two commands for users: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
WIDGET_SOURCES := $(shell find widget -path widget/node_modules -prune -o -path widget/dist -prune -o -type f -print 2>/dev/null)
WIDGET_BUILT := widget/dist/.built
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint fmt bench widget chromium venv migrate clean

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

widget: $(WIDGET_BUILT)

$(WIDGET_BUILT): $(WIDGET_SOURCES)
	@if [ -f widget/package.json ]; then \
		command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }; \
		cd widget && npm ci --no-audit --no-fund && npm run build && touch dist/.built; \
	else echo "widget/ has no package.json yet; skipping the front-end build"; fi

# Debian's Chromium for the browser tests (never a downloaded browser); CJK fonts so
# screenshots show Chinese instead of boxes.
chromium:
	@command -v chromium >/dev/null && [ -d /usr/share/fonts/opentype/noto ] || { \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; }

migrate: venv
	$(PY) -m chatserver migrate

run: venv widget
	$(PY) -m chatserver seed-demo
	$(PY) -m chatserver run

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: venv widget chromium lint
	$(PY) -m pytest -q -ra

# The Node load driver (bench/node) against the bare relay and chatserver, as ratios (docs/benchmarks.md).
bench: venv
	$(PY) bench/relay.py
	@[ ! -f bench/faq.py ] || $(PY) bench/faq.py
	$(PY) bench/sla_watch.py
	$(PY) bench/message_action.py
	$(PY) bench/message_action.py --database-url postgresql+asyncpg://127.0.0.1:5432/test
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	cd bench/node && npm ci --no-audit --no-fund
	$(PY) bench/throughput.py relay --servers bare,sqlite,pg --sizes 100,250,500
# Scale-out: one process on PostgreSQL + Redis, then two (shoppers and agents on different ones).
	$(PY) bench/throughput.py relay --servers pg-redis,pg-redis-2 --shops demo,east --sizes 500,1000 --repeat 2
	$(PY) bench/throughput.py connect --servers bare,sqlite,pg --sizes 2000
	$(PY) bench/throughput.py idle --servers bare,sqlite --sizes 10000

clean:
	rm -rf $(VENV) widget/dist widget/node_modules .pytest_cache .ruff_cache .mypy_cache
