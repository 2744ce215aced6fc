/*
 * fuzz_pii.c - libFuzzer target for the personal-data scanner (pii.h):
 * findings must be sorted, inside the text and never overlapping, and the
 * masked text must be exactly the text with each finding replaced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "pii.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct pii_hits h = PII_HITS_INIT;
	struct buf masked = BUF_INIT, want = BUF_INIT;
	const char *text = (const char *)data;
	size_t i, pos = 0, found = 0;

	if (pii_find(text, size, PII_ALL, &h, NULL))
		abort();
	for (i = 0; i < h.n; i++) {
		if (h.v[i].start >= h.v[i].end || h.v[i].end > size ||
		    (i > 0 && h.v[i].start < h.v[i - 1].end))
			abort();
		buf_add(&want, text + pos, h.v[i].start - pos);
		buf_adds(&want, pii_placeholder(h.v[i].kind));
		pos = h.v[i].end;
	}
	buf_add(&want, text + pos, size - pos);
	if (pii_mask(text, size, PII_ALL, &masked, &found, NULL) || found != h.n ||
	    masked.len != want.len || memcmp(masked.data, want.data, want.len))
		abort();
	pii_hits_release(&h);
	buf_release(&masked);
	buf_release(&want);
	return 0;
}
