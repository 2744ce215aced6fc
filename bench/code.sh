#!/usr/bin/env bash
# code.sh - speed and memory of `koder code`, normalization included, and how
# the cost per answer grows with the codebook: 10, 50 and 200 categories (the
# shipped codebooks' categories plus generated ones of the same shape).  The
# same job written as a plain Python script with `re` (bench/code_baseline.py:
# same patterns, same match key and negation check, no word repair) runs in
# the same script on the same answers; the ratio is reported.  Answers are
# about 25 words, made with a fixed seed from the development answers and
# the shipped word list, and kept in bench/out/.  CPU time (user + sys) is
# what one core spends, so the figures hold when other jobs share the machine.
set -eu
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
N=${CODE_BENCH_ANSWERS:-200000}
NPY=${CODE_BENCH_PY_ANSWERS:-5000}
answers="$OUT/code-answers-$N.csv"
pyanswers="$OUT/code-answers-py-$NPY.csv"

python3 - "$ROOT" "$OUT" "$N" "$NPY" <<'EOF'
import csv, json, os, random, sys
root, out, n, npy = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(20261124)
texts = []
for f in ("barrierer", "undtagelser", "sygdom"):
    with open(os.path.join(root, "corpora/dev", f + ".csv"), encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh) if len(r["text"]) > 3]
words = []
with open(os.path.join(root, "data/da-freq.tsv"), encoding="utf-8") as fh:
    for line in fh:
        w = line.split("\t")[0]
        if w.isalpha() and len(w) > 3:
            words.append(w)
        if len(words) >= 20000:
            break
common, rare = words[:300], words[2000:20000]

def answer():
    parts = [rnd.choice(texts)]
    while sum(len(p.split()) for p in parts) < 22:
        parts.append(" ".join(rnd.choice(common) for _ in range(rnd.randint(3, 7))))
        if rnd.random() < 0.3:
            parts.append(rnd.choice(texts))
    rnd.shuffle(parts)
    return ". ".join(parts)

for count, name in ((n, "code-answers-%d.csv" % n), (npy, "code-answers-py-%d.csv" % npy)):
    path = os.path.join(out, name)
    if os.path.exists(path):
        continue
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "text"])
        for i in range(count):
            w.writerow(["A%07d" % i, answer()])

# Codebooks of 10, 50 and 200 categories: the shipped categories first (ids
# prefixed so they stay unique), then generated ones with patterns of the
# shapes analysts write, over rarer words, so they match now and then.
real = []
for f in ("sof-barrierer", "sof-undtagelser", "sygdom-aarsager"):
    cb = json.load(open(os.path.join(root, "codebooks", f + ".json"), encoding="utf-8"))
    for c in cb["categories"]:
        if c["id"] in ("andet", "ingen_svar"):
            continue
        c = {k: v for k, v in c.items() if k in ("id", "label", "include", "exclude", "negation")}
        c["id"] = {"sof-barrierer": "b", "sof-undtagelser": "u", "sygdom-aarsager": "s"}[f] + "_" + c["id"]
        real.append(c)

# (their own random stream, so the books do not depend on whether the
# answers above were made in this run)
def generated(i):
    w = lambda: rnd2.choice(rare)
    shapes = [lambda: w() + "*", lambda: w() + " " + w(), lambda: "(%s|%s) %s*" % (w(), w(), w()),
              lambda: "%s NEAR/3 %s" % (w(), w()), lambda: "*" + w(), lambda: w()]
    return {"id": "gen_%03d" % i, "label": "Genereret %d" % i,
            "include": [rnd2.choice(shapes)() for _ in range(12)], "exclude": [w() + " " + w()]}

rnd2 = random.Random(7)
for size in (10, 50, 200):
    cats = real[:size] + [generated(i) for i in range(max(0, size - len(real)))]
    cats.append({"id": "andet", "label": "Andet"})
    book = {"id": "bench-%d" % size, "version": 1, "categories": cats}
    json.dump(book, open(os.path.join(out, "code-cb-%d.json" % size), "w", encoding="utf-8"),
              ensure_ascii=False)
