#!/usr/bin/env python3
"""score.py [-v] [--classes] [--max-rows N] KODER TSV... - token-level quality of `koder normalize`.

Each TSV row holds a damaged line and its correct form in the last two
columns ('#' lines are comments).  The damaged lines go through the
normalizer; tokens (whitespace-separated, so the counts must agree) are then
compared with the correct line:
  repaired  = damaged tokens (damaged != correct) that came out correct
  changed   = correct tokens (damaged == correct) that came out different
  accuracy  = all tokens that came out correct
Prints one line per file and a total; with -v also every wrong token;
--max-rows N scores an even sample of N rows of each file (for slow builds).
With --classes also one line per file and failure class:
  CLASS file class repaired damaged
for the classes of scripts/make-normalize-heldout.py (I = | or 1 for I,
N = place name, A = capital I for l, R = real-word error, C = compound or
form the lexicon lacks whole, X = other confusion), taken from the row's
class column when it has one (rows of 4 columns) and otherwise worked out
the same way here, and
  CONTEXT file changed correct
counting correct tokens changed into another counted word (for -> før).
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORE = re.compile(r'^([^\w|@&®]*)(.*?)([^\w|@&®]*)$')


def load_words():
    freq, places = {}, set()
    for line in open(os.path.join(ROOT, 'data/da-freq.tsv'), encoding='utf-8'):
        if not line.startswith('#'):
            w, c = line.rstrip('\n').split('\t')
            freq[w] = int(c)
    for line in open(os.path.join(ROOT, 'data/da-places.tsv'), encoding='utf-8'):
        if not line.startswith('#'):
            for part in line.split('\t')[0].lower().split('-'):
                places.update((part, part + 's'))
    return freq, places


def classify(d, c, freq, places):
    dc, cc = CORE.match(d).group(2), CORE.match(c).group(2)
    if dc == cc:
        return '.'
    if cc == 'I' and dc in ('|', '1'):
        return 'I'
    if cc[:1].isupper() and cc.lower() in places:
        return 'N'
    if len(dc) == len(cc) and any(x == 'I' and y == 'l' for x, y in zip(dc, cc)):
        return 'A'
    if dc.isalpha() and freq.get(dc.lower(), 0) >= 5:
        return 'R'
    if cc.lower() not in freq:
        return 'C'
    return 'X'


def main():
    args = sys.argv[1:]
    verbose = '-v' in args
    classes = '--classes' in args
    limit = None
    if '--max-rows' in args:
        i = args.index('--max-rows')
        limit = int(args[i + 1])
        del args[i:i + 2]
    args = [a for a in args if a not in ('-v', '--classes')]
    koder, files = args[0], args[1:]
    freq, places = load_words() if classes else ({}, set())
    tot = [0, 0, 0, 0, 0, 0]
    for f in files:
        rows = []
        for line in open(f, encoding='utf-8'):
            if line.startswith('#') or not line.strip():
                continue
            cols = line.rstrip('\n').split('\t')
            rows.append((cols[-2], cols[-1], cols[1] if len(cols) == 4 else None))
        if limit:
            rows = rows[::max(1, len(rows) // limit)][:limit]
        inp = ''.join(d + '\n' for d, _, _ in rows)
        out = subprocess.run([koder, 'normalize'], input=inp, capture_output=True,
                             text=True, check=True).stdout.split('\n')
        s = [0, 0, 0, 0, 0, 0]  # damaged, repaired, correct, changed, all, right
        cl = {k: [0, 0] for k in 'ICNARX'}
        ctx = 0
        name = f.split('/')[-1].rsplit('.', 1)[0]
        for (d, c, cls), o in zip(rows, out):
            dt, ct, ot = d.split(), c.split(), o.split()
            if not (len(dt) == len(ct) == len(ot)):
                print(f'TOKEN COUNT MISMATCH in {f}: {d!r} -> {o!r}')
                sys.exit(1)
            if cls is not None and len(cls) != len(ct):
                cls = None
            for i, (a, b, x) in enumerate(zip(dt, ct, ot)):
                s[4] += 1
                s[5] += x == b
                if a != b:
                    s[0] += 1
                    s[1] += x == b
                    if classes:
                        k = cls[i] if cls else classify(a, b, freq, places)
                        if k in cl:
                            cl[k][0] += 1
                            cl[k][1] += x == b
                    if verbose and x != b:
                        print(f'  MISSED {a} -> {x} (want {b})')
                else:
                    s[2] += 1
                    s[3] += x != b
                    if classes and x != b:
                        xc = CORE.match(x).group(2).lower()
                        ctx += xc in freq and CORE.match(b).group(2).lower() in freq
                    if verbose and x != b:
                        print(f'  BROKE  {a} -> {x}')
        print(f'{name}: repaired {s[1]}/{s[0]} = {100.0 * s[1] / max(s[0], 1):.1f}%, '
              f'wrongly changed {s[3]}/{s[2]} = {100.0 * s[3] / max(s[2], 1):.2f}%, '
              f'token accuracy {100.0 * s[5] / max(s[4], 1):.2f}%')
        if classes:
            for k, (n, r) in cl.items():
                if n:
                    print(f'CLASS {name} {k} {r} {n}')
            print(f'CONTEXT {name} {ctx} {s[2]}')
        tot = [a + b for a, b in zip(tot, s)]
    print(f'TOTAL {100.0 * tot[1] / max(tot[0], 1):.2f} {100.0 * tot[3] / max(tot[2], 1):.3f} '
          f'{100.0 * tot[5] / max(tot[4], 1):.2f}')


if __name__ == '__main__':
    main()
