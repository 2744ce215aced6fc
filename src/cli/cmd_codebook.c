/*
 * cmd_codebook.c - `koder codebook export|import`: take a koder codebook to
 * NVivo, ATLAS.ti, MAXQDA or QualCoder as a REFI-QDA codebook (.qdc), and
 * bring one from them into koder as a codebook JSON whose categories still
 * need their patterns written.
 */
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "error.h"
#include "outfile.h"
#include "qdc.h"

#include <cjson/cJSON.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_ID = 256, OPT_TITLE, OPT_DRY, OPT_BASE };

static const struct cli_opt import_opts[] = {
	{ 'o', "output", "FILE", "write the codebook JSON to FILE (default: standard output)" },
	{ OPT_ID, "id", "ID", "codebook id (default: made from the file name)" },
	{ OPT_TITLE, "title", "TEXT", "codebook title (default: the file name)" },
	{ OPT_BASE, "base", "CB.json", "the codebook it was exported from: keep its ids, patterns" },
	{ OPT_DRY, "dry-run", NULL, "read and report, write nothing" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage import_usage = {
	"koder codebook import [OPTION]... FILE.qdc",
	"Make a koder codebook from a REFI-QDA codebook (.qdc).",
	import_opts,
	"Codes become categories, with their names as labels and their descriptions\n"
	"kept; grouping codes (not codable) and code sets become nets.  The standard\n"
	"has no place for matching rules, so every category starts with an empty\n"
	"\"include\" list: write the patterns, then run 'koder check'.  Category ids\n"
	"are made from the names (æ -> ae, ø -> oe, å -> aa).\n\n"
	"A codebook exported with 'koder codebook export', edited in another program\n"
	"and brought back can be imported with --base set to the exported codebook:\n"
	"codes koder exported (recognised by their guid) keep their ids, nets and\n"
	"patterns even if they were renamed; new codes start empty; the version is\n"
	"the base's plus one.  Then 'koder diff' shows what the other program changed.\n\n"
	"Exit status: 0 imported, 1 imported with warnings (e.g. a deeper hierarchy\n"
	"flattened), 2 wrong usage, 3 file unreadable, 4 not a REFI-QDA codebook,\n"
	"5 output not written.\n"
};

/* Load a codebook, printing every problem; returns an exit status. */
void cmd_note_stale(unsigned long stale, const char *version)
{
	if (stale)
		cli_warn("%lu decision%s made under another version of the codebook %s left out "
			"(version %s is used): decide %s again in 'koder review' (its filter "
			"\"older codebook version\" shows %s)", stale, stale == 1 ? "" : "s",
			stale == 1 ? "is" : "are", version, stale == 1 ? "it" : "them",
			stale == 1 ? "it" : "them");
}

int cmd_load_codebook(const char *path, struct codebook **cb)
{
	struct kerr_list errs = KERR_LIST_INIT;
	struct buf file = BUF_INIT;
	struct kerr e;
	int status = EXIT_OK;

	*cb = NULL;
	kerr_clear(&e);
	/* a file, or a shipped codebook's name ("sof-barrierer") */
	if (codebook_resolve(path, &file, &e))
		status = cli_error(&e);
	else if (codebook_load(file.data, cb, &errs))
		status = cli_errors(&errs);
	kerr_list_release(&errs);
	buf_release(&file);
	return status;
}

int cmd_next_or_operand(struct cli_parser *p, int argc, char **argv, int *rest,
	const char **operand)
{
	int c;

	*operand = NULL;
	if (*rest) {
		if (optind >= argc)
			return -1;
		*operand = argv[optind++];
		return 0;
	}
	c = cli_next(p, argc, argv);
	if (c != -1 || optind >= argc)
		return c;
	/* getopt stopped at an operand ("+" in the option string) or after "--",
	 * after which everything is an operand */
	if (optind > 1 && !strcmp(argv[optind - 1], "--"))
		*rest = 1;
	*operand = argv[optind++];
	return 0;
}

static void print_list(const struct kerr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		cli_error(&l->items[i]);
}

static int write_json(cJSON *json, const char *path, struct kerr *e)
{
	struct outfile o;
	char *text = cJSON_Print(json);
	int rc;

	if (!text)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	rc = outfile_open(&o, path, e);
	if (!rc) {
		fputs(text, o.fp);
		fputc('\n', o.fp);
		rc = outfile_commit(&o, e);
	}
	free(text);
	return rc;
}

/* Copy a list-of-strings member from the base codebook's category. */
static int copy_list(cJSON *o, const char *name, char **items, size_t n)
{
	cJSON *a;
	size_t i;

	if (!n)
		return 1;
	cJSON_DeleteItemFromObjectCaseSensitive(o, name);
	if (!(a = cJSON_AddArrayToObject(o, name)))
		return 0;
	for (i = 0; i < n; i++)
		if (!cJSON_AddItemToArray(a, cJSON_CreateString(items[i])))
			return 0;
	return 1;
}

/* Give categories that came back from `base` their patterns and examples,
 * and the codebook the base's next version. */
static int restore_from_base(cJSON *json, const struct codebook *base, struct kerr *e)
{
	cJSON *cats = cJSON_GetObjectItemCaseSensitive(json, "categories"), *o;
	char *end;
	long v = strtol(base->version, &end, 10);
	int ok = 1;

	if (!*end && end != base->version)
		cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(json, "version"), v + 1);
	cJSON_ArrayForEach(o, cats) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "id"));
		long c = id ? codebook_find(base, id) : -1;

		if (c < 0 || !ok)
			continue;
		ok = copy_list(o, "include", base->cats[c].include, base->cats[c].ninclude)
			&& copy_list(o, "exclude", base->cats[c].exclude, base->cats[c].nexclude)
			&& copy_list(o, "examples", base->cats[c].examples, base->cats[c].nexamples)
			&& copy_list(o, "counterexamples", base->cats[c].counterexamples,
				base->cats[c].ncounterexamples);
	}
	return ok ? 0 : kerr_set(e, KERR_NOMEM, "out of memory");
}

