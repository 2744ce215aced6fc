/*
 * session.c - the review session (see session.h): the answers of one
 * question with one coder's state, the filtered view and position, deciding
 * and this session's undo history, notes, progress, and the double-coding
 * samples.
 *
 * Everything about the answers is loaded once (text, suggestion, this
 * coder's current codes and note, disagreement flags): the answers and
 * their dispute flags into a table shared by the sessions of a store
 * handle and question (struct table), the coder's state into 16 bytes per
 * answer (struct item), so
 * twenty coders on 100,000 answers need about 30 + 20 x 2 MB; moving costs
 * nothing; showing an answer costs one indexed query for its evidence and
 * one for its decisions, which is also what keeps other coders' codes live.
 * Categories are held as bit sets (SESSION_MAX_CATS).
 */
#include "session.h"
#include "buf.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "model.h"
#include "normalize.h"
#include "project.h"
#include "store.h"
#include "tally.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ================================================================ data */

/* One answer as every session of the question sees it: built once per
 * store, question and codebook version and shared (read-only) by every
 * coding session on it, so twenty coders on 100,000 answers hold the
 * answers once, not twenty times.  The strings live in `blk`. */
struct ans {
	long long id, seq;
	const char *respondent, *wave, *role, *place, *text, *extra;
	const char *sugg_codes;   /* the suggestion as stored (for decisions); NULL none */
	char *blk;
	uint64_t sugg;
	uint32_t wave_idx;
	unsigned uncertain : 1;
	unsigned disputed : 1, adjudicated : 1;   /* kept current: see struct table */
};

struct table {
	struct table *next;       /* in the registry of shared tables */
	struct store *s;          /* key: store handle, question, codebook version */
	char *question, *version;
	size_t answers;           /* answers of the question when loaded */
	int refs;
	int shared;               /* in the registry; else an adjudication's own */
	struct ans *a;
	size_t n, cap;
	uint32_t *byid;           /* indexes in `a` sorted by answer id */
	char **wave_names;
	size_t nwaves;
	/* The dispute flags in `a` are read once from every coder's
	 * decisions, then kept current by the sessions that decide through
	 * this store handle (answer_sync after each write).  Whether they are
	 * still the whole story is one cheap query: the newest decision's id
	 * (store_last_decision) rose by exactly the decisions accounted for
	 * since they were read, or someone else decided (a terminal review,
	 * an import, another server) and they are read again (table_resync).
	 * So a login or a filter on a big project costs the coder's own
	 * decisions, not every coder's. */
	long long read_at;        /* the newest decision id when read */
	long long accounted;      /* decisions written through sessions since */
	uint32_t gen;             /* bumped by each decision written through a session */
	uint32_t epoch;           /* bumped by each table_resync */
	uint32_t *touched;        /* per entry: gen of the last decision on it */
};

/* The coder's notes on an answer; few answers have one, so they are kept
 * aside, sorted by item index, and an item only says it has some. */
struct inote {
	uint32_t idx;             /* item index */
	char *note;               /* note of the coder's current decision, NULL none */
	char *pending;            /* note set before deciding, NULL none */
};

/* The coder's state of an answer: one per answer per coder, so kept to 16
 * bytes. */
struct item {
	uint64_t mine;
	uint32_t a;               /* index in the table */
	uint16_t ver;             /* codebook version of the coder's decision
	                             (index in the session's vers; 0 none) */
	uint16_t decided : 1;
	uint16_t undone : 1;      /* the coder's current row is an undo (load only) */
	uint16_t noted : 1;       /* has an entry in the session's notes */
};

/* One undo step: the decisions it made, in order. */
struct step {
	long long *ids;
	size_t n;
};

struct session {
	struct store *s;
	char *question, *coder;
	enum session_mode mode;
	struct codebook *cb;
	struct table *tab;
	struct item *it;
	size_t n, cap;
	uint32_t *byid;           /* item indexes sorted by answer id; NULL when
	                             the session holds the whole table (then
	                             item i is table entry i: tab->byid) */
	uint32_t *view;
	size_t nview, cur;
	char **vers;              /* codebook versions of decisions; [0] unused */
	struct inote *notes;      /* sorted by idx */
	size_t nnotes, capnotes;
	size_t nvers;
	uint32_t seen_gen, seen_epoch;   /* the table's, when last brought up to date */
	enum session_filter filter;
	size_t filter_cat;
	enum session_order order;
	float *prio;              /* per table entry: session_priority's figure */
	uint32_t *rank;           /* per table entry: its place, most to learn first */
	const struct table *rank_tab;   /* the table prio and rank were made for */
	size_t rank_n;
	int rank_model;           /* a learned model was used */
	struct session_wave *waves;
	size_t nwaves, done, decided;
	double t0;
	long long *sample;
	size_t nsample, capsample;
	struct step *steps;
	size_t nsteps, capsteps;
	/* what session_current / session_answer hand out */
	char **strs;
	size_t nstrs, capstrs;
	struct session_span *ev;
	size_t nev, capev;
	struct session_coder_codes *coders;
	size_t ncoders, capcoders;
	int nomem;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *q;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if (!(q = realloc(*p, ncap * size)))
		return KERR_NOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

static char *xdup(struct session *ss, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		ss->nomem = 1;
	return d;
}

/* NULL for NULL or "", else a copy. */
static char *note_dup(struct session *ss, const char *s)
{
	return s && *s ? xdup(ss, s) : NULL;
}

static int nomem(struct kerr *e)
{
	return kerr_set(e, KERR_NOMEM, "out of memory");
}

#define AN(it) (&ss->tab->a[(it)->a])

static struct inote *note_slot(const struct session *ss, const struct item *it, size_t *at)
{
	uint32_t idx = (uint32_t)(it - ss->it);
	size_t lo = 0, hi = ss->nnotes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ss->notes[mid].idx == idx) {
			*at = mid;
			return &ss->notes[mid];
		}
		if (ss->notes[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return NULL;
}

static const char *NOTE_(const struct session *ss, const struct item *it, int slot)
{
	struct inote *x;
	size_t at;

	if (!it->noted || !(x = note_slot(ss, it, &at)))
		return NULL;
	return slot ? x->pending : x->note;
}
#define NOTE(it) NOTE_(ss, it, 0)
#define PEND(it) NOTE_(ss, it, 1)

/* Replace the note (slot 0) or the pending note (slot 1) with `p` (taken
 * over, may be NULL); the entry goes when both are gone. */
static void set_notes(struct session *ss, struct item *it, int slot, char *p)
{
	struct inote *x;
	size_t at;
	char **dst;

	if (!(x = it->noted ? note_slot(ss, it, &at) : NULL)) {
		if (!p)
			return;
		if (!it->noted)
			note_slot(ss, it, &at);
		if (grow((void **)&ss->notes, &ss->capnotes, ss->nnotes + 1, sizeof(*ss->notes))) {
			free(p);
			ss->nomem = 1;
			return;
		}
		memmove(&ss->notes[at + 1], &ss->notes[at], (ss->nnotes - at) * sizeof(*ss->notes));
		ss->nnotes++;
		x = &ss->notes[at];
		memset(x, 0, sizeof(*x));
		x->idx = (uint32_t)(it - ss->it);
		it->noted = 1;
	}
	dst = slot ? &x->pending : &x->note;
	free(*dst);
	*dst = p;
	if (!x->note && !x->pending) {
		memmove(&ss->notes[at], &ss->notes[at + 1], (ss->nnotes - at - 1) * sizeof(*ss->notes));
		ss->nnotes--;
		it->noted = 0;
	}
}
#define set_note(ss, it, p) set_notes(ss, it, 0, p)
#define set_pending(ss, it, p) set_notes(ss, it, 1, p)

/* The codebook version of the coder's decision; NULL none. */
static const char *VER_(const struct session *ss, const struct item *it)
{
	return it->ver ? ss->vers[it->ver] : NULL;
}
#define VER(it) VER_(ss, it)

static void set_ver(struct session *ss, struct item *it, const char *v)
{
	size_t i;
	void *p;

	it->ver = 0;
	if (!v)
		return;
	for (i = 1; i < ss->nvers; i++)
		if (!strcmp(ss->vers[i], v)) {
			it->ver = (uint16_t)i;
			return;
		}
	if (ss->nvers >= UINT16_MAX || !(p = realloc(ss->vers, (ss->nvers + 2) * sizeof(*ss->vers)))) {
		ss->nomem = 1;
		return;
	}
	ss->vers = p;
	if (!ss->nvers)
		ss->vers[ss->nvers++] = NULL;
	if (!(ss->vers[ss->nvers] = strdup(v))) {
		ss->nomem = 1;
		return;
	}
	it->ver = (uint16_t)ss->nvers++;
}

/* ========================================================= shared tables */

static struct table *tables;
static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;

struct build {
	struct table *t;
	const struct codebook *cb;
	int adjudicate;           /* only answers in dispute or adjudicated */
	int nomem;
};

static size_t wave_index(struct build *b, const char *wave)
{
	struct table *t = b->t;
	size_t i;
	void *p;

	for (i = 0; i < t->nwaves; i++)
		if (!strcmp(t->wave_names[i], wave))
			return i;
	if (!(p = realloc(t->wave_names, (t->nwaves + 1) * sizeof(*t->wave_names)))) {
		b->nomem = 1;
		return 0;
	}
	t->wave_names = p;
	if (!(t->wave_names[t->nwaves] = strdup(wave))) {
		b->nomem = 1;
		return 0;
	}
	return t->nwaves++;
}

/* The place shown beside wave and role: the first of the answer's other
 * columns (Kommune in the SOF survey). */
static int place_of(const char *extra, struct buf *b)
{
	cJSON *o = extra ? cJSON_Parse(extra) : NULL, *it;
	int rc = 0;

	cJSON_ArrayForEach(it, o) {
		if (cJSON_IsString(it) && it->valuestring[0]) {
			rc = buf_addf(b, "%s: %s", it->string, it->valuestring);
			break;
		}
	}
	cJSON_Delete(o);
	return rc || buf_adds(b, "") ? KERR_NOMEM : 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int in_sample(const struct session *ss, long long id)
{
	return bsearch(&id, ss->sample, ss->nsample, sizeof(*ss->sample), cmp_ll) != NULL;
}

static int add_sample(void *ctx, long long id)
{
	struct session *ss = ctx;

	if (grow((void **)&ss->sample, &ss->capsample, ss->nsample + 1, sizeof(*ss->sample)))
		return KERR_NOMEM;
	ss->sample[ss->nsample++] = id;
	return 0;
}

/* Copy the strings of one answer into one block. */
static int ans_strings(struct ans *x, const struct store_answer *a, const char *place,
	const char *sugg)
{
	const char *src[7] = { a->respondent ? a->respondent : "", a->wave ? a->wave : "",
		a->role ? a->role : "", place, a->text ? a->text : "",
		a->extra && *a->extra ? a->extra : "{}", sugg ? sugg : "" };
	const char **dst[7] = { &x->respondent, &x->wave, &x->role, &x->place, &x->text,
		&x->extra, &x->sugg_codes };
	size_t len[7], total = 0, i;
	char *p;

	for (i = 0; i < 7; i++)
		total += (len[i] = strlen(src[i])) + 1;
	if (!(x->blk = p = malloc(total)))
		return KERR_NOMEM;
	for (i = 0; i < 7; i++) {
		memcpy(p, src[i], len[i] + 1);
		*dst[i] = p;
		p += len[i] + 1;
	}
	if (!sugg)
		x->sugg_codes = NULL;
	return 0;
}

static int load_final(void *ctx, const struct store_final *f)
{
	struct build *b = ctx;
	struct table *t = b->t;
	const struct store_answer *a = f->answer;
	struct buf place = BUF_INIT;
	struct ans *x;
	int rc;

	if (b->adjudicate && !f->disputed && !f->adjudicated)
		return 0;
	if (t->n >= UINT32_MAX - 1)
		return KERR_NOMEM;
	if (grow((void **)&t->a, &t->cap, t->n + 1, sizeof(*t->a)))
		return KERR_NOMEM;
	x = &t->a[t->n];
	memset(x, 0, sizeof(*x));
	x->id = a->id;
	x->seq = a->seq;
	rc = place_of(a->extra, &place);
	if (!rc)
		rc = ans_strings(x, a, place.data, f->suggested);
	buf_release(&place);
	if (rc)
		return KERR_NOMEM;
	t->n++;
	x->sugg = project_code_bits(b->cb, f->suggested);
	x->disputed = f->disputed;
	x->adjudicated = f->adjudicated;
	x->uncertain = x->sugg == 0 || (b->cb->andet >= 0
		&& x->sugg == (uint64_t)1 << b->cb->andet);
	x->wave_idx = (uint32_t)wave_index(b, a->wave ? a->wave : "");
	return b->nomem ? KERR_NOMEM : 0;
}

static void table_free(struct table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->a[i].blk);
	free(t->a);
	free(t->byid);
	free(t->touched);
	for (i = 0; i < t->nwaves; i++)
		free(t->wave_names[i]);
	free(t->wave_names);
	free(t->question);
	free(t->version);
	free(t);
}

/* Sort `idx` (n indexes into `a`) by answer id: a heap sort, since qsort
 * has no context argument and tables are sorted under a lock by any
 * thread. */
static void sort_byid(uint32_t *idx, size_t n, const struct ans *a)
{
	size_t start, end, root, child;
	uint32_t tmp;

#define KEY(k) a[idx[k]].id
	if (n < 2)
		return;
	for (start = n / 2; start-- > 0;) {
		for (root = start; (child = 2 * root + 1) < n; root = child) {
			if (child + 1 < n && KEY(child) < KEY(child + 1))
				child++;
			if (KEY(root) >= KEY(child))
				break;
			tmp = idx[root]; idx[root] = idx[child]; idx[child] = tmp;
		}
	}
	for (end = n; --end > 0;) {
		tmp = idx[0]; idx[0] = idx[end]; idx[end] = tmp;
		for (root = 0; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && KEY(child) < KEY(child + 1))
				child++;
			if (KEY(root) >= KEY(child))
				break;
			tmp = idx[root]; idx[root] = idx[child]; idx[child] = tmp;
		}
	}
#undef KEY
}

static int table_build(struct session *ss, size_t answers, int adjudicate,
	struct table **out, struct kerr *e)
{
	struct build b = { 0 };
	size_t i;
	int rc;

