/* gold.c - reading coded answers from files and stores (see gold.h). */
#include "gold.h"
#include "buf.h"
#include "codebook.h"
#include "corpus.h"
#include "csv.h"
#include "decisions.h"
#include "error.h"
#include "infile.h"
#include "project.h"
#include "store.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int gold_parse_codes(const struct codebook *cb, const char *codes, unsigned char *flags,
		     struct kerr *e)
{
	struct buf canon = BUF_INIT;
	const char *p;
	char id[256];
	int rc;

	/* the import's reading of codes: ids in any case and labels, with a
	 * "did you mean" for an unknown one */
	buf_init(&canon, 0);
	if (!(rc = project_canon_codes_loose(cb, codes, &canon, NULL, e)))
		for (p = canon.data; codebook_next_code(&p, id, sizeof id);) {
			long c = codebook_find(cb, id);

			if (c >= 0)
				flags[c] = 1;
		}
	buf_release(&canon);
	if (rc == KERR_NOTFOUND) {   /* a wrong code is a problem in the file */
		if (e)
			e->code = KERR_SCHEMA;
		rc = KERR_SCHEMA;
	}
	return rc;
}

/* Open a CSV and find its columns; on failure the problem is in errs. */
static int open_csv(const char *path, const char *what, FILE **fp, struct csv_reader **r,
		    const char *const *cols, size_t *idx, size_t ncols, struct kerr_list *errs)
{
	struct kerr e;
	size_t i;
	int rc = 0;

	kerr_clear(&e);
	*r = NULL;
	if (!(*fp = infile_open(path, what, &e))) {
		kerr_list_add(errs, &e);
		return e.code;
	}
	rc = csv_open(r, *fp, path, NULL, &e);
	for (i = 0; !rc && i < ncols; i++)
		rc = csv_header_find(*r, cols[i], &idx[i], &e);
	if (rc) {
		kerr_at(&e, path, 1, 0);
		kerr_list_add(errs, &e);
		csv_close(*r);
		fclose(*fp);
		*r = NULL;
		*fp = NULL;
	}
	return rc;
}

int gold_read_csv(const char *path, const char *id_col, const char *text_col,
		  const char *codes_col, gold_fn fn, void *ctx, struct kerr_list *errs)
{
	const char *cols[3] = { text_col, codes_col, id_col };
	struct csv_reader *r;
	struct csv_row row;
	struct kerr e;
	size_t idx[3];
	FILE *fp;
	int rc, first;

	if ((first = open_csv(path, "the coded answers", &fp, &r, cols, idx, id_col ? 3 : 2,
			      errs)))
		return first;
	kerr_clear(&e);
	while ((rc = csv_next(r, &row, &e)) == CSV_ROW) {
		if ((rc = fn(ctx, id_col ? row.field[idx[2]] : NULL, row.field[idx[0]], row.len[idx[0]],
			      row.field[idx[1]], &e))) {
			kerr_at(&e, path, row.line, 0);
			kerr_list_add(errs, &e);
			first = first ? first : rc;
			if (rc == KERR_NOMEM || rc == KERR_LIMIT)
				break;
			kerr_clear(&e);
		}
	}
	if (rc < 0) {   /* csv_next's errors are negated codes */
		kerr_list_add(errs, &e);
		first = first ? first : -rc;
	}
	csv_close(r);
	fclose(fp);
	return first;
}

/* Whether the CSV at `path` has column `col`; -1 (problem in errs) when it
 * cannot be read. */
static int has_column(const char *path, const char *col, struct kerr_list *errs)
{
	struct csv_reader *r = NULL;
	struct kerr e;
	size_t idx;
	FILE *fp;
	int has;

	kerr_clear(&e);
	if (!(fp = infile_open(path, "the gold codes", &e)) || csv_open(&r, fp, path, NULL, &e)) {
		kerr_list_add(errs, &e);
		if (fp)
			fclose(fp);
		return -1;
	}
	has = !csv_header_find(r, col, &idx, NULL);
	csv_close(r);
	fclose(fp);
	return has;
}

