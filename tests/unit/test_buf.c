/* test_buf.c - the string buffer: growth, cap, detach, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

static void test_empty_is_terminated(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_release(&b);
	assert_string_equal(b.data, "");
}

static void test_append_and_format(void **state)
{
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(buf_addf(&b, "%d,", i % 10), 0);
	assert_int_equal(b.len, 2000);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data, "0,1,2,", 6);
	buf_truncate(&b, 3);
	assert_string_equal(b.data, "0,1");
	buf_reset(&b);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void test_cap_refuses_and_keeps(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "abcdef"), 0);
	assert_int_equal(buf_adds(&b, "ghi"), KERR_LIMIT);
	assert_string_equal(b.data, "abcdef");
	assert_int_equal(buf_adds(&b, "gh"), 0);
	assert_int_equal(buf_addch(&b, 'x'), KERR_LIMIT);
	assert_string_equal(b.data, "abcdefgh");
	buf_release(&b);
}

static void test_detach_transfers(void **state)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *s;

	(void)state;
	buf_adds(&b, "æøå");
	s = buf_detach(&b, &len);
	assert_int_equal(len, 6);
	assert_string_equal(s, "æøå");
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	free(s);
	s = buf_detach(&b, NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_binary_content(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_add(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[1], '\0');
	assert_int_equal(b.data[3], '\0');
	buf_release(&b);
}

static void test_error_format(void **state)
{
	struct kerr e;
	struct buf b = BUF_INIT;

	(void)state;
	kerr_clear(&e);
	assert_int_equal(kerr_set(&e, KERR_SCHEMA, "expected a string"), KERR_SCHEMA);
	kerr_at(&e, "cb.json", 12, 5);
	kerr_path(&e, "categories[%d].include[%d]", 3, 2);
	kerr_format(&e, &b);
	assert_string_equal(b.data, "cb.json:12:5: categories[3].include[2]: expected a string");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_append_and_format),
		cmocka_unit_test(test_cap_refuses_and_keeps),
		cmocka_unit_test(test_detach_transfers),
		cmocka_unit_test(test_binary_content),
		cmocka_unit_test(test_error_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