	*out = NULL;
	if (!(b.t = calloc(1, sizeof(*b.t))))
		return nomem(e);
	b.cb = ss->cb;
	b.adjudicate = adjudicate;
	b.t->s = ss->s;
	b.t->answers = answers;
	b.t->refs = 1;
	b.t->question = strdup(ss->question);
	b.t->version = strdup(ss->cb->version ? ss->cb->version : "");
	if (!b.t->question || !b.t->version) {
		table_free(b.t);
		return nomem(e);
	}
	/* the newest decision's id first: one made between the two reads
	 * then only makes the flags look older than they are */
	if ((rc = store_last_decision(ss->s, &b.t->read_at, e))
	    || (rc = store_each_final(ss->s, ss->question, load_final, &b, e))) {
		table_free(b.t);
		return rc == KERR_NOMEM ? nomem(e) : rc;
	}
	if (b.nomem || !(b.t->byid = malloc((b.t->n + 1) * sizeof(*b.t->byid)))
	    || !(b.t->touched = calloc(b.t->n + 1, sizeof(*b.t->touched)))) {
		table_free(b.t);
		return nomem(e);
	}
	for (i = 0; i < b.t->n; i++)
		b.t->byid[i] = (uint32_t)i;
	sort_byid(b.t->byid, b.t->n, b.t->a);
	*out = b.t;
	return 0;
}

/* The table of a new codebook version from the table of another version
 * of the same store handle and question (a category was added while
 * coding): the answers, their suggestions as stored and their dispute
 * flags are the same, only the code bits follow the new codebook.  A copy
 * in memory, where building it again would read every answer and decision
 * from the store on the request thread of a server.  *out as
 * table_build's. */
static int table_derive(struct session *ss, const struct table *src, struct table **out,
	struct kerr *e)
{
	const struct codebook *cb = ss->cb;
	struct table *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return nomem(e);
	t->s = src->s;
	t->answers = src->answers;
	t->refs = 1;
	t->read_at = src->read_at;
	t->accounted = src->accounted;
	t->question = strdup(src->question);
	t->version = strdup(cb->version ? cb->version : "");
	t->a = malloc((src->n + 1) * sizeof(*t->a));
	t->byid = malloc((src->n + 1) * sizeof(*t->byid));
	t->touched = calloc(src->n + 1, sizeof(*t->touched));
	t->wave_names = calloc(src->nwaves + 1, sizeof(*t->wave_names));
	if (!t->question || !t->version || !t->a || !t->byid || !t->touched || !t->wave_names)
		goto oom;
	for (; t->nwaves < src->nwaves; t->nwaves++)
		if (!(t->wave_names[t->nwaves] = strdup(src->wave_names[t->nwaves])))
			goto oom;
	memcpy(t->byid, src->byid, src->n * sizeof(*t->byid));
	for (; t->n < src->n; t->n++) {
		const struct ans *a = &src->a[t->n];
		struct ans *x = &t->a[t->n];
		/* the block's last string follows extra's (see ans_strings) */
		const char *last = a->extra + strlen(a->extra) + 1;
		size_t len = (size_t)(last - a->blk) + strlen(last) + 1;

		*x = *a;
		if (!(x->blk = malloc(len)))
			goto oom;
		memcpy(x->blk, a->blk, len);
#define REBASE(f) (x->f = x->f ? x->blk + (a->f - a->blk) : NULL)
		REBASE(respondent); REBASE(wave); REBASE(role); REBASE(place);
		REBASE(text); REBASE(extra); REBASE(sugg_codes);
#undef REBASE
		x->sugg = project_code_bits(cb, x->sugg_codes);
		x->uncertain = x->sugg == 0 || (cb->andet >= 0 && x->sugg == (uint64_t)1 << cb->andet);
	}
	*out = t;
	return 0;
oom:
	table_free(t);
	return nomem(e);
}

/* The answer table for the session: the shared one of its store handle,
 * question and codebook version (built by the first coding session, kept
 * while any session uses it, and built again when the question's answers
 * were added to since).  An adjudication with no coding session on its
 * handle (a server's views thread, a lead adjudicating alone) builds one
 * of its own with only the answers in dispute, at every load: holding
 * every answer, and keeping the flags of decisions that are all made
 * through other handles, would cost it more than it saves. */
static int table_get(struct session *ss, struct kerr *e)
{
	const char *ver = ss->cb->version ? ss->cb->version : "";
	struct table *t;
	size_t answers = 0;
	int rc = 0;

	if ((rc = store_count_answers(ss->s, ss->question, &answers, e)))
		return rc;
	pthread_mutex_lock(&tables_lock);
	for (t = tables; t; t = t->next)
		if (t->s == ss->s && t->answers == answers && !strcmp(t->question, ss->question)
		    && !strcmp(t->version, ver))
			break;
	if (t) {
		t->refs++;
	} else {
		const struct table *o;   /* another version's table of the same answers */

		for (o = tables; o; o = o->next)
			if (o->s == ss->s && o->answers == answers && !strcmp(o->question, ss->question))
				break;
		if (!o && ss->mode == SESSION_ADJUDICATE) {
			pthread_mutex_unlock(&tables_lock);
			rc = table_build(ss, answers, 1, &t, e);   /* its own */
			ss->tab = t;
			return rc;
		}
		rc = o ? table_derive(ss, o, &t, e) : table_build(ss, answers, 0, &t, e);
		if (!rc) {
			t->shared = 1;
			t->next = tables;
			tables = t;
		}
	}
	pthread_mutex_unlock(&tables_lock);
	ss->tab = t;
	return rc;
}

static void table_put(struct table *t)
{
	struct table **pp;

	if (!t)
		return;
	if (!t->shared) {
		table_free(t);
		return;
	}
	pthread_mutex_lock(&tables_lock);
	if (--t->refs == 0) {
		for (pp = &tables; *pp; pp = &(*pp)->next)
			if (*pp == t) {
				*pp = t->next;
				break;
			}
	} else {
		t = NULL;
	}
	pthread_mutex_unlock(&tables_lock);
	table_free(t);
}

/* The table entry of answer `id`; SIZE_MAX when it has none. */
static size_t table_find(const struct table *t, long long id)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		long long m = t->a[t->byid[mid]].id;

		if (m == id)
			return t->byid[mid];
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/* An answer's dispute flags, as store_each_final has them, from its
 * coders' current decisions with codes, given one by one (dispute_add):
 * adjudicated when one of them is final, disputed when the others' codes
 * differ and none is. */
struct dispute {
	const char *first;        /* the first non-final codes (kept by pointer) */
	int differs, final;
};

static void dispute_add(struct dispute *d, const char *codes, int final)
{
	if (final)
		d->final = 1;
	else if (!d->first)
		d->first = codes;
	else if (!store_codes_equal(d->first, codes))
		d->differs = 1;
}

static void dispute_set(const struct dispute *d, struct ans *x)
{
	x->disputed = d->differs && !d->final;
	x->adjudicated = d->final;
}

/* Reading every coder's current decisions again for the dispute flags:
 * rows come grouped by answer. */
struct resync {
	struct table *t;
	size_t idx;               /* the entry whose rows are coming */
	long long answer;
	struct dispute d;
	struct buf first;         /* d.first's copy: a row's strings go with it */
};

static void resync_flush(struct resync *c)
{
	if (c->idx != SIZE_MAX)
		dispute_set(&c->d, &c->t->a[c->idx]);
}

static int resync_row(void *ctx, const struct store_decision *d)
{
	struct resync *c = ctx;
	const char *codes = d->codes;

	if (d->answer_id != c->answer) {
		resync_flush(c);
		c->answer = d->answer_id;
		c->idx = table_find(c->t, d->answer_id);
		memset(&c->d, 0, sizeof(c->d));
	}
	if (!d->final && !c->d.first) {
		buf_reset(&c->first);
		if (buf_adds(&c->first, codes))
			return KERR_NOMEM;
		codes = c->first.data;
	}
	dispute_add(&c->d, codes, d->final);
	return 0;
}

/* Read the table's dispute flags again from every coder's decisions: the
 * store had decisions the table did not account for.  Sessions on the
 * table see the new epoch and read their own state again. */
static int table_resync(struct session *ss, struct kerr *e)
{
	struct table *t = ss->tab;
	struct resync c;
	long long last;
	size_t i;
	int rc;

	t->read_at = -1;      /* until this succeeds */
	if ((rc = store_last_decision(ss->s, &last, e)))
		return rc;
	memset(&c, 0, sizeof(c));
	buf_init(&c.first, 0);
	c.t = t;
	c.idx = SIZE_MAX;
	for (i = 0; i < t->n; i++)
		t->a[i].disputed = t->a[i].adjudicated = 0;
	rc = store_each_latest(ss->s, ss->question, NULL, resync_row, &c, e);
	if (!rc)
		resync_flush(&c);
	buf_release(&c.first);
	t->epoch++;
	if (rc)
		return rc == KERR_NOMEM ? nomem(e) : rc;
	t->read_at = last;
	t->accounted = 0;
	return 0;
}

/* Bring a shared table's dispute flags up to date: they account for every
 * decision in the store when the newest decision's id rose by exactly the
 * decisions written through its sessions since they were read (see struct
 * table); else they are read again.  An adjudication's own table is read
 * whole at every load.  0 or a store error. */
static int table_catch_up(struct session *ss, struct kerr *e)
{
	const struct table *t = ss->tab;
	long long last;
	int rc;

	if (!t->shared)
		return 0;
	if ((rc = store_last_decision(ss->s, &last, e)))
		return rc;
	if (t->read_at >= 0 && last - t->read_at == t->accounted)
		return 0;
	return table_resync(ss, e);
}

/* ================================================================ items */

static struct item *item_by_id(const struct session *ss, long long id)
{
	const uint32_t *byid = ss->byid ? ss->byid : ss->tab ? ss->tab->byid : NULL;
	size_t lo = 0, hi = ss->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		long long m = AN(&ss->it[byid[mid]])->id;

