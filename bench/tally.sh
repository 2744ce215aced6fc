#!/usr/bin/env bash
# tally.sh - speed and memory of the main job, `koder tally`: read a survey
# export, repair and code every answer, count per wave and role.  The survey
# has 1 million non-empty answers over both waves and roles: every fourth is
# a SOF answer (corpora/sof), the rest answer-like text with OCR and typing
# damage from scripts/answers-gen.py (fixed seed), so the normalizer's caches
# do not see the same few hundred answers again and again.  Kept in bench/out/.
# Reports answers per second and the time for 1M (target < 30 s on one
# core), against two baselines from the same binary: --no-repair (coding
# without word repair) and --codes (reading and counting only, every answer
# already decided); and the peak RSS at 100k and at 1M answers.
set -eu
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
C="$ROOT/corpora/sof"
big="$OUT/tally-1m.csv"
small="$OUT/tally-100k.csv"
codes="$OUT/tally-1m-codes.csv"
if ! "$KODER" tally "$C" --question barrierer --codes "$C/gold-barrierer.csv" >/dev/null 2>&1; then
	echo "tally: skipped (the SOF corpus or its codebook is not there)"
	exit 0
fi
if [ ! -s "$big" ] || [ ! -s "$codes" ]; then
	python3 "$ROOT/scripts/answers-gen.py" 7 140 >"$OUT/tally-text.txt"
	python3 "$ROOT/scripts/make-tally-survey.py" "$C" 1000000 "$OUT/tally-text.txt" "$big" "$codes"
	rm -f "$OUT/tally-text.txt"
fi
[ -s "$small" ] || head -n 100001 "$big" >"$small"

# run FILE [ARGS] -> "seconds user_cpu_seconds max_rss_kb"
run() {
	local f=$1
	shift
	/usr/bin/time -f '%e %U %M' "$KODER" tally --id Respondent-ID --wave Måling \
		--role Arbejdsfunktion --text "Barrierer for implementeringen" \
		--codebook "$ROOT/codebooks/sof-barrierer.json" --format json -o /dev/null \
		"$@" "$f" 2>&1 >/dev/null | tail -1
}
read -r t_small _ rss_small <<<"$(run "$small")"
read -r t_big u_big rss_big <<<"$(run "$big")"
read -r t_norep _ _ <<<"$(run "$big" --no-repair)"
read -r t_codes _ rss_codes <<<"$(run "$big" --codes "$codes")"
awk -v t="$t_big" -v u="$u_big" -v ts="$t_small" -v tn="$t_norep" -v tc="$t_codes" \
    -v rs="$rss_small" -v rb="$rss_big" -v rc="$rss_codes" 'BEGIN {
	if (t < 0.01) t = 0.01; if (tn < 0.01) tn = 0.01; if (tc < 0.01) tc = 0.01
	printf "tally: 1M answers read+normalize+code+tally in %.1f s = %.0f answers/s (target < 30 s); %.1f s of CPU\n", t, 1e6 / t, u
	printf "baselines: --no-repair %.1f s (repair costs %.2fx), --codes (read+count only) %.1f s\n", tn, t / tn, tc
	printf "peak RSS: %d KB at 100k answers, %d KB at 1M (ratio %.2f); --codes at 1M: %d KB\n", rs, rb, rb / rs, rc
	printf "100k answers took %.1f s\n", ts
}'
