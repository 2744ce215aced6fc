/*
 * rules.c - the rule engine (see rules.h): the coders' pattern language
 * compiled to PCRE2, an Aho-Corasick prefilter over the patterns' trigger
 * words, negation handling, and the coding of one answer.
 *
 * Every regex runs on the normalizer's match key, which is lower case with
 * æ/ø/å folded (ae, o, a), so the compiled regexes are byte-oriented (no
 * UTF mode): a "word character" is [a-z0-9] or any byte >= 0x80, as
 * normalize.h defines it.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "rules.h"

#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "model.h"
#include "normalize.h"
#include "strtab.h"

#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define W  "[a-z0-9\\x80-\\xff]"     /* a word byte of the key */
#define NW "[^a-z0-9\\x80-\\xff]"    /* anything else */
/* the same within a clause: no , ; : ! ? or line break, except the comma
 * before a relative clause ("arbejdsgivere, der ikke ønsker") */
#define NWC "(?:[^a-z0-9\\x80-\\xff,;:!?\\n]|,(?= *(?:der|som|hvor)\\b))"
#define NONSUB_MAX_KEY 160           /* longer answers are never "no answer" */
/* Words that may lead a short no-answer besides the no-answer phrases
 * themselves ("der er ingen problemer", "har ikke noget at tilføje"), as
 * match keys */
#define NONSUB_LEAD "der|det|er|har|vi|jeg|oplever|hos|os|her|hmm|tja|altsa"
#define NONSUB_SHORT_WORDS 10        /* a non-answer phrase with a reason or filler
                                        around it: at most this many words */
#define NEAR_DEFAULT 5
#define PATTERN_MAX_DEPTH 100      /* groups nested in one pattern (SECURITY.md) */
#define PATTERN_MAX_DEPTH_TEXT "100"
#define LIT_START 1                  /* trigger literal must start a word */
#define LIT_END 2                    /* ... must end one */
#define POST_WINDOW 4                /* "afstand [er ikke] et problem" */
#define POST_PROBLEM_WINDOW 3

/* After a cue, words whose stem means the thing "is not a problem". */
static const char *const problem_stems[] = {
	"problem", "barrier", "udfordr", "hindr", "issue", "vanskeli", "svaer",
	"rolle", "betydning", "stor", "lang", "relevant", "aktuel", "gene", "kriteri",
	"undtag", NULL
};
/* Small words that do not use up the negation window: "ikke nogen
 * problemer med afstanden" is as negated as "ikke afstanden". */
static const char *const light_words[] = {
	"med", "nogen", "noget", "nogle", "et", "en", "den", "det", "de", "at", "i",
	"pa", "til", "af", "for", "om", "sa", "saerlig", "saerlige", "store", "stor",
	"storre", "synderlig", "vaesentlig", "vaesentlige", "har", "er", "vaeret", NULL
};
#define LIGHT_EXTRA 4                /* at most this many light words more */

/* "ikke kun", "ikke mindst": the cue does not negate what follows. */
static const char *const cue_blockers[] = {
	"kun", "bare", "blot", "alene", "mindst", "engang", "alle", "altid", NULL
};

struct rpat {
	size_t cat, idx;     /* category, index in its include/exclude list */
	int exclude;         /* 1: vetoes the category */
	int negation;        /* 1: a cue before the match cancels it ("er ikke et
	                        problem" after it always does) */
	int gaps;            /* capturing groups: the gaps of its NEAR/BEFORE */
	int extend;          /* 1: the pattern began with `*`: a match starts
	                        mid-word and the evidence is widened to the word */
	int jitted;          /* 1: JIT compilation was tried (on first use) */
	int lead;            /* its trigger set's lead (words a match may start
	                        before the word of a trigger), UNBOUNDED if not known */
	int simple;          /* frag.simple: its first match is its first trigger */
	int raw;             /* a regular expression (re:, when ... re:): its
	                        match need not hold its trigger */
	int star;            /* simple and ends in `*`: the match runs to the word's end */
	unsigned litlen;     /* simple: the trigger's length */
	long anchor;         /* a clause (a literal set every match also holds one
	                        of) that lies fewer words from the match's start
	                        than the trigger does, or -1 */
	int anchor_lead;     /* its lead */
	pcre2_code *code;
};

struct rules {
	const struct codebook *cb;
	struct rpat *pats;
	size_t npats;
	pcre2_code *nonsub;
	pcre2_code *nonsub_core;  /* a strong no-answer phrase anywhere in the key */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	char **cues;              /* negation cues as keys */
	size_t ncues;
	unsigned char cue_first[256]; /* 1: some cue begins with this byte */
	int window;
	/* Trigger literals that start a word sit in a trie walked from each
	 * word start of the key; the few that may start inside a word ("*tid")
	 * in a small Aho-Corasick automaton run over every byte.  One automaton
	 * for all literals would be a table larger than the cache, read once
	 * per byte in a chain of dependent loads; the trie is visited ~30 times
	 * an answer and the small table stays in the L1 cache. */
	size_t nnodes, ndense;
	int32_t root[256];        /* child of the root for each byte, or -1 */
	unsigned char cls[256];   /* byte -> its column in a dense row (0: none) */
	size_t ncls;
	uint32_t *tr_first;       /* [nnodes]: first edge of a node, or with
	                             TR_DENSE its row in tr_dense */
	uint16_t *tr_n;           /* [nnodes]: how many edges it has */
	int32_t *tr_dense;        /* rows of ncls children (-1: none) for the nodes
	                             with many children, near the root */
	unsigned char *e_byte;    /* [edges]: the edge's byte */
	int32_t *e_to;            /* [edges]: the child it leads to */
	int32_t *lit;             /* [nnodes]: first literal ending here, or -1 */
	/* the automaton for literals inside words (ac_nnodes 0: there are none) */
	unsigned char ac_cls[256];
	size_t ac_ncls, ac_nnodes;
	uint16_t *ac_delta16;     /* [ac_nnodes * ac_ncls]: the next state's row
	                             (state * ac_ncls, so no multiply in the chain
	                             of loads) << 1, | 1 if a literal ends there or
	                             on its fail chain */
	int32_t *ac_delta;        /* the same when the rows do not fit 15 bits */
	int32_t *ac_out;          /* [ac_nnodes]: first node on the fail chain (itself
	                             included) where a literal ends, or -1 */
	int32_t *ac_lit;          /* [ac_nnodes]: first literal ending here, or -1 */
	int32_t *ac_dict;         /* [ac_nnodes]: next node on the fail chain with one */
	/* What the trie and the automaton find in each token (token_occ) */
	unsigned char tok_byte[256]; /* 1: a byte tokens are made of */
	struct strtab tok_memo;   /* token -> its entry in occ */
	uint32_t *occ;            /* entries: a count n, the token's words w, where
	                             each of them ends in the token, then n triples
	                             (literal, start in the token, its word) */
	size_t nocc, occ_cap;
	size_t nlits;
	int32_t *lit_next;        /* [nlits]: next literal with the same text, or -1 */
	unsigned char *lit_flags; /* [nlits]: LIT_START, LIT_END */
	unsigned *lit_len;        /* [nlits] */
	size_t *lit_first;        /* [nlits + 1]: patterns literal i triggers are */
	size_t *lit_pats;         /*   lit_pats[lit_first[i] .. lit_first[i+1]) */
	size_t *pat_req;          /* [npats + 1]: pattern p also needs the clauses */
	size_t *clause_first;     /*   pat_req[p] .. pat_req[p+1], clause q being one of */
	size_t *clause_lits;      /*   clause_lits[clause_first[q] .. clause_first[q+1]) */
	size_t *always;           /* patterns without a trigger (raw regexes) */
	size_t nalways;
	int no_prefilter;         /* rules_set_prefilter(r, 0) */
	struct model *model;      /* the codebook's learned word model, or NULL */
	int no_model;             /* rules_set_model(r, 0) */
	int explain;              /* rules_set_explain(r, 1) */
	struct rules_why *why;    /* scratch: what did not count, this answer */
	size_t nwhy, why_cap;
	double *prob;             /* [ncats]: model_score's output */
	unsigned char *coded;     /* [2 * ncats]: model_decide's coded and add flags */
	int max_gaps;             /* most NEAR/BEFORE gaps in one pattern */
	/* scratch for rules_match */
	unsigned stamp;
	unsigned *pat_stamp;
	size_t *pat_trig;         /* [npats]: the literal that made the pattern a
	                             candidate, TRIG_MANY when more of its trigger
	                             set occur */
	unsigned *lit_found;      /* [nlits]: == stamp when found in this answer */
	size_t *lit_last;         /* [nlits]: where its last occurrence starts */
	size_t *lit_first_at;     /* [nlits]: where its first occurrence starts */
	int32_t *lit_occ;         /* [nlits]: its last occurrence in oc_*, or -1 */
	uint32_t *oc_word;        /* every occurrence of a literal in this answer: */
	int32_t *oc_prev;         /*   its word's number; the literal's one before */
	size_t noc, oc_cap;
	uint32_t *wend;           /* [words]: where word i of the answer ends */
	size_t nwend, wend_cap;
	int *clause_lead;         /* [nclauses]: the lead of the literal set */
	size_t nclauses;
	size_t *lit_cfirst;       /* [nlits + 1]: literal i is in the clauses */
	uint32_t *lit_clauses;    /*   lit_clauses[lit_cfirst[i] .. lit_cfirst[i+1]) */
	unsigned *clause_met;     /* [nclauses]: == stamp when one of its literals
	                             was found in this answer */
	size_t *pat_tfirst;       /* [npats + 1]: pattern p's trigger literals are */
	size_t *pat_tlits;        /*   pat_tlits[pat_tfirst[p] .. pat_tfirst[p+1]) */
	size_t *cand;
	uint64_t *cand_bits;      /* [npats / 64 + 1]: candidates, by pattern index */
	unsigned char *hit, *veto;
	struct rules_evidence *ev;
	size_t nev, ev_cap;
};

static int is_w(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* ---- the pattern language ------------------------------------------------ */

/* A set of trigger literals, one of which occurs in any text a piece of a
 * pattern matches.  Each literal is a flag byte (LIT_START | LIT_END, plus
 * one) followed by its text. */
struct litset {
	char **lits;
	size_t n;
	size_t quality;    /* of its weakest literal: longer and whole words are rarer */
	int lead;          /* most words before the word in which one of its
	                      literals starts, from the start of the fragment
	                      holding the set (UNBOUNDED when not known); 0: a
	                      match of the fragment begins in that word */
};

/* A compiled piece of a pattern: its regex, the literal set that triggers it
 * (the most selective one), and further sets that must all occur too: in
 * "arbejdsgiver* BEFORE/4 (vil ikke|afviser)" the employer triggers and an
 * unwilling word is required. */
struct frag {
	struct buf re;
	struct litset trig;     /* n == 0: no trigger, always run */
	struct litset *req;
	size_t nreq;
	/* The most words of the key (runs of word bytes) a match spans,
	 * UNBOUNDED when nothing limits it; with the litsets' leads it tells
	 * rules_match how far before a literal found a match can start. */
	int width;
	/* 1: one word of the pattern language with at most a final `*`, so a
	 * match is exactly an occurrence of its trigger (plus the rest of the
	 * word): the trigger scan has found it and PCRE2 need not run */
	int simple;
};

#define UNBOUNDED (-1)
#define TRIG_MANY ((size_t)-1)
#define TOK_MAX 64              /* longer tokens' literals are not kept */
#define TOK_MEMO_MAX 65536      /* tokens kept, at most */
#define TOK_OCC_MAX (1u << 20)  /* ... and words of their entries */
#define TR_DENSE 0x80000000u  /* tr_first holds a dense row */
#define TR_DENSE_MIN 4        /* children from which a node gets a dense row */

/* a + b, or UNBOUNDED when either is */
static int words_add(int a, int b)
{
	return a < 0 || b < 0 || a > 10000 || b > 10000 ? UNBOUNDED : a + b;
}

static void frag_init(struct frag *f)
{
	memset(f, 0, sizeof *f);
	buf_init(&f->re, 0);
	f->width = UNBOUNDED;
}

static void litset_clear(struct litset *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->lits[i]);
	free(l->lits);
	memset(l, 0, sizeof *l);
}

static void frag_lits_clear(struct frag *f)
{
	size_t i;

	litset_clear(&f->trig);
	for (i = 0; i < f->nreq; i++)
		litset_clear(&f->req[i]);
	free(f->req);
	f->req = NULL;
	f->nreq = 0;
}

static void frag_release(struct frag *f)
{
	buf_release(&f->re);
	frag_lits_clear(f);
}

/* Add set `l` (taken over, left empty) to f's requirements.  A set with a
 * one-letter word ("i", "å") is dropped: it filters nothing and would be
 * found at nearly every byte of the scan. */
#define REQ_MIN_QUALITY 6
static int add_req(struct frag *f, struct litset *l)
{
	struct litset *r;

	if (!l->n || l->quality < REQ_MIN_QUALITY) {
		litset_clear(l);
		return 0;
	}
	r = realloc(f->req, (f->nreq + 1) * sizeof *r);
	if (!r)
		return KERR_NOMEM;
	f->req = r;
	f->req[f->nreq++] = *l;
	memset(l, 0, sizeof *l);
	return 0;
}

/* b's sets now stand `by` words further from the start (it follows
 * something of that many words at most). */
static void shift_lits(struct frag *b, int by)
{
	size_t i;

	b->trig.lead = words_add(b->trig.lead, by);
	for (i = 0; i < b->nreq; i++)
		b->req[i].lead = words_add(b->req[i].lead, by);
}

/* Both a and b must match (a sequence, NEAR, BEFORE): a keeps the more
 * selective trigger and requires everything else.  b's sets are taken. */
static int and_lits(struct frag *a, struct frag *b)
{
	size_t i;
	int rc = 0;

	if (b->trig.n && (!a->trig.n || b->trig.quality > a->trig.quality)) {
		struct litset t = a->trig;

		a->trig = b->trig;
		b->trig = t;
	}
	rc |= add_req(a, &b->trig);
	for (i = 0; i < b->nreq; i++)
		rc |= add_req(a, &b->req[i]);
	return rc ? KERR_NOMEM : 0;
}

