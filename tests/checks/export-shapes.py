#!/usr/bin/python3
"""export-shapes.py SOF-DIR OUT-DIR - the SOF survey in the shapes other
survey tools and office programs export, each next to a plain CSV of the
same data, for tests/checks/export-shapes.sh.

Every file is written here byte by byte (no openpyxl, pandas or readstat;
the .xls by xlwt, Debian's python3-xlwt, so this runs under /usr/bin/python3),
so the shapes are exactly the ones named, and koder's readers are checked
against an independent writer.  For each shape NAME this writes
OUT/NAME/corpus.json (the SOF descriptor pointing at the file, edited where
the shape needs it) and OUT/NAME.ref, the directory of the plain CSV whose
tallies it must equal (a line "sof" for the shipped survey).
"""
import csv
import io
import json
import os
import struct
import sys
import zipfile
import datetime

import xlwt
from xml.sax.saxutils import escape

SOF, OUT = sys.argv[1], sys.argv[2]
DESC = json.load(open(os.path.join(SOF, "corpus.json"), encoding="utf-8"))
ROWS = list(csv.reader(open(os.path.join(SOF, "survey.csv"), encoding="utf-8-sig", newline=""),
                       delimiter=";"))
HEAD, BODY = ROWS[0], ROWS[1:]
ID, KOM, WAVE, ROLE, Q1, Q2 = range(6)
WAVES = ["Nulpunkt", "Midtvejs", "Afslutning"]
ROLES = [v for r in DESC["roles"] for v in r["values"]]


def corpus(name, survey, edit=None, ref="sof"):
    """OUT/name/corpus.json: the SOF descriptor reading `survey`."""
    d = json.loads(json.dumps(DESC))
    d["survey"] = survey
    if edit:
        edit(d)
    os.makedirs(os.path.join(OUT, name), exist_ok=True)
    json.dump(d, open(os.path.join(OUT, name, "corpus.json"), "w", encoding="utf-8"),
              ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, name + ".ref"), "w") as f:
        f.write(ref + "\n")
    return os.path.join(OUT, name)


def plain_csv(name, head, body):
    """A reference survey: UTF-8, ';', LF, as the shipped one."""
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "survey.csv"), "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows([head] + body)
    d2 = json.loads(json.dumps(DESC))
    json.dump(d2, open(os.path.join(d, "corpus.json"), "w", encoding="utf-8"),
              ensure_ascii=False, indent=1)


def excel_text(rows, sep, eol):
    """Rows as Excel writes text: a field with the separator, a quote or a
    line break quoted, quotes doubled, line breaks inside a field kept LF."""
    out = io.StringIO()
    for r in rows:
        cells = []
        for x in r:
            if any(ch in x for ch in (sep, '"', "\n", "\r")):
                x = '"' + x.replace('"', '""') + '"'
            cells.append(x)
        out.write(sep.join(cells) + eol)
    return out.getvalue()


# 1. Excel "Unicode Text": UTF-16LE with a byte-order mark, tabs, CRLF.
d = corpus("utf16", "survey.txt")
with open(os.path.join(d, "survey.txt"), "wb") as f:
    f.write(b"\xff\xfe" + excel_text(ROWS, "\t", "\r\n").encode("utf-16-le"))

# 1b. The same big-endian, and UTF-16LE without a byte-order mark.
d = corpus("utf16be", "survey.txt")
with open(os.path.join(d, "survey.txt"), "wb") as f:
    f.write(b"\xfe\xff" + excel_text(ROWS, "\t", "\r\n").encode("utf-16-be"))

# 2. CSV from a Danish Excel: Windows-1252, ';', CRLF, a trailing empty column
# (every line ends in ';'), a row of separators only (a formatted empty row),
# and an empty last line.
d = corpus("dk-excel", "survey.csv")
rows = [r + [""] for r in ROWS]
text = excel_text(rows, ";", "\r\n") + ";" * (len(rows[0]) - 1) + "\r\n" + "\r\n"
with open(os.path.join(d, "survey.csv"), "wb") as f:
    f.write(text.encode("cp1252"))

