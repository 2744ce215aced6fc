/*
 * access.c - personal login tokens for the web review (see access.h).
 * Random bytes come from getrandom(2); the hash is GnuTLS's SHA-256, the
 * same library that carries the server's TLS.
 */
#include "access.h"
#include "buf.h"
#include "error.h"
#include "store.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <sys/random.h>

int access_name_ok(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		      || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int access_random(void *out, size_t n, struct kerr *e)
{
	unsigned char *p = out;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return kerr_errno(e, errno, NULL, "cannot read random bytes");
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int access_random_hex(struct buf *out, size_t n, struct kerr *e)
{
	unsigned char raw[64];
	char hex[129];
	int rc;

	if (n > sizeof raw)
		return kerr_set(e, KERR_INVALID, "at most %zu random bytes at once", sizeof raw);
	if ((rc = access_random(raw, n, e)))
		return rc;
	to_hex(raw, n, hex);
	memset(raw, 0, sizeof raw);
	return buf_adds(out, hex) ? kerr_set(e, KERR_NOMEM, "out of memory") : 0;
}

void access_hash(const char *token, char hash[65])
{
	unsigned char d[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), d) < 0)
		memset(d, 0, sizeof d);   /* cannot happen with SHA-256; matches nothing */
	to_hex(d, sizeof d, hash);
}

static int key_of(struct buf *k, const char *prefix, const char *what)
{
	buf_reset(k);
	return buf_addf(k, "%s%s", prefix, what);
}

int access_issue(struct store *s, const char *coder, struct buf *token, struct kerr *e)
{
	struct buf tok = BUF_INIT, key = BUF_INIT;
	char hash[65];
	int rc;

	if (!access_name_ok(coder))
		return kerr_set(e, KERR_INVALID, "'%s' cannot be a coder's name here: use "
			"letters, digits, '.', '_' or '-' (at most 64)", coder ? coder : "");
	if ((rc = access_random_hex(&tok, ACCESS_TOKEN_HEX / 2, e)))
		goto out;
	access_hash(tok.data, hash);
	if ((rc = store_begin(s, e)))
		goto out;
	if (key_of(&key, "login-hash:", hash)) {
		store_rollback(s);
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = store_meta_set(s, key.data, coder, e))
	    || key_of(&key, "login:", coder)
	    || (rc = store_meta_set(s, key.data, hash, e))
	    || (rc = store_commit(s, e))) {
		store_rollback(s);
		if (!rc)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
		goto out;
	}
	if (buf_adds(token, tok.data))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
out:
	memset(tok.data, 0, tok.len);
	buf_release(&tok);
	buf_release(&key);
	return rc;
}

int access_revoke(struct store *s, const char *coder, struct kerr *e)
{
	struct buf key = BUF_INIT, cur = BUF_INIT;
	int rc;

	if (key_of(&key, "login:", coder))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	rc = store_meta_get(s, key.data, &cur, NULL);
	if (rc == KERR_NOTFOUND)
		rc = kerr_set(e, KERR_NOTFOUND, "'%s' has no login to revoke", coder);
	else if (!rc)
		rc = store_meta_set(s, key.data, "", e);
	else
		rc = kerr_set(e, rc, "cannot read the store");
	buf_release(&key);
	buf_release(&cur);
	return rc;
}

int access_current(struct store *s, const char *coder, const char *hash)
{
	struct buf key = BUF_INIT, cur = BUF_INIT;
	int ok;

	ok = !key_of(&key, "login:", coder) && !store_meta_get(s, key.data, &cur, NULL)
		&& cur.len == 64 && !strcmp(cur.data, hash);
	buf_release(&key);
	buf_release(&cur);
	return ok;
}

int access_check(struct store *s, const char *token, struct buf *coder, struct kerr *e)
{
	struct buf key = BUF_INIT, name = BUF_INIT;
	char hash[65];
	size_t i;
	int rc = 0;

	for (i = 0; token[i]; i++)
		if (!((token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f')))
			break;
	if (i != ACCESS_TOKEN_HEX || token[i])
		return kerr_set(e, KERR_NOTFOUND, "not a login token");
	access_hash(token, hash);
	if (key_of(&key, "login-hash:", hash)) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	} else if (store_meta_get(s, key.data, &name, NULL) || !access_current(s, name.data, hash)) {
		rc = kerr_set(e, KERR_NOTFOUND, "this login link is not valid (any more)");
	} else if (buf_adds(coder, name.data)) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	}
	buf_release(&key);
	buf_release(&name);
	return rc;
}
