/*
 * discover.c - candidate new categories among unexplained answers (see
 * discover.h): Danish stems and phrases -> tf-idf -> average-link
 * agglomeration of (at most AGG_MAX of) a seeded sample -> every answer to
 * its nearest group -> log-likelihood terms -> include patterns.
 */
#include "discover.h"

#include "error.h"
#include "everyday.h"
#include "strtab.h"

#include <libstemmer.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { NEIGHBOURS = 5, MAX_WORD = 64, MAX_TERMS = 12, MAX_PATTERNS = 6,
       SAMPLE = 5000, AGG_MAX = 1500, CONTEXT = 10000, KMAX = 100, MAX_FORMS = 6, MAX_ANSWER_WORDS = 512 };
/* SAMPLE: answers to group kept (a reservoir sample, deterministic for the
 * seed) for the grouping and the candidates' words; AGG_MAX: of them, the
 * answers the agglomeration joins (its similarities are a float per pair,
 * 4.5 MB), the rest go to their nearest group; CONTEXT: answers of any
 * kind kept for which words go together.  Beyond a few thousand answers
 * more of them make the same groups, only slower; what grows with the
 * answers is counted (feature table, see prune) or seen once more in
 * discover_match, never kept.  MAX_ANSWER_WORDS: words of one answer
 * looked at (an answer adds at most twice as many features, which is the
 * room prune keeps free). */
/* Features (stems and phrases) kept before those said by the fewest
 * answers so far are forgotten (see prune): most of a large survey's
 * different phrases are said once, and memory must not grow with them. */
#ifndef DISCOVER_PRUNE_AT
#define DISCOVER_PRUNE_AT (1u << 16)
#endif

struct feat {
	const char *key;       /* in the feature table's arena: set by
	                          discover_run (the arena moves while it grows) */
	double idf;
	size_t a, b;           /* a phrase's two stems; SIZE_MAX for a stem */
	size_t form;           /* best written form (index into forms) */
	size_t col;            /* column in the vectors; SIZE_MAX when dropped */
	uint32_t koff;         /* where the key is in the arena */
	uint32_t form_n;       /* the best form's count */
	/* 4 bytes each: the table is most of discover's memory */
	uint32_t df;           /* answers to group with it */
	uint32_t dfall;        /* answers with it, context included */
	uint32_t sdf;          /* answers of the sample with it (discover_run) */
};

struct form {
	const char *word;      /* in the form table's arena, as key above */
	size_t feat;
	uint32_t woff;
	uint32_t n;            /* times written so */
};

struct cand {
	struct discover_cand pub;
	char *id, *label;
	char **include;
	size_t *members;       /* sample answers (discover_run only) */
	struct discover_term *terms;
	char **term_forms;
	size_t pf[MAX_PATTERNS];   /* the patterns' features */
	unsigned char exact[MAX_PATTERNS];   /* the pattern lists the stem's forms
	                                        rather than `stem*` */
	size_t tf[MAX_TERMS];      /* the terms' features */
	size_t group;              /* its group */
};

/* One kept answer's feature ids, sorted. */
struct alist {
	uint32_t *id;
	size_t n;
};

/* A reservoir sample (Vitter's algorithm R) of at most cap answers. */
struct sample {
	struct alist *a;
	size_t n, cap, acap;
	uint64_t seen;
};

/* a feature's candidates (discover_match): candidate c's patterns match
 * it, or it is term t of candidate c */
struct fhit {
	uint32_t c, t;   /* t: MAX_TERMS for a pattern's feature */
};

struct discover {
	struct discover_opts o;
	struct sb_stemmer *st;
	struct strtab ftab, formtab;   /* stem or phrase -> feature, word -> form;
	                                  keys are stored with their NUL, so
	                                  that the arena holds C strings */
	struct feat *f;
	size_t nf, fcap;
	struct form *forms;
	size_t nforms, formcap;
	uint32_t *cur;         /* the answer being read: its feature ids */
	size_t ncur, curcap;
	struct sample tg, ctx; /* answers to group; answers of any kind */
	uint64_t rs;           /* the reservoirs' random state */
	size_t n;              /* answers added */
	size_t floor, ffloor;  /* features / forms said this often or less were forgotten */
	size_t ntgt;
	size_t nempty;
	struct cand *c;
	size_t nc;
	/* kept by discover_run for discover_match */
	int ran, matching;
	size_t k, ncols;
	double *cen, *sc, *acc, *nbw;
	size_t *nb, *gcand;    /* group -> its candidate, SIZE_MAX for none */
	size_t *vcol;          /* one answer's vector */
	double *vw;
	size_t *hoff;          /* feature f's hits: hit[hoff[f] .. hoff[f + 1]) */
	struct fhit *hit;
	unsigned char *match;  /* nc flags */
};

static uint64_t rng_next(uint64_t *s);

static int nomem(struct kerr *e)
{
	kerr_set(e, KERR_NOMEM, "out of memory while grouping answers");
	return KERR_NOMEM;
}

int discover_new(const struct discover_opts *o, struct discover **out, struct kerr *e)
{
	struct discover *d = calloc(1, sizeof *d);

	*out = NULL;
	if (!d)
		return nomem(e);
	if (o)
		d->o = *o;
	d->st = sb_stemmer_new("danish", "UTF_8");
	d->tg.cap = SAMPLE;
	d->ctx.cap = CONTEXT;
	d->rs = (uint64_t)d->o.seed * 0x9E3779B97F4A7C15ULL + 0x5EED;
	if (!d->st || strtab_init(&d->ftab, 1024) || strtab_init(&d->formtab, 1024)) {
		discover_free(d);
		return nomem(e);
	}
	*out = d;
	return 0;
}

static void sample_release(struct sample *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->a[i].id);
	free(s->a);
}

static void cand_release(struct cand *c)
{
	size_t i;

	free(c->id);
	free(c->label);
	for (i = 0; i < c->pub.ninclude; i++)
		free(c->include[i]);
	free(c->include);
	free(c->members);
	for (i = 0; i < c->pub.nterms; i++)
		free(c->term_forms[i]);
	free(c->term_forms);
	free(c->terms);
}

void discover_free(struct discover *d)
{
	size_t i;

	if (!d)
		return;
	if (d->st)
		sb_stemmer_delete(d->st);
	strtab_release(&d->ftab);
	strtab_release(&d->formtab);
	free(d->f);
	free(d->forms);
	free(d->cur);
	sample_release(&d->tg);
	sample_release(&d->ctx);
	for (i = 0; i < d->nc; i++)
		cand_release(&d->c[i]);
	free(d->c);
	free(d->cen);
	free(d->sc);
	free(d->acc);
	free(d->nb);
	free(d->nbw);
	free(d->gcand);
	free(d->vcol);
	free(d->vw);
	free(d->hoff);
	free(d->hit);
	free(d->match);
	free(d);
}

/* Lower-case one word into w (ASCII and Latin-1 letters: Æ Ø Å É ...). */
static size_t lower(const char *s, size_t n, char *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 'A' && ch <= 'Z')
			ch += 32;
		else if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && ch >= 0x80 && ch <= 0x9E
			 && ch != 0x97)
			ch += 0x20;
		w[i] = (char)ch;
	}
	return n;
}

/* w[0..n) with æ ø å (lower case) as ae oe aa, into f (room for 2n). */
static size_t fold(const char *w, size_t n, char *f)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)w[i], nx = i + 1 < n ? (unsigned char)w[i + 1] : 0;

		if (ch == 0xC3 && (nx == 0xA6 || nx == 0xB8 || nx == 0xA5)) {
			f[o++] = nx == 0xA5 ? 'a' : nx == 0xA6 ? 'a' : 'o';
			f[o++] = nx == 0xA5 ? 'a' : 'e';
			i++;
		} else {
			f[o++] = (char)ch;
		}
	}
	f[o] = '\0';
	return o;
}

/* Length of the UTF-8 sequence at s (1 for a stray byte). */
static size_t seq_len(const unsigned char *s, size_t left)
{
	size_t n = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : *s >= 0xC0 ? 2 : 1;

	return n <= left ? n : left;
}

/* 1 if the sequence of n bytes at s is part of a word: ASCII letters and
 * letters beyond ASCII, but not the punctuation of U+0080-U+00BF, U+00D7,
 * U+00F7, and U+2000-U+2BFF (dashes, quotes, bullets). */
