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

enum { OPT_QUESTION = 256, OPT_TEXT, OPT_ID, OPT_WAVE_COL, OPT_ROLE_COL, OPT_CODEBOOK,
       OPT_FROM, OPT_WAVE, OPT_ROLE, OPT_KEY, OPT_TOP, OPT_MIN, OPT_N, OPT_ALL, OPT_NO_STEM };

static const struct cli_opt opts[] = {
	{ OPT_QUESTION, "question", "ID", "the question of the corpus (default: the first)" },
	{ OPT_FROM, "from", "WHICH", "all (default), uncoded, andet, or a category id" },
	{ OPT_WAVE, "in-wave", "NAME", "only answers of this wave" },
	{ OPT_ROLE, "in-role", "NAME", "only answers of this role" },
	{ OPT_KEY, "keyness", "WHO", "what a group says more than the rest: wave=NAME, role=NAME or code=ID" },
	{ OPT_TOP, "top", "N", "show N terms (default 40)" },
	{ OPT_MIN, "min", "N", "only terms said in at least N answers (default 2)" },
	{ OPT_N, "phrases", "N", "longest phrase in words, 1 to 3 (default 3)" },
	{ OPT_ALL, "all-words", NULL, "keep everyday words (og, det, ikke ...) as terms" },
	{ OPT_NO_STEM, "no-stem", NULL, "count forms as written, not by stem" },
	{ OPT_TEXT, "text", "COL", "the answer column of a bare SURVEY.csv" },
	{ OPT_ID, "id", "COL", "the respondent id column" },
	{ OPT_WAVE_COL, "wave", "COL", "the wave column" },
	{ OPT_ROLE_COL, "role", "COL", "the role column" },
	{ OPT_CODEBOOK, "codebook", "CB", "the codebook for --from and code=ID" },
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

int cmd_words(int argc, char **argv)
{
	struct cmd_source src = { 0 };
	const char *from = "all", *in_wave = NULL, *in_role = NULL, *key = NULL;
	const char *cbname = NULL, *operand = NULL, *kval = NULL;
	size_t top = 40, min = 2, phrases = 3, n, i, qi = 0;
	int c, status = EXIT_OK, rest = 0, kkind = 0;   /* 1 wave, 2 role, 3 code */
	long from_cat = -1, key_cat = -1;
	struct words_opts wo = { 0 };
	struct corpus corpus;
	struct survey_opts so = { 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct survey *sv = NULL;
	struct survey_row row;
	struct engine *en = NULL;
	struct normalizer *norm = NULL;
	struct engine_answer ans;
	struct normalized nr;
	struct words *w = NULL;
	struct cli_parser p;
	struct kerr e;

	memset(&corpus, 0, sizeof corpus);
	engine_answer_init(&ans);
	normalized_init(&nr);
	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (c) {
		case 0:
			if (src.source)
				return cli_misuse(&usage, "unexpected argument '%s'", operand);
			src.source = operand;
			break;
		case OPT_QUESTION: src.question = optarg; break;
		case OPT_TEXT: src.text = optarg; break;
		case OPT_ID: src.id = optarg; break;
		case OPT_WAVE_COL: src.wave = optarg; break;
		case OPT_ROLE_COL: src.role = optarg; break;
		case OPT_CODEBOOK: cbname = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_WAVE: in_wave = optarg; break;
		case OPT_ROLE: in_role = optarg; break;
		case OPT_KEY: key = optarg; break;
		case OPT_ALL: wo.all_words = 1; break;
		case OPT_NO_STEM: wo.no_stem = 1; break;
		case OPT_TOP:
		case OPT_MIN:
		case OPT_N: {
			size_t v;

			if (cli_parse_size(optarg, &v) || (c == OPT_N && (v < 1 || v > 3)))
				return cli_misuse(&usage, "--%s wants a number%s, not '%s'",
						  c == OPT_TOP ? "top" : c == OPT_MIN ? "min" : "phrases",
						  c == OPT_N ? " from 1 to 3" : "", optarg);
			*(c == OPT_TOP ? &top : c == OPT_MIN ? &min : &phrases) = v;
			break;
		}
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (!src.source)
		return cli_misuse(&usage, "which answers? give a CORPUS or a SURVEY.csv with --text COL");
	if (key) {
		kval = strchr(key, '=');
		kkind = !kval ? 0 : !strncmp(key, "wave=", 5) ? 1 : !strncmp(key, "role=", 5) ? 2
			: !strncmp(key, "code=", 5) ? 3 : 0;
		if (!kkind || !kval[1])
			return cli_misuse(&usage, "--keyness wants wave=NAME, role=NAME or code=ID, "
					  "not '%s'", key);
		kval++;
	}
	wo.max_n = (int)phrases;
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
	{
		const struct corpus_question *q = survey_question(sv, qi);
		const char *book = cbname ? cbname : q->codebook;
		int need_codes = strcmp(from, "all") || kkind == 3;

		if (book) {
			struct buf path = BUF_INIT;
			struct engine_opts eo = { 0 };

			if (cbname)
				buf_adds(&path, book);
			else
				corpus_resolve(&corpus, book, &path);
			if (engine_open(path.data, &eo, &en, &errs)) {
				buf_release(&path);
				status = cli_errors(&errs);
				goto done;
			}
			buf_release(&path);
		} else if (need_codes) {
			status = cli_misuse(&usage, "--from %s and --keyness code= need the question's "
					    "codebook: give --codebook CB", from);
			goto done;
		}
		if (en) {
			const struct codebook *cb = engine_codebook(en);

			if (strcmp(from, "all") && strcmp(from, "uncoded")
			    && (from_cat = codebook_find(cb, from)) < 0) {
				status = cli_misuse(&usage, "--from: '%s' is not a category of %s",
						    from, cb->id);
				goto done;
			}
			if (kkind == 3 && (key_cat = codebook_find(cb, kval)) < 0) {
				status = cli_misuse(&usage, "--keyness: '%s' is not a category of %s",
						    kval, cb->id);
				goto done;
			}
		} else if (normalizer_new(&norm, NULL, &e)) {
			status = cli_error(&e);
			goto done;
		}
	}
	if (words_new(&wo, &w, &e)) {
		status = cli_error(&e);
		goto done;
	}
	for (;;) {
		int rc = survey_next(sv, &row, &e), group = 1, coded_any;
		const char *text;
		size_t len;

		if (rc == SURVEY_END)
			break;
		if (rc < 0) {
			status = cli_error(&e);
			if (rc != -KERR_SYNTAX)
				goto done;
			continue;
		}
		text = row.answer[qi];
		len = row.answer_len[qi];
		if (!len || (in_wave && strcasecmp(row.wave, in_wave))
		    || (in_role && strcasecmp(row.role, in_role)))
			continue;
		if (en) {
			if ((rc = engine_code(en, text, len, &ans, &e))) {
				kerr_at(&e, survey_file(sv), row.line, 0);
				status = cli_error(&e);
				goto done;
			}
			if (ans.res.nonsubstantive)
				continue;
			coded_any = !ans.res.residual && !ans.res.uncoded;
			if ((!strcmp(from, "uncoded") && coded_any)
			    || (from_cat >= 0 && !rules_result_has(&ans.res, (size_t)from_cat)))
				continue;
			text = ans.n.text.data;
			len = ans.n.text.len;
		} else {
			if ((rc = normalize_text(norm, text, len, &nr, &e))) {
				status = cli_error(&e);
				goto done;
			}
			text = nr.text.data;
			len = nr.text.len;
		}
		if (kkind == 1)
			group = !strcasecmp(row.wave, kval);
		else if (kkind == 2)
			group = !strcasecmp(row.role, kval);
		else if (kkind == 3)
			group = rules_result_has(&ans.res, (size_t)key_cat);
		if (words_add(w, text, len, group, &e)) {
			status = cli_error(&e);
			goto done;
		}
	}
	{
		const struct words_term *t = words_top(w, kkind != 0, min, top, &n);
		size_t na[2];

		words_answers(w, na);
		if (kkind) {
			printf("%zu answers with %s, %zu without: terms they say more often\n\n",
				na[1], key, na[0]);
			printf("  %-32s %7s %7s %8s  %s\n", "term (stems)", "group", "rest", "G2", "form");
			for (i = 0; t && i < n; i++)
				printf("  %-32s %7zu %7zu %8.1f  %s\n", t[i].term, t[i].df[1], t[i].df[0],
					t[i].g2, t[i].form ? t[i].form : "");
		} else {
			printf("%zu answers (%s%s%s%s%s)\n\n", na[1], from,
				in_wave ? ", wave " : "", in_wave ? in_wave : "",
				in_role ? ", role " : "", in_role ? in_role : "");
			printf("  %-32s %7s %6s  %s\n", "term (stems)", "answers", "share", "form");
			for (i = 0; t && i < n; i++)
				printf("  %-32s %7zu %5.1f%%  %s\n", t[i].term, t[i].df[1],
					na[1] ? 100.0 * t[i].df[1] / na[1] : 0.0,
					t[i].form ? t[i].form : "");
		}
	}
done:
	words_free(w);
	engine_free(en);
	normalizer_free(norm);
	engine_answer_release(&ans);
	normalized_release(&nr);
	survey_close(sv);
	if (src.loaded)
		corpus_release(&corpus);
	kerr_list_release(&errs);
	return status;
}