/* "R001, R002, R003 and 4 more": the first of n ids. */
static void list_ids(struct buf *b, const char *const *ids, size_t n, size_t shown)
{
	size_t i;

	for (i = 0; i < n && i < shown; i++)
		buf_addf(b, "%s'%s'", i ? ", " : "", ids[i]);
	if (n > shown)
		buf_addf(b, " and %zu more", n - shown);
}

#define GOLD_IDS_LISTED 5

int gold_read_joined(const struct corpus *c, const char *question, const char *gold,
		     gold_fn fn, void *ctx, struct kerr_list *errs)
{
	struct survey_opts so = { .question = question };
	struct decisions d;
	struct survey *sv = NULL;
	struct survey_row row;
	const char *ids[GOLD_IDS_LISTED], *file = c->survey ? c->survey : "the survey";
	struct buf list = BUF_INIT;
	struct kerr e;
	size_t n;
	int rc, first = 0, waves;

	kerr_clear(&e);
	if ((waves = has_column(gold, "wave", errs)) < 0)
		return errs->n ? (int)errs->items[errs->n - 1].code : KERR_IO;
	/* a gold file keyed by wave against a survey whose rows have none can
	 * match nothing: say what is missing rather than that no id matched */
	if (waves && !corpus_has_waves(c)) {
		kerr_set(&e, KERR_SCHEMA, "the gold codes name each answer's wave, but the "
			 "survey has no wave column: give its wave column with --wave COL (or "
			 "\"wave\" under \"columns\" in the corpus descriptor)");
		kerr_at(&e, gold, 1, 0);
		kerr_list_add(errs, &e);
		return KERR_SCHEMA;
	}
	if (decisions_init(&d)) {
		kerr_set(&e, KERR_NOMEM, "out of memory");
		kerr_list_add(errs, &e);
		return KERR_NOMEM;
	}
	/* the gold rows are decisions like a --codes file's: keyed by (wave,
	 * id) when the file has a wave column, by id alone when not */
	if ((first = decisions_load_codes(&d, gold, &e))) {
		kerr_list_add(errs, &e);
		goto out;
	}
	if ((first = survey_open(&sv, c, NULL, &so, errs)))
		goto out;
	file = survey_file(sv);
	while ((rc = survey_next(sv, &row, &e)) != SURVEY_END) {
		const char *codes;

		if (rc < 0) {
			kerr_list_add(errs, &e);
			first = first ? first : -rc;
			if (rc != -KERR_SYNTAX)
				break;
			kerr_clear(&e);
			continue;
		}
		if (row.dup_line > 0) {
			survey_dup_error(sv, &row, &e);
			kerr_list_add(errs, &e);
			first = first ? first : KERR_SCHEMA;
			kerr_clear(&e);
			continue;
		}
		if (!(codes = decisions_get(&d, row.wave, row.respondent, row.respondent_len)))
			continue;
		if ((rc = fn(ctx, row.respondent, row.answer[0], row.answer_len[0], codes, &e))) {
			kerr_at(&e, file, row.line, 0);
			kerr_list_add(errs, &e);
			first = first ? first : rc;
			if (rc == KERR_NOMEM || rc == KERR_LIMIT)
				goto out;
			kerr_clear(&e);
		}
	}
	/* an id in several waves and gold codes without a wave: which wave's
	 * answer the codes are for cannot be told (see decisions.h) */
	if ((n = decisions_ambiguous(&d, ids, GOLD_IDS_LISTED))) {
		list_ids(&list, ids, n, GOLD_IDS_LISTED);
		kerr_set(&e, KERR_SCHEMA, "%zu respondent id%s (%s) answer%s in more than one "
			 "wave of %s, but the gold codes have no wave column: add a 'wave' column "
			 "saying which wave each row is for (id,wave,codes)", n, n == 1 ? "" : "s",
			 list.data, n == 1 ? "s" : "", file);
		kerr_at(&e, gold, 1, 0);
		kerr_list_add(errs, &e);
		first = first ? first : KERR_SCHEMA;
	}
	/* a gold id the survey lacks is a wrong file pairing, not a detail */
	if (!first && (n = decisions_unused(&d, ids, GOLD_IDS_LISTED))) {
		buf_reset(&list);
		list_ids(&list, ids, n, GOLD_IDS_LISTED);
		kerr_set(&e, KERR_SCHEMA, "%zu respondent%s with gold codes (%s) %s not in %s%s: "
			 "is it the survey these codes belong to?", n, n == 1 ? "" : "s", list.data,
			 n == 1 ? "is" : "are", file, waves ? " in the wave given" : "");
		kerr_at(&e, gold, 0, 0);
		kerr_list_add(errs, &e);
		first = KERR_SCHEMA;
	}
out:
	survey_close(sv);
	decisions_release(&d);
	buf_release(&list);
	return first;
}

