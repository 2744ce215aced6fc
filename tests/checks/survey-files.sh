#!/usr/bin/env bash
# survey-files.sh - surveys as they arrive (.sav, .zsav, .xlsx, .dta) count
# exactly like their CSV, and `koder export` writes data sets that
# independent readers (PSPP for .sav, Python's csv module for CSV, the raw
# sheet XML for .xlsx) sum to every published X and Y.
#
# The shipped SOF survey is turned into an SPSS file by PSPP itself (not by
# koder): variable names differ from the CSV headers (the headers become
# variable labels, so the descriptor finds columns by label), the wave and
# the work function become numeric codes with value labels (AUTORECODE:
# 1 = Afslutning, 2 = Midtvejs, 3 = Nulpunkt), and string values are padded
# with blanks as SPSS stores them.
set -u
command -v pspp >/dev/null || { echo "no pspp (apt-get install pspp)"; exit 77; }
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
C=$ROOT/corpora/sof
REF=$ROOT/tests/fixtures/published-counts.json
W=$TMP/survey-files
rm -rf "$W" && mkdir -p "$W"
status=0
fail() { echo "FAIL: $*"; status=1; }

# --- the .sav, written by PSPP -------------------------------------------
# PSPP's text reader cannot take line breaks inside quoted fields, so the
# answers travel as one line each with a marker PSPP turns back into "\n".
python3 - "$C/survey.csv" "$W/sof.tsv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig"), delimiter=";"))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in rows[1:]:
        f.write("\t".join(x.replace("\r\n", "\n").replace("\n", "@@NL@@") for x in r) + "\n")
EOF
"$ROOT/scripts/sof-sav.sh" "$W/sof.tsv" "$W/sof.sav" 3000 "$W/sof.zsav" || exit 1

# A corpus per survey file: the shipped descriptor with another survey.
corpus() {  # corpus DIR SURVEY [PYTHON-EDIT]
	mkdir -p "$1"
	cp "$C"/gold-*.csv "$1/"
	python3 - "$C/corpus.json" "$1/corpus.json" "$2" "${3:-}" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["survey"] = sys.argv[3]
if sys.argv[4]:
    exec(sys.argv[4])
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
EOF
}
same() {  # same A.json B.json WHAT: identical tallies
	if python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$1" "$2"; then
		echo "REPORT survey-files $3: same tallies as the CSV ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$1") cells)"
	else
		fail "$3 tallies differ from the CSV"; diff <(python3 -m json.tool "$1") <(python3 -m json.tool "$2") | head -20
	fi
}

"$KODER" tally "$C" --format json -o "$W/csv.json" || fail "tally of the CSV"
corpus "$W/sav" "$W/sof.sav"
"$KODER" tally "$W/sav" --format json -o "$W/sav.json" || fail "tally of the .sav"
same "$W/csv.json" "$W/sav.json" ".sav (engine codes)"
corpus "$W/zsav" "$W/sof.zsav"
"$KODER" tally "$W/zsav" --format json -o "$W/zsav.json" || fail "tally of the .zsav"
same "$W/csv.json" "$W/zsav.json" ".zsav"

# The descriptor may name a labelled value by its code: waves "3", "2", "1"
# are Nulpunkt, Midtvejs, Afslutning.
corpus "$W/codes" "$W/sof.sav" 'd["waves"] = ["3", "2", "1"]'
"$KODER" tally "$W/codes" --format json -o "$W/codes.json" || fail "tally naming wave codes"
python3 - "$W/csv.json" "$W/codes.json" <<'EOF' || fail "waves named by code count differently"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
name = {"3": "Nulpunkt", "2": "Midtvejs", "1": "Afslutning"}
for r in b:
    r["wave"] = name[r["wave"]]
sys.exit(a != b)
EOF

# Coders' decisions against the .sav: the gold imported into a store (the
# import reads the survey through the same reader) and --codes.
for q in barrierer undtagelser; do
	"$KODER" review --import "$C/gold-$q.csv" --coder gold --db "$W/sav.db" --question $q \
		"$W/sav" >"$W/import-$q.log" 2>&1 || { cat "$W/import-$q.log"; fail "import into the .sav store"; }
	"$KODER" tally "$W/sav" --question $q --codes "$C/gold-$q.csv" --format json -o "$W/sav-codes-$q.json" ||
		fail "tally --codes on the .sav"
	"$KODER" tally "$C" --question $q --codes "$C/gold-$q.csv" --format json -o "$W/csv-codes-$q.json"
	same "$W/csv-codes-$q.json" "$W/sav-codes-$q.json" ".sav with --codes ($q)"
