/*
 * access.h - who may open the web review: personal login tokens for coders.
 *
 * `koder serve` hands every coder a link carrying a random secret (256 bits,
 * hex).  The store keeps only the SHA-256 of it, so a copy of the store (a
 * backup, a laptop left open) does not let anyone log in.  Tokens live in
 * the store's meta table, so a second process (`koder serve --add-coder`,
 * `--revoke`) changes who may log in while the server runs:
 *
 *   login:<coder>        the hash of the coder's current token, "" revoked
 *   login-hash:<hash>    the coder a token hash belongs to
 *
 * A token is valid while login:<coder> still names its hash: issuing a new
 * token for a coder or revoking them ends the old one at once.
 *
 * Ownership: strings returned through `struct buf` are appended to the
 * caller's buffer; the store is borrowed.
 */
#ifndef KODER_ACCESS_H
#define KODER_ACCESS_H

#include <stddef.h>

struct buf;
struct kerr;
struct store;

/* Hex characters of a token (32 random bytes). */
#define ACCESS_TOKEN_HEX 64

/* A coder name the web review accepts: 1-64 bytes of letters, digits, '.',
 * '_' or '-' (it appears in URLs, logs and the store). */
int access_name_ok(const char *name);

/* Fill `out` with `n` bytes from the kernel's random source.  KERR_IO when
 * it cannot be read. */
int access_random(void *out, size_t n, struct kerr *e);

/* `n` random bytes as 2n hex characters appended to `out`. */
int access_random_hex(struct buf *out, size_t n, struct kerr *e);

/* Issue a new token for `coder` (replacing any earlier one) and append it,
 * in hex, to `token`.  Only its hash is stored. */
int access_issue(struct store *s, const char *coder, struct buf *token, struct kerr *e);

/* Revoke `coder`'s token.  KERR_NOTFOUND when the coder never had one. */
int access_revoke(struct store *s, const char *coder, struct kerr *e);

/* The coder whose token this is, appended to `coder`; KERR_NOTFOUND for a
 * wrong, malformed, replaced or revoked token. */
int access_check(struct store *s, const char *token, struct buf *coder, struct kerr *e);

/* The hex SHA-256 of `token` into `hash` (65 bytes). */
void access_hash(const char *token, char hash[65]);

/* 1 while `hash` is still `coder`'s current token hash (not revoked or
 * replaced), 0 otherwise. */
int access_current(struct store *s, const char *coder, const char *hash);

#endif
