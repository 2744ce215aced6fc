/*
 * cmd_serve.c - `koder serve`: the review in a browser, for one coder on a
 * laptop or a team on a server.  This file decides from the command line
 * what to do (serve, or add / revoke a coder's login in a running
 * project), prints each coder's personal link, and waits for SIGINT or
 * SIGTERM; the server itself is serve.c.
 */
#include "access.h"
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "codebook.h"
#include "corpus.h"
#include "error.h"
#include "project.h"
#include "serve.h"
#include "session.h"
#include "store.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
	OPT_DB = 256, OPT_LISTEN, OPT_CODER, OPT_ADD, OPT_REVOKE, OPT_CERT, OPT_KEY,
	OPT_INSECURE, OPT_QUESTION, OPT_HOST, OPT_TEXT, OPT_ID, OPT_WAVE, OPT_ROLE,
	OPT_CODEBOOK, OPT_QUIET, OPT_ORDER
};

static const struct cli_opt opts[] = {
	{ OPT_DB, "db", "PATH", "the project store (default: koder.db)" },
	{ OPT_LISTEN, "listen", "ADDR:PORT", "where to listen (default 127.0.0.1:8080; port 0: any free port)" },
	{ OPT_CODER, "coder", "NAME", "make a login link for NAME (repeat for more coders)" },
	{ OPT_ADD, "add-coder", "NAME", "give NAME a login link for the running server and quit" },
	{ OPT_REVOKE, "revoke", "NAME", "end NAME's login at once (running server too) and quit" },
	{ OPT_QUESTION, "question", "ID", "the open question (id or column; default: the first)" },
	{ OPT_CERT, "tls-cert", "FILE", "serve https with this PEM certificate (chain)" },
	{ OPT_KEY, "tls-key", "FILE", "the certificate's PEM private key" },
	{ OPT_HOST, "host", "NAME", "the server's name in links and Host headers (team servers)" },
	{ OPT_INSECURE, "insecure", NULL, "allow plain http on a non-loopback address" },
	{ OPT_QUIET, "quiet", NULL, "no log lines on standard error" },
	CMD_ORDER_OPT(OPT_ORDER),
	{ OPT_CODEBOOK, "codebook", "CB", "codebook of --text (a file or a shipped id)" },
	CMD_SURVEY_OPTS(OPT_TEXT, OPT_ID, OPT_WAVE, OPT_ROLE),
	{ 'h', "help", NULL, "show this help" },
	{ 0, NULL, NULL, NULL }
};

static const struct cli_usage usage = {
	"koder serve --db DB [CORPUS | SURVEY.csv --text C --codebook CB --id C]\n"
	"            [--listen ADDR:PORT] [--coder NAME]...\n"
	"koder serve --db DB --add-coder NAME | --revoke NAME",
	"Review in the browser: several coders on one project at once.",
	opts,
	"Prints one line per coder, 'NAME URL', on standard output: the URL is that\n"
	"coder's personal login link (keep it private; the store keeps only a hash\n"
	"of its secret).  Opening it logs the coder in; the page works offline and\n"
	"has the terminal review's keys (1-9 tick, Enter confirm, x ingen_svar, n\n"
	"note, u undo, j/k move, / search, f filter, ? help).  Every decision is on\n"
	"disk before the page shows it saved; stop the server with Ctrl-C (or\n"
	"SIGTERM) and nothing is lost.  A link printed again (a new --coder run or\n"
	"--add-coder) replaces the coder's old one; started without --coder, the\n"
	"server keeps the links given before.\n\n"
	"--order uncertain starts every coder's queue with the answers a decision\n"
	"teaches most from (the patterns and the learned model disagree, then the\n"
	"model is least sure); each coder can switch order on the page.\n\n"
	"The first time, give the corpus (or survey) so its answers go into the\n"
	"store, as 'koder review' does; later --db is enough.\n\n"
	"On a team network listen on all addresses with TLS:\n"
	"  koder serve --db sof.db --listen 0.0.0.0:8443 --host koder.example.dk \\\n"
	"              --tls-cert cert.pem --tls-key key.pem --coder anna --coder bo\n"
	"A non-loopback address without TLS is refused unless --insecure is given.\n\n"
	"Scripts and tests can do what the page does through its JSON API\n"
	"(logins, CSRF token, every endpoint): docs/serve-api.md.\n\n"
	"Examples:\n"
	"  koder serve --db sof.db corpora/sof --coder anna\n"
	"  koder serve --db sof.db --listen 127.0.0.1:0 --coder anna --coder bo\n"
	"  koder serve --db sof.db --add-coder carl\n"
	"  koder serve --db sof.db --revoke bo\n\n"
	"Exit status: 0 stopped by a signal (every decision kept), 2 wrong usage,\n"
	"3 a file is missing or the address cannot be used, 4 the corpus or survey\n"
	"has problems, 6 store unusable.  A store this run would create is not\n"
	"made when the survey cannot be read into it.\n"
};