/* a's triggers become b's (b keeps its regex, loses its literals). */
static void move_lits(struct frag *a, struct frag *b)
{
	frag_lits_clear(a);
	a->trig = b->trig;
	a->req = b->req;
	a->nreq = b->nreq;
	memset(&b->trig, 0, sizeof b->trig);
	b->req = NULL;
	b->nreq = 0;
}

/* Either a or b may match (alternatives): the trigger is the union of both
 * triggers, and nothing more can be required. */
static int take_union(struct frag *a, struct frag *b)
{
	char **l;
	struct litset keep = a->trig;

	memset(&a->trig, 0, sizeof a->trig);
	frag_lits_clear(a);
	a->trig = keep;
	if (!a->trig.n || !b->trig.n) {
		litset_clear(&a->trig);
		return 0;
	}
	l = realloc(a->trig.lits, (a->trig.n + b->trig.n) * sizeof *l);
	if (!l)
		return KERR_NOMEM;
	memcpy(l + a->trig.n, b->trig.lits, b->trig.n * sizeof *l);
	a->trig.lits = l;
	a->trig.n += b->trig.n;
	if (b->trig.quality < a->trig.quality)
		a->trig.quality = b->trig.quality;
	a->trig.lead = a->trig.lead < 0 || b->trig.lead < 0 ? UNBOUNDED
		: a->trig.lead > b->trig.lead ? a->trig.lead : b->trig.lead;
	free(b->trig.lits);
	memset(&b->trig, 0, sizeof b->trig);
	return 0;
}

enum tok { T_END, T_WORD, T_LP, T_RP, T_OPT, T_BAR, T_NEAR, T_BEFORE };

struct pparse {
	const char *s;     /* pattern text */
	size_t pos;        /* next byte */
	enum tok tok;
	size_t tstart, tlen;  /* current token in s */
	long n;            /* NEAR/n, BEFORE/n */
	int err;           /* KERR_PATTERN, or KERR_LIMIT past PATTERN_MAX_DEPTH */
	char msg[200];
	size_t errpos;
	unsigned depth;    /* groups open around the current token */
};

static void pfail_code(struct pparse *p, int code, size_t at, const char *msg)
{
	if (p->err)
		return;
	p->err = code;
	p->errpos = at;
	snprintf(p->msg, sizeof p->msg, "%s", msg);
}

static void pfail(struct pparse *p, size_t at, const char *msg)
{
	pfail_code(p, KERR_PATTERN, at, msg);
}

/*
 * The pattern in a message: whole when short, else the part around byte
 * `at` between ellipses, cut at character boundaries, so that a 100 KB
 * pattern does not fill (and get cut off in) the 768 bytes of a message.
 * Writes a NUL-terminated string to out[size >= 160].
 */
static void quote_pattern(const char *pattern, size_t at, char *out, size_t size)
{
	size_t len = strlen(pattern), s, e;

	if (len <= 100) {
		snprintf(out, size, "%s", pattern);
		return;
	}
	if (at > len)
		at = len;
	s = at > 40 ? at - 40 : 0;
	e = at + 40 < len ? at + 40 : len;
	if (s < 8)
		s = 0;
	while (s > 0 && ((unsigned char)pattern[s] & 0xC0) == 0x80)
		s--;
	while (e < len && ((unsigned char)pattern[e] & 0xC0) == 0x80)
		e++;
	snprintf(out, size, "%s%.*s%s (%zu characters)", s ? "\xe2\x80\xa6" : "", (int)(e - s),
		pattern + s, e < len ? "\xe2\x80\xa6" : "", len);
}

static int op_word(struct pparse *p, const char *name, size_t nlen)
{
	const char *w = p->s + p->tstart;
	char *end;

	if (p->tlen < nlen || memcmp(w, name, nlen))
		return 0;
	if (p->tlen == nlen) {
		p->n = NEAR_DEFAULT;
		return 1;
	}
	if (w[nlen] != '/')
		return 0;
	p->n = strtol(w + nlen + 1, &end, 10);
	if (end != w + p->tlen || end == w + nlen + 1 || p->n < 0 || p->n > 50) {
		pfail(p, p->tstart, "expected a number of words from 0 to 50 after the slash, as in NEAR/3");
		p->n = NEAR_DEFAULT;
	}
	return 1;
}

static void next_tok(struct pparse *p)
{
	const char *s = p->s;

	while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r')
		p->pos++;
	p->tstart = p->pos;
	p->tlen = 1;
	switch (s[p->pos]) {
	case 0: p->tok = T_END; p->tlen = 0; return;
	case '(': p->tok = T_LP; p->pos++; return;
	case ')': p->tok = T_RP; p->pos++; return;
	case '?':
		/* "(nok)?" makes the group optional; a '?' elsewhere is a letter */
		if (p->pos > 0 && s[p->pos - 1] == ')') {
			p->tok = T_OPT;
			p->pos++;
			return;
		}
		break;
	case '|': p->tok = T_BAR; p->pos++; return;
	}
	while (s[p->pos] && !strchr(" \t\r\n()|", s[p->pos]))
		p->pos++;
	p->tlen = p->pos - p->tstart;
	p->tok = T_WORD;
	if (op_word(p, "NEAR", 4))
		p->tok = T_NEAR;
	else if (op_word(p, "BEFORE", 6))
		p->tok = T_BEFORE;
}

/* One word of the pattern: its key, `*` for any run of word bytes. */
/* A byte of a pattern word's key that stands for word bytes of the answer. */
static int pat_wordish(unsigned char c)
{
	return is_w(c) || c == '*' || c == '#';
}

/* The most answer words s[0..n) of a pattern word's key can match: one per
 * run of word bytes, and one more per # ("3,5" is two words in the key). */
static int key_words(const char *s, size_t n)
{
	size_t i;
	int w = 0;

	for (i = 0; i < n; i++)
		w += (s[i] == '#') + (pat_wordish((unsigned char)s[i])
				      && (i == 0 || !pat_wordish((unsigned char)s[i - 1])));
	return w;
}

/* Words in nearly every answer, as match keys, the most frequent first: a
 * literal that is one of them wakes its pattern in most answers, so any
 * other literal the pattern requires makes the better trigger ("ikke klar
 * over" is woken by "klar"), and among these the rarer ("vil ikke" by
 * "vil").  Only speed depends on this list: whichever literal triggers, a
 * pattern matches the same text. */
static const char *const common_words[] = {
	"ikke", "i", "og", "at", "er", "af", "til", "en", "for", "pa", "som",
	"med", "et", "den", "det", "eller", "du", "der", "kan", "de", "har",
	"skal", "fra", "vil", "om", "sa", "ved", "alle", "hvis", "nar", "vi",
	"hvor", "vaere", "kun", "efter", "bliver", "men", "dette", "end", "andre",
	"over", "flere", "man", "nogle", "mere", "fa", "have", "jeg", "blev",
	"ud", "op", "sig", "under", "kunne", "meget", "uden", "ingen", "hvad",
	"blive", "hver", "del", "se", "var", "ind", "dem", "deres", "andet", "da",
	"mange", "godt", "ofte", "hele", "hos", "skulle", "fordi", "mod", "altid",
	"noget", "her", "nu", "nogen", "helt", "selv", "havde", "os", "ville",
	"lige", "lidt", "intet", "nok", "bare", "ja", "sin", "han", "nej",
	"aldrig", "jo", "hun",
};

#define NCOMMON (sizeof common_words / sizeof *common_words)
#define RARE_BONUS 16   /* added to the quality of a word not in that list */

/* A literal's quality from q, its quality by length alone: raised when it
 * is no common word; a common word's is set by its place in the list ("med"
 * beats the longer "ikke") and stays below any other word's. */
static int rarity(int q, const char *s, size_t n)
{
	size_t i;

	for (i = 0; n <= 6 && i < NCOMMON; i++)
		if (strlen(common_words[i]) == n && !memcmp(common_words[i], s, n))
			return REQ_MIN_QUALITY + (int)(i * RARE_BONUS / NCOMMON);
	return q + RARE_BONUS;
}

/* The regex of "*politik" begins with this, then the suffix and ")". */
#define SUFFIX_OPEN W "*+(?<="

/* 1 if s[0..n) is a plain ASCII suffix: a word that is only word bytes
 * below 0x80 (a lookbehind then spells it as it is). */
static int is_suffix(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_w((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			return 0;
	return n > 0;
}

static int compile_word(struct pparse *p, struct frag *f)
{
	struct buf key = BUF_INIT;
	size_t i, a, best = 0, bestat = 0, bestlen = 0;
	int rc, bestflags = 0, suffix;

	rc = normalize_key(p->s + p->tstart, p->tlen, &key, NULL);
	if (rc) {
		buf_release(&key);
		return rc;
	}
	if (!key.len) {
		buf_release(&key);
		pfail(p, p->tstart, "this word is empty after normalization");
		return 0;
	}
	suffix = key.data[0] == '*' && is_suffix(key.data + 1, key.len - 1);
	if (key.data[0] == '*' || key.data[0] == '#' || is_w((unsigned char)key.data[0]))
		rc |= buf_adds(&f->re, "(?<!" W ")");
	if (suffix) {
		/* "*politik": a word that ends in politik.  W*politik would give
		 * the word back a byte at a time to look for politik at each;
		 * taking the word whole and looking back is one step.  Looking
		 * back past the word's start meets a non-word byte, so it is the
		 * same. */
		rc |= buf_adds(&f->re, SUFFIX_OPEN);
		for (i = 1; i < key.len; i++)
			rc |= buf_addch(&f->re, key.data[i]);
		rc |= buf_adds(&f->re, ")");
	}
	for (i = 0; i < key.len && !suffix; i++) {
		unsigned char c = (unsigned char)key.data[i];

		if (c == '#') {
			rc |= buf_adds(&f->re, "[0-9]+(?:[.,][0-9]+)?");
			continue;
		}
		if (c == '*') {
			/* only the last star may be possessive: a leading or inner one
			 * must give back what the literal after it needs */
			rc |= buf_adds(&f->re, i + 1 == key.len && i > 0 ? W "*+" : W "*");
			continue;
		}
		if (is_w(c))
			rc |= buf_addch(&f->re, c);
		else
			rc |= buf_addf(&f->re, "\\x%02x", c);
	}
	/* The trigger is the literal run that is rarest in text: long, and
	 * best a whole word ("ag" as a word, not inside "dag" or "sager"). */
	for (a = 0; a < key.len; a = i + 1) {
		int flags, q;

		for (i = a; i < key.len && key.data[i] != '*' && key.data[i] != '#'; i++)
			;
		if (i == a)
			continue;
		flags = (a == 0 && is_w((unsigned char)key.data[0]) ? LIT_START : 0)
			| (i == key.len && is_w((unsigned char)key.data[i - 1]) ? LIT_END : 0);
		q = (int)(i - a) + 2 * !!(flags & LIT_START) + 2 * !!(flags & LIT_END);
		if (q >= REQ_MIN_QUALITY)
			q = rarity(q, key.data + a, i - a);
		if ((size_t)q > best) {
			best = (size_t)q;
			bestat = a;
			bestlen = i - a;
			bestflags = flags;
		}
	}
	if (key.len == 1 && key.data[0] == '*')
		rc |= buf_adds(&f->re, "+");   /* a lone star: one whole word */
	f->width = key_words(key.data, key.len);
	f->simple = best && bestat == 0 && !memchr(key.data, '#', key.len)
		&& (bestlen == key.len || (bestlen + 1 == key.len && key.data[bestlen] == '*'));
	if ((is_w((unsigned char)key.data[key.len - 1]) || key.data[key.len - 1] == '#') && !suffix)
		rc |= buf_adds(&f->re, "(?!" W ")");
	if (best) {
		char **l = malloc(sizeof *l);
		char *lit = malloc(bestlen + 2);

		if (!l || !lit) {
			free(l);
			free(lit);
			rc = KERR_NOMEM;
		} else {
			/* first byte: which ends must be word boundaries, plus one */
			lit[0] = (char)(bestflags + 1);
			memcpy(lit + 1, key.data + bestat, bestlen);
			lit[bestlen + 1] = 0;
			l[0] = lit;
			f->trig.lits = l;
			f->trig.n = 1;
			/* words before the one the trigger starts in */
			f->trig.lead = key_words(key.data, bestat)
				- (bestat > 0 && pat_wordish((unsigned char)key.data[bestat - 1]));
			f->trig.quality = best;
		}
	}
	buf_release(&key);
	return rc ? KERR_NOMEM : 0;
}

static int parse_alt(struct pparse *p, struct frag *f);

static int parse_item(struct pparse *p, struct frag *f)
{
	int rc;

	if (p->tok == T_WORD) {
		rc = compile_word(p, f);
		next_tok(p);
		return rc;
	}
	if (p->tok == T_LP) {
		size_t open = p->tstart;
		struct frag in;

		/* each group is a level of recursion here: a hostile pattern of
		 * 10,000 "(" would overflow the stack */
		if (p->depth >= PATTERN_MAX_DEPTH) {
			pfail_code(p, KERR_LIMIT, open, "groups are nested more than "
				PATTERN_MAX_DEPTH_TEXT " deep here; write the pattern with fewer brackets");
			return 0;
		}
		frag_init(&in);
		next_tok(p);
		p->depth++;
		rc = parse_alt(p, &in);
		p->depth--;
		if (!rc && !p->err && p->tok != T_RP)
			pfail(p, open, "this ( has no matching )");
		next_tok(p);
		if (p->tok == T_OPT) {
			/* an optional group cannot be required, so it is no trigger */
			next_tok(p);
			frag_lits_clear(&in);
			rc = rc ? rc : buf_addf(&f->re, "(?:%s)?", in.re.data);
		} else {
			rc = rc ? rc : buf_addf(&f->re, "(?:%s)", in.re.data);
		}
		move_lits(f, &in);
		f->width = in.width;
		frag_release(&in);
		return rc;
	}
	pfail(p, p->tstart, p->tok == T_RP ? "this ) has no matching ("
		: p->tok == T_END ? "the pattern ends where a word was expected"
		: p->tok == T_OPT ? "? makes the group before it optional: write (word)? with no space"
		: "expected a word or ( here");
	return 0;
}

static int ends_seq(enum tok t)
{
	return t == T_END || t == T_RP || t == T_BAR || t == T_NEAR || t == T_BEFORE;
}

static int parse_seq(struct pparse *p, struct frag *f)
{
	int rc = 0, first = 1;

	if (ends_seq(p->tok)) {
		pfail(p, p->tstart, "expected a word here (an empty alternative or a missing word)");
		return 0;
	}
	while (!rc && !p->err && !ends_seq(p->tok)) {
		struct frag it;

		frag_init(&it);
		rc = parse_item(p, &it);
		if (!rc) {
			rc = buf_addf(&f->re, "%s%s", first ? "" : NW "*", it.re.data);
			if (first) {
				move_lits(f, &it);
				f->width = it.width;
				f->simple = it.simple;
			} else {
				f->simple = 0;
				shift_lits(&it, f->width);
				f->width = words_add(f->width, it.width);
				rc = and_lits(f, &it);
			}
		}
		frag_release(&it);
		first = 0;
	}
	return rc;
}

static int parse_near(struct pparse *p, struct frag *f)
{
	int rc = parse_seq(p, f);

	while (!rc && !p->err && (p->tok == T_NEAR || p->tok == T_BEFORE)) {
		int before = p->tok == T_BEFORE;
		long n = p->n;
		struct frag b;
		struct buf re = BUF_INIT;

		frag_init(&b);
		next_tok(p);
		rc = parse_seq(p, &b);
		if (!rc) {
			char gap[256];

			/* NEAR and BEFORE stay inside a clause: in "opsagte borgere, og
			 * når arbejdsgiver ikke vil" the citizen is not unwilling */
			/* the gap is the pattern's only capturing group kind, so
			 * rules_match can look for a cue in it ("medarbejderne
			 * oplever ikke modstand") */
			snprintf(gap, sizeof gap, "(" NWC "+(?:" W "++" NWC "+){0,%ld})", n);
			if (before)
				rc = buf_addf(&re, "%s%s%s", f->re.data, gap, b.re.data);
			else
				rc = buf_addf(&re, "(?:%s%s%s|%s%s%s)", f->re.data, gap, b.re.data,
					b.re.data, gap, f->re.data);
			if (!rc) {
				buf_release(&f->re);
				f->re = re;
				re.data = NULL;
			}
			if (!rc) {
				/* b follows f and the gap; with NEAR either may come
				 * first, so f's literals may follow b and the gap */
				int gapw = n > 10000 ? UNBOUNDED : (int)n;

				shift_lits(&b, words_add(f->width, gapw));
				if (!before)
					shift_lits(f, words_add(b.width, gapw));
				f->width = words_add(words_add(f->width, gapw), b.width);
				f->simple = 0;
				rc = and_lits(f, &b);
			}
		}
		if (re.data)
			buf_release(&re);
		frag_release(&b);
	}
	return rc;
}

/* The bytes a regex made by translate can begin with, added to set[256]
 * (how many new ones: *nb); 0 when that is not known (a leading star, a
 * number, an optional group).  *lb: it begins with a word-start check. */
static int first_bytes(const char *re, unsigned char *set, int *nb, int *lb)
{
	static const char wstart[] = "(?<!" W ")";
	unsigned c;

	*nb = 0;
	*lb = 0;
	for (;;) {
		if (!strncmp(re, wstart, sizeof wstart - 1)) {
			re += sizeof wstart - 1;
			*lb = 1;
		} else if (!strncmp(re, "(?:", 3)) {
			re += 3;
		} else {
			break;
		}
	}
	if (!strncmp(re, "(?<!" W ")(?=[", sizeof wstart + 3)) {
		re += sizeof wstart - 1;
		*lb = 1;
	}
	if (!strncmp(re, "(?=[", 4)) {  /* an alternation's own first bytes */
		for (re += 4; re[0] == '\\' && re[1] == 'x' && sscanf(re + 2, "%2x", &c) == 1; re += 4)
			*nb += !set[c]++;
		return *re == ']' && *nb;
	}
	if (re[0] == '\\' && re[1] == 'x' && sscanf(re + 2, "%2x", &c) == 1) {
		*nb = !set[c]++;
		return 1;
	}
	if (is_w((unsigned char)re[0])) {
		*nb = !set[(unsigned char)re[0]]++;
		return 1;
	}
	return 0;
}

struct alts {
	char **re;         /* each alternative's regex */
	size_t n, cap;
	int known;         /* every alternative's first bytes are known */
	int wstart;        /* every alternative begins with a word-start check */
	unsigned char set[256];
};

static int alts_add(struct alts *a, const char *re)
{
	int nb, lb;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		char **r = realloc(a->re, cap * sizeof *r);

		if (!r)
			return KERR_NOMEM;
		a->re = r;
		a->cap = cap;
	}
	if (!(a->re[a->n] = strdup(re)))
		return KERR_NOMEM;
	if (!first_bytes(re, a->set, &nb, &lb))
		a->known = 0;
	else
		a->wstart = a->wstart && lb;
	a->n++;
	return 0;
}

static void alts_release(struct alts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->re[i]);
	free(a->re);
}

