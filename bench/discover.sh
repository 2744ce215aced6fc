#!/usr/bin/env bash
# discover.sh - speed and memory of `koder discover` on 10,000 answers
# (issue 16: under 5 s on one core, flat memory) and on 100,000 (under
# 10 s).  The answers: the barrierer gold answers (corpora/train and
# corpora/test) in turn with answer-like text from scripts/answers-gen.py
# (fixed seed), so most of them land in andet.  Baseline, from the same
# binary: `koder code` on the same file (discover codes every answer too,
# so the ratio is what the grouping costs); memory: the peak RSS at 10k
# against 1k answers and at 100k against 10k.  Flat: discover keeps a
# sample and a capped feature table, and takes the answers to group back
# from a scratch file; what still rises from 10k to 100k is the feature
# table filling to its cap (65,536 features, reached once) and the survey
# reader's duplicate-id check, which `koder code` has too.  Files are kept
# in bench/out.
set -eu
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
. "$ROOT/bench/answers.lib"
make_file 1000 "$OUT/discover-1k.csv"
make_file 10000 "$OUT/discover-10k.csv"
make_file 100000 "$OUT/discover-100k.csv"
cb="$ROOT/codebooks/sof-barrierer.json"
opt=(--text text --id id --wave wave --role role --codebook "$cb")
read -r t1 r1 <<<"$(run "$KODER" discover "$OUT/discover-1k.csv" "${opt[@]}")"
read -r t10 r10 <<<"$(run "$KODER" discover "$OUT/discover-10k.csv" "${opt[@]}")"
read -r tc rc <<<"$(run "$KODER" code -q --codebook "$cb" --text text --id id -o /dev/null "$OUT/discover-10k.csv")"
read -r t100 r100 <<<"$(run "$KODER" discover "$OUT/discover-100k.csv" "${opt[@]}")"
read -r tc100 rc100 <<<"$(run "$KODER" code -q --codebook "$cb" --text text --id id -o /dev/null "$OUT/discover-100k.csv")"
awk -v t1="$t1" -v r1="$r1" -v t10="$t10" -v r10="$r10" -v tc="$tc" -v t100="$t100" -v r100="$r100" -v tc100="$tc100" 'BEGIN {
	if (tc < 0.01) tc = 0.01
	if (tc100 < 0.01) tc100 = 0.01
	printf "discover: 10,000 answers in %.2f CPU s (target < 5 s), %.2fx koder code on them (%.2f s); peak RSS %.1f MB (1,000 answers: %.1f MB, ratio %.2f)\n",
		t10, t10 / tc, tc, r10 / 1024, r1 / 1024, r10 / r1
	printf "discover: 100,000 answers in %.2f CPU s (target < 10 s), %.2fx koder code on them (%.2f s); peak RSS %.1f MB (ratio to 10,000: %.2f)\n",
		t100, t100 / tc100, tc100, r100 / 1024, r100 / r10
}'
