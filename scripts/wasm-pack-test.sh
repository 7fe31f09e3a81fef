#!/usr/bin/env bash
# The browser tests (wasm-bindgen-test, `src/js/tests.rs`) in headless Chromium and, when
# Firefox ESR and geckodriver are installed, in headless Firefox too.
#
# Each browser run is its own session and process group (setsid), bounded by `timeout`, and the
# whole group is killed afterwards: `wasm-pack test` can leave the driver and browser running.
# Ends with one line: `wasm-pack test: N passed, N failed (chrome: ..., firefox: ...)`.
#
# Environment: WASM_PACK_TEST_TIMEOUT (seconds per browser, default 900), CHROMEDRIVER,
# GECKODRIVER. Extra arguments go to `wasm-pack test` (e.g. `-- --lib`).
set -uo pipefail

cd "$(dirname "$0")/.."
if [ -d "$HOME/.cargo/bin" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

limit="${WASM_PACK_TEST_TIMEOUT:-900}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

total_passed=0
total_failed=0
status=0
summary=()

# Kills every process of the session `sid` (which is also its process group id).
stop_session() {
  local sid="$1" pids
  kill -TERM -- "-$sid" 2>/dev/null
  pids="$(ps -o pid= -s "$sid" 2>/dev/null | tr '\n' ' ')"
  if [ -n "${pids// /}" ]; then
    sleep 1
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
  fi
}

# run_browser NAME FLAG VAR=VALUE... -- wasm-pack args
run_browser() {
  local name="$1" flag="$2"
  shift 2
  local envs=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    envs+=("$1")
    shift
  done
  shift
  local log="$tmp/$name.log" pidfile="$tmp/$name.pid" rc try
  # A second try only when the browser never ran the tests (its renderer hung while loading:
  # seen once in Chromium on a busy machine); a test that fails is never retried.
  for try in 1 2; do
    echo "wasm-pack-test: $name: wasm-pack test --headless $flag $* (try $try)"
    # The inner shell records its pid (= the new session and group id) and becomes `timeout`.
    setsid --wait bash -c 'echo "$$" > "$1"; shift; exec "$@"' _ "$pidfile" \
      env "${envs[@]}" timeout --kill-after=10 "$limit" wasm-pack test --headless "$flag" "$@" 2>&1 | tee "$log"
    rc="${PIPESTATUS[0]}"
    if [ -s "$pidfile" ]; then
      stop_session "$(cat "$pidfile")"
    fi
    [ "$rc" -ne 0 ] && grep -q "Failed to detect test as having been run" "$log" || break
  done

  # wasm-bindgen-test prints one "test result: ok. N passed; M failed; ..." per test binary.
  local passed failed
  passed="$(grep -oE '[0-9]+ passed; [0-9]+ failed' "$log" | awk '{p += $1} END {print p + 0}')"
  failed="$(grep -oE '[0-9]+ passed; [0-9]+ failed' "$log" | awk '{f += $3} END {print f + 0}')"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    summary+=("$name: timed out after ${limit}s")
    status=1
  elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    summary+=("$name: error before or outside the tests (exit $rc)")
    status=1
  else
    summary+=("$name: $passed passed, $failed failed")
    [ "$rc" -eq 0 ] || status=1
  fi
}

run_browser chrome --chrome "CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}" -- "$@"

geckodriver="${GECKODRIVER:-$(command -v geckodriver || true)}"
if [ -x /usr/bin/firefox-esr ] && [ -n "$geckodriver" ] && [ -x "$geckodriver" ]; then
  run_browser firefox --firefox "GECKODRIVER=$geckodriver" -- "$@"
else
  summary+=("firefox: skipped (needs /usr/bin/firefox-esr and geckodriver; see scripts/install.sh)")
fi

joined="$(printf '%s; ' "${summary[@]}")"
echo "wasm-pack test: $total_passed passed, $total_failed failed (${joined%; })"
exit "$status"
