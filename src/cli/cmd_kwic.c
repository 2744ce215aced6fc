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

enum { OPT_QUESTION = 256, OPT_TEXT, OPT_ID, OPT_WAVE, OPT_ROLE, OPT_CODEBOOK, OPT_WIDTH,
       OPT_LIMIT, OPT_NEGATED, OPT_MASK, OPT_MASK_KINDS };

static const struct cli_opt opts[] = {
	{ OPT_QUESTION, "question", "ID", "only this question of the corpus" },
	{ OPT_TEXT, "text", "COL", "the answer column of a bare SURVEY.csv" },
	{ OPT_ID, "id", "COL", "the respondent id column" },
	{ OPT_WAVE, "wave", "COL", "the wave column" },
	{ OPT_ROLE, "role", "COL", "the role column" },
	{ OPT_CODEBOOK, "codebook", "CB", "show each answer's codes under this codebook" },
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
static size_t width_of(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

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

int cmd_kwic(int argc, char **argv)
{
	struct cmd_source src = { 0 };
	const char *term = NULL, *cbname = NULL, *operand = NULL;
	size_t width = 40, limit = 200, listed = 0, i, nq;
	int c, status = EXIT_OK, want_negated = 0, rest = 0;
	unsigned mask = 0;
	struct corpus corpus;
	struct survey_opts so = { 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey *sv = NULL;
	struct survey_row row;
	struct normalizer *norm = NULL;
	struct kwic *kw = NULL;
	struct engine **en = NULL;
	struct engine_answer ans;
	struct counts k = { NULL, 0 };
	struct buf masked = BUF_INIT;
	struct cli_parser p;
	struct kerr e;

	memset(&corpus, 0, sizeof corpus);
	engine_answer_init(&ans);
	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (c) {
		case 0:
			if (!term)
				term = operand;
			else if (!src.source)
				src.source = operand;
			else
				return cli_misuse(&usage, "unexpected argument '%s'", operand);
			break;
		case OPT_QUESTION: src.question = optarg; break;
		case OPT_TEXT: src.text = optarg; break;
		case OPT_ID: src.id = optarg; break;
		case OPT_WAVE: src.wave = optarg; break;
		case OPT_ROLE: src.role = optarg; break;
		case OPT_CODEBOOK: cbname = optarg; break;
		case OPT_NEGATED: want_negated = 1; break;
		case OPT_WIDTH:
			if (cli_parse_size(optarg, &width) || width > 1000)
				return cli_misuse(&usage, "--width wants a number up to 1000, not '%s'",
						  optarg);
			break;
		case OPT_LIMIT:
			if (cli_parse_size(optarg, &limit))
				return cli_misuse(&usage, "--limit wants a number, not '%s'", optarg);
			break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &mask, &usage)))
				return status;
			break;
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (!term || !src.source)
		return cli_misuse(&usage, !term ? "which term? give it first, e.g. 'sagsantal*'"
				  : "which answers? give a CORPUS or a SURVEY.csv with --text COL");
	if (cbname)
		src.codebook = cbname;
	src.codebook_optional = 1;
	if ((status = cmd_load_source(&src, &corpus, &usage)))
		goto done;
	so.question = src.question;
	so.no_id = corpus.id_col == NULL;
	kerr_clear(&e);
	if (survey_open(&sv, &corpus, NULL, &so, &errs)) {
		status = cli_errors(&errs);
		goto done;
	}
	nq = survey_nquestions(sv);
	en = xcalloc(nq + 1, sizeof *en);
	/* each question's codebook codes the answers shown; the first engine's
	 * normalizer serves the others and the term */
	for (i = 0; i < nq; i++) {
		const struct corpus_question *q = survey_question(sv, i);
		const char *book = cbname ? cbname : q->codebook;
		struct engine_opts eo = { .norm = norm };
		struct buf path = BUF_INIT;

		if (!book)
			continue;
		if (cbname)
			buf_adds(&path, book);
		else
			corpus_resolve(&corpus, book, &path);
		if (engine_open(path.data, &eo, &en[i], &errs)) {
			buf_release(&path);
			status = cli_errors(&errs);
			goto done;
		}
		buf_release(&path);
		if (!norm)
			norm = engine_take_normalizer(en[i]);
	}
	if (!norm && normalizer_new(&norm, NULL, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (kwic_new(term, norm, &kw, &errs)) {
		cli_errors(&errs);
		status = EXIT_USAGE;
		goto done;
	}
	for (;;) {
		int rc = survey_next(sv, &row, &e);

		if (rc == SURVEY_END)
			break;
		if (rc < 0) {
			status = cli_error(&e);
			if (rc != -KERR_SYNTAX)
				goto done;
			continue;
		}
		for (i = 0; i < nq; i++) {
			const char *text = row.answer[i];
			size_t len = row.answer_len[i], s = 0, en_ = 0, j;
			int neg = 0, hit;

			if (!len)
				continue;
			hit = kwic_find(kw, text, len, &s, &en_, &neg);
			if (hit < 0) {
				kerr_set(&e, -hit, "the term hit a pattern limit on this answer");
				kerr_at(&e, survey_file(sv), row.line, 0);
				cli_error(&e);
				status = EXIT_PROBLEMS;
				hit = 0;
			}
			/* with --negated the cancelled matches are what is counted */
			count(&k, row.wave, row.role, want_negated ? neg : hit);
			if (!(want_negated ? neg : hit) || listed >= limit)
				continue;
			listed++;
			if (mask) {
				buf_reset(&masked);
				if (!pii_mask(text, len, mask, &masked, NULL, NULL)
				    && masked.len == len) {
					text = masked.data;   /* same length: offsets hold */
				} else if (mask) {
					text = "[masked]";
					len = strlen(text);
					s = en_ = 0;
				}
			}
			printf("%-8.*s %-10s %-12s ", (int)row.respondent_len, row.respondent,
				row.wave, row.role);
			{
				size_t ls = tail_start(text, s, width), pad = width - width_of(text + ls, s - ls);

				for (j = 0; j < pad; j++)
					putchar(' ');
				put(text + ls, s - ls);
				printf(" [");
				put(text + s, en_ - s);
				printf("] ");
				put(text + en_, head_len(text + en_, len - en_, width));
			}
			if (en[i] && !engine_code(en[i], row.answer[i], row.answer_len[i], &ans, &e)) {
				const struct codebook *cb = engine_codebook(en[i]);

				printf("  |");
				for (j = 0; j < ans.res.ncats; j++)
					printf("%s%s", j ? ";" : " ", cb->cats[ans.res.cats[j]].id);
			}
			if (nq > 1)
				printf("  (%s)", survey_question(sv, i)->id ? survey_question(sv, i)->id
					: survey_question(sv, i)->column);
			printf("\n");
		}
	}
	{
		size_t th = 0, ta = 0;

		printf("%s'%s'%s: answers it occurs in, per wave and role\n", listed ? "\n" : "",
			term, want_negated ? " (negated matches listed)" : "");
		for (i = 0; i < k.n; i++) {
			printf("  %-12s %-14s %6zu of %6zu  %5.1f%%\n", k.c[i].wave, k.c[i].role,
				k.c[i].hits, k.c[i].answers,
				k.c[i].answers ? 100.0 * k.c[i].hits / k.c[i].answers : 0.0);
			th += k.c[i].hits;
			ta += k.c[i].answers;
		}
		printf("  %-27s %6zu of %6zu  %5.1f%%\n", "all", th, ta, ta ? 100.0 * th / ta : 0.0);
	}
done:
	for (i = 0; i < k.n; i++) {
		free(k.c[i].wave);
		free(k.c[i].role);
	}
	free(k.c);
	for (i = 0; en && i < survey_nquestions(sv); i++)
		engine_free(en[i]);
	free(en);
	kwic_free(kw);
	normalizer_free(norm);
	engine_answer_release(&ans);
	survey_close(sv);
	if (src.loaded)
		corpus_release(&corpus);
	buf_release(&masked);
	kerr_list_release(&errs);
	return status;
}
