#!/usr/bin/env python3
"""build-context.py - build data/da-context.tsv, the word-pair model that
decides real-word errors (for/før, sa/så, bor/bør, mal/mål, lege/læge):
which words stand before and after each word of a confusable pair.

Inputs (Debian packages, installed; their licences):
  * libreoffice-help-da  /usr/share/libreoffice/help/da/**/*.html  (MPL-2.0)
  * gimp-help-da         /usr/share/gimp/2.0/help/da/**/*.html     (GFDL-1.2+),
    only pages scripts/make-normalize-heldout.py leaves for training
    (md5 bucket 6..9): its held-out and dev pages are never counted
  * debian-edu-doc-da    /usr/share/doc/debian-edu-doc-da/*.html    (GPL-2+)
  * manpages-da          /usr/share/man/da/man*/*                   (GPL-2+ and others)
  * Danish translations  /usr/share/locale/da/LC_MESSAGES/*.mo      (per package;
    read with msgunfmt when gettext is installed)
  * the clean reports seeds/001 and 002 minus every evaluation line
    (as scripts/build-lexicon.py), and scripts/lexicon-own-da.txt
Confusable pairs: two words of data/da-freq.tsv (each counted >= 5) that
differ by one OCR or typing confusion (å/a, ø/o, æ/e, æ/a, å/d) - the damaged
form of one is the other - plus the pairs the issue names.  For every word
of a pair the file holds its count in this text and its left (L) and right
(R) neighbours with their counts (those seen >= 2 times),
so it stays small (a few hundred KB) and cheap to load.
Usage (repository root): scripts/build-context.py [SEEDS_DIR]
"""
import collections
import glob
import gzip
import html
import importlib.util
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORD = re.compile(r"[^\W\d_]+")
MAX_NB = 100000
NAMED = [('for', 'før'), ('sa', 'så'), ('na', 'nå'), ('bade', 'både'), ('nar', 'når'),
         ('mal', 'mål'), ('lege', 'læge'), ('bor', 'bør'), ('matte', 'måtte')]


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, 'scripts', name + '.py'))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def html_lines(files):
    code = re.compile(r'[={};_]|\w\.\w|://|\(\)')
    for f in files:
        t = open(f, encoding='utf-8', errors='replace').read()
        t = re.sub(r'(?s)<(script|style).*?</\1>', ' ', t)
        for line in html.unescape(re.sub(r'<[^>]+>', '\n', t)).split('\n'):
            if not code.search(line):
                yield line


def texts(seeds):
    held = load('make-normalize-heldout')
    lex = load('build-lexicon')
    gimp = '/usr/share/gimp/2.0/help/da'
    files = sorted(glob.glob('/usr/share/libreoffice/help/da/**/*.html', recursive=True))
    files += [f for f in sorted(glob.glob(gimp + '/**/*.html', recursive=True))
              if held.split_of(os.path.relpath(f, gimp)) == 'train']
    files += sorted(glob.glob('/usr/share/doc/debian-edu-doc-da/*.html'))
    yield from html_lines(files)
    yield from lex.man_text().split('\n')
    yield from lex.po_text().split('\n')
    used = lex.eval_lines(ROOT)
    for f in sorted(glob.glob(os.path.join(seeds, '00[12]_*.txt'))):
        for line in open(f, encoding='utf-8'):
            if line.strip() not in used:
                yield line
    yield from open(os.path.join(ROOT, 'scripts/lexicon-own-da.txt'), encoding='utf-8')


def pairs():
    freq = {}
    for line in open(os.path.join(ROOT, 'data/da-freq.tsv'), encoding='utf-8'):
        if not line.startswith('#'):
            w, c = line.rstrip('\n').split('\t')
            freq[w] = int(c)
    out = set(NAMED)
    for w, c in freq.items():
        if c < 5:
            continue
        for clean, dam in (('å', 'a'), ('ø', 'o'), ('æ', 'e'), ('æ', 'a'), ('å', 'd')):
            for i, ch in enumerate(w):
                if ch == clean:
                    d = w[:i] + dam + w[i + 1:]
                    if freq.get(d, 0) >= 5:
                        out.add((d, w))
    return out


def main():
    seeds = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '../shared/seeds')
    ps = pairs()
    watch = {w for p in ps for w in p}
    uni = collections.Counter()
    nb = {w: (collections.Counter(), collections.Counter()) for w in watch}
    for line in texts(seeds):
        ws = [w.lower() for w in WORD.findall(line)]
        for i, w in enumerate(ws):
            if w in watch:
                uni[w] += 1
                nb[w][0][ws[i - 1] if i else '<s>'] += 1
                nb[w][1][ws[i + 1] if i + 1 < len(ws) else '</s>'] += 1
    with open(os.path.join(ROOT, 'data/da-context.tsv'), 'w', encoding='utf-8') as f:
        f.write('# word<TAB>side (W = the word itself, L = word before, R = word after)'
                '<TAB>neighbour<TAB>count; built by scripts/build-context.py\n')
        f.write('# pairs: ' + ' '.join(f'{a}/{b}' for a, b in sorted(ps)) + '\n')
        for w in sorted(watch):
            if not uni[w]:
                continue
            f.write(f'{w}\tW\t-\t{uni[w]}\n')
            for side, c in zip('LR', nb[w]):
                for n, k in c.most_common(MAX_NB):
                    if k < 2:
                        break
                    f.write(f'{w}\t{side}\t{n}\t{k}\n')
    print(len(ps), 'pairs', len(watch), 'words', file=sys.stderr)


if __name__ == '__main__':
    main()
