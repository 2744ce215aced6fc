/*
 * cmd_score.c - `koder score`: the engine's codes against the coders',
 * per category and answer by answer, each difference with its reason.
 * The comparing and explaining are score.h's; this file prints them.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "exit.h"
#include "gold.h"
#include "pii.h"
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_CODEBOOK = 256, OPT_ERRORS, OPT_MODEL, OPT_NO_MODEL, OPT_MASK, OPT_MASK_KINDS };

static const struct cli_opt opts[] = {
	{ OPT_CODEBOOK, "codebook", "CB", "the codebook to score (a file or a shipped id)" },
	CMD_GOLD_OPTS("score against"),
	{ OPT_ERRORS, "errors", "N", "list at most N wrong answers (default 30; 0 for none)" },
	{ OPT_MODEL, "model", "FILE", "code with this learned model instead of the codebook's" },
	{ OPT_NO_MODEL, "no-model", NULL, "code with the patterns alone" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the answers listed"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder score --codebook CB (--db PATH | --gold FILE...) [OPTION]...",
	"Compare the engine's codes with the coders', and say why each differs.",
	opts,
	"Every coded answer is coded again with the codebook and compared with the\n"
	"coders' codes (--db: the final decisions in the store; --gold: CSV files\n"
	"with a text and a codes column, or id,codes files with --survey).  Per\n"
	"category: how many answers the coders gave it, precision, recall, F1 and\n"
	"Cohen's kappa; then macro-F1 over every category (ingen_svar and andet\n"
	"included), the most frequent confusions, and the answers the engine got\n"
	"wrong, each missed or extra category with its reason:\n"
	"  no pattern matched         write a pattern for how this answer says it\n"
	"  cancelled by a negation    the cue word is named; set \"negation\": false\n"
	"                             or reword the pattern if it is no negation\n"
	"  vetoed by an exclude       the exclude is named\n"
	"  a pattern matched          the pattern and the words it matched\n"
	"  coded by the learned model\n"
	"  residual andet             nothing matched\n\n"
	"Examples:\n"
	"  koder score --codebook mit.json --db projekt.db\n"
	"  koder score --codebook sof-barrierer --gold kodet.csv --errors 100\n\n"
	"Exit status: 0 done, 2 wrong usage, 3 a file is missing, 4 a file has\n"
	"problems, 6 store unusable.\n"
};

static void print_text(const char *s, size_t len, unsigned mask, struct buf *tmp)
{
	size_t i;

	if (mask) {
		buf_reset(tmp);
		if (!pii_mask(s, len, mask, tmp, NULL, NULL)) {
			s = tmp->data;
			len = tmp->len;
		}
	}
	for (i = 0; i < len; i++)   /* one line per answer on the terminal */
		putchar(s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' '
			: (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i]);
}

static void print_miss(const struct codebook *cb, const struct score_error *x,
		       const struct score_miss *m, unsigned mask, struct buf *tmp)
{
	const struct codebook_category *cat = &cb->cats[m->cat];

	printf("    %s %s: %s", m->extra ? "extra" : "missed", cat->id,
		score_reason_text(m->reason));
	if (m->reason == SCORE_NEGATED && m->cue_end > m->cue_start) {
		printf(" (\"");
		print_text(x->text + m->cue_start, m->cue_end - m->cue_start, mask, tmp);
		printf("\" before \"");
		print_text(x->text + m->start, m->end - m->start, mask, tmp);
		printf("\", include[%zu])", m->pattern);
	} else if (m->reason == SCORE_EXCLUDED && m->pattern < cat->nexclude) {
		printf(": exclude[%zu] \"%s\" matched \"", m->pattern, cat->exclude[m->pattern]);
		print_text(x->text + m->start, m->end - m->start, mask, tmp);
		printf("\"");
	} else if (m->reason == SCORE_PATTERN && m->pattern < cat->ninclude) {
		printf(": include[%zu] \"%s\" matched \"", m->pattern, cat->include[m->pattern]);
		print_text(x->text + m->start, m->end - m->start, mask, tmp);
		printf("\"");
	}
	printf("\n");
}

static void fig(double v)
{
	if (isnan(v))
		printf(" %6s", "-");
	else
		printf(" %6.3f", v);
}

