/*
 * cmd_source.c - the survey a project command is given: a corpus
 * descriptor, or a bare survey file described by --text --codebook --id
 * [--wave --role].  'koder review' and 'koder serve' read a survey into the
 * project store the same way, so they take it the same way.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "corpus.h"
#include "datadir.h"
#include "engine.h"
#include "error.h"
#include "exit.h"
#include "normalize.h"
#include "survey.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

char *cmd_codebook_arg(const char *arg)
{
	struct buf rel = BUF_INIT, path = BUF_INIT;
	char *abs = realpath(arg, NULL);

	if (abs)
		return abs;
	buf_addf(&rel, "codebooks/%s.json", arg);
	if (datadir_find(rel.data, &path) == 0)
		abs = buf_detach(&path, NULL);
	buf_release(&rel);
	buf_release(&path);
	return abs ? abs : xstrdup(arg);
}

int cmd_load_source(struct cmd_source *src, struct corpus *c, const struct cli_usage *u)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct stat st;
	size_t n = strlen(src->source);
	int bare = n > 4 && !strcasecmp(src->source + n - 4, ".csv");
	int status = 0;

	if (!bare && stat(src->source, &st) != 0) {
		cli_warn("cannot read '%s': no such corpus directory or file", src->source);
		return EXIT_NOINPUT;
	}
	if (bare) {
		if (corpus_init(c) || corpus_set_survey(c, src->source))
			cli_die(EXIT_SOFTWARE, "out of memory");
	} else if (corpus_load(c, src->source, &errs)) {
		status = cli_errors(&errs);
		kerr_list_release(&errs);
		return status;
	}
	src->loaded = 1;
	if ((src->id && corpus_set_str(&c->id_col, src->id))
	    || (src->wave && corpus_set_str(&c->wave_col, src->wave))
	    || (src->role && corpus_set_role_col(c, src->role)))
		cli_die(EXIT_SOFTWARE, "out of memory");
	if (src->text) {
		const struct corpus_question *q = corpus_question_find(c, src->text);
		char *cb = src->codebook ? cmd_codebook_arg(src->codebook) : NULL;
		int bad = 0;

		if (!q && !cb && !src->codebook_optional)
			return cli_misuse(u, "--text needs --codebook");
		if (!q)
			bad = corpus_add_question(c, src->text, src->text, cb);
		else if (cb)
			bad = corpus_set_str(&((struct corpus_question *)q)->codebook, cb);
		free(cb);
		if (bad)
			cli_die(EXIT_SOFTWARE, "out of memory");
		if (!src->question)
			src->question = src->text;
	} else if (bare) {
		return cli_misuse(u, "a survey without a corpus descriptor needs --text "
			"COLUMN --codebook CB --id COLUMN");
	}
	if (!c->id_col)
		return cli_misuse(u, "which column is the respondent id? give --id COLUMN");
	return 0;
}

int cmd_source_opt(struct cmd_source *src, int first, int c, const char *arg, char **cbarg)
{
	switch (c - first) {
	case 0: src->question = arg; return 1;
	case 1: src->text = arg; return 1;
	case 2: src->id = arg; return 1;
	case 3: src->wave = arg; return 1;
	case 4: src->role = arg; return 1;
	case 5:
		free(*cbarg);
		src->codebook = *cbarg = cmd_codebook_arg(arg);
		return 1;
	default: return 0;
	}
}

int cmd_answers_open(struct cmd_answers *a, struct cmd_source *src, const struct cli_usage *u)
{
	struct survey_opts so = { 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	struct kerr e;
	size_t i;
	int status;

	a->src = src;
	a->corpus = xcalloc(1, sizeof *a->corpus);
	if ((status = cmd_load_source(src, a->corpus, u)))
		return status;
	so.question = src->question;
	so.no_id = a->corpus->id_col == NULL;
	kerr_clear(&e);
	if (survey_open(&a->sv, a->corpus, NULL, &so, &errs))
		goto bad;
	a->nq = a->first_only ? 1 : survey_nquestions(a->sv);
	a->en = xcalloc(a->nq + 1, sizeof *a->en);
	/* the first engine's normalizer (the lexicon and hunspell: the costly
	 * part) serves the others */
	for (i = 0; i < a->nq; i++) {
		const struct corpus_question *q = survey_question(a->sv, i);
		const char *book = src->codebook ? src->codebook : q->codebook;
		struct engine_opts eo = { .norm = a->norm };
		struct buf path = BUF_INIT;
		int rc;

		if (!book)
			continue;
		if (src->codebook)
			buf_adds(&path, book);
		else
			corpus_resolve(a->corpus, book, &path);
		rc = engine_open(path.data, &eo, &a->en[i], &errs);
		buf_release(&path);
		if (rc)
			goto bad;
		if (!a->norm)
			a->norm = engine_take_normalizer(a->en[i]);
	}
	if (!a->norm && normalizer_new(&a->norm, NULL, &e))
		return cli_error(&e);
	return 0;