static int is_letter(const unsigned char *s, size_t n)
{
	if (n == 1)
		return (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');
	if (*s == 0xC2)
		return 0;
	if (*s == 0xC3 && n == 2 && (s[1] == 0x97 || s[1] == 0xB7))
		return 0;
	if (*s == 0xE2)
		return 0;
	return 1;
}

/* The id in table t of key k[0..n] (n bytes and the NUL after them),
 * adding it with value v when new (*added set, *off where its key went).
 * SIZE_MAX on no memory. */
static size_t intern(struct strtab *t, const char *k, size_t n, size_t v, int *added,
	uint32_t *off)
{
	uint32_t id;
	size_t at = t->arena.len;

	*added = 0;
	if (strtab_get(t, k, n + 1, &id))
		return id;
	if (v > UINT32_MAX || at > UINT32_MAX || strtab_put(t, k, n + 1, (uint32_t)v, 0))
		return SIZE_MAX;
	*added = 1;
	*off = (uint32_t)at;
	return v;
}

/* Room for one more of the n elements of `size` bytes at *p (capacity
 * *cap, doubled when full).  Returns 0 or -1 on no memory. */
static int room(void **p, size_t n, size_t *cap, size_t size)
{
	size_t nc;
	void *np;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 256;
	if (!(np = realloc(*p, nc * size)))
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

/* The feature of key[0..n] (key[n] is NUL), added when new. */
static size_t feat_add(struct discover *d, const char *key, size_t n, size_t a, size_t b)
{
	int added;
	uint32_t off = 0;
	size_t id;

	if (room((void **)&d->f, d->nf, &d->fcap, sizeof *d->f))
		return SIZE_MAX;
	id = intern(&d->ftab, key, n, d->nf, &added, &off);
	if (id == SIZE_MAX || !added)
		return id;
	memset(&d->f[id], 0, sizeof d->f[id]);
	d->f[id].koff = off;
	d->f[id].a = a;
	d->f[id].b = b;
	d->f[id].form = SIZE_MAX;
	d->nf++;
	return id;
}

/* Count the written form w[0..n] (w[n] is NUL) of stem feature `fid`. */
static int form_add(struct discover *d, size_t fid, const char *w, size_t n)
{
	int added;
	uint32_t off = 0;
	size_t id;

	if (room((void **)&d->forms, d->nforms, &d->formcap, sizeof *d->forms))
		return -1;
	id = intern(&d->formtab, w, n, d->nforms, &added, &off);
	if (id == SIZE_MAX)
		return -1;
	if (added) {
		d->forms[id].woff = off;
		d->forms[id].word = NULL;
		d->forms[id].feat = fid;
		d->forms[id].n = 0;
		d->nforms++;
	}
	d->forms[id].n++;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int push_feat(struct discover *d, size_t id)
{
	if (id > UINT32_MAX)
		return -1;
	if (d->ncur == d->curcap) {
		size_t nc = d->curcap ? d->curcap * 2 : 256;
		uint32_t *na = realloc(d->cur, nc * sizeof *na);

		if (!na)
			return -1;
		d->cur = na;
		d->curcap = nc;
	}
	d->cur[d->ncur++] = (uint32_t)id;
	return 0;
}

/* Answer list l with its ids mapped through to[] (SIZE_MAX: gone). */
static void remap(struct alist *l, const size_t *to)
{
	size_t j, o = 0;

	for (j = 0; j < l->n; j++)
		if (to[l->id[j]] != SIZE_MAX)
			l->id[o++] = (uint32_t)to[l->id[j]];
	l->n = o;
}

/*
 * Forget the features said by the fewest answers so far (lossy counting,
 * Manku & Motwani 2002, as words.c does), until at most half of
 * DISCOVER_PRUNE_AT are left: a phrase whose stem goes goes too, and so
 * do a stem's written forms (and the rarest forms, when the forms alone
 * fill the table).  A forgotten feature said again starts from
 * 0, so a count can come out short by at most the floor, which rises
 * only as far as the table needs (surveys whose features fit are counted
 * exactly; columns want 1 in 500 answers anyway).  Feature ids
 * change: the kept answers' lists are rewritten (the order is kept, so they
 * stay sorted).  Called between answers.  Returns 0 or -1 on no memory
 * (then nothing changed).
 */
static int prune(struct discover *d)
{
	size_t *to = malloc((d->nf ? d->nf : 1) * sizeof *to), i, o, live, nfl;
	uint32_t *koff = malloc((d->nf ? d->nf : 1) * sizeof *koff);
	uint32_t *woff = malloc((d->nforms ? d->nforms : 1) * sizeof *woff);
	struct strtab nf, nform;
	int added;

	if (!to || !koff || !woff || strtab_init(&nf, 1024)) {
		free(to);
		free(koff);
		free(woff);
		return -1;
	}
	if (strtab_init(&nform, 1024)) {
		strtab_release(&nf);
		free(to);
		free(koff);
		free(woff);
		return -1;
	}
	for (;;) {
		for (i = 0, live = 0; i < d->nf; i++) {
			const struct feat *x = &d->f[i];
			int keep = x->dfall > d->floor
				&& (x->a == SIZE_MAX || (to[x->a] != SIZE_MAX && to[x->b] != SIZE_MAX));

			to[i] = keep ? live++ : SIZE_MAX;
		}
		if (live <= DISCOVER_PRUNE_AT / 2)
			break;
		d->floor++;
	}
	for (;;) {
		for (i = 0, nfl = 0; i < d->nforms; i++)
			nfl += to[d->forms[i].feat] != SIZE_MAX && d->forms[i].n > d->ffloor;
		if (nfl <= DISCOVER_PRUNE_AT / 2)
			break;
		d->ffloor++;
	}
	/* the new tables first: on no memory, nothing has changed yet */
	for (i = 0; i < d->nf; i++) {
		const char *k = d->ftab.arena.data + d->f[i].koff;

		if (to[i] != SIZE_MAX
		    && intern(&nf, k, strlen(k), to[i], &added, &koff[i]) == SIZE_MAX)
			goto fail;
	}
	for (i = 0, o = 0; i < d->nforms; i++) {
		const char *w = d->formtab.arena.data + d->forms[i].woff;

		if (to[d->forms[i].feat] != SIZE_MAX && d->forms[i].n > d->ffloor
		    && intern(&nform, w, strlen(w), o++, &added, &woff[i]) == SIZE_MAX)
			goto fail;
	}
	strtab_release(&d->ftab);
	d->ftab = nf;
	strtab_release(&d->formtab);
	d->formtab = nform;
	for (i = 0; i < d->nf; i++) {
		struct feat *x = &d->f[i];

		if (to[i] == SIZE_MAX)
			continue;
		if (x->a != SIZE_MAX) {
			x->a = to[x->a];
			x->b = to[x->b];
		}
		x->koff = koff[i];
		d->f[to[i]] = *x;
	}
	d->nf = live;
	for (i = 0, o = 0; i < d->nforms; i++)
		if (to[d->forms[i].feat] != SIZE_MAX && d->forms[i].n > d->ffloor) {
			d->forms[o] = d->forms[i];
			d->forms[o].woff = woff[i];
			d->forms[o++].feat = to[d->forms[i].feat];
		}
	d->nforms = o;
	for (i = 0; i < d->tg.n; i++)
		remap(&d->tg.a[i], to);
	for (i = 0; i < d->ctx.n; i++)
		remap(&d->ctx.a[i], to);
	free(to);
	free(koff);
	free(woff);
	return 0;
fail:
	strtab_release(&nf);
	strtab_release(&nform);
	free(to);
	free(koff);
	free(woff);
	return -1;
}

/*
 * The features of text[0..len) into d->cur, sorted, each once: added to
 * the table (and their written forms counted) when `add`, else only those
 * the table knows.  Returns 0 or -1 on no memory.
 */
static int tokenize(struct discover *d, const char *text, size_t len, int add)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, pos = 0, prev = SIZE_MAX, prevpos = 0, j, k, words = 0;
	char w[MAX_WORD + 1], fw[2 * MAX_WORD + 2], key[2 * MAX_WORD + 2];

	d->ncur = 0;
	while (i < len && words < MAX_ANSWER_WORDS) {
		size_t ws, wl, sl, sid;
		uint32_t id32;
		const sb_symbol *stem;

		while (i < len && !is_letter(s + i, seq_len(s + i, len - i)))
			i += seq_len(s + i, len - i);
		if (i >= len)
			break;
		ws = i;
		while (i < len && is_letter(s + i, seq_len(s + i, len - i)))
			i += seq_len(s + i, len - i);
		wl = i - ws;
		pos++;
		if (wl > MAX_WORD)
			continue;
		lower(text + ws, wl, w);
		w[wl] = '\0';
		if (wl < 3 || everyday_word(w, wl))
			continue;
		/* the stem with æ ø å as ae oe aa: the patterns match without
		 * regard to them, and answers write "knae" as often as "knæ"
		 * (the stemmer wants the Danish letters) */
		stem = sb_stemmer_stem(d->st, (const sb_symbol *)w, (int)wl);
		if (!stem)
			return -1;
		sl = fold((const char *)stem, (size_t)sb_stemmer_length(d->st), fw);
		stem = (const sb_symbol *)fw;
		if (sl < 3 || sl > MAX_WORD)
			continue;
		fw[sl] = '\0';
		words++;
		if (add) {
			if ((sid = feat_add(d, (const char *)stem, sl, SIZE_MAX, SIZE_MAX)) == SIZE_MAX
			    || form_add(d, sid, w, wl))
				return -1;
		} else if (strtab_get(&d->ftab, fw, sl + 1, &id32)) {
			sid = id32;
		} else {
			prev = SIZE_MAX;   /* no phrase with it is known either */
			continue;
		}
		if (push_feat(d, sid))
			return -1;
		/* two words in a row, or with one everyday word between */
		if (prev != SIZE_MAX && pos - prevpos <= 2 && prev != sid) {
			const char *pk = d->ftab.arena.data + d->f[prev].koff;
			size_t pl = strlen(pk), pid = SIZE_MAX;

			memcpy(key, pk, pl);
			key[pl] = ' ';
			memcpy(key + pl + 1, stem, sl);
			key[pl + 1 + sl] = '\0';
			if (add) {
				if ((pid = feat_add(d, key, pl + 1 + sl, prev, sid)) == SIZE_MAX)
					return -1;
			} else if (strtab_get(&d->ftab, key, pl + 2 + sl, &id32)) {
				pid = id32;
			}
			if (pid != SIZE_MAX && push_feat(d, pid))
				return -1;
		}
		prev = sid;
		prevpos = pos;
	}
	/* each feature once per answer */
	qsort(d->cur, d->ncur, sizeof *d->cur, cmp_u32);
	for (j = 0, k = 0; j < d->ncur; j++)
		if (k == 0 || d->cur[k - 1] != d->cur[j])
			d->cur[k++] = d->cur[j];
	d->ncur = k;
	return 0;
}

/* The answer just read (d->cur) into reservoir s: kept while there is
 * room, then in place of a kept one with chance cap / seen.  Returns 0 or
 * -1 on no memory. */
static int reservoir(struct discover *d, struct sample *s)
{
	uint64_t at = s->seen++;
	struct alist l;

	if (s->n == s->cap) {
		at = rng_next(&d->rs) % (at + 1);
		if (at >= s->cap)
			return 0;
	}
	l.n = d->ncur;
	if (!(l.id = malloc((l.n ? l.n : 1) * sizeof *l.id)))
		return -1;
	memcpy(l.id, d->cur, l.n * sizeof *l.id);
	if (s->n < s->cap) {
		if (room((void **)&s->a, s->n, &s->acap, sizeof *s->a)) {
			free(l.id);
			return -1;
		}
		s->a[s->n++] = l;
	} else {
		free(s->a[at].id);
		s->a[at] = l;
	}
	return 0;
}

int discover_add(struct discover *d, const char *text, size_t len, int group, struct kerr *e)
{
	size_t j;

	if (d->ran)
		return kerr_set(e, KERR_INVALID, "discover_add after discover_run");
	/* room for the most one answer adds (see MAX_ANSWER_WORDS) */
	if (d->nf + 2 * MAX_ANSWER_WORDS > DISCOVER_PRUNE_AT
	    || d->nforms + MAX_ANSWER_WORDS > DISCOVER_PRUNE_AT) {
		if (prune(d))
			return nomem(e);
	}
	if (tokenize(d, text, len, 1))
		return nomem(e);
	for (j = 0; j < d->ncur; j++) {
		d->f[d->cur[j]].dfall++;
		d->f[d->cur[j]].df += group != 0;
	}
	if (reservoir(d, &d->ctx) || (group && reservoir(d, &d->tg)))
		return nomem(e);
	d->ntgt += group != 0;
	d->n++;
	return 0;
}

/* --- grouping --- */

struct vecs {
	size_t *col;      /* kept columns of answer i: col[off[i]..off[i+1]) */
	double *w;        /* their weights, unit length per answer */
	size_t *off;
	size_t ncols;
};

/* a pattern's word: at least half of the answers with it in the group */
#define PREC_MIN 0.5
#define BETA 0.5   /* weight of a word's neighbours beside the word itself */
/* where the agglomeration stops (see discover_run): MERGE_LINK times the
 * mean cosine of two answers, at most LINK_MAX.  On the newcomer studies
 * 2 to 3 times found the same (tests/checks/discover-quality.sh) */
#define MERGE_LINK 2.5
#define LINK_MAX 0.25

/*
 * For every column, the NEIGHBOURS columns that occur with it most (cosine
 * of their answers, all answers counted, at least two together), into
 * nb[col * NEIGHBOURS + k] (SIZE_MAX past the last) and their cosines into
 * nbw.  Returns 0 or -1 on no memory.
 */
static int neighbours(const struct discover *d, const struct vecs *v, const size_t *colf,
	size_t **nbp, double **nbwp)
{
	size_t nc = v->ncols, i, j, t, k, *off = NULL, *co = NULL, *touched = NULL;
	uint32_t *list = NULL;   /* answers, 4 bytes each: n is below 2^32 */
	size_t *nb = malloc((nc ? nc : 1) * NEIGHBOURS * sizeof *nb);
	double *nbw = malloc((nc ? nc : 1) * NEIGHBOURS * sizeof *nbw);
	int rc = -1;

	off = calloc(nc + 1, sizeof *off);
	for (i = 0, t = 0; i < d->ctx.n; i++)
		t += d->ctx.a[i].n;
	list = malloc((t ? t : 1) * sizeof *list);
	co = calloc(nc ? nc : 1, sizeof *co);
	touched = malloc((nc ? nc : 1) * sizeof *touched);
	if (!nb || !nbw || !off || !list || !co || !touched)
		goto out;
	for (i = 0; i < d->ctx.n; i++)
		for (j = 0; j < d->ctx.a[i].n; j++)
			if (d->f[d->ctx.a[i].id[j]].col != SIZE_MAX)
				off[d->f[d->ctx.a[i].id[j]].col + 1]++;
	for (t = 0; t < nc; t++)
		off[t + 1] += off[t];
	for (i = 0; i < d->ctx.n; i++)
		for (j = 0; j < d->ctx.a[i].n; j++) {
			size_t col = d->f[d->ctx.a[i].id[j]].col;

			if (col != SIZE_MAX)
				list[off[col] + co[col]++] = (uint32_t)i;
		}
	memset(co, 0, nc * sizeof *co);
	for (t = 0; t < nc; t++) {
		size_t nt = 0;
		double dt = (double)d->f[colf[t]].dfall;

		for (k = 0; k < NEIGHBOURS; k++) {
			nb[t * NEIGHBOURS + k] = SIZE_MAX;
			nbw[t * NEIGHBOURS + k] = 0;
		}
		for (i = off[t]; i < off[t + 1]; i++)
			for (j = 0; j < d->ctx.a[list[i]].n; j++) {
				size_t u = d->f[d->ctx.a[list[i]].id[j]].col;

				if (u == SIZE_MAX || u == t)
					continue;
				if (!co[u]++)
					touched[nt++] = u;
			}
		for (i = 0; i < nt; i++) {
			size_t u = touched[i];
			double c = co[u] >= 2 ? (double)co[u] / sqrt(dt * (double)d->f[colf[u]].dfall) : 0;

			co[u] = 0;
			if (c < 0.1)
				continue;
			/* insert into the sorted top list (ties: lower column) */
			for (k = NEIGHBOURS; k > 0; k--) {
				size_t pk = t * NEIGHBOURS + k - 1;

				if (nb[pk] != SIZE_MAX && (nbw[pk] > c || (nbw[pk] == c && nb[pk] < u)))
					break;
				if (k < NEIGHBOURS) {
					nb[pk + 1] = nb[pk];
					nbw[pk + 1] = nbw[pk];
				}
			}
			if (k < NEIGHBOURS) {
				nb[t * NEIGHBOURS + k] = u;
				nbw[t * NEIGHBOURS + k] = c;
			}
		}
	}
	rc = 0;
out:
	free(off);
	free(list);
	free(co);
	free(touched);
	if (rc) {
		free(nb);
		free(nbw);
		nb = NULL;
		nbw = NULL;
	}
	*nbp = nb;
	*nbwp = nbw;
	return rc;
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Cosines of answer i with every centre: cen is column-major (cen[col * k
 * + g]), so each of the answer's words adds to all k at once. */
static void scores(const struct vecs *v, size_t i, const double *cen, size_t k, double *s)
{
	size_t j, g;

	for (g = 0; g < k; g++)
		s[g] = 0;
	for (j = v->off[i]; j < v->off[i + 1]; j++) {
		const double *c = cen + v->col[j] * k;
		double w = v->w[j];

		for (g = 0; g < k; g++)
			s[g] += w * c[g];
	}
}

/* The nearest of k centres to answer i, its cosine into *sim (scratch sc:
 * k doubles); ties go to the lower group. */
static size_t nearest(const struct vecs *v, size_t i, const double *cen, size_t k, double *sc,
	double *sim)
{
	size_t g, bg = 0;

	scores(v, i, cen, k, sc);
	for (g = 1; g < k; g++)
		if (sc[g] > sc[bg])
			bg = g;
	*sim = sc[bg];
	return bg;
}

/* The sums of the vectors of each group (column-major), answers idx[t]
 * in group asg[t]; cnt[g] how many. */
static void sums(const struct vecs *v, const size_t *idx, size_t m, const size_t *asg, size_t k,
	double *sum, size_t *cnt)
{
	size_t t, j;

	memset(sum, 0, k * v->ncols * sizeof *sum);
	if (cnt)
		memset(cnt, 0, k * sizeof *cnt);
	for (t = 0; t < m; t++) {
		if (asg[t] == SIZE_MAX)
			continue;
		for (j = v->off[idx[t]]; j < v->off[idx[t] + 1]; j++)
			sum[v->col[j] * k + asg[t]] += v->w[j];
		if (cnt)
			cnt[asg[t]]++;
	}
}

/* Scale every group's column of cen to unit length. */
static void unit(double *cen, size_t ncols, size_t k, double *nrm)
{
	size_t j, g;

	for (g = 0; g < k; g++)
		nrm[g] = 0;
	for (j = 0; j < ncols; j++)
		for (g = 0; g < k; g++)
			nrm[g] += cen[j * k + g] * cen[j * k + g];
	for (g = 0; g < k; g++)
		nrm[g] = nrm[g] > 0 ? 1 / sqrt(nrm[g]) : 0;
	for (j = 0; j < ncols; j++)
		for (g = 0; g < k; g++)
			cen[j * k + g] *= nrm[g];
}

/*
 * Average-link agglomeration of the answers t = 0..m of v (rows of v):
 * every answer its own group, then the two groups whose answers are most
 * alike on average (mean cosine of an answer of one with an answer of the
 * other) joined while that is above `tau`.  No seed: the same answers
 * give the same groups.
 * Groups into asg[0..m), numbered 0..; returns how many, or SIZE_MAX on
 * no memory.  The similarities are m (m - 1) / 2 floats, one per pair
 * (m is capped by the caller).
 */
#define TRI(i, l) ((i) < (l) ? (l) * ((l) - 1) / 2 + (i) : (i) * ((i) - 1) / 2 + (l))
static size_t agglomerate(const struct vecs *v, size_t m, double tau, size_t *asg)
{
	float *S = malloc(m * (m - 1) / 2 * sizeof *S + 1);
	double *dense = calloc(v->ncols ? v->ncols : 1, sizeof *dense), *bs = malloc(m * sizeof *bs + 1);
	size_t *nb = malloc(m * sizeof *nb + 1), *n = malloc(m * sizeof *n + 1), i, j, l, left = m, k;
	size_t *to = nb;

	if (!S || !dense || !bs || !nb || !n) {
		k = SIZE_MAX;
		goto out;
	}
	for (i = 0; i < m; i++) {
		for (j = v->off[i]; j < v->off[i + 1]; j++)
			dense[v->col[j]] = v->w[j];
		for (l = i + 1; l < m; l++) {
			double s = 0;

			for (j = v->off[l]; j < v->off[l + 1]; j++)
				s += v->w[j] * dense[v->col[j]];
			S[TRI(i, l)] = (float)s;
		}
		for (j = v->off[i]; j < v->off[i + 1]; j++)
			dense[v->col[j]] = 0;
		n[i] = 1;
	}
	/* nb[i]: the group most alike to group i (the lowest on a tie) */
	for (i = 0; i < m; i++) {
		bs[i] = -1;
		nb[i] = SIZE_MAX;
		for (l = 0; l < m; l++)
			if (l != i && S[TRI(i, l)] > bs[i]) {
				bs[i] = S[TRI(i, l)];
				nb[i] = l;
			}
	}
	while (left > 1) {
		size_t a = SIZE_MAX, b;
		double best = -2;

		for (i = 0; i < m; i++)
			if (n[i] && nb[i] != SIZE_MAX && bs[i] > best) {
				best = bs[i];
				a = i;
			}
		if (a == SIZE_MAX || best <= tau)
			break;
		b = nb[a];
		if (b < a) {
			l = a;
			a = b;
			b = l;
		}
		/* b into a: the mean similarity of the union with every other
		 * group is the size-weighted mean of the two (Lance-Williams) */
		for (l = 0; l < m; l++)
			if (n[l] && l != a && l != b) {
				float s = (float)(((double)n[a] * S[TRI(a, l)] + (double)n[b] * S[TRI(b, l)])
						  / (double)(n[a] + n[b]));

				S[TRI(a, l)] = s;
			}
		n[a] += n[b];
		n[b] = 0;
		left--;
		for (i = 0; i < m; i++) {
			if (!n[i])
				continue;
			if (i == a || nb[i] == a || nb[i] == b) {
				bs[i] = -1;
				nb[i] = SIZE_MAX;
				for (l = 0; l < m; l++)
					if (l != i && n[l] && S[TRI(i, l)] > bs[i]) {
						bs[i] = S[TRI(i, l)];
						nb[i] = l;
					}
			} else if (S[TRI(i, a)] > bs[i] || (S[TRI(i, a)] == bs[i] && a < nb[i])) {
				bs[i] = S[TRI(i, a)];
				nb[i] = a;
			}
		}
		/* who went where: b's answers follow a (asg as a parent link) */
		asg[b] = a;
	}
	/* the groups numbered anew: each answer to its group's root */
	for (i = 0; i < m; i++)
		if (n[i])
			asg[i] = i;
	for (i = 0; i < m; i++) {
		l = i;
		while (!n[l])
			l = asg[l];
		asg[i] = l;
	}
	for (i = 0; i < m; i++)
		to[i] = SIZE_MAX;
	for (i = 0, k = 0; i < m; i++) {
		if (to[asg[i]] == SIZE_MAX)
			to[asg[i]] = k++;
		asg[i] = to[asg[i]];
	}
out:
	free(S);
	free(dense);
	free(bs);
	free(nb);
	free(n);
	return k;
}

static double xlogx(double x)
{
	return x > 0 ? x * log(x) : 0;
}

/* Dunning's log-likelihood of a 2x2 table. */
static double g2(double a, double b, double c, double d)
{
	double n = a + b + c + d;

	return 2 * (xlogx(a) + xlogx(b) + xlogx(c) + xlogx(d) + xlogx(n)
		- xlogx(a + b) - xlogx(c + d) - xlogx(a + c) - xlogx(b + d));
}

static int has_feat(const struct alist *l, size_t f)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (l->id[m] == f)
			return 1;
		if (l->id[m] < f)
			lo = m + 1;
		else
			hi = m;
	}
	return 0;
}

/* The best written form of feature f ("lang vej" for a phrase). */
static char *form_of(const struct discover *d, size_t f)
{
	const struct feat *x = &d->f[f];
	const char *a, *b;
	char *s;

	if (x->a == SIZE_MAX) {
		a = x->form != SIZE_MAX ? d->forms[x->form].word : x->key;
		return strdup(a);
	}
	a = d->f[x->a].form != SIZE_MAX ? d->forms[d->f[x->a].form].word : d->f[x->a].key;
	b = d->f[x->b].form != SIZE_MAX ? d->forms[d->f[x->b].form].word : d->f[x->b].key;
	if (!(s = malloc(strlen(a) + strlen(b) + 2)))
		return NULL;
	strcpy(s, a);
	strcat(s, " ");
	strcat(s, b);
	return s;
}

/* A category id from a written form: a-z, 0-9 and _, æøå as ae oe aa. */
static char *id_of(const char *form)
{
	size_t n = strlen(form), i, o = 0;
	char *s = malloc(2 * n + 8);

	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)form[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			s[o++] = (char)ch;
		} else if (ch == 0xC3 && i + 1 < n) {
			unsigned char nx = (unsigned char)form[++i];

			if (nx == 0xA6 || nx == 0x86) {
				s[o++] = 'a';
				s[o++] = 'e';
			} else if (nx == 0xB8 || nx == 0x98) {
				s[o++] = 'o';
				s[o++] = 'e';
			} else if (nx == 0xA5 || nx == 0x85) {
				s[o++] = 'a';
				s[o++] = 'a';
			} else if (nx >= 0xA0 && nx <= 0xA4) {
				s[o++] = 'a';
			} else if (nx >= 0xA8 && nx <= 0xAB) {
				s[o++] = 'e';
			} else if (nx >= 0xB2 && nx <= 0xB6) {
				s[o++] = 'o';
			} else if (nx >= 0xB9 && nx <= 0xBC) {
				s[o++] = 'u';
			}
		} else if (o && s[o - 1] != '_') {
			s[o++] = '_';
		}
	}
	while (o && s[o - 1] == '_')
		o--;
	if (!o)
		s[o++] = 'x';
	s[o] = '\0';
	return s;
}

