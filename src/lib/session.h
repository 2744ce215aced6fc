/*
 * session.h - the review session: one coder working through the answers of
 * one question in a project store, whatever draws it (the terminal UI in
 * src/cli/review.c, the browser page of `koder serve`).
 *
 * A session owns the coder's view of the work: the answers (in survey
 * order) with their suggestions and the coder's current decisions, a
 * filtered view over them with a position, progress per wave and pace, the
 * coder's notes, and the undo history of THIS session (decisions made in
 * another window or by an import are never undone from here).  It never
 * prints and never touches a terminal; every failure is a kerr code with
 * `e` filled (e may be NULL).
 *
 * Durability: session_decide and friends return only after the decision
 * is committed to disk (store_add_decision, WAL + synchronous=FULL),
 * unless the caller deferred the sync on the store (store_defer_sync, as
 * koder serve does to sync many coders' decisions at once): then it is
 * durable after the caller's next store_sync.
 *
 * Liveness: answers, text, suggestions and dispute flags are loaded once
 * by session_open, into a table shared by every session open on the same
 * store handle, question and codebook version (built by the first, freed
 * with the last; rebuilt when the question's answer count changed), so a
 * server with twenty coders holds the answers once.  The sessions keep the
 * table's dispute flags current as they decide; when the store holds
 * decisions they did not write (another store handle: a terminal review,
 * an import, another server), the next session_open or session_refresh
 * reads every coder's decisions again.  So opening a session, or
 * refreshing one, costs this coder's own decisions on a big project, not
 * every coder's, unless someone decided elsewhere.
 * Every coder's decisions on an answer are read fresh by session_current
 * and session_answer (with its evidence: two indexed queries), which also
 * bring this coder's own state of that answer up to date (decided in
 * another window meanwhile); session_refresh brings the rest up to date
 * (disagreements, the answers in adjudication, decisions this coder made
 * in another session) for the filters and progress; a front end calls it
 * now and then (the terminal every couple of seconds, a server before
 * listing).
 *
 * Notes: a decision carries the coder's note.  The note of the coder's
 * current decision is shown again when the answer is revisited and is kept
 * on a new decision unless it is edited (session_decide with note NULL).
 * A note set on an answer not yet decided waits in the session and goes in
 * with the decision.  Notes are searched and can be filtered on.
 *
 * Codes are given and returned as ';'-joined category ids in codebook order
 * ("tid_sagsantal;rettidighed"; "ingen_svar" for no substantive answer),
 * and also as bit sets over the codebook's categories (bit i = category i,
 * at most SESSION_MAX_CATS), which is what a terminal toggles.
 *
 * Adjudication (SESSION_ADJUDICATE): the view holds the answers coders
 * disagree on (and those already adjudicated); nothing is ticked at the
 * start of an answer (session_answer's `start_set` is 0), every coder's
 * codes are in `coders`, and a decision is final (tally counts it).
 *
 * Samples: a coder with a double-coding sample assigned on the question
 * sees only those answers in SESSION_CODE.  The session_sample_* functions
 * work on the store alone and need no open session.
 *
 * Threads: a session, and the store under it, is used by one thread at a
 * time; a server gives each coder's session a turn under one lock or its
 * own store handle (store_open on the same file).  The shared tables are
 * found under a lock of their own, so sessions on different handles may
 * open and close in different threads.
 *
 * Ownership: session_open borrows the store (it must outlive the session)
 * and copies the question and coder; the session is freed with
 * session_close.  Strings and arrays in structs a getter fills are owned by
 * the session and valid until the next call that changes the session
 * (decide, undo, note, refresh, filter, another getter of the same kind),
 * unless the function says the caller releases them.
 */
#ifndef KODER_SESSION_H
#define KODER_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct codebook;
struct kerr;
struct store;
struct session;

#define SESSION_MAX_CATS 64

enum session_mode {
	SESSION_CODE,       /* code answers (the coder's sample only, if one is assigned) */
	SESSION_ADJUDICATE  /* the answers coders disagree on; decisions are final */
};

