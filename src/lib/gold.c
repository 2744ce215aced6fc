/* gold.c - reading coded answers from files and stores (see gold.h). */
#include "gold.h"
#include "buf.h"
#include "codebook.h"
#include "csv.h"
#include "error.h"
#include "infile.h"
#include "project.h"
#include "store.h"
#include "strtab.h"

#include <stdint.h>
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

int gold_read_joined(const char *survey, const char *id_col, const char *text_col,
		     const char *gold, gold_fn fn, void *ctx, struct kerr_list *errs)
{
	const char *gcols[2] = { "id", "codes" }, *scols[2] = { id_col, text_col };
	struct csv_reader *r = NULL;
	struct csv_row row;
	struct strtab ids;
	struct buf codes = BUF_INIT;     /* every gold row's codes, NUL-separated */
	unsigned char *used = NULL;
	size_t idx[2], n = 0, i;
	uint32_t at = 0;
	struct kerr e;
	FILE *fp = NULL;
	int rc, first = 0;

	kerr_clear(&e);
	if (strtab_init(&ids, 1 << 12)) {
		kerr_set(&e, KERR_NOMEM, "out of memory");
		kerr_list_add(errs, &e);
		return KERR_NOMEM;
	}
	if ((first = open_csv(gold, "the gold codes", &fp, &r, gcols, idx, 2, errs)))
		goto out;
	while ((rc = csv_next(r, &row, &e)) == CSV_ROW) {
		if (strtab_get(&ids, row.field[idx[0]], row.len[idx[0]], &at)) {
			kerr_set(&e, KERR_SCHEMA, "respondent '%.60s' has gold codes twice",
				 row.field[idx[0]]);
			kerr_at(&e, gold, row.line, 0);
			kerr_list_add(errs, &e);
			first = first ? first : KERR_SCHEMA;
			continue;
		}
		if (strtab_put(&ids, row.field[idx[0]], row.len[idx[0]], (uint32_t)codes.len, 0)
		    || buf_add(&codes, row.field[idx[1]], row.len[idx[1]] + 1)) {
			rc = -KERR_NOMEM;
			kerr_set(&e, KERR_NOMEM, "out of memory");
			break;
		}
		n++;
	}
	if (rc < 0) {
		kerr_list_add(errs, &e);
		first = first ? first : -rc;
	}
	csv_close(r);
	fclose(fp);
	if (first || (first = open_csv(survey, "the survey", &fp, &r, scols, idx, 2, errs)))
		goto out;
	if (!(used = calloc(codes.len + 1, 1))) {
		kerr_set(&e, KERR_NOMEM, "out of memory");
		kerr_list_add(errs, &e);
		first = KERR_NOMEM;
	}
	while (!first && (rc = csv_next(r, &row, &e)) == CSV_ROW) {
		if (!strtab_get(&ids, row.field[idx[0]], row.len[idx[0]], &at))
			continue;
		used[at] = 1;
		kerr_clear(&e);
		if ((rc = fn(ctx, row.field[idx[0]], row.field[idx[1]], row.len[idx[1]],
			      codes.data + at, &e))) {
			kerr_at(&e, survey, row.line, 0);
			kerr_list_add(errs, &e);
			first = rc;
		}
	}
	if (!first && rc < 0) {
		kerr_list_add(errs, &e);
		first = -rc;
	}
	csv_close(r);
	fclose(fp);
	/* a gold id the survey lacks is a wrong file pairing, not a detail */
	for (i = 0, n = 0; !first && i < codes.len; i += strlen(codes.data + i) + 1)
		n += !used[i];
	if (!first && n) {
		kerr_set(&e, KERR_SCHEMA, "%zu respondent%s with gold codes %s not in %s: is it "
			 "the survey these codes belong to?", n, n == 1 ? "" : "s",
			 n == 1 ? "is" : "are", survey);
		kerr_at(&e, gold, 0, 0);
		kerr_list_add(errs, &e);
		first = KERR_SCHEMA;
	}
out:
	strtab_release(&ids);
	buf_release(&codes);
	free(used);
	return first;
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

int gold_read(const char *path, const char *text_col, const char *codes_col,
	      const char *survey, const char *id_col, const char *answer_col, gold_fn fn,
	      void *ctx, struct kerr_list *errs)
{
	struct csv_reader *r = NULL;
	struct kerr e;
	size_t idx;
	FILE *fp;
	int has_text, has_id;

	kerr_clear(&e);
	if (!(fp = infile_open(path, "the gold codes", &e)) || csv_open(&r, fp, path, NULL, &e)) {
		kerr_list_add(errs, &e);
		if (fp)
			fclose(fp);
		return e.code;
	}
	has_text = !csv_header_find(r, text_col, &idx, NULL);
	has_id = !csv_header_find(r, "id", &idx, NULL);
	csv_close(r);
	fclose(fp);
	if (has_text)
		return gold_read_csv(path, has_id ? "id" : NULL, text_col, codes_col, fn, ctx, errs);
	if (survey)
		return gold_read_joined(survey, id_col, answer_col, path, fn, ctx, errs);
	kerr_set(&e, KERR_SCHEMA, "no '%s' column with the answers: give the survey they "
		 "belong to with --survey FILE --id COL --answer COL", text_col);
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
				  src->codes_col ? src->codes_col : "codes", src->survey, src->id_col,
				  src->answer_col, fn, ctx, errs);

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
