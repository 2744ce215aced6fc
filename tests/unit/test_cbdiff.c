/* test_cbdiff.c - fates of old categories (kept, renamed, merged, split,
 * removed), changes of new ones, and the report, on hand-built views of
 * the worked example's versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbdiff.h"
#include "error.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))


static const char *tid_inc[] = { "tid", "tidspres" };
static const char *sag_inc[] = { "sagsantal*" };
static const char *ts_inc[] = { "tid", "tidspres", "sagsantal*", "mange sager" };
static const char *ts_rep[] = { "tid", "sagsantal" };
static const char *vel_inc[] = { "motiveret", "arbejdsgiver*" };
static const char *vb_inc[] = { "motiveret" };
static const char *va_inc[] = { "arbejdsgiver*" };
static const char *vel_rep[] = { "velvilje" };
static const char *adm_inc[] = { "administration*" };
static const char *ret_inc[] = { "rettidig*" };
static const char *old_rep[] = { "old" };

static struct cbview_cat v1c[] = {
	{ "tid", "Manglende tid", NULL, NULL, tid_inc, NULL, NULL, 2, 0, 0 },
	{ "sagsantal", "Stort sagsantal", NULL, NULL, sag_inc, NULL, NULL, 1, 0, 0 },
	{ "velvilje", "Velvilje", NULL, NULL, vel_inc, NULL, NULL, 2, 0, 0 },
	{ "administration", "Administrativ byrde", NULL, NULL, adm_inc, NULL, NULL, 1, 0, 0 },
	{ "andet", "Andet", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
static struct cbview_cat v2c[] = {
	{ "tid_sagsantal", "Manglende tid og stort sagsantal", NULL, NULL, ts_inc, NULL, ts_rep, 4, 0, 2 },
	{ "velvilje", "Velvilje", NULL, NULL, vel_inc, NULL, NULL, 2, 0, 0 },
	{ "administration", "Større administrativ byrde", NULL, NULL, adm_inc, NULL, NULL, 1, 0, 0 },
	{ "rettidighed", "Rettidighed", NULL, NULL, ret_inc, NULL, NULL, 1, 0, 0 },
	{ "andet", "Andet", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};
static struct cbview_cat v3c[] = {
	{ "tid_sagsantal", "Manglende tid og stort sagsantal", NULL, NULL, ts_inc, NULL, ts_rep, 4, 0, 2 },
	{ "velvilje_borger", "Borger", NULL, NULL, vb_inc, NULL, vel_rep, 1, 0, 1 },
	{ "velvilje_arbejdsgiver", "Arbejdsgiver", NULL, NULL, va_inc, NULL, vel_rep, 1, 0, 1 },
	{ "administration", "Større administrativ byrde", NULL, NULL, adm_inc, NULL, NULL, 1, 0, 0 },
	{ "rettidighed", "Rettidighed", NULL, NULL, ret_inc, NULL, NULL, 1, 0, 0 },
	{ "andet", "Andet", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};

static struct cbview view(struct cbview_cat *c, size_t n, const char *version)
{
	struct cbview v = { "waves", version, c, n, NULL, 0 };

	return v;
}

static void test_v1_v2(void **state)
{
	struct cbview a = view(v1c, N(v1c), "1"), b = view(v2c, N(v2c), "2");
	struct cbdiff d;
	const char *to[4];
	enum cbdiff_fate_kind k;

	(void)state;
	assert_int_equal(cbdiff_compute(&a, &b, &d, NULL), 0);
	assert_int_equal(d.nadded, 1);
	assert_int_equal(d.nmerged, 1);
	assert_int_equal(d.nrelabelled, 1);
	assert_int_equal(d.nsplit, 0);
	assert_int_equal(d.nremoved, 0);
	assert_int_equal(cbdiff_map(&d, "tid", to, 4, &k), 1);
	assert_string_equal(to[0], "tid_sagsantal");
	assert_int_equal(k, CBDIFF_MERGED);
	assert_int_equal(cbdiff_map(&d, "administration", to, 4, &k), 1);
	assert_int_equal(k, CBDIFF_KEPT);
	assert_int_equal(cbdiff_map(&d, "nope", to, 4, &k), 0);
	assert_int_equal(k, CBDIFF_REMOVED);
	/* the merged category's patterns: "mange sager" is new */
	assert_int_equal(d.newcats[0].ninc_added, 1);
	assert_string_equal(d.newcats[0].inc_added[0], "mange sager");
	assert_int_equal(d.newcats[0].ninc_removed, 0);
	assert_false(cbdiff_empty(&d));
	cbdiff_release(&d);
}

