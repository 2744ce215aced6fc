/* test_escape.c - markup and terminal escaping of untrusted text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "escape.h"

static char *xml(const char *s, int attr)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	assert_int_equal(esc_xml(&b, s, strlen(s), attr), 0);
	return b.data ? b.data : "";
}

static char *term(const char *s)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	assert_int_equal(esc_term(&b, s, strlen(s)), 0);
	return b.data ? b.data : "";
}

static void test_xml(void **state)
{
	(void)state;
	assert_string_equal(xml("<script>alert('x')</script> & \"q\"", 0),
		"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	/* controls XML 1.0 cannot carry are dropped; tab/LF kept in text */
	assert_string_equal(xml("a\x01\x1b[31mb\x7f\xc2\x9b\tc\nd", 0), "a[31mb\tc\nd");
	assert_string_equal(xml("a\tb\nc\rd", 1), "a&#9;b&#10;c&#13;d");
	/* not UTF-8: U+FFFD, never a broken document */
	assert_string_equal(xml("\xff\xc3", 0), "\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_string_equal(xml("Rådgiver – Ældre", 0), "Rådgiver – Ældre");
	assert_string_equal(xml("\xef\xbf\xbe", 0), "");  /* U+FFFE */
}

static void test_term(void **state)
{
	(void)state;
	/* OSC 8 hyperlink, OSC 0 title, CSI colour: the controls go */
	assert_string_equal(term("a\x1b]8;;http://x\x07klik\x1b]8;;\x07 b"), "a]8;;http://xklik]8;; b");
	assert_string_equal(term("\x1b[2J\x1b[31mrød"), "[2J[31mrød");
	/* C1 CSI (U+009B), DEL, backspace, vertical tab, form feed */
	assert_string_equal(term("x\xc2\x9b" "31my\x7f\b\v\fz"), "x31myz");
	/* tab, LF and CRLF stay; a lone CR (overwrites the line) goes */
	assert_string_equal(term("a\tb\r\nc\rd\n"), "a\tb\r\ncd\n");
	assert_string_equal(term("\xff ok"), "\xEF\xBF\xBD ok");
	assert_string_equal(term("Æble ø å"), "Æble ø å");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_term),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