		if (m == id)
			return &ss->it[byid[mid]];
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The items' indexes: by id (only when the session holds part of the
 * table; else the table's serves) and room for the view. */
static int index_items(struct session *ss)
{
	struct ans *tmp;
	size_t i;

	free(ss->byid);
	free(ss->view);
	ss->byid = NULL;
	if (!(ss->view = malloc((ss->n + 1) * sizeof(*ss->view))))
		return KERR_NOMEM;
	if (ss->n == ss->tab->n)
		return 0;
	if (!(ss->byid = malloc((ss->n + 1) * sizeof(*ss->byid))))
		return KERR_NOMEM;
	/* sort item indexes by their answers' ids: a scratch copy of the
	 * keys in item order */
	if (!(tmp = malloc((ss->n + 1) * sizeof(*tmp))))
		return KERR_NOMEM;
	for (i = 0; i < ss->n; i++) {
		tmp[i].id = AN(&ss->it[i])->id;
		ss->byid[i] = (uint32_t)i;
	}
	sort_byid(ss->byid, ss->n, tmp);
	free(tmp);
	return 0;
}

/* ------------------------------------------------- one answer's decisions */

/* One row of an answer's history, with the note the coder's state carries
 * after it: an undo row restores the state (codes and note) before the
 * decision it undoes, while its own note column only says which one. */
struct hrow {
	long long id;
	char *coder, *codes, *note, *at, *version;
	int final;
};

struct history {
	struct hrow *r;
	size_t n, cap;
	int nomem;
};

static char *dup_or_null(const char *s, int *nomem)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*nomem = 1;
	return d;
}

static int history_row(void *ctx, const struct store_decision *d)
{
	struct history *h = ctx;
	struct hrow *r;
	const char *note = d->note;
	long long undone;
	size_t i;

	if (grow((void **)&h->r, &h->cap, h->n + 1, sizeof(*h->r)))
		return KERR_NOMEM;
	if (!strcmp(d->action, "undo")) {
		/* the coder's row before the undone one */
		note = NULL;
		if (d->note && sscanf(d->note, "undoes decision %lld", &undone) == 1) {
			for (i = h->n; i-- > 0;)
				if (h->r[i].id < undone && !strcmp(h->r[i].coder, d->coder)) {
					note = h->r[i].note;
					break;
				}
		}
	}
	r = &h->r[h->n++];
	memset(r, 0, sizeof(*r));
	r->id = d->id;
	r->final = d->final;
	r->coder = dup_or_null(d->coder, &h->nomem);
	r->codes = dup_or_null(d->codes, &h->nomem);
	r->note = dup_or_null(note, &h->nomem);
	r->at = dup_or_null(d->decided_at, &h->nomem);
	r->version = dup_or_null(d->codebook_version, &h->nomem);
	return h->nomem ? KERR_NOMEM : 0;
}

static void history_release(struct history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->r[i].coder);
		free(h->r[i].codes);
		free(h->r[i].note);
		free(h->r[i].at);
		free(h->r[i].version);
	}
	free(h->r);
	memset(h, 0, sizeof(*h));
}

static int history_read(struct session *ss, long long id, struct history *h, struct kerr *e)
{
	int rc;

	memset(h, 0, sizeof(*h));
	rc = store_history(ss->s, id, history_row, h, e);
	if (rc == KERR_NOMEM)
		nomem(e);
	if (rc)
		history_release(h);
	return rc;
}

/* The coder's current row in `h` (codes may be NULL: undone to nothing). */
static const struct hrow *history_current(const struct history *h, const char *coder)
{
	size_t i;

	for (i = h->n; i-- > 0;)
		if (!strcmp(h->r[i].coder, coder))
			return &h->r[i];
	return NULL;
}

/* Set the item's state from the coder's current decision in `h`, its
 * history: this coder may have decided it in another window since. */
static int apply_mine(struct session *ss, struct item *it, const struct history *h,
	struct kerr *e)
{
	const struct hrow *r = history_current(h, ss->coder);
	int was = it->decided;

	set_note(ss, it, NULL);
	it->ver = 0;
	it->decided = r && r->codes && (ss->mode != SESSION_ADJUDICATE || r->final);
	it->mine = it->decided ? project_code_bits(ss->cb, r->codes) : 0;
	if (it->decided) {
		set_note(ss, it, note_dup(ss, r->note));
		set_ver(ss, it, r->version ? r->version : "");
	}
	if (was != it->decided) {
		ss->done += it->decided ? 1 : (size_t)-1;
		ss->waves[AN(it)->wave_idx].done += it->decided ? 1 : (size_t)-1;
	}
	return ss->nomem ? nomem(e) : 0;
}

/* Whether row i of `h` is its coder's current row (no later one). */
static int hrow_current(const struct history *h, size_t i)
{
	size_t j;

	for (j = i + 1; j < h->n; j++)
		if (!strcmp(h->r[j].coder, h->r[i].coder))
			return 0;
	return 1;
}

/* The answer's dispute flags in the shared table from its history `h`
 * (struct dispute).  `touch`: a decision was just written on it, which the
 * other sessions on the table pick up (session_refresh). */
static void apply_flags(struct session *ss, struct item *it, const struct history *h,
	int touch)
{
	struct dispute d = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->r[i].codes && hrow_current(h, i))
			dispute_add(&d, h->r[i].codes, h->r[i].final);
	dispute_set(&d, AN(it));
	if (touch)
		ss->tab->touched[it->a] = ++ss->tab->gen;
}

/* The same, reading the history from the store; with the answer's dispute
 * flags (apply_flags). */
static int sync_mine(struct session *ss, struct item *it, int touch, struct kerr *e)
{
	struct history h;
	int rc;

	if ((rc = history_read(ss, AN(it)->id, &h, e))) {
		if (touch)
			ss->tab->read_at = -1;   /* the flags may be behind */
		return rc;
	}
	rc = apply_mine(ss, it, &h, e);
	apply_flags(ss, it, &h, touch);
	history_release(&h);
	return rc;
}

static int load_latest(void *ctx, const struct store_decision *d)
{
	struct session *ss = ctx;
	struct item *it = item_by_id(ss, d->answer_id);

	if (!it || (ss->mode == SESSION_ADJUDICATE && !d->final))
		return 0;
	it->decided = 1;
	it->mine = project_code_bits(ss->cb, d->codes);
	set_ver(ss, it, d->codebook_version ? d->codebook_version : "");
	/* an undo row's note is not the coder's: sync_mine resolves it */
	set_note(ss, it, strcmp(d->action, "undo") ? note_dup(ss, d->note) : NULL);
	it->undone = !strcmp(d->action, "undo");
	return ss->nomem ? KERR_NOMEM : 0;
}

static void free_items(struct session *ss)
{
	size_t i;

	for (i = 0; i < ss->nnotes; i++) {
		free(ss->notes[i].note);
		free(ss->notes[i].pending);
	}
	free(ss->notes);
	ss->notes = NULL;
	ss->nnotes = ss->capnotes = 0;
	free(ss->it);
	ss->it = NULL;
	ss->n = ss->cap = 0;
	for (i = 1; i < ss->nvers; i++)
		free(ss->vers[i]);
	free(ss->vers);
	ss->vers = NULL;
	ss->nvers = 0;
	free(ss->waves);
	ss->waves = NULL;
	ss->nwaves = 0;
	free(ss->sample);
	ss->sample = NULL;
	ss->nsample = ss->capsample = 0;
}

static void count_done(struct session *ss)
{
	size_t i;

	ss->done = 0;
	for (i = 0; i < ss->nwaves; i++) {
		ss->waves[i].wave = ss->tab->wave_names[i];
		ss->waves[i].total = ss->waves[i].done = 0;
	}
	for (i = 0; i < ss->n; i++) {
		ss->waves[AN(&ss->it[i])->wave_idx].total++;
		if (ss->it[i].decided) {
			ss->waves[AN(&ss->it[i])->wave_idx].done++;
			ss->done++;
		}
	}
}

/* After the coder's current rows are read: count what is done, and give
 * the few answers whose current row is an undo the note it restored. */
static int settle_mine(struct session *ss, struct kerr *e)
{
	size_t i;
	int rc;

	count_done(ss);
	for (i = 0; i < ss->n; i++)
		if (ss->it[i].undone) {
			ss->it[i].undone = 0;
			if ((rc = sync_mine(ss, &ss->it[i], 0, e)))
				return rc;
		}
	return 0;
}

/* (Re)load the items: the answers from the shared table (in adjudication
 * those in dispute or adjudicated), their dispute flags brought up to date
 * when someone else decided, and this coder's own current decisions. */
static int load(struct session *ss, struct kerr *e)
{
	struct table *old = ss->tab;
	size_t i;
	int rc;

	/* the new table is taken before the old one is let go, so reloading
	 * the only session on a table does not build it again */
	ss->tab = NULL;
	free_items(ss);
	if (ss->mode == SESSION_CODE) {
		if ((rc = store_each_sample(ss->s, ss->coder, add_sample, ss, e))) {
			table_put(old);
			return rc == KERR_NOMEM ? nomem(e) : rc;
		}
		if (ss->nsample)
			qsort(ss->sample, ss->nsample, sizeof(*ss->sample), cmp_ll);
	}
	rc = table_get(ss, e);
	table_put(old);
	if (rc)
		return rc;
	if ((rc = table_catch_up(ss, e)))
		return rc;
	for (i = 0; i < ss->tab->n; i++) {
		const struct ans *x = &ss->tab->a[i];
		struct item *it;

		if (ss->nsample && !in_sample(ss, x->id))
			continue;
		if (ss->mode == SESSION_ADJUDICATE && !x->disputed && !x->adjudicated)
			continue;
		if (grow((void **)&ss->it, &ss->cap, ss->n + 1, sizeof(*ss->it)))
			return nomem(e);
		it = &ss->it[ss->n++];
		memset(it, 0, sizeof(*it));
		it->a = (uint32_t)i;
	}
	if (index_items(ss))
		return nomem(e);
	ss->nwaves = ss->tab->nwaves;
	if (!(ss->waves = calloc(ss->nwaves + 1, sizeof(*ss->waves))))
		return nomem(e);
	ss->seen_gen = ss->tab->gen;
	ss->seen_epoch = ss->tab->epoch;
	if ((rc = store_each_latest(ss->s, ss->question, ss->coder, load_latest, ss, e)))
		return rc == KERR_NOMEM ? nomem(e) : rc;
	if (ss->nomem)
		return nomem(e);
	return settle_mine(ss, e);
}

/* ================================================================ views */

static int matches(const struct session *ss, const struct item *it)
{
	switch (ss->filter) {
	case SESSION_UNREVIEWED: return !it->decided;
	case SESSION_UNCERTAIN: return AN(it)->uncertain;
	case SESSION_BY_CODE: return (AN(it)->sugg >> ss->filter_cat) & 1;
	case SESSION_DISPUTED: return AN(it)->disputed;
	case SESSION_OLDER:
		return it->decided && strcmp(VER(it) ? VER(it) : "",
			ss->cb->version ? ss->cb->version : "");
	case SESSION_NOTED: return NOTE(it) || PEND(it);
	default: return 1;
	}
}

