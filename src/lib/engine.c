/*
 * engine.c - one codebook's coding pipeline, assembled once (see engine.h).
 */
#include "engine.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "normalize.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

struct engine {
	const struct codebook *cb;
	struct codebook *own_cb;      /* set when the engine loaded it */
	struct rules *rules;
	struct normalizer *norm;
	int own_norm;
};

void engine_answer_init(struct engine_answer *a)
{
	normalized_init(&a->n);
	rules_result_init(&a->res);
}

void engine_answer_release(struct engine_answer *a)
{
	normalized_release(&a->n);
	rules_result_release(&a->res);
}

static int add_err(struct kerr_list *errs, const struct kerr *e)
{
	if (errs)
		kerr_list_add(errs, e);
	return e->code;
}

int engine_new(const struct codebook *cb, const struct engine_opts *opts,
	struct engine **out, struct kerr_list *errs)
{
	struct engine *en = calloc(1, sizeof *en);
	struct kerr e;
	int rc;

	*out = NULL;
	kerr_clear(&e);
	if (!en)
		return add_err(errs, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
	en->cb = cb;
	if ((rc = (opts && opts->no_model ? rules_compile_patterns : rules_compile)(cb,
			&en->rules, errs))) {
		engine_free(en);
		return rc;
	}
	if (opts && opts->norm) {
		en->norm = opts->norm;
	} else {
		struct normalize_opts no = { opts ? opts->no_repair : 0 };

		if ((rc = normalizer_new(&en->norm, &no, &e))) {
			engine_free(en);
			return add_err(errs, &e);
		}
		en->own_norm = 1;
	}
	*out = en;
	return 0;
}

int engine_open(const char *path, const struct engine_opts *opts, struct engine **out,
	struct kerr_list *errs)
{
	struct codebook *cb = NULL;
	int rc;

	*out = NULL;
	if ((rc = codebook_load(path, &cb, errs)))
		return rc;
	if (opts && opts->model) {
		/* a model trained apart from the codebook (koder train -o) */
		char *m = strdup(opts->model);

		if (!m) {
			struct kerr e;

			codebook_free(cb);
			return add_err(errs, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
		}
		free(cb->model);
		cb->model = m;
	} else if (opts && opts->no_model) {
		/* Patterns alone: the codebook's model is not read at all, so
		 * one that no longer loads (an older format, a damaged file) does
		 * not stop koder train from writing its replacement. */
		free(cb->model);
		cb->model = NULL;
	}
	if ((rc = engine_new(cb, opts, out, errs))) {
		codebook_free(cb);
		return rc;
	}
	(*out)->own_cb = cb;
	return 0;
}

void engine_free(struct engine *en)
{
	if (!en)
		return;
	rules_free(en->rules);
	if (en->own_norm)
		normalizer_free(en->norm);
	codebook_free(en->own_cb);
	free(en);
}

const struct codebook *engine_codebook(const struct engine *en)
{
	return en->cb;
}

struct rules *engine_rules(struct engine *en)
{
	return en->rules;
}

struct normalizer *engine_normalizer(struct engine *en)
{
	return en->norm;
}

struct normalizer *engine_take_normalizer(struct engine *en)
{
	if (!en->own_norm)
		return NULL;
	en->own_norm = 0;
	return en->norm;
}

int engine_code(struct engine *en, const char *text, size_t len, struct engine_answer *a,
	struct kerr *e)
{
	int rc = normalize_text(en->norm, text ? text : "", text ? len : 0, &a->n, e);

	return rc ? rc : rules_match(en->rules, &a->n, &a->res, e);
}

int engine_match(struct engine *en, struct engine_answer *a, struct kerr *e)
{
	return rules_match(en->rules, &a->n, &a->res, e);
}

int engine_codes_text(const struct engine *en, const struct rules_result *res,
	struct buf *out)
{
	size_t i;

	for (i = 0; i < res->ncats; i++)
		if ((i && buf_addch(out, ';')) || buf_adds(out, en->cb->cats[res->cats[i]].id))
			return KERR_NOMEM;
	return 0;
}

int engine_evidence_json(const struct engine *en, const struct rules_result *res,
	struct buf *out)
{
	size_t i;

	if (buf_addch(out, '['))
		return KERR_NOMEM;
	for (i = 0; i < res->nev; i++) {
		const struct rules_evidence *v = &res->ev[i];

		if (buf_addf(out, "%s{\"cat\":\"%s\",\"start\":%zu,\"end\":%zu}", i ? "," : "",
				en->cb->cats[v->cat].id, v->start, v->end))
			return KERR_NOMEM;
	}
	return buf_addch(out, ']') ? KERR_NOMEM : 0;
}
