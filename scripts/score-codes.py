#!/usr/bin/env python3
"""score-codes.py GOLD.csv PRED.csv - precision, recall and F1 per category
of predicted codes (as `koder code` writes them: id,codes,...) against gold
codes (id,codes or id,text,codes, codes joined by `;`).  Answers whose gold
is ingen_svar are scored too, as their own category; macro-F1 is over the
categories that occur in the gold or the predictions.

Exit status 0; prints one line per category and a last line "macro-F1 X".
Rerun e.g.:
  koder code --codebook sof-barrierer --id id --text text -q \
      corpora/heldout/barrierer.csv > /tmp/pred.csv
  python3 scripts/score-codes.py corpora/heldout/barrierer.csv /tmp/pred.csv
"""
import csv
import sys


def load(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["id"]: set(c for c in r["codes"].split(";") if c)
                for r in csv.DictReader(f)}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: score-codes.py GOLD.csv PRED.csv")
    gold, pred = load(sys.argv[1]), load(sys.argv[2])
    missing = [i for i in gold if i not in pred]
    if missing:
        sys.exit("score-codes: %d gold ids have no prediction, e.g. %s" % (len(missing), missing[0]))
    cats = sorted(set().union(*gold.values(), *(pred[i] for i in gold)))
    f1s = []
    exact = sum(1 for i in gold if gold[i] == pred[i])
    print("%-24s %5s %5s %5s  %6s %6s %6s" % ("category", "gold", "tp", "fp", "P", "R", "F1"))
    for c in cats:
        tp = sum(1 for i in gold if c in gold[i] and c in pred[i])
        fp = sum(1 for i in gold if c not in gold[i] and c in pred[i])
        fn = sum(1 for i in gold if c in gold[i] and c not in pred[i])
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        print("%-24s %5d %5d %5d  %6.3f %6.3f %6.3f" % (c, tp + fn, tp, fp, p, r, f))
    print("answers %d, exact code sets %d (%.1f%%)" % (len(gold), exact, 100.0 * exact / len(gold)))
    print("macro-F1 %.3f" % (sum(f1s) / len(f1s)))


if __name__ == "__main__":
    main()
