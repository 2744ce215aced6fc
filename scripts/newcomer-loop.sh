#!/bin/sh
# newcomer-loop.sh STUDY_DIR [KODER] - the loop a newcomer runs on a new
# study (docs/new-study.md), measured the way issue 16 asks:
#
#   1. the first codebook alone: `koder score --gold` over every coded answer;
#   2. the coded answers are split in two halves by id (a hash of the id, so
#      the split is the same on every run and for every survey order);
#   3. `koder train` learns the model from half 1's codes, `koder code
#      --model` codes half 2, scripts/score-codes.py scores half 2; then the
#      other way round.  When `koder train` refuses (exit 1: the model does
#      not beat the patterns on held-out folds) the half is coded by the
#      patterns alone, as a newcomer would.
#
# STUDY_DIR holds corpus.json's files: survey.csv (Respondent-ID, Svar),
# gold.csv (id,codes) and first-codebook.json.  Prints the per-half figures
# and two summary lines:
#   first-codebook macro-F1 X (koder score, blank answers left out: Y)
#   trained macro-F1 half1 X half2 Y average Z
# NEWCOMER_WORK=DIR keeps the work files there (half1.csv, half2.csv,
# half1.model, pred-half1.csv, train-half1.txt, ...) instead of a temporary
# directory.  NEWCOMER_HASH_BYTE=N (0 to 19, default 0) splits by another
# byte of the id's hash: other halves of the same study, to tell a change's
# gain from the luck of one split.
# Exit status 0, or 1 when a step fails (its error is shown).
set -eu
dir=${1:?usage: newcomer-loop.sh STUDY_DIR [KODER]}
here=$(cd "$(dirname "$0")" && pwd)
koder=${2:-${KODER:-$here/../build/koder}}
cb=$dir/first-codebook.json
survey=$dir/survey.csv
gold=$dir/gold.csv
for f in "$cb" "$survey" "$gold"; do
    [ -f "$f" ] || { echo "newcomer-loop: $f not found" >&2; exit 1; }
done
if [ -n "${NEWCOMER_WORK:-}" ]; then   # keep the halves, models and codes here
    tmp=$NEWCOMER_WORK; mkdir -p "$tmp"
else
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fi
cols="--id Respondent-ID --answer Svar"

# 1. The first codebook on the whole set.
"$koder" score --codebook "$cb" --gold "$gold" --survey "$survey" $cols \
    --errors 0 >"$tmp/score.txt"
"$koder" code --codebook "$cb" --id Respondent-ID --text Svar -q --no-model \
    "$survey" >"$tmp/pred0.csv"
first=$(python3 "$here/score-codes.py" "$gold" "$tmp/pred0.csv" | sed -n 's/^macro-F1 //p')

# 2. Two halves by a hash of the id.
python3 - "$gold" "$tmp/half1.csv" "$tmp/half2.csv" "${NEWCOMER_HASH_BYTE:-0}" <<'PY'
import csv, hashlib, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
outs = [open(p, "w", encoding="utf-8", newline="") for p in sys.argv[2:4]]
ws = [csv.writer(o, lineterminator="\n") for o in outs]
for w in ws:
    w.writerow(["id", "codes"])
for r in rows:
    h = hashlib.sha1(r["id"].encode("utf-8")).digest()[int(sys.argv[4])] & 1
    ws[h].writerow([r["id"], r["codes"]])
PY

# 3. Train on one half, code and score the other.
score_half() { # TRAIN_HALF TEST_HALF -> prints macro-F1
    if "$koder" train --codebook "$cb" --gold "$tmp/$1.csv" --survey "$survey" \
           $cols -o "$tmp/$1.model" >"$tmp/train-$1.txt" 2>&1; then
        model="--model $tmp/$1.model"
    else
        st=$?
        if [ "$st" -ne 1 ]; then cat "$tmp/train-$1.txt" >&2; exit 1; fi
        model=--no-model
        echo "($1: koder train refused, the model did not beat the patterns; patterns alone)" >&2
    fi
    "$koder" code --codebook "$cb" --id Respondent-ID --text Svar -q $model \
        "$survey" >"$tmp/pred-$1.csv"
    python3 "$here/score-codes.py" "$tmp/$2.csv" "$tmp/pred-$1.csv" | sed -n 's/^macro-F1 //p'
}
f2=$(score_half half1 half2)   # trained on half 1, scored on half 2
f1=$(score_half half2 half1)   # trained on half 2, scored on half 1
n1=$(($(wc -l <"$tmp/half1.csv") - 1))
n2=$(($(wc -l <"$tmp/half2.csv") - 1))
first_half2=$(python3 "$here/score-codes.py" "$tmp/half2.csv" "$tmp/pred0.csv" | sed -n 's/^macro-F1 //p')
first_half1=$(python3 "$here/score-codes.py" "$tmp/half1.csv" "$tmp/pred0.csv" | sed -n 's/^macro-F1 //p')

echo "study $(basename "$dir"): $(($n1 + $n2)) coded answers, halves $n1 and $n2"
echo "first-codebook macro-F1 $first (koder score, blank answers left out: $(sed -n 's/^  macro-F1 *//p' "$tmp/score.txt"))"
echo "half 1: first codebook $first_half1, trained on half 2 $f1"
echo "half 2: first codebook $first_half2, trained on half 1 $f2"
echo "trained macro-F1 half1 $f1 half2 $f2 average $(python3 -c "print('%.3f' % (($f1 + $f2) / 2))")"

# 4. A second round, when the study has one: second-codebook-halfN.json is
#    the first codebook revised by reading only the errors `koder score`
#    listed on half N; it is trained on half N and scores the other half.
if [ -f "$dir/second-codebook-half1.json" ] && [ -f "$dir/second-codebook-half2.json" ]; then
    second() { # N OTHER -> "patterns X trained Y" on half OTHER
        cb2=$dir/second-codebook-half$1.json
        "$koder" code --codebook "$cb2" --id Respondent-ID --text Svar -q --no-model \
            "$survey" >"$tmp/pred2-$1.csv"
        p=$(python3 "$here/score-codes.py" "$tmp/half$2.csv" "$tmp/pred2-$1.csv" | sed -n 's/^macro-F1 //p')
        if "$koder" train --codebook "$cb2" --gold "$tmp/half$1.csv" --survey "$survey" \
               $cols -o "$tmp/second-half$1.model" >"$tmp/train2-half$1.txt" 2>&1; then
            "$koder" code --codebook "$cb2" --id Respondent-ID --text Svar -q \
                --model "$tmp/second-half$1.model" "$survey" >"$tmp/pred2m-$1.csv"
            t=$(python3 "$here/score-codes.py" "$tmp/half$2.csv" "$tmp/pred2m-$1.csv" | sed -n 's/^macro-F1 //p')
        else
            t=$p
        fi
        echo "$p $t"
    }
    set -- $(second 2 1) $(second 1 2)
    echo "second round, half 1 (codebook revised on half 2): patterns $1, trained on half 2 $2"
    echo "second round, half 2 (codebook revised on half 1): patterns $3, trained on half 1 $4"
    echo "second-round macro-F1 patterns average $(python3 -c "print('%.3f' % (($1 + $3) / 2))") trained average $(python3 -c "print('%.3f' % (($2 + $4) / 2))")"
fi
