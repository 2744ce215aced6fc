/*
 * cmd_words.c - `koder words`: the words and phrases of a question's
 * answers by Danish stem, over all answers or a part of them (uncoded,
 * andet, one category, a wave, a role), and what one group says more than
 * the rest.  Counting and keyness are words.h's.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
#include "engine.h"
#include "error.h"
#include "exit.h"
#include "normalize.h"
#include "rules.h"
#include "survey.h"
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { OPT_SOURCE = 256, OPT_FROM = OPT_SOURCE + 6, OPT_WAVE, OPT_ROLE, OPT_KEY, OPT_TOP,
       OPT_MIN, OPT_N, OPT_ALL, OPT_NO_STEM };

static const struct cli_opt opts[] = {
	CMD_SOURCE_OPTS(OPT_SOURCE, "the question of the corpus (default: the first)",
			"the codebook for --from and code=ID"),
	{ OPT_FROM, "from", "WHICH", "all (default), uncoded, andet, or a category id" },
	{ OPT_WAVE, "in-wave", "NAME", "only answers of this wave" },
	{ OPT_ROLE, "in-role", "NAME", "only answers of this role" },
	{ OPT_KEY, "keyness", "WHO", "what a group says more than the rest: wave=NAME, role=NAME or code=ID" },
	{ OPT_TOP, "top", "N", "show N terms (default 40)" },
	{ OPT_MIN, "min", "N", "only terms said in at least N answers (default 2)" },
	{ OPT_N, "phrases", "N", "longest phrase in words, 1 to 3 (default 3)" },
	{ OPT_ALL, "all-words", NULL, "keep everyday words (og, det, ikke ...) as terms" },
	{ OPT_NO_STEM, "no-stem", NULL, "count forms as written, not by stem" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder words (CORPUS | SURVEY.csv --text COL) [OPTION]...",
	"Count the words and phrases of the answers, by stem, and find key ones.",
	opts,
	"Words and two- and three-word phrases are counted once per answer, on the\n"
	"repaired text, grouped by their Danish stem (Snowball), with the form\n"
	"written most often.  --from picks the answers: every one, those no category\n"
	"coded (uncoded, or andet) or those coded to one category; --in-wave and\n"
	"--in-role narrow them.  --keyness ranks the terms that a group of those\n"
	"answers says more often than the others by log-likelihood (G2; above 3.84\n"
	"is p < 0.05, above 10.83 p < 0.001): what leaders say that employees do\n"
	"not is --keyness role=Leder.  'koder kwic TERM' shows a term in context.\n\n"
	"Examples:\n"
	"  koder words corpora/sof --question barrierer --from andet\n"
	"  koder words corpora/sof --question barrierer --keyness role=Leder\n\n"
	"Exit status: 0 done, 2 wrong usage, 3 a file is missing, 4 a file has\n"
	"problems.\n"
};

struct run {
	struct words *w;
	const char *from, *in_wave, *in_role;
	int kkind;               /* --keyness: 1 wave, 2 role, 3 code */
	const char *kval;
	long from_cat, key_cat;
};

/* One answer of the first question: counted in the group or the rest,
 * unless --from, --in-wave or --in-role leave it out. */
static int one(void *ctx, struct cmd_answer *x)
{
	struct run *r = ctx;
	const struct rules_result *res = &x->ans->res;
	int group = 1;
	struct kerr e;

	if ((r->in_wave && strcasecmp(x->row->wave, r->in_wave))
	    || (r->in_role && strcasecmp(x->row->role, r->in_role)))
		return 0;
	if (x->en) {
		int coded_any = !res->residual && !res->uncoded;

		if (res->nonsubstantive || (!strcmp(r->from, "uncoded") && coded_any)
		    || (r->from_cat >= 0 && !rules_result_has(res, (size_t)r->from_cat)))
			return 0;
	}
	if (r->kkind == 1)
		group = !strcasecmp(x->row->wave, r->kval);
	else if (r->kkind == 2)
		group = !strcasecmp(x->row->role, r->kval);
	else if (r->kkind == 3)
		group = rules_result_has(res, (size_t)r->key_cat);
	if (words_add(r->w, x->ans->n.text.data, x->ans->n.text.len, group, &e))
		return cli_error(&e);
	return 0;
}

