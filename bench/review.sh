#!/usr/bin/env bash
# review.sh - the review path on a 100,000-answer project (targets: the next
# answer on screen in < 50 ms; committing a decision < 10 ms at the 99th
# percentile).  The survey repeats the SOF answers under new respondent ids;
# the store is built once with `koder review --import` of an empty file
# (which reads the survey, codes it and stores answers and suggestions).
# `koder review --bench` then times, in process, drawing a full 80x24 frame
# for 2000 answers spread over the project (evidence query, layout, frame)
# and 2000 decisions committed to disk one by one.  Baseline: the same on a
# 1000-answer project, so the ratio shows whether cost grows with size.
set -eu
OUT="$ROOT/bench/out"
C="$ROOT/corpora/sof"
mkdir -p "$OUT"
if [ ! -f "$C/survey.csv" ] || [ ! -f "$ROOT/codebooks/sof-barrierer.json" ]; then
	echo "review: skipped (the SOF corpus or its codebook is not there)"
	exit 0
fi

. "$ROOT/bench/project.lib"

# bench N -> key value lines
bench() {
	"$KODER" review --bench --sample 2000 --db "$OUT/review-$1/p.db"
}

for n in 1000 100000; do
	make_corpus $n
	t=$(store $n)
	bench $n >"$OUT/review-$n.txt"
	echo "review: $n answers: store built in ${t}s; $(tr '\n' ' ' <"$OUT/review-$n.txt")"
done
get() { awk -v k="$2" '$1 == k { print $2 }' "$OUT/review-$1.txt"; }
r99=$(get 100000 render_p99_ms) c99=$(get 100000 commit_p99_ms)
echo "review: 100k answers: next answer drawn p99 ${r99} ms (target < 50), commit p99 ${c99} ms (target < 10)"
echo "review: ratio 100k/1k: render p99 x$(awk -v a="$r99" -v b="$(get 1000 render_p99_ms)" 'BEGIN { printf "%.2f", a / b }'), commit p99 x$(awk -v a="$c99" -v b="$(get 1000 commit_p99_ms)" 'BEGIN { printf "%.2f", a / b }')"
