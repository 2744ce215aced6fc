/*
 * project.c - reading a survey into the project store (see project.h).
 */
#include "project.h"
#include "buf.h"
#include "codebook.h"
#include "corpus.h"
#include "csv.h"
#include "distance.h"
#include "engine.h"
#include "error.h"
#include "pii.h"
#include "outfile.h"
#include "store.h"
#include "survey.h"

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

/* 1 when `key` is in the table. */
static int seen_has(const struct seen *t, const char *key)
{
	size_t i;

	if (!t->cap)
		return 0;
	for (i = hash_str(key) & (t->cap - 1); t->slot[i].key; i = (i + 1) & (t->cap - 1))
		if (!strcmp(t->slot[i].key, key))
			return 1;
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
};

struct reader {
	struct store *s;
	const struct corpus *c;
	struct kerr_list *errs;
	struct survey *sv;
	const char *file;
	struct pq *qs;
	size_t nq;
	size_t role_col;
	size_t *by_col;
	struct engine_answer ans;
	struct buf codes, evidence;
	struct seen waves;      /* "W\x1fwave\x1fid", "I\x1fid", "P\x1fid" */
	struct buf panel;       /* ids in more than one wave, one a line */
	struct project_stats st;
	int first_rc;
};

static int note(struct reader *r, int code, long line, const char *path,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Add a problem or note about `file`:`line` (column `path`, may be NULL)
 * with a printf message to `l`. */
static void list_vadd(struct kerr_list *l, int code, const char *file, long line,
	const char *path, const char *fmt, va_list ap)
{
	struct kerr e;

	kerr_clear(&e);
	e.code = code;
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	kerr_at(&e, file, line, 0);
	if (path)
		kerr_path(&e, "%s", path);
	kerr_list_add(l, &e);
}

static int note(struct reader *r, int code, long line, const char *path,
	const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	list_vadd(r->errs, code, r->file, line, path, fmt, ap);
	va_end(ap);
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

static char *extra_json(struct reader *r, const struct survey_row *row)
{
	cJSON *o = cJSON_CreateObject();
	char *out = NULL;
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < r->c->nby; i++)
		if (r->by_col[i] != SURVEY_NO_COLUMN && r->by_col[i] < row->nfields)
			cJSON_AddStringToObject(o, r->c->by[i], row->field[r->by_col[i]]);
	if (r->role_col != SURVEY_NO_COLUMN && r->role_col < row->nfields)
		cJSON_AddStringToObject(o, r->c->role_col, row->field[r->role_col]);
	out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

/*
 * Remember ids that occur in more than one wave, whether or not they
 * answered: a blank answer is not stored, so the store alone cannot tell
 * that respondent 7 of wave A is also respondent 7 of wave B.  The list
 * (meta "panel_ids") lets an import without a wave column be refused
 * instead of putting a decision on the wrong wave's answer.
 */
static int note_panel(struct reader *r, const char *wave, const char *id, long line)
{
	struct buf k = BUF_INIT;
	long prev;
	int rc = 0;

	if (buf_addf(&k, "W\x1f%s\x1f%s", wave, id) || (prev = seen_add(&r->waves, k.data,
			line)) < 0) {
		rc = KERR_NOMEM;
	} else if (!prev) {                     /* (wave, id) seen for the first time */
		buf_reset(&k);
		if (buf_addf(&k, "I\x1f%s", id) || (prev = seen_add(&r->waves, k.data, line)) < 0)
			rc = KERR_NOMEM;
		else if (prev) {                /* ... and the id in another wave */
			buf_reset(&k);
			if (buf_addf(&k, "P\x1f%s", id) || (prev = seen_add(&r->waves, k.data,
					line)) < 0)
				rc = KERR_NOMEM;
			else if (!prev && buf_addf(&r->panel, "%s\n", id))
				rc = KERR_NOMEM;
		}
	}
	buf_release(&k);
	return rc;
}

static int read_row(struct reader *r, const struct survey_row *row)
{
	const struct corpus *c = r->c;
	char *extra = NULL;
	size_t qi;
	int rc = 0;
	struct kerr e0;

	if (is_blank(row->respondent))
		return note(r, KERR_SCHEMA, row->line, c->id_col,
			"empty respondent id; every row needs one");
	if (row->dup_line > 0) {
		kerr_clear(&e0);
		return add_err(r, (survey_dup_error(r->sv, row, &e0), &e0));
	}
	if ((rc = note_panel(r, row->wave, row->respondent, row->line)))
		return add_err(r, (kerr_set(&e0, KERR_NOMEM, "out of memory"), &e0));
	for (qi = 0; qi < r->nq && !rc; qi++) {
		struct pq *p = &r->qs[qi];
		struct store_answer a = { 0 };
		struct store_suggestion g = { 0 };
		struct kerr e;
		int added = 0;

		if (is_blank(row->answer[qi]))
			continue;
		kerr_clear(&e);
		if (!extra && !(extra = extra_json(r, row)))
			return add_err(r, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
		a.question = p->q->id ? p->q->id : p->q->column;
		a.codebook_id = p->cb->id;
		a.wave = row->wave;
		a.role = row->role;
		a.respondent = row->respondent;
		a.text = row->answer[qi];
		a.extra = extra;
		/* the row's place in the whole survey: with a file per wave the
		 * lines start again in each file, and review order would
		 * alternate between them */
		a.seq = (long long)row->index;
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

/* The descriptor's codebook, or the one 'koder migrate' moved the project
 * to (with a note in r->st saying so and how to update the descriptor). */
static int question_codebook(struct reader *r, const struct corpus_question *q,
	struct codebook **cb)
{
	struct buf named = BUF_INIT, use = BUF_INIT;
	struct kerr e;
	int moved = 0, rc;

	kerr_clear(&e);
	if (!q->codebook)
		return project_codebook(r->c, q, cb, r->errs);
	corpus_resolve(r->c, q->codebook, &named);
	rc = project_codebook_path(r->s, q->id ? q->id : q->column, named.data, &use, &moved, &e);
	if (rc)
		add_err(r, &e);
	else if (!moved)
		rc = project_codebook(r->c, q, cb, r->errs);
	else if (!(rc = codebook_load(use.data, cb, r->errs)) && !r->st.moved++)
		snprintf(r->st.moved_note, sizeof(r->st.moved_note), "question '%s': the "
			"descriptor names %s, but 'koder migrate' moved the project to %s "
			"(version %s), which is used; point the descriptor's \"codebook\" at "
			"that file (or 'koder migrate --to' the one it names)", q->id ? q->id : q->column, q->codebook, use.data,
			(*cb)->version ? (*cb)->version : "?");
	buf_release(&named);
	buf_release(&use);
	return rc;
}

static int setup(struct reader *r, const char *qid)
{
	const struct corpus *c = r->c;
	struct survey_opts so = { 0 };
	struct kerr e;
	size_t i;
	int rc = 0;

	so.question = qid;
	if ((rc = survey_open(&r->sv, c, NULL, &so, r->errs))) {
		if (!r->first_rc)
			r->first_rc = rc;
		return rc;
	}
	r->file = survey_file(r->sv);
	r->nq = survey_nquestions(r->sv);
	r->role_col = c->role_col ? survey_column(r->sv, c->role_col) : SURVEY_NO_COLUMN;
	r->by_col = malloc((c->nby + 1) * sizeof(*r->by_col));
	r->qs = calloc(r->nq + 1, sizeof(*r->qs));
	if (!r->by_col || !r->qs)
		return add_err(r, (kerr_set(&e, KERR_NOMEM, "out of memory"), &e));
	for (i = 0; i < c->nby; i++)
		r->by_col[i] = survey_column(r->sv, c->by[i]);
	if (!r->nq)
		return note(r, KERR_NOTFOUND, 0, NULL, "no question '%s' in the corpus",
			qid ? qid : "(any)");
	for (i = 0; i < r->nq; i++) {
		r->qs[i].q = survey_question(r->sv, i);
		if (question_codebook(r, r->qs[i].q, &r->qs[i].cb)) {
			if (!r->first_rc)
				r->first_rc = KERR_SCHEMA;
			rc = 1;
		}
	}
	/* every question's codebook is checked before any engine is built */
	for (i = 0; !rc && i < r->nq; i++) {
		struct engine_opts eo = { .norm = i ? engine_normalizer(r->qs[0].en) : NULL };

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
	for (i = r->nq; r->qs && i-- > 0;) {
		engine_free(r->qs[i].en);
		codebook_free(r->qs[i].cb);
	}
	free(r->qs);
	free(r->by_col);
	survey_close(r->sv);
	engine_answer_release(&r->ans);
	buf_release(&r->codes);
	buf_release(&r->evidence);
	seen_release(&r->waves);
	buf_release(&r->panel);
}

int project_add_survey(struct store *s, const struct corpus *c, const char *qid,
	struct project_stats *st, struct kerr_list *errs)
{
	struct reader r;
	struct survey_row row;
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
	if ((rc = setup(&r, qid)))
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
		int got = survey_next(r.sv, &row, &e);

		if (got == SURVEY_END)
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
	if (!rc && (rc = store_meta_set(s, "panel_ids", r.panel.data ? r.panel.data : "", &e)))
		add_err(&r, &e);
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
	reader_release(&r);
	return rc ? rc : r.first_rc;
}

/* ------------------------------------------------------ codebook lookup */

/* meta "<kind>:<question>" = `path` made absolute. */
static int set_path_meta(struct store *s, const char *kind, const char *question,
	const char *path, struct kerr *e)
{
	struct buf key = BUF_INIT;
	char *abs = realpath(path, NULL);
	int rc;

	if (buf_addf(&key, "%s:%s", kind, question))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	else
		rc = store_meta_set(s, key.data, abs ? abs : path, e);
	free(abs);
	buf_release(&key);
	return rc;
}

int project_set_codebook(struct store *s, const char *question, const char *path,
	struct kerr *e)
{
	return set_path_meta(s, "codebook", question, path, e);
}

int project_set_migrated(struct store *s, const char *question, const char *path,
	struct kerr *e)
{
	int rc = set_path_meta(s, "migrated", question, path, e);

	return rc ? rc : project_set_codebook(s, question, path, e);
}

int project_codebook_path(struct store *s, const char *question, const char *named,
	struct buf *out, int *moved, struct kerr *e)
{
	struct buf key = BUF_INIT, to = BUF_INIT;
	char *abs = named ? realpath(named, NULL) : NULL;
	int rc;

	*moved = 0;
	buf_reset(out);
	if (buf_addf(&key, "migrated:%s", question))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	else if ((rc = store_meta_get(s, key.data, &to, NULL)) == KERR_NOTFOUND || !to.len)
		rc = 0;
	else if (!rc && (!abs || strcmp(abs, to.data)))
		*moved = 1;
	if (!rc && buf_adds(out, *moved ? to.data : named ? named : ""))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	free(abs);
	buf_release(&key);
	buf_release(&to);
	return rc;
}

/* The descriptor's codebook for each question, unless the project was
 * migrated past it (then the migrated one stays; project_codebook_path). */
static int remember_codebooks(struct store *s, const struct corpus *c, const char *qid,
	struct kerr *e)
{
	struct buf path = BUF_INIT, use = BUF_INIT;
	size_t i;
	int rc = 0, moved;

	for (i = 0; i < c->nquestions && !rc; i++) {
		const struct corpus_question *q = &c->questions[i];
		const char *id = q->id ? q->id : q->column;

		if ((qid && q != corpus_question_find(c, qid)) || !q->codebook)
			continue;
		buf_reset(&path);
		corpus_resolve(c, q->codebook, &path);
		if (!(rc = project_codebook_path(s, id, path.data, &use, &moved, e)))
			rc = project_set_codebook(s, id, use.data, e);
	}
	buf_release(&path);
	buf_release(&use);
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

/*
 * Coders write categories as they see them: "Afstand", "TID_SAGSANTAL", the
 * label "Stor afstand til arbejdspladsen".  An exact id is taken as it is;
 * anything else is compared folded (ASCII and Latin-1 letters lower-cased,
 * runs of white space one space, ends trimmed) with every id and label, and
 * a match is taken with a note saying how it was read.
 */
static void fold(const char *s, size_t n, struct buf *out)
{
	size_t i;
	int space = 0;

	buf_reset(out);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = out->len > 0;
			continue;
		}
		if (space)
			buf_addch(out, ' ');
		space = 0;
		if (c == 0xC3 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80
		    && (unsigned char)s[i + 1] <= 0x9E && (unsigned char)s[i + 1] != 0x97) {
			buf_addch(out, (char)c);
			buf_addch(out, (char)((unsigned char)s[++i] + 0x20));
			continue;
		}
		buf_addch(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
}

/* Index of the category whose id or label is `s` folded, or -1; *label is
 * set when it was the label. */
static long find_loose(const struct codebook *cb, const char *s, size_t n, int *label)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	long found = -1;
	size_t i;

	fold(s, n, &a);
	for (i = 0; i < cb->ncats && found < 0 && a.len; i++) {
		fold(cb->cats[i].id, strlen(cb->cats[i].id), &b);
		if (b.len == a.len && !memcmp(a.data, b.data, a.len)) {
			found = (long)i;
			*label = 0;
			break;
		}
		fold(cb->cats[i].label, strlen(cb->cats[i].label), &b);
		if (b.len == a.len && !memcmp(a.data, b.data, a.len)) {
			found = (long)i;
			*label = 1;
		}
	}
	buf_release(&a);
	buf_release(&b);
	return found;
}

/* " did you mean 'afstand' (Stor afstand ...)?" for the nearest id or label
 * (or one that starts with `s`), else the list of ids, appended to out. */
static void did_you_mean(const struct codebook *cb, const char *s, size_t n, struct buf *out)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t i, k, best = (size_t)-1, limit;
	long pick = -1;

	fold(s, n, &a);
	limit = a.len / 3 > 2 ? a.len / 3 : 2;
	for (i = 0; i < cb->ncats; i++) {
		for (k = 0; k < 2; k++) {
			const char *t = k ? cb->cats[i].label : cb->cats[i].id;
			size_t d;

			fold(t, strlen(t), &b);
			d = distance_edit(a.data ? a.data : "", a.len, b.data ? b.data : "", b.len);
			if (a.len >= 3 && b.len > a.len && !memcmp(a.data, b.data, a.len))
				d = 1;       /* a prefix: "admin" for administration */
			if (d < best) {
				best = d;
				pick = (long)i;
			}
		}
	}
	if (pick >= 0 && best <= limit) {
		buf_addf(out, "; did you mean '%s' (%s)?", cb->cats[pick].id, cb->cats[pick].label);
	} else {
		buf_adds(out, "; the categories are ");
		for (i = 0; i < cb->ncats; i++)
			buf_addf(out, "%s%s", i ? ", " : "", cb->cats[i].id);
	}
	buf_release(&a);
	buf_release(&b);
}

/* Resolve one written category into `on`; a note when read loosely. */
static int resolve_code(const struct codebook *cb, const char *s, size_t n,
	unsigned char *on, size_t *count, struct buf *note, struct kerr *e)
{
	char id[128];
	long c;
	int label = 0;

	if (n >= sizeof(id))
		n = sizeof(id) - 1;
	memcpy(id, s, n);
	id[n] = '\0';
	if ((c = codebook_find(cb, id)) < 0 && (c = find_loose(cb, s, n, &label)) >= 0
	    && note)
		buf_addf(note, "%sread %s '%.*s' as '%s'", note->len ? "; " : "",
			label ? "the label" : "the id", (int)n, s, cb->cats[c].id);
	if (c < 0) {
		struct buf m = BUF_INIT;
		long next[8];
		size_t k, nnext = codebook_successors(cb, id, next, 8);

		/* An id of the version before (a file coded before `koder migrate`):
		 * a rename or merge has one reading, a split needs a coder. */
		if (nnext == 1) {
			c = next[0];
			if (note)
				buf_addf(note, "%sread '%s' as '%s', which replaces it in version %s "
					"of codebook %s", note->len ? "; " : "", id, cb->cats[c].id,
					cb->version ? cb->version : "?", cb->id);
			*count += !on[c];
			on[c] = 1;
			return 0;
		}
		if (nnext > 1) {
			for (k = 0; k < nnext && k < 8; k++)
				buf_addf(&m, "%s%s", !k ? "" : k + 1 == nnext ? " and " : ", ",
					cb->cats[next[k]].id);
			kerr_set(e, KERR_NOTFOUND, "'%s' was split into %s in version %s of codebook "
				"%s, which this project uses now; write the one that fits (or decide "
				"the answer again in the review)", id, m.data ? m.data : "",
				cb->version ? cb->version : "?", cb->id);
		} else if (codebook_find_net(cb, id) >= 0) {
			kerr_set(e, KERR_NOTFOUND, "'%s' is a net of codebook %s; give its "
				"member categories", id, cb->id);
		} else {
			did_you_mean(cb, s, n, &m);
			kerr_set(e, KERR_NOTFOUND, "unknown category '%s' (not in codebook %s)%s",
				id, cb->id, m.data ? m.data : "");
		}
		kerr_path(e, "%s", id);
		buf_release(&m);
		return KERR_NOTFOUND;
	}
	*count += !on[c];
	on[c] = 1;
	return 0;
}

static int trimmed(const char **s, const char *end)
{
	while (*s < end && strchr(" \t\r\n", **s))
		(*s)++;
	while (end > *s && strchr(" \t\r\n", end[-1]))
		end--;
	return (int)(end - *s);
}

/* Split at ';' and '|' (labels may hold spaces and commas); a part that is
 * neither an id nor a label is split again at ',' and spaces as ids. */
static int resolve_codes(const struct codebook *cb, const char *codes, unsigned char *on,
	size_t *count, struct buf *note, struct kerr *e)
{
	const char *p = codes;

	while (*p) {
		const char *end = p + strcspn(p, ";|"), *s = p;
		int n = trimmed(&s, end), label;

		p = *end ? end + 1 : end;
		if (!n)
			continue;
		if (find_loose(cb, s, (size_t)n, &label) >= 0 || !memchr(s, ' ', (size_t)n)) {
			if (resolve_code(cb, s, (size_t)n, on, count, note, e))
				return KERR_NOTFOUND;
			continue;
		}
		while (s < end) {
			const char *t;

			while (s < end && strchr(", \t", *s))
				s++;
			for (t = s; t < end && !strchr(", \t", *t); t++)
				;
			if (t > s && resolve_code(cb, s, (size_t)(t - s), on, count, note, e))
				return KERR_NOTFOUND;
			s = t;
		}
	}
	return 0;
}

int project_canon_codes_loose(const struct codebook *cb, const char *codes, struct buf *out,
	struct buf *note, struct kerr *e)
{
	unsigned char *on = calloc(cb->ncats + 1, 1);
	size_t i, n = 0;
	int rc;

	if (!on)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	rc = resolve_codes(cb, codes, on, &n, note, e);
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

int project_canon_codes(const struct codebook *cb, const char *codes, struct buf *out,
	struct kerr *e)
{
	return project_canon_codes_loose(cb, codes, out, NULL, e);
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
	char *stamp;            /* the file's decision column, NULL without one */
	char *respondent, *wave;
	long long answer;
	long line;
};

/* The final codes of every stored answer, looked up by answer id, to see
 * whether a coder typed into the 'final' column (which is not imported). */
struct finals {
	long long *id;
	char **codes;
	size_t n, cap;
	int loaded;
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
	const struct project_import_opts *o;
	const char *coder;
	struct buf multi;       /* ids answering in several waves, no wave given */
	struct seen panel;      /* ids in several waves of the survey (meta panel_ids) */
	size_t nmulti;
	long multi_line;
	struct finals fin;
};

static void row_note(struct importer *im, long line, const char *col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A note on a row the import takes as it is (or leaves, saying why): goes
 * to the caller's notes list, never changes the outcome. */
static void row_note(struct importer *im, long line, const char *col, const char *fmt, ...)
{
	va_list ap;

	if (!im->o || !im->o->notes)
		return;
	va_start(ap, fmt);
	list_vadd(im->o->notes, KERR_OK, im->path, line, col, fmt, ap);
	va_end(ap);
}

static int add_final(void *ctx, const struct store_final *f)
{
	struct finals *fn = ctx;

	if (fn->n == fn->cap) {
		size_t cap = fn->cap ? 2 * fn->cap : 256;
		long long *id = realloc(fn->id, cap * sizeof(*id));
		char **c;

		if (!id)
			return KERR_NOMEM;
		fn->id = id;
		if (!(c = realloc(fn->codes, cap * sizeof(*c))))
			return KERR_NOMEM;
		fn->codes = c;
		fn->cap = cap;
	}
	fn->id[fn->n] = f->answer->id;
	if (!(fn->codes[fn->n] = strdup(f->codes ? f->codes : "")))
		return KERR_NOMEM;
	fn->n++;
	return 0;
}

/* The final codes of answer `id` ("" none), or NULL when unknown.  Answers
 * come in survey order, not id order: a linear search, done only for rows
 * whose 'final' cell is filled. */
static const char *final_of(struct importer *im, long long id)
{
	size_t i;

	if (!im->fin.loaded) {
		im->fin.loaded = 1;
		if (store_each_final(im->s, NULL, add_final, &im->fin, NULL))
			return NULL;
	}
	for (i = 0; i < im->fin.n; i++)
		if (im->fin.id[i] == id)
			return im->fin.codes[i];
	return NULL;
}

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

static int copy_codes(void *ctx, const struct store_suggestion *g)
{
	return buf_adds(ctx, g->codes) ? KERR_NOMEM : 0;
}

struct icols {
	size_t id, codes, wave, question, note, stamp, final, suggested;
};

/* A cell the import does not read but a coder may have typed into:
 * reported with what the store holds, so the edit is not silently lost. */
static int check_ignored(struct importer *im, const struct csv_row *row,
	const struct icols *c, long long answer, struct project_import_stats *st)
{
	const char *cell;
	struct buf sug = BUF_INIT;
	int rc;

	/* A row exported before a newer decision shows an old 'final': that is
	 * no edit (the row is reported as stale if its codes differ). */
	if (c->stamp != NO_COLUMN && im->coder) {
		struct store_decision cur;
		long long now = 0;

		if (store_latest(im->s, answer, im->coder, &cur, NULL) == 0) {
			now = cur.id;
			store_decision_release(&cur);
		}
		if (strtoll(row->field[c->stamp], NULL, 10) != now)
			return 0;
	}
	if (c->final != NO_COLUMN && c->final < row->n) {
		const char *have = final_of(im, answer);

		cell = row->field[c->final];
		if (have && !store_codes_equal(*cell ? cell : NULL, *have ? have : NULL)) {
			row_note(im, row->line, "final", "'final' says '%s' but the store's final "
				"codes are '%s'; that column is not imported (put the codes in "
				"'codes')", cell, have);
			st->ignored_edits++;
		}
	}
	if (c->suggested != NO_COLUMN && c->suggested < row->n) {
		cell = row->field[c->suggested];
		rc = store_get_suggestion(im->s, answer, copy_codes, &sug, NULL);
		if (rc == KERR_NOMEM) {
			buf_release(&sug);
			return rc;
		}
		if (!rc && !store_codes_equal(*cell ? cell : NULL, sug.len ? sug.data : NULL)) {
			row_note(im, row->line, "suggested", "'suggested' says '%s' but the engine "
				"suggested '%s'; that column is not imported (put the codes in "
				"'codes')", cell, sug.len ? sug.data : "");
			st->ignored_edits++;
		}
	}
	buf_release(&sug);
	return 0;
}

/* The ids the survey has in several waves (project_add_survey). */
static int load_panel(struct importer *im)
{
	struct buf v = BUF_INIT;
	char *p, *nl;
	int rc = 0;

	if (store_meta_get(im->s, "panel_ids", &v, NULL) || !v.data) {
		buf_release(&v);
		return 0;
	}
	for (p = v.data; !rc && *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			break;
		*nl = '\0';
		if (*p && seen_add(&im->panel, p, 1) < 0)
			rc = KERR_NOMEM;
	}
	buf_release(&v);
	return rc;
}

static int check_row(struct importer *im, const struct csv_row *row, const struct icols *c,
	const char *qid, struct project_import_stats *st)
{
	const struct codebook *cb;
	const char *id = row->field[c->id], *q = qid, *wave = NULL;
	struct buf codes = BUF_INIT, key = BUF_INIT, note = BUF_INIT;
	struct irow *r;
	struct kerr e;
	long long answer;
	long prev;
	int blank, rc;

	kerr_clear(&e);
	if (c->question != NO_COLUMN && !is_blank(row->field[c->question]))
		q = row->field[c->question];
	if (c->wave != NO_COLUMN && !is_blank(row->field[c->wave]))
		wave = row->field[c->wave];
	if (is_blank(id)) {
		kerr_set(&e, KERR_SCHEMA, "empty id");
		row_err(im, &e, row->line, "id");
		return 0;
	}
	blank = is_blank(row->field[c->codes]);
	if (blank && !q) {
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
	if (!blank && project_canon_codes_loose(cb, row->field[c->codes], &codes, &note, &e)) {
		row_err(im, &e, row->line, "codes");
		buf_release(&codes);
		buf_release(&note);
		return 0;
	}
	if (note.len) {
		row_note(im, row->line, "codes", "%s", note.data);
		st->loose++;
	}
	buf_release(&note);
	rc = store_find_answer(im->s, q, wave, id, &answer, &e);
	if (!wave && rc != KERR_INVALID && seen_has(&im->panel, id))
		rc = KERR_INVALID;      /* in several waves, blank in all but one */
	if (rc == KERR_INVALID) {
		/* several waves and no wave given: one message naming them all */
		if (im->nmulti++ < 20)
			buf_addf(&im->multi, "%s%s", im->nmulti > 1 ? ", " : "", id);
		if (!im->multi_line)
			im->multi_line = row->line;
		if (!im->first_rc)
			im->first_rc = KERR_SCHEMA;
		buf_release(&codes);
		return 0;
	}
	/* Not in the store: the respondent left the question blank (blank
	 * answers are not stored).  Marked ingen_svar or left empty, that is
	 * what the row says: counted, nothing to store. */
	if (rc == KERR_NOTFOUND && (blank || !strcmp(codes.data, CODEBOOK_INGEN_SVAR))) {
		st->blank_answers++;
		buf_release(&codes);
		return 0;
	}
	if (rc) {
		long long other;
		struct kerr e2;

		kerr_clear(&e2);
		/* the respondent answered in some wave: it is the wave that is off
		 * ("Midtvej" for "Midtvejs") */
		if (e.code == KERR_NOTFOUND && wave
		    && store_find_answer(im->s, q, NULL, id, &other, &e2) != KERR_NOTFOUND)
			kerr_set(&e, KERR_NOTFOUND, "respondent '%s' answered '%s', but not in wave "
				"'%s': write the wave as the survey does (check its spelling)",
				id, q, wave);
		else if (e.code == KERR_NOTFOUND)
			kerr_set(&e, KERR_NOTFOUND, "no answer from respondent '%s'%s%s to '%s' in "
				"the store (a wrong id or wave, or a respondent who left it blank: "
				"mark those ingen_svar)", id, wave ? " in wave " : "", wave ? wave : "", q);
		row_err(im, &e, row->line, "id");
		buf_release(&codes);
		return 0;
	}
	if (check_ignored(im, row, c, answer, st))
		return KERR_NOMEM;
	if (blank) {
		st->blank++;
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
	memset(r, 0, sizeof(*r));
	r->question = strdup(q);
	r->codes = buf_detach(&codes, NULL);
	r->note = c->note != NO_COLUMN && !is_blank(row->field[c->note])
		? strdup(row->field[c->note]) : NULL;
	r->stamp = c->stamp != NO_COLUMN ? strdup(row->field[c->stamp]) : NULL;
	r->respondent = strdup(id);
	r->wave = strdup(wave ? wave : "");
	r->answer = answer;
	r->line = row->line;
	if (!r->question || !r->codes || !r->respondent || !r->wave
	    || (c->stamp != NO_COLUMN && !r->stamp))
		return KERR_NOMEM;
	return 0;
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
		/* the same codes under an older codebook version are a decision
		 * made again (after 'koder migrate' flagged it): stored, so it
		 * counts under the version it was made with - unless the row is
		 * an export of that very decision (its stamp), which re-imported
		 * decides nothing */
		if (had && !strcmp(cur.codes, r->codes) && !r->note
		    && (!strcmp(cur.codebook_version ? cur.codebook_version : "",
			    cb->version ? cb->version : "")
			|| (r->stamp && strtoll(r->stamp, NULL, 10) == cur.id))) {
			store_decision_release(&cur);
			st->unchanged++;
			continue;
		}
		/* A file with the decision column shows, per row, the decision it
		 * was exported with.  A newer one (made in review, or by another
		 * import) would be silently reverted: leave it, and say so. */
		if (had && r->stamp && strtoll(r->stamp, NULL, 10) != cur.id
		    && !store_codes_equal(cur.codes, r->codes)) {
			if (!im->o || !im->o->force) {
				row_note(im, r->line, "codes", "respondent '%s'%s%s: %s decided '%s' "
					"at %s, after this file was exported (it shows %s%s); "
					"left as it is (--force imports '%s')", r->respondent,
					*r->wave ? " in wave " : "", r->wave, coder, cur.codes,
					cur.decided_at, *r->stamp ? "decision " : "no decision",
					r->stamp, r->codes);
				st->stale++;
				store_decision_release(&cur);
				continue;
			}
			st->forced++;
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
	const struct project_import_opts *o, struct project_import_stats *st,
	struct kerr_list *errs)
{
	struct importer im;
	struct project_import_stats dummy;
	struct csv_opts unguard = { .unguard_formulas = 1 };
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
	im.o = o;
	im.coder = coder;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	kerr_clear(&e);
	if (!(fp = fopen(path, "rb"))) {
		kerr_errno(&e, errno, path, "cannot read the decisions file");
		kerr_list_add(errs, &e);
		return KERR_IO;
	}
	if ((rc = load_panel(&im)))
		goto out;
	/* the file is usually one 'review --export' wrote: its formula guard's
	 * apostrophes go, so that a round trip changes nothing */
	if ((rc = csv_open(&csv, fp, path, &unguard, &e))
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
		struct icols cols = { cid, ccodes, opt_col(csv, "wave"), opt_col(csv, "question"),
			opt_col(csv, "note"), opt_col(csv, "decision"), opt_col(csv, "final"),
			opt_col(csv, "suggested") };

		st->rows++;
		if ((rc = check_row(&im, &row, &cols, qid, st))) {
			kerr_set(&e, rc, "out of memory");
			kerr_list_add(errs, &e);
			goto out;
		}
	}
	if (im.nmulti) {
		kerr_clear(&e);
		kerr_set(&e, KERR_SCHEMA, "%zu respondent id%s (%s%s) answered in more than one "
			"wave, and the file does not say which wave %s for: add a 'wave' column "
			"(as 'koder review --export' writes it)", im.nmulti, im.nmulti == 1 ? "" : "s",
			im.multi.data, im.nmulti > 20 ? ", ..." : "", im.nmulti == 1 ? "its row is" :
			"each row is");
		kerr_at(&e, path, im.multi_line, 0);
		kerr_path(&e, "id");
		kerr_list_add(errs, &e);
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
		free(im.rows[i].stamp);
		free(im.rows[i].respondent);
		free(im.rows[i].wave);
	}
	for (i = 0; i < im.fin.n; i++)
		free(im.fin.codes[i]);
	free(im.fin.id);
	free(im.fin.codes);
	buf_release(&im.multi);
	free(im.rows);
	for (i = 0; i < im.ncbs; i++) {
		free(im.cbs[i].question);
		codebook_free(im.cbs[i].cb);
	}
	free(im.cbs);
	seen_release(&im.seen);
	seen_release(&im.panel);
	return rc ? rc : im.first_rc;
}

/* --------------------------------------------------------------- export */

/* `decision` stamps each row with the id of the decision its codes show
 * (empty: none), so that importing the file after newer decisions were made
 * leaves those alone (project_import). */
enum { EX_ID, EX_QUESTION, EX_WAVE, EX_ROLE, EX_TEXT, EX_SUGGESTED, EX_FINAL,
	EX_FINAL_BY, EX_CODES, EX_NOTE, EX_DECISION, EX__FIXED };

static const char *const ex_head[EX__FIXED] = {
	"id", "question", "wave", "role", "text", "suggested", "final", "final_by",
	"codes", "note", "decision"
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
	struct buf masked[6];    /* masked id, wave, role, text, note, and the current extra cell */
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
	const char *m = pii_cell(*v, x->mask, &x->masked[slot], NULL);

	if (*v && !m)
		return KERR_NOMEM;
	*v = m;
	return 0;
}

static int export_row(void *ctx, const struct store_final *f)
{
	struct exporter *x = ctx;
	const struct store_answer *a = f->answer;
	const char **cells = calloc(EX__FIXED + x->nkeys, sizeof(*cells));
	struct store_decision mine;
	cJSON *o = a->extra ? cJSON_Parse(a->extra) : NULL;
	char stamp[32] = "";
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
	if (had)
		snprintf(stamp, sizeof(stamp), "%lld", mine.id);
	cells[EX_DECISION] = stamp;
	/* every cell that came from the survey or a coder's note: an id
	 * column can hold a CPR number */
	rc = mask_cell(x, 0, &cells[EX_TEXT]);
	if (!rc)
		rc = mask_cell(x, 1, &cells[EX_NOTE]);
	if (!rc)
		rc = mask_cell(x, 3, &cells[EX_ID]);
	if (!rc)
		rc = mask_cell(x, 4, &cells[EX_WAVE]);
	if (!rc)
		rc = mask_cell(x, 5, &cells[EX_ROLE]);
	for (i = 0; !rc && i < x->nkeys; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(o, x->keys[i]);

		/* Other survey columns may be free text too (a second
		 * question, a comment field): masked like the answer.  They are
		 * replaced in the cJSON tree so each keeps its own copy. */
		cells[EX__FIXED + i] = cJSON_IsString(v) ? v->valuestring : NULL;
		if (x->mask && cells[EX__FIXED + i]) {
			rc = mask_cell(x, 2, &cells[EX__FIXED + i]);
			if (!rc && cells[EX__FIXED + i] != v->valuestring
			    && !cJSON_SetValuestring(v, cells[EX__FIXED + i]))
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
	for (i = 0; i < sizeof x.masked / sizeof x.masked[0]; i++)
		buf_init(&x.masked[i], 0);
	if ((rc = store_each_answer(s, qid, collect_keys, &x, e)))
		goto out;
	if ((rc = outfile_open(&o, path, e)))
		goto out;
	if (has_suffix(path, ".xlsx") && (rc = outfile_named(&o, path, e))) {
		outfile_abort(&o);
		goto out;
	}
	if (has_suffix(path, ".xlsx")) {
		/* libxlsxwriter writes by name: it gets the temp file's. */
		fclose(o.fp);
		o.fp = NULL;
		/* Rows go out in order, so the sheet need not be held in memory. */
		lxw_workbook_options wo = { .constant_memory = LXW_TRUE };

		if (!(wb = workbook_new_opt(o.tmp, &wo))
		    || !(x.ws = workbook_add_worksheet(wb, "koder")))
			rc = kerr_set(e, KERR_WRITE, "cannot create the workbook");
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
			rc = kerr_set(e, KERR_WRITE, "cannot write the workbook");
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
	for (i = 0; i < sizeof x.masked / sizeof x.masked[0]; i++)
		buf_release(&x.masked[i]);
	return rc;
}
