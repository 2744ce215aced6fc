/*
 * fuzz_normalize.c - libFuzzer target for the normalizer (normalize.h): any
 * bytes, repair on, must give text and key whose offset maps stay inside the
 * input, never go backwards, and end at the input length; and normalize_key
 * must accept the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "normalize.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static void check_map(const size_t *map, size_t n, size_t len)
{
	size_t i;

	if (!map || map[n] != len)
		abort();
	for (i = 0; i < n; i++)
		if (map[i] > len || map[i] > map[i + 1])
			abort();
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	/* loading the lexicon takes a while: once per process */
	static struct normalizer *norm;
	static int tried;
	struct normalized r;
	struct buf key = BUF_INIT;
	size_t i;

	if (!tried) {
		tried = 1;
		if (normalizer_new(&norm, NULL, NULL))
			abort();  /* the data files must be found (KODER_DATADIR) */
	}
	normalized_init(&r);
	if (normalize_text(norm, (const char *)data, size, &r, NULL) == 0) {
		check_map(r.text_map, r.text.len, size);
		check_map(r.key_map, r.key.len, size);
		for (i = 0; i < r.nchanges; i++)
			if (r.changes[i].orig_start > r.changes[i].orig_end ||
			    r.changes[i].orig_end > size)
				abort();
	}
	normalized_release(&r);
	(void)normalize_key((const char *)data, size, &key, NULL);
	buf_release(&key);
	return 0;
}
