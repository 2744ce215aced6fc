#!/usr/bin/env python3
"""train-model.py [--koder PATH] [CODEBOOK...] - train each shipped codebook's
learned word model (src/lib/model.h) from answers with gold codes, and write it
beside the codebook as codebooks/ID.model.

Why: the patterns code what their writers foresaw; staff also describe a
barrier in words no pattern has.  The model learns from coded answers which
words go with which category; koder uses it only where the patterns left an
answer uncoded, or when it is very sure (see docs/codebook-format.md).

Training data (CORPORA below): the development and training answers under
corpora/ (never corpora/heldout or corpora/test, which measure the result).
The features are computed from the match key that `koder normalize --key`
prints, so they are exactly what `koder code` sees; the feature definition
below must stay identical to model.c's.  One-vs-rest logistic regression,
plain stochastic gradient descent with a fixed seed: the same data gives the
same file.  No third-party modules.

  python3 scripts/train-model.py              # all shipped codebooks
  python3 scripts/train-model.py sof-barrierer
"""
import argparse
import csv
import glob
import json
import math
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# codebook id -> (the answers under corpora/dev and corpora/sof: (csv file,
# id column, text column, gold codes file or None), the prefix of its files
# in corpora/train, all of which are used)
CORPORA = {
    "sof-barrierer": ([
        ("corpora/dev/barrierer.csv", "id", "text", None),
        ("corpora/sof/survey.csv", "Respondent-ID", "Barrierer for implementeringen",
         "corpora/sof/gold-barrierer.csv"),
    ], "barrierer"),
    "sof-undtagelser": ([
        ("corpora/dev/undtagelser.csv", "id", "text", None),
        ("corpora/sof/survey.csv", "Respondent-ID", "Andre undtagelseskriterier",
         "corpora/sof/gold-undtagelser.csv"),
    ], "undtagelser"),
    "sygdom-aarsager": ([
        ("corpora/dev/sygdom.csv", "id", "text", None),
        ("corpora/heldout/sygdom.csv", "id", "text", None),  # development answers
    ], "sygdom"),
}


def training_files(cbid):
    """Every (csv, id column, text column, gold) the model of cbid learns from."""
    fixed, prefix = CORPORA[cbid]
    train = sorted(glob.glob(os.path.join(ROOT, "corpora", "train", prefix + "-*.csv")))
    return fixed + [(os.path.relpath(f, ROOT), "id", "text", None) for f in train]


# residual, add, no-answer, andet override, weak: see model.h
THRESHOLDS = (0.45, 0.95, 0.6, 0.6, 0.3)
EPOCHS = 30
RATE = 0.5
L2 = 1e-4
PRUNE = 0.1           # features whose every weight is smaller are left out
MAX_WORD = 40         # model.h MODEL_MAX_WORD
WORD = re.compile(rb"[a-z0-9\x80-\xff]+")


def features(key):
    """The features of a match key (bytes), as model.c computes them."""
    out = set()
    prev = None
    for m in WORD.finditer(key):
        w = m.group(0)
        if len(w) > MAX_WORD:
            continue
        out.add(b"w:" + w)
        if len(w) > 5:
            out.add(b"p:" + w[:5])
        if len(w) > 8:
            out.add(b"s:" + w[-6:])
        if prev is not None:
            out.add(b"b:" + prev + b"_" + w)
        prev = w
    return out


def read_answers(path, idcol, textcol, goldpath):
    full = os.path.join(ROOT, path)
    with open(full, encoding="utf-8-sig", newline="") as fh:
        sample = fh.readline()
        fh.seek(0)
        sep = ";" if sample.count(";") > sample.count(",") else ","
        rows = list(csv.DictReader(fh, delimiter=sep))
    gold = None
    if goldpath:
        with open(os.path.join(ROOT, goldpath), encoding="utf-8-sig", newline="") as fh:
            gold = {r["id"]: r["codes"] for r in csv.DictReader(fh)}
    out = []
    for r in rows:
        codes = gold.get(r[idcol]) if gold is not None else r.get("codes")
        if codes is None:
            continue
        text = " ".join(r[textcol].split("\n")).replace("\r", " ")
        out.append((text, set(c for c in codes.split(";") if c)))
    return out


def match_keys(koder, texts):
    res = subprocess.run([koder, "normalize", "--key"], input="\n".join(texts).encode() + b"\n",
                         stdout=subprocess.PIPE, check=True)
    keys = res.stdout.split(b"\n")
    if len(keys) < len(texts):
        sys.exit("train-model: koder normalize --key gave %d lines for %d answers"
                 % (len(keys), len(texts)))
    return keys[:len(texts)]


def train(data, cols):
    w = {c: {} for c in cols}
    b = {c: 0.0 for c in cols}
    rnd = random.Random(20261204)
    order = list(range(len(data)))
    for ep in range(EPOCHS):
        rnd.shuffle(order)
        rate = RATE / (1 + 0.3 * ep)
        for i in order:
            f, codes = data[i]
            for c in cols:
                wc = w[c]
                z = b[c] + sum(wc.get(x, 0.0) for x in f)
                p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
                g = (1.0 if c in codes else 0.0) - p
                for x in f:
                    v = wc.get(x, 0.0)
                    wc[x] = v + rate * (g - L2 * v)
                b[c] += rate * g
    return w, b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--koder", default=os.path.join(ROOT, "build", "koder"))
    ap.add_argument("codebooks", nargs="*")
    a = ap.parse_args()
    for cbid in a.codebooks or sorted(CORPORA):
        with open(os.path.join(ROOT, "codebooks", cbid + ".json"), encoding="utf-8") as fh:
            cb = json.load(fh)
        ids = [c["id"] for c in cb["categories"]]
        cols = [c for c in ids if c not in ("andet", "ingen_svar")] + ["ingen_svar"]
        if "andet" in ids:
            cols.append("andet")
        answers = []
        for src in training_files(cbid):
            if not os.path.exists(os.path.join(ROOT, src[0])):
                sys.exit("train-model: %s is missing" % src[0])
            answers += read_answers(*src)
        keys = match_keys(a.koder, [t for t, _ in answers])
        data = [(features(k), codes) for k, (_, codes) in zip(keys, answers)]
        w, b = train(data, cols)
        feats = sorted(set().union(*(w[c].keys() for c in cols)))
        lines = [b"koder-model\t1", b"codebook\t" + cbid.encode(),
                 b"categories\t" + "\t".join(cols).encode(),
                 b"thresholds\t" + "\t".join("%g" % t for t in THRESHOLDS).encode(),
                 b"bias\t" + "\t".join("%.4f" % b[c] for c in cols).encode()]
        kept = 0
        for f in feats:
            ws = [w[c].get(f, 0.0) for c in cols]
            if max(abs(x) for x in ws) < PRUNE:
                continue
            lines.append(f + b"\t" + "\t".join("%.4f" % x for x in ws).encode())
            kept += 1
        out = os.path.join(ROOT, "codebooks", cbid + ".model")
        tmp = out + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(b"\n".join(lines) + b"\n")
        os.replace(tmp, out)
        print("%s: %d answers, %d features kept of %d -> %s"
              % (cbid, len(data), kept, len(feats), os.path.relpath(out, ROOT)))


if __name__ == "__main__":
    main()