done
"$KODER" tally "$W/sav" --db "$W/sav.db" --format json -o "$W/sav-db.json" || fail "tally --db on the .sav"

# Published X and Y, from a table of (codebook, wave, role, category) -> (X, Y).
check_published() {  # check_published SUMS.json WHAT
	python3 - "$REF" "$1" "$2" <<'EOF'
import json, sys
ref = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
checked = wrong = 0
for t in ref["tables"]:
    q = "barrierer" if t["codebook"] == "sof-barrierer" else "undtagelser"
    for wave, roles in t["bases"].items():
        for role, y in roles.items():
            for cat, per in t["counts"].items():
                x = per[wave][role]
                g = got.get(f"{q}_{cat}|{wave}|{role}")
                checked += 1
                if g != [x, y]:
                    wrong += 1
                    print(f"DIFF {q} {cat} {wave} {role}: published {x}/{y}, file {g}")
print(f"REPORT survey-files {sys.argv[3]}: {checked - wrong}/{checked} published X/Y reproduced")
sys.exit(1 if wrong else 0)
EOF
}
# Sum the 0/1 columns of a table per wave and role: X = sum, Y = non-missing.
SUMS='
import json, sys
desc = json.load(open(sys.argv[2]))
role_of = {}
for r in desc["roles"]:
    for v in r.get("values", []) + [r["name"]]:
        role_of[v] = r["name"]
def sums(header, rows, wave_col, role_col):
    out = {}
    cols = [i for i, h in enumerate(header) if h.startswith(("barrierer_", "undtagelser_"))
            and not h.endswith(("_koder", "_kilde"))]
    for row in rows:
        wave, role = row[wave_col], role_of.get(row[role_col], row[role_col])
        for i in cols:
            v = row[i].strip() if i < len(row) else ""
            k = f"{header[i]}|{wave}|{role}"
            x, y = out.get(k, [0, 0])
            if v not in ("", "."):
                x += int(float(v)); y += 1
            out[k] = [x, y]
    return out
'

# --- export .sav from the .sav survey, read back by PSPP -------------------
"$KODER" export "$W/sav" --db "$W/sav.db" -o "$W/coded.sav" || fail "export .sav"
cat >"$W/rd.sps" <<EOF
GET FILE='$W/coded.sav'.
DISPLAY DICTIONARY /VARIABLES=barrierer_tid_sagsantal.
MRSETS /DISPLAY NAME=ALL.
SAVE TRANSLATE /OUTFILE='$W/coded-sav.csv' /TYPE=CSV /FIELDNAMES /CELLS=LABELS /REPLACE.
EOF
pspp -O format=txt -o "$W/rd.txt" "$W/rd.sps" >"$W/rd.log" 2>&1 || { cat "$W/rd.log"; fail "PSPP cannot read the exported .sav"; }
grep -q "Manglende tid og stort sagsantal" "$W/rd.txt" || fail "the category label is not the variable label in the .sav"
grep -q "ikke nævnt" "$W/rd.txt" || fail "no value label 0 = ikke nævnt in the .sav"
grep -q '^|\$barrierer *|Barrierer for *|Dichotomies|' "$W/rd.txt" ||
	fail "no multiple-response set \$barrierer in the .sav"
grep -q 'barrierer_kulturaendring' "$W/rd.txt" && grep -q '^|\$undtagelser' "$W/rd.txt" ||
	fail "the multiple-response sets lack their members"
# PSPP writes the labels of labelled values (nævnt / ikke nævnt): back to 1/0.
python3 - "$W/coded-sav.csv" "$C/corpus.json" "$W/coded-sav.json" <<EOF || fail "reading PSPP's CSV"
$SUMS
import csv
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
h = rows[0]
conv = {"nævnt": "1", "ikke nævnt": "0"}
body = [[conv.get(v, v) for v in r] for r in rows[1:]]
json.dump(sums(h, body, h.index("maaling"), h.index("funktion")), open(sys.argv[3], "w"))
EOF
check_published "$W/coded-sav.json" "export .sav read by PSPP" || status=1

# --- export CSV, read by Python's csv module ------------------------------
"$KODER" export "$C" --db "$W/sav.db" -o "$W/coded.csv" || fail "export CSV"
python3 - "$W/coded.csv" "$C/corpus.json" "$W/coded-csv.json" <<EOF || fail "reading the exported CSV"
$SUMS
import csv
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
h = rows[0]
assert all(len(r) == len(h) for r in rows), "ragged rows"
json.dump(sums(h, rows[1:], h.index("Måling"), h.index("Arbejdsfunktion")), open(sys.argv[3], "w"))
EOF
check_published "$W/coded-csv.json" "export CSV read by Python csv" || status=1

