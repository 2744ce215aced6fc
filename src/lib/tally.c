/*
 * tally.c - the counting behind "Anført af X ud af Y" (see tally.h).
 *
 * Cells live in one array in creation order and are found through a small
 * open-addressing table keyed by (group, wave, role): a tally by Kommune has
 * a few hundred cells and a million rows, so lookup must not be a scan.
 */
#include "tally.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "strtab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tally_new(struct tally **out, const char *question, const char *qid,
	      const char *codebook_id, const char *codebook_title, const char *codebook_version,
	      const struct tally_cat_def *cats, size_t ncats, struct kerr *e)
{
	struct tally *t = calloc(1, sizeof(*t));
	struct strtab nets;
	int oom = 0;
	size_t i, j;

	*out = NULL;
	if (!t || !(t->cats = calloc(ncats ? ncats : 1, sizeof(*t->cats)))) {
		free(t);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	t->question = buf_dup(question ? question : "", &oom);
	t->qid = buf_dup(qid ? qid : question ? question : "", &oom);
	t->codebook_id = buf_dup(codebook_id ? codebook_id : "", &oom);
	t->codebook_title = buf_dup(codebook_title ? codebook_title : "", &oom);
	t->codebook_version = buf_dup(codebook_version ? codebook_version : "", &oom);
	t->ncats = ncats;
	for (i = 0; i < ncats; i++) {
		t->cats[i].id = buf_dup(cats[i].id, &oom);
		t->cats[i].label = buf_dup(cats[i].label ? cats[i].label : cats[i].id, &oom);
		t->cats[i].is_net = cats[i].is_net;
		t->cats[i].net = -1;
	}
	if (oom) {
		tally_free(t);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	/* nets by id in a table: a scan per category was categories squared */
	if (strtab_init(&nets, 64)) {
		tally_free(t);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	for (j = 0; j < ncats && !oom; j++)
		if (cats[j].is_net && cats[j].id[0] && strlen(cats[j].id) <= 65535)
			oom = strtab_put(&nets, cats[j].id, strlen(cats[j].id), (uint32_t)j, 0) != 0;
	for (i = 0; i < ncats && !oom; i++) {
		uint32_t v;

		if (!cats[i].net)
			continue;
		if (strtab_get(&nets, cats[i].net, strlen(cats[i].net), &v))
			t->cats[i].net = (long)v;
		if (t->cats[i].net < 0) {
			strtab_release(&nets);
			kerr_set(e, KERR_SCHEMA, "category \"%s\" belongs to net \"%s\", "
				 "which the codebook does not define", cats[i].id, cats[i].net);
			tally_free(t);
			return KERR_SCHEMA;
		}
	}
	strtab_release(&nets);
	if (oom) {
		tally_free(t);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	*out = t;
	return 0;
}

static void free_dims(struct tally_dim *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].name);
		free(d[i].plural);
	}
	free(d);
}

int tally_set_question(struct tally *t, const char *question)
{
	char *q = strdup(question);

	if (!q)
		return KERR_NOMEM;
	free(t->question);
	t->question = q;
	return 0;
}

void tally_free(struct tally *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->ncats; i++) {
		free(t->cats[i].id);
		free(t->cats[i].label);
	}
	free(t->cats);
	free_dims(t->waves, t->nwaves);
	free_dims(t->roles, t->nroles);
	free_dims(t->groups, t->ngroups);
	for (i = 0; i < t->ncells; i++)
		free(t->cells[i].count);
	free(t->cells);
	free(t->slots);
	strtab_release(&t->group_index);
	free(t->question);
	free(t->qid);
	free(t->codebook_id);
	free(t->codebook_title);
	free(t->codebook_version);
	free(t->decided_versions);
	free(t->by);
	free(t);
}

/* Index of `name` among the first `search` entries of d, else added. */
static long dim_add(struct tally_dim **d, size_t *n, size_t *cap, const char *name,
		    const char *plural, size_t search)
{
	size_t i;
	int oom = 0;

	for (i = (*n > search ? *n - search : 0); i < *n; i++)
		if (!strcmp((*d)[i].name, name))
			return (long)i;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct tally_dim *nd = realloc(*d, c * sizeof(*nd));

		if (!nd)
			return -1;
		*d = nd;
		*cap = c;
	}
	(*d)[*n].name = buf_dup(name, &oom);
	(*d)[*n].plural = buf_dup(plural ? plural : name, &oom);
	if (oom) {
		free((*d)[*n].name);
		free((*d)[*n].plural);
		return -1;
	}
	return (long)(*n)++;
}

