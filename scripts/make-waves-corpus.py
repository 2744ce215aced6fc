#!/usr/bin/env python3
"""make-waves-corpus.py - write corpora/waves/: the worked example of a
codebook that changes between waves (Nulpunkt -> Midtvejs -> Afslutning).

Every answer is built from one or more *concepts* (what the respondent
actually said).  Each codebook version maps concepts to its own categories,
so the gold codes of every answer under every version are known exactly:

  concept        v1 (Nulpunkt)   v2 (Midtvejs)    v3 (Afslutning)
  tid            tid             tid_sagsantal    tid_sagsantal     merged in v2
  sagsantal      sagsantal       tid_sagsantal    tid_sagsantal
  admin          administration  administration   administration    relabelled in v2
  borger         velvilje        velvilje         velvilje_borger   split in v3
  arbejdsgiver   velvilje        velvilje         velvilje_arbejdsgiver
  afstand        afstand         afstand          afstand
  rettidighed    (not asked)     rettidighed      rettidighed       added in v2
  andet          andet           andet            andet

Nobody names rettidighed at Nulpunkt (that is why v1 lacks it).  Some
phrasings are ones the codebooks' rules miss (e.g. "køretid" for afstand):
coders add those codes by hand, which is what `koder learn` learns from.

Deterministic (fixed seed); rerun to regenerate:  python3 scripts/make-waves-corpus.py
"""
import csv
import io
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpora", "waves")

PHRASES = {
    "tid": [
        "Der er ikke tid nok til opfølgningen",
        "Manglende tid i hverdagen",
        "Vi har simpelthen ikke tid til at tage ud på virksomhederne",
        "Tidspres gør det svært at nå første samtale",
        "For lidt tid til hver borger",
        "Tiden rækker ikke",
    ],
    "sagsantal": [
        "Alt for stort sagsantal",
        "Sagsantallet er for højt",
        "Jeg har for mange sager",
        "Sagstallet er steget igen",
        "For mange sager pr. medarbejder",
    ],
    "admin": [
        "Meget administration og dobbeltregistrering",
        "Den administrative byrde er steget",
        "Mere papirarbejde end før",
        "Administrationen tager tid fra borgerne",
        "Registreringen i fagsystemet er tung",
    ],
    "borger": [
        "Borgeren er ikke motiveret for et møde på arbejdspladsen",
        "Borgerne ønsker ikke at deltage",
        "Borger siger nej til mødet",
        "Mange borgere er utrygge ved at inddrage arbejdspladsen",
    ],
    "arbejdsgiver": [
        "Arbejdsgiveren vil ikke medvirke",
        "Arbejdsgivere har ikke tid til møder",
        "Svært at få fat i arbejdsgiver",
        "Virksomhederne er ikke interesserede",
        "Arbejdsgiveren afviser at mødes",
    ],
    "afstand": [
        "Lang afstand til arbejdspladsen",
        "Afstanden til virksomhederne er stor",
        "Lang køretid til virksomhederne",
        "Køretiden ud til arbejdspladsen er for lang",
        "For langt at køre ud til virksomheden",
        "Køretid på over en time hver vej",
    ],
    "rettidighed": [
        "Svært at holde første samtale rettidigt",
        "Vi når ikke mødet inden for fristen",
        "Rettidigheden er svær at overholde",
        "Sagerne kommer for sent over fra visitationen",
    ],
    "andet": [
        "Manglende opbakning fra ledelsen",
        "Uklare retningslinjer i projektet",
        "Skiftende kolleger i teamet",
        "IT-systemet går ofte ned",
    ],
}

# Answers where a pattern word appears but the coder removes the code:
# "arbejdsgiver" in a positive sentence is no barrier.
POSITIVE_AG = [
    "Arbejdsgiverne er positive, men",
    "Arbejdsgiveren er meget positiv, dog",
    "Godt samarbejde med arbejdsgiver, men",
]

NONSUBSTANTIVE = ["ved ikke", "-", "Ingen kommentarer", "nej", "?"]

