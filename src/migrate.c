/*
 * migrate.c - map one decision's codes to a newer codebook version, or say
 * why a coder must decide again.
 */
#include "migrate.h"
#include "buf.h"
#include "cbdiff.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

#define INGEN_SVAR "ingen_svar"

void migrate_item_release(struct migrate_item *m)
{
	free(m->codes);
	free(m->why);
	m->codes = m->why = NULL;
	m->status = MIGRATE_SAME;
}

const char *migrate_status_name(enum migrate_status s)
{
	switch (s) {
	case MIGRATE_SAME: return "same";
	case MIGRATE_CHANGED: return "changed";
	case MIGRATE_REVIEW: return "review";
	}
	return "?";
}

/* Note one reason in `why` ("a -> b; c split into d, e"). */
static int add_why(struct buf *why, const char *fmt, const char *a, const char *b)
{
	int rc = 0;

	if (why->len)
		rc = buf_adds(why, "; ");
	return rc ? rc : buf_addf(why, fmt, a, b);
}

static int join_ids(struct buf *b, const char **ids, size_t n, const char *sep)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++)
		rc = buf_addf(b, "%s%s", i ? sep : "", ids[i]);
	return rc;
}

int migrate_codes(const struct cbdiff *d, const char *codes,
	struct migrate_item *out, struct kerr *e)
{
	const struct cbview *nv = d->new_;
	char *list = strdup(codes ? codes : ""), *tok, *save = NULL;
	unsigned char *keep = calloc(nv->ncats + 1, 1);
	const char **to = calloc(nv->ncats + 1, sizeof(*to));
	struct buf why = BUF_INIT, res = BUF_INIT, tmp = BUF_INIT;
	int rc = 0, review = 0, changed = 0, ingen = 0;
	size_t i;

	out->status = MIGRATE_SAME;
	out->codes = out->why = NULL;
	if (!list || !keep || !to) {
		rc = KERR_NOMEM;
		goto done;
	}
	for (tok = strtok_r(list, ";", &save); tok && !rc; tok = strtok_r(NULL, ";", &save)) {
		enum cbdiff_fate_kind kind;
		size_t n;

		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		if (!strcmp(tok, INGEN_SVAR)) {
			ingen = 1;
			continue;
		}
		n = cbdiff_map(d, tok, to, nv->ncats, &kind);
		if (n == 1) {
			if (strcmp(to[0], tok)) {
				changed = 1;
				rc = add_why(&why, "%s -> %s", tok, to[0]);
			}
			keep[cbview_find(nv, to[0])] = 1;
		} else if (n == 0) {
			review = 1;
			rc = add_why(&why, cbview_find(d->old, tok) < 0
				? "%s is not a category of the old version%s"
				: "%s was removed%s", tok, "");
		} else {
			review = 1;
			buf_reset(&tmp);
			rc = join_ids(&tmp, to, n, ", ");
			if (!rc)
				rc = add_why(&why, "%s was split into %s", tok, tmp.data);
		}
	}
	if (rc)
		goto done;
	if (review) {
		out->status = MIGRATE_REVIEW;
		rc = buf_adds(&res, codes ? codes : "");
	} else {
		out->status = changed ? MIGRATE_CHANGED : MIGRATE_SAME;
		for (i = 0; i < nv->ncats && !rc; i++)
			if (keep[i])
				rc = buf_addf(&res, "%s%s", res.len ? ";" : "", nv->cats[i].id);
		if (!rc && ingen)
			rc = buf_addf(&res, "%s%s", res.len ? ";" : "", INGEN_SVAR);
	}
	if (!rc) {
		out->codes = buf_detach(&res, NULL);
		if (why.len)
			out->why = buf_detach(&why, NULL);
		if (!out->codes || (why.len && !out->why))
			rc = KERR_NOMEM;
	}
done:
	free(list);
	free(keep);
	free(to);
	buf_release(&why);
	buf_release(&res);
	buf_release(&tmp);
	if (rc) {
		migrate_item_release(out);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	return 0;
}
