/*
 * serve_data.c - the web review's JSON API (see serve_data.h).  Every
 * coding rule lives in the session library (session.h): this file turns its
 * structs into JSON and requests into calls, keeps one session per coder,
 * and adds what only a shared server has: a generation counter that tells
 * pages something changed (live disagreements and tally), the live tally,
 * and the codebook moving to a new version while everyone codes.
 *
 * Routes (after /api):
 *   GET  /session                 coder, codebook, progress, generation
 *   GET  /answer?move=M&filter=F&cat=I&q=TEXT&id=N&mode=adjudicate&order=O
 *                                 M: current next prev todo first id search
 *                                 pos (id=N: the position, 0-based)
 *                                 O: survey uncertain (session_set_order)
 *   POST /decision {id, codes, note?, mode?}      committed before the reply
 *   POST /undo {mode?}                          this session's last step
 *   POST /note {id, note, mode?}
 *   GET  /find?q=TEXT | same=ID  preview of a bulk coding (ids and texts;
 *                                same: identical answers)
 *   POST /bulk {ids, codes}                     one transaction, one undo
 *   POST /category {id, label, description, pattern}
 *   GET  /disagreements          each coder's codes on disputed answers
 *   GET  /tally                  "Anført af X ud af Y" per wave and role, nets
 *                                included (session_tally_store: koder tally --db's numbers)
 *   GET  /samples ; POST /assign {coder, n, seed} (a random sample) or
 *                  {coder, wave?, role?, from?, to?} (by hand) ; POST /unassign {coder}
 *   GET  /changes                the generations, for polling pages
 *   (POST /logout and GET /login/TOKEN are serve.c's.  docs/serve-api.md
 *   describes every route; tests/checks/serve-api-doc.sh matches its
 *   headings against the strcmp table in sdata_api.)
 */
#include "serve_data.h"
#include "buf.h"
#include "cbedit.h"
#include "codebook.h"
#include "error.h"
#include "project.h"
#include "session.h"
#include "store.h"
#include "tally.h"

#include <cjson/cJSON.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PREVIEW_MAX 200
#define LIST_MAX 500

struct coder_st {
	char *name;
	struct session *ss[2];      /* SESSION_CODE, SESSION_ADJUDICATE */
	unsigned long long refreshed[2];   /* generation at the last refresh */
	int order_set[2], order[2]; /* the coder's chosen order (enum session_order),
	                               kept when the sessions are opened again */
};

struct sdata {
	struct store *s;
	char *question;
	struct coder_st *c;
	size_t nc, cap;
	unsigned long long gen;     /* bumped by every decision, undo, note, change */
	unsigned long long cbgen;   /* bumped when the codebook moves on */
	int order;                  /* enum session_order of a session opened anew */
	cJSON *tally;
	unsigned long long tally_gen;
	struct session *warm;       /* sdata_warm's, until a coder's session opens */
};

struct call {
	struct sdata *d;
	struct coder_st *who;
	sdata_arg_fn arg;
	void *argctx;
	cJSON *in;
	unsigned *status;
	char *msg;
	size_t msgsize;
	struct kerr e;
};

static int fail(struct call *k, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct call *k, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->msg, k->msgsize, fmt, ap);
	va_end(ap);
	return code;
}

/* The library's message for the coder (their own answers are never in it). */
static int fail_e(struct call *k, int rc)
{
	snprintf(k->msg, k->msgsize, "%s", k->e.msg[0] ? k->e.msg : kerr_name(rc));
	return rc;
}

int sdata_open(struct sdata **out, struct store *s, const char *question, struct kerr *e)
{
	struct sdata *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d || !(d->question = strdup(question))) {
		free(d);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	d->s = s;
	d->gen = 1;
	*out = d;
	return 0;
}

void sdata_warm(struct sdata *d)
{
	struct kerr e;

	kerr_clear(&e);
	if (!d->warm && session_open(&d->warm, d->s, d->question, "(server)", SESSION_CODE, &e))
		d->warm = NULL;
}

void sdata_set_order(struct sdata *d, int uncertain)
{
	d->order = uncertain ? SESSION_ORDER_UNCERTAIN : SESSION_ORDER_SURVEY;
}

static void close_sessions(struct sdata *d)
{
	size_t i;

	for (i = 0; i < d->nc; i++) {
		session_close(d->c[i].ss[0]);
		session_close(d->c[i].ss[1]);
		d->c[i].ss[0] = d->c[i].ss[1] = NULL;
	}
}

void sdata_close(struct sdata *d)
{
	size_t i;

	if (!d)
		return;
	session_close(d->warm);
	close_sessions(d);
	for (i = 0; i < d->nc; i++)
		free(d->c[i].name);
	free(d->c);
	cJSON_Delete(d->tally);
	free(d->question);
	free(d);
}

void sdata_reload(struct sdata *d)
{
	close_sessions(d);
	d->gen++;
}

void sdata_generation(const struct sdata *d, unsigned long long *gen,
	unsigned long long *cbgen)
{
	*gen = d->gen;
	*cbgen = d->cbgen;
}

