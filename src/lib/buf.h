/*
 * buf.h - the one growable string buffer used everywhere in koder.
 *
 * Invariants: after buf_init (or BUF_INIT) `data` is never NULL and is always
 * NUL-terminated, so it can be handed to any C string function; `len` counts
 * the bytes before that NUL (the buffer may also hold NUL bytes of its own).
 * A buffer may carry a size cap (`max`, 0 = none): an append that would pass
 * it fails with KERR_LIMIT and leaves the buffer unchanged, because koder
 * reads untrusted survey text and a 2 GB "answer" must not exhaust memory.
 *
 * Ownership: the buffer owns `data`.  buf_release frees it; buf_detach hands
 * it to the caller, who then frees it with free().
 */
#ifndef KODER_BUF_H
#define KODER_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;   /* never NULL after init; points at buf_empty until first growth */
	size_t len;   /* bytes in use, excluding the terminating NUL */
	size_t cap;   /* bytes allocated (0 while data == buf_empty) */
	size_t max;   /* cap on len, 0 for none */
};

extern char buf_empty[1];
#define BUF_INIT { buf_empty, 0, 0, 0 }

/* Initialise an empty buffer with the given size cap (0 = no cap). */
void buf_init(struct buf *b, size_t max);
/* Free the storage and leave the buffer empty but usable. */
void buf_release(struct buf *b);
/* Empty the buffer, keeping its storage for reuse. */
void buf_reset(struct buf *b);
/* Make room for `extra` more bytes.  Returns 0, or KERR_NOMEM / KERR_LIMIT. */
int buf_grow(struct buf *b, size_t extra);
/* buf_add's general case (growth, the cap); call buf_add instead. */
int buf_add_slow(struct buf *b, const void *data, size_t len);
/*
 * Append `len` bytes.  Returns 0, or KERR_NOMEM / KERR_LIMIT (buffer
 * unchanged).  Inline because every byte of every answer passes through a
 * buffer: the common case (room left, no cap) is a copy and no call.
 */
static inline int buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->max || len >= b->cap - b->len || !b->cap)
		return buf_add_slow(b, data, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}
/* Append a NUL-terminated string. */
int buf_adds(struct buf *b, const char *s);
/* Append one byte. */
static inline int buf_addch(struct buf *b, int c)
{
	if (b->max || b->len + 1 >= b->cap) {
		char ch = (char)c;

		return buf_add_slow(b, &ch, 1);
	}
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
	return 0;
}
/* Append printf-formatted text. */
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Shorten to `len` bytes (no-op if already shorter). */
void buf_truncate(struct buf *b, size_t len);
/*
 * Take the storage: returns a malloc'd NUL-terminated string the caller now
 * owns and must free(); the buffer is left empty.  Returns NULL only if the
 * buffer was never grown and a copy of "" cannot be allocated.
 */
char *buf_detach(struct buf *b, size_t *len);
/*
 * A malloc'd copy of `s` that the caller frees; NULL stays NULL.  On
 * allocation failure returns NULL and sets *oom, so a run of copies (filling
 * a struct) can be checked once at the end.
 */
char *buf_dup(const char *s, int *oom);

#endif
