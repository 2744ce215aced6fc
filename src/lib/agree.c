/*
 * agree.c - agreement statistics and the `koder agree` report (agree.h).
 */
#include "agree.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "project.h"
#include "store.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ============================================================ statistics */

double agree_percent(const int *a, const int *b, size_t n)
{
	size_t i, same = 0;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++)
		same += a[i] == b[i];
	return (double)same / n;
}

static int max_value(const int *v, size_t n)
{
	int m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

double agree_kappa(const int *a, const int *b, size_t n)
{
	int ma = max_value(a, n), mb = max_value(b, n), m = ma > mb ? ma : mb;
	double *ca, *cb, po, pe = 0;
	size_t i;

	if (!n)
		return NAN;
	ca = calloc((size_t)m + 1, sizeof(*ca));
	cb = calloc((size_t)m + 1, sizeof(*cb));
	if (!ca || !cb) {
		free(ca);
		free(cb);
		return NAN;
	}
	for (i = 0; i < n; i++) {
		ca[a[i]]++;
		cb[b[i]]++;
	}
	po = agree_percent(a, b, n);
	for (i = 0; i <= (size_t)m; i++)
		pe += (ca[i] / n) * (cb[i] / n);
	free(ca);
	free(cb);
	if (1 - pe < 1e-12)
		return NAN;
	return (po - pe) / (1 - pe);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * With o_ck the coincidence matrix, n_c its margins and n the pairable
 * values: alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k.
 * Both sums come without the matrix: a unit with m values adds
 * (m(m-1) - sum_v m_v(m_v - 1)) / (m - 1) to the first, and
 * sum_{c!=k} n_c n_k = n^2 - sum_c n_c^2.
 */
double agree_alpha(const int *v, size_t nunits, size_t ncoders)
{
	int *vals = malloc((ncoders + 1) * sizeof(*vals)), maxv = 0;
	double *nc, n = 0, dobs = 0, sq = 0;
	size_t u, c;

	if (!vals)
		return NAN;
	for (u = 0; u < nunits * ncoders; u++)
		if (v[u] > maxv)
			maxv = v[u];
	if (!(nc = calloc((size_t)maxv + 1, sizeof(*nc)))) {
		free(vals);
		return NAN;
	}
	for (u = 0; u < nunits; u++) {
		size_t m = 0, i, j;
		double same = 0;

		for (c = 0; c < ncoders; c++)
			if (v[u * ncoders + c] != AGREE_MISSING)
				vals[m++] = v[u * ncoders + c];
		if (m < 2)
			continue;
		qsort(vals, m, sizeof(*vals), cmp_int);
		for (i = 0; i < m; i = j) {
			for (j = i; j < m && vals[j] == vals[i]; j++)
				;
			same += (double)(j - i) * (double)(j - i - 1);
			nc[vals[i]] += (double)(j - i);
		}
		dobs += ((double)m * (m - 1) - same) / (double)(m - 1);
		n += (double)m;
	}
	for (c = 0; c <= (size_t)maxv; c++)
		sq += nc[c] * nc[c];
	free(vals);
	free(nc);
	if (n < 2 || n * n - sq <= 0)
		return NAN;
	return 1 - (n - 1) * dobs / (n * n - sq);
}

/* ============================================================ the report */

struct unit {
	long long id;
	char *respondent, *wave, *role, *final;
};

struct vote {
	size_t unit;
	char *coder;
	uint64_t bits;
};

struct collect {
	const struct codebook *cb;
	struct unit *u;
	size_t nu, capu;
	uint64_t *engine;
	unsigned char *has_engine;
	size_t *byid;
	struct vote *v;
	size_t nv, capv;
	int nomem;
};


static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return p;
	ncap = *cap ? 2 * *cap : 256;
	np = realloc(p, ncap * size);
	if (np)
		*cap = ncap;
	return np;
}

static char *sdup(struct collect *c, const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		c->nomem = 1;
	return d;
}

static int on_final(void *ctx, const struct store_final *f)
{
	struct collect *c = ctx;
	struct unit *u;
	void *p;
	size_t cap = c->capu;

	if (!(p = grow(c->u, &c->capu, c->nu, sizeof(*c->u))))
		return KERR_NOMEM;
	c->u = p;
	if (c->capu != cap) {
		void *e = realloc(c->engine, c->capu * sizeof(*c->engine));
		void *h;

		if (!e)
			return KERR_NOMEM;
		c->engine = e;
		if (!(h = realloc(c->has_engine, c->capu)))
			return KERR_NOMEM;
		c->has_engine = h;
	}
	u = &c->u[c->nu];
	u->id = f->answer->id;
	u->respondent = sdup(c, f->answer->respondent);
	u->wave = sdup(c, f->answer->wave);
	u->role = sdup(c, f->answer->role);
	u->final = f->adjudicated ? sdup(c, f->codes) : NULL;
	c->has_engine[c->nu] = f->suggested != NULL;
	c->engine[c->nu] = project_code_bits(c->cb, f->suggested);
	c->nu++;
	return c->nomem ? KERR_NOMEM : 0;
}

static const struct unit *sort_units;

static int cmp_unit_id(const void *a, const void *b)
{
	long long x = sort_units[*(const size_t *)a].id, y = sort_units[*(const size_t *)b].id;

	return (x > y) - (x < y);
}

static long unit_of(const struct collect *c, long long id)
{
	size_t lo = 0, hi = c->nu;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		long long m = c->u[c->byid[mid]].id;

		if (m == id)
			return (long)c->byid[mid];
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int on_latest(void *ctx, const struct store_decision *d)
{
	struct collect *c = ctx;
	long u;
	void *p;

	if (d->final || (u = unit_of(c, d->answer_id)) < 0)
		return 0;
	if (!(p = grow(c->v, &c->capv, c->nv, sizeof(*c->v))))
		return KERR_NOMEM;
	c->v = p;
	c->v[c->nv].unit = (size_t)u;
	c->v[c->nv].coder = sdup(c, d->coder);
	c->v[c->nv].bits = project_code_bits(c->cb, d->codes);
	c->nv++;
	return c->nomem ? KERR_NOMEM : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Everything computed from the matrix: R raters (coders + engine), one
 * bit set per (unit, rater), `has` marking which exist. */
struct matrix {
	size_t nu, r;
	uint64_t *bits;
	unsigned char *has;
	uint64_t *sets;          /* distinct code sets, sorted: their index is the value */
	size_t nsets;
};

static int set_value(const struct matrix *m, uint64_t b)
{
	const uint64_t *p = bsearch(&b, m->sets, m->nsets, sizeof(*m->sets), cmp_u64);

	return p ? (int)(p - m->sets) : 0;
}

/* Compare raters a and b: per category and on the whole set. */
static int compare(const struct matrix *m, size_t ncats, struct agree_pair *p)
{
	int *x = malloc((m->nu + 1) * sizeof(*x)), *y = malloc((m->nu + 1) * sizeof(*y));
	size_t u, k, n;

	p->percent = calloc(ncats + 1, sizeof(double));
	p->kappa = calloc(ncats + 1, sizeof(double));
	if (!x || !y || !p->percent || !p->kappa) {
		free(x);
		free(y);
		return KERR_NOMEM;
	}
	for (k = 0; k <= ncats; k++) {
		n = 0;
		for (u = 0; u < m->nu; u++) {
			uint64_t ba = m->bits[u * m->r + p->a], bb = m->bits[u * m->r + p->b];

			if (!m->has[u * m->r + p->a] || !m->has[u * m->r + p->b])
				continue;
			x[n] = k < ncats ? (int)((ba >> k) & 1) : set_value(m, ba);
			y[n] = k < ncats ? (int)((bb >> k) & 1) : set_value(m, bb);
			n++;
		}
		p->n = n;
		if (k < ncats) {
			p->percent[k] = agree_percent(x, y, n);
			p->kappa[k] = agree_kappa(x, y, n);
		} else {
			p->set_percent = agree_percent(x, y, n);
			p->set_kappa = agree_kappa(x, y, n);
		}
	}
	free(x);
	free(y);
	return 0;
}

static int alphas(const struct matrix *m, size_t ncoders, size_t ncats,
	struct agree_report *r)
{
	int *v = malloc((m->nu * ncoders + 1) * sizeof(*v));
	size_t u, c, k;

	r->alpha = calloc(ncats + 1, sizeof(*r->alpha));
	r->alpha_units = calloc(ncats + 1, sizeof(*r->alpha_units));
	if (!v || !r->alpha || !r->alpha_units) {
		free(v);
		return KERR_NOMEM;
	}
	for (k = 0; k <= ncats; k++) {
		size_t units = 0;

		for (u = 0; u < m->nu; u++) {
			size_t have = 0;

			for (c = 0; c < ncoders; c++) {
				uint64_t b = m->bits[u * m->r + c];

				if (!m->has[u * m->r + c])
					v[u * ncoders + c] = AGREE_MISSING;
				else
					v[u * ncoders + c] = k < ncats ? (int)((b >> k) & 1)
						: set_value(m, b);
				have += m->has[u * m->r + c];
			}
			units += have >= 2;
		}
		if (k < ncats) {
			r->alpha[k] = agree_alpha(v, m->nu, ncoders);
			r->alpha_units[k] = units;
		} else {
			r->set_alpha = agree_alpha(v, m->nu, ncoders);
			r->units = units;
		}
	}
	free(v);
	return 0;
}

static int disagreements(const struct collect *c, const struct matrix *m,
	const struct codebook *cb, struct agree_report *r)
{
	struct buf b = BUF_INIT, codes = BUF_INIT;
	size_t u, i, k;
	int rc = 0;

	r->dis = calloc(m->nu + 1, sizeof(*r->dis));
	if (!r->dis)
		return KERR_NOMEM;
	for (u = 0; u < m->nu && !rc; u++) {
		long first = -1;
		int differ = 0;

		for (i = 0; i < r->ncoders; i++) {
			if (!m->has[u * m->r + i])
				continue;
			if (first < 0)
				first = (long)i;
			else if (m->bits[u * m->r + i] != m->bits[u * m->r + first])
				differ = 1;
		}
		if (!differ)
			continue;
		buf_reset(&b);
		for (i = 0; i < r->ncoders; i++) {
			size_t n = 0;

			if (!m->has[u * m->r + i])
				continue;
			buf_reset(&codes);
			for (k = 0; k < cb->ncats; k++)
				if ((m->bits[u * m->r + i] >> k) & 1)
					buf_addf(&codes, "%s%s", n++ ? ";" : "", cb->cats[k].id);
			buf_addf(&b, "%s%s: %s", b.len ? " · " : "", r->raters[i], codes.data);
		}
		r->dis[r->ndis].respondent = strdup(c->u[u].respondent);
		r->dis[r->ndis].wave = strdup(c->u[u].wave);
		r->dis[r->ndis].role = strdup(c->u[u].role);
		r->dis[r->ndis].final = c->u[u].final ? strdup(c->u[u].final) : NULL;
		r->dis[r->ndis].codes = buf_detach(&b, NULL);
		if (!r->dis[r->ndis].respondent || !r->dis[r->ndis].codes)
			rc = KERR_NOMEM;
		r->ndis++;
	}
	buf_release(&b);
	buf_release(&codes);
	return rc;
}

static int build(struct collect *c, const struct codebook *cb, struct agree_report *r)
{
	struct matrix m = { 0 };
	char **names = malloc((c->nv + 1) * sizeof(*names));
	size_t i, j, n = 0, a, b;
	int rc = 0;

	if (!names)
		return KERR_NOMEM;
	for (i = 0; i < c->nv; i++)
		names[i] = c->v[i].coder;
	qsort(names, c->nv, sizeof(*names), cmp_str);
	r->raters = calloc(c->nv + 2, sizeof(*r->raters));
	if (!r->raters) {
		free(names);
		return KERR_NOMEM;
	}
	for (i = 0; i < c->nv; i++)
		if (!n || strcmp(names[i], r->raters[n - 1]))
			r->raters[n++] = strdup(names[i]);
	r->ncoders = n;
	r->raters[n] = strdup("engine");
	free(names);
	m.nu = c->nu;
	m.r = n + 1;
	m.bits = calloc(m.nu * m.r + 1, sizeof(*m.bits));
	m.has = calloc(m.nu * m.r + 1, 1);
	m.sets = malloc((m.nu * m.r + 1) * sizeof(*m.sets));
	if (!m.bits || !m.has || !m.sets) {
		rc = KERR_NOMEM;
		goto out;
	}
	for (i = 0; i < c->nv; i++) {
		char **hit = bsearch(&c->v[i].coder, r->raters, n, sizeof(*r->raters), cmp_str);
		size_t at = c->v[i].unit * m.r + (size_t)(hit - r->raters);

		m.bits[at] = c->v[i].bits;
		m.has[at] = 1;
	}
	for (i = 0; i < m.nu; i++) {
		m.bits[i * m.r + n] = c->engine[i];
		m.has[i * m.r + n] = c->has_engine[i];
	}
	for (i = 0; i < m.nu * m.r; i++)
		if (m.has[i])
			m.sets[m.nsets++] = m.bits[i];
	qsort(m.sets, m.nsets, sizeof(*m.sets), cmp_u64);
	for (i = j = 0; i < m.nsets; i++)
		if (!j || m.sets[i] != m.sets[j - 1])
			m.sets[j++] = m.sets[i];
	m.nsets = j;
	r->ncats = cb->ncats;
	r->answers = c->nu;
	r->pairs = calloc(n * (n - (n > 0)) / 2 + n + 1, sizeof(*r->pairs));
	if (!r->pairs) {
		rc = KERR_NOMEM;
		goto out;
	}
	for (a = 0; a < n && !rc; a++)
		for (b = a + 1; b < n && !rc; b++) {
			r->pairs[r->npairs].a = a;
			r->pairs[r->npairs].b = b;
			rc = compare(&m, cb->ncats, &r->pairs[r->npairs++]);
		}
	for (a = 0; a < n && !rc; a++) {
		r->pairs[r->npairs].a = n;
		r->pairs[r->npairs].b = a;
		rc = compare(&m, cb->ncats, &r->pairs[r->npairs++]);
	}
	if (!rc)
		rc = alphas(&m, n, cb->ncats, r);
	if (!rc)
		rc = disagreements(c, &m, cb, r);
out:
	free(m.bits);
	free(m.has);
	free(m.sets);
	return rc;
}

int agree_compute(struct store *s, const char *question, const struct codebook *cb,
	struct agree_report **out, struct kerr *e)
{
	struct collect c;
	struct agree_report *r;
	size_t i;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.cb = cb;
	if (cb->ncats > PROJECT_MAX_CATS)
		return kerr_set(e, KERR_LIMIT, "codebook %s has %zu categories; agree handles "
			"up to %d", cb->id, cb->ncats, PROJECT_MAX_CATS);
	if (!(r = calloc(1, sizeof(*r))))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	rc = store_each_final(s, question, on_final, &c, e);
	if (!rc && !(c.byid = malloc((c.nu + 1) * sizeof(*c.byid))))
		rc = KERR_NOMEM;
	if (!rc) {
		for (i = 0; i < c.nu; i++)
			c.byid[i] = i;
		sort_units = c.u;
		qsort(c.byid, c.nu, sizeof(*c.byid), cmp_unit_id);
		sort_units = NULL;
		rc = store_each_latest(s, question, NULL, on_latest, &c, e);
	}
	if (!rc)
		rc = build(&c, cb, r);
	for (i = 0; i < c.nu; i++) {
		free(c.u[i].respondent);
		free(c.u[i].wave);
		free(c.u[i].role);
		free(c.u[i].final);
	}
	for (i = 0; i < c.nv; i++)
		free(c.v[i].coder);
	free(c.u);
	free(c.v);
	free(c.engine);
	free(c.has_engine);
	free(c.byid);
	if (rc) {
		agree_free(r);
		return rc == KERR_NOMEM ? kerr_set(e, KERR_NOMEM, "out of memory") : rc;
	}
	*out = r;
	return 0;
}

void agree_free(struct agree_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; r->raters && i <= r->ncoders; i++)
		free(r->raters[i]);
	free(r->raters);
	for (i = 0; i < r->npairs; i++) {
		free(r->pairs[i].percent);
		free(r->pairs[i].kappa);
	}
	free(r->pairs);
	for (i = 0; i < r->ndis; i++) {
		free(r->dis[i].respondent);
		free(r->dis[i].wave);
		free(r->dis[i].role);
		free(r->dis[i].codes);
		free(r->dis[i].final);
	}
	free(r->dis);
	free(r->alpha);
	free(r->alpha_units);
	free(r);
}
