/*
 * learn.c - phrase candidates from overridden answers, scored on all
 * reviewed answers and, fold by fold, on answers they were not learned from.  An inverted index from n-gram key to the answers that
 * hold it makes every count one walk of a posting list.
 */
#include "learn.h"
#include "buf.h"
#include "error.h"
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 3

struct answer {
	char *text;
	unsigned char *coder, *rules;
	size_t *grams, ngrams, gcap;  /* distinct gram indexes of this answer */
};

struct gram {
	char *key, *surface;
	size_t *posts, nposts, cap;  /* answers holding it, ascending */
	size_t nwords;
};

struct learn_set {
	size_t ncats;
	struct answer *a;
	size_t n, cap;
	struct gram *g;
	size_t ng, gcap;
	size_t *table, tcap;  /* open addressing: gram index + 1, 0 = empty */
	struct learn_proposal *props;
	size_t nprops, pcap;
	struct known { size_t cat; int exclude; char *key; } *known;
	size_t nknown;
	struct carved { size_t cat, source; } *carved;
	size_t ncarved;
	size_t nrejected, nundo;  /* of the last learn_propose */
	size_t *fold;             /* each answer's fold, dealt per category */
	int indexed;
};

/* Match keys of Danish function words: a phrase may not start or end with
 * one ("har ikke tid" adds nothing to "tid" but noise). */
static const char *const stopwords[] = {
	"af", "al", "alle", "alt", "at", "bare", "blev", "blive", "bliver", "da", "de",
	"dem", "den", "denne", "der", "deres", "det", "dette", "dig", "din", "dog",
	"du", "efter", "eller", "en", "end", "er", "et", "for", "fordi", "fra", "fa",
	"far", "gor", "ham", "han", "har", "have", "hende", "her", "hos", "hun", "hver",
	"hvis", "hvor", "i", "ikke", "ind", "jeg", "jo", "kan", "kun", "kunne", "man",
	"mange", "med", "meget", "men", "mere", "mig", "min", "mod", "na", "nar", "nej",
	"noget", "nok", "nu", "og", "ogsa", "om", "op", "os", "over", "pa", "sa", "samt",
	"selv", "sig", "sin", "skal", "skulle", "som", "til", "ud", "uden", "under",
	"var", "vi", "vil", "ville", "vaere", "vaeret", "ved", "via",
};

static void lower_into(struct buf *b, const char *s, size_t n);

static int is_stop(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strlen(stopwords[i]) == len && !memcmp(stopwords[i], key, len))
			return 1;
	return 0;
}

int learn_new(struct learn_set **out, size_t ncats, struct kerr *e)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	(*out)->ncats = ncats;
	return 0;
}

void learn_free(struct learn_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->a[i].text);
		free(s->a[i].coder);
		free(s->a[i].rules);
		free(s->a[i].grams);
	}
	for (i = 0; i < s->ng; i++) {
		free(s->g[i].key);
		free(s->g[i].surface);
		free(s->g[i].posts);
	}
	for (i = 0; i < s->nprops; i++)
		free(s->props[i].pattern);
	for (i = 0; i < s->nknown; i++)
		free(s->known[i].key);
	free(s->known);
	free(s->carved);
	free(s->fold);
	free(s->a);
	free(s->g);
	free(s->table);
	free(s->props);
	free(s);
}

int learn_add(struct learn_set *s, const char *text, const unsigned char *coder,
	const unsigned char *rules, struct kerr *e)
{
	struct answer *a;

	if (s->indexed)
		return kerr_set(e, KERR_INVALID, "answers must be added before proposals are made");
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct answer *p = realloc(s->a, cap * sizeof(*p));

		if (!p)
			return kerr_set(e, KERR_NOMEM, "out of memory");
		s->a = p;
		s->cap = cap;
	}
	a = &s->a[s->n];
	memset(a, 0, sizeof(*a));
	a->text = strdup(text);
	a->coder = malloc(s->ncats + 1);
	a->rules = malloc(s->ncats + 1);
	if (!a->text || !a->coder || !a->rules) {
		free(a->text);
		free(a->coder);
		free(a->rules);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	memcpy(a->coder, coder, s->ncats);
	memcpy(a->rules, rules, s->ncats);
	s->n++;
	return 0;
}

