/*
 * migrate.c - map one decision's codes to a newer codebook version, or say
 * why a coder must decide again.
 */
#include "migrate.h"
#include "buf.h"
#include "cbdiff.h"
#include "codebook.h"
#include "error.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

#define INGEN_SVAR "ingen_svar"

static int codes_have(const char *codes, const char *id);

void migrate_item_release(struct migrate_item *m)
{
	free(m->codes);
	free(m->why);
	free(m->carried);
	free(m->split);
	free(m->added);
	m->codes = m->why = m->carried = m->split = m->added = NULL;
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
	struct buf why = BUF_INIT, res = BUF_INIT, tmp = BUF_INIT, split = BUF_INIT;
	int rc = 0, review = 0, changed = 0, ingen = 0;
	size_t i;

	out->status = MIGRATE_SAME;
	out->codes = out->why = out->carried = out->split = out->added = NULL;
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
			if (!rc && split.len)
				rc = buf_adds(&split, "|");
			if (!rc)
				rc = join_ids(&split, to, n, ";");
		}
	}
	/* the carried codes: the new codes when nothing needs a coder, and
	 * what a flagged decision keeps of its own meanwhile */
	for (i = 0; i < nv->ncats && !rc; i++)
		if (keep[i])
			rc = buf_addf(&res, "%s%s", res.len ? ";" : "", nv->cats[i].id);
	if (!rc && ingen)
		rc = buf_addf(&res, "%s%s", res.len ? ";" : "", INGEN_SVAR);
	if (rc)
		goto done;
	out->status = review ? MIGRATE_REVIEW : changed ? MIGRATE_CHANGED : MIGRATE_SAME;
	out->carried = buf_detach(&res, NULL);
	out->codes = strdup(review ? (codes ? codes : "") : out->carried ? out->carried : "");
	out->split = buf_detach(&split, NULL);
	out->added = strdup("");
	if (why.len)
		out->why = buf_detach(&why, NULL);
	if (!out->carried || !out->codes || !out->split || !out->added || (why.len && !out->why))
		rc = KERR_NOMEM;
done:
	free(list);
	free(keep);
	free(to);
	buf_release(&why);
	buf_release(&res);
	buf_release(&tmp);
	buf_release(&split);
	if (rc) {
		migrate_item_release(out);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	return 0;
}

/* Append `id` to ';'-joined `b` unless it is there. */
static int add_code(struct buf *b, const char *id)
{
	return codes_have(b->data, id) ? 0 : buf_addf(b, "%s%s", b->len ? ";" : "", id);
}

int migrate_interim(const char *carried, const char *split, const char *added,
	const char *rules, struct buf *out, size_t *unsettled)
{
	char *groups = strdup(split ? split : ""), *adds = strdup(added ? added : "");
	char *keep = strdup(carried ? carried : ""), *g, *tok, *gsave = NULL, *save = NULL;
	struct buf got = BUF_INIT;
	int rc = groups && adds && keep ? 0 : KERR_NOMEM;

	buf_reset(out);
	/* a split category: its parts the rules find, or none of them */
	for (g = rc ? NULL : strtok_r(groups, "|", &gsave); g && !rc; g = strtok_r(NULL, "|", &gsave)) {
		int hit = 0;

		for (tok = strtok_r(g, "; ", &save); tok && !rc; tok = strtok_r(NULL, "; ", &save))
			if (codes_have(rules, tok)) {
				hit = 1;
				rc = add_code(&got, tok);
			}
		if (!hit && unsettled)
			++*unsettled;
	}
	/* an added category: the coder could not choose it */
	for (tok = rc ? NULL : strtok_r(adds, "; ", &save); tok && !rc; tok = strtok_r(NULL, "; ", &save))
		if (codes_have(rules, tok) && !codes_have(carried, tok))
			rc = add_code(&got, tok);
	for (tok = rc ? NULL : strtok_r(keep, "; ", &save); tok && !rc; tok = strtok_r(NULL, "; ", &save))
		if (!got.len || strcmp(tok, CODEBOOK_ANDET))
			rc = add_code(out, tok);
	for (tok = rc || !got.len ? NULL : strtok_r(got.data, ";", &save); tok && !rc;
	     tok = strtok_r(NULL, ";", &save))
		rc = add_code(out, tok);
	free(groups);
	free(adds);
	free(keep);
	buf_release(&got);
	return rc ? KERR_NOMEM : 0;
}

