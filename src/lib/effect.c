/*
 * effect.c - counts under two codebook versions side by side, and the
 * answers whose suggestions a codebook change moves.
 */
#include "effect.h"
#include "buf.h"
#include "cbdiff.h"
#include "codebook.h"
#include "corpus.h"
#include "engine.h"
#include "error.h"
#include "store.h"
#include "survey.h"
#include "tally.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNKNOWN "(ukendt)"
#define ALL "alle"

int effect_tally_new(const struct codebook *cb, const char *question,
	const char *const *extra, size_t nextra, const struct codebook *labels,
	struct tally **out, struct kerr *e)
{
	const struct codebook *netsrc = cb ? cb : labels;
	size_t ncb = netsrc ? netsrc->ncats + netsrc->nnets : 0, n = 0, i;
	struct tally_cat_def *defs = calloc(ncb + nextra + 1, sizeof(*defs));
	int rc;

	*out = NULL;
	if (!defs)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	for (i = 0; cb && i < cb->ncats; i++) {
		if (cb->cats[i].builtin)
			continue;
		defs[n].id = cb->cats[i].id;
		defs[n].label = cb->cats[i].label;
		defs[n].net = cb->cats[i].net;
		n++;
	}
	for (i = 0; i < nextra; i++) {
		long l = labels ? codebook_find(labels, extra[i]) : -1;
		size_t k;

		for (k = 0; k < n && strcmp(defs[k].id, extra[i]); k++)
			;
		if (k < n || !strcmp(extra[i], CODEBOOK_INGEN_SVAR))
			continue;
		defs[n].id = extra[i];
		defs[n].label = l >= 0 ? labels->cats[l].label : extra[i];
		defs[n].net = !cb && l >= 0 ? labels->cats[l].net : NULL;
		n++;
	}
	for (i = 0; netsrc && i < netsrc->nnets; i++) {
		defs[n].id = netsrc->nets[i].id;
		defs[n].label = netsrc->nets[i].label;
		defs[n].is_net = 1;
		n++;
	}
	rc = tally_new(out, question, NULL, cb ? cb->id : "", cb ? cb->title : "",
		cb ? cb->version : "", defs, n, e);
	free(defs);
	return rc;
}

int effect_count(struct tally *t, const char *wave, const char *role, int answered,
	const char *codes, int reviewed, struct kerr *e)
{
	unsigned char *flags = calloc(t->ncats + 1, 1);
	enum tally_kind kind = TALLY_EMPTY;
	long w = tally_wave(t, wave && *wave ? wave : UNKNOWN);
	long r = tally_role(t, role && *role ? role : UNKNOWN, NULL);
	long g = tally_group(t, ALL);
	int rc = 0;

	if (!flags || w < 0 || r < 0 || g < 0)
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	else if (answered)
		rc = tally_parse_codes(t, codes ? codes : "", flags, &kind, e);
	if (!rc && tally_add(t, (size_t)g, (size_t)w, (size_t)r, kind, flags, reviewed))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	free(flags);
	return rc;
}

/* ---- the table -------------------------------------------------------- */

static long dim_find(const struct tally_dim *d, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(d[i].name, name))
			return (long)i;
	return -1;
}

#define BASE_ROW (-1)   /* the Y line of a wave and role */
#define NO_CAT (-2)     /* the tally has no such category */

/* Category `cat`'s count in a cell (BASE_ROW: the base alone); has == 0
 * when the tally has no such category or nothing was counted there. */
static struct effect_cell cell_of(const struct tally *t, long cat, const char *wave,
	const char *role)
{
	long w = dim_find(t->waves, t->nwaves, wave), r = dim_find(t->roles, t->nroles, role);
	long g = dim_find(t->groups, t->ngroups, ALL);
	const struct tally_cell *c = NULL;
	struct effect_cell out = { 0, 0, 0 };

	if (w >= 0 && r >= 0 && g >= 0)
		c = tally_cell(t, (size_t)g, (size_t)w, (size_t)r);
	if (!c || cat == NO_CAT)
		return out;
	out.has = 1;
	out.y = c->base;
	out.x = cat == BASE_ROW ? 0 : c->count[cat];
	return out;
}

