/* test_store.c - the project store: schema checks, append-only decisions,
 * undo, the final-code rule and code-list comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "store.h"

static char dir[] = "/tmp/koder-store-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct store *fresh(const char *name)
{
	struct store *s = NULL;
	struct kerr e;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(store_open(&s, path, STORE_CREATE, &e), 0);
	return s;
}

static long long add(struct store *s, const char *resp, const char *wave, long long seq)
{
	struct store_answer a = { 0, "barrierer", "sof-barrierer", wave, "Leder", resp,
		"For mange sager", "{\"Kommune\":\"Vejle\"}", seq };
	long long id = 0;
	int added = 0;

	assert_int_equal(store_add_answer(s, &a, &id, &added, NULL), 0);
	assert_true(id > 0);
	return id;
}

static void decide(struct store *s, long long id, const char *coder, const char *codes,
	const char *action, int final)
{
	struct store_decision d = { 0 };

	d.answer_id = id;
	d.coder = coder;
	d.codebook_id = "sof-barrierer";
	d.codebook_version = "1";
	d.codes = codes;
	d.action = action;
	d.final = final;
	assert_int_equal(store_add_decision(s, &d, NULL, NULL), 0);
}

static const char *latest(struct store *s, long long id, const char *coder, char *out)
{
	struct store_decision d;

	if (store_latest(s, id, coder, &d, NULL))
		return NULL;
	strcpy(out, d.codes);
	store_decision_release(&d);
	return out;
}

static void test_create_mode_and_reopen(void **state)
{
	struct store *s = fresh("a.db");
	struct stat st;
	struct buf b = BUF_INIT;
	struct kerr e;

	(void)state;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(store_meta_set(s, "corpus", "corpora/sof", NULL), 0);
	store_close(s);
	assert_int_equal(store_open(&s, path, 0, &e), 0);
	assert_int_equal(store_meta_get(s, "corpus", &b, NULL), 0);
	assert_string_equal(b.data, "corpora/sof");
	assert_int_equal(store_meta_get(s, "nope", &b, NULL), KERR_NOTFOUND);
	buf_release(&b);
	store_close(s);
	snprintf(path, sizeof(path), "%s/missing.db", dir);
	assert_int_equal(store_open(&s, path, 0, &e), KERR_NOTFOUND);
	assert_null(s);
}

/* Deferred sync (koder serve's group commit): commits are seen at once by
 * another connection, the -wal file only grows until store_checkpoint folds
 * it in, and everything is there after closing and reopening. */
static void test_deferred_sync(void **state)
{
	struct store *s = fresh("defer.db"), *r = NULL;
	char walpath[300], out[64];
	struct stat st;
	long long id;
	off_t size;
	int i;

	(void)state;
	id = add(s, "R1", "Baseline", 1);
	assert_int_equal(store_defer_sync(s, 0, NULL), 0);
	assert_int_equal(store_defer_sync(s, 0, NULL), 0);     /* twice is once */
	for (i = 0; i < 50; i++)
		decide(s, id, "anna", i % 2 ? "tid" : "andet", "override", 0);
	assert_int_equal(store_sync(s, NULL), 0);
	assert_int_equal(store_open(&r, path, 0, NULL), 0);
	assert_string_equal(latest(r, id, "anna", out), "tid");
	store_close(r);
	snprintf(walpath, sizeof walpath, "%s-wal", path);
	assert_int_equal(stat(walpath, &st), 0);
	assert_true(st.st_size > 0);
	/* Below the size given nothing happens; at 0 the WAL is folded in, so
	 * the next commit starts the -wal file over instead of growing it. */
	size = st.st_size;
	assert_int_equal(store_checkpoint(s, 1LL << 40, NULL), 0);
	decide(s, id, "anna", "tid", "override", 0);
	assert_int_equal(store_sync(s, NULL), 0);
	assert_int_equal(stat(walpath, &st), 0);
	assert_true(st.st_size > size);
	size = st.st_size;
	assert_int_equal(store_checkpoint(s, 0, NULL), 0);
	decide(s, id, "anna", "andet", "override", 0);
	assert_int_equal(store_sync(s, NULL), 0);
	assert_int_equal(stat(walpath, &st), 0);
	assert_int_equal(st.st_size, size);
	store_close(s);
	assert_int_equal(stat(walpath, &st), -1);          /* folded in on close */
	assert_int_equal(store_open(&s, path, 0, NULL), 0);
	assert_string_equal(latest(s, id, "anna", out), "andet");
	/* A store with no deferral: store_sync and store_checkpoint do nothing. */
	assert_int_equal(store_sync(s, NULL), 0);
	assert_int_equal(store_checkpoint(s, 0, NULL), 0);
	store_close(s);
}

