/*
 * repair.c - candidate search and scoring for one damaged word (see
 * repair.h).
 *
 * Where candidates come from, in the order they are tried:
 *   1. the trie of counted words, walked while reversing confusions (dfs);
 *      a walk may end in a counted word, in a counted word plus an
 *      inflection ending (målinger from måling), or continue as a compound
 *      of up to three counted parts (slut+målingen, tvivl+s+spørgsmål);
 *   2. for long uncounted words, the same walk after a prefix kept as
 *      written (fidelitets+målingen);
 *   3. for words nobody knows, the cheapest reversals checked against
 *      hunspell (generate), and one marked reversal however rare (z, &, d
 *      for å: forms no Danish word has);
 *   4. for a word written with a capital I that no reading as i explains,
 *      the same with that I read as l (Ipsningen -> løsningen).
 * Anything that is not a counted word must be accepted by hunspell; a
 * compound that keeps a prefix as written is weighed against the written
 * word split at the same place when the written head is a word too
 * (nulpunkt+målingen against nulpunkt+malingen: the heads' counts decide).  Scores
 * are log10 counts minus costs; the word as written competes on the same
 * scale, so a correct word stays unless a repair beats it by MARGIN.
 * A hunspell-da check of a Danish compound costs as much as deciding
 * hundreds of counted words, so decide asks only while an answer can still
 * change what is written in some context (label, settled): the output is
 * the same as if every answer were asked.
 * The costs were set on the dev halves of tests/normalize-eval; the
 * held-out halves only measure them.
 */
#include "repair.h"
#include "buf.h"
#include "datadir.h"
#include "error.h"
#include "lexicon.h"
#include "strtab.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#define MAXW 128           /* longer words are left alone */
#define MAXCAND 12
#define MAX_EDITS 4
#define MAX_COST 4.0f
#define MAX_STEPS 40000    /* search budget per word */
#define COMPOUND_PEN 0.5f  /* per extra part of a compound of counted words */
#define SPELL_BASE -1.0f   /* score of a word only hunspell knows: it accepts
                              * many odd compounds (opstar = op+star) */
#define SPELL_MAX_COST 2.0f /* dearest repair of a word hunspell accepts as it is */
#define GEN_CHEAP 1.5f      /* dearest single reversal hunspell is asked about unmarked */
#define GEN_MARKED_PAIR 3.4f /* dearest two reversals with a marked one (imgdegd) */
#define GEN_TESTS 40       /* hunspell checks for one unknown word, in all */
#define MARGIN 0.5f        /* how much better a repair must score */
#define CAPS_MARGIN 1.5f   /* ALL-CAPS words are often acronyms (STAR, SOF) */
#define RELAX 0.5f        /* share of repair costs forgiven in a line without æøå */
#define RELAX_MAX_COST 1.9f /* ...for repairs no dearer than this (sagt is not søgt;
                              * nor is a for æ typing, which writes ae: forandring) */
#define LM_MAX 2.0f       /* most the word pair model may move a decision */
#define LM_PAIR 0.7       /* weight of the word pair against the single word */
#define CTX_PAIR 0.7      /* weight of the pair count in P(neighbour | word) */
#define CTX_MARGIN 0.5    /* log10: how much likelier context must make the other word */
#define CTX_CHANNEL 1.5   /* log10: how unlikely a damaged word is in a line whose æ ø å
			   * are written right elsewhere ... */
#define CTX_CHANNEL_RELAXED 0.3 /* ... in a line without æ ø å at all ... */
#define CTX_CHANNEL_DAMAGED 0.5 /* ... and after a word of the line was repaired */
#define CTX_COMMON 20     /* a word counted this often in the domain (bor, for) is
			   * changed only when its neighbours, not the other word's
			   * frequency, speak for the change ... */
#define CTX_EVIDENCE 1.0  /* ... by this much (log10) */
#define ENDING_PEN 0.5f   /* a counted word plus an inflection ending */
#define CACHE_MAX 100000
#define KNOWN_COMPOUND_MARGIN 1.0f /* see decide */
#define ACRONYM_MAX 4      /* bytes: an unknown word in capitals this short may be an acronym */
#define SHORT_WORD 2       /* bytes: a word this short may be an abbreviation */
#define SHORT_MAX_COST 1.5f /* ...and is repaired only by a cheap confusion, */
#define SHORT_VOWELLESS_FREQ 100 /* ...or, written without a vowel, into a
				  * common word (pd -> på); the count of the
				  * abbreviation as written still competes */

enum why {
	W_NONE, W_G_OE, W_AT_OE, W_REG_OE, W_A_AA, W_AA_AA, W_3_AA, W_AE_AE, W_EE_AE,
	W_E_AE, W_A_AE, W_Z_AE, W_AMP_AE, W_AT_AE, W_O_OE, W_OE_OE, W_X_OE, W_BAR_I,
	W_I_L, W_L_I, W_DIGIT_LETTER, W_LETTER_DIGIT, W_S_A, W_COMPOUND, W_X_AA, W_X_AE,
	W_ONE_I, W_LETTER, W_M_RN, W__COUNT
};

static const char *const why_text[W__COUNT] = {
	"",
	"OCR read ø as g",
	"OCR read ø as @",
	"OCR read Ø as ®",
	"å written as a",
	"å written as aa",
	"OCR read å as 3",
	"æ written as ae",
	"OCR read æ as ee",
	"OCR read æ as e",
	"OCR read æ as a",
	"OCR read æ as z",
	"OCR read æ as &",
	"OCR read æ as @",
	"ø written as o",
	"ø written as oe",
	"OCR read ø as another letter",
	"OCR read I as |",
	"OCR read l as I",
	"OCR read I as l",
	"OCR read a letter as a digit",
	"OCR read a digit as a letter",
	"OCR read a as s",
	"compound word",
	"OCR read å as another letter",
	"OCR read æ as another letter",
	"OCR read I as 1",
	"OCR read one letter as another",
	"OCR read rn as m",
};

/* Damaged spelling -> the letter it stands for, with what believing it
 * costs: read from data/da-confusions.tsv (scripts/measure-confusions.py
 * measures the rates on the dev lines of real OCR and derives the costs). */
struct rule {
	char from[8], to[8];
	uint8_t fl, tl;
	uint8_t caps;      /* only in words written in capitals (B for Ø) */
	uint8_t typing;    /* also a spelling of a writer without æ ø å (oe, aa) */
	uint8_t marked;    /* reads a form no plain vowel is (z, &, d, eae), see generate */
	enum why why;
	float cost;
};

#define MAXRULES 96

struct cand {
	char w[MAXW];
	size_t len;
	float cost;
	unsigned freq;     /* count of the word, or of its rarest part */
	int parts;
	int inflected;     /* a counted word plus an ending */
	int loose;         /* after a prefix kept as written: proves nothing */
	size_t pre;        /* ...that prefix's length */
	enum why why;
};

/* A cached decision for a lower-cased word, before context and case. */
struct centry {
	uint32_t off, len;        /* the best other candidate in the arena */
	float orig, best;         /* scores without context */
	uint8_t why, has_best;
	uint8_t guessed;          /* best is only hunspell's: not for names */
	uint8_t typed;            /* best undoes a typing spelling (oe for ø), as
				   * names keep them (Moeller, Mogens, Vagn) */
	uint8_t whole;            /* best is a counted word, not a compound or form */
	uint8_t pair;             /* word and best are both words of the pair model */
	unsigned freq;            /* the word's own count */
	float cost;               /* what believing best's repairs costs */
};

struct repairer {
	struct lexicon *lx;
	struct rule rules[MAXRULES];
	size_t nrules;
	unsigned char first[256][MAXRULES + 1]; /* rules by first byte, 0xFF ends */
	struct strtab cache;
	struct centry *ents;
	size_t nents, ents_cap;
	struct buf arena;
	/* tokens, exactly as written, that stay as they are in any context: no
	 * repair candidate at all (decide depends on the word alone), so most
	 * tokens of an answer are settled by one lookup */
	struct strtab plain;
	size_t nplain;
	int last_plain;           /* repair_lower: its 0 held in any context */
};

struct search {
	struct lexicon *lx;
	const struct repairer *rp;
	const char *in;
	size_t n;
	char path[MAXW];
	size_t plen;
	float cost;
	int edits, parts;
	unsigned minfreq;
	int loose;         /* searching after a prefix kept as written */
	size_t pre;        /* ...of this length */
	int caps;          /* the word is written in capitals */
	enum why why;
	size_t steps;
	struct cand c[MAXCAND];
	int nc;
};

/* ---- setup ------------------------------------------------------------- */