int learn_known(struct learn_set *s, size_t cat, int exclude, const char *pattern,
	struct kerr *e)
{
	struct known *k = realloc(s->known, (s->nknown + 1) * sizeof(*k));
	struct buf low = BUF_INIT, key = BUF_INIT;

	if (!k)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	s->known = k;
	lower_into(&low, pattern, strlen(pattern));
	if (normalize_key(low.data, low.len, &key, NULL) || !(k[s->nknown].key = buf_detach(&key, NULL))) {
		buf_release(&low);
		buf_release(&key);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	k[s->nknown].cat = cat;
	k[s->nknown].exclude = exclude;
	s->nknown++;
	buf_release(&low);
	return 0;
}

static int is_known(const struct learn_set *s, size_t cat, int exclude, const char *key)
{
	size_t i;

	for (i = 0; i < s->nknown; i++)
		if (s->known[i].cat == cat && s->known[i].exclude == exclude
			&& !strcmp(s->known[i].key, key))
			return 1;
	return 0;
}

size_t learn_count(const struct learn_set *s)
{
	return s->n;
}

const char *learn_text(const struct learn_set *s, size_t i)
{
	return i < s->n ? s->a[i].text : "";
}

void learn_overrides(const struct learn_set *s, size_t cat, size_t *added, size_t *removed)
{
	size_t i;

	*added = *removed = 0;
	for (i = 0; i < s->n && cat < s->ncats; i++) {
		*added += s->a[i].coder[cat] && !s->a[i].rules[cat];
		*removed += !s->a[i].coder[cat] && s->a[i].rules[cat];
	}
}

/* ---- the n-gram index ------------------------------------------------- */

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int grow_table(struct learn_set *s)
{
	size_t cap = s->tcap ? s->tcap * 2 : 1024, i;
	size_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return KERR_NOMEM;
	for (i = 0; i < s->ng; i++) {
		size_t h = hash(s->g[i].key) & (cap - 1);

		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = i + 1;
	}
	free(s->table);
	s->table = t;
	s->tcap = cap;
	return 0;
}

/* Index of the gram with this key, creating it; (size_t)-1 when out of memory. */
static size_t intern(struct learn_set *s, const char *key, const char *surface, size_t nwords)
{
	size_t h;
	struct gram *g;

	if ((s->ng + 1) * 2 > s->tcap && grow_table(s))
		return (size_t)-1;
	h = hash(key) & (s->tcap - 1);
	while (s->table[h]) {
		if (!strcmp(s->g[s->table[h] - 1].key, key))
			return s->table[h] - 1;
		h = (h + 1) & (s->tcap - 1);
	}
	if (s->ng == s->gcap) {
		size_t cap = s->gcap ? s->gcap * 2 : 1024;
		struct gram *p = realloc(s->g, cap * sizeof(*p));

		if (!p)
			return (size_t)-1;
		s->g = p;
		s->gcap = cap;
	}
	g = &s->g[s->ng];
	memset(g, 0, sizeof(*g));
	g->key = strdup(key);
	g->surface = strdup(surface);
	g->nwords = nwords;
	if (!g->key || !g->surface) {
		free(g->key);
		free(g->surface);
		return (size_t)-1;
	}
	s->table[h] = ++s->ng;
	return s->ng - 1;
}

/* Record that `answer` holds the gram; *added says whether it is new. */
static int post(struct gram *g, size_t answer, int *added)
{
	*added = 0;
	if (g->nposts && g->posts[g->nposts - 1] == answer)
		return 0;
	if (g->nposts == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4;
		size_t *p = realloc(g->posts, cap * sizeof(*p));

		if (!p)
			return KERR_NOMEM;
		g->posts = p;
		g->cap = cap;
	}
	g->posts[g->nposts++] = answer;
	*added = 1;
	return 0;
}

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

struct token {
	size_t start, len;   /* in the answer text */
	int segment;         /* punctuation between tokens starts a new segment */
	char *key;           /* match key, owned */
};

/* Lower-case ASCII and the Latin-1 capitals (Æ Ø Å ...) of UTF-8 text. */
static void lower_into(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (c == 0xc3 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80
			&& (unsigned char)s[i + 1] <= 0x9e && (unsigned char)s[i + 1] != 0x97) {
			buf_addch(b, 0xc3);
			buf_addch(b, (unsigned char)s[++i] + 0x20);
			continue;
		}
		buf_addch(b, c);
	}
}