void sdata_follow(struct sdata *d, unsigned long long gen, unsigned long long cbgen)
{
	if (cbgen != d->cbgen)
		close_sessions(d);      /* the codebook moved on: reopened when used */
	d->gen = gen;
	d->cbgen = cbgen;
}

static struct coder_st *coder_of(struct sdata *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nc; i++)
		if (!strcmp(d->c[i].name, name))
			return &d->c[i];
	if (d->nc == d->cap) {
		size_t ncap = d->cap ? 2 * d->cap : 16;
		void *p = realloc(d->c, ncap * sizeof(*d->c));

		if (!p)
			return NULL;
		d->c = p;
		d->cap = ncap;
	}
	memset(&d->c[d->nc], 0, sizeof(d->c[0]));
	if (!(d->c[d->nc].name = strdup(name)))
		return NULL;
	return &d->c[d->nc++];
}

void sdata_coder(struct sdata *d, const char *coder)
{
	(void)coder_of(d, coder);
}

static int mode_of(struct call *k)
{
	const cJSON *m = k->in ? cJSON_GetObjectItemCaseSensitive(k->in, "mode") : NULL;
	const char *v = cJSON_IsString(m) ? m->valuestring : k->arg(k->argctx, "mode");

	return v && !strcmp(v, "adjudicate");
}

/* The coder's session in this mode, opened when first needed. */
static int get_session(struct call *k, int adj, struct session **out)
{
	struct coder_st *c = k->who;
	int rc;

	if (!c->ss[adj]) {
		enum session_order o = c->order_set[adj] ? (enum session_order)c->order[adj]
			: (enum session_order)k->d->order;

		if ((rc = session_open(&c->ss[adj], k->d->s, k->d->question, c->name,
				adj ? SESSION_ADJUDICATE : SESSION_CODE, &k->e)))
			return fail_e(k, rc);
		if (o != SESSION_ORDER_SURVEY && (rc = session_set_order(c->ss[adj], o, &k->e))) {
			session_close(c->ss[adj]);
			c->ss[adj] = NULL;
			return fail_e(k, rc);
		}
		c->refreshed[adj] = k->d->gen;
		/* the answer table is the coder's session's to hold now */
		session_close(k->d->warm);
		k->d->warm = NULL;
	}
	*out = c->ss[adj];
	return 0;
}

/* Re-read other coders' work when some was done since the last look (the
 * views of disagreements and adjudication depend on it). */
static int refresh(struct call *k, int adj)
{
	struct coder_st *c = k->who;
	int rc;

	if (c->refreshed[adj] == k->d->gen)
		return 0;
	if ((rc = session_refresh(c->ss[adj], &k->e)))
		return fail_e(k, rc);
	c->refreshed[adj] = k->d->gen;
	return 0;
}

/* A change this coder made: others' pages see it on their next poll; this
 * coder's own sessions already know it. */
static void changed(struct call *k, int adj)
{
	k->d->gen++;
	k->who->refreshed[adj] = k->d->gen;
}

/* ------------------------------------------------------------ JSON out */

static cJSON *set_json(const struct codebook *cb, uint64_t set)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < cb->ncats && i < SESSION_MAX_CATS; i++)
		if ((set >> i) & 1)
			cJSON_AddItemToArray(a, cJSON_CreateNumber((double)i));
	return a;
}

static cJSON *progress_json(struct session *ss)
{
	struct session_progress p;
	cJSON *o = cJSON_CreateObject(), *w = cJSON_AddArrayToObject(o, "waves");
	size_t i;

	session_progress(ss, &p);
	cJSON_AddNumberToObject(o, "total", (double)p.total);
	cJSON_AddNumberToObject(o, "done", (double)p.done);
	cJSON_AddNumberToObject(o, "decided", (double)p.decided);
	cJSON_AddNumberToObject(o, "per_minute", p.per_minute);
	cJSON_AddNumberToObject(o, "minutes_left", p.minutes_left);
	for (i = 0; i < p.nwaves; i++) {
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "wave", p.waves[i].wave);
		cJSON_AddNumberToObject(x, "total", (double)p.waves[i].total);
		cJSON_AddNumberToObject(x, "done", (double)p.waves[i].done);
		cJSON_AddItemToArray(w, x);
	}
	return o;
}

