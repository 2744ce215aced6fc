#!/usr/bin/env bash
# scan-formats.sh - `koder scan` reads a survey as every other command does
# (table.h: CSV, SPSS .sav, Excel .xlsx, Stata .dta), so personal data in an
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
exit 0