struct serve_cmd {
	const char *db, *listen, *question, *cert, *key, *host, *add, *revoke, *source;
	const char *text, *id, *wave, *role, *codebook;
	const char **coders;
	size_t ncoders;
	int insecure, quiet, order_uncertain;
	struct corpus corpus;
	int have_corpus;
	struct store *s;
	char *qid;
};

static int first_question(void *ctx, const char *question, const char *codebook_id)
{
	char **q = ctx;

	(void)codebook_id;
	if (!*q)
		*q = xstrdup(question);
	return 0;
}

/* The corpus, or a bare survey described by the flags, read into the store
 * (answers and suggestions), as 'koder review' does the first time. */
static int add_survey(struct serve_cmd *r)
{
	struct cmd_source src = { r->source, r->text, r->codebook, r->id, r->wave, r->role,
		r->question, 0, 0 };
	struct kerr_list errs = KERR_LIST_INIT;
	const struct corpus_question *q = NULL;
	int status = cmd_load_source(&src, &r->corpus, &usage);

	r->have_corpus = src.loaded;
	r->question = src.question;
	if (status)
		return status;
	q = r->question ? corpus_question_find(&r->corpus, r->question) : NULL;
	if (r->question && !q)
		return cli_misuse(&usage, "the corpus has no question '%s'", r->question);
	if (q)
		r->qid = xstrdup(q->id ? q->id : q->column);
	if (project_add_survey(r->s, &r->corpus, r->qid, NULL, &errs))
		status = cli_errors(&errs);
	kerr_list_release(&errs);
	/* 'koder tally --db' finds the survey (its bases) from the store, as
	 * after 'koder review'. */
	if (!status && !r->text) {
		char *abs = realpath(r->source, NULL);
		struct kerr e;

		kerr_clear(&e);
		if (abs && store_meta_set(r->s, "corpus", abs, &e))
			status = cli_error(&e);
		free(abs);
	}
	return status;
}

/* The URL a new link goes under: the running server's (recorded when it
 * started), else what --listen would give. */
static void base_url(struct serve_cmd *r, struct buf *out)
{
	if (store_meta_get(r->s, "serve:url", out, NULL) == 0 && out->len)
		return;
	buf_reset(out);
	buf_addf(out, "%s://%s", r->cert ? "https" : "http", r->host ? r->host : r->listen);
}

static int print_link(struct serve_cmd *r, const char *coder, const char *base)
{
	struct buf tok = BUF_INIT;
	struct kerr e;

	kerr_clear(&e);
	if (access_issue(r->s, coder, &tok, &e)) {
		buf_release(&tok);
		if (e.code == KERR_INVALID)
			return cli_misuse(&usage, "%s", e.msg);
		return cli_error(&e);
	}
	printf("%s %s/login/%s\n", coder, base, tok.data);
	fflush(stdout);
	memset(tok.data, 0, tok.len);
	buf_release(&tok);
	return 0;
}