/* ---- alternations as prefix trees ---------------------------------------- */

/*
 * PCRE2 tries the alternatives of a group one after another, each from its
 * start: for the long lists of a "(arbejdsgiver*|ag|virksomhed*|...)
 * BEFORE/4 (vil ikke|ikke vil|afviser|...)" that is most of the matching
 * time, as the second list is tried after every gap length.  So the
 * alternatives are written as a tree of their shared beginnings:
 * "ikke vil|ikke gider|afvis*" becomes "(?:a(?:fvis...)|i(?:kke...(?:vil|gider)))".
 * No match changes: a shared beginning made of literal bytes and
 * word-boundary checks matches in at most one way, so trying it once before
 * the rests is trying it before each; alternatives that begin with
 * different bytes never match at the same place, so only they are
 * regrouped, and every other order stays.
 */

/* The length of the step of regex text at s that may be shared: a literal
 * byte, a word-boundary check, or the gap between two words of a phrase
 * ending in the next word's start check; 0 for anything else (a group, a
 * class, a quantified byte).  *byte: the literal byte, or -1. */
static size_t factor_step(const char *s, int *byte)
{
	static const char *const fixed[] = {
		NW "*(?<!" W ")", "(?<!" W ")", "(?!" W ")", NULL
	};
	const char *const *f;
	size_t n = 0;
	unsigned c;

	*byte = -1;
	for (f = fixed; *f; f++)
		if (!strncmp(s, *f, strlen(*f)))
			return strlen(*f);
	if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &c) == 1) {
		*byte = (int)c;
		n = 4;
	} else if (is_w((unsigned char)s[0])) {
		*byte = (unsigned char)s[0];
		n = 1;
	}
	if (n && (s[n] == '*' || s[n] == '+' || s[n] == '?' || s[n] == '{'))
		return 0;
	return n;
}

static int factor(char **alt, size_t n, struct buf *re);

/* Write alternatives alt[0..n), which share their first step, as that
 * step and the rests, sharing as many further steps as all of them do. */
static int factor_shared(char **alt, size_t n, struct buf *re)
{
	size_t i, len = 0, step;
	int b, rc = 0;
	char **rest;

	for (;;) {
		step = factor_step(alt[0] + len, &b);
		for (i = 1; step && i < n; i++)
			if (strncmp(alt[i] + len, alt[0] + len, step))
				step = 0;
		if (!step)
			break;
		len += step;
	}
	if (!(rest = malloc(n * sizeof *rest)))
		return KERR_NOMEM;
	for (i = 0; i < n; i++)
		rest[i] = alt[i] + len;
	rc = buf_add(re, alt[0], len);
	rc = rc ? rc : buf_adds(re, "(?:");
	rc = rc ? rc : factor(rest, n, re);
	rc = rc ? rc : buf_adds(re, ")");
	free(rest);
	return rc;
}

/* Write the alternation alt[0..n) (without its enclosing group). */
static int factor(char **alt, size_t n, struct buf *re)
{
	size_t i, j, g, *order;
	int b, allbytes = 1, rc = 0;
	char **grp;

	if (n == 1)
		return buf_adds(re, alt[0]);
	for (i = 0; i < n && allbytes; i++)
		allbytes = factor_step(alt[i], &b) && b >= 0;
	if (!(grp = malloc(n * sizeof *grp)) || !(order = malloc(n * sizeof *order))) {
		free(grp);
		return KERR_NOMEM;
	}
	/* every alternative begins with a literal byte: one group per byte,
	 * in order of first appearance; else runs of neighbours that share
	 * their first step, in place */
	for (i = 0; i < n; i++)
		order[i] = i;
	if (allbytes) {
		size_t k = 0;
		unsigned char *done = calloc(n, 1);

		if (!done) {
			free(grp);
			free(order);
			return KERR_NOMEM;
		}
		for (i = 0; i < n; i++) {
			int bi;

			if (done[i])
				continue;
			factor_step(alt[i], &bi);
			for (j = i; j < n; j++) {
				if (done[j] || (factor_step(alt[j], &b), b != bi))
					continue;
				done[j] = 1;
				order[k++] = j;
			}
		}
		free(done);
	}
	for (i = 0; i < n && !rc; i = j) {
		size_t step = factor_step(alt[order[i]], &b);

		grp[0] = alt[order[i]];
		for (j = i + 1, g = 1; step && j < n && !strncmp(alt[order[j]], grp[0], step); j++)
			grp[g++] = alt[order[j]];
		if (i)
			rc = buf_adds(re, "|");
		rc = rc ? rc : g == 1 ? buf_adds(re, grp[0]) : factor_shared(grp, g, re);
	}
	free(grp);
	free(order);
	return rc;
}

/*
 * The alternation: the word-start check made once when every alternative
 * begins with one, a look-ahead for the bytes any alternative can begin
 * with (it lets PCRE2 skip places at once), and the alternatives as a tree.
 */
static int alts_regex(const struct alts *a, struct buf *re)
{
#define WSTART "(?<!" W ")"
	static const char wstart[] = WSTART;
	int c, rc = buf_adds(re, a->wstart ? WSTART "(?=[" : "(?=[");
	size_t i;
	char **alt = malloc(a->n * sizeof *alt);

	if (!alt)
		return KERR_NOMEM;
	for (c = 0; c < 256 && !rc; c++)
		if (a->set[c])
			rc = buf_addf(re, "\\x%02x", c);
	rc = rc ? rc : buf_adds(re, "])(?:");
	for (i = 0; i < a->n; i++)
		alt[i] = a->re[i] + (a->wstart && !strncmp(a->re[i], wstart, sizeof wstart - 1)
				     ? sizeof wstart - 1 : 0);
	rc = rc ? rc : factor(alt, a->n, re);
	free(alt);
	return rc ? rc : buf_adds(re, ")");
}

#define GUARD_MIN_ALTERNATIVES 3

static int parse_alt(struct pparse *p, struct frag *f)
{
	struct alts a;
	int rc = parse_near(p, f);

	memset(&a, 0, sizeof a);
	a.known = a.wstart = 1;
	if (!rc && !p->err)
		rc = alts_add(&a, f->re.data);
	while (!rc && !p->err && p->tok == T_BAR) {
		struct frag b;

		frag_init(&b);
		next_tok(p);
		rc = parse_near(p, &b);
		if (!rc && !p->err)
			rc = alts_add(&a, b.re.data);
		if (!rc)
			rc = buf_addf(&f->re, "|%s", b.re.data);
		if (!rc) {
			f->width = f->width < 0 || b.width < 0 ? UNBOUNDED
				: f->width > b.width ? f->width : b.width;
			f->simple = 0;
			rc = take_union(f, &b);
		}
		frag_release(&b);
	}
	if (!rc && !p->err && a.known && a.n >= GUARD_MIN_ALTERNATIVES) {
		buf_reset(&f->re);
		rc = alts_regex(&a, &f->re);
	} else if (!rc && !p->err && a.n > 1) {
		buf_reset(&f->re);
		rc = factor(a.re, a.n, &f->re);
	}
	alts_release(&a);
	return rc;
}

/*
 * Turn one pattern of the language into a regex (f->re) and its trigger
 * literals.  *negation is cleared by a "noneg:" prefix; *raw set by "re:".
 * Returns 0 (p->err set on a bad pattern) or KERR_NOMEM.
 */
static int translate(const char *pattern, struct frag *f, struct pparse *p,
		     int *negation, int *raw)
{
	size_t off = strspn(pattern, " \t");
	int rc;

	memset(p, 0, sizeof *p);
	*raw = 0;
	if (!strncasecmp(pattern + off, "noneg:", 6)) {
		*negation = 0;
		off += 6;
	}
	if (!strncmp(pattern + off, "re:", 3)) {
		*raw = 1;
		return buf_adds(&f->re, pattern + off + 3) ? KERR_NOMEM : 0;
	}
	if (!strncasecmp(pattern + off, "when ", 5)) {
		/* "when WORDS re:REGEX": the regex runs only on answers holding
		 * the words, whose literals are its triggers */
		const char *re = strstr(pattern + off + 4, " re:");
		char *words;

		if (!re || re < pattern + off + 5) {   /* none, or no words before it */
			p->s = pattern;
			pfail(p, off, "\"when\" needs its words, then \" re:\" and the regular expression");
			return 0;
		}
		words = strndup(pattern, (size_t)(re - pattern));
		if (!words)
			return KERR_NOMEM;
		p->s = words;
		p->pos = off + 5;
		next_tok(p);
		rc = parse_alt(p, f);
		if (!rc && !p->err && p->tok != T_END)
			pfail(p, p->tstart, "unexpected text here");
		free(words);
		p->s = pattern;
		*raw = 1;
		f->simple = 0;
		buf_reset(&f->re);
		return rc ? rc : buf_adds(&f->re, re + 4) ? KERR_NOMEM : 0;
	}
	p->s = pattern;
	p->pos = off;
	next_tok(p);
	rc = parse_alt(p, f);
	if (!rc && !p->err && p->tok != T_END)
		pfail(p, p->tstart, p->tok == T_RP ? "this ) has no matching ("
			: "unexpected text here");
	return rc;
}

/* ---- compiling a codebook ------------------------------------------------ */