static int tokenize(const char *t, struct token **out, size_t *n)
{
	size_t len = strlen(t), i = 0, cap = 0;
	int seg = 0;

	*out = NULL;
	*n = 0;
	while (i < len) {
		size_t st;

		while (i < len && !is_word_byte((unsigned char)t[i])) {
			if (strchr(".,;:!?()\"/", t[i]))
				seg++;
			i++;
		}
		if (i >= len)
			break;
		st = i;
		/* "it-systemet" is two words: the pattern "it systemet" matches it,
		 * and a hyphen may mean something in the pattern language */
		while (i < len && is_word_byte((unsigned char)t[i]))
			i++;
		if (*n == cap) {
			struct token *p;

			cap = cap ? cap * 2 : 32;
			p = realloc(*out, cap * sizeof(*p));
			if (!p)
				return KERR_NOMEM;
			*out = p;
		}
		(*out)[*n].start = st;
		(*out)[*n].len = i - st;
		(*out)[*n].segment = seg;
		(*out)[*n].key = NULL;
		(*n)++;
	}
	return 0;
}

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Answer `ai` holds gram `gi`: post it once and remember it on the answer. */
static int hold(struct learn_set *s, size_t ai, size_t gi)
{
	struct answer *a = &s->a[ai];
	int added;

	if (post(&s->g[gi], ai, &added))
		return KERR_NOMEM;
	if (!added)
		return 0;
	if (a->ngrams == a->gcap) {
		size_t cap = a->gcap ? a->gcap * 2 : 32;
		size_t *p = realloc(a->grams, cap * sizeof(*p));

		if (!p)
			return KERR_NOMEM;
		a->grams = p;
		a->gcap = cap;
	}
	a->grams[a->ngrams++] = gi;
	return 0;
}

/* Danish inflection endings, longest first: "arbejdsgiveren" and
 * "arbejdsgiverne" both yield the candidate "arbejdsgiver*". */
static const char *const endings[] = {
	"erne", "ene", "ens", "ets", "en", "et", "er", "ne", "e", "s", "t", "",
};
#define MIN_STEM 4

/* Intern the stem candidates ("stem*") of one word. */
static int add_stems(struct learn_set *s, const char *surf, size_t len)
{
	struct buf st = BUF_INIT, key = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < sizeof(endings) / sizeof(endings[0]); i++) {
		size_t el = strlen(endings[i]);

		if (len < el + MIN_STEM || memcmp(surf + len - el, endings[i], el))
			continue;
		buf_reset(&st);
		buf_reset(&key);
		rc = buf_add(&st, surf, len - el);
		if (!rc)
			rc = normalize_key(st.data, st.len, &key, NULL);
		if (!rc && key.len >= MIN_STEM && !is_stop(key.data, key.len)) {
			buf_addch(&st, '*');
			buf_addch(&key, '*');
			if (intern(s, key.data, st.data, 1) == (size_t)-1)
				rc = KERR_NOMEM;
		}
	}
	buf_release(&st);
	buf_release(&key);
	return rc;
}

/* Post every stem candidate that is a prefix of this word's key, as the
 * rule engine's "stem*" would match it. */
static int hold_stems(struct learn_set *s, size_t ai, const char *key)
{
	struct buf k = BUF_INIT;
	size_t len = strlen(key), l;
	int rc = 0;

	for (l = MIN_STEM; !rc && l <= len; l++) {
		size_t h;

		buf_reset(&k);
		if (buf_add(&k, key, l) || buf_addch(&k, '*')) {
			rc = KERR_NOMEM;
			break;
		}
		h = hash(k.data) & (s->tcap - 1);
		while (s->table[h] && strcmp(s->g[s->table[h] - 1].key, k.data))
			h = (h + 1) & (s->tcap - 1);
		if (s->table[h])
			rc = hold(s, ai, s->table[h] - 1);
	}
	buf_release(&k);
	return rc;
}

/* Pass 1 interns and posts the n-grams of answer `ai` and interns stems;
 * pass 2 (after every answer had pass 1) posts the stems. */
