/*
 * store.h - the project store: one SQLite file per project holding the
 * answers, the engine's suggestions and every coder's decisions.
 *
 * Why SQLite: coders stop and resume at will, several share a project at the
 * same time, and a crash (kill -9, closed terminal, power cut) must lose no
 * decision that was shown as saved.  The store runs in WAL mode with
 * synchronous=FULL, so store_add_decision returns only after the decision is
 * on disk; a busy timeout lets two coders write at once (each write waits
 * for the other's short transaction instead of failing).  The file is
 * created readable by its owner only (0600): it holds respondents' answers.
 *
 * Schema (PRAGMA user_version = STORE_SCHEMA_VERSION; application_id 'KODR'):
 *
 *   meta(key PRIMARY KEY, value)         project settings, e.g. "corpus" =
 *                                        the descriptor the answers came from
 *   answers(answer_id INTEGER PRIMARY KEY,
 *           question,     corpus question id ("barrierer") or the codebook id
 *           codebook_id,  the codebook the question is coded with
 *           wave, role,   names after grouping ("Midtvejs", "Leder"); "" unknown
 *           respondent,   respondent id as in the survey ("M0042")
 *           text,         the respondent's original answer, unrepaired
 *           extra,        JSON object of other columns ({"Kommune":"Vejle"})
 *           seq,          order in the survey file (review order)
 *           UNIQUE(question, wave, respondent))
 *   suggestions(answer_id, codebook_id, codebook_version,
 *           codes,        ';'-joined category ids the rules suggest ("" none)
 *           evidence,     JSON array [{"cat":"tid","start":4,"end":11},...]
 *                         byte spans in the ORIGINAL text
 *           created,      UTC ISO-8601 with milliseconds
 *           PRIMARY KEY(answer_id, codebook_id, codebook_version))
 *   decisions(decision_id INTEGER PRIMARY KEY AUTOINCREMENT,  -- append-only
 *           answer_id, coder, decided_at (UTC "2026-11-24T13:05:09.123Z"),
 *           codebook_id, codebook_version,
 *           codes,        ';'-joined ids; "ingen_svar" = non-substantive;
 *                         NULL = "no decision" (an undo back to nothing)
 *           suggested,    the suggestion this decision confirmed or overrode
 *           action,       confirm|override|import|adjudicate|migrate|undo
 *           final,        1 if this row is an adjudicated final decision
 *           note)
 *   samples(answer_id, coder, seed, assigned_at, PRIMARY KEY(answer_id, coder))
 *                         answers assigned to a coder for double coding
 *   versions(codebook_id, version, recorded_at, note,
 *           PRIMARY KEY(codebook_id, version))   codebook versions in use
 *
 * Rules the store keeps (nothing is ever updated or deleted in decisions):
 *  - A coder's current decision on an answer is that coder's row with the
 *    highest decision_id on it; if its codes are NULL the coder has none.
 *  - Undo appends an 'undo' row that restores the coder's state before the
 *    undone row (its codes and final flag, or NULL); repeated undo walks
 *    further back.
 *  - The final code of an answer is, in order: the latest current decision
 *    with final = 1 (an adjudication); else the current decision of the
 *    answer's primary coder, i.e. the coder who decided it first (double
 *    coders of a reliability sample come later, so the original coding
 *    stands until someone adjudicates); else none, and the caller falls back
 *    to the suggestion.  `disputed` says when coders' current decisions
 *    differ and nobody adjudicated.
 *
 * Ownership: store_open returns a handle the caller frees with store_close.
 * Structs passed in are only read (strings copied into the database).
 * Iteration callbacks get borrowed structs whose strings are valid only
 * during the call.  store_get_answer / store_latest fill structs whose
 * strings the caller frees with store_answer_release /
 * store_decision_release.  Every function returns 0 or a kerr code and fills
 * `e` (which may be NULL); a callback's non-zero return stops an iteration
 * and is returned as is.
 */
#ifndef KODER_STORE_H
#define KODER_STORE_H

#include <stddef.h>

