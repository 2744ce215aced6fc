/*
 * cmd_score.c - `koder score`: the engine's codes against the coders',
 * per category and answer by answer, each difference with its reason.
 * The comparing and explaining are score.h's; this file prints them.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
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
	{ OPT_CODEBOOK, "codebook", "CB", "the codebook to score (a file or a shipped id; default with a CORPUS: its question's)" },
	CMD_GOLD_OPTS("score against"),
	{ OPT_ERRORS, "errors", "N", "list at most N wrong answers (default 30; 0 for none)" },
	{ OPT_MODEL, "model", "FILE", "code with this learned model instead of the codebook's" },
	{ OPT_NO_MODEL, "no-model", NULL, "code with the patterns alone" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the answers listed"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder score --codebook CB (--db PATH | --gold FILE...) [OPTION]...\n"
	"koder score [--question ID] [OPTION]... CORPUS_DIR | CORPUS.json",
	"Compare the engine's codes with the coders', and say why each differs.",
	opts,
	"Every coded answer is coded again with the codebook and compared with the\n"
	"coders' codes (--db: the final decisions in the store; --gold: CSV files\n"
	"with a text and a codes column, or id,codes files with the survey that\n"
	"holds the answers).  Per category: how many answers the coders gave it,\n"
	"precision, recall, F1 and Cohen's kappa; then macro-F1 over every\n"
	"category (ingen_svar and andet included), the most frequent confusions,\n"
	"and the answers the engine got wrong, each missed or extra category with\n"
	"its reason:\n"
	"  no pattern matched         write a pattern for how this answer says it\n"
	"  cancelled by a negation    the cue word is named; set \"negation\": false\n"
	"                             or reword the pattern if it is no negation\n"
	"  vetoed by an exclude       the exclude is named\n"
	"  a pattern matched          the pattern and the words it matched\n"
	"  coded by the learned model\n"
	"  residual andet             nothing matched\n\n"
	"The survey of an id,codes file is a corpus directory or corpus.json\n"
	"(docs/corpus-format.md), whose question - the only one, or --question -\n"
	"also gives the codebook and its gold file when --codebook and --gold are\n"
	"not given; or --survey FILE with --id COL --answer COL.  A panel (the same\n"
	"respondent in several waves) needs a wave column in both: the gold file\n"
	"is then id,wave,codes and each row is matched by wave and id, the wave\n"
	"named as the descriptor names it (or as the --wave column writes it).  A\n"
	"gold file without a wave column is refused when an id answers in several\n"
	"waves: which wave's answer its codes are for cannot be told.\n\n"
	"Examples:\n"
	"  koder score --codebook mit.json --db projekt.db\n"
	"  koder score --codebook sof-barrierer --gold kodet.csv --errors 100\n"
	"  koder score corpora/panel\n"
	"  koder score --codebook cb.json --gold gold.csv --survey long.sav --id RespID \\\n"
	"      --wave Runde --answer Svar\n\n"
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

int cmd_gold_opt(int c, struct cmd_gold *g)
{
	struct gold_source *src = &g->src;
	const char **slot[] = { &src->db, &src->question, NULL, &src->text_col, &src->codes_col,
				&g->survey.source, &g->survey.id, &g->survey.text, &g->survey.wave };

	if (c < CMD_GOLD_FIRST || c > CMD_GOLD_FIRST + 8)
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

/* The survey is a corpus: its question (--question, else its only one)
 * gives the answer column, and the codebook and gold file the options
 * left out. */
static int gold_corpus(struct cmd_gold *g, const char *what, const struct cli_usage *u)
{
	const struct corpus_question *q;
	int status = 0;

	g->survey.question = g->src.question;
	g->survey.codebook_optional = 1;   /* --answer names a column, not a question */
	if ((status = cmd_load_source(&g->survey, g->corpus, u)))
		return status;
	if (!(q = cmd_one_question(g->corpus, g->survey.question, u, &status)))
		return status;
	g->src.survey_question = q->id ? q->id : q->column;
	if (g->src.db && !g->src.question)   /* review stores it under the corpus's id */
		g->src.question = g->src.survey_question;
	if (!g->codebook && q->codebook) {
		corpus_resolve(g->corpus, q->codebook, &g->cbpath);
		g->codebook = g->cbpath.data;
	}
	if (!g->src.nfiles && !g->src.db) {
		const char **f = xrealloc((void *)g->src.files, sizeof *f);

		if (!q->gold)
			return cli_misuse(u, "question %s of corpus %s names no gold file: %s what? "
					  "give --gold FILE or --db PATH", g->src.survey_question,
					  g->corpus->name ? g->corpus->name : g->corpus->dir, what);
		corpus_resolve(g->corpus, q->gold, &g->goldpath);
		f[0] = g->goldpath.data;
		g->src.files = f;
		g->src.nfiles = 1;
	}
	return 0;
}

