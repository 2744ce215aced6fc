#!/usr/bin/env python3
"""build-lexicon.py - build koder's shipped word frequencies (data/da-freq.tsv)
and context pairs (data/da-bigrams.tsv).

Sources, weighted by how close they are to the survey domain:
  x20  the clean reports seeds/001 and seeds/002, minus every line used in
       tests/normalize-eval (never count what we evaluate on)
  x20  scripts/lexicon-own-da.txt (answer-like sentences written for koder)
  x1   Danish translations shipped in Debian (.mo files under
       /usr/share/locale/da, read with msgunfmt), Danish man pages
       (package manpages-da), and Danish HTML documentation unpacked from
       Debian packages into the directories named by --html (used for the
       shipped data: libreoffice-help-da and debian-edu-doc-da, fetched with
       `apt-get download` and unpacked with `dpkg-deb -x`, not installed)
Words are lower-cased runs of letters; a word is kept when its weighted count
is at least 2.  Run from the repository root:
  scripts/build-lexicon.py ../shared/seeds [--html DIR]...
or, to count new lines of scripts/lexicon-own-da.txt without recounting the
general text (whose .mo part grows with every package installed on the
machine, so a full rebuild also moves counts nothing here changed):
  scripts/build-lexicon.py --add FILE
adds FILE's words and word pairs at the domain weight (x20) to the shipped
data/da-freq.tsv and data/da-bigrams.tsv.  A word or pair the general text
counted below the shipped thresholds (2, 20) starts from zero, so it comes
out up to that much low.
"""
import glob
import gzip
import os
import re
import subprocess
import sys
from collections import Counter

WORD = re.compile(r"[^\W\d_]+")


def eval_lines(root):
    used = set()
    for f in glob.glob(os.path.join(root, 'tests/normalize-eval/*.tsv')):
        for line in open(f, encoding='utf-8'):
            if line.startswith('#'):
                continue
            used.add(line.rstrip('\n').split('\t')[-1].strip())
    return used


def po_text():
    out = []
    for f in sorted(glob.glob('/usr/share/locale/da/LC_MESSAGES/*.mo')):
        try:
            txt = subprocess.run(['msgunfmt', f], capture_output=True,
                                 text=True, errors='replace').stdout
        except OSError:
            return ''
        for m in re.finditer(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', txt, re.M):
            s = m.group(1) + ''.join(re.findall(r'"(.*)"', m.group(2)))
            out.append(s.replace('\\n', ' '))
    return '\n'.join(out)


def man_text():
    out = []
    for f in sorted(glob.glob('/usr/share/man/da/man*/*')):
        try:
            raw = gzip.open(f).read() if f.endswith('.gz') else open(f, 'rb').read()
        except OSError:
            continue
        # drop roff requests and escapes; what is left is prose
        for line in raw.decode('utf-8', 'replace').split('\n'):
            if line.startswith(('.', "'")):
                line = line.split(' ', 1)[1] if ' ' in line else ''
            out.append(re.sub(r'\\(f[BIRP]|\(..|.)', ' ', line))
    return '\n'.join(out)


def html_text(dirs):
    import html as h
    out = []
    for d in dirs:
        for f in sorted(glob.glob(os.path.join(d, '**/*.html'), recursive=True)):
            t = open(f, encoding='utf-8', errors='replace').read()
            t = re.sub(r'(?s)<(script|style).*?</\1>', ' ', t)
            out.append(h.unescape(re.sub(r'<[^>]+>', '\n', t)))
    # keep prose: drop code examples and identifiers (com.sun.star.sheet)
    code = re.compile(r'[={};_]|\w\.\w|://|\(\)')
    return '\n'.join(l for l in '\n'.join(out).split('\n') if not code.search(l))


def write_counts(uni, bi):
    with open('data/da-freq.tsv', 'w', encoding='utf-8') as f:
        f.write('# word<TAB>weighted count; built by scripts/build-lexicon.py\n')
        for w, c in sorted(uni.items(), key=lambda x: (-x[1], x[0])):
            if c >= 2 and len(w) <= 60:
                f.write(f'{w}\t{c}\n')
    with open('data/da-bigrams.tsv', 'w', encoding='utf-8') as f:
        f.write('# word<TAB>next word<TAB>weighted count; built by scripts/build-lexicon.py\n')
        for (a, b), c in sorted(bi.items(), key=lambda x: (-x[1], x[0])):
            if c >= 20:
                f.write(f'{a}\t{b}\t{c}\n')


def add(path):
    """Add the lines of path at the domain weight to the shipped counts."""
    uni, bi = Counter(), Counter()
    for line in open('data/da-freq.tsv', encoding='utf-8'):
        if not line.startswith('#'):
            w, c = line.rstrip('\n').split('\t')
            uni[w] = int(c)
    for line in open('data/da-bigrams.tsv', encoding='utf-8'):
        if not line.startswith('#'):
            a, b, c = line.rstrip('\n').split('\t')
            bi[(a, b)] = int(c)
    acronyms = {line.split('\t')[0] for line in open('data/da-acronyms.tsv', encoding='utf-8')
                if not line.startswith('#')}
    for line in open(path, encoding='utf-8'):
        ws = [w.lower() for w in WORD.findall(line) if w not in acronyms]
        for w in ws:
            uni[w] += 20
        for a, b in zip(ws, ws[1:]):
            bi[(a, b)] += 20
    write_counts(uni, bi)


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == '--add':
        add(args[1])
        return
    dirs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == '--html']
    args = [a for i, a in enumerate(args) if a != '--html' and (i == 0 or args[i - 1] != '--html')]
    seeds = args[0] if args else '../shared/seeds'
    root = os.getcwd()
    used = eval_lines(root)
    domain = []
    for f in sorted(glob.glob(os.path.join(seeds, '00[12]_*.txt'))):
        for line in open(f, encoding='utf-8'):
            if line.strip() not in used:
                domain.append(line)
    domain.append(open('scripts/lexicon-own-da.txt', encoding='utf-8').read())
    general = [po_text(), man_text(), html_text(dirs)]

    uni = Counter()
    bi = Counter()
    caps = Counter()
    for t in domain:
        for w in WORD.findall(t):
            if len(w) >= 2 and w.isupper():
                caps[w] += 1
            else:
                caps[w.upper()] -= 1
    acronyms = {w for w, c in caps.items() if c >= 1 and len(w) <= 6}
    for weight, texts in ((20, domain), (1, general)):
        for t in texts:
            for line in t.split('\n'):
                # acronyms are not words: STAR must not make "star" common
                ws = [w.lower() for w in WORD.findall(line) if w not in acronyms and
                      (weight > 1 or w.islower())]
                for w in ws:
                    uni[w] += weight
                for a, b in zip(ws, ws[1:]):
                    bi[(a, b)] += weight
    os.makedirs('data', exist_ok=True)
    write_counts(uni, bi)
    with open('data/da-acronyms.tsv', 'w', encoding='utf-8') as f:
        f.write('# acronym<TAB>capitalised minus other uses in domain text; built by scripts/build-lexicon.py\n')
        for w, c in sorted(caps.items(), key=lambda x: (-x[1], x[0])):
            if w in acronyms:
                f.write(f'{w}\t{c}\n')


if __name__ == '__main__':
    main()
