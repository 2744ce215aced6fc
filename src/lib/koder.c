/*
 * koder.c - the public interface (include/koder.h) over the library's
 * modules: engine.h for coding, survey.h for reading surveys, tally.h for
 * counts, store.h and project.h for the project store, session.h for the
 * review session and double-coding samples.
 *
 * Why a layer of its own: the modules' structs and kerr records are the
 * library's inside and change with it; a program that links libkoder.a
 * sees only koder_* names and plain structs, so the inside can change
 * without breaking it.  Nothing here decides anything the modules do not:
 * each function translates arguments, calls one module, and translates
 * the result and the error back.
 */
#include "koder.h"

#include "buf.h"
#include "codebook.h"
#include "corpus.h"
#include "engine.h"
#include "error.h"
#include "project.h"
#include "session.h"
#include "store.h"
#include "survey.h"
#include "tally.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>

/* ---- errors ------------------------------------------------------------ */

static int put_err(koder_error *err, const struct kerr *e, size_t more)
{
	if (err) {
		memset(err, 0, sizeof *err);
		err->code = (int)e->code;
		err->sys_errno = e->sys_errno;
		memcpy(err->file, e->file, sizeof err->file);
		err->line = e->line;
		err->col = e->col;
		memcpy(err->path, e->path, sizeof err->path);
		memcpy(err->message, e->msg, sizeof err->message);
		err->more = more;
	}
	return (int)e->code;
}

/* The first problem of a list (and how many more), or `rc` alone. */
static int put_list(koder_error *err, const struct kerr_list *l, int rc)
{
	struct kerr e;

	if (l->n)
		return put_err(err, &l->items[0], l->n - 1), rc ? rc : (int)l->items[0].code;
	kerr_clear(&e);
	kerr_set(&e, rc, "%s", kerr_name(rc));
	return put_err(err, &e, 0);
}

static int nomem(koder_error *err)
{
	struct kerr e;

	kerr_clear(&e);
	kerr_set(&e, KERR_NOMEM, "out of memory");
	return put_err(err, &e, 0);
}

static int invalid(koder_error *err, const char *what)
{
	struct kerr e;

	kerr_clear(&e);
	kerr_set(&e, KERR_INVALID, "%s", what);
	return put_err(err, &e, 0);
}

KODER_API const char *koder_version(void)
{
	return KODER_VERSION;
}

KODER_API const char *koder_status_name(int code)
{
	return kerr_name((enum kerr_code)code);
}

KODER_API size_t koder_error_format(const koder_error *err, char *out, size_t size)
{
	struct kerr e;
	struct buf b = BUF_INIT;
	size_t n;

	kerr_clear(&e);
	e.code = (enum kerr_code)err->code;
	memcpy(e.file, err->file, sizeof e.file);
	e.line = err->line;
	e.col = err->col;
	memcpy(e.path, err->path, sizeof e.path);
	memcpy(e.msg, err->message, sizeof e.msg);
	kerr_format(&e, &b);
	n = b.len;
	if (size) {
		size_t k = n < size ? n : size - 1;

		memcpy(out, b.data, k);
		out[k] = '\0';
	}
	buf_release(&b);
	return n;
}

/* ---- engine ------------------------------------------------------------ */

struct koder_engine {
	struct engine *en;
	const struct codebook *cb;
};

KODER_API int koder_engine_open(const char *codebook, const koder_engine_opts *opts,
	koder_engine **out, koder_error *err)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct engine_opts eo = { 0 };
	struct buf path = BUF_INIT;
	struct kerr e;
	koder_engine *k;
	int rc;

	*out = NULL;
	if (!codebook)
		return invalid(err, "no codebook given");
	if (!(k = calloc(1, sizeof *k)))
		return nomem(err);
	if (opts) {
		eo.no_repair = opts->no_repair;
		eo.no_model = opts->no_model;
	}
	kerr_clear(&e);
	if ((rc = codebook_resolve(codebook, &path, &e))) {
		put_err(err, &e, 0);
		free(k);
		buf_release(&path);
		return rc;
	}
	if ((rc = engine_open(path.data, &eo, &k->en, &errs))) {
		put_list(err, &errs, rc);
		free(k);
	} else {
		/* the "why" of a coding includes the matches that did not count */
		rules_set_explain(engine_rules(k->en), 1);
		k->cb = engine_codebook(k->en);
		*out = k;
	}
	kerr_list_release(&errs);
	buf_release(&path);
	return rc;
}

