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
#include "error.h"

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
		if (corpus_init(c) || corpus_set_str(&c->survey, src->source))
			cli_die(EXIT_SOFTWARE, "out of memory");
	} else if (corpus_load(c, src->source, &errs)) {
		status = cli_errors(&errs);
		kerr_list_release(&errs);
		return status;
	}
	src->loaded = 1;
	if ((src->id && corpus_set_str(&c->id_col, src->id))
	    || (src->wave && corpus_set_str(&c->wave_col, src->wave))
	    || (src->role && corpus_set_str(&c->role_col, src->role)))
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
