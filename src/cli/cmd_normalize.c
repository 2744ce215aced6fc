/*
 * cmd_normalize.c - `koder normalize`: repair damaged survey text line for
 * line, or explain what would change.  Reads files (or standard input) as a
 * stream through charset.h, so memory does not grow with the input.
 */
#include "buf.h"
#include "charset.h"
#include "cli.h"
#include "cmd.h"
#include "error.h"
#include "normalize.h"
#include "outfile.h"
#include "pii.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_EXPLAIN = 256, OPT_NO_REPAIR, OPT_KEY, OPT_MASK, OPT_MASK_KINDS };

static const struct cli_opt opts[] = {
	{ OPT_EXPLAIN, "explain", NULL, "print each change instead of the text: "
	  "file, line, original word, repaired word, why" },
	{ OPT_KEY, "key", NULL, "print the match key that codebook rules see" },
	{ OPT_NO_REPAIR, "no-repair", NULL, "only convert the encoding and apply Unicode NFC" },
	{ 'o', "output", "FILE", "write to FILE (whole or not at all) instead of standard output" },
	CMD_MASK_OPTS(OPT_MASK, OPT_MASK_KINDS, "the repaired text"),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder normalize [OPTION]... [FILE]...",
	"Repair OCR and typing damage in Danish text, line for line.",
	opts,
	"Reads each FILE (standard input when none, or for '-') and writes the\n"
	"repaired text: as many lines as the input, and in every line the same\n"
	"whitespace-separated words in the same order.  Words are repaired inside:\n"
	"fgrste -> første, pa -> på, vaere -> være, | -> I, 2O -> 20; words that are\n"
	"already right are left alone, and capitalisation is kept.\n\n"
	"The encoding of each file is detected: UTF-8 (with or without BOM),\n"
	"UTF-16 (Word's and Excel's \"Unicode text\"), Windows-1252/Latin-1, and\n"
	"double-encoded UTF-8 (Ã¸ for ø) are converted.\n"
	"Bytes that are not valid text and NUL bytes become U+FFFD, with a warning\n"
	"naming the file and line.\n\n"
	"With --explain, one line per change, tab-separated:\n"
	"  FILE  LINE  ORIGINAL  REPAIRED  WHY\n\n"
	"--mask replaces CPR numbers, phones, e-mails and names in each repaired\n"
	"line by [CPR], [TELEFON], [EMAIL], [NAVN] (see 'koder scan'); it goes\n"
	"with the repaired text, not with --explain or --key.\n\n"
	"Exit status: 0 all text read cleanly, 1 done but some bytes were replaced\n"
	"(or a file looked binary), 2 wrong usage, 3 a file is missing or\n"
	"unreadable (on standard output the other files are still done), 4 a file's\n"
	"encoding cannot be read, 5 the output could not be written, 7 a line longer\n"
	"than 64 MB, 8 out of memory or the lexicon data is missing.  With -o, the\n"
	"output file is written only when every input was read (status 0 or 1).\n"
};

enum mode { M_TEXT, M_EXPLAIN, M_KEY };

struct run {
	struct normalizer *n;
	struct normalized r;
	struct buf line;
	enum mode mode;
	unsigned mask;      /* PII kinds replaced in the text, 0 for none */
	struct buf masked;
	FILE *out;
	int status;
};

static void worsen(struct run *rn, int status)
{
	/* the most serious problem decides the exit status; 1 is the mildest */
	if (rn->status == EXIT_OK || (status != EXIT_PROBLEMS && status > rn->status))
		rn->status = status;
}

static void explain(struct run *rn, const char *name, long line)
{
	size_t i;

	for (i = 0; i < rn->r.nchanges; i++) {
		const struct normalize_change *c = &rn->r.changes[i];

		fprintf(rn->out, "%s\t%ld\t%s\t%s\t%s\n", name, line, c->from, c->to, c->why);
	}
}

