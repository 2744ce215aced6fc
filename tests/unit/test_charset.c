/* test_charset.c - encoding detection and per-line conversion to UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "error.h"

/* Read all lines of bytes[0..n) joined by '|'; returns the encoding seen. */
static const char *read_all(const char *bytes, size_t n, char *out, size_t cap,
			    size_t *bad, size_t *nuls)
{
	static char enc[64];
	FILE *f = fmemopen((void *)bytes, n, "rb");
	struct charset_reader r;
	struct buf line = BUF_INIT, all = BUF_INIT;
	int rc;

	assert_non_null(f);
	*bad = *nuls = 0;
	assert_int_equal(charset_open(&r, f, "t.txt", NULL), 0);
	while ((rc = charset_read_line(&r, &line, NULL)) == 1) {
		if (all.len)
			buf_addch(&all, '|');
		buf_add(&all, line.data, line.len);
		buf_reset(&line);
		*bad += r.bad;
		*nuls += r.nuls;
	}
	assert_int_equal(rc, 0);
	snprintf(out, cap, "%s", all.data);
	snprintf(enc, sizeof(enc), "%s", r.encoding);
	charset_close(&r);
	buf_release(&line);
	buf_release(&all);
	fclose(f);
	return enc;
}

#define READ(lit) read_all(lit, sizeof(lit) - 1, out, sizeof(out), &bad, &nuls)

static void test_utf8_and_bom(void **state)
{
	char out[256];
	size_t bad, nuls;

	(void)state;
	assert_string_equal(READ("f\xC3\xB8rste\nanden\n"), "UTF-8");
	assert_string_equal(out, "f\xC3\xB8rste|anden");
	assert_string_equal(READ("\xEF\xBB\xBF" "a\r\nb"), "UTF-8 with BOM");
	assert_string_equal(out, "a|b");
	assert_int_equal(bad + nuls, 0);
}

static void test_windows_1252(void **state)
{
	char out[256];
	size_t bad, nuls;

	(void)state;
	/* ø å æ and an en dash (0x96) */
	READ("f\xF8rste m\xE5ling \x96 v\xE6re\n");
	assert_string_equal(out, "f\xC3\xB8rste m\xC3\xA5ling \xE2\x80\x93 v\xC3\xA6re");
}

static void test_double_encoded(void **state)
{
	char out[256];
	size_t bad, nuls;

	(void)state;
	/* "første" encoded twice: ø -> Ã¸ */
	READ("f\xC3\x83\xC2\xB8rste\nren \xC3\xB8\n");
	assert_string_equal(out, "f\xC3\xB8rste|ren \xC3\xB8");
}

static void test_bad_bytes_and_nul(void **state)
{
	char out[256];
	size_t bad, nuls;

	(void)state;
	assert_string_equal(READ("p\xC3\xA5 \xFF her\nen\0to\n"), "UTF-8");
	assert_string_equal(out, "p\xC3\xA5 \xEF\xBF\xBD her|en\xEF\xBF\xBDto");
	assert_int_equal(bad, 1);
	assert_int_equal(nuls, 1);
}

static void test_empty_and_utf32(void **state)
{
	char out[256];
	size_t bad, nuls;
	FILE *f = fmemopen((void *)"\xFF\xFE\0\0h\0\0\0", 8, "rb");
	struct charset_reader r;
	struct kerr e;

	(void)state;
	READ("");
	assert_string_equal(out, "");
	assert_int_equal(charset_open(&r, f, "u.txt", &e), KERR_ENCODING);
	assert_non_null(strstr(e.msg, "UTF-32"));
	assert_string_equal(e.file, "u.txt");
	charset_close(&r);
	fclose(f);
}

/* Word's and Excel's "Unicode text": either byte order, with or without the
 * mark, CRLF, a character outside the BMP (a surrogate pair). */
static void test_utf16(void **state)
{
	char out[256];
	size_t bad, nuls;

	(void)state;
	assert_string_equal(READ("\xFF\xFEl\0\xE6\0g\0e\0\r\0\n\0=\xD8\0\xDE"), "UTF-16LE");
	assert_string_equal(out, "l\xC3\xA6ge|\xF0\x9F\x98\x80");
	assert_string_equal(READ("\xFE\xFF\0p\0\xE5\0\n\0x"), "UTF-16BE");
	assert_string_equal(out, "p\xC3\xA5|x");
	assert_string_equal(READ("a\0b\0\n\0c\0"), "UTF-16LE");
	assert_string_equal(out, "ab|c");
	assert_int_equal(bad + nuls, 0);
}

/* A long file: the pairs fall across every boundary of the reader's raw
 * block, and the text comes out as its UTF-8. */
static void test_utf16_long(void **state)
{
	struct buf in = BUF_INIT, want = BUF_INIT, line = BUF_INIT, got = BUF_INIT;
	struct charset_reader r;
	FILE *f;
	int rc;

	(void)state;
	buf_add(&in, "\xFF\xFE", 2);
	for (int i = 0; i < 30000; i++) {
		/* "æ😀" then, every 7th time, a line break: 2 + 4 (+ 2) bytes */
		buf_add(&in, "\xE6\0=\xD8\0\xDE", 6);
		buf_add(&want, "\xC3\xA6\xF0\x9F\x98\x80", 6);
		if (i % 7 == 6) {
			buf_add(&in, "\n\0", 2);
			buf_addch(&want, '|');
		}
	}
	f = fmemopen(in.data, in.len, "rb");
	assert_int_equal(charset_open(&r, f, "l.txt", NULL), 0);
	while ((rc = charset_read_line(&r, &line, NULL)) == 1) {
		buf_add(&got, line.data, line.len);
		if (r.newline)
			buf_addch(&got, '|');
		buf_reset(&line);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	charset_close(&r);
	fclose(f);
	buf_release(&in);
	buf_release(&want);
	buf_release(&line);
	buf_release(&got);
}

/* Half a character is refused naming the line it is on. */
static void test_utf16_damaged(void **state)
{
	static const char lone[] = "\xFF\xFE" "a\0\n\0b\0\0\xD8" "c\0";
	struct charset_reader r;
	struct buf line = BUF_INIT;
	struct kerr e;
	FILE *f = fmemopen((void *)lone, sizeof(lone) - 1, "rb");
	int rc;

	(void)state;
	rc = charset_open(&r, f, "d.txt", &e);
	if (rc == 0) {
		while ((rc = charset_read_line(&r, &line, &e)) == 1)
			buf_reset(&line);
		rc = -rc;
	}
	assert_int_equal(rc, KERR_ENCODING);
	assert_non_null(strstr(e.msg, "UTF-16"));
	assert_string_equal(e.file, "d.txt");
	assert_int_equal(e.line, 2);
	charset_close(&r);
	fclose(f);
	buf_release(&line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_and_bom),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_double_encoded),
		cmocka_unit_test(test_bad_bytes_and_nul),
		cmocka_unit_test(test_empty_and_utf32),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_utf16_long),
		cmocka_unit_test(test_utf16_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
