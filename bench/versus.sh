#!/usr/bin/env bash
# versus.sh - issue 13's speed rule: `koder code` and `koder tally` (the jobs
# of bench/code.sh and bench/tally.sh) within 10 % of the build of the day
# the issue was written, commit 3cd816b, measured alternately in this one
# script (scripts/compare-speed.sh: old, new, old, new, ...; CPU seconds,
# user + sys, so other load on the machine weighs on both alike; medians).
# Each build runs with its own codebooks and models.  The baseline is built
# once from `git archive` into bench/out/base-COMMIT (no worktree, nothing
# in the checkout changes).  BASE=commit compares against another build,
# VERSUS_ROUNDS sets the rounds (default 3), VERSUS_JOBS the jobs (default
# "code code-norep tally tally-codes"; add tally-1m for the peak memory of
# bench/tally.sh's 1M-row survey).
set -eu
BASE=${BASE:-3cd816b}
OUT="$ROOT/bench/out"
dir="$OUT/base-$BASE"
if ! git -C "$ROOT" rev-parse -q --verify "$BASE^{commit}" >/dev/null 2>&1; then
	echo "versus: skipped (no git checkout with commit $BASE here)"
	exit 0
fi
if [ ! -x "$dir/build/koder" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	git -C "$ROOT" archive "$BASE" | tar -x -C "$dir"
	# (BUILD=build: bench/run.sh exports BUILD, this build's own folder)
	if ! make -C "$dir" -j2 BUILD=build >"$dir/build.log" 2>&1 || [ ! -x "$dir/build/koder" ]; then
		echo "versus: the baseline $BASE does not build (see $dir/build.log)"
		exit 0
	fi
fi
echo "koder at $BASE (old) against this build (new), issue 13's target: new/old <= 1.10"
JOBS=${VERSUS_JOBS:-code code-norep tally tally-codes} \
	bash "$ROOT/scripts/compare-speed.sh" "$dir/build/koder" "$KODER" "${VERSUS_ROUNDS:-3}" \
	| sed 's/^REPORT //'