/* Back to the start of a UTF-8 character, so no span cuts one in two. */
static size_t char_start(const char *t, size_t i)
{
	while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* The text as [[piece, [category indexes whose evidence covers it]], ...]:
 * the page puts each piece in an element as text, so nothing in an answer
 * is ever read as HTML. */
static cJSON *segments_json(const struct session_answer *a)
{
	cJSON *out = cJSON_CreateArray();
	size_t n = strlen(a->text), nb = 0, i, j;
	size_t *b = malloc((2 * a->nevidence + 2) * sizeof(*b));

	if (!b)
		return out;
	b[nb++] = 0;
	b[nb++] = n;
	for (i = 0; i < a->nevidence; i++) {
		size_t s = a->evidence[i].start, e = a->evidence[i].end;

		b[nb++] = char_start(a->text, s < n ? s : n);
		b[nb++] = char_start(a->text, e < n ? e : n);
	}
	qsort(b, nb, sizeof(*b), cmp_size);
	for (i = 0; i + 1 < nb; i++) {
		size_t s = b[i], e = b[i + 1];
		cJSON *seg, *cats;
		char *piece;

		if (s == e)
			continue;
		seg = cJSON_CreateArray();
		if (!(piece = malloc(e - s + 1)))
			break;
		memcpy(piece, a->text + s, e - s);
		piece[e - s] = '\0';
		cJSON_AddItemToArray(seg, cJSON_CreateString(piece));
		free(piece);
		cats = cJSON_CreateArray();
		for (j = 0; j < a->nevidence; j++)
			if (a->evidence[j].start <= s && a->evidence[j].end >= e)
				cJSON_AddItemToArray(cats, cJSON_CreateNumber((double)a->evidence[j].cat));
		cJSON_AddItemToArray(seg, cats);
		cJSON_AddItemToArray(out, seg);
	}
	free(b);
	return out;
}

static cJSON *answer_json(struct session *ss, const struct session_answer *a)
{
	const struct codebook *cb = session_codebook(ss);
	cJSON *o = cJSON_CreateObject(), *cs, *extra;
	size_t i;

	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "pos", a->pos == (size_t)-1 ? -1.0 : (double)a->pos);
	cJSON_AddNumberToObject(o, "count", (double)session_view_count(ss));
	cJSON_AddStringToObject(o, "respondent", a->respondent);
	cJSON_AddStringToObject(o, "wave", a->wave);
	cJSON_AddStringToObject(o, "role", a->role);
	cJSON_AddStringToObject(o, "place", a->place);
	extra = cJSON_Parse(a->extra ? a->extra : "{}");
	cJSON_AddItemToObject(o, "extra", extra ? extra : cJSON_CreateObject());
	cJSON_AddStringToObject(o, "text", a->text);
	cJSON_AddItemToObject(o, "segments", segments_json(a));
	cJSON_AddItemToObject(o, "suggested", set_json(cb, a->suggested_set));
	cJSON_AddItemToObject(o, "codes", set_json(cb, a->codes_set));
	cJSON_AddItemToObject(o, "start", set_json(cb, a->start_set));
	cJSON_AddBoolToObject(o, "decided", a->decided);
	cJSON_AddStringToObject(o, "note", a->note);
	cJSON_AddStringToObject(o, "version", a->codebook_version);
	cJSON_AddStringToObject(o, "decided_version", a->decided_version);
	cJSON_AddBoolToObject(o, "disputed", a->disputed);
	cJSON_AddBoolToObject(o, "adjudicated", a->adjudicated);
	cJSON_AddBoolToObject(o, "uncertain", a->uncertain);
	cJSON_AddBoolToObject(o, "older", a->older);
	cs = cJSON_AddArrayToObject(o, "coders");
	for (i = 0; i < a->ncoders; i++) {
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "coder", a->coders[i].coder);
		cJSON_AddStringToObject(x, "codes", a->coders[i].codes);
		cJSON_AddStringToObject(x, "at", a->coders[i].decided_at);
		cJSON_AddBoolToObject(x, "final", a->coders[i].final);
		cJSON_AddItemToArray(cs, x);
	}
	return o;
}

static cJSON *codebook_json(struct session *ss)
{
	const struct codebook *cb = session_codebook(ss);
	cJSON *o = cJSON_CreateObject(), *cats = NULL;
	size_t i, j, n = session_ncategories(ss);

	cJSON_AddStringToObject(o, "id", cb->id);
	cJSON_AddStringToObject(o, "version", cb->version ? cb->version : "");
	cJSON_AddStringToObject(o, "title", cb->title ? cb->title : "");
	cats = cJSON_AddArrayToObject(o, "categories");
	for (i = 0; i < n; i++) {
		struct session_category c;
		cJSON *x, *ex;

		if (session_category(ss, i, &c))
			continue;
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", c.id);
		cJSON_AddStringToObject(x, "label", c.label);
		cJSON_AddStringToObject(x, "description", c.description ? c.description : "");
		if (c.net)
			cJSON_AddStringToObject(x, "net", c.net_label ? c.net_label : c.net);
		ex = cJSON_AddArrayToObject(x, "examples");
		for (j = 0; j < c.nexamples && j < 3; j++)
			cJSON_AddItemToArray(ex, cJSON_CreateString(c.examples[j]));
		cJSON_AddBoolToObject(x, "nonsubstantive", c.nonsubstantive);
		cJSON_AddBoolToObject(x, "residual", c.residual);
		cJSON_AddItemToArray(cats, x);
	}
	return o;
}

/* ------------------------------------------------------------ routes */

