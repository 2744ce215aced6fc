#!/usr/bin/env bash
# compare-speed.sh OLD_KODER NEW_KODER [ROUNDS] - the CPU time of the main
# jobs under two builds, measured alternately (old, new, old, new, ...) in
# one run so that other load on the machine hits both alike.  For a change
# that must not slow koder down (issue 13: within 10 % of the build before
# it).  Jobs, on inputs made here with a fixed seed (kept in bench/out/):
#   code        koder code, shipped sof-barrierer (patterns + learned model),
#               40k answers of ~25 words, word repair included (bench/code.sh's job)
#   code-norep  the same with --no-repair: the rule engine alone
#   tally       koder tally --format json, 200k rows (bench/tally.sh's survey, cut)
#   tally-codes the same with --codes: reading and counting only
#   tally-1m    koder tally on bench/tally.sh's own 1M-row survey (only when
#               named in JOBS: a run takes 10-20 s; for the peak memory)
# Each build runs with its own checkout's codebooks and models (the
# nearest folder above the binary holding codebooks/; KODER_DATADIR set to
# it): an older build cannot read a newer model file, and "as fast as
# before" means the whole job as it was, model included.
# Prints the median CPU seconds (user + sys) and peak RSS per job for each
# build and new/old; JOBS="code tally" picks jobs.  Example:
#   git worktree add /tmp/base 10a0af9 && make -C /tmp/base -j2
#   scripts/compare-speed.sh /tmp/base/build/koder build/koder 5
# (bench/versus.sh builds the baseline itself and runs this.)
# With COUNT=instructions each job runs once per build under valgrind's
# callgrind and the figure is the instructions executed (Ir), which other
# load on the machine does not change; the inputs are then cut to 10k
# answers (code), 20k rows (tally) and 100k rows (tally-codes) so that a
# run takes minutes, not hours.
set -eu
OLD=$1 NEW=$2 ROUNDS=${3:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
export LC_ALL=C.UTF-8 NO_PROGRESS=1 KODER_DATADIR="$ROOT"
answers="$OUT/compare-code-40k.csv"
big="$OUT/tally-1m.csv"
survey="$OUT/compare-tally-200k.csv"
codes="$OUT/compare-tally-200k-codes.csv"

if [ ! -s "$answers" ]; then
	python3 - "$ROOT" "$answers" <<'EOF'
import csv, os, random, sys
root, out = sys.argv[1], sys.argv[2]
rnd = random.Random(20261207)
texts = []
for f in ("barrierer", "undtagelser", "sygdom"):
    with open(os.path.join(root, "corpora/dev", f + ".csv"), encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh) if len(r["text"]) > 3]
words = [l.split("\t")[0] for l in open(os.path.join(root, "data/da-freq.tsv"), encoding="utf-8")]
words = [w for w in words if w.isalpha() and len(w) > 3][:300]
with open(out, "w", encoding="utf-8", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["id", "text"])
    for i in range(40000):
        parts = [rnd.choice(texts)]
        while sum(len(p.split()) for p in parts) < 22:
            parts.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(3, 7))))
        rnd.shuffle(parts)
        w.writerow(["A%07d" % i, ". ".join(parts)])
EOF
fi
if [ ! -s "$survey" ]; then
	python3 "$ROOT/scripts/answers-gen.py" 7 28 >"$OUT/compare-text.txt"
	python3 "$ROOT/scripts/make-tally-survey.py" "$ROOT/corpora/sof" 200000 "$OUT/compare-text.txt" "$survey" "$codes"
	rm -f "$OUT/compare-text.txt"
fi

if [ "${COUNT:-cpu}" = instructions ]; then
	head -n 10001 "$answers" >"$OUT/compare-code-10k.csv"
	head -n 20001 "$survey" >"$OUT/compare-tally-20k.csv"
	head -n 100001 "$survey" >"$OUT/compare-tally-100k.csv"
fi

# tree KODER -> the checkout the binary was built in (its codebooks/)
tree() {
	local d
	d=$(cd "$(dirname "$1")" && pwd)
	while [ "$d" != / ] && [ ! -d "$d/codebooks" ]; do
		d=$(dirname "$d")
	done
	[ -d "$d/codebooks" ] && echo "$d" || echo "$ROOT"
}
OLD_TREE=$(tree "$OLD") NEW_TREE=$(tree "$NEW")

