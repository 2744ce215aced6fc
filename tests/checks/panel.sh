#!/usr/bin/env bash
# The panel study (corpora/panel): the same staff ids answer in two or three
# waves, some blank in one wave and answered in another.  Every command must
# count each wave from that wave's own decisions (issue 13): tally --codes,
# tally --db, migrate's before/after, review --export and agree all agree
# with the gold counts made by corpora/panel/make-panel.py (not by koder),
# also when only one wave has decisions; diff --db and diff CORPUS agree.
# The same checks run on the study as a wide export (one row per staff
# member, each wave's answer and work function in columns of their own, as
# a panel often comes from SPSS): as CSV, and as a .sav written by PSPP
# with the work functions as value labels; and the wide export is written
# back wide, each wave's 0/1 columns adding up to the gold.  And as a
# survey exported once per wave, a file each (Nulpunkt a .sav by PSPP, the
# others CSV with their columns in another order, another separator and
# encoding, an extra column, the question under another name): read as one
# survey, and exported as one file with a wave column.
set -u
K=$KODER
cd "$TMP" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
check() { # P NAME: the checks on corpus P, in directory NAME
P=$1
mkdir -p "$TMP/$2" && cd "$TMP/$2" || exit 1
# wave;role;category;x;y from a tally CSV
cells() { awk -F';' 'NR > 1 { print $3 ";" $4 ";" $5 ";" $8 ";" $9 }' | sort; }
tail -n +2 $P/gold-counts.csv | sort >gold.txt
ncells=$(wc -l <gold.txt)

# 1. tally --codes with the complete gold file (blank answers marked ingen_svar)
$K tally --codes $P/gold-all.csv --format csv $P >codes.csv 2>err || { cat err; fail "tally --codes"; }
cells <codes.csv >got.txt
diff gold.txt got.txt || fail "tally --codes differs from the gold counts"

# 2. the same file imported: stored whole (exit 0), tally --db gives the same
$K review --import $P/gold-all.csv --coder gold --db p.db $P 2>err || { cat err; fail "import"; }
grep -q "208 decisions by gold.*11 for answers left blank" err || { cat err; fail "import report"; }
$K tally --db p.db --format csv $P >db.csv 2>err || { cat err; fail "tally --db"; }
cmp -s db.csv codes.csv || { diff db.csv codes.csv | head; fail "tally --db differs from tally --codes"; }

# 3. migrate's before and after columns are those counts
$K migrate --dry-run --db p.db --to $P/codebook.json >mig.txt 2>err || { cat err; fail "migrate"; }
awk '$4 ~ /^[0-9]+\/[0-9]+$/ { split($4, b, "/"); split($5, a, "/");
	print $2 ";" $3 ";" $1 ";" b[1] ";" b[2]; print $2 ";" $3 ";" $1 ";" a[1] ";" a[2] > "after.txt" }' \
	mig.txt | sort >before.txt
sort -o after.txt after.txt
diff gold.txt before.txt || fail "migrate's before column differs from the gold"
diff gold.txt after.txt || fail "migrate's after column differs from the gold"