/* Make item `idx` current if the view has it; 1 when it did. */
static int go_item(struct session *ss, size_t idx)
{
	size_t i;

	for (i = 0; i < ss->nview; i++)
		if (ss->view[i] == idx) {
			ss->cur = i;
			return 1;
		}
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int rank_valid(const struct session *ss)
{
	return ss->rank && ss->rank_tab == ss->tab && ss->rank_n == ss->tab->n;
}

/* Put the view in the session's order: survey order as built, or by the
 * rank of each answer (most to learn from first).  Out of memory, the view
 * stays in survey order and the next call says so. */
static void order_view(struct session *ss)
{
	uint64_t *k;
	size_t i;

	if (ss->order != SESSION_ORDER_UNCERTAIN || !rank_valid(ss) || ss->nview < 2)
		return;
	if (!(k = malloc(ss->nview * sizeof(*k)))) {
		ss->nomem = 1;
		return;
	}
	for (i = 0; i < ss->nview; i++)
		k[i] = (uint64_t)ss->rank[ss->it[ss->view[i]].a] << 32 | ss->view[i];
	qsort(k, ss->nview, sizeof(*k), cmp_u64);
	for (i = 0; i < ss->nview; i++)
		ss->view[i] = (uint32_t)(k[i] & 0xffffffffu);
	free(k);
}

static void rebuild_view(struct session *ss, long long keep)
{
	struct item *k = keep ? item_by_id(ss, keep) : NULL;
	size_t i;

	ss->nview = 0;
	for (i = 0; i < ss->n; i++)
		if (matches(ss, &ss->it[i]))
			ss->view[ss->nview++] = i;
	order_view(ss);
	ss->cur = 0;
	if (k)
		go_item(ss, (size_t)(k - ss->it));
}

/* The first answer not yet decided at or after position `from`, wrapping;
 * `from` itself when all are decided. */
static size_t next_todo(const struct session *ss, size_t from)
{
	size_t k;

	for (k = 0; k < ss->nview; k++) {
		size_t i = (from + k) % ss->nview;

		if (!ss->it[ss->view[i]].decided)
			return i;
	}
	return from;
}

static struct item *current(const struct session *ss)
{
	return ss->nview ? &ss->it[ss->view[ss->cur]] : NULL;
}

/* ================================================================ open */

/* The question's current codebook from the project (*out the caller's);
 * the first problem into e (which may be NULL). */
static int codebook_of(struct store *s, const char *question, struct codebook **out,
	struct kerr *e)
{
	struct kerr_list errs = KERR_LIST_INIT;
	int rc;

	if ((rc = project_codebook_of(s, question, out, &errs))) {
		if (errs.n && e)
			*e = errs.items[0];
		else
			kerr_set(e, rc, "cannot load the codebook of %s", question);
	}
	kerr_list_release(&errs);
	return rc;
}

int session_open(struct session **out, struct store *s, const char *question,
	const char *coder, enum session_mode mode, struct kerr *e)
{
	struct session *ss;
	int rc;

	*out = NULL;
	if (!question || !coder || !*coder)
		return kerr_set(e, KERR_INVALID, "a review session needs a question and a coder");
	if (!(ss = calloc(1, sizeof(*ss))))
		return nomem(e);
	ss->s = s;
	ss->mode = mode;
	ss->t0 = now_ms();
	ss->question = strdup(question);
	ss->coder = strdup(coder);
	if (!ss->question || !ss->coder) {
		session_close(ss);
		return nomem(e);
	}
	if ((rc = codebook_of(s, question, &ss->cb, e))) {
		session_close(ss);
		return rc;
	}
	if (ss->cb->ncats > SESSION_MAX_CATS) {
		rc = kerr_set(e, KERR_LIMIT, "codebook %s has %zu categories; review handles up "
			"to %d", ss->cb->id, ss->cb->ncats, SESSION_MAX_CATS);
		session_close(ss);
		return rc;
	}
	if ((rc = load(ss, e))) {
		session_close(ss);
		return rc;
	}
	rebuild_view(ss, 0);
	ss->cur = next_todo(ss, 0);
	*out = ss;
	return 0;
}

static void free_strs(struct session *ss)
{
	size_t i;

	for (i = 0; i < ss->nstrs; i++)
		free(ss->strs[i]);
	ss->nstrs = 0;
}

void session_close(struct session *ss)
{
	size_t i;

	if (!ss)
		return;
	free_items(ss);
	table_put(ss->tab);
	free(ss->byid);
	free(ss->view);
	free(ss->prio);
	free(ss->rank);
	for (i = 0; i < ss->nsteps; i++)
		free(ss->steps[i].ids);
	free(ss->steps);
	free_strs(ss);
	free(ss->strs);
	free(ss->ev);
	free(ss->coders);
	codebook_free(ss->cb);
	free(ss->question);
	free(ss->coder);
	free(ss);
}

const char *session_question(const struct session *ss) { return ss->question; }
const char *session_coder(const struct session *ss) { return ss->coder; }
enum session_mode session_mode(const struct session *ss) { return ss->mode; }
const struct codebook *session_codebook(const struct session *ss) { return ss->cb; }
int session_has_sample(const struct session *ss) { return ss->nsample > 0; }

/* ============================================================ categories */

size_t session_ncategories(const struct session *ss)
{
	return ss->cb->ncats;
}

int session_category(const struct session *ss, size_t i, struct session_category *out)
{
	const struct codebook_category *c;

	memset(out, 0, sizeof(*out));
	if (i >= ss->cb->ncats)
		return KERR_NOTFOUND;
	c = &ss->cb->cats[i];
	out->index = i;
	out->id = c->id;
	out->label = c->label;
	out->description = c->description ? c->description : "";
	if (c->net_index >= 0) {
		out->net = ss->cb->nets[c->net_index].id;
		out->net_label = ss->cb->nets[c->net_index].label;
	}
	out->examples = (const char *const *)c->examples;
	out->nexamples = c->nexamples;
	out->nonsubstantive = (long)i == ss->cb->ingen_svar;
	out->residual = (long)i == ss->cb->andet;
	return 0;
}

int session_codes_set(const struct session *ss, const char *codes, uint64_t *set,
	struct kerr *e)
{
	struct buf canon = BUF_INIT;
	int rc;

	*set = 0;
	if (!codes || !*codes)
		return 0;
	rc = project_canon_codes(ss->cb, codes, &canon, e);
	if (!rc)
		*set = project_code_bits(ss->cb, canon.data);
	buf_release(&canon);
	return rc;
}

int session_set_codes(const struct session *ss, uint64_t set, struct buf *out)
{
	size_t i, k = 0;

	for (i = 0; i < ss->cb->ncats && i < SESSION_MAX_CATS; i++)
		if ((set >> i) & 1)
			if (buf_addf(out, "%s%s", k++ ? ";" : "", ss->cb->cats[i].id))
				return KERR_NOMEM;
	if (!out->data && buf_adds(out, ""))
		return KERR_NOMEM;
	return 0;
}

/* =============================================================== answers */

/* A string handed out with an answer: the session frees it at the next
 * session_answer. */
static const char *keep(struct session *ss, char *s)
{
	if (!s || grow((void **)&ss->strs, &ss->capstrs, ss->nstrs + 1, sizeof(*ss->strs))) {
		free(s);
		ss->nomem = 1;
		return "";
	}
	ss->strs[ss->nstrs++] = s;
	return s;
}

static int copy_evidence(void *ctx, const struct store_suggestion *g)
{
	return g->evidence ? (buf_adds(ctx, g->evidence) ? KERR_NOMEM : 0) : 0;
}

static int cmp_span(const void *a, const void *b)
{
	const struct session_span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* The evidence spans of the suggestion's JSON: offsets come from the store,
 * which another program may have written, so each is range-checked. */
static int parse_evidence(struct session *ss, const char *json, size_t len)
{
	cJSON *a = json && *json ? cJSON_Parse(json) : NULL, *v;
	int rc = 0;

	ss->nev = 0;
	cJSON_ArrayForEach(v, a) {
		cJSON *s = cJSON_GetObjectItemCaseSensitive(v, "start");
		cJSON *en = cJSON_GetObjectItemCaseSensitive(v, "end");
		cJSON *cat = cJSON_GetObjectItemCaseSensitive(v, "cat");
		long k = cJSON_IsString(cat) ? codebook_find(ss->cb, cat->valuestring) : -1;

		if (!cJSON_IsNumber(s) || !cJSON_IsNumber(en) || s->valuedouble < 0 || k < 0
		    || k >= SESSION_MAX_CATS || en->valuedouble < s->valuedouble
		    || en->valuedouble > (double)len)
			continue;
		if ((rc = grow((void **)&ss->ev, &ss->capev, ss->nev + 1, sizeof(*ss->ev))))
			break;
		ss->ev[ss->nev].start = (size_t)s->valuedouble;
		ss->ev[ss->nev].end = (size_t)en->valuedouble;
		ss->ev[ss->nev].cat = (size_t)k;
		ss->nev++;
	}
	cJSON_Delete(a);
	if (ss->nev > 1)
		qsort(ss->ev, ss->nev, sizeof(*ss->ev), cmp_span);
	return rc;
}

static int cmp_coder(const void *a, const void *b)
{
	const struct session_coder_codes *x = a, *y = b;

	return strcmp(x->coder, y->coder);
}

/* Every coder's current decision on the answer, from its history; this
 * coder's own state is brought up to date on the way. */
static int read_coders(struct session *ss, struct item *it, struct kerr *e)
{
	struct history h;
	size_t i;
	int rc;

	ss->ncoders = 0;
	if ((rc = history_read(ss, AN(it)->id, &h, e)))
		return rc;
	rc = apply_mine(ss, it, &h, e);
	apply_flags(ss, it, &h, 0);
	for (i = 0; i < h.n && !rc; i++) {
		const struct hrow *r = &h.r[i];

		if (!r->codes || !hrow_current(&h, i))
			continue;       /* not the coder's current row, or undone to nothing */
		if ((rc = grow((void **)&ss->coders, &ss->capcoders, ss->ncoders + 1,
				sizeof(*ss->coders))))
			break;
		ss->coders[ss->ncoders].coder = keep(ss, xdup(ss, r->coder));
		ss->coders[ss->ncoders].codes = keep(ss, xdup(ss, r->codes));
		ss->coders[ss->ncoders].decided_at = keep(ss, xdup(ss, r->at));
		ss->coders[ss->ncoders].codebook_version = keep(ss, xdup(ss, r->version));
		ss->coders[ss->ncoders].note = keep(ss, xdup(ss, r->note));
		ss->coders[ss->ncoders].final = r->final;
		ss->ncoders++;
	}
	history_release(&h);
	if (ss->ncoders > 1)
		qsort(ss->coders, ss->ncoders, sizeof(*ss->coders), cmp_coder);
	return rc == KERR_NOMEM ? nomem(e) : rc;
}

static int fill_answer(struct session *ss, struct item *it, struct session_answer *out,
	struct kerr *e)
{
	struct buf ev = BUF_INIT, codes = BUF_INIT;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	free_strs(ss);
	ss->nomem = 0;
	rc = store_get_suggestion(ss->s, AN(it)->id, copy_evidence, &ev, e);
	if (rc == KERR_NOTFOUND) {
		rc = 0;
		kerr_clear(e);
	}
	if (!rc && parse_evidence(ss, ev.data, strlen(AN(it)->text)))
		rc = nomem(e);
	buf_release(&ev);
	if (!rc)
		rc = read_coders(ss, it, e);
	if (rc)
		return rc;
	out->id = AN(it)->id;
	out->pos = (size_t)-1;
	for (i = 0; i < ss->nview; i++)
		if (&ss->it[ss->view[i]] == it) {
			out->pos = i;
			break;
		}
	out->respondent = AN(it)->respondent;
	out->wave = AN(it)->wave;
	out->role = AN(it)->role;
	out->place = AN(it)->place;
	out->extra = AN(it)->extra;
	out->text = AN(it)->text;
	out->suggested = AN(it)->sugg_codes ? AN(it)->sugg_codes : "";
	out->suggested_set = AN(it)->sugg;
	out->evidence = ss->ev;
	out->nevidence = ss->nev;
	out->decided = it->decided;
	if (session_set_codes(ss, it->decided ? it->mine : 0, &codes))
		ss->nomem = 1;
	out->codes = keep(ss, buf_detach(&codes, NULL));
	out->codes_set = it->decided ? it->mine : 0;
	out->decided_version = VER(it) ? VER(it) : "";
	out->note = PEND(it) ? PEND(it) : NOTE(it) ? NOTE(it) : "";
	out->start_set = it->decided ? it->mine : ss->mode == SESSION_ADJUDICATE ? 0 : AN(it)->sugg;
	out->coders = ss->coders;
	out->ncoders = ss->ncoders;
	out->codebook_version = ss->cb->version ? ss->cb->version : "";
	out->disputed = AN(it)->disputed;
	out->adjudicated = AN(it)->adjudicated;
	out->uncertain = AN(it)->uncertain;
	out->older = it->decided && strcmp(out->decided_version, out->codebook_version);
	buf_release(&codes);
	return ss->nomem ? nomem(e) : 0;
}

int session_current(struct session *ss, struct session_answer *out, struct kerr *e)
{
	struct item *it = current(ss);

	if (!it) {
		memset(out, 0, sizeof(*out));
		return kerr_set(e, KERR_NOTFOUND, "no answer in this view");
	}
	return fill_answer(ss, it, out, e);
}

int session_answer(struct session *ss, long long id, struct session_answer *out,
	struct kerr *e)
{
	struct item *it = item_by_id(ss, id);

	if (!it) {
		memset(out, 0, sizeof(*out));
		return kerr_set(e, KERR_NOTFOUND, "answer %lld is not in this review", id);
	}
	return fill_answer(ss, it, out, e);
}

int session_brief(const struct session *ss, size_t pos, struct session_brief *out)
{
	const struct item *it;

	memset(out, 0, sizeof(*out));
	if (pos >= ss->nview)
		return KERR_NOTFOUND;
	it = &ss->it[ss->view[pos]];
	out->id = AN(it)->id;
	out->respondent = AN(it)->respondent;
	out->wave = AN(it)->wave;
	out->role = AN(it)->role;
	out->text = AN(it)->text;
	out->suggested_set = AN(it)->sugg;
	out->decided = it->decided;
	out->codes_set = it->decided ? it->mine : 0;
	out->note = PEND(it) ? PEND(it) : NOTE(it) ? NOTE(it) : "";
	out->disputed = AN(it)->disputed;
	out->adjudicated = AN(it)->adjudicated;
	out->uncertain = AN(it)->uncertain;
	out->older = it->decided && strcmp(VER(it) ? VER(it) : "",
		ss->cb->version ? ss->cb->version : "");
	return 0;
}

/* ============================================================ navigation */

size_t session_count(const struct session *ss) { return ss->n; }
size_t session_view_count(const struct session *ss) { return ss->nview; }
size_t session_pos(const struct session *ss) { return ss->cur; }

long long session_view_id(const struct session *ss, size_t pos)
{
	return pos < ss->nview ? AN(&ss->it[ss->view[pos]])->id : 0;
}

int session_next(struct session *ss)
{
	if (ss->cur + 1 >= ss->nview)
		return 1;
	ss->cur++;
	return 0;
}

int session_prev(struct session *ss)
{
	if (ss->cur == 0)
		return 1;
	ss->cur--;
	return 0;
}

void session_goto(struct session *ss, size_t pos)
{
	ss->cur = !ss->nview ? 0 : pos < ss->nview ? pos : ss->nview - 1;
}

int session_goto_id(struct session *ss, long long id)
{
	struct item *it = item_by_id(ss, id);

	return it && go_item(ss, (size_t)(it - ss->it)) ? 0 : KERR_NOTFOUND;
}

int session_advance(struct session *ss)
{
	size_t next;

	if (!ss->nview)
		return 1;
	next = next_todo(ss, (ss->cur + 1) % ss->nview);
	if (next == ss->cur || ss->it[ss->view[next]].decided) {
		if (ss->cur + 1 < ss->nview) {
			ss->cur++;
			return 0;
		}
		return 1;
	}
	ss->cur = next;
	return 0;
}

/* ================================================================ order */

struct prio_key {
	float prio;
	uint32_t idx;
};

static int cmp_prio(const void *x, const void *y)
{
	const struct prio_key *a = x, *b = y;

	if (a->prio != b->prio)
		return a->prio > b->prio ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * How much a coder's decision on an answer would teach: the answer's
 * patterns (coded again now, without the model) against the codebook's
 * learned model.  Where they disagree on a category (the model is on the
 * other side of 0.5 from the patterns) the figure is 1 + how far apart they
 * are (1.5 .. 2); else how unsure the model is of its least sure category,
 * 1 - |2p - 1| (0 .. 1).  Without a model: 1 for an answer the patterns
 * left uncoded or only residual, else 0.
 */
static float priority(const struct codebook *cb, const double *p, const unsigned char *pat,
	int have_model)
{
	double dis = 0, unsure = 0;
	size_t c, coded = 0;

	for (c = 0; c < cb->ncats; c++)
		coded += pat[c] && !cb->cats[c].residual;
	if (!have_model)
		return coded ? 0.0f : 1.0f;
	for (c = 0; c < cb->ncats; c++) {
		double d;

		if (p[c] < 0)
			continue;
		d = pat[c] ? 1 - p[c] : p[c];
		if (d > 0.5 && d > dis)
			dis = d;
		d = 1 - (p[c] > 0.5 ? 2 * p[c] - 1 : 1 - 2 * p[c]);
		if (d > unsure)
			unsure = d;
	}
	return (float)(dis > 0 ? 1 + dis : unsure);
}

/* Code every answer of the table with the patterns and the model, and rank
 * them by priority (ties in survey order). */
static int make_rank(struct session *ss, struct kerr *e)
{
	const struct codebook *cb = ss->cb;
	const struct table *t = ss->tab;
	struct engine_opts eo;
	struct engine *en = NULL;
	struct engine_answer ans;
	struct kerr_list errs = KERR_LIST_INIT;
	struct model *m = NULL;
	struct prio_key *keys = NULL;
	double *p = NULL;
	unsigned char *pat = NULL;
	size_t i, c;
	int rc = 0;

	memset(&eo, 0, sizeof(eo));
	eo.no_model = 1;
	engine_answer_init(&ans);
	free(ss->prio);
	free(ss->rank);
	ss->rank_tab = NULL;
	ss->prio = malloc((t->n + 1) * sizeof(*ss->prio));
	ss->rank = malloc((t->n + 1) * sizeof(*ss->rank));
	keys = malloc((t->n + 1) * sizeof(*keys));
	p = malloc((cb->ncats + 1) * sizeof(*p));
	pat = malloc(cb->ncats + 1);
	if (!ss->prio || !ss->rank || !keys || !p || !pat) {
		rc = nomem(e);
		goto out;
	}
	if ((rc = engine_new(cb, &eo, &en, &errs))) {
		if (errs.n && e)
			*e = errs.items[0];
		else
			kerr_set(e, rc, "cannot build the rules of %s", cb->id);
		goto out;
	}
	if (cb->model && (rc = model_load(cb->model, cb, &m, e)))
		goto out;
	for (i = 0; i < t->n; i++) {
		const char *text = t->a[i].text ? t->a[i].text : "";

		if ((rc = engine_code(en, text, strlen(text), &ans, e)))
			goto out;
		memset(pat, 0, cb->ncats);
		for (c = 0; c < ans.res.ncats; c++)
			pat[ans.res.cats[c]] = 1;
		if (m)
			model_score(m, ans.n.key.data, ans.n.key.len, p);
		keys[i].prio = ss->prio[i] = priority(cb, p, pat, m != NULL);
		keys[i].idx = (uint32_t)i;
	}
	qsort(keys, t->n, sizeof(*keys), cmp_prio);
	for (i = 0; i < t->n; i++)
		ss->rank[keys[i].idx] = (uint32_t)i;
	ss->rank_tab = t;
	ss->rank_n = t->n;
	ss->rank_model = m != NULL;
out:
	if (rc) {
		free(ss->prio);
		free(ss->rank);
		ss->prio = NULL;
		ss->rank = NULL;
	}
	engine_answer_release(&ans);
	engine_free(en);
	model_free(m);
	kerr_list_release(&errs);
	free(keys);
	free(p);
	free(pat);
	return rc;
}

static const char *const order_names[SESSION_ORDER_COUNT] = { "survey", "uncertain" };

const char *session_order_name(enum session_order o)
{
	return (unsigned)o < SESSION_ORDER_COUNT ? order_names[o] : "";
}

int session_order_parse(const char *name, enum session_order *o)
{
	size_t i;

	for (i = 0; name && i < SESSION_ORDER_COUNT; i++)
		if (!strcmp(name, order_names[i])) {
			*o = (enum session_order)i;
			return 0;
		}
	return KERR_NOTFOUND;
}

int session_set_order(struct session *ss, enum session_order o, struct kerr *e)
{
	int rc;

	if ((unsigned)o >= SESSION_ORDER_COUNT)
		return kerr_set(e, KERR_INVALID, "no such order");
	if (o == SESSION_ORDER_UNCERTAIN && !rank_valid(ss) && (rc = make_rank(ss, e)))
		return rc;
	ss->order = o;
	rebuild_view(ss, 0);
	if (ss->nomem) {
		ss->nomem = 0;
		ss->order = SESSION_ORDER_SURVEY;
		rebuild_view(ss, 0);
		return nomem(e);
	}
	ss->cur = next_todo(ss, 0);
	return 0;
}

enum session_order session_get_order(const struct session *ss)
{
	return ss->order;
}

int session_order_model(const struct session *ss)
{
	return ss->order == SESSION_ORDER_UNCERTAIN && rank_valid(ss) && ss->rank_model;
}

double session_priority(const struct session *ss, size_t pos)
{
	if (pos >= ss->nview || !ss->prio || !rank_valid(ss))
		return -1;
	return ss->prio[ss->it[ss->view[pos]].a];
}

static const char *const filter_names[SESSION_FILTER_COUNT] = {
	"all", "not reviewed", "uncertain", "suggested", "disagreements",
	"older codebook version", "with a note"
};

const char *session_filter_name(enum session_filter f)
{
	return (unsigned)f < SESSION_FILTER_COUNT ? filter_names[f] : "";
}

int session_set_filter(struct session *ss, enum session_filter f, size_t cat, struct kerr *e)
{
	struct item *it = current(ss);

	if ((unsigned)f >= SESSION_FILTER_COUNT)
		return kerr_set(e, KERR_INVALID, "no such filter");
	if (f == SESSION_BY_CODE && cat >= ss->cb->ncats)
		return kerr_set(e, KERR_NOTFOUND, "no such category");
	ss->filter = f;
	ss->filter_cat = f == SESSION_BY_CODE ? cat : 0;
	rebuild_view(ss, it ? AN(it)->id : 0);
	if (f == SESSION_UNREVIEWED && ss->nview)
		ss->cur = next_todo(ss, ss->cur);
	return 0;
}

enum session_filter session_get_filter(const struct session *ss, size_t *cat)
{
	if (cat)
		*cat = ss->filter_cat;
	return ss->filter;
}

/* 1 for a respondent match, 2 for text or note, 0 none; -1 out of memory. */
static int item_matches(const struct session *ss, const struct item *it, const char *raw, const char *needle,
	struct buf *key)
{
	const char *notes[2] = { AN(it)->text, PEND(it) ? PEND(it) : NOTE(it) };
	size_t j;

	if (!strcasecmp(AN(it)->respondent, raw))
		return 1;
	for (j = 0; j < 2; j++) {
		if (!notes[j])
			continue;
		buf_reset(key);
		if (normalize_key(notes[j], strlen(notes[j]), key, NULL))
			return -1;
		if (key->data && strstr(key->data, needle))
			return 2;
	}
	return 0;
}

static int needle_of(const char *raw, struct buf *needle, struct kerr *e)
{
	if (!raw || !*raw)
		return kerr_set(e, KERR_INVALID, "nothing to search for");
	if (normalize_key(raw, strlen(raw), needle, NULL) || !needle->data)
		return nomem(e);
	return 0;
}

int session_search(struct session *ss, const char *raw, int *how, struct kerr *e)
{
	struct buf needle = BUF_INIT, key = BUF_INIT;
	size_t k;
	int rc, m = 0;

	*how = 0;
	if ((rc = needle_of(raw, &needle, e)))
		goto out;
	for (k = 1; k <= ss->nview; k++) {
		size_t i = (ss->cur + k) % ss->nview;

		m = item_matches(ss, &ss->it[ss->view[i]], raw, needle.data, &key);
		if (m < 0) {
			rc = nomem(e);
			goto out;
		}
		if (m) {
			ss->cur = i;
			*how = m == 1 ? 1 : k == ss->nview ? 2 : 0;
			goto out;
		}
	}
	rc = kerr_set(e, KERR_NOTFOUND, "\"%s\" is in no answer of this view", raw);
out:
	buf_release(&needle);
	buf_release(&key);
	return rc;
}

int session_search_all(struct session *ss, const char *raw, long long **ids, size_t *n,
	struct kerr *e)
{
	struct buf needle = BUF_INIT, key = BUF_INIT;
	size_t i;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = needle_of(raw, &needle, e)))
		goto out;
	if (!(*ids = malloc((ss->nview + 1) * sizeof(**ids)))) {
		rc = nomem(e);
		goto out;
	}
	for (i = 0; i < ss->nview; i++) {
		int m = item_matches(ss, &ss->it[ss->view[i]], raw, needle.data, &key);

		if (m < 0) {
			rc = nomem(e);
			break;
		}
		if (m)
			(*ids)[(*n)++] = AN(&ss->it[ss->view[i]])->id;
	}
out:
	if (rc) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	buf_release(&needle);
	buf_release(&key);
	return rc;
}

/* The comparison key of a text: normalize_key (case, æøå spellings) with
 * runs of white space as one space and none at the ends.  *out caller's. */
static int text_key(const char *text, struct buf *out)
{
	struct buf k = BUF_INIT;
	const char *p;
	int space = 0, rc;

	buf_reset(out);
	if ((rc = normalize_key(text, strlen(text), &k, NULL)))
		return rc;
	for (p = k.data ? k.data : ""; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = out->len > 0;
			continue;
		}
		if ((space && buf_addch(out, ' ')) || buf_addch(out, *p)) {
			buf_release(&k);
			return KERR_NOMEM;
		}
		space = 0;
	}
	buf_release(&k);
	return buf_adds(out, "") ? KERR_NOMEM : 0;
}

