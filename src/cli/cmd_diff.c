/*
 * cmd_diff.c - `koder diff OLD.json NEW.json`: what changed between two
 * versions of a codebook, so an evaluator can explain every change in a
 * count between waves.
 */
#include "cbdiff.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "effect.h"
#include "error.h"
#include "outfile.h"

#include <stdlib.h>
#include <string.h>

enum { OPT_DB = 256, OPT_QUESTION, OPT_MASK, OPT_MASK_KINDS };

static const struct cli_opt opts[] = {
	{ 'o', "output", "FILE", "write the report to FILE (default: standard output)" },
	{ OPT_DB, "db", "PATH", "also show the effect on the answers in this project store" },
	{ OPT_QUESTION, "question", "ID", "only this question (with a corpus of several "
		"questions: which one)" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the quoted answers"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder diff [OPTION]... OLD.json NEW.json [CORPUS]",
	"Show what changed between two versions of a codebook.",
	opts,
	"Lists categories added, removed, renamed, merged and split (merges, splits\n"
	"and renames are declared in NEW with \"replaces\": [\"old_id\", ...]),\n"
	"labels and nets changed, and include/exclude patterns added and removed.\n"
	"A codebook is a JSON file or the name of a shipped one (sof-barrierer).\n\n"
	"With a CORPUS (a corpus directory or its corpus.json) or --db, both\n"
	"versions' rules are run on every answer (the survey's, or those in the\n"
	"store coded with this codebook): each answer whose suggested codes change\n"
	"is listed, old -> new, followed by every X and Y per wave and role under\n"
	"both versions (engine suggestions only; coders' decisions are what\n"
	"'koder migrate' moves).  --mask replaces personal data in the quoted\n"
	"answers by [CPR], [TELEFON], [EMAIL], [NAVN] (see 'koder scan').\n\n"
	"Examples:\n"
	"  koder diff corpora/waves/codebook-v1.json corpora/waves/codebook-v2.json\n"
	"  koder diff corpora/waves/codebook-v2.json corpora/waves/codebook-v3.json \\\n"
	"             corpora/waves\n\n"
	"Exit status: 0 done (changed or not), 1 done, but the two differ under the\n"
	"same version number, 2 wrong usage, 3 a file is missing,\n"
	"4 a codebook is malformed or the two are different codebooks, 5 output not\n"
	"written, 6 store unusable.\n"
};

int cmd_diff(int argc, char **argv)
{
	struct cli_parser p;
	const char *out = NULL, *db = NULL, *question = NULL;
	struct codebook *a = NULL, *b = NULL;
	struct cbview va, vb;
	struct cbdiff d;
	struct outfile o;
	struct kerr e;
	const char *arg, *file[3] = { NULL, NULL, NULL };
	int c, status = EXIT_OK, rest = 0, nfiles = 0;
	unsigned mask = 0;

	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &arg)) != -1) {
		switch (c) {
		case 0:
			if (nfiles < 3)
				file[nfiles] = arg;
			nfiles++;
			break;
		case 'o': out = optarg; break;
		case OPT_DB: db = optarg; break;
		case OPT_QUESTION: question = optarg; break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((status = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &mask, &usage)))
				return status;
			break;
		case 'h': return cli_help(&usage);
		default: return cli_misuse(&usage, NULL);
		}
	}
	if (nfiles != 2 && nfiles != 3)
		return cli_misuse(&usage, "give the old and the new codebook, and optionally a corpus");
	if (question && !db && nfiles == 2)
		return cli_misuse(&usage, "--question needs --db or a corpus");
	if (db && nfiles == 3)
		return cli_misuse(&usage, "give either a corpus or --db, not both");
	if ((status = cmd_load_codebook(file[0], &a))
		|| (status = cmd_load_codebook(file[1], &b))) {
		codebook_free(a);
		return status;
	}
	memset(&va, 0, sizeof(va));
	memset(&vb, 0, sizeof(vb));
	memset(&d, 0, sizeof(d));
	memset(&o, 0, sizeof(o));
	kerr_clear(&e);
	if (cbdiff_view(a, &va, &e) || cbdiff_view(b, &vb, &e) || cbdiff_compute(&va, &vb, &d, &e)
		|| outfile_open(&o, out, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (cbdiff_write_text(&d, o.fp, &e)
		|| ((db || file[2]) && effect_write(db, file[2], question, a, b, mask, o.fp, &e))) {
		outfile_abort(&o);
		status = cli_error(&e);
		goto done;
	}
	if (outfile_commit(&o, &e))
		status = cli_error(&e);
	else if (!cbdiff_empty(&d) && !strcmp(a->version, b->version) && (status = EXIT_PROBLEMS))
		cli_warn("both codebooks say version %s but they differ: give the new one a higher "
			"\"version\", or decisions made under either cannot be told apart", a->version);
done:
	cbdiff_release(&d);
	cbview_release(&va);
	cbview_release(&vb);
	codebook_free(a);
	codebook_free(b);
	return status;
}
