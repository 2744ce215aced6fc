/* test_distance.c - the one edit distance behind every "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "distance.h"
#include "jsonin.h"

static size_t d(const char *a, const char *b)
{
	return distance_edit(a, strlen(a), b, strlen(b));
}

static void test_edits(void **state)
{
	(void)state;
	assert_int_equal(d("", ""), 0);
	assert_int_equal(d("tid", "tid"), 0);
	assert_int_equal(d("", "abc"), 3);
	assert_int_equal(d("abc", ""), 3);
	assert_int_equal(d("kitten", "sitting"), 3);
	assert_int_equal(d("tdi", "tid"), 1);        /* an adjacent swap is one edit */
	assert_int_equal(d("ca", "abc"), 3);         /* OSA, not full Damerau */
	assert_int_equal(d("afstand", "afsand"), 1);
	/* long labels (beyond any fixed table) still measured */
	assert_int_equal(d("Manglende ressourcer til opfølgning og dokumentation",
		"Manglende ressourcer til opfolgning og dokumentation"), 2);
}

static void test_nearest(void **state)
{
	static const char *const keys[] = { "survey", "questions", "codebook", NULL };

	(void)state;
	assert_string_equal(jsonin_nearest("survy", keys), "survey");
	assert_string_equal(jsonin_nearest("qeustions", keys), "questions");
	assert_null(jsonin_nearest("zzzzzz", keys));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_nearest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