KODER_API void koder_engine_close(koder_engine *k)
{
	if (!k)
		return;
	engine_free(k->en);
	free(k);
}

KODER_API const char *koder_engine_codebook_id(const koder_engine *k)
{
	return k->cb->id ? k->cb->id : "";
}

KODER_API const char *koder_engine_codebook_title(const koder_engine *k)
{
	return k->cb->title ? k->cb->title : "";
}

KODER_API const char *koder_engine_codebook_version(const koder_engine *k)
{
	return k->cb->version ? k->cb->version : "";
}

KODER_API size_t koder_engine_ncategories(const koder_engine *k)
{
	return k->cb->ncats;
}

KODER_API int koder_engine_category(const koder_engine *k, size_t i, koder_category *out)
{
	const struct codebook_category *c;

	if (i >= k->cb->ncats)
		return KERR_INVALID;
	c = &k->cb->cats[i];
	out->id = c->id;
	out->label = c->label;
	out->net = c->net;
	out->residual = (long)i == k->cb->andet;
	out->nonsubstantive = (long)i == k->cb->ingen_svar;
	return 0;
}

KODER_API long koder_engine_find(const koder_engine *k, const char *id)
{
	return id ? codebook_find(k->cb, id) : -1;
}

/* ---- coding ------------------------------------------------------------ */

struct koder_coding {
	const koder_engine *k;      /* of the last koder_code */
	struct engine_answer ans;
	struct buf codes;
	int blank;                  /* nothing but white space was written */
};

KODER_API int koder_coding_new(koder_coding **out, koder_error *err)
{
	if (!(*out = calloc(1, sizeof **out)))
		return nomem(err);
	engine_answer_init(&(*out)->ans);
	buf_init(&(*out)->codes, 0);
	return 0;
}

KODER_API void koder_coding_free(koder_coding *c)
{
	if (!c)
		return;
	engine_answer_release(&c->ans);
	buf_release(&c->codes);
	free(c);
}

KODER_API int koder_code(koder_engine *k, const char *text, size_t len, koder_coding *out,
	koder_error *err)
{
	struct kerr e;
	int rc;

	kerr_clear(&e);
	out->k = k;
	buf_reset(&out->codes);
	out->blank = 1;
	for (size_t i = 0; text && i < len && out->blank; i++)
		out->blank = strchr(" \t\r\n", text[i]) != NULL;
	if ((rc = engine_code(k->en, text, len, &out->ans, &e)))
		return put_err(err, &e, 0);
	if (engine_codes_text(k->en, &out->ans.res, &out->codes))
		return nomem(err);
	return 0;
}

KODER_API int koder_coding_status(const koder_coding *c)
{
	const struct rules_result *r = &c->ans.res;

	return r->nonsubstantive ? KODER_INGEN_SVAR : r->residual ? KODER_ANDET
		: r->uncoded ? KODER_UNCODED : KODER_CODED;
}

KODER_API size_t koder_coding_ncodes(const koder_coding *c)
{
	return c->ans.res.ncats;
}

KODER_API size_t koder_coding_code(const koder_coding *c, size_t i)
{
	return i < c->ans.res.ncats ? c->ans.res.cats[i] : (size_t)-1;
}

KODER_API const char *koder_coding_codes_text(const koder_coding *c)
{
	return c->codes.data;
}

/* Reasons: the evidence of each code, andet's (which has none), then what
 * did not count. */
static size_t nresidual(const koder_coding *c)
{
	return c->ans.res.residual ? 1 : 0;
}

KODER_API size_t koder_coding_nreasons(const koder_coding *c)
{
	return c->ans.res.nev + nresidual(c) + c->ans.res.nwhy;
}

