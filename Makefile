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

# `make test` runs the tests in this many processes (pytest-xdist), a file to a process at a
# time, so each file's browser and servers start once; 0 runs them all in this one process.
PYTEST_WORKERS ?= 2

.PHONY: run dev test bench lint format clean messages serve-cluster

run: $(VENV)/.installed .local/secret_key
	@$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(RUN_ENV) $(PY) manage.py load_starter_decks
	@$(RUN_ENV) $(PY) manage.py demo_facilitator
	@$(PYTHON) -m cxworkshop.network banner $(HOST) $(PORT)
	@$(RUN_ENV) exec $(PY) -m cxworkshop.serve --host $(HOST) --port $(PORT)

# Past one laptop: nginx (Debian's nginx-light) in front of WORKERS Uvicorn workers on the ports
# after PORT, on PostgreSQL and Redis (cxworkshop/cluster.py; deploy/ holds the server files).
WORKERS ?= 2
CLUSTER_ENV = DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cxworkshop}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}"

serve-cluster: $(VENV)/.installed .local/secret_key
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
		{ echo "serve-cluster needs nginx: apt-get install nginx-light"; exit 1; }
	@$(RUN_ENV) $(CLUSTER_ENV) $(PY) -m cxworkshop.cluster database
	@$(RUN_ENV) $(CLUSTER_ENV) $(PY) manage.py migrate --noinput -v0
	@$(RUN_ENV) $(CLUSTER_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(RUN_ENV) $(CLUSTER_ENV) $(PY) manage.py load_starter_decks
	@$(RUN_ENV) $(CLUSTER_ENV) $(PY) manage.py demo_facilitator
	@$(PYTHON) -m cxworkshop.network banner $(HOST) $(PORT)
	@$(RUN_ENV) $(CLUSTER_ENV) exec $(PY) -m cxworkshop.cluster serve --workers $(WORKERS) --host $(HOST) --port $(PORT)

dev: $(VENV)/.installed-dev
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py load_starter_decks
	$(DEV_ENV) $(PY) manage.py demo_facilitator
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25 $(PYTEST_ARGS)

# Benchmarks against a real server process; PostgreSQL parts run when DATABASE_URL is set.
bench: $(VENV)/.installed-bench
	$(PY) -m bench.run $(BENCH_ARGS)

# New strings in the code into every catalogue (needs GNU gettext: apt-get install gettext),
# then the compiled .mo files from the .po files (Python alone). Both are committed.
messages: $(VENV)/.installed-dev
	DJANGO_DEBUG=1 $(PY) manage.py makemessages --all --no-location --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
	$(PY) -m cxworkshop.catalogues compile
	$(PY) -m cxworkshop.catalogues check

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
