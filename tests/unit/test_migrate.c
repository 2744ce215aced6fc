/* test_migrate.c - decisions carried through renames and merges, flagged
 * (and left alone) on splits and removals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cbdiff.h"
#include "migrate.h"

static const char *merge_rep[] = { "tid", "sagsantal" };
static const char *split_rep[] = { "velvilje" };
static const char *ren_rep[] = { "adm" };

static struct cbview_cat oldc[] = {
	{ "tid", "Tid", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "sagsantal", "Sagsantal", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "velvilje", "Velvilje", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "adm", "Administration", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "afstand", "Afstand", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "gone", "Gone", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
static struct cbview_cat newc[] = {
	{ "afstand", "Afstand", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "tid_sagsantal", "Tid og sagsantal", NULL, NULL, NULL, NULL, merge_rep, 0, 0, 2 },
	{ "velvilje_borger", "Borger", NULL, NULL, NULL, NULL, split_rep, 0, 0, 1 },
	{ "velvilje_ag", "Arbejdsgiver", NULL, NULL, NULL, NULL, split_rep, 0, 0, 1 },
	{ "administration", "Administration", NULL, NULL, NULL, NULL, ren_rep, 0, 0, 1 },
};

static struct cbdiff d;
static struct cbview ov = { "cb", "1", oldc, 6, NULL, 0 }, nv = { "cb", "2", newc, 5, NULL, 0 };

static int setup(void **state)
{
	(void)state;
	return cbdiff_compute(&ov, &nv, &d, NULL);
}

static int teardown(void **state)
{
	(void)state;
	cbdiff_release(&d);
	return 0;
}

static void check(const char *codes, enum migrate_status st, const char *want, const char *why)
{
	struct migrate_item m = MIGRATE_ITEM_INIT;

	assert_int_equal(migrate_codes(&d, codes, &m, NULL), 0);
	assert_int_equal(m.status, st);
	assert_string_equal(m.codes, want);
	if (why)
		assert_string_equal(m.why, why);
	else
		assert_null(m.why);
	migrate_item_release(&m);
}

static void test_carry(void **state)
{
	(void)state;
	check("afstand", MIGRATE_SAME, "afstand", NULL);
	check("ingen_svar", MIGRATE_SAME, "ingen_svar", NULL);
	/* both halves of a merge become one code, in the new codebook's order */
	check("tid;sagsantal;afstand", MIGRATE_CHANGED, "afstand;tid_sagsantal",
		"tid -> tid_sagsantal; sagsantal -> tid_sagsantal");
	check("adm", MIGRATE_CHANGED, "administration", "adm -> administration");
	check("", MIGRATE_SAME, "", NULL);
}

static void test_review(void **state)
{
	(void)state;
	check("tid;velvilje", MIGRATE_REVIEW, "tid;velvilje",
		"tid -> tid_sagsantal; velvilje was split into velvilje_borger, velvilje_ag");
	check("gone", MIGRATE_REVIEW, "gone", "gone was removed");
	check("typo", MIGRATE_REVIEW, "typo", "typo is not a category of the old version");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carry),
		cmocka_unit_test(test_review),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