KODER_API int koder_coding_reason(const koder_coding *c, size_t i, koder_reason *out)
{
	const struct rules_result *r = &c->ans.res;
	const struct codebook *cb;

	if (!c->k || i >= koder_coding_nreasons(c))
		return KERR_INVALID;
	cb = c->k->cb;
	memset(out, 0, sizeof *out);
	if (i < r->nev) {
		const struct rules_evidence *v = &r->ev[i];

		out->category = v->cat;
		out->start = v->start;
		out->end = v->end;
		if (v->pattern == RULES_MODEL_PATTERN) {
			out->why = KODER_WHY_MODEL;
		} else if (v->pattern == RULES_NO_PATTERN) {
			out->why = KODER_WHY_NONSUBSTANTIVE;
		} else {
			out->why = KODER_WHY_PATTERN;
			out->pattern = v->pattern;
			out->pattern_text = cb->cats[v->cat].include[v->pattern];
		}
		return 0;
	}
	i -= r->nev;
	if (i < nresidual(c)) {
		out->why = KODER_WHY_RESIDUAL;
		out->category = (size_t)cb->andet;
		out->end = c->ans.n.key_map[c->ans.n.key.len];
		return 0;
	}
	i -= nresidual(c);
	{
		const struct rules_why *w = &r->why[i];
		const struct codebook_category *cc = &cb->cats[w->cat];

		out->category = w->cat;
		out->pattern = w->pattern;
		out->start = w->start;
		out->end = w->end;
		if (w->kind == RULES_WHY_NEGATED) {
			out->why = KODER_WHY_NEGATED;
			out->pattern_text = w->pattern < cc->ninclude ? cc->include[w->pattern] : NULL;
			out->cue_start = w->cue_start;
			out->cue_end = w->cue_end;
		} else {
			out->why = KODER_WHY_EXCLUDED;
			out->pattern_text = w->pattern < cc->nexclude ? cc->exclude[w->pattern] : NULL;
		}
	}
	return 0;
}

KODER_API const char *koder_coding_repaired(const koder_coding *c)
{
	return c->ans.n.text.data ? c->ans.n.text.data : "";
}

/* ---- survey ------------------------------------------------------------ */

struct koder_survey {
	struct corpus c;
	struct survey *s;
	char **codebooks;           /* [nquestions]: resolved paths, or NULL */
	size_t nq;
};

static int spec_corpus(const koder_survey_spec *sp, struct corpus *c, struct kerr_list *errs)
{
	int rc;

	if (sp->corpus) {
		if ((rc = corpus_load(c, sp->corpus, errs)))
			return rc;
	} else if (corpus_init(c)) {
		return KERR_NOMEM;
	}
	if ((sp->file && corpus_set_survey(c, sp->file))
	    || (sp->id && corpus_set_str(&c->id_col, sp->id))
	    || (sp->wave && corpus_set_str(&c->wave_col, sp->wave))
	    || (sp->role && corpus_set_role_col(c, sp->role)))
		return KERR_NOMEM;
	if (sp->text) {
		/* the column given replaces the descriptor's questions */
		const struct corpus_question *q = corpus_question_find(c, sp->text);
		const char *cb = sp->codebook ? sp->codebook : q ? q->codebook : NULL;
		char *id = strdup(q && q->id ? q->id : sp->text), *book = cb ? strdup(cb) : NULL;

		if (!id || (cb && !book)) {
			free(id);
			free(book);
			return KERR_NOMEM;
		}
		for (size_t i = 0; i < c->nquestions; i++)
			corpus_question_release(&c->questions[i]);
		c->nquestions = 0;
		rc = corpus_add_question(c, id, sp->text, book);
		free(id);
		free(book);
		return rc;
	}
	return 0;
}

KODER_API int koder_survey_open(const koder_survey_spec *spec, koder_survey **out,
	koder_error *err)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey_opts so = { 0 };
	koder_survey *k;
	int rc;

	*out = NULL;
	if (!spec)
		return invalid(err, "no survey given");
	if (!(k = calloc(1, sizeof *k)))
		return nomem(err);
	if ((rc = spec_corpus(spec, &k->c, &errs))) {
		put_list(err, &errs, rc);
		goto fail;
	}
	so.question = spec->text ? NULL : spec->question;
	if ((rc = survey_open(&k->s, &k->c, NULL, &so, &errs))) {
		put_list(err, &errs, rc);
		goto fail;
	}
	k->nq = survey_nquestions(k->s);
	if (!(k->codebooks = calloc(k->nq + 1, sizeof *k->codebooks))) {
		rc = nomem(err);
		goto fail;
	}
	for (size_t i = 0; i < k->nq; i++) {
		const struct corpus_question *q = survey_question(k->s, i);
		struct buf path = BUF_INIT;

		if (!q->codebook)
			continue;
		/* a shipped name (--codebook sof-barrierer) or a path beside the
		 * descriptor */
		if (spec->text && spec->codebook ? codebook_resolve(q->codebook, &path, NULL)
		    : corpus_resolve(&k->c, q->codebook, &path)) {
			buf_reset(&path);
			buf_adds(&path, q->codebook);
		}
		k->codebooks[i] = buf_detach(&path, NULL);
	}
	kerr_list_release(&errs);
	*out = k;
	return 0;
