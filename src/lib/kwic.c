/* kwic.c - a term in the pattern language, found in answers (see kwic.h). */
#include "kwic.h"
#include "buf.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

struct kwic {
	struct codebook *cb;
	struct engine *en;
	struct engine_answer ans;
};

/* Append s as the inside of a JSON string. */
static int json_str(struct buf *b, const char *s)
{
	int rc = 0;

	for (; *s && !rc; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			rc = buf_addf(b, "\\%c", ch);
		else if (ch < 0x20)
			rc = buf_addf(b, "\\u%04x", ch);
		else
			rc = buf_add(b, s, 1);
	}
	return rc;
}

int kwic_new(const char *term, struct normalizer *norm, struct kwic **out,
	     struct kerr_list *errs)
{
	struct kwic *k = calloc(1, sizeof *k);
	struct engine_opts eo = { .no_model = 1, .norm = norm };
	struct buf src = BUF_INIT;
	struct kerr e;
	int rc;

	*out = NULL;
	kerr_clear(&e);
	buf_init(&src, 0);
	if (!k || buf_adds(&src, "{\"id\": \"kwic\", \"version\": 1, \"categories\": "
			   "[{\"id\": \"hit\", \"label\": \"hit\", \"include\": [\"")
	    || json_str(&src, term) || buf_adds(&src, "\"]}]}")) {
		free(k);
		buf_release(&src);
		kerr_set(&e, KERR_NOMEM, "out of memory");
		kerr_list_add(errs, &e);
		return KERR_NOMEM;
	}
	rc = codebook_parse(src.data, src.len, "the term", &k->cb, errs);
	buf_release(&src);
	if (!rc)
		rc = engine_new(k->cb, &eo, &k->en, errs);
	if (rc) {
		kwic_free(k);
		return rc;
	}
	rules_set_explain(engine_rules(k->en), 1);
	engine_answer_init(&k->ans);
	*out = k;
	return 0;
}

void kwic_free(struct kwic *k)
{
	if (!k)
		return;
	engine_answer_release(&k->ans);
	engine_free(k->en);
	codebook_free(k->cb);
	free(k);
}

/* The first match of the term in k->ans.res, or the cancelled one. */
static int first_match(struct kwic *k, size_t *start, size_t *end, int *negated)
{
	const struct rules_result *r = &k->ans.res;
	size_t i;

	*negated = 0;
	for (i = 0; i < r->nev; i++)
		if (r->ev[i].cat == 0 && r->ev[i].pattern < RULES_MODEL_PATTERN) {
			*start = r->ev[i].start;
			*end = r->ev[i].end;
			return 1;
		}
	for (i = 0; i < r->nwhy; i++)
		if (r->why[i].cat == 0 && r->why[i].kind == RULES_WHY_NEGATED) {
			*start = r->why[i].start;
			*end = r->why[i].end;
			*negated = 1;
			break;
		}
	return 0;
}

int kwic_find(struct kwic *k, const char *text, size_t len, size_t *start, size_t *end,
	      int *negated)
{
	struct kerr e;
	int rc;

	*negated = 0;
	if ((rc = engine_code(k->en, text, len, &k->ans, &e)))
		return -rc;
	return first_match(k, start, end, negated);
}

int kwic_find_normalized(struct kwic *k, const struct normalized *n, size_t *start, size_t *end,
	int *negated)
{
	struct kerr e;
	int rc;

	*negated = 0;
	if ((rc = rules_match(engine_rules(k->en), n, &k->ans.res, &e)))
		return -rc;
	return first_match(k, start, end, negated);
}
