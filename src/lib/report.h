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
 * Draw the shares as grouped horizontal bars, one panel per tally (and per
 * group with --by): a bar per wave and role for each category, labelled with
 * the share and "X/Y", a legend and a title naming the question.  `title`
 * (may be NULL) goes above everything.  Returns 0 or KERR_IO / KERR_NOMEM.
 */
int report_chart_svg(struct tally *const *t, size_t n, const char *title, const char *path,
		     struct kerr *e);

#endif