/* ---- a whole store ---------------------------------------------------- */

struct collect {
	struct migrate_plan *p;
	const struct codebook *to;
	int rc;
};

static char *dup0(const char *s, int *fail)
{
	char *d = strdup(s ? s : "");

	if (!d)
		*fail = 1;
	return d;
}

static int collect_one(void *ctx, const struct store_decision *d)
{
	struct collect *c = ctx;
	struct migrate_plan *p = c->p;
	struct migrate_entry *m;
	int fail = 0;

	if (!d->codebook_id || strcmp(d->codebook_id, c->to->id))
		return 0;
	if (d->codebook_version && !strcmp(d->codebook_version, c->to->version)) {
		p->current++;
		return 0;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct migrate_entry *np = realloc(p->entries, cap * sizeof(*np));

		if (!np)
			return c->rc = KERR_NOMEM;
		p->entries = np;
		p->cap = cap;
	}
	m = &p->entries[p->n];
	memset(m, 0, sizeof(*m));
	m->answer_id = d->answer_id;
	m->decision_id = d->id;
	m->final = d->final;
	m->coder = dup0(d->coder, &fail);
	m->version = dup0(d->codebook_version, &fail);
	m->old_codes = dup0(d->codes, &fail);
	m->suggested = d->suggested ? dup0(d->suggested, &fail) : NULL;
	p->n++;
	return fail ? (c->rc = KERR_NOMEM) : 0;
}

/* The ids the decisions of one version use, as a stand-in old codebook. */
static int ids_view(const struct migrate_plan *p, const char *version, const char *cb_id,
	struct cbview *v, char ***ids, size_t *nids)
{
	size_t i, k;

	memset(v, 0, sizeof(*v));
	*ids = NULL;
	*nids = 0;
	for (i = 0; i < p->n; i++) {
		char *list, *tok, *save = NULL;

		if (strcmp(p->entries[i].version, version))
			continue;
		if (!(list = strdup(p->entries[i].old_codes)))
			return KERR_NOMEM;
		for (tok = strtok_r(list, "; ", &save); tok; tok = strtok_r(NULL, "; ", &save)) {
			char **np;

			if (!strcmp(tok, INGEN_SVAR))
				continue;
			for (k = 0; k < *nids && strcmp((*ids)[k], tok); k++)
				;
			if (k < *nids)
				continue;
			np = realloc(*ids, (*nids + 1) * sizeof(*np));
			if (!np || !(np[*nids] = strdup(tok))) {
				if (np)
					*ids = np;
				free(list);
				return KERR_NOMEM;
			}
			*ids = np;
			(*nids)++;
		}
		free(list);
	}
	v->id = cb_id;
	v->version = version;
	v->cats = calloc(*nids + 1, sizeof(*v->cats));
	if (!v->cats)
		return KERR_NOMEM;
	for (k = 0; k < *nids; k++)
		v->cats[k].id = v->cats[k].label = (*ids)[k];
	v->ncats = *nids;
	return 0;
}

