#!/usr/bin/env python3
"""make-normalize-heldout.py - build the normalizer's document-held-out
evaluation sets in tests/normalize-eval/ (prose-*, places-*), reproducibly.

Why: the older sets hold out lines of the reports the lexicon was built
from; these hold out whole documents the lexicon and the context model never
saw, so tuning on one cannot leak into the other.

Sources (nothing here is read by scripts/build-lexicon.py):
  * gimp-help-da (Debian; The GIMP Documentation Team, GFDL-1.2+ without
    invariant sections): Danish HTML help pages under
    /usr/share/gimp/2.0/help/da.  A page is a document; md5(page name) % 10
    puts it in the held-out set (0), the dev set (1) or neither (2..9, left
    for training).  Paragraphs of >= 8 words that read as Danish are kept.
  * sentences about Danish places (places-*): templates written for koder in
    several voices, filled with names from data/da-places.tsv; names drawn by
    position (even names dev, odd names held out), so a held-out name was
    never looked at while tuning.
Damage: every letter is confused with the probability measured in
data/da-confusions.tsv (scripts/measure-confusions.py, OCR of seeds/000):
  prose-ocr-*   the measured OCR rates as they are
  prose-rare-*  one confusion of the rare kinds (& @ z s p B d, I/l, 1/|)
                forced into about a third of the words that can take one,
                so those classes are measured at all
  places-*      the measured OCR rates
Each row: document <TAB> class per token <TAB> damaged line <TAB> clean line.
Classes (the first that applies): I = | or 1 for I; N = a place name;
A = a capital I for l (case); R = the damaged word is itself a Danish word
(real-word error); C = the clean word is not in the lexicon as a whole
(compound or form); X = other confusion; '.' = undamaged.
Usage (repository root): scripts/make-normalize-heldout.py
"""
import glob
import hashlib
import html
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests/normalize-eval')
GIMP = '/usr/share/gimp/2.0/help/da'
MAX_LINES = 260
PER_DOC = 12

RARE = {('ø', 'p'), ('ø', 's'), ('ø', '@'), ('Ø', 'B'), ('Ø', '@'), ('å', 'd'),
        ('æ', 'z'), ('æ', '&'), ('æ', '@'), ('æ', '&e'), ('æ', 'ze'), ('æ', 'ee'),
        ('l', 'I'), ('I', '1'), ('I', '|')}


def load_conf():
    t = {}
    for line in open(os.path.join(ROOT, 'data/da-confusions.tsv'), encoding='utf-8'):
        if line.startswith('#'):
            continue
        clean, dam, kind, _, _, p, _ = line.rstrip('\n').split('\t')
        if kind == 'ocr':
            t.setdefault(clean, []).append((float(p), dam))
    return t


def words(path, col=0):
    s = set()
    for line in open(path, encoding='utf-8', errors='replace'):
        if not line.startswith('#'):
            s.add(line.rstrip('\n').split('\t')[col])
    return s


FREQ = {}
for line in open(os.path.join(ROOT, 'data/da-freq.tsv'), encoding='utf-8'):
    if not line.startswith('#'):
        w, c = line.rstrip('\n').split('\t')
        FREQ[w] = int(c)
DICT = {w.strip().lower() for w in open('/usr/share/dict/danish', encoding='utf-8', errors='replace')}
PLACES = []
for line in open(os.path.join(ROOT, 'data/da-places.tsv'), encoding='utf-8'):
    if not line.startswith('#'):
        PLACES.append(line.split('\t')[0])
PLACE_LOWER = set()
for p in PLACES:
    for part in p.lower().split('-'):
        PLACE_LOWER.add(part)
        PLACE_LOWER.add(part + 's')