static void report(struct score *sc, const struct codebook *cb, size_t nlist, unsigned mask)
{
	const struct score_counts *t = score_counts(sc);
	const struct score_confusion *cf;
	const struct score_error *err;
	struct buf tmp = BUF_INIT;
	size_t c, n, i, j;

	printf("%zu coded answers, codebook %s version %s\n\n", score_answers(sc), cb->id,
		cb->version ? cb->version : "");
	printf("  %-24s %5s %6s %6s %6s %6s\n", "category", "gold", "P", "R", "F1", "kappa");
	for (c = 0; c < cb->ncats; c++) {
		double p = t[c].tp + t[c].fp ? (double)t[c].tp / (t[c].tp + t[c].fp) : 0;
		double r = t[c].tp + t[c].fn ? (double)t[c].tp / (t[c].tp + t[c].fn) : 0;

		if (!t[c].tp && !t[c].fp && !t[c].fn)
			continue;
		printf("  %-24s %5zu", cb->cats[c].id, t[c].tp + t[c].fn);
		fig(p);
		fig(r);
		fig(p + r > 0 ? 2 * p * r / (p + r) : 0);
		fig(score_kappa(&t[c]));
		printf("\n");
	}
	printf("  %-24s %5s %20s", "macro-F1", "", "");
	fig(score_macro_f1(sc));
	printf("\n");
	cf = score_confusions(sc, &n);
	printf("\nMost frequent confusions (coders' category -> engine's instead):%s\n",
		n ? "" : " none");
	for (i = 0; i < n && i < 10; i++)
		printf("  %-24s -> %-24s %5zu\n", cb->cats[cf[i].gold].id, cb->cats[cf[i].got].id,
			cf[i].n);
	err = score_errors(sc, &n);
	printf("\nAnswers coded differently: %zu\n", score_wrong(sc));
	for (i = 0; i < n && i < nlist; i++) {
		printf("  %s%s\"", err[i].id, *err[i].id ? ": " : "");
		print_text(err[i].text, strlen(err[i].text), mask, &tmp);
		printf("\"\n    coders: %s; engine: %s\n", *err[i].gold ? err[i].gold : "(none)",
			*err[i].got ? err[i].got : "(none)");
		for (j = 0; j < err[i].nmiss; j++)
			print_miss(cb, &err[i], &err[i].miss[j], mask, &tmp);
	}
	if (nlist && score_wrong(sc) > nlist)
		printf("  ... and %zu more (--errors N lists more)\n", score_wrong(sc) - nlist);
	buf_release(&tmp);
}

int cmd_gold_opt(int c, struct gold_source *src)
{
	const char **slot[] = { &src->db, &src->question, NULL, &src->text_col, &src->codes_col,
				&src->survey, &src->id_col, &src->answer_col };

	if (c < CMD_GOLD_FIRST || c > CMD_GOLD_FIRST + 7)
		return 0;
	if (c == CMD_GOLD_FIRST + 2) {
		const char **f = xrealloc((void *)src->files, (src->nfiles + 1) * sizeof *f);

		f[src->nfiles++] = optarg;
		src->files = f;
	} else {
		*slot[c - CMD_GOLD_FIRST] = optarg;
	}
	return 1;
}

const char *cmd_gold_misuse(const struct gold_source *src, const char *cbname, const char *what)
{
	static char msg[80];

	if (!cbname)
		return "which codebook? give --codebook CB";
	if (!src->db && !src->nfiles) {
		snprintf(msg, sizeof msg, "%s what? give --db PATH or --gold FILE", what);
		return msg;
	}
	if (src->survey && (!src->id_col || !src->answer_col))
		return "--survey needs --id COL and --answer COL";
	return NULL;
}

int cmd_score(int argc, char **argv)
{
	const char *cbname = NULL, *why;
	struct gold_source src = { 0 };
	size_t nlist = 30, stale = 0;
	unsigned mask = 0;
	struct kerr_list errs = KERR_LIST_INIT;
	struct engine_opts eo = { 0 };
	struct engine *en = NULL;
	struct score *sc = NULL;
	struct buf cbpath = BUF_INIT;
	struct cli_parser p;
	struct kerr e;
	int c, status = EXIT_OK;

	cli_parser_init(&p, opts);
	while ((c = cli_next(&p, argc, argv)) != -1) {
		if (cmd_gold_opt(c, &src))
			continue;
		switch (c) {
		case OPT_CODEBOOK: cbname = optarg; break;
		case OPT_MODEL: eo.model = optarg; break;
		case OPT_NO_MODEL: eo.no_model = 1; break;
		case OPT_ERRORS:
			if (cli_parse_size(optarg, &nlist)) {
				free((void *)src.files);
				return cli_misuse(&usage, "--errors wants a number, not '%s'", optarg);
			}
			break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &mask, &usage))) {
				free((void *)src.files);
				return status;
			}
			break;
		case 'h': free((void *)src.files); return cli_help(&usage);
		default: free((void *)src.files); return cli_misuse(&usage, NULL);
		}
	}
	why = optind < argc ? "unexpected argument (coded answers go with --gold FILE)"
		: cmd_gold_misuse(&src, cbname, "score against");
	if (why) {
		free((void *)src.files);
		return cli_misuse(&usage, "%s", why);
	}
	kerr_clear(&e);
	if (codebook_resolve(cbname, &cbpath, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (engine_open(cbpath.data, &eo, &en, &errs)) {
		status = cli_errors(&errs);
		goto done;
	}
	if (score_new(en, &sc, &e)) {
		status = cli_error(&e);
		goto done;
	}
	score_keep_errors(sc, nlist);   /* only those listed: flat memory */
	if (gold_read_all(&src, engine_codebook(en)->id, engine_codebook(en)->version, &stale,
			  score_add, sc, &errs)) {
		status = cli_errors(&errs);
		goto done;
	}
	cmd_note_stale(stale, engine_codebook(en)->version);
	if (!score_answers(sc)) {
		fprintf(stderr, "koder: no coded answers to score%s; code some with 'koder review' "
			"first\n", src.db ? " in the store" : "");
		status = EXIT_PROBLEMS;
		goto done;
	}
	report(sc, engine_codebook(en), nlist, mask);
done:
	score_free(sc);
	engine_free(en);
	buf_release(&cbpath);
	kerr_list_release(&errs);
	free((void *)src.files);
	return status;
}