static int count_fates(struct migrate_plan *p, const struct cbdiff *d, const char *version,
	const char *codes)
{
	char *list = strdup(codes), *tok, *save = NULL;
	const char **to = calloc(d->new_->ncats + 1, sizeof(*to));
	struct buf s = BUF_INIT;
	int rc = list && to ? 0 : KERR_NOMEM;

	for (tok = list ? strtok_r(list, "; ", &save) : NULL; tok && !rc;
	     tok = strtok_r(NULL, "; ", &save)) {
		enum cbdiff_fate_kind kind;
		size_t n, i;
		struct migrate_fate_count *f;

		if (!strcmp(tok, INGEN_SVAR))
			continue;
		for (i = 0; i < p->nfates; i++)
			if (!strcmp(p->fates[i].version, version) && !strcmp(p->fates[i].id, tok))
				break;
		if (i < p->nfates) {
			p->fates[i].decisions++;
			continue;
		}
		n = cbdiff_map(d, tok, to, d->new_->ncats, &kind);
		buf_reset(&s);
		if ((rc = join_ids(&s, to, n, ", ")))
			break;
		if (p->nfates == p->fcap) {
			size_t cap = p->fcap ? p->fcap * 2 : 16;
			struct migrate_fate_count *np = realloc(p->fates, cap * sizeof(*np));

			if (!np) {
				rc = KERR_NOMEM;
				break;
			}
			p->fates = np;
			p->fcap = cap;
		}
		f = &p->fates[p->nfates];
		f->version = strdup(version);
		f->id = strdup(tok);
		f->to = strdup(s.data);
		f->kind = kind;
		f->decisions = 1;
		p->nfates++;
		if (!f->version || !f->id || !f->to)
			rc = KERR_NOMEM;
	}
	free(list);
	free(to);
	buf_release(&s);
	return rc;
}

/* Remember which new categories have no predecessor in `version`. */
static int note_added(struct migrate_plan *p, const struct cbdiff *d, const char *version)
{
	struct migrate_added *a;
	size_t j;
	void *np = realloc(p->added, (p->nadded + 1) * sizeof(*p->added));

	if (!np)
		return KERR_NOMEM;
	p->added = np;
	a = &p->added[p->nadded++];
	memset(a, 0, sizeof(*a));
	if (!(a->version = strdup(version)))
		return KERR_NOMEM;
	for (j = 0; j < d->new_->ncats; j++) {
		char **ids;

		if (d->newcats[j].nfrom || cbview_find(d->old, d->new_->cats[j].id) >= 0)
			continue;
		if (!(ids = realloc(a->ids, (a->n + 1) * sizeof(*ids))))
			return KERR_NOMEM;
		a->ids = ids;
		if (!(a->ids[a->n] = strdup(d->new_->cats[j].id)))
			return KERR_NOMEM;
		a->n++;
	}
	return 0;
}

/* The store remembers, per codebook and old version, the categories a
 * migration found added since that version: a later run that no longer has
 * the old codebook file (the store records only the current one) still
 * flags what the first run flagged, instead of carrying it. */
static int added_key(struct buf *key, const char *cb_id, const char *version)
{
	buf_reset(key);
	return buf_addf(key, "migrate-added:%s:%s", cb_id, version);
}

/* Remember which new categories the store recorded as added since
 * `version`, of those `nv` still has. */
static int note_added_recorded(struct migrate_plan *p, struct store *s, const struct cbview *nv,
	const char *version, struct kerr *e)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	struct migrate_added *a;
	char *tok, *save = NULL;
	void *np;
	int rc = added_key(&key, p->codebook_id, version);

	if (!rc && (rc = store_meta_get(s, key.data, &val, NULL)) == KERR_NOTFOUND)
		rc = 0;
	else if (!rc && (np = realloc(p->added, (p->nadded + 1) * sizeof(*p->added)))) {
		p->added = np;
		a = &p->added[p->nadded++];
		memset(a, 0, sizeof(*a));
		rc = (a->version = strdup(version)) ? 0 : KERR_NOMEM;
		for (tok = strtok_r(val.data, ";", &save); tok && !rc; tok = strtok_r(NULL, ";", &save)) {
			char **ids;

			if (cbview_find(nv, tok) < 0)
				continue;
			if (!(ids = realloc(a->ids, (a->n + 1) * sizeof(*ids)))) {
				rc = KERR_NOMEM;
				break;
			}
			a->ids = ids;
			if (!(a->ids[a->n] = strdup(tok)))
				rc = KERR_NOMEM;
			else
				a->n++;
		}
	} else if (!rc) {
		rc = KERR_NOMEM;
	}
	buf_release(&key);
	buf_release(&val);
	return rc == KERR_NOMEM ? kerr_set(e, rc, "out of memory") : rc;
}

