/*
 * project.c - reading a survey into the project store (see project.h).
 */
#include "project.h"
#include "buf.h"
#include "codebook.h"
#include "corpus.h"
#include "csv.h"
#include "engine.h"
#include "table.h"
#include "error.h"
#include "pii.h"
#include "outfile.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#define NO_COLUMN ((size_t)-1)

int project_codebook(const struct corpus *c, const struct corpus_question *q,
	struct codebook **out, struct kerr_list *errs)
{
	struct buf path = BUF_INIT;
	int rc;

	*out = NULL;
	if (!q->codebook) {
		struct kerr e;

		kerr_clear(&e);
		kerr_set(&e, KERR_SCHEMA, "question '%s' names no codebook; give --codebook",
			q->id ? q->id : q->column);
		kerr_list_add(errs, &e);
		return KERR_SCHEMA;
	}
	corpus_resolve(c, q->codebook, &path);
	rc = codebook_load(path.data, out, errs);
	buf_release(&path);
	return rc;
}

/* ------------------------------------------------- duplicate respondents */

struct seen_slot {
	char *key;
	long line;
};

struct seen {
	struct seen_slot *slot;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* Remember `key` at `line`; returns the earlier line if it was there, 0 if
 * new, -1 when out of memory. */
static long seen_add(struct seen *t, const char *key, long line)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		size_t ncap = t->cap ? 2 * t->cap : 1024, j;
		struct seen_slot *ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return -1;
		for (j = 0; j < t->cap; j++) {
			if (!t->slot[j].key)
				continue;
			for (i = hash_str(t->slot[j].key) & (ncap - 1); ns[i].key; i = (i + 1) & (ncap - 1))
				;
			ns[i] = t->slot[j];
		}
		free(t->slot);
		t->slot = ns;
		t->cap = ncap;
	}
	for (i = hash_str(key) & (t->cap - 1); t->slot[i].key; i = (i + 1) & (t->cap - 1))
		if (!strcmp(t->slot[i].key, key))
			return t->slot[i].line;
	if (!(t->slot[i].key = strdup(key)))
		return -1;
	t->slot[i].line = line;
	t->n++;
	return 0;
}

static void seen_release(struct seen *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->slot[i].key);
	free(t->slot);
}

static int remember_codebooks(struct store *s, const struct corpus *c, const char *qid,
	struct kerr *e);

/* --------------------------------------------------------------- reading */

struct pq {                     /* one question being read */
	const struct corpus_question *q;
	struct codebook *cb;
	struct engine *en;
	size_t col;
};

struct reader {
	struct store *s;
	const struct corpus *c;
	struct kerr_list *errs;
	const char *file;
	struct pq *qs;
	size_t nq;
	size_t id_col, wave_col, role_col;
	size_t *by_col;
	struct engine_answer ans;
	struct buf codes, evidence;
	struct seen seen;
	struct project_stats st;
	int first_rc;
	struct table *tab;      /* the survey (value labels name waves/roles by code too) */
};

