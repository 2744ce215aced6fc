/*
 * migration.c - one run of `koder migrate` (see migration.h).
 */
#include "migration.h"
#include "buf.h"
#include "codebook.h"
#include "effect.h"
#include "engine.h"
#include "error.h"
#include "migrate.h"
#include "project.h"
#include "store.h"
#include "tally.h"

#include <stdlib.h>
#include <string.h>

static char *dupn(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*oom = 1;
	return d;
}

static int wanted(const struct migration *c, const struct store_answer *a)
{
	return a->codebook_id && !strcmp(a->codebook_id, c->to->id)
		&& (!c->question || !strcmp(a->question, c->question));
}

static int collect_answer(void *p, const struct store_answer *a)
{
	struct migration *c = p;
	struct migration_answer *x;

	if (!wanted(c, a))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct migration_answer *np = realloc(c->a, cap * sizeof(*np));

		if (!np)
			return c->oom = KERR_NOMEM;
		c->a = np;
		c->cap = cap;
	}
	x = &c->a[c->n++];
	memset(x, 0, sizeof(*x));
	x->id = a->id;
	x->wave = dupn(a->wave ? a->wave : "", &c->oom);
	x->role = dupn(a->role ? a->role : "", &c->oom);
	x->respondent = dupn(a->respondent, &c->oom);
	x->text = dupn(a->text ? a->text : "", &c->oom);
	return c->oom;
}

struct migration_answer *migration_find(const struct migration *c, long long id)
{
	size_t lo = 0, hi = c->n;

	/* c->a is sorted by id once all answers are in (migration_load) */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->a[mid].id == id)
			return &c->a[mid];
		if (c->a[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int by_id(const void *x, const void *y)
{
	const struct migration_answer *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

static int collect_final(void *p, const struct store_final *f)
{
	struct migration *c = p;
	struct migration_answer *x;

	if (!wanted(c, f->answer) || !(x = migration_find(c, f->answer->id)))
		return 0;
	x->decided = f->codes != NULL;
	x->final = dupn(f->codes, &c->oom);
	x->final_version = dupn(f->codebook_version, &c->oom);
	x->final_coder = dupn(f->coder, &c->oom);
	x->suggested = dupn(f->suggested, &c->oom);
	return c->oom;
}

void migration_release(struct migration *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct migration_answer *x = &c->a[i];

		free(x->wave);
		free(x->role);
		free(x->respondent);
		free(x->text);
		free(x->final);
		free(x->final_version);
		free(x->final_coder);
		free(x->suggested);
		free(x->recoded);
		free(x->evidence);
		free(x->interim);
	}
	free(c->a);
	c->a = NULL;
	c->n = c->cap = 0;
}

int migration_load(struct migration *m, struct store *s, const char *db,
	const struct codebook *to, const char *question, struct kerr *e)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->to = to;
	m->question = question;
	rc = store_each_answer(s, question, collect_answer, m, e);
	if (!rc && m->oom)
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	if (!rc && !m->n)
		rc = kerr_set(e, KERR_NOTFOUND, "the store '%s' has no answers coded with "
			"codebook %s%s%s; check --to and --question", db, to->id,
			question ? " for question " : "", question ? question : "");
	if (!rc) {
		qsort(m->a, m->n, sizeof(*m->a), by_id);
		rc = store_each_final(s, question, collect_final, m, e);
		if (!rc && m->oom)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	}
	return rc;
}

/* Run NEW's rules on every answer: the recoded suggestion and its evidence. */
static int recode(struct migration *c, const struct codebook *cb, struct kerr *e)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct engine *en = NULL;
	struct engine_answer ans;
	struct buf codes = BUF_INIT, ev = BUF_INIT;
	size_t i;
	int rc;

	engine_answer_init(&ans);
	rc = engine_new(cb, NULL, &en, &errs);
	if (rc && errs.n && e)
		*e = errs.items[0];
	for (i = 0; i < c->n && !rc; i++) {
		struct migration_answer *x = &c->a[i];

		buf_reset(&codes);
		buf_reset(&ev);
		rc = engine_code(en, x->text, strlen(x->text), &ans, e);
		if (!rc && (engine_codes_text(en, &ans.res, &codes)
			    || engine_evidence_json(en, &ans.res, &ev)))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
		if (!rc && (!(x->recoded = strdup(codes.data)) || !(x->evidence = strdup(ev.data))))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	}
	engine_free(en);
	engine_answer_release(&ans);
	buf_release(&codes);
	buf_release(&ev);
	kerr_list_release(&errs);
	return rc;
}

