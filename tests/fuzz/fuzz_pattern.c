/*
 * fuzz_pattern.c - libFuzzer target for the pattern parser (rules.h) alone:
 * the input is one pattern, put in turn in a category's include and exclude,
 * in "when ... re:x" and in nonsubstantive, so that every path into the
 * recursive parser sees it.  Compiling must succeed or be refused with a
 * located error, never overflow the stack (10,000 nested "(" once did) or
 * hang.  A compiled pattern then codes the input text itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "codebook.h"
#include "error.h"
#include "normalize.h"
#include "rules.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* The codebook of one category with `pattern` placed by `where`. */
static char *book_with(const char *pattern, int where)
{
	cJSON *b = cJSON_CreateObject(), *cats, *c, *l;
	char *when = NULL, *json;

	cJSON_AddStringToObject(b, "id", "fuzz");
	cJSON_AddNumberToObject(b, "version", 1);
	cats = cJSON_AddArrayToObject(b, "categories");
	c = cJSON_CreateObject();
	cJSON_AddItemToArray(cats, c);
	cJSON_AddStringToObject(c, "id", "a");
	cJSON_AddStringToObject(c, "label", "A");
	l = cJSON_AddArrayToObject(c, "include");
	if (where == 2 && (when = malloc(strlen(pattern) + 16))) {
		strcpy(when, "when ");
		strcat(when, pattern);
		strcat(when, " re:x");
	}
	cJSON_AddItemToArray(l, cJSON_CreateString(where == 0 ? pattern : where == 2 && when ? when : "x"));
	if (where == 1)
		cJSON_AddItemToArray(cJSON_AddArrayToObject(c, "exclude"), cJSON_CreateString(pattern));
	if (where == 3)
		cJSON_AddItemToArray(cJSON_AddArrayToObject(b, "nonsubstantive"), cJSON_CreateString(pattern));
	json = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	free(when);
	return json;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static struct normalizer *norm;
	static const struct normalize_opts no_repair = { 1 };
	char *pattern = malloc(size + 1);
	int where;

	if (!pattern)
		return 0;
	memcpy(pattern, data, size);
	pattern[size] = 0;
	if (!norm && normalizer_new(&norm, &no_repair, NULL))
		abort();
	for (where = 0; where < 4; where++) {
		struct kerr_list errs = KERR_LIST_INIT;
		struct codebook *cb = NULL;
		struct rules *rules = NULL;
		char *json = book_with(pattern, where);

		if (!json)
			break;
		if (codebook_parse(json, strlen(json), "fuzz.json", &cb, &errs) == 0) {
			kerr_list_release(&errs);
			if (rules_compile(cb, &rules, &errs) == 0) {
				struct normalized ans;
				struct rules_result res;
				struct kerr e;

				rules_set_limits(rules, 20000, 200);
				normalized_init(&ans);
				rules_result_init(&res);
				kerr_clear(&e);
				if (normalize_text(norm, pattern, size < 4096 ? size : 4096, &ans, &e) == 0)
					(void)rules_match(rules, &ans, &res, &e);
				rules_result_release(&res);
				normalized_release(&ans);
				rules_free(rules);
			} else if (!errs.n) {
				abort();  /* a refusal must say why */
			}
			codebook_free(cb);
		}
		kerr_list_release(&errs);
		free(json);
	}
	free(pattern);
	return 0;
}