# 4. review --export: every row's final codes are the gold of (id, wave)
$K review --export ex.csv --coder gold --db p.db 2>err || { cat err; fail "export"; }
python3 - "$P/gold-all.csv" ex.csv <<'PY' || fail "export differs from the gold"
import csv, sys
key = lambda c: sorted(c.split(";")) if c else []
gold = {(r["id"], r["wave"]): key(r["codes"]) for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8-sig"), delimiter=";"))
bad = [r["id"] + "/" + r["wave"] for r in rows if gold.get((r["id"], r["wave"])) != key(r["final"])]
assert len(rows) == 208 and not bad, (len(rows), bad[:5])
PY

# 5. agree: a second coder codes one wave; pairs are (id, wave), 71 of them
awk -F, 'NR == 1 || $2 == "Afslutning"' $P/gold-all.csv | grep -v ',ingen_svar$' >bo.csv
$K review --import bo.csv --coder bo --db p.db 2>err || { cat err; fail "import bo"; }
$K agree --db p.db >agree.txt 2>err || { cat err; fail "agree"; }
want=$(($(wc -l <bo.csv) - 1))
grep -q "^bo vs gold: $want answers coded by both" agree.txt || { cat agree.txt; fail "agree pairs"; }
grep -q "code set *1.000" agree.txt || fail "agree: the same codes do not agree"

# 6. decisions for one wave only: that wave equals the gold, no other wave
#    borrows them (the ids repeat), and the other waves are the engine's
$K review --import $P/gold-nulpunkt.csv --coder gold --db one.db $P 2>err || { cat err; fail "import one wave"; }
$K tally --db one.db --format csv $P >one.csv 2>err || { cat err; fail "tally --db one wave"; }
cells <one.csv | grep '^Nulpunkt;' >got.txt
grep '^Nulpunkt;' gold.txt | diff - got.txt || fail "Nulpunkt from its own decisions differs from the gold"
awk -F';' '{ sub(/\r$/, "") } NR > 1 && $3 != "Nulpunkt" && $12 != 0 { bad = 1 } END { exit bad }' one.csv \
	|| fail "a wave without decisions counts reviewed answers"
$K tally --format csv $P >engine.csv 2>/dev/null
diff <(cells <engine.csv | grep -v '^Nulpunkt;') <(cells <one.csv | grep -v '^Nulpunkt;') \
	|| fail "waves without decisions differ from the engine's counts"

# 7. diff --db reads the same answers as diff CORPUS
$K diff --db p.db $P/codebook.json $P/codebook.json >d1.txt 2>/dev/null
$K diff $P/codebook.json $P/codebook.json $P >d2.txt 2>/dev/null
diff <(sed -n '/^Anført/,$p' d1.txt | sort) <(sed -n '/^Anført/,$p' d2.txt | sort) \
	|| fail "diff --db and diff CORPUS disagree"
# 8. a survey in a file per wave is exported as one file, a row per file
#    row with the wave column koder adds, its 0/1 columns summing to the gold
if [ "$2" = per-wave ]; then
	$K export --db p.db -o all.csv "$P" 2>err || { cat err; fail "export of the per-wave files"; }
	python3 - all.csv gold.txt "$ROOT/corpora/panel/survey.csv" <<'PY' || fail "the per-wave export differs from the gold"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
src = list(csv.DictReader(open(sys.argv[3], encoding="utf-8-sig", newline=""), delimiter=";"))
assert len(rows) == len(src), (len(rows), len(src))
assert list(rows[0])[0] == "wave" and "Bemærkning" in rows[0], list(rows[0])[:8]
want = {}
for line in open(sys.argv[2]):
    wave, role, cat, x, y = line.strip().split(";")
    x0, y0 = want.get((wave, cat), (0, 0))
    want[(wave, cat)] = (x0 + int(x), y0 + int(y))
bad = []
for (wave, cat), (x, y) in want.items():
    col = [r[f"samarbejde_{cat}"].strip() for r in rows if r["wave"] == wave]
    got = (sum(v == "1" for v in col), sum(v != "" for v in col))
    if got != (x, y):
        bad.append((wave, cat, (x, y), got))
assert not bad, bad[:5]
PY
fi
# 9. a wide export is written back wide: one row per staff member, each
#    wave's 0/1 columns summing to that wave's X (and counting its Y)
if [ "$2" = wide-csv ] || [ "$2" = wide-sav ]; then
	ext=csv
	[ "$2" = wide-sav ] && ext=sav
	$K export --db p.db -o "wide.$ext" "$P" 2>err || { cat err; fail "export of the wide panel"; }
	if [ "$ext" = sav ]; then
		pspp-convert wide.sav wide.csv 2>err || { cat err; fail "pspp-convert"; }
	fi
	python3 - wide.csv gold.txt "$ext" <<'PY' || fail "the wide export's columns differ from the gold"
import csv, sys
ext = sys.argv[3]
f = open(sys.argv[1], encoding="utf-8-sig", newline="")
rows = list(csv.DictReader(f, delimiter=";" if ext == "csv" else ","))
want = {}
for line in open(sys.argv[2]):
    wave, role, cat, x, y = line.strip().split(";")
    x0, y0 = want.get((wave, cat), (0, 0))
    want[(wave, cat)] = (x0 + int(x), y0 + int(y))
assert len(rows) == 86, len(rows)
bad = []
for (wave, cat), (x, y) in want.items():
    col = [r[f"samarbejde_{wave}_{cat}"].strip() for r in rows]
    got = (sum(v in ("1", "1.00", "1.0") for v in col), sum(v not in ("", ".") for v in col))
    if got != (x, y):
        bad.append((wave, cat, (x, y), got))
assert not bad, bad[:5]
PY
fi
engine=$(cells <engine.csv | diff - gold.txt | grep -c '^>')
echo "REPORT panel ($2): $ncells X/Y cells: tally --codes, tally --db, migrate before/after, export and agree ($want pairs) equal the gold; the engine alone differs from it in $engine cells"
}

