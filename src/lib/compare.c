/*
 * compare.c - exact tests between the cells of a tally (see compare.h).
 */
#include "compare.h"
#include "error.h"
#include "strtab.h"
#include "tally.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PANEL_WAVES 16   /* waves a panel row has room for */

/* Per tally: respondent key "group\x1frole\x1fid" -> a row of PANEL_WAVES *
 * ncats bytes (0 = no substantive answer in that wave, 1 = not mentioned,
 * 2 = mentioned), and the row's group and role. */
struct panel_t {
	const struct tally *t;
	struct strtab keys;
	unsigned char *data;
	size_t *group, *role;
	size_t nrows, cap, width;
};

struct compare_panel {
	struct panel_t *p;
	size_t n;
};

int compare_mode_parse(const char *s, enum compare_mode *m)
{
	if (!strcmp(s, "waves"))
		*m = COMPARE_WAVES;
	else if (!strcmp(s, "roles"))
		*m = COMPARE_ROLES;
	else
		return -1;
	return 0;
}

const char *compare_test_name(enum compare_test t)
{
	return t == COMPARE_MCNEMAR ? "McNemar" : "Fisher";
}

int compare_panel_new(struct compare_panel **out, struct tally *const *t, size_t n)
{
	struct compare_panel *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->p = calloc(n ? n : 1, sizeof(*p->p)))) {
		free(p);
		return -1;
	}
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		p->p[i].t = t[i];
		p->p[i].width = PANEL_WAVES * (t[i]->ncats ? t[i]->ncats : 1);
		if (strtab_init(&p->p[i].keys, 1024)) {
			p->n = i;
			compare_panel_free(p);
			return -1;
		}
	}
	*out = p;
	return 0;
}

void compare_panel_free(struct compare_panel *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		strtab_release(&p->p[i].keys);
		free(p->p[i].data);
		free(p->p[i].group);
		free(p->p[i].role);
	}
	free(p->p);
	free(p);
}

int compare_panel_add(struct compare_panel *p, size_t tally, size_t group, size_t wave,
		      size_t role, const char *id, const unsigned char *flags)
{
	struct panel_t *pt;
	char key[512];
	uint32_t row;
	size_t nc, k;
	unsigned char *r;
	int n;

	if (tally >= p->n || wave >= PANEL_WAVES)
		return 0;
	pt = &p->p[tally];
	nc = pt->t->ncats;
	n = snprintf(key, sizeof(key), "%zu\x1f%zu\x1f%s", group, role, id);
	if (n < 0 || (size_t)n >= sizeof(key))
		return 0;          /* an id this long is not matched */
	if (!strtab_get(&pt->keys, key, (size_t)n, &row)) {
		if (pt->nrows == pt->cap) {
			size_t cap = pt->cap ? pt->cap * 2 : 256;
			unsigned char *d = realloc(pt->data, cap * pt->width);
			size_t *g, *ro;

			if (!d)
				return -1;
			pt->data = d;
			if (!(g = realloc(pt->group, cap * sizeof(*g))))
				return -1;
			pt->group = g;
			if (!(ro = realloc(pt->role, cap * sizeof(*ro))))
				return -1;
			pt->role = ro;
			pt->cap = cap;
		}
		row = (uint32_t)pt->nrows;
		if (strtab_put(&pt->keys, key, (size_t)n, row, 0))
			return -1;
		pt->nrows++;
		memset(pt->data + (size_t)row * pt->width, 0, pt->width);
		pt->group[row] = group;
		pt->role[row] = role;
	}
	r = pt->data + (size_t)row * pt->width + wave * nc;
	for (k = 0; k < nc; k++)
		r[k] = (unsigned char)(1 + (flags && flags[k] && !pt->t->cats[k].is_net));
	for (k = 0; k < nc; k++)    /* nets: mentioned if any member is */
		if (pt->t->cats[k].net >= 0 && r[k] == 2)
			r[pt->t->cats[k].net] = 2;
	return 0;
}

/* Matched respondents of (group, role) in waves w1 and w2 for category k. */
static void pairs_of(const struct panel_t *pt, size_t group, size_t role, size_t w1,
		     size_t w2, size_t k, size_t *pairs, size_t *b, size_t *c)
{
	size_t nc = pt->t->ncats;

	*pairs = *b = *c = 0;
	if (w1 >= PANEL_WAVES || w2 >= PANEL_WAVES)
		return;
	for (size_t i = 0; i < pt->nrows; i++) {
		const unsigned char *r = pt->data + i * pt->width;
		unsigned char a1 = r[w1 * nc + k], a2 = r[w2 * nc + k];

		if (pt->group[i] != group || pt->role[i] != role || !a1 || !a2)
			continue;
		(*pairs)++;
		*b += a1 == 2 && a2 == 1;
		*c += a1 == 1 && a2 == 2;
	}
}

