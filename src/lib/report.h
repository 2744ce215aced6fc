/*
 * report.h - tallies as evaluators read them: the reports' own phrasing
 * ("Anført af 58 ud af 125 medarbejdere."), spreadsheets (CSV for Danish
 * Excel, xlsx), Markdown, JSON for scripts, and an SVG chart.
 *
 * Every format shows the same facts: for each category in codebook order
 * (a net just before its members), per wave in the tally's order and per role,
 * X, Y and the share; waves in which nobody gave a substantive answer (the
 * question was not asked) are left out; and for each cell how many answers a
 * coder reviewed.  With a --by split, each group (e.g. each Kommune) gets its
 * own block.
 *
 * Files are written through outfile.h: whole or not at all.
 *
 * Ownership: the functions borrow the tallies and own nothing afterwards.
 */
#ifndef KODER_REPORT_H
#define KODER_REPORT_H

#include <stddef.h>

struct tally;
struct kerr;

enum report_format {
	REPORT_TEXT = 0,
	REPORT_CSV,
	REPORT_MD,
	REPORT_JSON,
	REPORT_XLSX
};

/* Parse "text", "csv", "md", "json", "xlsx".  Returns 0 or KERR_INVALID. */
int report_format_parse(const char *s, enum report_format *f);

/*
 * Write the tallies `t[0..n)` in format `f` to `path` ("-" or NULL = standard
 * output; xlsx refuses standard output with KERR_INVALID).  Returns 0, or
 * KERR_IO / KERR_NOMEM with `e` naming the file; the target is then untouched.
 */
int report_write(struct tally *const *t, size_t n, enum report_format f, const char *path,
		 struct kerr *e);

/*
 * What report_write_opts adds to the counts.  Every format always carries a
 * Wilson 95 % interval and a small-base flag (Y < min_base) where it has
 * columns for them (JSON "ci95" and "small_base", CSV and xlsx columns);
 * text and Markdown show them only with `ci`.  With `cmp` (compare.h), each
 * comparison's test, p, adjusted p and a mark for the significant ones.
 */
#define REPORT_MIN_BASE 30
struct compare;
struct audit_est;
/* tally --audit: per tally, the audit's estimates and a tally of the
 * engine-coded answers alone (same categories and cells). */
struct report_audit {
	const struct audit_est *est;
	const struct tally *engine;
};
struct report_opts {
	int ci;                     /* text/md: show intervals and small bases */
	size_t min_base;            /* 0 = REPORT_MIN_BASE */
	const struct compare *cmp;  /* or NULL */
	const struct report_audit *audit;   /* one per tally, or NULL: JSON and text show
	                                       the corrected shares */
};
int report_write_opts(struct tally *const *t, size_t n, enum report_format f, const char *path,
		      const struct report_opts *o, struct kerr *e);

/*
 * Draw the shares as grouped horizontal bars, one panel per tally (and per
 * group with --by): a bar per wave and role for each category, labelled with
 * the share and "X/Y", a legend and a title naming the question.  `title`
 * (may be NULL) goes above everything.  Returns 0 or KERR_IO / KERR_NOMEM.
 */
int report_chart_svg(struct tally *const *t, size_t n, const char *title, const char *path,
		     struct kerr *e);

#endif