/* The new rules' codes for an answer (migrate_plan_flag_added). */
static const char *recoded_of(void *ctx, long long id)
{
	struct migration_answer *x = migration_find(ctx, id);

	return x ? x->recoded : NULL;
}

const char *migration_after(const struct migration *c, const struct migration_answer *x,
	int *reviewed)
{
	*reviewed = 0;
	if (x->decided && x->final_version && !strcmp(x->final_version, c->to->version)) {
		*reviewed = 1;
		return x->final;
	}
	if (x->moved && x->moved->item.status != MIGRATE_REVIEW) {
		*reviewed = 1;
		return x->moved->item.codes;
	}
	if (x->moved && x->interim)
		return x->interim;
	return x->recoded ? x->recoded : x->suggested;
}

int migration_interim(struct migration *c, size_t *unsettled, struct kerr *e)
{
	struct buf b = BUF_INIT;
	size_t i, k;
	int rc = 0;

	*unsettled = 0;
	for (i = 0; i < c->n && !rc; i++) {
		struct migration_answer *x = &c->a[i];
		const struct migrate_item *it = x->moved ? &x->moved->item : NULL;

		if (!it || it->status != MIGRATE_REVIEW
		    || (x->final_version && !strcmp(x->final_version, c->to->version)))
			continue;
		free(x->interim);
		x->interim = NULL;
		k = 0;
		if (migrate_interim(it->carried, it->split, it->added,
				x->recoded ? x->recoded : x->suggested, &b, &k)
		    || !(x->interim = strdup(b.data)))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
		*unsettled += k > 0;
	}
	buf_release(&b);
	return rc;
}

static int add_ids(const char *codes, const struct codebook *cb, char ***ids, size_t *n);

int migration_recode(struct migration *m, struct migrate_plan *p, struct kerr *e)
{
	int rc = recode(m, m->to, e);

	return rc ? rc : migrate_plan_flag_added(p, recoded_of, m, e);
}

/* Decisions recorded under the new version's number that use categories it
 * does not have mean the codebook changed without its version being raised:
 * migrate cannot see such a change. */
size_t migration_same_version_misuse(const struct migration *c,
	const struct migration_answer **firstp)
{
	size_t i, n = 0;
	const struct migration_answer *first = NULL;

	for (i = 0; i < c->n; i++) {
		const struct migration_answer *x = &c->a[i];
		char **ids = NULL;
		size_t k, nids = 0;

		if (!x->decided || !x->final_version || strcmp(x->final_version, c->to->version))
			continue;
		if (add_ids(x->final, c->to, &ids, &nids) == 0 && nids) {
			n++;
			first = first ? first : x;
		}
		for (k = 0; k < nids; k++)
			free(ids[k]);
		free(ids);
	}
	*firstp = first;
	return n;
}

/* Point every answer at the plan entry of its final decision's coder: one
 * pass, where a search per answer would make big projects quadratic. */
void migration_link(struct migration *c, const struct migrate_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct migrate_entry *m = &p->entries[i];
		struct migration_answer *x = migration_find(c, m->answer_id);

		if (x && x->decided && x->final_coder && !strcmp(m->coder, x->final_coder))
			x->moved = m;
	}
}

