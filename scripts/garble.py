#!/usr/bin/env python3
"""garble.py - damage clean Danish text the way koder's input is damaged.

Two kinds of damage, imitating what seeds/000 (poor OCR) and respondents
typing without Danish letters show:
  ocr:    ø->g (often), ø->@, Ø->®, å->a, å->3, æ->ae/ee/e/a/@, Æ->Z/@,
          I at a sentence start -> |, i (word) -> |, l<->I, 0->O in numbers
  ascii:  æ->ae, ø->o/oe, å->aa/a
Usage: garble.py SEED [ocr|ascii|mix] < clean > damaged   (line for line,
tokens never joined or split).  Deterministic for a given seed.
"""
import random
import re
import sys


def pick(rng, choices):
    r = rng.random()
    acc = 0.0
    for p, v in choices:
        acc += p
        if r < acc:
            return v
    return None


OCR = {
    'ø': [(0.80, 'g'), (0.05, '@'), (0.03, 'o')],
    'Ø': [(0.45, '®'), (0.25, '@'), (0.10, 'G')],
    'å': [(0.88, 'a'), (0.04, '3')],
    'Å': [(0.9, 'A')],
    'æ': [(0.45, 'ae'), (0.25, 'ee'), (0.06, 'e'), (0.05, 'a'), (0.03, '@'), (0.03, 'ze')],
    'Æ': [(0.4, 'AE'), (0.3, 'Z'), (0.1, '@')],
}
ASCII = {
    'ø': [(0.75, 'o'), (0.20, 'oe')],
    'Ø': [(0.75, 'O'), (0.20, 'OE')],
    'å': [(0.55, 'a'), (0.40, 'aa')],
    'Å': [(0.55, 'A'), (0.40, 'Aa')],
    'æ': [(0.85, 'ae'), (0.1, 'e')],
    'Æ': [(0.85, 'Ae')],
}


def garble_token(rng, tok, table, sentence_start, ocr):
    if ocr and tok == 'I' and sentence_start and rng.random() < 0.8:
        return '|'
    if ocr and tok == 'i' and rng.random() < 0.15:
        return '|'
    if ocr and re.fullmatch(r'\d+', tok) and '0' in tok and rng.random() < 0.2:
        return tok.replace('0', 'O', 1)
    out = []
    for ch in tok:
        rep = pick(rng, table.get(ch, []))
        if rep is None and ocr and ch == 'l' and rng.random() < 0.01:
            rep = 'I'
        out.append(ch if rep is None else rep)
    return ''.join(out)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    mode = sys.argv[2] if len(sys.argv) > 2 else 'mix'
    rng = random.Random(seed)
    for line in sys.stdin:
        line = line.rstrip('\n')
        m = mode if mode != 'mix' else ('ocr' if rng.random() < 0.6 else 'ascii')
        table = OCR if m == 'ocr' else ASCII
        parts = re.split(r'(\s+)', line)
        start = True
        out = []
        for p in parts:
            if not p or p.isspace():
                out.append(p)
                continue
            mt = re.match(r'^(\W*)(.*?)(\W*)$', p)
            pre, core, post = mt.groups()
            out.append(pre + garble_token(rng, core, table, start, m == 'ocr') + post)
            if re.search(r'\w', p):
                start = p[-1] in '.:?!'
        print(''.join(out))


if __name__ == '__main__':
    main()
