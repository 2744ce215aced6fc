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
    # kept with its leading zeros), 3 built-in format 1 ("0"), SurveyXact's
    # for its codes, 4 a date and time (Microsoft Forms' m/d/yy h:mm:ss)
    z.writestr("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="%s">'
               '<numFmts count="2"><numFmt numFmtId="164" formatCode="0000"/>'
               '<numFmt numFmtId="165" formatCode="m/d/yy h:mm:ss"/></numFmts>'
               '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
               '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
               '<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="1" applyNumberFormat="1"/>'
               '<xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>' % NS)
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
            elif isinstance(v, tuple):    # ("excel", text): Excel's escapes
                s.append('<si><t xml:space="preserve">%s</t></si>' % escape(excel_xstring(v[1])))
            else:
                s.append('<si><t xml:space="preserve">%s</t></si>' % escape(v))
        z.writestr("xl/sharedStrings.xml", "".join(s) + "</sst>")
    z.close()


def excel_xstring(v):
    """A string as Excel writes it into the XML: "_x" escaped as "_x005F_x",
    a CR (answers typed with CRLF) as "_x000D_"."""
    return v.replace("_x", "_x005F_x").replace("\r", "_x000D_")


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

# 3e'. A workbook saved by Excel whose answers carry CRLF line breaks (typed
# in a web form, or pasted from one): Excel writes each CR as "_x000D_"
# (and would write a literal "_x" as "_x005F_x"), the LF raw.
d = corpus("xlsx-excel-crlf", "survey.xlsx")
sst = []
rows = [[("s", len(sst) + k) for k in range(len(HEAD))]]
sst += HEAD
for r in BODY:
    cells = []
    for j, x in enumerate(r):
        if not x:
            cells.append(None)
            continue
        cells.append(("s", len(sst)))
        sst.append(("excel", x.replace("\r\n", "\n").replace("\n", "\r\n")) if j >= Q1 else x)
    rows.append(cells)
xlsx(os.path.join(d, "survey.xlsx"), [("Ark1", rows)], sst)

# 3e''. Qualtrics' Excel download: the same three header rows as its CSV
# (names, question texts, ImportIds), the dates as text.
d = corpus("xlsx-qualtrics", "survey.xlsx", lambda d: d["columns"].update(id="ResponseId"))
xlsx(os.path.join(d, "survey.xlsx"), [("Sheet0", [[("inline", x) if x else None for x in r]
                                                  for r in qrows])])

# 3f. SurveyXact's dataset export (.xlsx), as a Danish evaluator gets it:
# the sheets Labels (no header: variable, code, label), Dataset and Structure,
# in that order, so the data is NOT the first sheet.  The Dataset header holds
# SurveyXact's variable names, not the question texts: background variables
# from the respondent list first (the evaluator's id, kommune, the wave as a
# code), then the questions (s_1 the role as a code, s_2 and s_3 the open
# answers), then the status dummies statoverall_1..5.  Codes are numbers with
# format "0"; an empty cell is an empty shared string, not left out; line
# breaks in open answers are CRLF, as a browser sends a textarea.  The
# descriptor names the variables and the codes (the Labels sheet lists them).
SX_HEAD = ["id", "kommune", "maaling", "s_1", "s_2", "s_3"] + ["statoverall_%d" % k for k in range(1, 6)]
SX_STATUS = ["Ny", "Distribueret", "Nogen svar", "Gennemført", "Frafaldet"]


def sx_edit(d):
    d["columns"].update(id="id", wave="maaling", role="s_1", by=["kommune"])
    d["waves"] = [{"name": w, "values": [str(k + 1)]} for k, w in enumerate(WAVES)]
    for r in d["roles"]:
        r["values"] = [str(ROLES.index(v) + 1) for v in r["values"]]
    for q, col in zip(d["questions"], ["s_2", "s_3"]):
        q["column"] = col


def sx_text(x):
    return x.replace("\r\n", "\n").replace("\n", "\r\n")


