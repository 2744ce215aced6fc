/*
 * compare.h - which differences in a tally are more than noise: per
 * category, each pair of adjacent waves and the first against the last
 * (within each role), or each pair of roles (within each wave), with an
 * exact test and p-values adjusted across everything compared.
 *
 * The test: Fisher's exact test on the 2x2 table (X, Y - X) of the two cells
 * when the respondents are different people; the exact McNemar test on the
 * matched respondents when the same people answered in both waves (a panel:
 * at least half of the smaller wave's substantive answers come from
 * respondents matched by id in the other wave).  Which test was used is kept
 * with every comparison, and the reports say it.
 *
 * Panel matching needs each respondent's codes per wave, which a tally does
 * not keep: the caller feeds them with compare_panel_add during its pass
 * (only for --compare waves).  Memory: one byte per category per respondent
 * and wave.
 *
 * Ownership: compare_run fills a struct compare the caller releases with
 * compare_release; compare_panel_new/free likewise.
 */
#ifndef KODER_COMPARE_H
#define KODER_COMPARE_H

#include <stddef.h>

#include "stats.h"

struct tally;
struct kerr;
struct compare_panel;

enum compare_mode { COMPARE_NONE = 0, COMPARE_WAVES, COMPARE_ROLES };
enum compare_test { COMPARE_FISHER = 0, COMPARE_MCNEMAR };

struct compare_row {
	size_t tally, group, cat;
	size_t w1, r1, w2, r2;      /* the two cells: (w1, r1) earlier/first, (w2, r2) later/second */
	size_t x1, y1, x2, y2;      /* their counts and bases */
	enum compare_test test;
	size_t pairs;               /* McNemar: matched respondents; b and c the discordant */
	size_t b, c;
	double diff;                /* share 2 - share 1 */
	double p, p_adj;
	int significant;            /* p_adj < alpha */
};

struct compare {
	enum compare_mode mode;
	enum stats_adjust adjust;
	double alpha;
	struct compare_row *rows;
	size_t n;
};

int compare_mode_parse(const char *s, enum compare_mode *m);

/* A panel collector for the tallies t[0..n). */
int compare_panel_new(struct compare_panel **out, struct tally *const *t, size_t n);
void compare_panel_free(struct compare_panel *p);
/*
 * Respondent `id` in wave `wave`, role `role`, group `group` of tally
 * `tally`: a substantive answer with these category flags (nets derived as
 * tally_add does).  Only substantive answers matter for the test.  Returns
 * 0 or -1 when out of memory.
 */
int compare_panel_add(struct compare_panel *p, size_t tally, size_t group, size_t wave,
		      size_t role, const char *id, const unsigned char *flags);

/*
 * Compare the cells of tallies t[0..n) (see above); `panel` may be NULL
 * (every wave comparison uses Fisher).  Returns 0 or KERR_NOMEM.
 */
int compare_run(struct compare *c, enum compare_mode mode, enum stats_adjust adj,
		struct tally *const *t, size_t n, const struct compare_panel *panel,
		struct kerr *e);
void compare_release(struct compare *c);

/* "Fisher" or "McNemar". */
const char *compare_test_name(enum compare_test t);

#endif
