/* test_outfile.c - output files are whole or absent; data files are found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "datadir.h"
#include "error.h"
#include "outfile.h"

static char dir[] = "/tmp/koder-outfile-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void slurp(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got;

	assert_non_null(f);
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	fclose(f);
}

static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || strstr(de->d_name, "koder-"))
			n++;
	closedir(d);
	return n;
}

static void test_commit_replaces(void **state)
{
	char path[256], got[64];
	struct outfile o;
	struct kerr e;

	(void)state;
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	assert_int_equal(outfile_open(&o, path, &e), 0);
	fputs("first\n", o.fp);
	assert_int_equal(outfile_commit(&o, &e), 0);
	slurp(path, got, sizeof(got));
	assert_string_equal(got, "first\n");

	assert_int_equal(outfile_open(&o, path, &e), 0);
	fputs("second, half", o.fp);
	/* Before commit the old content is still what readers see. */
	slurp(path, got, sizeof(got));
	assert_string_equal(got, "first\n");
	outfile_abort(&o);
	slurp(path, got, sizeof(got));
	assert_string_equal(got, "first\n");
	assert_int_equal(count_entries(), 1);  /* no temp file left behind */
}

static void test_unwritable_directory(void **state)
{
	struct outfile o;
	struct kerr e;

	(void)state;
	kerr_clear(&e);
	assert_int_equal(outfile_open(&o, "/nonexistent-dir/x.csv", &e), KERR_IO);
	assert_string_equal(e.file, "/nonexistent-dir/x.csv");
	assert_non_null(strstr(e.msg, "cannot create"));
}

static void test_datadir_env(void **state)
{
	struct buf path = BUF_INIT;
	char f[256];
	FILE *fp;

	(void)state;
	snprintf(f, sizeof(f), "%s/probe.txt", dir);
	fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	setenv("KODER_DATADIR", dir, 1);
	assert_int_equal(datadir_find("probe.txt", &path), 0);
	assert_string_equal(path.data, f);
	buf_reset(&path);
	assert_int_equal(datadir_find("no/such/file", &path), KERR_NOTFOUND);
	unsetenv("KODER_DATADIR");
	buf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_replaces),
		cmocka_unit_test(test_unwritable_directory),
		cmocka_unit_test(test_datadir_env),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