static int change_logins(struct serve_cmd *r)
{
	struct buf base = BUF_INIT;
	struct kerr e;
	int status = 0;

	kerr_clear(&e);
	if (r->revoke) {
		if (access_revoke(r->s, r->revoke, &e))
			return cli_error(&e);
		fprintf(stderr, "koder: %s can no longer log in to %s (open pages are logged "
			"out at their next request)\n", r->revoke, store_path(r->s));
		return 0;
	}
	base_url(r, &base);
	status = print_link(r, r->add, base.data);
	buf_release(&base);
	return status;
}

static int run_server(struct serve_cmd *r)
{
	struct serve_opts o = { r->listen, r->qid, r->cert, r->key, r->host, r->quiet,
		r->order_uncertain };
	struct serve *sv = NULL;
	sigset_t set;
	struct kerr e;
	size_t i;
	int sig = 0, status = 0;

	kerr_clear(&e);
	/* Block the stop signals before the server's thread exists, so only
	 * sigwait below sees them and the thread finishes its request. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (serve_start(&sv, r->s, &o, &e)) {
		if (e.code == KERR_IO)
			cli_error(&e);
		return e.code == KERR_IO ? EXIT_NOINPUT : cli_error(&e);
	}
	if (store_meta_set(r->s, "serve:url", serve_url(sv), &e)) {
		serve_stop(sv);
		return cli_error(&e);
	}
	for (i = 0; i < r->ncoders && !status; i++)
		status = print_link(r, r->coders[i], serve_url(sv));
	if (!status) {
		if (!r->quiet)
			fprintf(stderr, "koder serve: question %s of %s at %s; stop with Ctrl-C\n",
				r->qid, store_path(r->s), serve_url(sv));
		if (!r->host && (!strncmp(r->listen, "0.0.0.0:", 8) || !strncmp(r->listen, "[::]:", 5)))
			cli_warn("--listen %s: the links name no machine; coders can open them with "
				"this machine's address or name in place of it, or give --host NAME (the "
				"name coders reach it by) for links that open as they are", r->listen);
		if (!r->quiet && !r->ncoders)
			fprintf(stderr, "koder serve: no new links (no --coder): the links given "
				"before still work; 'koder serve --db %s --add-coder NAME' makes one\n",
				store_path(r->s));
		sigwait(&set, &sig);
	}
	serve_stop(sv);
	if (!r->quiet && !status)
		fprintf(stderr, "koder serve: stopped (%s); every decision is saved in %s\n",
			sig == SIGINT ? "Ctrl-C" : sig == SIGTERM ? "SIGTERM" : "SIGHUP",
			store_path(r->s));
	return status;
}

static int run(struct serve_cmd *r)
{
	struct kerr e;
	struct stat sb;
	char host[256];
	unsigned port;
	int loop, status, added = 0;

	kerr_clear(&e);
	/* a new store is built aside and published once the survey is in it,
	 * as review does: a corpus that cannot be read leaves no empty store */
	if (r->source && !r->add && !r->revoke && lstat(r->db, &sb) != 0 && errno == ENOENT) {
		int raced = 0;

		if (store_create(&r->s, r->db, &e))
			return cli_error(&e);
		if ((status = add_survey(r)))
			return status;  /* cmd_serve closes r->s: the temp file goes */
		if (store_publish(&r->s, &raced, &e))
			return cli_error(&e);
		added = 1;
	} else if (store_open(&r->s, r->db, r->source ? STORE_CREATE : 0, &e)) {
		if (e.code == KERR_NOTFOUND) {
			cli_warn("%s: no project store; give the corpus (or survey) the first time, "
				"e.g. 'koder serve --db %s corpora/sof'", r->db, r->db);
			return EXIT_NOINPUT;
		}
		return cli_error(&e);
	}
	if (r->add || r->revoke)
		return change_logins(r);
	if (serve_parse_listen(r->listen, host, sizeof host, &port, &loop, &e))
		return cli_misuse(&usage, "%s", e.msg);
	if (!loop && !r->cert && !r->insecure)
		return cli_misuse(&usage, "--listen %s reaches other machines: give --tls-cert "
			"and --tls-key (coders' answers and links would cross the network in "
			"clear text), or --insecure on a network you trust", r->listen);
	if (r->cert && (stat(r->cert, &sb) != 0 || stat(r->key, &sb) != 0)) {
		cli_warn("cannot read '%s': %s", stat(r->cert, &sb) ? r->cert : r->key,
			strerror(errno));
		return EXIT_NOINPUT;
	}
	if (r->source && !added && (status = add_survey(r)))
		return status;
	if (!r->qid && r->question)
		r->qid = xstrdup(r->question);
	if (!r->qid && store_each_question(r->s, first_question, &r->qid, &e))
		return cli_error(&e);
	if (!r->qid) {
		cli_warn("%s: the store holds no answers yet; give the corpus or survey", r->db);
		return EXIT_NOINPUT;
	}
	return run_server(r);
}