int session_identical(struct session *ss, long long id, long long **ids, size_t *n,
	struct kerr *e)
{
	struct item *it = item_by_id(ss, id);
	struct buf want = BUF_INIT, key = BUF_INIT;
	size_t i;
	int rc = 0;

	*ids = NULL;
	*n = 0;
	if (!it)
		return kerr_set(e, KERR_NOTFOUND, "answer %lld is not in this review", id);
	if (text_key(AN(it)->text, &want) || !(*ids = malloc((ss->nview + 1) * sizeof(**ids)))) {
		rc = nomem(e);
		goto out;
	}
	for (i = 0; i < ss->nview; i++) {
		const struct item *o = &ss->it[ss->view[i]];

		if (o != it) {
			if (text_key(AN(o)->text, &key)) {
				rc = nomem(e);
				goto out;
			}
			if (strcmp(key.data, want.data))
				continue;
		}
		(*ids)[(*n)++] = AN(o)->id;
	}
out:
	if (rc) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	buf_release(&want);
	buf_release(&key);
	return rc;
}

/* ============================================================== deciding */

static int check_set(const struct session *ss, uint64_t set, struct kerr *e)
{
	uint64_t none = (uint64_t)1 << ss->cb->ingen_svar;
	uint64_t all = ss->cb->ncats >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << ss->cb->ncats) - 1;

	if (!set)
		return kerr_set(e, KERR_INVALID, "Tick at least one category (or x for ingen_svar).");
	if (set & ~all)
		return kerr_set(e, KERR_INVALID, "no such category");
	if ((set & none) && set != none)
		return kerr_set(e, KERR_SCHEMA, "ingen_svar goes alone, without other categories");
	return 0;
}

