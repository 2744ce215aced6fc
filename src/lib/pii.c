/*
 * pii.c - finding and masking personal data in answers (see pii.h).
 *
 * Each kind has its own small scanner over the bytes; they run in priority
 * order (email, cpr, phone, name) and a later scanner's candidate is dropped
 * when it overlaps an earlier finding, so "mette.hansen@kk.dk" is one e-mail
 * address rather than an address with a name inside.  The lists of names are
 * written here by hand from common Danish names; they are data, kept short on
 * purpose: a name not listed is still caught when a title or a surname marks
 * it.
 */
#include "pii.h"
#include "buf.h"
#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- name lists ---------------------------------------------------------- */

static const char *const first_names[] = {
	/* women */
	"Aase", "Agnes", "Alma", "Amalie", "Ane", "Anette", "Anja", "Anna", "Anne",
	"Annette", "Astrid", "Benedikte", "Bente", "Berit", "Bettina", "Birgit",
	"Birgitte", "Birthe", "Britt", "Camilla", "Caroline", "Cecilie", "Charlotte",
	"Christina", "Clara", "Connie", "Dorte", "Dorthe", "Ella", "Ellen", "Else",
	"Emilie", "Emma", "Eva", "Freja", "Frida", "Gitte", "Grethe", "Gunhild",
	"Hanna", "Hanne", "Heidi", "Helene", "Helle", "Henriette", "Ida", "Inge",
	"Inger", "Ingrid", "Irene", "Isabella", "Janne", "Jeanette", "Jette",
	"Josefine", "Julie", "Jytte", "Kamilla", "Karen", "Karina", "Katrine",
	"Kirsten", "Kirstine", "Kristina", "Laura", "Lene", "Lina", "Line", "Lisa",
	"Lisbeth", "Lone", "Lotte", "Louise", "Maja", "Malene", "Margrethe", "Maria",
	"Marianne", "Marie", "Marlene", "Mathilde", "Merete", "Mette", "Mia", "Mona",
	"Nanna", "Nina", "Pernille", "Pia", "Randi", "Rikke", "Ruth", "Sanne",
	"Sara", "Sarah", "Sidsel", "Signe", "Sofia", "Sofie", "Solveig", "Stine",
	"Susanne", "Tanja", "Tina", "Tove", "Trine", "Ulla", "Vibeke", "Victoria",
	"Vivi", "Yvonne", "\xc3\x85se",
	/* men */
	"Aage", "Ahmed", "Aksel", "Alexander", "Alfred", "Ali", "Allan", "Anders",
	"Andreas", "Anton", "Arne", "Axel", "Benjamin", "Benny", "Bent", "Bjarne",
	"Bj\xc3\xb8rn", "Bo", "Brian", "Carl", "Carsten", "Christian", "Christoffer",
	"Claus", "Daniel", "Dennis", "Elias", "Emil", "Erik", "Esben", "Filip",
	"Finn", "Flemming", "Frederik", "Gert", "Gunnar", "Hans", "Hassan", "Henning",
	"Henrik", "Holger", "Ib", "Ivan", "Jacob", "Jakob", "Jan", "Jens", "Jeppe",
	"Jesper", "John", "Johannes", "Jon", "Jonas", "J\xc3\xb8rgen", "Karl",
	"Kasper", "Keld", "Kenneth", "Kim", "Kjeld", "Klaus", "Knud", "Kristian",
	"Kristoffer", "Kurt", "Lars", "Lasse", "Leif", "Lucas", "Mads", "Magnus",
	"Malthe", "Martin", "Mathias", "Michael", "Mikkel", "Mogens", "Mohamed",
	"Mohammed", "Morten", "Nicolai", "Niels", "Niklas", "Nikolaj", "Noah",
	"Ole", "Oliver", "Oscar", "Oskar", "Ove", "Palle", "Patrick", "Per", "Peter",
	"Philip", "Poul", "Preben", "Rasmus", "Ren\xc3\xa9", "Rene", "Sebastian",
	"Simon", "Steen", "Stefan", "Steffen", "Sune", "Svend", "S\xc3\xb8ren",
	"Tage", "Thomas", "Thorbj\xc3\xb8rn", "Tobias", "Tommy", "Tonny", "Torben",
	"Troels", "Tue", "Uffe", "Ulrik", "Valdemar", "Victor", "Viktor", "Villads",
	"Villy", "William", "\xc3\x85ge",
	NULL
};