int cmd_serve(int argc, char **argv)
{
	struct serve_cmd r;
	struct cli_parser p;
	int c, rest = 0, status;
	const char *operand;

	memset(&r, 0, sizeof r);
	r.db = "koder.db";
	r.listen = "127.0.0.1:8080";
	r.coders = xcalloc((size_t)argc + 1, sizeof(*r.coders));
	cli_parser_init(&p, opts);
	while ((c = cmd_next_or_operand(&p, argc, argv, &rest, &operand)) != -1) {
		switch (c) {
		case 0:
			if (r.source) {
				free(r.coders);
				return cli_misuse(&usage, "one corpus or survey at a time");
			}
			r.source = operand;
			break;
		case OPT_DB: r.db = optarg; break;
		case OPT_LISTEN: r.listen = optarg; break;
		case OPT_CODER: r.coders[r.ncoders++] = optarg; break;
		case OPT_ADD: r.add = optarg; break;
		case OPT_REVOKE: r.revoke = optarg; break;
		case OPT_QUESTION: r.question = optarg; break;
		case OPT_CERT: r.cert = optarg; break;
		case OPT_KEY: r.key = optarg; break;
		case OPT_HOST: r.host = optarg; break;
		case OPT_INSECURE: r.insecure = 1; break;
		case OPT_QUIET: r.quiet = 1; break;
		case OPT_ORDER: {
			enum session_order order;

			if (session_order_parse(optarg, &order))
				return cli_misuse(&usage, "--order is survey or uncertain, not '%s'",
					optarg);
			r.order_uncertain = order == SESSION_ORDER_UNCERTAIN;
			break;
		}
		case OPT_CODEBOOK: r.codebook = optarg; break;
		case OPT_TEXT: r.text = optarg; break;
		case OPT_ID: r.id = optarg; break;
		case OPT_WAVE: r.wave = optarg; break;
		case OPT_ROLE: r.role = optarg; break;
		case 'h': free(r.coders); return cli_help(&usage);
		default: free(r.coders); return cli_misuse(&usage, NULL);
		}
	}
	if (r.add && r.revoke)
		status = cli_misuse(&usage, "--add-coder and --revoke are separate jobs; give one");
	else if ((r.add || r.revoke) && (r.ncoders || r.source))
		status = cli_misuse(&usage, "--add-coder and --revoke change a project's logins; "
			"give them with --db alone");
	else if (!!r.cert != !!r.key)
		status = cli_misuse(&usage, "--tls-cert and --tls-key go together");
	else if ((r.add && !access_name_ok(r.add)) || (r.revoke && !access_name_ok(r.revoke)))
		status = cli_misuse(&usage, "a coder's name is letters, digits, '.', '_' or '-'");
	else
		status = run(&r);
	store_close(r.s);
	if (r.have_corpus)
		corpus_release(&r.corpus);
	free(r.qid);
	free(r.coders);
	return status;
}
