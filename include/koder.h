/*
 * koder.h - the public interface of libkoder: code open survey answers in
 * Danish with a codebook, say why each code was given, count
 * "Anført af X ud af Y" per wave and role, and keep coders' decisions in a
 * project store.
 *
 * This is the one header a program (a second front end, a binding) needs;
 * it links build/libkoder.a and the system libraries koder uses (see
 * docs/api.md).  Everything else in the library is hidden: every exported
 * name starts with koder_ / KODER_.
 *
 * Conventions
 *   - A function that can fail returns 0 (KODER_OK) or a KODER_E* code and,
 *     when `err` is not NULL, fills it: what failed and where (file, line,
 *     column, a JSON path or column name), with a message that says what to
 *     do next.  The library never prints and never exits.
 *   - Handles (koder_engine, koder_coding, koder_survey, koder_tally,
 *     koder_project, koder_session) are opaque.  Each *_open / *_new gives
 *     the caller a handle to free with the matching *_close / *_free; NULL
 *     is a no-op there.  A handle is not thread-safe: one per thread.
 *   - Strings returned by the library are borrowed from the handle named in
 *     the function's comment, valid until that handle changes or is freed;
 *     the caller never frees them.  Strings given to the library are copied
 *     or only read during the call, unless the comment says otherwise.
 *   - Text is UTF-8.  Offsets (start, end) are bytes into the answer exactly
 *     as it was given to koder_code.
 */
#ifndef KODER_H
#define KODER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(KODER_BUILDING_LIB)
#define KODER_API __attribute__((visibility("default")))
#else
#define KODER_API
#endif

/* ---- errors ------------------------------------------------------------ */

enum koder_status {
	KODER_OK = 0,
	KODER_ENOMEM,       /* out of memory */
	KODER_EIO,          /* a file could not be opened, read or written */
	KODER_EENCODING,    /* text in an encoding koder cannot read */
	KODER_ESYNTAX,      /* malformed CSV or JSON */
	KODER_ESCHEMA,      /* well-formed but wrong: a missing key, an unknown id,
	                       a respondent twice in one wave */
	KODER_EPATTERN,     /* a codebook pattern does not compile */
	KODER_ELIMIT,       /* a size or backtracking limit was reached */
	KODER_ENOTFOUND,    /* a named thing (file, column, category) does not exist */
	KODER_ESTORE,       /* the project store is unusable (corrupt, locked, newer) */
	KODER_ECHECK,       /* a check failed */
	KODER_EINVALID      /* an argument that makes no sense */
};

typedef struct koder_error {
	int code;               /* enum koder_status */
	int sys_errno;          /* errno for KODER_EIO, else 0 */
	char file[256];         /* "" when not about a file */
	long line, col;         /* 1-based; 0 when unknown */
	char path[256];         /* JSON path or column name; "" when none */
	char message[768];
	size_t more;            /* further problems found after this one (a
	                           codebook reports all of them; see `koder check`) */
} koder_error;

/* The library's version, "0.1.0".  Static storage. */
KODER_API const char *koder_version(void);
/* A short name for a status code ("syntax error").  Static storage. */
KODER_API const char *koder_status_name(int code);
/* "file:line:col: path: message" into buf (size bytes, always terminated).
 * Returns the length the whole text needs, like snprintf. */
KODER_API size_t koder_error_format(const koder_error *err, char *buf, size_t size);

/* ---- a codebook and its engine ---------------------------------------- */

typedef struct koder_engine koder_engine;

typedef struct koder_engine_opts {
	int no_repair;          /* 1: do not repair OCR and typing damage first */
	int no_model;           /* 1: the patterns alone, not the learned model */
} koder_engine_opts;

/*
 * Open a codebook (a JSON file, or the name of a shipped one such as
 * "sof-barrierer") and build its engine: patterns compiled, the normalizer's
 * lexicon loaded.  `opts` may be NULL.  *out is the caller's
 * (koder_engine_close).  A codebook with several problems reports the first
 * in err and counts the rest in err->more.
 */
KODER_API int koder_engine_open(const char *codebook, const koder_engine_opts *opts,
	koder_engine **out, koder_error *err);
KODER_API void koder_engine_close(koder_engine *en);

/* The codebook's id, title and version ("" when it has none); borrowed
 * from the engine. */
KODER_API const char *koder_engine_codebook_id(const koder_engine *en);
KODER_API const char *koder_engine_codebook_title(const koder_engine *en);
KODER_API const char *koder_engine_codebook_version(const koder_engine *en);

