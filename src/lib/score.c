/* score.c - the engine against the coders, with the reason for every
 * difference (see score.h). */
#include "score.h"
#include "buf.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "gold.h"
#include "rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct score {
	struct engine *en;
	const struct codebook *cb;
	struct engine_answer ans;
	size_t n;
	struct score_counts *counts;      /* [ncats] */
	size_t *confusion;                /* [ncats * ncats] */
	struct score_confusion *conf;     /* sorted view, made on request */
	size_t nconf;
	struct score_error *err;
	size_t nerr, err_cap;
	size_t keep;                      /* errors kept (score_keep_errors) */
	size_t nwrong;                    /* answers coded differently, all */
	unsigned char *gold, *got;        /* [ncats] scratch */
	struct buf codes;
};

int score_new(struct engine *en, struct score **out, struct kerr *e)
{
	struct score *s = calloc(1, sizeof *s);
	size_t k = engine_codebook(en)->ncats;

	*out = NULL;
	if (!s || !(s->counts = calloc(k + 1, sizeof *s->counts))
	    || !(s->confusion = calloc(k * k + 1, sizeof *s->confusion))
	    || !(s->gold = malloc(2 * k + 2))) {
		if (s) {
			free(s->counts);
			free(s->confusion);
		}
		free(s);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	s->got = s->gold + k + 1;
	s->keep = (size_t)-1;
	s->en = en;
	s->cb = engine_codebook(en);
	engine_answer_init(&s->ans);
	buf_init(&s->codes, 0);
	rules_set_explain(engine_rules(en), 1);
	*out = s;
	return 0;
}

void score_free(struct score *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nerr; i++) {
		free(s->err[i].id);
		free(s->err[i].text);
		free(s->err[i].gold);
		free(s->err[i].got);
		free(s->err[i].miss);
	}
	free(s->err);
	free(s->counts);
	free(s->confusion);
	free(s->conf);
	free(s->gold);
	buf_release(&s->codes);
	engine_answer_release(&s->ans);
	free(s);
}

/* The category ids of flags[] joined by ';' (malloc'd). */
static char *join(const struct codebook *cb, const unsigned char *flags, struct buf *b)
{
	size_t c;

	buf_reset(b);
	for (c = 0; c < cb->ncats; c++)
		if (flags[c] && ((b->len && buf_add(b, ";", 1)) || buf_adds(b, cb->cats[c].id)))
			return NULL;
	return strdup(b->len ? b->data : "");
}

/* Why category c was missed (extra 0) or coded against the coders (1). */
static void explain(const struct score *s, size_t c, int extra, struct score_miss *m)
{
	const struct rules_result *r = &s->ans.res;
	size_t i;

	memset(m, 0, sizeof *m);
	m->cat = c;
	m->extra = extra;
	if (extra) {
		if (r->nonsubstantive) {
			m->reason = SCORE_NONSUBST;
			return;
		}
		if (r->residual && (long)c == s->cb->andet) {
			m->reason = SCORE_RESIDUAL;
			return;
		}
		m->reason = SCORE_PATTERN;
		for (i = 0; i < r->nev; i++)
			if (r->ev[i].cat == c) {
				if (r->ev[i].pattern == RULES_MODEL_PATTERN) {
					m->reason = SCORE_MODEL;
				} else {
					m->pattern = r->ev[i].pattern;
					m->start = r->ev[i].start;
					m->end = r->ev[i].end;
				}
				break;
			}
		return;
	}
	if (r->nonsubstantive) {
		m->reason = SCORE_NO_ANSWER;
		return;
	}
	m->reason = SCORE_NO_PATTERN;
	for (i = 0; i < r->nwhy; i++) {
		const struct rules_why *w = &r->why[i];

		if (w->cat != c)
			continue;
		/* a veto overrides whatever else matched: say it first */
		if (w->kind == RULES_WHY_EXCLUDED || m->reason == SCORE_NO_PATTERN) {
			m->reason = w->kind == RULES_WHY_EXCLUDED ? SCORE_EXCLUDED : SCORE_NEGATED;
			m->pattern = w->pattern;
			m->start = w->start;
			m->end = w->end;
			m->cue_start = w->cue_start;
			m->cue_end = w->cue_end;
		}
	}
}

static int add_error(struct score *s, const char *id, const char *text, size_t len)
{
	const struct codebook *cb = s->cb;
	struct score_error *x;
	size_t c, n = 0;

	if (s->nerr == s->err_cap) {
		size_t cap = s->err_cap ? 2 * s->err_cap : 64;
		struct score_error *ne = realloc(s->err, cap * sizeof *ne);

		if (!ne)
			return KERR_NOMEM;
		s->err = ne;
		s->err_cap = cap;
	}
	x = &s->err[s->nerr];
	memset(x, 0, sizeof *x);
	for (c = 0; c < cb->ncats; c++)
		n += s->gold[c] != s->got[c];
	x->id = strdup(id ? id : "");
	x->text = malloc(len + 1);
	x->gold = join(cb, s->gold, &s->codes);
	x->got = join(cb, s->got, &s->codes);
	x->miss = calloc(n + 1, sizeof *x->miss);
	s->nerr++;   /* counted now, so score_free releases what was made */
	if (!x->id || !x->text || !x->gold || !x->got || !x->miss)
		return KERR_NOMEM;
	memcpy(x->text, text, len);
	x->text[len] = '\0';
	for (c = 0; c < cb->ncats; c++)
		if (s->gold[c] != s->got[c])
			explain(s, c, s->got[c], &x->miss[x->nmiss++]);
	return 0;
}