/* Lower-case ASCII and the Latin-1 capitals of a short UTF-8 string. */
static void lower_small(char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			s[i] = (char)(c + 32);
		else if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
			s[i] = (char)(c + 0x20);
	}
}

/* What a change by rule from -> to says it repaired. */
static enum why why_of(const char *from, const char *to)
{
	if (!strcmp(to, "\xC3\xB8"))
		return !strcmp(from, "g") ? W_G_OE : strchr(from, '@') ? W_AT_OE :
		       !strcmp(from, "\xC2\xAE") ? W_REG_OE : !strcmp(from, "o") ? W_O_OE :
		       !strcmp(from, "oe") ? W_OE_OE : W_X_OE;
	if (!strcmp(to, "\xC3\xA5"))
		return !strcmp(from, "a") ? W_A_AA : !strcmp(from, "aa") ? W_AA_AA :
		       from[0] == '3' ? W_3_AA : W_X_AA;
	if (!strcmp(to, "\xC3\xA6"))
		return !strcmp(from, "ae") ? W_AE_AE : !strcmp(from, "e") ? W_E_AE :
		       !strcmp(from, "a") ? W_A_AE : from[0] == 'z' ? W_Z_AE :
		       from[0] == '@' ? W_AT_AE : strchr(from, '&') || from[0] == '2' ? W_AMP_AE :
		       strstr(from, "e") ? W_EE_AE : W_X_AE;
	if (!strcmp(to, "i"))
		return from[0] == '|' ? W_BAR_I : from[0] == '1' ? W_ONE_I : W_L_I;
	if (!strcmp(to, "l"))
		return from[0] == 'i' ? W_I_L : W_DIGIT_LETTER;
	if (from[0] >= '0' && from[0] <= '9')
		return W_DIGIT_LETTER;
	if (!strcmp(from, "m") && !strcmp(to, "rn"))
		return W_M_RN;
	return !strcmp(from, "s") && !strcmp(to, "a") ? W_S_A : W_LETTER;
}

/* One row of data/da-confusions.tsv: clean, damaged, kind, count,
 * opportunities, probability, cost.  The rule reads the damaged form
 * (lower-cased, as words are searched) back as the clean one; a form seen
 * twice (å as a by OCR and by typing) keeps its cheaper cost. */
static int add_rule(struct repairer *rp, char *line, const char *path, long lineno, struct kerr *e)
{
	char *f[7], *save = NULL, *end;
	struct rule ru;
	size_t i, k = 0;
	int upper;

	for (f[k] = strtok_r(line, "\t", &save); f[k] && k < 6; f[k] = strtok_r(NULL, "\t", &save))
		k++;
	if (k != 6 || !f[6] || strlen(f[0]) >= sizeof(ru.from) || strlen(f[1]) >= sizeof(ru.from)) {
		int rc = kerr_set(e, KERR_SYNTAX, "expected 7 tab-separated fields: clean, damaged, "
				  "kind, count, opportunities, probability, cost");

		kerr_at(e, path, lineno, 0);
		return rc;
	}
	memset(&ru, 0, sizeof(ru));
	ru.cost = strtof(f[6], &end);
	if (*end || end == f[6] || !(ru.cost > 0.0f && ru.cost < 10.0f)) {
		int rc = kerr_set(e, KERR_SYNTAX, "the cost must be a number between 0 and 10");

		kerr_at(e, path, lineno, 0);
		return rc;
	}
	upper = (f[0][0] >= 'A' && f[0][0] <= 'Z') ||
		((unsigned char)f[0][0] == 0xC3 && (unsigned char)f[0][1] < 0xA0);
	strcpy(ru.to, f[0]);
	strcpy(ru.from, f[1]);
	lower_small(ru.to);
	lower_small(ru.from);
	ru.fl = (uint8_t)strlen(ru.from);
	ru.tl = (uint8_t)strlen(ru.to);
	/* a capital read as a letter no lower-case word is damaged into (Ø as B) */
	ru.caps = upper && strcmp(f[0], "I") && isalpha((unsigned char)f[1][0]);
	ru.why = why_of(ru.from, ru.to);
	ru.typing = !strcmp(f[2], "typing");
	ru.marked = !(ru.fl == 1 && strchr("aeiouy", ru.from[0]));
	for (i = 0; i < rp->nrules; i++)
		if (!strcmp(rp->rules[i].from, ru.from) && !strcmp(rp->rules[i].to, ru.to)) {
			if (ru.cost < rp->rules[i].cost)
				rp->rules[i].cost = ru.cost;
			rp->rules[i].caps &= ru.caps;
			rp->rules[i].typing |= ru.typing;
			return 0;
		}
	if (rp->nrules == MAXRULES) {
		int rc = kerr_set(e, KERR_LIMIT, "more than %d confusions", MAXRULES);

		kerr_at(e, path, lineno, 0);
		return rc;
	}
	rp->rules[rp->nrules++] = ru;
	return 0;
}

static int load_rules(struct repairer *rp, struct kerr *e)
{
	const char *rel = "data/da-confusions.tsv";
	struct buf path = BUF_INIT;
	char *line = NULL;
	size_t cap = 0, r, b;
	ssize_t n;
	long lineno = 0;
	int rc = 0;
	FILE *f;

	if (datadir_find(rel, &path)) {
		rc = kerr_set(e, KERR_NOTFOUND, "data file missing: %s "
			      "(reinstall koder, or set KODER_DATADIR)", rel);
		kerr_at(e, path.data, 0, 0);
		buf_release(&path);
		return rc;
	}
	f = fopen(path.data, "r");
	if (!f) {
		rc = kerr_errno(e, errno, path.data, "cannot open");
		buf_release(&path);
		return rc;
	}
	while (!rc && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0 && line[0] != '#')
			rc = add_rule(rp, line, path.data, lineno, e);
	}
	free(line);
	fclose(f);
	buf_release(&path);
	if (rc)
		return rc;
	for (b = 0; b < 256; b++) {
		size_t k = 0;

		for (r = 0; r < rp->nrules; r++)
			if ((unsigned char)rp->rules[r].from[0] == b)
				rp->first[b][k++] = (unsigned char)r;
		rp->first[b][k] = 0xFF;
	}
	return 0;
}

int repairer_new(struct repairer **out, struct kerr *e)
{
	struct repairer *rp = calloc(1, sizeof(*rp));
	int rc;

	*out = NULL;
	if (!rp)
		return kerr_set(e, KERR_NOMEM, "out of memory");
	rc = load_rules(rp, e);
	if (rc) {
		free(rp);
		return rc;
	}
	buf_init(&rp->arena, 0);
	rc = strtab_init(&rp->cache, 1 << 12);
	if (!rc)
		rc = strtab_init(&rp->plain, 1 << 12);
	if (rc) {
		repairer_free(rp);
		return kerr_set(e, rc, "out of memory");
	}
	rc = lexicon_load(&rp->lx, 1, e);
	if (rc) {
		repairer_free(rp);
		return rc;
	}
	*out = rp;
	return 0;
}

void repairer_free(struct repairer *rp)
{
	if (!rp)
		return;
	lexicon_free(rp->lx);
	strtab_release(&rp->cache);
	strtab_release(&rp->plain);
	free(rp->ents);
	buf_release(&rp->arena);
	free(rp);
}

/* ---- characters ----------------------------------------------------------- */

int repair_is_word_char(int c)
{
	if (c < 0x80)
		return repair_is_ascii_word_char(c);
	return c == 0xAE || u_isalnum(c);
}

/* Latin-1 letters (C3 80..C3 9E, not ×) and ASCII change case; the rest of
 * Unicode is left as written (Danish needs no more). */
static void to_lower(const char *s, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		else if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
			c += 0x20;
		out[i] = (char)c;
	}
}

static void to_upper(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'a' && c <= 'z')
			s[i] = (char)(c - 32);
		else if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0xA0 && c <= 0xBE && c != 0xB7)
			s[i] = (char)(c - 0x20);
	}
}

enum casing { C_LOWER, C_INIT, C_ALL, C_MIXED, C_LOWER_FROM_I, C_INIT_IF_I };

/* 1 for an upper-case letter at s[i], -1 for a lower-case one, else 0
 * (ASCII and Latin-1 only, as to_lower). */
static int letter_case(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i], d;

	if (c >= 'A' && c <= 'Z')
		return 1;
	if (c >= 'a' && c <= 'z')
		return -1;
	if (c != 0xC3 || i + 1 >= n)
		return 0;
	d = (unsigned char)s[i + 1];
	if (d == 0x97 || d == 0xB7)
		return 0;
	return d >= 0x80 && d <= 0x9E ? 1 : d >= 0xA0 && d <= 0xBE ? -1 : 0;
}

