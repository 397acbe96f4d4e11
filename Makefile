# Two set-up commands on a fresh Debian machine: `make demo` and `make test`.
# Each bootstraps .venv on first use and installs the Debian packages it needs when run as root
# (otherwise it names them in one line). Python packages are pinned by constraints.txt, so a new
# release of a dependency cannot change drcheck's behaviour until someone updates that file.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# WeasyPrint (PDF output) needs Pango; fonts-dejavu-core is the report's font.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# The tests also read PDFs (poppler's pdftoppm/pdftotext) and load the HTML report in headless Chromium.
TEST_PACKAGES := $(RUNTIME_PACKAGES) poppler-utils chromium
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test pytest lint typecheck system-packages test-system-packages constraints clean bench

demo: $(STAMP)
	$(BIN)/drcheck demo --output-dir drcheck-report

# The suite includes the linter and the type checker, so CI (.ci/run = make test) runs both.
test: $(STAMP) test-system-packages lint typecheck
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check drcheck tests bench

typecheck: $(STAMP)
	$(BIN)/mypy drcheck

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The dev set-up has the `demo` extra too: the tests run the emulated account.
$(STAMP): pyproject.toml constraints.txt
	@$(MAKE) --no-print-directory system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[demo,dev]"
	touch $(STAMP)

# Re-pin every Python package to what a fresh install resolves today (then run `make test`).
constraints:
	rm -rf .venv-constraints && $(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet ".[demo,dev]"
	( echo "# Exact versions the Makefile installs (pip -c). Regenerate with: make constraints"; \
	  .venv-constraints/bin/pip freeze --exclude drcheck ) > constraints.txt
	rm -rf .venv-constraints

# Installs the missing Debian packages of $(1) with apt when running as root; otherwise one line
# names them and make stops. $(2) says what needs them.
define debian_packages
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); missing=$$(echo $$missing); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages for $(2): $$missing"; \
	    (apt-get install -y -q $$missing >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null)) \
	      || { echo "drcheck: could not install $$missing (try: sudo apt-get install $$missing)"; exit 1; }; \
	  else \
	    echo "drcheck: missing Debian packages for $(2): $$missing (run: sudo apt-get install $$missing)"; exit 1; \
	  fi; \
	fi
endef

system-packages:
	$(call debian_packages,$(RUNTIME_PACKAGES),PDF output)

test-system-packages:
	$(call debian_packages,$(TEST_PACKAGES),the tests)

clean:
	rm -rf $(VENV) drcheck-report .pytest_cache
