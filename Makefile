# One entry point for everything: `make run` and `make test` on a fresh machine.
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAGE  ?= dev
MO     := chalicelib/locale/en/LC_MESSAGES/messages.mo
PO     := locale/en/LC_MESSAGES/messages.po
export AWS_DEFAULT_REGION ?= eu-west-1

.PHONY: run bounce test test-fast fuzz soak lint browser validator package bench screenshots messages translations organiser vendor-css clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled at build time so the Lambda needs only the standard library's gettext.
$(MO): $(PO) $(BIN)/.installed
	mkdir -p $(dir $(MO))
	$(BIN)/pybabel compile -i $(PO) -o $(MO) --statistics
translations: $(MO)

# Extract msgids from code and templates, and merge them into the English catalog.
messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o locale/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i locale/messages.pot -d locale --ignore-obsolete

run: $(BIN)/.installed $(MO)
	$(PY) -m devtools.localrun

# A hard bounce, as SES would report it, into a running `make run`: make bounce ADDRESS=naam@gemeente.nl
bounce: $(BIN)/.installed
	@test -n "$(ADDRESS)" || (echo "usage: make bounce ADDRESS=naam@gemeente.nl"; exit 2)
	$(PY) -m devtools.sesevents "$(ADDRESS)"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Debian's Chromium for the browser tests; installed on first use (see the script).
browser:
	@sh devtools/ensure-browser.sh

# The Nu HTML Checker (the W3C's validator: a jar on the npm registry, at the version pinned in
# devtools/vnu/package-lock.json) for the markup tests; it runs on the machine's Java. Installed on first
# use, without its install script, which would fetch a Java of its own when it finds none.
VNU := devtools/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU): devtools/vnu/package-lock.json
	cd devtools/vnu && npm ci --ignore-scripts --no-audit --no-fund
	touch $@
validator: $(VNU)

# Everything: lint, types, and every test, in two processes (one per core) and in random order
# (pytest-randomly prints the seed; `.venv/bin/pytest -p no:xdist --randomly-seed=N` replays it).
test: browser validator lint $(MO)
	$(BIN)/pytest -n 2 --dist loadgroup

# The inner loop: every test that needs no server over HTTP, no browser, no package build and nothing at scale.
test-fast: $(BIN)/.installed $(MO)
	$(BIN)/pytest -n 2 --dist loadgroup -m "not live and not browser and not slow"

# The whole hostile corpus into every value of every route (make test sends each category into each).
fuzz: $(BIN)/.installed $(MO)
	FUZZ=full $(BIN)/pytest -p no:randomly tests/views/test_fuzz_routes.py tests/views/test_fuzz_parsers.py

# The chaos soak over real HTTP, on a stack of its own: make soak [SOAK_SECONDS=600] (README "Chaos soak")
SOAK_SECONDS ?= 600
soak: $(BIN)/.installed $(MO)
	SOAK_SECONDS=$(SOAK_SECONDS) $(PY) -m devtools.soak

package: $(BIN)/.installed $(MO)
	rm -rf build/package
	$(BIN)/chalice package --stage $(STAGE) --merge-template infra/resources.json build/package
	$(PY) -m devtools.lean_package build/package
	$(BIN)/cfn-lint build/package/sam.json

# The first organiser: make organiser EMAIL=naam@gemeente.nl [NETWORK=name] [STAGE=local|dev|prod]
organiser: $(BIN)/.installed
	@test -n "$(EMAIL)" || (echo "usage: make organiser EMAIL=naam@gemeente.nl [NETWORK=name] [STAGE=local]"; exit 2)
	$(PY) manage.py --stage $(if $(filter command line,$(origin STAGE)),$(STAGE),local) \
		$(if $(NETWORK),--network "$(NETWORK)") create-organiser --email "$(EMAIL)"

bench: $(BIN)/.installed $(MO)
	$(PY) -m devtools.bench

# Every page type at 320, 390 and 1280 px, as PNG in build/screenshots/ (tests/web/test_phones.py takes them)
screenshots: browser $(BIN)/.installed $(MO)
	rm -rf build/screenshots && mkdir -p build/screenshots
	SCREENSHOTS=build/screenshots $(BIN)/pytest -p no:cacheprovider -q tests/web/test_phones.py -k sideways

# Refresh NL Design System's CSS (chalicelib/static/nlds.css and its licence) from the versions in
# devtools/nlds/package-lock.json; the files are checked in, so only this target needs npm.
vendor-css: $(BIN)/.installed
	cd devtools/nlds && npm ci --ignore-scripts --no-audit --no-fund
	$(PY) devtools/nlds/vendor.py

clean:
	rm -rf build $(VENV) chalicelib/locale .pytest_cache .ruff_cache devtools/bytecode/node_modules devtools/nlds/node_modules devtools/vnu/node_modules
