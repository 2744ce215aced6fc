#!/usr/bin/env python3
"""learn-eval.py STUDY_DIR [KODER] - how good are `koder learn`'s proposals on
answers they were not learned from?

The study's coded answers (STUDY_DIR/gold.csv) are split in two halves by a
hash of the id (as scripts/newcomer-loop.sh does).  For each half, its codes
are imported into a fresh project store as a coder's decisions, `koder learn
--db` proposes changes to the first codebook, and each proposal is pasted
into a copy of the codebook on its own; the survey is coded with the
patterns alone and the OTHER half is scored with scripts/score-codes.py.
A proposal helps when it raises that half's macro-F1.  Then all proposals
are pasted at once.

LEARN_ARGS in the environment adds options to `koder learn` (e.g. "--min 1").
Prints one line per proposal and the summary lines
  half1->half2 proposals N helped K hurt H macro-F1 before X after-all Y
  total proposals N helped K hurt H (no change C)
Exit 0, or 1 when a command fails.
"""
import csv, hashlib, json, os, re, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("learn-eval: %s failed (%d): %s" % (cmd[:2], r.returncode, r.stderr.strip()))
    return r.stdout


def macro(koder, cb, survey, gold, tmp):
    pred = os.path.join(tmp, "pred.csv")
    with open(pred, "w") as f:
        f.write(run([koder, "code", "--codebook", cb, "--id", "Respondent-ID", "--text", "Svar",
                     "-q", "--no-model", survey]))
    out = run([sys.executable, os.path.join(here, "score-codes.py"), gold, pred])
    return float(re.search(r"^macro-F1 ([0-9.]+)", out, re.M).group(1))


def proposals(text):
    cat, out = None, []
    for line in text.splitlines():
        m = re.match(r'^(\S+) "', line)
        if m:
            cat = m.group(1)
            continue
        m = re.match(r'^  (include|exclude) "(.*)",', line)
        if m and cat:
            out.append((cat, m.group(1), m.group(2), line.strip()))
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    koder = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "build", "koder")
    cbpath, survey = os.path.join(d, "first-codebook.json"), os.path.join(d, "survey.csv")
    question = json.load(open(os.path.join(d, "corpus.json")))["questions"][0]["id"]
    rows = list(csv.DictReader(open(os.path.join(d, "gold.csv"), encoding="utf-8-sig")))
    tmp = tempfile.mkdtemp()
    halves = []
    for h in (0, 1):
        p = os.path.join(tmp, "half%d.csv" % (h + 1))
        with open(p, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", "codes"])
            for r in rows:
                if hashlib.sha1(r["id"].encode()).digest()[0] & 1 == h:
                    w.writerow([r["id"], r["codes"]])
        halves.append(p)
    tot = [0, 0, 0, 0]
    for a, b in ((0, 1), (1, 0)):
        db = os.path.join(tmp, "p%d.db" % a)
        run([koder, "review", "--import", halves[a], "--coder", "gold", "--db", db,
             "--question", question, d])
        props = proposals(run([koder, "learn", "--db", db, "--codebook", cbpath,
                               "--question", question] + os.environ.get("LEARN_ARGS", "").split()))
        base = macro(koder, cbpath, survey, halves[b], tmp)
        helped = hurt = 0
        allcb = json.load(open(cbpath))
        for cat, kind, pat, line in props:
            cb = json.load(open(cbpath))
            for c in (cb["categories"], allcb["categories"]):
                k = next(x for x in c if x["id"] == cat)
                k.setdefault(kind, []).append(pat)
            p = os.path.join(tmp, "cb.json")
            json.dump(cb, open(p, "w"), ensure_ascii=False)
            f = macro(koder, p, survey, halves[b], tmp)
            helped += f > base
            hurt += f < base
            print("half%d->half%d %s %s: %-40s macro-F1 %.3f -> %.3f" %
                  (a + 1, b + 1, cat, kind, '"%s"' % pat, base, f))
        p = os.path.join(tmp, "cb.json")
        json.dump(allcb, open(p, "w"), ensure_ascii=False)
        after = macro(koder, p, survey, halves[b], tmp)
        print("half%d->half%d proposals %d helped %d hurt %d macro-F1 before %.3f after-all %.3f"
              % (a + 1, b + 1, len(props), helped, hurt, base, after))
        tot[0] += len(props); tot[1] += helped; tot[2] += hurt
    print("total proposals %d helped %d hurt %d (no change %d)"
          % (tot[0], tot[1], tot[2], tot[0] - tot[1] - tot[2]))
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
