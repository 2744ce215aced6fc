/*
 * decisions.c - coders' final codes by respondent (see decisions.h).
 */
#include "decisions.h"
#include "codebook.h"
#include "csv.h"
#include "error.h"
#include "migrate.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int decisions_init(struct decisions *d)
{
	memset(d, 0, sizeof(*d));
	buf_init(&d->arena, 0);
	buf_init(&d->scratch, 0);
	return strtab_init(&d->keys, 1024) ? KERR_NOMEM : 0;
}

void decisions_release(struct decisions *d)
{
	strtab_release(&d->keys);
	buf_release(&d->arena);
	buf_release(&d->scratch);
	free(d->off);
	free(d->used);
	free(d->amb);
	free(d->interim);
	free(d->wave_of);
	memset(d, 0, sizeof(*d));
}

/* Two entries under one key: neither can be told to be the right one, so
 * the key finds nothing (UINT32_MAX). */
static int put(struct decisions *d, const char *key, size_t klen, size_t entry)
{
	uint32_t old;

	if (strtab_get(&d->keys, key, klen, &old) && old != entry)
		return strtab_put(&d->keys, key, klen, UINT32_MAX, 0);
	return strtab_put(&d->keys, key, klen, (uint32_t)entry, 0);
}

static int grow(struct decisions *d)
{
	size_t cap = d->cap ? d->cap * 2 : 256;
	uint32_t *off;
	unsigned char *u;
	const char **w;

	if (!(off = realloc(d->off, cap * sizeof(*off))))
		return KERR_NOMEM;
	d->off = off;
	if (!(u = realloc(d->used, cap)))
		return KERR_NOMEM;
	d->used = u;
	if (!(u = realloc(d->amb, cap)))
		return KERR_NOMEM;
	d->amb = u;
	if (!(u = realloc(d->interim, cap)))
		return KERR_NOMEM;
	d->interim = u;
	if (!(w = realloc(d->wave_of, cap * sizeof(*w))))
		return KERR_NOMEM;
	d->wave_of = w;
	d->cap = cap;
	return 0;
}

/* An entry: "codes\0id\0", and for an interim one "split\0added\0". */
static int add_entry(struct decisions *d, const char *wave, const char *id, const char *codes,
	const char *split, const char *added)
{
	int rc;

	if (d->n == d->cap && (rc = grow(d)))
		return rc;
	d->off[d->n] = (uint32_t)d->arena.len;
	d->used[d->n] = 0;
	d->amb[d->n] = 0;
	d->interim[d->n] = split != NULL;
	d->wave_of[d->n] = NULL;
	if ((rc = buf_add(&d->arena, codes, strlen(codes) + 1))
	    || (rc = buf_add(&d->arena, id, strlen(id) + 1)))
		return rc;
	if (split && ((rc = buf_add(&d->arena, split, strlen(split) + 1))
		      || (rc = buf_add(&d->arena, added ? added : "", strlen(added ? added : "") + 1))))
		return rc;
	if (wave && *wave) {
		buf_reset(&d->scratch);
		if (buf_addf(&d->scratch, "%s\x1f%s", wave, id))
			return KERR_NOMEM;
		rc = put(d, d->scratch.data, d->scratch.len, d->n);
	} else {
		rc = put(d, id, strlen(id), d->n);
	}
	d->n++;
	d->loaded = 1;
	return rc;
}

int decisions_add(struct decisions *d, const char *wave, const char *id, const char *codes)
{
	return add_entry(d, wave, id, codes, NULL, NULL);
}

int decisions_add_interim(struct decisions *d, const char *wave, const char *id,
	const char *carried, const char *split, const char *added)
{
	return add_entry(d, wave, id, carried ? carried : "", split ? split : "", added);
}

const char *decisions_get(struct decisions *d, const char *wave, const char *id, size_t idlen)
{
	return decisions_find(d, wave, id, idlen, NULL, NULL);
}

const char *decisions_find(struct decisions *d, const char *wave, const char *id, size_t idlen,
	const char **split, const char **added)
{
	uint32_t v;
	const char *p;

	if (split)
		*split = NULL;
	if (added)
		*added = NULL;
	buf_reset(&d->scratch);
	buf_addf(&d->scratch, "%s\x1f%.*s", wave, (int)idlen, id);
	if (!strtab_get(&d->keys, d->scratch.data, d->scratch.len, &v) || v == UINT32_MAX) {
		if (!strtab_get(&d->keys, id, idlen, &v) || v == UINT32_MAX)
			return NULL;
		if (!d->wave_of[v])
			d->wave_of[v] = wave;
		else if (strcmp(d->wave_of[v], wave))
			d->amb[v] = 1;
	}
	d->used[v] = 1;
	p = d->arena.data + d->off[v];
	if (d->interim[v]) {
		const char *sp = p + strlen(p) + 1;

		sp += strlen(sp) + 1;          /* past the id */
		if (split)
			*split = sp;
		if (added)
			*added = sp + strlen(sp) + 1;
	}
	return p;
}