/* Record p's added categories (merged with what the store has) for the
 * next run; in the caller's transaction. */
static int record_added(struct store *s, const struct migrate_plan *p, struct kerr *e)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < p->nadded && !rc; i++) {
		const struct migrate_added *a = &p->added[i];

		if (!a->n)
			continue;
		buf_reset(&val);
		if ((rc = added_key(&key, p->codebook_id, a->version)))
			break;
		if ((rc = store_meta_get(s, key.data, &val, NULL)) == KERR_NOTFOUND)
			rc = 0;
		for (k = 0; k < a->n && !rc; k++)
			if (!codes_have(val.data, a->ids[k]))
				rc = buf_addf(&val, "%s%s", val.len ? ";" : "", a->ids[k]);
		if (rc)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
		else
			rc = store_meta_set(s, key.data, val.data, e);
	}
	buf_release(&key);
	buf_release(&val);
	return rc;
}

/* 1 when ';'-joined `codes` holds `id`. */
static int codes_have(const char *codes, const char *id)
{
	size_t n = strlen(id);
	const char *p = codes;

	while (p && *p) {
		while (*p == ';' || *p == ' ')
			p++;
		if (!strncmp(p, id, n) && (p[n] == '\0' || p[n] == ';' || p[n] == ' '))
			return 1;
		p = strchr(p, ';');
	}
	return 0;
}