# 2b. The same from a report sheet: a title and an empty row above the header.
d = corpus("dk-excel-title", "survey.csv")
text = ("SOF-undersøgelsen, eksport maj 2024" + ";" * len(ROWS[0]) + "\r\n" + ";" * len(ROWS[0]) + "\r\n"
        + excel_text(rows, ";", "\r\n"))
with open(os.path.join(d, "survey.csv"), "wb") as f:
    f.write(text.encode("cp1252"))

# 2c. Qualtrics: UTF-8 with a byte-order mark, commas, CRLF, its own columns
# first, and three header rows: names, question texts, ImportIds.
d = corpus("qualtrics", "survey.csv", lambda d: d["columns"].update(id="ResponseId"))
qhead = ["StartDate", "EndDate", "Status", "Progress", "Finished", "ResponseId"] + HEAD[1:]
qtext = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Response ID",
         "Kommune", "Måling", "Hvad er din arbejdsfunktion?",
         "Hvilke barrierer har I mødt for implementeringen?", "Andre undtagelseskriterier, I bruger?"]
qids = ['{"ImportId":"startDate","timeZone":"Europe/Copenhagen"}', '{"ImportId":"endDate","timeZone":"Europe/Copenhagen"}',
        '{"ImportId":"status"}', '{"ImportId":"progress"}', '{"ImportId":"finished"}', '{"ImportId":"_recordId"}',
        '{"ImportId":"QID1"}', '{"ImportId":"QID2"}', '{"ImportId":"QID3"}', '{"ImportId":"QID4_TEXT"}', '{"ImportId":"QID5_TEXT"}']
qrows = [qhead, qtext, qids] + [["2024-05-01 10:00:00", "2024-05-01 10:12:00", "0", "100", "1", "R_" + r[ID]] + r[1:]
                                for r in BODY]
