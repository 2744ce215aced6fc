#!/usr/bin/env bash
# bad-inputs.sh - the catalogue of hostile and broken inputs in tests/bad/.
# Each case is a directory holding its input files and:
#   cmd            bash, run in a scratch copy of the case directory with
#                  $KODER; big inputs (100 MB fields, a million columns) are
#                  made here rather than stored
#   expect.err     the exact messages koder must print (stderr of cmd)
#   expect.status  the exit status of cmd (the last command's)
#   outputs        optional: files cmd asks koder to write; each must end up
#                  missing, or byte-identical to the file of the same name
#                  the case started with (never a partial file)
# Every case must finish within 30 s (no hang), must not die from a signal
# (no crash), and must leave no temporary file behind.
set -u
: "${KODER:?}" "${TMP:?}" "${ROOT:?}"
pass=0 fail=0
for d in "$ROOT"/tests/bad/*/; do
	[ -f "$d/cmd" ] || continue
	name=$(basename "$d")
	w="$TMP/$name"
	rm -rf "$w" && cp -R "$d" "$w"
	if [ -f "$w/outputs" ]; then
		while read -r f; do
			[ -n "$f" ] && [ -f "$w/$f" ] && cp "$w/$f" "$w/$f.orig-copy"
		done <"$w/outputs"
	fi
	(cd "$w" && TMP="$w" timeout -s KILL 30 bash ./cmd >"$w/.out" 2>"$w/.err")
	rc=$?
	want=$(cat "$d/expect.status" 2>/dev/null || echo 0)
	why=""
	[ $rc -eq 137 ] && why="hung (killed after 30 s)"
	[ -z "$why" ] && [ $rc -gt 128 ] && why="died from signal $((rc - 128))"
	[ -z "$why" ] && [ "$rc" != "$want" ] && why="exit status $rc, expected $want"
	if [ -z "$why" ] && ! diff -u "$d/expect.err" "$w/.err" >"$w/.diff"; then
		why="messages differ:
$(cat "$w/.diff")"
	fi
	if [ -z "$why" ] && [ -f "$w/outputs" ]; then
		while read -r f; do
			[ -n "$f" ] || continue
			if [ -f "$w/$f.orig-copy" ]; then
				cmp -s "$w/$f" "$w/$f.orig-copy" || why="$f was changed"
			elif [ -e "$w/$f" ]; then
				why="$f was written (partial output)"
			fi
		done <"$w/outputs"
	fi
	if [ -z "$why" ]; then
		left=$(cd "$w" && find . -name '.*.koder-*' | sort)
		[ -n "$left" ] && why="temporary files left: $left"
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL bad/$name: $why"
	fi
	rm -rf "$w"
done
echo "REPORT bad inputs: $pass cases passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