/*
 * The capitalisation of a word as written.  ® counts as a capital (it is
 * OCR for Ø), and the second letter of a capital written out as two (Ae, Oe,
 * Aa for Æ, Ø, Å: OEst, OMLAeGNING) counts as part of that capital.
 */
static enum casing casing_of(const char *w, size_t n)
{
	size_t i, up = 0, low = 0;
	int first_up = 0, seen = 0, prev_up = 0;

	for (i = 0; i < n; i++) {
		int lc = letter_case(w, i, n);

		if ((unsigned char)w[i] == 0xC2 && i + 1 < n && (unsigned char)w[i + 1] == 0xAE)
			lc = 1;
		if (lc < 0 && prev_up && i > 0 && (w[i] == 'e' || w[i] == 'a') &&
		    (w[i - 1] == 'A' || w[i - 1] == 'O' || (w[i - 1] == 'E' && i > 1 && w[i - 2] == 'O'))) {
			prev_up = 0;
			continue;
		}
		if (lc > 0) {
			if (!seen)
				first_up = 1;
			up++;
			seen = 1;
		} else if (lc < 0) {
			low++;
			seen = 1;
		}
		if (lc)
			prev_up = lc > 0;
	}
	if (up == 0)
		return C_LOWER;
	if (low == 0)
		return up >= 2 ? C_ALL : C_INIT;
	if (first_up && (up == 1 || (up == 2 && (w[0] == 'A' || w[0] == 'O') &&
				     (w[1] == 'E' || w[1] == 'A'))))
		return C_INIT;
	return C_MIXED;
}

/* Capitalise the first letter of s (ASCII or Latin-1). */
static void capitalise(char *s, size_t n)
{
	if (n > 0 && (unsigned char)s[0] != 0xC3)
		to_upper(s, 1);
	else if (n > 1)
		to_upper(s, 2);
}

/* ---- search ---------------------------------------------------------------- */

static float cand_score(const struct cand *c)
{
	return log10f((float)c->freq) - c->cost - COMPOUND_PEN * (float)(c->parts - 1) -
	       (c->inflected ? ENDING_PEN : 0.0f);
}

static void add_cand(struct search *s, unsigned freq, int inflected)
{
	struct cand c, *slot = NULL;
	int i;

	if (s->plen == 0)
		return;
	memcpy(c.w, s->path, s->plen);
	c.len = s->plen;
	c.cost = s->cost;
	c.freq = freq;
	c.parts = s->parts;
	c.inflected = inflected || s->loose;
	c.loose = s->loose;
	c.pre = s->loose ? s->pre : 0;
	c.why = s->parts > 1 && s->why == W_NONE ? W_COMPOUND : s->why;
	for (i = 0; i < s->nc; i++)
		if (s->c[i].len == c.len && !memcmp(s->c[i].w, c.w, c.len)) {
			if (cand_score(&s->c[i]) >= cand_score(&c))
				return;
			slot = &s->c[i];
			break;
		}
	if (!slot && s->nc < MAXCAND)
		slot = &s->c[s->nc++];
	if (!slot) {
		/* replace the worst if the new one is better */
		int worst = 0;

		for (i = 1; i < s->nc; i++)
			if (cand_score(&s->c[i]) < cand_score(&s->c[worst]))
				worst = i;
		if (cand_score(&s->c[worst]) >= cand_score(&c))
			return;
		slot = &s->c[worst];
	}
	*slot = c;
}

/* Walk the trie from node with bytes t[0..n); -1 when no counted word does. */
static int walk(const struct lexicon *lx, int node, const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n && node >= 0; i++)
		node = lexicon_child(lx, node, (unsigned char)t[i]);
	return node;
}

static void dfs(struct search *s, size_t pos, int node, size_t part_start);

/* Continue the search after emitting t[0..tn) for input up to pos. */
static void step(struct search *s, size_t pos, int node, size_t part_start,
		 const char *t, size_t tn, float cost, enum why why)
{
	int nn = walk(s->lx, node, t, tn);
	float oc = s->cost;
	enum why ow = s->why;

	if (nn < 0 || s->plen + tn >= MAXW)
		return;
	memcpy(s->path + s->plen, t, tn);
	s->plen += tn;
	s->cost += cost;
	if (why != W_NONE) {
		s->edits++;
		if (s->why == W_NONE)
			s->why = why;
	}
	dfs(s, pos, nn, part_start);
	if (why != W_NONE)
		s->edits--;
	s->why = ow;
	s->cost = oc;
	s->plen -= tn;
}

static size_t u8len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Short words that begin Danish compounds (op+start, til+bage); other
 * compound parts must have at least 4 bytes, or junk splits such as
 * is+år and ops+tar would pass for words. */
static int short_prefix_ok(const char *w, size_t n)
{
	static const char *const pre[] = {
		"op", "ud", "af", "til", "for", "mod", "med", "ind", "sam", "gen", "om",
		"ned", "hen", "bi", "p\xC3\xA5", "fra", "mer", "tid", "job", "syg", NULL
	};
	size_t i;

	for (i = 0; pre[i]; i++)
		if (strlen(pre[i]) == n && !memcmp(pre[i], w, n))
			return 1;
	return 0;
}

static int part_ok(const struct search *s, size_t part_start)
{
	size_t n = s->plen - part_start;

	return n >= 4 || (part_start == 0 && short_prefix_ok(s->path, n));
}

/* Inflections added to a counted word (måling -> målinger, målingerne);
 * such a form needs hunspell's agreement like a compound does. */
static const char *const endings[] = {
	"erne", "ernes", "er", "ers", "en", "ens", "et", "ets", "ene", "enes", "e",
	"es", "s", "ede", "te", "ende", "t", NULL
};

static void dfs(struct search *s, size_t pos, int node, size_t part_start)
{
	unsigned f = lexicon_node_freq(s->lx, node);
	const unsigned char *r;
	size_t k;

	if (++s->steps > MAX_STEPS)
		return;
	if (pos == s->n) {
		if (f && (s->parts == 1 || part_ok(s, part_start)))
			add_cand(s, s->parts > 1 && s->minfreq < f ? s->minfreq : f, 0);
		return;
	}
	if (f && s->plen - part_start >= 4) {
		size_t rest = s->n - pos, e;

		for (e = 0; endings[e]; e++)
			if (strlen(endings[e]) == rest && !memcmp(s->in + pos, endings[e], rest) &&
			    s->plen + rest < MAXW) {
				memcpy(s->path + s->plen, endings[e], rest);
				s->plen += rest;
				add_cand(s, s->parts > 1 && s->minfreq < f ? s->minfreq : f, 1);
				s->plen -= rest;
				break;
			}
	}
	/* a compound: a counted word ends here and another begins (optionally
	 * after the linking s of sygedagpenge-s-sag) */
	if (f && s->parts < 3 && part_ok(s, part_start) && s->n - pos >= 4) {
		unsigned om = s->minfreq;

		s->parts++;
		if (f < s->minfreq)
			s->minfreq = f;
		dfs(s, pos, 0, s->plen);
		if (s->in[pos] == 's' && s->plen - part_start >= 3 && s->n - pos >= 5 &&
		    s->plen + 1 < MAXW) {
			s->path[s->plen++] = 's';
			dfs(s, pos + 1, 0, s->plen);
			s->plen--;
		}
		s->minfreq = om;
		s->parts--;
	}
	k = u8len((unsigned char)s->in[pos]);
	if (pos + k <= s->n)
		step(s, pos + k, node, part_start, s->in + pos, k, 0.0f, W_NONE);
	if (s->edits >= MAX_EDITS)
		return;
	for (r = s->rp->first[(unsigned char)s->in[pos]]; *r != 0xFF; r++) {
		const struct rule *ru = &s->rp->rules[*r];
		size_t fl = ru->fl;

		if (pos + fl > s->n || memcmp(s->in + pos, ru->from, fl) || (ru->caps && !s->caps))
			continue;
		if (s->cost + ru->cost > MAX_COST)
			continue;
		step(s, pos + fl, node, part_start, ru->to, ru->tl, ru->cost, ru->why);
	}
}

/* ---- decision ---------------------------------------------------------------- */

/* What the word pair model needs of a word's neighbours, looked up once
 * for the word and its candidate. */
struct lm_ctx {
	double total;
	char prev[MAXW], next[MAXW];   /* lower-cased */
	size_t prevn, nextn;           /* 0: none to go by */
	double fp, fn;                 /* their counts */
};