with open(os.path.join(d, "survey.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + excel_text(qrows, ",", "\r\n").encode("utf-8"))

# 2d. SurveyMonkey: commas, CRLF, its respondent columns first (long numeric
# ids), and a second header row naming each column's part of the question
# ("Response", "Open-Ended Response", a choice's text) with the respondent
# columns left empty.  A multiple-choice question spreads over two columns,
# the second with an empty name.
SM_HEAD = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"] + HEAD[1:] + \
          ["Hvilke kanaler bruger I?", ""]
SM_SUB = ["", "", "", "", "", "Response", "Response", "Response", "Open-Ended Response",
          "Open-Ended Response", "Telefon", "Mail"]
SM_BODY = [[str(114075624300 + i), "431234567", "05/01/2024 10:00:00 AM", "05/01/2024 10:12:00 AM", ""]
           + r[1:] + ["Telefon" if i % 2 else "", "Mail" if i % 3 else ""] for i, r in enumerate(BODY)]
d = corpus("surveymonkey", "survey.csv", lambda d: d["columns"].update(id="Respondent ID"))
with open(os.path.join(d, "survey.csv"), "wb") as f:
    f.write(excel_text([SM_HEAD, SM_SUB] + SM_BODY, ",", "\r\n").encode("utf-8"))

# 5. UTF-8 with a byte-order mark, header names differing from the
# descriptor's in case, surrounding blanks and no-break spaces, values with
# blanks around them, ids with leading zeros.
d = corpus("names", "survey.csv", ref="names-ref")
head = ["  respondent-id ", "KOMMUNE", "\u00a0Måling\u00a0", "arbejdsfunktion\t",
        "BARRIERER FOR IMPLEMENTERINGEN", "Andre undtagelseskriterier\u00a0"]
body = [["%04d" % (i + 1), r[KOM], " " + r[WAVE] + "  ", r[ROLE] + " ", r[Q1], r[Q2]]
        for i, r in enumerate(BODY)]
with open(os.path.join(d, "survey.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + excel_text([head] + body, ";", "\r\n").encode("utf-8"))
plain_csv("names-ref", HEAD, [["%04d" % (i + 1)] + r[1:] for i, r in enumerate(BODY)])
num = {r[ID]: "%04d" % (i + 1) for i, r in enumerate(BODY)}
gold = list(csv.reader(open(os.path.join(SOF, "gold-barrierer.csv"), encoding="utf-8-sig", newline="")))
with open(os.path.join(OUT, "gold-num.csv"), "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([gold[0]] + [[num[r[0]]] + r[1:] for r in gold[1:]])

# An internal no-break space in a header name ("Barrierer for\xa0implementeringen"),
# as a copy from a web page or Word gives.
d = corpus("nbsp", "survey.csv")
head = HEAD[:Q1] + [HEAD[Q1].replace(" ", "\u00a0")] + HEAD[Q1 + 1:]
with open(os.path.join(d, "survey.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(excel_text([head] + BODY, ";", "\n"))


# 3. .xlsx written by hand.
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def colname(i):
    s = ""
    i += 1
    while i:
        i, m = divmod(i - 1, 26)
        s = chr(65 + m) + s
    return s


def xlsx(path, sheets, sst=None):
    """sheets: [(name, rows)]; a row is a list of cells or (rownumber, cells);
    a cell is None (left out of the XML) or (type, value, extra attrs), type
    one of 's' (index into sst), 'inline', 'n', 'b', 'str'.  sst: list of
    shared strings, each a str or a list of rich-text runs."""
    z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
    for i in range(len(sheets)):
        ct.append('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % (i + 1))
    if sst is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    ct.append("</Types>")
    z.writestr("[Content_Types].xml", "".join(ct))
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = ['<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s"><sheets>' % (NS, RNS)]
    rels = ['<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    for i, (name, _) in enumerate(sheets):
        wb.append('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(name), i + 1, i + 1))
        rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1))
    if sst is not None:
        rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' % (len(sheets) + 1))
    z.writestr("xl/workbook.xml", "".join(wb) + "</sheets></workbook>")
    # cell styles: 0 general, 1 a date (built-in format 14), 2 "0000" (an id
    # kept with its leading zeros)
    z.writestr("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="%s">'
               '<numFmts count="1"><numFmt numFmtId="164" formatCode="0000"/></numFmts>'
               '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
               '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
               '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>' % NS)
    z.writestr("xl/_rels/workbook.xml.rels", "".join(rels) + "</Relationships>")
    for i, (name, rows) in enumerate(sheets):
        x = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="%s"><sheetData>' % NS]
        rn = 0
        for row in rows:
            if isinstance(row, tuple):
                rn, row = row
            else:
                rn += 1
            x.append('<row r="%d">' % rn)
            for j, c in enumerate(row):
                if c is None:
                    continue
                t, v = c[0], c[1]
                ref = "%s%d" % (colname(j), rn)
                if t == "inline":
                    x.append('<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (ref, escape(v)))
                elif t == "n":
                    x.append('<c r="%s"%s><v>%s</v></c>' % (ref, c[2] if len(c) > 2 else "", v))
                else:
                    x.append('<c r="%s" t="%s"><v>%s</v></c>' % (ref, t, escape(str(v))))
            x.append("</row>")
        x.append("</sheetData></worksheet>")
        z.writestr("xl/worksheets/sheet%d.xml" % (i + 1), "".join(x))
    if sst is not None:
        s = ['<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s" count="%d" uniqueCount="%d">' % (NS, len(sst), len(sst))]
        for v in sst:
            if isinstance(v, list):
                s.append("<si>" + "".join('<r><rPr><b/></rPr><t xml:space="preserve">%s</t></r>' % escape(p) for p in v)
                         + '<rPh sb="0" eb="1"><t>IGNORED</t></rPh></si>')
            else:
                s.append('<si><t xml:space="preserve">%s</t></si>' % escape(v))
        z.writestr("xl/sharedStrings.xml", "".join(s) + "</sst>")
    z.close()


class SST:
    def __init__(self):
        self.v, self.ix = [], {}

    def add(self, s, rich=False):
        key = (s, rich)
        if key not in self.ix:
            self.ix[key] = len(self.v)
            # rich text: the answer in runs of at most 20 characters
            self.v.append([s[k:k + 20] for k in range(0, len(s), 20)] or [""] if rich else s)
        return ("s", self.ix[key])


# 3a. Inline strings only (no sharedStrings.xml), as streaming writers do.
d = corpus("xlsx-inline", "survey.xlsx")
xlsx(os.path.join(d, "survey.xlsx"),
     [("Ark1", [[("inline", x) for x in r] for r in ROWS])])

# 3b. Rich-text shared strings (runs, a phonetic run to skip), empty cells
# left out of the XML (a row's r= references skip columns), a date and a
# boolean column after the survey's, and the data on the second sheet, chosen
# with --sheet.
sst = SST()
rows = [[sst.add(x) for x in HEAD] + [sst.add("Besvaret"), sst.add("Komplet")]]
for i, r in enumerate(BODY):
    cells = [sst.add(r[ID]), sst.add(r[KOM]), sst.add(r[WAVE]), sst.add(r[ROLE]),
             sst.add(r[Q1], rich=True) if r[Q1] else None,
             sst.add(r[Q2], rich=True) if r[Q2] else None,
             ("n", 45000 + i % 300, ' s="1"'), ("b", i % 2)]
    rows.append(cells)
d = corpus("xlsx-rich", "survey.xlsx")
xlsx(os.path.join(d, "survey.xlsx"),
     [("Forside", [[sst.add("Eksport fra surveyværktøjet")], [sst.add("Se arket Data")]]),
      ("Data", rows)], sst.v)

# 3c. Ids and wave codes stored as numbers (1 = Nulpunkt, 2 = Midtvejs,
# 3 = Afslutning), the descriptor naming each wave by its code; the ids shown
# as 0001 by a "0000" number format, as a coder saw them in the CSV
# (gold-num.csv: the coders' decisions by those ids).
d = corpus("xlsx-codes", "survey.xlsx", lambda d: d.update(
    waves=[{"name": w, "values": [str(k + 1)]} for k, w in enumerate(WAVES)]), ref="names-ref")
rows = [[("inline", x) for x in HEAD]]
for i, r in enumerate(BODY):
    rows.append([("n", i + 1, ' s="2"'), ("inline", r[KOM]), ("n", WAVES.index(r[WAVE]) + 1),
                 ("inline", r[ROLE]), ("inline", r[Q1]) if r[Q1] else None,
                 ("inline", r[Q2]) if r[Q2] else None])
xlsx(os.path.join(d, "survey.xlsx"), [("Data", rows)])

# 3d. A title row and an empty row above the header (the header in row 3).
d = corpus("xlsx-title", "survey.xlsx")
rows = [(1, [("inline", "SOF-undersøgelsen, eksport 2024-05-01")]), (3, [("inline", x) for x in HEAD])]
for i, r in enumerate(BODY):
    rows.append((i + 4, [("inline", x) if x else None for x in r]))
xlsx(os.path.join(d, "survey.xlsx"), [("Data", rows)])


# 3e. SurveyMonkey's .xlsx: the same two header rows, the ids as numbers.
d = corpus("xlsx-surveymonkey", "survey.xlsx", lambda d: d["columns"].update(id="Respondent ID"))
rows = [[("inline", x) if x else None for x in SM_HEAD], [("inline", x) if x else None for x in SM_SUB]]
for r in SM_BODY:
    rows.append([("n", int(r[0])), ("n", int(r[1]))] + [("inline", x) if x else None for x in r[2:]])
xlsx(os.path.join(d, "survey.xlsx"), [("Sheet", rows)])

# 3f. Excel 97-2003 .xls, written by xlwt (Debian's python3-xlwt, an
# independent BIFF8 writer; this script runs under the system Python for
# it): a title and an empty row above the header, the survey on the second
# sheet ("Data", chosen with --sheet) and a date column after the survey's;
# then waves stored as numbers 1-3 (named by code in the descriptor) under
# SurveyMonkey's second header row.
wb = xlwt.Workbook(encoding="utf-8")
wb.add_sheet("Forside").write(0, 0, "Eksport fra surveyværktøjet")
ws = wb.add_sheet("Data")
ws.write(0, 0, "SOF-undersøgelsen, eksport 2024-05-01")
dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
for j, x in enumerate(HEAD + ["Besvaret"]):
    ws.write(2, j, x)
for i, r in enumerate(BODY):
    for j, x in enumerate(r):
        if x:
            ws.write(i + 3, j, x)
    ws.write(i + 3, len(HEAD), datetime.date(2024, 5, 1 + i % 28), dates)
wb.save(os.path.join(corpus("xls", "survey.xls"), "survey.xls"))

wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("Sheet1")
for j, x in enumerate(HEAD):
    ws.write(0, j, x)
    ws.write(1, j, "" if j == 0 else ("Response" if j < 4 else "Open-Ended Response"))
for i, r in enumerate(BODY):
    for j, x in enumerate(r):
        if j == 2:
            ws.write(i + 2, j, WAVES.index(x) + 1)
        elif x:
            ws.write(i + 2, j, x)
wb.save(os.path.join(corpus("xls-codes", "survey.xls", lambda d: d.update(
    waves=[{"name": w, "values": [str(k + 1)]} for k, w in enumerate(WAVES)])), "survey.xls"))

# 4. SPSS: written by PSPP from a syntax file export-shapes.sh runs; here the
# data it reads.  Wave and role as numeric codes WITHOUT value labels, role
# 99 declared user-missing (the CSV leaves those roles empty), and answers
# longer than 255 bytes (a very long string, segments in the .sav).
LONG = {3: 1200, 10: 9000}     # row index -> answer length
def longer(s, n):
    base = (s or "Manglende tid og for stort sagsantal.") + " "
    return (base * (n // len(base) + 1))[:n].rstrip()
sav_body = []
for i, r in enumerate(BODY):
    r = list(r)
    if i in LONG:
        r[Q1] = longer(r[Q1], LONG[i])
    sav_body.append(r)
MISSING = set(range(5, 679, 97))      # rows whose role is user-missing
plain_csv("sav-ref", HEAD, [r[:ROLE] + ([""] if i in MISSING else [r[ROLE]]) + r[ROLE + 1:]
                            for i, r in enumerate(sav_body)])
with open(os.path.join(OUT, "sav.tsv"), "w", encoding="utf-8") as f:
    for i, r in enumerate(sav_body):
        role = 99 if i in MISSING else ROLES.index(r[ROLE]) + 1
        cells = [r[ID], r[KOM], str(WAVES.index(r[WAVE]) + 1), str(role), r[Q1], r[Q2]]
        f.write("\t".join(x.replace("\r\n", "\n").replace("\n", "@@NL@@") for x in cells) + "\n")
d = corpus("sav-codes", "survey.sav", lambda d: (
    d.update(waves=[{"name": w, "values": [str(k + 1)]} for k, w in enumerate(WAVES)]),
    [r.update(values=[str(ROLES.index(v) + 1) for v in r["values"]]) for r in d["roles"]]),
    ref="sav-ref")
corpus("sav-labels", "survey.sav", ref="sav-ref")


# 4b. Stata 118 (UTF-8), written by hand: wave and role as byte codes with
# value labels, the descriptor naming the labels.
def dta118(path, names, labels, types, rows, lblsets, lblnames):
    """types: 'strN' or 'byte'; rows: lists of str/int; lblsets: {name: {code: label}}."""
    K, N = len(names), len(rows)
    parts, marks = [], {}
    def put(b):
        parts.append(b)
    def here():
        return sum(len(p) for p in parts)
    def fixed(s, n):
        b = s.encode("utf-8")[:n - 1]
        return b + b"\0" * (n - len(b))
    put(b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder>")
    put(b"<K>" + struct.pack("<H", K) + b"</K><N>" + struct.pack("<Q", N) + b"</N>")
    put(b"<label>" + struct.pack("<H", 0) + b"</label><timestamp>\x00</timestamp></header>")
    marks["map"] = here()
    put(b"<map>" + b"\0" * 8 * 14 + b"</map>")
    marks["variable_types"] = here()
    code = {"byte": 65530}
    put(b"<variable_types>" + b"".join(struct.pack("<H", code.get(t) or int(t[3:])) for t in types)
        + b"</variable_types>")
    marks["varnames"] = here()
    put(b"<varnames>" + b"".join(fixed(n, 129) for n in names) + b"</varnames>")
    marks["sortlist"] = here()
    put(b"<sortlist>" + b"\0" * 2 * (K + 1) + b"</sortlist>")
    marks["formats"] = here()
    put(b"<formats>" + b"".join(fixed("%8.0g" if t == "byte" else "%-" + t[3:] + "s", 57)
                                for t in types) + b"</formats>")
    marks["value_label_names"] = here()
    put(b"<value_label_names>" + b"".join(fixed(n, 129) for n in lblnames) + b"</value_label_names>")
    marks["variable_labels"] = here()
    put(b"<variable_labels>" + b"".join(fixed(n, 321) for n in labels) + b"</variable_labels>")
    marks["characteristics"] = here()
    put(b"<characteristics></characteristics>")
    marks["data"] = here()
    data = []
    for r in rows:
        for v, t in zip(r, types):
            data.append(struct.pack("<b", v) if t == "byte" else
                        v.encode("utf-8").ljust(int(t[3:]), b"\0"))
    put(b"<data>" + b"".join(data) + b"</data>")
    marks["strls"] = here()
    put(b"<strls></strls>")
    marks["value_labels"] = here()
    vl = []
    for name, m in lblsets.items():
        txt, off, val = b"", [], []
        for k, lab in sorted(m.items()):
            off.append(len(txt)); val.append(k)
            txt += lab.encode("utf-8") + b"\0"
        table = struct.pack("<ii", len(m), len(txt)) + b"".join(struct.pack("<i", o) for o in off) \
            + b"".join(struct.pack("<i", v) for v in val) + txt
        vl.append(b"<lbl>" + struct.pack("<i", len(table)) + fixed(name, 129) + b"\0\0\0" + table + b"</lbl>")
    put(b"<value_labels>" + b"".join(vl) + b"</value_labels>")
    marks["end"] = here()
    put(b"</stata_dta>")
    total = here()
    order = ["map", "variable_types", "varnames", "sortlist", "formats", "value_label_names",
             "variable_labels", "characteristics", "data", "strls", "value_labels", "end"]
    m = struct.pack("<Q", 0) + b"".join(struct.pack("<Q", marks[k]) for k in order) + struct.pack("<Q", total)
    blob = b"".join(parts)
    i = marks["map"] + len(b"<map>")
    blob = blob[:i] + m + blob[i + len(m):]
    open(path, "wb").write(blob)


w = max(len(x.encode("utf-8")) for r in BODY for x in r[Q1:Q2 + 1]) + 1
d = corpus("dta-labels", "survey.dta")
dta118(os.path.join(d, "survey.dta"),
       ["respid", "kommune", "maaling", "funktion", "barrierer", "undtagelser"],
       HEAD, ["str10", "str40", "byte", "byte", "str%d" % w, "str%d" % w],
       [[r[ID], r[KOM], WAVES.index(r[WAVE]) + 1, ROLES.index(r[ROLE]) + 1, r[Q1], r[Q2]]
        for r in BODY],
       {"wavelbl": {k + 1: v for k, v in enumerate(WAVES)},
        "rolelbl": {k + 1: v for k, v in enumerate(ROLES)}},
       ["", "", "wavelbl", "rolelbl", "", ""])