enum session_filter {
	SESSION_ALL,
	SESSION_UNREVIEWED,  /* the coder has no current decision */
	SESSION_UNCERTAIN,   /* the engine suggested nothing, or only the residual */
	SESSION_BY_CODE,     /* the engine suggested the filter's category */
	SESSION_DISPUTED,    /* coders' current decisions differ, nobody adjudicated */
	SESSION_OLDER,       /* decided by this coder under an older codebook version */
	SESSION_NOTED,       /* the coder's decision (or pending note) has a note */
	SESSION_FILTER_COUNT
};

/* Open a session on `question` for `coder`.  Loads the question's codebook
 * (project_codebook_of) and every answer; the position is the first answer
 * in survey order the coder has not decided (resume where left off), or
 * the first.  KERR_LIMIT when the codebook has more than SESSION_MAX_CATS
 * categories.  *out is the caller's (session_close). */
int session_open(struct session **out, struct store *s, const char *question,
	const char *coder, enum session_mode mode, struct kerr *e);
void session_close(struct session *ss);

/* Borrowed, for the life of the session. */
const char *session_question(const struct session *ss);
const char *session_coder(const struct session *ss);
enum session_mode session_mode(const struct session *ss);
const struct codebook *session_codebook(const struct session *ss);
/* 1 when the coder has a double-coding sample on this question. */
int session_has_sample(const struct session *ss);

/* ------------------------------------------------------------ categories */

struct session_category {
	size_t index;             /* bit in code sets; number shown is index + 1 */
	const char *id, *label, *description;   /* description "" when none */
	const char *net, *net_label;             /* NULL when in no net */
	const char *const *examples;             /* answers that get this category */
	size_t nexamples;
	int nonsubstantive;       /* ingen_svar */
	int residual;             /* andet */
};
size_t session_ncategories(const struct session *ss);
/* Category i (0 <= i < session_ncategories); strings borrowed from the
 * codebook.  KERR_NOTFOUND when out of range. */
int session_category(const struct session *ss, size_t i, struct session_category *out);

/* Code sets <-> ';'-joined ids.  session_codes_set takes ids as
 * project_canon_codes does (';' ',' '|' or spaces between): an unknown id
 * is KERR_NOTFOUND (path = the id); ingen_svar with another category is
 * KERR_SCHEMA; "" or NULL is the empty set.
 * session_set_codes appends to `out` (caller owns it). */
int session_codes_set(const struct session *ss, const char *codes, uint64_t *set,
	struct kerr *e);
int session_set_codes(const struct session *ss, uint64_t set, struct buf *out);

/* --------------------------------------------------------------- answers */

struct session_span {
	size_t start, end;        /* byte offsets in the original text */
	size_t cat;               /* category index */
};

/* One coder's current decision on the answer. */
struct session_coder_codes {
	const char *coder;
	const char *codes;
	const char *decided_at;   /* UTC ISO-8601 */
	const char *codebook_version;
	const char *note;         /* "" when none */
	int final;                /* an adjudication */
};

struct session_answer {
	long long id;             /* answer_id in the store */
	size_t pos;               /* position in the current view, or (size_t)-1 */
	const char *respondent, *wave, *role;
	const char *place;        /* the first other column, "Kommune: Vejle"; "" none */
	const char *extra;        /* the other columns as a JSON object; "{}" none */
	const char *text;         /* as the respondent wrote it */
	const char *suggested;    /* the engine's codes; "" none */
	uint64_t suggested_set;
	struct session_span *evidence;   /* why it suggested them, sorted by start */
	size_t nevidence;
	int decided;              /* this coder has a current decision (adjudicating:
	                             a final one) */
	const char *codes;        /* the coder's current codes; "" when undecided */
	uint64_t codes_set;
	const char *decided_version; /* codebook version of that decision; "" none */
	const char *note;         /* the coder's note: pending, else the decision's; "" none */
	uint64_t start_set;       /* what a front end ticks on arrival: the codes
	                             when decided, else the suggestion (adjudicating:
	                             nothing) */
	struct session_coder_codes *coders;  /* every coder's current decision,
	                                        this coder included, by name */
	size_t ncoders;
	const char *codebook_version;  /* the version decisions are made under now */
	int disputed;             /* coders differ and nobody adjudicated */
	int adjudicated;
	int uncertain;
	int older;                /* decided under an older codebook version */
};

