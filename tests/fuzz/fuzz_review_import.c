/*
 * fuzz_review_import.c - libFuzzer target for the review-sheet importer
 * (project_import, what `koder review --import` runs): any bytes as the
 * coder's CSV must be imported whole or refused with every problem listed,
 * never crash, leak or leave the store broken.  A small project (six answers
 * coded with a two-category codebook) is built once per process in a
 * temporary directory; each input is written to a file there and imported.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "error.h"
#include "project.h"
#include "store.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static int put(const char *dir, const char *name, const char *text, char *path, size_t cap)
{
	FILE *f;

	snprintf(path, cap, "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		return -1;
	fputs(text, f);
	return fclose(f);
}

static struct store *fuzz_import_store;
static char fuzz_import_dir[64];

/* Leave no project behind in /tmp when the process ends. */
static void fuzz_import_cleanup(void)
{
	static const char *const files[] = {
		"cb.json", "survey.csv", "corpus.json", "sheet.csv", "p.db", "p.db-wal",
		"p.db-shm", "p.db-journal", NULL
	};
	char path[128];
	size_t i;

	store_close(fuzz_import_store);
	for (i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_import_dir, files[i]);
		unlink(path);
	}
	rmdir(fuzz_import_dir);
}

/* The project, made on the first call. */
static struct store *fuzz_import_project(char *sheet, size_t cap)
{
	static struct store *s;
	static char sheet_path[128];
	char *dir = fuzz_import_dir;
	static int tried;
	struct corpus c;
	struct kerr_list errs = KERR_LIST_INIT;
	char path[128];
	int bad;

	if (tried) {
		snprintf(sheet, cap, "%s", sheet_path);
		return s;
	}
	tried = 1;
	snprintf(dir, sizeof(fuzz_import_dir), "/tmp/koder-fuzz-import-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(fuzz_import_cleanup);
	bad = put(dir, "cb.json", "{\"id\": \"t\", \"version\": 1, \"categories\": ["
		  "{\"id\": \"tid\", \"label\": \"Tid\", \"include\": [\"tid\"]},"
		  "{\"id\": \"andet\", \"label\": \"Andet\"}]}", path, sizeof(path)) ||
	      put(dir, "survey.csv", "id;Måling;Funktion;Svar\n1;A;L;tid\n2;A;M;ved ikke\n"
		  "3;B;L;mere tid\n4;B;M;andet\n1;B;M;tid\n5;A;L;\n", path, sizeof(path)) ||
	      put(dir, "corpus.json", "{\"name\": \"f\", \"title\": \"f\", \"survey\": \"survey.csv\","
		  "\"columns\": {\"id\": \"id\", \"wave\": \"Måling\", \"role\": \"Funktion\"},"
		  "\"waves\": [\"A\", \"B\"], \"roles\": ["
		  "{\"name\": \"M\", \"plural\": \"m\", \"values\": [\"M\"]},"
		  "{\"name\": \"L\", \"plural\": \"l\", \"values\": [\"L\"]}],"
		  "\"questions\": [{\"id\": \"q\", \"column\": \"Svar\", \"codebook\": \"cb.json\"}]}",
		  path, sizeof(path));
	if (bad || corpus_load(&c, path, &errs))
		abort();
	snprintf(path, sizeof(path), "%s/p.db", dir);
	if (store_open(&s, path, STORE_CREATE, NULL) ||
	    project_add_survey(s, &c, NULL, NULL, &errs))
		abort();
	fuzz_import_store = s;
	corpus_release(&c);
	kerr_list_release(&errs);
	snprintf(sheet_path, sizeof(sheet_path), "%s/sheet.csv", dir);
	snprintf(sheet, cap, "%s", sheet_path);
	return s;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct project_import_stats st;
	char sheet[128];
	struct store *s = fuzz_import_project(sheet, sizeof(sheet));
	FILE *f = fopen(sheet, "wb");
	int rc;

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	memset(&st, 0, sizeof(st));
	rc = project_import(s, sheet, "fuzz", "q", NULL, &st, &errs);
	if (rc && !errs.n)
		abort();  /* a refusal must say why */
	if (!rc && st.imported + st.unchanged + st.blank > st.rows)
		abort();
	kerr_list_release(&errs);
	return 0;
}