EOF

# run ARGS... -> "cpu_seconds max_rss_kb"
run() {
	/usr/bin/time -f '%U %S %M' "$@" 2>&1 >/dev/null | tail -1 | awk '{ print $1 + $2, $3 }'
}

"$KODER" code -q --codebook "$OUT/code-cb-50.json" --text text --id id "$pyanswers" >/dev/null  # warm up
echo "koder code, $N answers of ~25 words, one core, normalization (word repair) included:"
declare -A cost
for size in 10 50 200; do
	read -r t rss <<<"$(run "$KODER" code -q --codebook "$OUT/code-cb-$size.json" --text text --id id "$answers")"
	read -r tn _ <<<"$(run "$KODER" code -q --no-repair --codebook "$OUT/code-cb-$size.json" --text text --id id "$answers")"
	cost[$size]=$tn
	awk -v n="$N" -v t="$t" -v tn="$tn" -v s="$size" -v r="$rss" 'BEGIN {
		if (t < 0.01) t = 0.01; if (tn < 0.01) tn = 0.01
		printf "  %3d categories: %8.0f answers/s (%.2f us/answer); without word repair %8.0f answers/s (%.2f us); peak RSS %d KB\n",
			s, n / t, 1e6 * t / n, n / tn, 1e6 * tn / n, r }'
done
awk -v a="${cost[10]}" -v b="${cost[50]}" -v c="${cost[200]}" 'BEGIN {
	if (a < 0.01) a = 0.01
	printf "growth (without repair): 50 categories cost %.2fx and 200 cost %.2fx the time of 10 (linear would be 5x and 20x)\n", b / a, c / a }'
# Start-up (lexicon, hunspell, compiling the codebook) is paid once per run:
# the time for a one-answer survey, and the rate on the rest once it is paid.
one="$OUT/code-answers-1.csv"
head -2 "$answers" >"$one"
read -r t1 _ <<<"$(run "$KODER" code -q --codebook "$OUT/code-cb-50.json" --text text --id id "$one")"
read -r t50 _ <<<"$(run "$KODER" code -q --codebook "$OUT/code-cb-50.json" --text text --id id "$answers")"
awk -v n="$N" -v t1="$t1" -v t="$t50" 'BEGIN {
	if (t - t1 < 0.01) t = t1 + 0.01
	printf "50 categories: start-up %.2f s once per run; after it %.0f answers/s (%.2f us/answer); %.0f answers/s over the whole run\n",
		t1, n / (t - t1), 1e6 * (t - t1) / n, n / t }'
# The shipped codebooks' learned models (docs/codebook-format.md) score
# every answer: their cost, on the same answers.
for cb in sof-barrierer sof-undtagelser; do
	read -r tm _ <<<"$(run "$KODER" code -q --codebook "$cb" --text text --id id "$answers")"
	read -r tn _ <<<"$(run "$KODER" code -q --no-model --codebook "$cb" --text text --id id "$answers")"
	awk -v n="$N" -v tm="$tm" -v tn="$tn" -v cb="$cb" 'BEGIN {
		if (tm < 0.01) tm = 0.01; if (tn < 0.01) tn = 0.01
		printf "shipped %s: %.0f answers/s with its learned model, %.0f with the patterns alone (the model costs %.2f us/answer)\n",
			cb, n / tm, n / tn, 1e6 * (tm - tn) / n }'
done
read -r tpy _ <<<"$(run python3 "$ROOT/bench/code_baseline.py" "$OUT/code-cb-50.json" "$pyanswers")"
read -r tk _ <<<"$(run "$KODER" code -q --codebook "$OUT/code-cb-50.json" --text text --id id "$pyanswers")"
awk -v n="$NPY" -v tp="$tpy" -v tk="$tk" 'BEGIN {
	if (tk < 0.01) tk = 0.01
	printf "Python re baseline, 50 categories, %d answers: %.0f answers/s; koder %.0f answers/s: %.1fx faster (target >= 20x)\n",
		n, n / tp, n / tk, tp / tk }'