static int r_session(struct call *k, cJSON **out)
{
	struct session *ss;
	cJSON *o, *names;
	size_t i;
	int rc;

	if ((rc = get_session(k, 0, &ss)))
		return rc;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "coder", k->who->name);
	cJSON_AddStringToObject(o, "question", k->d->question);
	cJSON_AddBoolToObject(o, "sample", session_has_sample(ss));
	cJSON_AddItemToObject(o, "codebook", codebook_json(ss));
	cJSON_AddItemToObject(o, "progress", progress_json(ss));
	cJSON_AddNumberToObject(o, "gen", (double)k->d->gen);
	cJSON_AddNumberToObject(o, "cbgen", (double)k->d->cbgen);
	names = cJSON_AddArrayToObject(o, "coders");
	for (i = 0; i < k->d->nc; i++)
		cJSON_AddItemToArray(names, cJSON_CreateString(k->d->c[i].name));
	*out = o;
	return 0;
}

static const char *const filter_ids[SESSION_FILTER_COUNT] = {
	"all", "todo", "uncertain", "code", "disputed", "older", "noted"
};

static int apply_filter(struct call *k, struct session *ss, const char *f)
{
	size_t i, cat = 0, cur;
	const char *c = k->arg(k->argctx, "cat");
	int rc;

	if (!f)
		return 0;
	for (i = 0; i < SESSION_FILTER_COUNT; i++)
		if (!strcmp(f, filter_ids[i]))
			break;
	if (i == SESSION_FILTER_COUNT)
		return fail(k, KERR_INVALID, "unknown filter '%.40s'", f);
	if (c)
		cat = (size_t)strtoul(c, NULL, 10);
	if (session_get_filter(ss, &cur) == (enum session_filter)i
	    && (i != SESSION_BY_CODE || cur == cat))
		return 0;
	if ((rc = session_set_filter(ss, (enum session_filter)i, cat, &k->e)))
		return fail_e(k, rc);
	return 0;
}

/* order=survey|uncertain: the coder's order from now on (also when the
 * session is opened again). */
static int apply_order(struct call *k, struct session *ss, int adj, const char *name)
{
	enum session_order o;
	int rc;

	if (!name)
		return 0;
	if (session_order_parse(name, &o))
		return fail(k, KERR_INVALID, "unknown order '%.40s' (survey or uncertain)", name);
	if (session_get_order(ss) == o)
		return 0;
	if ((rc = session_set_order(ss, o, &k->e)))
		return fail_e(k, rc);
	k->who->order_set[adj] = 1;
	k->who->order[adj] = (int)o;
	return 0;
}

/* Why the answer comes where it does under the uncertain order: "disagree"
 * (the patterns and the learned model), "unsure" (the model), "uncoded"
 * (no model: the patterns coded nothing), or null. */
static void add_why(cJSON *ans, const struct session *ss)
{
	double p = session_priority(ss, session_pos(ss));
	const char *why = NULL;

	if (session_get_order(ss) == SESSION_ORDER_UNCERTAIN && p >= 0) {
		if (!session_order_model(ss))
			why = p >= 1 ? "uncoded" : NULL;
		else
			why = p > 1 ? "disagree" : p >= 0.5 ? "unsure" : NULL;
		cJSON_AddNumberToObject(ans, "priority", p);
	}
	if (why)
		cJSON_AddStringToObject(ans, "why", why);
	else
		cJSON_AddNullToObject(ans, "why");
}

static int reply_current(struct call *k, struct session *ss, cJSON **out)
{
	struct session_answer a;
	cJSON *o;
	int rc;

	rc = session_current(ss, &a, &k->e);
	if (rc == KERR_NOTFOUND) {
		o = cJSON_CreateObject();
		cJSON_AddNullToObject(o, "answer");
	} else if (rc) {
		return fail_e(k, rc);
	} else {
		cJSON *ans = answer_json(ss, &a);

		o = cJSON_CreateObject();
		if (ans && a.pos != (size_t)-1)
			add_why(ans, ss);
		cJSON_AddItemToObject(o, "answer", ans);
	}
	cJSON_AddStringToObject(o, "order", session_order_name(session_get_order(ss)));
	cJSON_AddBoolToObject(o, "order_model", session_order_model(ss));
	cJSON_AddItemToObject(o, "progress", progress_json(ss));
	cJSON_AddNumberToObject(o, "count", (double)session_view_count(ss));
	cJSON_AddNumberToObject(o, "gen", (double)k->d->gen);
	*out = o;
	return 0;
}