static int index_answer(struct learn_set *s, size_t ai, int pass)
{
	struct answer *a = &s->a[ai];
	struct token *tok;
	struct buf key = BUF_INIT, surf = BUF_INIT, low = BUF_INIT;
	size_t nt, i, w;
	int rc = tokenize(a->text, &tok, &nt);

	for (i = 0; !rc && i < nt; i++) {
		buf_reset(&low);
		lower_into(&low, a->text + tok[i].start, tok[i].len);
		rc = normalize_key(low.data, low.len, &key, NULL);
		if (!rc && !(tok[i].key = buf_detach(&key, NULL)))
			rc = KERR_NOMEM;
		if (!rc && pass == 1 && !is_stop(tok[i].key, strlen(tok[i].key)))
			rc = add_stems(s, low.data, low.len);
		if (!rc && pass == 2)
			rc = hold_stems(s, ai, tok[i].key);
	}
	for (i = 0; !rc && pass == 1 && i < nt; i++) {
		if (is_stop(tok[i].key, strlen(tok[i].key)) || all_digits(tok[i].key))
			continue;
		for (w = 1; !rc && w <= MAX_WORDS && i + w <= nt; w++) {
			const struct token *last = &tok[i + w - 1];
			size_t k, gi;

			if (last->segment != tok[i].segment)
				break;
			if (is_stop(last->key, strlen(last->key)) || all_digits(last->key))
				continue;
			buf_reset(&key);
			buf_reset(&surf);
			for (k = i; k < i + w; k++) {
				buf_addf(&key, "%s%s", k > i ? " " : "", tok[k].key);
				if (k > i)
					buf_addch(&surf, ' ');
				lower_into(&surf, a->text + tok[k].start, tok[k].len);
			}
			gi = intern(s, key.data, surf.data, w);
			rc = gi == (size_t)-1 ? KERR_NOMEM : hold(s, ai, gi);
		}
	}
	for (i = 0; i < nt; i++)
		free(tok[i].key);
	free(tok);
	buf_release(&key);
	buf_release(&surf);
	buf_release(&low);
	return rc;
}

/* ---- proposals -------------------------------------------------------- */

/* Breaking an answer coders got right costs more than leaving one unfixed:
 * the coder who reviewed it has to notice the new error. */
static long score(size_t fixes, size_t breaks)
{
	return (long)fixes - 2 * (long)breaks;
}

struct cand {
	size_t gram, fixes, breaks, example;
	size_t held_fixes, held_breaks, folds;
	size_t nwords;    /* copied from the gram so qsort needs no context */
	const char *key;
};

/* Best first: what the held-out folds say, then the counts on every answer
 * (a phrase that generalises beats one that fits the answers it came from). */
static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	long ha = (long)a->held_fixes - (long)a->held_breaks;
	long hb = (long)b->held_fixes - (long)b->held_breaks;
	long da = score(a->fixes, a->breaks), db = score(b->fixes, b->breaks);

	if (ha != hb)
		return ha > hb ? -1 : 1;
	if (da != db)
		return da > db ? -1 : 1;
	if (a->fixes != b->fixes)
		return a->fixes > b->fixes ? -1 : 1;
	if (a->nwords != b->nwords)
		return a->nwords < b->nwords ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* Does the answer count as fixed / broken by this kind of change? */
static int fixes(const struct answer *a, size_t c, int exclude)
{
	return exclude ? (a->rules[c] && !a->coder[c]) : (a->coder[c] && !a->rules[c]);
}

static int breaks(const struct answer *a, size_t c, int exclude)
{
	return exclude ? (a->rules[c] && a->coder[c]) : (!a->rules[c] && !a->coder[c]);
}

/* Deal the answers into folds for one category and kind, stratified: the
 * answers the change would fix are dealt in turn, and so are the others,
 * so two answers a phrase fixes share a fold only when the category has
 * more such answers than there are folds (a phrase whose two fixes shared
 * a fold could never be held out). */
static void deal(struct learn_set *s, size_t cat, int exclude, size_t folds)
{
	size_t i, nf = 0, no = 0;

	for (i = 0; i < s->n; i++)
		s->fold[i] = folds < 2 ? 0
			: fixes(&s->a[i], cat, exclude) ? nf++ % folds : no++ % folds;
}