struct compiler {
	struct rules *r;
	struct kerr_list *errs;
	int first;
	/* literal -> patterns, before the automaton is built; a literal is a
	 * flag byte and its text, as compile_word makes it */
	char **lits;
	size_t nlits, lits_cap;
	struct strtab lit_index;  /* literal -> its index in lits */
	size_t *pair_lit, *pair_pat;
	size_t npairs, pairs_cap;
	/* the clauses patterns require besides their trigger */
	size_t *clause_lits, nclause_lits, clause_lits_cap;
	size_t *clause_first, nclauses, clauses_cap;
	int *clause_lead;
	size_t clause_lead_cap;
};

/* Grow an array of size_t to hold one more.  Returns 0 or KERR_NOMEM. */
static int grow(size_t **a, size_t n, size_t *cap)
{
	size_t *b;

	if (n < *cap)
		return 0;
	b = realloc(*a, (*cap ? 2 * *cap : 64) * sizeof *b);
	if (!b)
		return KERR_NOMEM;
	*a = b;
	*cap = *cap ? 2 * *cap : 64;
	return 0;
}

__attribute__((format(printf, 4, 5)))
static void cproblem(struct compiler *c, int code, const char *path, const char *fmt, ...)
{
	struct kerr e;
	char msg[sizeof e.msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	codebook_error(c->r->cb, &e, code, path, "%s", msg);
	if (!c->first)
		c->first = code;
	if (c->errs)
		kerr_list_add(c->errs, &e);
}

/* The id of literal `lit` (flag byte and text), added if new. */
static int lit_id(struct compiler *c, const char *lit, size_t *id)
{
	size_t i, n = strlen(lit);
	uint32_t v;

	/* a few thousand literals: a scan per literal was most of compiling */
	if (!c->lit_index.slots && strtab_init(&c->lit_index, 1024))
		return KERR_NOMEM;
	i = strtab_get(&c->lit_index, lit, n, &v) ? v : c->nlits;
	if (i == c->nlits) {
		if (c->nlits == c->lits_cap) {
			size_t cap = c->lits_cap ? 2 * c->lits_cap : 64;
			char **l = realloc(c->lits, cap * sizeof *l);

			if (!l)
				return KERR_NOMEM;
			c->lits = l;
			c->lits_cap = cap;
		}
		if (!(c->lits[c->nlits] = strdup(lit))
		    || strtab_put(&c->lit_index, lit, n, (uint32_t)c->nlits, 0))
			return KERR_NOMEM;
		c->nlits++;
	}
	*id = i;
	return 0;
}

/* Literal `lit` triggers pattern `pat`. */
static int add_trigger(struct compiler *c, const char *lit, size_t pat)
{
	size_t id;
	size_t cap = c->pairs_cap;

	if (lit_id(c, lit, &id) || grow(&c->pair_lit, c->npairs, &c->pairs_cap)
	    || grow(&c->pair_pat, c->npairs, &cap))
		return KERR_NOMEM;
	c->pair_lit[c->npairs] = id;
	c->pair_pat[c->npairs] = pat;
	c->npairs++;
	return 0;
}

/* One clause the pattern being added also requires: one of these literals. */
static int add_clause(struct compiler *c, const struct litset *l)
{
	size_t i, id;

	if (grow(&c->clause_first, c->nclauses + 1, &c->clauses_cap))
		return KERR_NOMEM;
	if (c->nclauses >= c->clause_lead_cap) {
		size_t cap = c->clause_lead_cap ? 2 * c->clause_lead_cap : 64;
		int *nl = realloc(c->clause_lead, cap * sizeof *nl);

		if (!nl)
			return KERR_NOMEM;
		c->clause_lead = nl;
		c->clause_lead_cap = cap;
	}
	c->clause_lead[c->nclauses] = l->lead;
	c->clause_first[c->nclauses] = c->nclause_lits;
	for (i = 0; i < l->n; i++) {
		if (lit_id(c, l->lits[i], &id) || grow(&c->clause_lits, c->nclause_lits, &c->clause_lits_cap))
			return KERR_NOMEM;
		c->clause_lits[c->nclause_lits++] = id;
	}
	c->nclauses++;
	c->clause_first[c->nclauses] = c->nclause_lits;
	return 0;
}

static pcre2_code *compile_re(struct compiler *c, const char *re, const char *path,
			      const char *pattern, int raw, int jit)
{
	int err;
	PCRE2_SIZE off;
	/* a match of a translated pattern starts at or before its last
	 * trigger, which rules_match passes as the offset limit */
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
		raw ? 0 : PCRE2_USE_OFFSET_LIMIT,
		&err, &off, NULL);

	if (!code) {
		PCRE2_UCHAR msg[256];
		char q[200];

		pcre2_get_error_message(err, msg, sizeof msg);
		if (raw) {
			const char *rx = strstr(pattern, "re:");
			size_t at = (rx ? (size_t)(rx - pattern) + 3 : 0) + (size_t)off;

			quote_pattern(pattern, at, q, sizeof q);
			cproblem(c, KERR_PATTERN, path,
				"bad regular expression \"%s\": %s at offset %zu of the expression",
				q, (char *)msg, (size_t)off);
		} else {
			quote_pattern(pattern, 0, q, sizeof q);
			cproblem(c, KERR_PATTERN, path,
				"pattern \"%s\" does not compile (%s at offset %zu of the regex); "
				"please report this", q, (char *)msg, (size_t)off);
		}
		return NULL;
	}
	/* JIT is an optimisation: without it the interpreter gives the same
	 * answers.  A codebook's own patterns are JIT-compiled when first run
	 * (rules_match): most are never candidates in a short job, and JIT is
	 * most of the start-up time */
	if (jit)
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

/*
 * A pattern that begins "*afstand" would make PCRE2 try every position and
 * scan a word from each: 20 times slower than a pattern that begins with a
 * literal.  Drop the leading "any word start" and let the match begin at the
 * literal; rules_match moves the start back to the word's beginning.
 */
static int strip_leading_star(struct buf *re, int raw)
{
	static const char lead[] = "(?<!" W ")" W "*";
	static const char suffix[] = "(?<!" W ")" SUFFIX_OPEN;
	size_t n = sizeof lead - 1;

	if (!raw && re->len > sizeof suffix - 1 && !memcmp(re->data, suffix, sizeof suffix - 1)) {
		/* "*politik" as a whole word: back to politik(?!W), from which
		 * the search can start */
		size_t s = sizeof suffix - 1, e = s;
		struct buf out = BUF_INIT;

		while (e < re->len && re->data[e] != ')')
			e++;
		if (buf_addf(&out, "%.*s(?!" W ")%s", (int)(e - s), re->data + s, re->data + e + 1)) {
			buf_release(&out);  /* the suffix form still matches the same */
			return 0;
		}
		buf_release(re);
		*re = out;
		return 1;
	}
	if (raw || re->len <= n || memcmp(re->data, lead, n) || re->data[n] == '+')
		return 0;
	memmove(re->data, re->data + n, re->len - n + 1);
	re->len -= n;
	return 1;
}

/* Does the compiled pattern match the empty text? */
static int matches_empty(const pcre2_code *code)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc = md ? pcre2_match(code, (PCRE2_SPTR)"", 0, 0, 0, md, NULL) : -1;

	pcre2_match_data_free(md);
	return rc >= 0;
}

static void add_pattern(struct compiler *c, size_t cat, size_t idx, int exclude)
{
	const struct codebook_category *cc = &c->r->cb->cats[cat];
	const char *pattern = exclude ? cc->exclude[idx] : cc->include[idx];
	struct rules *r = c->r;
	struct rpat *rp = &r->pats[r->npats];
	struct pparse p;
	struct frag f;
	char path[96];
	int negation = cc->negation, raw, rc;
	size_t i;

	snprintf(path, sizeof path, "categories[%zu].%s[%zu]", cat, exclude ? "exclude" : "include", idx);
	frag_init(&f);
	rc = translate(pattern, &f, &p, &negation, &raw);
	if (rc) {
		c->first = c->first ? c->first : rc;
	} else if (p.err) {
		char q[200];

		quote_pattern(pattern, p.errpos, q, sizeof q);
		cproblem(c, p.err, path, "pattern \"%s\": %s (at character %zu)",
			q, p.msg, p.errpos + 1);
	} else if ((rp->extend = strip_leading_star(&f.re, raw)),
		   (rp->code = compile_re(c, f.re.data, path, pattern, raw, 0))
		   && !f.trig.n && matches_empty(rp->code)) {
		/* "*", "re:" or "re:.*": no word to look for and a match
		 * everywhere, so every answer would get (or lose) the code */
		char q[200];

		quote_pattern(pattern, 0, q, sizeof q);
		cproblem(c, KERR_PATTERN, path, "pattern \"%s\" matches every answer, even an "
			"empty one: give it a word to look for", q);
		pcre2_code_free(rp->code);
		rp->code = NULL;
	} else if (rp->code) {
		rp->jitted = 0;
		rp->cat = cat;
		rp->idx = idx;
		rp->exclude = exclude;
		rp->negation = exclude ? 0 : negation;
		rp->raw = raw;
		rp->lead = f.trig.n && !raw ? f.trig.lead : UNBOUNDED;
		rp->anchor = -1;
		rp->anchor_lead = rp->lead;
		for (i = 0; !raw && i < f.nreq; i++)
			if (f.req[i].n && f.req[i].lead >= 0
			    && (rp->anchor_lead < 0 || f.req[i].lead < rp->anchor_lead)) {
				rp->anchor = (long)(c->nclauses + i);
				rp->anchor_lead = f.req[i].lead;
			}
		rp->simple = !raw && f.simple && f.trig.n == 1;
		if (rp->simple) {
			size_t tl = strlen(f.trig.lits[0] + 1);

			rp->litlen = (unsigned)tl;
			/* "sagsantal*": the trigger is all but the star */
			rp->star = !((f.trig.lits[0][0] - 1) & LIT_END);
		}
		if (!raw) {
			uint32_t ngroups = 0;

			pcre2_pattern_info(rp->code, PCRE2_INFO_CAPTURECOUNT, &ngroups);
			rp->gaps = (int)ngroups;
			if (rp->gaps > r->max_gaps)
				r->max_gaps = rp->gaps;
		}
		r->pat_req[r->npats] = c->nclauses;
		if (f.trig.n) {
			for (i = 0; i < f.trig.n; i++)
				if (add_trigger(c, f.trig.lits[i], r->npats))
					c->first = KERR_NOMEM;
			for (i = 0; i < f.nreq; i++)
				if (add_clause(c, &f.req[i]))
					c->first = KERR_NOMEM;
		} else {
			r->always[r->nalways++] = r->npats;
		}
		r->npats++;
		r->pat_req[r->npats] = c->nclauses;
	}
	frag_release(&f);
}

/* 1 if nonsubstantive phrase i may mark a short answer as no answer: the
 * strong defaults, and the file's phrases of two words or more that are
 * not among the weak defaults ("ikke nogen" stays whole-answer only). */
static int nonsub_is_core(const struct codebook *cb, size_t i)
{
	size_t j;

	if (i < cb->nnonsubstantive_core)
		return 1;
	if (i < cb->nnonsubstantive_default || !strchr(cb->nonsubstantive[i], ' '))
		return 0;
	for (j = cb->nnonsubstantive_core; j < cb->nnonsubstantive_default; j++)
		if (!strcmp(cb->nonsubstantive[i], cb->nonsubstantive[j]))
			return 0;
	return 1;
}

/* A phrase's regex without the word-boundary checks around each word, and
 * with a call of the separator subroutine (one non-word byte or more)
 * between words: the boundaries are checked once around the whole
 * alternation instead, and the separator's class is compiled once rather
 * than once per gap, which keeps the regex of many hundred phrases under
 * PCRE2's size limit. */
static int strip_bounds(const char *re, struct buf *out)
{
	static const char *const drop[] = { "(?<!" W ")", "(?!" W ")", NULL };
	static const char sep[] = NW "*";
	int rc = 0;
	size_t i;

	while (*re && !rc) {
		for (i = 0; drop[i] && strncmp(re, drop[i], strlen(drop[i])); i++)
			;
		if (drop[i]) {
			re += strlen(drop[i]);
		} else if (!strncmp(re, sep, sizeof sep - 1)) {
			rc = buf_adds(out, "(?&s)");
			re += sizeof sep - 1;
		} else {
			rc = buf_addch(out, *re++);
		}
	}
	return rc;
}

static int build_nonsub(struct compiler *c)
{
	const struct codebook *cb = c->r->cb;
	struct buf alt = BUF_INIT, core = BUF_INIT, re = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < cb->nnonsubstantive; i++) {
		struct pparse p;
		struct frag f;
		char path[64];
		int neg = 1, raw;

		if (i < cb->nnonsubstantive_default)
			snprintf(path, sizeof path, "nonsubstantive");
		else
			snprintf(path, sizeof path, "nonsubstantive[%zu]", i - cb->nnonsubstantive_default);
		frag_init(&f);
		rc = translate(cb->nonsubstantive[i], &f, &p, &neg, &raw);
		if (!rc && p.err) {
			char q[200];

			quote_pattern(cb->nonsubstantive[i], p.errpos, q, sizeof q);
			cproblem(c, p.err, path, "phrase \"%s\": %s (at character %zu)",
				q, p.msg, p.errpos + 1);
		} else if (!rc) {
			struct buf bare = BUF_INIT;

			rc = strip_bounds(f.re.data, &bare);
			if (!rc)
				rc = buf_addf(&alt, "%s(?:%s)", alt.len ? "|" : "", bare.data);
			if (!rc && nonsub_is_core(cb, i))
				rc = buf_addf(&core, "%s(?:%s)", core.len ? "|" : "", bare.data);
			buf_release(&bare);
		}
		frag_release(&f);
		if (rc)
			break;
	}
	if (!rc && alt.len) {
		rc = buf_addf(&re, "(?(DEFINE)(?<s>" NW "+))"
			      "\\A" NW "*(?<p>(?<!" W ")(?:%s)(?!" W "))(?:" NW "*(?&p))*" NW "*\\z",
			      alt.data);
		if (!rc && !c->first)
			c->r->nonsub = compile_re(c, re.data, "nonsubstantive", "nonsubstantive phrases", 0, 1);
	}
	if (!rc && core.len) {
		buf_reset(&re);
		/* led only by other no-answer words ("Nej, desværre ved jeg
		 * ikke ..."), so "Lægerne ved ikke hvad SOF er" has content */
		rc = buf_addf(&re, "(?(DEFINE)(?<s>" NW "+)(?<p>(?<!" W ")(?:%s|" NONSUB_LEAD ")(?!" W ")))"
			      "\\A" NW "*(?:(?&p)" NW "*)*?(?<!" W ")(?:%s)(?!" W ")",
			      alt.data, core.data);
		if (!rc && !c->first)
			c->r->nonsub_core = compile_re(c, re.data, "nonsubstantive", "nonsubstantive phrases", 0, 0);
	}
	buf_release(&alt);
	buf_release(&core);
	buf_release(&re);
	return rc;
}

