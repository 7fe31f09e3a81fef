#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ and prints one line per target: executions, seconds,
# findings. Exits non-zero on any crash, hang or out-of-memory (the input is in
# fuzz/artifacts/<target>/). Two targets run at a time (the machines have two cores).
#
#   scripts/fuzz.sh RUNS SECONDS   each target stops after RUNS executions or SECONDS, first
#
# `make fuzz` asks for 10 million executions per target; `make test` for a few seconds each,
# so that a regression on the seed corpora and near them shows up in every test run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${1:-10000000}"
seconds="${2:-900}"
targets=(sse jsonrpc url_policy header_encoding form_validation www_authenticate oauth)

# Safe Rust: no sanitizer, which runs the targets about three times faster. Debug assertions
# on, so integer overflow is a finding too.
cargo +nightly fuzz build -s none --debug-assertions >/dev/null 2>&1 || cargo +nightly fuzz build -s none --debug-assertions
mkdir -p logs
run_one() {
  local t="$1"
  mkdir -p "corpus/$t"
  # The first corpus folder receives new inputs; the committed seeds are only read.
  cargo +nightly fuzz run -s none --debug-assertions "$t" "corpus/$t" "seeds/$t" -- \
    -runs="$runs" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"logs/$t.log" 2>&1
}
export -f run_one
export runs seconds
status=0
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}' || status=1

printf '%-16s %12s %8s %s\n' target executions seconds result
for t in "${targets[@]}"; do
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "logs/$t.log" | tail -n 1)
  secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "logs/$t.log" | tail -n 1)
  if grep -qE '^(==[0-9]+== ?ERROR|SUMMARY: libFuzzer)|panicked at' "logs/$t.log"; then
    result="FINDING (fuzz/logs/$t.log, fuzz/artifacts/$t/)"; status=1
  else
    result="0 findings"
  fi
  printf '%-16s %12s %8s %s\n' "$t" "${execs:-?}" "${secs:-?}" "$result"
done
exit "$status"