static int note(struct reader *r, int code, long line, const char *path,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int note(struct reader *r, int code, long line, const char *path,
	const char *fmt, ...)
{
	struct kerr e;
	va_list ap;

	kerr_clear(&e);
	e.code = code;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	kerr_at(&e, r->file, line, 0);
	if (path)
		kerr_path(&e, "%s", path);
	kerr_list_add(r->errs, &e);
	if (!r->first_rc)
		r->first_rc = code;
	return code;
}

static int add_err(struct reader *r, const struct kerr *e)
{
	kerr_list_add(r->errs, e);
	if (!r->first_rc)
		r->first_rc = e->code;
	return e->code;
}

static const char *group_name(const char *value, long idx, const char *name, int has_col,
	int listed)
{
	if (!has_col)
		return "(alle)";
	if (!value || !*value)
		return "(ukendt)";
	return (listed && idx >= 0) ? name : value;
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* The engine's codes for one answer and its evidence as JSON, into
 * r->codes and r->evidence. */
static int suggest(struct reader *r, struct pq *p, const char *text, struct kerr *e)
{
	int rc;

	buf_reset(&r->codes);
	buf_reset(&r->evidence);
	if ((rc = engine_code(p->en, text, strlen(text), &r->ans, e)))
		return rc;
	if (engine_codes_text(p->en, &r->ans.res, &r->codes)
	    || engine_evidence_json(p->en, &r->ans.res, &r->evidence))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
}

static char *extra_json(struct reader *r, const struct csv_row *row)
{
	cJSON *o = cJSON_CreateObject();
	char *out = NULL;
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < r->c->nby; i++)
		if (r->by_col[i] != NO_COLUMN && r->by_col[i] < row->n)
			cJSON_AddStringToObject(o, r->c->by[i], row->field[r->by_col[i]]);
	if (r->role_col != NO_COLUMN && r->role_col < row->n)
		cJSON_AddStringToObject(o, r->c->role_col, row->field[r->role_col]);
	out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

static int read_row(struct reader *r, const struct csv_row *row)
{
	const struct corpus *c = r->c;
	const char *id, *wave, *role, *wv = NULL, *rv = NULL;
	char *extra = NULL;
	size_t qi;
	long w = -1, ro = -1;
	int rc = 0;

	if (r->id_col >= row->n)
		return 0;
	id = row->field[r->id_col];
	if (r->wave_col != NO_COLUMN && r->wave_col < row->n) {
		wv = row->field[r->wave_col];
		w = corpus_wave_of(c, wv);
		if (w < 0 && table_value_code(r->tab, r->wave_col, wv))
			w = corpus_wave_of(c, table_value_code(r->tab, r->wave_col, wv));
	}
	if (r->role_col != NO_COLUMN && r->role_col < row->n) {
		rv = row->field[r->role_col];
		ro = corpus_role_of(c, rv);
		if (ro < 0 && table_value_code(r->tab, r->role_col, rv))
			ro = corpus_role_of(c, table_value_code(r->tab, r->role_col, rv));
	}
	wave = group_name(wv, w, w >= 0 ? c->waves[w].name : NULL,
		r->wave_col != NO_COLUMN, c->nwaves > 0);
	role = group_name(rv, ro, ro >= 0 ? c->roles[ro].name : NULL,
		r->role_col != NO_COLUMN, c->nroles > 0);
	if (is_blank(id))
		return note(r, KERR_SCHEMA, row->line, c->id_col,
			"empty respondent id; every row needs one");
	for (qi = 0; qi < r->nq && !rc; qi++) {
		struct pq *p = &r->qs[qi];
		struct store_answer a = { 0 };
		struct store_suggestion g = { 0 };
		struct kerr e;
		struct buf key = BUF_INIT;
		long prev;
		int added = 0;

		if (p->col >= row->n || is_blank(row->field[p->col]))
			continue;
		kerr_clear(&e);
		if (buf_addf(&key, "%zu\x1f%s\x1f%s", qi, wave, id)
		    || (prev = seen_add(&r->seen, key.data, row->line)) < 0) {
			buf_release(&key);
			return add_err(r, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
		}
		buf_release(&key);
		if (prev > 0) {
			note(r, KERR_SCHEMA, row->line, c->id_col, "respondent '%s' appears "
				"again in wave %s (first on line %ld); ids must be unique within "
				"a wave", id, wave, prev);
			continue;
		}
		if (!extra && !(extra = extra_json(r, row)))
			return add_err(r, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
		a.question = p->q->id ? p->q->id : p->q->column;
		a.codebook_id = p->cb->id;
		a.wave = wave;
		a.role = role;
		a.respondent = id;
		a.text = row->field[p->col];
		a.extra = extra;
		a.seq = row->line;
		if ((rc = store_add_answer(r->s, &a, &g.answer_id, &added, &e))
		    || (rc = suggest(r, p, a.text, &e))) {
			kerr_at(&e, r->file, row->line, 0);
			add_err(r, &e);
			break;
		}
		g.codebook_id = p->cb->id;
		g.codebook_version = p->cb->version ? p->cb->version : "";
		g.codes = r->codes.data;
		g.evidence = r->evidence.data;
		if ((rc = store_add_suggestion(r->s, &g, &e))) {
			add_err(r, &e);
			break;
		}
		r->st.answers++;
		r->st.added += added;
	}
	cJSON_free(extra);
	return rc;
}

static int find_col(struct reader *r, struct table *csv, const char *name,
	size_t *idx)
{
	struct kerr e;

	kerr_clear(&e);
	if (table_find(csv, name, idx, &e)) {
		kerr_at(&e, r->file, 1, 0);
		return add_err(r, &e);
	}
	return 0;
}

static int setup(struct reader *r, struct table *csv, const char *qid)
{
	const struct corpus *c = r->c;
	struct kerr e;
	size_t i;
	int rc = 0;

	r->id_col = r->wave_col = r->role_col = NO_COLUMN;
	if (!c->id_col)
		return note(r, KERR_SCHEMA, 0, NULL, "no respondent id column; give --id");
	rc |= find_col(r, csv, c->id_col, &r->id_col);
	if (c->wave_col)
		rc |= find_col(r, csv, c->wave_col, &r->wave_col);
	if (c->role_col)
		rc |= find_col(r, csv, c->role_col, &r->role_col);
	r->by_col = malloc((c->nby + 1) * sizeof(*r->by_col));
	r->qs = calloc(c->nquestions + 1, sizeof(*r->qs));
	if (!r->by_col || !r->qs)
		return add_err(r, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
	for (i = 0; i < c->nby; i++)
		if (table_find(csv, c->by[i], &r->by_col[i], NULL))
			r->by_col[i] = NO_COLUMN;
	for (i = 0; i < c->nquestions; i++) {
		const struct corpus_question *q = &c->questions[i];
		struct pq *p = &r->qs[r->nq];

		if (qid && q != corpus_question_find(c, qid))
			continue;
		p->q = q;
		r->nq++;
		if (find_col(r, csv, q->column, &p->col)
		    || project_codebook(c, q, &p->cb, r->errs)) {
			if (!r->first_rc)
				r->first_rc = KERR_SCHEMA;
			rc = 1;
		}
	}
	if (!r->nq)
		return note(r, KERR_NOTFOUND, 0, NULL, "no question '%s' in the corpus",
			qid ? qid : "(any)");
	/* every question's codebook is checked before any engine is built */
	for (i = 0; !rc && i < r->nq; i++) {
		struct engine_opts eo = { 0, 0, i ? engine_normalizer(r->qs[0].en) : NULL };

		int erc = engine_new(r->qs[i].cb, &eo, &r->qs[i].en, r->errs);

		if (erc) {
			/* a pattern that does not compile is a codebook problem */
			if (!r->first_rc)
				r->first_rc = erc == KERR_PATTERN ? KERR_SCHEMA : erc;
			rc = 1;
		}
	}
	return rc ? r->first_rc : 0;
}

static void reader_release(struct reader *r)
{
	size_t i;

	/* the first engine lends its normalizer to the others: free it last */
	for (i = r->nq; i-- > 0;) {
		engine_free(r->qs[i].en);
		codebook_free(r->qs[i].cb);
	}
	free(r->qs);
	free(r->by_col);
	engine_answer_release(&r->ans);
	buf_release(&r->codes);
	buf_release(&r->evidence);
	seen_release(&r->seen);
}

int project_add_survey(struct store *s, const struct corpus *c, const char *qid,
	struct project_stats *st, struct kerr_list *errs)
{
	struct reader r;
	struct buf path = BUF_INIT;
	struct table *csv = NULL;
	table_row row;
	struct kerr e;
	int rc, own = 0;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.c = c;
	r.errs = errs;
	buf_init(&r.codes, 0);
	buf_init(&r.evidence, 0);
	engine_answer_init(&r.ans);
	kerr_clear(&e);
	if (!c->survey) {
		rc = note(&r, KERR_SCHEMA, 0, NULL, "no survey file");
		goto out;
	}
	corpus_resolve(c, c->survey, &path);
	r.file = path.data;
	if ((rc = table_open(&csv, path.data, NULL, &e))) {
		add_err(&r, &e);
		goto out;
	}
	r.tab = csv;
	if ((rc = setup(&r, csv, qid)))
		goto out;
	if (!store_in_tx(s)) {
		if ((rc = store_begin(s, &e)))
			goto fail;
		own = 1;
	}
	if ((rc = remember_codebooks(s, c, qid, &e))) {
		if (own)
			store_rollback(s);
		goto fail;
	}
	for (;;) {
		int got = table_next(csv, &row, &e);

		if (got == TABLE_END)
			break;
		if (got < 0) {
			add_err(&r, &e);
			kerr_clear(&e);
			if (-got != KERR_SYNTAX)
				break;
			continue;
		}
		r.st.rows++;
		if (read_row(&r, &row) && r.first_rc != KERR_SCHEMA)
			break;
	}
	rc = r.first_rc;
	if (own) {
		if (rc)
			store_rollback(s);
		else if ((rc = store_commit(s, &e)))
			goto fail;
	}
	goto out;
fail:
	add_err(&r, &e);
out:
	if (st)
		*st = r.st;
	table_close(csv);
	reader_release(&r);
	buf_release(&path);
	return rc ? rc : r.first_rc;
}

/* ------------------------------------------------------ codebook lookup */

int project_set_codebook(struct store *s, const char *question, const char *path,
	struct kerr *e)
{
	struct buf key = BUF_INIT;
	char *abs = realpath(path, NULL);
	int rc;

	if (buf_addf(&key, "codebook:%s", question))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	else
		rc = store_meta_set(s, key.data, abs ? abs : path, e);
	free(abs);
	buf_release(&key);
	return rc;
}

static int remember_codebooks(struct store *s, const struct corpus *c, const char *qid,
	struct kerr *e)
{
	struct buf path = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < c->nquestions && !rc; i++) {
		const struct corpus_question *q = &c->questions[i];

		if ((qid && q != corpus_question_find(c, qid)) || !q->codebook)
			continue;
		buf_reset(&path);
		corpus_resolve(c, q->codebook, &path);
		rc = project_set_codebook(s, q->id ? q->id : q->column, path.data, e);
	}
	buf_release(&path);
	return rc;
}

int project_codebook_of(struct store *s, const char *question, struct codebook **out,
	struct kerr_list *errs)
{
	struct buf key = BUF_INIT, path = BUF_INIT;
	struct kerr e;
	int rc;

	*out = NULL;
	kerr_clear(&e);
	if (buf_addf(&key, "codebook:%s", question))
		rc = kerr_set(&e, KERR_NOMEM, "out of memory");
	else if ((rc = store_meta_get(s, key.data, &path, &e)) == KERR_NOTFOUND)
		kerr_set(&e, KERR_NOTFOUND, "the store has no question '%s'; read its survey "
			"first (give the corpus or the survey file)", question);
	if (rc)
		kerr_list_add(errs, &e);
	else
		rc = codebook_load(path.data, out, errs);
	buf_release(&key);
	buf_release(&path);
	return rc;
}

int project_canon_codes(const struct codebook *cb, const char *codes, struct buf *out,
	struct kerr *e)
{
	unsigned char *on = calloc(cb->ncats + 1, 1);
	const char *p = codes;
	char id[128];
	size_t i, n = 0;
	int rc = 0;

	if (!on)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	while (!rc && codebook_next_code(&p, id, sizeof(id))) {
		long c = codebook_find(cb, id);

		if (c < 0) {
			rc = kerr_set(e, KERR_NOTFOUND, codebook_find_net(cb, id) >= 0
				? "'%s' is a net of codebook %s; give its member categories"
				: "unknown category '%s' (not in codebook %s)", id, cb->id);
			kerr_path(e, "%s", id);
		} else {
			n += !on[c];
			on[c] = 1;
		}
	}
	if (!rc && n == 0)
		rc = kerr_set(e, KERR_SCHEMA, "no category given");
	if (!rc && n > 1 && on[cb->ingen_svar])
		rc = kerr_set(e, KERR_SCHEMA, "%s marks a non-substantive answer and cannot go "
			"with other categories", CODEBOOK_INGEN_SVAR);
	for (i = 0, n = 0; !rc && i < cb->ncats; i++)
		if (on[i] && buf_addf(out, "%s%s", n++ ? ";" : "", cb->cats[i].id))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	free(on);
	return rc;
}

uint64_t project_code_bits(const struct codebook *cb, const char *codes)
{
	uint64_t b = 0;
	const char *p = codes;
	char id[128];

	while (p && codebook_next_code(&p, id, sizeof(id))) {
		long c = codebook_find(cb, id);

		if (c >= 0 && c < PROJECT_MAX_CATS)
			b |= (uint64_t)1 << c;
	}
	return b;
}

/* --------------------------------------------------------------- import */

struct irow {
	char *question, *codes, *note;
	long long answer;
	long line;
};

struct qcb {
	char *question;
	struct codebook *cb;   /* NULL when it failed to load (reported once) */
};

struct importer {
	struct store *s;
	const char *path;
	struct kerr_list *errs;
	struct irow *rows;
	size_t nrows, cap;
	struct qcb *cbs;
	size_t ncbs;
	struct seen seen;
	int first_rc;
};

static void row_err(struct importer *im, struct kerr *e, long line, const char *col)
{
	kerr_at(e, im->path, line, 0);
	if (col && !e->path[0])
		kerr_path(e, "%s", col);
	kerr_list_add(im->errs, e);
	if (!im->first_rc)
		im->first_rc = e->code;
}

static const struct codebook *codebook_for(struct importer *im, const char *question)
{
	size_t i;
	void *p;

	for (i = 0; i < im->ncbs; i++)
		if (!strcmp(im->cbs[i].question, question))
			return im->cbs[i].cb;
	p = realloc(im->cbs, (im->ncbs + 1) * sizeof(*im->cbs));
	if (!p)
		return NULL;
	im->cbs = p;
	im->cbs[im->ncbs].question = strdup(question);
	if (project_codebook_of(im->s, question, &im->cbs[im->ncbs].cb, im->errs)
	    && !im->first_rc)
		im->first_rc = KERR_NOTFOUND;
	return im->cbs[im->ncbs++].cb;
}

static int check_row(struct importer *im, const struct csv_row *row, size_t cid,
	size_t ccodes, size_t cwave, size_t cq, size_t cnote, const char *qid,
	struct project_import_stats *st)
{
	const struct codebook *cb;
	const char *id = row->field[cid], *q = qid, *wave = NULL;
	struct buf codes = BUF_INIT, key = BUF_INIT;
	struct irow *r;
	struct kerr e;
	long long answer;
	long prev;

	kerr_clear(&e);
	if (cq != NO_COLUMN && !is_blank(row->field[cq]))
		q = row->field[cq];
	if (cwave != NO_COLUMN && !is_blank(row->field[cwave]))
		wave = row->field[cwave];
	if (is_blank(id)) {
		kerr_set(&e, KERR_SCHEMA, "empty id");
		row_err(im, &e, row->line, "id");
		return 0;
	}
	if (is_blank(row->field[ccodes])) {
		st->blank++;
		return 0;
	}
	if (!q) {
		kerr_set(&e, KERR_SCHEMA, "which question? add a 'question' column or give "
			"--question");
		row_err(im, &e, row->line, NULL);
		return 0;
	}
	if (!(cb = codebook_for(im, q)))
		return 0;
	if (project_canon_codes(cb, row->field[ccodes], &codes, &e)) {
		row_err(im, &e, row->line, "codes");
		buf_release(&codes);
		return 0;
	}
	if (store_find_answer(im->s, q, wave, id, &answer, &e)) {
		if (e.code == KERR_NOTFOUND)
			kerr_set(&e, KERR_NOTFOUND, "no answer from respondent '%s' to '%s' in the "
				"store (a wrong id, or a respondent who left it blank)", id, q);
		row_err(im, &e, row->line, "id");
		buf_release(&codes);
		return 0;
	}
	if (buf_addf(&key, "%lld", answer) || (prev = seen_add(&im->seen, key.data,
			row->line)) < 0) {
		buf_release(&codes);
		buf_release(&key);
		return KERR_NOMEM;
	}
	buf_release(&key);
	if (prev > 0) {
		kerr_set(&e, KERR_SCHEMA, "respondent '%s' is coded again (first on line %ld)",
			id, prev);
		row_err(im, &e, row->line, "id");
		buf_release(&codes);
		return 0;
	}
	if (im->nrows == im->cap) {
		size_t ncap = im->cap ? 2 * im->cap : 256;
		void *p = realloc(im->rows, ncap * sizeof(*im->rows));

		if (!p) {
			buf_release(&codes);
			return KERR_NOMEM;
		}
		im->rows = p;
		im->cap = ncap;
	}
	r = &im->rows[im->nrows++];
	r->question = strdup(q);
	r->codes = buf_detach(&codes, NULL);
	r->note = cnote != NO_COLUMN && !is_blank(row->field[cnote])
		? strdup(row->field[cnote]) : NULL;
	r->answer = answer;
	r->line = row->line;
	if (!r->question || !r->codes)
		return KERR_NOMEM;
	return 0;
}

static int copy_codes(void *ctx, const struct store_suggestion *g)
{
	return buf_adds(ctx, g->codes) ? KERR_NOMEM : 0;
}

static int store_rows(struct importer *im, const char *coder,
	struct project_import_stats *st, struct kerr *e)
{
	struct buf sug = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < im->nrows && !rc; i++) {
		const struct irow *r = &im->rows[i];
		const struct codebook *cb = codebook_for(im, r->question);
		struct store_decision cur, d = { 0 };
		int had;

		had = store_latest(im->s, r->answer, coder, &cur, NULL) == 0;
		if (had && !strcmp(cur.codes, r->codes) && !r->note) {
			store_decision_release(&cur);
			st->unchanged++;
			continue;
		}
		if (had)
			store_decision_release(&cur);
		buf_reset(&sug);
		rc = store_get_suggestion(im->s, r->answer, copy_codes, &sug, NULL);
		if (rc && rc != KERR_NOTFOUND)
			return kerr_set(e, KERR_NOMEM, "out of memory");
		d.answer_id = r->answer;
		d.coder = coder;
		d.codebook_id = cb->id;
		d.codebook_version = cb->version ? cb->version : "";
		d.codes = r->codes;
		d.suggested = rc ? NULL : sug.data;
		d.action = "import";
		d.note = r->note;
		rc = store_add_decision(im->s, &d, NULL, e);
		if (rc)
			kerr_at(e, im->path, r->line, 0);
		st->imported += !rc;
	}
	buf_release(&sug);
	return rc;
}

static size_t opt_col(struct csv_reader *csv, const char *name)
{
	size_t i;

	return csv_header_find(csv, name, &i, NULL) ? NO_COLUMN : i;
}

int project_import(struct store *s, const char *path, const char *coder, const char *qid,
	struct project_import_stats *st, struct kerr_list *errs)
{
	struct importer im;
	struct project_import_stats dummy;
	struct csv_reader *csv = NULL;
	struct csv_row row;
	struct kerr e;
	size_t cid = NO_COLUMN, ccodes = NO_COLUMN, i;
	FILE *fp;
	int rc = 0, got;

	memset(&im, 0, sizeof(im));
	im.s = s;
	im.path = path;
	im.errs = errs;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	kerr_clear(&e);
	if (!(fp = fopen(path, "rb"))) {
		kerr_errno(&e, errno, path, "cannot read the decisions file");
		kerr_list_add(errs, &e);
		return KERR_IO;
	}
	if ((rc = csv_open(&csv, fp, path, NULL, &e))
	    || (rc = csv_header_find(csv, "id", &cid, &e))
	    || (rc = csv_header_find(csv, "codes", &ccodes, &e))) {
		kerr_at(&e, path, 1, 0);
		kerr_list_add(errs, &e);
		goto out;
	}
	while ((got = csv_next(csv, &row, &e)) != CSV_END) {
		if (got < 0) {
			row_err(&im, &e, e.line, NULL);
			kerr_clear(&e);
			if (-got != KERR_SYNTAX)
				break;
			continue;
		}
		st->rows++;
		if ((rc = check_row(&im, &row, cid, ccodes, opt_col(csv, "wave"),
				opt_col(csv, "question"), opt_col(csv, "note"), qid, st))) {
			kerr_set(&e, rc, "out of memory");
			kerr_list_add(errs, &e);
			goto out;
		}
	}
	if ((rc = im.first_rc))
		goto out;
	if (!store_in_tx(s) && (rc = store_begin(s, &e)) == 0) {
		rc = store_rows(&im, coder, st, &e);
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, &e);
	} else if (!rc) {
		rc = store_rows(&im, coder, st, &e);
	}
	if (rc) {
		st->imported = 0;
		kerr_list_add(errs, &e);
	}
out:
	csv_close(csv);
	fclose(fp);
	for (i = 0; i < im.nrows; i++) {
		free(im.rows[i].question);
		free(im.rows[i].codes);
		free(im.rows[i].note);
	}
	free(im.rows);
	for (i = 0; i < im.ncbs; i++) {
		free(im.cbs[i].question);
		codebook_free(im.cbs[i].cb);
	}
	free(im.cbs);
	seen_release(&im.seen);
	return rc ? rc : im.first_rc;
}

/* --------------------------------------------------------------- export */

enum { EX_ID, EX_QUESTION, EX_WAVE, EX_ROLE, EX_TEXT, EX_SUGGESTED, EX_FINAL,
	EX_FINAL_BY, EX_CODES, EX_NOTE, EX__FIXED };

static const char *const ex_head[EX__FIXED] = {
	"id", "question", "wave", "role", "text", "suggested", "final", "final_by",
	"codes", "note"
};

struct exporter {
	struct store *s;
	const char *coder;
	char **keys;             /* other columns, from the answers' extra JSON */
	size_t nkeys;
	FILE *fp;                /* CSV, or NULL */
	lxw_worksheet *ws;       /* xlsx, or NULL */
	lxw_format *bold;        /* the header row's format */
	unsigned mask;           /* PII kinds to replace in free text, 0 for none */
	struct buf masked[3];    /* masked text, note, and the current extra cell */
	size_t n;
	int rc;
};

static int collect_keys(void *ctx, const struct store_answer *a)
{
	struct exporter *x = ctx;
	cJSON *o = a->extra ? cJSON_Parse(a->extra) : NULL, *it;

	cJSON_ArrayForEach(it, o) {
		size_t i;
		void *p;

		for (i = 0; i < x->nkeys && strcmp(x->keys[i], it->string); i++)
			;
		if (i < x->nkeys)
			continue;
		if (!(p = realloc(x->keys, (x->nkeys + 1) * sizeof(*x->keys)))
		    || !(((char **)p)[x->nkeys] = strdup(it->string))) {
			x->keys = p ? p : x->keys;
			cJSON_Delete(o);
			return KERR_NOMEM;
		}
		x->keys = p;
		x->nkeys++;
	}
	cJSON_Delete(o);
	return 0;
}

static int put_row(struct exporter *x, const char *const *cells, size_t n, size_t row)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *v = cells[i] ? cells[i] : "";

		if (x->ws) {
			if (worksheet_write_string(x->ws, (lxw_row_t)row, (lxw_col_t)i, v,
					row ? NULL : x->bold))
				return KERR_IO;
		} else if ((i && fputc(';', x->fp) == EOF)
			   || csv_write_field(x->fp, v, strlen(v), ';')) {
			return KERR_IO;
		}
	}
	if (!x->ws && fputs("\r\n", x->fp) == EOF)
		return KERR_IO;
	return 0;
}