# --- export xlsx, read from the sheet XML ---------------------------------
"$KODER" export "$W/sav" --db "$W/sav.db" -o "$W/coded.xlsx" || fail "export xlsx"
python3 - "$W/coded.xlsx" "$C/corpus.json" "$W/coded-xlsx.json" <<EOF || fail "reading the exported xlsx"
$SUMS
import zipfile, re, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
sst = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        sst.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
def col(ref):
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1
rows = []
for r in sheet.iter("{%s}row" % ns["m"]):
    cells = {}
    for c in r.findall("m:c", ns):
        t = c.get("t"); v = c.find("m:v", ns); is_ = c.find("m:is", ns)
        if t == "s": val = sst[int(v.text)]
        elif t == "inlineStr": val = "".join(x.text or "" for x in is_.iter("{%s}t" % ns["m"]))
        else: val = v.text if v is not None else ""
        cells[col(c.get("r"))] = val
    rows.append([cells.get(i, "") for i in range(max(cells) + 1 if cells else 0)])
h = rows[0]
body = [r + [""] * (len(h) - len(r)) for r in rows[1:]]
json.dump(sums(h, body, h.index("maaling"), h.index("funktion")), open(sys.argv[3], "w"))
EOF
check_published "$W/coded-xlsx.json" "export xlsx read from the sheet XML" || status=1

# --- round trips through koder's own readers: .dta and .xlsx as surveys ---
"$KODER" export "$C" -o "$W/coded.dta" || fail "export .dta"
corpus "$W/dta" "$W/coded.dta"
"$KODER" tally "$W/dta" --format json -o "$W/dta.json" || fail "tally of the exported .dta"
same "$W/csv.json" "$W/dta.json" ".dta (exported, read back by label)"
"$KODER" export "$C" -o "$W/plain.xlsx" || fail "export xlsx from the CSV"
corpus "$W/xlsx" "$W/plain.xlsx"
"$KODER" tally "$W/xlsx" --format json -o "$W/xlsx.json" --sheet Data || fail "tally of an .xlsx survey"
same "$W/csv.json" "$W/xlsx.json" ".xlsx (sheet Data)"
# the sheet named in the descriptor, for the commands that take no --sheet
corpus "$W/xlsx-sheet" "$W/plain.xlsx" 'd["survey"] = [{"file": d["survey"], "sheet": "Data"}]'
"$KODER" tally "$W/xlsx-sheet" --format json -o "$W/xlsx-sheet.json" || fail "tally of an .xlsx sheet named in the descriptor"
same "$W/csv.json" "$W/xlsx-sheet.json" ".xlsx (sheet Data named in corpus.json)"
"$KODER" review --import "$C/gold-barrierer.csv" --coder gold --db "$W/xlsx-sheet.db" \
	--question barrierer "$W/xlsx-sheet" >"$W/xlsx-sheet.log" 2>&1 ||
	{ cat "$W/xlsx-sheet.log"; fail "review --import from an .xlsx sheet named in the descriptor"; }
sed -i 's/"Data"/"Ark9"/' "$W/xlsx-sheet/corpus.json"
"$KODER" tally "$W/xlsx-sheet" >"$W/sheet9.out" 2>&1
rc=$?
{ [ $rc -ne 0 ] && grep -q 'no sheet "Ark9"; the sheets are: "Data"' "$W/sheet9.out"; } ||
	{ cat "$W/sheet9.out"; fail "the descriptor's sheet is not the one read (status $rc)"; }
"$KODER" tally "$W/xlsx" --sheet Ark9 >"$W/sheet.out" 2>&1
rc=$?
{ [ $rc -ne 0 ] && grep -q 'no sheet "Ark9"; the sheets are: "Data"' "$W/sheet.out"; } ||
	{ cat "$W/sheet.out"; fail "a missing sheet is not named with the sheets that exist (status $rc)"; }