fail:
	kerr_list_release(&errs);
	koder_survey_close(k);
	return rc;
}

KODER_API void koder_survey_close(koder_survey *k)
{
	if (!k)
		return;
	survey_close(k->s);
	for (size_t i = 0; k->codebooks && i < k->nq; i++)
		free(k->codebooks[i]);
	free(k->codebooks);
	corpus_release(&k->c);
	free(k);
}

KODER_API size_t koder_survey_nquestions(const koder_survey *k)
{
	return k->nq;
}

KODER_API const char *koder_survey_question(const koder_survey *k, size_t i)
{
	const struct corpus_question *q = survey_question(k->s, i);

	return !q ? NULL : q->id ? q->id : q->column;
}

KODER_API const char *koder_survey_codebook(const koder_survey *k, size_t i)
{
	return i < k->nq ? k->codebooks[i] : NULL;
}

KODER_API int koder_survey_next(koder_survey *k, koder_row *row, koder_error *err)
{
	struct survey_row r;
	struct kerr e;
	int got;

	kerr_clear(&e);
	memset(row, 0, sizeof *row);
	got = survey_next(k->s, &r, &e);
	if (got < 0)
		return put_err(err, &e, 0), got;
	if (got == SURVEY_END)
		return 0;
	row->line = r.line;
	row->respondent = r.respondent;
	row->wave = r.wave;
	row->role = r.role;
	row->nanswers = k->nq;
	row->answers = r.answer;
	if (r.dup_line > 0) {
		survey_dup_error(k->s, &r, &e);
		put_err(err, &e, 0);
		return -KERR_SCHEMA;
	}
	return 1;
}

/* ---- tally ------------------------------------------------------------- */

struct koder_tally {
	const koder_engine *k;
	struct tally *t;
	long *cb2t;
	unsigned char *flags;
	struct tally_cell_ref *cells;   /* the cell list, made when asked for */
	size_t ncells, cap;
	int stale;
};

KODER_API int koder_tally_new(const koder_engine *k, const char *question, koder_tally **out,
	koder_error *err)
{
	struct kerr e;
	koder_tally *t;
	int rc;

	*out = NULL;
	kerr_clear(&e);
	if (!(t = calloc(1, sizeof *t)))
		return nomem(err);
	t->k = k;
	t->stale = 1;
	if ((rc = tally_of_codebook(k->cb, question ? question : "", question, &t->t, &t->cb2t,
			&e))) {
		free(t);
		return put_err(err, &e, 0);
	}
	if (!(t->flags = calloc(t->t->ncats + 1, 1))) {
		koder_tally_free(t);
		return nomem(err);
	}
	*out = t;
	return 0;
}

KODER_API void koder_tally_free(koder_tally *t)
{
	if (!t)
		return;
	tally_free(t->t);
	free(t->cb2t);
	free(t->flags);
	free(t->cells);
	free(t);
}

static int count(koder_tally *t, const char *wave, const char *role, enum tally_kind kind,
	int reviewed, koder_error *err)
{
	long w = tally_wave(t->t, wave && *wave ? wave : SURVEY_UNKNOWN);
	long r = tally_role(t->t, role && *role ? role : SURVEY_UNKNOWN, NULL);

	if (w < 0 || r < 0 || tally_add(t->t, 0, (size_t)w, (size_t)r, kind, t->flags, reviewed))
		return nomem(err);
	t->stale = 1;
	return 0;
}