struct kerr;
struct buf;
struct store;

#define STORE_SCHEMA_VERSION 1

enum store_flags {
	STORE_CREATE = 1,  /* create the file (0600) and schema if missing */
	STORE_READONLY = 2 /* the command only reads: a store this user cannot
			    * write (0400, a read-only directory) is opened
			    * read-only, leaving no side files (see store_open) */
};

struct store_answer {
	long long id;             /* answer_id; ignored by store_add_answer */
	const char *question;
	const char *codebook_id;
	const char *wave;         /* NULL is stored as "" */
	const char *role;         /* NULL is stored as "" */
	const char *respondent;
	const char *text;
	const char *extra;        /* JSON object or NULL */
	long long seq;
};

struct store_suggestion {
	long long answer_id;
	const char *codebook_id;
	const char *codebook_version;
	const char *codes;        /* "" = the rules found nothing */
	const char *evidence;     /* JSON or NULL */
	const char *created;      /* output only */
};

struct store_decision {
	long long id;             /* decision_id; output only */
	long long answer_id;
	const char *coder;
	const char *decided_at;   /* output only (store_add_decision sets now) */
	const char *codebook_id;
	const char *codebook_version;
	const char *codes;        /* NULL only in undo rows */
	const char *suggested;    /* may be NULL */
	const char *action;       /* "confirm", "override", ... */
	const char *note;         /* may be NULL */
	int final;                /* 1 for an adjudication */
};

/* One answer with its final code, for tally and export. */
struct store_final {
	const struct store_answer *answer;
	const char *codes;        /* final codes, NULL when nobody decided */
	const char *coder;        /* whose decision it is, NULL when none */
	const char *codebook_version; /* of that decision, NULL when none */
	const char *suggested;    /* latest suggestion's codes, NULL when none */
	int ncoders;              /* coders with a current decision (not adjudicators) */
	int adjudicated;          /* codes come from an adjudication */
	int disputed;             /* coders differ and nobody adjudicated */
};

/* Open (and with STORE_CREATE create) the store at `path`.  Refuses a file
 * that is not a koder store or was written by a newer koder (KERR_STORE);
 * a missing or empty file without STORE_CREATE is KERR_NOTFOUND (with it,
 * an empty file becomes a store and is made 0600).  With STORE_READONLY a
 * store this user cannot write, or cannot create files beside, is read
 * through SQLite's read-only `immutable` mode when no -wal file holds
 * unfinished changes; with such changes but no -shm file it is KERR_STORE
 * (SQLite would have to create one).  A writable store is opened read-write
 * even then, so SQLite removes its -wal and -shm on close.  *out is owned
 * by the caller (store_close). */
int store_open(struct store **out, const char *path, int flags, struct kerr *e);

/*
 * A new store without a window in which another run can lose its work:
 * store_create builds it in a temp file beside `path` (0600, named
 * .NAME.koder-XXXXXX), the caller fills it (answers, suggestions), and
 * store_publish gives it the name `path` with link(2), which never replaces
 * a file: when another run created `path` meanwhile, *raced is 1 and what
 * this run built (answers, suggestions, meta, versions) is added to that
 * store in one transaction, keeping everything already there (an answer
 * both runs hold stays as the other run stored it).  Until published the
 * store is this run's alone, so a failure (a survey that cannot be read)
 * needs no clean-up beyond store_close, which removes the temp file, and
 * never touches `path`.  store_publish closes the temp handle, removes the
 * temp file and opens the store at `path` into *sp.  Returns 0 or a kerr
 * code (*sp is then NULL).
 */
int store_create(struct store **out, const char *path, struct kerr *e);
int store_publish(struct store **sp, int *raced, struct kerr *e);

void store_close(struct store *s);
/* The path given to store_open (borrowed). */
const char *store_path(const struct store *s);

/* Group many writes into one transaction (imports: all or nothing).  begin
 * takes the write lock at once (waiting up to the busy timeout).  Not nested. */