# --- a survey in a file per wave and role ----------------------------------
# Leaders and staff often fill in questionnaires of their own, a file each
# per wave, with no wave or role column (the file says them): six files,
# leaders' in Windows-1252 with commas, read as one survey.
mkdir -p "$W/split"
python3 - "$C/survey.csv" "$C/corpus.json" "$W/split" <<'EOF' || fail "splitting the survey"
import csv, json, shutil, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
d = json.load(open(sys.argv[2]))
role_of = {v: r["name"] for r in d["roles"] for v in r["values"]}
keep = [c for c in rows[0] if c not in ("Måling", "Arbejdsfunktion")]
files = []
for wave in d["waves"]:
    for role in ("Medarbejder", "Leder"):
        name = f"{wave.lower()}-{role.lower()}.csv"
        enc, sep = ("cp1252", ",") if role == "Leder" else ("utf-8-sig", ";")
        with open(f"{sys.argv[3]}/{name}", "w", encoding=enc, newline="") as f:
            w = csv.writer(f, delimiter=sep)
            w.writerow(keep)
            for r in rows:
                if r["Måling"] == wave and role_of[r["Arbejdsfunktion"]] == role:
                    w.writerow([r[c] for c in keep])
        files.append({"file": name, "wave": wave, "role": role})
d["survey"] = files
del d["columns"]["wave"], d["columns"]["role"]
json.dump(d, open(f"{sys.argv[3]}/corpus.json", "w"), ensure_ascii=False, indent=1)
EOF
"$KODER" tally "$W/split" --format json -o "$W/split.json" || fail "tally of the survey in six files"
same "$W/csv.json" "$W/split.json" "six files (a wave and role each)"
"$KODER" tally "$W/split" --question barrierer --codes "$C/gold-barrierer.csv" --format json \
	-o "$W/split-codes.json" || fail "tally --codes of the six files"
same "$W/csv-codes-barrierer.json" "$W/split-codes.json" "six files with --codes (barrierer)"
"$KODER" export "$W/split" -o "$W/split-coded.csv" || fail "export of the six files"
python3 - "$W/split-coded.csv" "$C/corpus.json" "$W/split-coded.json" <<EOF || fail "reading the six files' export"
$SUMS
import csv
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
h = rows[0]
assert h[:2] == ["wave", "role"], h[:4]
json.dump(sums(h, rows[1:], 0, 1), open(sys.argv[3], "w"))
EOF
"$KODER" export "$C" -o "$W/one-coded.csv" || fail "export of the CSV"
python3 - "$W/one-coded.csv" "$C/corpus.json" "$W/one-coded.json" <<EOF || fail "reading the CSV's export"
$SUMS
import csv
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
h = rows[0]
json.dump(sums(h, rows[1:], h.index("Måling"), h.index("Arbejdsfunktion")), open(sys.argv[3], "w"))
EOF
same "$W/one-coded.json" "$W/split-coded.json" "six files exported (wave and role columns added)"
# review takes the answers in survey order: file after file, not the second
# lines of every file, then the third ...
"$KODER" review --db "$W/split.db" --question barrierer --coder x --export "$W/split-review.csv" \
	"$W/split" >/dev/null 2>&1 || fail "review --export of the six files"
python3 - "$W/split" "$W/split-review.csv" <<'EOF' || fail "review order of the six files is not the survey's"
import csv, json, sys
d = json.load(open(sys.argv[1] + "/corpus.json"))
want = []
for f in d["survey"]:
    enc, sep = ("cp1252", ",") if f["role"] == "Leder" else ("utf-8-sig", ";")
    for r in csv.DictReader(open(sys.argv[1] + "/" + f["file"], encoding=enc, newline=""), delimiter=sep):
        if r["Barrierer for implementeringen"].strip():
            want.append(r["Respondent-ID"])
got = [r["id"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig", newline=""), delimiter=";")]
if got != want:
    print("review order:", got[:6], "... survey order:", want[:6], "...")
    sys.exit(1)
print("REPORT survey-files six files: review takes the %d answers in survey order" % len(got))
EOF
# ids must be unique within a wave across its files: a clash names both
python3 - "$W/split" <<'EOF'
import csv, json, sys
p = sys.argv[1] + "/nulpunkt-leder.csv"
rows = list(csv.reader(open(p, encoding="cp1252", newline="")))
staff = list(csv.reader(open(sys.argv[1] + "/nulpunkt-medarbejder.csv", encoding="utf-8-sig"), delimiter=";"))
rows[1][0] = staff[1][0]   # the first leader has the first staff member's id
csv.writer(open(p, "w", encoding="cp1252", newline="")).writerows(rows)
EOF
"$KODER" tally "$W/split" >"$W/dup.out" 2>&1
rc=$?
{ [ $rc -eq 4 ] && grep -q 'appears twice in wave Nulpunkt: in .*nulpunkt-medarbejder.csv on line 2 and in .*nulpunkt-leder.csv on line 2; ids must be unique' "$W/dup.out"; } ||
	{ cat "$W/dup.out"; fail "an id in two files of one wave is not named with both files (status $rc)"; }
exit $status
