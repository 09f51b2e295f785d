# technoveille — every target installs what it needs (.venv, the project, test tools).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install lock demo run serve test lint bench bench-full eval reliability chromium ocr-deps clean reference

install: $(STAMP)

# requirements.lock pins every transitive dependency (regenerate with `make lock`)
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

lock: install
	$(BIN)/pip freeze --exclude-editable | grep -v '^technoveille' > requirements.lock

## Offline demonstration from an empty data/demo/: replay server, a sample subscriber, every
## spider, publish, the alert digest in data/demo/mail/new/, Datasette on :8001 and the
## subscription pages on :8002
demo: install
	rm -rf data/demo
	$(BIN)/technoveille demo

## The same against the live sources
run: install
	$(BIN)/technoveille update
	$(BIN)/technoveille serve

## Serve the last published snapshot
serve: install
	$(BIN)/technoveille serve

## Headless Chromium for the site tests (Debian packages)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq || sudo apt-get update -qq) && \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || \
	   sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

## OCR of scanned PDFs: Tesseract + French (Debian) and the `ocr` extra (ocrmypdf).
## Idempotent; apt-get update only when the install fails without it.
OCR_APT := tesseract-ocr tesseract-ocr-fra
ocr-deps: install
	@tesseract --list-langs 2>&1 | grep -qx fra || { \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_APT) >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -qq && \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_APT) >/dev/null; }; }
	@$(BIN)/python -c "import ocrmypdf" 2>/dev/null || \
	  $(BIN)/pip install --quiet -c requirements.lock -e '.[test,ocr]'

## Layers (import-linter contracts in pyproject.toml), declared dependencies (deptry), tests
test: install chromium ocr-deps
	$(BIN)/lint-imports
	$(BIN)/deptry .
	$(BIN)/pytest -q

## Keyword engine precision / recall on the labelled corpus; search evaluation (eval/search.yml)
eval: install
	$(BIN)/python -m pipelines.matching.evaluate
	$(BIN)/python -m eval.search

## Benchmarks: one table (python -m bench) at 10k and 100k generated documents; bench-full adds 1M
bench: install
	$(BIN)/python -m bench --sizes 10000,100000

bench-full: install
	$(BIN)/python -m bench --sizes 10000,100000,1000000

## Reliability: every source crawled under 20 % injected faults (5 seeds), kill -9 at 20 seeded
## points during a crawl, a publish and a rematch; figures written into docs/RELIABILITY.md;
## fails on any row lost or duplicated (a reduced run is in `make test`: tests/test_reliability.py)
reliability: install
	$(BIN)/python -m bench.reliability --write docs/RELIABILITY.md

## Regenerate the bundled communes / EPCI / départements (technoveille/core/data/) from
## Etalab's découpage administratif (npm package; needs npm and the registry, never at run time)
reference:
	$(PYTHON) scripts/build_reference.py

clean:
	rm -rf data/demo $(VENV) *.egg-info