static int run_import(int argc, char **argv)
{
	struct cli_parser p;
	const char *out = NULL, *id = NULL, *title = NULL;
	struct kerr_list warn = KERR_LIST_INIT, errs = KERR_LIST_INIT;
	struct qdc_book book;
	struct buf idbuf = BUF_INIT, tbuf = BUF_INIT;
	struct kerr e;
	cJSON *json = NULL;
	const char *arg, *file = NULL, *base_path = NULL;
	struct codebook *base = NULL;
	int c, dry = 0, status = EXIT_OK, rest = 0, nfiles = 0;
	size_t i, ncat = 0, matched = 0;

	cli_parser_init(&p, import_opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &arg)) != -1) {
		switch (c) {
		case 0: file = arg; nfiles++; break;
		case 'o': out = optarg; break;
		case OPT_ID: id = optarg; break;
		case OPT_TITLE: title = optarg; break;
		case OPT_DRY: dry = 1; break;
		case OPT_BASE: base_path = optarg; break;
		case 'h': return cli_help(&import_usage);
		default: return cli_misuse(&import_usage, NULL);
		}
	}
	if (nfiles != 1)
		return cli_misuse(&import_usage, "give exactly one .qdc file");
	if (base_path && (status = cmd_load_codebook(base_path, &base)))
		return status;
	if (base) {
		id = id ? id : base->id;
		title = title ? title : base->title;
	}
	if (!id || !title) {
		char *copy = xstrdup(file), *base = basename(copy), *dot;

		if ((dot = strrchr(base, '.')) && dot != base)
			*dot = '\0';
		if (!title)
			buf_adds(&tbuf, base);
		if (!id)
			qdc_slug(base, &idbuf);
		free(copy);
	}
	kerr_clear(&e);
	qdc_book_init(&book);
	if (qdc_read(file, &book, &warn, &errs)) {
		print_list(&warn);
		status = cli_errors(&errs);
		goto done;
	}
	print_list(&warn);
	if (base)
		matched = qdc_match_base(&book, base);
	if (qdc_to_json(&book, id ? id : idbuf.data, title ? title : tbuf.data, &json, &e)
		|| (base && restore_from_base(json, base, &e))) {
		status = cli_error(&e);
		goto done;
	}
	for (i = 0; i < book.n; i++)
		ncat += book.codes[i].codable != 0;
	if (!dry && write_json(json, out, &e)) {
		status = cli_error(&e);
		goto done;
	}
	fprintf(stderr, "koder: %s %zu categor%s and %zu net%s from '%s'%s%s; "
		"write their patterns, then run 'koder check'\n",
		dry ? "would import" : "imported", ncat, ncat == 1 ? "y" : "ies",
		book.n - ncat, book.n - ncat == 1 ? "" : "s", file,
		out && !dry ? " to " : "", out && !dry ? out : "");
	if (base)
		fprintf(stderr, "koder: %zu of them came from %s and keep their ids and patterns\n",
			matched, base_path);
	if (warn.n)
		status = EXIT_PROBLEMS;