long tally_wave(struct tally *t, const char *name)
{
	return dim_add(&t->waves, &t->nwaves, &t->cap_w, name, NULL, t->nwaves);
}

long tally_role(struct tally *t, const char *name, const char *plural)
{
	return dim_add(&t->roles, &t->nroles, &t->cap_r, name, plural, t->nroles);
}

long tally_group(struct tally *t, const char *name)
{
	uint32_t v;
	long idx;

	if (!t->group_index.slots && strtab_init(&t->group_index, 256))
		return -1;
	if (*name && strtab_get(&t->group_index, name, strlen(name), &v))
		return (long)v;
	idx = dim_add(&t->groups, &t->ngroups, &t->cap_g, name, NULL, *name ? 0 : t->ngroups);
	if (idx >= 0 && *name && strtab_put(&t->group_index, name, strlen(name), (uint32_t)idx, 0))
		return -1;
	return idx;
}

long tally_cat_index(const struct tally *t, const char *id)
{
	for (size_t i = 0; i < t->ncats; i++)
		if (!strcmp(t->cats[i].id, id))
			return (long)i;
	return -1;
}

int tally_parse_codes(const struct tally *t, const char *codes, unsigned char *flags,
		      enum tally_kind *kind, struct kerr *e)
{
	const char *p = codes;
	char id[128];
	int any = 0, none = 0;

	memset(flags, 0, t->ncats);
	while (codebook_next_code(&p, id, sizeof(id))) {
		long c;

		if (!strcmp(id, "ingen_svar")) {
			none = 1;
			continue;
		}
		c = tally_cat_index(t, id);
		if (c < 0 || t->cats[c].is_net) {
			/* Data that contradicts the codebook: exit 4, as documented. */
			kerr_set(e, KERR_SCHEMA, c < 0
				 ? "unknown category \"%s\" (not in codebook %s)"
				 : "\"%s\" is a net of codebook %s; give its member categories",
				 id, t->codebook_id);
			kerr_path(e, "%s", id);
			return KERR_SCHEMA;
		}
		flags[c] = 1;
		any = 1;
	}
	/* ingen_svar beside real categories is a coder's slip: the categories win. */
	*kind = any ? TALLY_SUBST : none ? TALLY_NONSUBST : TALLY_SUBST;
	return 0;
}

static uint64_t cell_hash(size_t g, size_t w, size_t r)
{
	uint64_t h = ((uint64_t)g * 0x9E3779B97F4A7C15u) ^ ((uint64_t)w * 0xC2B2AE3D27D4EB4Fu)
		     ^ ((uint64_t)r * 0x165667B19E3779F9u);

	return h ^ (h >> 29);
}