/* The Aho-Corasick automaton of the trigger literals that may start inside
 * a word: a trie of them, fail links by breadth-first search, then every
 * missing transition filled in (a DFA over byte classes).  Returns 0 or
 * KERR_NOMEM. */
static int build_inner_automaton(struct compiler *c)
{
	struct rules *r = c->r;
	size_t i, cap = 1, head = 0, tail = 0, ncls = 1, nodes = 1;
	int32_t *delta = NULL, *queue = NULL, *fail = NULL;
	int rc = KERR_NOMEM;

	memset(r->ac_cls, 0, sizeof r->ac_cls);
	for (i = 0; i < c->nlits; i++) {
		const unsigned char *s = (const unsigned char *)c->lits[i] + 1;

		if (r->lit_flags[i] & LIT_START)
			continue;
		for (; *s; s++)
			if (!r->ac_cls[*s])
				r->ac_cls[*s] = (unsigned char)ncls++;
		cap += strlen(c->lits[i]);
	}
	if (cap == 1)
		return 0;
	delta = malloc(cap * ncls * sizeof *delta);
	r->ac_lit = malloc(cap * sizeof *r->ac_lit);
	r->ac_dict = malloc(cap * sizeof *r->ac_dict);
	r->ac_out = malloc(cap * sizeof *r->ac_out);
	fail = malloc(cap * sizeof *fail);
	queue = malloc(cap * sizeof *queue);
	if (!delta || !r->ac_lit || !r->ac_dict || !r->ac_out || !fail || !queue)
		goto out;
	for (i = 0; i < ncls; i++)
		delta[i] = -1;
	r->ac_lit[0] = -1;
	for (i = 0; i < c->nlits; i++) {
		const unsigned char *s = (const unsigned char *)c->lits[i] + 1;
		int32_t n = 0;

		if (r->lit_flags[i] & LIT_START)
			continue;
		for (; *s; s++) {
			int32_t *t = &delta[(size_t)n * ncls + r->ac_cls[*s]];

			if (*t < 0) {
				size_t k, m = nodes++;

				for (k = 0; k < ncls; k++)
					delta[m * ncls + k] = -1;
				r->ac_lit[m] = -1;
				*t = (int32_t)m;
			}
			n = *t;
		}
		r->lit_next[i] = r->ac_lit[n];
		r->ac_lit[n] = (int32_t)i;
	}
	/* breadth first: a node's fail link is known before its children's */
	fail[0] = 0;
	r->ac_dict[0] = -1;
	for (i = 0; i < ncls; i++) {
		int32_t t = delta[i];

		if (i == 0 || t < 0) {
			delta[i] = 0;
		} else {
			fail[t] = 0;
			r->ac_dict[t] = -1;
			queue[tail++] = t;
		}
	}
	while (head < tail) {
		int32_t n = queue[head++];

		for (i = 0; i < ncls; i++) {
			int32_t *t = &delta[(size_t)n * ncls + i];
			int32_t f = delta[(size_t)fail[n] * ncls + i];

			if (i == 0) {
				*t = 0;
			} else if (*t < 0) {
				*t = f;
			} else {
				fail[*t] = f;
				r->ac_dict[*t] = r->ac_lit[f] >= 0 ? f : r->ac_dict[f];
				queue[tail++] = *t;
			}
		}
	}
	for (i = 0; i < nodes; i++)
		r->ac_out[i] = r->ac_lit[i] >= 0 ? (int32_t)i : r->ac_dict[i];
	for (i = 0; i < nodes * ncls; i++)
		delta[i] = (int32_t)((size_t)delta[i] * ncls) << 1 | (r->ac_out[delta[i]] >= 0);
	if (nodes * ncls < 32768
	    && (r->ac_delta16 = malloc(nodes * ncls * sizeof *r->ac_delta16))) {
		for (i = 0; i < nodes * ncls; i++)
			r->ac_delta16[i] = (uint16_t)delta[i];
	} else {
		r->ac_delta = delta;
		delta = NULL;
	}
	r->ac_ncls = ncls;
	r->ac_nnodes = nodes;
	rc = 0;
out:
	free(delta);
	free(fail);
	free(queue);
	return rc;
}

/* The trigger scan's structures: the trie of word-start literals (dense
 * rows for nodes with many children, edge lists for the rest), the inner
 * automaton, and literal -> pattern rows.  Returns 0 or KERR_NOMEM. */
static int build_automaton(struct compiler *c)
{
	struct rules *r = c->r;
	unsigned char cls[256], byte_of[256];
	size_t i, cap = 1, ncls = 1, nedges = 0;
	int32_t *go = NULL;
	int rc = KERR_NOMEM;

	/* first a dense trie over the bytes the literals use, then its sparse
	 * form; the dense one lives only while compiling */
	memset(cls, 0, sizeof cls);
	for (i = 0; i < c->nlits; i++) {
		const unsigned char *t = (const unsigned char *)c->lits[i] + 1;

		for (; *t; t++)
			if (!cls[*t]) {
				byte_of[ncls] = *t;
				cls[*t] = (unsigned char)ncls++;
			}
		cap += strlen(c->lits[i]);
	}
	r->nlits = c->nlits;
	r->lit_next = malloc((c->nlits + 1) * sizeof *r->lit_next);
	r->lit_flags = malloc(c->nlits + 1);
	r->lit_len = calloc(c->nlits + 1, sizeof *r->lit_len);
	r->lit_found = calloc(c->nlits + 1, sizeof *r->lit_found);
	go = malloc(cap * ncls * sizeof *go);
	r->lit = malloc(cap * sizeof *r->lit);
	r->tr_first = malloc(cap * sizeof *r->tr_first);
	r->tr_n = calloc(cap, sizeof *r->tr_n);
	r->e_byte = malloc(cap);
	r->e_to = malloc(cap * sizeof *r->e_to);
	if (!r->lit_next || !r->lit_flags || !r->lit_len || !r->lit_found || !go || !r->lit
	    || !r->tr_first || !r->tr_n || !r->e_byte || !r->e_to)
		goto out;
	r->nnodes = 1;
	for (i = 0; i < ncls; i++)
		go[i] = -1;
	r->lit[0] = -1;
	for (i = 0; i < c->nlits; i++) {
		const unsigned char *t = (const unsigned char *)c->lits[i] + 1;
		int32_t n = 0;

		r->lit_flags[i] = (unsigned char)(c->lits[i][0] - 1);
		r->lit_len[i] = (unsigned)strlen(c->lits[i] + 1);
		if (!(r->lit_flags[i] & LIT_START))
			continue;  /* in the automaton */
		for (; *t; t++) {
			int32_t *to = &go[(size_t)n * ncls + cls[*t]];

			if (*to < 0) {
				size_t k, m = r->nnodes++;

				for (k = 0; k < ncls; k++)
					go[m * ncls + k] = -1;
				r->lit[m] = -1;
				*to = (int32_t)m;
			}
			n = *to;
		}
		r->lit_next[i] = r->lit[n];
		r->lit[n] = (int32_t)i;
	}
	for (i = 0; i < 256; i++)
		r->root[i] = cls[i] ? go[cls[i]] : -1;
	memcpy(r->cls, cls, sizeof cls);
	r->ncls = ncls;
	for (i = 1; i < r->nnodes; i++) {
		size_t k, nch = 0;

		for (k = 1; k < ncls; k++)
			nch += go[i * ncls + k] >= 0;
		if (nch >= TR_DENSE_MIN) {
			int32_t *d = realloc(r->tr_dense, (r->ndense + 1) * ncls * sizeof *d);

			if (!d)
				goto out;
			r->tr_dense = d;
			memcpy(d + r->ndense * ncls, go + i * ncls, ncls * sizeof *d);
			r->tr_first[i] = TR_DENSE | (uint32_t)r->ndense++;
			continue;
		}
		r->tr_first[i] = (uint32_t)nedges;
		for (k = 1; k < ncls; k++) {
			int32_t ch = go[i * ncls + k];

			if (ch >= 0) {
				r->e_byte[nedges] = byte_of[k];
				r->e_to[nedges++] = ch;
				r->tr_n[i]++;
			}
		}
	}
	/* literal -> patterns, as compressed rows; and pattern -> literals
	 * (the pairs come in pattern order) */
	r->lit_first = calloc(c->nlits + 1, sizeof *r->lit_first);
	r->lit_pats = malloc((c->npairs + 1) * sizeof *r->lit_pats);
	r->lit_last = calloc(c->nlits + 1, sizeof *r->lit_last);
	r->lit_first_at = calloc(c->nlits + 1, sizeof *r->lit_first_at);
	r->lit_occ = calloc(c->nlits + 1, sizeof *r->lit_occ);
	r->pat_tfirst = calloc(r->npats + 2, sizeof *r->pat_tfirst);
	r->pat_tlits = malloc((c->npairs + 1) * sizeof *r->pat_tlits);
	if (!r->lit_first || !r->lit_pats || !r->lit_last || !r->lit_first_at || !r->pat_tfirst
	    || !r->pat_tlits || !r->lit_occ)
		goto out;
	for (i = 0; i < c->npairs; i++) {
		r->pat_tfirst[c->pair_pat[i] + 1]++;
		r->pat_tlits[i] = c->pair_lit[i];
	}
	for (i = 0; i < r->npats; i++)
		r->pat_tfirst[i + 1] += r->pat_tfirst[i];
	/* the clauses move over to the rules as they are */
	r->clause_first = c->clause_first;
	r->clause_lits = c->clause_lits;
	r->clause_lead = c->clause_lead;
	c->clause_first = c->clause_lits = NULL;
	c->clause_lead = NULL;
	for (i = 0; i < c->npairs; i++)
		r->lit_first[c->pair_lit[i] + 1]++;
	for (i = 0; i < c->nlits; i++)
		r->lit_first[i + 1] += r->lit_first[i];
	{
		size_t *fill = calloc(c->nlits + 1, sizeof *fill);

		if (!fill)
			goto out;
		for (i = 0; i < c->npairs; i++) {
			size_t l = c->pair_lit[i];

			r->lit_pats[r->lit_first[l] + fill[l]++] = c->pair_pat[i];
		}
		free(fill);
	}
	{
		/* literal -> the clauses it is in, so finding it marks them met */
		size_t nin = c->nclauses ? r->clause_first[c->nclauses] : 0, q, j;
		size_t *fill = calloc(c->nlits + 1, sizeof *fill);

		r->lit_cfirst = calloc(c->nlits + 1, sizeof *r->lit_cfirst);
		r->lit_clauses = malloc((nin + 1) * sizeof *r->lit_clauses);
		r->clause_met = calloc(c->nclauses + 1, sizeof *r->clause_met);
		if (!fill || !r->lit_cfirst || !r->lit_clauses || !r->clause_met) {
			free(fill);
			goto out;
		}
		for (j = 0; j < nin; j++)
			r->lit_cfirst[r->clause_lits[j] + 1]++;
		for (i = 0; i < c->nlits; i++)
			r->lit_cfirst[i + 1] += r->lit_cfirst[i];
		for (q = 0; q < c->nclauses; q++)
			for (j = r->clause_first[q]; j < r->clause_first[q + 1]; j++) {
				size_t l = r->clause_lits[j];

				r->lit_clauses[r->lit_cfirst[l] + fill[l]++] = (uint32_t)q;
			}
		r->nclauses = c->nclauses;
		free(fill);
	}
	rc = build_inner_automaton(c);
	if (!rc) {
		for (i = 0; i < 256; i++)
			r->tok_byte[i] = is_w((unsigned char)i) || r->cls[i] || r->ac_cls[i];
		rc = strtab_init(&r->tok_memo, 1024);
	}
out:
	free(go);
	return rc;
}

static int compile(const struct codebook *cb, int with_model, struct rules **out,
	struct kerr_list *errs)
{
	struct compiler c;
	struct rules *r;
	size_t i, j, total = 0;