/* The answer at the current position (KERR_NOTFOUND when the view is
 * empty), or answer `id` (it need not be in the view; KERR_NOTFOUND when
 * the session does not hold it).  Reads the evidence and every coder's
 * decision from the store now.  The struct's strings and arrays are the
 * session's, valid until the next session_current / session_answer, and
 * `note` until the answer's next decision or note. */
int session_current(struct session *ss, struct session_answer *out, struct kerr *e);
int session_answer(struct session *ss, long long id, struct session_answer *out,
	struct kerr *e);

/* A line of a list of answers, from memory (no query): for a page that
 * lists the view.  Strings are the session's, valid until session_refresh
 * or session_close (`note` until the answer's next decision or note). */
struct session_brief {
	long long id;
	const char *respondent, *wave, *role, *text;
	uint64_t suggested_set;
	int decided;
	uint64_t codes_set;       /* the coder's codes; 0 when undecided */
	const char *note;         /* "" when none */
	int disputed, adjudicated, uncertain, older;
};
/* The answer at view position `pos`; KERR_NOTFOUND past the end. */
int session_brief(const struct session *ss, size_t pos, struct session_brief *out);

/* ------------------------------------------------------------ navigation */

size_t session_count(const struct session *ss);      /* answers held */
size_t session_view_count(const struct session *ss); /* answers in the view */
size_t session_pos(const struct session *ss);        /* 0-based; 0 when empty */
/* Answer id at view position `pos` (0 when out of range). */
long long session_view_id(const struct session *ss, size_t pos);
/* Move.  next/prev stop at the ends (return 0 when they moved, 1 when at
 * the end already); goto clamps; session_goto_id makes answer `id` current
 * (KERR_NOTFOUND when it is not in the view). */
int session_next(struct session *ss);
int session_prev(struct session *ss);
void session_goto(struct session *ss, size_t pos);
int session_goto_id(struct session *ss, long long id);
/* After a decision: the next answer in the view the coder has not decided
 * (wrapping), else simply the next one.  Returns 1 when it stayed because
 * every answer in the view is decided and this is the last one, else 0. */
int session_advance(struct session *ss);

/* Filter the view; `cat` is the category index for SESSION_BY_CODE.  The
 * current answer stays current when the new view holds it; with
 * SESSION_UNREVIEWED the position moves to the first answer to do. */
int session_set_filter(struct session *ss, enum session_filter f, size_t cat,
	struct kerr *e);
enum session_filter session_get_filter(const struct session *ss, size_t *cat);
/* A short English name of a filter ("not reviewed"). */
const char *session_filter_name(enum session_filter f);

/*
 * The order of the view.  SESSION_ORDER_SURVEY: survey order.
 * SESSION_ORDER_UNCERTAIN: the answers a decision teaches most from first,
 * "so that each decision teaches the most": every answer is coded again by
 * the codebook's patterns alone and scored by its learned model (the
 * codebook's "model"); answers where the two disagree on a category come
 * first (the further apart, the sooner), then those the model is least
 * sure of (a probability nearest 0.5), then the rest; ties in survey
 * order.  Without a model, the answers the patterns left uncoded (or only
 * residual) come first.  Filters still apply; the position moves to the
 * first answer in the new order the coder has not decided.  Ordering by
 * uncertainty codes every answer once (about as long as 'koder code' on
 * them); the order then stays until the answers are read again.
 */
enum session_order {
	SESSION_ORDER_SURVEY,
	SESSION_ORDER_UNCERTAIN,
	SESSION_ORDER_COUNT
};
int session_set_order(struct session *ss, enum session_order o, struct kerr *e);
enum session_order session_get_order(const struct session *ss);
/* "survey", "uncertain"; session_order_parse takes the same names
 * (KERR_NOTFOUND for another). */
const char *session_order_name(enum session_order o);
int session_order_parse(const char *name, enum session_order *o);
/* 1 when the uncertain order is in force and a learned model made it. */
int session_order_model(const struct session *ss);
/* The priority of the answer at view position `pos` under the uncertain
 * order: 1.5-2 the patterns and the model disagree, 0-1 how unsure the
 * model is (without a model: 1 uncoded, 0 coded); -1 when the answers were
 * never ordered by uncertainty. */
