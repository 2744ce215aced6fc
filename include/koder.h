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
 *     koder_project) are opaque.  Each *_open / *_new gives the caller a
 *     handle to free with the matching *_close / *_free; NULL is a no-op
 *     there.  A handle is not thread-safe: one per thread.
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
 * The review session (one coder working through a question: current
 * answer, decide, undo this session's own decisions, notes, filters,
 * samples, adjudication) is a library module, src/lib/session.h, used by
 * the terminal UI; its koder_session_* wrapper belongs here next.
 */

#ifdef __cplusplus
}
#endif

#endif
