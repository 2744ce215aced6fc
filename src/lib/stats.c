/*
 * stats.c - intervals, exact tests, adjustment and correction (see stats.h).
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

void stats_wilson(size_t x, size_t n, double z, double *lo, double *hi)
{
	double p, z2, den, mid, half;

	if (!n) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)x / (double)n;
	z2 = z * z;
	den = 1 + z2 / (double)n;
	mid = (p + z2 / (2.0 * (double)n)) / den;
	half = z * sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) / den;
	*lo = mid - half < 0 ? 0 : mid - half;
	*hi = mid + half > 1 ? 1 : mid + half;
	if (x == 0)
		*lo = 0;
	if (x == n)
		*hi = 1;
}

double stats_fisher(size_t a, size_t b, size_t c, size_t d)
{
	/* the table's first cell a is hypergeometric: n1 = a + c "successes"
	 * in the population, n2 = b + d failures, t = a + b draws */
	unsigned n1 = (unsigned)(a + c), n2 = (unsigned)(b + d), t = (unsigned)(a + b);
	unsigned lo = t > n2 ? t - n2 : 0, hi = t < n1 ? t : n1, k;
	double pobs = gsl_ran_hypergeometric_pdf((unsigned)a, n1, n2, t), p = 0;

	for (k = lo; k <= hi; k++) {
		double pk = gsl_ran_hypergeometric_pdf(k, n1, n2, t);

		if (pk <= pobs * (1 + 1e-7))
			p += pk;
	}
	return p > 1 ? 1 : p;
}

double stats_mcnemar(size_t b, size_t c)
{
	size_t n = b + c, m = b < c ? b : c;
	double p;

	if (!n)
		return 1;
	p = 2 * gsl_cdf_binomial_P((unsigned)m, 0.5, (unsigned)n);
	return p > 1 ? 1 : p;
}

int stats_adjust_parse(const char *s, enum stats_adjust *m)
{
	if (!strcmp(s, "holm"))
		*m = STATS_ADJ_HOLM;
	else if (!strcmp(s, "bh") || !strcmp(s, "BH") || !strcmp(s, "fdr"))
		*m = STATS_ADJ_BH;
	else if (!strcmp(s, "none"))
		*m = STATS_ADJ_NONE;
	else
		return -1;
	return 0;
}

const char *stats_adjust_name(enum stats_adjust m)
{
	return m == STATS_ADJ_HOLM ? "holm" : m == STATS_ADJ_BH ? "bh" : "none";
}

static const double *sort_base;

static int by_p(const void *a, const void *b)
{
	double x = sort_base[*(const size_t *)a], y = sort_base[*(const size_t *)b];
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	/* ties by position, so the order (and the result) is deterministic */
	return x < y ? -1 : x > y ? 1 : i < j ? -1 : i > j;
}

int stats_adjust(double *p, size_t n, enum stats_adjust m)
{
	size_t *o, i;
	double *q, run;

	if (m == STATS_ADJ_NONE || n < 2)
		return 0;
	o = malloc(n * sizeof(*o));
	q = malloc(n * sizeof(*q));
	if (!o || !q) {
		free(o);
		free(q);
		return -1;
	}
	for (i = 0; i < n; i++)
		o[i] = i;
	sort_base = p;
	qsort(o, n, sizeof(*o), by_p);
	if (m == STATS_ADJ_HOLM) {
		/* p_(i) * (n - i), made non-decreasing from the smallest up */
		run = 0;
		for (i = 0; i < n; i++) {
			double v = p[o[i]] * (double)(n - i);

			if (v > run)
				run = v;
			q[o[i]] = run > 1 ? 1 : run;
		}
	} else {
		/* p_(i) * n / i, made non-increasing from the largest down */
		run = 1;
		for (i = n; i-- > 0;) {
			double v = p[o[i]] * (double)n / (double)(i + 1);

			if (v < run)
				run = v;
			q[o[i]] = run;
		}
	}
	memcpy(p, q, n * sizeof(*p));
	free(o);
	free(q);
	return 0;
}

double stats_rogan_gladen(double q, double se, double sp)
{
	double j = se + sp - 1, v;

	if (j <= 0)
		return q;
	v = (q + sp - 1) / j;
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

void stats_rg_interval(double q, size_t n, double se, size_t n_pos, double sp, size_t n_neg,
		       double *lo, double *hi)
{
	double j = se + sp - 1, pi, vq, vse, vsp, v, sd, qs, ses, sps;

	if (j <= 0.05 || !n) {
		*lo = 0;
		*hi = 1;
		return;
	}
	pi = (q + sp - 1) / j;
	/* Agresti-Coull-style shrinkage: the variance of a proportion estimated
	 * as 0 or 1 is not 0 */
	qs = (q * (double)n + 2) / ((double)n + 4);
	ses = (se * (double)n_pos + 2) / ((double)n_pos + 4);
	sps = (sp * (double)n_neg + 2) / ((double)n_neg + 4);
	vq = qs * (1 - qs) / ((double)n + 4);
	vse = n_pos ? ses * (1 - ses) / ((double)n_pos + 4) : 0.25;
	vsp = n_neg ? sps * (1 - sps) / ((double)n_neg + 4) : 0.25;
	/* d pi / d q = 1/J; d pi / d se = -pi/J; d pi / d sp = (pi - 1)/J */
	v = (vq + pi * pi * vse + (1 - pi) * (1 - pi) * vsp) / (j * j);
	sd = sqrt(v);
	if (pi < 0)
		pi = 0;
	if (pi > 1)
		pi = 1;
	*lo = pi - STATS_Z95 * sd;
	*hi = pi + STATS_Z95 * sd;
	if (*lo < 0)
		*lo = 0;
	if (*hi > 1)
		*hi = 1;
}
