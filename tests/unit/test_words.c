/* test_words.c - terms are counted once per answer by stem, with the form
 * written most often; keyness ranks what the group says more; a survey with
 * more different terms than the table keeps forgets the rarest (memory stays
 * flat) while the common terms are counted exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "words.h"

static const struct words_term *find(const struct words_term *t, size_t n, const char *term)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].term, term))
			return &t[i];
	return NULL;
}

static void test_counts(void **state)
{
	struct words_opts o = { .max_n = 2 };
	struct words *w;
	const struct words_term *t, *x;
	struct kerr e;
	size_t n;

	(void)state;
	assert_int_equal(words_new(&o, &w, &e), 0);
	/* "parkering" twice in one answer counts once */
	assert_int_equal(words_add(w, "parkering og parkering", 22, 1, &e), 0);
	assert_int_equal(words_add(w, "Parkeringen koster", 18, 1, &e), 0);
	assert_int_equal(words_add(w, "lang vej", 8, 0, &e), 0);
	t = words_top(w, 0, 1, 100, &n);
	assert_non_null(x = find(t, n, "parkering"));
	assert_int_equal(x->df[1], 2);
	assert_null(find(t, n, "og"));   /* an everyday word alone */
	t = words_top(w, 1, 1, 100, &n);
	assert_non_null(t);
	assert_string_equal(t[0].term, "parkering");
	assert_null(find(t, n, "lang"));  /* the rest says it, not the group */
	words_free(w);
}

static void test_flat(void **state)
{
	struct words_opts o = { .max_n = 1 };
	struct words *w;
	const struct words_term *t, *x;
	struct kerr e;
	char text[64];
	size_t i, n, N = 300000;

	(void)state;
	assert_int_equal(words_new(&o, &w, &e), 0);
	for (i = 0; i < N; i++) {
		int l = snprintf(text, sizeof text, "parkering q%zu", i);

		assert_int_equal(words_add(w, text, (size_t)l, 1, &e), 0);
	}
	t = words_top(w, 0, 1, (size_t)-1, &n);
	assert_non_null(x = find(t, n, "parkering"));
	assert_int_equal(x->df[1], N);
	/* the 300,000 words said once were not all kept: at most 65,536 terms */
	assert_true(n < 70000);
	words_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_flat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
