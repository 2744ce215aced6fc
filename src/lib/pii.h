/*
 * pii.h - finding and masking personal data in free-text survey answers.
 *
 * Why its own module: answers about sick-listed citizens sometimes carry a
 * CPR number, a phone number, an e-mail address or a name, and such text must
 * not travel into exports and reports that are shared.  `koder scan` uses
 * this to list what it finds; every command that writes answer text
 * (exports, reports, coded output) can call pii_mask for its `--mask` option.
 *
 * What is found (deliberately conservative: a false alarm costs a coder a
 * glance, but masking ordinary words would damage the answers):
 *   cpr    DDMMYY-SSSS or DDMMYYSSSS, or with a space, slash or full stop
 *          for the hyphen, the date's parts separated too ("01.01.90-1234",
 *          "01 01 90 1234", "01-01-90-1234", one separator throughout the
 *          date), typed digit by digit ("0 1 0 1 9 0 - 1 2 3 4"), broken by
 *          one line break, a letter typed after ("010190-1234x"), and as
 *          OCR misreads it (O or o for 0, l, I or | for 1; at least six
 *          genuine digits); standing alone between non-digits, not followed
 *          by "kr" or ",-", with a real calendar date: the century
 *          comes from the first serial digit and the year (0-3: 1900s;
 *          4 and 9: 2000-2036 else 1900s; 5-8: 2000-2057 else 1800s), so
 *          29 February must fall in a leap year.  The modulus-11 check is not
 *          applied: numbers issued since 2007 need not pass it.
 *   phone  Danish numbers: eight digits, first digit 2-9, written together or
 *          as 4+4 or 2+2+2+2 groups (space or hyphen; full stops between
 *          2+2+2+2 groups, "20.30.40.50"), optionally after +45,
 *          0045 or (+45).  Two 4-digit groups that both look like years
 *          ("2019-2020") are not a phone number.
 *   email  local@domain.tld with a dotted domain and a letter top-level part.
 *   name   a common Danish first name (built-in list, exact capitalisation)
 *          followed by a capitalised word ("Mette Hansen", "Anne Marie
 *          Sørensen"); a listed first name standing alone ("ringede til
 *          Mette"), except that names which are also ordinary words ("Per",
 *          "Bo", "Hans") count alone only inside a sentence, where Danish
 *          capitalises nothing but names; a capitalised word after a title
 *          (hr., fru, frk.); a listed common surname (Jensen, Møller).
 *          Words in capitals (acronyms such as AG, SDP) are never names.
 *
 * Every kind is looked for in the text with Unicode dashes and minus signs
 * read as "-", Unicode spaces as " ", full-width digits as digits and
 * zero-width characters (and the soft hyphen) skipped, so "010190–1234" and
 * "０１０１９０-１２３４" are found like the ASCII forms.
 *
 * Offsets are byte offsets into the UTF-8 text given.  Nothing here prints,
 * exits, or keeps global state beyond constant tables: safe to call from any
 * thread.
 */
#ifndef KODER_PII_H
#define KODER_PII_H

#include <stddef.h>

struct buf;
struct kerr;

enum pii_kind {
	PII_CPR   = 1,
	PII_PHONE = 2,
	PII_EMAIL = 4,
	PII_NAME  = 8
};
#define PII_ALL (PII_CPR | PII_PHONE | PII_EMAIL | PII_NAME)

struct pii_hit {
	enum pii_kind kind;
	size_t start, end;  /* bytes [start, end) of the text */
};

/* A list of findings, ordered by start, never overlapping.  Owns `v`. */
struct pii_hits {
	struct pii_hit *v;
	size_t n, cap;
};
#define PII_HITS_INIT { NULL, 0, 0 }

/* Free the list's storage; the list is left empty and usable. */
void pii_hits_release(struct pii_hits *h);

/*
 * Find personal data of the kinds in the bit set `kinds` (PII_ALL for all) in
 * `text` (len bytes of UTF-8; invalid bytes are treated as letters).
 * Replaces the contents of `out` (caller owns it; release with
 * pii_hits_release).  Where findings overlap, the one found first in the
 * order email, cpr, phone, name wins.  Returns 0 or KERR_NOMEM.
 */
int pii_find(const char *text, size_t len, unsigned kinds, struct pii_hits *out,
	     struct kerr *e);

/*
 * Append `text` to `out` with every finding of the kinds in `kinds` replaced
 * by its placeholder (pii_placeholder).  Caller owns `out`.  Returns 0, or
 * KERR_NOMEM / KERR_LIMIT from the buffer (then `out` may hold part of the
 * text: callers reset it).  Sets *found (may be NULL) to the number of
 * findings replaced.
 */
int pii_mask(const char *text, size_t len, unsigned kinds, struct buf *out,
	     size_t *found, struct kerr *e);

/*
 * The one masking function for what commands write: the NUL-terminated cell
 * `text` as it goes out with --mask.  Returns `text` itself when `kinds` is
 * 0, `text` is NULL or nothing is found; else the masked copy in `scratch`
 * (reset first; the caller owns it, and the result is valid until its next
 * use).  Every command passes every column it writes (answer, id, wave,
 * role, note, other survey columns, --by values) through this, so one cell
 * comes out the same in scan, code, review --export, tally and the rest.
 * Returns NULL with `e` set on out of memory.
 */
const char *pii_cell(const char *text, unsigned kinds, struct buf *scratch, struct kerr *e);

/* Stable lower-case name of a kind ("cpr", "phone", "email", "name").  Static. */
const char *pii_kind_name(enum pii_kind kind);
/* What a finding is replaced with: "[CPR]", "[TELEFON]", "[EMAIL]", "[NAVN]".  Static. */
const char *pii_placeholder(enum pii_kind kind);

/*
 * Parse a comma-separated list of kind names ("cpr,phone", "all") into a bit
 * set.  Returns 0, or KERR_USAGE naming the unknown kind.
 */
int pii_kinds_parse(const char *s, unsigned *kinds, struct kerr *e);

/*
 * 1 if the ten digits d[0..9] are a CPR number with a real date of birth
 * (rules above), else 0.  Exposed for tests.
 */
int pii_cpr_valid(const char d[10]);

#endif
