#!/usr/bin/env bash
# Decisions from and to spreadsheets: a bad file is reported row by row and
# nothing is imported; export -> import is a round trip; a double-coding
# sample is reproducible and stratified; adjudication starts with nothing
# ticked, is recorded as final and koder agree reports it.
set -eu
. "$ROOT/tests/checks/review.lib"
DB=$TMP/p.db
cd "$TMP"

# --- a file with problems: every one reported with its line, nothing stored
printf 'id,codes\nM0003,rettidighed\nM9999,afstand\nM0005,tidd\nM0003,andet\nM0005,foer_inddragelse\n,afstand\nM0007,ingen_svar;afstand\n' > bad.csv
set +e
"$KODER" review --import bad.csv --coder anna --db $DB --question barrierer "$SOF" 2>err
rc=$?
set -e
[ $rc = 4 ] || { echo "bad import: exit $rc, expected 4"; cat err; exit 1; }
for want in "bad.csv:3: id: no answer from respondent 'M9999'" \
	"bad.csv:4: tidd: unknown category 'tidd'" \
	"bad.csv:5: id: respondent 'M0003' is coded again (first on line 2)" \
	"bad.csv:6: foer_inddragelse: unknown category" \
	"bad.csv:7: id: empty id" \
	"bad.csv:8: codes: ingen_svar marks a non-substantive answer" \
	"6 problems; nothing was imported"; do
	grep -qF -- "$want" err || { echo "missing message: $want"; cat err; exit 1; }
done
n=$(sql $DB "select count(*) from decisions")
[ "$n" = 0 ] || { echo "a bad file imported $n decisions"; exit 1; }

# --- the gold file of the corpus: its question is found from the file name
"$KODER" review --import "$SOF/gold-barrierer.csv" --coder gold --db $DB "$SOF" 2>err
grep -q "345 decisions by gold" err || { cat err; exit 1; }

# the engine against the gold coder: the figure that shows weak categories
"$KODER" agree --db $DB --question barrierer | awk '
	/^engine vs gold/ { on = 1; next }
	on && /^$/ { on = 0 }
	on && $1 != "category" { k = $NF; p = $(NF - 1); NF -= 2
		printf "%s%s %s k=%s", n++ ? ", " : "", $0, p, k }
	END { print "" }' | sed 's/^/REPORT review: engine vs gold on barrierer: /'

# --- export -> import changes nothing; one edited row is one decision
"$KODER" review --export ex.csv --coder gold --db $DB --question barrierer 2>err
head -c 3 ex.csv | od -An -tx1 | grep -q "ef bb bf" || { echo "export has no BOM"; exit 1; }
head -1 ex.csv | grep -q '^.*id;question;wave;role;text;suggested;final;final_by;codes;note;decision;Kommune;Arbejdsfunktion' \
	|| { echo "export header:"; head -1 ex.csv; exit 1; }
"$KODER" review --import ex.csv --coder gold --db $DB 2>err
grep -q "0 decisions by gold.*345 unchanged" err || { cat err; exit 1; }
python3 - <<'PY'
import csv
rows = list(csv.reader(open("ex.csv", encoding="utf-8-sig"), delimiter=";"))
h = rows[0]
for r in rows[1:]:
    if r[h.index("id")] == "M0003":
        r[h.index("codes")] = "afstand"
w = csv.writer(open("ex2.csv", "w", encoding="utf-8", newline=""), delimiter=";")
w.writerows(rows)
PY
"$KODER" review --import ex2.csv --coder gold --db $DB 2>err
grep -q "1 decision by gold.*344 unchanged" err || { cat err; exit 1; }
# a stale export: ex.csv was written before M0003 was decided again; it
# must not silently revert that decision (issue 13), only with --force
old=$(sql $DB "select codes from decisions where coder = 'gold' order by decision_id desc limit 1")
st=0; "$KODER" review --import ex.csv --coder gold --db $DB 2>err || st=$?
[ $st = 1 ] || { echo "stale import should exit 1"; cat err; exit 1; }
grep -q "respondent 'M0003'.*after this file was exported.*left as it is" err || { cat err; exit 1; }
grep -q "1 row left as it is" err || { cat err; exit 1; }
[ "$(sql $DB "select codes from decisions where coder = 'gold' order by decision_id desc limit 1")" = "$old" ] \
	|| { echo "a stale row changed a decision"; exit 1; }
