/*
 * main.c - the koder command line: global options and dispatch to the
 * subcommands in cmd_*.c.  Nothing else happens here.
 */
#include "cli.h"
#include "cmd.h"
#include "version.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Keep in the order a user meets them in the job. */
static const struct command commands[] = {
	{ "normalize", cmd_normalize, "repair OCR and typing damage in Danish text (æ ø å), line for line" },
	{ "check", cmd_check, "check codebooks: structure, patterns, examples" },
	{ "code", cmd_code, "suggest codebook categories for every answer, with evidence" },
	{ "diff", cmd_diff, "what changed between two versions of a codebook, and its effect" },
	{ "migrate", cmd_migrate, "carry coders' decisions to a new codebook version" },
	{ "learn", cmd_learn, "propose rule changes from coders' overrides" },
	{ "codebook", cmd_codebook, "exchange codebooks with NVivo, ATLAS.ti, MAXQDA, QualCoder" },
	{ "scan", cmd_scan, "find or mask personal data (CPR, phone, e-mail, names) in answers" },
	{ "tally", cmd_tally, "count coded answers per wave and role: \"Anført af X ud af Y\"" },
	{ "export", cmd_export, "write the survey with coded 0/1 columns (.sav, .dta, .xlsx, CSV)" },
	{ "review", cmd_review, "confirm or override suggestions in a terminal UI; import/export decisions" },
	{ "agree", cmd_agree, "agreement between coders and with the engine: kappa, alpha, disagreements" },
	{ NULL, NULL, NULL }
};

static void list_commands(FILE *f)
{
	const struct command *c;

	fprintf(f, "Usage: koder COMMAND [OPTION]... [ARG]...\n"
		"Code open survey answers against a codebook and count them per wave and role.\n\n"
		"Commands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\nGlobal options:\n"
		"  -h, --help       show this help\n"
		"  -V, --version    show the version\n\n"
		"'koder COMMAND --help' explains a command; 'man koder' explains them all.\n"
		"Exit status: 0 ok, 1 finished with reported problems, 2 wrong usage,\n"
		"3 input missing or unreadable, 4 input malformed, 5 output not written,\n"
		"6 project store unusable, 7 limit reached, 8 internal error.\n");
}

int main(int argc, char **argv)
{
	const struct command *c;

	setlocale(LC_CTYPE, "");
	if (argc < 2) {
		list_commands(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		list_commands(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("koder %s\n", KODER_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help") && argc >= 3) {
		char help[] = "--help";
		char *args[] = { argv[2], help, NULL };

		for (c = commands; c->name; c++)
			if (!strcmp(c->name, argv[2]))
				return c->run(2, args);
	}
	for (c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	cli_warn("'%s' is not a koder command. See 'koder --help'.", argv[1]);
	return EXIT_USAGE;
}
