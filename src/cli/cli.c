/* cli.c - option tables, help, messages and exit statuses for the commands. */
#include "cli.h"
#include "buf.h"
#include "escape.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void cli_parser_init(struct cli_parser *p, const struct cli_opt *opts)
{
	size_t n = 0, s = 0;

	memset(p, 0, sizeof(*p));
	p->shorts[s++] = '+';  /* stop at the first operand: FILE arguments may follow */
	p->shorts[s++] = ':';  /* report a missing argument as ':' */
	for (; opts[n].name && n < CLI_MAX_OPTS; n++) {
		p->lopts[n].name = opts[n].name;
		p->lopts[n].has_arg = opts[n].arg ? required_argument : no_argument;
		p->lopts[n].flag = NULL;
		p->lopts[n].val = opts[n].key;
		if (opts[n].key > 0 && opts[n].key < 128) {
			p->shorts[s++] = (char)opts[n].key;
			if (opts[n].arg)
				p->shorts[s++] = ':';
		}
	}
	p->shorts[s] = '\0';
	optind = 0;  /* glibc: full reinitialisation */
	opterr = 0;
}

int cli_next(struct cli_parser *p, int argc, char **argv)
{
	int c = getopt_long(argc, argv, p->shorts, p->lopts, NULL);

	if (c == ':') {
		cli_warn("option '%s' needs a value", argv[optind - 1]);
		return '?';
	}
	if (c == '?') {
		if (optopt && optopt < 128)
			cli_warn("unknown option '-%c'", optopt);
		else
			cli_warn("unknown option '%s'", argv[optind - 1]);
	}
	return c;
}

static void print_opts(FILE *f, const struct cli_opt *opts)
{
	size_t i;

	for (i = 0; opts && opts[i].name; i++) {
		char left[64];
		int n;

		if (opts[i].key > 0 && opts[i].key < 128)
			n = snprintf(left, sizeof(left), "  -%c, --%s", opts[i].key, opts[i].name);
		else
			n = snprintf(left, sizeof(left), "      --%s", opts[i].name);
		if (opts[i].arg && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", opts[i].arg);
		if (strlen(left) > 26)
			fprintf(f, "%s\n%28s%s\n", left, "", opts[i].help);
		else
			fprintf(f, "%-28s%s\n", left, opts[i].help);
	}
}

int cli_help(const struct cli_usage *u)
{
	printf("Usage: %s\n%s\n", u->synopsis, u->summary);
	if (u->opts && u->opts[0].name) {
		printf("\nOptions:\n");
		print_opts(stdout, u->opts);
	}
	if (u->details)
		printf("\n%s", u->details);
	return EXIT_OK;  /* a failed write is caught and reported in main */
}

/* "koder: MESSAGE\n" on stderr.  Messages quote file names, column names,
 * ids and answers, any of which may hold ESC or OSC sequences meant for the
 * terminal: they are dropped (escape.h). */
static void say(const char *msg, size_t len)
{
	struct buf b = BUF_INIT;

	if (esc_term(&b, msg, len) == 0)
		fprintf(stderr, "koder: %s\n", b.data ? b.data : "");
	else
		fputs("koder: (message lost: out of memory)\n", stderr);
	buf_release(&b);
}

static void vsay(const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	if (buf_vaddf(&b, fmt, ap) == 0)
		say(b.data ? b.data : "", b.len);
	else
		fputs("koder: (message lost: out of memory)\n", stderr);
	buf_release(&b);
}

int cli_misuse(const struct cli_usage *u, const char *fmt, ...)
{
	const char *cmd = u->synopsis;
	size_t n;
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsay(fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Usage: %s\n", u->synopsis);
	/* "koder normalize [OPTION]..." -> hint "koder normalize --help" */
	n = strcspn(cmd, " ");
	if (cmd[n])
		n += 1 + strcspn(cmd + n + 1, " \n");
	fprintf(stderr, "Try '%.*s --help' for more information.\n", (int)n, cmd);
	return EXIT_USAGE;
}

size_t cli_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

void cli_put_padded(const char *s, size_t width)
{
	size_t w = cli_width(s, strlen(s));

	fputs(s, stdout);
	for (; w < width; w++)
		putchar(' ');
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

int cli_error(const struct kerr *e)
{
	struct buf b = BUF_INIT;

	if (kerr_format(e, &b))
		fprintf(stderr, "koder: %s\n", kerr_name(e->code));
	else
		say(b.data, b.len);
	buf_release(&b);
	return kerr_exit(e->code);
}

int cli_errors(const struct kerr_list *l)
{
	size_t i;
	int status = EXIT_OK;

	for (i = 0; i < l->n; i++) {
		int s = cli_error(&l->items[i]);

		if (i == 0)
			status = s;
	}
	return status;
}

void cli_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(status);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		cli_die(EXIT_SOFTWARE, "out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		cli_die(EXIT_SOFTWARE, "out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		cli_die(EXIT_SOFTWARE, "out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		cli_die(EXIT_SOFTWARE, "out of memory");
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_draw(struct cli_progress *p)
{
	if (p->total)
		fprintf(stderr, "\r%s: %zu / %zu (%d%%)", p->label, p->done, p->total,
			(int)(100.0 * (double)p->done / (double)p->total));
	else
		fprintf(stderr, "\r%s: %zu", p->label, p->done);
}

void cli_progress_start(struct cli_progress *p, const char *label, size_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->last = now();
	p->on = isatty(STDERR_FILENO) && !getenv("NO_PROGRESS");
}

void cli_progress_add(struct cli_progress *p, size_t n)
{
	double t;

	p->done += n;
	if (!p->on || (p->done & 1023))
		return;
	t = now();
	if (t - p->last < 0.25)
		return;
	p->last = t;
	progress_draw(p);
}

void cli_progress_end(struct cli_progress *p)
{
	if (!p->on)
		return;
	progress_draw(p);
	fputc('\n', stderr);
}

int cli_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	/* "18446744073709551616" must not wrap to a small or the largest
	 * number: strtoull says ERANGE and returns ULLONG_MAX */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno == ERANGE || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}
