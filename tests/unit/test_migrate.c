/* test_migrate.c - decisions carried through renames and merges, flagged
 * (and left alone) on splits and removals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cbdiff.h"
#include "codebook.h"
#include "error.h"
#include "migrate.h"
#include "store.h"

#include <unistd.h>

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

/* What a flagged decision keeps of its own: carried and split parts. */
static void test_parts(void **state)
{
	struct migrate_item m = MIGRATE_ITEM_INIT;

	(void)state;
	assert_int_equal(migrate_codes(&d, "adm;velvilje;gone;afstand", &m, NULL), 0);
	assert_int_equal(m.status, MIGRATE_REVIEW);
	assert_string_equal(m.codes, "adm;velvilje;gone;afstand");
	/* renamed carried, kept kept, removed dropped; the split left open */
	assert_string_equal(m.carried, "afstand;administration");
	assert_string_equal(m.split, "velvilje_borger;velvilje_ag");
	migrate_item_release(&m);
	assert_int_equal(migrate_codes(&d, "tid;sagsantal", &m, NULL), 0);
	assert_string_equal(m.carried, m.codes);
	assert_string_equal(m.split, "");
	migrate_item_release(&m);
}

static void interim(const char *carried, const char *split, const char *added,
	const char *rules, const char *want, size_t want_unsettled)
{
	struct buf b = BUF_INIT;
	size_t unsettled = 0;

	assert_int_equal(migrate_interim(carried, split, added, rules, &b, &unsettled), 0);
	assert_string_equal(b.data, want);
	assert_int_equal(unsettled, want_unsettled);
	buf_release(&b);
}

/* The user acceptance test's R051: hjaelpemidler;sundhed, sundhed split
 * into psykisk and fysisk.  The rules' dialog_ag must not come in. */
static void test_interim(void **state)
{
	(void)state;
	interim("hjaelpemidler", "psykisk;fysisk", "", "dialog_ag;hjaelpemidler;fysisk",
		"hjaelpemidler;fysisk", 0);
	/* the rules drop one of the coder's codes: it stays */
	interim("hjaelpemidler", "psykisk;fysisk", "", "psykisk", "hjaelpemidler;psykisk", 0);
	/* none of the parts: counted under none of them, and said */
	interim("hjaelpemidler", "psykisk;fysisk", "", "andet", "hjaelpemidler", 1);
	interim("", "psykisk;fysisk|a1;a2", NULL, "a2", "a2", 1);
	interim("", "psykisk;fysisk", "", NULL, "", 1);
	/* an added category the rules find comes in; andet, the residual,
	 * gives way to it, and stays when the rules find none */
	interim("andet", "", "regler;it", "regler", "regler", 0);
	interim("andet", "", "regler", "viden", "andet", 0);
	interim("viden", "", "regler", "regler;viden", "viden;regler", 0);
	interim("ingen_svar", "", "", "andet", "ingen_svar", 0);
}

static const char new_json[] =
	"{\"id\": \"cb\", \"version\": 2, \"title\": \"t\", \"categories\": ["
	"{\"id\": \"tid_sagsantal\", \"label\": \"Tid\", \"replaces\": [\"tid\", \"sagsantal\"],"
	" \"include\": [\"tid\"]},"
	"{\"id\": \"velvilje_borger\", \"label\": \"B\", \"replaces\": [\"velvilje\"], \"include\": [\"borger\"]},"
	"{\"id\": \"velvilje_ag\", \"label\": \"A\", \"replaces\": [\"velvilje\"], \"include\": [\"arbejdsgiver\"]},"
	"{\"id\": \"afstand\", \"label\": \"Afstand\", \"include\": [\"afstand\"]}]}";

static long long answer(struct store *s, const char *resp, const char *text)
{
	struct store_answer a = { 0, "q", "cb", "Nulpunkt", "Leder", resp, text, NULL, 0 };
	long long id;

	assert_int_equal(store_add_answer(s, &a, &id, NULL, NULL), 0);
	return id;
}

