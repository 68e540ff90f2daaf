# CX Workshop: `make run` serves the app, `make test` checks it. Nothing else is needed
# on a fresh clone but Python 3.11, git and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# What `make run` serves with: DEBUG off, a secret key generated once into an ignored file,
# and the host names a browser (or a phone on the room's Wi-Fi) will use to reach it.
RUN_ENV = DJANGO_DEBUG=0 DJANGO_SECRET_KEY_FILE=.local/secret_key CXW_SERVE_HOST=$(HOST) \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-$$($(PYTHON) -m cxworkshop.network hosts $(HOST))}"
DEV_ENV = DJANGO_DEBUG=1 CXW_SERVE_HOST=$(HOST)
# Live screens only listen: a browser's WebSocket message over 4 KiB (once decompressed) is
# refused before it fills memory, and any message closes its socket (sessions/consumers.py).
WS_LIMITS = --ws-max-size 4096

.PHONY: run dev test bench lint format clean

run: $(VENV)/.installed .local/secret_key
	@$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(RUN_ENV) $(PY) manage.py load_starter_decks
	@$(RUN_ENV) $(PY) manage.py demo_facilitator
	@$(PYTHON) -m cxworkshop.network banner $(HOST) $(PORT)
	@$(RUN_ENV) exec $(VENV)/bin/uvicorn cxworkshop.asgi:application --host $(HOST) --port $(PORT) \
		--proxy-headers --backlog 2048 --no-access-log $(WS_LIMITS)

dev: $(VENV)/.installed-dev
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py load_starter_decks
	$(DEV_ENV) $(PY) manage.py demo_facilitator
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks against a real server process; PostgreSQL parts run when DATABASE_URL is set.
bench: $(VENV)/.installed-bench
	$(PY) -m bench.run $(BENCH_ARGS)

format: $(VENV)/.installed-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check .
	@rm -rf build *.egg-info
	@touch $@

$(VENV)/.installed-dev: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check ".[dev]"
	@rm -rf build *.egg-info
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check ".[dev,bench]"
	@rm -rf build *.egg-info
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed

.local/secret_key:
	@mkdir -p .local
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

clean:
	rm -rf $(VENV) staticfiles build *.egg-info