int gold_read(const char *path, const char *text_col, const char *codes_col,
	      const struct corpus *survey, const char *question, gold_fn fn, void *ctx,
	      struct kerr_list *errs)
{
	struct kerr e;
	int has_text, has_id;

	if ((has_text = has_column(path, text_col, errs)) < 0
	    || (has_id = has_column(path, "id", errs)) < 0)
		return errs->n ? (int)errs->items[errs->n - 1].code : KERR_IO;
	if (has_text)
		return gold_read_csv(path, has_id ? "id" : NULL, text_col, codes_col, fn, ctx, errs);
	if (survey)
		return gold_read_joined(survey, question, path, fn, ctx, errs);
	kerr_clear(&e);
	kerr_set(&e, KERR_SCHEMA, "no '%s' column with the answers: give the survey they "
		 "belong to with --survey FILE --id COL --answer COL, or its corpus", text_col);
	kerr_at(&e, path, 1, 0);
	kerr_list_add(errs, &e);
	return KERR_SCHEMA;
}

struct store_ctx {
	gold_fn fn;
	void *ctx;
	struct kerr *e;
	const char *version;
	size_t stale;
};

static int add_final(void *ctx, const struct store_final *f)
{
	struct store_ctx *c = ctx;

	if (!f->coder || !f->codes)
		return 0;
	if (c->version && (!f->codebook_version || strcmp(f->codebook_version, c->version))) {
		c->stale++;
		return 0;
	}
	return c->fn(c->ctx, f->answer->respondent, f->answer->text, strlen(f->answer->text),
		     f->codes, c->e);
}

int gold_read_store(struct store *st, const char *question, const char *version,
		    size_t *stale, gold_fn fn, void *ctx, struct kerr *e)
{
	struct store_ctx c = { fn, ctx, e, version, 0 };
	int rc = store_each_final(st, question, add_final, &c, e);

	if (stale)
		*stale = c.stale;
	return rc;
}

int gold_read_all(const struct gold_source *src, const char *default_question,
		  const char *version, size_t *stale, gold_fn fn, void *ctx, struct kerr_list *errs)
{
	struct store *st = NULL;
	struct kerr e;
	size_t i;
	int rc = 0;

	for (i = 0; i < src->nfiles; i++) {
		int r = gold_read(src->files[i], src->text_col ? src->text_col : "text",
				  src->codes_col ? src->codes_col : "codes", src->survey,
				  src->survey_question, fn, ctx, errs);

		if (r && !rc)
			rc = r;
	}
	if (rc || errs->n || !src->db)
		return rc ? rc : errs->n ? (int)errs->items[0].code : 0;
	kerr_clear(&e);
	if ((rc = store_open(&st, src->db, 0, &e)) == 0)
		rc = gold_read_store(st, src->question ? src->question : default_question, version,
				     stale, fn, ctx, &e);
	store_close(st);
	if (rc && kerr_list_add(errs, &e))
		return KERR_NOMEM;
	return rc;
}
