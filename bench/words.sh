#!/usr/bin/env bash
# words.sh - speed and memory of `koder words` and `koder kwic` on 10,000
# and 100,000 answers (issue 16: each under 10 s at 100,000, flat memory).
# The answers are bench/answers.lib's (the same files as discover.sh).
# Baseline, from the same binary: `koder code` on the same file (both
# commands code or normalize every answer once, so the ratio is what
# counting and finding cost); memory: the peak RSS at 100k against 10k
# answers (flat: about 1).  Files are kept in bench/out.
set -eu
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
. "$ROOT/bench/answers.lib"
make_file 10000 "$OUT/discover-10k.csv"
make_file 100000 "$OUT/discover-100k.csv"
cb="$ROOT/codebooks/sof-barrierer.json"
opt=(--text text --id id --wave wave --role role --codebook "$cb")
for n in 10k 100k; do
	f="$OUT/discover-$n.csv"
	read -r tc rc <<<"$(run "$KODER" code -q --codebook "$cb" --text text --id id -o /dev/null "$f")"
	read -r tw rw <<<"$(run "$KODER" words "$f" "${opt[@]}" --from andet)"
	read -r tk rk <<<"$(run "$KODER" kwic 'sag* NEAR/3 (mange|for)' "$f" "${opt[@]}")"
	eval "tc_$n=$tc rc_$n=$rc tw_$n=$tw rw_$n=$rw tk_$n=$tk rk_$n=$rk"
done
awk -v tc10="$tc_10k" -v tw10="$tw_10k" -v rw10="$rw_10k" -v tk10="$tk_10k" -v rk10="$rk_10k" \
    -v tc100="$tc_100k" -v tw100="$tw_100k" -v rw100="$rw_100k" -v tk100="$tk_100k" -v rk100="$rk_100k" 'BEGIN {
	if (tc10 < 0.01) tc10 = 0.01
	if (tc100 < 0.01) tc100 = 0.01
	printf "words: 10,000 answers in %.2f CPU s (%.2fx koder code, %.2f s), 100,000 in %.2f CPU s (target < 10 s; %.2fx koder code, %.2f s); peak RSS %.1f MB and %.1f MB (ratio %.2f)\n",
		tw10, tw10 / tc10, tc10, tw100, tw100 / tc100, tc100, rw10 / 1024, rw100 / 1024, rw100 / rw10
	printf "kwic: 10,000 answers in %.2f CPU s (%.2fx koder code), 100,000 in %.2f CPU s (target < 10 s; %.2fx koder code); peak RSS %.1f MB and %.1f MB (ratio %.2f)\n",
		tk10, tk10 / tc10, tk100, tk100 / tc100, rk10 / 1024, rk100 / 1024, rk100 / rk10
}'