# job NAME KODER -> "CPU_seconds max_RSS_KB" (COUNT=instructions: instructions executed)
job() {
	local k=$2 answers=$answers survey=$survey t cb
	t=$([ "$k" = "$OLD" ] && echo "$OLD_TREE" || echo "$NEW_TREE")
	cb="$t/codebooks/sof-barrierer.json"
	if [ "${COUNT:-cpu}" = instructions ]; then
		answers="$OUT/compare-code-10k.csv"
		case $1 in
		tally) survey="$OUT/compare-tally-20k.csv" ;;
		tally-codes) survey="$OUT/compare-tally-100k.csv" ;;
		esac
	fi
	case $1 in
	code) set -- "$k" code -q --codebook "$cb" --text text --id id "$answers" ;;
	code-norep) set -- "$k" code -q --no-repair --codebook "$cb" --text text --id id "$answers" ;;
	tally) set -- "$k" tally --id Respondent-ID --wave Måling --role Arbejdsfunktion \
		--text "Barrierer for implementeringen" --codebook "$cb" \
		--format json -o /dev/null "$survey" ;;
	tally-codes) set -- "$k" tally --id Respondent-ID --wave Måling --role Arbejdsfunktion \
		--text "Barrierer for implementeringen" --codebook "$cb" \
		--format json -o /dev/null --codes "$codes" "$survey" ;;
	tally-1m) set -- "$k" tally --id Respondent-ID --wave Måling --role Arbejdsfunktion \
		--text "Barrierer for implementeringen" --codebook "$cb" \
		--format json -o /dev/null "$big" ;;
	esac
	if [ "${COUNT:-cpu}" = instructions ]; then
		KODER_DATADIR=$t valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
			| sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -1
		return
	fi
	KODER_DATADIR=$t /usr/bin/time -f '%U %S %M' "$@" 2>&1 >/dev/null | tail -1 \
		| awk '{ print $1 + $2, $3 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [ "${COUNT:-cpu}" = instructions ]; then
	for j in ${JOBS:-code code-norep tally tally-codes}; do
		o=$(job "$j" "$OLD")
		n=$(job "$j" "$NEW")
		awk -v j="$j" -v o="$o" -v n="$n" 'BEGIN {
			printf "REPORT instructions %-11s old %14.0f  new %14.0f  new/old %.4f\n",
				j, o, n, (o > 0 ? n / o : 0) }'
	done
	exit 0
fi
if printf '%s\n' ${JOBS:-} | grep -qx tally-1m && [ ! -s "$big" ]; then
	echo "tally-1m: run bench/tally.sh once first (it makes $big)" >&2
	exit 2
fi
echo "CPU seconds (user + sys) and peak RSS, median of $ROUNDS alternate runs; old = $OLD, new = $NEW"
for j in ${JOBS:-code code-norep tally tally-codes}; do
	o=() n=() or=() nr=()
	job "$j" "$OLD" >/dev/null   # warm the page cache
	for r in $(seq "$ROUNDS"); do
		read -r c m <<<"$(job "$j" "$OLD")"
		o+=("$c") or+=("$m")
		read -r c m <<<"$(job "$j" "$NEW")"
		n+=("$c") nr+=("$m")
	done
	mo=$(printf '%s\n' "${o[@]}" | median)
	mn=$(printf '%s\n' "${n[@]}" | median)
	ro=$(printf '%s\n' "${or[@]}" | median)
	rn=$(printf '%s\n' "${nr[@]}" | median)
	awk -v j="$j" -v o="$mo" -v n="$mn" -v oa="${o[*]}" -v na="${n[*]}" -v ro="$ro" -v rn="$rn" 'BEGIN {
		printf "REPORT speed %-11s old %6.2f s  new %6.2f s  new/old %.3f   (old: %s; new: %s)\n",
			j, o, n, (o > 0 ? n / o : 0), oa, na
		printf "REPORT memory %-10s old %7.0f KB  new %7.0f KB  new/old %.3f\n",
			j, ro, rn, (ro > 0 ? rn / ro : 0) }'
done