int score_add(void *score, const char *id, const char *text, size_t len, const char *codes,
	      struct kerr *e)
{
	struct score *s = score;
	const struct codebook *cb = s->cb;
	size_t k = cb->ncats, i, c, d;
	int rc, wrong = 0;

	for (i = 0; i < len && strchr(" \t\r\n", text[i]); i++)
		;
	if (i == len)
		return 0;
	memset(s->gold, 0, k);
	memset(s->got, 0, k);
	if ((rc = gold_parse_codes(cb, codes ? codes : "", s->gold, e)))
		return rc;
	if ((rc = engine_code(s->en, text, len, &s->ans, e)))
		return rc;
	for (i = 0; i < s->ans.res.ncats; i++)
		s->got[s->ans.res.cats[i]] = 1;
	for (c = 0; c < k; c++) {
		struct score_counts *t = &s->counts[c];

		t->tp += s->gold[c] && s->got[c];
		t->fp += !s->gold[c] && s->got[c];
		t->fn += s->gold[c] && !s->got[c];
		t->tn += !s->gold[c] && !s->got[c];
		wrong |= s->gold[c] != s->got[c];
	}
	s->n++;
	if (!wrong)
		return 0;
	/* every category missed, against every one coded in its place */
	for (c = 0; c < k; c++)
		for (d = 0; s->gold[c] && !s->got[c] && d < k; d++)
			if (s->got[d] && !s->gold[d])
				s->confusion[c * k + d]++;
	s->nwrong++;
	if (s->nerr < s->keep && add_error(s, id, text, len))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
}

void score_keep_errors(struct score *s, size_t n)
{
	s->keep = n;
}

size_t score_wrong(const struct score *s)
{
	return s->nwrong;
}

size_t score_answers(const struct score *s)
{
	return s->n;
}

const struct score_counts *score_counts(const struct score *s)
{
	return s->counts;
}

double score_macro_f1(const struct score *s)
{
	size_t c, used = 0;
	double sum = 0;

	for (c = 0; c < s->cb->ncats; c++) {
		const struct score_counts *t = &s->counts[c];

		if (!t->tp && !t->fp && !t->fn)
			continue;
		used++;
		sum += t->tp ? 2.0 * t->tp / (2.0 * t->tp + t->fp + t->fn) : 0;
	}
	return used ? sum / used : 0;
}

double score_kappa(const struct score_counts *t)
{
	double n = (double)(t->tp + t->fp + t->fn + t->tn), po, pe;

	if (n == 0)
		return NAN;
	po = (t->tp + t->tn) / n;
	pe = ((double)(t->tp + t->fp) * (t->tp + t->fn) + (double)(t->fn + t->tn) * (t->fp + t->tn))
		/ (n * n);
	return pe >= 1 ? NAN : (po - pe) / (1 - pe);
}

static int cmp_conf(const void *a, const void *b)
{
	const struct score_confusion *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->gold != y->gold)
		return x->gold < y->gold ? -1 : 1;
	return x->got < y->got ? -1 : x->got > y->got;
}

const struct score_confusion *score_confusions(struct score *s, size_t *n)
{
	size_t k = s->cb->ncats, c, d, m = 0;

	free(s->conf);
	s->conf = NULL;
	s->nconf = 0;
	for (c = 0; c < k * k; c++)
		m += s->confusion[c] != 0;
	if (m && (s->conf = malloc(m * sizeof *s->conf))) {
		for (c = 0; c < k; c++)
			for (d = 0; d < k; d++)
				if (s->confusion[c * k + d])
					s->conf[s->nconf++] = (struct score_confusion){
						c, d, s->confusion[c * k + d] };
		qsort(s->conf, s->nconf, sizeof *s->conf, cmp_conf);
	}
	*n = s->nconf;
	return s->conf;
}

const struct score_error *score_errors(const struct score *s, size_t *n)
{
	*n = s->nerr;
	return s->err;
}

const char *score_reason_text(enum score_reason r)
{
	switch (r) {
	case SCORE_NO_PATTERN: return "no pattern matched";
	case SCORE_NEGATED: return "matched, but cancelled by a negation";
	case SCORE_EXCLUDED: return "vetoed by an exclude";
	case SCORE_NO_ANSWER: return "taken as no answer";
	case SCORE_PATTERN: return "a pattern matched";
	case SCORE_MODEL: return "coded by the learned model";
	case SCORE_RESIDUAL: return "residual andet: no category matched";
	case SCORE_NONSUBST: return "taken as no answer";
	}
	return "?";
}
