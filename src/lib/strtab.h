/*
 * strtab.h - a hash table from byte strings to 32-bit values, keys kept in
 * one arena.  The lexicon's word counts, word pairs and hunspell cache and
 * the repairer's token cache all are this table.
 *
 * Ownership: the table owns its arena and slots; strtab_release frees them.
 * Keys are copied in; nothing returned points into the caller's memory.
 */
#ifndef KODER_STRTAB_H
#define KODER_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct slot {
	uint32_t off, len;   /* key bytes in the arena; len 0 = empty slot */
	uint32_t val;
	uint32_t hash;       /* of the key */
};

struct strtab {
	struct buf arena;
	struct slot *slots;
	size_t mask, count;
};

/* Empty table with room for size_pow2 / 2 keys before it grows.  Returns 0 or
 * KERR_NOMEM. */
int strtab_init(struct strtab *t, size_t size_pow2);
void strtab_release(struct strtab *t);
/* Forget every key, keeping the storage. */
void strtab_clear(struct strtab *t);
/* Set key's value (add it to the existing value when add is set).  Empty keys
 * and keys over 64 KB are ignored.  Returns 0 or KERR_NOMEM. */
int strtab_put(struct strtab *t, const char *k, size_t n, uint32_t val, int add);
/* 1 and *val set when key is present, else 0. */
int strtab_get(const struct strtab *t, const char *k, size_t n, uint32_t *val);
/* A 64-bit hash of a byte string, for tables of keys kept elsewhere (the
 * models hash their features with it, so its values must not change: the
 * table itself places keys with a faster hash of its own).  It differs
 * between byte orders. */
uint64_t strtab_hash(const char *k, size_t n);

#endif
