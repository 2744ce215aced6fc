/* words.c - words and phrases of answers by stem, and keyness (see words.h). */
#include "words.h"
#include "buf.h"
#include "error.h"
#include "everyday.h"
#include "strtab.h"

#include <libstemmer.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX_TERMS (4u << 20)
/* Terms kept before those said by the fewest answers so far are
 * forgotten (see prune): memory stays flat however many answers come. */
#define WORDS_PRUNE_AT (1u << 16)
#define WORDS_MAX_WORD 40          /* longer runs are not words */
#define WORDS_FORMS 3              /* forms kept per term */

struct form {
	char *text;
	size_t n;
};

struct term {
	size_t df[2];
	uint32_t stamp;             /* the last answer that counted it */
	struct form forms[WORDS_FORMS];
};

struct words {
	struct words_opts o;
	struct sb_stemmer *stem;
	struct strtab idx;          /* term -> index */
	struct term *t;
	char **name;
	size_t nt, cap;
	size_t answers[2];
	size_t floor;               /* terms said this often or less were forgotten */
	uint32_t stamp;
	/* one answer's words: stems and forms, NUL-separated */
	struct buf w, f;
	size_t *ws, *fs, nw, wcap;
	unsigned char *ev;          /* word i is an everyday word (everyday.h) */
	struct buf key, form;
	struct words_term *top;
};

int words_new(const struct words_opts *opts, struct words **out, struct kerr *e)
{
	struct words *w = calloc(1, sizeof *w);

	*out = NULL;
	if (!w)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	if (opts)
		w->o = *opts;
	if (w->o.max_n < 1 || w->o.max_n > 3)
		w->o.max_n = 3;
	if (strtab_init(&w->idx, 1 << 12)) {
		words_free(w);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	if (!w->o.no_stem && !(w->stem = sb_stemmer_new("danish", "UTF_8"))) {
		words_free(w);
		return kerr_set(e, KERR_NOMEM, "the Danish stemmer (libstemmer) is not available");
	}
	buf_init(&w->w, 0);
	buf_init(&w->f, 0);
	buf_init(&w->key, 0);
	buf_init(&w->form, 0);
	*out = w;
	return 0;
}

void words_free(struct words *w)
{
	size_t i, j;

	if (!w)
		return;
	for (i = 0; i < w->nt; i++) {
		free(w->name[i]);
		for (j = 0; j < WORDS_FORMS; j++)
			free(w->t[i].forms[j].text);
	}
	free(w->t);
	free(w->name);
	free(w->ws);
	free(w->fs);
	free(w->ev);
	free(w->top);
	if (w->stem)
		sb_stemmer_delete(w->stem);
	strtab_release(&w->idx);
	buf_release(&w->w);
	buf_release(&w->f);
	buf_release(&w->key);
	buf_release(&w->form);
	free(w);
}

void words_answers(const struct words *w, size_t n[2])
{
	n[0] = w->answers[0];
	n[1] = w->answers[1];
}

/* Length of the word starting at s (letters and digits, UTF-8 Latin
 * letters included; a dash or a quote in UTF-8 ends it). */
static size_t word_len(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			i++;
		else if (c >= 0xC3 && c <= 0xC5 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80)
			i += 2;
		else
			break;
	}
	return i;
}

/* Append the lower-case of s[0..n) (ASCII and Latin-1 letters). */
static int add_lower(struct buf *b, const unsigned char *s, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		unsigned char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (i > 0 && s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
			c = (unsigned char)(c + 0x20);
		rc = buf_add(b, (const char *)&c, 1);
	}
	return rc;
}