/* Copies file `from` to `to` byte for byte. */
static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char b[8192];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(b, 1, sizeof b, in)) > 0)
		assert_int_equal(fwrite(b, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* A -wal file laid out ahead (zeros past SQLite's frames) keeps its size
 * while commits go in, and a copy of the store and its -wal file taken
 * after a sync, as a crash would leave them, opens with every synced
 * decision: SQLite's recovery stops at the zeros. */
static void test_deferred_sync_laid_out(void **state)
{
	struct store *s = fresh("layout.db"), *r = NULL;
	char walpath[300], copy[300], copywal[300], out[64];
	struct stat st;
	long long id;
	int i;

	(void)state;
	id = add(s, "R1", "Baseline", 1);
	assert_int_equal(store_defer_sync(s, 1 << 20, NULL), 0);
	snprintf(walpath, sizeof walpath, "%s-wal", path);
	assert_int_equal(stat(walpath, &st), 0);
	assert_int_equal(st.st_size, 1 << 20);
	for (i = 0; i < 20; i++)
		decide(s, id, "anna", i % 2 ? "andet" : "tid", "override", 0);
	assert_int_equal(store_sync(s, NULL), 0);
	assert_int_equal(stat(walpath, &st), 0);
	assert_int_equal(st.st_size, 1 << 20);      /* overwritten, not grown */
	snprintf(copy, sizeof copy, "%s.crash", path);
	snprintf(copywal, sizeof copywal, "%s.crash-wal", path);
	copy_file(path, copy);
	copy_file(walpath, copywal);
	assert_int_equal(store_open(&r, copy, 0, NULL), 0);
	assert_string_equal(latest(r, id, "anna", out), "andet");
	store_close(r);
	unlink(copy);
	store_close(s);
	assert_int_equal(store_open(&s, path, 0, NULL), 0);
	assert_string_equal(latest(s, id, "anna", out), "andet");
	store_close(s);
}

static void test_refuses_foreign_and_newer(void **state)
{
	struct store *s = NULL;
	sqlite3 *db;
	struct kerr e;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/text.db", dir);
	f = fopen(path, "w");
	fputs("this is not a database, just text long enough to be a header......\n"
		"...........................................................\n", f);
	fclose(f);
	assert_int_equal(store_open(&s, path, STORE_CREATE, &e), KERR_STORE);
	assert_non_null(strstr(e.msg, "not a koder project store"));

	snprintf(path, sizeof(path), "%s/other.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_open(&s, path, STORE_CREATE, &e), KERR_STORE);

	s = fresh("newer.db");
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_open(&s, path, 0, &e), KERR_STORE);
	assert_non_null(strstr(e.msg, "newer koder"));
}

static void test_answers(void **state)
{
	struct store *s = fresh("answers.db");
	struct store_answer a = { 0, "barrierer", "sof-barrierer", "Midtvejs", "Leder",
		"M0001", "ny tekst", NULL, 7 };
	long long id, id2, found;
	int added;
	size_t n;
	struct kerr e;

	(void)state;
	id = add(s, "M0001", "Midtvejs", 1);
	add(s, "A0001", "Afslutning", 2);
	add(s, "X0001", "Midtvejs", 3);
	add(s, "X0001", "Afslutning", 4);
	assert_int_equal(store_add_answer(s, &a, &id2, &added, NULL), 0);
	assert_int_equal(id2, id);
	assert_int_equal(added, 0);
	assert_int_equal(store_find_answer(s, "barrierer", NULL, "M0001", &found, NULL), 0);
	assert_int_equal(found, id);
	assert_int_equal(store_find_answer(s, "barrierer", NULL, "X0001", &found, &e),
		KERR_INVALID);
	assert_int_equal(store_find_answer(s, "barrierer", "Afslutning", "X0001", &found,
		NULL), 0);
	assert_int_equal(store_find_answer(s, "barrierer", NULL, "Q9", &found, NULL),
		KERR_NOTFOUND);
	assert_int_equal(store_get_answer(s, id, &a, NULL), 0);
	assert_string_equal(a.text, "ny tekst");
	assert_int_equal(a.seq, 7);
	store_answer_release(&a);
	assert_int_equal(store_count_answers(s, NULL, &n, NULL), 0);
	assert_int_equal(n, 4);
	store_close(s);
}

static void test_decisions_undo(void **state)
{
	struct store *s = fresh("undo.db");
	long long a, b, which;
	char out[64];
	sqlite3 *db;

	(void)state;
	a = add(s, "M1", "Midtvejs", 1);
	b = add(s, "M2", "Midtvejs", 2);
	decide(s, a, "anna", "tid", "confirm", 0);
	decide(s, a, "anna", "tid;afstand", "override", 0);
	decide(s, b, "anna", "ingen_svar", "override", 0);
	assert_string_equal(latest(s, a, "anna", out), "tid;afstand");
	assert_null(latest(s, a, "bo", out));

	/* undo walks back one decision at a time, across answers */
	assert_int_equal(store_undo(s, "anna", &which, NULL), 0);
	assert_int_equal(which, b);
	assert_null(latest(s, b, "anna", out));
	assert_int_equal(store_undo(s, "anna", &which, NULL), 0);
	assert_int_equal(which, a);
	assert_string_equal(latest(s, a, "anna", out), "tid");
	decide(s, a, "anna", "andet", "override", 0);
	assert_int_equal(store_undo(s, "anna", &which, NULL), 0);
	assert_string_equal(latest(s, a, "anna", out), "tid");
	assert_int_equal(store_undo(s, "anna", &which, NULL), 0);
	assert_null(latest(s, a, "anna", out));
	assert_int_equal(store_undo(s, "anna", &which, NULL), KERR_NOTFOUND);
	store_close(s);

	/* the table refuses edits even from outside koder */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE decisions SET codes = 'x'", NULL, NULL,
		NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM decisions", NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
}

struct finals {
	char codes[8][64];
	int disputed[8], adjudicated[8], ncoders[8];
	int n;
};

static int collect_final(void *ctx, const struct store_final *f)
{
	struct finals *fs = ctx;

	snprintf(fs->codes[fs->n], 64, "%s", f->codes ? f->codes : "-");
	fs->disputed[fs->n] = f->disputed;
	fs->adjudicated[fs->n] = f->adjudicated;
	fs->ncoders[fs->n] = f->ncoders;
	fs->n++;
	return 0;
}

static void test_final_rule(void **state)
{
	struct store *s = fresh("final.db");
	struct store_suggestion g = { 0, "sof-barrierer", "1", "tid", NULL, NULL };
	struct finals fs;
	long long a, b, c, d;

	(void)state;
	a = add(s, "M1", "Midtvejs", 1);
	b = add(s, "M2", "Midtvejs", 2);
	c = add(s, "M3", "Midtvejs", 3);
	d = add(s, "M4", "Midtvejs", 4);
	g.answer_id = d;
	assert_int_equal(store_add_suggestion(s, &g, NULL), 0);
	decide(s, a, "anna", "tid;afstand", "confirm", 0);
	decide(s, a, "bo", "afstand;tid", "confirm", 0);   /* same set: agree */
	decide(s, b, "bo", "andet", "confirm", 0);
	decide(s, b, "anna", "tid", "confirm", 0);        /* bo decided first */
	decide(s, c, "anna", "tid", "confirm", 0);
	decide(s, c, "bo", "andet", "confirm", 0);
	decide(s, c, "chef", "andet", "adjudicate", 1);

	memset(&fs, 0, sizeof(fs));
	assert_int_equal(store_each_final(s, "barrierer", collect_final, &fs, NULL), 0);
	assert_int_equal(fs.n, 4);
	assert_string_equal(fs.codes[0], "tid;afstand");
	assert_int_equal(fs.disputed[0], 0);
	assert_int_equal(fs.ncoders[0], 2);
	assert_string_equal(fs.codes[1], "andet");
	assert_int_equal(fs.disputed[1], 1);
	assert_string_equal(fs.codes[2], "andet");
	assert_int_equal(fs.adjudicated[2], 1);
	assert_int_equal(fs.disputed[2], 0);
	assert_string_equal(fs.codes[3], "-");
	assert_int_equal(fs.ncoders[3], 0);

	/* undoing the adjudication brings the dispute back */
	assert_int_equal(store_undo(s, "chef", NULL, NULL), 0);
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(store_each_final(s, NULL, collect_final, &fs, NULL), 0);
	assert_string_equal(fs.codes[2], "tid");
	assert_int_equal(fs.disputed[2], 1);
	store_close(s);
}

static void test_codes_equal(void **state)
{
	(void)state;
	assert_true(store_codes_equal("a;b", "b;a"));
	assert_true(store_codes_equal(" a ; b", "b;a;a"));
	assert_false(store_codes_equal("a;b", "a"));
	assert_false(store_codes_equal("a", NULL));
	assert_true(store_codes_equal(NULL, NULL));
	assert_true(store_codes_equal("", ""));
	assert_false(store_codes_equal("", "a"));
}

static void test_samples_versions(void **state)
{
	struct store *s = fresh("samples.db");
	long long a = add(s, "M1", "Midtvejs", 1);
	int has;
	char now[32];

	(void)state;
	assert_int_equal(store_sample_add(s, a, "bo", 42, NULL), 0);
	assert_int_equal(store_sample_add(s, a, "bo", 42, NULL), 0);
	assert_int_equal(store_sample_has(s, a, "bo", &has, NULL), 0);
	assert_int_equal(has, 1);
	assert_int_equal(store_sample_has(s, a, "anna", &has, NULL), 0);
	assert_int_equal(has, 0);
	assert_int_equal(store_add_version(s, "sof-barrierer", "2", "split tid", NULL), 0);
	store_now(now);
	assert_int_equal(strlen(now), 24);
	assert_int_equal(now[23], 'Z');
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_mode_and_reopen),
		cmocka_unit_test(test_refuses_foreign_and_newer),
		cmocka_unit_test(test_deferred_sync),
		cmocka_unit_test(test_deferred_sync_laid_out),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_decisions_undo),
		cmocka_unit_test(test_final_rule),
		cmocka_unit_test(test_codes_equal),
		cmocka_unit_test(test_samples_versions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
