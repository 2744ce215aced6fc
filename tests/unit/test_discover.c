/* test_discover.c - two planted themes among unexplained answers come out
 * as two candidates with the theme's stem as a pattern; the context answers
 * are not grouped; the same seed gives the same candidates; æ ø å fold
 * ("knaeet" and "knæet" are one word); a flood of words said once (more
 * than the feature table keeps) is forgotten and the themes stay; the
 * second look (discover_match) puts each answer with its theme; without
 * a number of groups asked for, the agglomeration finds the two themes,
 * whatever the seed (a few hundred answers are all grouped: the seed only
 * samples a larger set), and a set that says one thing alone is one
 * candidate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "discover.h"
#include "error.h"

static const char *const parking[] = {
	"Der er ingen parkering ved virksomheden", "Svært at finde parkering i byen",
	"Parkeringen koster en formue", "Manglende parkering ved arbejdspladsen",
	"parkering er et problem hver gang", "Vi leder efter parkering i en halv time",
};
static const char *const knee[] = {
	"Jeg fik et nyt knæ i marts", "ondt i knaeet", "Knæet er hævet efter operationen",
	"slid i knæet efter mange år", "knæskade fra fodbold", "Knæet gør ondt på trapper",
};

/* 1 if one of c's patterns begins with p (the stemmer leaves "knæet"
 * whole: its R1 is empty) */
static int has_pattern(const struct discover_cand *c, const char *p)
{
	size_t i;

	for (i = 0; i < c->ninclude; i++)
		if (!strncmp(c->include[i], p, strlen(p)))
			return 1;
	return 0;
}

static struct discover *build_k(unsigned long seed, size_t k, size_t flood, int knees)
{
	struct discover_opts o = { .seed = seed, .k = k };
	struct discover *d;
	struct kerr e;
	size_t i;

	kerr_clear(&e);
	assert_int_equal(discover_new(&o, &d, &e), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(discover_add(d, parking[i], strlen(parking[i]), 1, &e), 0);
		if (knees)
			assert_int_equal(discover_add(d, knee[i], strlen(knee[i]), 1, &e), 0);
		else if (i < 2)   /* a word in every answer tells none apart */
			assert_int_equal(discover_add(d, i ? "Vejret" : "Kaffen er kold",
						      i ? 6 : 14, 1, &e), 0);
		/* context: taught, never grouped */
		assert_int_equal(discover_add(d, "For mange sager", 15, 0, &e), 0);
	}
	/* context answers of two words no other answer says: 2 * flood
	 * features, more than the table keeps, so the rarest are forgotten */
	for (i = 0; i < flood; i++) {
		char w[32];
		size_t x = i, k;

		memcpy(w, "qx", 2);
		for (k = 2; k < 7; k++, x /= 26)
			w[k] = (char)('a' + x % 26);
		w[7] = ' ';
		memcpy(w + 8, w, 7);
		w[8] = 'z';
		assert_int_equal(discover_add(d, w, 15, 0, &e), 0);
	}
	assert_int_equal(discover_run(d, &e), 0);
	return d;
}

static struct discover *build_flood(unsigned long seed, size_t flood)
{
	return build_k(seed, 2, flood, 1);
}

static struct discover *build(unsigned long seed)
{
	return build_flood(seed, 0);
}

/* The twelve answers' two planted themes, one candidate each. */
static void assert_two_themes(const struct discover *d)
{
	const struct discover_cand *a, *b;

	assert_int_equal(discover_nanswers(d), 12);
	assert_int_equal(discover_ncands(d), 2);
	a = discover_cand(d, 0);
	b = discover_cand(d, 1);
	assert_true((has_pattern(a, "parkering*") && has_pattern(b, "knæ"))
		    || (has_pattern(a, "knæ") && has_pattern(b, "parkering*")));
}

/* The twelve answers once more (discover_match): each parking answer goes
 * to the parking candidate, each knee answer to the other; returns how
 * many the candidates' patterns match in all. */