static int push_word(struct words *w, const unsigned char *s, size_t n)
{
	size_t at = w->f.len;

	if (w->nw == w->wcap) {
		size_t cap = w->wcap ? 2 * w->wcap : 64;
		size_t *a = realloc(w->ws, cap * sizeof *a), *b;
		unsigned char *c;

		if (!a)
			return KERR_NOMEM;
		w->ws = a;
		if (!(b = realloc(w->fs, cap * sizeof *b)))
			return KERR_NOMEM;
		w->fs = b;
		if (!(c = realloc(w->ev, cap)))
			return KERR_NOMEM;
		w->ev = c;
		w->wcap = cap;
	}
	if (add_lower(&w->f, s, n) || buf_add(&w->f, "", 1))
		return KERR_NOMEM;
	w->fs[w->nw] = at;
	w->ws[w->nw] = w->w.len;
	if (w->stem) {
		const sb_symbol *st = sb_stemmer_stem(w->stem, (const sb_symbol *)w->f.data + at,
						      (int)(w->f.len - at - 1));

		if (!st || buf_add(&w->w, (const char *)st, (size_t)sb_stemmer_length(w->stem)))
			return KERR_NOMEM;
	} else if (buf_add(&w->w, w->f.data + at, w->f.len - at - 1)) {
		return KERR_NOMEM;
	}
	if (buf_add(&w->w, "", 1))
		return KERR_NOMEM;
	/* the form as written or its stem: the list holds both */
	w->ev[w->nw] = (unsigned char)(everyday_word(w->f.data + at, w->f.len - at - 1)
				       || everyday_word(w->w.data + w->ws[w->nw],
							w->w.len - w->ws[w->nw] - 1));
	w->nw++;
	return 0;
}

/*
 * Forget the terms said by the fewest answers so far, so that the table
 * stays under WORDS_PRUNE_AT terms however many answers come (lossy
 * counting, Manku & Motwani 2002): most of a large survey's different
 * phrases are said once.  A forgotten term said again starts from 0, so a
 * count can come out short by the answers that said it before it was
 * forgotten: at most the floor, which only grows when the table fills
 * with terms said that often.  Surveys whose terms fit are counted exactly.
 */
static int prune(struct words *w)
{
	struct strtab idx;
	size_t i, o = 0, j;

	if (strtab_init(&idx, 1 << 12))
		return KERR_NOMEM;
	for (;;) {
		size_t keep = 0;

		for (i = 0; i < w->nt; i++)
			keep += w->t[i].df[0] + w->t[i].df[1] > w->floor;
		if (keep <= WORDS_PRUNE_AT / 2)
			break;
		w->floor++;
	}
	for (i = 0; i < w->nt; i++) {
		if (w->t[i].df[0] + w->t[i].df[1] <= w->floor) {
			free(w->name[i]);
			for (j = 0; j < WORDS_FORMS; j++)
				free(w->t[i].forms[j].text);
			continue;
		}
		w->t[o] = w->t[i];
		w->name[o] = w->name[i];
		if (strtab_put(&idx, w->name[o], strlen(w->name[o]), (uint32_t)o, 0)) {
			/* keep the table whole: the rest stays as it was */
			for (i++; i < w->nt; i++) {
				w->t[++o] = w->t[i];
				w->name[o] = w->name[i];
			}
			w->nt = o + 1;
			strtab_release(&idx);
			return KERR_NOMEM;
		}
		o++;
	}
	w->nt = o;
	strtab_release(&w->idx);
	w->idx = idx;
	return 0;
}

/* Count the term key/form once for this answer. */
static int count(struct words *w, int group)
{
	struct term *t;
	uint32_t i;
	size_t j;

	if (!strtab_get(&w->idx, w->key.data, w->key.len, &i)) {
		if (w->nt >= WORDS_PRUNE_AT && prune(w))
			return KERR_NOMEM;
		if (w->nt >= WORDS_MAX_TERMS)
			return KERR_LIMIT;
		if (w->nt == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 1024;
			struct term *nt = realloc(w->t, cap * sizeof *nt);
			char **nn;

			if (!nt)
				return KERR_NOMEM;
			w->t = nt;
			if (!(nn = realloc(w->name, cap * sizeof *nn)))
				return KERR_NOMEM;
			w->name = nn;
			w->cap = cap;
		}
		i = (uint32_t)w->nt;
		memset(&w->t[i], 0, sizeof w->t[i]);
		if (!(w->name[i] = strdup(w->key.data)))
			return KERR_NOMEM;
		w->nt++;
		if (strtab_put(&w->idx, w->key.data, w->key.len, i, 0))
			return KERR_NOMEM;
	}
	t = &w->t[i];
	if (t->stamp == w->stamp)
		return 0;
	t->stamp = w->stamp;
	t->df[group]++;
	/* the forms: the commonest few, counted as they come */
	for (j = 0; j < WORDS_FORMS && t->forms[j].text; j++)
		if (!strcmp(t->forms[j].text, w->form.data)) {
			t->forms[j].n++;
			for (; j > 0 && t->forms[j].n > t->forms[j - 1].n; j--) {
				struct form x = t->forms[j];

				t->forms[j] = t->forms[j - 1];
				t->forms[j - 1] = x;
			}
			return 0;
		}
	if (j < WORDS_FORMS && !(t->forms[j].text = strdup(w->form.data)))
		return KERR_NOMEM;
	if (j < WORDS_FORMS)
		t->forms[j].n = 1;
	return 0;
}