int cmd_gold_setup(struct cmd_gold *g, const char *what, const struct cli_usage *u)
{
	const char *sv = g->survey.source;
	int status;

	g->corpus = xcalloc(1, sizeof *g->corpus);
	if (sv && cmd_is_corpus(sv)) {
		if ((status = gold_corpus(g, what, u)))
			return status;
		g->src.survey = g->corpus;
	} else if (sv) {
		if (!g->survey.id || !g->survey.text)
			return cli_misuse(u, "--survey needs --id COL and --answer COL (or give the "
					  "survey's corpus directory)");
		cmd_survey_corpus(g->corpus, sv, g->survey.text, g->survey.id, g->survey.wave, NULL);
		g->survey.loaded = 1;
		g->src.survey = g->corpus;
	}
	if (!g->codebook)
		return cli_misuse(u, "which codebook? give --codebook CB");
	if (!g->src.db && !g->src.nfiles)
		return cli_misuse(u, "%s what? give --db PATH or --gold FILE", what);
	return 0;
}

void cmd_gold_release(struct cmd_gold *g)
{
	if (g->corpus && g->survey.loaded)
		corpus_release(g->corpus);
	free(g->corpus);
	free((void *)g->src.files);
	buf_release(&g->cbpath);
	buf_release(&g->goldpath);
	memset(g, 0, sizeof *g);
}

int cmd_score(int argc, char **argv)
{
	const char *operand;
	struct cmd_gold g;
	size_t nlist = 30, stale = 0;
	unsigned mask = 0;
	struct kerr_list errs = KERR_LIST_INIT;
	struct engine_opts eo = { 0 };
	struct engine *en = NULL;
	struct score *sc = NULL;
	struct buf cbpath = BUF_INIT;
	struct cli_parser p;
	struct kerr e;
	int c, status = EXIT_OK, rest = 0;

	memset(&g, 0, sizeof g);
	cli_parser_init(&p, opts);
	/* options may follow the corpus, as with tally and words */
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		if (cmd_gold_opt(c, &g))
			continue;
		switch (c) {
		case 0:
			if (g.survey.source || !cmd_is_corpus(operand)) {
				status = cli_misuse(&usage, "unexpected argument '%s': give one corpus "
						    "directory or corpus.json (a survey file goes with "
						    "--survey FILE, coded answers with --gold FILE)",
						    operand);
				goto done;
			}
			g.survey.source = operand;
			break;
		case OPT_CODEBOOK: g.codebook = optarg; break;
		case OPT_MODEL: eo.model = optarg; break;
		case OPT_NO_MODEL: eo.no_model = 1; break;
		case OPT_ERRORS:
			if (cli_parse_size(optarg, &nlist)) {
				status = cli_misuse(&usage, "--errors wants a number, not '%s'", optarg);
				goto done;
			}
			break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &mask, &usage)))
				goto done;
			break;
		case 'h': status = cli_help(&usage); goto done;
		default: status = cli_misuse(&usage, NULL); goto done;
		}
	}
	if ((status = cmd_gold_setup(&g, "score against", &usage)))
		goto done;
	kerr_clear(&e);
	if (codebook_resolve(g.codebook, &cbpath, &e)) {
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
	if (gold_read_all(&g.src, engine_codebook(en)->id, engine_codebook(en)->version, &stale,
			  score_add, sc, &errs)) {
		status = cli_errors(&errs);
		goto done;
	}
	cmd_note_stale(stale, engine_codebook(en)->version);
	if (!score_answers(sc)) {
		fprintf(stderr, "koder: no coded answers to score%s; code some with 'koder review' "
			"first\n", g.src.db ? " in the store" : "");
		status = EXIT_PROBLEMS;
		goto done;
	}
	report(sc, engine_codebook(en), nlist, mask);
done:
	score_free(sc);
	engine_free(en);
	buf_release(&cbpath);
	kerr_list_release(&errs);
	cmd_gold_release(&g);
	return status;
}
