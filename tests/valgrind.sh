#!/usr/bin/env bash
# valgrind.sh BUILD_DIR - run the whole test suite (tests/run-tests.sh) with
# every run of koder and of each unit-test binary under valgrind memcheck.
# It builds BUILD_DIR-valgrind/ holding wrapper scripts of the same names,
# so the suite needs no change; each wrapper logs to
# BUILD_DIR-valgrind/vg/<name>.<pid>.log.  Fails if any test fails or any
# log reports an invalid access, an uninitialised value or a definite or
# indirect leak.  (ICU and hunspell keep caches until exit: "still reachable"
# blocks are not leaks and are ignored.  PCRE2's JIT-compiled code is
# suppressed by tests/valgrind.supp.)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REAL=$(cd "${1:-build}" && pwd)
VG="$REAL-valgrind"
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)"; exit 1; }
rm -rf "$VG" && mkdir -p "$VG/tests" "$VG/vg"

wrap() {  # wrap REAL_BINARY WRAPPER
	cat >"$2" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
  --suppressions="$ROOT/tests/valgrind.supp" \\
  --log-file="$VG/vg/$(basename "$1").%p.log" "$1" "\$@"
WRAP
	chmod +x "$2"
}
wrap "$REAL/koder" "$VG/koder"
for t in "$REAL"/tests/test_*; do
	[ -x "$t" ] && wrap "$t" "$VG/tests/$(basename "$t")"
done

# heavy evaluations take their small samples, as under the sanitizers
SANITIZED=1 "$ROOT/tests/run-tests.sh" "$VG"
rc=$?
bad=0
for log in "$VG"/vg/*.log; do
	[ -s "$log" ] || continue
	bad=$((bad + 1))
	[ $bad -le 10 ] && { echo "valgrind: $log"; grep -m5 -E '==[0-9]+== (Invalid|Conditional|Use of|Syscall|[0-9,]+ bytes in)' "$log"; }
done
runs=$(ls "$VG"/vg | wc -l)
echo "valgrind: $runs runs of koder and the unit tests, $bad with errors or leaks"
[ $rc -eq 0 ] && [ $bad -eq 0 ]