int words_add(struct words *w, const char *text, size_t len, int group, struct kerr *e)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, a, n;
	int rc = 0;

	group = group != 0;
	w->answers[group]++;
	if (++w->stamp == 0) {
		for (i = 0; i < w->nt; i++)
			w->t[i].stamp = 0;
		w->stamp = 1;
		i = 0;
	}
	buf_reset(&w->w);
	buf_reset(&w->f);
	w->nw = 0;
	while (i < len && !rc) {
		size_t k = word_len(s + i, len - i);

		if (!k) {
			i++;
			continue;
		}
		if (k <= WORDS_MAX_WORD)
			rc = push_word(w, s + i, k);
		i += k;
	}
	for (a = 0; a < w->nw && !rc; a++)
		for (n = 1; n <= (size_t)w->o.max_n && a + n <= w->nw && !rc; n++) {
			size_t j, everyday_words = 0;

			if (n == 1 && !w->o.all_words
			    && (w->ev[a] || strlen(w->f.data + w->fs[a]) < 2))
				continue;
			/* a phrase of everyday words only ("det er") says nothing */
			for (j = a; n > 1 && !w->o.all_words && j < a + n; j++)
				everyday_words += w->ev[j];
			if (n > 1 && everyday_words == n)
				continue;
			buf_reset(&w->key);
			buf_reset(&w->form);
			for (j = a; j < a + n && !rc; j++)
				rc = (j > a && (buf_addch(&w->key, ' ') || buf_addch(&w->form, ' ')))
					|| buf_adds(&w->key, w->w.data + w->ws[j])
					|| buf_adds(&w->form, w->f.data + w->fs[j]);
			if (!rc)
				rc = count(w, group);
		}
	if (rc == KERR_LIMIT)
		return kerr_set(e, KERR_LIMIT, "more than %u different words and phrases",
				WORDS_MAX_TERMS);
	return rc ? kerr_set(e, KERR_NOMEM, "out of memory") : 0;
}

/* Signed G2 of a term said by a of n1 group answers and b of n0 others. */
static double g2(double a, double n1, double b, double n0)
{
	double N = n1 + n0, E1 = n1 * (a + b) / N, E0 = n0 * (a + b) / N, g = 0;

	if (!n1 || !n0 || a + b == 0)
		return 0;
	if (a > 0)
		g += a * log(a / E1);
	if (b > 0)
		g += b * log(b / E0);
	g *= 2;
	return a / n1 >= b / n0 ? g : -g;
}

static int cmp_df(const void *x, const void *y)
{
	const struct words_term *a = x, *b = y;

	if (a->df[1] != b->df[1])
		return a->df[1] > b->df[1] ? -1 : 1;
	return strcmp(a->term, b->term);
}

static int cmp_g2(const void *x, const void *y)
{
	const struct words_term *a = x, *b = y;

	if (a->g2 != b->g2)
		return a->g2 > b->g2 ? -1 : 1;
	return cmp_df(x, y);
}

const struct words_term *words_top(struct words *w, int by_keyness, size_t min_df,
				   size_t limit, size_t *n)
{
	size_t i, m = 0, j;

	*n = 0;
	free(w->top);
	if (!(w->top = calloc(w->nt + 1, sizeof *w->top)))
		return NULL;
	for (i = 0; i < w->nt; i++) {
		struct words_term *o = &w->top[m];
		const struct term *t = &w->t[i];

		if (t->df[1] < (min_df ? min_df : 1))
			continue;
		o->term = w->name[i];
		o->form = t->forms[0].text;
		o->n = 1;
		for (j = 0; w->name[i][j]; j++)
			o->n += w->name[i][j] == ' ';
		o->df[0] = t->df[0];
		o->df[1] = t->df[1];
		o->g2 = g2((double)t->df[1], (double)w->answers[1], (double)t->df[0],
			   (double)w->answers[0]);
		if (by_keyness && o->g2 <= 0)
			continue;
		m++;
	}
	qsort(w->top, m, sizeof *w->top, by_keyness ? cmp_g2 : cmp_df);
	*n = m < limit ? m : limit;
	return w->top;
}
