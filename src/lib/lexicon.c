/*
 * lexicon.c - word counts, word pairs, a trie of counted words and a cached
 * hunspell-da, loaded from the shipped data files (see lexicon.h).
 */
#include "lexicon.h"
#include "buf.h"
#include "datadir.h"
#include "error.h"
#include "infile.h"
#include "strtab.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hunspell.h>

/* ---- the lexicon --------------------------------------------------------- */

struct tnode {
	int32_t child, sibling;
	uint32_t freq;
	unsigned char byte;
};

/* hunspell answers kept before the cache is emptied (bounded memory) */
#define SPELL_CACHE_MAX 50000

/* The OCR stand-ins repair reads back as letters (| @ & ®): no Danish
 * word holds one, so hunspell is not asked about a word that does -
 * unless its dictionary could accept one (see scan_standins). */
static const char *const standins[] = { "|", "@", "&", "\xC2\xAE" };
#define NSTANDINS (sizeof(standins) / sizeof(standins[0]))

struct lexicon {
	struct strtab words, pairs, spell, acronyms, places, context;
	struct tnode *trie;
	size_t ntrie, trie_cap;
	Hunhandle *hun;
	unsigned long total;
	unsigned char unspellable[NSTANDINS]; /* 1: hunspell accepts no word with it */
};

static int trie_add(struct lexicon *lx, const char *w, size_t n, uint32_t freq)
{
	int32_t node = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)w[i];
		int32_t c = lx->trie[node].child;

		while (c >= 0 && lx->trie[c].byte != b)
			c = lx->trie[c].sibling;
		if (c < 0) {
			if (lx->ntrie == lx->trie_cap) {
				size_t ncap = lx->trie_cap * 2;
				struct tnode *nt = realloc(lx->trie, ncap * sizeof(*nt));

				if (!nt)
					return KERR_NOMEM;
				lx->trie = nt;
				lx->trie_cap = ncap;
			}
			c = (int32_t)lx->ntrie++;
			lx->trie[c].byte = b;
			lx->trie[c].child = -1;
			lx->trie[c].freq = 0;
			lx->trie[c].sibling = lx->trie[node].child;
			lx->trie[node].child = c;
		}
		node = c;
	}
	lx->trie[node].freq += freq;
	return 0;
}

/*
 * Read a TSV data file: '#' lines are comments; every other line has
 * `fields` tab-separated fields, the last a count.  Each record goes to
 * `add` with the key ("a" or "a\tb").
 */
static int load_tsv(struct lexicon *lx, const char *rel, int fields,
		    int (*add)(struct lexicon *, const char *, size_t, uint32_t),
		    struct kerr *e)
{
	struct buf path = BUF_INIT;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0;

	if (datadir_find(rel, &path)) {
		rc = kerr_set(e, KERR_NOTFOUND, "data file missing: %s "
			      "(reinstall koder, or set KODER_DATADIR)", rel);
		kerr_at(e, path.data, 0, 0);
		buf_release(&path);
		return rc;
	}
	f = infile_open(path.data, "the data file", e);
	if (!f) {
		rc = e ? e->code : KERR_IO;
		buf_release(&path);
		return rc;
	}
	while (!rc && (n = getline(&line, &cap, f)) >= 0) {
		char *tab, *end;
		unsigned long v;
		int k;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		tab = line;
		for (k = 1; k < fields && tab; k++)
			tab = strchr(tab + 1, '\t');
		if (!tab || tab == line) {
			rc = kerr_set(e, KERR_SYNTAX, "expected %d tab-separated fields", fields);
			kerr_at(e, path.data, lineno, 0);
			break;
		}
		v = strtoul(tab + 1, &end, 10);
		if (*end || end == tab + 1) {
			rc = kerr_set(e, KERR_SYNTAX, "the last field must be a count");
			kerr_at(e, path.data, lineno, 0);
			break;
		}
		rc = add(lx, line, (size_t)(tab - line), v > UINT32_MAX ? UINT32_MAX : (uint32_t)v);
		if (rc)
			kerr_set(e, rc, "out of memory reading %s", rel);
	}
	free(line);
	fclose(f);
	buf_release(&path);
	return rc;
}