KODER_API int koder_tally_add(koder_tally *t, const char *wave, const char *role,
	const koder_coding *c, koder_error *err)
{
	const struct rules_result *r = &c->ans.res;
	enum tally_kind kind = r->nonsubstantive ? TALLY_NONSUBST : TALLY_SUBST;

	if (c->k != t->k)
		return invalid(err, "the answer was coded with another engine than the tally's");
	memset(t->flags, 0, t->t->ncats);
	for (size_t i = 0; i < r->ncats; i++)
		if (t->cb2t[r->cats[i]] >= 0)
			t->flags[t->cb2t[r->cats[i]]] = 1;
	if (c->blank)
		kind = TALLY_EMPTY;  /* nothing written: a respondent, not an answer */
	return count(t, wave, role, kind, 0, err);
}

KODER_API int koder_tally_add_codes(koder_tally *t, const char *wave, const char *role,
	const char *codes, int reviewed, koder_error *err)
{
	enum tally_kind kind = TALLY_EMPTY;
	struct kerr e;

	kerr_clear(&e);
	if (codes && *codes && tally_parse_codes(t->t, codes, t->flags, &kind, &e))
		return put_err(err, &e, 0);
	return count(t, wave, role, kind, reviewed, err);
}

static int collect(void *ctx, const struct tally_cell_ref *x)
{
	koder_tally *t = ctx;

	if (t->ncells == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct tally_cell_ref *n = realloc(t->cells, cap * sizeof *n);

		if (!n)
			return KERR_NOMEM;
		t->cells = n;
		t->cap = cap;
	}
	t->cells[t->ncells++] = *x;
	return 0;
}

static int refresh(koder_tally *t)
{
	if (!t->stale)
		return 0;
	t->ncells = 0;
	if (tally_each_cell(&t->t, 1, collect, t))
		return KERR_NOMEM;
	t->stale = 0;
	return 0;
}

KODER_API size_t koder_tally_ncells(koder_tally *t)
{
	return refresh(t) ? 0 : t->ncells;
}

KODER_API int koder_tally_cell(koder_tally *t, size_t i, koder_cell *out)
{
	const struct tally_cell_ref *x;

	if (refresh(t))
		return KERR_NOMEM;
	if (i >= t->ncells)
		return KERR_INVALID;
	x = &t->cells[i];
	out->question = x->t->qid ? x->t->qid : x->t->question;
	out->codebook = x->t->codebook_id;
	out->wave = x->t->waves[x->w].name;
	out->role = x->t->roles[x->r].name;
	out->category = x->t->cats[x->k].id;
	out->label = x->t->cats[x->k].label;
	out->net = x->t->cats[x->k].is_net;
	out->count = x->c->count[x->k];
	out->base = x->c->base;
	out->share = x->c->base ? (double)out->count / (double)out->base : 0.0;
	out->respondents = x->c->respondents;
	out->reviewed = x->c->reviewed;
	return 0;
}

/* ---- project store ----------------------------------------------------- */

struct koder_project {
	struct store *s;
};

KODER_API int koder_project_open(const char *path, int create, koder_project **out,
	koder_error *err)
{
	struct kerr e;
	int rc;

	*out = NULL;
	kerr_clear(&e);
	if (!path)
		return invalid(err, "no store given");
	if (!(*out = calloc(1, sizeof **out)))
		return nomem(err);
	if ((rc = store_open(&(*out)->s, path, create ? STORE_CREATE : 0, &e))) {
		free(*out);
		*out = NULL;
		return put_err(err, &e, 0);
	}
	return 0;
}

KODER_API void koder_project_close(koder_project *p)
{
	if (!p)
		return;
	store_close(p->s);
	free(p);
}

KODER_API int koder_project_add_survey(koder_project *p, const char *corpus,
	const char *question, size_t *nanswers, koder_error *err)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct project_stats st;
	struct corpus c;
	int rc;

	memset(&st, 0, sizeof(st));
	if (!corpus)
		return invalid(err, "no corpus descriptor given");
	if (!(rc = corpus_load(&c, corpus, &errs))) {
		rc = project_add_survey(p->s, &c, question, &st, &errs);
		corpus_release(&c);
	}
	if (rc)
		put_list(err, &errs, rc);
	else if (nanswers)
		*nanswers = st.answers;
	kerr_list_release(&errs);
	return rc;
}

