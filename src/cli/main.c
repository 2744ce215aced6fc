/*
 * main.c - the koder command line: global options and dispatch to the
 * subcommands in cmd_*.c.  Nothing else happens here.
 */
#include "cli.h"
#include "cmd.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	{ "serve", cmd_serve, "review in the browser, one coder or a team at once" },
	{ "agree", cmd_agree, "agreement between coders and with the engine: kappa, alpha, disagreements" },
	{ "words", cmd_words, "words and phrases of the answers by stem, and what one group says more" },
	{ "kwic", cmd_kwic, "a term in context: every answer it occurs in, with codes, and how many" },
	{ "score", cmd_score, "the engine against the coders: P, R, F1, kappa, and why each answer differs" },
	{ "discover", cmd_discover, "group the answers no category explains into candidate new categories" },
	{ "train", cmd_train, "learn a codebook's word model from coded answers, checked on held-out folds" },
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

/* A standard descriptor closed by the caller (`>&-`) would be handed to the
 * next file koder opens, and text meant for standard output would land in
 * it (or fail as if that file were the problem).  Park /dev/null there,
 * opened the wrong way round, so every write to a closed stdout or stderr
 * fails with EBADF and finish() reports it. */
static void guard_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);

			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

/* Every command's output reaches the user through standard output, so a
 * write that failed there (`> /dev/full`, `>&-`, a closed pipe's reader
 * gone) is output not written: exit status 5 with a message, whatever the
 * command thought, unless it already failed with a status of its own.  Done
 * once here rather than after every printf. */
static int finish(int status)
{
	int out_err = 0, err_bad;

	errno = 0;
	if (fflush(stdout) != 0)
		out_err = errno ? errno : EIO;
	else if (ferror(stdout))
		out_err = -1;
	if (fclose(stdout) != 0 && !out_err)
		out_err = errno ? errno : EIO;
	err_bad = fflush(stderr) != 0 || ferror(stderr);
	if (out_err && status != EXIT_OK && status != EXIT_PROBLEMS)
		return status;
	if (out_err > 0)
		cli_warn("cannot write to standard output: %s; the output is incomplete "
			"(free some space, or send it to a file with -o)", strerror(out_err));
	else if (out_err)
		cli_warn("cannot write to standard output; the output is incomplete "
			"(free some space, or send it to a file with -o)");
	if (out_err || (err_bad && (status == EXIT_OK || status == EXIT_PROBLEMS)))
		return EXIT_CANTCREATE;
	return status;
}

static int dispatch(int argc, char **argv)
{
	const struct command *c;

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

int main(int argc, char **argv)
{
	guard_std_fds();
	setlocale(LC_CTYPE, "");
	return finish(dispatch(argc, argv));
}