static int add_word(struct lexicon *lx, const char *w, size_t n, uint32_t v)
{
	lx->total += v;
	return strtab_put(&lx->words, w, n, v, 1) || trie_add(lx, w, n, v) ? KERR_NOMEM : 0;
}

static int add_acronym(struct lexicon *lx, const char *k, size_t n, uint32_t v)
{
	return strtab_put(&lx->acronyms, k, n, v, 0);
}

/* "word<TAB>side<TAB>neighbour": kept as the key it is. */
static int add_context(struct lexicon *lx, const char *k, size_t n, uint32_t v)
{
	return strtab_put(&lx->context, k, n, v, 1);
}

static int add_pair(struct lexicon *lx, const char *k, size_t n, uint32_t v)
{
	return strtab_put(&lx->pairs, k, n, v, 1);
}

/* Lower-case a place name (ASCII and the Latin-1 capitals Æ Ø Å É). */
static void lower_name(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			s[i] = (char)(c + 32);
		else if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
			s[i] = (char)(c + 0x20);
	}
}

/* One place name "Name<TAB>kind": each hyphen-separated part (Høje-Taastrup)
 * and its genitive (Køges; a name ending in s, x or z takes only an
 * apostrophe, which is no word character) becomes a counted word and a place. */
static int add_place(struct lexicon *lx, const char *k, size_t n, uint32_t v)
{
	char w[128];
	const char *tab = memchr(k, '\t', n);
	size_t len = tab ? (size_t)(tab - k) : n, s = 0, i;

	if (len + 2 > sizeof(w))
		return 0;
	memcpy(w, k, len);
	lower_name(w, len);
	for (i = 0; i <= len; i++) {
		size_t pn = i - s;
		int rc;

		if (i < len && w[i] != '-')
			continue;
		if (pn >= 2) {
			char g[130];

			if (lexicon_freq(lx, w + s, pn) < v && (rc = add_word(lx, w + s, pn, v)))
				return rc;
			if (strtab_put(&lx->places, w + s, pn, 1, 0))
				return KERR_NOMEM;
			if (!strchr("sxz", w[s + pn - 1])) {
				memcpy(g, w + s, pn);
				g[pn] = 's';
				if (lexicon_freq(lx, g, pn + 1) < v / 4 && (rc = add_word(lx, g, pn + 1, v / 4)))
					return rc;
				if (strtab_put(&lx->places, g, pn + 1, 1, 0))
					return KERR_NOMEM;
			}
		}
		s = i + 1;
	}
	return 0;
}

/* Does s[0..n) hold the (one- or two-byte) string c? */
static int holds(const char *s, size_t n, const char *c)
{
	const char *p = s;

	while ((p = memchr(p, c[0], n - (size_t)(p - s))) != NULL) {
		if (!c[1] || (p + 1 < s + n && p[1] == c[1]))
			return 1;
		p++;
	}
	return 0;
}

/*
 * Which stand-ins hunspell cannot accept in any word: hunspell takes a
 * word apart into dictionary entries and affixes (IGNORE, ICONV and BREAK
 * rules aside), so a character that is in no entry of the .dic and on no
 * line of the .aff is in no word it accepts.  Lines of the .aff that only
 * shape suggestions (KEY, TRY, MAP, REP; REP also only forbids compounds)
 * and comments do not count; anything else that holds one, or a file that
 * cannot be read, keeps hunspell asked.  Asking costs as much for such a
 * word as for a real one (the compound rules split it every way), and
 * damaged text is full of them.
 */