static int do_file(struct run *rn, FILE *fp, const char *name)
{
	struct charset_reader cr;
	struct kerr e;
	int rc;

	kerr_clear(&e);
	rc = charset_open(&cr, fp, name, &e);
	if (rc) {
		charset_close(&cr);
		kerr_at(&e, name, e.line, 0);
		worsen(rn, cli_error(&e));
		return 0;
	}
	if (cr.binary) {
		cli_warn("%s: looks like a binary file, not text; bad bytes are replaced", name);
		worsen(rn, EXIT_PROBLEMS);
	}
	for (;;) {
		buf_reset(&rn->line);
		rc = charset_read_line(&cr, &rn->line, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* the rest of this file cannot be read: stop, so -o does not
			 * commit an output missing its lines */
			charset_close(&cr);
			return cli_error(&e);
		}
		if (cr.nuls && !cr.binary) {
			cli_warn("%s:%ld: %zu NUL byte%s replaced by U+FFFD", name, cr.line,
				 cr.nuls, cr.nuls == 1 ? "" : "s");
			worsen(rn, EXIT_PROBLEMS);
		}
		if (cr.bad && !cr.binary) {
			cli_warn("%s:%ld: %zu byte%s not valid %s, replaced by U+FFFD", name,
				 cr.line, cr.bad, cr.bad == 1 ? "" : "s", cr.encoding);
			worsen(rn, EXIT_PROBLEMS);
		}
		rc = normalize_text(rn->n, rn->line.data, rn->line.len, &rn->r, &e);
		if (rc) {
			kerr_at(&e, name, cr.line, 0);
			charset_close(&cr);
			return cli_error(&e);
		}
		if (rn->mode == M_EXPLAIN) {
			explain(rn, name, cr.line);
			continue;
		}
		if (rn->mode == M_KEY) {
			fwrite(rn->r.key.data, 1, rn->r.key.len, rn->out);
		} else if (rn->mask) {
			buf_reset(&rn->masked);
			if ((rc = pii_mask(rn->r.text.data, rn->r.text.len, rn->mask, &rn->masked,
					NULL, &e))) {
				charset_close(&cr);
				return cli_error(&e);
			}
			fwrite(rn->masked.data, 1, rn->masked.len, rn->out);
		} else {
			fwrite(rn->r.text.data, 1, rn->r.text.len, rn->out);
		}
		if (cr.newline)
			fputc('\n', rn->out);
	}
	charset_close(&cr);
	return 0;
}

int cmd_normalize(int argc, char **argv)
{
	struct cli_parser p;
	struct normalize_opts no = { 0 };
	struct outfile of;
	struct run rn;
	struct kerr e;
	const char *outpath = NULL;
	const char *operand, **files = xcalloc((size_t)argc + 1, sizeof(*files));
	int c, i, rc = 0, nfiles = 0, rest = 0;

	memset(&rn, 0, sizeof(rn));
	cli_parser_init(&p, opts);
	/* options may follow the files too ("koder normalize a.txt --explain") */
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (c) {
		case 0: files[nfiles++] = operand; break;
		case OPT_EXPLAIN: rn.mode = M_EXPLAIN; break;
		case OPT_KEY: rn.mode = M_KEY; break;
		case OPT_NO_REPAIR: no.no_repair = 1; break;
		case 'o': outpath = optarg; break;
		case OPT_MASK:
		case OPT_MASK_KINDS:
			if ((rc = cmd_mask_opt(c == OPT_MASK ? NULL : optarg, &rn.mask, &usage))) {
				free(files);
				return rc;
			}
			break;
		case 'h': free(files); return cli_help(&usage);
		default: free(files); return cli_misuse(&usage, NULL);
		}
	}
	if (rn.mask && rn.mode != M_TEXT) {
		free(files);
		return cli_misuse(&usage, "--mask goes with the repaired text, not with "
			"--explain or --key");
	}
	kerr_clear(&e);
	if (normalizer_new(&rn.n, &no, &e)) {
		/* koder's own data or hunspell-da is missing: an installation
		 * problem, not the user's input */
		free(files);
		cli_error(&e);
		return EXIT_SOFTWARE;
	}
	if (outfile_open(&of, outpath, &e)) {
		normalizer_free(rn.n);
		free(files);
		cli_error(&e);
		return EXIT_CANTCREATE;
	}
	rn.out = of.fp;
	normalized_init(&rn.r);
	buf_init(&rn.line, 0);
	buf_init(&rn.masked, 0);
	if (!nfiles)
		rc = do_file(&rn, stdin, "-");
	for (i = 0; !rc && i < nfiles; i++) {
		FILE *fp = strcmp(files[i], "-") ? fopen(files[i], "rb") : stdin;

		if (!fp) {
			kerr_clear(&e);
			kerr_errno(&e, errno, files[i], "cannot open");
			worsen(&rn, cli_error(&e));
			continue;
		}
		rc = do_file(&rn, fp, files[i]);
		if (fp != stdin)
			fclose(fp);
	}
	free(files);
	normalized_release(&rn.r);
	buf_release(&rn.line);
	buf_release(&rn.masked);
	normalizer_free(rn.n);
	/* an output file is whole or not written: not when an input failed */
	if (!rc && rn.status > EXIT_PROBLEMS && outpath)
		rc = rn.status;
	if (rc) {
		outfile_abort(&of);
		return rc;
	}
	if (outfile_commit(&of, &e)) {
		cli_error(&e);
		return EXIT_CANTCREATE;
	}
	return rn.status;
}
