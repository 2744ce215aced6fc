#!/usr/bin/env bash
# serve-mature.sh - koder serve on a big project late in its life: 100,000
# answers already carrying 200,000 decisions (20 coders, every answer coded
# by two, one in ten of those pairs disagreeing).  What a team meets there
# is not the steady coding that bench/serve.sh measures but the moments
# that touch every coder's work: a coder logging in (the session opens on
# the answers the others' sessions share), the lead adjudicating while the
# others code (the disputes change with every decision), a coder changing
# the filter after others decided, a category added while coding (the
# project moves to a new codebook version).  Each is a request on the server's one
# request thread, so for as long as it takes every other coder waits.
# Baseline in the same script: the plain next-answer request, so each
# figure is also given as a ratio to it.
# The decisions are written straight into the store (sqlite3), as a
# finished project holds them: importing 20 files through `koder review
# --import` would read the survey 20 times and take minutes.
set -eu
OUT="$ROOT/bench/out"
C="$ROOT/corpora/sof"
N=${MATURE_ANSWERS:-100000} ROUNDS=${MATURE_ROUNDS:-20}
mkdir -p "$OUT"
if [ ! -f "$C/survey.csv" ] || ! command -v curl >/dev/null; then
	echo "serve-mature: skipped (needs the SOF corpus and curl)"
	exit 0
fi
. "$ROOT/bench/project.lib"
make_corpus "$N"
# a directory of its own: an added category's codebook file goes beside the store
rm -rf "$OUT/serve-mature-$N"
mkdir -p "$OUT/serve-mature-$N"
DB="$OUT/serve-mature-$N/p.db"
store "$N" "$DB" >/dev/null
python3 - "$DB" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
sug = dict(db.execute("SELECT answer_id, codes FROM suggestions"))
cb, ver = db.execute("SELECT codebook_id, codebook_version FROM suggestions LIMIT 1").fetchone()
ids = sorted(sug)
rnd = random.Random(1)
rows = []
for c in range(20):   # coder c codes a band of half the answers' size / 10: each answer twice
    for k in range(len(ids) // 10):
        a = ids[(c * len(ids) // 20 + k) % len(ids)]
        codes = sug[a] if rnd.random() < 0.9 else "andet"
        rows.append((a, "c%02d" % (c + 1), "2026-01-01T00:00:00.000Z", cb, ver, codes, sug[a],
                     "confirm" if codes == sug[a] else "override"))
db.executemany("INSERT INTO decisions(answer_id, coder, decided_at, codebook_id,"
               " codebook_version, codes, suggested, action) VALUES (?,?,?,?,?,?,?,?)", rows)
db.commit()
PY
decisions=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM decisions').fetchone()[0])" "$DB")

W=$(mktemp -d)
args=()
for i in $(seq -w 1 20); do args+=(--coder "c$i"); done
"$KODER" serve --db "$DB" --listen 127.0.0.1:0 --quiet "${args[@]}" --coder lead >"$W/links" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$W"' EXIT
for _ in $(seq 600); do
	[ "$(wc -l <"$W/links")" -ge 21 ] && break
	sleep 0.1
done
base=$(head -1 "$W/links" | awk '{ print $2 }' | sed 's#\(https*://[^/]*\)/.*#\1#')
declare -A csrf
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
# req CODER CURL-ARGS... -> seconds; the body in $W/out.json
req() {
	local c=$1; shift
	curl -s -b "$W/$c.jar" -o "$W/out.json" -w '%{time_total}' \
		-H "X-CSRF-Token: ${csrf[$c]:-}" "$@"
}
: >"$W/login"
for c in $(awk '{ print $1 }' "$W/links"); do
	curl -s -c "$W/$c.jar" -o /dev/null "$(awk -v n="$c" '$1 == n { print $2 }' "$W/links")"
	ms "$(req "$c" "$base/api/session")" >>"$W/login"; echo >>"$W/login"
	csrf[$c]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$W/out.json")
done
req lead "$base/api/answer?mode=adjudicate" >/dev/null
: >"$W/next"; : >"$W/adj"; : >"$W/filter"
for r in $(seq 1 "$ROUNDS"); do
	c=$(printf 'c%02d' $(( (r - 1) % 19 + 1 )))
	other=$(printf 'c%02d' $(( r % 19 + 1 )))
	ms "$(req "$c" "$base/api/answer?move=todo")" >>"$W/next"; echo >>"$W/next"
	id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["answer"]["id"])' "$W/out.json")
	req "$c" -X POST -H 'Content-Type: application/json' \
		-d "{\"id\":$id,\"codes\":\"andet\"}" "$base/api/decision" >/dev/null
	ms "$(req lead "$base/api/answer?mode=adjudicate&move=next")" >>"$W/adj"; echo >>"$W/adj"
	f=$([ $((r % 2)) = 0 ] && echo all || echo disputed)
	ms "$(req "$other" "$base/api/answer?filter=$f")" >>"$W/filter"; echo >>"$W/filter"
done
# a category added while coding, and the next request of another coder
add=$(ms "$(req c01 -X POST -H 'Content-Type: application/json' \
	-d '{"id":"bench_ny","label":"Ny kategori","pattern":"kaffemaskine*"}' "$base/api/category")")
grep -q '"version"' "$W/out.json" || { echo "serve-mature: adding a category failed: $(cat "$W/out.json")"; exit 1; }
after=$(ms "$(req c02 "$base/api/answer?move=next")")
kill -TERM $pid
wait $pid || true
trap - EXIT
stat() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%s %s", v[int((NR + 1) / 2)], v[NR] }'; }
read -r first _ <<<"$(head -1 "$W/login")"
read -r l50 lmax <<<"$(tail -n +2 "$W/login" | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s", v[int((NR + 1) / 2)], v[NR] }')"
read -r n50 nmax <<<"$(stat "$W/next")"
read -r a50 amax <<<"$(stat "$W/adj")"
read -r f50 fmax <<<"$(stat "$W/filter")"
rm -rf "$W"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
echo "serve-mature: $N answers, $decisions decisions by 20 coders; $ROUNDS rounds of a decision, an adjudication step and a filter change"
echo "serve-mature: next answer (baseline) p50 $n50 ms, max $nmax ms"
echo "serve-mature: the first login (reads the answers) $first ms; each later login p50 $l50 ms, max $lmax ms (x$(ratio "$l50" "$n50") the next answer)"
echo "serve-mature: an adjudication step after a decision p50 $a50 ms, max $amax ms (x$(ratio "$a50" "$n50"))"
echo "serve-mature: a filter change after a decision p50 $f50 ms, max $fmax ms (x$(ratio "$f50" "$n50"))"
echo "serve-mature: a category added while coding $add ms, then another coder's next answer $after ms (x$(ratio "$after" "$n50"))"