typedef struct koder_category {
	const char *id;         /* "tid_sagsantal" */
	const char *label;      /* Danish label */
	const char *net;        /* id of its net, or NULL */
	int residual;           /* 1 for andet: given when nothing else fits */
	int nonsubstantive;     /* 1 for ingen_svar: blank or no real answer */
} koder_category;

/* Number of categories (ingen_svar included), and category i (strings
 * borrowed from the engine).  Returns KODER_EINVALID when i is out of
 * range. */
KODER_API size_t koder_engine_ncategories(const koder_engine *en);
KODER_API int koder_engine_category(const koder_engine *en, size_t i, koder_category *out);
/* Index of the category with this id, or -1. */
KODER_API long koder_engine_find(const koder_engine *en, const char *id);

/* ---- coding one answer ------------------------------------------------- */

/* A reusable result: code many answers into one koder_coding. */
typedef struct koder_coding koder_coding;

enum koder_answer_status {
	KODER_CODED = 0,        /* one or more categories */
	KODER_INGEN_SVAR,       /* blank or no substantive answer ("ved ikke", "-") */
	KODER_ANDET,            /* substantive, nothing matched: the residual andet */
	KODER_UNCODED           /* substantive, nothing matched, no andet in the book */
};

enum koder_why {
	KODER_WHY_PATTERN = 1,  /* include[pattern] matched [start, end): coded */
	KODER_WHY_MODEL,        /* the learned model coded it (the whole answer) */
	KODER_WHY_NONSUBSTANTIVE, /* coded ingen_svar (the whole answer) */
	KODER_WHY_RESIDUAL,     /* coded andet: nothing else matched */
	KODER_WHY_NEGATED,      /* NOT coded: include[pattern] matched [start, end)
	                           but the negation cue [cue_start, cue_end)
	                           ("ikke", "ingen") cancelled it */
	KODER_WHY_EXCLUDED      /* NOT coded: an include matched, then
	                           exclude[pattern] matched [start, end) */
};

typedef struct koder_reason {
	int why;                /* enum koder_why */
	size_t category;        /* index (koder_engine_category) */
	size_t pattern;         /* include or exclude index; 0 when none */
	const char *pattern_text; /* the pattern as the codebook writes it, or NULL;
	                           borrowed from the engine */
	size_t start, end;      /* bytes of the answer */
	size_t cue_start, cue_end; /* KODER_WHY_NEGATED only */
} koder_reason;

/* A new, empty result.  *out is the caller's (koder_coding_free). */
KODER_API int koder_coding_new(koder_coding **out, koder_error *err);
KODER_API void koder_coding_free(koder_coding *c);

/*
 * Code one answer of `len` bytes (NULL with 0 is a blank answer) into `out`,
 * replacing what it held.  Returns 0, KODER_ENOMEM, or KODER_ELIMIT when a
 * pattern backtracked too much (err names it).
 */
KODER_API int koder_code(koder_engine *en, const char *text, size_t len, koder_coding *out,
	koder_error *err);

KODER_API int koder_coding_status(const koder_coding *c);   /* enum koder_answer_status */
/* The codes: category indexes in codebook order. */
KODER_API size_t koder_coding_ncodes(const koder_coding *c);
KODER_API size_t koder_coding_code(const koder_coding *c, size_t i);
/* The codes as the store and the CSV files write them: ids joined by ';'.
 * Borrowed from the coding. */
KODER_API const char *koder_coding_codes_text(const koder_coding *c);
/* Why: one reason per code (pattern, model, ingen_svar, andet), then one per
 * category a match did not count for (negation, exclusion). */
KODER_API size_t koder_coding_nreasons(const koder_coding *c);
KODER_API int koder_coding_reason(const koder_coding *c, size_t i, koder_reason *out);
/* The answer as repaired before matching ("fgrste" -> "første"); borrowed. */
KODER_API const char *koder_coding_repaired(const koder_coding *c);

/* ---- reading a survey -------------------------------------------------- */

typedef struct koder_survey koder_survey;

/* Which survey and which columns.  With `corpus` (a corpus.json or its
 * directory) the descriptor says all of it; the fields below then override
 * it.  Without, `file`, `id` and `text` are needed. */
