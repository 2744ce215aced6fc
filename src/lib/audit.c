/*
 * audit.c - simple random audit samples and the engine's Se/Sp (see
 * audit.h).
 */
#include "audit.h"
#include "buf.h"
#include "error.h"
#include "stats.h"
#include "store.h"
#include "tally.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_PREFIX "audit:"

/* ---- drawing ---------------------------------------------------------------- */

struct ids {
	long long *v;
	size_t n, cap;
};

static int ids_add(struct ids *s, long long id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		long long *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return KERR_NOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = id;
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int has(const struct ids *s, long long id)
{
	return s->n && bsearch(&id, s->v, s->n, sizeof(*s->v), cmp_ll) != NULL;
}

struct draw_ctx {
	struct ids decided, eligible;
};

static int is_blank(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return 0;
	return 1;
}

static int on_final(void *ctx, const struct store_final *f)
{
	struct draw_ctx *d = ctx;

	return f->codes ? ids_add(&d->decided, f->answer->id) : 0;
}

static int on_answer(void *ctx, const struct store_answer *a)
{
	struct draw_ctx *d = ctx;

	if (is_blank(a->text) || has(&d->decided, a->id))
		return 0;
	return ids_add(&d->eligible, a->id);
}

/* splitmix64: a seeded stream, the same on every machine */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

int audit_draw(struct store *s, const char *question, const char *coder, size_t n,
	       unsigned long long seed, size_t *drawn, size_t *population, struct kerr *e)
{
	struct draw_ctx d;
	struct buf key = BUF_INIT, val = BUF_INIT, now = BUF_INIT;
	uint64_t state = seed;
	int rc;

	memset(&d, 0, sizeof(d));
	*drawn = *population = 0;
	if ((rc = store_each_final(s, question, on_final, &d, e)))
		goto out;
	if (d.decided.n)
		qsort(d.decided.v, d.decided.n, sizeof(*d.decided.v), cmp_ll);
	if ((rc = store_each_answer(s, question, on_answer, &d, e)))
		goto out;
	*population = d.eligible.n;
	if (!d.eligible.n) {
		rc = kerr_set(e, KERR_NOTFOUND, "no engine-coded answer of \"%s\" left to audit "
			      "(every non-blank answer has a coder's decision)", question);
		goto out;
	}
	if (n > d.eligible.n)
		n = d.eligible.n;
	if ((rc = store_begin(s, e)))
		goto out;
	/* partial Fisher-Yates: every answer equally likely, no strata */
	for (size_t i = 0; i < n && !rc; i++) {
		size_t k = i + (size_t)(next_rand(&state) % (d.eligible.n - i));
		long long tmp = d.eligible.v[i];
		int had = 0;

		d.eligible.v[i] = d.eligible.v[k];
		d.eligible.v[k] = tmp;
		rc = store_sample_has(s, d.eligible.v[i], coder, &had, e);
		if (!rc && !had && !(rc = store_sample_add(s, d.eligible.v[i], coder,
							   (long long)seed, e)))
			(*drawn)++;
	}
	if (!rc) {
		char ts[32];

		store_now(ts);
		buf_addf(&key, META_PREFIX "%s", question);
		buf_addf(&val, "%s\t%llu\t%zu\t%zu\t%s", coder, seed, *drawn, *population, ts);
		rc = store_meta_set(s, key.data, val.data, e);
	}
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, e);
out:
	free(d.decided.v);
	free(d.eligible.v);
	buf_release(&key);
	buf_release(&val);
	buf_release(&now);
	return rc;
}

/* ---- estimating ------------------------------------------------------------- */

struct est_ctx {
	struct audit_est *a;
	const struct tally *t;
	struct ids sample;
	unsigned char *truth, *eng;
	int rc;
};

static int on_assignment(void *ctx, const struct store_assignment *as)
{
	struct est_ctx *c = ctx;

	return ids_add(&c->sample, as->answer_id);
}

/* flags with nets derived */
static void nets(const struct tally *t, unsigned char *f)
{
	for (size_t k = 0; k < t->ncats; k++)
		if (f[k] && t->cats[k].net >= 0)
			f[t->cats[k].net] = 1;
}