CODES = {
    1: {"tid": "tid", "sagsantal": "sagsantal", "admin": "administration",
        "borger": "velvilje", "arbejdsgiver": "velvilje", "afstand": "afstand",
        "andet": "andet"},
    2: {"tid": "tid_sagsantal", "sagsantal": "tid_sagsantal", "admin": "administration",
        "borger": "velvilje", "arbejdsgiver": "velvilje", "afstand": "afstand",
        "rettidighed": "rettidighed", "andet": "andet"},
    3: {"tid": "tid_sagsantal", "sagsantal": "tid_sagsantal", "admin": "administration",
        "borger": "velvilje_borger", "arbejdsgiver": "velvilje_arbejdsgiver",
        "afstand": "afstand", "rettidighed": "rettidighed", "andet": "andet"},
}
ORDER = {
    1: ["tid", "sagsantal", "velvilje", "administration", "afstand", "andet"],
    2: ["tid_sagsantal", "velvilje", "administration", "rettidighed", "afstand", "andet"],
    3: ["tid_sagsantal", "velvilje_borger", "velvilje_arbejdsgiver", "administration",
        "rettidighed", "afstand", "andet"],
}

WAVES = [("Nulpunkt", "N", 1), ("Midtvejs", "M", 2), ("Afslutning", "A", 3)]
KOMMUNER = ["Aarhus", "Billund", "Esbjerg", "Herning", "Odense", "Vejle"]
LEDER = ["Afdelingsleder/teamchef for sygedagpengeområdet", "Faglig koordinator"]
MEDARB = ["Myndighedssagsbehandler", "Virksomhedskonsulent", "Fastholdelseskonsulent"]


def concepts_for(rng, wave_no):
    pool = [c for c in PHRASES if c != "rettidighed" or wave_no > 1]
    # the new barrier grows after Nulpunkt; afstand is common throughout
    weights = [{"tid": 4, "sagsantal": 4, "admin": 2, "borger": 2, "arbejdsgiver": 2,
                "afstand": 3, "rettidighed": 2 + wave_no, "andet": 1}[c] for c in pool]
    k = rng.choice([1, 1, 1, 2, 2, 3])
    got = []
    while len(got) < k:
        c = rng.choices(pool, weights)[0]
        if c not in got:
            got.append(c)
    return got


def answer_text(rng, concepts):
    parts = [rng.choice(PHRASES[c]) for c in concepts]
    text = ". ".join(parts)
    if "arbejdsgiver" not in concepts and rng.random() < 0.15:
        text = rng.choice(POSITIVE_AG) + " " + text[0].lower() + text[1:]
    return text + rng.choice([".", "", ".", "!"])


def codes_under(version, concepts):
    cmap = CODES[version]
    got = {cmap[c] for c in concepts if c in cmap}
    return ";".join(c for c in ORDER[version] if c in got)


def main():
    rng = random.Random(20261124)
    rows, gold = [], {1: [], 2: [], 3: [], "all": []}
    for wave, prefix, version in WAVES:
        people = [("L", r) for r in [LEDER] * 8] + [("M", r) for r in [MEDARB] * 28]
        for i, (_, funcs) in enumerate(people, 1):
            rid = "%s%03d" % (prefix, i)
            roll = rng.random()
            if roll < 0.08:
                text, concepts = "", None
            elif roll < 0.16:
                text, concepts = rng.choice(NONSUBSTANTIVE), []
            else:
                concepts = concepts_for(rng, version)
                text = answer_text(rng, concepts)
            rows.append([rid, rng.choice(KOMMUNER if wave != "Afslutning" else KOMMUNER[:1] + KOMMUNER[2:]),
                         wave, rng.choice(funcs), text])
            if concepts is None:
                continue
            code = codes_under(version, concepts) if concepts else "ingen_svar"
            gold[version].append((rid, code))
            gold["all"].append((rid, codes_under(3, concepts) if concepts else "ingen_svar"))
    os.makedirs(OUT, exist_ok=True)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Respondent-ID", "Kommune", "Måling", "Arbejdsfunktion", "Barrierer for implementeringen"])
    w.writerows(rows)
    with open(os.path.join(OUT, "survey.csv"), "w", encoding="utf-8-sig", newline="") as f:
        f.write(out.getvalue())
    names = {1: "gold-nulpunkt-v1.csv", 2: "gold-midtvejs-v2.csv", 3: "gold-afslutning-v3.csv",
             "all": "gold-all-v3.csv"}
    for key, name in names.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", "codes"])
            w.writerows(gold[key])


if __name__ == "__main__":
    main()