static int r_answer(struct call *k, cJSON **out)
{
	int adj = mode_of(k), rc, how = 0;
	const char *move = k->arg(k->argctx, "move"), *id = k->arg(k->argctx, "id");
	const char *f = k->arg(k->argctx, "filter");
	struct session *ss;

	if ((rc = get_session(k, adj, &ss)))
		return rc;
	if ((f || adj) && (rc = refresh(k, adj)))
		return rc;
	if ((rc = apply_filter(k, ss, f)))
		return rc;
	if ((rc = apply_order(k, ss, adj, k->arg(k->argctx, "order"))))
		return rc;
	if (!move || !strcmp(move, "current"))
		;
	else if (!strcmp(move, "next"))
		session_next(ss);
	else if (!strcmp(move, "prev"))
		session_prev(ss);
	else if (!strcmp(move, "first"))
		session_goto(ss, 0);
	else if (!strcmp(move, "todo"))
		session_advance(ss);
	else if (!strcmp(move, "pos") && id)
		session_goto(ss, (size_t)strtoull(id, NULL, 10));
	else if (!strcmp(move, "id") && id) {
		if ((rc = session_goto_id(ss, strtoll(id, NULL, 10)), rc))
			return fail(k, KERR_NOTFOUND, "that answer is not in this view");
	} else if (!strcmp(move, "search")) {
		const char *q = k->arg(k->argctx, "q");

		if (!q || !*q)
			return fail(k, KERR_INVALID, "search for what?");
		if ((rc = session_search(ss, q, &how, &k->e))) {
			*k->status = 404;
			return fail(k, rc, "no answer in this view matches");
		}
	} else {
		return fail(k, KERR_INVALID, "unknown move '%.20s'", move);
	}
	return reply_current(k, ss, out);
}

static long long id_of(const cJSON *in)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, "id");

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

static const char *str_of(const cJSON *in, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int r_decide(struct call *k, cJSON **out)
{
	int adj = mode_of(k), rc;
	long long id = id_of(k->in);
	const char *codes = str_of(k->in, "codes"), *note = str_of(k->in, "note");
	struct session *ss;
	cJSON *o;

	if (!id || !codes)
		return fail(k, KERR_INVALID, "a decision needs the answer's id and codes");
	if ((rc = get_session(k, adj, &ss)))
		return rc;
	if ((rc = session_decide(ss, id, codes, note, &k->e)))
		return fail_e(k, rc);
	changed(k, adj);
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "saved", 1);
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddNumberToObject(o, "gen", (double)k->d->gen);
	*out = o;
	return 0;
}

static int r_undo(struct call *k, cJSON **out)
{
	int adj = mode_of(k), rc;
	long long id = 0;
	size_t skipped = 0;
	struct session *ss;

	if ((rc = get_session(k, adj, &ss)))
		return rc;
	rc = session_undo(ss, &id, &skipped, &k->e);
	if (rc == KERR_NOTFOUND) {
		*k->status = 409;
		return fail(k, rc, "nothing to undo in this session");
	}
	if (rc)
		return fail_e(k, rc);
	changed(k, adj);
	if ((rc = reply_current(k, ss, out)))
		return rc;
	cJSON_AddNumberToObject(*out, "undone", (double)id);
	cJSON_AddNumberToObject(*out, "skipped", (double)skipped);
	return 0;
}

static int r_note(struct call *k, cJSON **out)
{
	int adj = mode_of(k), rc, saved = 0;
	long long id = id_of(k->in);
	const char *note = str_of(k->in, "note");
	struct session *ss;
	cJSON *o;

	if (!id || !note)
		return fail(k, KERR_INVALID, "a note needs the answer's id and the text");
	if ((rc = get_session(k, adj, &ss)))
		return rc;
	if ((rc = session_note(ss, id, note, &saved, &k->e)))
		return fail_e(k, rc);
	if (saved)
		changed(k, adj);
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "saved", saved);
	*out = o;
	return 0;
}

static int r_find(struct call *k, cJSON **out)
{
	const char *q = k->arg(k->argctx, "q"), *same = k->arg(k->argctx, "same");
	const struct codebook *cb;
	struct session *ss;
	struct session_answer a;
	long long *ids = NULL;
	size_t n = 0, i;
	cJSON *o, *items, *all;
	int rc;

	if ((rc = get_session(k, 0, &ss)))
		return rc;
	if (same)
		rc = session_identical(ss, strtoll(same, NULL, 10), &ids, &n, &k->e);
	else if (q && *q)
		rc = session_search_all(ss, q, &ids, &n, &k->e);
	else
		return fail(k, KERR_INVALID, "find what? give q or same");
	if (rc && rc != KERR_NOTFOUND)
		return fail_e(k, rc);
	cb = session_codebook(ss);
	o = cJSON_CreateObject();
	items = cJSON_AddArrayToObject(o, "items");
	all = cJSON_AddArrayToObject(o, "ids");
	for (i = 0; i < n; i++) {
		cJSON_AddItemToArray(all, cJSON_CreateNumber((double)ids[i]));
		if (i < PREVIEW_MAX && !session_answer(ss, ids[i], &a, NULL)) {
			cJSON *x = cJSON_CreateObject();

			cJSON_AddNumberToObject(x, "id", (double)a.id);
			cJSON_AddStringToObject(x, "respondent", a.respondent);
			cJSON_AddStringToObject(x, "wave", a.wave);
			cJSON_AddStringToObject(x, "text", a.text);
			cJSON_AddItemToObject(x, "codes", set_json(cb,
				a.decided ? a.codes_set : a.suggested_set));
			cJSON_AddBoolToObject(x, "decided", a.decided);
			cJSON_AddItemToArray(items, x);
		}
	}
	cJSON_AddNumberToObject(o, "count", (double)n);
	free(ids);
	*out = o;
	return 0;
}