d = corpus("surveyxact-xlsx", "dataset.xlsx", sx_edit)
sst = SST()
labels = [[sst.add("maaling"), ("n", k + 1, ' s="3"'), sst.add(w)] for k, w in enumerate(WAVES)]
labels += [[sst.add("s_1"), ("n", k + 1, ' s="3"'), sst.add(v)] for k, v in enumerate(ROLES)]
for k in range(5):
    labels += [[sst.add("statoverall_%d" % (k + 1)), ("n", v, ' s="3"'), sst.add(t)]
               for v, t in ((0, "Ikke valgt"), (1, "Valgt"))]
rows = [[sst.add(x) for x in SX_HEAD]]
for r in BODY:
    rows.append([sst.add(r[ID]), sst.add(r[KOM]), ("n", WAVES.index(r[WAVE]) + 1, ' s="3"'),
                 ("n", ROLES.index(r[ROLE]) + 1, ' s="3"'), sst.add(sx_text(r[Q1])), sst.add(sx_text(r[Q2]))]
                + [("n", int(k == 3), ' s="3"') for k in range(5)])
structure = [[sst.add(x) for x in ["questionName", "variableName", "questionType", "subType",
                                   "questionText", "choiceValue", "choiceText"]]]
structure += [[sst.add("maaling"), sst.add("maaling"), sst.add("Background"), sst.add("Single"),
               sst.add("Måling"), sst.add(""), sst.add("")],
              [sst.add("s_1"), sst.add("s_1"), sst.add("Closed"), sst.add("Single"),
               sst.add("Hvad er din arbejdsfunktion?\r\n"), sst.add(""), sst.add("")],
              [sst.add("s_2"), sst.add("s_2"), sst.add("Open"), sst.add("String"),
               sst.add("Hvilke barrierer har I mødt for implementeringen?"), sst.add(""), sst.add("")],
              [sst.add("s_3"), sst.add("s_3"), sst.add("Open"), sst.add("String"),
               sst.add("Andre undtagelseskriterier, I bruger?"), sst.add(""), sst.add("")]]
structure += [[sst.add("statoverall"), sst.add("statoverall_%d" % (k + 1)), sst.add("Closed"),
               sst.add("Multiple"), sst.add("Samlet status"), ("n", k + 1, ' s="3"'), sst.add(t)]
              for k, t in enumerate(SX_STATUS)]
sx_sheets = [("Labels", labels), ("Dataset", rows), ("Structure", structure)]
sx_strings = sst.v
xlsx(os.path.join(d, "dataset.xlsx"), sx_sheets, sst.v)

# 3f'. The same workbook as SurveyXact's "Excel (XML)": one Excel 2003 XML
# spreadsheet (SpreadsheetML) with the same three worksheets; numbers as
# ss:Type="Number", empty cells left out and the next cell placed with
# ss:Index, line breaks written as character references (&#13;&#10;).
def xmlss(path, sheets):
    """sheets: [(name, rows)]; a row is a list of None, str or int/float."""
    out = ['<?xml version="1.0"?>\r\n<?mso-application progid="Excel.Sheet"?>\r\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\r\n'
           ' xmlns:o="urn:schemas-microsoft-com:office:office"\r\n'
           ' xmlns:x="urn:schemas-microsoft-com:office:excel"\r\n'
           ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"\r\n'
           ' xmlns:html="http://www.w3.org/TR/REC-html40">\r\n'
           ' <Styles><Style ss:ID="Default" ss:Name="Normal"><Alignment ss:Vertical="Bottom"/>'
           '</Style></Styles>\r\n']
    for name, rows in sheets:
        out.append(' <Worksheet ss:Name="%s">\r\n  <Table ss:ExpandedColumnCount="%d" '
                   'ss:ExpandedRowCount="%d" x:FullColumns="1" x:FullRows="1">\r\n'
                   % (escape(name), max(len(r) for r in rows), len(rows)))
        for r in rows:
            cells, gap = [], False
            for j, v in enumerate(r):
                if v is None or v == "":
                    gap = True
                    continue
                idx = ' ss:Index="%d"' % (j + 1) if gap else ""
                gap = False
                if isinstance(v, (int, float)):
                    cells.append('<Cell%s><Data ss:Type="Number">%s</Data></Cell>' % (idx, v))
                else:
                    t = escape(v).replace("\r", "&#13;").replace("\n", "&#10;")
                    cells.append('<Cell%s><Data ss:Type="String">%s</Data></Cell>' % (idx, t))
            out.append("   <Row>" + "".join(cells) + "</Row>\r\n")
        out.append("  </Table>\r\n </Worksheet>\r\n")
    out.append("</Workbook>\r\n")
    open(path, "w", encoding="utf-8", newline="").write("".join(out))