typedef struct koder_survey_spec {
	const char *corpus;     /* descriptor, or NULL */
	const char *file;       /* the survey (CSV); NULL: the descriptor's */
	const char *id;         /* respondent id column */
	const char *wave;       /* wave column, or NULL */
	const char *role;       /* role column, or NULL */
	const char *text;       /* the open-answer column; NULL: every question of
	                           the descriptor */
	const char *codebook;   /* codebook of `text` (file or shipped name) */
	const char *question;   /* only this question of the descriptor (id) */
} koder_survey_spec;

typedef struct koder_row {
	long line;              /* line on which the row starts (1 = header) */
	const char *respondent; /* as written */
	const char *wave;       /* the descriptor's wave name, the value as written
	                           when it names none, "(ukendt)" when empty,
	                           "(alle)" without a wave column */
	const char *role;       /* the same for the role */
	size_t nanswers;        /* = koder_survey_nquestions */
	const char *const *answers; /* per question; "" for a blank answer */
} koder_row;

/* Open a survey.  Every missing column is reported (the first in err, the
 * rest counted).  *out is the caller's (koder_survey_close). */
KODER_API int koder_survey_open(const koder_survey_spec *spec, koder_survey **out,
	koder_error *err);
KODER_API void koder_survey_close(koder_survey *s);

/* The questions read: id, column, and the codebook path each is coded
 * with (NULL when none is named).  Borrowed from the survey. */
KODER_API size_t koder_survey_nquestions(const koder_survey *s);
KODER_API const char *koder_survey_question(const koder_survey *s, size_t i);
KODER_API const char *koder_survey_codebook(const koder_survey *s, size_t i);

/*
 * The next row: 1 with `row` filled (its strings borrowed from the survey
 * until the next call), 0 at the end, or a negative -KODER_E* code.  A
 * respondent who appears twice in one wave is -KODER_ESCHEMA naming both
 * lines; a row with the wrong number of fields is -KODER_ESYNTAX; after
 * either, reading may go on.
 */
KODER_API int koder_survey_next(koder_survey *s, koder_row *row, koder_error *err);

/* ---- tallies as data --------------------------------------------------- */

typedef struct koder_tally koder_tally;

/* A new tally of `question` over the engine's categories (codebook order,
 * nets before their members, without ingen_svar).  The engine must outlive
 * the tally.  *out is the caller's (koder_tally_free). */
KODER_API int koder_tally_new(const koder_engine *en, const char *question, koder_tally **out,
	koder_error *err);
KODER_API void koder_tally_free(koder_tally *t);

/* Count one respondent's answer in (wave, role) by its coding. */
KODER_API int koder_tally_add(koder_tally *t, const char *wave, const char *role,
	const koder_coding *c, koder_error *err);
/* ... or by final codes ("a;b", "ingen_svar"; "" or NULL = no answer), a
 * coder's decision when `reviewed`.  An unknown id is KODER_ENOTFOUND. */
KODER_API int koder_tally_add_codes(koder_tally *t, const char *wave, const char *role,
	const char *codes, int reviewed, koder_error *err);

/* One cell: "Anført af count ud af base" for a category (or net) in a wave
 * and role - the fields of `koder tally --format json`. */
typedef struct koder_cell {
	const char *question, *codebook, *wave, *role, *category, *label;
	int net;                /* 1: a net (counts a respondent once for any member) */
	size_t count;           /* X: substantive answers coded to it */
	size_t base;            /* Y: substantive answers in the wave and role */
	double share;           /* count / base; 0 when base is 0 */
	size_t respondents;     /* rows in the wave and role */
	size_t reviewed;        /* of the answers, decided by a coder */
} koder_cell;

/* The cells in report order (category, wave, role; waves where nobody
 * answered left out).  Strings borrowed from the tally. */
KODER_API size_t koder_tally_ncells(koder_tally *t);
KODER_API int koder_tally_cell(koder_tally *t, size_t i, koder_cell *out);

/* ---- the project store ------------------------------------------------- */

typedef struct koder_project koder_project;

/* Open the store at `path` (an SQLite file); `create` makes it when it does
 * not exist.  *out is the caller's (koder_project_close). */
KODER_API int koder_project_open(const char *path, int create, koder_project **out,
	koder_error *err);
KODER_API void koder_project_close(koder_project *p);

/* Read a corpus's survey into the store (question `question` only, or
 * all when NULL), each answer with the engine's suggestion; decisions are
 * never touched.  *nanswers (may be NULL) gets the answers stored. */
KODER_API int koder_project_add_survey(koder_project *p, const char *corpus,
	const char *question, size_t *nanswers, koder_error *err);

