/*
 * fuzz_qdc.c - libFuzzer target for the REFI-QDA codebook reader (qdc.h):
 * any bytes as a .qdc file must be read or refused with a located error;
 * entity declarations are refused, so no input is expanded beyond its own
 * size (a 100 KB entity used 10,000 times once made a gigabyte).  A book
 * that reads is turned into a koder codebook skeleton as `codebook import`
 * does.  qdc_read takes a path: the input is written to one temporary file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "qdc.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static char path[64];
	struct kerr_list warn = KERR_LIST_INIT, errs = KERR_LIST_INIT;
	struct qdc_book b;
	FILE *f;
	int rc;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof path, "/tmp/fuzz-qdc-XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
	}
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	qdc_book_init(&b);
	rc = qdc_read(path, &b, &warn, &errs);
	if (rc && !errs.n)
		abort();  /* a refusal must say why */
	if (!rc) {
		cJSON *out = NULL;
		struct kerr e;

		kerr_clear(&e);
		if (qdc_to_json(&b, "fuzz", NULL, &out, &e) == 0) {
			char *s = cJSON_Print(out);

			/* no expansion: the skeleton is of the order of the input */
			if (s && strlen(s) > 64 * size + 4096)
				abort();
			free(s);
			cJSON_Delete(out);
		}
	}
	qdc_book_release(&b);
	kerr_list_release(&warn);
	kerr_list_release(&errs);
	return 0;
}