static int id_taken(const struct discover *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->o.ntaken; i++)
		if (!strcmp(d->o.taken[i], id))
			return 1;
	for (i = 0; i < d->nc; i++)
		if (d->c[i].id && !strcmp(d->c[i].id, id))
			return 1;
	return 0;
}

struct rank {
	size_t g;
	double score;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->g < y->g ? -1 : x->g > y->g;
}

struct member {
	size_t i;
	double sim;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->sim != y->sim)
		return x->sim > y->sim ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int cmp_term(const void *a, const void *b)
{
	const struct discover_term *x = a, *y = b;

	if (x->ll != y->ll)
		return x->ll > y->ll ? -1 : 1;
	return strcmp(x->term, y->term);
}

struct keyed {
	const char *key;
	size_t f;
};

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/* The first of byk[0..nbyk) (stems sorted by key) whose key is not below
 * `key`. */
static size_t lower_bound(const struct keyed *byk, size_t nbyk, const char *key)
{
	size_t lo = 0, hi = nbyk;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(byk[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What `stem*` (stem f) matches besides f: the longer stems it begins
 * (compounds, "parkering*": parkeringsplads, but also other words,
 * "kom*": kommunen).  *in: the group's answers m[0..cnt) it matches in
 * all; returns the answers to group with those other stems (a sum over
 * them: an upper bound). */
static size_t prefix_extra(const struct discover *d, const struct keyed *byk, size_t nbyk,
	size_t f, const struct member *m, size_t cnt, size_t *in)
{
	const char *key = d->f[f].key;
	size_t l = strlen(key), lo = lower_bound(byk, nbyk, key), hi, i, j, extra = 0;

	for (hi = lo; hi < nbyk && !strncmp(byk[hi].key, key, l); hi++)
		if (byk[hi].f != f)
			extra += d->f[byk[hi].f].sdf;
	*in = 0;
	for (j = 0; j < cnt; j++)
		for (i = lo; i < hi; i++)
			if (has_feat(&d->tg.a[m[j].i], byk[i].f)) {
				++*in;
				break;
			}
	return extra;
}

/* The pattern of stem f as its written forms, "(a|b|c)", into buf; 0 when
 * it has more than MAX_FORMS forms (then `stem*` it is). */
static int forms_pattern(const struct discover *d, size_t f, char *buf, size_t size)
{
	size_t i, n = 0, o = 0;

	for (i = 0; i < d->nforms; i++) {
		size_t l;

		if (d->forms[i].feat != f)
			continue;
		l = strlen(d->forms[i].word);
		if (++n > MAX_FORMS || o + l + 3 >= size)
			return 0;
		buf[o++] = n == 1 ? '(' : '|';
		memcpy(buf + o, d->forms[i].word, l);
		o += l;
	}
	if (!n)
		return 0;
	if (n == 1) {   /* one form: the word alone */
		memmove(buf, buf + 1, o - 1);
		buf[o - 1] = '\0';
		return 1;
	}
	buf[o++] = ')';
	buf[o] = '\0';
	return 1;
}

/* The stem as the answers spell it: "ændr" for the key "aendr" of the
 * form "ændret" (a pattern matches through the same folding, and coders
 * write æ, ø, å); the key itself when the form does not fold to it. */
static const char *stem_spelled(const struct discover *d, const struct feat *x, char *out,
				size_t size)
{
	const char *w = x->form < d->nforms ? d->forms[x->form].word : NULL;
	size_t kl = strlen(x->key), wl, i = 0, o = 0;
	char f[16];

	if (!w)
		return x->key;
	wl = strlen(w);
	while (i < wl && o < kl) {
		size_t n = seq_len((const unsigned char *)w + i, wl - i), fl;

		if (n > 4)
			return x->key;
		fl = fold(w + i, n, f);
		if (o + fl > kl || memcmp(f, x->key + o, fl))
			return x->key;
		o += fl;
		i += n;
	}
	if (o != kl || i + 1 > size)
		return x->key;
	memcpy(out, w, i);
	out[i] = '\0';
	return out;
}

/* Fill candidate c from group members m[0..cnt) (closest first). */
static int describe(struct discover *d, struct cand *c, const struct member *m, size_t cnt,
	size_t nz, size_t *fin, unsigned char *covered, const struct keyed *byk, size_t nbyk)
{
	struct discover_term *all;
	size_t i, j, nall = 0, ncov = 0;
	char buf[256], s1[96], s2[96];

	c->members = malloc(cnt * sizeof *c->members);
	all = malloc((d->ncols ? d->ncols : 1) * sizeof *all);   /* terms are columns */
	if (!c->members || !all) {
		free(all);
		return -1;
	}
	for (i = 0; i < cnt; i++)
		c->members[i] = m[i].i;
	memset(fin, 0, d->nf * sizeof *fin);
	for (i = 0; i < cnt; i++)
		for (j = 0; j < d->tg.a[m[i].i].n; j++)
			fin[d->tg.a[m[i].i].id[j]]++;
	for (j = 0; j < d->nf; j++) {
		double a = (double)fin[j], b = (double)(d->f[j].sdf - fin[j]);

		/* a group of all the answers (they say one thing) has no
		 * outside: its terms are its most said words */
		if (d->f[j].col == SIZE_MAX || fin[j] < 2
		    || (cnt < nz && a * (double)(nz - cnt) <= b * (double)cnt))
			continue;
		all[nall].term = d->f[j].key;
		all[nall].form = NULL;
		all[nall].in = fin[j];
		all[nall].out = d->f[j].sdf - fin[j];
		all[nall].ll = cnt < nz ? g2(a, (double)cnt - a, b, (double)(nz - cnt) - b) : a;
		nall++;
	}
	qsort(all, nall, sizeof *all, cmp_term);
	c->pub.nterms = nall < MAX_TERMS ? nall : MAX_TERMS;
	c->terms = malloc((c->pub.nterms ? c->pub.nterms : 1) * sizeof *c->terms);
	c->term_forms = calloc(c->pub.nterms ? c->pub.nterms : 1, sizeof *c->term_forms);
	c->include = calloc(MAX_PATTERNS, sizeof *c->include);
	if (!c->terms || !c->term_forms || !c->include) {
		free(all);
		return -1;
	}
	for (i = 0; i < c->pub.nterms; i++) {
		uint32_t f = 0;

		c->terms[i] = all[i];
		strtab_get(&d->ftab, all[i].term, strlen(all[i].term) + 1, &f);
		c->tf[i] = f;
		if (!(c->term_forms[i] = form_of(d, f))) {
			free(all);
			return -1;
		}
		c->terms[i].form = c->term_forms[i];
	}
	/* patterns: the strongest terms, each as long as it covers answers of
	 * the group the ones before did not, and more of the group than of
	 * the rest */
	memset(covered, 0, cnt);
	for (i = 0; i < nall && c->pub.ninclude < MAX_PATTERNS && i < 4 * MAX_TERMS; i++) {
		size_t f, fresh = 0, need = cnt / 20 > 2 ? cnt / 20 : 2;
		uint32_t f32 = 0;
		double extra = 0;
		const struct feat *x;
		int exact = 0;

		strtab_get(&d->ftab, all[i].term, strlen(all[i].term) + 1, &f32);
		f = f32;
		x = &d->f[f];
		/* `stem*` matches the longer stems it begins too: when that
		 * costs precision ("kom*": kommunen), the stem's own forms are
		 * the pattern; when it does not (compounds: parkering*,
		 * parkeringsplads), stem* stays and counts what it adds */
		if (x->a == SIZE_MAX) {
			size_t in_all, add = prefix_extra(d, byk, nbyk, f, m, cnt, &in_all);
			double out_all = (double)(all[i].out + add) - (double)(in_all - all[i].in);
			double p0 = (double)all[i].in / (double)(all[i].in + all[i].out);
			double p1 = (double)in_all / ((double)in_all + (out_all > 0 ? out_all : 0));

			if (add && p1 < PREC_MIN && p0 >= PREC_MIN && forms_pattern(d, f, buf, sizeof buf))
				exact = 1;
			else
				extra = add - (in_all - all[i].in);
		}
		if ((double)all[i].in < PREC_MIN * (double)(all[i].in + all[i].out + extra))
			continue;
		for (j = 0; j < cnt; j++)
			fresh += !covered[j] && has_feat(&d->tg.a[m[j].i], f);
		if (fresh < need)
			continue;
		for (j = 0; j < cnt; j++)
			if (!covered[j] && has_feat(&d->tg.a[m[j].i], f)) {
				covered[j] = 1;
				ncov++;
			}
		if (exact)
			;
		else if (x->a == SIZE_MAX)
			snprintf(buf, sizeof buf, "%s*", stem_spelled(d, x, s1, sizeof s1));
		else
			snprintf(buf, sizeof buf, "%s* NEAR/2 %s*", stem_spelled(d, &d->f[x->a], s1, sizeof s1),
				 stem_spelled(d, &d->f[x->b], s2, sizeof s2));
		if (!(c->include[c->pub.ninclude] = strdup(buf))) {
			free(all);
			return -1;
		}
		c->exact[c->pub.ninclude] = (unsigned char)exact;
		c->pf[c->pub.ninclude++] = f;
	}
	free(all);
	(void)ncov;
	/* id and label from the strongest terms */
	{
		const char *f1 = c->pub.nterms ? c->term_forms[0] : "gruppe";
		char *base = id_of(f1), *id;
		size_t k = 1, l;

		if (!base)
			return -1;
		if (!(id = malloc(strlen(base) + 24))) {
			free(base);
			return -1;
		}
		strcpy(id, base);
		while (id_taken(d, id))
			sprintf(id, "%s_%zu", base, ++k);
		free(base);
		c->id = id;
		l = strlen(f1) + (c->pub.nterms > 1 ? strlen(c->term_forms[1]) + 2 : 0)
			+ (c->pub.nterms > 2 ? strlen(c->term_forms[2]) + 2 : 0) + 1;
		if (!(c->label = malloc(l)))
			return -1;
		strcpy(c->label, f1);
		for (k = 1; k < 3 && k < c->pub.nterms; k++) {
			strcat(c->label, ", ");
			strcat(c->label, c->term_forms[k]);
		}
		/* a capital first letter: ASCII, and æ ø å */
		if (c->label[0] >= 'a' && c->label[0] <= 'z')
			c->label[0] -= 32;
		else if ((unsigned char)c->label[0] == 0xC3
			 && (unsigned char)c->label[1] >= 0xA0 && (unsigned char)c->label[1] <= 0xBE
			 && (unsigned char)c->label[1] != 0xB7)
			c->label[1] -= 0x20;
	}
	return 0;
}

/* mark[f] = 1 for every feature one of c's patterns matches: a stem the
 * pattern's stem begins (the pattern is `stem*`), or the phrase itself.
 * byk[0..nbyk) are the stem features sorted by key: the stems a prefix
 * begins are a run of them. */
static void matching(const struct discover *d, const struct cand *c, const struct keyed *byk,
	size_t nbyk, unsigned char *mark)
{
	size_t p;

	memset(mark, 0, d->nf);
	for (p = 0; p < c->pub.ninclude; p++) {
		const struct feat *x = &d->f[c->pf[p]];
		size_t l = strlen(x->key), lo = 0, hi = nbyk;

		mark[c->pf[p]] = 1;
		if (x->a != SIZE_MAX || c->exact[p])
			continue;
		lo = lower_bound(byk, nbyk, x->key);
		(void)hi;
		for (; lo < nbyk && !strncmp(byk[lo].key, x->key, l); lo++)
			mark[byk[lo].f] = 1;
	}
}

static int any_marked(const struct alist *l, const unsigned char *mark)
{
	size_t j;

	for (j = 0; j < l->n; j++)
		if (mark[l->id[j]])
			return 1;
	return 0;
}

/*
 * Answer i's vector into col[]/w[] (room for NEIGHBOURS + 1 entries per
 * feature of it): its own words that are columns, weighted by idf, and a
 * share of the words that go with them elsewhere, so that one answer
 * saying "kørsel" and another "afstand" have something in common; unit
 * length.  Returns how many entries (0: no column word).  acc: ncols
 * doubles, zero, left zero.  Vectors are made when needed, not kept for
 * every answer: they are six times the answers' own words.
 */
static size_t answer_vec(const struct discover *d, const struct alist *l, const size_t *nb,
	const double *nbw, double *acc, size_t *col, double *w)
{
	size_t j, t, r = 0;
	double sum = 0;

	for (j = 0; j < l->n; j++) {
		const struct feat *x = &d->f[l->id[j]];

		if (x->col == SIZE_MAX)
			continue;
		for (t = 0; t <= NEIGHBOURS; t++) {
			size_t c = t ? nb[x->col * NEIGHBOURS + t - 1] : x->col;
			double wt = t ? BETA * nbw[x->col * NEIGHBOURS + t - 1] * x->idf : x->idf;

			if (c == SIZE_MAX)
				break;
			if (acc[c] == 0)
				col[r++] = c;
			acc[c] += wt;
		}
	}
	for (j = 0; j < r; j++) {
		w[j] = acc[col[j]];
		acc[col[j]] = 0;
		sum += w[j] * w[j];
	}
	if (sum <= 0)
		return 0;
	sum = 1 / sqrt(sum);
	for (j = 0; j < r; j++)
		w[j] *= sum;
	return r;
}

/* 1 if answer i has a word that is a column. */
static int has_col(const struct discover *d, const struct alist *l)
{
	size_t j;

	for (j = 0; j < l->n; j++)
		if (d->f[l->id[j]].col != SIZE_MAX)
			return 1;
	return 0;
}

/* The index discover_match reads: for every feature, the candidates
 * whose patterns match it and whose terms it is.  Returns 0 or -1. */
static int build_hits(struct discover *d, const struct keyed *byk, size_t nbyk, unsigned char *mark)
{
	size_t c, f, t, pass;

	if (!(d->hoff = calloc(d->nf + 1, sizeof *d->hoff)) || !(d->match = calloc(d->nc ? d->nc : 1, 1)))
		return -1;
	for (pass = 0; pass < 2; pass++) {
		if (pass && !(d->hit = malloc((d->hoff[d->nf] ? d->hoff[d->nf] : 1) * sizeof *d->hit)))
			return -1;
		for (c = 0; c < d->nc; c++) {
			const struct cand *x = &d->c[c];

			matching(d, x, byk, nbyk, mark);
			for (f = 0; f < d->nf; f++)
				if (mark[f]) {
					if (pass)
						d->hit[d->hoff[f]++] = (struct fhit){ (uint32_t)c, MAX_TERMS };
					else
						d->hoff[f + 1]++;
				}
			for (t = 0; t < x->pub.nterms; t++) {
				if (pass)
					d->hit[d->hoff[x->tf[t]]++] = (struct fhit){ (uint32_t)c, (uint32_t)t };
				else
					d->hoff[x->tf[t] + 1]++;
			}
		}
		if (!pass)
			for (f = 0; f < d->nf; f++)
				d->hoff[f + 1] += d->hoff[f];
		else   /* the fill moved every start to the next one's */
			for (f = d->nf; f > 0; f--)
				d->hoff[f] = d->hoff[f - 1];
		if (pass)
			d->hoff[0] = 0;
	}
	return 0;
}

int discover_run(struct discover *d, struct kerr *e)
{
	struct vecs v = { 0 };
	size_t i, j, g, k, n = d->tg.n, nt = d->ntgt, nz = 0, mindf, ngood = 0;
	size_t *colf = NULL;
	unsigned char *claimed = NULL, *mark = NULL;
	size_t *bestasg = NULL, *fin = NULL, *cnt = NULL, ntf = 0;
	double *cen = NULL, *norm2 = NULL;
	struct rank *rank = NULL;
	struct member *mem = NULL;
	unsigned char *covered = NULL;
	size_t *idx = NULL, *sidx = NULL, *sasg = NULL, *tasg = NULL, m, t, nbyk = 0;
	struct keyed *byk = NULL;
	double *sc = NULL, *dense = NULL;
	int rc = KERR_NOMEM;

	if (d->ran)
		return kerr_set(e, KERR_INVALID, "discover_run twice");
	d->ran = 1;
	/* the keys as C strings: no answer comes now, the arenas stay put */
	for (i = 0; i < d->nf; i++)
		d->f[i].key = d->ftab.arena.data + d->f[i].koff;
	for (i = 0; i < d->nforms; i++)
		d->forms[i].word = d->formtab.arena.data + d->forms[i].woff;
	/* a written form for every stem: its most frequent */
	for (i = 0; i < d->nforms; i++) {
		struct feat *x = &d->f[d->forms[i].feat];

		if (d->forms[i].n > x->form_n
		    || (d->forms[i].n == x->form_n
			&& strcmp(d->forms[i].word, d->forms[x->form].word) < 0)) {
			x->form = i;
			x->form_n = d->forms[i].n;
		}
	}
	/* columns: features in at least two answers to group (and 1 in 500) */
	mindf = nt / 500 > 2 ? nt / 500 : 2;
	for (j = 0; j < d->nf; j++) {
		d->f[j].col = SIZE_MAX;
		d->f[j].sdf = 0;
		if (d->f[j].df >= mindf && d->f[j].df < nt) {
			d->f[j].col = v.ncols++;
			double own = (double)d->f[j].df / (double)d->f[j].dfall;

			/* idf, times the squared share of the word's answers that
			 * are unexplained (keyness against the coded answers): a
			 * word the codebook already explains elsewhere ("bedre",
			 * "god") says little about what it lacks */
			d->f[j].idf = log((double)nt / (double)d->f[j].df) * own * own;
		}
	}
	/* the candidates' words are weighed on the sample: its own counts */
	for (i = 0; i < n; i++)
		for (j = 0; j < d->tg.a[i].n; j++)
			d->f[d->tg.a[i].id[j]].sdf++;
	d->ncols = v.ncols;
	colf = malloc((v.ncols ? v.ncols : 1) * sizeof *colf);
	bestasg = malloc((n ? n : 1) * sizeof *bestasg);
	mem = malloc((n ? n : 1) * sizeof *mem);
	covered = malloc(n ? n : 1);
	fin = malloc((d->nf ? d->nf : 1) * sizeof *fin);
	norm2 = malloc((n ? n : 1) * sizeof *norm2);
	claimed = calloc(n ? n : 1, 1);
	mark = malloc(d->nf ? d->nf : 1);
	d->vcol = malloc(2 * MAX_ANSWER_WORDS * (NEIGHBOURS + 1) * sizeof *d->vcol);
	d->vw = malloc(2 * MAX_ANSWER_WORDS * (NEIGHBOURS + 1) * sizeof *d->vw);
	if (!colf || !bestasg || !mem || !covered || !fin || !norm2 || !claimed || !mark || !d->vcol
	    || !d->vw)
		goto out;
	for (j = 0; j < d->nf; j++)
		if (d->f[j].col != SIZE_MAX)
			colf[d->f[j].col] = j;
	if (neighbours(d, &v, colf, &d->nb, &d->nbw))
		goto out;
	if (!(d->acc = calloc(v.ncols ? v.ncols : 1, sizeof *d->acc)))
		goto out;
	/* the sample's answers that have a word to group by */
	for (i = 0; i < n; i++)
		nz += has_col(d, &d->tg.a[i]);
	d->nempty = n - nz;
	if (nz < 2) {
		rc = build_hits(d, NULL, 0, mark) ? KERR_NOMEM : 0;
		goto out;
	}
	m = nz;
	if (!(idx = malloc(m * sizeof *idx)) || !(sidx = malloc(m * sizeof *sidx))
	    || !(sasg = malloc(m * sizeof *sasg)) || !(tasg = malloc(m * sizeof *tasg))
	    || !(dense = calloc(v.ncols ? v.ncols : 1, sizeof *dense))
	    || !(v.off = malloc((m + 1) * sizeof *v.off)))
		goto out;
	for (i = 0, t = 0; i < n; i++)
		if (has_col(d, &d->tg.a[i])) {
			ntf += d->tg.a[i].n;
			idx[t++] = i;
		}
	/* the agglomeration joins the first AGG_MAX rows: of more, a seeded
	 * draw (the sample keeps the answers' order until it is full, and a
	 * file sorted by wave would give the first wave's) */
	for (t = 0; m > AGG_MAX && t < AGG_MAX; t++) {
		size_t u = t + (size_t)(rng_next(&d->rs) % (m - t)), x = idx[t];

		idx[t] = idx[u];
		idx[u] = x;
	}
	/* row t of v is the vector of sample answer idx[t] */
	v.col = malloc((ntf + 1) * (NEIGHBOURS + 1) * sizeof *v.col);
	v.w = malloc((ntf + 1) * (NEIGHBOURS + 1) * sizeof *v.w);
	if (!v.col || !v.w)
		goto out;
	v.off[0] = 0;
	for (t = 0; t < m; t++) {
		v.off[t + 1] = v.off[t] + answer_vec(d, &d->tg.a[idx[t]], d->nb, d->nbw, d->acc,
						     v.col + v.off[t], v.w + v.off[t]);
		sidx[t] = t;
	}
	/* the groups: average-link agglomeration of (at most AGG_MAX of) the
	 * sample's answers, while two groups are more alike than MERGE_LINK
	 * times the mean of two answers, so that the threshold follows how
	 * alike the answers of a question are.  Not k-means: its groups depended on the seed's first
	 * centres (one seed met issue 16's target, four of five did not),
	 * and one theme said in different words came out in halves that
	 * differed from seed to seed */
	{
		size_t ma = m < AGG_MAX ? m : AGG_MAX, ka, kept = 0;
		double tau = MERGE_LINK, all = 0;
		struct rank *bysize;

		for (t = 0; t < ma; t++)
			for (j = v.off[t]; j < v.off[t + 1]; j++)
				dense[v.col[j]] += v.w[j];
		for (j = 0; j < v.ncols; j++) {
			all += dense[j] * dense[j];
			dense[j] = 0;
		}
		/* the mean of two different answers (each with itself left out);
		 * at most LINK_MAX, for a handful of answers that all say one
		 * thing, whose mean is that of a theme */
		tau *= ma > 1 ? (all - (double)ma) / ((double)ma * (double)(ma - 1)) : 0;
		if (tau > LINK_MAX)
			tau = LINK_MAX;
		if ((ka = agglomerate(&v, ma, tau, sasg)) == SIZE_MAX
		    || !(bysize = calloc(ka, sizeof *bysize)))
			goto out;
		for (g = 0; g < ka; g++)
			bysize[g].g = g;
		for (t = 0; t < ma; t++)
			bysize[sasg[t]].score++;
		qsort(bysize, ka, sizeof *bysize, cmp_rank);
		/* one answer is no group; the KMAX biggest at most, or the k
		 * asked for (forcing the agglomeration down to a few groups
		 * leaves one of nearly all and a few odd pairs): the answers of
		 * the others go to the nearest group kept, below */
		for (g = 0; g < ka; g++)
			tasg[g] = SIZE_MAX;
		for (g = 0; g < ka && kept < (d->o.k ? d->o.k : KMAX); g++)
			if (bysize[g].score >= 2)
				tasg[bysize[g].g] = kept++;
		free(bysize);
		for (t = 0; t < m; t++)
			sasg[t] = t < ma ? tasg[sasg[t]] : SIZE_MAX;
		if (!kept) {   /* no two answers alike: one group of all */
			for (t = 0; t < m; t++)
				sasg[t] = 0;
			kept = 1;
		}
		k = kept;
	}
	if (!(cen = malloc(k * v.ncols * sizeof *cen + 1)) || !(sc = malloc(k * sizeof *sc))
	    || !(cnt = calloc(k, sizeof *cnt)))
		goto out;
	sums(&v, sidx, m, sasg, k, cen, cnt);
	unit(cen, v.ncols, k, sc);
	if (!(rank = calloc(k, sizeof *rank)) || !(d->gcand = malloc(k * sizeof *d->gcand)))
		goto out;
	memset(cnt, 0, k * sizeof *cnt);
	/* every answer of the sample to its nearest group; rank groups by the
	 * sum of their answers' cosines to the centre: big and of one mind
	 * first, a scatter of odd answers last */
	for (g = 0; g < k; g++) {
		rank[g].g = g;
		d->gcand[g] = SIZE_MAX;
	}
	for (i = 0; i < n; i++)
		bestasg[i] = SIZE_MAX;
	for (t = 0; t < m; t++) {
		i = idx[t];
		bestasg[i] = nearest(&v, t, cen, k, sc, &norm2[i]);
		if (norm2[i] <= 0) {   /* nothing in common with any group kept */
			bestasg[i] = SIZE_MAX;
			continue;
		}
		rank[bestasg[i]].score += norm2[i];
		cnt[bestasg[i]]++;
	}
	qsort(rank, k, sizeof *rank, cmp_rank);
	for (g = 0; g < k; g++)
		ngood += cnt[rank[g].g] >= 2;
	if (!(d->c = calloc(ngood ? ngood : 1, sizeof *d->c)))
		goto out;
	if (!(byk = malloc((d->nf ? d->nf : 1) * sizeof *byk)))
		goto out;
	for (j = 0; j < d->nf; j++)
		if (d->f[j].a == SIZE_MAX) {
			byk[nbyk].key = d->f[j].key;
			byk[nbyk++].f = j;
		}
	qsort(byk, nbyk, sizeof *byk, cmp_key);
	for (g = 0; g < k; g++) {
		size_t gi = rank[g].g, m = 0;
		struct cand *c;

		if (cnt[gi] < 2)
			continue;
		for (i = 0; i < n; i++)
			if (bestasg[i] == gi) {
				mem[m].i = i;
				mem[m].sim = norm2[i];
				m++;
			}
		qsort(mem, m, sizeof *mem, cmp_member);
		c = &d->c[d->nc++];
		if (describe(d, c, mem, m, nz, fin, covered, byk, nbyk))
			goto out;
		/* its answers are the ones its patterns match: the group's own
		 * first, closest first, then those of other groups */
		{
			size_t o = 0, over = 0;
			size_t *nm = realloc(c->members, (n ? n : 1) * sizeof *nm);

			if (!nm)
				goto out;
			c->members = nm;
			matching(d, c, byk, nbyk, mark);
			for (i = 0; i < m; i++)
				if (any_marked(&d->tg.a[mem[i].i], mark))
					nm[o++] = mem[i].i;
			for (i = 0; i < n; i++)
				if (bestasg[i] != gi && any_marked(&d->tg.a[i], mark))
					nm[o++] = i;
			for (i = 0; i < o; i++)
				over += claimed[nm[i]];
			/* nothing to paste, or mostly a better candidate's answers */
			if (!o || over * 2 > o) {
				cand_release(c);
				memset(c, 0, sizeof *c);
				d->nc--;
				continue;
			}
			for (i = 0; i < o; i++)
				claimed[nm[i]] = 1;
			m = o;
		}
		free(c->members);
		c->members = NULL;
		c->group = gi;
		d->gcand[gi] = d->nc - 1;
		c->pub.id = c->id;
		c->pub.label = c->label;
		c->pub.include = (const char *const *)c->include;
		c->pub.nmembers = m;
		c->pub.terms = c->terms;
		c->pub.cohesion = rank[g].score / (double)cnt[gi];
	}
	if (build_hits(d, byk, nbyk, mark))
		goto out;
	d->cen = cen;
	d->sc = sc;
	d->k = k;
	cen = NULL;
	sc = NULL;
	rc = 0;
out:
	free(colf);
	free(claimed);
	free(mark);
	free(v.off);
	free(v.col);
	free(v.w);
	free(bestasg);
	free(mem);
	free(covered);
	free(fin);
	free(norm2);
	free(cen);
	free(rank);
	free(cnt);
	free(byk);
	free(idx);
	free(sidx);
	free(sasg);
	free(tasg);
	free(sc);
	free(dense);
	return rc ? nomem(e) : 0;
}

int discover_match(struct discover *d, const char *text, size_t len, struct discover_match *mt,
	struct kerr *e)
{
	struct alist l;
	size_t c, j, h;

	mt->own = SIZE_MAX;
	mt->sim = 0;
	mt->match = d->match;
	if (!d->ran)
		return kerr_set(e, KERR_INVALID, "discover_match before discover_run");
	if (!d->matching) {   /* the first answer: the counts start anew */
		d->matching = 1;
		d->nempty = 0;
		for (c = 0; c < d->nc; c++) {
			d->c[c].pub.nmembers = 0;
			for (j = 0; j < d->c[c].pub.nterms; j++)
				d->c[c].terms[j].in = d->c[c].terms[j].out = 0;
		}
	}
	memset(d->match, 0, d->nc);
	if (tokenize(d, text, len, 0))
		return nomem(e);
	l.id = d->cur;
	l.n = d->ncur;
	if (!has_col(d, &l)) {
		d->nempty++;
	} else if (d->k) {
		size_t o1[2] = { 0, 0 }, g;
		struct vecs one = { d->vcol, d->vw, o1, d->ncols };

		o1[1] = answer_vec(d, &l, d->nb, d->nbw, d->acc, d->vcol, d->vw);
		g = nearest(&one, 0, d->cen, d->k, d->sc, &mt->sim);
		mt->own = mt->sim > 0 ? d->gcand[g] : SIZE_MAX;
	}
	for (j = 0; j < l.n; j++)
		for (h = d->hoff[l.id[j]]; h < d->hoff[l.id[j] + 1]; h++) {
			const struct fhit *x = &d->hit[h];

			if (x->t == MAX_TERMS)
				d->match[x->c] = 1;
			else if (x->c == mt->own)
				d->c[x->c].terms[x->t].in++;
			else
				d->c[x->c].terms[x->t].out++;
		}
	for (c = 0; c < d->nc; c++)
		d->c[c].pub.nmembers += d->match[c];
	return 0;
}

void discover_set_taken(struct discover *d, const char *const *taken, size_t n)
{
	d->o.taken = taken;
	d->o.ntaken = n;
}

size_t discover_ncands(const struct discover *d)
{
	return d->nc;
}

const struct discover_cand *discover_cand(const struct discover *d, size_t i)
{
	return i < d->nc ? &d->c[i].pub : NULL;
}

size_t discover_nanswers(const struct discover *d)
{
	return d->ntgt;
}

size_t discover_nempty(const struct discover *d)
{
	return d->nempty;
}