typedef struct koder_answer {
	long long id;           /* the store's answer id */
	const char *question, *respondent, *wave, *role, *text;
	const char *suggested;  /* the engine's codes, or NULL */
	const char *codes;      /* the final codes, or NULL when nobody decided */
	const char *coder;      /* whose decision that is, or NULL */
} koder_answer;

/* Call fn for every stored answer of `question` (NULL: all), in survey
 * order, with its final codes; the answer's strings live during the call.
 * fn returns non-zero to stop, and that value is returned. */
KODER_API int koder_project_each_answer(koder_project *p, const char *question,
	int (*fn)(void *ctx, const koder_answer *a), void *ctx, koder_error *err);

/* Record `coder`'s decision on an answer: codes as ids joined by ';'
 * (checked against the question's codebook), an optional note.  Returns
 * only when the decision is on disk. */
KODER_API int koder_project_decide(koder_project *p, long long answer_id, const char *coder,
	const char *codes, const char *note, koder_error *err);

/* ---- the review session -------------------------------------------------
 * One coder working through the answers of one question in a project
 * store: what a review front end (the terminal, a web page, a binding)
 * draws and what it may do.  The session keeps the coder's place, the
 * filtered view, notes and the undo history of THIS session; decisions are
 * on disk when decide, undo and note return.  Codes are category ids joined
 * by ';' in codebook order ("tid;afstand", "ingen_svar").
 *
 * Ownership: koder_session_open borrows the project (it must outlive the
 * session) and copies question and coder; the caller frees the session with
 * koder_session_close.  A koder_session_answer's strings and its `coders`
 * array are the session's, valid until the next call on the session.
 */

typedef struct koder_session koder_session;

enum koder_session_mode {
	KODER_SESSION_CODE = 0,     /* code answers (only the coder's sample, when
	                               one is assigned on the question) */
	KODER_SESSION_ADJUDICATE    /* the answers coders disagree on: nothing is
	                               ticked at the start, every coder's codes are
	                               shown, and a decision is final (tally counts
	                               it) */
};

enum koder_session_filter {
	KODER_FILTER_ALL = 0,
	KODER_FILTER_UNREVIEWED,    /* the coder has no decision yet */
	KODER_FILTER_UNCERTAIN,     /* the engine suggested nothing, or only andet */
	KODER_FILTER_BY_CODE,       /* the engine suggested the given category */
	KODER_FILTER_DISPUTED,      /* coders' decisions differ, nobody adjudicated
	                               (updates with koder_session_refresh) */
	KODER_FILTER_OLDER,         /* decided under an older codebook version
	                               (after 'koder migrate') */
	KODER_FILTER_NOTED          /* the coder's decision has a note */
};

/*
 * Open a session on `question` for `coder` (mode: enum koder_session_mode).
 * The position is the first answer in survey order the coder has not
 * decided (resume where left off).  *out is the caller's
 * (koder_session_close).
 */
KODER_API int koder_session_open(koder_project *p, const char *question, const char *coder,
	int mode, koder_session **out, koder_error *err);
KODER_API void koder_session_close(koder_session *s);

/* One coder's current decision on an answer. */
typedef struct koder_session_coder {
	const char *coder, *codes;
	const char *decided_at;       /* UTC, ISO 8601 */
	const char *codebook_version;
	const char *note;             /* "" when none */
	int final;                    /* an adjudication */
} koder_session_coder;

typedef struct koder_session_answer {
	long long id;                 /* the store's answer id */
	size_t pos;                   /* position in the view; (size_t)-1 outside */
	const char *respondent, *wave, *role, *text;
	const char *suggested;        /* the engine's codes; "" none */
	int decided;                  /* this coder has a decision (adjudicating: a
	                                 final one) */
	const char *codes;            /* that decision's codes; "" when undecided */
	const char *decided_version;  /* its codebook version; "" when undecided */
	const char *note;             /* the coder's note (shown again on a revisit,
	                                 kept on a new decision unless edited) */
	const char *start;            /* what to tick on arrival: the codes when
	                                 decided, else the suggestion; "" when
	                                 adjudicating */
	const koder_session_coder *coders;  /* every coder's current decision */
	size_t ncoders;
	const char *codebook_version; /* the version decisions are made under now */
	int disputed, adjudicated, uncertain, older;
} koder_session_answer;

/* The answer at the current position (KODER_ENOTFOUND when the view is
 * empty); every coder's decision is read from the store now. */
