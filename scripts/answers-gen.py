#!/usr/bin/env python3
"""answers-gen.py SEED MEGABYTES - answer-like Danish text for benchmarks.

Random walks over koder's shipped word pairs (data/da-bigrams.tsv), 5-40
words per answer, a third of them damaged by scripts/garble.py's OCR and
typing damage.  Deterministic for a seed; writes to standard output.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import garble  # noqa: E402


def main():
    seed, mb = int(sys.argv[1]), float(sys.argv[2])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    nxt = {}
    for line in open(os.path.join(root, 'data/da-bigrams.tsv'), encoding='utf-8'):
        if line.startswith('#'):
            continue
        a, b, c = line.rstrip('\n').split('\t')
        nxt.setdefault(a, ([], []))
        nxt[a][0].append(b)
        nxt[a][1].append(int(c))
    starts = list(nxt)
    rng = random.Random(seed)
    out = sys.stdout
    total, limit = 0, int(mb * 1e6)
    while total < limit:
        w = rng.choice(starts)
        words = [w.capitalize()]
        for _ in range(rng.randint(5, 40)):
            if w not in nxt:
                w = rng.choice(starts)
            else:
                w = rng.choices(nxt[w][0], nxt[w][1])[0]
            words.append(w)
        line = ' '.join(words) + '.'
        if rng.random() < 0.33:
            table = garble.OCR if rng.random() < 0.5 else garble.ASCII
            line = ' '.join(garble.garble_token(rng, t, table, i == 0, table is garble.OCR)
                            for i, t in enumerate(line.split(' ')))
        out.write(line + '\n')
        total += len(line.encode('utf-8')) + 1


if __name__ == '__main__':
    main()
