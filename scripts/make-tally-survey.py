#!/usr/bin/env python3
"""make-tally-survey.py CORPUS ROWS TEXT SURVEY CODES - a big survey for the
tally benchmarks (bench/tally.sh, scripts/compare-speed.sh).

Every fourth row is a SOF answer from CORPUS (corpora/sof) with its gold
codes; the rest take the next line of TEXT (answer-like text from
scripts/answers-gen.py) and are coded `andet` in CODES, so the normalizer's
caches do not see the same few hundred answers again and again.  Waves
alternate in runs of seven, roles and sites follow the SOF rows.  Writes
SURVEY (semicolon CSV with a BOM and CRLF, as Excel saves it) and CODES
(id,codes).  Deterministic: the same inputs give the same files.
"""
import csv
import io
import sys


def main():
    src, rows, text, big, codes = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
    gen = open(text, encoding="utf-8")
    table = list(csv.reader(io.open(f"{src}/survey.csv", encoding="utf-8-sig", newline=""),
                            delimiter=";"))
    hdr = table[0]
    ans = [r for r in table[1:] if len(r) > 4 and r[4].strip()]
    gold = dict(csv.reader(open(f"{src}/gold-barrierer.csv", encoding="utf-8")))
    waves = ["Midtvejs", "Afslutning"]
    with open(big, "w", encoding="utf-8-sig", newline="") as f, \
         open(codes, "w", encoding="utf-8", newline="") as g:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        c = csv.writer(g, lineterminator="\n")
        w.writerow(hdr[:5])
        c.writerow(["id", "codes"])
        for i in range(rows):
            r = ans[i % len(ans)]
            rid = f"R{i:07d}"
            line = gen.readline().strip() if i % 4 else ""
            w.writerow([rid, r[1], waves[(i // 7) % 2], r[3], line or r[4]])
            c.writerow([rid, "andet" if line else gold.get(r[0], "andet")])


if __name__ == "__main__":
    main()