def sx_plain(rows, strings):
    """Cells as xlsx() takes them back to values: ("s", k) strings[k], ("n", v, ...) v."""
    return [[None if c is None else strings[c[1]] if c[0] == "s" else c[1] for c in r] for r in rows]


d = corpus("surveyxact-xml", "dataset.xml", sx_edit)
xmlss(os.path.join(d, "dataset.xml"), [(n, sx_plain(rows, sx_strings)) for n, rows in sx_sheets])

# 3g. SurveyXact's dataset as CSV ("dataset.csv", beside labels.csv and
# structure.csv): the same variable names and codes, no byte-order mark; the
# "ANSI" choice is Windows-1252 with ';' and LF line ends, the Unicode one
# UTF-16LE with a byte-order mark, tabs and CRLF.  Both put the respondent
# list's e-mail among the background variables.
sx_rows = [["id", "email", "kommune", "maaling", "s_1", "s_2", "s_3"] + SX_HEAD[6:]]
for r in BODY:
    sx_rows.append([r[ID], "%s@%s.dk" % (r[ID].lower(), r[KOM].lower()), r[KOM],
                    str(WAVES.index(r[WAVE]) + 1), str(ROLES.index(r[ROLE]) + 1), sx_text(r[Q1]),
                    sx_text(r[Q2])] + [str(int(k == 3)) for k in range(5)])
d = corpus("surveyxact-ansi", "dataset.csv", sx_edit)
with open(os.path.join(d, "dataset.csv"), "wb") as f:
    f.write(excel_text(sx_rows, ";", "\n").encode("cp1252"))
d = corpus("surveyxact-unicode", "dataset.csv", sx_edit)
with open(os.path.join(d, "dataset.csv"), "wb") as f:
    f.write(b"\xff\xfe" + excel_text(sx_rows, "\t", "\r\n").encode("utf-16-le"))

# 3h. Microsoft Forms' "Download a copy" (.xlsx), one form per wave, as a
# municipality runs it: the sheet "Sheet1"; Forms' own columns first, the
# response number as the id (1, 2, ... in each wave's file, so ids repeat
# across waves), start and completion times as dates, "anonymous" for the
# e-mail of an anonymous form, the name left empty; then one column per
# question headed by its text, a choice read as its text, several choices as
# "Telefon;Mail;" (each followed by ';').  The descriptor names each wave's
# file and the questions by their texts.
MF_HEAD = ["Id", "Starttidspunkt", "Klokkeslæt for fuldførelse", "Mail", "Navn",
           "Tidspunkt for seneste ændring", "Kommune", "Hvad er din arbejdsfunktion?",
           "Barrierer for implementeringen", "Andre undtagelseskriterier", "Hvilke kanaler bruger I?"]


def mf_edit(d):
    d["survey"] = {w: w.lower() + ".xlsx" for w in WAVES}
    d["columns"] = {"id": "Id", "role": "Hvad er din arbejdsfunktion?", "by": ["Kommune"]}
    mf_gold(d)


def mf_gold(d):
    """The coders' decisions by response number and wave (id,wave,codes)."""
    for q in d["questions"]:
        q["gold"] = "gold-wave-" + q["id"] + ".csv"