static int push_step(struct session *ss, long long *ids, size_t n)
{
	if (grow((void **)&ss->steps, &ss->capsteps, ss->nsteps + 1, sizeof(*ss->steps)))
		return KERR_NOMEM;
	ss->steps[ss->nsteps].ids = ids;
	ss->steps[ss->nsteps].n = n;
	ss->nsteps++;
	return 0;
}

/* Write one decision for `it` (inside or outside a transaction) and update
 * the item.  `note` as session_decide takes it. */
static int write_decision(struct session *ss, struct item *it, uint64_t set,
	const char *note, long long *did, struct kerr *e)
{
	struct store_decision d = { 0 };
	struct buf c = BUF_INIT;
	struct history h;
	const char *keep_note = note ? note : PEND(it) ? PEND(it) : NOTE(it);
	char *newnote, *ver;
	int rc;

	if (session_set_codes(ss, set, &c))
		return nomem(e);
	d.answer_id = AN(it)->id;
	d.coder = ss->coder;
	d.codebook_id = ss->cb->id;
	d.codebook_version = ss->cb->version ? ss->cb->version : "";
	d.codes = c.data;
	d.suggested = AN(it)->sugg_codes;
	d.action = ss->mode == SESSION_ADJUDICATE ? "adjudicate"
		: set == AN(it)->sugg ? "confirm" : "override";
	d.final = ss->mode == SESSION_ADJUDICATE;
	d.note = keep_note && *keep_note ? keep_note : NULL;
	newnote = note_dup(ss, d.note);
	ver = xdup(ss, d.codebook_version);
	if (ss->nomem) {
		free(newnote);
		free(ver);
		buf_release(&c);
		ss->nomem = 0;
		return nomem(e);
	}
	rc = store_add_decision(ss->s, &d, did, e);
	buf_release(&c);
	if (rc) {
		free(newnote);
		free(ver);
		return rc;
	}
	/* the shared table's flags: this decision is accounted for, and the
	 * answer's flags follow from its history (another coder's codes may
	 * now differ, or an adjudication settle them) */
	ss->tab->accounted++;
	if (history_read(ss, d.answer_id, &h, NULL)) {
		ss->tab->read_at = -1;    /* read them all again when next needed */
	} else {
		apply_flags(ss, it, &h, 1);
		history_release(&h);
	}
	if (!it->decided) {
		it->decided = 1;
		ss->done++;
		ss->waves[AN(it)->wave_idx].done++;
	}
	it->mine = set;
	set_note(ss, it, newnote);
	set_pending(ss, it, NULL);
	set_ver(ss, it, ver);
	free(ver);
	if (ss->nomem) {
		ss->nomem = 0;
		return nomem(e);   /* saved; only the session's copy of it is short */
	}
	ss->decided++;
	return 0;
}

static struct item *target(struct session *ss, long long id, struct kerr *e)
{
	struct item *it = id ? item_by_id(ss, id) : current(ss);

	if (!it)
		kerr_set(e, KERR_INVALID, id ? "answer %lld is not in this review"
			: "no answer in this view", id);
	return it;
}

int session_decide_set(struct session *ss, long long id, uint64_t set, const char *note,
	struct kerr *e)
{
	struct item *it = target(ss, id, e);
	long long *did;
	int rc;

	if (!it)
		return KERR_INVALID;
	if ((rc = check_set(ss, set, e)))
		return rc;
	if (!(did = malloc(sizeof(*did))))
		return nomem(e);
	if ((rc = write_decision(ss, it, set, note, did, e))) {
		free(did);
		return rc;
	}
	if (push_step(ss, did, 1)) {
		free(did);      /* saved, only not undoable from here */
		return nomem(e);
	}
	return 0;
}

int session_decide(struct session *ss, long long id, const char *codes, const char *note,
	struct kerr *e)
{
	uint64_t set;
	int rc;

	if ((rc = session_codes_set(ss, codes, &set, e)))
		return rc;
	return session_decide_set(ss, id, set, note, e);
}

int session_decide_many(struct session *ss, const long long *ids, size_t n,
	const char *codes, struct kerr *e)
{
	long long *did;
	uint64_t set;
	size_t i, decided = ss->decided;
	int rc;

	if ((rc = session_codes_set(ss, codes, &set, e)) || (rc = check_set(ss, set, e)))
		return rc;
	for (i = 0; i < n; i++)
		if (!item_by_id(ss, ids[i]))
			return kerr_set(e, KERR_INVALID, "answer %lld is not in this review", ids[i]);
	if (!n)
		return 0;
	if (!(did = malloc(n * sizeof(*did))))
		return nomem(e);
	if ((rc = store_begin(ss->s, e))) {
		free(did);
		return rc;
	}
	for (i = 0; i < n && !rc; i++)
		rc = write_decision(ss, item_by_id(ss, ids[i]), set, NULL, &did[i], e);
	if (!rc)
		rc = store_commit(ss->s, e);
	if (rc) {
		store_rollback(ss->s);
		free(did);
		/* the items may say decided for rows that were rolled back */
		for (i = 0; i < n; i++)
			sync_mine(ss, item_by_id(ss, ids[i]), 1, NULL);
		ss->decided = decided;
		return rc;
	}
	if (push_step(ss, did, n)) {
		free(did);
		return nomem(e);
	}
	return 0;
}

int session_undo(struct session *ss, long long *id, size_t *skipped, struct kerr *e)
{
	struct step *st;
	long long *answers, first = 0;
	size_t i, left = 0;
	int rc, undone;

	if (id)
		*id = 0;
	if (skipped)
		*skipped = 0;
	if (!ss->nsteps)
		return kerr_set(e, KERR_NOTFOUND, "nothing to undo in this session");
	st = &ss->steps[ss->nsteps - 1];
	if (!(answers = calloc(st->n + 1, sizeof(*answers))))
		return nomem(e);
	/* One transaction: a bulk step is undone whole or not at all, and no
	 * other window's decision can come between the check and the write. */
	if ((rc = store_begin(ss->s, e))) {
		free(answers);
		return rc;
	}
	for (i = st->n; i-- > 0 && !rc;) {
		rc = store_undo_decision(ss->s, ss->coder, st->ids[i], &undone, &answers[i], e);
		if (!rc && !undone)
			left++;
		if (!rc && undone) {
			first = answers[i];
			ss->tab->accounted++;   /* its undo row: see write_decision */
		}
	}
	if (!rc)
		rc = store_commit(ss->s, e);
	if (rc) {
		store_rollback(ss->s);
		free(answers);
		return rc;
	}
	free(st->ids);
	ss->nsteps--;
	for (i = 0; i < st->n && !rc; i++) {
		struct item *it = item_by_id(ss, answers[i]);

		if (it)
			rc = sync_mine(ss, it, 1, e);
	}
	if (!first && st->n)
		first = answers[0];
	free(answers);
	if (first) {
		struct item *it = item_by_id(ss, first);

		if (it)
			go_item(ss, (size_t)(it - ss->it));
	}
	if (id)
		*id = first;
	if (skipped)
		*skipped = left;
	return rc;
}

int session_note(struct session *ss, long long id, const char *note, int *saved,
	struct kerr *e)
{
	struct item *it = target(ss, id, e);
	long long *did;
	char *p;
	int rc;

