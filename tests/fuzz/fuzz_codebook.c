/*
 * fuzz_codebook.c - libFuzzer target for the codebook loader and the pattern
 * compiler (codebook.h, rules.h): any bytes as a codebook file must load or
 * be refused with located errors; a codebook that loads must compile or be
 * refused; compiled rules must code every example (and the text of the file
 * itself) under low PCRE2 limits without crashing or hanging.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "error.h"
#include "normalize.h"
#include "rules.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static void code_text(struct normalizer *norm, struct rules *rules, const char *s, size_t n)
{
	struct normalized ans;
	struct rules_result res;
	struct kerr e;

	normalized_init(&ans);
	rules_result_init(&res);
	kerr_clear(&e);
	if (normalize_text(norm, s, n, &ans, &e) == 0)
		(void)rules_match(rules, &ans, &res, &e);
	rules_result_release(&res);
	normalized_release(&ans);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	/* word repair is not under test here: NFC + key only, made once */
	static struct normalizer *norm;
	static const struct normalize_opts no_repair = { 1 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	struct rules *rules = NULL;
	size_t i, k;

	if (!norm && normalizer_new(&norm, &no_repair, NULL))
		abort();
	if (codebook_parse((const char *)data, size, "fuzz.json", &cb, &errs) == 0) {
		kerr_list_release(&errs);
		if (rules_compile(cb, &rules, &errs) == 0) {
			rules_set_limits(rules, 20000, 200);
			for (i = 0; i < cb->ncats; i++)
				for (k = 0; k < cb->cats[i].nexamples; k++)
					code_text(norm, rules, cb->cats[i].examples[k],
						  strlen(cb->cats[i].examples[k]));
			code_text(norm, rules, (const char *)data, size < 4096 ? size : 4096);
			rules_free(rules);
		}
		codebook_free(cb);
	} else if (!errs.n) {
		abort();  /* a refusal must say why */
	}
	kerr_list_release(&errs);
	return 0;
}
