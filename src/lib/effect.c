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
#include "pii.h"
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
	size_t ncb = cb ? cb->ncats + cb->nnets : 0, n = 0, i;
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
		n++;
	}
	for (i = 0; cb && i < cb->nnets; i++) {
		defs[n].id = cb->nets[i].id;
		defs[n].label = cb->nets[i].label;
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

/* "X/Y" of category `cat` in a cell, "Y" for BASE_ROW, "-" when the tally
 * has no such category or nothing was counted there. */
static void cell_text(const struct tally *t, long cat, const char *wave, const char *role,
	char out[32])
{
	long w = dim_find(t->waves, t->nwaves, wave), r = dim_find(t->roles, t->nroles, role);
	long g = dim_find(t->groups, t->ngroups, ALL);
	const struct tally_cell *c = NULL;

	if (w >= 0 && r >= 0 && g >= 0)
		c = tally_cell(t, (size_t)g, (size_t)w, (size_t)r);
	if (!c || cat == NO_CAT)
		snprintf(out, 32, "-");
	else if (cat == BASE_ROW)
		snprintf(out, 32, "%zu", c->base);
	else
		snprintf(out, 32, "%zu/%zu", c->count[cat], c->base);
}

static void row(FILE *fp, const char *name, const struct tally *before, long bc,
	const struct tally *after, long ac, const char *wave, const char *role)
{
	char b[32], a[32];

	cell_text(before, bc, wave, role, b);
	cell_text(after, ac, wave, role, a);
	fprintf(fp, "  %-24s %-12s %-12s %9s %9s%s\n", name, wave, role, b, a,
		strcmp(a, b) ? "  *" : "");
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

int effect_write_table(const struct tally *before, const struct tally *after,
	const char *before_name, const char *after_name, effect_in_use in_use, void *ctx,
	FILE *fp, struct kerr *e)
{
	const char **waves = NULL, **roles = NULL;
	size_t nw = union_dims(after->waves, after->nwaves, before->waves, before->nwaves, &waves);
	size_t nr = union_dims(after->roles, after->nroles, before->roles, before->nroles, &roles);
	size_t i, w, r;

	if (!waves || !roles) {
		free(waves);
		free(roles);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	fprintf(fp, "\nAnført af X ud af Y, %s -> %s (* = changed, - = no such category):\n",
		before_name, after_name);
	fprintf(fp, "  %-24s %-12s %-12s %9s %9s\n", "category", "wave", "role", before_name,
		after_name);
	for (w = 0; w < nw; w++)
		for (r = 0; r < nr; r++)
			row(fp, "Y (substantive)", before, BASE_ROW, after, BASE_ROW, waves[w],
				roles[r]);
	for (i = 0; i < after->ncats; i++) {
		long bc = tally_cat_index(before, after->cats[i].id);

		for (w = 0; w < nw; w++) {
			long b = bc < 0 || (in_use && !in_use(ctx, after->cats[i].id, waves[w]))
				? NO_CAT : bc;

			for (r = 0; r < nr; r++)
				row(fp, after->cats[i].id, before, b, after, (long)i, waves[w],
					roles[r]);
		}
	}
	for (i = 0; i < before->ncats; i++) {
		if (tally_cat_index(after, before->cats[i].id) >= 0)
			continue;
		for (w = 0; w < nw; w++) {
			long b = in_use && !in_use(ctx, before->cats[i].id, waves[w]) ? NO_CAT
				: (long)i;

			for (r = 0; r < nr; r++)
				row(fp, before->cats[i].id, before, b, after, NO_CAT, waves[w],
					roles[r]);
		}
	}
	free(waves);
	free(roles);
	if (ferror(fp))
		return kerr_set(e, KERR_WRITE, "cannot write the table");
	return 0;
}

/* ---- koder diff --db -------------------------------------------------- */

struct run {
	const struct codebook *old, *new_;
	struct engine *eold, *enew;    /* enew borrows eold's normalizer */
	struct engine_answer ans;
	struct tally *tb, *ta;
	const char *question;
	FILE *fp;
	size_t answers, changed;
	struct buf a, b;
	unsigned mask;           /* PII kinds replaced in the quoted answers */
	struct buf masked, masked_id[3];   /* the answer; its id, wave, role */
	struct kerr *e;
};

static int codes_of(struct run *r, struct engine *en, struct buf *out)
{
	int rc = engine_match(en, &r->ans, r->e);

	buf_reset(out);
	if (!rc && engine_codes_text(en, &r->ans.res, out))
		rc = kerr_set(r->e, KERR_NOMEM, "out of memory");
	return rc;
}

/* Bytes of the first `chars` characters of UTF-8 text: a cut never splits
 * a character. */
static size_t snippet(const char *s, size_t chars)
{
	size_t i = 0;

	while (s[i] && chars) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars--;
	}
	return i;
}

/* Code one answer with both versions, count it, and list it if it moved. */
static int one_text(struct run *r, const char *respondent, const char *wave, const char *role,
	const char *text)
{
	int answered = text && *text, rc;

	r->answers++;
	text = text ? text : "";
	rc = normalize_text(engine_normalizer(r->eold), text, strlen(text), &r->ans.n, r->e);
	if (!rc)
		rc = codes_of(r, r->eold, &r->b);
	if (!rc)
		rc = codes_of(r, r->enew, &r->a);
	if (!rc)
		rc = effect_count(r->tb, wave, role, answered, r->b.data, 0, r->e);
	if (!rc)
		rc = effect_count(r->ta, wave, role, answered, r->a.data, 0, r->e);
	if (!rc && answered && strcmp(r->a.data, r->b.data)) {
		size_t cut;

		/* Masked whole, then cut: a cut first could leave half a CPR
		 * number that no longer looks like one. */
		if (!(text = pii_cell(text, r->mask, &r->masked, r->e))
		    || !(respondent = pii_cell(respondent, r->mask, &r->masked_id[0], r->e))
		    || (wave && !(wave = pii_cell(wave, r->mask, &r->masked_id[1], r->e)))
		    || (role && !(role = pii_cell(role, r->mask, &r->masked_id[2], r->e))))
			return KERR_NOMEM;
		cut = snippet(text, 70);
		if (!r->changed++)
			fprintf(r->fp, "\nAnswers whose suggested codes change (old -> new):\n");
		fprintf(r->fp, "  %s (%s, %s): %s -> %s\n    \"%.*s%s\"\n", respondent,
			wave && *wave ? wave : UNKNOWN, role && *role ? role : UNKNOWN, r->b.data,
			r->a.data, (int)cut, text, text[cut] ? "..." : "");
	}
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

int effect_write(const char *db, const char *corpus, const char *question,
	const struct codebook *old, const struct codebook *new_, unsigned mask, FILE *fp,
	struct kerr *e)
{
	struct run r;
	struct store *s = NULL;
	struct corpus c;
	const struct corpus_question *q = NULL;
	struct kerr_list errs = KERR_LIST_INIT;
	int rc, have_corpus = 0;

	memset(&r, 0, sizeof(r));
	buf_init(&r.a, 0);
	buf_init(&r.masked, 0);
	for (size_t i = 0; i < 3; i++)
		buf_init(&r.masked_id[i], 0);
	r.mask = mask;
	buf_init(&r.b, 0);
	r.old = old;
	r.new_ = new_;
	r.question = question;
	r.fp = fp;
	r.e = e;
	engine_answer_init(&r.ans);
	if (db) {
		rc = store_open(&s, db, STORE_READONLY, e);
	} else if (!(rc = corpus_load(&c, corpus, &errs))) {
		have_corpus = 1;
		rc = pick_question(&c, question, &q, e);
	}
	if (!rc && (rc = engine_new(old, NULL, &r.eold, &errs)) == 0) {
		struct engine_opts eo = { 0, 0, engine_normalizer(r.eold) };

		rc = engine_new(new_, &eo, &r.enew, &errs);
	}
	if (rc && errs.n && e)
		*e = errs.items[0];
	if (!rc)
		rc = effect_tally_new(old, question, NULL, 0, NULL, &r.tb, e);
	if (!rc)
		rc = effect_tally_new(new_, question, NULL, 0, NULL, &r.ta, e);
	/* a corpus's wave and role order is the report order */
	for (size_t i = 0; !rc && have_corpus && i < c.nwaves; i++)
		if (tally_wave(r.tb, c.waves[i].name) < 0 || tally_wave(r.ta, c.waves[i].name) < 0)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	for (size_t i = 0; !rc && have_corpus && i < c.nroles; i++)
		if (tally_role(r.tb, c.roles[i].name, c.roles[i].plural) < 0
			|| tally_role(r.ta, c.roles[i].name, c.roles[i].plural) < 0)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	if (!rc)
		rc = s ? store_each_answer(s, NULL, one_answer, &r, e) : each_row(&r, &c, q, e);
	if (!rc && !r.answers)
		rc = kerr_set(e, KERR_NOTFOUND, "'%s' has no answers coded with codebook %s%s%s",
			db ? db : corpus, new_->id, question ? " for question " : "",
			question ? question : "");
	if (!rc) {
		if (!r.changed)
			fprintf(fp, "\nNo answer's suggested codes change (%zu answers).\n", r.answers);
		else
			fprintf(fp, "\n%zu of %zu answers change their suggested codes.\n",
				r.changed, r.answers);
		rc = effect_write_table(r.tb, r.ta, "old", "new", NULL, NULL, fp, e);
	}
	if (have_corpus)
		corpus_release(&c);
	store_close(s);
	engine_free(r.enew);
	engine_free(r.eold);
	engine_answer_release(&r.ans);
	tally_free(r.tb);
	tally_free(r.ta);
	buf_release(&r.a);
	buf_release(&r.b);
	buf_release(&r.masked);
	for (size_t i = 0; i < 3; i++)
		buf_release(&r.masked_id[i]);
	kerr_list_release(&errs);
	return rc;
}
