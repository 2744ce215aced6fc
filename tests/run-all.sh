#!/usr/bin/env bash
# run-all.sh BUILD_DIR... - run the suite against each build and print the
# grand total as the last line: "N passed, N failed".
set -u
here=$(dirname "$0")
tp=0 tf=0 ts=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for b in "$@"; do
	# Not 'tee /dev/stderr': when stderr is a file, reopening it truncates
	# everything printed before (the CI log lost its fuzz results that way).
	"$here/run-tests.sh" "$b" >"$log" 2>&1
	cat "$log"
	out=$(tail -1 "$log")
	p=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$out" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$out" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	tp=$((tp + ${p:-0})) tf=$((tf + ${f:-1})) ts=$((ts + ${s:-0}))
done
if [ $ts -gt 0 ]; then echo "$tp passed, $tf failed, $ts skipped"; else echo "$tp passed, $tf failed"; fi
[ $tf -eq 0 ]