static int r_bulk(struct call *k, cJSON **out)
{
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(k->in, "ids"), *v;
	const char *codes = str_of(k->in, "codes");
	struct session *ss;
	long long *list;
	size_t n = 0;
	cJSON *o;
	int rc;

	if (!cJSON_IsArray(ids) || !codes || !cJSON_GetArraySize(ids))
		return fail(k, KERR_INVALID, "bulk coding needs ids (a list) and codes");
	if ((rc = get_session(k, 0, &ss)))
		return rc;
	if (!(list = malloc((size_t)cJSON_GetArraySize(ids) * sizeof(*list))))
		return fail(k, KERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(v, ids)
		if (cJSON_IsNumber(v))
			list[n++] = (long long)v->valuedouble;
	rc = session_decide_many(ss, list, n, codes, &k->e);
	free(list);
	if (rc)
		return fail_e(k, rc);
	changed(k, 0);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "decided", (double)n);
	cJSON_AddItemToObject(o, "progress", progress_json(ss));
	*out = o;
	return 0;
}

static int r_category(struct call *k, cJSON **out)
{
	const char *id = str_of(k->in, "id"), *label = str_of(k->in, "label");
	const char *desc = str_of(k->in, "description"), *pattern = str_of(k->in, "pattern");
	struct cbedit_category add = { id, label, desc ? desc : "", pattern };
	struct kerr_list errs = KERR_LIST_INIT;
	struct codebook *cb = NULL;
	struct buf path = BUF_INIT, version = BUF_INIT, note = BUF_INIT;
	char *dbdup = strdup(store_path(k->d->s));
	int rc;

	if (!id || !label || !pattern || !dbdup) {
		free(dbdup);
		return fail(k, KERR_INVALID, "a new category needs an id, a label and a word "
			"or pattern that marks it");
	}
	if ((rc = project_codebook_of(k->d->s, k->d->question, &cb, &errs))) {
		if (errs.n)
			k->e = errs.items[0];
		kerr_list_release(&errs);
		free(dbdup);
		return fail_e(k, rc);
	}
	rc = cbedit_add_category(cb, &add, dirname(dbdup), &path, &version, &k->e);
	if (!rc && (rc = project_set_codebook(k->d->s, k->d->question, path.data, &k->e)))
		unlink(path.data);      /* the project did not move: no half-made version */
	if (!rc) {
		buf_addf(&note, "category %s added in koder serve by %s", id, k->who->name);
		rc = store_add_version(k->d->s, cb->id, version.data, note.data, &k->e);
	}
	codebook_free(cb);
	kerr_list_release(&errs);
	free(dbdup);
	buf_release(&note);
	if (rc) {
		buf_release(&path);
		buf_release(&version);
		if (rc == KERR_SCHEMA || rc == KERR_PATTERN || rc == KERR_INVALID)
			*k->status = 400;
		return fail_e(k, rc);
	}
	/* Every session moves to the new version, reopened when next used.
	 * The caller's is opened at once, while its old one still holds the
	 * answer table, so that the new version's table is derived from it in
	 * memory (session.c's table_derive) instead of every answer being read
	 * from the store again on this thread; if that fails the next request
	 * opens it. */
	{
		struct session *hold = k->who->ss[0], *fresh = NULL;
		struct kerr ignore;

		k->who->ss[0] = NULL;
		close_sessions(k->d);
		if (hold && !session_open(&fresh, k->d->s, k->d->question, k->who->name,
				SESSION_CODE, &ignore)) {
			enum session_order o = k->who->order_set[0]
				? (enum session_order)k->who->order[0] : (enum session_order)k->d->order;

			if (o != SESSION_ORDER_SURVEY && session_set_order(fresh, o, &ignore)) {
				session_close(fresh);
				fresh = NULL;
			}
		}
		session_close(hold);
		k->who->ss[0] = fresh;
	}
	k->d->gen++;
	k->d->cbgen++;
	k->who->refreshed[0] = k->d->gen;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "version", version.data);
	cJSON_AddStringToObject(*out, "file", path.data);
	buf_release(&path);
	buf_release(&version);
	return 0;
}