def gimp_docs():
    docs = {}
    for f in sorted(glob.glob(os.path.join(GIMP, '**/*.html'), recursive=True)):
        name = os.path.relpath(f, GIMP)
        t = open(f, encoding='utf-8', errors='replace').read()
        paras = re.findall(r'(?s)<(p|dd|li|td)\b[^>]*>(.*?)</\1>', t)
        out = []
        for _, p in paras:
            p = html.unescape(re.sub(r'<[^>]+>', '', p))
            p = ' '.join(p.split())
            ws = p.split()
            if len(ws) < 8 or len(p) < 50 or len(p) > 400 or re.search(r'[={};_<>\\]|://|\w\.\w', p):
                continue
            core = [re.sub(r'^\W+|\W+$', '', w).lower() for w in ws]
            known = sum(1 for w in core if w in FREQ)
            if known < 0.6 * len(ws) or not re.search('[æøåÆØÅ]', p):
                continue
            out.append(p)
        if out:
            docs[name] = out
    return docs


def bucket(name):
    """0-3 held out, 4-5 dev, 6-9 left for training (scripts/build-context.py)."""
    return int(hashlib.md5(name.encode()).hexdigest()[:8], 16) % 10


def split_of(name):
    b = bucket(name)
    return 'heldout' if b < 4 else 'dev' if b < 6 else 'train'


def pick(rng, opts):
    r = rng.random()
    acc = 0.0
    for p, v in opts:
        acc += p
        if r < acc:
            return v
    return None


def case_of(src, dam):
    """Carry the case of a clean character to its damaged form."""
    if src.isupper():
        return dam.upper() if len(dam) == 1 else dam[0].upper() + dam[1:]
    return dam


def damage_core(rng, core, conf, rare, start):
    """Damage one word core; returns (damaged, kinds) with kinds a set."""
    kinds = set()
    if core == 'I':
        if rare and rng.random() < 0.5:
            return ('|' if rng.random() < 0.6 else '1'), {'I'}
        d = pick(rng, conf.get('I', []))
        return (d, {'I'}) if d else (core, kinds)
    out = []
    forced = None
    if rare:
        spots = [i for i, ch in enumerate(core)
                 if any((ch.lower() if ch not in 'ØI' else ch, d) in RARE for _, d in conf.get(ch.lower() if ch not in 'ØI' else ch, []))]
        if spots and rng.random() < 0.35:
            forced = rng.choice(spots)
    for i, ch in enumerate(core):
        key = ch if ch in ('Ø', 'I') else ch.lower()
        opts = conf.get(key, [])
        if key == 'l' and i > 0:
            opts = []     # a capital I for l is the case class: word-initial only
        if i == forced:
            cand = [d for _, d in opts if (key, d) in RARE and not (key == 'l' and i > 0)]
            dam = rng.choice(cand) if cand else None
        else:
            dam = pick(rng, opts) if not rare else (pick(rng, opts) if rng.random() < 0.5 else None)
        if dam is None and ch in 'ÆØÅ' and key == ch:
            dam = pick(rng, conf.get(ch.lower(), []))
            if dam is not None:
                dam = case_of(ch, dam)
        if dam is None:
            out.append(ch)
            continue
        if key == 'l':
            kinds.add('A')
        out.append(case_of(ch, dam) if key != 'Ø' else dam)
    return ''.join(out), kinds


def classify(dcore, ccore, kinds):
    if dcore == ccore:
        return '.'
    if 'I' in kinds:
        return 'I'
    low = ccore.lower()
    if ccore[:1].isupper() and (low in PLACE_LOWER):
        return 'N'
    if 'A' in kinds:
        return 'A'
    dl = dcore.lower()
    if dl.isalpha() and (FREQ.get(dl, 0) >= 5 or dl in DICT):
        return 'R'
    if low not in FREQ:
        return 'C'
    return 'X'


