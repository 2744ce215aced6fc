#!/usr/bin/env bash
# audit.sh - `koder review --sample N --audit` draws a simple random sample
# of engine-coded answers and records it; `koder tally --audit` estimates
# each category's sensitivity and specificity from the auditor's decisions
# against the engine's suggestions, and corrects the engine-coded counts.
#
# The SOF engine agrees with the gold almost everywhere, so the auditor here
# is made to disagree on purpose: on the audit sample the auditor's codes are
# the gold codes with "tid_sagsantal" added to every third substantive
# answer.  The engine then misses those (lower sensitivity), and the check
# recomputes Se and Sp independently from the files and compares, and checks
# that the corrected share moves up from the engine's and has an interval.
set -u
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
C=$ROOT/corpora/sof
W=$TMP/audit
rm -rf "$W" && mkdir -p "$W"
status=0
fail() { echo "FAIL: $*"; status=1; }

"$KODER" review --db "$W/x.db" "$C" --question barrierer --sample 120 --audit --coder revisor \
	--seed 11 2>"$W/draw.err" || { cat "$W/draw.err"; exit 1; }
grep -q "120 of .* engine-coded answers drawn at random (seed 11, not stratified)" "$W/draw.err" ||
	{ cat "$W/draw.err"; fail "the draw does not say what it drew"; }
# The same seed draws the same sample (into another store).
"$KODER" review --db "$W/y.db" "$C" --question barrierer --sample 120 --audit --coder revisor \
	--seed 11 2>/dev/null
"$KODER" review --db "$W/x.db" --question barrierer --sample-list --coder revisor 2>/dev/null |
	tail -n +2 | cut -f2 | sort >"$W/ids.txt"
"$KODER" review --db "$W/y.db" --question barrierer --sample-list --coder revisor 2>/dev/null |
	tail -n +2 | cut -f2 | sort >"$W/ids2.txt"
[ "$(wc -l <"$W/ids.txt")" -eq 120 ] || fail "the sample does not hold 120 answers"
cmp -s "$W/ids.txt" "$W/ids2.txt" || fail "the same seed drew another sample"
# Not stratified: the sample's waves are whatever chance gives (both appear).
"$KODER" review --db "$W/x.db" --question barrierer --sample-list --coder revisor 2>/dev/null |
	tail -n +2 | cut -f3 | sort -u | wc -l | grep -q 2 || fail "the sample misses a wave"

# tally --audit before any audit decision: a warning, shares as they are
"$KODER" tally "$C" --db "$W/x.db" --question barrierer --audit --format json -o "$W/none.json" \
	2>"$W/none.err" || fail "tally --audit with an undecided audit"
grep -q "has no decision yet" "$W/none.err" || fail "no warning about the undecided audit"

# the auditor's decisions: gold, plus tid_sagsantal on every third substantive answer
python3 - "$C/gold-barrierer.csv" "$W/ids.txt" "$W/audit.csv" <<'EOF'
import csv, sys
ids = set(open(sys.argv[2]).read().split())
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
w = csv.writer(open(sys.argv[3], "w", encoding="utf-8", newline=""))
w.writerow(rows[0])
n = 0
for r in rows[1:]:
    if r[0] not in ids:
        continue
    codes = [c for c in r[1].split(";") if c]
    if codes and codes != ["ingen_svar"]:
        n += 1
        if n % 3 == 0 and "tid_sagsantal" not in codes:
            codes.append("tid_sagsantal")
    w.writerow([r[0], ";".join(codes)])
EOF
"$KODER" review --import "$W/audit.csv" --coder revisor --db "$W/x.db" --question barrierer "$C" \
	>/dev/null 2>&1 || fail "importing the audit decisions"
"$KODER" tally "$C" --db "$W/x.db" --question barrierer --audit --format json -o "$W/a.json" \
	2>"$W/a.err" || { cat "$W/a.err"; fail "tally --audit"; }
grep -q "corrected shares by Rogan-Gladen, intervals by the delta method" "$W/a.err" ||
	fail "tally --audit does not say which method it used"
# the engine's codes on the same answers, independently: tally's engine alone
"$KODER" tally "$C" --question barrierer --format json -o "$W/engine.json"
python3 - "$W/audit.csv" "$W/a.json" "$ROOT" <<'EOF' || fail "Se/Sp or the correction"
import csv, json, subprocess, sys, os
audit = {r[0]: set(c for c in r[1].split(";") if c) for r in list(csv.reader(open(sys.argv[1])))[1:]}
rows = json.load(open(sys.argv[2]))
cell = [r for r in rows if r["category"] == "tid_sagsantal" and "audit" in r]
assert cell, "no audit field on tid_sagsantal"
a = cell[0]["audit"]
# engine suggestions on the audited answers: code each answer's text alone
src = list(csv.reader(open(os.path.join(sys.argv[3], "corpora/sof/survey.csv"), encoding="utf-8-sig"), delimiter=";"))
text = {r[0]: r[4] for r in src[1:]}
ids = [i for i in audit if audit[i] and audit[i] != {"ingen_svar"}]
inp = "\n".join(json.dumps(text[i]) for i in ids)
tp = fn = fp = tn = 0
import tempfile
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["id", "svar"])
    for i in ids:
        w.writerow([i, text[i]])
    name = f.name
out = subprocess.run([os.environ["KODER"], "code", "--id", "id", "--text", "svar", "--codebook",
                      "sof-barrierer", name], capture_output=True, text=True).stdout
os.unlink(name)
eng = {}
for r in list(csv.reader(out.splitlines()))[1:]:
    eng[r[0]] = set(c for c in r[1].split(";") if c)
for i in ids:
    t = "tid_sagsantal" in audit[i]; e = "tid_sagsantal" in eng.get(i, set())
    tp += t and e; fn += t and not e; fp += e and not t; tn += not t and not e
se, sp = tp / (tp + fn), tn / (tn + fp)
print(f"REPORT audit tid_sagsantal: Se {se:.4f} (koder {a['sensitivity']}), Sp {sp:.4f} (koder {a['specificity']}), {tp + fn + fp + tn} audited")
assert abs(se - a["sensitivity"]) < 1e-4 and abs(sp - a["specificity"]) < 1e-4
assert a["method"].startswith("rogan-gladen")
for r in cell:
    c = r["audit"]
    assert c["ci95"][0] <= c["corrected_share"] <= c["ci95"][1], r
    assert c["corrected_share"] >= r["share"] - 1e-9, ("missed mentions must raise the share", r)
print("REPORT audit corrected shares:", ", ".join(f'{r["wave"]}/{r["role"]} {r["share"]:.3f} -> {r["audit"]["corrected_share"]:.3f} [{r["audit"]["ci95"][0]:.3f}, {r["audit"]["ci95"][1]:.3f}] publishable={r["audit"]["publishable"]}' for r in cell))
EOF
"$KODER" tally "$C" --question barrierer --audit >/dev/null 2>&1
[ $? -eq 2 ] || fail "--audit without --db is not a usage error"
"$KODER" review --db "$W/x.db" "$C" --question barrierer --audit --coder revisor >/dev/null 2>&1
[ $? -eq 2 ] || fail "--audit without --sample is not a usage error"
exit $status
