#!/usr/bin/env bash
# run-tests.sh BUILD_DIR - run every test against the binary in BUILD_DIR:
#   unit tests   BUILD_DIR/tests/test_*   (cmocka, one binary per module)
#   golden tests tests/golden/NAME/       (cmd, [stdin], expect.out, [expect.err], [expect.status])
#   check tests  tests/checks/*.sh        (scripts: exit 0 pass, 77 skip, else fail)
# Prints one line per failure with where to look, and last a line
# "N passed, N failed[, N skipped]".  Exit status 1 if anything failed.
set -u
export LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1 NO_PROGRESS=1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-build}" && pwd)
export ROOT BUILD KODER="$BUILD/koder"
case "$BUILD" in *-asan|*-valgrind) export SANITIZED=1 ;; *) export SANITIZED=0 ;; esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LOGS="$BUILD/test-logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"
TMPROOT=$(mktemp -d)
trap 'rm -rf "$TMPROOT"' EXIT
pass=0 fail=0 skip=0
failed=()

# --- unit tests (cmocka prints "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)")
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	log="$LOGS/$(basename "$t").log"
	(cd "$ROOT" && "$t") >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0} f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)) fail=$((fail + f))
	[ "$f" -gt 0 ] && failed+=("$name (see $log)")
done

# --- golden tests
for d in "$ROOT"/tests/golden/*/; do
	[ -f "$d/cmd" ] || continue
	name=golden/$(basename "$d")
	work="$TMPROOT/$(basename "$d")"
	mkdir -p "$work"
	if [ -f "$d/stdin" ]; then in="$d/stdin"; else in=/dev/null; fi
	(cd "$d" && TMP="$work" bash ./cmd <"$in" >"$work/out" 2>"$work/err")
	rc=$?
	want=0
	[ -f "$d/expect.status" ] && want=$(cat "$d/expect.status")
	ok=1
	{
		[ "$rc" = "$want" ] || { echo "exit status $rc, expected $want"; ok=0; }
		if [ -f "$d/expect.out" ]; then diff -u "$d/expect.out" "$work/out" || ok=0; fi
		if [ -f "$d/expect.err" ]; then diff -u "$d/expect.err" "$work/err" || ok=0; fi
	} >"$LOGS/golden-$(basename "$d").log" 2>&1
	if [ $ok -eq 1 ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); failed+=("$name (see $LOGS/golden-$(basename "$d").log)")
	fi
done

# --- check scripts
for s in "$ROOT"/tests/checks/*.sh; do
	[ -f "$s" ] || continue
	name=check/$(basename "$s" .sh)
	log="$LOGS/check-$(basename "$s" .sh).log"
	(cd "$ROOT" && TMP=$(mktemp -d -p "$TMPROOT") bash "$s") >"$log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed+=("$name (see $log)") ;;
	esac
	# A check may report figures (quality, counts): show its lines marked "REPORT".
	grep -h '^REPORT' "$log" | sed "s|^REPORT|  $(basename "$BUILD"):|"
done

for f in "${failed[@]+"${failed[@]}"}"; do echo "FAIL $f"; done
line="$pass passed, $fail failed"
[ $skip -gt 0 ] && line="$line, $skip skipped"
echo "$(basename "$BUILD"): $line"
[ $fail -eq 0 ]