KODER_API int koder_session_current(koder_session *s, koder_session_answer *out,
	koder_error *err);

/* Answers in the view, and the 0-based position in it. */
KODER_API size_t koder_session_count(const koder_session *s);
KODER_API size_t koder_session_pos(const koder_session *s);
/* Move: by `step` (+1 next, -1 previous; stops at the ends: returns 1 when
 * it could not move, else 0), or to answer `id` (KODER_ENOTFOUND when it
 * is not in the view). */
KODER_API int koder_session_move(koder_session *s, long step);
KODER_API int koder_session_goto(koder_session *s, long long id, koder_error *err);

/*
 * Filter the view (enum koder_session_filter); `category` is the id for
 * KODER_FILTER_BY_CODE, else NULL.  With `search` not NULL (and not ""),
 * only answers whose respondent id, text or the coder's note holds it
 * (case and æ/ae ø/oe å/aa aside) stay: the view moves to the next one
 * (KODER_ENOTFOUND when none does).
 */
KODER_API int koder_session_filter(koder_session *s, int filter, const char *category,
	koder_error *err);
KODER_API int koder_session_search(koder_session *s, const char *search, koder_error *err);

/*
 * Decide answer `id` (0: the current one) with `codes` (not empty; an
 * unknown id is KODER_ENOTFOUND naming it).  `note` NULL keeps the coder's
 * note on the answer, "" removes it, else it replaces it.  On disk when it
 * returns; one undo step.  The position stays (koder_session_advance moves
 * to the next answer to do).
 */
KODER_API int koder_session_decide(koder_session *s, long long id, const char *codes,
	const char *note, koder_error *err);
/* To the next answer in the view the coder has not decided.  Returns 1
 * when every answer in the view is decided, else 0. */
KODER_API int koder_session_advance(koder_session *s);

/*
 * Undo this session's latest decision.  A decision the coder has since
 * replaced (in another window, by an import) is left alone, and so is every
 * decision another session made.  *id (may be NULL) gets the answer, which
 * becomes current; *skipped (may be NULL) 1 when it was left alone.
 * KODER_ENOTFOUND when this session has nothing left to undo.
 */
KODER_API int koder_session_undo(koder_session *s, long long *id, size_t *skipped,
	koder_error *err);

/* Set the coder's note on answer `id` (0: current); "" removes it.  On a
 * decided answer it is saved at once with the same codes; on an undecided
 * one it waits for the decision. */
KODER_API int koder_session_note(koder_session *s, long long id, const char *note,
	koder_error *err);

/* Re-read every coder's decisions (disagreements, this coder's decisions
 * made in another window); call now and then while others code. */
KODER_API int koder_session_refresh(koder_session *s, koder_error *err);

/* Answers held and decided by this coder. */
KODER_API void koder_session_progress(const koder_session *s, size_t *total, size_t *done);

/* ---- double-coding samples (on the store; no session needed) ----------- */

/* Assign `n` answers of `question` that `coder` has not coded, drawn with
 * `seed`, stratified by wave and role (the same seed gives the same
 * sample).  *assigned (may be NULL) gets how many were added. */
KODER_API int koder_session_sample_assign(koder_project *p, const char *question,
	const char *coder, size_t n, unsigned long long seed, size_t *assigned,
	koder_error *err);

typedef struct koder_sample_row {
	long long answer_id;
	const char *coder, *respondent, *wave, *role, *assigned_at;
	int decided;                  /* that coder has decided it */
} koder_sample_row;

/* Call fn for every sample row of `question` (NULL: all) and `coder` (NULL:
 * every coder); the row's strings live during the call.  fn returns
 * non-zero to stop, and that value is returned. */
KODER_API int koder_session_sample_list(koder_project *p, const char *question,
	const char *coder, int (*fn)(void *ctx, const koder_sample_row *r), void *ctx,
	koder_error *err);
/* Remove `coder`'s sample on `question` (a sample given to the wrong coder;
 * decisions made on it stay).  KODER_ENOTFOUND when there is none. */
KODER_API int koder_session_sample_remove(koder_project *p, const char *question,
	const char *coder, size_t *removed, koder_error *err);
/* Give `from`'s sample to `to` (answers `to` already decided are dropped).
 * *moved (may be NULL) gets how many `to` received. */
KODER_API int koder_session_sample_reassign(koder_project *p, const char *question,
	const char *from, const char *to, size_t *moved, koder_error *err);

#ifdef __cplusplus
}
#endif

#endif