	*out = NULL;
	memset(&c, 0, sizeof c);
	c.errs = errs;
	r = calloc(1, sizeof *r);
	if (!r)
		return KERR_NOMEM;
	c.r = r;
	r->cb = cb;
	r->window = cb->negation_window;
	for (i = 0; i < cb->ncats; i++)
		total += cb->cats[i].ninclude + cb->cats[i].nexclude;
	r->pats = calloc(total + 1, sizeof *r->pats);
	r->always = calloc(total + 1, sizeof *r->always);
	r->pat_req = calloc(total + 2, sizeof *r->pat_req);
	r->cues = calloc(cb->nnegation_cues + 1, sizeof *r->cues);
	r->md = pcre2_match_data_create(1, NULL);
	r->mctx = pcre2_match_context_create(NULL);
	if (!r->pats || !r->always || !r->pat_req || !r->cues || !r->md || !r->mctx) {
		rules_free(r);
		return KERR_NOMEM;
	}
	rules_set_limits(r, RULES_MATCH_LIMIT, RULES_DEPTH_LIMIT);
	for (i = 0; i < cb->nnegation_cues; i++) {
		struct buf k = BUF_INIT;

		if (normalize_key(cb->negation_cues[i], strlen(cb->negation_cues[i]), &k, NULL)) {
			c.first = KERR_NOMEM;
			buf_release(&k);
			break;
		}
		if (k.len)
			r->cue_first[(unsigned char)k.data[0]] = 1;
		r->cues[r->ncues++] = buf_detach(&k, NULL);
	}
	for (i = 0; i < cb->ncats; i++) {
		for (j = 0; j < cb->cats[i].ninclude; j++)
			add_pattern(&c, i, j, 0);
		for (j = 0; j < cb->cats[i].nexclude; j++)
			add_pattern(&c, i, j, 1);
	}
	if (r->max_gaps > 0) {
		pcre2_match_data *md = pcre2_match_data_create((uint32_t)r->max_gaps + 1, NULL);

		if (md) {
			pcre2_match_data_free(r->md);
			r->md = md;
		} else if (!c.first) {
			c.first = KERR_NOMEM;
		}
	}
	if (build_nonsub(&c) && !c.first)
		c.first = KERR_NOMEM;
	if (cb->model && with_model) {
		struct kerr e;

		kerr_clear(&e);
		if (model_load(cb->model, cb, &r->model, &e)) {
			struct kerr at;
			struct buf where = BUF_INIT;

			/* the problem is in the model file: name it, at the
			 * codebook line that points there */
			kerr_format(&e, &where);
			codebook_error(cb, &at, (int)e.code, "model", "%s", where.data);
			buf_release(&where);
			if (!c.first)
				c.first = (int)e.code;
			if (errs)
				kerr_list_add(errs, &at);
		} else if ((!(r->prob = calloc(cb->ncats + 1, sizeof *r->prob))
			    || !(r->coded = calloc(2 * cb->ncats + 1, 1))) && !c.first) {
			c.first = KERR_NOMEM;
		}
	}
	if (!c.first && build_automaton(&c))
		c.first = KERR_NOMEM;
	if (!c.first) {
		r->pat_stamp = calloc(r->npats + 1, sizeof *r->pat_stamp);
		r->pat_trig = calloc(r->npats + 1, sizeof *r->pat_trig);
		r->cand = calloc(r->npats + 1, sizeof *r->cand);
		r->cand_bits = calloc(r->npats / 64 + 1, sizeof *r->cand_bits);
		r->hit = calloc(cb->ncats + 1, 1);
		r->veto = calloc(cb->ncats + 1, 1);
		if (!r->pat_stamp || !r->cand || !r->cand_bits || !r->hit || !r->veto)
			c.first = KERR_NOMEM;
	}
	for (i = 0; i < c.nlits; i++)
		free(c.lits[i]);
	free(c.lits);
	strtab_release(&c.lit_index);
	free(c.pair_lit);
	free(c.pair_pat);
	free(c.clause_first);
	free(c.clause_lits);
	free(c.clause_lead);
	if (c.first) {
		if (c.first == KERR_NOMEM && errs) {
			struct kerr e;

			codebook_error(cb, &e, KERR_NOMEM, "", "out of memory compiling the patterns");
			kerr_list_add(errs, &e);
		}
		rules_free(r);
		return c.first;
	}
	*out = r;
	return 0;
}

int rules_compile(const struct codebook *cb, struct rules **out, struct kerr_list *errs)
{
	return compile(cb, 1, out, errs);
}

int rules_compile_patterns(const struct codebook *cb, struct rules **out,
	struct kerr_list *errs)
{
	return compile(cb, 0, out, errs);
}

void rules_free(struct rules *r)
{
	size_t i;

	if (!r)
		return;
	model_free(r->model);
	free(r->prob);
	free(r->coded);
	for (i = 0; i < r->npats; i++)
		pcre2_code_free(r->pats[i].code);
	free(r->pats);
	pcre2_code_free(r->nonsub);
	pcre2_code_free(r->nonsub_core);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	for (i = 0; i < r->ncues; i++)
		free(r->cues[i]);
	free(r->cues);
	free(r->lit);
	free(r->tr_first);
	free(r->tr_n);
	free(r->tr_dense);
	free(r->ac_delta16);
	free(r->ac_delta);
	free(r->ac_out);
	free(r->ac_lit);
	free(r->ac_dict);
	free(r->e_byte);
	free(r->e_to);
	free(r->lit_first);
	free(r->lit_pats);
	free(r->lit_last);
	free(r->lit_first_at);
	free(r->lit_occ);
	free(r->oc_word);
	free(r->wend);
	free(r->oc_prev);
	free(r->clause_lead);
	free(r->lit_cfirst);
	free(r->lit_clauses);
	free(r->clause_met);
	free(r->pat_tfirst);
	free(r->pat_tlits);
	free(r->always);
	free(r->lit_len);
	free(r->lit_next);
	free(r->lit_flags);
	free(r->lit_found);
	strtab_release(&r->tok_memo);
	free(r->occ);
	free(r->pat_req);
	free(r->clause_first);
	free(r->clause_lits);
	free(r->pat_stamp);
	free(r->pat_trig);
	free(r->cand);
	free(r->cand_bits);
	free(r->hit);
	free(r->veto);
	free(r->ev);
	free(r->why);
	free(r);
}

void rules_set_limits(struct rules *r, unsigned match_limit, unsigned depth_limit)
{
	pcre2_set_match_limit(r->mctx, match_limit);
	pcre2_set_depth_limit(r->mctx, depth_limit);
}

int rules_vetoed(const struct rules *r, size_t cat)
{
	return cat < r->cb->ncats && r->veto[cat];
}

void rules_set_model(struct rules *r, int on)
{
	r->no_model = !on;
}

int rules_has_model(const struct rules *r)
{
	return r->model != NULL;
}

void rules_set_explain(struct rules *r, int on)
{
	r->explain = on;
}

void rules_set_prefilter(struct rules *r, int on)
{
	r->no_prefilter = !on;
}

size_t rules_npatterns(const struct rules *r)
{
	return r->npats;
}

/* ---- results --------------------------------------------------------------- */

void rules_result_init(struct rules_result *res)
{
	memset(res, 0, sizeof *res);
}

void rules_result_release(struct rules_result *res)
{
	free(res->cats);
	free(res->ev);
	free(res->why);
	rules_result_init(res);
}

int rules_result_has(const struct rules_result *res, size_t cat)
{
	size_t i;

	for (i = 0; i < res->ncats; i++)
		if (res->cats[i] == cat)
			return 1;
	return 0;
}

static int add_cat(struct rules_result *res, size_t cat)
{
	if (res->ncats == res->cats_cap) {
		size_t cap = res->cats_cap ? 2 * res->cats_cap : 8;
		size_t *a = realloc(res->cats, cap * sizeof *a);

		if (!a)
			return KERR_NOMEM;
		res->cats = a;
		res->cats_cap = cap;
	}
	res->cats[res->ncats++] = cat;
	return 0;
}

static int push_ev(struct rules_evidence **ev, size_t *n, size_t *cap,
		   size_t cat, size_t pat, size_t s, size_t e)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		struct rules_evidence *a = realloc(*ev, c * sizeof *a);

		if (!a)
			return KERR_NOMEM;
		*ev = a;
		*cap = c;
	}
	(*ev)[*n].cat = cat;
	(*ev)[*n].pattern = pat;
	(*ev)[*n].start = s;
	(*ev)[*n].end = e;
	(*n)++;
	return 0;
}

/* ---- negation ----------------------------------------------------------- */

static int clause_break(unsigned char c)
{
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?'
		|| c == '\n' || c == '(' || c == ')';
}

/* Called for every word near every match: the first byte rules out most
 * words before strlen runs. */
static int word_is(const char *w, size_t n, const char *s)
{
	return n && w[0] == s[0] && strlen(s) == n && !memcmp(w, s, n);
}

static int word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (word_is(w, n, *list))
			return 1;
	return 0;
}

static int is_cue(const struct rules *r, const char *w, size_t n)
{
	size_t i;

	if (!n || !r->cue_first[(unsigned char)w[0]])
		return 0;   /* most words, at once */
	for (i = 0; i < r->ncues; i++)
		if (word_is(w, n, r->cues[i]))
			return 1;
	return 0;
}

/* The word starting at or after *i within the clause: [*ws, *we).  0 at a
 * clause break or the end. */
static int next_word(const char *k, size_t len, size_t *i, size_t *ws, size_t *we)
{
	while (*i < len && !is_w((unsigned char)k[*i])) {
		if (clause_break((unsigned char)k[*i]))
			return 0;
		(*i)++;
	}
	if (*i >= len)
		return 0;
	*ws = *i;
	while (*i < len && is_w((unsigned char)k[*i]))
		(*i)++;
	*we = *i;
	return 1;
}

/* Is the match [s, e) of key k negated: a cue a few words before it in the
 * same clause ("ikke oplevet modstand"; only when `before`, since patterns
 * for a lack - "ingen bærbar", "ikke rettidigt" - opt out of that), or a cue
 * then a "problem" word just after it ("afstand er ikke et problem")? */
static int negated(const struct rules *r, const char *k, size_t len, size_t s, size_t e,
		   int before, size_t cue[2])
{
	size_t i = s, ws, we, n;
	int w, light = 0;

	/* a match that itself starts with a cue ("ikke tid", "ingen bærbar") is
	 * about something missing: a cue before it does not turn it around */
	ws = s;
	if (before && next_word(k, len, &i, &ws, &we) && ws == s && is_cue(r, k + ws, we - ws))
		before = 0;
	i = s;
	for (w = 0; before && w < r->window; w++) {
		while (i > 0 && !is_w((unsigned char)k[i - 1])) {
			if (clause_break((unsigned char)k[i - 1]))
				goto after;
			i--;
		}
		if (i == 0)
			break;
		we = i;
		while (i > 0 && is_w((unsigned char)k[i - 1]))
			i--;
		if (word_is(k + i, we - i, "men"))
			break;
		if (word_in(k + i, we - i, light_words) && light++ < LIGHT_EXTRA) {
			w--;
			continue;
		}
		if (is_cue(r, k + i, we - i)) {
			size_t j = we, fs, fe;

			if (next_word(k, len, &j, &fs, &fe) && (word_in(k + fs, fe - fs, cue_blockers)
			    || (word_is(k + i, we - i, "uden") && word_is(k + fs, fe - fs, "for"))))
				continue;
			cue[0] = i;
			cue[1] = we;
			return 1;
		}
	}
after:
	i = e;
	for (w = 0; w < POST_WINDOW && next_word(k, len, &i, &ws, &we); w++) {
		if (word_is(k + ws, we - ws, "men"))
			return 0;
		if (!is_cue(r, k + ws, we - ws))
			continue;
		cue[0] = ws;
		cue[1] = we;
		for (n = 0; n < POST_PROBLEM_WINDOW && next_word(k, len, &i, &ws, &we); n++) {
			const char *const *p;

			for (p = problem_stems; *p; p++)
				if ((size_t)(we - ws) >= strlen(*p) && !memcmp(k + ws, *p, strlen(*p)))
					return 1;
		}
		return 0;
	}
	return 0;
}

/* Does a NEAR/BEFORE gap end with a cue, one of its last two words, that
 * turns the second term around ("medarbejderne oplever ikke modstand")?  A
 * cue earlier in the gap belongs to something else ("borgere der ikke kan
 * eller ikke vil"). */
static int gap_negated(const struct rules *r, const char *k, size_t gs, size_t ge,
		       size_t cue[2])
{
	size_t i = ge, we;
	int w;

	for (w = 0; w < 2; w++) {
		while (i > gs && !is_w((unsigned char)k[i - 1]))
			i--;
		if (i == gs)
			return 0;
		we = i;
		while (i > gs && is_w((unsigned char)k[i - 1]))
			i--;
		if (is_cue(r, k + i, we - i)) {
			size_t j = we, fs, fe;

			cue[0] = i;
			cue[1] = we;
			return !(next_word(k, ge, &j, &fs, &fe) && word_in(k + fs, fe - fs, cue_blockers));
		}
	}
	return 0;
}

/* ---- matching ------------------------------------------------------------ */

static int limit_error(const struct rules *r, const struct rpat *p, int rc, struct kerr *e)
{
	char path[96];
	const struct codebook_category *c = &r->cb->cats[p->cat];
	const char *pat = p->exclude ? c->exclude[p->idx] : c->include[p->idx];

	snprintf(path, sizeof path, "categories[%zu].%s[%zu]", p->cat,
		p->exclude ? "exclude" : "include", p->idx);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT
	    || rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		return codebook_error(r->cb, e, KERR_LIMIT, path,
			"category \"%s\", pattern \"%s\" backtracks too much on this answer "
			"(PCRE2 match limit reached): simplify the pattern, e.g. avoid nested "
			"repeats like (a+)+", c->id, pat);
	{
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(rc, msg, sizeof msg);
		return codebook_error(r->cb, e, KERR_PATTERN, path,
			"category \"%s\", pattern \"%s\": matching failed: %s", c->id, pat, (char *)msg);
	}
}