struct each_ctx {
	int (*fn)(void *ctx, const koder_answer *a);
	void *ctx;
};

static int each_final(void *ctx, const struct store_final *f)
{
	struct each_ctx *x = ctx;
	koder_answer a;

	a.id = f->answer->id;
	a.question = f->answer->question;
	a.respondent = f->answer->respondent;
	a.wave = f->answer->wave;
	a.role = f->answer->role;
	a.text = f->answer->text;
	a.suggested = f->suggested;
	a.codes = f->codes;
	a.coder = f->coder;
	return x->fn(x->ctx, &a);
}

KODER_API int koder_project_each_answer(koder_project *p, const char *question,
	int (*fn)(void *ctx, const koder_answer *a), void *ctx, koder_error *err)
{
	struct each_ctx x = { fn, ctx };
	struct kerr e;
	int rc;

	kerr_clear(&e);
	rc = store_each_final(p->s, question, each_final, &x, &e);
	if (rc && e.code)
		put_err(err, &e, 0);
	return rc;
}

static int first_suggestion(void *ctx, const struct store_suggestion *g)
{
	char **out = ctx;

	free(*out);
	*out = strdup(g->codes ? g->codes : "");
	return 0;
}

KODER_API int koder_project_decide(koder_project *p, long long answer_id, const char *coder,
	const char *codes, const char *note, koder_error *err)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct store_answer a;
	struct store_decision d;
	struct codebook *cb = NULL;
	struct buf canon = BUF_INIT;
	char *sugg = NULL;
	struct kerr e;
	int rc;

	if (!coder || !*coder || !codes)
		return invalid(err, "a decision needs a coder and codes");
	kerr_clear(&e);
	memset(&a, 0, sizeof a);
	memset(&d, 0, sizeof d);
	if ((rc = store_get_answer(p->s, answer_id, &a, &e)))
		return put_err(err, &e, 0);
	if ((rc = project_codebook_of(p->s, a.question, &cb, &errs))) {
		put_list(err, &errs, rc);
		goto out;
	}
	if ((rc = project_canon_codes(cb, codes, &canon, &e))
	    || (rc = store_get_suggestion(p->s, answer_id, first_suggestion, &sugg, &e))) {
		put_err(err, &e, 0);
		goto out;
	}
	d.answer_id = answer_id;
	d.coder = coder;
	d.codebook_id = cb->id;
	d.codebook_version = cb->version ? cb->version : "";
	d.codes = canon.data;
	d.suggested = sugg;
	d.action = sugg && store_codes_equal(sugg, canon.data) ? "confirm" : "override";
	d.note = note && *note ? note : NULL;
	if ((rc = store_add_decision(p->s, &d, NULL, &e)))
		put_err(err, &e, 0);
out:
	store_answer_release(&a);
	codebook_free(cb);
	buf_release(&canon);
	free(sugg);
	kerr_list_release(&errs);
	return rc;
}

/* ---- review session ---------------------------------------------------- */

struct koder_session {
	struct session *ss;
	struct session_answer cur;        /* the last answer handed out */
	koder_session_coder *coders;      /* its coders, converted */
	size_t ccap;
	struct buf start;                 /* its start set as ids */
};

/* A kerr-returning call's result as a koder status. */
static int done(koder_error *err, int rc, const struct kerr *e)
{
	return rc ? put_err(err, e, 0) : 0;
}

KODER_API int koder_session_open(koder_project *p, const char *question, const char *coder,
	int mode, koder_session **out, koder_error *err)
{
	struct kerr e;
	int rc;

	*out = NULL;
	if (!p || !question || !coder || !*coder)
		return invalid(err, "a session needs a project, a question and a coder");
	if (mode != KODER_SESSION_CODE && mode != KODER_SESSION_ADJUDICATE)
		return invalid(err, "the mode is KODER_SESSION_CODE or KODER_SESSION_ADJUDICATE");
	if (!(*out = calloc(1, sizeof **out)))
		return nomem(err);
	buf_init(&(*out)->start, 0);
	kerr_clear(&e);
	rc = session_open(&(*out)->ss, p->s, question, coder,
		mode == KODER_SESSION_ADJUDICATE ? SESSION_ADJUDICATE : SESSION_CODE, &e);
	if (rc) {
		free(*out);
		*out = NULL;
		return put_err(err, &e, 0);
	}
	return 0;
}

