/*
 * cmd_train.c - `koder train`: fit a codebook's learned word model from the
 * coders' decisions (a project store) or from files of coded answers, show
 * what it does on held-out folds, and write it unless it makes the
 * patterns' results worse.  The fitting and measuring are train.h's.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "engine.h"
#include "error.h"
#include "exit.h"
#include "gold.h"
#include "outfile.h"
#include "train.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_CODEBOOK = 256, OPT_FOLDS, OPT_SEED, OPT_C };

static const struct cli_opt opts[] = {
	{ OPT_CODEBOOK, "codebook", "CB", "the codebook the model is for (a file or a shipped id)" },
	CMD_GOLD_OPTS("learn from"),
	{ 'o', "output", "FILE", "write the model here (default: only measure)" },
	{ OPT_FOLDS, "folds", "K", "cross-validation folds (default 5)" },
	{ OPT_SEED, "seed", "N", "how the answers are dealt into folds (default 1)" },
	{ OPT_C, "C", "X", "regularisation (default: the best of 0.3, 1, 3, 10, 30 by cross-validation)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder train --codebook CB (--db PATH | --gold FILE...) [-o MODEL] [OPTION]...",
	"Learn a codebook's word model from coded answers, and say whether it helps.",
	opts,
	"The model codes what the patterns miss: an answer no pattern coded, a\n"
	"category the patterns did not see, or a pattern's hit that the answer as a\n"
	"whole contradicts.  It is learned from the coders' decisions (--db) or\n"
	"from CSV files with a text and a codes column (--gold; codes are category\n"
	"ids or labels joined by ';'); a --gold file of id,codes rows takes its\n"
	"answers from the --survey (a file with --id and --answer, or a corpus\n"
	"directory), matched as 'koder score' matches them: a panel's gold file is\n"
	"id,wave,codes, with --wave COL.  The codebook's examples, and each category's\n"
	"label with its description, are learned from too (never scored).\n\n"
	"The answers are dealt into K folds (under 1,000 answers: three times,\n"
	"shuffled anew); each fold is coded by a model learned from the others,\n"
	"and the thresholds that decide when the model may add,\n"
	"replace or drop a code are chosen on those held-out codes.  The table\n"
	"shows precision, recall and F1 per category on the held-out folds, for\n"
	"the patterns alone and with the model, and macro-F1 over every category\n"
	"(ingen_svar and andet included).  With -o the model is learned from every\n"
	"answer and written, unless it does worse than the patterns alone; then\n"
	"nothing is written.  Use the model with the codebook's \"model\" key or\n"
	"'koder code --model FILE'.\n\n"
	"Examples:\n"
	"  koder train --codebook mit.json --db projekt.db -o mit.model\n"
	"  koder train --codebook sof-barrierer --gold kodet.csv\n\n"
	"Exit status: 0 done (model written or only measured), 1 the model does\n"
	"not beat the patterns and was not written, 2 wrong usage, 3 a file is\n"
	"missing, 4 a file has problems, 5 the model could not be written,\n"
	"6 store unusable.\n"
};

static void row(const char *id, const struct train_counts *a, const struct train_counts *b,
		size_t reps)
{
	const struct train_counts *t[2] = { a, b };
	int i;

	/* the counts are summed over the repeated cross-validations; each
	 * answer is in every one, so the coders' count is the sum over reps */
	printf("  %-24s %5zu", id, (a->tp + a->fn) / (reps ? reps : 1));
	for (i = 0; i < 2; i++) {
		double p = t[i]->tp + t[i]->fp ? (double)t[i]->tp / (t[i]->tp + t[i]->fp) : 0;
		double r = t[i]->tp + t[i]->fn ? (double)t[i]->tp / (t[i]->tp + t[i]->fn) : 0;
		double f = p + r > 0 ? 2 * p * r / (p + r) : 0;

		printf("   %5.3f %5.3f %5.3f", p, r, f);
	}
	printf("\n");
}

static void print_report(const struct codebook *cb, const struct train_report *rep)
{
	size_t c;

	if (rep->nseen > rep->nanswers)
		printf("%zu coded answers, learning from a random %zu of them, held-out figures "
		       "on %zu\n", rep->nseen, rep->nanswers, rep->ncv);
	else if (rep->nanswers > rep->ncv)
		printf("%zu coded answers, held-out figures on a random %zu of them\n",
		       rep->nanswers, rep->ncv);
	printf("%zu coded answers, %zu words and phrases, %zu folds", rep->nanswers,
	       rep->nfeatures, rep->folds);
	if (rep->reps > 1)
		printf(" shuffled %zu times", rep->reps);
	printf(", C = %g\n", rep->C);
	printf("held-out figures        %6s   %-17s   %s\n", "", "patterns alone", "with the model");
	printf("  %-24s %5s   %5s %5s %5s   %5s %5s %5s\n", "category", "gold", "P", "R", "F1",
		"P", "R", "F1");
	for (c = 0; c < cb->ncats; c++) {
		const struct train_counts *a = &rep->patterns[c], *b = &rep->model[c];

		if (a->tp + a->fp + a->fn + b->tp + b->fp + b->fn)
			row(cb->cats[c].id, a, b, rep->reps);
	}
	printf("  %-24s %5s   %17.3f   %17.3f\n", "macro-F1", "", rep->macro_patterns,
		rep->macro_model);
	printf("thresholds: residual %g, add %g, no answer %g, andet %g, weak %g, top %g, "
	       "lean %g\n", rep->th[0], rep->th[1], rep->th[2], rep->th[3], rep->th[4],
	       rep->th[5], rep->th[6]);
	if (rep->th[7] <= 1)
		printf("rescue: a no-answer phrase's answer gets its likeliest category at %g\n",
		       rep->th[7]);
}