/* Decisions flagged in `flag` (used: not set; amb: set): the count, and
 * the first `max` ids in ids[]. */
static size_t flagged_ids(const struct decisions *d, const unsigned char *flag, int want,
			  const char **ids, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++) {
		const char *id;

		if (!flag[i] != !want)
			continue;
		id = d->arena.data + d->off[i];         /* codes\0id\0 */
		id += strlen(id) + 1;
		if (n < max)
			ids[n] = id;
		n++;
	}
	return n;
}

size_t decisions_unused(const struct decisions *d, const char **ids, size_t max)
{
	return flagged_ids(d, d->used, 0, ids, max);
}

size_t decisions_ambiguous(const struct decisions *d, const char **ids, size_t max)
{
	return flagged_ids(d, d->amb, 1, ids, max);
}

int decisions_load_codes(struct decisions *d, const char *path, struct kerr *e)
{
	FILE *fp = fopen(path, "rb");
	struct csv_reader *rd = NULL;
	struct csv_row row;
	struct strtab seen;     /* wave + id -> line, to refuse a respondent twice */
	struct buf key = BUF_INIT;
	size_t ci, cc, cw = 0;
	int rc, has_wave = 0;
	uint32_t first;

	if (!fp)
		return kerr_errno(e, errno, path, "cannot open the codes file");
	if (strtab_init(&seen, 1024)) {
		fclose(fp);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	rc = csv_open(&rd, fp, path, NULL, e);
	if (!rc)
		rc = csv_header_find(rd, "id", &ci, e);
	if (!rc)
		rc = csv_header_find(rd, "codes", &cc, e);
	if (!rc)
		has_wave = csv_header_find(rd, "wave", &cw, NULL) == 0;
	while (!rc && (rc = csv_next(rd, &row, e)) == CSV_ROW) {
		const char *wave = has_wave ? row.field[cw] : "";

		rc = 0;
		if (!row.len[ci])
			continue;
		buf_reset(&key);
		buf_addf(&key, "%s\x1f%s", wave, row.field[ci]);
		if (strtab_get(&seen, key.data, key.len, &first)) {
			/* without a wave column the usual cause is a panel: the
			 * same id answering in several waves */
			rc = kerr_set(e, KERR_SCHEMA, "respondent \"%s\"%s%s has codes twice: on "
				      "line %u and on line %ld%s", row.field[ci], *wave ? " in wave " : "",
				      wave, first, row.line, has_wave ? "" : "; if they are answers from "
				      "different waves, add a 'wave' column saying which wave each row "
				      "is for (id,wave,codes)");
			kerr_at(e, path, row.line, 0);
			break;
		}
		if (strtab_put(&seen, key.data, key.len, (uint32_t)row.line, 0)
		    || decisions_add(d, wave, row.field[ci], row.field[cc])) {
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
			break;
		}
	}
	csv_close(rd);
	fclose(fp);
	strtab_release(&seen);
	buf_release(&key);
	return rc < 0 ? -rc : rc;    /* csv_next's errors are negated codes */
}

/* ---- from a project store ---------------------------------------------- */

struct db_ctx {
	struct decisions *d;
	struct decisions_db_info *info;
	const struct migrate_plan *plan;  /* after a migration: its entries by answer */
	int rc;
};

static int by_answer(const void *x, const void *y)
{
	const struct migrate_entry *a = x, *b = y;

	return a->answer_id < b->answer_id ? -1 : a->answer_id > b->answer_id;
}

/* The plan's entry for coder `coder`'s decision on answer `id`, or NULL
 * (entries sorted by answer). */
static const struct migrate_entry *plan_entry(const struct migrate_plan *p, long long id,
	const char *coder)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->entries[mid].answer_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->n && p->entries[lo].answer_id == id; lo++)
		if (coder && !strcmp(p->entries[lo].coder, coder))
			return &p->entries[lo];
	return NULL;
}