static int on_est_final(void *ctx, const struct store_final *f)
{
	struct est_ctx *c = ctx;
	enum tally_kind kt, ke;
	struct kerr e;

	if (!f->codes || !has(&c->sample, f->answer->id))
		return 0;
	if (strcmp(f->coder ? f->coder : "", c->a->coder))
		return 0;     /* decided by someone else: not the audit's judgement */
	kerr_clear(&e);
	if (tally_parse_codes(c->t, f->codes, c->truth, &kt, &e))
		return 0;     /* a code the codebook lacks: tally reports it */
	if (kt != TALLY_SUBST) {
		c->a->nonsubst++;
		return 0;
	}
	if (!f->suggested || tally_parse_codes(c->t, f->suggested, c->eng, &ke, &e)
	    || ke != TALLY_SUBST)
		memset(c->eng, 0, c->t->ncats);
	nets(c->t, c->truth);
	nets(c->t, c->eng);
	c->a->audited++;
	for (size_t k = 0; k < c->t->ncats; k++) {
		struct audit_cat *x = &c->a->cat[k];

		if (c->truth[k])
			*(c->eng[k] ? &x->tp : &x->fn) += 1;
		else
			*(c->eng[k] ? &x->fp : &x->tn) += 1;
	}
	return 0;
}

int audit_estimate(struct store *s, const char *question, const struct tally *t,
		   struct audit_est *out, struct kerr *e)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	struct est_ctx c;
	char *tab;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	buf_addf(&key, META_PREFIX "%s", question);
	rc = store_meta_get(s, key.data, &val, e);
	if (rc == KERR_NOTFOUND)
		rc = kerr_set(e, KERR_NOTFOUND, "no audit of \"%s\" in the store; draw one with "
			      "'koder review --sample N --audit --coder NAME' and code it", question);
	if (rc)
		goto out;
	if ((tab = strchr(val.data, '\t')))
		*tab = 0;
	snprintf(out->coder, sizeof(out->coder), "%s", val.data);
	if (tab)
		sscanf(tab + 1, "%llu\t%zu\t%zu", &out->seed, &out->drawn, &out->population);
	out->ncats = t->ncats;
	out->cat = calloc(t->ncats ? t->ncats : 1, sizeof(*out->cat));
	c.truth = malloc(t->ncats + 1);
	c.eng = malloc(t->ncats + 1);
	if (!out->cat || !c.truth || !c.eng) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
		goto out;
	}
	c.a = out;
	c.t = t;
	if ((rc = store_each_assignment(s, question, out->coder, on_assignment, &c, e)))
		goto out;
	if (c.sample.n)
		qsort(c.sample.v, c.sample.n, sizeof(*c.sample.v), cmp_ll);
	rc = store_each_final(s, question, on_est_final, &c, e);
out:
	if (rc)
		audit_est_release(out);
	free(c.sample.v);
	free(c.truth);
	free(c.eng);
	buf_release(&key);
	buf_release(&val);
	return rc;
}

void audit_est_release(struct audit_est *a)
{
	free(a->cat);
	a->cat = NULL;
	a->ncats = 0;
}

double audit_se(const struct audit_est *a, size_t k)
{
	const struct audit_cat *c = &a->cat[k];

	return c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 1;
}

double audit_sp(const struct audit_est *a, size_t k)
{
	const struct audit_cat *c = &a->cat[k];

	return c->tn + c->fp ? (double)c->tn / (double)(c->tn + c->fp) : 1;
}

void audit_correct(const struct audit_est *a, size_t k, size_t x, size_t y, size_t x_e,
		   size_t n_e, double *share, double *lo, double *hi, int *publish)
{
	const struct audit_cat *c = &a->cat[k];
	double se = audit_se(a, k), sp = audit_sp(a, k), q, pi, elo, ehi, wlo, whi;
	size_t x_r = x >= x_e ? x - x_e : 0;

	if (!y) {
		*share = 0;
		*lo = 0;
		*hi = 1;
		*publish = 1;
		return;
	}
	if (!n_e) {          /* every answer decided by a coder: nothing to correct */
		*share = (double)x / (double)y;
		stats_wilson(x, y, STATS_Z95, lo, hi);
		*publish = 1;
		return;
	}
	q = (double)x_e / (double)n_e;
	pi = stats_rogan_gladen(q, se, sp);
	stats_rg_interval(q, n_e, se, c->tp + c->fn, sp, c->tn + c->fp, &elo, &ehi);
	*share = ((double)x_r + pi * (double)n_e) / (double)y;
	*lo = ((double)x_r + elo * (double)n_e) / (double)y;
	*hi = ((double)x_r + ehi * (double)n_e) / (double)y;
	stats_wilson(x, y, STATS_Z95, &wlo, &whi);
	*publish = wlo <= *share && *share <= whi;
}