static void decide(struct store *s, long long id, const char *coder, const char *version,
	const char *codes)
{
	struct store_decision d;

	memset(&d, 0, sizeof(d));
	d.answer_id = id;
	d.coder = coder;
	d.codebook_id = "cb";
	d.codebook_version = version;
	d.codes = codes;
	d.action = "import";
	assert_int_equal(store_add_decision(s, &d, NULL, NULL), 0);
}

static int count_history(void *ctx, const struct store_decision *d)
{
	(*(int *)ctx)++;
	(void)d;
	return 0;
}

static void test_store(void **state)
{
	char dir[] = "/tmp/koder-migrate-XXXXXX", path[64];
	struct store *s;
	struct codebook *cb;
	struct migrate_plan p;
	struct store_decision d;
	long long a1, a2, a3, a4;
	int rows = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.db", dir);
	assert_int_equal(codebook_parse(new_json, strlen(new_json), "new.json", &cb, NULL), 0);
	assert_int_equal(store_open(&s, path, STORE_CREATE, NULL), 0);
	a1 = answer(s, "N1", "for lidt tid");
	a2 = answer(s, "N2", "borgeren vil ikke");
	a3 = answer(s, "N3", "lang afstand");
	a4 = answer(s, "N4", "for mange sager");
	decide(s, a1, "anna", "1", "tid");
	decide(s, a2, "anna", "1", "velvilje");
	decide(s, a3, "anna", "1", "afstand");
	decide(s, a4, "anna", "2", "tid_sagsantal");
	decide(s, a1, "bo", "1", "sagsantal;tid");

	assert_int_equal(migrate_plan_build(s, cb, NULL, 0, NULL, &p, NULL), 0);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.current, 1);
	assert_int_equal(p.same, 1);
	assert_int_equal(p.changed, 2);
	assert_int_equal(p.review, 1);
	assert_int_equal(store_begin(s, NULL), 0);
	assert_int_equal(migrate_plan_apply(s, &p, NULL), 0);
	assert_int_equal(store_commit(s, NULL), 0);
	migrate_plan_release(&p);

	/* carried: a new decision under version 2, history kept */
	assert_int_equal(store_latest(s, a1, "bo", &d, NULL), 0);
	assert_string_equal(d.codes, "tid_sagsantal");
	assert_string_equal(d.codebook_version, "2");
	assert_string_equal(d.action, "migrate");
	assert_non_null(strstr(d.note, "migrated from version 1"));
	store_decision_release(&d);
	/* flagged: left exactly as it was */
	assert_int_equal(store_latest(s, a2, "anna", &d, NULL), 0);
	assert_string_equal(d.codes, "velvilje");
	assert_string_equal(d.codebook_version, "1");
	store_decision_release(&d);
	assert_int_equal(store_history(s, 0, count_history, &rows, NULL), 0);
	assert_int_equal(rows, 5 + 3);

	/* a second run finds nothing more to carry */
	assert_int_equal(migrate_plan_build(s, cb, NULL, 0, NULL, &p, NULL), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.review, 1);
	migrate_plan_release(&p);
	store_close(s);
	codebook_free(cb);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* A category added in the new version: every decision on the residual andet
 * is flagged (andet covered the new category until then), and every other
 * whose answer the new rules code to it, and which lacks it; without the old
 * version nothing is (unused ids would all look added). */
static const char v1_json[] =
	"{\"id\": \"cb\", \"version\": 1, \"title\": \"t\", \"categories\": ["
	"{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"tid\"]},"
	"{\"id\": \"andet\", \"label\": \"Andet\"}]}";
static const char v2_json[] =
	"{\"id\": \"cb\", \"version\": 2, \"title\": \"t\", \"categories\": ["
	"{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"tid\"]},"
	"{\"id\": \"regler\", \"label\": \"Regler\", \"include\": [\"regler\"]},"
	"{\"id\": \"andet\", \"label\": \"Andet\"}]}";