static size_t match_all(struct discover *d)
{
	struct kerr e;
	size_t i, seen = 0, own = 0, pk = has_pattern(discover_cand(d, 0), "parkering*") ? 0 : 1;

	kerr_clear(&e);
	for (i = 0; i < 6; i++) {
		struct discover_match m;

		assert_int_equal(discover_match(d, parking[i], strlen(parking[i]), &m, &e), 0);
		assert_true(m.own == pk || m.own == SIZE_MAX);   /* none: no word to group by */
		assert_true(m.own == SIZE_MAX || m.sim > 0);
		assert_false(m.match[1 - pk]);
		seen += m.match[pk];
		own += m.own == pk;
		assert_int_equal(discover_match(d, knee[i], strlen(knee[i]), &m, &e), 0);
		assert_true(m.own == 1 - pk || m.own == SIZE_MAX);
		assert_false(m.match[pk]);
		seen += m.match[1 - pk];
		own += m.own == 1 - pk;
	}
	assert_true(own >= 8);
	/* the counts are discover_match's now */
	assert_int_equal(discover_cand(d, 0)->nmembers + discover_cand(d, 1)->nmembers, seen);
	return seen;
}

static void test_themes(void **state)
{
	struct discover *d = build(1), *d2 = build(1);
	size_t i, seen;
	struct kerr e;

	(void)state;
	assert_two_themes(d);
	seen = match_all(d);
	/* a candidate's answers are those its patterns match: most of them */
	assert_true(seen >= 8 && seen <= 12);
	assert_int_equal(match_all(d2), seen);
	/* the same seed: the same candidates, in the same order */
	for (i = 0; i < 2; i++) {
		const struct discover_cand *x = discover_cand(d, i), *y = discover_cand(d2, i);

		assert_string_equal(x->id, y->id);
		assert_int_equal(x->nmembers, y->nmembers);
		assert_int_equal(x->terms[0].in, y->terms[0].in);
	}
	/* nothing is added after the grouping */
	kerr_clear(&e);
	assert_int_equal(discover_add(d, "parkering", 9, 1, &e), KERR_INVALID);
	assert_null(discover_cand(d, 2));
	discover_free(d);
	discover_free(d2);
}

/* 80,000 answers of new words: the table forgets them, the themes stay */
static void test_flood(void **state)
{
	struct discover *d = build_flood(1, 80000);

	(void)state;
	assert_two_themes(d);
	discover_free(d);
}

/* No number of groups asked for: the two themes, the same for any seed;
 * one asked for: the one biggest */
static void test_agglomerate(void **state)
{
	struct discover *d = build_k(1, 0, 0, 1), *d2 = build_k(7, 0, 0, 1);
	size_t i;

	(void)state;
	assert_two_themes(d);
	assert_two_themes(d2);
	for (i = 0; i < 2; i++) {
		const struct discover_cand *x = discover_cand(d, i), *y = discover_cand(d2, i);

		assert_string_equal(x->id, y->id);
		assert_int_equal(x->nmembers, y->nmembers);
		assert_int_equal(x->ninclude, y->ninclude);
		assert_string_equal(x->include[0], y->include[0]);
	}
	discover_free(d);
	discover_free(d2);
	/* one group asked for: the biggest, not one of all twelve */
	d = build_k(1, 1, 0, 1);
	assert_int_equal(discover_ncands(d), 1);
	assert_true(has_pattern(discover_cand(d, 0), "parkering*")
		    || has_pattern(discover_cand(d, 0), "knæ"));
	assert_false(has_pattern(discover_cand(d, 0), "parkering*")
		     && has_pattern(discover_cand(d, 0), "knæ"));
	discover_free(d);
}

/* Six answers that say one thing and two odd ones out: one candidate,
 * though no answer outside it is there to tell its words from */
static void test_one_theme(void **state)
{
	struct discover *d = build_k(1, 0, 0, 0);

	(void)state;
	assert_int_equal(discover_nanswers(d), 8);
	assert_int_equal(discover_ncands(d), 1);
	assert_true(has_pattern(discover_cand(d, 0), "parkering*"));
	discover_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_themes),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_agglomerate),
		cmocka_unit_test(test_one_theme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
