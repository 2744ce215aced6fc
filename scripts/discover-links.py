#!/usr/bin/env python3
"""discover-links.py [ROOT] - would linking words that mean the same help
`koder discover` group answers of one theme said in different words?

discover joins answers by the word stems they share (Snowball, as koder
stems).  Before building a thesaurus or a compound splitter into it, this
measures whether the links they would add join answers of the same theme:
for every pair of substantive answers (not andet, not ingen_svar) of each
newcomer study (corpora/newstudy-*), the share of pairs with a gold category
in common, among
  - all pairs (chance),
  - pairs that share a stem said in under 10 % of the question's answers
    (what discover links on now),
  - pairs that share no such stem but would be linked by a synonym of the
    Debian mythes-da thesaurus (/usr/share/mythes/th_da_DK.dat, stems of
    both sides; every sense, and only words of at most two senses that list
    each other), or by the head of a compound split with the hunspell-da
    word list (/usr/share/hunspell/da_DK.dic: modifier a word of 3+ letters,
    with or without a linking s/e, head a word's stem of 4+ letters).
A link source is worth building in when its pairs share a category much
more often than chance.  Prints one line per study and source.
Exit 0; 77 when mythes-da, hunspell-da, cc or libstemmer is missing.
"""
import collections, csv, glob, itertools, json, os, re, subprocess, sys, tempfile

root = sys.argv[1] if len(sys.argv) > 1 else "."
TH, DIC = "/usr/share/mythes/th_da_DK.dat", "/usr/share/hunspell/da_DK.dic"
if not (os.path.exists(TH) and os.path.exists(DIC)):
    print("mythes-da or hunspell-da not installed"); sys.exit(77)

# the stems koder uses: a few lines of C on libstemmer (no Python binding in Debian's
# python3 without extra packages)
tmp = tempfile.mkdtemp()
src = os.path.join(tmp, "stem.c")
open(src, "w").write(r'''#include <libstemmer.h>
#include <stdio.h>
#include <string.h>
int main(void) { struct sb_stemmer *s = sb_stemmer_new("danish", "UTF_8"); char l[4096];
while (fgets(l, sizeof l, stdin)) { size_t n = strlen(l); while (n && l[n - 1] == '\n') l[--n] = 0;
printf("%s\n", (const char *)sb_stemmer_stem(s, (const sb_symbol *)l, (int)n)); } return 0; }
''')
exe = os.path.join(tmp, "stem")
if subprocess.run(["cc", "-o", exe, src, "-lstemmer"], capture_output=True).returncode:
    print("cc or libstemmer missing"); sys.exit(77)

def stems(words):
    words = list(words)
    out = subprocess.run([exe], input="\n".join(words) + "\n", capture_output=True,
                         text=True, check=True).stdout.split("\n")
    return dict(zip(words, out))

# the thesaurus: headword -> senses (lists of one-word synonyms)
entries, head = {}, None
for line in open(TH, encoding="utf-8").read().split("\n")[1:]:
    if not line:
        continue
    if line.startswith("|"):
        if head:
            entries[head].append([re.sub(r"\s*\(.*?\)", "", w).strip().lower()
                                  for w in line[1:].split("|")])
    else:
        head = line.split("|")[0].lower()
        head = None if " " in head or head.startswith("-") else head
        if head:
            entries[head] = []
tw = {h for h in entries} | {w for v in entries.values() for s in v for w in s if w and " " not in w}
tst = stems(sorted(tw))
syn_all, syn_strict = collections.defaultdict(set), collections.defaultdict(set)
lists = {h: {w for s in v for w in s if w in tst} for h, v in entries.items()}
for h, v in entries.items():
    for w in lists[h]:
        a, b = tst[h], tst[w]
        if a == b or len(a) < 3 or len(b) < 3:
            continue
        syn_all[a].add(b); syn_all[b].add(a)
        if len(v) <= 2 and len(entries.get(w, [1, 2, 3])) <= 2 and h in lists.get(w, ()):
            syn_strict[a].add(b); syn_strict[b].add(a)
dic = {l.split("/")[0].strip().lower() for l in open(DIC, encoding="utf-8")}
dic = {w for w in dic if w.isalpha()}
dstem = set(stems(sorted(dic)).values())

def compound_heads(vocab):
    heads = {}
    for w in vocab:
        for k in range(3, len(w) - 3):
            m, h = w[:k], w[k:]
            if m in dic or (len(m) > 3 and m[-1] in "se" and m[:-1] in dic):
                heads[w] = h
                break
    hst = stems(sorted(set(heads.values())))
    return {w: hst[h] for w, h in heads.items() if hst[h] in dstem and len(hst[h]) >= 4}

for cj in sorted(glob.glob(f"{root}/corpora/newstudy-*/corpus.json")):
    d = os.path.dirname(cj)
    c = json.load(open(cj, encoding="utf-8"))
    q = c["questions"][0]
    gold = {r["id"]: set(r["codes"].split(";")) for r in csv.DictReader(open(f"{d}/{q['gold']}", encoding="utf-8"))}
    text = {r[c["columns"]["id"]]: r[q["column"]]
            for r in csv.DictReader(open(f"{d}/{c['survey']}", encoding="utf-8-sig"), delimiter=";")}
    toks = {i: [w.lower() for w in re.findall(r"[^\W\d_]+", t) if len(w) >= 3] for i, t in text.items()}
    vocab = sorted({w for v in toks.values() for w in v})
    st = stems(vocab)
    df = collections.Counter(s for v in toks.values() for s in {st[w] for w in v})
    own = {i: {st[w] for w in v if df[st[w]] < 0.1 * len(text)} for i, v in toks.items()}
    known = set(df)
    heads = compound_heads(vocab)
    extra = {
        "thesaurus, every sense": {i: {y for x in s for y in syn_all.get(x, ())} & known for i, s in own.items()},
        "thesaurus, strict": {i: {y for x in s for y in syn_strict.get(x, ())} & known for i, s in own.items()},
        "compound heads": {i: {heads[w] for w in toks[i] if w in heads} for i in own},
    }
    sub = [i for i in gold if i in own and not gold[i] & {"andet", "ingen_svar"}]
    n = same = dn = ds = 0
    via = collections.Counter()
    for a, b in itertools.combinations(sub, 2):
        s = bool(gold[a] & gold[b])
        n += 1; same += s
        if own[a] & own[b]:
            dn += 1; ds += s
            continue
        for name, e in extra.items():
            if e[a] & (own[b] | e[b]) or e[b] & own[a]:
                via[name, 0] += 1; via[name, 1] += s
    name = os.path.basename(d)
    print(f"{name}: pairs with a category in common: chance {same / n:.3f} ({n} pairs); "
          f"sharing a stem {ds / max(dn, 1):.3f} ({dn})")
    for e in extra:
        print(f"{name}:   linked only by {e}: {via[e, 1] / max(via[e, 0], 1):.3f} ({via[e, 0]} pairs)")