static long long ids_rules[4];
static const char *const rules_codes[4] = { "regler", "andet", "tid;regler", "regler" };

static const char *recoded(void *ctx, long long id)
{
	(void)ctx;
	for (int i = 0; i < 4; i++)
		if (ids_rules[i] == id)
			return rules_codes[i];
	return NULL;
}

static void test_added(void **state)
{
	char dir[] = "/tmp/koder-migrate-XXXXXX", path[64];
	struct store *s;
	struct codebook *v1, *v2;
	struct migrate_plan p;
	const struct codebook *from[1];
	size_t i, flagged = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.db", dir);
	assert_int_equal(codebook_parse(v1_json, strlen(v1_json), "v1.json", &v1, NULL), 0);
	assert_int_equal(codebook_parse(v2_json, strlen(v2_json), "v2.json", &v2, NULL), 0);
	from[0] = v1;
	assert_int_equal(store_open(&s, path, STORE_CREATE, NULL), 0);
	ids_rules[0] = answer(s, "N1", "for mange regler");
	ids_rules[1] = answer(s, "N2", "noget helt andet");
	ids_rules[2] = answer(s, "N3", "ingen tid og mange regler");
	ids_rules[3] = answer(s, "N4", "regler");
	decide(s, ids_rules[0], "anna", "1", "andet");
	decide(s, ids_rules[1], "anna", "1", "andet");
	decide(s, ids_rules[2], "anna", "1", "tid");
	decide(s, ids_rules[3], "anna", "2", "regler");   /* already at version 2 */

	/* version 2 added regler, which andet covered: both andet decisions
	 * (N1 and N2, whatever the rules find) are flagged at once */
	assert_int_equal(migrate_plan_build(s, v2, from, 1, NULL, &p, NULL), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.same, 1);
	assert_int_equal(p.review, 2);
	assert_int_equal(p.flagged_residual, 2);
	/* and N3, coded tid, whose answer the rules code regler */
	assert_int_equal(migrate_plan_flag_added(&p, recoded, NULL, NULL), 0);
	assert_int_equal(p.review, 3);
	assert_int_equal(p.same, 0);
	assert_int_equal(p.flagged_added, 1);
	for (i = 0; i < p.n; i++) {
		const struct migrate_entry *m = &p.entries[i];

		assert_int_equal(m->item.status, MIGRATE_REVIEW);
		flagged++;
		assert_string_equal(m->item.codes, m->old_codes);
		assert_non_null(strstr(m->item.why, "version 2 added regler"));
		assert_true(!strstr(m->item.why, "residual") == (m->answer_id == ids_rules[2]));
	}
	assert_int_equal(flagged, 3);

	/* without the old version: nothing to say what was added ... */
	{
		struct migrate_plan q;

		assert_int_equal(migrate_plan_build(s, v2, NULL, 0, NULL, &q, NULL), 0);
		assert_int_equal(migrate_plan_flag_added(&q, recoded, NULL, NULL), 0);
		assert_int_equal(q.review, 0);
		migrate_plan_release(&q);
	}
	/* ... until a migration recorded it: a later run without the old file
	 * flags what the first one flagged, and carries none of it */
	assert_int_equal(store_begin(s, NULL), 0);
	assert_int_equal(migrate_plan_apply(s, &p, NULL), 0);
	assert_int_equal(store_commit(s, NULL), 0);
	migrate_plan_release(&p);
	assert_int_equal(migrate_plan_build(s, v2, NULL, 0, NULL, &p, NULL), 0);
	assert_int_equal(p.flagged_residual, 2);
	assert_int_equal(migrate_plan_flag_added(&p, recoded, NULL, NULL), 0);
	assert_int_equal(p.review, 3);
	assert_int_equal(p.same + p.changed, 0);
	migrate_plan_release(&p);
	store_close(s);
	codebook_free(v1);
	codebook_free(v2);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carry),
		cmocka_unit_test(test_review),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_interim),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_added),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
