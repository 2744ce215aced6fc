#!/usr/bin/env bash
# run.sh BUILD_DIR - run every benchmark (bench/*.sh) against BUILD_DIR/koder.
# Benchmarks report throughput, peak memory and ratios against a baseline run
# in the same script; they never fail on time, so they do not flake.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-build}" && pwd)
export ROOT BUILD KODER="$BUILD/koder" LC_ALL=C.UTF-8 NO_PROGRESS=1
mkdir -p "$ROOT/bench/out"
for b in "$ROOT"/bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || echo "benchmark $(basename "$b") did not finish (exit $?)"
done