/* Every id in a codes string that `cb` lacks, appended once to *ids. */
static int add_ids(const char *codes, const struct codebook *cb, char ***ids, size_t *n)
{
	char *list, *tok, *save = NULL;
	size_t k;
	int rc = 0;

	if (!codes || !(list = strdup(codes)))
		return codes ? KERR_NOMEM : 0;
	for (tok = strtok_r(list, ";, ", &save); tok && !rc; tok = strtok_r(NULL, ";, ", &save)) {
		char **np;

		if ((cb && codebook_find(cb, tok) >= 0) || !strcmp(tok, CODEBOOK_INGEN_SVAR))
			continue;
		for (k = 0; k < *n && strcmp((*ids)[k], tok); k++)
			;
		if (k < *n)
			continue;
		if (!(np = realloc(*ids, (*n + 1) * sizeof(*np))) || !(np[*n] = strdup(tok))) {
			if (np)
				*ids = np;
			rc = KERR_NOMEM;
			break;
		}
		*ids = np;
		(*n)++;
	}
	free(list);
	return rc;
}

static void free_ids(char **ids, size_t n)
{
	while (n)
		free(ids[--n]);
	free(ids);
}

/* Which versions the "before" counts of a wave rest on, and what they had. */
struct in_use {
	const struct migration *c;
	const struct migrate_plan *p;
	const struct codebook *const *from;
	size_t nfrom;
};

/* Did codebook `cb` have category or net `id`? */
static int cb_has(const struct codebook *cb, const char *id)
{
	return codebook_find(cb, id) >= 0 || codebook_find_net(cb, id) >= 0;
}

/* Did version `v` of the codebook have category (or net) `cat`? */
static int version_has(const struct in_use *u, const char *v, const char *cat)
{
	size_t i;

	if (!strcmp(v, u->c->to->version))
		return cb_has(u->c->to, cat);
	for (i = 0; i < u->nfrom; i++)
		if (!strcmp(u->from[i]->version, v))
			return cb_has(u->from[i], cat);
	/* a version we have no file for: it had what its decisions used */
	for (i = 0; i < u->p->nfates; i++)
		if (!strcmp(u->p->fates[i].version, v) && !strcmp(u->p->fates[i].id, cat))
			return 1;
	return 0;
}

static int category_in_use(void *ctx, const char *cat, const char *wave)
{
	const struct in_use *u = ctx;
	size_t i;
	int decided = 0;

	for (i = 0; i < u->c->n; i++) {
		const struct migration_answer *x = &u->c->a[i];

		if (strcmp(x->wave, wave) || !x->decided || !x->final_version)
			continue;
		decided = 1;
		if (version_has(u, x->final_version, cat))
			return 1;
	}
	/* no decisions in the wave: its counts are suggestions of unknown version */
	return !decided;
}

int migration_counts(const struct migration *c, const struct migrate_plan *p,
	const struct codebook *const *from, size_t nfrom, struct tally **before,
	struct tally **after, struct effect_table *table, struct kerr *e)
{
	struct tally *tb = NULL, *ta = NULL;
	char **bids = NULL, **aids = NULL;
	size_t nb = 0, na = 0, i;
	int rc = 0, rev;

