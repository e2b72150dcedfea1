# Pasar Sistemik. `make demo` serves the seeded demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
# The demo's fake WhatsApp Cloud API listens here when no WHATSAPP_TOKEN is set.
WHATSAPP_DEMO_PORT ?= 8025
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_INSTALL := $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends

.PHONY: demo serve bench test test-sqlite lint format messages system-packages browser-packages clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	mkdir -p var
	touch $@

# WeasyPrint needs Debian's Pango; compiling translations needs gettext.
system-packages:
	@missing=""; \
	ldconfig -p | grep -q 'libpango-1.0.so.0' || missing="$$missing libpango-1.0-0"; \
	ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing="$$missing libpangoft2-1.0-0"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then echo "Installing$$missing"; $(APT_INSTALL) $$missing; fi

# Browser tests drive Debian's chromium (never a downloaded browser).
browser-packages:
	@command -v chromium >/dev/null || { echo "Installing chromium"; $(APT_INSTALL) chromium; }

messages: $(BIN)/.installed system-packages
	DEBUG=true $(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0

# Served with a Celery worker (on Redis with REDIS_URL, else on files under var/celery/) and,
# without Stripe keys, a test card server (localstripe), without a WhatsApp token, a fake
# WhatsApp Cloud API: manage.py serve_demo. The seed already sends WhatsApp messages to it.
demo: export DEBUG ?= true
demo: export HTTPS_ONLY ?= false
demo: export WHATSAPP_TEST_SERVER ?= $(if $(WHATSAPP_TOKEN),,http://127.0.0.1:$(WHATSAPP_DEMO_PORT))
demo: $(BIN)/.installed system-packages messages
	mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) seed_demo
	@echo ""
	@echo "Pasar Sistemik demo: http://127.0.0.1:$(PORT)/  (API docs: /api/docs/, health: /healthz)"
	@echo "Logins (password 'demo'): admin, finance, requester, approver, receiver, treasurer (DISDIK),"
	@echo "  requester2 (DINKES), vendor (rice producer), vendor2 (tailoring cooperative)"
	@echo ""
	exec $(MANAGE) serve_demo --port $(PORT)

# The production shape on one machine: gunicorn, a Celery worker and beat (Procfile, honcho),
# against DATABASE_URL (PostgreSQL) and REDIS_URL. Refuses development settings, saying why.
serve: $(BIN)/.installed system-packages messages
	$(MANAGE) serve_check
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) collectstatic --noinput -v 0
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

# Benchmarks on PostgreSQL and Redis on localhost at a regency's scale (bench/regency.py fills
# the database once), each figure beside a bare baseline; results and the goals' table in
# bench/results/. Not part of `make test`.
bench: $(BIN)/.installed
	$(BIN)/python bench/regency.py
	$(BIN)/python bench/catalog_load.py
	$(BIN)/python bench/outbox_load.py
	$(BIN)/python bench/checkout_load.py
	$(BIN)/python bench/reports_load.py
	$(BIN)/python bench/payment_records.py
	$(BIN)/python bench/integrity_scan.py
	$(BIN)/python bench/summary.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(MANAGE) makemigrations --check --dry-run -v 0

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# On PostgreSQL and Redis when they answer on localhost (required under CI=true), else SQLite.
test: $(BIN)/.installed system-packages browser-packages messages lint
	$(BIN)/pytest -n 2 -q

test-sqlite: export TEST_DATABASE = sqlite
test-sqlite: $(BIN)/.installed system-packages browser-packages messages
	$(BIN)/pytest -n 2 -q

clean:
	rm -rf $(VENV) var/static var/*.sqlite3