KODER_API void koder_session_close(koder_session *s)
{
	if (!s)
		return;
	session_close(s->ss);
	free(s->coders);
	buf_release(&s->start);
	free(s);
}

KODER_API int koder_session_current(koder_session *s, koder_session_answer *out,
	koder_error *err)
{
	struct session_answer *a = &s->cur;
	struct kerr e;
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	kerr_clear(&e);
	if ((rc = session_current(s->ss, a, &e)))
		return put_err(err, &e, 0);
	if (a->ncoders > s->ccap) {
		koder_session_coder *np = realloc(s->coders, a->ncoders * sizeof *np);

		if (!np)
			return nomem(err);
		s->coders = np;
		s->ccap = a->ncoders;
	}
	for (i = 0; i < a->ncoders; i++) {
		s->coders[i].coder = a->coders[i].coder;
		s->coders[i].codes = a->coders[i].codes;
		s->coders[i].decided_at = a->coders[i].decided_at;
		s->coders[i].codebook_version = a->coders[i].codebook_version;
		s->coders[i].note = a->coders[i].note;
		s->coders[i].final = a->coders[i].final;
	}
	buf_reset(&s->start);
	if (session_set_codes(s->ss, a->start_set, &s->start))
		return nomem(err);
	out->id = a->id;
	out->pos = a->pos;
	out->respondent = a->respondent;
	out->wave = a->wave;
	out->role = a->role;
	out->text = a->text;
	out->suggested = a->suggested;
	out->decided = a->decided;
	out->codes = a->codes;
	out->decided_version = a->decided_version;
	out->note = a->note;
	out->start = s->start.data;
	out->coders = s->coders;
	out->ncoders = a->ncoders;
	out->codebook_version = a->codebook_version;
	out->disputed = a->disputed;
	out->adjudicated = a->adjudicated;
	out->uncertain = a->uncertain;
	out->older = a->older;
	return 0;
}

KODER_API size_t koder_session_count(const koder_session *s)
{
	return session_view_count(s->ss);
}

KODER_API size_t koder_session_pos(const koder_session *s)
{
	return session_pos(s->ss);
}

KODER_API int koder_session_move(koder_session *s, long step)
{
	int stuck = 0;

	for (; step > 0 && !stuck; step--)
		stuck = session_next(s->ss);
	for (; step < 0 && !stuck; step++)
		stuck = session_prev(s->ss);
	return stuck;
}

KODER_API int koder_session_goto(koder_session *s, long long id, koder_error *err)
{
	struct kerr e;

	kerr_clear(&e);
	if (session_goto_id(s->ss, id))
		return put_err(err, (kerr_set(&e, KERR_NOTFOUND, "answer %lld is not in the "
			"session's view; set another filter (KODER_FILTER_ALL shows every answer)",
			id), &e), 0);
	return 0;
}

KODER_API int koder_session_filter(koder_session *s, int filter, const char *category,
	koder_error *err)
{
	static const enum session_filter map[] = {
		SESSION_ALL, SESSION_UNREVIEWED, SESSION_UNCERTAIN, SESSION_BY_CODE,
		SESSION_DISPUTED, SESSION_OLDER, SESSION_NOTED
	};
	const struct codebook *cb = session_codebook(s->ss);
	struct kerr e;
	long cat = 0;

	if (filter < 0 || (size_t)filter >= sizeof map / sizeof *map)
		return invalid(err, "no such filter (enum koder_session_filter)");
	kerr_clear(&e);
	if (map[filter] == SESSION_BY_CODE
	    && (!category || (cat = codebook_find(cb, category)) < 0)) {
		kerr_set(&e, KERR_NOTFOUND, "'%s' is not a category of codebook %s",
			category ? category : "(none)", cb->id);
		kerr_path(&e, "%s", category ? category : "");
		return put_err(err, &e, 0);
	}
	return done(err, session_set_filter(s->ss, map[filter], (size_t)cat, &e), &e);
}