struct lines {
	struct effect_line *l;
	size_t n, cap;
};

static int add_line(struct lines *ls, const char *cat, const struct tally *before, long bc,
	const struct tally *after, long ac, const char *wave, const char *role)
{
	struct effect_line *l;

	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 64;
		struct effect_line *nl = realloc(ls->l, cap * sizeof(*nl));

		if (!nl)
			return KERR_NOMEM;
		ls->l = nl;
		ls->cap = cap;
	}
	l = &ls->l[ls->n++];
	l->category = cat;
	l->wave = wave;
	l->role = role;
	l->before = cell_of(before, bc, wave, role);
	l->after = cell_of(after, ac, wave, role);
	l->changed = l->before.has != l->after.has || (l->before.has
		&& (l->before.y != l->after.y || l->before.x != l->after.x));
	return 0;
}

/* Waves and roles of both tallies: `after`'s order, then any only `before`
 * has.  Returns borrowed names through *names (caller frees the array). */
static size_t union_dims(const struct tally_dim *a, size_t na, const struct tally_dim *b,
	size_t nb, const char ***names)
{
	size_t n = 0, i;

	*names = calloc(na + nb + 1, sizeof(**names));
	if (!*names)
		return 0;
	for (i = 0; i < na; i++)
		(*names)[n++] = a[i].name;
	for (i = 0; i < nb; i++)
		if (dim_find(a, na, b[i].name) < 0)
			(*names)[n++] = b[i].name;
	return n;
}