static void test_v2_v3_and_v1_v3(void **state)
{
	struct cbview a = view(v2c, N(v2c), "2"), b = view(v3c, N(v3c), "3");
	struct cbview one = view(v1c, N(v1c), "1");
	struct cbdiff d;
	const char *to[4];
	enum cbdiff_fate_kind k;

	(void)state;
	assert_int_equal(cbdiff_compute(&a, &b, &d, NULL), 0);
	assert_int_equal(d.nsplit, 1);
	assert_int_equal(d.nmerged, 0);
	assert_int_equal(d.nadded, 0);
	assert_int_equal(cbdiff_map(&d, "velvilje", to, 4, &k), 2);
	assert_int_equal(k, CBDIFF_SPLIT);
	assert_string_equal(to[1], "velvilje_arbejdsgiver");
	/* tid_sagsantal still names tid and sagsantal, which v2 lacks: kept */
	assert_int_equal(cbdiff_map(&d, "tid_sagsantal", to, 4, &k), 1);
	assert_int_equal(k, CBDIFF_KEPT);
	cbdiff_release(&d);
	/* the kept lineage lets v1 migrate to v3 in one step */
	assert_int_equal(cbdiff_compute(&one, &b, &d, NULL), 0);
	assert_int_equal(cbdiff_map(&d, "sagsantal", to, 4, &k), 1);
	assert_int_equal(k, CBDIFF_MERGED);
	assert_int_equal(cbdiff_map(&d, "velvilje", to, 4, &k), 2);
	cbdiff_release(&d);
}

static void test_rename_remove_same(void **state)
{
	struct cbview_cat o[] = {
		{ "old", "Old", "n1", NULL, NULL, NULL, NULL, 0, 0, 0 },
		{ "gone", "Gone", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	};
	struct cbview_cat n[] = {
		{ "new", "Old", "n2", NULL, NULL, NULL, old_rep, 0, 0, 1 },
	};
	struct cbview a = view(o, 2, "1"), b = view(n, 1, "2"), c = view(o, 2, "1");
	struct cbdiff d;
	enum cbdiff_fate_kind k;
	const char *to[2];

	(void)state;
	assert_int_equal(cbdiff_compute(&a, &b, &d, NULL), 0);
	assert_int_equal(d.nrenamed, 1);
	assert_int_equal(d.nremoved, 1);
	assert_int_equal(d.nnet_changed, 1);
	assert_int_equal(d.nrelabelled, 0);
	assert_int_equal(cbdiff_map(&d, "old", to, 2, &k), 1);
	assert_int_equal(k, CBDIFF_RENAMED);
	cbdiff_release(&d);
	assert_int_equal(cbdiff_compute(&a, &c, &d, NULL), 0);
	assert_true(cbdiff_empty(&d));
	cbdiff_release(&d);
	b.id = "other";
	assert_int_equal(cbdiff_compute(&a, &b, &d, NULL), KERR_SCHEMA);
}

static void test_report(void **state)
{
	struct cbview a = view(v1c, N(v1c), "1"), b = view(v3c, N(v3c), "3");
	struct cbdiff d;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(cbdiff_compute(&a, &b, &d, NULL), 0);
	assert_int_equal(cbdiff_write_text(&d, fp, NULL), 0);
	fclose(fp);
	assert_string_equal(text,
		"Codebook waves: version 1 -> 3, 5 -> 6 categories\n"
		"\nAdded (1):\n  + rettidighed \"Rettidighed\"  patterns: \"rettidig*\"\n"
		"\nMerged (1):\n  tid + sagsantal -> tid_sagsantal \"Manglende tid og stort sagsantal\"\n"
		"\nSplit (1):\n  velvilje -> velvilje_borger + velvilje_arbejdsgiver"
		"  (decisions coded with it need review)\n"
		"\nRelabelled (1):\n  administration: \"Administrativ byrde\" -> \"Større administrativ byrde\"\n"
		"\nPatterns changed (3):\n  tid_sagsantal: +\"mange sager\"\n"
		"  velvilje_borger: -\"arbejdsgiver*\"\n  velvilje_arbejdsgiver: -\"motiveret\"\n");
	free(text);
	cbdiff_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_v2),
		cmocka_unit_test(test_v2_v3_and_v1_v3),
		cmocka_unit_test(test_rename_remove_same),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
