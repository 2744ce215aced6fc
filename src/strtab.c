/* strtab.c - open-addressing string hash table (see strtab.h). */
#include "strtab.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
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

/* The slot holding key, or the empty slot where it would go. */
static struct slot *strtab_slot(const struct strtab *t, const char *k, size_t n)
{
	size_t i = hash_bytes(k, n) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		struct slot *s = &t->slots[i];

		if (!s->len || (s->len == n && !memcmp(t->arena.data + s->off, k, n)))
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
			*strtab_slot(t, t->arena.data + old[i].off, old[i].len) = old[i];
	free(old);
	return 0;
}

/* Set key's value (adds to an existing value when add is set). */
int strtab_put(struct strtab *t, const char *k, size_t n, uint32_t val, int add)
{
	struct slot *s;

	if (n == 0 || n > 0xFFFF)
		return 0;
	if ((t->count + 1) * 2 > t->mask + 1 && strtab_grow(t))
		return KERR_NOMEM;
	s = strtab_slot(t, k, n);
	if (s->len) {
		s->val = add ? s->val + val : val;
		return 0;
	}
	if (t->arena.len > UINT32_MAX - n || buf_add(&t->arena, k, n))
		return KERR_NOMEM;
	s->off = (uint32_t)(t->arena.len - n);
	s->len = (uint32_t)n;
	s->val = val;
	t->count++;
	return 0;
}

int strtab_get(const struct strtab *t, const char *k, size_t n, uint32_t *val)
{
	const struct slot *s;

	if (n == 0)
		return 0;
	s = strtab_slot(t, k, n);
	if (!s->len)
		return 0;
	*val = s->val;
	return 1;
}