# The wide exports, made from the long one (not by koder).
mkdir -p wide
python3 - "$ROOT/corpora/panel" wide <<'PY' || fail "making the wide export"
import csv, json, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(f"{src}/survey.csv", encoding="utf-8-sig"), delimiter=";"))
waves = ["Nulpunkt", "Midtvejs", "Afslutning"]
by = {}
for r in rows:
    d = by.setdefault(r["Medarbejder-ID"], {"Medarbejder-ID": r["Medarbejder-ID"], "Kommune": r["Kommune"]})
    i = waves.index(r["Runde"]) + 1
    d[f"Stilling_{i}"] = r["Stilling"]
    d[f"Q5_{i}"] = r["Samarbejde med virksomheder"]
cols = ["Medarbejder-ID", "Kommune"] + [f"Stilling_{i}" for i in (1, 2, 3)] + [f"Q5_{i}" for i in (1, 2, 3)]
with open(f"{dst}/survey.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, cols, delimiter=";")
    w.writeheader()
    for d in by.values():
        w.writerow({c: d.get(c, "") for c in cols})
with open(f"{dst}/survey.tsv", "w", encoding="utf-8") as f:   # for PSPP
    for d in by.values():
        f.write("\t".join(d.get(c, "") or " " for c in cols) + "\n")
for n in ("gold-all.csv", "gold-counts.csv", "gold-nulpunkt.csv", "codebook.json"):
    shutil.copy(f"{src}/{n}", dst)
cj = json.load(open(f"{src}/corpus.json", encoding="utf-8"))
cj["columns"] = {"id": "Medarbejder-ID", "by": ["Kommune"],
                 "role": {w: f"Stilling_{i}" for i, w in enumerate(waves, 1)}}
cj["questions"][0]["column"] = {w: f"Q5_{i}" for i, w in enumerate(waves, 1)}
json.dump(cj, open(f"{dst}/corpus.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
check "$ROOT/corpora/panel" long
check "$TMP/wide" wide-csv
if command -v pspp >/dev/null; then
	cp -r "$TMP/wide" "$TMP/wsav"
	cat >"$TMP/wsav/w.sps" <<EOF
GET DATA /TYPE=TXT /FILE='$TMP/wsav/survey.tsv' /ENCODING='UTF-8'
  /ARRANGEMENT=DELIMITED /FIRSTCASE=1 /DELIMITERS='\t'
  /VARIABLES=id A8 Kommune A20 s1 A40 s2 A40 s3 A40 Q5_1 A600 Q5_2 A600 Q5_3 A600.
AUTORECODE VARIABLES=s1 s2 s3 /INTO Stilling_1 Stilling_2 Stilling_3 /GROUP.
* a wave missed: no work function (blank sorts first, code 1).
RECODE Stilling_1 Stilling_2 Stilling_3 (1=SYSMIS).
VARIABLE LABELS id 'Medarbejder-ID'.
DELETE VARIABLES s1 s2 s3.
SAVE OUTFILE='$TMP/wsav/survey.sav'.
EOF
	pspp "$TMP/wsav/w.sps" >"$TMP/wsav/pspp.log" 2>&1 || { cat "$TMP/wsav/pspp.log"; fail "pspp"; }
	sed -i 's/"survey.csv"/"survey.sav"/' "$TMP/wsav/corpus.json"
	check "$TMP/wsav" wide-sav
elif [ -n "${CI:-}" ]; then
	fail "pspp is missing (make deps installs it)"
else
	echo "REPORT panel (wide-sav): not run, no pspp"
fi

# A file per wave, made from the long export (not by koder).
mkdir -p "$TMP/perwave"
python3 - "$ROOT/corpora/panel" "$TMP/perwave" <<'PY' || fail "making the per-wave files"
import csv, json, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(f"{src}/survey.csv", encoding="utf-8-sig"), delimiter=";"))
q = "Samarbejde med virksomheder"
def rows_of(wave):
    return [r for r in rows if r["Runde"] == wave]
# Nulpunkt: for PSPP (tab-separated, no header), and as CSV
with open(f"{dst}/nulpunkt.tsv", "w", encoding="utf-8") as f:
    for r in rows_of("Nulpunkt"):
        f.write("\t".join(r[c] or " " for c in ("Medarbejder-ID", "Kommune", "Stilling", q)) + "\n")
with open(f"{dst}/nulpunkt.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["Medarbejder-ID", "Kommune", "Stilling", q])
    for r in rows_of("Nulpunkt"):
        w.writerow([r["Medarbejder-ID"], r["Kommune"], r["Stilling"], r[q]])
# Midtvejs: columns in another order and an extra one
with open(f"{dst}/midtvejs.csv", "w", newline="", encoding="utf-8-sig") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["Stilling", q, "Bemærkning", "Medarbejder-ID", "Kommune"])
    for r in rows_of("Midtvejs"):
        w.writerow([r["Stilling"], r[q], "ok", r["Medarbejder-ID"], r["Kommune"]])
# Afslutning: Windows-1252, commas, the question under another name
with open(f"{dst}/afslutning.csv", "w", newline="", encoding="cp1252") as f:
    w = csv.writer(f, delimiter=",", lineterminator="\r\n")
    w.writerow(["Medarbejder-ID", "Stilling", "Kommune", "Q5 Samarbejde (afslutning)"])
    for r in rows_of("Afslutning"):
        w.writerow([r["Medarbejder-ID"], r["Stilling"], r["Kommune"], r[q]])
for n in ("gold-all.csv", "gold-counts.csv", "gold-nulpunkt.csv", "codebook.json"):
    shutil.copy(f"{src}/{n}", dst)
cj = json.load(open(f"{src}/corpus.json", encoding="utf-8"))
cj["survey"] = {"Afslutning": "afslutning.csv", "Nulpunkt": "nulpunkt.csv", "Midtvejs": "midtvejs.csv"}
del cj["columns"]["wave"]
cj["questions"][0]["column"] = {"Nulpunkt": q, "Midtvejs": q, "Afslutning": "Q5 Samarbejde (afslutning)"}
json.dump(cj, open(f"{dst}/corpus.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
if command -v pspp >/dev/null; then
	cat >"$TMP/perwave/n.sps" <<EOF
GET DATA /TYPE=TXT /FILE='$TMP/perwave/nulpunkt.tsv' /ENCODING='UTF-8'
  /ARRANGEMENT=DELIMITED /FIRSTCASE=1 /DELIMITERS='\t'
  /VARIABLES=id A8 Kommune A20 s A40 q A600.
AUTORECODE VARIABLES=s /INTO Stilling.
VARIABLE LABELS id 'Medarbejder-ID' q 'Samarbejde med virksomheder'.
DELETE VARIABLES s.
SAVE OUTFILE='$TMP/perwave/nulpunkt.sav'.
EOF
	pspp "$TMP/perwave/n.sps" >"$TMP/perwave/pspp.log" 2>&1 || { cat "$TMP/perwave/pspp.log"; fail "pspp"; }
	sed -i 's/"nulpunkt.csv"/"nulpunkt.sav"/' "$TMP/perwave/corpus.json"
fi
check "$TMP/perwave" per-wave