	if (saved)
		*saved = 0;
	if (!it)
		return KERR_INVALID;
	if (!note)
		note = "";
	if (!it->decided) {
		p = note_dup(ss, note);
		if (ss->nomem) {
			ss->nomem = 0;
			return nomem(e);
		}
		set_pending(ss, it, p);
		if (ss->nomem) {
			ss->nomem = 0;
			return nomem(e);
		}
		return 0;
	}
	/* Decided: the note goes in now, with the same codes (a change of the
	 * note only; writing the same note again would add nothing). */
	if (!strcmp(note, NOTE(it) ? NOTE(it) : ""))
		return 0;
	if (!(did = malloc(sizeof(*did))))
		return nomem(e);
	if ((rc = write_decision(ss, it, it->mine, note, did, e))) {
		free(did);
		return rc;
	}
	if (saved)
		*saved = 1;
	if (push_step(ss, did, 1)) {
		free(did);
		return nomem(e);
	}
	return 0;
}

struct pending_note {
	long long id;
	char *note;
};

int session_refresh(struct session *ss, struct kerr *e)
{
	struct item *it = current(ss);
	long long keep = it ? AN(it)->id : 0;
	struct pending_note *pn = NULL;
	size_t npn = 0, i;
	int rc;

	/* When the table's flags were not read again since this session
	 * looked, only the answers decided through another session since can
	 * have changed: this coder's own state of them (this coder in another
	 * mode or window) and, adjudicating, whether they are in dispute.  An
	 * answer that came into dispute or left it makes the items be loaded
	 * again from the table, as does a table read again. */
	if ((rc = table_catch_up(ss, e))) {
		ss->nview = ss->cur = 0;
		return rc;
	}
	if (ss->tab->shared && ss->seen_epoch == ss->tab->epoch) {
		const struct table *t = ss->tab;
		int reload = 0;

		for (i = 0; i < t->n && !rc && !reload; i++) {
			struct item *held;

			if (t->touched[i] <= ss->seen_gen)
				continue;
			held = item_by_id(ss, t->a[i].id);
			if (ss->mode == SESSION_ADJUDICATE
			    && !held != !(t->a[i].disputed || t->a[i].adjudicated))
				reload = 1;
			else if (held)
				rc = sync_mine(ss, held, 0, e);
		}
		if (rc) {
			ss->nview = ss->cur = 0;
			return rc;
		}
		if (!reload) {
			ss->seen_gen = t->gen;
			rebuild_view(ss, keep);
			return 0;
		}
	}

	/* pending notes live only here: carry them over the reload */
	for (i = 0; i < ss->n; i++)
		if (PEND(&ss->it[i]))
			npn++;
	if (npn && !(pn = calloc(npn, sizeof(*pn))))
		return nomem(e);
	for (i = 0, npn = 0; i < ss->n; i++)
		if (PEND(&ss->it[i])) {
			pn[npn].id = AN(&ss->it[i])->id;
			pn[npn++].note = strdup(PEND(&ss->it[i]));
			if (!pn[npn - 1].note)
				ss->nomem = 1;
		}
	rc = load(ss, e);
	for (i = 0; i < npn; i++) {
		struct item *t = rc ? NULL : item_by_id(ss, pn[i].id);

		if (t)
			set_pending(ss, t, pn[i].note);
		else
			free(pn[i].note);
	}
	free(pn);
	if (!rc && ss->order == SESSION_ORDER_UNCERTAIN && !rank_valid(ss))
		rc = make_rank(ss, e);
	if (rc) {
		ss->nview = ss->cur = 0;
		return rc;
	}
	rebuild_view(ss, keep);
	return 0;
}

/* ============================================================== progress */

void session_progress(const struct session *ss, struct session_progress *out)
{
	double min = (now_ms() - ss->t0) / 60000.0;

	memset(out, 0, sizeof(*out));
	out->total = ss->n;
	out->done = ss->done;
	out->decided = ss->decided;
	out->minutes = min;
	/* a pace from a few seconds of work would be noise */
	if (ss->decided >= 3 && min > 0.25) {
		out->per_minute = ss->decided / min;
		if (ss->done < ss->n)
			out->minutes_left = (ss->n - ss->done) / out->per_minute;
	}
	out->waves = ss->waves;
	out->nwaves = ss->nwaves;
}

/* ================================================================== JSON */

/* A code set as an array of ids. */
static cJSON *codes_array(const struct session *ss, uint64_t set)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a && i < ss->cb->ncats && i < SESSION_MAX_CATS; i++)
		if ((set >> i) & 1)
			cJSON_AddItemToArray(a, cJSON_CreateString(ss->cb->cats[i].id));
	return a;
}

/* UTF-16 code units in the first `off` bytes of UTF-8 `s` (a 4-byte
 * sequence is a surrogate pair, a stray byte one unit). */
static size_t utf16_offset(const char *s, size_t off)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0;

	while (i < off && p[i]) {
		size_t len = p[i] < 0x80 ? 1 : p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3
			: p[i] >= 0xc0 ? 2 : 1;

		n += len == 4 ? 2 : 1;
		i += len;
	}
	return n;
}

/* Print `o` into `out` and free it; KERR_NOMEM when anything failed. */
static int json_out(cJSON *o, int bad, struct buf *out, struct kerr *e)
{
	char *txt = !bad && o ? cJSON_PrintUnformatted(o) : NULL;
	int rc = 0;

	if (!txt || buf_adds(out, txt))
		rc = nomem(e);
	cJSON_free(txt);
	cJSON_Delete(o);
	return rc;
}

int session_answer_json(const struct session *ss, const struct session_answer *a,
	struct buf *out, struct kerr *e)
{
	cJSON *o = cJSON_CreateObject(), *ev, *cs, *x;
	size_t i;
	int bad = !o;

	if (bad)
		return nomem(e);
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "pos", a->pos == (size_t)-1 ? -1 : (double)a->pos);
	cJSON_AddStringToObject(o, "respondent", a->respondent);
	cJSON_AddStringToObject(o, "wave", a->wave);
	cJSON_AddStringToObject(o, "role", a->role);
	cJSON_AddStringToObject(o, "place", a->place);
	x = cJSON_Parse(a->extra ? a->extra : "{}");
	cJSON_AddItemToObject(o, "extra", cJSON_IsObject(x) ? x
		: (cJSON_Delete(x), cJSON_CreateObject()));
	cJSON_AddStringToObject(o, "text", a->text);
	cJSON_AddItemToObject(o, "suggested", codes_array(ss, a->suggested_set));
	cJSON_AddItemToObject(o, "evidence", ev = cJSON_CreateArray());
	for (i = 0; ev && i < a->nevidence; i++) {
		cJSON *sp = cJSON_CreateObject();

		if (!sp) {
			bad = 1;
			break;
		}
		cJSON_AddNumberToObject(sp, "start", (double)a->evidence[i].start);
		cJSON_AddNumberToObject(sp, "end", (double)a->evidence[i].end);
		cJSON_AddNumberToObject(sp, "start16",
			(double)utf16_offset(a->text, a->evidence[i].start));
		cJSON_AddNumberToObject(sp, "end16",
			(double)utf16_offset(a->text, a->evidence[i].end));
		cJSON_AddStringToObject(sp, "category", ss->cb->cats[a->evidence[i].cat].id);
		cJSON_AddItemToArray(ev, sp);
	}
	cJSON_AddBoolToObject(o, "decided", a->decided);
	cJSON_AddItemToObject(o, "codes", codes_array(ss, a->codes_set));
	cJSON_AddStringToObject(o, "decided_version", a->decided_version);
	cJSON_AddStringToObject(o, "note", a->note);
	cJSON_AddItemToObject(o, "start", codes_array(ss, a->start_set));
	cJSON_AddItemToObject(o, "coders", cs = cJSON_CreateArray());
	for (i = 0; cs && i < a->ncoders; i++) {
		const struct session_coder_codes *c = &a->coders[i];
		cJSON *co = cJSON_CreateObject(), *ids = cJSON_CreateArray();
		const char *p = c->codes;
		char id[128];

		if (!co || !ids) {
			cJSON_Delete(co);
			cJSON_Delete(ids);
			bad = 1;
			break;
		}
		/* as stored: ids another codebook version may no longer have */
		while (codebook_next_code(&p, id, sizeof(id)))
			cJSON_AddItemToArray(ids, cJSON_CreateString(id));
		cJSON_AddStringToObject(co, "coder", c->coder);
		cJSON_AddItemToObject(co, "codes", ids);
		cJSON_AddStringToObject(co, "decided_at", c->decided_at);
		cJSON_AddStringToObject(co, "codebook_version", c->codebook_version);
		cJSON_AddStringToObject(co, "note", c->note);
		cJSON_AddBoolToObject(co, "final", c->final);
		cJSON_AddItemToArray(cs, co);
	}
	cJSON_AddStringToObject(o, "codebook_version", a->codebook_version);
	cJSON_AddBoolToObject(o, "disputed", a->disputed);
	cJSON_AddBoolToObject(o, "adjudicated", a->adjudicated);
	cJSON_AddBoolToObject(o, "uncertain", a->uncertain);
	cJSON_AddBoolToObject(o, "older", a->older);
	return json_out(o, bad, out, e);
}

int session_categories_json(const struct session *ss, struct buf *out, struct kerr *e)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, k;
	int bad = !arr;

	for (i = 0; !bad && i < ss->cb->ncats; i++) {
		struct session_category c;
		cJSON *o = cJSON_CreateObject(), *ex = cJSON_CreateArray();

		if (!o || !ex) {
			cJSON_Delete(o);
			cJSON_Delete(ex);
			bad = 1;
			break;
		}
		session_category(ss, i, &c);
		cJSON_AddNumberToObject(o, "index", (double)i);
		cJSON_AddNumberToObject(o, "number", (double)i + 1);
		cJSON_AddStringToObject(o, "id", c.id);
		cJSON_AddStringToObject(o, "label", c.label);
		cJSON_AddStringToObject(o, "description", c.description);
		if (c.net) {
			cJSON_AddStringToObject(o, "net", c.net);
			cJSON_AddStringToObject(o, "net_label", c.net_label ? c.net_label : "");
		} else {
			cJSON_AddNullToObject(o, "net");
			cJSON_AddNullToObject(o, "net_label");
		}
		for (k = 0; k < c.nexamples; k++)
			cJSON_AddItemToArray(ex, cJSON_CreateString(c.examples[k]));
		cJSON_AddItemToObject(o, "examples", ex);
		cJSON_AddBoolToObject(o, "nonsubstantive", c.nonsubstantive);
		cJSON_AddBoolToObject(o, "residual", c.residual);
		cJSON_AddItemToArray(arr, o);
	}
	return json_out(arr, bad, out, e);
}

int session_progress_json(const struct session *ss, struct buf *out, struct kerr *e)
{
	struct session_progress p;
	cJSON *o = cJSON_CreateObject(), *w;
	size_t i;
	int bad = !o;

	if (bad)
		return nomem(e);
	session_progress(ss, &p);
	cJSON_AddNumberToObject(o, "total", (double)p.total);
	cJSON_AddNumberToObject(o, "done", (double)p.done);
	cJSON_AddNumberToObject(o, "decided", (double)p.decided);
	cJSON_AddNumberToObject(o, "minutes", p.minutes);
	cJSON_AddNumberToObject(o, "per_minute", p.per_minute);
	cJSON_AddNumberToObject(o, "minutes_left", p.minutes_left);
	cJSON_AddItemToObject(o, "waves", w = cJSON_CreateArray());
	for (i = 0; w && i < p.nwaves; i++) {
		cJSON *x = cJSON_CreateObject();

		if (!x) {
			bad = 1;
			break;
		}
		cJSON_AddStringToObject(x, "wave", p.waves[i].wave);
		cJSON_AddNumberToObject(x, "total", (double)p.waves[i].total);
		cJSON_AddNumberToObject(x, "done", (double)p.waves[i].done);
		cJSON_AddItemToArray(w, x);
	}
	return json_out(o, bad, out, e);
}

