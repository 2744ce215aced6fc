/* test_outfile.c - output files are whole or absent; data files are found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "datadir.h"
#include "error.h"
#include "infile.h"
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
	assert_int_equal(outfile_open(&o, "/nonexistent-dir/x.csv", &e), KERR_WRITE);
	assert_string_equal(e.file, "/nonexistent-dir/x.csv");
	assert_non_null(strstr(e.msg, "cannot create"));
}

static void write_via(const char *path, const char *text)
{
	struct outfile o;
	struct kerr e;

	kerr_clear(&e);
	assert_int_equal(outfile_open(&o, path, &e), 0);
	fputs(text, o.fp);
	assert_int_equal(outfile_commit(&o, &e), 0);
}

/* A link stays a link; the file it points to gets the output. */
static void test_symlink_kept(void **state)
{
	char real[256], link[256], dang[256], dtarget[256], got[64];
	struct stat st;

	(void)state;
	snprintf(real, sizeof(real), "%s/real.txt", dir);
	snprintf(link, sizeof(link), "%s/link.txt", dir);
	snprintf(dang, sizeof(dang), "%s/dangling.txt", dir);
	snprintf(dtarget, sizeof(dtarget), "%s/made.txt", dir);
	write_via(real, "old\n");
	assert_int_equal(symlink("real.txt", link), 0);
	write_via(link, "new\n");
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	slurp(real, got, sizeof(got));
	assert_string_equal(got, "new\n");
	/* a link to nothing yet creates its target */
	assert_int_equal(symlink("made.txt", dang), 0);
	write_via(dang, "made\n");
	assert_int_equal(lstat(dang, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	slurp(dtarget, got, sizeof(got));
	assert_string_equal(got, "made\n");
	unlink(link);
	unlink(dang);
	unlink(dtarget);
	unlink(real);
}

/* An existing file keeps its mode; a read-only one is refused untouched. */
static void test_mode_kept_readonly_refused(void **state)
{
	char path[256], got[64];
	struct outfile o;
	struct stat st;
	struct kerr e;

	(void)state;
	snprintf(path, sizeof(path), "%s/mode.txt", dir);
	write_via(path, "a\n");
	assert_int_equal(chmod(path, 0640), 0);
	write_via(path, "b\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(chmod(path, 0444), 0);
	kerr_clear(&e);
	assert_int_equal(outfile_open(&o, path, &e), KERR_WRITE);
	assert_non_null(strstr(e.msg, "read-only"));
	assert_null(o.fp);
	slurp(path, got, sizeof(got));
	assert_string_equal(got, "b\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	unlink(path);
	/* a directory is refused before any work is done */
	kerr_clear(&e);
	assert_int_equal(outfile_open(&o, dir, &e), KERR_WRITE);
	assert_non_null(strstr(e.msg, "directory"));
}

/* /dev/fd/N is the descriptor itself, written at its offset, never replaced. */
static void test_fd_path_straight_through(void **state)
{
	char path[256], name[64], got[64];
	struct outfile o;
	struct kerr e;
	struct stat st1, st2;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/fd.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "head\n", 5), 5);
	assert_int_equal(fstat(fd, &st1), 0);
	snprintf(name, sizeof(name), "/dev/fd/%d", fd);
	kerr_clear(&e);
	assert_int_equal(outfile_open(&o, name, &e), 0);
	assert_null(o.tmp);
	fputs("body\n", o.fp);
	assert_int_equal(outfile_commit(&o, &e), 0);
	close(fd);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);  /* the same file, not a new one */
	slurp(path, got, sizeof(got));
	assert_string_equal(got, "head\nbody\n");
	unlink(path);
}

/* Codebooks, models, data files: regular files only, and no blocking. */
static void test_infile_regular_only(void **state)
{
	char fifo[256];
	struct kerr e;
	FILE *fp;

	(void)state;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	kerr_clear(&e);
	assert_null(infile_open(fifo, "the codebook", &e));  /* returns at once */
	assert_int_equal(e.code, KERR_IO);
	assert_non_null(strstr(e.msg, "not a regular file"));
	unlink(fifo);
	kerr_clear(&e);
	assert_null(infile_open("/dev/zero", "the model", &e));
	assert_int_equal(e.code, KERR_IO);
	kerr_clear(&e);
	assert_null(infile_open(dir, "the model", &e));
	assert_non_null(strstr(e.msg, "directory"));
	fp = infile_open("/etc/passwd", "a file", &e);
	assert_non_null(fp);
	fclose(fp);
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
		cmocka_unit_test(test_symlink_kept),
		cmocka_unit_test(test_mode_kept_readonly_refused),
		cmocka_unit_test(test_fd_path_straight_through),
		cmocka_unit_test(test_infile_regular_only),
		cmocka_unit_test(test_datadir_env),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