/*
 * With --mask, the cell with personal data replaced (in x->masked[slot],
 * valid until the next call for that slot); otherwise `v` itself.
 */
static int mask_cell(struct exporter *x, int slot, const char **v)
{
	struct buf *b = &x->masked[slot];
	int rc;

	if (!x->mask || !*v)
		return 0;
	buf_reset(b);
	if ((rc = pii_mask(*v, strlen(*v), x->mask, b, NULL, NULL)))
		return rc;
	*v = b->data;
	return 0;
}

static int export_row(void *ctx, const struct store_final *f)
{
	struct exporter *x = ctx;
	const struct store_answer *a = f->answer;
	const char **cells = calloc(EX__FIXED + x->nkeys, sizeof(*cells));
	struct store_decision mine;
	cJSON *o = a->extra ? cJSON_Parse(a->extra) : NULL;
	int had = 0, rc;
	size_t i;

	if (!cells) {
		cJSON_Delete(o);
		return KERR_NOMEM;
	}
	if (x->coder)
		had = store_latest(x->s, a->id, x->coder, &mine, NULL) == 0;
	cells[EX_ID] = a->respondent;
	cells[EX_QUESTION] = a->question;
	cells[EX_WAVE] = a->wave;
	cells[EX_ROLE] = a->role;
	cells[EX_TEXT] = a->text;
	cells[EX_SUGGESTED] = f->suggested;
	cells[EX_FINAL] = f->codes;
	cells[EX_FINAL_BY] = f->coder;
	cells[EX_CODES] = had ? mine.codes : NULL;
	cells[EX_NOTE] = had ? mine.note : NULL;
	rc = mask_cell(x, 0, &cells[EX_TEXT]);
	if (!rc)
		rc = mask_cell(x, 1, &cells[EX_NOTE]);
	for (i = 0; !rc && i < x->nkeys; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(o, x->keys[i]);

		/* Other survey columns may be free text too (a second
		 * question, a comment field): masked like the answer.  They are
		 * replaced in the cJSON tree so each keeps its own copy. */
		cells[EX__FIXED + i] = cJSON_IsString(v) ? v->valuestring : NULL;
		if (x->mask && cells[EX__FIXED + i]) {
			rc = mask_cell(x, 2, &cells[EX__FIXED + i]);
			if (!rc && !cJSON_SetValuestring(v, cells[EX__FIXED + i]))
				rc = KERR_NOMEM;
			if (!rc)
				cells[EX__FIXED + i] = v->valuestring;
		}
	}
	if (!rc)
		rc = put_row(x, cells, EX__FIXED + x->nkeys, ++x->n);
	if (had)
		store_decision_release(&mine);
	cJSON_Delete(o);
	free(cells);
	return rc;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcasecmp(s + n - m, suf);
}