	for (i = 0; i < c->n && !rc; i++) {
		const struct migration_answer *x = &c->a[i];

		rc = add_ids(x->decided ? x->final : x->suggested, NULL, &bids, &nb);
		if (!rc)
			rc = add_ids(migration_after(c, x, &rev), c->to, &aids, &na);
	}
	if (rc)
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	/* "before" lists old ids with the labels the --from versions give, and
	 * the last one's nets (a net's count before, as diff shows it) */
	if (!rc)
		rc = effect_tally_new(NULL, c->question, (const char *const *)bids, nb,
			nfrom ? from[nfrom - 1] : c->to, &tb, e);
	if (!rc)
		rc = effect_tally_new(c->to, c->question, (const char *const *)aids, na, NULL, &ta, e);
	for (i = 0; i < c->n && !rc; i++) {
		const struct migration_answer *x = &c->a[i];
		const char *after = migration_after(c, x, &rev);

		rc = effect_count(tb, x->wave, x->role, *x->text != '\0',
			x->decided ? x->final : x->suggested, x->decided, e);
		if (!rc)
			rc = effect_count(ta, x->wave, x->role, *x->text != '\0', after, rev, e);
	}
	table->lines = NULL;
	table->n = 0;
	if (!rc) {
		struct in_use u = { c, p, from, nfrom };

		rc = effect_table_build(tb, ta, category_in_use, &u, table, e);
	}
	free_ids(bids, nb);
	free_ids(aids, na);
	if (rc) {
		tally_free(tb);
		tally_free(ta);
		tb = ta = NULL;
	}
	*before = tb;
	*after = ta;
	return rc;
}

/* The questions coded with the codebook migrated (or the one asked for). */
struct moveq {
	const struct migration *c;
	const char *path;
	struct store *s;
	struct kerr *e;
};

static int move_question(void *ctx, const char *question, const char *codebook_id)
{
	struct moveq *m = ctx;

	if (!codebook_id || strcmp(codebook_id, m->c->to->id)
	    || (m->c->question && strcmp(question, m->c->question)))
		return 0;
	return project_set_migrated(m->s, question, m->path, m->e);
}

/*
 * The codebook a question is coded with until now (recorded in the store
 * when its survey was read) is the old version: without --from it is the
 * one that says which categories the new version added.
 */
struct stored_from {
	const struct migration *c;
	struct store *s;
	struct codebook **from;
	size_t *nfrom;
};

static int add_stored_from(void *ctx, const char *question, const char *codebook_id)
{
	struct stored_from *f = ctx;
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	size_t i;

	if (!codebook_id || strcmp(codebook_id, f->c->to->id) || *f->nfrom == MIGRATION_MAX_FROM
	    || (f->c->question && strcmp(question, f->c->question)))
		return 0;
	if (project_codebook_of(f->s, question, &cb, &errs) == 0 && cb->version
	    && !strcmp(cb->id, f->c->to->id) && strcmp(cb->version, f->c->to->version)) {
		for (i = 0; i < *f->nfrom && strcmp(f->from[i]->version, cb->version); i++)
			;
		if (i == *f->nfrom) {
			f->from[(*f->nfrom)++] = cb;
			cb = NULL;
		}
	}
	codebook_free(cb);       /* unreadable (moved, deleted): decisions' ids stand in */
	kerr_list_release(&errs);
	return 0;
}

int migration_stored_from(const struct migration *m, struct store *s, struct codebook **from,
	size_t *nfrom, struct kerr *e)
{
	struct stored_from sf = { m, s, from, nfrom };

	return store_each_question(s, add_stored_from, &sf, e);
}

int migration_apply(const struct migration *c, struct store *s, const struct migrate_plan *p,
	int recoded, const char *to_path, struct kerr *e)
{
	struct moveq mq = { c, to_path, s, e };
	size_t i;
	int rc = store_begin(s, e);

	if (!rc)
		rc = migrate_plan_apply(s, p, e);
	/* review, import, agree, export and tally use the new version from now
	 * on, even with a descriptor that still names the old file */
	if (!rc)
		rc = store_each_question(s, move_question, &mq, e);
	for (i = 0; !rc && recoded && i < c->n; i++) {
		struct store_suggestion g;

		memset(&g, 0, sizeof(g));
		g.answer_id = c->a[i].id;
		g.codebook_id = c->to->id;
		g.codebook_version = c->to->version;
		g.codes = c->a[i].recoded;
		g.evidence = c->a[i].evidence;
		rc = store_add_suggestion(s, &g, e);
	}
	if (!rc)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	return rc;
}

