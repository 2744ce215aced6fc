/*
 * serve.h - the web review server behind `koder serve`: HTTP (libmicrohttpd,
 * GnuTLS for https), logins, sessions, the page built into the binary, and
 * the JSON API the page calls.
 *
 * Why a front end of its own: coders in evaluation teams work in a browser,
 * several at once on one project.  Everything durable goes through the
 * project store (store.h) exactly as the terminal review does, so a decision
 * is on disk before the browser is told it is saved, and `koder tally --db`
 * counts it at once.
 *
 * Threads and locks: libmicrohttpd's one polling thread answers every
 * request in turn; it alone touches the store handle, the sessions
 * (serve_data.c), the login sessions and the rate limit, so they need no
 * lock.  Writes are committed at once without waiting for the disk
 * (store_defer_sync) and their replies held (the connection suspended);
 * a second thread, the sync thread, makes them durable in groups
 * (store_sync: one fdatasync for every write committed before it) and
 * then releases the replies, so no coder is told "saved" before the
 * decision is on disk, and a request that only reads never waits for a
 * sync.  A third thread, woken after each sync, checkpoints the -wal file
 * (store_checkpoint) when it has grown enough, so no held reply waits for
 * a checkpoint.  The threads share only the queue of held replies, the
 * count of writes in flight and the stopping and checkpoint flags, all
 * under serve.mu; the sync and checkpoint threads touch the store only
 * through store_sync and store_checkpoint, which are made for that.
 * serve_stop refuses new writes, lets the sync thread finish every held
 * one and then stops, so a decision is never lost.
 * Ownership: serve_start borrows the store and the option strings for the
 * server's life; serve_stop frees everything else.
 */
#ifndef KODER_SERVE_H
#define KODER_SERVE_H

#include <stddef.h>

struct kerr;
struct store;
struct serve;

struct serve_opts {
	const char *listen;       /* "ADDR:PORT" as given (port 0: any free port) */
	const char *question;     /* stored question id */
	const char *cert, *key;   /* PEM files for https, or NULL */
	const char *host;         /* extra Host name the server answers to, or NULL */
	int quiet;                /* no log lines on stderr */
	int order_uncertain;      /* review sessions start uncertain first */
};

/* Bind and start answering.  *out is the caller's (serve_stop). */
int serve_start(struct serve **out, struct store *s, const struct serve_opts *o,
	struct kerr *e);

/* The base URL coders open, "http://127.0.0.1:8080" (the port actually
 * bound); borrowed. */
const char *serve_url(const struct serve *sv);

/* Finish the request in hand, close every connection, free everything. */
void serve_stop(struct serve *sv);

/* "ADDR:PORT" split and checked; *loopback says whether ADDR is a
 * loopback address (127.0.0.0/8, ::1, localhost).  Returns 0 or
 * KERR_INVALID with a message. */
int serve_parse_listen(const char *listen, char *host, size_t hostsize, unsigned *port,
	int *loopback, struct kerr *e);

#endif
