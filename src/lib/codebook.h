/*
 * codebook.h - a codebook: the categories an open answer can be coded to,
 * with their definitions, matching patterns and examples, as analysts write
 * them in a JSON file (format: docs/codebook-format.md).
 *
 * Why its own module: every later stage (rules, tally, review, migrate,
 * learn) needs the same validated view of the file, and an analyst who
 * mistypes a key must be told where, in every place at once, not one error
 * per run.  codebook_load therefore checks everything it can without
 * compiling patterns (types, required keys, unknown keys, duplicate ids,
 * unknown nets, categories without patterns) and reports each problem with
 * file, line, column and JSON path (categories[3].include[2]).  Compiling
 * the patterns and running the examples is rules.h's job.
 *
 * Every loaded codebook ends with the built-in category `ingen_svar`
 * (blank and non-substantive answers), unless the file defines it itself;
 * `cb->ingen_svar` is its index.  `andet`, when the file has it, is the
 * residual category a substantive but otherwise uncoded answer gets;
 * `cb->andet` is its index or -1.
 *
 * Ownership: a struct codebook owns every string and array in it; free it
 * with codebook_free.  Pointers into it stay valid until then.
 */
#ifndef KODER_CODEBOOK_H
#define KODER_CODEBOOK_H

#include <stddef.h>

struct buf;
struct kerr;
struct kerr_list;

#define CODEBOOK_INGEN_SVAR "ingen_svar"
#define CODEBOOK_ANDET "andet"

struct codebook_category {
	char *id;            /* ASCII [a-z0-9_], unique in the codebook */
	char *label;         /* Danish label, UTF-8 */
	char *description;   /* "" when absent */
	char *net;           /* net id, or NULL when the category is in no net */
	long net_index;      /* index into cb->nets, or -1 */
	char **include;      /* patterns that code the answer (pattern language) */
	size_t ninclude;
	char **exclude;      /* patterns that veto this category */
	size_t nexclude;
	char **examples;     /* answers that must get this category */
	size_t nexamples;
	char **counterexamples; /* answers that must not */
	size_t ncounterexamples;
	char **replaces;     /* ids in an earlier version this category continues */
	size_t nreplaces;
	int negation;        /* 1 (default): a negation cue before a match cancels it
	                        (0: only "er ikke et problem" after it does) */
	int builtin;         /* 1 for ingen_svar: coded from nonsubstantive phrases */
	int residual;        /* 1 for andet: coded when nothing else is */
};

struct codebook_net {
	char *id;
	char *label;
	size_t *members;     /* category indexes, in codebook order */
	size_t nmembers;
};

struct codebook {
	char *path;          /* the file it was loaded from, as given */
	char *id;            /* codebook id, e.g. "sof-barrierer" */
	char *version;       /* as written: a JSON number or string ("3", "2.1") */
	char *title, *language, *source;  /* "" when absent */
	struct codebook_category *cats;   /* in file order; ingen_svar last if built in */
	size_t ncats;
	struct codebook_net *nets;        /* in file order */
	size_t nnets;
	char **nonsubstantive;  /* phrases meaning "no answer": the defaults
	                           (unless "nonsubstantive_defaults": false) then the file's */
	size_t nnonsubstantive;
	char **negation_cues;   /* words that cancel a following match (defaults or the file's) */
	size_t nnegation_cues;
	int negation_window;    /* words before a match searched for a cue (default 3) */
	char *model;            /* the learned word model's file (model.h), resolved
	                           against the codebook's folder; NULL when none */
	long ingen_svar;        /* index of the ingen_svar category (always >= 0) */
	long andet;             /* index of the residual category, or -1 */
	/* private: the source text, so later errors can be located; how many
	 * nonsubstantive phrases are defaults (the file's follow them), and how
	 * many of those first ones are strong enough to mark a short answer
	 * that no category matched as no answer (the rest count only when they
	 * are the whole answer) */
	char *src;
	size_t srclen;
	size_t nnonsubstantive_default;
	size_t nnonsubstantive_core;
	/* private: category and net id -> index, so that finding one is not a
	 * scan (100,000 categories took minutes to load); NULL falls back to
	 * the scan */
	struct strtab *cat_ids, *net_ids;
};

/*
 * Load and validate the codebook at `path`.  Every problem found is appended
 * to `errs` (each with file, line, column, JSON path and what was expected),
 * not only the first.  On success returns 0 and *out is a codebook the
 * caller frees with codebook_free.  On failure *out is NULL and the return
 * is the code of the first problem (KERR_IO, KERR_SYNTAX, KERR_ENCODING for
 * a file that is not UTF-8, KERR_SCHEMA, KERR_NOMEM).  `errs` may be NULL.
 */
int codebook_load(const char *path, struct codebook **out, struct kerr_list *errs);

/*
 * The same, but for checking: when the file is valid JSON, *out is the
 * codebook as far as it could be read even if it has problems (they are in
 * `errs` and the code of the first is returned), so `koder check` can go on
 * to compile its patterns and report those problems too.  Parts that were
 * wrong are missing or NULL; use such a codebook only for checking.
 */
int codebook_load_lenient(const char *path, struct codebook **out,
			  struct kerr_list *errs);

/* The same from text in memory; `name` is used as the file in messages. */
int codebook_parse(const char *text, size_t len, const char *name,
		   struct codebook **out, struct kerr_list *errs);

/*
 * What a user typed for a codebook (`--codebook`, `koder check`): a file
 * that exists is used as it is; a bare name such as "sof-barrierer" (no
 * slash, ".json" optional) is looked up as codebooks/NAME.json among the
 * shipped files (datadir_find).  Appends the path to `out` (caller owns it).
 * Returns 0, or KERR_NOTFOUND with `e` saying where it looked.
 */
int codebook_resolve(const char *name, struct buf *out, struct kerr *e);

/* Free a codebook and everything it owns.  NULL is a no-op. */
void codebook_free(struct codebook *cb);

/* Index of the category with this id, or -1. */
long codebook_find(const struct codebook *cb, const char *id);
/*
 * Read the next category id from a codes string as coders and `koder code`
 * write it ("tid_sagsantal;afstand", also ',', '|' or spaces between ids):
 * copies it into id[size] (cut to size-1 bytes) and advances *p past it.
 * Returns 1 when an id was read, 0 at the end.  Nothing is allocated.
 */
int codebook_next_code(const char **p, char *id, size_t size);
/* Index of the net with this id, or -1. */
long codebook_find_net(const struct codebook *cb, const char *id);
/*
 * The categories that continue `old_id` of the previous version (their
 * "replaces" names it): writes up to `max` indexes to out[] and returns how
 * many there are in all (0: none; 1: a rename or merge; more: a split).
 * Nothing is allocated.
 */
size_t codebook_successors(const struct codebook *cb, const char *old_id, long *out,
	size_t max);

/*
 * Line and column (1-based) of the value at JSON `path` (e.g.
 * "categories[3].include[2]") in the file the codebook was loaded from;
 * 0, 0 when the path is not in the file (a built-in).  Used by rules.c and
 * `koder check` to point at a bad pattern or a failing example.
 */
void codebook_locate(const struct codebook *cb, const char *path,
		     long *line, long *col);

/*
 * Fill `e` with `code`, the codebook's file, the location of `path` and the
 * message; returns `code`.  For callers reporting on a part of the file.
 */
int codebook_error(const struct codebook *cb, struct kerr *e, int code,
		   const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