static void lm_context(struct lexicon *lx, const struct repair_ctx *ctx, struct lm_ctx *lc)
{
	lc->total = (double)lexicon_total(lx) + 1.0;
	lc->prevn = lc->nextn = 0;
	lc->fp = lc->fn = 0;
	if (ctx->prev && ctx->prevn > 0 && ctx->prevn < MAXW) {
		to_lower(ctx->prev, ctx->prevn, lc->prev);
		lc->prevn = ctx->prevn;
		lc->fp = (double)lexicon_freq(lx, lc->prev, lc->prevn);
	}
	if (ctx->next && ctx->nextn > 0 && ctx->nextn < MAXW) {
		to_lower(ctx->next, ctx->nextn, lc->next);
		lc->nextn = ctx->nextn;
		lc->fn = (double)lexicon_freq(lx, lc->next, lc->nextn);
	}
}

/*
 * Log-probability of word w (counted fw times) between the neighbours: an
 * interpolated bigram model, P(w | prev) * P(next | w), each mixing the
 * pair count with the unigram count.  Used to choose between two counted
 * words that are both plausible (for/før, bade/både) where frequency alone
 * always picks one.
 */
static float lm_score(struct lexicon *lx, const char *w, size_t n, unsigned freq,
		      const struct lm_ctx *lc)
{
	double total = lc->total;
	double fw = (double)freq;
	double pl = fw / total, pr = 1.0;

	if (lc->prevn && lc->fp > 0)
		pl = LM_PAIR * (double)lexicon_bigram(lx, lc->prev, lc->prevn, w, n) / lc->fp +
		     (1.0 - LM_PAIR) * pl;
	/* relative to next's own frequency, which every candidate shares */
	if (lc->nextn && fw > 0 && lc->fn > 0)
		pr = (LM_PAIR * (double)lexicon_bigram(lx, w, n, lc->next, lc->nextn) / fw +
		      (1.0 - LM_PAIR) * lc->fn / total) / (lc->fn / total);
	return (float)(log10(pl > 0 ? pl : 1e-12) + log10(pr > 0 ? pr : 1e-12));
}

/*
 * Real-word errors (for/før, bor/bør, mal/mål) from the word-pair model of
 * data/da-context.tsv: log10 of P(w) P(prev | w) P(next | w), each neighbour
 * probability the pair's share interpolated with the neighbour's plain
 * frequency, so a neighbour neither word was seen with (a damaged one)
 * favours neither.  Returns 0 when w is not a word of the model.
 */
static int ctx_score(struct lexicon *lx, const char *w, size_t n, const struct lm_ctx *lc,
		     double *prior, double *out)
{
	unsigned cw = lexicon_context(lx, w, n, 'W', "-", 1);
	double s = 0, pu;

	if (!cw)
		return 0;
	*prior = log10((double)cw);
	pu = lc->prevn ? (lc->fp + 1.0) / lc->total : 0.05;
	s += log10(CTX_PAIR * lexicon_context(lx, w, n, 'L', lc->prevn ? lc->prev : "<s>",
					       lc->prevn ? lc->prevn : 3) / cw + (1.0 - CTX_PAIR) * pu);
	pu = lc->nextn ? (lc->fn + 1.0) / lc->total : 0.05;
	s += log10(CTX_PAIR * lexicon_context(lx, w, n, 'R', lc->nextn ? lc->next : "</s>",
					       lc->nextn ? lc->nextn : 4) / cw + (1.0 - CTX_PAIR) * pu);
	*out = s;
	return 1;
}


/* ---- generate and test, for words the trie cannot reach --------------- */

struct edit {
	uint8_t pos, rule;
};

struct gcand {
	char w[MAXW];
	size_t len;
	float cost;
	enum why why;
	int typing;        /* an edit undoes a typing spelling */
};

static int gcand_cmp(const void *a, const void *b)
{
	float x = ((const struct gcand *)a)->cost, y = ((const struct gcand *)b)->cost;

	return x < y ? -1 : x > y;
}

/* Apply edits e[0..k) (sorted by position, not overlapping) to lw. */
static int apply_edits(const struct rule *rules, const char *lw, size_t n, const struct edit *e,
		       int k, struct gcand *g)
{
	size_t pos = 0, o = 0;
	int i;

	g->cost = 0.0f;
	g->why = rules[e[0].rule].why;
	g->typing = 0;
	for (i = 0; i < k; i++) {
		const struct rule *r = &rules[e[i].rule];

		g->typing |= r->typing;
		size_t fl = strlen(r->from), tl = strlen(r->to);

		if (e[i].pos < pos || o + (e[i].pos - pos) + tl >= MAXW)
			return 0;
		memcpy(g->w + o, lw + pos, e[i].pos - pos);
		o += e[i].pos - pos;
		memcpy(g->w + o, r->to, tl);
		o += tl;
		pos = e[i].pos + fl;
		g->cost += r->cost;
	}
	if (o + (n - pos) >= MAXW)
		return 0;
	memcpy(g->w + o, lw + pos, n - pos);
	g->len = o + n - pos;
	return 1;
}

/*
 * An unknown word the trie search could not repair (a compound hunspell knows,
 * a word the counts lack): try the reversals one, two, then three at a time,
 * cheapest first, and take the first spelling hunspell accepts.
 */
static int generate(struct repairer *rp, const char *lw, size_t n, int caps, struct cand *out,
		    int *typing)
{
	const struct rule *rules = rp->rules;
	struct edit ed[96];
	static const float limit[4] = { 0.0f, GEN_CHEAP, 1.2f, 1.0f };
	struct gcand *gc;
	size_t ne = 0, pos;
	int k, found = 0, tests = 0;

	if (n >= 60)
		return 0;
	for (pos = 0; pos < n && ne < 96; pos++) {
		const unsigned char *r;

		for (r = rp->first[(unsigned char)lw[pos]]; *r != 0xFF && ne < 96; r++) {
			size_t fl = rules[*r].fl;

			if (pos + fl <= n && !memcmp(lw + pos, rules[*r].from, fl) && (caps || !rules[*r].caps)) {
				ed[ne].pos = (uint8_t)pos;
				ed[ne].rule = *r;
				ne++;
			}
		}
	}
	if (ne == 0)
		return 0;
	gc = malloc(512 * sizeof(*gc));
	if (!gc)
		return -KERR_NOMEM;
	for (k = 1; k <= 3 && !found; k++) {
		size_t ng = 0, a, b, c, i;
		struct edit e[3];

		/* every way to pick k edits in position order, cheap ones only -
		 * and one or two where one is a marked confusion (z, &, d for å,
		 * eae for æ: forms no Danish word has, so even a rare reading is
		 * believable; a plain vowel read as æ ø å is not, or English words
		 * turn Danish: opens, realistic) */
		for (a = 0; a < ne && ng < 512; a++) {
			float ca = rules[ed[a].rule].cost;

			if (ca > limit[k] && !(k <= 2 && rules[ed[a].rule].marked))
				continue;
			e[0] = ed[a];
			if (k == 1) {
				ng += apply_edits(rules, lw, n, e, 1, &gc[ng]);
				continue;
			}
			for (b = a + 1; b < ne && ng < 512; b++) {
				float cb = rules[ed[b].rule].cost;

				if (ed[b].pos < ed[a].pos + strlen(rules[ed[a].rule].from) ||
				    (cb > limit[k] && !(k == 2 && ca <= limit[k] && rules[ed[b].rule].marked)) ||
				    (k == 2 && ca + cb > GEN_MARKED_PAIR))
					continue;
				e[1] = ed[b];
				if (k == 2) {
					ng += apply_edits(rules, lw, n, e, 2, &gc[ng]);
					continue;
				}
				for (c = b + 1; c < ne && ng < 512; c++) {
					if (rules[ed[c].rule].cost > limit[k] ||
					    ed[c].pos < ed[b].pos + strlen(rules[ed[b].rule].from))
						continue;
					e[2] = ed[c];
					ng += apply_edits(rules, lw, n, e, 3, &gc[ng]);
				}
			}
		}
		qsort(gc, ng, sizeof(*gc), gcand_cmp);
		for (i = 0; i < ng && tests < GEN_TESTS; i++, tests++) {
			if (lexicon_valid(rp->lx, gc[i].w, gc[i].len)) {
				memcpy(out->w, gc[i].w, gc[i].len);
				out->len = gc[i].len;
				out->cost = gc[i].cost;
				out->freq = lexicon_freq(rp->lx, gc[i].w, gc[i].len);
				out->parts = 1;
				out->inflected = 0;
				out->loose = 0;
				out->why = gc[i].why;
				*typing = gc[i].typing;
				found = 1;
				break;
			}
		}
	}
	free(gc);
	return found;
}