static int r_disagreements(struct call *k, cJSON **out)
{
	struct session *ss;
	size_t i, n;
	cJSON *o, *items;
	int rc;

	if ((rc = get_session(k, 1, &ss)) || (rc = refresh(k, 1)))
		return rc;
	o = cJSON_CreateObject();
	items = cJSON_AddArrayToObject(o, "items");
	n = session_view_count(ss);
	for (i = 0; i < n && i < LIST_MAX; i++) {
		struct session_answer a;
		cJSON *x, *cs;
		size_t j;

		if (session_answer(ss, session_view_id(ss, i), &a, NULL))
			continue;
		x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "id", (double)a.id);
		cJSON_AddStringToObject(x, "respondent", a.respondent);
		cJSON_AddStringToObject(x, "wave", a.wave);
		cJSON_AddStringToObject(x, "text", a.text);
		cJSON_AddBoolToObject(x, "adjudicated", a.adjudicated);
		cs = cJSON_AddArrayToObject(x, "coders");
		for (j = 0; j < a.ncoders; j++) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "coder", a.coders[j].coder);
			cJSON_AddStringToObject(c, "codes", a.coders[j].codes);
			cJSON_AddBoolToObject(c, "final", a.coders[j].final);
			cJSON_AddItemToArray(cs, c);
		}
		cJSON_AddItemToArray(items, x);
	}
	cJSON_AddNumberToObject(o, "count", (double)n);
	cJSON_AddNumberToObject(o, "gen", (double)k->d->gen);
	*out = o;
	return 0;
}

/* ---------------------------------------------------------------- tally */

/* The tally as the library counts it (session_tally_store: the numbers `koder
 * tally --db` prints), laid out for the page: one column per wave and role
 * that has answers, one row per category or net with X in each column. */
static cJSON *tally_json(const struct tally *t)
{
	cJSON *o = cJSON_CreateObject(), *cols = cJSON_AddArrayToObject(o, "cols");
	cJSON *rows = cJSON_AddArrayToObject(o, "rows");
	const struct tally_cell **cell;
	size_t w, r, k, n = 0;

	if (!(cell = malloc((t->nwaves * t->nroles + 1) * sizeof(*cell)))) {
		cJSON_Delete(o);
		return NULL;
	}
	for (w = 0; w < t->nwaves; w++)
		for (r = 0; r < t->nroles; r++) {
			const struct tally_cell *c = tally_cell(t, 0, w, r);
			cJSON *x;

			if (!c)
				continue;
			cell[n++] = c;
			x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "wave", t->waves[w].name);
			cJSON_AddStringToObject(x, "role", t->roles[r].name);
			cJSON_AddNumberToObject(x, "base", (double)c->base);
			cJSON_AddNumberToObject(x, "answered", (double)c->answered);
			cJSON_AddNumberToObject(x, "reviewed", (double)c->reviewed);
			cJSON_AddNumberToObject(x, "uncoded", (double)c->uncoded);
			cJSON_AddItemToArray(cols, x);
		}
	for (k = 0; k < t->ncats; k++) {
		cJSON *x = cJSON_CreateObject(), *xs = NULL;
		size_t i;

		cJSON_AddStringToObject(x, "id", t->cats[k].id);
		cJSON_AddStringToObject(x, "label", t->cats[k].label);
		cJSON_AddBoolToObject(x, "net", t->cats[k].is_net);
		cJSON_AddBoolToObject(x, "in_net", t->cats[k].net >= 0);
		xs = cJSON_AddArrayToObject(x, "x");
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(xs, cJSON_CreateNumber((double)cell[i]->count[k]));
		cJSON_AddItemToArray(rows, x);
	}
	free(cell);
	return o;
}

static int r_tally(struct call *k, cJSON **out)
{
	struct tally *t = NULL;
	cJSON *o;
	int rc;

	if (k->d->tally && k->d->tally_gen == k->d->gen) {
		*out = cJSON_Duplicate(k->d->tally, 1);
		return *out ? 0 : fail(k, KERR_NOMEM, "out of memory");
	}
	/* Counted from the store, not through the coder's session: the same
	 * for every coder, and a server counting in a thread of its own needs
	 * no coding session there. */
	if ((rc = session_tally_store(k->d->s, k->d->question, &t, &k->e)))
		return fail_e(k, rc);
	o = tally_json(t);
	tally_free(t);
	if (!o)
		return fail(k, KERR_NOMEM, "out of memory");
	cJSON_AddNumberToObject(o, "gen", (double)k->d->gen);
	cJSON_Delete(k->d->tally);
	k->d->tally = o;
	k->d->tally_gen = k->d->gen;
	*out = cJSON_Duplicate(o, 1);
	return *out ? 0 : fail(k, KERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------- samples */

static int sample_row(void *ctx, const struct session_sample_row *r)
{
	cJSON *a = ctx, *x = cJSON_CreateObject();

	cJSON_AddStringToObject(x, "coder", r->coder);
	cJSON_AddNumberToObject(x, "id", (double)r->answer_id);
	cJSON_AddStringToObject(x, "respondent", r->respondent);
	cJSON_AddStringToObject(x, "wave", r->wave);
	cJSON_AddStringToObject(x, "role", r->role);
	cJSON_AddBoolToObject(x, "decided", r->decided);
	cJSON_AddItemToArray(a, x);
	return 0;
}

static int r_samples(struct call *k, cJSON **out)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "items");
	int rc = session_sample_list(k->d->s, k->d->question, NULL, sample_row, a, &k->e);

	if (rc) {
		cJSON_Delete(o);
		return fail_e(k, rc);
	}
	*out = o;
	return 0;
}