"$KODER" review --import ex.csv --coder gold --db $DB --force 2>err || { cat err; exit 1; }
grep -q "1 decision by gold.*1 replacing newer decisions" err || { cat err; exit 1; }
# a file without the decision column (by hand, another tool) replaces as before
python3 - <<'PY'
import csv
rows = list(csv.reader(open("ex2.csv", encoding="utf-8"), delimiter=";"))
d = rows[0].index("decision")
w = csv.writer(open("ex4.csv", "w", encoding="utf-8", newline=""), delimiter=";")
w.writerows([r[:d] + r[d + 1:] for r in rows])
PY
"$KODER" review --import ex4.csv --coder gold --db $DB 2>err || { cat err; exit 1; }
grep -q "1 decision by gold.*344 unchanged" err || { cat err; exit 1; }
echo "REPORT review: a stale export leaves 1 newer decision as it is (exit 1), --force and a file without the stamp replace it"
"$KODER" review --export ex.xlsx --coder gold --db $DB --question barrierer 2>err
python3 - <<'PY'
import zipfile, re
z = zipfile.ZipFile("ex.xlsx")
sheet = z.read("xl/worksheets/sheet1.xml").decode()
rows = len(re.findall(r"<row ", sheet))
assert rows == 346, rows
PY

# --- a new codebook version for a question, given with the store alone
"$KODER" review --db $DB --question barrierer --codebook "$ROOT/codebooks/sof-barrierer.json" \
	--export ex3.csv --coder gold 2>err
grep -q "question barrierer is coded with sof-barrierer version 1 from now on" err || { cat err; exit 1; }

# --- a reproducible sample, stratified by wave and role
cp $DB q.db
"$KODER" review --sample 40 --seed 7 --coder bo --db $DB --question barrierer 2>err
grep -q "40 answers of barrierer assigned to bo" err || { cat err; exit 1; }
"$KODER" review --sample 40 --seed 7 --coder bo --db q.db --question barrierer 2>/dev/null
s1=$(sql $DB "select answer_id from samples order by 1" | md5sum)
s2=$(sql q.db "select answer_id from samples order by 1" | md5sum)
[ "$s1" = "$s2" ] || { echo "same seed, different samples"; exit 1; }
got=$(sql $DB "select a.wave, a.role, count(*) from samples s join answers a using(answer_id) group by 1, 2 order by 1, 2")
# 345 answers in strata of 23, 143, 24, 155: shares 2.67, 16.58, 2.78, 17.97
# of 40; floors 2+16+2+17 = 37, the three largest remainders get one more.
want="Afslutning|Leder|3
Afslutning|Medarbejder|16
Midtvejs|Leder|3
Midtvejs|Medarbejder|18"
[ "$got" = "$want" ] || { echo "strata:"; echo "$got"; exit 1; }

# bo codes his sample in the terminal UI: only the 40 are shown
start b "$KODER" review --db p.db --coder bo --question barrierer
wait_for b "(sample)"
wait_for b "Reviewed 0/40"
for i in 1 2 3; do keys b 8 Enter; wait_for b "Reviewed $i/40"; done
keys b q
wait_for b "EXIT=0"

# --- adjudication: step through the disagreements, decide, tally sees it
start c "$KODER" review --db p.db --coder chef --adjudicate --question barrierer
wait_for c "(adjudicating)"
wait_for c "Coders: "
# nothing is ticked at the start: the adjudicator decides, not the first coder
gone c "[x]"
keys c Enter
wait_for c "Tick at least one category"
gone c "Adjudicated 1/"
keys c 5
wait_for c " 5 [x]  Stor afstand"
keys c Enter
wait_for c "Adjudicated 1/"
keys c q
wait_for c "EXIT=0"
n=$(sql $DB "select count(*) from decisions where action = 'adjudicate' and final = 1 and coder = 'chef'")
[ "$n" = 1 ] || { echo "adjudications stored: $n"; exit 1; }

"$KODER" agree --db p.db --question barrierer >agree.txt
for want in "Krippendorff's alpha across coders" "bo vs gold: 3 answers coded by both" \
	"engine vs gold: 345 answers" "Disagreements between coders:" "-> adjudicated:"; do
	grep -qF -- "$want" agree.txt || { echo "agree lacks: $want"; cat agree.txt; exit 1; }
done
echo ok
