#!/usr/bin/env bash
# bigfile.sh - memory of `koder code` on a 1 GB survey export: peak RSS must
# stay under 200 MB however big the file is (the reader streams; nothing is
# kept per answer).  The file (bench/out/big-1g.csv, made once and kept) has
# 64 MB of answer-like text from scripts/answers-gen.py repeated to
# BIG_MB (default 1024) MB, with one 1 MB answer in the middle (a pasted
# document) so a long field is in the measurement too.  Baseline: the same
# command on the first 10 MB of the file, from the same binary; the ratio of
# the two peaks shows whether memory grows with the file.  Memory per answer
# does grow with the answer's length (offset maps and ICU buffers, about 36
# bytes per byte): the last line measures one 8 MB answer alone.
set -eu
OUT="$ROOT/bench/out"
MB=${BIG_MB:-1024}
big="$OUT/big-${MB}m.csv"
small="$OUT/big-10m.csv"
mkdir -p "$OUT"
if [ ! -s "$big" ]; then
	python3 "$ROOT/scripts/answers-gen.py" 11 64 >"$OUT/big-text.txt"
	python3 - "$OUT/big-text.txt" "$big" "$MB" <<'EOF'
import sys
text, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [l.rstrip("\n").replace('"', "'") for l in open(text, encoding="utf-8")]
waves, roles = ["Nulpunkt", "Midtvejs", "Afslutning"], ["Leder", "Medarbejder"]
limit, n, size, big_done = mb << 20, 0, 0, False
with open(out, "w", encoding="utf-8") as f:
    f.write("id;Måling;Funktion;Svar\n")
    while size < limit:
        for l in lines:
            n += 1
            if not big_done and size > limit // 2:
                l, big_done = " ".join(lines[:20000])[: 1 << 20], True
            row = f'{n};{waves[n % 3]};{roles[n % 2]};"{l}"\n'
            f.write(row)
            size += len(row.encode("utf-8"))
            if size >= limit:
                break
EOF
	rm -f "$OUT/big-text.txt"
fi
[ -s "$small" ] || head -c $((10 << 20)) "$big" | sed '$d' >"$small"
one="$OUT/big-one-answer.csv"
if [ ! -s "$one" ]; then
	{ echo "id;Måling;Funktion;Svar"; printf '1;Nulpunkt;Leder;"'
	  head -c $((8 << 20)) "$small" | tr -d '"\n;' ; echo '"'; } >"$one"
fi

# run FILE -> "seconds max_rss_kb"
run() {
	/usr/bin/time -f '%e %M' "$KODER" code -q --codebook "$ROOT/codebooks/sof-barrierer.json" \
		--text Svar --id id -o /dev/null "$1" 2>&1 >/dev/null | tail -1
}
read -r t_small rss_small <<<"$(run "$small")"
read -r t_big rss_big <<<"$(run "$big")"
read -r t_one rss_one <<<"$(run "$one")"
size=$(stat -c %s "$big")
awk -v t="$t_big" -v ts="$t_small" -v rs="$rss_small" -v rb="$rss_big" -v sz="$size" \
    -v t1="$t_one" -v r1="$rss_one" 'BEGIN {
	if (t < 0.01) t = 0.01
	printf "bigfile: koder code on a %.0f MB survey: %.1f s (%.1f MB/s), peak RSS %.1f MB (limit 200 MB): %s\n",
		sz / 1048576, t, sz / 1048576 / t, rb / 1024, rb < 204800 ? "ok" : "OVER"
	printf "baseline: the first 10 MB of it: %.1f s, peak RSS %.1f MB; 1 GB / 10 MB peak ratio %.2f\n",
		ts, rs / 1024, rb / rs
	printf "one answer of 8 MB alone: %.1f s, peak RSS %.1f MB (memory follows the longest answer)\n", t1, r1 / 1024
}'