/* That coder's view changes: their session reopens with the sample. */
static void sample_changed(struct sdata *d, const char *coder)
{
	size_t i;

	for (i = 0; i < d->nc; i++)
		if (!strcmp(d->c[i].name, coder)) {
			session_close(d->c[i].ss[0]);
			d->c[i].ss[0] = NULL;
		}
	d->gen++;
}

/* Assign by wave, role and a range of positions (1-based, inclusive) in the
 * assigning coder's current view: the page shows that view, so what is
 * assigned is what the coder sees. */
static int assign_by_hand(struct call *k, const char *coder, cJSON **out)
{
	const char *wave = str_of(k->in, "wave"), *role = str_of(k->in, "role");
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(k->in, "from");
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(k->in, "to");
	struct session *ss;
	struct session_brief br;
	size_t i, n = 0, added = 0, lo, hi;
	long long *ids;
	int rc;

	if ((rc = get_session(k, 0, &ss)))
		return rc;
	lo = cJSON_IsNumber(from) && from->valuedouble >= 1 ? (size_t)from->valuedouble : 1;
	hi = cJSON_IsNumber(to) && to->valuedouble >= 1 ? (size_t)to->valuedouble
		: session_view_count(ss);
	if (!(ids = malloc((session_view_count(ss) + 1) * sizeof(*ids))))
		return fail(k, KERR_NOMEM, "out of memory");
	for (i = lo - 1; i < hi && !session_brief(ss, i, &br); i++)
		if ((!wave || !*wave || !strcmp(wave, br.wave))
		    && (!role || !*role || !strcmp(role, br.role)))
			ids[n++] = br.id;
	rc = n ? session_sample_add(k->d->s, coder, ids, n, &added, &k->e) : 0;
	free(ids);
	if (rc)
		return fail_e(k, rc);
	sample_changed(k->d, coder);
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, "assigned", (double)added);
	return 0;
}

static int r_assign(struct call *k, cJSON **out, int remove)
{
	const char *coder = str_of(k->in, "coder");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(k->in, "n");
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(k->in, "seed");
	size_t done = 0;
	int rc;

	if (!coder || !*coder)
		return fail(k, KERR_INVALID, "which coder?");
	if (!remove && !cJSON_IsNumber(n))
		return assign_by_hand(k, coder, out);
	if (remove)
		rc = session_sample_remove(k->d->s, k->d->question, coder, &done, &k->e);
	else if (n->valuedouble < 1)
		return fail(k, KERR_INVALID, "how many answers? give n >= 1");
	else
		rc = session_sample_assign(k->d->s, k->d->question, coder, (size_t)n->valuedouble,
			cJSON_IsNumber(seed) ? (unsigned long long)seed->valuedouble : 1ULL, &done,
			&k->e);
	if (rc)
		return fail_e(k, rc);
	sample_changed(k->d, coder);
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, remove ? "removed" : "assigned", (double)done);
	return 0;
}

static int r_changes(struct call *k, cJSON **out)
{
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, "gen", (double)k->d->gen);
	cJSON_AddNumberToObject(*out, "cbgen", (double)k->d->cbgen);
	return 0;
}

int sdata_api(struct sdata *d, const char *coder, int post, const char *route,
	sdata_arg_fn arg, void *argctx, cJSON *in, cJSON **out, unsigned *status, char *msg,
	size_t msgsize)
{
	struct call k;

	memset(&k, 0, sizeof k);
	k.d = d;
	k.arg = arg;
	k.argctx = argctx;
	k.in = in;
	k.status = status;
	k.msg = msg;
	k.msgsize = msgsize;
	kerr_clear(&k.e);
	*out = NULL;
	if (!(k.who = coder_of(d, coder)))
		return fail(&k, KERR_NOMEM, "out of memory");
	if (!post) {
		if (!strcmp(route, "/session"))
			return r_session(&k, out);
		if (!strcmp(route, "/answer"))
			return r_answer(&k, out);
		if (!strcmp(route, "/find"))
			return r_find(&k, out);
		if (!strcmp(route, "/disagreements"))
			return r_disagreements(&k, out);
		if (!strcmp(route, "/tally"))
			return r_tally(&k, out);
		if (!strcmp(route, "/samples"))
			return r_samples(&k, out);
		if (!strcmp(route, "/changes"))
			return r_changes(&k, out);
	} else {
		if (!strcmp(route, "/decision"))
			return r_decide(&k, out);
		if (!strcmp(route, "/undo"))
			return r_undo(&k, out);
		if (!strcmp(route, "/note"))
			return r_note(&k, out);
		if (!strcmp(route, "/bulk"))
			return r_bulk(&k, out);
		if (!strcmp(route, "/category"))
			return r_category(&k, out);
		if (!strcmp(route, "/assign"))
			return r_assign(&k, out, 0);
		if (!strcmp(route, "/unassign"))
			return r_assign(&k, out, 1);
	}
	return KERR_NOTFOUND;
}
