/* test_agree.c - agreement statistics against values worked by hand in the
 * literature. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "agree.h"

#define M AGREE_MISSING

/* Cohen's kappa, the worked example of a 2x2 table (Wikipedia, "Cohen's
 * kappa"): 50 proposals, both yes 20, A yes B no 5, A no B yes 10, both no
 * 15: p_o = 0.7, p_e = 0.5, kappa = 0.4. */
static void test_kappa_yes_no(void **state)
{
	int a[50], b[50];
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < 20; i++, n++) { a[n] = 1; b[n] = 1; }
	for (i = 0; i < 5; i++, n++) { a[n] = 1; b[n] = 0; }
	for (i = 0; i < 10; i++, n++) { a[n] = 0; b[n] = 1; }
	for (i = 0; i < 15; i++, n++) { a[n] = 0; b[n] = 0; }
	assert_true(fabs(agree_percent(a, b, n) - 0.7) < 1e-9);
	assert_true(fabs(agree_kappa(a, b, n) - 0.4) < 1e-9);
}

/* Undefined when both coders are constant; 1 for perfect varied agreement. */
static void test_kappa_edges(void **state)
{
	int c[4] = { 1, 1, 1, 1 }, x[4] = { 0, 1, 2, 1 };

	(void)state;
	assert_true(isnan(agree_kappa(c, c, 4)));
	assert_true(fabs(agree_kappa(x, x, 4) - 1.0) < 1e-9);
	assert_true(isnan(agree_kappa(x, x, 0)));
}

/* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", A:
 * two observers, binary data, ten units: alpha = 0.095. */
static void test_alpha_binary(void **state)
{
	int a[10] = { 0, 1, 0, 0, 0, 0, 0, 0, 1, 0 };
	int b[10] = { 1, 1, 1, 0, 0, 1, 0, 0, 0, 0 };
	int v[20];
	size_t u;

	(void)state;
	for (u = 0; u < 10; u++) {
		v[u * 2] = a[u];
		v[u * 2 + 1] = b[u];
	}
	assert_true(fabs(agree_alpha(v, 10, 2) - 0.095) < 0.0005);
}

/* The same paper, C: four observers, nominal values 1-5, missing data,
 * twelve units: alpha = 0.743. */
static void test_alpha_nominal_missing(void **state)
{
	static const int obs[4][12] = {
		{ 1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M },
		{ 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3 },
		{ M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M },
		{ 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M },
	};
	int v[48];
	size_t u, c;

	(void)state;
	for (u = 0; u < 12; u++)
		for (c = 0; c < 4; c++)
			v[u * 4 + c] = obs[c][u];
	assert_true(fabs(agree_alpha(v, 12, 4) - 0.743) < 0.0005);
}

static void test_alpha_no_variation(void **state)
{
	int v[6] = { 1, 1, 1, 1, M, 1 };

	(void)state;
	assert_true(isnan(agree_alpha(v, 3, 2)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kappa_yes_no),
		cmocka_unit_test(test_kappa_edges),
		cmocka_unit_test(test_alpha_binary),
		cmocka_unit_test(test_alpha_nominal_missing),
		cmocka_unit_test(test_alpha_no_variation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