KODER_API int koder_session_search(koder_session *s, const char *search, koder_error *err)
{
	struct kerr e;
	int how = 0;

	if (!search || !*search)
		return invalid(err, "nothing to search for");
	kerr_clear(&e);
	return done(err, session_search(s->ss, search, &how, &e), &e);
}

KODER_API int koder_session_decide(koder_session *s, long long id, const char *codes,
	const char *note, koder_error *err)
{
	struct kerr e;

	if (!codes || !*codes)
		return invalid(err, "a decision needs codes (\"ingen_svar\" for no answer)");
	kerr_clear(&e);
	return done(err, session_decide(s->ss, id, codes, note, &e), &e);
}

KODER_API int koder_session_advance(koder_session *s)
{
	return session_advance(s->ss);
}

KODER_API int koder_session_undo(koder_session *s, long long *id, size_t *skipped,
	koder_error *err)
{
	struct kerr e;

	kerr_clear(&e);
	return done(err, session_undo(s->ss, id, skipped, &e), &e);
}

KODER_API int koder_session_note(koder_session *s, long long id, const char *note,
	koder_error *err)
{
	struct kerr e;

	kerr_clear(&e);
	return done(err, session_note(s->ss, id, note ? note : "", NULL, &e), &e);
}

KODER_API int koder_session_refresh(koder_session *s, koder_error *err)
{
	struct kerr e;

	kerr_clear(&e);
	return done(err, session_refresh(s->ss, &e), &e);
}

KODER_API void koder_session_progress(const koder_session *s, size_t *total, size_t *done_)
{
	struct session_progress pr;

	session_progress(s->ss, &pr);
	if (total)
		*total = pr.total;
	if (done_)
		*done_ = pr.done;
}

KODER_API int koder_session_sample_assign(koder_project *p, const char *question,
	const char *coder, size_t n, unsigned long long seed, size_t *assigned,
	koder_error *err)
{
	struct kerr e;
	size_t got = 0;
	int rc;

	if (!question || !coder || !*coder)
		return invalid(err, "a sample needs a question and a coder");
	kerr_clear(&e);
	rc = session_sample_assign(p->s, question, coder, n, seed, &got, &e);
	if (!rc && assigned)
		*assigned = got;
	return done(err, rc, &e);
}

struct sample_ctx {
	int (*fn)(void *ctx, const koder_sample_row *r);
	void *ctx;
};

static int sample_row(void *ctx, const struct session_sample_row *r)
{
	struct sample_ctx *x = ctx;
	koder_sample_row k;

	k.answer_id = r->answer_id;
	k.coder = r->coder;
	k.respondent = r->respondent;
	k.wave = r->wave;
	k.role = r->role;
	k.assigned_at = r->assigned_at;
	k.decided = r->decided;
	return x->fn(x->ctx, &k);
}

KODER_API int koder_session_sample_list(koder_project *p, const char *question,
	const char *coder, int (*fn)(void *ctx, const koder_sample_row *r), void *ctx,
	koder_error *err)
{
	struct sample_ctx x = { fn, ctx };
	struct kerr e;
	int rc;

	if (!fn)
		return invalid(err, "no function to call for each row");
	kerr_clear(&e);
	rc = session_sample_list(p->s, question, coder, sample_row, &x, &e);
	if (rc && e.code)
		put_err(err, &e, 0);
	return rc;
}

KODER_API int koder_session_sample_remove(koder_project *p, const char *question,
	const char *coder, size_t *removed, koder_error *err)
{
	struct kerr e;
	size_t n = 0;
	int rc;

	if (!question || !coder)
		return invalid(err, "removing a sample needs a question and a coder");
	kerr_clear(&e);
	rc = session_sample_remove(p->s, question, coder, &n, &e);
	if (!rc && removed)
		*removed = n;
	return done(err, rc, &e);
}

KODER_API int koder_session_sample_reassign(koder_project *p, const char *question,
	const char *from, const char *to, size_t *moved, koder_error *err)
{
	struct kerr e;
	size_t n = 0;
	int rc;

	if (!question || !from || !to || !*to)
		return invalid(err, "reassigning a sample needs a question and two coders");
	kerr_clear(&e);
	rc = session_sample_reassign(p->s, question, from, to, &n, &e);
	if (!rc && moved)
		*moved = n;
	return done(err, rc, &e);
}
