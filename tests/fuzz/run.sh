#!/usr/bin/env bash
# run.sh FUZZ_BUILD SECONDS [TARGET...] - build every libFuzzer target
# tests/fuzz/fuzz_*.c (or the ones named) against FUZZ_BUILD/libkoder-core.a
# (built by `make fuzz` with clang, ASan, UBSan and fuzzer coverage), then
# run each for SECONDS, starting from its seed corpus tests/fuzz/corpus/NAME/
# and the saved crashes in tests/fuzz/regress/NAME/.  New inputs go to
# FUZZ_BUILD/corpus/NAME (the seeds in the tree are never modified); a crash
# is saved as FUZZ_BUILD/crashes/NAME/crash-* and the script exits 1, naming
# it: copy it into tests/fuzz/regress/NAME/ once fixed, so the ordinary test
# suite replays it (tests/unit/test_fuzz.c).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: run.sh FUZZ_BUILD SECONDS [TARGET...]}" && pwd)
SECONDS_EACH=${2:-60}
shift 2 || shift $#
CC=${CC:-clang}
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I$ROOT/src/lib"
# the Makefile passes the libraries the library links with (FUZZ_LIBS)
LIBS=${FUZZ_LIBS:-$(pkg-config --libs libpcre2-8 icu-uc icu-i18n libcjson hunspell sqlite3 xlsxwriter libxml-2.0)}
export KODER_DATADIR=$ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $# -eq 0 ]; then
	set -- $(cd "$ROOT/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi
failed=0
for name in "$@"; do
	bin=$BUILD/fuzz/fuzz_$name
	mkdir -p "$BUILD/fuzz" "$BUILD/corpus/$name" "$BUILD/crashes/$name"
	# shellcheck disable=SC2086
	if ! $CC $FLAGS -o "$bin" "$ROOT/tests/fuzz/fuzz_$name.c" "$BUILD/libkoder-core.a" $LIBS -lm; then
		echo "fuzz $name: does not build"
		failed=1
		continue
	fi
	seeds=()
	for d in "$ROOT/tests/fuzz/corpus/$name" "$ROOT/tests/fuzz/regress/$name"; do
		[ -d "$d" ] && seeds+=("$d")
	done
	start=$(date +%s)
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$BUILD/crashes/$name/" \
		"$BUILD/corpus/$name" "${seeds[@]+"${seeds[@]}"}" >"$BUILD/fuzz/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/fuzz/$name.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$BUILD/fuzz/$name.log" | tail -1)
	if [ $rc -ne 0 ]; then
		echo "fuzz $name: FAILED after $(( $(date +%s) - start ))s: $(ls "$BUILD/crashes/$name" | head -3 | tr '\n' ' ')(log $BUILD/fuzz/$name.log)"
		grep -m3 -E 'ERROR|SUMMARY|runtime error' "$BUILD/fuzz/$name.log"
		failed=1
	else
		echo "fuzz $name: ok, ${runs:-?} inputs in $(( $(date +%s) - start ))s, $cov"
	fi
done
exit $failed