done:
	codebook_free(base);
	cJSON_Delete(json);
	qdc_book_release(&book);
	kerr_list_release(&warn);
	kerr_list_release(&errs);
	buf_release(&idbuf);
	buf_release(&tbuf);
	return status;
}

static const struct cli_opt export_opts[] = {
	{ 'o', "output", "FILE", "write the .qdc file to FILE (default: standard output)" },
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage export_usage = {
	"koder codebook export [OPTION]... CODEBOOK.json",
	"Write a koder codebook as a REFI-QDA codebook (.qdc).",
	export_opts,
	"Categories become codable codes (label as name, description kept); each net\n"
	"becomes a grouping code holding its categories.  Every code gets a guid made\n"
	"from the codebook and category ids, so a category keeps its guid in every\n"
	"version and after a relabel.  Patterns are koder's own and are not exported.\n"
	"NVivo, ATLAS.ti, MAXQDA and QualCoder import the file as a codebook.\n\n"
	"Exit status: 0 written, 2 wrong usage, 3 codebook unreadable, 4 codebook\n"
	"malformed, 5 output not written.\n"
};

static int run_export(int argc, char **argv)
{
	struct cli_parser p;
	const char *out = NULL;
	struct codebook *cb = NULL;
	struct qdc_book book;
	struct outfile o;
	struct kerr e;
	const char *arg, *file = NULL;
	int c, status, rest = 0, nfiles = 0;

	cli_parser_init(&p, export_opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &arg)) != -1) {
		switch (c) {
		case 0: file = arg; nfiles++; break;
		case 'o': out = optarg; break;
		case 'h': return cli_help(&export_usage);
		default: return cli_misuse(&export_usage, NULL);
		}
	}
	if (nfiles != 1)
		return cli_misuse(&export_usage, "give exactly one codebook");
	if ((status = cmd_load_codebook(file, &cb)))
		return status;
	kerr_clear(&e);
	qdc_book_init(&book);
	if (qdc_from_codebook(cb, &book, &e) || outfile_open(&o, out, &e)) {
		status = cli_error(&e);
	} else if (qdc_write(&book, o.fp, &e)) {
		outfile_abort(&o);
		status = cli_error(&e);
	} else if (outfile_commit(&o, &e)) {
		status = cli_error(&e);
	}
	qdc_book_release(&book);
	codebook_free(cb);
	return status;
}

static const struct cli_opt top_opts[] = {
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage top_usage = {
	"koder codebook export|import [OPTION]... FILE",
	"Exchange codebooks with other qualitative analysis programs (REFI-QDA).",
	top_opts,
	"Subcommands:\n"
	"  export CODEBOOK.json   write the codebook as a REFI-QDA codebook (.qdc)\n"
	"  import FILE.qdc        make a koder codebook (JSON) from a REFI-QDA codebook\n\n"
	"'koder codebook SUBCOMMAND --help' explains each.\n"
};

int cmd_codebook(int argc, char **argv)
{
	struct cli_parser p;
	int c;

	cli_parser_init(&p, top_opts);
	while ((c = cli_next(&p, argc, argv)) != -1) {
		if (c == 'h')
			return cli_help(&top_usage);
		return cli_misuse(&top_usage, NULL);
	}
	if (optind >= argc)
		return cli_misuse(&top_usage, "say what to do: export or import");
	if (!strcmp(argv[optind], "export"))
		return run_export(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "import"))
		return run_import(argc - optind, argv + optind);
	return cli_misuse(&top_usage, "'%s' is not a codebook subcommand", argv[optind]);
}