int migrate_plan_flag_added(struct migrate_plan *p,
	const char *(*recoded)(void *ctx, long long answer_id), void *ctx, struct kerr *e)
{
	size_t i, v, k;

	for (i = 0; i < p->n; i++) {
		struct migrate_entry *m = &p->entries[i];
		const struct migrate_added *a = NULL;
		const char *rules;
		struct buf why = BUF_INIT;

		if (m->item.status == MIGRATE_REVIEW || !(rules = recoded(ctx, m->answer_id)))
			continue;
		for (v = 0; v < p->nadded && !a; v++)
			if (!strcmp(p->added[v].version, m->version))
				a = &p->added[v];
		for (k = 0; a && k < a->n; k++) {
			if (!codes_have(rules, a->ids[k]) || codes_have(m->item.codes, a->ids[k]))
				continue;
			if (buf_addf(&why, "%sversion %s added %s, which the rules find in this "
					"answer", why.len ? "; " : "", p->to_version, a->ids[k]))
				return kerr_set(e, KERR_NOMEM, "out of memory");
		}
		if (!why.len)
			continue;
		if (m->item.status == MIGRATE_SAME)
			p->same--;
		else
			p->changed--;
		p->review++;
		p->flagged_added++;
		m->item.status = MIGRATE_REVIEW;
		free(m->item.codes);
		free(m->item.why);
		m->item.codes = strdup(m->old_codes);
		m->item.why = buf_detach(&why, NULL);
		if (!m->item.codes || !m->item.why)
			return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	return 0;
}

/*
 * The residual andet means "any other substantive answer": whatever a
 * category added since `a`'s version covers, a coder under that version
 * coded andet.  So when the new version adds a category (with no declared
 * predecessor: one that "replaces" andet makes andet split, which flags it
 * anyway) and keeps andet, every decision that carries andet is flagged -
 * whether or not the rules find the new category's words in the answer.
 * Returns 0 or KERR_NOMEM.
 */
static int flag_residual(struct migrate_plan *p, const struct migrate_added *a,
	struct migrate_entry *m)
{
	struct buf why = BUF_INIT;
	size_t k;
	int rc = 0;

	if (!a || !a->n || m->item.status == MIGRATE_REVIEW
	    || !codes_have(m->item.codes, CODEBOOK_ANDET))
		return 0;
	rc = buf_addf(&why, "version %s added ", p->to_version);
	for (k = 0; k < a->n && !rc; k++)
		rc = buf_addf(&why, "%s%s", k ? (k + 1 < a->n ? ", " : " and ") : "", a->ids[k]);
	if (!rc)
		rc = buf_addf(&why, " (since version %s), which %s (the residual) covered "
			"until then: is the answer still %s?", m->version, CODEBOOK_ANDET,
			CODEBOOK_ANDET);
	if (rc) {
		buf_release(&why);
		return KERR_NOMEM;
	}
	p->same -= m->item.status == MIGRATE_SAME;
	p->changed -= m->item.status == MIGRATE_CHANGED;
	p->review++;
	p->flagged_residual++;
	m->item.status = MIGRATE_REVIEW;
	free(m->item.codes);
	free(m->item.why);
	m->item.codes = strdup(m->old_codes);
	m->item.why = buf_detach(&why, NULL);
	return m->item.codes && m->item.why ? 0 : KERR_NOMEM;
}

static int plan_version(struct migrate_plan *p, struct store *s, const struct codebook *to,
	const struct codebook *const *from, size_t nfrom, const char *version,
	const struct cbview *nv, struct kerr *e)
{
	const struct codebook *old = NULL;
	const struct migrate_added *added = NULL, *since = NULL;
	struct cbview ov;
	struct cbdiff d;
	struct buf since_ids = BUF_INIT;
	char **ids = NULL;
	size_t nids = 0, i;
	int rc;

	memset(&d, 0, sizeof(d));
	memset(&ov, 0, sizeof(ov));
	for (i = 0; i < nfrom; i++)
		if (!strcmp(from[i]->version, version) && !strcmp(from[i]->id, to->id))
			old = from[i];
	rc = old ? cbdiff_view(old, &ov, e) : ids_view(p, version, to->id, &ov, &ids, &nids);
	if (!rc)
		rc = cbdiff_compute(&ov, nv, &d, e);
	/* Only a real old version says what was added: the ids its decisions
	 * happen to use would make every unused category look new. */
	if (!rc && old)
		rc = note_added(p, &d, version);
	else if (!rc)
		rc = note_added_recorded(p, s, nv, version, e);
	/* andet is the residual only where both versions have it (without the
	 * old file: where its decisions use it) */
	if (!rc && p->nadded && !strcmp(p->added[p->nadded - 1].version, version))
		since = &p->added[p->nadded - 1];
	if (since && cbview_find(&ov, CODEBOOK_ANDET) >= 0 && cbview_find(nv, CODEBOOK_ANDET) >= 0)
		added = since;
	/* what a flagged decision may take from the new rules meanwhile */
	for (i = 0; !rc && since && i < since->n; i++)
		rc = buf_addf(&since_ids, "%s%s", i ? ";" : "", since->ids[i]) ? KERR_NOMEM : 0;
	for (i = 0; !rc && i < p->n; i++) {
		struct migrate_entry *m = &p->entries[i];

		if (strcmp(m->version, version))
			continue;
		if ((rc = migrate_codes(&d, m->old_codes, &m->item, e))
			|| (rc = count_fates(p, &d, version, m->old_codes)))
			break;
		free(m->item.added);
		if (!(m->item.added = strdup(since_ids.data))) {
			rc = KERR_NOMEM;
			break;
		}
		p->same += m->item.status == MIGRATE_SAME;
		p->changed += m->item.status == MIGRATE_CHANGED;
		p->review += m->item.status == MIGRATE_REVIEW;
		if ((rc = flag_residual(p, added, m)))
			break;
	}
	cbdiff_release(&d);
	cbview_release(&ov);
	buf_release(&since_ids);
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	if (rc == KERR_NOMEM)
		kerr_set(e, KERR_NOMEM, "out of memory");
	return rc;
}

/* Compare two version strings as dotted numbers ("2.10" after "2.9"); a
 * part that is not a number compares as text.  <0, 0 or >0. */
static int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
		size_t la, lb;

		if (ea == a || eb == b)     /* not numbers: the rest as text */
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = ea;
		b = eb;
		la = strcspn(a, "0123456789");
		lb = strcspn(b, "0123456789");
		if (la != lb || memcmp(a, b, la))
			return strcmp(a, b);
		a += la;
		b += lb;
	}
	return 0;
}