static int rehash(struct tally *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64, i;
	size_t *s = malloc(n * sizeof(*s));

	if (!s)
		return KERR_NOMEM;
	for (i = 0; i < n; i++)
		s[i] = SIZE_MAX;
	for (i = 0; i < t->ncells; i++) {
		const struct tally_cell *c = &t->cells[i];
		size_t k = cell_hash(c->group, c->wave, c->role) & (n - 1);

		while (s[k] != SIZE_MAX)
			k = (k + 1) & (n - 1);
		s[k] = i;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

/* Find the cell's slot: returns the slot index holding it or the empty slot
 * where it would go. */
static size_t find_slot(const struct tally *t, size_t g, size_t w, size_t r)
{
	size_t k = cell_hash(g, w, r) & (t->nslots - 1);

	while (t->slots[k] != SIZE_MAX) {
		const struct tally_cell *c = &t->cells[t->slots[k]];

		if (c->group == g && c->wave == w && c->role == r)
			break;
		k = (k + 1) & (t->nslots - 1);
	}
	return k;
}

const struct tally_cell *tally_cell(const struct tally *t, size_t group, size_t wave,
				    size_t role)
{
	size_t k;

	if (!t->nslots)
		return NULL;
	k = find_slot(t, group, wave, role);
	return t->slots[k] == SIZE_MAX ? NULL : &t->cells[t->slots[k]];
}

static struct tally_cell *get_cell(struct tally *t, size_t g, size_t w, size_t r)
{
	struct tally_cell *c;
	size_t k;

	if ((t->ncells + 1) * 2 > t->nslots && rehash(t))
		return NULL;
	k = find_slot(t, g, w, r);
	if (t->slots[k] != SIZE_MAX)
		return &t->cells[t->slots[k]];
	if (t->ncells == t->cap_cells) {
		size_t cap = t->cap_cells ? t->cap_cells * 2 : 16;
		struct tally_cell *nc = realloc(t->cells, cap * sizeof(*nc));

		if (!nc)
			return NULL;
		t->cells = nc;
		t->cap_cells = cap;
	}
	c = &t->cells[t->ncells];
	memset(c, 0, sizeof(*c));
	c->group = g;
	c->wave = w;
	c->role = r;
	if (!(c->count = calloc(t->ncats ? t->ncats : 1, sizeof(*c->count))))
		return NULL;
	t->slots[k] = t->ncells++;
	return c;
}

int tally_add(struct tally *t, size_t group, size_t wave, size_t role,
	      enum tally_kind kind, const unsigned char *flags, int reviewed)
{
	struct tally_cell *c = get_cell(t, group, wave, role);
	size_t i;
	int any = 0;

	if (!c)
		return KERR_NOMEM;
	c->respondents++;
	if (kind == TALLY_EMPTY)
		return 0;
	c->answered++;
	if (reviewed)
		c->reviewed++;
	if (kind != TALLY_SUBST)
		return 0;
	c->base++;
	for (i = 0; flags && i < t->ncats; i++) {
		if (!flags[i] || t->cats[i].is_net)
			continue;
		c->count[i]++;
		any = 1;
	}
	/* A net counts a respondent once however many of its members apply. */
	for (i = 0; any && i < t->ncats; i++) {
		size_t j;

		if (!t->cats[i].is_net)
			continue;
		for (j = 0; j < t->ncats; j++)
			if (flags[j] && t->cats[j].net == (long)i)
				break;
		if (j < t->ncats)
			c->count[i]++;
	}
	if (!any)
		c->uncoded++;
	return 0;
}

int tally_wave_asked(const struct tally *t, size_t group, size_t wave)
{
	for (size_t r = 0; r < t->nroles; r++) {
		const struct tally_cell *c = tally_cell(t, group, wave, r);

		if (c && c->base > 0)
			return 1;
	}
	return 0;
}

int tally_set_decided_versions(struct tally *t, const char *versions)
{
	char *copy = strdup(versions);

	if (!copy)
		return KERR_NOMEM;
	free(t->decided_versions);
	t->decided_versions = copy;
	return 0;
}

int tally_each_cell(struct tally *const *ts, size_t n,
	int (*fn)(void *ctx, const struct tally_cell_ref *x), void *ctx)
{
	struct tally_cell_ref x;
	int rc;

	for (size_t i = 0; i < n; i++) {
		size_t ng = ts[i]->ngroups ? ts[i]->ngroups : 1;

		x.t = ts[i];
		for (x.g = 0; x.g < ng; x.g++)
			for (x.k = 0; x.k < x.t->ncats; x.k++)
				for (x.w = 0; x.w < x.t->nwaves; x.w++) {
					if (!tally_wave_asked(x.t, x.g, x.w))
						continue;
					for (x.r = 0; x.r < x.t->nroles; x.r++) {
						x.c = tally_cell(x.t, x.g, x.w, x.r);
						if (x.c && (rc = fn(ctx, &x)))
							return rc;
					}
				}
	}
	return 0;
}

int tally_of_codebook(const struct codebook *cb, const char *question, const char *qid,
	struct tally **out, long **cb2t, struct kerr *e)
{
	struct tally_cat_def *defs = calloc(cb->ncats + cb->nnets + 1, sizeof(*defs));
	unsigned char *placed = calloc(cb->nnets + 1, 1);
	size_t n = 0, i;
	int rc;

	*out = NULL;
	if (cb2t)
		*cb2t = NULL;
	if (!defs || !placed) {
		free(defs);
		free(placed);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	for (i = 0; i < cb->ncats; i++) {
		const struct codebook_category *c = &cb->cats[i];

		if ((long)i == cb->ingen_svar)
			continue;
		if (c->net_index >= 0 && !placed[c->net_index]) {
			const struct codebook_net *net = &cb->nets[c->net_index];

			placed[c->net_index] = 1;
			defs[n++] = (struct tally_cat_def){ net->id, net->label, NULL, 1 };
		}
		defs[n++] = (struct tally_cat_def){ c->id, c->label, c->net, 0 };
	}
	rc = tally_new(out, question, qid, cb->id, cb->title, cb->version, defs, n, e);
	free(defs);
	free(placed);
	if (rc || !cb2t)
		return rc;
	if (!(*cb2t = malloc((cb->ncats + 1) * sizeof(**cb2t)))) {
		tally_free(*out);
		*out = NULL;
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	for (i = 0; i < cb->ncats; i++)
		(*cb2t)[i] = tally_cat_index(*out, cb->cats[i].id);
	return 0;
}
