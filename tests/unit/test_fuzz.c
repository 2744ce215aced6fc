/*
 * test_fuzz.c - replay the fuzzers' seed corpora and every saved crash
 * (tests/fuzz/corpus/NAME/, tests/fuzz/regress/NAME/) through the fuzz
 * targets in the ordinary suite, so a crash found once by `make fuzz` stays
 * fixed in every build (gcc, ASan, valgrind) without clang's libFuzzer.
 * Each target is included with its entry point renamed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ENTRY fuzz_csv_one
#include "../fuzz/fuzz_csv.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_pii_one
#include "../fuzz/fuzz_pii.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_normalize_one
#include "../fuzz/fuzz_normalize.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_codebook_one
#include "../fuzz/fuzz_codebook.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_review_import_one
#include "../fuzz/fuzz_review_import.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_pattern_one
#define book_with fuzz_pattern_book_with
#include "../fuzz/fuzz_pattern.c"
#undef book_with
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_qdc_one
#include "../fuzz/fuzz_qdc.c"
#undef FUZZ_ENTRY

typedef int (*fuzz_fn)(const uint8_t *, size_t);

/* Run every file under tests/fuzz/<kind>/<name>/; returns how many. */
static size_t replay_dir(const char *kind, const char *name, fuzz_fn fn)
{
	char dir[256], path[512];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "tests/fuzz/%s/%s", kind, name);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		FILE *f;
		uint8_t *data;
		long len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		data = malloc(len > 0 ? (size_t)len : 1);
		assert_non_null(data);
		assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		print_message("replay %s\n", path);
		fn(data, (size_t)len);
		free(data);
		n++;
	}
	closedir(d);
	return n;
}

static void replay(const char *name, fuzz_fn fn)
{
	size_t seeds = replay_dir("corpus", name, fn);

	replay_dir("regress", name, fn);
	assert_true(seeds > 0);  /* every target has a seed corpus */
	fn((const uint8_t *)"", 0);
}

static void test_csv(void **state) { (void)state; replay("csv", fuzz_csv_one); }
static void test_pii(void **state) { (void)state; replay("pii", fuzz_pii_one); }
static void test_normalize(void **state)
{
	(void)state;
	replay("normalize", fuzz_normalize_one);
}

static void test_codebook(void **state)
{
	(void)state;
	replay("codebook", fuzz_codebook_one);
}

static void test_review_import(void **state)
{
	(void)state;
	replay("review_import", fuzz_review_import_one);
}

static void test_pattern(void **state)
{
	(void)state;
	replay("pattern", fuzz_pattern_one);
}

static void test_qdc(void **state)
{
	(void)state;
	replay("qdc", fuzz_qdc_one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_pii),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_codebook),
		cmocka_unit_test(test_review_import),
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_qdc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