int effect_table_build(const struct tally *before, const struct tally *after,
	effect_in_use in_use, void *ctx, struct effect_table *out, struct kerr *e)
{
	const char **waves = NULL, **roles = NULL;
	size_t nw = union_dims(after->waves, after->nwaves, before->waves, before->nwaves, &waves);
	size_t nr = union_dims(after->roles, after->nroles, before->roles, before->nroles, &roles);
	struct lines ls = { NULL, 0, 0 };
	size_t i, w, r;
	int rc = 0;

	out->lines = NULL;
	out->n = 0;
	if (!waves || !roles)
		rc = KERR_NOMEM;
	for (w = 0; !rc && w < nw; w++)
		for (r = 0; !rc && r < nr; r++)
			rc = add_line(&ls, NULL, before, BASE_ROW, after, BASE_ROW, waves[w], roles[r]);
	for (i = 0; !rc && i < after->ncats; i++) {
		long bc = tally_cat_index(before, after->cats[i].id);

		for (w = 0; !rc && w < nw; w++) {
			long b = bc < 0 || (in_use && !in_use(ctx, after->cats[i].id, waves[w]))
				? NO_CAT : bc;

			for (r = 0; !rc && r < nr; r++)
				rc = add_line(&ls, after->cats[i].id, before, b, after, (long)i,
					waves[w], roles[r]);
		}
	}
	for (i = 0; !rc && i < before->ncats; i++) {
		if (tally_cat_index(after, before->cats[i].id) >= 0)
			continue;
		for (w = 0; !rc && w < nw; w++) {
			long b = in_use && !in_use(ctx, before->cats[i].id, waves[w]) ? NO_CAT
				: (long)i;

			for (r = 0; !rc && r < nr; r++)
				rc = add_line(&ls, before->cats[i].id, before, b, after, NO_CAT,
					waves[w], roles[r]);
		}
	}
	free(waves);
	free(roles);
	if (rc) {
		free(ls.l);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	out->lines = ls.l;
	out->n = ls.n;
	return 0;
}

void effect_table_release(struct effect_table *t)
{
	if (!t)
		return;
	free(t->lines);
	t->lines = NULL;
	t->n = 0;
}

/* ---- koder diff --db -------------------------------------------------- */

struct run {
	const struct codebook *old, *new_;
	struct engine *eold, *enew;    /* enew borrows eold's normalizer */
	struct engine_answer ans;
	struct tally *tb, *ta;
	const char *question;
	struct effect_result *res;
	size_t cap;              /* of res->changes */
	struct buf a, b;
	struct kerr *e;
};

static char *dup0(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*oom = 1;
	return d;
}

/* Remember an answer whose suggestion moved (copies of every string). */
static int add_change(struct run *r, const char *respondent, const char *wave,
	const char *role, const char *text)
{
	struct effect_result *res = r->res;
	struct effect_change *c;
	int oom = 0;

	if (res->nchanges == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct effect_change *nc = realloc(res->changes, cap * sizeof(*nc));

		if (!nc)
			return kerr_set(r->e, KERR_NOMEM, "out of memory");
		res->changes = nc;
		r->cap = cap;
	}
	c = &res->changes[res->nchanges++];
	c->respondent = dup0(respondent ? respondent : "", &oom);
	c->wave = dup0(wave, &oom);
	c->role = dup0(role, &oom);
	c->text = dup0(text, &oom);
	c->old_codes = dup0(r->b.data, &oom);
	c->new_codes = dup0(r->a.data, &oom);
	return oom ? kerr_set(r->e, KERR_NOMEM, "out of memory") : 0;
}

static int codes_of(struct run *r, struct engine *en, struct buf *out)
{
	int rc = engine_match(en, &r->ans, r->e);

	buf_reset(out);
	if (!rc && engine_codes_text(en, &r->ans.res, out))
		rc = kerr_set(r->e, KERR_NOMEM, "out of memory");
	return rc;
}

/* Code one answer with both versions, count it, and list it if it moved. */
static int one_text(struct run *r, const char *respondent, const char *wave, const char *role,
	const char *text)
{
	int answered = text && *text, rc;

	r->res->answers++;
	text = text ? text : "";
	rc = normalize_text(engine_normalizer(r->eold), text, strlen(text), &r->ans.n, r->e);
	if (!rc)
		rc = codes_of(r, r->eold, &r->b);
	if (!rc)
		rc = codes_of(r, r->enew, &r->a);
	if (!rc)
		rc = effect_count(r->res->before, wave, role, answered, r->b.data, 0, r->e);
	if (!rc)
		rc = effect_count(r->res->after, wave, role, answered, r->a.data, 0, r->e);
	if (!rc && answered && strcmp(r->a.data, r->b.data))
		rc = add_change(r, respondent, wave, role, text);
	return rc;
}

static int one_answer(void *ctx, const struct store_answer *a)
{
	struct run *r = ctx;

	if (strcmp(a->codebook_id ? a->codebook_id : "", r->new_->id)
		|| (r->question && strcmp(a->question, r->question)))
		return 0;
	return one_text(r, a->respondent, a->wave, a->role, a->text);
}

/* Every row of a corpus's survey, for the question `q`. */
static int each_row(struct run *r, const struct corpus *c, const struct corpus_question *q,
	struct kerr *e)
{
	struct survey_opts so = { 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey *sv = NULL;
	struct survey_row row;
	struct buf path = BUF_INIT;
	int rc;

	so.question = q->id ? q->id : q->column;
	if (corpus_resolve(c, c->survey, &path)) {
		rc = kerr_set(e, KERR_NOTFOUND, "the survey file '%s' of the corpus is missing",
			path.data);
		buf_release(&path);
		return rc;
	}
	buf_release(&path);
	if ((rc = survey_open(&sv, c, NULL, &so, &errs)) && errs.n && e)
		*e = errs.items[0];
	kerr_list_release(&errs);
	while (!rc) {
		int got = survey_next(sv, &row, e);

		if (got == SURVEY_END)
			break;
		if (got < 0) {
			rc = -got;
			break;
		}
		rc = one_text(r, row.respondent, row.wave, row.role, row.answer[0]);
	}
	survey_close(sv);
	return rc;
}

/* Pick the corpus question: the one asked for, or the only one. */
static int pick_question(const struct corpus *c, const char *question,
	const struct corpus_question **q, struct kerr *e)
{
	struct buf ids = BUF_INIT;
	size_t i;

	*q = question ? corpus_question_find(c, question) : c->nquestions == 1
		? &c->questions[0] : NULL;
	if (*q)
		return 0;
	for (i = 0; i < c->nquestions; i++)
		buf_addf(&ids, "%s%s", i ? ", " : "", c->questions[i].id);
	kerr_set(e, KERR_NOTFOUND, question ? "the corpus has no question '%s'; it has: %s"
		: "the corpus has several questions%s; choose one with --question: %s",
		question ? question : "", ids.data);
	buf_release(&ids);
	return KERR_NOTFOUND;
}

int effect_compute(const char *db, const char *corpus, const char *question,
	const struct codebook *old, const struct codebook *new_, struct effect_result *out,
	struct kerr *e)
{
	struct run r;
	struct store *s = NULL;
	struct corpus c;
	const struct corpus_question *q = NULL;
	struct kerr_list errs = KERR_LIST_INIT;
	int rc, have_corpus = 0;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	buf_init(&r.a, 0);
	buf_init(&r.b, 0);
	r.old = old;
	r.new_ = new_;
	r.question = question;
	r.res = out;
	r.e = e;
	engine_answer_init(&r.ans);
	if (db) {
		rc = store_open(&s, db, STORE_READONLY, e);
	} else if (!(rc = corpus_load(&c, corpus, &errs))) {
		have_corpus = 1;
		rc = pick_question(&c, question, &q, e);
	}
	if (!rc && (rc = engine_new(old, NULL, &r.eold, &errs)) == 0) {
		struct engine_opts eo = { .norm = engine_normalizer(r.eold) };

		rc = engine_new(new_, &eo, &r.enew, &errs);
	}
	if (rc && errs.n && e)
		*e = errs.items[0];
	if (!rc)
		rc = effect_tally_new(old, question, NULL, 0, NULL, &out->before, e);
	if (!rc)
		rc = effect_tally_new(new_, question, NULL, 0, NULL, &out->after, e);
	/* a corpus's wave and role order is the report order */
	for (size_t i = 0; !rc && have_corpus && i < c.nwaves; i++)
		if (tally_wave(out->before, c.waves[i].name) < 0
			|| tally_wave(out->after, c.waves[i].name) < 0)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	for (size_t i = 0; !rc && have_corpus && i < c.nroles; i++)
		if (tally_role(out->before, c.roles[i].name, c.roles[i].plural) < 0
			|| tally_role(out->after, c.roles[i].name, c.roles[i].plural) < 0)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	if (!rc)
		rc = s ? store_each_answer(s, NULL, one_answer, &r, e) : each_row(&r, &c, q, e);
	if (!rc && !out->answers)
		rc = kerr_set(e, KERR_NOTFOUND, "'%s' has no answers coded with codebook %s%s%s",
			db ? db : corpus, new_->id, question ? " for question " : "",
			question ? question : "");
	if (!rc)
		rc = effect_table_build(out->before, out->after, NULL, NULL, &out->table, e);
	if (have_corpus)
		corpus_release(&c);
	store_close(s);
	engine_free(r.enew);
	engine_free(r.eold);
	engine_answer_release(&r.ans);
	buf_release(&r.a);
	buf_release(&r.b);
	kerr_list_release(&errs);
	return rc;
}

void effect_result_release(struct effect_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nchanges; i++) {
		struct effect_change *c = &r->changes[i];

		free(c->respondent);
		free(c->wave);
		free(c->role);
		free(c->text);
		free(c->old_codes);
		free(c->new_codes);
	}
	free(r->changes);
	effect_table_release(&r->table);
	tally_free(r->before);
	tally_free(r->after);
	memset(r, 0, sizeof(*r));
}