/* =============================================================== samples */

struct sample_item {
	long long id;
	char *wave, *role;
};

struct sample_ctx {
	struct sample_item *it;
	size_t n, cap;
	long long *mine;
	size_t nmine, capmine;
};

static int sample_answer(void *ctx, const struct store_answer *a)
{
	struct sample_ctx *c = ctx;
	struct sample_item *it;

	if (grow((void **)&c->it, &c->cap, c->n + 1, sizeof(*c->it)))
		return KERR_NOMEM;
	it = &c->it[c->n++];
	it->id = a->id;
	it->wave = strdup(a->wave);
	it->role = strdup(a->role);
	return it->wave && it->role ? 0 : KERR_NOMEM;
}

static int sample_mine(void *ctx, const struct store_decision *d)
{
	struct sample_ctx *c = ctx;

	if (grow((void **)&c->mine, &c->capmine, c->nmine + 1, sizeof(*c->mine)))
		return KERR_NOMEM;
	c->mine[c->nmine++] = d->answer_id;
	return 0;
}

/* splitmix64: small, fast and the same on every platform, so a seed gives
 * the same sample everywhere. */
static uint64_t next_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct stratum {
	const char *wave, *role;
	size_t *idx, n, quota;
	double rem;
};

int session_sample_assign(struct store *s, const char *question, const char *coder,
	size_t n, unsigned long long seed, size_t *assigned, struct kerr *e)
{
	struct sample_ctx c = { 0 };
	struct stratum *st = NULL;
	size_t nst = 0, i, j, eligible = 0, given = 0;
	uint64_t state = seed;
	int rc;

	*assigned = 0;
	if ((rc = store_each_answer(s, question, sample_answer, &c, e))
	    || (rc = store_each_latest(s, question, coder, sample_mine, &c, e)))
		goto out;
	if (c.nmine)
		qsort(c.mine, c.nmine, sizeof(*c.mine), cmp_ll);
	st = calloc(c.n + 1, sizeof(*st));
	if (!st) {
		rc = KERR_NOMEM;
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		struct sample_item *it = &c.it[i];

		if (c.nmine && bsearch(&it->id, c.mine, c.nmine, sizeof(*c.mine), cmp_ll))
			continue;
		for (j = 0; j < nst; j++)
			if (!strcmp(st[j].wave, it->wave) && !strcmp(st[j].role, it->role))
				break;
		if (j == nst) {
			st[nst].wave = it->wave;
			st[nst].role = it->role;
			if (!(st[nst].idx = malloc(c.n * sizeof(size_t)))) {
				rc = KERR_NOMEM;
				goto out;
			}
			nst++;
		}
		st[j].idx[st[j].n++] = i;
		eligible++;
	}
	if (n > eligible)
		n = eligible;
	/* Proportional shares, the remainder to the largest fractions. */
	for (j = 0; j < nst; j++) {
		double share = (double)n * st[j].n / (eligible ? eligible : 1);

		st[j].quota = (size_t)share;
		st[j].rem = share - st[j].quota;
		given += st[j].quota;
	}
	while (given < n) {
		size_t best = 0;

		for (j = 1; j < nst; j++)
			if (st[j].rem > st[best].rem && st[j].quota < st[j].n)
				best = j;
		st[best].quota++;
		st[best].rem = -1;
		given++;
	}
	if ((rc = store_begin(s, e)))
		goto out;
	for (j = 0; j < nst && !rc; j++) {
		/* Partial Fisher-Yates: the first `quota` places get a random draw. */
		for (i = 0; i < st[j].quota && !rc; i++) {
			size_t k = i + (size_t)(next_rand(&state) % (st[j].n - i)), tmp;
			int had;

			tmp = st[j].idx[i];
			st[j].idx[i] = st[j].idx[k];
			st[j].idx[k] = tmp;
			rc = store_sample_has(s, c.it[st[j].idx[i]].id, coder, &had, e);
			if (!rc && !had) {
				rc = store_sample_add(s, c.it[st[j].idx[i]].id, coder,
					(long long)seed, e);
				*assigned += !rc;
			}
		}
	}
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, e);
out:
	for (j = 0; j < nst; j++)
		free(st[j].idx);
	free(st);
	for (i = 0; i < c.n; i++) {
		free(c.it[i].wave);
		free(c.it[i].role);
	}
	free(c.it);
	free(c.mine);
	if (rc == KERR_NOMEM)
		nomem(e);
	return rc;
}

struct assignments {
	struct store_assignment *a;   /* coder and assigned_at owned */
	size_t n, cap;
};

static int collect_assignment(void *ctx, const struct store_assignment *a)
{
	struct assignments *l = ctx;
	struct store_assignment *d;

	if (grow((void **)&l->a, &l->cap, l->n + 1, sizeof(*l->a)))
		return KERR_NOMEM;
	d = &l->a[l->n++];
	*d = *a;
	d->coder = strdup(a->coder ? a->coder : "");
	d->assigned_at = strdup(a->assigned_at ? a->assigned_at : "");
	return d->coder && d->assigned_at ? 0 : KERR_NOMEM;
}

static void assignments_release(struct assignments *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->a[i].coder);
		free((char *)l->a[i].assigned_at);
	}
	free(l->a);
}

/* The assignments first, then the answers: a callback must not run while
 * the store is in the middle of a query. */
static int read_assignments(struct store *s, const char *question, const char *coder,
	struct assignments *l, struct kerr *e)
{
	int rc;

	memset(l, 0, sizeof(*l));
	rc = store_each_assignment(s, question, coder, collect_assignment, l, e);
	if (rc == KERR_NOMEM)
		nomem(e);
	if (rc)
		assignments_release(l);
	return rc;
}

int session_sample_list(struct store *s, const char *question, const char *coder,
	int (*cb)(void *ctx, const struct session_sample_row *r), void *ctx, struct kerr *e)
{
	struct assignments l;
	size_t i;
	int rc;

	if ((rc = read_assignments(s, question, coder, &l, e)))
		return rc;
	for (i = 0; i < l.n && !rc; i++) {
		struct store_answer a;
		struct store_decision d;
		struct session_sample_row r = { 0 };

		if ((rc = store_get_answer(s, l.a[i].answer_id, &a, e)))
			break;
		rc = store_latest(s, l.a[i].answer_id, l.a[i].coder, &d, e);
		if (rc == KERR_NOTFOUND) {
			kerr_clear(e);
			rc = 0;
		} else if (!rc) {
			r.decided = d.codes != NULL;
			store_decision_release(&d);
		}
		if (!rc) {
			r.answer_id = l.a[i].answer_id;
			r.coder = l.a[i].coder;
			r.respondent = a.respondent;
			r.wave = a.wave;
			r.role = a.role;
			r.assigned_at = l.a[i].assigned_at;
			r.seed = l.a[i].seed;
			rc = cb(ctx, &r);
		}
		store_answer_release(&a);
	}
	assignments_release(&l);
	return rc;
}

int session_sample_add(struct store *s, const char *coder, const long long *ids,
	size_t n, size_t *added, struct kerr *e)
{
	struct store_answer a;
	size_t i;
	int rc, has;

	*added = 0;
	if ((rc = store_begin(s, e)))
		return rc;
	for (i = 0; i < n && !rc; i++) {
		if ((rc = store_get_answer(s, ids[i], &a, e)))
			break;
		store_answer_release(&a);
		rc = store_sample_has(s, ids[i], coder, &has, e);
		if (!rc && !has && !(rc = store_sample_add(s, ids[i], coder, 0, e)))
			++*added;
	}
	if (!rc)
		rc = store_commit(s, e);
	if (rc) {
		store_rollback(s);
		*added = 0;
	}
	return rc;
}

int session_sample_remove(struct store *s, const char *question, const char *coder,
	size_t *removed, struct kerr *e)
{
	struct assignments l;
	size_t i;
	int rc;

	*removed = 0;
	if ((rc = read_assignments(s, question, coder, &l, e)))
		return rc;
	if (!l.n) {
		assignments_release(&l);
		return kerr_set(e, KERR_NOTFOUND, "%s has no sample%s%s", coder,
			question ? " on " : "", question ? question : "");
	}
	if (!(rc = store_begin(s, e))) {
		for (i = 0; i < l.n && !rc; i++)
			rc = store_sample_remove(s, l.a[i].answer_id, coder, e);
		if (!rc)
			rc = store_commit(s, e);
		if (rc)
			store_rollback(s);
		else
			*removed = l.n;
	}
	assignments_release(&l);
	return rc;
}

int session_sample_reassign(struct store *s, const char *question, const char *from,
	const char *to, size_t *moved, struct kerr *e)
{
	struct assignments l;
	size_t i, n = 0;
	int rc;

	*moved = 0;
	if (!strcmp(from, to))
		return kerr_set(e, KERR_INVALID, "the sample is %s's already", to);
	if ((rc = read_assignments(s, question, from, &l, e)))
		return rc;
	if (!l.n) {
		assignments_release(&l);
		return kerr_set(e, KERR_NOTFOUND, "%s has no sample%s%s", from,
			question ? " on " : "", question ? question : "");
	}
	if (!(rc = store_begin(s, e))) {
		for (i = 0; i < l.n && !rc; i++) {
			struct store_decision d;
			int has = 0, decided;

			rc = store_sample_remove(s, l.a[i].answer_id, from, e);
			if (!rc)
				rc = store_sample_has(s, l.a[i].answer_id, to, &has, e);
			if (rc)
				break;
			rc = store_latest(s, l.a[i].answer_id, to, &d, e);
			decided = rc == 0 && d.codes;
			if (rc == 0)
				store_decision_release(&d);
			else if (rc == KERR_NOTFOUND) {
				kerr_clear(e);
				rc = 0;
			}
			if (!rc && !has && !decided) {
				rc = store_sample_add(s, l.a[i].answer_id, to, l.a[i].seed, e);
				n += !rc;
			}
		}
		if (!rc)
			rc = store_commit(s, e);
		if (rc)
			store_rollback(s);
		else
			*moved = n;
	}
	assignments_release(&l);
	return rc;
}

/* ================================================================= tally */

struct tally_build {
	struct tally *t;
	unsigned char *flags;
};

static int tally_final(void *ctx, const struct store_final *f)
{
	struct tally_build *b = ctx;
	const struct store_answer *a = f->answer;
	const char *codes = f->codes ? f->codes : f->suggested ? f->suggested : "";
	long w = tally_wave(b->t, a->wave && *a->wave ? a->wave : "(alle)");
	long r = tally_role(b->t, a->role && *a->role ? a->role : "(alle)", NULL);
	enum tally_kind kind;

	if (w < 0 || r < 0)
		return KERR_NOMEM;
	/* A code this codebook does not know (a decision under another
	 * version): not counted, as koder tally leaves it out with an error. */
	if (tally_parse_codes(b->t, codes, b->flags, &kind, NULL))
		kind = TALLY_EMPTY;
	return tally_add(b->t, 0, (size_t)w, (size_t)r, kind, b->flags, f->codes != NULL)
		? KERR_NOMEM : 0;
}

int session_tally_store(struct store *s, const char *question, struct tally **out,
	struct kerr *e)
{
	struct tally_build b = { NULL, NULL };
	struct codebook *cb = NULL;
	int rc;

	*out = NULL;
	if ((rc = codebook_of(s, question, &cb, e)))
		return rc;
	if ((rc = tally_of_codebook(cb, question, NULL, &b.t, NULL, e)))
		goto out;
	if (!(b.flags = calloc(b.t->ncats + 1, 1))) {
		rc = nomem(e);
		goto out;
	}
	rc = store_each_final(s, question, tally_final, &b, e);
	if (rc == KERR_NOMEM)
		rc = nomem(e);
out:
	free(b.flags);
	if (rc)
		tally_free(b.t);
	else
		*out = b.t;
	codebook_free(cb);
	return rc;
}