double session_priority(const struct session *ss, size_t pos);

/* Search the view after the current answer (wrapping) for a respondent id
 * (exactly, any case) or text in the answer or the coder's note (case and
 * æ/ae ø/oe å/aa insensitive).  Moves there and returns 0, with *how = 1
 * for a respondent match, 2 when the only match is the current answer;
 * KERR_NOTFOUND when no answer matches. */
int session_search(struct session *ss, const char *needle, int *how, struct kerr *e);
/* Every answer in the view matching `needle` as session_search does, for
 * coding them at once: *ids (caller frees) gets *n ids in view order. */
int session_search_all(struct session *ss, const char *needle, long long **ids, size_t *n,
	struct kerr *e);

/* Every answer in the view whose text is the same as answer `id`'s (case,
 * white space and æ/ae ø/oe å/aa aside), `id` itself included, in view
 * order, for coding identical answers at once: *ids (caller frees). */
int session_identical(struct session *ss, long long id, long long **ids, size_t *n,
	struct kerr *e);

/* -------------------------------------------------------------- deciding */

/*
 * Decide answer `id` (0 = the current one): `codes` as ids (session_decide)
 * or a set (session_decide_set), not empty; `note` NULL keeps the coder's
 * note on the answer (pending, else the current decision's), "" removes it,
 * else it replaces it.  Committed before returning; one undo step.  The
 * position does not move (session_advance does).  KERR_INVALID for an
 * empty set or an answer the session does not hold.
 */
int session_decide(struct session *ss, long long id, const char *codes, const char *note,
	struct kerr *e);
int session_decide_set(struct session *ss, long long id, uint64_t set, const char *note,
	struct kerr *e);
/* The same codes for `n` answers in one transaction (all or none), one undo
 * step.  Notes are kept as session_decide with note NULL does. */
int session_decide_many(struct session *ss, const long long *ids, size_t n,
	const char *codes, struct kerr *e);

/*
 * Undo this session's latest step (one decision, or one decide_many),
 * newest first.  Each decision is undone only while it is still the
 * coder's current decision on its answer; one the coder has since replaced
 * (in another window, by an import) is left alone.  *id (may be NULL) gets
 * an answer the step concerned, which becomes current when in the view;
 * *skipped (may be NULL) how many of the step's decisions were left alone.
 * KERR_NOTFOUND when this session has nothing left to undo.
 */
int session_undo(struct session *ss, long long *id, size_t *skipped, struct kerr *e);

/* Set the coder's note on answer `id` (0 = current).  On a decided answer
 * the note is saved at once with a new decision of the same codes; on an
 * undecided one it waits for the decision.  "" removes it.  *saved (may be
 * NULL) is 1 when a decision was written. */
int session_note(struct session *ss, long long id, const char *note, int *saved,
	struct kerr *e);

/* Bring the session up to date with every coder's current decisions:
 * disagreements, adjudications and this coder's decisions made in another
 * session.  The view is rebuilt keeping the current answer when it still
 * matches.  Coding, the answers held stay (a sample assigned or removed
 * meanwhile shows at the next open) and only the answers decided through
 * another session since are read; adjudicating, the answers in dispute
 * are taken from the shared table again with this coder's own decisions
 * (a few milliseconds per 100,000 answers).  Decisions made through
 * another store handle make it read every coder's decisions (about a
 * second per 200,000 decisions). */
int session_refresh(struct session *ss, struct kerr *e);

/* -------------------------------------------------------------- progress */

struct session_wave {
	const char *wave;
	size_t total, done;
};

struct session_progress {
	size_t total, done;       /* answers held / decided by this coder */
	size_t decided;           /* decisions this session made (bulk counts each) */
	double minutes;           /* since session_open */
	double per_minute;        /* pace; 0 until there is enough to tell */
	double minutes_left;      /* at that pace; 0 when unknown or done */
	const struct session_wave *waves;   /* in first-seen order (session's) */
	size_t nwaves;
};
void session_progress(const struct session *ss, struct session_progress *out);

/* ------------------------------------------------------------------ JSON */