/* Fixes and breaks of gram `g` on the answers in fold `f` (in) or outside
 * it (!in); with f == -1 and !in, on every answer. */
static void count(const struct learn_set *s, const struct gram *g, size_t cat, int exclude,
	size_t f, int in, size_t *fx, size_t *br, size_t *example)
{
	size_t p;

	*fx = *br = 0;
	for (p = 0; p < g->nposts; p++) {
		const struct answer *a = &s->a[g->posts[p]];

		if ((s->fold[g->posts[p]] == f) != in)
			continue;
		if (fixes(a, cat, exclude)) {
			if (!*fx && example)
				*example = g->posts[p];
			(*fx)++;
		} else if (breaks(a, cat, exclude)) {
			(*br)++;
		}
	}
}

/* Score a candidate on the answers it was not learned from: for each fold,
 * the phrase counts as learned when it fixes more than it breaks on the
 * other folds alone (not fixes > 2 x breaks: leaving one answer out of a
 * three-fix phrase would turn it down); then what it does to the fold's own
 * answers is added.  A phrase whose fixes all sit in one
 * fold fixes nothing held out; one that breaks what the coders left alone
 * elsewhere shows it.  (Asking the other folds for --min fixes too would
 * turn down every 2-fix phrase, and on a few hundred answers most real
 * ones are that small.) */
static void held_out(const struct learn_set *s, struct cand *c, size_t cat, int exclude,
	size_t folds)
{
	const struct gram *g = &s->g[c->gram];
	size_t f, fx, br;

	c->held_fixes = c->held_breaks = c->folds = 0;
	for (f = 0; f < folds; f++) {
		count(s, g, cat, exclude, f, 0, &fx, &br, NULL);
		if (fx <= br)
			continue;
		c->folds++;
		count(s, g, cat, exclude, f, 1, &fx, &br, NULL);
		c->held_fixes += fx;
		c->held_breaks += br;
	}
}

/* Every answer `c` fixes is also fixed by a proposal already taken: the
 * longer phrase would add nothing. */