static void scan_standins(struct lexicon *lx, const char *aff, const char *dic)
{
	static const char *const suggest_only[] = { "KEY", "TRY", "MAP", "REP", NULL };
	char chunk[1 << 16], *line = NULL;
	size_t cap = 0, k, i, got, keep = 0;
	ssize_t n;
	FILE *f;

	for (k = 0; k < NSTANDINS; k++)
		lx->unspellable[k] = 1;

	f = fopen(dic, "r");
	/* in chunks, each with the last byte of the one before (a stand-in
	 * of two bytes may straddle them) */
	while (f && (got = fread(chunk + keep, 1, sizeof(chunk) - keep, f)) > 0) {
		for (k = 0; k < NSTANDINS; k++)
			if (lx->unspellable[k] && holds(chunk, keep + got, standins[k]))
				lx->unspellable[k] = 0;
		chunk[0] = chunk[keep + got - 1];
		keep = 1;
	}
	if (!f || ferror(f))
		memset(lx->unspellable, 0, sizeof(lx->unspellable));
	if (f)
		fclose(f);
	f = fopen(aff, "r");
	while (f && (n = getline(&line, &cap, f)) >= 0) {
		if (line[0] == '#')
			continue;
		for (i = 0; suggest_only[i]; i++)
			if (!strncmp(line, suggest_only[i], 3) && (line[3] == ' ' || line[3] == '\t'))
				break;
		if (suggest_only[i])
			continue;
		for (k = 0; k < NSTANDINS; k++)
			if (holds(line, (size_t)n, standins[k]))
				lx->unspellable[k] = 0;
	}
	if (!f || ferror(f))
		memset(lx->unspellable, 0, sizeof(lx->unspellable));
	if (f)
		fclose(f);
	free(line);
}

static int open_hunspell(struct lexicon *lx, struct kerr *e)
{
	const char *dir = getenv("KODER_HUNSPELL_DIR");
	char aff[4096], dic[4096];
	FILE *f;

	if (!dir || !*dir)
		dir = "/usr/share/hunspell";
	snprintf(aff, sizeof(aff), "%s/da_DK.aff", dir);
	snprintf(dic, sizeof(dic), "%s/da_DK.dic", dir);
	f = fopen(dic, "r");
	if (!f) {
		int rc = kerr_errno(e, errno, dic, "cannot open the hunspell-da dictionary");

		kerr_set(e, rc, "cannot open the Danish hunspell dictionary "
			 "(install it: apt-get install hunspell-da)");
		return rc;
	}
	fclose(f);
	lx->hun = Hunspell_create(aff, dic);
	if (!lx->hun)
		return kerr_set(e, KERR_IO, "hunspell could not load %s", dic);
	scan_standins(lx, aff, dic);
	return 0;
}

