/* test_normalize.c - the normalizer's contract: NFC, match key, offset maps,
 * and (with the shipped lexicon) word repair that keeps case and tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "normalize.h"

static char *key_of(const char *s)
{
	struct buf k = BUF_INIT;

	assert_int_equal(normalize_key(s, strlen(s), &k, NULL), 0);
	return buf_detach(&k, NULL);
}

static void assert_key(const char *in, const char *want)
{
	char *k = key_of(in);

	assert_string_equal(k, want);
	free(k);
}

static void test_key_folds_danish(void **state)
{
	(void)state;
	assert_key("første", "forste");
	assert_key("forste", "forste");
	assert_key("FØRSTE", "forste");
	assert_key("foerste", "forste");
	assert_key("Målingen", "malingen");
	assert_key("maalingen", "malingen");
	assert_key("på paa pa PÅ", "pa pa pa pa");
	assert_key("Være vaere VÆRE", "vaere vaere vaere");
	assert_key("café Straße", "cafe strasse");
	/* punctuation, digits and whitespace stay */
	assert_key("Anført af 3 ud af 20.", "anfort af 3 ud af 20.");
	/* a decomposed ø (o + U+0338 is not ø, but e + U+0301 composes to é) */
	assert_key("e\xCC\x81", "e");
}

/* The key by its definition, for ASCII with æ ø å: fold case and the
 * Danish letters, then collapse "oe" -> "o" and "aa" -> "a" left to right. */
static void key_by_hand(const char *s, char *out)
{
	char f[256];
	size_t i, n = 0, k = 0;
	int gone = 0;

	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xC3) {
			c = (unsigned char)s[++i];
			if (c == 0xA6 || c == 0x86) {
				f[n++] = 'a';
				f[n++] = 'e';
			} else {
				f[n++] = c == 0xB8 || c == 0x98 ? 'o' : 'a';
			}
		} else {
			f[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	for (i = 0; i < n; i++) {
		/* a byte absorbs the next one only when it was not itself
		 * absorbing one: "aaa" -> "aa" */
		if (k > 0 && !gone && ((f[i] == 'e' && out[k - 1] == 'o') ||
				       (f[i] == 'a' && out[k - 1] == 'a'))) {
			gone = 1;
			continue;
		}
		gone = 0;
		out[k++] = f[i];
	}
	out[k] = '\0';
}

/* The match key is built eight ASCII bytes at a time: a collapse ("oe",
 * "aa") or a Danish letter at every place in and across those eight, in
 * both cases, gives the key the definition gives. */
static void test_key_eight_at_a_time(void **state)
{
	static const char *const bits[] = {
		"oe", "OE", "Oe", "aa", "AA", "aAa", "aaa", "ooe", "oee", "\xC3\xB8" "e",
		"\xC3\xA5" "a", "a\xC3\xA5", "\xC3\x86", "ZzAa@[`{", NULL
	};
	char in[128], want[256];
	size_t b, pad, tail;

	(void)state;
	for (b = 0; bits[b]; b++)
		for (pad = 0; pad < 17; pad++)
			for (tail = 0; tail < 10; tail += 3) {
				char *k;

				memset(in, 'x', pad);
				strcpy(in + pad, bits[b]);
				memset(in + strlen(in), 'O', tail);
				in[pad + strlen(bits[b]) + tail] = '\0';
				key_by_hand(in, want);
				k = key_of(in);
				assert_string_equal(k, want);
				free(k);
			}
}

static void test_nfc_and_maps(void **state)
{
	struct normalizer *n;
	struct normalized r;
	struct normalize_opts o = { 1 };
	const char *in = "Cafe\xCC\x81 \xC3\x98l";  /* "Café Øl" with decomposed é */
	size_t i;

	(void)state;
	assert_int_equal(normalizer_new(&n, &o, NULL), 0);
	normalized_init(&r);
	assert_int_equal(normalize_text(n, in, strlen(in), &r, NULL), 0);
	assert_string_equal(r.text.data, "Caf\xC3\xA9 \xC3\x98l");
	/* é (2 bytes) maps to where e + combining accent started */
	assert_int_equal(r.text_map[3], 3);
	assert_int_equal(r.text_map[4], 3);
	assert_int_equal(r.text_map[5], 6);
	assert_int_equal(r.text_map[r.text.len], strlen(in));
	assert_string_equal(r.key.data, "cafe ol");
	/* key "ol" starts at the Ø in the input */
	assert_int_equal(r.key_map[5], 7);
	assert_int_equal(r.key_map[6], 9);
	assert_int_equal(r.key_map[r.key.len], strlen(in));
	for (i = 1; i <= r.key.len; i++)
		assert_true(r.key_map[i] >= r.key_map[i - 1]);
	/* the key of the text equals normalize_key of the same text */
	{
		char *k = key_of(in);

		assert_string_equal(k, r.key.data);
		free(k);
	}
	/* reuse: a second call replaces the first result */
	assert_int_equal(normalize_text(n, "aa", 2, &r, NULL), 0);
	assert_string_equal(r.text.data, "aa");
	assert_string_equal(r.key.data, "a");
	assert_int_equal(r.key_map[0], 0);
	assert_int_equal(r.key_map[1], 2);
	normalized_release(&r);
	normalizer_free(n);
}

static void test_invalid_utf8_and_nul(void **state)
{
	struct normalizer *n;
	struct normalized r;
	struct normalize_opts o = { 1 };
	const char in[] = "a\xFF" "b\0c\xC3";

	(void)state;
	assert_int_equal(normalizer_new(&n, &o, NULL), 0);
	normalized_init(&r);
	assert_int_equal(normalize_text(n, in, sizeof(in) - 1, &r, NULL), 0);
	assert_int_equal(r.text.len, 1 + 3 + 1 + 1 + 1 + 3);
	assert_memory_equal(r.text.data, "a\xEF\xBF\xBD" "b\0c\xEF\xBF\xBD", r.text.len);
	assert_int_equal(r.text_map[1], 1);
	assert_int_equal(r.text_map[4], 2);
	assert_int_equal(r.text_map[7], 5);
	normalized_release(&r);
	/* an empty line */
	normalized_init(&r);
	assert_int_equal(normalize_text(n, "", 0, &r, NULL), 0);
	assert_int_equal(r.text.len, 0);
	assert_int_equal(r.key.len, 0);
	assert_int_equal(r.text_map[0], 0);
	assert_int_equal(r.key_map[0], 0);
	normalized_release(&r);
	normalizer_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_folds_danish),
		cmocka_unit_test(test_key_eight_at_a_time),
		cmocka_unit_test(test_nfc_and_maps),
		cmocka_unit_test(test_invalid_utf8_and_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