static int covered(const struct learn_set *s, const struct cand *c, size_t cat, int exclude,
	const struct cand *taken, size_t ntaken)
{
	const struct gram *g = &s->g[c->gram];
	size_t i, t;

	for (i = 0; i < g->nposts; i++) {
		size_t a = g->posts[i];
		int found = 0;

		if (!fixes(&s->a[a], cat, exclude))
			continue;
		for (t = 0; t < ntaken && !found; t++) {
			const struct gram *h = &s->g[taken[t].gram];
			size_t k;

			for (k = 0; k < h->nposts && !found; k++)
				found = h->posts[k] == a;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int add_prop(struct learn_set *s, size_t cat, int exclude, const struct cand *c)
{
	struct learn_proposal *p;

	if (s->nprops == s->pcap) {
		size_t cap = s->pcap ? s->pcap * 2 : 32;

		p = realloc(s->props, cap * sizeof(*p));
		if (!p)
			return KERR_NOMEM;
		s->props = p;
		s->pcap = cap;
	}
	p = &s->props[s->nprops];
	p->cat = cat;
	p->exclude = exclude;
	p->fixes = c->fixes;
	p->breaks = c->breaks;
	p->held_fixes = c->held_fixes;
	p->held_breaks = c->held_breaks;
	p->folds = c->folds;
	p->example = c->example;
	p->pattern = strdup(s->g[c->gram].surface);
	if (!p->pattern)
		return KERR_NOMEM;
	s->nprops++;
	return 0;
}

/* Would this change undo a category the coders carved out of another?  An
 * exclusion on the new category sends its answers back where they came
 * from; an include on the category it came from takes them back.  Older
 * decisions, made before the category existed, would argue for both. */
static int undoes(const struct learn_set *s, size_t cat, int exclude)
{
	size_t i;

	for (i = 0; i < s->ncarved; i++)
		if (exclude ? s->carved[i].cat == cat : s->carved[i].source == cat)
			return 1;
	return 0;
}

static int propose_one(struct learn_set *s, size_t cat, int exclude, size_t min_fix,
	size_t per_cat, size_t folds, unsigned char *seen)
{
	struct cand *cands = NULL, *taken = NULL;
	size_t ncand = 0, ccap = 0, ntaken = 0, i, k;
	int rc = 0, undo = undoes(s, cat, exclude);

	deal(s, cat, exclude, folds);
	memset(seen, 0, s->ng);
	for (i = 0; i < s->n && !rc; i++) {
		if (!fixes(&s->a[i], cat, exclude))
			continue;
		for (k = 0; k < s->a[i].ngrams && !rc; k++) {
			size_t gi = s->a[i].grams[k];
			const struct gram *g = &s->g[gi];
			struct cand c = { gi, 0, 0, 0, 0, 0, 0, g->nwords, g->key };

			if (seen[gi])
				continue;
			seen[gi] = 1;
			if (is_known(s, cat, exclude, g->key))
				continue;
			count(s, g, cat, exclude, (size_t)-1, 0, &c.fixes, &c.breaks,
				&c.example);
			if (c.fixes < min_fix || score(c.fixes, c.breaks) <= 0)
				continue;
			if (folds > 1) {
				held_out(s, &c, cat, exclude, folds);
				/* it must fix more than it breaks where it was not
				 * learned, and at least as many as --min asks */
				if (c.held_fixes <= c.held_breaks || c.held_fixes < min_fix) {
					s->nrejected++;
					continue;
				}
			}
			if (undo) {
				s->nundo++;
				continue;
			}
			if (ncand == ccap) {
				struct cand *np;

				ccap = ccap ? ccap * 2 : 64;
				if (!(np = realloc(cands, ccap * sizeof(*np)))) {
					rc = KERR_NOMEM;
					break;
				}
				cands = np;
			}
			cands[ncand++] = c;
		}
	}
	if (!rc && ncand) {
		qsort(cands, ncand, sizeof(*cands), cand_cmp);
		taken = calloc(per_cat ? per_cat : 1, sizeof(*taken));
		if (!taken)
			rc = KERR_NOMEM;
		for (i = 0; !rc && i < ncand && ntaken < per_cat; i++) {
			if (covered(s, &cands[i], cat, exclude, taken, ntaken))
				continue;
			taken[ntaken++] = cands[i];
			rc = add_prop(s, cat, exclude, &cands[i]);
		}
	}
	free(cands);
	free(taken);
	return rc;
}

int learn_carved(struct learn_set *s, size_t cat, size_t source, struct kerr *e)
{
	struct carved *c;

	if (cat >= s->ncats || source >= s->ncats || cat == source)
		return kerr_set(e, KERR_INVALID, "a category is carved out of another one");
	c = realloc(s->carved, (s->ncarved + 1) * sizeof(*c));
	if (!c)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	s->carved = c;
	c[s->ncarved].cat = cat;
	c[s->ncarved].source = source;
	s->ncarved++;
	return 0;
}

int learn_propose(struct learn_set *s, size_t min_fix, size_t per_cat, size_t folds,
	const struct learn_proposal **out, size_t *n, struct kerr *e)
{
	unsigned char *seen;
	size_t i;
	int rc = 0;

	if (min_fix < 1)
		min_fix = 1;
	for (i = 0; i < s->nprops; i++)
		free(s->props[i].pattern);
	s->nprops = 0;
	s->nrejected = s->nundo = 0;
	if (!s->indexed) {
		for (i = 0; i < s->n && !rc; i++)
			rc = index_answer(s, i, 1);
		for (i = 0; i < s->n && !rc && s->tcap; i++)
			rc = index_answer(s, i, 2);
		if (rc)
			return kerr_set(e, rc, "out of memory while indexing phrases");
		s->indexed = 1;
	}
	free(s->fold);
	s->fold = malloc((s->n + 1) * sizeof(*s->fold));
	seen = malloc(s->ng + 1);
	if (!seen || !s->fold) {
		free(seen);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	for (i = 0; i < s->ncats && !rc; i++) {
		rc = propose_one(s, i, 0, min_fix, per_cat, folds, seen);
		if (!rc)
			rc = propose_one(s, i, 1, min_fix, per_cat, folds, seen);
	}
	free(seen);
	if (rc)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	*out = s->props;
	*n = s->nprops;
	return 0;
}

void learn_left_out(const struct learn_set *s, size_t *rejected, size_t *undo)
{
	*rejected = s->nrejected;
	*undo = s->nundo;
}