static int add_row(struct compare *c, const struct compare_row *r)
{
	if (!(c->n & (c->n + 1)) || !c->rows) {
		size_t cap = c->n ? (c->n + 1) * 2 : 64;
		struct compare_row *v = realloc(c->rows, cap * sizeof(*v));

		if (!v)
			return -1;
		c->rows = v;
	}
	c->rows[c->n++] = *r;
	return 0;
}

static double shr(size_t x, size_t y)
{
	return y ? (double)x / (double)y : 0;
}

/* Compare cell (w1, r1) with (w2, r2) for every category of tally ti. */
static int pair(struct compare *c, size_t ti, const struct tally *t, size_t g, size_t w1,
		size_t r1, size_t w2, size_t r2, const struct panel_t *pt)
{
	const struct tally_cell *a = tally_cell(t, g, w1, r1), *b = tally_cell(t, g, w2, r2);

	if (!a || !b || !a->base || !b->base)
		return 0;
	for (size_t k = 0; k < t->ncats; k++) {
		struct compare_row row;

		memset(&row, 0, sizeof(row));
		row.tally = ti;
		row.group = g;
		row.cat = k;
		row.w1 = w1;
		row.r1 = r1;
		row.w2 = w2;
		row.r2 = r2;
		row.x1 = a->count[k];
		row.y1 = a->base;
		row.x2 = b->count[k];
		row.y2 = b->base;
		row.diff = shr(row.x2, row.y2) - shr(row.x1, row.y1);
		row.test = COMPARE_FISHER;
		if (pt && r1 == r2) {
			size_t np, nb, ncd, small = a->base < b->base ? a->base : b->base;

			pairs_of(pt, g, r1, w1, w2, k, &np, &nb, &ncd);
			if (np && 2 * np >= small) {
				row.test = COMPARE_MCNEMAR;
				row.pairs = np;
				row.b = nb;
				row.c = ncd;
			}
		}
		row.p = row.test == COMPARE_MCNEMAR ? stats_mcnemar(row.b, row.c)
			: stats_fisher(row.x1, row.y1 - row.x1, row.x2, row.y2 - row.x2);
		if (add_row(c, &row))
			return -1;
	}
	return 0;
}

int compare_run(struct compare *c, enum compare_mode mode, enum stats_adjust adj,
		struct tally *const *ts, size_t n, const struct compare_panel *panel,
		struct kerr *e)
{
	double *p;

	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->adjust = adj;
	c->alpha = 0.05;
	for (size_t ti = 0; ti < n; ti++) {
		const struct tally *t = ts[ti];
		const struct panel_t *pt = panel && ti < panel->n ? &panel->p[ti] : NULL;
		size_t ng = t->ngroups ? t->ngroups : 1;

		for (size_t g = 0; g < ng; g++) {
			if (mode == COMPARE_WAVES) {
				size_t asked[64], na = 0;

				for (size_t w = 0; w < t->nwaves && na < 64; w++)
					if (tally_wave_asked(t, g, w))
						asked[na++] = w;
				for (size_t r = 0; r < t->nroles; r++) {
					for (size_t i = 0; i + 1 < na; i++)
						if (pair(c, ti, t, g, asked[i], r, asked[i + 1], r, pt))
							goto oom;
					if (na > 2 && pair(c, ti, t, g, asked[0], r, asked[na - 1], r, pt))
						goto oom;
				}
			} else if (mode == COMPARE_ROLES) {
				for (size_t w = 0; w < t->nwaves; w++)
					for (size_t r1 = 0; r1 < t->nroles; r1++)
						for (size_t r2 = r1 + 1; r2 < t->nroles; r2++)
							if (pair(c, ti, t, g, w, r1, w, r2, NULL))
								goto oom;
			}
		}
	}
	if (!c->n)
		return 0;
	if (!(p = malloc(c->n * sizeof(*p))))
		goto oom;
	for (size_t i = 0; i < c->n; i++)
		p[i] = c->rows[i].p;
	if (stats_adjust(p, c->n, adj)) {
		free(p);
		goto oom;
	}
	for (size_t i = 0; i < c->n; i++) {
		c->rows[i].p_adj = p[i];
		c->rows[i].significant = p[i] < c->alpha;
	}
	free(p);
	return 0;
oom:
	compare_release(c);
	return kerr_set(e, KERR_NOMEM, "out of memory");
}

void compare_release(struct compare *c)
{
	free(c->rows);
	c->rows = NULL;
	c->n = 0;
}