int cmd_train(int argc, char **argv)
{
	const char *out = NULL;
	struct cmd_gold g;
	size_t stale = 0;
	struct train_opts to = { 5, 1, 0, 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct engine_opts eo = { 0 };
	struct engine *en = NULL;
	struct train_set *set = NULL;
	struct train_report rep;
	struct buf cbpath = BUF_INIT, model = BUF_INIT;
	struct outfile of = { 0 };
	struct cli_parser p;
	struct kerr e;
	int c, status = EXIT_OK;

	memset(&rep, 0, sizeof rep);
	memset(&g, 0, sizeof g);
	cli_parser_init(&p, opts);
	while ((c = cli_next(&p, argc, argv)) != -1) {
		if (cmd_gold_opt(c, &g))
			continue;
		switch (c) {
		case OPT_CODEBOOK: g.codebook = optarg; break;
		case 'o': out = optarg; break;
		case OPT_FOLDS:
			if (cli_parse_size(optarg, &to.folds) || to.folds < 2 || to.folds > 100) {
				cmd_gold_release(&g);
				return cli_misuse(&usage, "--folds wants a number from 2 to 100, not '%s'",
						  optarg);
			}
			break;
		case OPT_SEED: {
			size_t v;

			if (cli_parse_size(optarg, &v)) {
				cmd_gold_release(&g);
				return cli_misuse(&usage, "--seed wants a number, not '%s'", optarg);
			}
			to.seed = v;
			break;
		}
		case OPT_C: {
			char *end;

			to.C = strtod(optarg, &end);
			if (*end || !(to.C > 0 && to.C <= 1000)) {
				cmd_gold_release(&g);
				return cli_misuse(&usage, "--C wants a number above 0 and at most 1000, "
						  "not '%s'", optarg);
			}
			break;
		}
		case 'h': cmd_gold_release(&g); return cli_help(&usage);
		default: cmd_gold_release(&g); return cli_misuse(&usage, NULL);
		}
	}
	if (optind < argc) {
		cmd_gold_release(&g);
		return cli_misuse(&usage, "unexpected argument '%s' (coded answers go with --gold "
				  "FILE)", argv[optind]);
	}
	if ((status = cmd_gold_setup(&g, "learn from", &usage)))
		goto done;
	kerr_clear(&e);
	eo.no_model = 1;   /* the model is fitted for what the patterns leave */
	if (codebook_resolve(g.codebook, &cbpath, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (engine_open(cbpath.data, &eo, &en, &errs)) {
		status = cli_errors(&errs);
		goto done;
	}
	if (train_set_new(en, &set, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (gold_read_all(&g.src, engine_codebook(en)->id, engine_codebook(en)->version, &stale,
			  train_set_add_gold, set, &errs)) {
		status = cli_errors(&errs);
		goto done;
	}
	cmd_note_stale(stale, engine_codebook(en)->version);
	if (train_fit(set, &to, &rep, out ? &model : NULL, &e)) {
		status = cli_error(&e);
		goto done;
	}
	print_report(engine_codebook(en), &rep);
	if (rep.refused) {
		fprintf(stderr, "koder: the model does worse than the patterns alone on held-out "
			"answers (macro-F1 %.3f against %.3f)%s; code more answers, or improve "
			"the patterns with 'koder score'\n", rep.macro_model, rep.macro_patterns,
			out ? ": nothing was written" : "");
		status = EXIT_PROBLEMS;
		goto done;
	}
	if (out) {
		if (outfile_open(&of, out, &e)
		    || fwrite(model.data, 1, model.len, of.fp) != model.len
		    || outfile_commit(&of, &e)) {
			if (!e.code)
				kerr_errno(&e, EIO, out, "cannot write the model");
			outfile_abort(&of);
			status = cli_error(&e);
			goto done;
		}
		printf("model: %s (%zu of %zu words and phrases kept)\n", out, rep.nwritten,
			rep.nfeatures);
	}
done:
	train_report_release(&rep);
	train_set_free(set);
	engine_free(en);
	buf_release(&cbpath);
	buf_release(&model);
	kerr_list_release(&errs);
	cmd_gold_release(&g);
	return status;
}
