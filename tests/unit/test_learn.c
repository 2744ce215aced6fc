/* test_learn.c - phrases proposed from overrides, with honest fix/break
 * counts; no proposal from too little evidence; function words never
 * begin or end a phrase. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "error.h"
#include "learn.h"

/* category 0 = afstand, 1 = velvilje */
static const struct {
	const char *text;
	unsigned char coder[2], rules[2];
} answers[] = {
	{ "Lang køretid til virksomhederne", { 1, 0 }, { 0, 0 } },
	{ "Køretiden ud til arbejdspladsen er for lang", { 1, 0 }, { 0, 0 } },
	{ "KORETID på over en time", { 1, 0 }, { 0, 0 } },
	{ "Lang afstand", { 1, 0 }, { 1, 0 } },
	{ "Lang ventetid på lægepapirer", { 0, 0 }, { 0, 0 } },
	{ "Arbejdsgiveren er positiv, men der er lang køretid", { 1, 0 }, { 0, 1 } },
	{ "Arbejdsgiverne er positive, men vi har travlt", { 0, 0 }, { 0, 1 } },
	{ "Arbejdsgiveren vil ikke", { 0, 1 }, { 0, 1 } },
};

static void test_propose(void **state)
{
	struct learn_set *s;
	const struct learn_proposal *p;
	size_t n, i, added, removed;
	int inc = 0, exc = 0;

	(void)state;
	assert_int_equal(learn_new(&s, 2, NULL), 0);
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		assert_int_equal(learn_add(s, answers[i].text, answers[i].coder,
			answers[i].rules, NULL), 0);
	learn_overrides(s, 0, &added, &removed);
	assert_int_equal(added, 4);
	assert_int_equal(removed, 0);
	assert_int_equal(learn_propose(s, 2, 3, 0, &p, &n, NULL), 0);
	for (i = 0; i < n; i++) {
		if (p[i].cat == 0 && !p[i].exclude && !inc++) {
			/* "køretid*" fixes 4 (KORETID folds to the same key,
			 * køretiden is an inflection) and breaks none; "lang"
			 * would break the ventetid answer */
			assert_string_equal(p[i].pattern, "køretid*");
			assert_int_equal(p[i].fixes, 4);
			assert_int_equal(p[i].breaks, 0);
		}
		if (p[i].cat == 1 && p[i].exclude && !exc++) {
			/* both positive answers were removed by coders */
			assert_int_equal(p[i].fixes, 2);
			assert_int_equal(p[i].breaks, 0);
		}
		print_message("%zu %d %s +%zu -%zu\n", p[i].cat, p[i].exclude, p[i].pattern,
			p[i].fixes, p[i].breaks);
		assert_true(strncmp(p[i].pattern, "er ", 3));
		assert_true(p[i].fixes > p[i].breaks);
		assert_true(p[i].fixes >= 2);
	}
	assert_int_equal(inc >= 1, 1);
	assert_int_equal(exc >= 1, 1);
	/* nothing fixes 5 answers */
	assert_int_equal(learn_propose(s, 5, 3, 0, &p, &n, NULL), 0);
	assert_int_equal(n, 0);
	learn_free(s);
}

static void add(struct learn_set *s, const char *text, int coder, int rules)
{
	unsigned char c[1] = { (unsigned char)coder }, r[1] = { (unsigned char)rules };

	assert_int_equal(learn_add(s, text, c, r, NULL), 0);
}

/* The proposal for category `cat` and kind `exclude` whose pattern starts
 * with `prefix` ("tidspre" finds tidspres and tidspre*), or NULL. */
static const struct learn_proposal *find(const struct learn_proposal *p, size_t n,
	size_t cat, int exclude, const char *prefix)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].cat == cat && p[i].exclude == exclude
			&& !strncmp(p[i].pattern, prefix, strlen(prefix)))
			return &p[i];
	return NULL;
}

static const char *const pressed[] = {
	"tidspres hver dag", "meget tidspres", "tidspres igen og igen", "vi har tidspres",
	"tidspres på afdelingen", "for meget tidspres i perioder",
};

static void filler(struct learn_set *s, size_t n)
{
	static const char *const other[] = { "noget helt andet", "det ved jeg snart",
		"godt vejr i dag", "kaffen er kold" };
	size_t i;

	for (i = 0; i < n; i++)
		add(s, other[i % 4], 0, 0);
}

/* Held-out folds: a phrase with support in several answers stays, with its
 * held-out counts; a phrase read from one answer only fits that answer and
 * is no longer proposed (without folds it is). */
