#!/usr/bin/env python3
"""make-newstudy.py DIR PREFIX SEED - build a new study's survey.csv and
gold.csv from its hand-written DIR/answers.src.

answers.src holds one answer a line as `codes|answer` (codes joined by ';',
`ingen_svar` for blank or non-substantive, `andet` for substantive answers
that fit no category); lines starting with '#' are comments.  The answers
and their codes were written by hand first (see docs/new-study.md); this
script only deals them out the way a survey export looks:

- a respondent id PREFIX + 3 digits, in a shuffled order (so neighbouring
  lines of answers.src do not end up side by side, nor in the same half of
  scripts/newcomer-loop.sh's split);
- a wave (Nulpunkt or Afslutning) and a role (Leder about a third, else
  Medarbejder), drawn at random;
- typing without Danish letters (about one answer in five: æ->ae, ø->oe/o,
  å->aa/a) and OCR damage (about one in twelve), by scripts/garble.py's
  tables, so the codebook is tried on text as respondents' text arrives.

Deterministic for a given SEED.  Writes DIR/survey.csv (`;`-separated,
UTF-8) and DIR/gold.csv (id,codes).
"""
import csv
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import garble  # noqa: E402


def damage(rng, text, mode):
    table = garble.OCR if mode == 'ocr' else garble.ASCII
    out, start = [], True
    for p in re.split(r'(\s+)', text):
        if not p or p.isspace():
            out.append(p)
            continue
        pre, core, post = re.match(r'^(\W*)(.*?)(\W*)$', p).groups()
        out.append(pre + garble.garble_token(rng, core, table, start, mode == 'ocr') + post)
        if re.search(r'\w', p):
            start = p[-1] in '.:?!'
    return ''.join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: make-newstudy.py DIR PREFIX SEED')
    d, prefix, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows = []
    with open(os.path.join(d, 'answers.src'), encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            if '|' not in line:
                sys.exit('%s/answers.src:%d: no "|" between codes and answer' % (d, n))
            codes, text = line.split('|', 1)
            rows.append((codes.strip(), text.strip()))
    rng = random.Random(seed)
    rng.shuffle(rows)
    survey, gold = [], []
    for i, (codes, text) in enumerate(rows, 1):
        rid = '%s%03d' % (prefix, i)
        wave = 'Nulpunkt' if rng.random() < 0.5 else 'Afslutning'
        role = 'Leder' if rng.random() < 0.33 else 'Medarbejder'
        r = rng.random()
        if text and r < 0.20:
            text = damage(rng, text, 'ascii')
        elif text and r < 0.28:
            text = damage(rng, text, 'ocr')
        survey.append((rid, wave, role, text))
        gold.append((rid, codes))
    with open(os.path.join(d, 'survey.csv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, delimiter=';', lineterminator='\n')
        w.writerow(['Respondent-ID', 'Måling', 'Rolle', 'Svar'])
        w.writerows(survey)
    with open(os.path.join(d, 'gold.csv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['id', 'codes'])
        w.writerows(gold)


if __name__ == '__main__':
    main()