static int cmp_ev(const void *a, const void *b)
{
	const struct rules_evidence *x = a, *y = b;

	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->pattern < y->pattern ? -1 : x->pattern > y->pattern;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Does the answer have every clause pattern p requires besides its trigger? */
static int requirements_met(const struct rules *r, size_t p, unsigned st)
{
	size_t q;

	for (q = r->pat_req[p]; q < r->pat_req[p + 1]; q++)
		if (r->clause_met[q] != st)
			return 0;
	return 1;
}

/* Literal l occurs at key byte `from`, in word number `word`: note the
 * occurrence and the patterns it triggers (*n so far). */
static void found_lit(struct rules *r, uint32_t l, size_t from, uint32_t word, size_t *n)
{
	unsigned st = r->stamp;
	size_t j;

	r->lit_last[l] = from;
	r->oc_word[r->noc] = word;   /* room was made by the caller */
	r->oc_prev[r->noc] = r->lit_found[l] == st ? r->lit_occ[l] : -1;
	r->lit_occ[l] = (int32_t)r->noc++;
	if (r->lit_found[l] == st)
		return;
	r->lit_found[l] = st;
	r->lit_first_at[l] = from;
	for (j = r->lit_cfirst[l]; j < r->lit_cfirst[l + 1]; j++)
		r->clause_met[r->lit_clauses[j]] = st;
	for (j = r->lit_first[l]; j < r->lit_first[l + 1]; j++) {
		size_t p = r->lit_pats[j];

		if (r->pat_stamp[p] != st) {
			r->pat_stamp[p] = st;
			r->pat_trig[p] = l;
			r->cand[(*n)++] = p;
		} else {
			r->pat_trig[p] = TRIG_MANY;
		}
	}
}

static int occ_push(struct rules *r, uint32_t v)
{
	if (r->nocc == r->occ_cap) {
		size_t cap = r->occ_cap ? 2 * r->occ_cap : 4096;
		uint32_t *o = realloc(r->occ, cap * sizeof *o);

		if (!o)
			return KERR_NOMEM;
		r->occ = o;
		r->occ_cap = cap;
	}
	r->occ[r->nocc++] = v;
	return 0;
}

/* How many words start in t[0..n). */
static uint32_t word_starts(const unsigned char *t, size_t n)
{
	uint32_t c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += is_w(t[i]) && (i == 0 || !is_w(t[i - 1]));
	return c;
}

/* The number of the word of token t that byte `at` is in, counted from 0;
 * a byte between words counts as the next word's, as back_words has it. */
static uint32_t token_word(const unsigned char *t, size_t at)
{
	return word_starts(t, at + 1) - is_w(t[at]);
}

/* Literal l and those on its lit_next chain (all of one text) span bytes
 * [from, to) of token t[0..len): add those whose word-boundary needs are
 * met to r->occ, as (literal, from, its word in the token). */
static int token_lits(struct rules *r, const unsigned char *t, size_t len, int32_t l,
		      size_t from, size_t to)
{
	for (; l >= 0; l = r->lit_next[l]) {
		if (((r->lit_flags[l] & LIT_START) && from > 0 && is_w(t[from - 1]))
		    || ((r->lit_flags[l] & LIT_END) && to < len && is_w(t[to])))
			continue;
		if (occ_push(r, (uint32_t)l) || occ_push(r, (uint32_t)from)
		    || occ_push(r, token_word(t, from)))
			return KERR_NOMEM;
	}
	return 0;
}

/* The trigger literals in token t[0..len), appended to r->occ: those that
 * start a word from the trie walked at each word start, in the order they
 * start; then those that may start inside a word from the automaton, in
 * the order they end.  Either way a literal's occurrences come in order. */
static int scan_token(struct rules *r, const unsigned char *t, size_t len)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < len && !rc; i++) {
		int32_t n;

		if (i > 0 && is_w(t[i - 1]))
			continue;  /* not a word start */
		for (n = r->root[t[i]], j = i + 1; n >= 0 && !rc; j++) {
			uint32_t e, end;
			int32_t next = -1;

			if (r->lit[n] >= 0)
				rc = token_lits(r, t, len, r->lit[n], i, j);
			if (j == len)
				break;
			e = r->tr_first[n];
			if (e & TR_DENSE) {
				unsigned char c = r->cls[t[j]];

				next = c ? r->tr_dense[(e & ~TR_DENSE) * r->ncls + c] : -1;
			} else {
				for (end = e + r->tr_n[n]; e < end; e++)
					if (r->e_byte[e] == t[j]) {
						next = r->e_to[e];
						break;
					}
			}
			n = next;
		}
	}
	if (r->ac_nnodes) {
		int32_t row = 0;

		for (i = 0; i < len && !rc; i++) {
			size_t at = (size_t)row + r->ac_cls[t[i]];
			int32_t n, v = r->ac_delta16 ? r->ac_delta16[at] : r->ac_delta[at];

			row = v >> 1;
			if (!(v & 1))
				continue;
			for (n = r->ac_out[(size_t)row / r->ac_ncls]; n >= 0 && !rc; n = r->ac_dict[n])
				rc = token_lits(r, t, len, r->ac_lit[n],
						i + 1 - r->lit_len[r->ac_lit[n]], i + 1);
		}
	}
	return rc;
}

/*
 * The words and trigger literals of token t[0..len): from r->occ[*first],
 * where each of its *words words ends, then *count triples (literal, start
 * in the token, word in the token).
 * A token is a run of the key's bytes that literals or words are made of;
 * no literal crosses the others (spaces, mostly), so what a token holds
 * depends on its bytes alone.  Answers are made of few distinct words, so
 * each token's literals are kept, in a table forgotten whole when full.
 */
static int token_occ(struct rules *r, const unsigned char *t, size_t len, size_t *first,
		     size_t *count, uint32_t *words)
{
	uint32_t v;
	size_t i;
	int rc;

	if (len <= TOK_MAX && strtab_get(&r->tok_memo, (const char *)t, len, &v)) {
		*first = v + 2;
		*count = r->occ[v];
		*words = r->occ[v + 1];
		return 0;
	}
	if (r->tok_memo.count >= TOK_MEMO_MAX || r->nocc >= TOK_OCC_MAX) {
		strtab_clear(&r->tok_memo);
		r->nocc = 0;
	}
	/* the number of triples and of words, the words' ends, the triples */
	v = (uint32_t)r->nocc;
	rc = occ_push(r, 0);
	rc = rc ? rc : occ_push(r, 0);
	for (i = 0; i < len && !rc; i++)
		if (is_w(t[i]) && (i + 1 == len || !is_w(t[i + 1])))
			rc = occ_push(r, (uint32_t)i + 1);
	if (rc)
		return rc;
	r->occ[v + 1] = (uint32_t)(r->nocc - v - 2);
	if ((rc = scan_token(r, t, len)))
		return rc;
	r->occ[v] = (uint32_t)(r->nocc - v - 2 - r->occ[v + 1]) / 3;
	*first = v + 2;
	*count = r->occ[v];
	*words = r->occ[v + 1];
	if (len > TOK_MAX)  /* used once, not kept */
		r->nocc = v;
	else if (strtab_put(&r->tok_memo, (const char *)t, len, v, 0))
		return KERR_NOMEM;
	return 0;
}

/* Candidates: patterns whose trigger literal occurs in the key (at word
 * boundaries where the literal needs them) and whose other required
 * literals occur too; then the patterns without a trigger.  0 or
 * KERR_NOMEM. */
static int candidates(struct rules *r, const unsigned char *k, size_t len, size_t *ncand)
{
	size_t i, n = 0, m = 0;
	uint32_t words = 0;   /* before the token */
	unsigned st;

	if (++r->stamp == 0) {
		memset(r->pat_stamp, 0, r->npats * sizeof *r->pat_stamp);
		memset(r->lit_found, 0, r->nlits * sizeof *r->lit_found);
		memset(r->clause_met, 0, r->nclauses * sizeof *r->clause_met);
		r->stamp = 1;
	}
	r->noc = 0;
	st = r->stamp;
	if (len + 1 > r->wend_cap) {  /* a word per byte at most */
		uint32_t *w = realloc(r->wend, (len + 1) * sizeof *w);

		if (!w)
			return KERR_NOMEM;
		r->wend = w;
		r->wend_cap = len + 1;
	}
	for (i = 0; i < len;) {
		size_t s = i, first, count, j;
		uint32_t nw;
		int rc;

		if (!r->tok_byte[k[i]]) {
			i++;
			continue;
		}
		while (i < len && r->tok_byte[k[i]])
			i++;
		rc = token_occ(r, k + s, i - s, &first, &count, &nw);
		if (rc)
			return rc;
		for (j = first; j < first + nw; j++)
			r->wend[words + j - first] = (uint32_t)s + r->occ[j];
		first += nw;
		if (r->noc + count > r->oc_cap) {
			size_t cap = 2 * (r->noc + count) + 64;
			uint32_t *w = realloc(r->oc_word, cap * sizeof *w);
			int32_t *prev = w ? realloc(r->oc_prev, cap * sizeof *prev) : NULL;

			if (w)
				r->oc_word = w;
			if (!w || !prev)
				return KERR_NOMEM;
			r->oc_prev = prev;
			r->oc_cap = cap;
		}
		for (j = first; j < first + 3 * count; j += 3)
			found_lit(r, r->occ[j], s + r->occ[j + 1], words + r->occ[j + 2], &n);
		words += nw;
	}
	r->nwend = words;
	/* codebook order, so the evidence is the category's first pattern that
	 * matches, whatever order the triggers came in: a bit per pattern,
	 * read back in order (cheaper than sorting some dozens of them) */
	for (i = 0; i < n; i++)
		if (requirements_met(r, r->cand[i], st))
			r->cand_bits[r->cand[i] / 64] |= (uint64_t)1 << (r->cand[i] % 64);
	for (i = 0; i < r->nalways; i++)
		r->cand_bits[r->always[i] / 64] |= (uint64_t)1 << (r->always[i] % 64);
	for (i = 0; i < (r->npats + 63) / 64; i++) {
		uint64_t w = r->cand_bits[i];

		r->cand_bits[i] = 0;
		while (w) {
			r->cand[m++] = i * 64 + (size_t)__builtin_ctzll(w);
			w &= w - 1;
		}
	}
	*ncand = m;
	return 0;
}

/* First and last occurrence (start offsets) in this answer of the
 * literals l[0..n); 0 when none was found. */
static int lits_span(const struct rules *r, const size_t *l, size_t n, size_t *first,
		     size_t *last)
{
	int any = 0;

	for (; n--; l++) {
		if (r->lit_found[*l] != r->stamp)
			continue;
		if (!any || r->lit_first_at[*l] < *first)
			*first = r->lit_first_at[*l];
		if (!any || r->lit_last[*l] > *last)
			*last = r->lit_last[*l];
		any = 1;
	}
	return any;
}

/* The start of the word `n` words before the one holding key byte `at`. */
static size_t back_words(const unsigned char *k, size_t at, int n)
{
	while (at > 0 && is_w(k[at - 1]))
		at--;
	for (; n > 0 && at > 0; n--) {
		while (at > 0 && !is_w(k[at - 1]))
			at--;
		while (at > 0 && is_w(k[at - 1]))
			at--;
	}
	return at;
}

/* The trigger literals of candidate pi that occur in this answer are among
 * l[0..*n): the one that made it a candidate when no other did, else its
 * whole trigger set (which can be a hundred literals long). */
static const size_t *trig_lits(const struct rules *r, size_t pi, size_t *n)
{
	if (r->pat_trig[pi] != TRIG_MANY) {
		*n = 1;
		return &r->pat_trig[pi];
	}
	*n = r->pat_tfirst[pi + 1] - r->pat_tfirst[pi];
	return r->pat_tlits + r->pat_tfirst[pi];
}

/*
 * The stretch of the key where a match of candidate pattern pi can start:
 * from `lead` words before the word in which its first trigger starts (a
 * match holds a trigger, and none starts further back) to that trigger's
 * last occurrence; and the same for its anchor, a set of literals it also
 * requires that lies nearer the start of every match: "arbejdsgiver*
 * BEFORE/4 (vil ikke|afviser)" begins with an employer.
 * Sets [*from, *limit]; *limit is PCRE2_UNSET when the pattern was not
 * picked by a trigger.  Lookbehinds still see the text before *from.
 */
static void match_span(const struct rules *r, size_t pi, const unsigned char *k,
		       PCRE2_SIZE *from, PCRE2_SIZE *limit)
{
	const struct rpat *p = &r->pats[pi];
	const size_t *tl;
	size_t first = 0, last = 0, at, ntl;

	*from = 0;
	*limit = PCRE2_UNSET;
	if (r->no_prefilter || p->raw || r->pat_stamp[pi] != r->stamp)
		return;
	tl = trig_lits(r, pi, &ntl);
	if (!lits_span(r, tl, ntl, &first, &last))
		return;
	*limit = last;
	if (p->lead >= 0)
		*from = back_words(k, first, p->lead);
	if (p->anchor >= 0
	    && lits_span(r, r->clause_lits + r->clause_first[p->anchor],
			 r->clause_first[p->anchor + 1] - r->clause_first[p->anchor],
			 &first, &last)) {
		at = back_words(k, first, p->anchor_lead);
		if (at > *from)
			*from = at;
		if (last < *limit)
			*limit = last;
	}
}

#define SET_OCC_MAX 32   /* occurrences of a literal set could_match looks at */
#define SETS_MAX 8       /* ... and sets */

/* The word numbers of the occurrences in this answer of the literals
 * l[0..n) into w (*m of them); 0 when they are more than SET_OCC_MAX. */
static int set_words(const struct rules *r, const size_t *l, size_t n, uint32_t *w, size_t *m)
{
	*m = 0;
	for (; n--; l++) {
		int32_t o;

		if (r->lit_found[*l] != r->stamp)
			continue;
		for (o = r->lit_occ[*l]; o >= 0; o = r->oc_prev[o]) {
			if (*m == SET_OCC_MAX)
				return 0;
			w[(*m)++] = r->oc_word[o];
		}
	}
	return 1;
}

/*
 * Could pattern pi match this answer, as far as where its literals occur
 * tells?  Each literal set of a pattern (its trigger set, the sets it
 * requires) has an occurrence inside every match, no more than the set's
 * lead words after the word the match starts in.  So some word w0 must
 * have, for every set, an occurrence in words w0 .. w0 + lead: a BEFORE
 * whose two ends are sentences apart, or a phrase whose words are all
 * there but not together, needs no PCRE2.  1 when it could match, or when
 * that is not cheap to tell; when it tells, a match starts in a word from
 * *first to *last (else *first > *last).
 */
static int could_match(const struct rules *r, size_t pi, uint32_t *first, uint32_t *last)
{
	const struct rpat *p = &r->pats[pi];
	uint32_t w[SETS_MAX][SET_OCC_MAX];
	size_t nw[SETS_MAX], nsets = 1 + r->pat_req[pi + 1] - r->pat_req[pi], s, a, i;
	int lead[SETS_MAX];

	const size_t *tl = trig_lits(r, pi, &s);

	*first = UINT32_MAX;
	*last = 0;
	if (nsets > SETS_MAX || !set_words(r, tl, s, w[0], &nw[0]))
		return 1;
	lead[0] = p->lead;
	for (s = 1; s < nsets; s++) {
		size_t q = r->pat_req[pi] + s - 1;

		if (!set_words(r, r->clause_lits + r->clause_first[q],
			       r->clause_first[q + 1] - r->clause_first[q], w[s], &nw[s]))
			return 1;
		lead[s] = r->clause_lead[q];
	}
	/* the match starts at most lead words before an occurrence of the set
	 * with the shortest lead */
	for (a = nsets, s = 0; s < nsets; s++)
		if (lead[s] >= 0 && (a == nsets || lead[s] < lead[a]))
			a = s;
	if (a == nsets)
		return 1;
	for (i = 0; i < nw[a]; i++) {
		uint32_t w0 = w[a][i] > (uint32_t)lead[a] ? w[a][i] - (uint32_t)lead[a] : 0;

		for (; w0 <= w[a][i]; w0++) {
			for (s = 0; s < nsets; s++) {
				size_t j;

				if (s == a)
					continue;
				for (j = 0; j < nw[s]; j++)
					if (w[s][j] >= w0 && (lead[s] < 0 || w[s][j] <= w0 + (uint32_t)lead[s]))
						break;
				if (j == nw[s])
					break;
			}
			if (s == nsets) {
				/* the occurrences of set a come in no order */
				if (w0 < *first)
					*first = w0;
				if (w0 > *last)
					*last = w0;
			}
		}
	}
	return *first <= *last;
}

