# Two set-up commands on a fresh Debian machine: `make demo` and `make test`.
# Each bootstraps .venv (and, as root, the Debian libraries WeasyPrint needs) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint system-packages clean bench

demo: $(STAMP)
	$(BIN)/drcheck demo --output-dir drcheck-report

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check drcheck tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# WeasyPrint needs Pango; the PDF tests need poppler. Installed with apt when running as root,
# otherwise named in one line so the user knows what to install.
system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages: $$missing"; \
	    (apt-get install -y -q $$missing >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null)) \
	      || { echo "drcheck: could not install $$missing (try: sudo apt-get install $$missing)"; exit 1; }; \
	  else \
	    echo "drcheck: missing Debian packages for PDF output: $$missing (run: sudo apt-get install $$missing)"; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) drcheck-report .pytest_cache
