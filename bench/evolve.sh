#!/usr/bin/env bash
# evolve.sh - speed and memory of codebook evolution on a big project: a
# store of 100,000 answers decided under version 1 of the worked example's
# codebook (corpora/waves, Nulpunkt answers repeated with new ids over the
# three waves), migrated to version 3 (which recodes every answer with the
# new rules), then `koder learn` on the result.  Baselines from the same
# binary: `migrate --no-recode` (decisions only) and the same runs on 10,000
# answers, to show time and peak RSS per answer.  Never a timed test.
set -eu
OUT="$ROOT/bench/out/evolve"
W="$ROOT/corpora/waves"
mkdir -p "$OUT"

# make N -> $OUT/p-N.db with N answers and N version-1 decisions
make_db() {
	local n=$1 db="$OUT/p-$1.db"
	[ -s "$db" ] && return 0
	python3 - "$W" "$OUT" "$n" <<'EOF'
import csv, io, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.reader(io.open(f"{src}/survey.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
gold = dict(list(csv.reader(open(f"{src}/gold-nulpunkt-v1.csv", encoding="utf-8")))[1:])
ans = [r for r in rows[1:] if r[0] in gold]
waves = ["Nulpunkt", "Midtvejs", "Afslutning"]
with open(f"{out}/survey-{n}.csv", "w", encoding="utf-8-sig", newline="") as f, \
     open(f"{out}/gold-{n}.csv", "w", encoding="utf-8", newline="") as g:
    w = csv.writer(f, delimiter=";", lineterminator="\r\n")
    c = csv.writer(g, lineterminator="\n")
    w.writerow(rows[0])
    c.writerow(["id", "codes"])
    for i in range(n):
        r = ans[i % len(ans)]
        rid = f"R{i:06d}"
        w.writerow([rid, r[1], waves[i % 3], r[3], r[4]])
        c.writerow([rid, gold[r[0]]])
EOF
	sed "s|\"survey.csv\"|\"$OUT/survey-$n.csv\"|; s|\"codebook-v1.json\"|\"$W/codebook-v1.json\"|; s|\"gold-nulpunkt-v1.csv\"|\"$OUT/gold-$n.csv\"|" \
		"$W/corpus-v1.json" >"$OUT/corpus-$n.json"
	"$KODER" review --import "$OUT/gold-$n.csv" --coder gold --db "$db" "$OUT/corpus-$n.json" \
		2>/dev/null
}

# time_it LABEL N CMD... -> "LABEL N: S s, R answers/s, RSS M MB"
time_it() {
	local label=$1 n=$2 t rss
	shift 2
	/usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$@" >/dev/null 2>&1 || true
	read -r t rss <<<"$(tail -1 "$OUT/time.txt")"  # after "exited with status 1"
	awk -v l="$label" -v n="$n" -v t="$t" -v r="$rss" 'BEGIN {
		printf "%-28s %7d answers: %6.2f s, %8.0f answers/s, peak RSS %6.1f MB\n",
			l, n, t, (t > 0 ? n / t : 0), r / 1024 }'
}

for n in 10000 100000; do
	make_db "$n"
	cp "$OUT/p-$n.db" "$OUT/work.db"
	time_it "migrate --no-recode --dry-run" "$n" "$KODER" migrate --dry-run --no-recode \
		--db "$OUT/work.db" --to "$W/codebook-v3.json"
	time_it "migrate --dry-run" "$n" "$KODER" migrate --dry-run --db "$OUT/work.db" \
		--to "$W/codebook-v3.json"
	time_it "migrate (writes)" "$n" "$KODER" migrate --db "$OUT/work.db" \
		--to "$W/codebook-v3.json"
	time_it "learn" "$n" "$KODER" learn --db "$OUT/work.db" --codebook "$W/codebook-v3.json"
	time_it "diff --db v1 v3" "$n" "$KODER" diff --db "$OUT/work.db" "$W/codebook-v1.json" \
		"$W/codebook-v3.json"
	rm -f "$OUT/work.db" "$OUT/work.db-wal" "$OUT/work.db-shm"
done
