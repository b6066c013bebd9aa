# Madoguchi: `make run` serves the app on an embedded TinyDB in instance/; `make test` runs every test.
# Both work on a fresh Debian machine with Python 3.11 (system packages come from apt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_TEST_PACKAGES := chromium fonts-noto-cjk fonts-noto-core zbar-tools poppler-utils nginx-light openssl postgresql

.PHONY: run test install install-test system-packages translations bench clean

run: install translations
	$(BIN)/python app.py

test: install-test system-packages translations
	node --test tests/js/
	$(BIN)/python -m pytest

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test

$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(BIN)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(BIN)/.installed-test: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/.installed $@

# Debian's Chromium (browser tests), CJK and other Noto fonts (Thai, Nepali), zbarimg and pdftoppm (slip QR checks),
# PostgreSQL (the tests start a throwaway cluster of their own: tests/postgres.py), node (the kiosk's pure JS:
# node --test tests/js/).
system-packages:
	@missing=""; for p in $(SYSTEM_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

translations: install
	$(BIN)/pybabel -q compile -d translations
	$(BIN)/pybabel -q compile -D staff -d translations

bench: install-test system-packages
	$(BIN)/python bench/throughput.py --postgres
	$(BIN)/python bench/office_load.py --kiosks 20 --postgres
	$(BIN)/python bench/office_load.py --kiosks 100 --phones 20 --postgres
	$(BIN)/python bench/office_load.py --prefecture
	$(BIN)/python bench/sync_replay.py
	$(BIN)/python bench/storage_growth.py
	$(BIN)/python bench/kiosk_shell.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find translations -name '*.mo' -delete
