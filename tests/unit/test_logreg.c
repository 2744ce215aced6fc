/* test_logreg.c - the logistic regression over sparse features: a feature
 * that marks the positive rows gets a positive weight and a high
 * probability; with a per-feature scale (logreg_fit_scaled, what the
 * trainer's naive Bayes ratios use) a feature of scale 0 learns nothing
 * and no scale is the plain fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "logreg.h"

/* 40 rows over 3 features: feature 0 in every positive row (and one
 * negative), feature 1 in every row, feature 2 in every third row. */
#define NROWS 40
static size_t start[NROWS + 1];
static unsigned col[3 * NROWS];
static unsigned char y[NROWS];

static struct logreg_data data(void)
{
	struct logreg_data d = { NROWS, 3, start, col };
	size_t i, n = 0;

	for (i = 0; i < NROWS; i++) {
		start[i] = n;
		y[i] = i % 4 == 0;
		if (y[i] || i == 1)
			col[n++] = 0;
		col[n++] = 1;
		if (i % 3 == 0)
			col[n++] = 2;
	}
	start[NROWS] = n;
	return d;
}

static void test_plain(void **state)
{
	struct logreg_data d = data();
	double w[3], w2[3], b, b2;

	(void)state;
	assert_int_equal(logreg_fit(&d, y, NULL, 10, w, &b, NULL), 0);
	assert_true(w[0] > 1);
	assert_true(logreg_prob(&d, 0, w, b) > 0.7);    /* a positive row */
	assert_true(logreg_prob(&d, 2, w, b) < 0.3);    /* a negative one */
	/* no scale is the plain fit, weight for weight */
	assert_int_equal(logreg_fit_scaled(&d, y, NULL, NULL, 10, w2, &b2, NULL), 0);
	assert_memory_equal(w, w2, sizeof w);
	assert_true(b == b2);
}

static void test_scaled(void **state)
{
	struct logreg_data d = data();
	double plain[3], w[3], b, pb;
	const double off[3] = { 0, 1, 1 }, up[3] = { 3, 1, 1 };

	(void)state;
	assert_int_equal(logreg_fit(&d, y, NULL, 1, plain, &pb, NULL), 0);
	/* a feature of scale 0 is not seen: its weight stays 0 */
	assert_int_equal(logreg_fit_scaled(&d, y, NULL, off, 1, w, &b, NULL), 0);
	assert_true(w[0] == 0);
	/* a feature of scale 3 is worth three times as much per unit of
	 * weight: it needs less weight than in the plain fit, and the
	 * regularisation holding that weight down less, its presence (weight
	 * times scale) counts more */
	assert_int_equal(logreg_fit_scaled(&d, y, NULL, up, 1, w, &b, NULL), 0);
	assert_true(w[0] > 0);
	assert_true(w[0] < plain[0] - 0.1);
	assert_true(3 * w[0] > plain[0] + 0.1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_scaled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