int lexicon_load(struct lexicon **out, int with_hunspell, struct kerr *e)
{
	struct lexicon *lx = calloc(1, sizeof(*lx));
	int rc;

	*out = NULL;
	if (!lx)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	lx->trie_cap = 1 << 16;
	lx->trie = malloc(lx->trie_cap * sizeof(*lx->trie));
	if (!lx->trie || strtab_init(&lx->words, 1 << 15) || strtab_init(&lx->pairs, 1 << 14)
	    || strtab_init(&lx->spell, 1 << 12) || strtab_init(&lx->acronyms, 1 << 8)
	    || strtab_init(&lx->places, 1 << 9) || strtab_init(&lx->context, 1 << 13)) {
		lexicon_free(lx);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	lx->ntrie = 1;
	lx->trie[0].child = lx->trie[0].sibling = -1;
	lx->trie[0].freq = 0;
	lx->trie[0].byte = 0;
	rc = load_tsv(lx, "data/da-freq.tsv", 2, add_word, e);
	if (!rc)
		rc = load_tsv(lx, "data/da-bigrams.tsv", 3, add_pair, e);
	if (!rc)
		rc = load_tsv(lx, "data/da-acronyms.tsv", 2, add_acronym, e);
	if (!rc)
		rc = load_tsv(lx, "data/da-places.tsv", 3, add_place, e);
	if (!rc)
		rc = load_tsv(lx, "data/da-context.tsv", 4, add_context, e);
	if (!rc && with_hunspell)
		rc = open_hunspell(lx, e);
	if (rc) {
		lexicon_free(lx);
		return rc;
	}
	*out = lx;
	return 0;
}

void lexicon_free(struct lexicon *lx)
{
	if (!lx)
		return;
	strtab_release(&lx->words);
	strtab_release(&lx->pairs);
	strtab_release(&lx->spell);
	strtab_release(&lx->acronyms);
	strtab_release(&lx->places);
	strtab_release(&lx->context);
	free(lx->trie);
	if (lx->hun)
		Hunspell_destroy(lx->hun);
	free(lx);
}

unsigned lexicon_freq(const struct lexicon *lx, const char *w, size_t len)
{
	uint32_t v = 0;

	return strtab_get(&lx->words, w, len, &v) ? v : 0;
}

unsigned long lexicon_total(const struct lexicon *lx)
{
	return lx->total;
}

unsigned lexicon_bigram(const struct lexicon *lx, const char *a, size_t alen,
			const char *b, size_t blen)
{
	char k[256];
	uint32_t v = 0;

	if (alen + blen + 1 > sizeof(k))
		return 0;
	memcpy(k, a, alen);
	k[alen] = '\t';
	memcpy(k + alen + 1, b, blen);
	return strtab_get(&lx->pairs, k, alen + blen + 1, &v) ? v : 0;
}

int lexicon_acronym(const struct lexicon *lx, const char *w, size_t len)
{
	uint32_t v;

	return strtab_get(&lx->acronyms, w, len, &v);
}

unsigned lexicon_context(const struct lexicon *lx, const char *w, size_t n, char side,
			 const char *nb, size_t nbn)
{
	char k[256];
	uint32_t v = 0;

	if (n + nbn + 5 > sizeof(k))
		return 0;
	memcpy(k, w, n);
	k[n] = '\t';
	k[n + 1] = side;
	k[n + 2] = '\t';
	memcpy(k + n + 3, nb, nbn);
	return strtab_get(&lx->context, k, n + 3 + nbn, &v) ? v : 0;
}

int lexicon_place(const struct lexicon *lx, const char *w, size_t len)
{
	uint32_t v;

	return strtab_get(&lx->places, w, len, &v);
}

int lexicon_spell(struct lexicon *lx, const char *w, size_t len)
{
	char tmp[256];
	uint32_t v;
	size_t k;

	if (!lx->hun || len == 0 || len >= sizeof(tmp))
		return 0;
	if (strtab_get(&lx->spell, w, len, &v))
		return (int)v;
	memcpy(tmp, w, len);
	tmp[len] = '\0';
	v = 1;
	for (k = 0; k < NSTANDINS; k++)
		if (lx->unspellable[k] && strstr(tmp, standins[k]))
			v = 0;
	if (v)
		v = Hunspell_spell(lx->hun, tmp) ? 1 : 0;
	if (lx->spell.count >= SPELL_CACHE_MAX)
		strtab_clear(&lx->spell);
	/* a failed insert only costs a later hunspell call */
	(void)strtab_put(&lx->spell, w, len, v, 0);
	return (int)v;
}

int lexicon_valid(struct lexicon *lx, const char *w, size_t len)
{
	return lexicon_freq(lx, w, len) > 0 || lexicon_spell(lx, w, len);
}

int lexicon_child(const struct lexicon *lx, int node, unsigned char byte)
{
	int32_t c = lx->trie[node].child;

	while (c >= 0 && lx->trie[c].byte != byte)
		c = lx->trie[c].sibling;
	return c;
}

unsigned lexicon_node_freq(const struct lexicon *lx, int node)
{
	return lx->trie[node].freq;
}
