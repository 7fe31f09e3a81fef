# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed by scripts/install.sh, which skips what is already there.

SHELL := /bin/bash
WASM_OPT := tests/e2e/node_modules/binaryen/bin/wasm-opt
PKG_WASM := pkg/mcp_web_client_bg.wasm
OAUTH_WASM := pkg/oauth/mcp_web_client_oauth_bg.wasm
FULL_WASM := pkg/full/mcp_web_client_bg.wasm
CRATE_WASM := target/wasm32-unknown-unknown/release/mcp_web_client.wasm
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals

.PHONY: all install pkg test test-tree test-native test-fuzz fuzz test-browser test-e2e test-types test-conformance demo bench size clean

all: pkg

install:
	@bash scripts/install.sh

# The npm package: wasm-pack (release, --target web), then binaryen's wasm-opt -Oz, which
# wasm-pack cannot download here. Tests run on this optimised module because it is what ships.
# Panic locations embed source paths: remap them so no machine path ships in the module.
# Then the OAuth module, the same crate built with the `oauth-module` feature into pkg/oauth/,
# which the client module loads only when an app passes the `auth` option. Last, pkg/full/: the
# client with OAuth inside (the `oauth-bundled` feature), one module for apps that use `auth`.
# The generated JS of the three ships minified (scripts/minify.mjs).
PKG_RUSTFLAGS := --remap-path-prefix=$(HOME)/.cargo/registry/src/= --remap-path-prefix=$(CURDIR)/=

pkg: install
	rm -rf pkg/snippets pkg/oauth pkg/full  # wasm-pack leaves snippets of earlier builds behind
	RUSTFLAGS="$(PKG_RUSTFLAGS)" wasm-pack build --release --target web --out-dir pkg
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(PKG_WASM) -o $(PKG_WASM)
	RUSTFLAGS="$(PKG_RUSTFLAGS)" cargo build --release --target wasm32-unknown-unknown --features oauth-module
	wasm-bindgen --target web --no-typescript --out-dir pkg/oauth --out-name mcp_web_client_oauth $(CRATE_WASM)
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(OAUTH_WASM) -o $(OAUTH_WASM)
	RUSTFLAGS="$(PKG_RUSTFLAGS)" cargo build --release --target wasm32-unknown-unknown --features oauth-bundled
	wasm-bindgen --target web --out-dir pkg/full $(CRATE_WASM)
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(FULL_WASM) -o $(FULL_WASM)
	node scripts/minify.mjs pkg pkg/oauth pkg/full
	rm -f pkg/.gitignore
	node scripts/package-json.mjs
	@$(MAKE) --no-print-directory size

size:
	@for f in $(PKG_WASM) pkg/mcp_web_client.js $(OAUTH_WASM) pkg/oauth/mcp_web_client_oauth.js $(FULL_WASM) pkg/full/mcp_web_client.js; do \
	  printf '%-36s %8d bytes raw, %7d gzip -9\n' $$f $$(stat -c %s $$f) $$(gzip -9 -c $$f | wc -c); done

test: test-tree pkg test-native test-fuzz test-types test-browser test-e2e test-conformance

# The repository stands alone: no tracked leftovers, nothing read from outside it, the licences.
test-tree:
	bash scripts/check-tree.sh

test-native:
	cargo test --lib --tests

# Each fuzz target briefly (seconds), from its seed corpus: a regression in a parser shows here.
test-fuzz: install
	bash scripts/fuzz.sh 2000000 10

# Not part of `make test`: every target to 10 million executions (or 30 minutes, first).
fuzz: install
	bash scripts/fuzz.sh 10000000 1800

test-types:
	cd tests/types && ../e2e/node_modules/.bin/tsc --noEmit -p .

test-browser:
	bash scripts/wasm-pack-test.sh

# Then the OAuth tests once more on pkg/full/, the build with OAuth inside the client module.
test-e2e:
	node --test --test-concurrency=1 tests/e2e/
	E2E_PACKAGE=/pkg/full/mcp_web_client.js node --test --test-concurrency=1 tests/e2e/sdk-oauth.test.mjs

# Both pinned suites: 0.1.16 (tests/conformance) and the 0.2.0 alpha (tests/conformance/alpha),
# in Chromium; then both again in plain Node on pkg/node.js (the scenarios that need no browser).
test-conformance:
	bash tests/conformance/run.sh
	CONFORMANCE_SUITE=alpha bash tests/conformance/run.sh
	CONFORMANCE_RUNTIME=node bash tests/conformance/run.sh
	CONFORMANCE_RUNTIME=node CONFORMANCE_SUITE=alpha bash tests/conformance/run.sh

# A benchmark, not a test: ours against the official TypeScript SDK clients in one Chromium run.
bench: pkg
	node bench/run.mjs

demo: pkg
	node www/serve.mjs

clean:
	cargo clean
	rm -rf $(filter-out pkg/elicitation-complete.js pkg/oauth-callback.js pkg/elicitation-dialog.js pkg/elicitation-dialog.d.ts pkg/encrypted-store.js pkg/encrypted-store.d.ts pkg/node.js pkg/node.d.ts pkg/skills.js pkg/skills.d.ts pkg/README.md,$(wildcard pkg/*))
