/*
 * serve_data.h - what the web review's JSON API does, on top of the review
 * session library (session.h): one session per logged-in coder (and one for
 * adjudicating, opened when first used), the live tally, bulk coding,
 * adding a category, handing out work.  serve.c does HTTP and security and
 * calls sdata_api with an authenticated coder; this file never sees a
 * cookie or a token.
 *
 * Ownership: sdata_open borrows the store; sdata_close frees the rest.
 * sdata_api's *out is the caller's (cJSON_Delete).
 */
#ifndef KODER_SERVE_DATA_H
#define KODER_SERVE_DATA_H

#include <stddef.h>

struct cJSON;
struct kerr;
struct store;
struct sdata;

int sdata_open(struct sdata **out, struct store *s, const char *question, struct kerr *e);
void sdata_close(struct sdata *d);

/* The store changed under the sessions (a commit failed): every session
 * reads it again when next used. */
void sdata_reload(struct sdata *d);

/* The generation counters (what changed, and the codebook moving on) ... */
void sdata_generation(const struct sdata *d, unsigned long long *gen,
	unsigned long long *cbgen);
/* ... and a second sdata on a store handle of its own (another thread's)
 * made to follow them: its sessions read the store again as the first's
 * would, and reopen on a new codebook.  Each sdata stays one thread's. */
void sdata_follow(struct sdata *d, unsigned long long gen, unsigned long long cbgen);

/* Read the question's answers before the first coder logs in: the answer
 * table every coding session shares (session.c) is built here, at start,
 * rather than on the request thread by the first login, while that coder
 * waits (1 s at 100,000 answers).  It is held until the first coder's
 * session holds it.  A failure is not reported: the first login meets it
 * and says why. */
void sdata_warm(struct sdata *d);

/* The order of a review session opened from now on: survey order, or
 * (uncertain 1) session.h's SESSION_ORDER_UNCERTAIN; a coder's page may
 * choose another for that coder (GET /answer?order=). */
void sdata_set_order(struct sdata *d, int uncertain);

/* A coder logged in: keep their name known (sessions open when first used). */
void sdata_coder(struct sdata *d, const char *coder);

/* The value of query argument `name`, or NULL (URL-decoded). */
typedef const char *(*sdata_arg_fn)(void *ctx, const char *name);

/*
 * Answer API route `route` ("/session", "/answer", ...; see serve_data.c)
 * for `coder`: GET when post is 0 (arguments through `arg`), else POST with
 * the JSON object `in`.  Returns 0 with *out set, KERR_NOTFOUND with msg
 * empty for an unknown route, or a kerr code with a message for the coder in
 * `msg` (and *status set when it is not the code's usual one).
 */
int sdata_api(struct sdata *d, const char *coder, int post, const char *route,
	sdata_arg_fn arg, void *argctx, struct cJSON *in, struct cJSON **out,
	unsigned *status, char *msg, size_t msgsize);

#endif
