#!/usr/bin/env python3
# Builds a panel study (survey.csv, gold-*.csv) from answers.txt: the same
# staff ids answer in two or three waves; some leave the question blank in
# one wave and answer in another.  Deterministic: run it again, same files.
# Gold counts are computed here, independently of koder: Y = respondents in
# the wave and role with a substantive answer (not blank, not ingen_svar),
# X = those coded to the category.
#   make-panel.py            corpora/panel: answers.txt is "codes|text"
#   make-panel.py heldout    corpora/panel/heldout: "v1 codes|v2 codes|text",
#                            gold files for both codebook versions
#   make-panel.py DIR PREFIX SEED
#                            another held-out study the same way (heldout2 K
#                            47): its corpus.json names the question's
#                            column, its codebook-v2.json (else
#                            ../codebook-v2.json) the version-2 categories
import json, os, random, sys
heldout = len(sys.argv) > 1
if heldout:
    os.chdir(sys.argv[1])
random.seed(13 if not heldout else int(sys.argv[3]) if len(sys.argv) > 3 else 31)
rows = []
for l in open("answers.txt", encoding="utf-8"):
    if l.strip():
        f = l.rstrip("\n").split("|")
        rows.append((f[:-1], f[-1]))   # ([codes per version], text)
cats = ["kontakt", "tid", "viden", "opfoelgning", "it", "andet"]
cats2 = ["relation", "mere_tid", "sagsantal", "viden", "it", "regler", "andet"]
column = "Samarbejde med virksomheder"
if heldout:
    v2 = "codebook-v2.json" if os.path.exists("codebook-v2.json") else "../codebook-v2.json"
    cats2 = [c["id"] for c in json.load(open(v2, encoding="utf-8"))["categories"]]
    column = json.load(open("corpus.json", encoding="utf-8"))["questions"][0]["column"]
prefix = sys.argv[2] if len(sys.argv) > 2 else "H" if heldout else "S"
waves = ["Nulpunkt", "Midtvejs", "Afslutning"]
roles = [("Leder", ["Afdelingsleder", "Teamleder"]),
         ("Medarbejder", ["Virksomhedskonsulent", "Jobkonsulent", "Sagsbehandler"])]
def plain(t):  # a voice that writes without æøå
    return t.replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
survey, gold = [], []
i = 0
staff = 0
while i < len(rows):
    staff += 1
    rid = "%s%03d" % (prefix, staff)
    role = roles[0] if staff % 5 == 0 else roles[1]
    title = role[1][staff % len(role[1])]
    kommune = ["Vejle", "Kolding", "Horsens", "Skive"][staff % 4]
    n = 3 if staff % 3 else 2
    ws = waves if n == 3 else random.sample(waves, 2)
    ws = [w for w in waves if w in ws]
    blank_at = random.choice(ws) if staff % 4 == 1 else None
    for w in ws:
        if w == blank_at or i >= len(rows):
            survey.append((rid, kommune, w, title, ""))
            mark = "ingen_svar" if staff % 8 == 1 else ""
            gold.append((rid, w, role[0], [mark, mark], ""))
            continue
        codes, text = rows[i]
        i += 1
        if random.random() < 0.15:
            text = plain(text)
        survey.append((rid, kommune, w, title, text))
        gold.append((rid, w, role[0], codes, text))
def q(s):
    return '"%s"' % s.replace('"', '""') if any(c in s for c in ';"\n') else s
with open("survey.csv", "w", encoding="utf-8-sig", newline="") as f:
    f.write("Medarbejder-ID;Kommune;Runde;Stilling;%s\r\n" % column)
    for r in survey:
        f.write(";".join(q(x) for x in r) + "\r\n")
def write_gold(name, keep, v=0):
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write("id,wave,codes\n")
        for rid, w, role, codes, text in gold:
            if keep(w) and codes[v]:
                f.write("%s,%s,%s\n" % (rid, w, codes[v]))
def write_counts(name, cats, v=0):
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write("wave;role;category;x;y\n")
        for c in cats:
            for w in waves:
                for role in ("Medarbejder", "Leder"):
                    sub = [g for g in gold if g[1] == w and g[2] == role and g[4] and g[3][v] != "ingen_svar"]
                    x = sum(1 for g in sub if c in g[3][v].split(";"))
                    f.write("%s;%s;%s;%d;%d\n" % (w, role, c, x, len(sub)))
if heldout:
    write_gold("gold-v1.csv", lambda w: True, 0)
    write_gold("gold-v2.csv", lambda w: True, 1)
    write_counts("gold-counts-v2.csv", cats2, 1)
else:
    write_gold("gold-all.csv", lambda w: True)
    write_gold("gold-nulpunkt.csv", lambda w: w == "Nulpunkt")
    write_counts("gold-counts.csv", cats)
ids = {}
for r in survey:
    ids.setdefault(r[0], set()).add(r[2])
print("%d rows, %d answers, %d staff, %d in three waves" % (len(survey), sum(1 for r in survey if r[4]),
      len(ids), sum(1 for v in ids.values() if len(v) == 3)))