bad:
	status = cli_errors(&errs);
	kerr_list_release(&errs);
	return status;
}

int cmd_each_answer(struct cmd_answers *a, int (*fn)(void *ctx, struct cmd_answer *x), void *ctx)
{
	struct survey_row row;
	struct engine_answer ans;
	struct cmd_answer x;
	struct kerr e;
	int status = 0;

	engine_answer_init(&ans);
	kerr_clear(&e);
	for (;;) {
		int rc = survey_next(a->sv, &row, &e), st;
		size_t i;

		if (rc == SURVEY_END)
			break;
		if (rc < 0) {
			st = cli_error(&e);
			if (st > status)
				status = st;
			if (rc != -KERR_SYNTAX)
				break;
			continue;
		}
		for (i = 0; i < a->nq; i++) {
			x.row = &row;
			x.q = i;
			x.text = row.answer[i];
			x.len = row.answer_len[i];
			x.en = a->en[i];
			x.ans = &ans;
			if (!x.len)
				continue;
			rc = x.en && a->code ? engine_code(x.en, x.text, x.len, &ans, &e)
				: normalize_text(a->norm, x.text, x.len, &ans.n, &e);
			if (rc) {
				kerr_at(&e, survey_file(a->sv), row.line, 0);
				status = cli_error(&e);
				goto done;
			}
			if ((st = fn(ctx, &x))) {
				status = st;
				goto done;
			}
		}
	}
done:
	engine_answer_release(&ans);
	return status;
}

void cmd_answers_close(struct cmd_answers *a)
{
	size_t i;

	for (i = 0; a->en && i < a->nq; i++)
		engine_free(a->en[i]);
	free(a->en);
	normalizer_free(a->norm);
	survey_close(a->sv);
	if (a->src && a->src->loaded)
		corpus_release(a->corpus);
	free(a->corpus);
	memset(a, 0, sizeof *a);
}

int cmd_is_corpus(const char *arg)
{
	size_t n = strlen(arg);
	struct stat st;

	return (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		|| (n > 5 && !strcasecmp(arg + n - 5, ".json"));
}

void cmd_survey_corpus(struct corpus *c, const char *file, const char *text, const char *id,
		       const char *wave, const char *role)
{
	if (corpus_init(c) || (file && corpus_set_survey(c, file))
	    || corpus_set_str(&c->id_col, id) || corpus_set_str(&c->wave_col, wave)
	    || corpus_set_str(&c->role_col, role) || corpus_add_question(c, text, text, NULL))
		cli_die(EXIT_SOFTWARE, "out of memory");
}

const struct corpus_question *cmd_one_question(const struct corpus *c, const char *key,
					       const struct cli_usage *u, int *status)
{
	const struct corpus_question *q = key ? corpus_question_find(c, key)
		: c->nquestions == 1 ? &c->questions[0] : NULL;
	struct buf ids = BUF_INIT;
	size_t i;

	if (q)
		return q;
	for (i = 0; i < c->nquestions; i++)
		buf_addf(&ids, "%s%s", i ? ", " : "", c->questions[i].id ? c->questions[i].id
			 : c->questions[i].column);
	if (key)
		*status = cli_misuse(u, "'%s' is not a question of corpus %s: give --question "
				     "with one of %s", key, c->name ? c->name : c->dir,
				     ids.data ? ids.data : "(none)");
	else
		*status = cli_misuse(u, "corpus %s has %zu questions: say which with --question "
				     "ID (%s)", c->name ? c->name : c->dir, c->nquestions,
				     ids.data ? ids.data : "none");
	buf_release(&ids);
	return NULL;
}