/* First names that are also everyday words or abbreviations: a name only
 * when a surname follows. */
static const char *const ambiguous_names[] = {
	"Ali", "Ane", "Bo", "Else", "Hans", "Helle", "Ib", "Karl", "Line", "Per",
	"Rene", "Tage", "Tove", "Tue", NULL
};

static const char *const surnames[] = {
	"Andersen", "Andreasen", "Christensen", "Christiansen", "Clausen",
	"Eriksen", "Frandsen", "Frederiksen", "Hansen", "Henriksen", "Iversen",
	"Jacobsen", "Jakobsen", "Jensen", "Jeppesen", "Jepsen", "Jespersen",
	"Johansen", "J\xc3\xb8rgensen", "Karlsen", "Knudsen", "Kristensen",
	"Kristiansen", "Larsen", "Lassen", "Lauridsen", "Laursen", "Madsen",
	"Mikkelsen", "Mogensen", "Mortensen", "M\xc3\xb8ller", "Nielsen", "Nissen",
	"N\xc3\xb8rgaard", "Olesen", "Olsen", "Pedersen", "Petersen", "Poulsen",
	"Rasmussen", "Simonsen", "Svendsen", "S\xc3\xb8ndergaard", "S\xc3\xb8rensen",
	"Thomsen", "Vestergaard", "\xc3\x98stergaard", NULL
};

static const char *const titles[] = { "hr", "Hr", "fru", "Fru", "frk", "Frk", NULL };

/* ---- byte classes --------------------------------------------------------- */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
static int is_alnum(int c) { return is_digit(c) || is_alpha(c); }

/* Byte at i as unsigned, or -1 outside the text. */
static int at(const unsigned char *p, size_t n, size_t i)
{
	return i < n ? p[i] : -1;
}

/* Upper-case letter at p (ASCII, or Latin-1 capitals À-Þ in UTF-8). */
static int is_upper_at(const unsigned char *p, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	if (p[i] >= 'A' && p[i] <= 'Z')
		return 1;
	return p[i] == 0xC3 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9E &&
	       p[i + 1] != 0x97;
}

static int is_lower_at(const unsigned char *p, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	if (p[i] >= 'a' && p[i] <= 'z')
		return 1;
	return p[i] == 0xC3 && i + 1 < n && p[i + 1] >= 0x9F && p[i + 1] <= 0xBF &&
	       p[i + 1] != 0xB7;
}

static size_t char_len(const unsigned char *p, size_t n, size_t i)
{
	return (p[i] == 0xC3 && i + 1 < n) ? 2 : 1;
}

/* ---- the hit list ------------------------------------------------------- */

void pii_hits_release(struct pii_hits *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static int hits_push(struct pii_hits *h, enum pii_kind kind, size_t s, size_t e)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		struct pii_hit *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return KERR_NOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n].kind = kind;
	h->v[h->n].start = s;
	h->v[h->n].end = e;
	h->n++;
	return 0;
}

/* Does [s, e) overlap a finding in the sorted, non-overlapping list? */
static int overlaps(const struct pii_hits *h, size_t s, size_t e)
{
	size_t lo = 0, hi = h->n;

	/* first hit whose end is past s */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->v[mid].end <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n && h->v[lo].start < e;
}

/* Merge the sorted `add` into the sorted `h`; `add` is emptied. */
static int hits_merge(struct pii_hits *h, struct pii_hits *add)
{
	struct pii_hits m = PII_HITS_INIT;
	size_t i = 0, j = 0;

	if (!add->n)
		return 0;
	while (i < h->n || j < add->n) {
		const struct pii_hit *x;

		if (j >= add->n || (i < h->n && h->v[i].start < add->v[j].start))
			x = &h->v[i++];
		else
			x = &add->v[j++];
		if (hits_push(&m, x->kind, x->start, x->end)) {
			pii_hits_release(&m);
			return KERR_NOMEM;
		}
	}
	pii_hits_release(h);
	*h = m;
	add->n = 0;
	return 0;
}