static void note_version(struct decisions_db_info *in, const char *v)
{
	size_t i;

	if (!v || !*v) {
		in->unversioned++;
		return;
	}
	for (i = 0; i < in->nversions; i++)
		if (!strcmp(in->version[i], v)) {
			in->nversion[i]++;
			return;
		}
	if (in->nversions < DECISIONS_MAX_VERSIONS && (in->version[in->nversions] = strdup(v)))
		in->nversion[in->nversions++] = 1;
}

static int db_final(void *ctx, const struct store_final *f)
{
	struct db_ctx *c = ctx;
	struct decisions_db_info *in = c->info;

	if (!f->codes)
		return 0;
	/* After a migration every decision it could carry is at the new
	 * version; one still under an older version is one it flagged for
	 * review.  Until a coder decides it again its answer counts as
	 * migrate's "after" column showed: the coder's codes that carry over,
	 * the rest from the new rules (migrate_interim); with no plan entry
	 * (none is expected), all from the rules. */
	if (in->migrated && (!f->codebook_version || strcmp(f->codebook_version, in->migrated))) {
		const struct migrate_entry *m = c->plan
			? plan_entry(c->plan, f->answer->id, f->coder) : NULL;

		in->awaiting++;
		if (!m)
			return 0;
		c->rc = decisions_add_interim(c->d, strcmp(f->answer->wave, "(alle)")
			? f->answer->wave : "", f->answer->respondent, m->item.carried,
			m->item.split, m->item.added);
		return c->rc;
	}
	in->disputed += f->disputed != 0;
	note_version(in, f->codebook_version);
	/* "(alle)": stored from a survey without a wave column, so any wave */
	c->rc = decisions_add(c->d, strcmp(f->answer->wave, "(alle)") ? f->answer->wave : "",
			      f->answer->respondent, f->codes);
	return c->rc;
}

/* 1 when 'koder migrate' moved `question` to the very codebook `cb_path`. */
static int migrated_here(struct store *s, const char *question, const char *cb_path)
{
	struct buf key = BUF_INIT, to = BUF_INIT;
	char *abs = realpath(cb_path, NULL);
	int here;

	buf_addf(&key, "migrated:%s", question);
	here = abs && store_meta_get(s, key.data, &to, NULL) == 0 && to.len
	       && !strcmp(to.data, abs);
	free(abs);
	buf_release(&key);
	buf_release(&to);
	return here;
}

int decisions_load_db(struct decisions *d, struct store *s, const char *question,
	const struct codebook *cb, const char *cb_path, struct decisions_db_info *info,
	struct kerr *e)
{
	struct migrate_plan plan;
	struct db_ctx c = { d, info, NULL, 0 };
	int rc = 0;

	memset(info, 0, sizeof(*info));
	memset(&plan, 0, sizeof(plan));
	if (migrated_here(s, question, cb_path)) {
		info->migrated = cb->version ? cb->version : "";
		/* the same plan migrate made: what each flagged decision keeps */
		rc = migrate_plan_build(s, cb, NULL, 0, NULL, &plan, e);
		/* decisions under a later version than this one: no plan maps
		 * back to it, so its flagged answers count with the rules alone */
		if (rc == KERR_USAGE) {
			migrate_plan_release(&plan);
			kerr_clear(e);
			rc = 0;
		} else if (!rc) {
			if (plan.n)   /* qsort wants a pointer even for nothing */
				qsort(plan.entries, plan.n, sizeof(*plan.entries), by_answer);
			c.plan = &plan;
		}
	}
	if (!rc)
		rc = store_each_final(s, question, db_final, &c, e);
	/* A store filled without a corpus names questions by codebook id. */
	if (!rc && !d->loaded && cb->id)
		rc = store_each_final(s, cb->id, db_final, &c, e);
	if (c.rc)
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	migrate_plan_release(&plan);
	return rc;
}

void decisions_db_info_release(struct decisions_db_info *info)
{
	for (size_t i = 0; i < info->nversions; i++)
		free(info->version[i]);
	info->nversions = 0;
}

int decisions_versions_text(const struct decisions_db_info *in, struct buf *out)
{
	int rc = 0;

	for (size_t i = 0; i < in->nversions && !rc; i++)
		rc = buf_addf(out, "%s%s (%zu svar)", i ? ", " : "", in->version[i], in->nversion[i]);
	if (!rc && in->unversioned)
		rc = buf_addf(out, "%sukendt (%zu svar)", in->nversions ? ", " : "", in->unversioned);
	return rc ? KERR_NOMEM : 0;
}
