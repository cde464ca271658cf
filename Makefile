# CoachMaster: the two commands are `make demo` and `make test`; the rest supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PORT ?= 8000
# Links in e-mails point at the demo's own address unless SITE_URL says otherwise.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help demo serve test test-fast lint format messages compilemessages worker lock check-pango clean \
	bench-pdf bench check-wrk

help:
	@echo "make demo     install into .venv, migrate, load the demo programme and serve it on :$(PORT)"
	@echo "make test     install test dependencies and run the whole suite (unit, integration, browser)"
	@echo "make lint     ruff check, ruff format --check, djLint on templates, makemigrations --check"
	@echo "make worker   Celery worker and beat against REDIS_URL"
	@echo "make messages extract translatable text into locale/ and compile it"
	@echo "make backup   database (pg_dump -Fc) and media files into BACKUP_DIR (default var/backups)"
	@echo "make restore  BACKUP=dir [RESTORE_DATABASE_URL=url] [RESTORE_MEDIA_ROOT=dir] [FORCE=1]:"
	@echo "               restore into a fresh database (newest backup by default) and check it"
	@echo "make bench-pdf  PDF benchmark (portfolio vs text-only floor, memory, batch scaling):"
	@echo "               writes bench/results/pdf.json"
	@echo "make bench    pages under load at data sizes S and M against the floors of the same run"
	@echo "               [SIZES=\"S M L\"] [BENCH_SECONDS=10] [RESEED=1] [BENCH_PDF=run|reuse|skip]:"
	@echo "               writes bench/results/latest.json and latest.md"

# --- installation ---------------------------------------------------------------------------
$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

# Rebuild the hashed lock files from pyproject.toml (versions and hashes only, no addresses).
LOCK_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-trusted-host --no-emit-find-links
lock: $(VENV)/.dev-installed
	$(PIP) install --quiet pip-tools
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements/base.txt pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --extra dev -c requirements/base.txt \
		-o requirements/dev.txt pyproject.toml

check-pango:
	@$(PY) -c "import weasyprint" 2>/dev/null || { \
		echo "WeasyPrint cannot load Pango. Install the system libraries first:"; \
		echo "  apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"; exit 1; }

# --- translations ---------------------------------------------------------------------------
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	$(MANAGE) compilemessages --locale $* --verbosity 0

compilemessages: $(VENV)/.base-installed $(MO_FILES)

messages: $(VENV)/.dev-installed
	$(MANAGE) makemessages --locale nl --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(MANAGE) compilemessages --locale nl --verbosity 0

# --- the demo -------------------------------------------------------------------------------
# Staff accounts must set up MFA before anything else; the demo's shared staff logins skip that
# unless MFA_REQUIRED_FOR_STAFF is set (staff can still set MFA up under "My account").
demo serve: export MFA_REQUIRED_FOR_STAFF ?= false
demo: $(VENV)/.base-installed check-pango compilemessages
	mkdir -p var
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(MANAGE) seed_demo
	@$(MAKE) --no-print-directory serve

serve:
	@echo
	@echo "CoachMaster is served on http://127.0.0.1:$(PORT)/"
	@if [ "$$MFA_REQUIRED_FOR_STAFF" = "false" ]; then \
		echo "MFA for staff: not required in this demo (MFA_REQUIRED_FOR_STAFF=false)"; fi
	@if [ -n "$$DATABASE_URL" ]; then echo "Database: PostgreSQL (DATABASE_URL)"; \
		else echo "Database: SQLite in var/ (set DATABASE_URL for PostgreSQL)"; fi
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Tasks: Celery worker and beat against REDIS_URL (started in the background)"; \
		$(VENV)/bin/celery -A coachmaster worker --beat --loglevel=warning \
			--schedule var/celerybeat-schedule & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(MANAGE) runserver --noreload 127.0.0.1:$(PORT); \
	else \
		echo "Tasks: run in-process (set REDIS_URL for Redis and a real worker)"; \
		$(MANAGE) runserver --noreload 127.0.0.1:$(PORT); \
	fi

worker: $(VENV)/.base-installed
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (for example redis://127.0.0.1:6379/0)."; exit 1; }
	$(VENV)/bin/celery -A coachmaster worker --beat --loglevel=info --schedule var/celerybeat-schedule

# --- backups (docs/reliability.md) ----------------------------------------------------------
.PHONY: backup restore
backup: $(VENV)/.base-installed
	$(MANAGE) backup

restore: $(VENV)/.base-installed
	$(MANAGE) restore $(BACKUP) \
		$(if $(RESTORE_DATABASE_URL),--database-url '$(RESTORE_DATABASE_URL)') \
		$(if $(RESTORE_MEDIA_ROOT),--media-root '$(RESTORE_MEDIA_ROOT)') $(if $(FORCE),--force)

# --- quality --------------------------------------------------------------------------------
test: $(VENV)/.dev-installed check-pango compilemessages
	$(VENV)/bin/pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(MANAGE) makemigrations --check --dry-run

# A few minutes on two cores; see bench/pdf_bench.py for what is measured and how.
bench-pdf: $(VENV)/.dev-installed check-pango compilemessages
	$(PY) bench/pdf_bench.py

# Every benchmark page under load (wrk, 2 gunicorn workers) at each data size, with the web,
# database, PDF and Celery floors of the same run; see bench/run.py. The databases
# coachmaster_bench_<size> are seeded once and reused (RESEED=1 builds them again).
SIZES ?= S M
BENCH_SECONDS ?= 10
BENCH_PDF ?= run
bench: $(VENV)/.dev-installed check-pango compilemessages check-wrk
	$(PY) bench/run.py --sizes $(SIZES) --seconds $(BENCH_SECONDS) --pdf $(BENCH_PDF) \
		$(if $(RESEED),--reseed)

check-wrk:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing wrk (apt-get install -y wrk)"; \
			apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "The benchmark needs wrk, the load generator: sudo apt-get install -y wrk"; \
			exit 1; \
		fi; }

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
