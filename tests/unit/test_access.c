/* test_access.c - login tokens: only a hash is stored, a new token or a
 * revocation ends the old one, malformed tokens never match; and the next
 * version of a codebook with a category added (cbedit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "buf.h"
#include "cbedit.h"
#include "codebook.h"
#include "error.h"
#include "store.h"

static char dir[] = "/tmp/koder-access-XXXXXX";
static char db[256];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof db, "%s/p.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* Whether `needle` occurs anywhere in the store's file (and its WAL). */
static int in_file(const char *path, const char *needle)
{
	char wal[300];
	const char *files[2] = { path, wal };
	size_t n = strlen(needle), i;
	int found = 0;

	snprintf(wal, sizeof wal, "%s-wal", path);
	for (i = 0; i < 2 && !found; i++) {
		FILE *f = fopen(files[i], "rb");
		char *data;
		long len;

		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		data = malloc((size_t)len + 1);
		assert_non_null(data);
		assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		for (long k = 0; k + (long)n <= len && !found; k++)
			found = !memcmp(data + k, needle, n);
		free(data);
	}
	return found;
}

static void test_tokens(void **state)
{
	struct store *s;
	struct buf tok = BUF_INIT, tok2 = BUF_INIT, who = BUF_INIT;
	struct kerr e;
	char hash[65];

	(void)state;
	assert_int_equal(store_open(&s, db, STORE_CREATE, &e), 0);
	assert_int_equal(access_issue(s, "anna", &tok, &e), 0);
	assert_int_equal(tok.len, ACCESS_TOKEN_HEX);
	assert_int_equal(access_check(s, tok.data, &who, &e), 0);
	assert_string_equal(who.data, "anna");
	access_hash(tok.data, hash);
	assert_true(access_current(s, "anna", hash));
	/* the store holds the hash, never the token */
	assert_false(in_file(db, tok.data));
	assert_true(in_file(db, hash));
	/* malformed or wrong tokens */
	assert_int_equal(access_check(s, "abc", &who, NULL), KERR_NOTFOUND);
	tok.data[0] = tok.data[0] == 'a' ? 'b' : 'a';
	assert_int_equal(access_check(s, tok.data, &who, NULL), KERR_NOTFOUND);
	tok.data[0] = tok.data[0] == 'a' ? 'b' : 'a';
	/* a new token replaces the old one */
	assert_int_equal(access_issue(s, "anna", &tok2, &e), 0);
	assert_string_not_equal(tok.data, tok2.data);
	assert_int_equal(access_check(s, tok.data, &who, NULL), KERR_NOTFOUND);
	assert_false(access_current(s, "anna", hash));
	/* revoking ends the current one */
	assert_int_equal(access_revoke(s, "anna", &e), 0);
	assert_int_equal(access_check(s, tok2.data, &who, NULL), KERR_NOTFOUND);
	assert_int_equal(access_revoke(s, "nobody", NULL), KERR_NOTFOUND);
	/* names that could not be in a URL or a log line */
	assert_int_equal(access_issue(s, "a b", &tok, NULL), KERR_INVALID);
	assert_int_equal(access_issue(s, "", &tok, NULL), KERR_INVALID);
	assert_false(access_name_ok("anna\n"));
	assert_true(access_name_ok("anna.b-2_x"));
	store_close(s);
	buf_release(&tok);
	buf_release(&tok2);
	buf_release(&who);
}

static void test_next_version(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(cbedit_next_version("3", &b), 0);
	assert_string_equal(b.data, "4");
	buf_reset(&b);
	cbedit_next_version("2.1", &b);
	assert_string_equal(b.data, "2.2");
	buf_reset(&b);
	cbedit_next_version("v9-beta", &b);
	assert_string_equal(b.data, "v10-beta");
	buf_reset(&b);
	cbedit_next_version("draft", &b);
	assert_string_equal(b.data, "draft.2");
	buf_release(&b);
}

static void test_add_category(void **state)
{
	static const char text[] =
		"{\"id\": \"t\", \"version\": 1, \"_note\": \"kept\", \"categories\": ["
		"{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"*tid*\"]},"
		"{\"id\": \"andet\", \"label\": \"Andet\"}]}";
	struct codebook *cb = NULL, *next = NULL;
	struct buf path = BUF_INIT, ver = BUF_INIT, src = BUF_INIT;
	struct cbedit_category add = { "koersel", "Kørsel", "Tid i bil", "*kørsel*" };
	struct cbedit_category bad = { "bad", "Bad", "", "(((" };
	struct cbedit_category dup = { "tid", "Tid igen", "", "tid" };
	struct kerr e;
	struct stat st;

	(void)state;
	buf_addf(&src, "%s/t.json", dir);
	assert_int_equal(codebook_parse(text, sizeof text - 1, src.data, &cb, NULL), 0);
	assert_int_equal(cbedit_add_category(cb, &dup, dir, &path, &ver, &e), KERR_SCHEMA);
	assert_int_not_equal(cbedit_add_category(cb, &bad, dir, &path, &ver, &e), 0);
	assert_int_equal(path.len, 0);
	assert_int_equal(cbedit_add_category(cb, &add, dir, &path, &ver, &e), 0);
	assert_string_equal(ver.data, "2");
	assert_int_equal(stat(path.data, &st), 0);
	assert_int_equal(codebook_load(path.data, &next, NULL), 0);
	assert_string_equal(next->version, "2");
	assert_int_equal(codebook_find(next, "tid"), 0);
	assert_int_equal(codebook_find(next, "koersel"), 1);     /* before andet */
	assert_int_equal(codebook_find(next, "andet"), 2);
	assert_int_equal(next->cats[1].nreplaces, 1);
	assert_string_equal(next->cats[1].replaces[0], "andet");
	assert_non_null(strstr(next->src, "\"_note\""));           /* comments carried over */
	/* that version exists now: made once only */
	buf_reset(&path);
	assert_int_equal(cbedit_add_category(cb, &add, dir, &path, &ver, &e), KERR_INVALID);
	codebook_free(cb);
	codebook_free(next);
	buf_release(&path);
	buf_release(&ver);
	buf_release(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_next_version),
		cmocka_unit_test(test_add_category),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
