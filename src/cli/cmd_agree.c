/*
 * cmd_agree.c - `koder agree`: how far coders agree with each other and the
 * engine with each coder, per category, and which answers they disagree on.
 * The statistics are agree.h's; this file prints them.
 */
#include "agree.h"
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "error.h"
#include "pii.h"
#include "project.h"
#include "store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_DB = 256, OPT_QUESTION, OPT_LIST, OPT_MASK, OPT_MASK_KINDS };

static const struct cli_opt opts[] = {
	{ OPT_DB, "db", "PATH", "the project store (default: koder.db)" },
	{ OPT_QUESTION, "question", "ID", "the question (default: every question in the store)" },
	{ OPT_LIST, "list", "N", "list at most N disagreements per question (default 50)" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the ids, waves and roles listed"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder agree [--db PATH] [--question ID] [--list N]",
	"Report agreement between coders, and between the engine and each coder.",
	opts,
	"Each category is judged as a yes/no question: was the answer coded to it?\n"
	"For every pair of coders, on the answers both coded: percent agreement and\n"
	"Cohen's kappa.  Across all coders: Krippendorff's alpha (nominal), which\n"
	"allows answers coded by some coders only.  'code set' treats each answer's\n"
	"whole set of codes as one value.  The engine's suggestions are compared\n"
	"with each coder the same way, so weak categories of the codebook show.\n"
	"Adjudications ('koder review --adjudicate') are final decisions, not a\n"
	"coder's own coding, and are left out of the figures.  A kappa or alpha\n"
	"shown as '-' is undefined (no variation in the codes).\n\n"
	"The disagreements are listed by respondent id, wave, role and codes, never\n"
	"with the answer text; --mask replaces personal data in the ids, waves and\n"
	"roles, as every other command masks them.\n\n"
	"Exit status: 0 done, 2 wrong usage, 3 no store, 6 store unusable.\n"
};

static void fig(double v, int pct)
{
	if (isnan(v))
		printf(pct ? "  %6s" : "  %6s", "-");
	else if (pct)
		printf("  %5.1f%%", 100 * v);
	else
		printf("  %6.3f", v);
}

static void print_pair(const struct agree_report *r, const struct codebook *cb,
	const struct agree_pair *p)
{
	size_t k;

	printf("\n%s vs %s: %zu answer%s coded by both\n", r->raters[p->a], r->raters[p->b],
		p->n, p->n == 1 ? "" : "s");
	if (!p->n)
		return;
	printf("  %-24s  %7s  %6s\n", "category", "agree", "kappa");
	for (k = 0; k < cb->ncats; k++) {
		printf("  %-24s", cb->cats[k].id);
		fig(p->percent[k], 1);
		fig(p->kappa[k], 0);
		printf("\n");
	}
	printf("  %-24s", "code set");
	fig(p->set_percent, 1);
	fig(p->set_kappa, 0);
	printf("\n");
}

static int report(struct store *s, const char *question, size_t list, unsigned mask)
{
	struct buf m[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
	struct kerr_list errs = KERR_LIST_INIT;
	struct agree_report *r = NULL;
	struct codebook *cb = NULL;
	struct kerr e;
	size_t i, k;
	int status;

	kerr_clear(&e);
	if (project_codebook_of(s, question, &cb, &errs)) {
		status = cli_errors(&errs);
		kerr_list_release(&errs);
		return status;
	}
	kerr_list_release(&errs);
	if (agree_compute(s, question, cb, &r, &e)) {
		codebook_free(cb);
		return cli_error(&e);
	}
	printf("Agreement on %s (codebook %s version %s): %zu answers, %zu coder%s, "
		"%zu answer%s coded by two or more\n", question, cb->id,
		cb->version ? cb->version : "", r->answers, r->ncoders,
		r->ncoders == 1 ? "" : "s", r->units, r->units == 1 ? "" : "s");
	if (r->ncoders >= 2) {
		printf("\nKrippendorff's alpha across coders (nominal)\n");
		printf("  %-24s  %6s  %6s\n", "category", "alpha", "units");
		for (k = 0; k < cb->ncats; k++) {
			printf("  %-24s", cb->cats[k].id);
			fig(r->alpha[k], 0);
			printf("  %6zu\n", r->alpha_units[k]);
		}
		printf("  %-24s", "code set");
		fig(r->set_alpha, 0);
		printf("  %6zu\n", r->units);
	}
	for (i = 0; i < r->npairs; i++)
		print_pair(r, cb, &r->pairs[i]);
	printf("\nDisagreements between coders: %zu\n", r->ndis);
	for (i = 0; i < r->ndis && i < list; i++) {
		/* an id can be a CPR number: --mask masks what is shown */
		const char *id = pii_cell(r->dis[i].respondent, mask, &m[0], NULL);
		const char *wave = pii_cell(r->dis[i].wave, mask, &m[1], NULL);
		const char *role = pii_cell(r->dis[i].role, mask, &m[2], NULL);

		printf("  %s (%s, %s): %s%s%s\n", id ? id : "?", wave ? wave : "?",
			role ? role : "?", r->dis[i].codes, r->dis[i].final ? " -> adjudicated: " : "",
			r->dis[i].final ? r->dis[i].final : "");
	}
	for (i = 0; i < 3; i++)
		buf_release(&m[i]);
	if (r->ndis > list)
		printf("  ... and %zu more (--list N shows more)\n", r->ndis - list);
	agree_free(r);
	codebook_free(cb);
	return EXIT_OK;
}

struct qnames {
	char **q;
	size_t n;
};

static int add_question(void *ctx, const char *question, const char *codebook_id)
{
	struct qnames *l = ctx;

	(void)codebook_id;
	l->q = xrealloc(l->q, (l->n + 1) * sizeof(*l->q));
	l->q[l->n++] = xstrdup(question);
	return 0;
}

int cmd_agree(int argc, char **argv)
{
	const char *db = "koder.db", *question = NULL;
	struct qnames l = { NULL, 0 };
	struct cli_parser p;
	struct store *s = NULL;
	struct kerr e;
	size_t list = 50, i;
	unsigned mask = 0;
	int c, status = EXIT_OK;

	cli_parser_init(&p, opts);
	while ((c = cli_next(&p, argc, argv)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_QUESTION: question = optarg; break;
		case OPT_LIST:
			if (cli_parse_size(optarg, &list))
				return cli_misuse(&usage, "--list wants a number, not '%s'", optarg);
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
	if (optind < argc)
		return cli_misuse(&usage, "unexpected argument '%s'", argv[optind]);
	kerr_clear(&e);
	if (store_open(&s, db, STORE_READONLY, &e))
		return cli_error(&e);
	if (question)
		add_question(&l, question, NULL);
	else if (store_each_question(s, add_question, &l, &e))
		status = cli_error(&e);
	for (i = 0; i < l.n && !status; i++) {
		if (i)
			printf("\n");
		status = report(s, l.q[i], list, mask);
	}
	for (i = 0; i < l.n; i++)
		free(l.q[i]);
	free(l.q);
	store_close(s);
	return status;
}