d = corpus("msforms", None, mf_edit, ref="msforms-ref")
ref, num = [], {}
for w in WAVES:
    sst = SST()
    rows = [[sst.add(x) for x in MF_HEAD]]
    n = 0
    for i, r in enumerate(BODY):
        if r[WAVE] != w:
            continue
        n += 1
        t = 45413.4 + i / 700
        kan = ("Telefon;" if i % 2 else "") + ("Mail;" if i % 3 else "")
        rows.append([("n", n), ("n", "%.8f" % t, ' s="4"'), ("n", "%.8f" % (t + 0.008), ' s="4"'),
                     sst.add("anonymous"), None, None, sst.add(r[KOM]), sst.add(r[ROLE]),
                     sst.add(r[Q1]) if r[Q1] else None, sst.add(r[Q2]) if r[Q2] else None,
                     sst.add(kan) if kan else None])
        ref.append([str(n), r[KOM], w] + r[ROLE:])
        num[r[ID]] = (str(n), w)
    xlsx(os.path.join(d, w.lower() + ".xlsx"), [("Sheet1", rows)], sst.v)
plain_csv("msforms-ref", HEAD, ref)
for w in WAVES:    # each wave's rows, for koder code on each wave's file
    with open(os.path.join(OUT, "msforms-ref", w.lower() + ".csv"), "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows([HEAD] + [r for r in ref if r[WAVE] == w])
corpus("msforms-ref", "survey.csv", mf_gold, ref="msforms-ref")
os.remove(os.path.join(OUT, "msforms-ref.ref"))
for q in DESC["questions"]:
    gold = list(csv.reader(open(os.path.join(SOF, q["gold"]), encoding="utf-8-sig", newline="")))
    for dd in (d, os.path.join(OUT, "msforms-ref")):
        with open(os.path.join(dd, "gold-wave-" + q["id"] + ".csv"), "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([["id", "wave", "codes"]] + [
                list(num[g[0]]) + g[1:] for g in gold[1:]])

# 3i. Google Forms' "Download responses (.csv)" from a Danish account: UTF-8
# without a byte-order mark, commas, CRLF between rows and LF inside answers,
# no respondent id at all: the first column is the submission time,
# "Tidsstempel", as "2024/05/01 10:12:34 AM GMT+2"; then the questions by
# their texts, several checked boxes joined by ", ".  The submission time is
# the only key a respondent has, so the descriptor names it as the id and the
# coders' decisions are keyed by it (gold-ts.csv).
import datetime
GF_HEAD = ["Tidsstempel", "Kommune", "Måling", "Hvad er din arbejdsfunktion?",
           "Barrierer for implementeringen", "Andre undtagelseskriterier", "Hvilke kanaler bruger I?"]
t0 = datetime.datetime(2024, 5, 1, 8, 0, 0)
ts = {}
for i, r in enumerate(BODY):
    t = t0 + datetime.timedelta(seconds=97 * i + (i * i) % 53)
    ts[r[ID]] = "%s %d:%s GMT+2" % (t.strftime("%Y/%m/%d"), (t.hour - 1) % 12 + 1,
                                    t.strftime("%M:%S %p"))
gf_rows = [GF_HEAD] + [[ts[r[ID]], r[KOM], r[WAVE], r[ROLE], r[Q1], r[Q2],
                        ", ".join(x for x, on in (("Telefon", i % 2), ("Mail", i % 3)) if on)]
                       for i, r in enumerate(BODY)]
d = corpus("gforms", "svar.csv", lambda d: d["columns"].update(
    id="Tidsstempel", role="Hvad er din arbejdsfunktion?"), ref="gforms-ref")
with open(os.path.join(d, "svar.csv"), "wb") as f:
    f.write(excel_text(gf_rows, ",", "\r\n").encode("utf-8"))
