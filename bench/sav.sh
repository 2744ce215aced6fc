#!/usr/bin/env bash
# sav.sh - the evaluator's whole job on an SPSS file: a 100,000-respondent
# .sav (waves and work functions as labelled numeric codes, both SOF
# questions, written by PSPP) is read, coded, tallied with Wilson intervals
# and --compare tests, and exported as a coded .sav.  Target: tally + export
# under 5 s on one core, with flat memory (peak RSS at 100k about that at
# 10k).  Baseline from the same binary in the same run: the same survey as
# CSV (how much the .sav reader costs).  Files are kept in bench/out/.
set -eu
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
C="$ROOT/corpora/sof"
command -v pspp >/dev/null || { echo "sav: skipped (no pspp to write the .sav)"; exit 0; }
if ! "$KODER" tally "$C" --question barrierer >/dev/null 2>&1; then
	echo "sav: skipped (the SOF corpus or its codebook is not there)"
	exit 0
fi
make_survey() {  # make_survey N: bench/out/sav-N/{survey.csv,survey.sav,corpus.json}
	local n=$1 d="$OUT/sav-$1"
	[ -s "$d/survey.sav" ] && return 0
	mkdir -p "$d"
	python3 - "$C" "$d" "$n" <<'EOF'
import csv, json, sys
src, d, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.reader(open(f"{src}/survey.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
hdr, body = rows[0], rows[1:]
with open(f"{d}/survey.csv", "w", encoding="utf-8-sig", newline="") as f, \
     open(f"{d}/survey.tsv", "w", encoding="utf-8") as t:
    w = csv.writer(f, delimiter=";", lineterminator="\r\n")
    w.writerow(hdr)
    for i in range(n):
        r = list(body[i % len(body)])
        r[0] = f"R{i:07d}"
        w.writerow(r)
        t.write("\t".join(x.replace("\r\n", "\n").replace("\n", "@@NL@@") for x in r) + "\n")
desc = json.load(open(f"{src}/corpus.json"))
desc["survey"] = "survey.sav"
for q in desc["questions"]:
    q.pop("gold", None)
json.dump(desc, open(f"{d}/corpus.json", "w"), ensure_ascii=False)
desc["survey"] = "survey.csv"
import os
os.makedirs(f"{d}/csv", exist_ok=True)
desc["survey"] = "../survey.csv"
json.dump(desc, open(f"{d}/csv/corpus.json", "w"), ensure_ascii=False)
EOF
	"$ROOT/scripts/sof-sav.sh" "$d/survey.tsv" "$d/survey.sav" 400
	rm -f "$d/survey.tsv"
}
make_survey 10000
make_survey 100000

# t CMD... -> "cpu_seconds max_rss_kb elapsed"; one core: taskset when there
# is one.  CPU time (user + system) is the figure: on a shared machine the
# elapsed time counts other people's work too.
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
t() { /usr/bin/time -f '%U %S %M %e' $pin "$@" 2>&1 >/dev/null | tail -1 |
	awk '{ printf "%.2f %d %.2f\n", $1 + $2, $3, $4 }'; }
B="$OUT/sav-100000"
read -r t_tally rss_tally e_tally <<<"$(t "$KODER" tally "$B" --compare waves --format json -o "$OUT/sav-tally.json")"
read -r t_export rss_export e_export <<<"$(t "$KODER" export "$B" -o "$OUT/sav-coded.sav")"
read -r t_csv rss_csv _ <<<"$(t "$KODER" tally "$B/csv" --compare waves --format json -o "$OUT/sav-tally-csv.json")"
read -r _ rss_small _ <<<"$(t "$KODER" export "$OUT/sav-10000" -o "$OUT/sav-coded-10k.sav")"
cmp -s "$OUT/sav-tally.json" "$OUT/sav-tally-csv.json" || echo "sav: WARNING the .sav and the CSV tally differently"
awk -v a="$t_tally" -v b="$t_export" -v c="$t_csv" -v r1="$rss_tally" -v r2="$rss_export" \
    -v rs="$rss_small" -v ea="$e_tally" -v eb="$e_export" 'BEGIN {
	if (c < 0.01) c = 0.01
	printf "sav: 100k-respondent .sav: tally with intervals and --compare waves %.2f s CPU, export .sav %.2f s CPU, together %.2f s (target < 5 s; elapsed %.2f s on this machine)\n", a, b, a + b, ea + eb
	printf "sav: the same tally from the CSV %.2f s (the .sav costs %.2fx)\n", c, a / c
	printf "sav: peak RSS tally %d KB, export %d KB at 100k; export at 10k %d KB (ratio %.2f)\n", r1, r2, rs, r2 / rs
}'
