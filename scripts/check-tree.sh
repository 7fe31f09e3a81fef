#!/usr/bin/env bash
# Fails when the repository would not stand alone: tracked merge leftovers, or a tracked file
# (other than prose, this script and .ci/run, which name the folder to keep it out) that reaches
# outside the repository for reference material.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
leftovers=$(git ls-files | grep -E '\.(orig|rej|bak|swp)$|~$' || true)
if [ -n "$leftovers" ]; then
  printf 'check-tree: tracked leftovers:\n%s\n' "$leftovers"; status=1
fi
sibling=shared # the reference folder beside the checkout on a developer's machine
outside=$(git grep -lE "\\.\\./${sibling}(/|\\b)" -- ':!*.md' || true)
if [ -n "$outside" ]; then
  printf "check-tree: files that read ../${sibling}, which a clone does not have:\n%s\n" "$outside"; status=1
fi
for f in LICENSE-MIT LICENSE-APACHE; do
  [ -f "$f" ] || { echo "check-tree: $f is missing (Cargo.toml says MIT OR Apache-2.0)"; status=1; }
done
[ "$status" -eq 0 ] && echo "check-tree: ok"
exit "$status"
