#!/usr/bin/env bash
# koder score and koder code on a panel (corpora/panel: the same staff ids
# answer in two or three waves).  The gold file is id,wave,codes; score
# must match each row by wave and id - from the corpus descriptor, and from
# --survey with --wave - and its "gold" column must be the categories the
# gold file gives the answered rows, counted here in Python, not by koder.
# A gold file without a wave column is refused, saying to add one; learn
# reads the gold through the corpus too.  code
# takes the corpus as tally does, and what it writes, read back as gold,
# scores every answer right.  The same on the panel as a wide export (one
# row per staff member, each wave's answer in a column of its own).
set -u
K=$KODER
P=$ROOT/corpora/panel
cd "$TMP" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

# the gold column score should print: per category, the answered rows
# (non-blank answer in the survey, matched by wave and id) that carry it
python3 - "$P/survey.csv" "$P/gold-all.csv" >want.txt <<'PY'
import csv, sys, collections
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";")
answer = {(r["Runde"], r["Medarbejder-ID"]): r["Samarbejde med virksomheder"] for r in rows}
n = collections.Counter()
total = 0
for g in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    if answer[(g["wave"], g["id"])].strip():
        total += 1
        for c in g["codes"].split(";"):
            n[c] += 1
print(total, "coded answers")
for c in sorted(n):
    print(c, n[c])
PY
gold_col() {  # score's report -> "N coded answers" and "category gold" lines
	awk 'NR == 1 { print $1, "coded answers" }
	     /^  [a-z_]+ +[0-9]+ / && $1 != "macro-F1" { print $1, $2 }' "$1" |
		{ read -r first; echo "$first"; sort; }
}

# 1. the corpus alone: its question's codebook and id,wave,codes gold file
$K score "$P" --errors 0 >corpus.txt 2>err || { cat err; fail "score CORPUS"; }
gold_col corpus.txt >got.txt
diff want.txt got.txt || fail "score CORPUS: the gold column is not the gold file's"

# 2. the same with every file and column named
$K score --codebook "$P/codebook.json" --gold "$P/gold-all.csv" --survey "$P/survey.csv" \
	--id Medarbejder-ID --wave Runde --answer "Samarbejde med virksomheder" --errors 0 \
	>flags.txt 2>err || { cat err; fail "score --survey --wave"; }
cmp -s corpus.txt flags.txt || { diff corpus.txt flags.txt; fail "score with flags differs"; }

# 3. a gold file without the wave column: refused, naming the fix
tr -d '\r' <"$P/gold-nulpunkt.csv" | cut -d, -f1,3 >nowave.csv
$K score "$P" --gold nowave.csv >/dev/null 2>err
rc=$?
[ $rc -eq 4 ] || { cat err; fail "gold without a wave column: exit $rc, expected 4"; }
grep -q "answer in more than one wave of .*survey.csv, but the gold codes have no wave column: add a 'wave' column" err ||
	{ cat err; fail "gold without a wave column: message"; }
# ... and a wave column without the survey's: say to give --wave
$K score --codebook "$P/codebook.json" --gold "$P/gold-all.csv" --survey "$P/survey.csv" \
	--id Medarbejder-ID --answer "Samarbejde med virksomheder" >/dev/null 2>err
rc=$?
[ $rc -eq 4 ] && grep -q "the survey has no wave column: give its wave column with --wave COL" err ||
	{ cat err; fail "gold with a wave column, survey without: exit $rc"; }

# learn reads the same gold through the corpus: every row of it, by wave and id
n=$(($(wc -l <"$P/gold-all.csv") - 1))
$K learn --gold "$P/gold-all.csv" --survey "$P" --codebook "$P/codebook.json" >learn.txt 2>err ||
	{ cat err; fail "learn --survey CORPUS"; }
grep -q "from $n reviewed answers" learn.txt || { head -2 learn.txt; fail "learn: not $n answers"; }

