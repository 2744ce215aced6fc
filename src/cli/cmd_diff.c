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
#include "pii.h"
#include "buf.h"

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

/* "X/Y" (a category), "Y" (the base line) or "-" (nothing there). */
static void cell_text(const struct effect_line *l, const struct effect_cell *c, char out[48])
{
	if (!c->has)
		snprintf(out, 48, "-");
	else if (!l->category)
		snprintf(out, 48, "%zu", c->y);
	else
		snprintf(out, 48, "%zu/%zu", c->x, c->y);
}

int cmd_print_effect_table(FILE *fp, const struct effect_table *t, const char *before_name,
	const char *after_name, const char *counted, struct kerr *e)
{
	fprintf(fp, "\nAnført af X ud af Y, %s -> %s, X counting %s (* = changed, - = no such "
		"category):\n", before_name, after_name, counted);
	fprintf(fp, "  %-24s %-12s %-12s %9s %9s\n", "category", "wave", "role", before_name,
		after_name);
	for (size_t i = 0; i < t->n; i++) {
		const struct effect_line *l = &t->lines[i];
		char b[48], a[48];

		cell_text(l, &l->before, b);
		cell_text(l, &l->after, a);
		fprintf(fp, "  %-24s %-12s %-12s %9s %9s%s\n",
			l->category ? l->category : "Y (substantive)", l->wave, l->role, b, a,
			l->changed ? "  *" : "");
	}
	if (ferror(fp))
		return kerr_set(e, KERR_WRITE, "cannot write the table");
	return 0;
}

/* Bytes of the first `chars` characters of UTF-8 text: a cut never splits
 * a character. */
static size_t snippet(const char *s, size_t chars)
{
	size_t i = 0;

	while (s[i] && chars) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars--;
	}
	return i;
}

/* The effect on the answers: those whose suggestion moves, quoted (masked
 * whole, then cut: a cut first could leave half a CPR number that no
 * longer looks like one), then the counts under both versions. */
static int write_effect(const struct effect_result *r, unsigned mask, FILE *fp, struct kerr *e)
{
	struct buf m[4];
	int rc = 0;

	for (size_t k = 0; k < 4; k++)
		buf_init(&m[k], 0);
	for (size_t i = 0; i < r->nchanges && !rc; i++) {
		const struct effect_change *c = &r->changes[i];
		const char *text, *id, *wave = c->wave, *role = c->role;
		size_t cut;

		if (!(text = pii_cell(c->text, mask, &m[0], e))
		    || !(id = pii_cell(c->respondent, mask, &m[1], e))
		    || (wave && !(wave = pii_cell(wave, mask, &m[2], e)))
		    || (role && !(role = pii_cell(role, mask, &m[3], e)))) {
			rc = KERR_NOMEM;
			break;
		}
		cut = snippet(text, 70);
		if (!i)
			fprintf(fp, "\nAnswers whose suggested codes change (old -> new):\n");
		fprintf(fp, "  %s (%s, %s): %s -> %s\n    \"%.*s%s\"\n", id,
			wave && *wave ? wave : "(ukendt)", role && *role ? role : "(ukendt)",
			c->old_codes, c->new_codes, (int)cut, text, text[cut] ? "..." : "");
	}
	for (size_t k = 0; k < 4; k++)
		buf_release(&m[k]);
	if (rc)
		return rc;
	if (!r->nchanges)
		fprintf(fp, "\nNo answer's suggested codes change (%zu answers).\n", r->answers);
	else
		fprintf(fp, "\n%zu of %zu answers change their suggested codes.\n", r->nchanges,
			r->answers);
	return cmd_print_effect_table(fp, &r->table, "old", "new", "the rules' suggestions, not the "
				      "coders' decisions ('koder tally --db' counts those)", e);
}

int cmd_diff(int argc, char **argv)
{
	struct cli_parser p;
	const char *out = NULL, *db = NULL, *question = NULL;
	struct codebook *a = NULL, *b = NULL;
	struct cbview va, vb;
	struct cbdiff d;
	struct effect_result eff;
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
	memset(&eff, 0, sizeof(eff));
	kerr_clear(&e);
	if (cbdiff_view(a, &va, &e) || cbdiff_view(b, &vb, &e) || cbdiff_compute(&va, &vb, &d, &e)
		|| outfile_open(&o, out, &e)) {
		status = cli_error(&e);
		goto done;
	}
	if (cbdiff_write_text(&d, o.fp, &e)
		|| ((db || file[2]) && (effect_compute(db, file[2], question, a, b, &eff, &e)
			|| write_effect(&eff, mask, o.fp, &e)))) {
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
	effect_result_release(&eff);
	cbdiff_release(&d);
	cbview_release(&va);
	cbview_release(&vb);
	codebook_free(a);
	codebook_free(b);
	return status;
}
