/* strtab.c - open-addressing string hash table (see strtab.h). */
#include "strtab.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

/* Eight bytes at a time: keys are words, looked up for every word of
 * every answer, and a byte-at-a-time hash was a fair share of that. */
uint64_t strtab_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
	}
	/* the tail byte by byte (a memcpy of a variable length is a call),
	 * then MurmurHash3's finaliser: every input bit reaches the low bits
	 * that pick a slot */
	for (w = 0; n--;)
		w = w << 8 | (unsigned char)s[n];
	h ^= w;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	return h ^ (h >> 33);
}

static inline uint64_t load64(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return w;
}

static inline uint64_t load32(const char *s)
{
	uint32_t w;

	memcpy(&w, s, 4);
	return w;
}

/*
 * The hash that places keys in slots.  Not strtab_hash: the models hash
 * their features with that (model.c), so its values must stay as they
 * are.  This one reads a short key in at most two loads, overlapping
 * (a word is looked up for every word of every answer), and ends with
 * MurmurHash3's finaliser so every input bit reaches the low bits that
 * pick a slot.  n >= 1.
 */
static inline uint32_t slot_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;

	if (n > 8) {
		size_t i;

		for (i = 0; i + 8 < n; i += 8) {
			h = (h ^ load64(s + i)) * 0xFF51AFD7ED558CCDull;
			h ^= h >> 32;
		}
		w = load64(s + n - 8);
	} else if (n >= 4) {
		w = load32(s) | load32(s + n - 4) << 32;
	} else {
		w = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
		    (uint64_t)(unsigned char)s[n - 1] << 16;
	}
	h ^= w;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	return (uint32_t)(h ^ (h >> 33));
}

int strtab_init(struct strtab *t, size_t size_pow2)
{
	buf_init(&t->arena, 0);
	t->slots = calloc(size_pow2, sizeof(*t->slots));
	t->mask = size_pow2 - 1;
	t->count = 0;
	return t->slots ? 0 : KERR_NOMEM;
}

void strtab_release(struct strtab *t)
{
	buf_release(&t->arena);
	free(t->slots);
	t->slots = NULL;
}

void strtab_clear(struct strtab *t)
{
	buf_reset(&t->arena);
	memset(t->slots, 0, (t->mask + 1) * sizeof(*t->slots));
	t->count = 0;
}

/* memcmp(a, b, n) == 0 for the short keys of words, without a call */
static inline int same(const char *a, const char *b, size_t n)
{
	size_t i;

	if (n > 16)
		return !memcmp(a, b, n);
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *strtab_slot(const struct strtab *t, const char *k, size_t n, uint32_t h)
{
	size_t i = h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		struct slot *s = &t->slots[i];

		/* the hash first: a key in the arena is a further cache miss */
		if (!s->len || (s->hash == h && s->len == n && same(t->arena.data + s->off, k, n)))
			return s;
	}
}

static int strtab_grow(struct strtab *t)
{
	struct slot *old = t->slots;
	size_t i, oldn = t->mask + 1;

	t->slots = calloc(oldn * 2, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old;
		return KERR_NOMEM;
	}
	t->mask = oldn * 2 - 1;
	for (i = 0; i < oldn; i++)
		if (old[i].len)
			*strtab_slot(t, t->arena.data + old[i].off, old[i].len, old[i].hash) = old[i];
	free(old);
	return 0;
}

/* Set key's value (adds to an existing value when add is set). */
int strtab_put(struct strtab *t, const char *k, size_t n, uint32_t val, int add)
{
	struct slot *s;
	uint32_t h;

	if (n == 0 || n > 0xFFFF)
		return 0;
	if ((t->count + 1) * 2 > t->mask + 1 && strtab_grow(t))
		return KERR_NOMEM;
	h = slot_hash(k, n);
	s = strtab_slot(t, k, n, h);
	if (s->len) {
		s->val = add ? s->val + val : val;
		return 0;
	}
	if (t->arena.len > UINT32_MAX - n || buf_add(&t->arena, k, n))
		return KERR_NOMEM;
	s->off = (uint32_t)(t->arena.len - n);
	s->len = (uint32_t)n;
	s->hash = h;
	s->val = val;
	t->count++;
	return 0;
}

int strtab_get(const struct strtab *t, const char *k, size_t n, uint32_t *val)
{
	const struct slot *s;

	if (n == 0)
		return 0;
	s = strtab_slot(t, k, n, slot_hash(k, n));
	if (!s->len)
		return 0;
	*val = s->val;
	return 1;
}