/*
 * The same as JSON, for a browser or a binding: appended to `out` (caller
 * owns it).  Code sets are arrays of category ids (64-bit sets do not fit
 * a JavaScript number); evidence spans carry byte offsets ("start", "end")
 * and UTF-16 offsets ("start16", "end16", what JavaScript's String.slice
 * takes); "extra" is the answer's other columns as an object.  Strings are
 * JSON-escaped, not HTML-escaped: a page inserts them as text.
 *
 *   answer:     {"id","pos"(-1 outside the view),"respondent","wave","role",
 *                "place","extra":{},"text","suggested":[],"evidence":[{"start",
 *                "end","start16","end16","category"}],"decided","codes":[],
 *                "decided_version","note","start":[],"coders":[{"coder",
 *                "codes":[],"decided_at","codebook_version","note","final"}],
 *                "codebook_version","disputed","adjudicated","uncertain","older"}
 *   categories: [{"index","number","id","label","description","net",
 *                "net_label","examples":[],"nonsubstantive","residual"}]
 *   progress:   {"total","done","decided","minutes","per_minute",
 *                "minutes_left","waves":[{"wave","total","done"}]}
 */
int session_answer_json(const struct session *ss, const struct session_answer *a,
	struct buf *out, struct kerr *e);
int session_categories_json(const struct session *ss, struct buf *out, struct kerr *e);
int session_progress_json(const struct session *ss, struct buf *out, struct kerr *e);

/* ---------------------------------------------------------------- samples */

/*
 * Assign `n` answers of `question` to `coder` for double coding: a random
 * sample drawn with `seed`, stratified by wave x role (each stratum gets its
 * share of n, largest remainders first), from answers the coder has not
 * coded.  The same seed on the same answers gives the same sample.  Answers
 * already assigned stay assigned.  *assigned gets how many were added.
 */
int session_sample_assign(struct store *s, const char *question, const char *coder,
	size_t n, unsigned long long seed, size_t *assigned, struct kerr *e);

struct session_sample_row {
	long long answer_id;
	const char *coder, *respondent, *wave, *role;
	const char *assigned_at;
	long long seed;
	int decided;              /* that coder has a current decision on it */
};
/* The samples on `question` (NULL = all), of `coder` (NULL = every coder),
 * by coder then survey order.  The row's strings are borrowed for the
 * call. */
int session_sample_list(struct store *s, const char *question, const char *coder,
	int (*cb)(void *ctx, const struct session_sample_row *r), void *ctx, struct kerr *e);
/* Assign the answers `ids` to `coder` by hand (by wave, role, range: the
 * caller picks them), in one transaction; ones already assigned stay.
 * *added gets how many were new.  KERR_NOTFOUND names an id not stored. */
int session_sample_add(struct store *s, const char *coder, const long long *ids,
	size_t n, size_t *added, struct kerr *e);
/* Remove `coder`'s sample on `question` (decisions made on it stay);
 * *removed gets how many assignments went.  KERR_NOTFOUND when the coder
 * has none there. */
int session_sample_remove(struct store *s, const char *question, const char *coder,
	size_t *removed, struct kerr *e);
/* Give `from`'s sample on `question` to `to` (answers `to` already decided
 * or already has are dropped from it, since double coding needs a second
 * look); *moved gets how many `to` received.  KERR_NOTFOUND when `from` has
 * none there; KERR_INVALID when from = to. */
int session_sample_reassign(struct store *s, const char *question, const char *from,
	const char *to, size_t *moved, struct kerr *e);

/* ------------------------------------------------------------------ tally */

struct tally;
/*
 * The live tally of `question` in store `s` (borrowed), "Anført af X ud af
 * Y" per wave and role with nets, under the question's current codebook in
 * the project, counted by the tally module (tally.h) from the store's final
 * codes as `koder tally --db` counts them: a coder's current decision (an
 * adjudication first, then the first coder's), else the engine's stored
 * suggestion; ingen_svar answers are outside Y.  The store holds no blank
 * answers, so a cell's respondents are its answered ones.  Waves and roles
 * in the order the store's answers first name them; "" is "(alle)".  It
 * needs no session, so a thread with a store handle of its own can count
 * it (koder serve does, so the coders' requests never wait for it).  *out
 * is the caller's (tally_free).
 */
int session_tally_store(struct store *s, const char *question, struct tally **out,
	struct kerr *e);

#endif