int migrate_plan_build(struct store *s, const struct codebook *to,
	const struct codebook *const *from, size_t nfrom, const char *question,
	struct migrate_plan *p, struct kerr *e)
{
	struct collect c = { p, to, 0 };
	struct cbview nv;
	size_t i, k;
	int rc;

	memset(p, 0, sizeof(*p));
	p->codebook_id = strdup(to->id);
	p->to_version = strdup(to->version);
	if (!p->codebook_id || !p->to_version)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	rc = store_each_latest(s, question, NULL, collect_one, &c, e);
	if (c.rc)
		return kerr_set(e, c.rc, "out of memory");
	if (rc)
		return rc;
	/* backwards would map decisions onto categories that were split or
	 * renamed since: refused, not done silently */
	for (i = 0; i < p->n; i++)
		if (p->entries[i].version && version_cmp(p->entries[i].version, to->version) > 0)
			return kerr_set(e, KERR_USAGE, "%s is version %s of codebook '%s', older than "
				"version %s that decisions in the store use; migrate goes forward only: "
				"give --to a newer version", to->path ? to->path : "the codebook",
				to->version, to->id, p->entries[i].version);
	if ((rc = cbdiff_view(to, &nv, e)))
		return rc;
	for (i = 0; i < p->n && !rc; i++) {
		/* each version once, at its first decision */
		for (k = 0; k < i && strcmp(p->entries[k].version, p->entries[i].version); k++)
			;
		if (k == i)
			rc = plan_version(p, s, to, from, nfrom, p->entries[i].version, &nv, e);
	}
	cbview_release(&nv);
	return rc;
}

int migrate_plan_apply(struct store *s, const struct migrate_plan *p, struct kerr *e)
{
	struct buf note = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < p->n && !rc; i++) {
		const struct migrate_entry *m = &p->entries[i];
		struct store_decision d;

		if (m->item.status == MIGRATE_REVIEW)
			continue;
		buf_reset(&note);
		rc = buf_addf(&note, "migrated from version %s%s%s", m->version,
			m->item.why ? ": " : "", m->item.why ? m->item.why : "");
		if (rc) {
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
			break;
		}
		memset(&d, 0, sizeof(d));
		d.answer_id = m->answer_id;
		d.coder = m->coder;
		d.codebook_id = p->codebook_id;
		d.codebook_version = p->to_version;
		d.codes = m->item.codes;
		d.suggested = m->suggested;
		d.action = "migrate";
		d.note = note.data;
		d.final = m->final;
		rc = store_add_decision(s, &d, NULL, e);
	}
	if (!rc)
		rc = record_added(s, p, e);
	if (!rc)
		rc = store_add_version(s, p->codebook_id, p->to_version, "migrated to", e);
	buf_release(&note);
	return rc;
}

void migrate_plan_release(struct migrate_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct migrate_entry *m = &p->entries[i];

		free(m->coder);
		free(m->version);
		free(m->old_codes);
		free(m->suggested);
		migrate_item_release(&m->item);
	}
	for (i = 0; i < p->nfates; i++) {
		free(p->fates[i].version);
		free(p->fates[i].id);
		free(p->fates[i].to);
	}
	for (i = 0; i < p->nadded; i++) {
		size_t k;

		for (k = 0; k < p->added[i].n; k++)
			free(p->added[i].ids[k]);
		free(p->added[i].ids);
		free(p->added[i].version);
	}
	free(p->added);
	free(p->entries);
	free(p->fates);
	free(p->codebook_id);
	free(p->to_version);
	memset(p, 0, sizeof(*p));
}
