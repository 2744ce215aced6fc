#!/usr/bin/env bash
# serve.sh - koder serve under a team's load: 20 scripted coders
# (bench/serve-load.mjs) deciding at once on a 100,000-answer project, each
# as fast as the server answers, while a team lead (SERVE_WATCHERS, default
# 1) keeps the live tally and the disagreements open, as the page polls
# them.  Targets: a decision acknowledged (on disk)
# p99 < 20 ms, the next answer p99 < 20 ms, server memory (peak RSS) <
# 100 MB, and no acknowledged decision missing from the store afterwards.
# Baseline in the same script: the terminal review's commit time on the
# same store (`koder review --bench`), so the ratio shows what HTTP, JSON
# and twenty coders at once add to one commit; and the disk's own sync
# time, the floor under any acknowledgement.
set -eu
OUT="$ROOT/bench/out"
C="$ROOT/corpora/sof"
CODERS=${SERVE_CODERS:-20} PER=${SERVE_DECISIONS:-150} N=${SERVE_ANSWERS:-100000}
WATCHERS=${SERVE_WATCHERS:-1}
mkdir -p "$OUT"
if [ ! -f "$C/survey.csv" ] || ! command -v node >/dev/null; then
	echo "serve: skipped (needs the SOF corpus and node)"
	exit 0
fi
. "$ROOT/bench/project.lib"
make_corpus "$N"
DB="$OUT/serve-$N.db"
t=$(store "$N" "$DB")
echo "serve: $N answers: store built in ${t}s"

args=()
for i in $(seq -w 1 "$CODERS"); do args+=(--coder "c$i"); done
for i in $(seq 1 "$WATCHERS"); do args+=(--coder "lead$i"); done
"$KODER" serve --db "$DB" --listen 127.0.0.1:0 --quiet "${args[@]}" >"$OUT/serve-links" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do
	[ "$(wc -l <"$OUT/serve-links")" -ge $((CODERS + WATCHERS)) ] && break
	sleep 0.1
done
node "$ROOT/bench/serve-load.mjs" "$OUT/serve-links" "$PER" "$OUT/serve-load.json" "$WATCHERS" >/dev/null
rss=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
kill -TERM $pid
wait $pid || true
trap - EXIT

# The disk's own floor, in the same script: a decision is acknowledged only
# after a disk sync that began after it was committed, so no server answers
# faster than this disk syncs.  500 writes of 16 KB (what a decision adds to
# the -wal file) into a file laid out ahead, each followed by fdatasync.
read -r d50 d99 <<<"$(python3 - "$OUT/serve-disk-probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, bytes(8 << 20)); os.fsync(fd)
t = []
for i in range(500):
    os.pwrite(fd, os.urandom(16384), (i * 16384) % (8 << 20))
    s = time.perf_counter(); os.fdatasync(fd); t.append((time.perf_counter() - s) * 1000)
os.close(fd); os.unlink(sys.argv[1])
t.sort(); print("%.2f %.2f" % (t[len(t) // 2], t[int(len(t) * 0.99)]))
PY
)"

# Every acknowledged decision must be the coder's current one in the store.
lost=$(python3 - "$DB" "$OUT/serve-load.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
acked = json.load(open(sys.argv[2]))["acked"]
latest = {}
for coder, aid, codes in db.execute(
        "SELECT coder, answer_id, codes FROM decisions WHERE decision_id IN "
        "(SELECT max(decision_id) FROM decisions GROUP BY coder, answer_id)"):
    latest[(coder, aid)] = codes
print(sum(1 for c, a, codes in acked if latest.get((c, a)) != codes))
PY
)
"$KODER" review --bench --sample 2000 --db "$DB" >"$OUT/serve-review.txt"
r=$(cat "$OUT/serve-load.json" | python3 -c 'import json,sys; r=json.load(sys.stdin)["res"]; print("%d %d %.0f %.2f %.2f %.2f %.2f %.2f %.2f %.0f %.0f %d %d %.0f %.0f" % (r["coders"], r["decisions"], r["per_second"], r["ack_p50"], r["ack_p99"], r["ack_max"], r["next_p50"], r["next_p99"], r["next_max"], r["open_p50"], r["open_max"], r["watchers"], r["views"], r["view_p50"], r["view_max"]))')
set -- $r
c99=$(awk '$1 == "commit_p99_ms" { print $2 }' "$OUT/serve-review.txt")
echo "serve: a coder's first page (login, loading the session) p50 ${10} ms, max ${11} ms"
echo "serve: $1 coders at once, $2 decisions, $3 decisions/s"
echo "serve: ${12} watching the live tally and disagreements: ${13} views counted, p50 ${14} ms, max ${15} ms (beside the coders, not in their way)"
echo "serve: decision acknowledged p50 $4 ms, p99 $5 ms (target < 20), max $6 ms"
echo "serve: next answer p50 $7 ms, p99 $8 ms (target < 20), max $9 ms"
echo "serve: server peak RSS $rss MB (target < 100); acknowledged decisions missing from the store: $lost (target 0)"
echo "serve: this disk's own sync (16 KB written, fdatasync) p50 $d50 ms, p99 $d99 ms; web ack p99 / disk sync p99 = x$(awk -v a="$5" -v b="$d99" 'BEGIN { printf "%.2f", a / b }')"
echo "serve: terminal review commit p99 $c99 ms on the same store; web ack p99 / terminal commit p99 = x$(awk -v a="$5" -v b="$c99" 'BEGIN { printf "%.2f", a / b }')"