static void test_heldout(void **state)
{
	struct learn_set *s;
	const struct learn_proposal *p, *q;
	size_t n, i, rejected, undo;

	(void)state;
	assert_int_equal(learn_new(&s, 1, NULL), 0);
	for (i = 0; i < 6; i++)
		add(s, pressed[i], 1, 0);
	add(s, "kantinen lukker", 1, 0);
	add(s, "kantinen er dyr", 1, 0);
	add(s, "frokostpausen", 1, 0);
	filler(s, 20);
	assert_int_equal(learn_propose(s, 1, 10, 0, &p, &n, NULL), 0);
	assert_non_null(find(p, n, 0, 0, "frokost"));
	assert_int_equal(learn_propose(s, 1, 10, 5, &p, &n, NULL), 0);
	/* one answer: left out of its fold, nothing else teaches it */
	assert_null(find(p, n, 0, 0, "frokost"));
	/* two answers, dealt into different folds: each one left out is
	 * fixed by what the other taught */
	q = find(p, n, 0, 0, "kantin");
	assert_non_null(q);
	assert_int_equal(q->held_fixes, 2);
	assert_int_equal(q->held_breaks, 0);
	q = find(p, n, 0, 0, "tidspre");
	assert_non_null(q);
	assert_int_equal(q->fixes, 6);
	assert_int_equal(q->held_fixes, 6);
	assert_int_equal(q->folds, 5);
	learn_left_out(s, &rejected, &undo);
	assert_true(rejected >= 1);
	assert_int_equal(undo, 0);
	for (i = 0; i < n; i++)
		assert_true(p[i].held_fixes > p[i].held_breaks);
	learn_free(s);

	/* A word that breaks elsewhere: "møde" fixes three answers and is in
	 * one the coders left uncoded (fixes 3 > 2 x 1 on all answers, so it is
	 * a candidate) and two more the rules and coders both coded.  Held out
	 * it fixes 3 and breaks 1: kept, with those figures.  With a second
	 * uncoded "møde" answer it is turned down on all answers already. */
	assert_int_equal(learn_new(&s, 1, NULL), 0);
	add(s, "et møde hver uge", 1, 0);
	add(s, "for mange møder", 1, 0);
	add(s, "møde efter møde", 1, 0);
	add(s, "godt møde i går", 0, 0);
	filler(s, 20);
	assert_int_equal(learn_propose(s, 1, 10, 5, &p, &n, NULL), 0);
	q = find(p, n, 0, 0, "møde");
	assert_non_null(q);
	assert_int_equal(q->fixes, 3);
	assert_int_equal(q->breaks, 1);
	assert_int_equal(q->held_fixes, 3);
	assert_int_equal(q->held_breaks, 1);
	learn_free(s);
}

/* Category 1 (ventetid) was carved out of category 0 (andet) in this
 * version.  Old habits still code some of its answers andet: the rules say
 * ventetid, the coder said andet, so an exclusion on ventetid and an
 * include on andet would "fix" them.  Declared carved, neither is
 * proposed; a change on another category still is. */
static void fill_carved(struct learn_set *s)
{
	static const unsigned char andet_only[3] = { 1, 0, 0 }, vent[3] = { 0, 1, 0 };
	static const unsigned char tid[3] = { 0, 0, 1 }, none[3] = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < 6; i++) {
		assert_int_equal(learn_add(s, pressed[i], tid, none, NULL), 0);
		assert_int_equal(learn_add(s, i % 2 ? "lang ventetid på svar"
			: "ventetiden er for lang", andet_only, vent, NULL), 0);
	}
	for (i = 0; i < 12; i++)
		assert_int_equal(learn_add(s, i % 2 ? "noget helt andet" : "kaffen er kold",
			none, none, NULL), 0);
}

static void test_carved(void **state)
{
	struct learn_set *s;
	const struct learn_proposal *p;
	size_t n, i, rejected, undo;

	(void)state;
	assert_int_equal(learn_new(&s, 3, NULL), 0);
	assert_int_equal(learn_carved(s, 1, 1, NULL), KERR_INVALID);
	assert_int_equal(learn_carved(s, 1, 7, NULL), KERR_INVALID);
	fill_carved(s);
	/* without the declaration the undoing changes are proposed */
	assert_int_equal(learn_propose(s, 2, 5, 5, &p, &n, NULL), 0);
	assert_non_null(find(p, n, 1, 1, "lang"));
	assert_non_null(find(p, n, 0, 0, "lang"));
	learn_free(s);

	assert_int_equal(learn_new(&s, 3, NULL), 0);
	assert_int_equal(learn_carved(s, 1, 0, NULL), 0);
	fill_carved(s);
	assert_int_equal(learn_propose(s, 2, 5, 5, &p, &n, NULL), 0);
	for (i = 0; i < n; i++) {
		assert_false(p[i].cat == 1 && p[i].exclude);
		assert_false(p[i].cat == 0 && !p[i].exclude);
	}
	assert_non_null(find(p, n, 2, 0, "tidspre"));
	learn_left_out(s, &rejected, &undo);
	assert_true(undo >= 2);
	learn_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_propose),
		cmocka_unit_test(test_heldout),
		cmocka_unit_test(test_carved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
