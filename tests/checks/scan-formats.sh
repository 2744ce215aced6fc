#!/usr/bin/env bash
# scan-formats.sh - `koder scan` reads a survey as every other command does
# (table.h: CSV, SPSS .sav, Excel .xlsx and .xls, Stata .dta), so personal data in an
# SPSS export is found like in its CSV, and --mask writes it back as the CSV
# Excel opens (UTF-8 with a byte-order mark, ';').  The .sav is written by
# PSPP, not by koder.
set -u
command -v pspp >/dev/null || { echo "no pspp (apt-get install pspp)"; exit 77; }
W=$TMP/scan-formats
rm -rf "$W" && mkdir -p "$W"
fail() { echo "FAIL: $*"; exit 1; }

printf 'id;Svar;Note\n7;Ring til Mette Hansen på 22 33 44 55 hurtigt;intet\n8;Ingen, fint;mail: a@b.dk\n9;Skriv til 010190-1234 ikke;\n' >"$W/s.csv"
cat >"$W/mk.sps" <<SPS
GET DATA /TYPE=TXT /FILE='$W/s.csv' /ENCODING='UTF-8'
  /ARRANGEMENT=DELIMITED /FIRSTCASE=2 /DELIMITERS=';'
  /VARIABLES=id F4.0 Svar A200 Note A40.
SAVE OUTFILE='$W/s.sav'.
SPS
pspp -O format=txt "$W/mk.sps" >"$W/pspp.log" 2>&1 || { cat "$W/pspp.log"; fail "pspp could not write the .sav"; }
[ -s "$W/s.sav" ] || fail "pspp wrote no .sav"

# the findings (line, id, column, kind) are the same in both files
st=0; "$KODER" scan --format csv --id id "$W/s.csv" >"$W/csv.out" || st=$?
[ $st = 1 ] || fail "scan of the CSV: exit $st, expected 1 (personal data found)"
st=0; "$KODER" scan --format csv --id id "$W/s.sav" >"$W/sav.out" 2>"$W/sav.err" || st=$?
[ $st = 1 ] || { cat "$W/sav.err"; fail "scan of the .sav: exit $st, expected 1"; }
cut -d, -f1-4 "$W/csv.out" >"$W/csv.cut"
cut -d, -f1-4 "$W/sav.out" >"$W/sav.cut"
diff -u "$W/csv.cut" "$W/sav.cut" || fail "the .sav's findings differ from the CSV's"
grep -q '^4,9,Svar,cpr$' "$W/sav.cut" || fail "the CPR number in the .sav was not found"

# --mask writes the .sav back as a CSV: BOM, ';', findings replaced
"$KODER" scan --mask -o "$W/masked.csv" "$W/s.sav" 2>"$W/mask.err"
[ "$(head -c 3 "$W/masked.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no byte-order mark"
head -1 "$W/masked.csv" | grep -q '^.*id;Svar;Note' || fail "header not ';'-separated: $(head -1 "$W/masked.csv")"
grep -q '\[TELEFON\]' "$W/masked.csv" || fail "the phone number was not masked"
grep -q '\[CPR\]' "$W/masked.csv" || fail "the CPR number was not masked"
grep -q '22 33 44 55\|010190-1234\|a@b.dk' "$W/masked.csv" && fail "personal data left in the masked file"
echo "REPORT scan: $(($(wc -l <"$W/sav.out") - 1)) findings in the .sav, the same as in its CSV; masked copy written as CSV"

# A workbook is scanned on every sheet: a title sheet first, the answers on
# the second, a note with an e-mail address on the third (an .xls written by
# Debian's xlwt; .xlsx goes the same way through table.h).
/usr/bin/python3 -c 'import xlwt' 2>/dev/null || { echo "no python3-xlwt (apt-get install python3-xlwt)"; exit 77; }
/usr/bin/python3 - "$W/w.xls" <<'PY' || fail "xlwt could not write the workbook"
import sys, xlwt
wb = xlwt.Workbook(encoding="utf-8")
wb.add_sheet("Info").write(0, 0, "Fastholdelse, eksport 2024")
ws = wb.add_sheet("Data")
for i, row in enumerate([["id", "Svar"], ["7", "Ring til Mette Hansen på 22 33 44 55"], ["8", "Ingen"]]):
    for j, x in enumerate(row):
        ws.write(i, j, x)
ws = wb.add_sheet("Noter")
ws.write(0, 0, "note"); ws.write(0, 1, "af")
ws.write(1, 0, "spørg a@b.dk"); ws.write(1, 1, "KH")
wb.save(sys.argv[1])
PY
st=0; "$KODER" scan "$W/w.xls" --format csv >"$W/xls.out" 2>"$W/xls.err" || st=$?
[ $st = 1 ] || { cat "$W/xls.err"; fail "scan of the workbook: exit $st, expected 1"; }
grep -q '^2,,Svar,phone' "$W/xls.out" || fail "the phone number on sheet Data was not found: $(cat "$W/xls.out")"
grep -q '^2,,note,email' "$W/xls.out" || fail "the e-mail address on sheet Noter was not found"
st=0; "$KODER" scan "$W/w.xls" >"$W/xls.txt" 2>"$W/xls.err" || st=$?
grep -q '^.*w\.xls\[Noter\]:2: note: email$' "$W/xls.txt" || fail "a finding is not named by its sheet: $(cat "$W/xls.txt")"
grep -q 'scanned all 3 sheets' "$W/xls.err" || fail "the sheets scanned are not said: $(cat "$W/xls.err")"
# one sheet named: only it; a sheet with nothing to scan is an error naming the others
st=0; "$KODER" scan --sheet Info "$W/w.xls" >/dev/null 2>"$W/info.err" || st=$?
[ $st = 4 ] && grep -q '"Info", "Data", "Noter"' "$W/info.err" || { cat "$W/info.err"; fail "--sheet Info: exit $st, expected 4 naming the sheets"; }
# --mask writes one sheet: it must be named
st=0; "$KODER" scan --mask -o "$W/m.csv" "$W/w.xls" 2>"$W/mask.err" || st=$?
[ $st = 2 ] && [ ! -e "$W/m.csv" ] || { cat "$W/mask.err"; fail "--mask on a workbook without --sheet: exit $st, expected 2 and no file"; }
"$KODER" scan --mask --sheet Data -o "$W/m.csv" "$W/w.xls" 2>/dev/null
grep -q '\[TELEFON\]' "$W/m.csv" || fail "--sheet Data --mask did not mask the phone number"
# a corpus descriptor: its survey files, each on the sheet it names
printf '{"name": "w", "survey": [{"file": "w.xls", "sheet": "Data"}], "columns": {"id": "id"}, "questions": [{"id": "q", "column": "Svar", "codebook": "sof-barrierer"}]}' >"$W/corpus.json"
st=0; "$KODER" scan "$W" --format csv >"$W/corpus.out" 2>"$W/corpus.err" || st=$?
[ $st = 1 ] && grep -q '^2,,Svar,phone' "$W/corpus.out" && ! grep -q email "$W/corpus.out" ||
	{ cat "$W/corpus.err"; fail "scan of the corpus: exit $st; $(cat "$W/corpus.out")"; }
echo "REPORT scan: a workbook's three sheets scanned (findings on two), --sheet and --mask name one, a corpus scans its survey's sheet"
exit 0
