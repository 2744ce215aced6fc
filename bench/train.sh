#!/usr/bin/env bash
# train.sh - speed and memory of `koder train` and `koder score` on 10,000
# and 100,000 coded answers (issue 16: each under 10 s at 100,000, flat
# memory).  The answers: the barrierer answers coded by the coders
# (corpora/train, corpora/dev) in turn with answer-like text from
# scripts/answers-gen.py (fixed seed) coded andet, as id,text,codes.
# Baseline, from the same binary on the same file: `koder code` (train and
# score code every answer with the patterns too, so the ratio is what
# fitting or comparing costs on top).  Memory: the peak RSS at 100,000
# against 10,000 answers.  Files are kept in bench/out.
set -eu
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
make_file() {   # N FILE
	[ -s "$2" ] && return 0
	python3 "$ROOT/scripts/answers-gen.py" 7 $(( $1 / 2500 + 1 )) >"$OUT/train-text.txt"
	python3 - "$ROOT" "$1" "$2" "$OUT/train-text.txt" <<'PY'
import csv, glob, sys
root, n, out, text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
gold = []
for f in sorted(glob.glob(f"{root}/corpora/train/barrierer-*.csv") + [f"{root}/corpora/dev/barrierer.csv"]):
    gold += [(r["text"], r["codes"]) for r in csv.DictReader(open(f, encoding="utf-8"))]
gen = [l.strip() for l in open(text, encoding="utf-8") if l.strip()]
with open(out, "w", encoding="utf-8", newline="") as fp:
    w = csv.writer(fp)
    w.writerow(["id", "text", "codes"])
    for i in range(n):
        t, c = gold[(i // 2) % len(gold)] if i % 2 == 0 else (gen[(i // 2) % len(gen)], "andet")
        w.writerow([f"R{i:06d}", t, c])
PY
	rm -f "$OUT/train-text.txt"
}
make_file 10000 "$OUT/train-10k.csv"
make_file 100000 "$OUT/train-100k.csv"
# run CMD... -> "seconds max_rss_kb" (user + system CPU: what one core
# spends, so the figures hold on a shared machine)
run() {
	/usr/bin/time -f '%U %S %M' "$@" 2>&1 >/dev/null | tail -1 | awk '{ print $1 + $2, $3 }'
}
cb="$ROOT/codebooks/sof-barrierer.json"
for n in 10k 100k; do
	f="$OUT/train-$n.csv"
	read -r tc rc <<<"$(run "$KODER" code -q --no-model --codebook "$cb" --text text --id id -o /dev/null "$f")"
	read -r tt rt <<<"$(run "$KODER" train --codebook "$cb" --gold "$f" -o "$OUT/train-$n.model")"
	read -r ts rs <<<"$(run "$KODER" score --codebook "$cb" --gold "$f" --errors 0)"
	eval "t_$n=$tt r_$n=$rt s_$n=$ts q_$n=$rs"
	awk -v n="$n" -v tc="$tc" -v rc="$rc" -v tt="$tt" -v rt="$rt" -v ts="$ts" -v rs="$rs" 'BEGIN {
		if (tc < 0.01) tc = 0.01
		printf "%s answers: koder code %.2f s (%.1f MB); train %.2f s, %.2fx code (%.1f MB); score %.2f s, %.2fx code (%.1f MB)\n",
			n, tc, rc / 1024, tt, tt / tc, rt / 1024, ts, ts / tc, rs / 1024 }'
done
awk -v t="$t_100k" -v s="$s_100k" -v rt1="$r_10k" -v rt2="$r_100k" -v rs1="$q_10k" -v rs2="$q_100k" 'BEGIN {
	printf "100,000 answers: train %.2f s, score %.2f s (target < 10 s each); peak RSS 100k/10k: train %.2f, score %.2f (flat: near 1)\n",
		t, s, rt2 / rt1, rs2 / rs1 }'
