#!/usr/bin/env python3
"""score.py KODER TSV... - token-level quality of `koder normalize`.

Each TSV row holds a damaged line and its correct form in the last two
columns ('#' lines are comments).  The damaged lines go through the
normalizer; tokens (whitespace-separated, so the counts must agree) are then
compared with the correct line:
  repaired  = damaged tokens (damaged != correct) that came out correct
  changed   = correct tokens (damaged == correct) that came out different
  accuracy  = all tokens that came out correct
Prints one line per file and a total; with -v also every wrong token.
"""
import subprocess
import sys


def main():
    args = sys.argv[1:]
    verbose = '-v' in args
    args = [a for a in args if a != '-v']
    koder, files = args[0], args[1:]
    tot = [0, 0, 0, 0, 0, 0]
    for f in files:
        pairs = []
        for line in open(f, encoding='utf-8'):
            if line.startswith('#') or not line.strip():
                continue
            cols = line.rstrip('\n').split('\t')
            pairs.append((cols[-2], cols[-1]))
        inp = ''.join(d + '\n' for d, _ in pairs)
        out = subprocess.run([koder, 'normalize'], input=inp, capture_output=True,
                             text=True, check=True).stdout.split('\n')
        s = [0, 0, 0, 0, 0, 0]  # damaged, repaired, correct, changed, all, right
        for (d, c), o in zip(pairs, out):
            dt, ct, ot = d.split(), c.split(), o.split()
            if not (len(dt) == len(ct) == len(ot)):
                print(f'TOKEN COUNT MISMATCH in {f}: {d!r} -> {o!r}')
                sys.exit(1)
            for a, b, x in zip(dt, ct, ot):
                s[4] += 1
                s[5] += x == b
                if a != b:
                    s[0] += 1
                    s[1] += x == b
                    if verbose and x != b:
                        print(f'  MISSED {a} -> {x} (want {b})')
                else:
                    s[2] += 1
                    s[3] += x != b
                    if verbose and x != b:
                        print(f'  BROKE  {a} -> {x}')
        name = f.split('/')[-1].rsplit('.', 1)[0]
        print(f'{name}: repaired {s[1]}/{s[0]} = {100.0 * s[1] / max(s[0], 1):.1f}%, '
              f'wrongly changed {s[3]}/{s[2]} = {100.0 * s[3] / max(s[2], 1):.2f}%, '
              f'token accuracy {100.0 * s[5] / max(s[4], 1):.2f}%')
        tot = [a + b for a, b in zip(tot, s)]
    print(f'TOTAL {100.0 * tot[1] / max(tot[0], 1):.2f} {100.0 * tot[3] / max(tot[2], 1):.3f} '
          f'{100.0 * tot[5] / max(tot[4], 1):.2f}')


if __name__ == '__main__':
    main()