def damage_line(rng, line, conf, rare):
    toks = line.split(' ')
    dam, cls = [], []
    start = True
    for t in toks:
        m = re.match(r'^([^\w|@&®]*)(.*?)([^\w|@&®]*)$', t)
        pre, core, post = m.groups()
        d, kinds = damage_core(rng, core, conf, rare, start) if core else (core, set())
        dam.append(pre + d + post)
        cls.append(classify(d, core, kinds) if core else '.')
        start = t[-1:] in '.:?!'
    return ' '.join(dam), ''.join(cls)


TEMPLATES = [
    'Jeg bor i {a} og pendler hver dag til {b}, hvor jeg arbejder.',
    'Min sagsbehandler i {a} Kommune var meget bedre end den i {b}.',
    'Vi flyttede fra {a} til {b} for to år siden, og det har været godt.',
    '{a} Kommune har et tættere samarbejde med virksomhederne end {b}.',
    'Jobcentret i {a} ringede først efter fire uger, så jeg måtte selv ringe.',
    'I {a} får man en mentor, men i {b} skal man selv finde en praktikplads.',
    'Det tager en time at køre fra {a} til {b} om morgenen.',
    'Lederen i {a} fortalte, at de følger op på alle sager hver måned.',
    'Jeg har været sygemeldt siden foråret og bor nu hos min søster i {a}.',
    '{a}s jobcenter og {b}s jobcenter deler erfaringer på et fælles møde.',
    'Vi har ikke de samme muligheder her i {a} som de har i {b}.',
    'Konsulenten fra {a} kom ud på arbejdspladsen og talte med min leder.',
    'Efter mødet i {a} fik jeg endelig en plan for, hvordan jeg kommer tilbage.',
    'Borgerne i {a} og {b} svarede næsten ens på spørgsmålet om trivsel.',
    'Min mand arbejder i {a}, så vi overvejer at flytte derover.',
    'Der er langt til {a}, når man ikke har bil og bor uden for {b}.',
]


def places_lines(rng, names, n):
    out = []
    for i in range(n):
        t = TEMPLATES[i % len(TEMPLATES)]
        out.append(t.format(a=rng.choice(names), b=rng.choice(names)))
    return out


def write(path, header, rows):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(header + '\n')
        for r in rows:
            f.write('\t'.join(r) + '\n')


def main():
    conf = load_conf()
    docs = gimp_docs()
    # a paragraph that also occurs in another split's page is no held-out text
    where = {}
    for n, ps in docs.items():
        for p in ps:
            where.setdefault(p, set()).add(split_of(n))
    for b, part in enumerate(('heldout', 'dev')):
        names = sorted(n for n in docs if split_of(n) == part)
        lines = []
        seen = set()
        for n in names:
            for p in docs[n][:PER_DOC]:
                if where[p] == {part} and p not in seen:
                    seen.add(p)
                    lines.append((n, p))
        rng = random.Random(2029 + b)
        rng.shuffle(lines)
        lines = sorted(lines[:MAX_LINES])
        for kind, rare in (('ocr', False), ('rare', True)):
            rng = random.Random(f'{kind}-{part}')
            rows = []
            for n, p in lines:
                d, c = damage_line(rng, p, conf, rare)
                rows.append((n, c, d, p))
            write(os.path.join(OUT, f'prose-{kind}-{part}.tsv'),
                  f'# gimp-help-da page (GFDL-1.2+) <TAB> class per token <TAB> damaged ({kind}) '
                  f'<TAB> clean; scripts/make-normalize-heldout.py', rows)
        pl = [p for i, p in enumerate(PLACES) if i % 2 == (1 - b)]
        rng = random.Random(f'places-{part}')
        rows = []
        for p in places_lines(rng, pl, 120):
            d, c = damage_line(rng, p, conf, False)
            rows.append(('places', c, d, p))
        write(os.path.join(OUT, f'places-{part}.tsv'),
              '# source <TAB> class per token <TAB> damaged (ocr) <TAB> clean; '
              'scripts/make-normalize-heldout.py', rows)


if __name__ == '__main__':
    main()
