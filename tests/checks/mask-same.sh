#!/usr/bin/env bash
# mask-same.sh - one masking function serves every command: the same cell,
# placed in the id, answer and --by columns of a survey, must come out
# byte-identical from `scan --mask`, `code --mask` (id column), `review
# --export --mask` (id and answer), `tally --by --mask` (the headings),
# `agree --mask` and `diff --mask` (the ids listed).  The cells hold
# personal data in the forms issue 14 lists: Unicode dashes, slashes,
# spaced dates, full-width digits, zero-width spaces, OCR damage, dotted
# phones, e-mail addresses, names.
set -u
: "${KODER:?}" "${TMP:?}" "${ROOT:?}"
W="$ROOT/corpora/waves"
cd "$TMP" || exit 1
python3 - <<'PY'
cells = [
    "cpr 010190\u20131234", "cpr 010190/1234", "cpr 01.01.90-1234", "cpr 01 01 90 1234",
    "cpr 01-01-90-1234", "cpr \uff10\uff11\uff10\uff11\uff19\uff10-\uff11\uff12\uff13\uff14",
    "cpr 0101\u200b90-1234", "cpr 010190-1234x", "cpr O1O19O-1234", "cpr 0l0l90-l234",
    "tlf 20.30.40.50", "mette@jobcenter.dk", "Mette Hansen ringede", "tid og sagsantal",
]
with open("survey.csv", "w", encoding="utf-8") as f:
    f.write("id;Svar;Email\n")
    for c in cells:
        f.write(f"{c};{c};{c}\n")
with open("anna.csv", "w", encoding="utf-8") as f:
    f.write("id;codes\n" + "".join(f"{c};tid\n" for c in cells))
with open("bo.csv", "w", encoding="utf-8") as f:
    f.write("id;codes\n" + "".join(f"{c};andet\n" for c in cells))
open("cells.txt", "w", encoding="utf-8").write("\n".join(cells) + "\n")
PY
S="--text Svar --id id --codebook $W/codebook-v1.json"
fail() { echo "FAIL: $*"; exit 1; }
"$KODER" scan --mask -o scan.csv survey.csv 2>/dev/null; [ $? -eq 1 ] || fail "scan --mask"
"$KODER" code -q --mask $S -o code.csv survey.csv || fail "code --mask"
"$KODER" review --import anna.csv --coder anna --db p.db $S survey.csv 2>/dev/null || fail "import"
"$KODER" review --import bo.csv --coder bo --db p.db 2>/dev/null || fail "import bo"
"$KODER" review --db p.db --export review.csv --coder anna --mask 2>/dev/null || fail "export"
"$KODER" tally $S --by Email --mask survey.csv >tally.txt || fail "tally --mask"
"$KODER" agree --db p.db --mask --list 100 >agree.txt || fail "agree --mask"
"$KODER" diff --mask "$W/codebook-v1.json" "$W/codebook-v2.json" --db p.db >diff.txt || fail "diff --mask"
python3 - <<'PY'
import csv, re, sys
cells = open("cells.txt", encoding="utf-8").read().splitlines()
def rows(path, sep):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=sep))
scan = rows("scan.csv", ";")
want = [r["Svar"] for r in scan]           # what scan --mask makes of each cell
got = {
    "scan id column": [r["id"] for r in scan],
    "scan Email column": [r["Email"] for r in scan],
    "code --mask id": [r["id"] for r in rows("code.csv", ",")],
}
rev = rows("review.csv", ";")
got["review --export id"] = [r["id"] for r in rev]
got["review --export answer"] = [r["text"] for r in rev]
heads = re.findall(r"^== Email: (.*) ==$", open("tally.txt", encoding="utf-8").read(), re.M)
paren = r" \((?:[^()]|\([^()]*\))*\): "   # " (wave, role): "
agree = re.findall(r"^  (.*?)" + paren, open("agree.txt", encoding="utf-8").read(), re.M)
diff = re.findall(r"^  (.*?)" + paren + ".* -> ", open("diff.txt", encoding="utf-8").read(), re.M)
ok = True
for c, w in zip(cells, want):
    leaked = w == c and c != "tid og sagsantal"
    if leaked:
        print(f"scan --mask left {c!r} as it was"); ok = False
for name, vals in got.items():
    if sorted(vals) != sorted(want):
        print(f"{name} differs from scan --mask:"); ok = False
        for a, b in zip(sorted(vals), sorted(want)):
            if a != b: print(f"   {a!r} vs {b!r}")
for name, vals in (("tally --by headings", heads), ("agree ids", agree), ("diff ids", diff)):
    extra = set(vals) - set(want)
    if extra or not vals:
        print(f"{name}: not as scan --mask makes them: {sorted(extra)!r}"); ok = False
print(f"REPORT mask-same: {len(cells)} cells, {len(got) + 3} outputs, "
      f"{'identical' if ok else 'DIFFERENT'}")
sys.exit(0 if ok else 1)
PY