int store_begin(struct store *s, struct kerr *e);
int store_commit(struct store *s, struct kerr *e);
void store_rollback(struct store *s);
/* 1 while a store_begin transaction is open. */
int store_in_tx(const struct store *s);

/*
 * Group commit for a server (koder serve): after store_defer_sync, a
 * commit on `s` returns once the operating system has it (other
 * connections see it at once; a killed process loses nothing) but before
 * the disk does; store_sync makes every commit `s` made before it durable
 * (one fdatasync for all of them).  A server acknowledges a write only
 * after a store_sync that began after its commit, so twenty coders saving
 * at once share one disk sync and nobody waits for a sync to read.
 * Checkpoints no longer run on `s`: store_checkpoint runs one (syncing as
 * SQLite always does) once min_bytes more have gone into the -wal file
 * since the last one (or since SQLite started the file over).  With
 * wal_bytes > 0 the -wal file is laid out to that size at once (zeros that
 * SQLite ignores), so that a sync rewrites blocks the file has rather
 * than growing it: give it a little more than the checkpoints' min_bytes.
 *
 * Threads: store_sync and store_checkpoint touch only what store_defer_sync
 * opened for them (a descriptor of the -wal file, a connection of their
 * own), so while one thread uses `s`, one other thread may call
 * store_sync and one (the same or a third) store_checkpoint, at the same
 * time; nothing else about `s` becomes thread-safe.  store_close ends the
 * deferral (after those threads are done) and folds the -wal file in,
 * synced.
 */
int store_defer_sync(struct store *s, long long wal_bytes, struct kerr *e);
int store_sync(struct store *s, struct kerr *e);
int store_checkpoint(struct store *s, long long min_bytes, struct kerr *e);

/* meta: value copied into `out` (appended; caller owns out); KERR_NOTFOUND
 * when unset.  set replaces. */
int store_meta_get(struct store *s, const char *key, struct buf *out, struct kerr *e);
int store_meta_set(struct store *s, const char *key, const char *value, struct kerr *e);

/* Add an answer, or update text/extra/role/seq/codebook of the one already
 * stored under (question, wave, respondent).  *id (may be NULL) gets its id;
 * *added (may be NULL) is 1 if it was new. */
int store_add_answer(struct store *s, const struct store_answer *a, long long *id,
	int *added, struct kerr *e);
/* Find an answer by question and respondent; wave NULL means any wave
 * (KERR_INVALID if the respondent answered in several).  KERR_NOTFOUND when
 * absent. */
int store_find_answer(struct store *s, const char *question, const char *wave,
	const char *respondent, long long *id, struct kerr *e);
/* Fill `out` with answer `id` (caller releases with store_answer_release). */
int store_get_answer(struct store *s, long long id, struct store_answer *out, struct kerr *e);
void store_answer_release(struct store_answer *a);
/* Answers of `question` (NULL = all) in survey order. */
int store_each_answer(struct store *s, const char *question,
	int (*cb)(void *ctx, const struct store_answer *a), void *ctx, struct kerr *e);
/* Number of answers of `question` (NULL = all). */
int store_count_answers(struct store *s, const char *question, size_t *n, struct kerr *e);
/* Distinct questions stored, in first-seen order. */
int store_each_question(struct store *s,
	int (*cb)(void *ctx, const char *question, const char *codebook_id), void *ctx,
	struct kerr *e);

/* Record (or replace) the suggestion for an answer under one codebook
 * version. */
int store_add_suggestion(struct store *s, const struct store_suggestion *g, struct kerr *e);
/* The latest suggestion for an answer: calls cb once, or returns
 * KERR_NOTFOUND. */
int store_get_suggestion(struct store *s, long long answer_id,
	int (*cb)(void *ctx, const struct store_suggestion *g), void *ctx, struct kerr *e);

/* Append a decision (decided_at = now) and, outside store_begin, commit it
 * before returning.  *id (may be NULL) gets its decision_id. */
int store_add_decision(struct store *s, const struct store_decision *d, long long *id,
	struct kerr *e);
