#!/usr/bin/env bash
# koder discover finds the categories a codebook lacks (issue 16's target),
# measured on every newcomer study (corpora/newstudy-*: a study added there is
# measured too).  discover was developed on aktivering, samarbejde and
# hjemmearbejde; selvbetjening and any later study were written blind to it,
# so their figures are the ones that say whether it generalizes.
# For EVERY category of each study's codebook (the
# corpus's own, the newcomer's first codebook) in turn: write a copy of the
# codebook without it (its patterns go with it), code the study's answers
# with the copy, run discover on the answers coded andet, and look among the
# top five candidates for one whose answers (those its patterns match among
# the andet answers) carry the removed category in the gold for at least
# 60 % and cover at least 50 % of the andet answers that carry it.  The
# target: met for at least two removed categories per study.
# Also: the same seed gives the same output, and the JSON fragment pasted
# into the codebook passes koder check.
# REPORT lines give every figure and whether issue 16's target (two per
# study) is met, and per study how close the best of the top five came on
# average (min(1, precision / 0.6, coverage / 0.5) of the best candidate per
# removed category: 1 is met), which moves before the count does.  Fails
# when fewer removed categories in all meet the per-category target than
# MIN_MET (what the method reached when this check
# was written: a regression guard, not the target), or on the other two.
# DISCOVER_SEED (default 1) is the --seed given: a few hundred answers are
# grouped whole, so the seed should change nothing; the check shows it
# (seeds 1-5 met 6 each, 2026-12-07; k-means before met 4-6).
set -eu
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
python3 - "$KODER" "$ROOT" "$TMP" "${DISCOVER_SEED:-1}" <<'PY'
import csv, glob, io, json, os, subprocess, sys
koder, root, tmp, seed = sys.argv[1:5]
studies = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(f"{root}/corpora/newstudy-*/corpus.json"))
if not studies:
    print("no corpora/newstudy-*/corpus.json"); sys.exit(1)
def sh(*a):
    return subprocess.run(a, check=True, capture_output=True, text=True).stdout
fails, summary = 0, []
for study in studies:
    d = f"{root}/corpora/{study}"
    cj = json.load(open(f"{d}/corpus.json", encoding="utf-8"))
    q = cj["questions"][0]
    cols = cj["columns"]
    gd = {r["id"]: set(r["codes"].split(";")) for r in csv.DictReader(open(f"{d}/{q['gold']}", encoding="utf-8"))}
    rows = list(csv.DictReader(open(f"{d}/{cj['survey']}", encoding="utf-8"), delimiter=";"))
    gold = f"{tmp}/{study}.csv"
    text = {}
    with open(gold, "w", newline="", encoding="utf-8") as fp:
        w = csv.writer(fp); w.writerow(["id", "wave", "role", "text"])
        for r in rows:
            rid = r[cols["id"]]
            text[rid] = r[q["column"]]
            w.writerow([rid, r[cols["wave"]], r[cols["role"]], r[q["column"]]])
    cb = json.load(open(f"{d}/{q['codebook']}", encoding="utf-8"))
    cats = [c["id"] for c in cb["categories"] if c["id"] not in ("andet", "ingen_svar")]
    met, close = 0, 0.0
    for cat in cats:
        cb1 = json.loads(json.dumps(cb))
        cb1["categories"] = [c for c in cb1["categories"] if c["id"] != cat]
        cb1.pop("model", None)   # a learned model knows the removed category
        for c in cb1["categories"]:   # examples of the others may need the removed one
            c.pop("examples", None); c.pop("counterexamples", None)
        book2 = f"{tmp}/{study}-no-{cat}.json"
        json.dump(cb1, open(book2, "w", encoding="utf-8"), ensure_ascii=False)
        src = [gold, "--id", "id", "--text", "text", "--wave", "wave", "--role", "role"]
        coded = list(csv.DictReader(io.StringIO(sh(koder, "code", "--codebook", book2, "-q", *src))))
        andet = [r["id"] for r in coded if r["codes"] == "andet"]
        with open(f"{tmp}/andet.csv", "w", newline="", encoding="utf-8") as fp:
            w = csv.writer(fp); w.writerow(["id", "text"])
            for i in andet: w.writerow([i, text[i]])
        frag = sh(koder, "discover", *src, "--codebook", book2, "--format", "json", "--top", "5", "--seed", seed)
        again = sh(koder, "discover", *src, "--codebook", book2, "--format", "json", "--top", "5", "--seed", seed)
        if frag != again:
            print(f"FAIL {study} -{cat}: the same seed gave different candidates"); fails += 1
        cands = json.loads(frag)["categories"]
        # the fragment pasted into the codebook, before andet
        cb2 = json.loads(json.dumps(cb1))
        cb2["categories"] = [c for c in cb1["categories"] if c["id"] != "andet"] + cands + \
                            [c for c in cb1["categories"] if c["id"] == "andet"]
        book3 = f"{tmp}/{study}-with.json"
        json.dump(cb2, open(book3, "w", encoding="utf-8"), ensure_ascii=False)
        ck = subprocess.run([koder, "check", book3], capture_output=True, text=True)
        if ck.returncode != 0:
            print(f"FAIL {study} -{cat}: koder check refuses the fragment:\n{ck.stderr}"); fails += 1
        # each candidate's answers: the andet answers its patterns match
        withc = list(csv.DictReader(io.StringIO(sh(koder, "code", "--codebook", book3, "--no-model", "--id", "id", "--text", "text", "-q", f"{tmp}/andet.csv"))))
        total = sum(1 for i in andet if cat in gd[i])
        best = None
        for rank, c in enumerate(cands, 1):
            mem = [r["id"] for r in withc if c["id"] in r["codes"].split(";")]
            hit = sum(1 for i in mem if cat in gd[i])
            p = hit / len(mem) if mem else 0.0
            rc = hit / total if total else 0.0
            ok = p >= 0.6 and rc >= 0.5
            key = (ok, min(p / 0.6, rc / 0.5))
            if best is None or key > best[0]:
                best = (key, rank, c["id"], len(mem), p, rc)
        if best is None:
            best = ((False, 0), 0, "-", 0, 0.0, 0.0)
        (ok, near), rank, cid, n, p, rc = best
        met += ok
        close += min(1.0, near)
        print(f"REPORT discover {study} without {cat}: {len(andet)} andet answers, {total} of them {cat}; "
              f"best of top 5: #{rank} {cid} ({n} answers) precision {p:.2f} coverage {rc:.2f}: "
              f"target {'met' if ok else 'not met'}")
    summary.append((study, met, len(cats), close / len(cats) if cats else 0.0))
for study, met, n, close in summary:
    print(f"REPORT discover target (>= 60 % precision, >= 50 % coverage in the top five) met for {met} of {n} removed categories of {study}; closeness {close:.3f}")
print(f"REPORT discover issue 16 target (at least two per study): {'met' if all(s[1] >= 2 for s in summary) else 'not met'}")
MIN_MET = 6
if sum(s[1] for s in summary) < MIN_MET:
    print(f"FAIL fewer than {MIN_MET} removed categories found in all"); fails += 1
sys.exit(1 if fails else 0)
PY
