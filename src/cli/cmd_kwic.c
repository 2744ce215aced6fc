/*
 * cmd_kwic.c - `koder kwic TERM`: every answer the term occurs in, the
 * match between its left and right context, with the respondent, wave,
 * role and the answer's codes, and how many answers it catches per wave
 * and role.  The term is a pattern of the codebook language (kwic.h).
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
#include "engine.h"
#include "error.h"
#include "exit.h"
#include "kwic.h"
#include "normalize.h"
#include "pii.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_SOURCE = 256, OPT_WIDTH = OPT_SOURCE + 6, OPT_LIMIT, OPT_NEGATED, OPT_MASK,
       OPT_MASK_KINDS };

static const struct cli_opt opts[] = {
	CMD_SOURCE_OPTS(OPT_SOURCE, "only this question of the corpus",
			"show each answer's codes under this codebook"),
	{ OPT_WIDTH, "width", "N", "characters of context on each side (default 40)" },
	{ OPT_LIMIT, "limit", "N", "list at most N answers (default 200; 0: counts only)" },
	{ OPT_NEGATED, "negated", NULL, "list the matches a negation cancelled instead" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the context shown"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder kwic TERM (CORPUS | SURVEY.csv --text COL) [OPTION]...",
	"Show every answer a term occurs in, in context, and count them.",
	opts,
	"TERM is written as a codebook pattern: words, * for any ending\n"
	"(sagsantal*), (a|b), NEAR/3, BEFORE/3, # for a number, re: for PCRE2.  It\n"
	"is matched as an include pattern would be: on the repaired text, without\n"
	"regard to case or æøå, and a match after a negation cue (\"ikke\") does not\n"
	"count; --negated lists those instead.  So a term can be tried, and its\n"
	"hits counted, before it goes into the codebook.\n\n"
	"Each line: respondent, wave, role, the context with the match in [ ],\n"
	"and the answer's codes (the question's codebook, or --codebook).  Last,\n"
	"per wave and role, how many answers the term occurs in.\n\n"
	"Examples:\n"
	"  koder kwic 'sagsantal*' corpora/sof\n"
	"  koder kwic 'arbejdsgiver* NEAR/3 (travl*|tid)' --question barrierer corpora/sof\n\n"
	"Exit status: 0 done, 2 wrong usage or a term that does not compile,\n"
	"3 a file is missing, 4 a file has problems.\n"
};

/* The last `w` code points of s[0..n) (a start offset into s). */
static size_t tail_start(const char *s, size_t n, size_t w)
{
	size_t i = n, cps = 0;

	while (i > 0 && cps < w) {
		i--;
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cps++;
	}
	return i;
}

/* The length of the first `w` code points of s[0..n). */
static size_t head_len(const char *s, size_t n, size_t w)
{
	size_t i = 0, cps = 0;

	while (i < n && (cps < w || ((unsigned char)s[i] & 0xC0) == 0x80)) {
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cps++;
		if (cps > w)
			break;
		i++;
	}
	return i;
}

/* Print s[0..n) on one line: line breaks and tabs as spaces, other control
 * characters as '?' (answers are untrusted; this is a terminal). */
static void put(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		putchar(s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' '
			: (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i]);
}

/* Code points in s[0..n). */
struct cell {
	char *wave, *role;
	size_t hits, answers;
};

struct counts {
	struct cell *c;
	size_t n;
};

static void count(struct counts *k, const char *wave, const char *role, int hit)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->c[i].wave, wave) && !strcmp(k->c[i].role, role))
			break;
	if (i == k->n) {
		k->c = xrealloc(k->c, (k->n + 1) * sizeof *k->c);
		k->c[i].wave = xstrdup(wave);
		k->c[i].role = xstrdup(role);
		k->c[i].hits = k->c[i].answers = 0;
		k->n++;
	}
	k->c[i].answers++;
	k->c[i].hits += hit != 0;
}

struct run {
	struct kwic *kw;
	struct cmd_answers *a;
	size_t width, limit, listed;
	int want_negated, status;
	unsigned mask;
	struct counts k;
	struct buf masked;
};

/* One answer: counted per wave and role, listed in context with its codes
 * while under --limit.  Normalized once: the term and the codebook match
 * the same repaired text. */