plain_csv("gforms-ref", HEAD, [[ts[r[ID]]] + r[1:] for r in BODY])
gold = list(csv.reader(open(os.path.join(SOF, "gold-barrierer.csv"), encoding="utf-8-sig", newline="")))
with open(os.path.join(OUT, "gold-ts.csv"), "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([gold[0]] + [[ts[g[0]]] + g[1:] for g in gold[1:]])

# 3j. LimeSurvey's response export as CSV, headings "Question code & question
# text" (code, ". ", text), full answers, a Danish survey: UTF-8 with a
# byte-order mark, commas, every value quoted and a NULL (a question not
# shown) left bare, CRLF, line breaks inside answers as LF, and an empty line
# after the last row.  LimeSurvey's columns first: the response id (1, 2, ...),
# submit date, last page, start language, seed; a multiple-choice question
# as a column per choice ("kanaler[SQ001]. Hvilke kanaler bruger I? [Telefon]",
# "Ja" or bare).  The descriptor names the columns as headed.
LS_HEAD = ["id. Svar-ID", "submitdate. Dato indsendt", "lastpage. Sidste side",
           "startlanguage. Startsprog", "seed. Seed", "kommune. Kommune", "maaling. Måling",
           "funktion. Hvad er din arbejdsfunktion?", "barrierer. Barrierer for implementeringen",
           "undtag. Andre undtagelseskriterier",
           "kanaler[SQ001]. Hvilke kanaler bruger I? [Telefon]",
           "kanaler[SQ002]. Hvilke kanaler bruger I? [Mail]"]


def ls_edit(d):
    d["columns"].update(id="id. Svar-ID", wave="maaling. Måling",
                        role="funktion. Hvad er din arbejdsfunktion?", by=["kommune. Kommune"])
    d["questions"][0]["column"] = "barrierer. Barrierer for implementeringen"
    d["questions"][1]["column"] = "undtag. Andre undtagelseskriterier"


def ls_field(x):
    return "" if x is None else '"' + x.replace("\r\n", "\n").replace('"', '""') + '"'


d = corpus("limesurvey", "results-survey123456.csv", ls_edit, ref="limesurvey-ref")
out = [",".join(ls_field(x) for x in LS_HEAD)]
for i, r in enumerate(BODY):
    out.append(",".join(ls_field(x) for x in [
        str(i + 1), "2024-05-01 %02d:%02d:%02d" % (8 + i // 60 % 10, i % 60, i * 7 % 60), "3", "da",
        str(1000003 * (i + 1) % 2147483647), r[KOM], r[WAVE], r[ROLE], r[Q1], r[Q2],
        "Ja" if i % 2 else None, "Ja" if i % 3 else None]))
with open(os.path.join(d, "results-survey123456.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + ("\r\n".join(out) + "\r\n\r\n").encode("utf-8"))
plain_csv("limesurvey-ref", HEAD, [[str(i + 1)] + r[1:] for i, r in enumerate(BODY)])

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
# 4a. The same data as SPSS for Windows wrote it before Unicode mode (and as
# writers that copy that layout still do): strings in Windows-1252, the code
# page only in the machine record (character code 1252), no encoding record;
# the wave as string codes longer than 8 bytes with value labels (a long
# string value label record), and a multiple-response set over two extra
# 0/1 variables.  export-shapes.sh runs PSPP on it and drops the encoding
# record (fix-sav.py).
with open(os.path.join(OUT, "sav1252.tsv"), "w", encoding="cp1252") as f:
    for i, r in enumerate(sav_body):
        role = 99 if i in MISSING else ROLES.index(r[ROLE]) + 1
        cells = [r[ID], r[KOM], ["nulpunkt", "midtvejs", "afslutning"][WAVES.index(r[WAVE])], str(role),
                 r[Q1], r[Q2], str(i % 2), str(int(i % 3 > 0))]
        f.write("\t".join(x.replace("\r\n", "\n").replace("\n", "@@NL@@") for x in cells) + "\n")
corpus("sav-cp1252", "survey.sav", ref="sav-ref")


# 4b. Stata 118 (UTF-8), written by hand: wave and role as byte codes with
# value labels, the descriptor naming the labels.
def dta_tagged(path, names, labels, types, rows, lblsets, lblnames, release=118):
    """Stata 118 (UTF-8) or 117 (Windows-1252, shorter names and labels).
    types: 'strN' or 'byte'; rows: lists of str/int; lblsets: {name: {code: label}}."""
    K, N = len(names), len(rows)
    enc = "utf-8" if release == 118 else "cp1252"
    name_n, fmt_n, label_n = (129, 57, 321) if release == 118 else (33, 49, 81)
    parts, marks = [], {}
    def put(b):
        parts.append(b)
    def here():
        return sum(len(p) for p in parts)
    def fixed(s, n):
        b = s.encode(enc)[:n - 1]
        return b + b"\0" * (n - len(b))
    put(b"<stata_dta><header><release>%d</release><byteorder>LSF</byteorder>" % release)
    put(b"<K>" + struct.pack("<H", K) + b"</K><N>" + struct.pack("<Q" if release == 118 else "<I", N)
        + b"</N>")
    put(b"<label>" + struct.pack("<H" if release == 118 else "<B", 0) + b"</label>"
        b"<timestamp>\x11 1 May 2024 10:00</timestamp></header>")
    marks["map"] = here()
    put(b"<map>" + b"\0" * 8 * 14 + b"</map>")
    marks["variable_types"] = here()
    put(b"<variable_types>" + b"".join(struct.pack("<H", 65530 if t == "byte" else int(t[3:]))
                                       for t in types) + b"</variable_types>")
    marks["varnames"] = here()
    put(b"<varnames>" + b"".join(fixed(n, name_n) for n in names) + b"</varnames>")
    marks["sortlist"] = here()
    put(b"<sortlist>" + b"\0" * 2 * (K + 1) + b"</sortlist>")
    marks["formats"] = here()
    put(b"<formats>" + b"".join(fixed("%8.0g" if t == "byte" else "%-" + t[3:] + "s", fmt_n)
                                for t in types) + b"</formats>")
    marks["value_label_names"] = here()
    put(b"<value_label_names>" + b"".join(fixed(n, name_n) for n in lblnames) + b"</value_label_names>")
    marks["variable_labels"] = here()
    put(b"<variable_labels>" + b"".join(fixed(n, label_n) for n in labels) + b"</variable_labels>")
    marks["characteristics"] = here()
    put(b"<characteristics></characteristics>")
    marks["data"] = here()
    put(b"<data>" + b"".join(dta_row(r, types, enc) for r in rows) + b"</data>")
    marks["strls"] = here()
    put(b"<strls></strls>")
    marks["value_labels"] = here()
    put(b"<value_labels>" + b"".join(b"<lbl>" + struct.pack("<i", len(tb)) + fixed(name, name_n) + b"\0\0\0"
                                     + tb + b"</lbl>" for name, tb in dta_tables(lblsets, enc))
        + b"</value_labels>")
    marks["end"] = here()
    put(b"</stata_dta>")
    total = here()
    order = ["map", "variable_types", "varnames", "sortlist", "formats", "value_label_names",
             "variable_labels", "characteristics", "data", "strls", "value_labels", "end"]
    m = struct.pack("<Q", 0) + b"".join(struct.pack("<Q", marks[k]) for k in order) + struct.pack("<Q", total)
    blob = b"".join(parts)
    i = marks["map"] + len(b"<map>")
    open(path, "wb").write(blob[:i] + m + blob[i + len(m):])


def dta_row(r, types, enc):
    return b"".join(struct.pack("<b", v) if t == "byte"
                    else v.encode(enc)[:int(t[3:])].ljust(int(t[3:]), b"\0") for v, t in zip(r, types))


def dta_tables(lblsets, enc):
    """Each value label set as Stata's table: n, text length, offsets, values, texts."""
    for name, m in lblsets.items():
        txt, off, val = b"", [], []
        for k, lab in sorted(m.items()):
            off.append(len(txt))
            val.append(k)
            txt += lab.encode(enc) + b"\0"
        yield name, (struct.pack("<ii", len(m), len(txt)) + b"".join(struct.pack("<i", o) for o in off)
                     + b"".join(struct.pack("<i", v) for v in val) + txt)


w = max(len(x.encode("utf-8")) for r in BODY for x in r[Q1:Q2 + 1]) + 1
d = corpus("dta-labels", "survey.dta")
dta_tagged(os.path.join(d, "survey.dta"),
       ["respid", "kommune", "maaling", "funktion", "barrierer", "undtagelser"],
       HEAD, ["str10", "str40", "byte", "byte", "str%d" % w, "str%d" % w],
       [[r[ID], r[KOM], WAVES.index(r[WAVE]) + 1, ROLES.index(r[ROLE]) + 1, r[Q1], r[Q2]]
        for r in BODY],
       {"wavelbl": {k + 1: v for k, v in enumerate(WAVES)},
        "rolelbl": {k + 1: v for k, v in enumerate(ROLES)}},
       ["", "", "wavelbl", "rolelbl", "", ""])


# 4c. Older Stata files, as Stata 13 (format 117) and Stata 10-12 (format
# 114) save them, and as evaluators still receive them from registers and
# older projects: text in Windows-1252 (Stata before 14 had no Unicode), value
# labels on wave and role.  Format 114 is the binary layout without tags, its
# strings at most 244 bytes: the one longer answer is cut there, as Stata 12
# cut it (its reference CSV has the cut answer).
def cut244(x):
    return x.encode("cp1252")[:244].decode("cp1252")


def dta114(path, names, labels, types, rows, lblsets, lblnames):
    def fixed(s, n):
        b = s.encode("cp1252")[:n - 1]
        return b + b"\0" * (n - len(b))
    out = [struct.pack("<BBBBHi", 114, 2, 1, 0, len(names), len(rows)), fixed("SOF 2024", 81),
           fixed(" 1 May 2024 10:00", 18),
           bytes(251 if t == "byte" else int(t[3:]) for t in types),
           b"".join(fixed(n, 33) for n in names), b"\0" * 2 * (len(names) + 1),
           b"".join(fixed("%8.0g" if t == "byte" else "%-" + t[3:] + "s", 49) for t in types),
           b"".join(fixed(n, 33) for n in lblnames), b"".join(fixed(n, 81) for n in labels),
           b"\0" * 5]
    out += [dta_row(r, types, "cp1252") for r in rows]
    out += [struct.pack("<i", len(tb)) + fixed(name, 33) + b"\0\0\0" + tb
            for name, tb in dta_tables(lblsets, "cp1252")]
    open(path, "wb").write(b"".join(out))


plain_csv("dta114-ref", HEAD, [r[:Q1] + [cut244(r[Q1]), cut244(r[Q2])] for r in BODY])
for fmt, writer, sw in (("117", lambda *a: dta_tagged(*a, release=117), w), ("114", dta114, 244)):
    d = corpus("dta" + fmt, "survey.dta", ref="dta114-ref" if fmt == "114" else "sof")
    writer(os.path.join(d, "survey.dta"),
           ["respid", "kommune", "maaling", "funktion", "barrierer", "undtagelser"],
           HEAD, ["str10", "str40", "byte", "byte", "str%d" % sw, "str%d" % sw],
           [[r[ID], r[KOM], WAVES.index(r[WAVE]) + 1, ROLES.index(r[ROLE]) + 1,
             r[Q1].replace("\r\n", "\n"), r[Q2].replace("\r\n", "\n")] for r in BODY],
           {"wavelbl": {k + 1: v for k, v in enumerate(WAVES)},
            "rolelbl": {k + 1: v for k, v in enumerate(ROLES)}},
           ["", "", "wavelbl", "rolelbl", "", ""])
