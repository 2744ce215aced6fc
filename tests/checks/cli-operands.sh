#!/usr/bin/env bash
# cli-operands.sh - options may come before or after the files on every
# command line ("koder normalize a.txt --explain" as "koder normalize
# --explain a.txt"), and after "--" a name that starts with '-' is a file.
# normalize, check and scan stopped at their first file until 2026-12-08;
# each pair below must give the same output and status.
set -u
W=$TMP/cli-operands
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 1
status=0
fail() { echo "FAIL: $*"; status=1; }

# same ARGS1 -- ARGS2: both command lines give the same stdout and status
same() {
	local a=() b=() seen=0 x s1 s2
	for x in "$@"; do
		if [ "$x" = "|" ]; then seen=1; elif [ $seen = 0 ]; then a+=("$x"); else b+=("$x"); fi
	done
	"$KODER" "${a[@]}" >one.out 2>one.err; s1=$?
	"$KODER" "${b[@]}" >two.out 2>two.err; s2=$?
	[ $s1 = $s2 ] || { cat two.err; fail "koder ${b[*]}: exit $s2, but $s1 for koder ${a[*]}"; return; }
	cmp -s one.out two.out || fail "koder ${b[*]} writes otherwise than koder ${a[*]}"
	[ -s one.out ] || fail "koder ${a[*]} wrote nothing (exit $s1: $(head -1 one.err))"
}

printf 'Vi fik fgrste attest pa en uge\n' >damaged.txt
cp damaged.txt ./-x.txt
same normalize --explain damaged.txt "|" normalize damaged.txt --explain
same normalize --key damaged.txt "|" normalize damaged.txt --key
same normalize damaged.txt "|" normalize -- -x.txt
same check --no-repair sof-barrierer "|" check sof-barrierer --no-repair
printf 'id;Svar\n1;Ring til Mette Hansen på 22 33 44 55\n' >s.csv
same scan --show --id id s.csv "|" scan s.csv --show --id id
same scan --format csv s.csv "|" scan s.csv --format csv
echo "REPORT cli: options after the files give the same result for normalize, check and scan"
exit $status
