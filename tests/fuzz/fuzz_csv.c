/*
 * fuzz_csv.c - libFuzzer target for the CSV reader (csv.h): any bytes, with
 * the first byte choosing the options (separator forced or detected,
 * encoding, a small field cap, ragged rows allowed), must end in rows or a
 * reported error, never a crash, a leak or a hang.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer; tests/unit/test_fuzz.c
 * includes this file with FUZZ_ENTRY renamed to replay the seed corpus and
 * every saved crash in the ordinary test suite.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "error.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static const char seps[4] = { 0, ';', ',', '\t' };
	struct csv_opts opts = { .encoding = CSV_ENC_AUTO };
	struct csv_reader *r = NULL;
	struct csv_row row;
	struct kerr e;
	FILE *fp;
	unsigned char flags = 0;
	size_t rows = 0, i, idx;

	if (size > 0) {
		flags = data[0];
		data++;
		size--;
	}
	opts.sep = seps[flags & 3];
	opts.encoding = (enum csv_encoding)((flags >> 2) % 3);
	opts.max_field = (flags & 0x10) ? 64 : 0;
	opts.allow_ragged = (flags & 0x20) != 0;
	/* fmemopen refuses an empty buffer: read an empty file instead */
	fp = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
	if (!fp)
		return 0;
	kerr_clear(&e);
	if (csv_open(&r, fp, "fuzz.csv", &opts, &e) == 0) {
		for (i = 0; i < csv_header_count(r); i++)
			(void)strlen(csv_header_name(r, i));
		(void)csv_header_find(r, "svar", &idx, &e);
		for (;;) {
			int rc = csv_next(r, &row, &e);

			if (rc == CSV_END)
				break;
			if (rc < 0 && rc != -KERR_SYNTAX)
				break;
			for (i = 0; i < row.n; i++)
				if (strlen(row.field[i]) > row.len[i])
					abort();
			if (++rows > 1000000)
				abort();  /* a reader that never ends */
		}
		csv_close(r);
	}
	fclose(fp);
	return 0;
}