/* Undo `coder`'s latest not-yet-undone decision (on any answer): appends an
 * 'undo' row.  *answer_id (may be NULL) gets the answer it concerned.
 * KERR_NOTFOUND when there is nothing to undo. */
int store_undo(struct store *s, const char *coder, long long *answer_id, struct kerr *e);
/* Undo decision `decision_id` of `coder` only if it is still the coder's
 * current decision on its answer (appends an 'undo' row; *undone = 1);
 * otherwise leave everything as is (*undone = 0): a decision the coder has
 * since replaced, in another window or by an import, stays.  *answer_id
 * (may be NULL) gets its answer.  KERR_NOTFOUND when the coder has no such
 * decision. */
int store_undo_decision(struct store *s, const char *coder, long long decision_id,
	int *undone, long long *answer_id, struct kerr *e);
/* `coder`'s current decision on an answer, copied into `out` (release with
 * store_decision_release).  KERR_NOTFOUND when the coder has none. */
int store_latest(struct store *s, long long answer_id, const char *coder,
	struct store_decision *out, struct kerr *e);
void store_decision_release(struct store_decision *d);
/* Every coder's current decision (codes not NULL), answers in survey order
 * then decision order; question NULL = all; coder NULL = every coder. */
int store_each_latest(struct store *s, const char *question, const char *coder,
	int (*cb)(void *ctx, const struct store_decision *d), void *ctx, struct kerr *e);
/* The id of the newest decision (0 when there is none).  Decisions are
 * append-only and each gets a larger id than every one before it, so a
 * reader that counts the decisions it wrote itself can tell from this
 * whether anyone else decided since (the review session's shared table
 * does, to keep its dispute flags without re-reading every decision). */
int store_last_decision(struct store *s, long long *id, struct kerr *e);
/* Full history of one answer (answer_id > 0) or of everything (0), oldest
 * first, undo rows included. */
int store_history(struct store *s, long long answer_id,
	int (*cb)(void *ctx, const struct store_decision *d), void *ctx, struct kerr *e);
/* Every answer of `question` (NULL = all) with its final code, in survey order. */
int store_each_final(struct store *s, const char *question,
	int (*cb)(void *ctx, const struct store_final *f), void *ctx, struct kerr *e);
/* Coders who made any decision, sorted by name. */
int store_each_coder(struct store *s, int (*cb)(void *ctx, const char *coder), void *ctx,
	struct kerr *e);

/* Codebook versions: record one (no-op if known) and list every version
 * recorded or used by a decision or suggestion, oldest first. */
int store_add_version(struct store *s, const char *codebook_id, const char *version,
	const char *note, struct kerr *e);
int store_each_version(struct store *s,
	int (*cb)(void *ctx, const char *codebook_id, const char *version), void *ctx,
	struct kerr *e);

/* Double-coding samples: assign (no-op if already assigned), test, list in
 * survey order. */
int store_sample_add(struct store *s, long long answer_id, const char *coder,
	long long seed, struct kerr *e);
int store_sample_has(struct store *s, long long answer_id, const char *coder, int *has,
	struct kerr *e);
int store_each_sample(struct store *s, const char *coder,
	int (*cb)(void *ctx, long long answer_id), void *ctx, struct kerr *e);

/* Remove one assignment (no-op when absent); decisions stay. */
int store_sample_remove(struct store *s, long long answer_id, const char *coder,
	struct kerr *e);
/* Assignments of answers of `question` (NULL = all) to `coder` (NULL =
 * every coder), by coder then survey order; strings borrowed for the call. */
struct store_assignment {
	long long answer_id;
	const char *coder;
	long long seed;
	const char *assigned_at;
};
int store_each_assignment(struct store *s, const char *question, const char *coder,
	int (*cb)(void *ctx, const struct store_assignment *a), void *ctx, struct kerr *e);

/* Two ';'-joined code lists name the same set of ids (order and white space
 * ignored).  NULL equals only NULL. */
int store_codes_equal(const char *a, const char *b);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (24 bytes+). */
void store_now(char out[32]);

#endif