/* 1 if lw[0..n) holds an OCR stand-in no word has (| @ & ® or a digit). */
static int has_standin(const char *lw, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr("|@&0123456789", lw[i]) || ((unsigned char)lw[i] == 0xC2 && i + 1 < n &&
							 (unsigned char)lw[i + 1] == 0xAE))
			return 1;
	return 0;
}

/* 1 if lw[0..n) is ASCII letters only (no OCR stand-in, digit or æøå). */
static int plain_letters(const char *lw, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lw[i] < 'a' || lw[i] > 'z')
			return 0;
	return 1;
}

/* 1 if lw[0..n) holds no vowel: no Danish word is written so, but
 * abbreviations are (sb, jc) - and så, på, gå with å read as d (sd, pd, gd). */
static int no_vowel(const char *lw, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr("aeiouy", lw[i]) || (unsigned char)lw[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * A prefix kept as written before a repaired counted word (fidelitets+målingen)
 * when hunspell knows neither the prefix nor the whole: a report's own term.
 * Believed only when nothing else explains the word (decide), and when the
 * prefix looks like the first part of a compound: five letters or more, with a
 * vowel, no OCR stand-in or digit (those say the prefix is damaged too), and
 * ending in the linking s that Danish derived first parts take (-itet, -ing,
 * -else, -hed, -tion + s); a split anywhere else finds junk (kernele+mønterne).
 */
static int term_prefix(const char *lw, size_t pre)
{
	size_t i;
	int vowel = 0;

	if (pre < 5)
		return 0;
	for (i = 0; i < pre; i++) {
		unsigned char ch = (unsigned char)lw[i];

		if (ch >= 0x80)
			continue;          /* æ ø å (UTF-8 bytes) */
		if (ch < 'a' || ch > 'z')
			return 0;
		vowel |= strchr("aeiouy", ch) != NULL;
	}
	return vowel && lw[pre - 1] == 's';
}

/*
 * What the word as written scores against candidate bi.  Normally its own
 * score (orig).  But when bi keeps a prefix as written and repairs the rest
 * (nulpunkt+målingen), and that rest as written is a word too (malingen),
 * the written word is the same kind of compound, and only the two heads
 * differ: it scores as its own split of the same prefix would (the head's
 * count, at least 1, less the same compound and ending penalties), so the
 * head whose count explains the word better wins.
 */
static float head_bar(struct repairer *rp, const struct search *s, const float *sc,
		      const char *lw, size_t n, int bi, float orig)
{
	const struct cand *b = &s->c[bi];
	float bar;
	int i;

	if (!b->loose || !lexicon_valid(rp->lx, lw + b->pre, n - b->pre))
		return orig;
	bar = -COMPOUND_PEN * (float)(b->parts - 1) - ENDING_PEN;
	for (i = 0; i < s->nc; i++)
		if (s->c[i].loose && s->c[i].pre == b->pre && s->c[i].len == n &&
		    !memcmp(s->c[i].w, lw, n) && sc[i] > bar)
			bar = sc[i];
	return bar;
}

/* A short unknown word is mostly an abbreviation (sb, jc, fk), and two
 * letters give too little evidence for a dear confusion: 1 if candidate b is
 * not believed for lw (only a cheap repair is: p3 -> på, na -> nå, not
 * sb -> ab, s for a). */
static int short_veto(struct lexicon *lx, const char *lw, size_t n, const struct cand *b)
{
	return n <= SHORT_WORD && b->cost > SHORT_MAX_COST &&
	       !(no_vowel(lw, n) && b->parts == 1 && !b->inflected &&
		 b->freq >= SHORT_VOWELLESS_FREQ) &&
	       !(lexicon_context(lx, lw, n, 'W', "-", 1) &&
		 lexicon_context(lx, b->w, b->len, 'W', "-", 1));
}

static int caseless_start(const char *lw, size_t n);

/* What decide knows of a word before asking hunspell: its candidates in
 * score order, and its own score if hunspell rejects it (orig_no) or
 * accepts it (orig_yes, also as its own compound of counted parts). */
struct verdict {
	struct lexicon *lx;
	const struct search *s;
	const float *sc;
	const int *order;
	unsigned f;
	int caps;
	float orig_no, orig_yes;
};

/* labels: what repair_lower writes for a cache entry, in every context */
#define L_DEPENDS (-1)  /* the context decides, or telling would need hunspell */
#define L_STAYS (-2)    /* the word as written (lw when forced) */
/* else 2 * bi when candidate bi is written in every context its own tests
 * (the pair branch, names, places) allow; 2 * bi + 1 when it never wins
 * but is not L_STAYS (the pair branch may still take it; a forced word
 * with a caseless first character gets a capital) */

/*
 * The label of the entry decide makes with candidate bi (-1: none from
 * the trie) when the word as written scores orig: the steps of decide and
 * repair_lower that read orig or bi, in the same order, each taken in the
 * context that helps the repair least (for "always") or most (for
 * "never"): a relaxed line adds at most RELAX * cost, the word pair model
 * moves a whole counted word's score by at most LM_MAX, and float rounding
 * is monotonic, so the bounds hold.  Two (bi, orig) with the same label,
 * not L_DEPENDS, give the same output in every context, casing and forced
 * state; repair_lower's other tests (guessed repairs, places) read only
 * the candidate.
 */
static int label(const struct verdict *v, int bi, float orig)
{
	const struct search *s = v->s;
	const struct cand *b = &s->c[bi < 0 ? 0 : bi];
	float margin = v->caps ? CAPS_MARGIN : MARGIN, hi, lo, bar;
	int lm, pair;

	/* decide: no candidate from the trie; for a word nobody knows,
	 * hunspell's own guesses (generate) and report terms come next */
	if (bi < 0)
		return orig < -1e8f ? L_DEPENDS : L_STAYS;
	/* decide: a word hunspell knows against a compound or form (head_bar
	 * of a loose candidate asks hunspell), and short words */
	if (!v->f && orig > -1e8f && (b->parts > 1 || b->inflected)) {
		if (b->loose)
			return L_DEPENDS;
		if (v->sc[bi] < orig + KNOWN_COMPOUND_MARGIN)
			return L_STAYS;
	}
	if (short_veto(v->lx, s->in, s->n, b))
		return L_STAYS;
	/* repair_lower: a word hunspell knows, changed only for a common confusion */
	if (orig == SPELL_BASE && b->cost > SPELL_MAX_COST)
		return L_STAYS;
	/* repair_lower: a short word in capitals nobody knows counts as known */
	if (v->caps && s->n <= ACRONYM_MAX && orig < SPELL_BASE && plain_letters(s->in, s->n))
		orig = SPELL_BASE;
	bar = orig + margin;
	/* ce->whole && ce->freq > 0: the word pair model may move the score */
	lm = b->parts == 1 && !b->inflected && b->freq > 0 && v->f > 0;
	pair = lm && lexicon_context(v->lx, s->in, s->n, 'W', "-", 1) &&
	       lexicon_context(v->lx, b->w, b->len, 'W', "-", 1);
	lo = lm ? v->sc[bi] - LM_MAX : v->sc[bi];
	hi = lm ? v->sc[bi] + LM_MAX : v->sc[bi];
	if (b->cost <= RELAX_MAX_COST)
		hi += RELAX * b->cost;
	if (lo > bar)
		return 2 * bi;
	if (!(hi > bar))
		return pair || caseless_start(s->in, s->n) ? 2 * bi + 1 : L_STAYS;
	return L_DEPENDS;
}

/* Adds the labels of candidate bi under both scores of the word to *want;
 * 0 once two differ or one is L_DEPENDS. */
static int same_label(const struct verdict *v, int bi, int *want)
{
	int l = label(v, bi, v->orig_no);

	if (l == L_DEPENDS || (*want != L_DEPENDS && l != *want))
		return 0;
	*want = l;
	return v->orig_yes == v->orig_no || l == label(v, bi, v->orig_yes);
}

static int is_self(const struct search *s, const struct cand *c)
{
	return c->len == s->n && !memcmp(c->w, s->in, s->n);
}

/*
 * 1 if decide's choice from position j of the score order on (where
 * hunspell would next be asked about a compound or form, the checked'th)
 * gives the same label whatever hunspell answers there and after, and
 * about the word as written: every candidate it could yet choose (those
 * it would ask about, then the first counted word, or none) under both
 * scores of the word.
 */
static int settled(const struct verdict *v, int j, int checked)
{
	const struct search *s = v->s;
	int want = L_DEPENDS;

	for (; j < s->nc; j++) {
		const struct cand *c = &s->c[v->order[j]];

		if (is_self(s, c))
			continue;
		if (c->parts == 1 && !c->inflected)
			return same_label(v, v->order[j], &want);
		if (checked++ < 4 && !same_label(v, v->order[j], &want))
			return 0;
	}
	return same_label(v, -1, &want);
}

/* Decide for a lower-cased word without context; fills a cache entry whose
 * best candidate is stored in the arena. */
static int decide(struct repairer *rp, const char *lw, size_t n, int caps, struct centry *ce)
{
	struct search s;
	unsigned f = lexicon_freq(rp->lx, lw, n);
	float sc[MAXCAND];
	int order[MAXCAND];
	int i, j, bi = -1, checked = 0, sure = 0;
	struct verdict v = { rp->lx, &s, sc, order, f, caps, 0.0f, 0.0f };

	memset(ce, 0, sizeof(*ce));
	ce->freq = f;
	v.orig_no = f ? log10f((float)f) : -1e9f;
	v.orig_yes = f ? v.orig_no : SPELL_BASE;
	memset(&s, 0, sizeof(s));
	s.lx = rp->lx;
	s.rp = rp;
	s.in = lw;
	s.n = n;
	s.parts = 1;
	s.caps = caps;
	s.minfreq = UINT32_MAX;
	dfs(&s, 0, 0, 0);
	/* a compound whose first part is not counted (fidelitets+målingen):
	 * keep a prefix as written and repair a counted word after it */
	if (!f && n >= 8) {
		size_t p;

		s.loose = 1;
		for (p = 2; p + 6 <= n; p++) {
			if (((unsigned char)lw[p] & 0xC0) == 0x80)
				continue;
			memcpy(s.path, lw, p);
			s.plen = p;
			s.pre = p;
			s.parts = 2;
			s.minfreq = UINT32_MAX;
			dfs(&s, p, 0, p);
		}
		s.loose = 0;
		s.plen = 0;
		s.parts = 1;
	}
	for (i = 0; i < s.nc; i++) {
		sc[i] = cand_score(&s.c[i]);
		for (j = i; j > 0 && sc[order[j - 1]] < sc[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	/* the word as written, split into counted parts: a real compound
	 * only if hunspell agrees (else ng+dvendigt) */
	for (j = 0; j < s.nc; j++) {
		const struct cand *c = &s.c[order[j]];

		if (!is_self(&s, c) || c->loose)
			continue;
		if (sc[order[j]] > v.orig_yes)
			v.orig_yes = sc[order[j]];
		if (c->parts == 1 && !c->inflected && sc[order[j]] > v.orig_no)
			v.orig_no = sc[order[j]];
	}
	/* The best other candidate: a counted word, or a compound or form
	 * hunspell accepts, best first so it is asked about as few as
	 * possible.  A Danish compound check costs as much as deciding
	 * hundreds of counted words, so once no answer of hunspell's can
	 * change the output (settled) the rest count as rejected; that entry
	 * writes what the true answers would. */
	for (j = 0; j < s.nc && bi < 0; j++) {
		const struct cand *c = &s.c[order[j]];

		if (is_self(&s, c))
			continue;
		if (c->parts == 1 && !c->inflected)
			bi = order[j];
		else if (checked++ < 4 && !sure && !(sure = settled(&v, j, checked - 1)) &&
			 lexicon_spell(rp->lx, c->w, c->len))
			bi = order[j];
	}
	/* The word as written scores orig_yes if hunspell accepts it, else
	 * orig_no; hunspell is asked only when the two can give different
	 * output somewhere.  Else the word keeps orig_no. */
	ce->orig = v.orig_no;
	if (v.orig_yes != v.orig_no) {
		int l = label(&v, bi, v.orig_no);

		if ((l == L_DEPENDS || l != label(&v, bi, v.orig_yes)) &&
		    lexicon_spell(rp->lx, lw, n))
			ce->orig = v.orig_yes;
	}
	if (bi < 0 && ce->orig < -1e8f) {
		int typing = 0;
		int rc = generate(rp, lw, n, caps, &s.c[0], &typing);

		if (rc < 0)
			return rc;
		if (rc) {
			bi = 0;
			ce->guessed = 1;
			ce->typed = (uint8_t)typing;
			sc[0] = s.c[0].freq ? cand_score(&s.c[0]) : SPELL_BASE - s.c[0].cost;
		}
	}
	/* nobody knows the word, nor any whole repair of it: a report's own
	 * term, kept as written up to its linking s, before a repaired word
	 * counted as it stands (fidelitets+målingen; not tabelltils+tænden,
	 * whose tail is only a counted stem plus an ending, nor a tail that is
	 * itself a compound: typos are unknown words too) */
	for (j = 0; bi < 0 && ce->orig < -1e8f && j < s.nc; j++) {
		const struct cand *c = &s.c[order[j]];

		if (c->loose && term_prefix(lw, c->pre) &&
		    lexicon_freq(rp->lx, c->w + c->pre, c->len - c->pre) > 0)
			bi = order[j];
	}
	if (bi < 0)
		return 0;
	/* A word hunspell knows as written (forandring) against a compound or
	 * inflected form of counted parts (for+ændring): both rest on
	 * compounding, so the repair needs a clearer lead than over a word
	 * nobody knows. */
	if (!f && ce->orig > -1e8f && (s.c[bi].parts > 1 || s.c[bi].inflected)
	    && sc[bi] < head_bar(rp, &s, sc, lw, n, bi, ce->orig) + KNOWN_COMPOUND_MARGIN)
		return 0;
	if (short_veto(rp->lx, lw, n, &s.c[bi]))
		return 0;
	ce->has_best = 1;
	ce->best = sc[bi];
	ce->cost = s.c[bi].cost;
	ce->whole = s.c[bi].parts == 1 && !s.c[bi].inflected && s.c[bi].freq > 0 && !ce->guessed;
	ce->why = (uint8_t)s.c[bi].why;
	/* the word pair model's say is asked for every occurrence: whether it
	 * has one is settled here, once */
	ce->pair = ce->whole && f > 0 && lexicon_context(rp->lx, lw, n, 'W', "-", 1) &&
		   lexicon_context(rp->lx, s.c[bi].w, s.c[bi].len, 'W', "-", 1);
	ce->off = (uint32_t)rp->arena.len;
	ce->len = (uint32_t)s.c[bi].len;
	return buf_add(&rp->arena, s.c[bi].w, s.c[bi].len) ? -KERR_NOMEM : 0;
}

/* The cached decision for lw, computing it on first sight; a word written
 * in capitals (caps) has its own entry, as capitals take more confusions. */
static int lookup(struct repairer *rp, const char *lw, size_t n, int caps, struct centry **out)
{
	uint32_t idx;
	struct centry ce;
	char key[MAXW + 1];
	int rc;

	memcpy(key, lw, n);
	key[n] = '\x01';
	if (strtab_get(&rp->cache, key, n + (caps != 0), &idx)) {
		*out = &rp->ents[idx];
		return 0;
	}
	if (rp->nents >= CACHE_MAX) {
		strtab_clear(&rp->cache);
		buf_reset(&rp->arena);
		rp->nents = 0;
	}
	rc = decide(rp, lw, n, caps, &ce);
	if (rc)
		return rc;
	if (rp->nents == rp->ents_cap) {
		size_t ncap = rp->ents_cap ? rp->ents_cap * 2 : 1024;
		struct centry *ne = realloc(rp->ents, ncap * sizeof(*ne));

		if (!ne)
			return -KERR_NOMEM;
		rp->ents = ne;
		rp->ents_cap = ncap;
	}
	rp->ents[rp->nents] = ce;
	if (strtab_put(&rp->cache, key, n + (caps != 0), (uint32_t)rp->nents, 0))
		return -KERR_NOMEM;
	*out = &rp->ents[rp->nents++];
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* Capitals then digits: a cell, key or form name (A1, F3, DA2), not a word
 * whose letters OCR read as digits. */
static int is_reference(const char *w, size_t n)
{
	size_t i = 0;

	while (i < n && w[i] >= 'A' && w[i] <= 'Z')
		i++;
	return i > 0 && i < n && all_digits(w + i, n - i);
}

/* Letters standing for digits inside a number: 2O -> 20, l5 -> 15. */
static int fix_number(const char *w, size_t n, struct buf *out)
{
	size_t i, digits = 0;

	for (i = 0; i < n; i++) {
		if (w[i] >= '0' && w[i] <= '9')
			digits++;
		else if (!strchr("OolI", w[i]))
			return 0;
	}
	if (digits == 0 || digits == n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = w[i] == 'O' || w[i] == 'o' ? '0' : w[i] == 'l' || w[i] == 'I' ? '1' : w[i];

		if (buf_addch(out, c))
			return -KERR_NOMEM;
	}
	return 1;
}

/* 1 if the word starts with an OCR stand-in that has no case. */
static int caseless_start(const char *lw, size_t n)
{
	return n > 0 && (lw[0] == '|' || lw[0] == '1' || lw[0] == '&' || lw[0] == '@' ||
			 lw[0] == '2' || (n > 1 && (unsigned char)lw[0] == 0xC2 &&
					  (unsigned char)lw[1] == 0xAE));
}

/* | or 1 for I in a word of capitals (G|MPs, HE1C, 1PTC): every such
 * character before a capital and after one or at the start, at least two capitals, no lower-case letter
 * but a genitive s at the end. */
static int fix_caps_i(const char *w, size_t n, struct buf *out)
{
	size_t i, caps = 0, bars = 0;

	for (i = 0; i < n; i++) {
		char c = w[i];

		if (c >= 'A' && c <= 'Z')
			caps++;
		else if (c == '|' || c == '1') {
			if (!((i == 0 || (w[i - 1] >= 'A' && w[i - 1] <= 'Z')) &&
			      i + 1 < n && w[i + 1] >= 'A' && w[i + 1] <= 'Z'))
				return 0;
			bars++;
		} else if (!(c == 's' && i == n - 1 && i > 0))
			return 0;
	}
	if (!bars || caps < 2)
		return 0;
	for (i = 0; i < n; i++)
		if (buf_addch(out, w[i] == '|' || w[i] == '1' ? 'I' : w[i]))
			return -KERR_NOMEM;
	return 1;
}

static void fix_case(char *s, size_t n, enum casing cs)
{
	if (cs == C_LOWER_FROM_I && n > 0 && s[0] != 'l')
		cs = C_INIT;  /* the I was a real capital (Ikke -> Ikke) */
	if (cs == C_INIT_IF_I)
		cs = n > 0 && s[0] == 'i' ? C_INIT : C_LOWER;
	if (cs == C_ALL)
		to_upper(s, n);
	else if (cs == C_INIT)
		capitalise(s, n);
}

static int repair_lower(struct repairer *rp, const char *lw, size_t n, enum casing cs,
			const struct repair_ctx *ctx, struct buf *out, const char **why, int forced);

/* lw (a word written with a capital I first, lower-cased) with that I read
 * as l: the word itself when it is one, else its repair.  Lower case, or a
 * capital at a sentence start.  Returns as repair_word. */
static int repair_initial_l(struct repairer *rp, const char *lw, size_t n,
			    const struct repair_ctx *ctx, struct buf *out, const char **why)
{
	char l[MAXW];
	enum casing cs = ctx && ctx->sentence_start ? C_INIT : C_LOWER;
	size_t mark = out->len;
	int plain = rp->last_plain, rc;

	memcpy(l, lw, n);
	l[0] = 'l';
	if (lexicon_valid(rp->lx, l, n)) {
		if (buf_add(out, l, n))
			return -KERR_NOMEM;
		fix_case(out->data + mark, n, cs);
		*why = why_text[W_I_L];
		return 1;
	}
	rc = repair_lower(rp, l, n, cs, ctx, out, why, 0);
	rp->last_plain = plain && rp->last_plain;
	return rc;
}

int repair_plain(const struct repairer *rp, const char *w, size_t n)
{
	uint32_t v;

	/* a lone 1 is never kept here (all_digits returns first), so the
	 * rule for it that looks at the neighbours cannot be skipped */
	return n > 0 && n < MAXW && strtab_get(&rp->plain, w, n, &v);
}

int repair_word(struct repairer *rp, const char *w, size_t n,
		const struct repair_ctx *ctx, struct buf *out, const char **why)
{
	char lw[MAXW];
	enum casing cs;
	int rc;
	uint32_t plain;

	*why = NULL;
	/* a lone 1 after an opening quote ("1 nogen grad) is I */
	if (n == 1 && w[0] == '1' && ctx && ctx->after_quote && ctx->nextn >= 2 &&
	    letter_case(ctx->next, 0, ctx->nextn) < 0) {
		*why = why_text[W_ONE_I];
		return buf_addch(out, 'I') ? -KERR_NOMEM : 1;
	}
	if (n == 0 || n >= MAXW || strtab_get(&rp->plain, w, n, &plain)
	    || all_digits(w, n) || is_reference(w, n))
		return 0;
	rc = fix_number(w, n, out);
	if (rc) {
		*why = why_text[W_LETTER_DIGIT];
		return rc;
	}
	/* a lone O between numbers ("Anført af O ud af 20") is a zero */
	if (n == 1 && (w[0] == 'O' || w[0] == 'o') && ctx &&
	    ((ctx->prev && all_digits(ctx->prev, ctx->prevn)) ||
	     (ctx->next && all_digits(ctx->next, ctx->nextn)) ||
	     (ctx->prevn == 2 && !memcmp(ctx->prev, "af", 2) && ctx->nextn == 2 &&
	      !memcmp(ctx->next, "ud", 2)))) {
		*why = why_text[W_LETTER_DIGIT];
		return buf_addch(out, '0') ? -KERR_NOMEM : 1;
	}
	if (n == 1 && w[0] == '|') {
		/* capital at a sentence start, inside a heading in capitals, and
		 * before punctuation (Hvad synes |? is the pronoun I; the
		 * preposition i ends no clause) */
		int cap = ctx && (ctx->sentence_start || ctx->before_punct ||
				  (ctx->prev && ctx->prevn > 1 && casing_of(ctx->prev, ctx->prevn) == C_ALL) ||
				  (ctx->next && ctx->nextn > 1 && casing_of(ctx->next, ctx->nextn) == C_ALL));

		*why = why_text[W_BAR_I];
		return buf_addch(out, cap ? 'I' : 'i') ? -KERR_NOMEM : 1;
	}
	rc = fix_caps_i(w, n, out);
	if (rc) {
		*why = why_text[W_BAR_I];
		return rc;
	}
	/* a lone l is OCR for I (sentence start) or i: no Danish word is l */
	if (n == 1 && w[0] == 'l' && ctx && ctx->nextn >= 2 && (!ctx->prev || ctx->prevn >= 2)) {
		*why = why_text[W_L_I];
		return buf_addch(out, ctx->sentence_start ? 'I' : 'i') ? -KERR_NOMEM : 1;
	}
	if (n < 2)
		return 0;
	cs = casing_of(w, n);
	/* lkke at a sentence start: the l was a capital I */
	if (cs == C_LOWER && w[0] == 'l' && ctx && ctx->sentence_start)
		cs = C_INIT_IF_I;
	if (cs == C_ALL && lexicon_acronym(rp->lx, w, n))
		return 0;
	to_lower(w, n, lw);
	if (cs == C_MIXED) {
		/* an upper-case I inside a lower-case word is OCR for l: deItage */
		char t[MAXW];
		size_t i;
		int inner = 0;

		memcpy(t, w, n);
		for (i = 1; i < n; i++)
			if (w[i] == 'I') {
				t[i] = 'l';
				lw[i] = 'l';
				inner = 1;
			}
		cs = casing_of(t, n);
		if (!inner || cs == C_MIXED || cs == C_ALL)
			return 0;
		return repair_lower(rp, lw, n, cs, ctx, out, why, 1);
	}
	/* a lower-case word whose first letter OCR read as I (Igsning): lower
	 * case unless it starts a sentence */
	if (cs == C_INIT && w[0] == 'I' && !(ctx && ctx->sentence_start))
		cs = C_LOWER_FROM_I;
	rc = repair_lower(rp, lw, n, cs, ctx, out, why, 0);
	/* a capital I that no reading as i explains (Ipbende, Iysheden) is
	 * read as l, and that word repaired on its own: two confusions in one
	 * word (I for l, p for ø) cost no more than the second */
	if (rc == 0 && (cs == C_LOWER_FROM_I || cs == C_INIT) && w[0] == 'I' && n >= 3 &&
	    !lexicon_valid(rp->lx, lw, n))
		rc = repair_initial_l(rp, lw, n, ctx, out, why);
	if (rc == 0 && rp->last_plain) {
		if (rp->nplain >= CACHE_MAX) {
			strtab_clear(&rp->plain);
			rp->nplain = 0;
		}
		if (strtab_put(&rp->plain, w, n, 1, 0))
			return -KERR_NOMEM;
		rp->nplain++;
	}
	return rc;
}

/* Prepositions that stand before a place (i Køge, fra Køge), also as typed
 * without å or æ (pa Sjælland). */
static int place_prep(const char *w, size_t n)
{
	static const char *const preps[] = { "i", "fra", "til", "ved", "mod", "omkring",
					     "n\xC3\xA6r", "naer", "p\xC3\xA5", "pa", NULL };
	size_t i;

	for (i = 0; preps[i]; i++)
		if (strlen(preps[i]) == n && !memcmp(preps[i], w, n))
			return 1;
	return 0;
}

/*
 * A word written in lower case whose repair is only a place name (koge ->
 * køge: hunspell-da knows Køge capitalised, not køge) is the word it looks
 * like (at koge), unless its neighbours say place: a preposition before it
 * or Kommune after it (i koge kommune, fra koge).  Capitalised words,
 * sentence starts and a first character without case (&rg) keep the place
 * reading.
 */
static int lower_not_place(struct repairer *rp, const char *lw, size_t n, const struct centry *ce,
			   enum casing cs, const struct repair_ctx *ctx)
{
	const char *bw = rp->arena.data + ce->off;
	char nb[MAXW];

	if ((cs != C_LOWER && cs != C_LOWER_FROM_I) || caseless_start(lw, n) ||
	    (ctx && ctx->sentence_start) ||
	    !lexicon_place(rp->lx, bw, ce->len) || lexicon_spell(rp->lx, bw, ce->len))
		return 0;
	if (ctx && ctx->prev && ctx->prevn < MAXW) {
		to_lower(ctx->prev, ctx->prevn, nb);
		if (place_prep(nb, ctx->prevn))
			return 0;
	}
	if (ctx && ctx->next && ctx->nextn >= 7 && ctx->nextn < MAXW) {
		to_lower(ctx->next, ctx->nextn, nb);
		if (!memcmp(nb, "kommune", 7))
			return 0;
	}
	return 1;
}

/* Would a candidate scoring `best`, plus the relaxed line's allowance,
 * beat `bar`?  The same steps as repair_lower takes. */
static int could_win(float best, const struct centry *ce, const struct repair_ctx *ctx, float bar)
{
	if (ctx && ctx->relaxed && ce->cost <= RELAX_MAX_COST)
		best += RELAX * ce->cost;
	return best > bar;
}

/*
 * Decide for lw (the word lower-cased) and append the repair in casing cs.
 * forced: lw already differs from the word as written (inner I -> l), so lw
 * itself is a repair when nothing better turns up.
 */
static int repair_lower(struct repairer *rp, const char *lw, size_t n, enum casing cs,
			const struct repair_ctx *ctx, struct buf *out, const char **why, int forced)
{
	static struct centry no_repair;
	struct centry *ce;
	float orig, best, margin;
	size_t mark = out->len;
	int rc;

	rp->last_plain = 0;
	rc = lookup(rp, lw, n, cs == C_ALL, &ce);
	if (rc)
		return rc;
	/* a word hunspell knows is changed only for a common confusion */
	if (ce->has_best && ce->orig == SPELL_BASE && ce->cost > SPELL_MAX_COST)
		ce = &no_repair;
	rp->last_plain = !ce->has_best && !forced;
	margin = cs == C_ALL ? CAPS_MARGIN : MARGIN;
	if (!forced && ce->has_best && ce->pair) {
		/* a real-word error: only the neighbours decide, and only when
		 * they clearly favour the other word; a rare confusion (d for å)
		 * needs the more evidence */
		const char *bw = rp->arena.data + ce->off;
		struct lm_ctx lc;
		double so, sb, po, pb;

		if (!ctx)
			return 0;
		lm_context(rp->lx, ctx, &lc);
		/* how common each word is comes from the domain's counts (answers
		 * say møde more than mode; manuals the other way round) */
		double rare = ce->cost > 1.0f ? ce->cost - 1.0f : 0.0;

		if (!ctx_score(rp->lx, lw, n, &lc, &po, &so) || !ctx_score(rp->lx, bw, ce->len, &lc, &pb, &sb) ||
		    ((po = log10((double)ce->freq)), (pb = log10((double)lexicon_freq(rp->lx, bw, ce->len))), 0) ||
		    (ce->freq >= CTX_COMMON && sb - so < CTX_EVIDENCE) ||
		    pb + sb - po - so - rare - (ctx->relaxed ? CTX_CHANNEL_RELAXED :
					  ctx->damaged ? CTX_CHANNEL_DAMAGED : CTX_CHANNEL) <= CTX_MARGIN)
			return 0;
		if (buf_add(out, bw, ce->len))
			return -KERR_NOMEM;
		*why = "the neighbouring words favour another word";
		fix_case(out->data + mark, out->len - mark, cs);
		return 1;
	}
	if (ce->has_best && !forced) {
		/* the most any neighbours and a line without æøå can add (the
		 * same steps as below; rounding is monotonic): when even that
		 * cannot make the repair win, the word stays in every context,
		 * as a word without candidates does (og/øg, for/før) */
		static const struct repair_ctx relaxed = { .relaxed = 1 };

		if (!could_win(ce->whole && ce->freq > 0 ? ce->best + LM_MAX : ce->best, ce, &relaxed,
			       ce->orig + margin)) {
			rp->last_plain = 1;
			return 0;
		}
	}
	/* a repair only hunspell knows is not for a name: not in capitals
	 * (acronyms) unless a stand-in shows the damage (@STRIG), nor in a capitalised word when it undoes a typing
	 * spelling (Moeller, Mogens) or believes a rare letter confusion
	 * (Holger is no Bolger); common OCR readings and stand-ins (Kgen,
	 * M&tningen) say the word is damaged whatever it is, and so does a
	 * line with æ ø å in which OCR damage was already repaired */
	if (!ce->has_best || (ce->guessed && ((cs == C_ALL && !has_standin(lw, n)) ||
					      ((ce->typed || (ce->cost > GEN_CHEAP && !has_standin(lw, n))) &&
					       cs != C_LOWER && cs != C_LOWER_FROM_I &&
					       !(ctx && ctx->damaged && !ctx->relaxed))) &&
			      !(ctx && ctx->sentence_start))) {
		if (!forced)
			return 0;
		if (buf_add(out, lw, n))
			return -KERR_NOMEM;
		fix_case(out->data + mark, out->len - mark, cs);
		*why = why_text[W_I_L];
		return 1;
	}
	orig = ce->orig;
	best = ce->best;
	/* a short word in capitals that nobody knows, written in plain letters,
	 * is mostly an acronym (HSV, RGB): it counts as a word hunspell knows,
	 * so only a likely repair beats it (KGGE -> KØGE, not HSV -> HAV) */
	if (cs == C_ALL && n <= ACRONYM_MAX && orig < SPELL_BASE && plain_letters(lw, n))
		orig = SPELL_BASE;
	/* two counted words: the neighbours may tip the balance, by at most
	 * LM_MAX either way (the pair counts are thin) - unless even LM_MAX
	 * could not make the repair win (og/øg, for/før mostly), or it wins
	 * whatever they say: rounding is monotonic, so those bounds hold in
	 * float arithmetic too */
	if (ctx && ce->whole && ce->freq > 0 && could_win(best + LM_MAX, ce, ctx, orig + margin) &&
	    !could_win(best - LM_MAX, ce, ctx, orig + margin)) {
		const char *bw = rp->arena.data + ce->off;
		unsigned fb = lexicon_freq(rp->lx, bw, ce->len);
		struct lm_ctx lc;
		float d;

		lm_context(rp->lx, ctx, &lc);
		d = (lm_score(rp->lx, bw, ce->len, fb, &lc) - lm_score(rp->lx, lw, n, ce->freq, &lc)) -
		    (log10f((float)fb) - log10f((float)ce->freq));
		best += d > LM_MAX ? LM_MAX : d < -LM_MAX ? -LM_MAX : d;
	}
	if (!could_win(best, ce, ctx, orig + margin) ||
	    (!forced && lower_not_place(rp, lw, n, ce, cs, ctx))) {
		if (!forced)
			return 0;
		if (buf_add(out, lw, n))
			return -KERR_NOMEM;
		*why = why_text[W_I_L];
	} else {
		if (buf_add(out, rp->arena.data + ce->off, ce->len))
			return -KERR_NOMEM;
		*why = why_text[ce->why];
	}
	/* a word whose first character has no case (| or 1 for I, & @ 2 for
	 * Æ, ® for Ø) is a capital at a sentence start, and a place name
	 * (&rg -> Ærø) always is one; a stroke (| or 1) read as i was a
	 * capital I, as a small i has its dot (|nformation -> Information) */
	if (cs == C_LOWER && caseless_start(lw, n) &&
	    ((ctx && ctx->sentence_start) ||
	     ((lw[0] == '|' || lw[0] == '1') && out->len > mark && out->data[mark] == 'i') ||
	     lexicon_place(rp->lx, out->data + mark, out->len - mark)))
		cs = C_INIT;
	fix_case(out->data + mark, out->len - mark, cs);
	return 1;
}