/* Record a candidate unless an earlier kind already covers part of it. */
static int candidate(const struct pii_hits *done, struct pii_hits *add,
		     enum pii_kind kind, size_t s, size_t e)
{
	if (overlaps(done, s, e))
		return 0;
	return hits_push(add, kind, s, e);
}

/* ---- e-mail -------------------------------------------------------------- */

static int is_local(int c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int is_domain(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       c == '-' || c == '.' || c >= 0x80;
}

static int scan_email(const unsigned char *p, size_t n, const struct pii_hits *done,
		      struct pii_hits *add)
{
	size_t i, last_end = 0;

	for (i = 0; i < n; i++) {
		size_t s, e, dot = 0, k;
		int tld_ok;

		if (p[i] != '@')
			continue;
		s = i;
		while (s > last_end && is_local(p[s - 1]))
			s--;
		while (s < i && p[s] == '.')
			s++;
		e = i + 1;
		while (e < n && is_domain(p[e]))
			e++;
		while (e > i + 1 && (p[e - 1] == '.' || p[e - 1] == '-'))
			e--;
		if (s == i || e <= i + 1)
			continue;
		for (k = i + 1; k < e; k++)
			if (p[k] == '.')
				dot = k;
		if (!dot || dot == i + 1 || e - dot < 3)
			continue;
		tld_ok = 1;
		for (k = dot + 1; k < e; k++)
			if (!((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z')))
				tld_ok = 0;
		if (!tld_ok)
			continue;
		if (candidate(done, add, PII_EMAIL, s, e))
			return KERR_NOMEM;
		last_end = e;
		i = e - 1;
	}
	return 0;
}

/* ---- CPR numbers --------------------------------------------------------- */

int pii_cpr_valid(const char d[10])
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int i, day, month, yy, s7, year;

	for (i = 0; i < 10; i++)
		if (!is_digit((unsigned char)d[i]))
			return 0;
	day = (d[0] - '0') * 10 + (d[1] - '0');
	month = (d[2] - '0') * 10 + (d[3] - '0');
	yy = (d[4] - '0') * 10 + (d[5] - '0');
	s7 = d[6] - '0';
	if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
		return 0;
	if (s7 <= 3)
		year = 1900 + yy;
	else if (s7 == 4 || s7 == 9)
		year = yy <= 36 ? 2000 + yy : 1900 + yy;
	else
		year = yy <= 57 ? 2000 + yy : 1800 + yy;
	if (month == 2 && day == 29 &&
	    !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 0;
	return 1;
}

/*
 * A digit as written, or as OCR misreads it: O or o for 0, l, I or | for 1.
 * Returns the digit's character, or 0.  *real is set for a genuine digit.
 */
static int cpr_digit(int c, int *real)
{
	*real = is_digit(c);
	if (*real)
		return c;
	if (c == 'O' || c == 'o')
		return '0';
	if (c == 'l' || c == 'I' || c == '|')
		return '1';
	return 0;
}

/* Past a line break with the spaces around it ("010190-\n1234"), or j. */
static size_t skip_break(const unsigned char *p, size_t n, size_t j)
{
	size_t k = j;

	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	if (k < n && p[k] == '\r')
		k++;
	if (k >= n || p[k] != '\n')
		return j;
	k++;
	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	return k;
}

/* An amount, not a CPR number, when "kr" or ",-" follows. */
static int money_after(const unsigned char *p, size_t n, size_t e)
{
	if (e < n && p[e] == ',' && (at(p, n, e + 1) == '-' || is_digit(at(p, n, e + 1))))
		return 1;
	if (e < n && p[e] == ' ')
		e++;
	return e + 1 < n && (p[e] == 'k' || p[e] == 'K') && (p[e + 1] == 'r' || p[e + 1] == 'R')
		&& !is_alpha(at(p, n, e + 2));
}

/*
 * A CPR number at i, in any way people write one: DDMMYY-SSSS, DDMMYYSSSS,
 * with a space, slash or full stop for the hyphen ("010190/1234"), with the
 * date's parts separated too ("01.01.90-1234", "01 01 90 1234",
 * "01-01-90-1234"; one separator throughout the date), broken across lines,
 * and with O/o, l/I for digits when OCR misread them (at least six genuine
 * digits).  Unicode dashes, spaces, full-width digits and zero-width
 * characters were folded away before (struct view).  On success sets *end.
 */
static int cpr_at(const unsigned char *p, size_t n, size_t i, size_t *end)
{
	static const char date_seps[] = ".- /";
	char d[10];
	size_t j = i, k;
	int datesep = -1, real, genuine = 0, formatted = 0, breaks = 0;

	for (k = 0; k < 10; k++) {
		if (k) {
			size_t b = skip_break(p, n, j);

			if (b != j) {
				breaks++;
				j = b;
			}
			if (k == 2 || k == 4) {
				int c = at(p, n, j);
				int sep = c > 0 && strchr(date_seps, c) && cpr_digit(at(p, n, j + 1), &real) ? c : 0;

				if (k == 2)
					datesep = sep;
				else if (sep != datesep)
					return 0;
				if (sep) {
					j++;
					formatted = 1;
				}
			} else if (k == 6) {
				size_t s = j;

				while (s < n && p[s] == ' ')
					s++;
				if (s < n && (p[s] == '-' || p[s] == '/')) {
					s++;
					while (s < n && p[s] == ' ')
						s++;
					j = s;
					formatted = 1;
				} else if (j < n && (p[j] == ' ' || p[j] == '.')) {
					j++;
					formatted = 1;
				}
			}
			b = skip_break(p, n, j);
			if (b != j) {
				breaks++;
				j = b;
			}
			if (breaks > 1)
				return 0;
		}
		if (j >= n || !(d[k] = (char)cpr_digit(p[j], &real)))
			return 0;
		genuine += real;
		j++;
	}
	if (genuine < 6 || (genuine < 10 && !formatted && genuine < 8))
		return 0;
	/* more digits, or a digit group following, is some other number */
	if (is_digit(at(p, n, j)) || (at(p, n, j) == '-' && is_digit(at(p, n, j + 1))))
		return 0;
	/* "010190-1234x": a letter typed after is tolerated in a written-out
	 * number, not after ten bare digits (an id or a hash) */
	if (is_alpha(at(p, n, j)) && !formatted)
		return 0;
	if (money_after(p, n, j) || !pii_cpr_valid(d))
		return 0;
	*end = j;
	return 1;
}

/* Read aloud and typed digit by digit: "2 1 0 3 8 4 - 1 2 3 4". */
static int cpr_spaced(const unsigned char *p, size_t n, size_t i, size_t *end)
{
	char d[10];
	size_t j = i, k;

	for (k = 0; k < 10; k++) {
		if (k) {
			if (at(p, n, j) != ' ')
				return 0;
			j++;
			if (k == 6 && at(p, n, j) == '-' && at(p, n, j + 1) == ' ')
				j += 2;
		}
		if (!is_digit(at(p, n, j)))
			return 0;
		d[k] = (char)p[j++];
	}
	if (is_alnum(at(p, n, j)) || (at(p, n, j) == ' ' && is_digit(at(p, n, j + 1)))
	    || money_after(p, n, j) || !pii_cpr_valid(d))
		return 0;
	*end = j;
	return 1;
}

static int scan_cpr(const unsigned char *p, size_t n, const struct pii_hits *done,
		    struct pii_hits *add)
{
	size_t i, e;
	int real;

	for (i = 0; i + 10 <= n; i++) {
		if (!cpr_digit(p[i], &real) || (i > 0 && is_alnum(p[i - 1])))
			continue;
		if (!cpr_at(p, n, i, &e) && !cpr_spaced(p, n, i, &e))
			continue;
		if (candidate(done, add, PII_CPR, i, e))
			return KERR_NOMEM;
		i = e - 1;
	}
	return 0;
}

/* ---- phone numbers ------------------------------------------------------- */

static int looks_like_year(const unsigned char *p)
{
	return (p[0] == '1' && p[1] == '9') || (p[0] == '2' && p[1] == '0');
}

/*
 * Eight digits from i in one of the groupings koder accepts; on success sets
 * *end past the last digit.
 */
static int phone_body(const unsigned char *p, size_t n, size_t i, size_t *end)
{
	size_t k;
	int sep;

	if (at(p, n, i) < '2' || at(p, n, i) > '9')
		return 0;
	for (k = 0; k < 8 && is_digit(at(p, n, i + k)); k++)
		;
	if (k == 8) {
		*end = i + 8;
		return 1;
	}
	sep = at(p, n, i + k);
	if (sep != ' ' && sep != '-' && !(sep == '.' && k == 2))
		return 0;
	if (k == 4) {               /* 4+4 */
		for (k = 5; k < 9 && is_digit(at(p, n, i + k)); k++)
			;
		if (k != 9)
			return 0;
		if (looks_like_year(p + i) && looks_like_year(p + i + 5))
			return 0;
		*end = i + 9;
		return 1;
	}
	if (k == 2) {               /* 2+2+2+2, one separator throughout */
		size_t g;

		for (g = 1; g < 4; g++) {
			size_t o = i + g * 3;

			if (at(p, n, o - 1) != sep || !is_digit(at(p, n, o)) ||
			    !is_digit(at(p, n, o + 1)))
				return 0;
		}
		*end = i + 11;
		return 1;
	}
	return 0;
}

/* Money and longer digit groups are not phone numbers. */
static int phone_context_ok(const unsigned char *p, size_t n, size_t s, size_t e)
{
	int c = at(p, n, e);

	if (is_alnum(c))
		return 0;
	/* 12 34 56 78 90, 1234-5678-9, 3,12345678 */
	if ((c == ' ' || c == '-' || c == '.' || c == ',') && is_digit(at(p, n, e + 1)))
		return 0;
	if (c == ',' && at(p, n, e + 1) == '-')
		return 0;
	if (e + 3 <= n && p[e] == ' ' && (p[e + 1] == 'k' || p[e + 1] == 'K') &&
	    (p[e + 2] == 'r' || p[e + 2] == 'R'))
		return 0;
	if (s >= 3 && (p[s - 1] == ' ' || p[s - 1] == '.') &&
	    (p[s - 2] == 'r' || p[s - 2] == 'R') && (p[s - 3] == 'k' || p[s - 3] == 'K'))
		return 0;
	if (s >= 4 && p[s - 1] == ' ' && p[s - 2] == '.' && p[s - 3] == 'r' && p[s - 4] == 'k')
		return 0;
	return 1;
}

/* Length of a +45 / 0045 / (+45) prefix with its separator at i, or 0. */
static size_t phone_prefix(const unsigned char *p, size_t n, size_t i)
{
	size_t k = i;

	if (at(p, n, k) == '(')
		k++;
	if (at(p, n, k) == '+')
		k++;
	else if (at(p, n, k) == '0' && at(p, n, k + 1) == '0')
		k += 2;
	else
		return 0;
	if (at(p, n, k) != '4' || at(p, n, k + 1) != '5')
		return 0;
	k += 2;
	if (p[i] == '(') {
		if (at(p, n, k) != ')')
			return 0;
		k++;
	}
	if (at(p, n, k) == ' ' || at(p, n, k) == '-')
		k++;
	return k - i;
}

static int scan_phone(const unsigned char *p, size_t n, const struct pii_hits *done,
		      struct pii_hits *add)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t pre, e;

		if (i > 0 && (is_alnum(p[i - 1]) || p[i - 1] == '+'))
			continue;
		if (i > 1 && (p[i - 1] == '.' || p[i - 1] == ',') && is_digit(p[i - 2]))
			continue;
		pre = phone_prefix(p, n, i);
		if (!pre && !is_digit(p[i]))
			continue;
		/* the tail of a longer digit group: 11 22 33 44 55 */
		if (!pre && i > 1 && (p[i - 1] == ' ' || p[i - 1] == '-') && is_digit(p[i - 2]))
			continue;
		if (!phone_body(p, n, i + pre, &e) || !phone_context_ok(p, n, i, e))
			continue;
		if (candidate(done, add, PII_PHONE, i, e))
			return KERR_NOMEM;
		i = e - 1;
	}
	return 0;
}

/* ---- names --------------------------------------------------------------- */

struct tok {
	size_t s, e;
};

static int tok_is(const unsigned char *p, struct tok t, const char *const *list)
{
	size_t len = t.e - t.s;

	for (; *list; list++)
		if (strlen(*list) == len && !memcmp(*list, p + t.s, len))
			return 1;
	return 0;
}

/* A capitalised word: capital, then a small letter ("Hansen", not "AG"). */
static int tok_cap(const unsigned char *p, size_t n, struct tok t)
{
	return is_upper_at(p, n, t.s) && is_lower_at(p, n, t.s + char_len(p, n, t.s));
}

/* An initial: one capital followed by a full stop ("Mette F."). */
static int tok_initial(const unsigned char *p, size_t n, struct tok t)
{
	return is_upper_at(p, n, t.s) && t.s + char_len(p, n, t.s) == t.e &&
	       at(p, n, t.e) == '.';
}

/* A listed first name, also hyphenated ("Hans-Henrik": first part listed). */
static int tok_first(const unsigned char *p, struct tok t)
{
	struct tok head = t;
	const unsigned char *h = memchr(p + t.s, '-', t.e - t.s);

	if (h)
		head.e = (size_t)(h - p);
	return tok_is(p, head, first_names);
}

/* Does the word at s start a sentence (text start, or after . ! ? or a line
 * break, skipping spaces, quotes, brackets and bullets)? */
static int sentence_start(const unsigned char *p, size_t s)
{
	while (s > 0) {
		int c = p[s - 1];

		if (c == '.' || c == '!' || c == '?' || c == '\n' || c == '\r')
			return 1;
		if (c != ' ' && c != '\t' && c != '"' && c != '(' && c != '-' &&
		    c != '*' && c != '\'')
			return 0;
		s--;
	}
	return 1;
}

/* Next word at or after *i: letters (bytes >= 0x80 count as letters) with
 * inner hyphens.  Returns 0 at the end of the text. */
static int next_tok(const unsigned char *p, size_t n, size_t *i, struct tok *t)
{
	size_t k = *i;

	while (k < n && !is_alpha(p[k]))
		k++;
	if (k >= n)
		return 0;
	t->s = k;
	while (k < n && (is_alnum(p[k]) ||
			 (p[k] == '-' && k + 1 < n && is_alpha(p[k + 1]) && k > t->s)))
		k++;
	t->e = k;
	*i = k;
	return 1;
}

/* Only one space (or a tab) between two words of one name. */
static int adjacent(const unsigned char *p, struct tok a, struct tok b)
{
	return b.s == a.e + 1 && (p[a.e] == ' ' || p[a.e] == '\t');
}

static int scan_names(const unsigned char *p, size_t n, const struct pii_hits *done,
		      struct pii_hits *add)
{
	size_t i = 0;
	struct tok t, u;

	if (!next_tok(p, n, &i, &t))
		return 0;
	for (;;) {
		size_t after = i, s = t.s, e = t.e;
		int have_next = next_tok(p, n, &after, &u), name = 0;

		if (tok_cap(p, n, t) && tok_first(p, t)) {
			/* first name + surname(s) or initial */
			while (have_next && adjacent(p, t, u) &&
			       (tok_cap(p, n, u) || tok_initial(p, n, u))) {
				e = tok_initial(p, n, u) ? u.e + 1 : u.e;
				t = u;
				i = after;
				have_next = next_tok(p, n, &after, &u);
				name = 2;
			}
			/* "Hans" at a sentence start is "his" */
			if (!name && (!sentence_start(p, s) || !tok_is(p, t, ambiguous_names)))
				name = 1;
		} else if (tok_is(p, t, titles) && have_next) {
			size_t gap = at(p, n, t.e) == '.' ? 1 : 0;

			if (u.s == t.e + gap + 1 && p[t.e + gap] == ' ' && tok_cap(p, n, u)) {
				s = u.s;
				e = u.e;
				t = u;
				i = after;
				have_next = next_tok(p, n, &after, &u);
				name = 3;
			}
		} else if (tok_is(p, t, surnames)) {
			name = 4;
		}
		if (name && candidate(done, add, PII_NAME, s, e))
			return KERR_NOMEM;
		if (!have_next)
			return 0;
		t = u;
		i = after;
	}
}

/* ---- the API ------------------------------------------------------------- */

/*
 * The text the scanners read: Unicode dashes and minus signs folded to "-",
 * Unicode spaces to " ", full-width digits and @ . + / to ASCII, and
 * zero-width characters (and the soft hyphen) dropped, so that
 * "010190–1234", "０１０１９０-１２３４" and a CPR number with a zero-width
 * space inside are found like the ASCII ones.  from[i], to[i]: the bytes of
 * the original text that byte i of the view stands for.  Pure ASCII text is
 * its own view (from == NULL).
 */
struct view {
	const unsigned char *p;
	size_t n;
	unsigned char *own;
	uint32_t *from;   /* fields are at most 256 MB (csv.h), so 32 bits do */
};

/* What the UTF-8 character at s folds to: 1 with *c set, 0 to drop it, -1
 * to keep it as it is.  *len: its length in bytes. */
static int fold_char(const unsigned char *s, size_t left, size_t *len, unsigned char *c)
{
	*len = 1;
	if (s[0] == 0xC2 && left >= 2) {
		*len = 2;
		if (s[1] == 0xA0) { *c = ' '; return 1; }   /* no-break space */
		if (s[1] == 0xAD) return 0;                 /* soft hyphen */
		return -1;
	}
	if (left < 3 || (s[0] != 0xE2 && s[0] != 0xE3 && s[0] != 0xEF))
		return -1;
	*len = 3;
	if (s[0] == 0xE2 && s[1] == 0x80) {
		if (s[2] >= 0x8B && s[2] <= 0x8D) return 0;                   /* zero-width */
		if (s[2] <= 0x8A || s[2] == 0xAF) { *c = ' '; return 1; }     /* spaces */
		if (s[2] >= 0x90 && s[2] <= 0x95) { *c = '-'; return 1; }     /* dashes */
	}
	if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0xA0) return 0;        /* word joiner */
	if (s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92) { *c = '-'; return 1; }  /* minus */
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { *c = ' '; return 1; }  /* ideographic */
	if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return 0;        /* BOM */
	if (s[0] == 0xEF && s[1] == 0xB9 && s[2] == 0xA3) { *c = '-'; return 1; }
	if (s[0] == 0xEF && s[1] == 0xBC) {
		if (s[2] >= 0x90 && s[2] <= 0x99) { *c = (unsigned char)('0' + s[2] - 0x90); return 1; }
		if (s[2] == 0x8D) { *c = '-'; return 1; }
		if (s[2] == 0x8E) { *c = '.'; return 1; }
		if (s[2] == 0x8B) { *c = '+'; return 1; }
		if (s[2] == 0x8F) { *c = '/'; return 1; }
		if (s[2] == 0xA0) { *c = '@'; return 1; }
	}
	return -1;
}

static int view_make(struct view *v, const unsigned char *t, size_t len)
{
	size_t i, k = 0, cl;
	unsigned char c;

	memset(v, 0, sizeof *v);
	for (i = 0; i < len && t[i] < 0x80; i++)
		;
	if (i == len) {
		v->p = t;
		v->n = len;
		return 0;
	}
	if (len > UINT32_MAX)
		return KERR_LIMIT;
	v->own = malloc(len ? len : 1);
	v->from = malloc((len ? len : 1) * sizeof *v->from);
	if (!v->own || !v->from)
		return KERR_NOMEM;
	for (i = 0; i < len; i += cl) {
		int f = t[i] < 0x80 ? -1 : fold_char(t + i, len - i, &cl, &c);
		size_t m;

		if (f < 0) {
			/* kept: each byte stands for itself */
			cl = t[i] < 0x80 ? 1 : cl;
			for (m = 0; m < cl; m++, k++) {
				v->own[k] = t[i + m];
				v->from[k] = (uint32_t)(i + m);
			}
		} else if (f > 0) {
			v->own[k] = c;
			v->from[k] = (uint32_t)i;
			k++;
		}
		/* dropped: covered by a finding around it, not by one ending
		 * just before it */
	}
	v->p = v->own;
	v->n = k;
	return 0;
}

static void view_release(struct view *v)
{
	free(v->own);
	free(v->from);
}

/* Past the original bytes that view byte k stands for: one byte kept as
 * it was, or the whole UTF-8 character folded into it. */
static size_t view_end(const struct view *v, const unsigned char *t, size_t k)
{
	size_t o = v->from[k];

	if (v->own[k] == t[o])
		return o + 1;
	return o + (t[o] >= 0xF0 ? 4 : t[o] >= 0xE0 ? 3 : t[o] >= 0xC0 ? 2 : 1);
}

int pii_find(const char *text, size_t len, unsigned kinds, struct pii_hits *out,
	     struct kerr *e)
{
	static const struct {
		enum pii_kind kind;
		int (*scan)(const unsigned char *, size_t, const struct pii_hits *,
			    struct pii_hits *);
	} order[] = {
		{ PII_EMAIL, scan_email }, { PII_CPR, scan_cpr },
		{ PII_PHONE, scan_phone }, { PII_NAME, scan_names },
	};
	struct pii_hits add = PII_HITS_INIT;
	struct view v;
	size_t k;
	int rc = view_make(&v, (const unsigned char *)text, len);

	out->n = 0;
	for (k = 0; !rc && k < sizeof(order) / sizeof(order[0]); k++) {
		if (!(kinds & order[k].kind))
			continue;
		rc = order[k].scan(v.p, v.n, out, &add) || hits_merge(out, &add);
	}
	pii_hits_release(&add);
	if (!rc && v.from) {
		/* back to bytes of the text as given */
		for (k = 0; k < out->n; k++) {
			out->v[k].end = view_end(&v, (const unsigned char *)text, out->v[k].end - 1);
			out->v[k].start = v.from[out->v[k].start];
		}
	}
	view_release(&v);
	if (rc) {
		out->n = 0;
		return kerr_set(e, KERR_NOMEM, "out of memory while scanning for personal data");
	}
	return 0;
}

int pii_mask(const char *text, size_t len, unsigned kinds, struct buf *out,
	     size_t *found, struct kerr *e)
{
	struct pii_hits h = PII_HITS_INIT;
	size_t k, pos = 0;
	int rc;

	if (found)
		*found = 0;
	if ((rc = pii_find(text, len, kinds, &h, e)))
		return rc;
	for (k = 0; k < h.n; k++) {
		if ((rc = buf_add(out, text + pos, h.v[k].start - pos)) ||
		    (rc = buf_adds(out, pii_placeholder(h.v[k].kind))))
			break;
		pos = h.v[k].end;
	}
	if (!rc)
		rc = buf_add(out, text + pos, len - pos);
	if (found && !rc)
		*found = h.n;
	pii_hits_release(&h);
	if (rc)
		return kerr_set(e, rc, "the masked text does not fit in memory or its limit");
	return 0;
}

const char *pii_cell(const char *text, unsigned kinds, struct buf *scratch, struct kerr *e)
{
	size_t found = 0;

	if (!kinds || !text)
		return text;
	buf_reset(scratch);
	if (pii_mask(text, strlen(text), kinds, scratch, &found, e)) {
		buf_reset(scratch);
		return NULL;
	}
	return found ? scratch->data : text;
}

const char *pii_kind_name(enum pii_kind kind)
{
	switch (kind) {
	case PII_CPR: return "cpr";
	case PII_PHONE: return "phone";
	case PII_EMAIL: return "email";
	case PII_NAME: return "name";
	}
	return "?";
}

const char *pii_placeholder(enum pii_kind kind)
{
	switch (kind) {
	case PII_CPR: return "[CPR]";
	case PII_PHONE: return "[TELEFON]";
	case PII_EMAIL: return "[EMAIL]";
	case PII_NAME: return "[NAVN]";
	}
	return "[?]";
}

int pii_kinds_parse(const char *s, unsigned *kinds, struct kerr *e)
{
	static const enum pii_kind all[] = { PII_CPR, PII_PHONE, PII_EMAIL, PII_NAME };
	unsigned k = 0;

	while (*s) {
		size_t len = strcspn(s, ","), i;
		int ok = 0;

		if (len == 3 && !memcmp(s, "all", 3)) {
			k |= PII_ALL;
			ok = 1;
		}
		for (i = 0; !ok && i < sizeof(all) / sizeof(all[0]); i++)
			if (strlen(pii_kind_name(all[i])) == len &&
			    !memcmp(s, pii_kind_name(all[i]), len)) {
				k |= all[i];
				ok = 1;
			}
		if (!ok)
			return kerr_set(e, KERR_USAGE, "unknown kind of personal data '%.*s'; "
					"use cpr, phone, email, name or all", (int)len, s);
		s += len;
		if (*s == ',')
			s++;
	}
	if (!k)
		return kerr_set(e, KERR_USAGE, "no kind of personal data given; "
				"use cpr, phone, email, name or all");
	*kinds = k;
	return 0;
}
