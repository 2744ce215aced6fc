/* logreg.c - binary logistic regression fitted by liblinear (see logreg.h). */
#include "logreg.h"
#include "error.h"

#include <linear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void quiet(const char *s)
{
	(void)s;
}

int logreg_fit(const struct logreg_data *d, const unsigned char *y,
	       const unsigned char *use, double C, double *w, double *bias, struct kerr *e)
{
	return logreg_fit_scaled(d, y, use, NULL, C, w, bias, e);
}

int logreg_fit_scaled(const struct logreg_data *d, const unsigned char *y,
		      const unsigned char *use, const double *scale, double C, double *w,
		      double *bias, struct kerr *e)
{
	static int silenced;
	struct problem prob;
	struct parameter param;
	struct model *m;
	struct feature_node *nodes, *at;
	size_t i, k, nused = 0, npos = 0, nnodes = 0;
	int rc = 0;

	if (!silenced) {
		set_print_string_function(quiet);
		silenced = 1;
	}
	memset(w, 0, d->nfeat * sizeof *w);
	*bias = 0;
	for (i = 0; i < d->nrows; i++)
		if (!use || use[i]) {
			nused++;
			npos += y[i] != 0;
			nnodes += d->start[i + 1] - d->start[i] + 2;   /* + bias + end */
		}
	if (!nused)
		return kerr_set(e, KERR_INVALID, "no answers to learn from");
	if (npos == 0 || npos == nused) {
		*bias = npos ? log(99.0) : -log(99.0);
		return 0;
	}
	memset(&prob, 0, sizeof prob);
	memset(&param, 0, sizeof param);
	prob.l = (int)nused;
	prob.n = (int)d->nfeat + 1;            /* the last index is the bias */
	prob.bias = 1;
	prob.y = malloc(nused * sizeof *prob.y);
	prob.x = malloc(nused * sizeof *prob.x);
	nodes = malloc(nnodes * sizeof *nodes);
	if (!prob.y || !prob.x || !nodes) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory fitting the model");
		goto out;
	}
	at = nodes;
	for (i = 0, k = 0; i < d->nrows; i++) {
		size_t j;

		if (use && !use[i])
			continue;
		prob.y[k] = y[i] ? 1 : -1;
		prob.x[k++] = at;
		for (j = d->start[i]; j < d->start[i + 1]; j++, at++) {
			at->index = (int)d->col[j] + 1;   /* liblinear counts from 1 */
			at->value = scale ? scale[d->col[j]] : 1;
		}
		at->index = (int)d->nfeat + 1;        /* the bias feature */
		at->value = 1;
		at++;
		at->index = -1;
		at++;
	}
	param.solver_type = L2R_LR;
	param.eps = 0.01;
	param.C = C;
	if (check_parameter(&prob, &param)) {
		rc = kerr_set(e, KERR_INVALID, "liblinear refused the parameters");
		goto out;
	}
	m = train(&prob, &param);
	if (!m) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory fitting the model");
		goto out;
	}
	{
		/* w belongs to the model's first label: turn it to y=1's side */
		double sign = m->label[0] == 1 ? 1 : -1;

		for (i = 0; i < d->nfeat; i++)
			w[i] = sign * m->w[i];
		*bias = sign * m->w[d->nfeat];
	}
	free_and_destroy_model(&m);
out:
	free(prob.y);
	free(prob.x);
	free(nodes);
	return rc;
}

double logreg_prob(const struct logreg_data *d, size_t i, const double *w, double bias)
{
	double z = bias;
	size_t j;

	for (j = d->start[i]; j < d->start[i + 1]; j++)
		z += w[d->col[j]];
	return 1 / (1 + exp(-z));
}