int cmd_words(int argc, char **argv)
{
	struct cmd_source src = { 0 };
	struct cmd_answers a = { 0 };
	struct run r = { 0 };
	const char *operand = NULL, *key = NULL;
	char *cbarg = NULL;
	size_t top = 40, min = 2, phrases = 3, n, i;
	int c, status = EXIT_OK, rest = 0;
	struct words_opts wo = { 0 };
	struct cli_parser p;
	struct kerr e;

	r.from = "all";
	r.from_cat = r.key_cat = -1;
	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		if (cmd_source_opt(&src, OPT_SOURCE, c, optarg, &cbarg))
			continue;
		switch (c) {
		case 0:
			if (src.source) {
				free(cbarg);
				return cli_misuse(&usage, "unexpected argument '%s'", operand);
			}
			src.source = operand;
			break;
		case OPT_FROM: r.from = optarg; break;
		case OPT_WAVE: r.in_wave = optarg; break;
		case OPT_ROLE: r.in_role = optarg; break;
		case OPT_KEY: key = optarg; break;
		case OPT_ALL: wo.all_words = 1; break;
		case OPT_NO_STEM: wo.no_stem = 1; break;
		case OPT_TOP:
		case OPT_MIN:
		case OPT_N: {
			size_t v;

			if (cli_parse_size(optarg, &v) || (c == OPT_N && (v < 1 || v > 3))) {
				free(cbarg);
				return cli_misuse(&usage, "--%s wants a number%s, not '%s'",
						  c == OPT_TOP ? "top" : c == OPT_MIN ? "min" : "phrases",
						  c == OPT_N ? " from 1 to 3" : "", optarg);
			}
			*(c == OPT_TOP ? &top : c == OPT_MIN ? &min : &phrases) = v;
			break;
		}
		case 'h': free(cbarg); return cli_help(&usage);
		default: free(cbarg); return cli_misuse(&usage, NULL);
		}
	}
	if (!src.source) {
		free(cbarg);
		return cli_misuse(&usage, "which answers? give a CORPUS or a SURVEY.csv with --text COL");
	}
	if (key) {
		r.kval = strchr(key, '=');
		r.kkind = !r.kval ? 0 : !strncmp(key, "wave=", 5) ? 1 : !strncmp(key, "role=", 5) ? 2
			: !strncmp(key, "code=", 5) ? 3 : 0;
		if (!r.kkind || !r.kval[1]) {
			free(cbarg);
			return cli_misuse(&usage, "--keyness wants wave=NAME, role=NAME or code=ID, "
					  "not '%s'", key);
		}
		r.kval++;
	}
	wo.max_n = (int)phrases;
	src.codebook_optional = 1;
	a.first_only = 1;
	a.code = 1;
	if ((status = cmd_answers_open(&a, &src, &usage)))
		goto done;
	if (a.en[0]) {
		const struct codebook *cb = engine_codebook(a.en[0]);

		if (strcmp(r.from, "all") && strcmp(r.from, "uncoded")
		    && (r.from_cat = codebook_find(cb, r.from)) < 0) {
			status = cli_misuse(&usage, "--from: '%s' is not a category of %s", r.from,
					    cb->id);
			goto done;
		}
		if (r.kkind == 3 && (r.key_cat = codebook_find(cb, r.kval)) < 0) {
			status = cli_misuse(&usage, "--keyness: '%s' is not a category of %s", r.kval,
					    cb->id);
			goto done;
		}
	} else if (strcmp(r.from, "all") || r.kkind == 3) {
		status = cli_misuse(&usage, "--from %s and --keyness code= need the question's "
				    "codebook: give --codebook CB", r.from);
		goto done;
	}
	kerr_clear(&e);
	if (words_new(&wo, &r.w, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if ((status = cmd_each_answer(&a, one, &r)))
		goto done;
	{
		const struct words_term *t = words_top(r.w, r.kkind != 0, min, top, &n);
		size_t na[2];

		words_answers(r.w, na);
		if (r.kkind) {
			printf("%zu answers with %s, %zu without: terms they say more often\n\n",
				na[1], key, na[0]);
			printf("  %-32s %7s %7s %8s  %s\n", "term (stems)", "group", "rest", "G2", "form");
			for (i = 0; t && i < n; i++) {
				fputs("  ", stdout);
				cli_put_padded(t[i].term, 32);
				printf(" %7zu %7zu %8.1f  %s\n", t[i].df[1], t[i].df[0],
					t[i].g2, t[i].form ? t[i].form : "");
			}
		} else {
			printf("%zu answers (%s%s%s%s%s)\n\n", na[1], r.from,
				r.in_wave ? ", wave " : "", r.in_wave ? r.in_wave : "",
				r.in_role ? ", role " : "", r.in_role ? r.in_role : "");
			printf("  %-32s %7s %6s  %s\n", "term (stems)", "answers", "share", "form");
			for (i = 0; t && i < n; i++) {
				fputs("  ", stdout);
				cli_put_padded(t[i].term, 32);
				printf(" %7zu %5.1f%%  %s\n", t[i].df[1],
					na[1] ? 100.0 * t[i].df[1] / na[1] : 0.0,
					t[i].form ? t[i].form : "");
			}
		}
	}
done:
	words_free(r.w);
	cmd_answers_close(&a);
	free(cbarg);
	return status;
}
