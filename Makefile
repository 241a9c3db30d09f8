# Callpoint — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json
TS_SOURCES := $(shell find daemon/src hardware/src provisioning/src -name '*.ts' 2>/dev/null)
UI_SOURCES := $(shell find web-ui/src daemon/src/contracts -type f 2>/dev/null) web-ui/build.mjs web-ui/tsconfig.json

.PHONY: run test test-real chaos soak test-ports-taken build bench lint docs clean install

# npm ci builds the native modules (sqlite3, unix-dgram) from source: their
# install scripts are allowed in package.json's allowScripts.
$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES)

dist/.built: $(NODE_MODULES) $(TS_SOURCES) tsconfig.json
	npx tsc -p tsconfig.json
	@touch $@

# The UI is type-checked against the daemon's contracts before it is bundled
# (esbuild only strips types): a renamed field in a contract stops the build.
web-ui/dist/index.html: $(NODE_MODULES) $(UI_SOURCES)
	npx tsc -p web-ui/tsconfig.json
	node web-ui/build.mjs

build: dist/.built web-ui/dist/index.html

# Simulation mode: simulated board, emulated parts, data under ./var, UI on http://127.0.0.1:8080
run: build
	node daemon/bin/callpoint.js run --simulate --config provisioning/examples/simulate.yaml

# The whole suite. Tests that need mosquitto, socat or chromium skip with a
# message when it is missing; REQUIRE_ALL=1 turns such a skip into a failure.
test: $(NODE_MODULES) web-ui/dist/index.html
	node scripts/run-tests.mjs

# The same alarm scenarios against a real FreeSWITCH at $$FREESWITCH_PREFIX (built with
# ../shared/freeswitch/build.sh): a private instance configured by `callpoint provision freeswitch`,
# sipp phones with the provisioned passwords. Skips, saying why, without it. OUTAGE_S=600 for the
# 10-minute outage. One file at a time: each runs its own FreeSWITCH.
test-real: $(NODE_MODULES) web-ui/dist/index.html
	node scripts/run-tests.mjs --jobs=1 --timeout=3600 daemon/test/real/*.real.ts

# Alarms raised and cleared while the daemon is SIGKILLed (>= 100 times), the broker stopped and started
# and the disk filled to its last MB (as root); then the database and central must agree. CHAOS_SEED=N replays.
chaos: build
	node --import tsx scripts/chaos.ts

# The daemon under steady load for HOURS (default 1): RSS, open files, event-loop delay, database size,
# printed and drawn as an SVG under var/soak/.
HOURS ?= 1
soak: build
	HOURS=$(HOURS) node --import tsx scripts/soak/run.ts

# The suite again while 8021 (a FreeSWITCH event socket), 1883 (MQTT) and 8080
# are held, in a private network namespace: no test may assume they are free.
test-ports-taken: $(NODE_MODULES) web-ui/dist/index.html
	scripts/test-ports-taken.sh

# Types, lint rules (the web UI included) and the import graph: no cycle, no
# import from a higher layer of daemon/src (the order is in daemon/README.md).
lint: $(NODE_MODULES)
	npx tsc -p tsconfig.check.json
	npx tsc -p web-ui/test/tsconfig.json
	npx eslint .
	npx depcruise daemon/src hardware/src provisioning/src web-ui/src --config .dependency-cruiser.cjs

bench: build
	node --import tsx scripts/bench/run.ts

# Regenerate the configuration reference in README.md from the schema.
docs: $(NODE_MODULES)
	node --import tsx scripts/gen-config-docs.ts

clean:
	rm -rf dist web-ui/dist .tap