# 4. koder code CORPUS: the descriptor's codebook and columns, the same codes
# as with the options named, and its output read back as gold scores all right
$K code -q "$P" -o code.csv || fail "code CORPUS"
$K code -q --codebook "$P/codebook.json" --text "Samarbejde med virksomheder" \
	--id Medarbejder-ID --wave Runde "$P/survey.csv" >flags.csv || fail "code with flags"
head -1 code.csv | grep -qx 'id,wave,role,codes,status,evidence,patterns,matched' ||
	fail "code CORPUS: header $(head -1 code.csv)"
[ "$(wc -l <code.csv)" -eq "$(tr -d '\r' <"$P/survey.csv" | wc -l)" ] ||
	fail "code CORPUS: not one row per survey row"
cmp -s <(cut -d, -f1,2,4 code.csv) <(cut -d, -f1,2,3 flags.csv) ||
	fail "code CORPUS differs from code with the options named"
grep -q '^S001,Nulpunkt,Medarbejder,' code.csv || fail "code CORPUS: role not as the descriptor names it"
python3 -c "
import csv
rows = list(csv.DictReader(open('code.csv')))
w = csv.writer(open('self.csv', 'w', newline=''))
w.writerow(['id', 'wave', 'codes'])
for r in rows: w.writerow([r['id'], r['wave'], r['codes']])"
$K score "$P" --gold self.csv --errors 0 >self.txt 2>err || { cat err; fail "score with code's output"; }
grep -q '^Answers coded differently: 0$' self.txt || { cat self.txt; fail "code's own codes score wrong"; }
grep -q "^$(head -1 want.txt)," self.txt || { head -1 self.txt; fail "code's output: not every answer scored"; }

# 5. a corpus of several questions: code and score ask which
$K code "$ROOT/corpora/sof" >/dev/null 2>err
[ $? -eq 2 ] && grep -q "corpus sof has 2 questions: say which with --question ID (barrierer, undtagelser)" err ||
	{ cat err; fail "code on two questions"; }
$K code -q "$ROOT/corpora/sof" --question undtagelser | head -1 >h.txt || fail "code --question"
grep -q '^id,wave,role,codes,' h.txt || fail "code --question: $(cat h.txt)"

# 6. the panel as a wide export: one row per staff member, a column per wave
python3 - "$P" <<'PY'
import csv, json, sys, os
P = sys.argv[1]
rows = list(csv.DictReader(open(P + "/survey.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
waves = ["Nulpunkt", "Midtvejs", "Afslutning"]
people = {}
for r in rows:
    p = people.setdefault(r["Medarbejder-ID"], {"id": r["Medarbejder-ID"], "Stilling": r["Stilling"]})
    p["Q_" + r["Runde"]] = r["Samarbejde med virksomheder"]
with open("wide.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "Stilling"] + ["Q_" + x for x in waves])
    for p in people.values():
        w.writerow([p["id"], p["Stilling"]] + [p.get("Q_" + x, "") for x in waves])
d = json.load(open(P + "/corpus.json"))
d["survey"] = "wide.csv"
d["columns"] = {"id": "id", "role": "Stilling"}
q = d["questions"][0]
q["column"] = {x: "Q_" + x for x in waves}
q["codebook"] = os.path.join(P, "codebook.json")
q["gold"] = os.path.join(P, "gold-all.csv")
json.dump(d, open("wide.json", "w"), ensure_ascii=False)
PY
$K score wide.json --errors 0 >wide.txt 2>err || { cat err; fail "score on the wide export"; }
cmp -s <(tail -n +2 corpus.txt) <(tail -n +2 wide.txt) ||
	{ diff corpus.txt wide.txt | head; fail "score on the wide export differs from the long"; }
echo "REPORT score-panel: $(head -1 corpus.txt), matched by wave and id; $(grep macro-F1 corpus.txt | tr -s ' ')"
exit 0