static int is_blank(const char *k, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (is_w((unsigned char)k[i]))
			return 0;
	return 1;
}

/* Original-text span of key bytes [s, e): an end inside a folded letter
 * (the "a" of æ -> "ae") is moved to the letter's end. */
static void orig_span(const struct normalized *a, size_t s, size_t e, size_t *os, size_t *oe)
{
	while (e < a->key.len && e > s && a->key_map[e] == a->key_map[e - 1])
		e++;
	*os = a->key_map[s];
	*oe = a->key_map[e];
}

static size_t count_words(const char *k, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (is_w((unsigned char)k[i]) && (i == 0 || !is_w((unsigned char)k[i - 1])))
			n++;
	return n;
}

/* A short answer that no category matched and that opens with a strong
 * no-answer phrase, perhaps after other no-answer words ("ved ikke, er ny i
 * teamet", "nej, kan ikke huske det"): the rest is a reason or filler, so
 * coders call it no answer, not andet. */
/* (The no-answer regexes define a named group, which may not fit the match
 * data sized for the patterns' gaps: pcre2_match then returns 0, still a
 * match.) */
static int short_nonanswer(struct rules *r, const char *k, size_t len)
{
	return r->nonsub_core && len <= NONSUB_MAX_KEY
		&& count_words(k, len) <= NONSUB_SHORT_WORDS
		&& pcre2_match(r->nonsub_core, (PCRE2_SPTR)k, len, 0, 0, r->md, r->mctx) >= 0;
}

/* Pattern p matched key bytes [s, en): its category is coded, with that as
 * the evidence.  Returns 0 or KERR_NOMEM. */
static int record_hit(struct rules *r, const struct normalized *ans, const struct rpat *p,
		      size_t s, size_t en, struct kerr *e)
{
	size_t os, oe;

	r->hit[p->cat] = 1;
	orig_span(ans, s, en, &os, &oe);
	if (push_ev(&r->ev, &r->nev, &r->ev_cap, p->cat, p->idx, os, oe))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
}

/* With rules_set_explain: remember that pattern p matched key bytes
 * [s, en) and did not count (negated by the cue at key bytes cue[0..1], or
 * an exclude).  The first of each kind per category is kept. */
static int record_why(struct rules *r, const struct normalized *ans, const struct rpat *p,
		      enum rules_why_kind kind, size_t s, size_t en, const size_t *cue)
{
	struct rules_why *w;
	size_t i;

	for (i = 0; i < r->nwhy; i++)
		if (r->why[i].cat == p->cat && r->why[i].kind == kind)
			return 0;
	if (r->nwhy == r->why_cap) {
		size_t cap = r->why_cap ? 2 * r->why_cap : 8;

		if (!(w = realloc(r->why, cap * sizeof *w)))
			return KERR_NOMEM;
		r->why = w;
		r->why_cap = cap;
	}
	w = &r->why[r->nwhy++];
	memset(w, 0, sizeof *w);
	w->kind = kind;
	w->cat = p->cat;
	w->pattern = p->idx;
	orig_span(ans, s, en, &w->start, &w->end);
	if (cue)
		orig_span(ans, cue[0], cue[1], &w->cue_start, &w->cue_end);
	return 0;
}

/* Hand what did not count to res: only categories that are not among the
 * codes, and an exclusion only where an include had matched. */
static int finish_why(struct rules *r, struct rules_result *res)
{
	size_t i;

	res->nwhy = 0;
	for (i = 0; i < r->nwhy; i++) {
		const struct rules_why *w = &r->why[i];

		if (rules_result_has(res, w->cat) || (w->kind == RULES_WHY_EXCLUDED && !r->hit[w->cat]))
			continue;
		if (res->nwhy == res->why_cap) {
			size_t cap = res->why_cap ? 2 * res->why_cap : 8;
			struct rules_why *nw = realloc(res->why, cap * sizeof *nw);

			if (!nw)
				return KERR_NOMEM;
			res->why = nw;
			res->why_cap = cap;
		}
		res->why[res->nwhy++] = *w;
	}
	return 0;
}

/*
 * The learned model's part, after the patterns: an answer they left
 * uncoded gets the categories the model is sure of (or is no answer, when
 * the model is sure of that: *nonsub), and a coded one gets a further
 * category only when the model is very sure, or becomes andet (ncats 0)
 * when the model is sure of that and unsure of every category coded.  Its evidence is the whole
 * answer, marked RULES_MODEL_PATTERN.  Returns 0 or KERR_NOMEM.
 */
static int apply_model(struct rules *r, const struct normalized *ans, struct rules_result *res,
		       int *nonsub, struct kerr *e)
{
	const struct codebook *cb = r->cb;
	size_t c, i, before = res->ncats;
	unsigned char *coded = r->coded, *add = r->coded + cb->ncats;
	enum model_verdict v;

	model_score(r->model, ans->key.data, ans->key.len, r->prob);
	memset(coded, 0, cb->ncats);
	for (i = 0; i < res->ncats; i++)
		coded[res->cats[i]] = 1;
	v = model_decide(model_thresholds(r->model), cb, r->prob, coded, r->veto, add);
	if (v == MODEL_ANDET) {
		res->ncats = res->nev = 0;
		return 0;
	}
	for (c = 0; c < cb->ncats; c++) {
		if (!add[c])
			continue;
		if (add_cat(res, c) || push_ev(&res->ev, &res->nev, &res->ev_cap, c,
					       RULES_MODEL_PATTERN, 0, ans->key_map[ans->key.len]))
			return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	if (res->ncats > before)
		qsort(res->cats, res->ncats, sizeof *res->cats, cmp_size);
	*nonsub = v == MODEL_NONSUB;
	return 0;
}


static int code_nonanswer(const struct codebook *cb, const struct normalized *ans,
			  struct rules_result *res, struct kerr *e)
{
	res->nonsubstantive = 1;
	if (add_cat(res, (size_t)cb->ingen_svar)
	    || push_ev(&res->ev, &res->nev, &res->ev_cap, (size_t)cb->ingen_svar,
		       RULES_NO_PATTERN, 0, ans->key_map[ans->key.len]))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
}

/*
 * An answer the no-answer phrases took as no answer: coded ingen_svar
 * (code_nonanswer), unless the model's rescue threshold (model_rescue) says
 * the coders give such answers a category: "ikke noget" asked what helped
 * means nothing helped, "vi ved ikke hvad hinanden laver" is about
 * coordination (then that category, with the whole answer as the model's
 * evidence).  Returns 0 or KERR_NOMEM.
 */
static int code_nonanswer_or_rescue(struct rules *r, const struct normalized *ans,
				    struct rules_result *res, struct kerr *e)
{
	long c = -1;

	if (r->model && !r->no_model && model_thresholds(r->model)->rescue <= 1) {
		model_score(r->model, ans->key.data, ans->key.len, r->prob);
		c = model_rescue(model_thresholds(r->model), r->cb, r->prob);
	}
	if (c < 0)
		return code_nonanswer(r->cb, ans, res, e);
	res->ncats = res->nev = 0;
	if (add_cat(res, (size_t)c) || push_ev(&res->ev, &res->nev, &res->ev_cap, (size_t)c,
					       RULES_MODEL_PATTERN, 0, ans->key_map[ans->key.len]))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
}

int rules_match(struct rules *r, const struct normalized *ans,
		struct rules_result *res, struct kerr *e)
{
	const struct codebook *cb = r->cb;
	const char *k = ans->key.data;
	size_t len = ans->key.len, n, i;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
	size_t cue[2] = { 0, 0 };
	int rc = 0;

	res->ncats = res->nev = res->nwhy = 0;
	res->nonsubstantive = res->residual = res->uncoded = 0;
	memset(r->veto, 0, cb->ncats);
	r->nwhy = 0;
	if (is_blank(k, len))
		return code_nonanswer(cb, ans, res, e);
	if (r->nonsub && len <= NONSUB_MAX_KEY
	    && pcre2_match(r->nonsub, (PCRE2_SPTR)k, len, 0, 0, r->md, r->mctx) >= 0)
		return code_nonanswer_or_rescue(r, ans, res, e);
	if (r->no_prefilter)
		for (n = 0; n < r->npats; n++)
			r->cand[n] = n;
	else if ((rc = candidates(r, (const unsigned char *)k, len, &n)))
		return kerr_set(e, rc, "out of memory");
	memset(r->hit, 0, cb->ncats);
	r->nev = 0;
	for (i = 0; i < n && !rc; i++) {
		struct rpat *p = &r->pats[r->cand[i]];
		PCRE2_SIZE off;
		uint32_t w0first, w0last;

		/* one piece of evidence per category is enough: once it is coded
		 * only its excludes still matter */
		if (r->veto[p->cat] || (r->hit[p->cat] && !p->exclude))
			continue;
		off = 0;
		if (p->simple && !r->no_prefilter) {
			/* the leftmost match is the first occurrence the scan found
			 * of its one trigger */
			size_t s = r->lit_first_at[r->pat_tlits[r->pat_tfirst[r->cand[i]]]];
			size_t en = s + p->litlen;

			while (p->star && en < len && is_w((unsigned char)k[en]))
				en++;
			if (p->exclude) {
				r->veto[p->cat] = 1;
				if (r->explain && record_why(r, ans, p, RULES_WHY_EXCLUDED, s, en, NULL))
					rc = kerr_set(e, KERR_NOMEM, "out of memory");
				continue;
			}
			if (!negated(r, k, len, s, en, p->negation, cue)) {
				rc = record_hit(r, ans, p, s, en, e);
				continue;
			}
			if (r->explain && record_why(r, ans, p, RULES_WHY_NEGATED, s, en, cue)) {
				rc = kerr_set(e, KERR_NOMEM, "out of memory");
				continue;
			}
			off = en > s ? en : s + 1;  /* negated: PCRE2 finds the next one */
		}
		w0first = 1;
		w0last = 0;
		if (!r->no_prefilter && !p->raw && r->pat_req[r->cand[i] + 1] > r->pat_req[r->cand[i]]
		    && !could_match(r, r->cand[i], &w0first, &w0last))
			continue;
		{
			PCRE2_SIZE from, limit;

			match_span(r, r->cand[i], (const unsigned char *)k, &from, &limit);
			if (w0first <= w0last) {
				/* a match starts in a word from w0first to w0last; a
				 * byte between words belongs to the next one */
				if (w0first > 0 && w0first <= r->nwend && r->wend[w0first - 1] > from)
					from = r->wend[w0first - 1];
				if (w0last < r->nwend && (limit == PCRE2_UNSET || r->wend[w0last] - 1 < limit))
					limit = r->wend[w0last] - 1;
			}
			pcre2_set_offset_limit(r->mctx, limit);
			if (from > off)
				off = from;
		}
		if (!p->jitted) {
			(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
			p->jitted = 1;
		}
		while (off <= len) {
			int m = pcre2_match(p->code, (PCRE2_SPTR)k, len, off, 0, r->md, r->mctx);
			size_t s, en;

			if (m == PCRE2_ERROR_NOMATCH)
				break;
			if (m < 0) {
				rc = limit_error(r, p, m, e);
				break;
			}
			s = ov[0];
			en = ov[1];
			while (p->extend && s > 0 && is_w((unsigned char)k[s - 1]))
				s--;
			if (p->exclude) {
				r->veto[p->cat] = 1;
				if (r->explain && record_why(r, ans, p, RULES_WHY_EXCLUDED, s, en, NULL))
					rc = kerr_set(e, KERR_NOMEM, "out of memory");
				break;
			}
			{
				int g;

				for (g = 1; p->negation && g <= p->gaps && g < m; g++)
					if (ov[2 * g] != PCRE2_UNSET
					    && gap_negated(r, k, ov[2 * g], ov[2 * g + 1], cue))
						break;
				if (p->negation && g <= p->gaps && g < m) {
					if (r->explain && record_why(r, ans, p, RULES_WHY_NEGATED, s, en,
								     cue)) {
						rc = kerr_set(e, KERR_NOMEM, "out of memory");
						break;
					}
					off = en > s ? en : s + 1;
					continue;
				}
			}
			if (!negated(r, k, len, s, en, p->negation, cue)) {
				rc = record_hit(r, ans, p, s, en, e);
				break;
			}
			if (r->explain && record_why(r, ans, p, RULES_WHY_NEGATED, s, en, cue)) {
				rc = kerr_set(e, KERR_NOMEM, "out of memory");
				break;
			}
			off = en > s ? en : s + 1;
		}
	}
	pcre2_set_offset_limit(r->mctx, PCRE2_UNSET);
	for (i = 0; i < cb->ncats && !rc; i++)
		if (r->hit[i] && !r->veto[i] && add_cat(res, i))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	for (i = 0; i < r->nev && !rc; i++) {
		const struct rules_evidence *v = &r->ev[i];

		if (!r->veto[v->cat] && push_ev(&res->ev, &res->nev, &res->ev_cap,
					       v->cat, v->pattern, v->start, v->end))
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	}
	if (rc)
		return rc;
	if (!res->ncats)
		res->nev = 0;  /* evidence of vetoed categories only */
	if (!res->ncats && short_nonanswer(r, k, len))
		return code_nonanswer_or_rescue(r, ans, res, e);
	if (r->model && !r->no_model) {
		int nonsub = 0;

		rc = apply_model(r, ans, res, &nonsub, e);
		if (rc)
			return rc;
		if (nonsub)
			return code_nonanswer(cb, ans, res, e);
	}
	if (res->nev > 1)  /* qsort(NULL, 0) is undefined behaviour */
		qsort(res->ev, res->nev, sizeof *res->ev, cmp_ev);
	if (!res->ncats) {
		if (cb->andet >= 0) {
			res->residual = 1;
			if (add_cat(res, (size_t)cb->andet))
				return kerr_set(e, KERR_NOMEM, "out of memory");
		} else {
			res->uncoded = 1;
		}
	}
	if (r->explain && finish_why(r, res))
		return kerr_set(e, KERR_NOMEM, "out of memory");
	return 0;
}