static int one(void *ctx, struct cmd_answer *x)
{
	struct run *r = ctx;
	const struct survey_row *row = x->row;
	const char *text = x->text;
	size_t len = x->len, s = 0, en_ = 0, j;
	int neg = 0, hit = kwic_find_normalized(r->kw, &x->ans->n, &s, &en_, &neg);
	struct kerr e;

	if (hit < 0) {
		kerr_set(&e, -hit, "the term hit a pattern limit on this answer");
		kerr_at(&e, survey_file(r->a->sv), row->line, 0);
		cli_error(&e);
		r->status = EXIT_PROBLEMS;
		hit = 0;
	}
	/* with --negated the cancelled matches are what is counted */
	count(&r->k, row->wave, row->role, r->want_negated ? neg : hit);
	if (!(r->want_negated ? neg : hit) || r->listed >= r->limit)
		return 0;
	r->listed++;
	if (r->mask) {
		buf_reset(&r->masked);
		if (!pii_mask(text, len, r->mask, &r->masked, NULL, NULL) && r->masked.len == len) {
			text = r->masked.data;   /* same length: offsets hold */
		} else {
			text = "[masked]";
			len = strlen(text);
			s = en_ = 0;
		}
	}
	printf("%-8.*s ", (int)row->respondent_len, row->respondent);
	cli_put_padded(row->wave, 10);
	putchar(' ');
	cli_put_padded(row->role, 12);
	putchar(' ');
	{
		size_t ls = tail_start(text, s, r->width), pad = r->width - cli_width(text + ls, s - ls);

		for (j = 0; j < pad; j++)
			putchar(' ');
		put(text + ls, s - ls);
		printf(" [");
		put(text + s, en_ - s);
		printf("] ");
		put(text + en_, head_len(text + en_, len - en_, r->width));
	}
	/* the codes of a listed answer only: the codebook matches the text the
	 * term was found in, not normalized again */
	if (x->en && !engine_match(x->en, x->ans, &e)) {
		const struct codebook *cb = engine_codebook(x->en);

		printf("  |");
		for (j = 0; j < x->ans->res.ncats; j++)
			printf("%s%s", j ? ";" : " ", cb->cats[x->ans->res.cats[j]].id);
	}
	if (r->a->nq > 1) {
		const struct corpus_question *q = survey_question(r->a->sv, x->q);

		printf("  (%s)", q->id ? q->id : q->column);
	}
	printf("\n");
	return 0;
}

int cmd_kwic(int argc, char **argv)
{
	struct cmd_source src = { 0 };
	struct cmd_answers a = { 0 };
	struct run r = { 0 };
	const char *term = NULL, *operand = NULL;
	char *cbarg = NULL;
	size_t i;
	int c, status = EXIT_OK, rest = 0;
	struct kerr_list errs = KERR_LIST_INIT;
	struct cli_parser p;

	r.width = 40;
	r.limit = 200;
	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		if (cmd_source_opt(&src, OPT_SOURCE, c, optarg, &cbarg))
			continue;
		switch (c) {
		case 0:
			if (!term)
				term = operand;
			else if (!src.source)
				src.source = operand;
			else
				return cli_misuse(&usage, "unexpected argument '%s'", operand);
			break;
		case OPT_NEGATED: r.want_negated = 1; break;
		case OPT_WIDTH:
			if (cli_parse_size(optarg, &r.width) || r.width > 1000)
				return cli_misuse(&usage, "--width wants a number up to 1000, not '%s'",
						  optarg);
			break;
		case OPT_LIMIT:
			if (cli_parse_size(optarg, &r.limit))
				return cli_misuse(&usage, "--limit wants a number, not '%s'", optarg);
			break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &r.mask, &usage)))
				return status;
			break;
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (!term || !src.source) {
		free(cbarg);
		return cli_misuse(&usage, !term ? "which term? give it first, e.g. 'sagsantal*'"
				  : "which answers? give a CORPUS or a SURVEY.csv with --text COL");
	}
	src.codebook_optional = 1;
	if ((status = cmd_answers_open(&a, &src, &usage)))
		goto done;
	if (kwic_new(term, a.norm, &r.kw, &errs)) {
		cli_errors(&errs);
		status = EXIT_USAGE;
		goto done;
	}
	r.a = &a;
	buf_init(&r.masked, 0);
	status = cmd_each_answer(&a, one, &r);
	if (!status)
		status = r.status;
	{
		size_t th = 0, ta = 0;

		printf("%s'%s'%s: answers it occurs in, per wave and role\n", r.listed ? "\n" : "",
			term, r.want_negated ? " (negated matches listed)" : "");
		for (i = 0; i < r.k.n; i++) {
			fputs("  ", stdout);
			cli_put_padded(r.k.c[i].wave, 12);
			putchar(' ');
			cli_put_padded(r.k.c[i].role, 14);
			printf(" %6zu of %6zu  %5.1f%%\n", r.k.c[i].hits, r.k.c[i].answers,
				r.k.c[i].answers ? 100.0 * r.k.c[i].hits / r.k.c[i].answers : 0.0);
			th += r.k.c[i].hits;
			ta += r.k.c[i].answers;
		}
		printf("  %-27s %6zu of %6zu  %5.1f%%\n", "all", th, ta, ta ? 100.0 * th / ta : 0.0);
	}
done:
	for (i = 0; i < r.k.n; i++) {
		free(r.k.c[i].wave);
		free(r.k.c[i].role);
	}
	free(r.k.c);
	kwic_free(r.kw);
	cmd_answers_close(&a);
	free(cbarg);
	buf_release(&r.masked);
	kerr_list_release(&errs);
	return status;
}