int project_export(struct store *s, const char *qid, const char *coder, const char *path,
	unsigned mask, size_t *n, struct kerr *e)
{
	struct exporter x;
	struct outfile o;
	lxw_workbook *wb = NULL;
	const char **head = NULL;
	size_t i;
	int rc;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.coder = coder;
	x.mask = mask;
	for (i = 0; i < 3; i++)
		buf_init(&x.masked[i], 0);
	if ((rc = store_each_answer(s, qid, collect_keys, &x, e)))
		goto out;
	if ((rc = outfile_open(&o, path, e)))
		goto out;
	if (has_suffix(path, ".xlsx")) {
		/* libxlsxwriter writes by name: it gets the temp file's. */
		fclose(o.fp);
		o.fp = NULL;
		/* Rows go out in order, so the sheet need not be held in memory. */
		lxw_workbook_options wo = { .constant_memory = LXW_TRUE };

		if (!(wb = workbook_new_opt(o.tmp, &wo))
		    || !(x.ws = workbook_add_worksheet(wb, "koder")))
			rc = kerr_set(e, KERR_IO, "cannot create the workbook");
		if (!rc) {
			/* A sheet a coder can work in: header kept in view, the
			 * answer wide and wrapped, the columns to fill wide enough. */
			lxw_format *wrap = workbook_add_format(wb);

			x.bold = workbook_add_format(wb);
			format_set_bold(x.bold);
			format_set_text_wrap(wrap);
			worksheet_freeze_panes(x.ws, 1, 0);
			worksheet_set_column(x.ws, EX_TEXT, EX_TEXT, 60, wrap);
			worksheet_set_column(x.ws, EX_SUGGESTED, EX_NOTE, 22, NULL);
		}
	} else {
		x.fp = o.fp;
		if (fputs("\xef\xbb\xbf", x.fp) == EOF)
			rc = KERR_IO;
	}
	head = calloc(EX__FIXED + x.nkeys, sizeof(*head));
	if (!rc && !head)
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	for (i = 0; !rc && i < EX__FIXED + x.nkeys; i++)
		head[i] = i < EX__FIXED ? ex_head[i] : x.keys[i - EX__FIXED];
	if (!rc)
		rc = put_row(&x, head, EX__FIXED + x.nkeys, 0);
	if (!rc)
		rc = store_each_final(s, qid, export_row, &x, e);
	if (wb) {
		if (workbook_close(wb) != LXW_NO_ERROR && !rc)
			rc = kerr_set(e, KERR_IO, "cannot write the workbook");
	}
	if (rc == KERR_IO && e && !e->msg[0])
		kerr_errno(e, errno ? errno : EIO, path, "cannot write");
	if (rc)
		outfile_abort(&o);
	else
		rc = outfile_commit(&o, e);
	if (!rc && n)
		*n = x.n;
out:
	for (i = 0; i < x.nkeys; i++)
		free(x.keys[i]);
	free(x.keys);
	free(head);
	for (i = 0; i < 3; i++)
		buf_release(&x.masked[i]);
	return rc;
}
