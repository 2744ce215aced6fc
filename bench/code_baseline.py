#!/usr/bin/env python3
"""code_baseline.py CODEBOOK.json ANSWERS.csv > CODES.csv

The baseline for bench/code.sh: the job `koder code` does, written the way
an analyst would script it with Python's `re` module - the same codebook
patterns translated to Python regexes, the same match key (case folded,
æ -> ae, ø -> o, å -> a, accents dropped), the same negation cue check
before a match, ingen_svar for blank or non-substantive answers and andet
for the rest - one regex after another for every category on every answer.
It does no word repair, so it does less than koder, not more.

Reads a CSV with columns id,text; writes id,codes.
"""
import csv
import json
import re
import sys
import unicodedata

W = "[a-z0-9\u0080-\U0010ffff]"
NW = "[^a-z0-9\u0080-\U0010ffff]"
NWC = "(?:[^a-z0-9\u0080-\U0010ffff,;:!?\\n]|,(?= *(?:der|som|hvor)\\b))"
CUES = {"ikke", "ik", "ingen", "intet", "ingenting", "uden", "aldrig", "hverken", "ej",
        "sjaeldent", "naeppe"}
DEFAULT_NONSUB = ["ved ikke", "nej", "ingen", "intet", "ingen kommentarer", "intet at tilføje",
                  "kan ikke svare", "ikke relevant", "ja", "ok", "0", "jeg", "det", "desværre"]


def key(s):
    s = s.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return s.replace("oe", "o").replace("aa", "a")


def tokens(p):
    for t in re.findall(r"\(|\)\?|\)|\||[^\s()|]+", p):
        yield t


def word(t):
    k = key(t)
    out = "(?<!%s)" % W if (k[0] in "*#" or re.match(W, k[0])) else ""
    for i, c in enumerate(k):
        if c == "*":
            out += W + "*"
        elif c == "#":
            out += "[0-9]+(?:[.,][0-9]+)?"
        else:
            out += re.escape(c)
    if re.match(W, k[-1]) or k[-1] == "#":
        out += "(?!%s)" % W
    return out


def translate(p):
    """The pattern language of docs/codebook-format.md as a Python regex."""
    if p.startswith("noneg:"):
        p = p[6:]
    if p.startswith("re:"):
        return p[3:]
    toks = list(tokens(p)) + [None]
    pos = 0

    def alt():
        nonlocal pos
        parts = [near()]
        while toks[pos] == "|":
            pos += 1
            parts.append(near())
        return "|".join(parts)

    def near():
        nonlocal pos
        a = seq()
        while toks[pos] and re.fullmatch(r"(NEAR|BEFORE)(/\d+)?", toks[pos]):
            op = toks[pos]
            n = int(op.split("/")[1]) if "/" in op else 5
            pos += 1
            b = seq()
            gap = "%s+(?:%s+%s+){0,%d}" % (NWC, W, NWC, n)
            a = ("%s%s%s" % (a, gap, b)) if op.startswith("BEFORE") else \
                "(?:%s%s%s|%s%s%s)" % (a, gap, b, b, gap, a)
        return a

    def seq():
        nonlocal pos
        items = []
        while toks[pos] not in (None, ")", ")?", "|") and not re.fullmatch(r"(NEAR|BEFORE)(/\d+)?", toks[pos]):
            if toks[pos] == "(":
                pos += 1
                inner = alt()
                close = toks[pos]
                pos += 1
                items.append("(?:%s)%s" % (inner, "?" if close == ")?" else ""))
            else:
                items.append(word(toks[pos]))
                pos += 1
        return (NW + "*").join(items)

    return alt()


def negated(k, s):
    before = re.findall(W + "+|[.,;:!?\n]", k[:s])
    n = 0
    for w in reversed(before):
        if w in ".,;:!?\n" or w == "men" or n == 3:
            return False
        if w in CUES:
            return True
        n += 1
    return False


def main():
    cb = json.load(open(sys.argv[1], encoding="utf-8"))
    cats = []
    for c in cb["categories"]:
        inc = [(re.compile(translate(p)), not p.startswith("noneg:") and c.get("negation", True))
               for p in c.get("include", [])]
        exc = [re.compile(translate(p)) for p in c.get("exclude", [])]
        cats.append((c["id"], inc, exc))
    phrases = "|".join("(?:%s)" % translate(p) for p in DEFAULT_NONSUB + cb.get("nonsubstantive", []))
    nonsub = re.compile("%s*(?:%s)(?:%s*(?:%s))*%s*" % (NW, phrases, NW, phrases, NW))
    has_andet = any(c[0] == "andet" for c in cats)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "codes"])
    for row in csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")):
        k = key(row["text"])
        if not re.search(W, k) or (len(k) <= 240 and nonsub.fullmatch(k)):
            out.writerow([row["id"], "ingen_svar"])
            continue
        codes = []
        for cid, inc, exc in cats:
            hit = False
            for rx, neg in inc:
                for m in rx.finditer(k):
                    if not neg or not negated(k, m.start()):
                        hit = True
                        break
                if hit:
                    break
            if hit and not any(rx.search(k) for rx in exc):
                codes.append(cid)
        if not codes and has_andet:
            codes = ["andet"]
        out.writerow([row["id"], ";".join(codes)])


if __name__ == "__main__":
    main()
