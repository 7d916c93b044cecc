# Kindred: `make run` to serve the demo site, `make test` to run the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres lint venv browser translations messages clean deploy-check

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Translations: the catalogues (.po, kept in git) compiled for the app (.mo, built here).
CATALOGUES := $(wildcard forum/translations/*/LC_MESSAGES/messages.po)

translations: $(CATALOGUES:.po=.mo)

forum/translations/%/LC_MESSAGES/messages.mo: forum/translations/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

# For whoever changes a user-facing string: collect them all again and merge them into each
# catalogue; then translate the new entries (the test suite fails while one is untranslated).
messages: venv
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs=".* __pycache__" -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
		--add-location=file --no-wrap --project=Kindred --copyright-holder="Kindred contributors" \
		-o forum/translations/messages.pot .
	$(BIN)/pybabel update --no-wrap --ignore-obsolete -i forum/translations/messages.pot -d forum/translations

# The browser tests drive Debian's Chromium (packages chromium and chromium-driver); install them
# when missing (as root, or through sudo).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

run: venv translations
	$(BIN)/flask --app forum db upgrade
	$(BIN)/flask --app forum seed-demo --if-empty
	@echo "Kindred is starting on http://$(HOST):$(PORT) (Ctrl+C stops it)"
	@# The timed work (reminders, e-mail, digests, retention) runs beside the server, as in
	@# production, and stops with it (forum/scheduler.py).
	$(BIN)/flask --app forum tick --every 60 & TICK=$$!; trap 'kill $$TICK 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask --app forum run --host $(HOST) --port $(PORT)

# The whole suite on SQLite, then on PostgreSQL too when FORUM_TEST_DATABASE_URL is set.
test: venv translations browser
	FORUM_TEST_DATABASE_URL= $(BIN)/python -m pytest -n 2 -q
	@if [ -n "$$FORUM_TEST_DATABASE_URL" ]; then \
		echo "== again on $$FORUM_TEST_DATABASE_URL =="; \
		$(BIN)/python -m pytest -n 2 -q || exit 1; \
	fi

# The single-server route of docs/deploy.md, followed on this machine as root (Debian 12, no
# systemd): deploy/install.sh into a temporary prefix, nginx, gunicorn, a local SMTP server, then
# the site checked through nginx, the encrypted backup and the restore (deploy/ci-check.sh).
deploy-check:
	bash deploy/ci-check.sh

lint: venv
	$(BIN)/ruff check forum tests bench wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache
