/*
 * review.c - the review session (see review.h): loading the answers of one
 * question with the coder's state, the terminal, drawing a frame, keys, and
 * saving decisions; plus the double-coding sample and the bench.
 *
 * Everything about the answers is loaded once at the start (text,
 * suggestion, this coder's current codes, disagreement flags), so moving to
 * the next answer costs one indexed query for its evidence and one frame.
 * Categories are held as bit sets (a codebook has at most 64 categories
 * here; more is refused with a message).
 */
#include "review.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "normalize.h"
#include "project.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_CATS PROJECT_MAX_CATS
#define NOTE_MAX 2000
#define SEARCH_MAX 200

/* ================================================================ data */

struct item {
	long long id, seq;
	char *respondent, *wave, *role, *place, *text;
	char *sugg_codes;        /* the suggestion as stored (for decisions) */
	char *others;            /* adjudication: each coder's codes */
	uint64_t sugg, base, mine;
	size_t wave_idx;
	unsigned decided : 1, disputed : 1, uncertain : 1;
};

enum filter { F_ALL, F_UNREVIEWED, F_UNCERTAIN, F_CODE, F_DISPUTED };

static const char *const filter_names[] = {
	"all", "not reviewed", "uncertain", "suggested ", "disagreements"
};

struct rv {
	struct store *s;
	const char *question, *coder;
	enum review_mode mode;
	struct codebook *cb;
	struct item *it;
	size_t n, cap;
	size_t *view, nview, cur;
	size_t *byid;
	char **waves;
	size_t nwaves, *wave_total, *wave_done, done;
	uint64_t work;
	long long work_for;
	struct buf note;          /* pending note for work_for */
	enum filter filter;
	size_t filter_cat;
	char msg[1024];
	struct buf search;
	struct buf frame;
	int rows, cols, color, scroll;
	double t0;
	size_t session;
	long long *sample;
	size_t nsample, capsample;
	struct kerr *e;
	int nomem;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


static int codes_of(const struct codebook *cb, uint64_t b, struct buf *out)
{
	size_t i, k = 0;

	buf_reset(out);
	for (i = 0; i < cb->ncats; i++)
		if ((b >> i) & 1)
			if (buf_addf(out, "%s%s", k++ ? ";" : "", cb->cats[i].id))
				return KERR_NOMEM;
	return 0;
}

static char *xdup(struct rv *r, const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		r->nomem = 1;
	return d;
}

static size_t wave_index(struct rv *r, const char *wave)
{
	size_t i;
	void *p;

	for (i = 0; i < r->nwaves; i++)
		if (!strcmp(r->waves[i], wave))
			return i;
	if (!(p = realloc(r->waves, (r->nwaves + 1) * sizeof(*r->waves)))) {
		r->nomem = 1;
		return 0;
	}
	r->waves = p;
	r->waves[r->nwaves] = xdup(r, wave);
	return r->nwaves++;
}

/* The place shown beside wave and role: the first of the answer's other
 * columns (Kommune in the SOF survey). */
static char *place_of(struct rv *r, const char *extra)
{
	cJSON *o = extra ? cJSON_Parse(extra) : NULL, *it;
	char *out = NULL;
	struct buf b = BUF_INIT;

	cJSON_ArrayForEach(it, o) {
		if (cJSON_IsString(it) && it->valuestring[0]) {
			buf_addf(&b, "%s: %s", it->string, it->valuestring);
			break;
		}
	}
	cJSON_Delete(o);
	out = xdup(r, b.data);
	buf_release(&b);
	return out;
}

static int in_sample(const struct rv *r, long long id)
{
	size_t lo = 0, hi = r->nsample;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->sample[mid] == id)
			return 1;
		if (r->sample[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int add_sample(void *ctx, long long id)
{
	struct rv *r = ctx;

	if (r->nsample == r->capsample) {
		size_t ncap = r->capsample ? 2 * r->capsample : 64;
		void *p = realloc(r->sample, ncap * sizeof(*r->sample));

		if (!p)
			return KERR_NOMEM;
		r->sample = p;
		r->capsample = ncap;
	}
	r->sample[r->nsample++] = id;
	return 0;
}

static int load_final(void *ctx, const struct store_final *f)
{
	struct rv *r = ctx;
	const struct store_answer *a = f->answer;
	struct item *it;

	if (r->nsample && !in_sample(r, a->id))
		return 0;
	if (r->mode == REVIEW_ADJUDICATE && !f->disputed && !f->adjudicated)
		return 0;
	if (r->n == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 256;
		void *p = realloc(r->it, ncap * sizeof(*r->it));

		if (!p)
			return KERR_NOMEM;
		r->it = p;
		r->cap = ncap;
	}
	it = &r->it[r->n++];
	memset(it, 0, sizeof(*it));
	it->id = a->id;
	it->seq = a->seq;
	it->respondent = xdup(r, a->respondent);
	it->wave = xdup(r, a->wave);
	it->role = xdup(r, a->role);
	it->text = xdup(r, a->text);
	it->place = place_of(r, a->extra);
	it->sugg_codes = f->suggested ? xdup(r, f->suggested) : NULL;
	it->sugg = project_code_bits(r->cb, f->suggested);
	it->base = r->mode == REVIEW_ADJUDICATE ? project_code_bits(r->cb, f->codes) : it->sugg;
	it->disputed = f->disputed;
	it->uncertain = it->sugg == 0 || (r->cb->andet >= 0
		&& it->sugg == (uint64_t)1 << r->cb->andet);
	it->wave_idx = wave_index(r, a->wave);
	return r->nomem ? KERR_NOMEM : 0;
}

/* Answer id -> item, through r->byid (item indexes sorted by answer id). */
static struct item *item_by_id(struct rv *r, long long id)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		long long m = r->it[r->byid[mid]].id;

		if (m == id)
			return &r->it[r->byid[mid]];
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct item *sort_items;

static int cmp_byid(const void *a, const void *b)
{
	long long x = sort_items[*(const size_t *)a].id, y = sort_items[*(const size_t *)b].id;

	return (x > y) - (x < y);
}

static int index_items(struct rv *r)
{
	size_t i;

	if (!(r->byid = malloc((r->n + 1) * sizeof(*r->byid))))
		return KERR_NOMEM;
	for (i = 0; i < r->n; i++)
		r->byid[i] = i;
	sort_items = r->it;
	qsort(r->byid, r->n, sizeof(*r->byid), cmp_byid);
	sort_items = NULL;
	return 0;
}

static int load_latest(void *ctx, const struct store_decision *d)
{
	struct rv *r = ctx;
	struct item *it = item_by_id(r, d->answer_id);

	if (!it || (r->mode == REVIEW_ADJUDICATE && !d->final))
		return 0;
	it->decided = 1;
	it->mine = project_code_bits(r->cb, d->codes);
	return 0;
}

static int load_others(void *ctx, const struct store_decision *d)
{
	struct rv *r = ctx;
	struct item *it;
	struct buf b = BUF_INIT;

	if (d->final || !(it = item_by_id(r, d->answer_id)))
		return 0;
	if (buf_addf(&b, "%s%s%s: %s", it->others ? it->others : "", it->others ? " · " : "",
			d->coder, d->codes)) {
		buf_release(&b);
		return KERR_NOMEM;
	}
	free(it->others);
	it->others = buf_detach(&b, NULL);
	return it->others ? 0 : KERR_NOMEM;
}

static void count_done(struct rv *r)
{
	size_t i;

	free(r->wave_total);
	free(r->wave_done);
	r->wave_total = calloc(r->nwaves + 1, sizeof(size_t));
	r->wave_done = calloc(r->nwaves + 1, sizeof(size_t));
	if (!r->wave_total || !r->wave_done) {
		r->nomem = 1;
		return;
	}
	r->done = 0;
	for (i = 0; i < r->n; i++) {
		r->wave_total[r->it[i].wave_idx]++;
		if (r->it[i].decided) {
			r->wave_done[r->it[i].wave_idx]++;
			r->done++;
		}
	}
}

static int load(struct rv *r)
{
	struct kerr_list errs = KERR_LIST_INIT;
	int rc;

	if ((rc = project_codebook_of(r->s, r->question, &r->cb, &errs))) {
		if (errs.n && r->e)
			*r->e = errs.items[0];
		kerr_list_release(&errs);
		return rc;
	}
	kerr_list_release(&errs);
	if (r->cb->ncats > MAX_CATS)
		return kerr_set(r->e, KERR_LIMIT, "codebook %s has %zu categories; review "
			"handles up to %d", r->cb->id, r->cb->ncats, MAX_CATS);
	if (r->mode == REVIEW_CODE) {
		if ((rc = store_each_sample(r->s, r->coder, add_sample, r, r->e)))
			return rc;
		if (r->nsample)
			qsort(r->sample, r->nsample, sizeof(*r->sample), cmp_ll);
	}
	if ((rc = store_each_final(r->s, r->question, load_final, r, r->e)))
		return rc == KERR_NOMEM ? kerr_set(r->e, KERR_NOMEM, "out of memory") : rc;
	if (index_items(r))
		return kerr_set(r->e, KERR_NOMEM, "out of memory");
	if ((rc = store_each_latest(r->s, r->question, r->coder, load_latest, r, r->e)))
		return rc;
	if (r->mode == REVIEW_ADJUDICATE
	    && (rc = store_each_latest(r->s, r->question, NULL, load_others, r, r->e)))
		return rc;
	count_done(r);
	if (r->nomem)
		return kerr_set(r->e, KERR_NOMEM, "out of memory");
	return 0;
}

static void unload(struct rv *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct item *it = &r->it[i];

		free(it->respondent);
		free(it->wave);
		free(it->role);
		free(it->place);
		free(it->text);
		free(it->sugg_codes);
		free(it->others);
	}
	free(r->it);
	for (i = 0; i < r->nwaves; i++)
		free(r->waves[i]);
	free(r->waves);
	free(r->wave_total);
	free(r->wave_done);
	free(r->view);
	free(r->byid);
	free(r->sample);
	buf_release(&r->note);
	buf_release(&r->search);
	buf_release(&r->frame);
	codebook_free(r->cb);
}

/* ================================================================ views */

static int matches(const struct rv *r, const struct item *it)
{
	switch (r->filter) {
	case F_UNREVIEWED: return !it->decided;
	case F_UNCERTAIN: return it->uncertain;
	case F_CODE: return (it->sugg >> r->filter_cat) & 1;
	case F_DISPUTED: return it->disputed;
	default: return 1;
	}
}

static struct item *current(struct rv *r)
{
	return r->nview ? &r->it[r->view[r->cur]] : NULL;
}

/* Show item `idx` (index into r->it) if the view has it. */
static void go_item(struct rv *r, size_t idx)
{
	size_t i;

	for (i = 0; i < r->nview; i++)
		if (r->view[i] == idx) {
			r->cur = i;
			return;
		}
}

static void rebuild_view(struct rv *r, long keep)
{
	size_t i;

	r->nview = 0;
	for (i = 0; i < r->n; i++)
		if (matches(r, &r->it[i]))
			r->view[r->nview++] = i;
	r->cur = 0;
	if (keep >= 0)
		go_item(r, (size_t)keep);
}

/* The first answer not yet reviewed at or after position `from`, wrapping;
 * `from` itself when all are reviewed. */
static size_t next_todo(struct rv *r, size_t from)
{
	size_t k;

	for (k = 0; k < r->nview; k++) {
		size_t i = (from + k) % r->nview;

		if (!r->it[r->view[i]].decided)
			return i;
	}
	return from;
}

static void sync_work(struct rv *r)
{
	struct item *it = current(r);

	if (!it || it->id == r->work_for)
		return;
	r->work_for = it->id;
	r->work = it->decided ? it->mine : it->base;
	r->scroll = 0;
	if (r->note.len) {
		buf_reset(&r->note);
		snprintf(r->msg, sizeof(r->msg), "The unsaved note was dropped.");
	}
}

/* ============================================================= terminal */

static struct termios saved_tio;
static int tio_fd = -1;
static volatile sig_atomic_t got_signal, got_winch;

static const char leave_seq[] = "\x1b[0m\x1b[?25h\x1b[?1049l";

static void restore_terminal(void)
{
	if (tio_fd < 0)
		return;
	(void)!write(tio_fd, leave_seq, sizeof(leave_seq) - 1);
	tcsetattr(tio_fd, TCSAFLUSH, &saved_tio);
	tio_fd = -1;
}

static void on_signal(int sig)
{
	got_signal = sig;
}

static void on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

static int enter_terminal(int in, int out, struct kerr *e)
{
	struct termios t;
	struct sigaction sa;
	static const char enter_seq[] = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";

	if (!isatty(in) || tcgetattr(in, &saved_tio))
		return kerr_set(e, KERR_INVALID, "review needs a terminal; use --export and "
			"--import to code in a spreadsheet");
	t = saved_tio;
	t.c_iflag &= ~(unsigned)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
	t.c_oflag &= ~(unsigned)OPOST;
	t.c_cflag |= CS8;
	t.c_lflag &= ~(unsigned)(ECHO | ICANON | IEXTEN | ISIG);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	if (tcsetattr(in, TCSAFLUSH, &t))
		return kerr_errno(e, errno, NULL, "cannot set up the terminal");
	tio_fd = in;
	atexit(restore_terminal);
	(void)!write(out, enter_seq, sizeof(enter_seq) - 1);
	return 0;
}

static void leave_terminal(void)
{
	struct sigaction sa;

	restore_terminal();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
}

static void term_size(struct rv *r, int fd)
{
	struct winsize ws;

	r->rows = 24;
	r->cols = 80;
	if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		r->rows = ws.ws_row;
		r->cols = ws.ws_col;
	}
	if (r->rows < 12)
		r->rows = 12;
	if (r->cols < 40)
		r->cols = 40;
}

enum {
	K_NONE = -1, K_UP = 1000, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_ENTER, K_ESC,
	K_BACKSPACE, K_INTR, K_HUP
};

/* One key: a byte, or K_* for a special key.  K_NONE after a window
 * resize; K_INTR/K_HUP after a signal or end of input. */
static int read_key(int fd)
{
	unsigned char c, seq[4];
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;

	for (;;) {
		if (got_signal)
			return got_signal == SIGHUP ? K_HUP : K_INTR;
		if (got_winch) {
			got_winch = 0;
			return K_NONE;
		}
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return K_HUP;
		}
		n = read(fd, &c, 1);
		if (n == 1)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		return K_HUP;
	}
	if (c == '\r' || c == '\n')
		return K_ENTER;
	if (c == 127 || c == 8)
		return K_BACKSPACE;
	if (c == 3)
		return K_INTR;
	if (c != 27)
		return c;
	p.events = POLLIN;
	if (poll(&p, 1, 50) <= 0 || read(fd, &seq[0], 1) != 1)
		return K_ESC;
	if (seq[0] != '[' && seq[0] != 'O')
		return K_ESC;
	if (read(fd, &seq[1], 1) != 1)
		return K_ESC;
	switch (seq[1]) {
	case 'A': return K_UP;
	case 'B': return K_DOWN;
	case 'C': return K_RIGHT;
	case 'D': return K_LEFT;
	case '5': case '6':
		if (read(fd, &seq[2], 1) == 1 && seq[2] == '~')
			return seq[1] == '5' ? K_PGUP : K_PGDN;
		return K_NONE;
	default:
		return K_NONE;
	}
}

/* ============================================================== drawing */

/* Bytes of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t u8len(const unsigned char *s)
{
	size_t n = *s < 0x80 ? 1 : *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc0 ? 2 : 1;
	size_t i;

	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Append at most `width` columns of `s`, then pad with spaces to `width`
 * when `pad`.  Control characters show as spaces.  Returns columns used. */
static int put_cols(struct buf *b, const char *s, int width, int pad)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;

	while (*p && w < width) {
		size_t n = u8len(p);

		/* combining marks (U+0300..U+036F) take no column */
		int zero = n == 2 && p[0] == 0xcc;

		if (*p < 0x20)
			buf_addch(b, ' ');
		else
			buf_add(b, p, n);
		p += n;
		w += !zero;
	}
	while (pad && w < width) {
		buf_addch(b, ' ');
		w++;
	}
	return w;
}

/* Columns `s` takes (code points, less combining marks). */
static int text_cols(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;

	while (*p) {
		size_t n = u8len(p);

		w += !(n == 2 && p[0] == 0xcc);
		p += n;
	}
	return w;
}

static void line_end(struct buf *b)
{
	buf_adds(b, "\x1b[K\r\n");
}

/* One display cell of the answer text. */
struct cell {
	const char *s;
	unsigned char len;
	unsigned char hl;       /* evidence */
	unsigned char space, nl;
};

struct text_layout {
	struct cell *c;
	size_t n, cap;
	size_t *line;           /* start cell of each line; line[nlines] = n */
	size_t nlines, lcap;
};

static int cells_add(struct text_layout *t, const char *s, size_t len, int hl)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? 2 * t->cap : 256;
		void *p = realloc(t->c, ncap * sizeof(*t->c));

		if (!p)
			return KERR_NOMEM;
		t->c = p;
		t->cap = ncap;
	}
	t->c[t->n].s = s;
	t->c[t->n].len = (unsigned char)len;
	t->c[t->n].hl = (unsigned char)hl;
	t->c[t->n].space = len == 1 && (*s == ' ' || *s == '\t');
	t->c[t->n].nl = len == 1 && *s == '\n';
	t->n++;
	return 0;
}

static int lines_add(struct text_layout *t, size_t start)
{
	if (t->nlines + 1 >= t->lcap) {
		size_t ncap = t->lcap ? 2 * t->lcap : 32;
		void *p = realloc(t->line, ncap * sizeof(*t->line));

		if (!p)
			return KERR_NOMEM;
		t->line = p;
		t->lcap = ncap;
	}
	t->line[t->nlines++] = start;
	return 0;
}

static int cell_width(const struct cell *c)
{
	/* combining marks (U+0300..U+036F) take no column */
	return c->len && !(c->len == 2 && (unsigned char)c->s[0] == 0xcc);
}

/* Mark the evidence spans (from the suggestion's JSON) in `hl`, one byte
 * per text byte. */
static void mark_evidence(const char *json, const struct codebook *cb, unsigned char *hl,
	size_t len)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *v;

	cJSON_ArrayForEach(v, a) {
		cJSON *s = cJSON_GetObjectItemCaseSensitive(v, "start");
		cJSON *en = cJSON_GetObjectItemCaseSensitive(v, "end");
		cJSON *cat = cJSON_GetObjectItemCaseSensitive(v, "cat");
		long k = cJSON_IsString(cat) ? codebook_find(cb, cat->valuestring) : -1;
		size_t i, from, to;

		/* Offsets come from the store, which another program may have
		 * written: range-check before converting. */
		if (!cJSON_IsNumber(s) || !cJSON_IsNumber(en) || s->valuedouble < 0 || k < 0
		    || k >= MAX_CATS || en->valuedouble < s->valuedouble
		    || en->valuedouble > (double)len)
			continue;
		from = (size_t)s->valuedouble;
		to = (size_t)en->valuedouble;
		for (i = from; i < to && i < len; i++)
			if (!hl[i])
				hl[i] = (unsigned char)(k + 1);
	}
	cJSON_Delete(a);
}

/* After an evidence span, the number of its category in superscript, so
 * the coder sees which code each highlighted phrase stands for. */
static int add_number(struct text_layout *t, int cat1)
{
	static const char *const sup[10] = {
		"⁰", "¹", "²", "³", "⁴",
		"⁵", "⁶", "⁷", "⁸", "⁹"
	};
	char digits[12];  /* any int, so -O1 format-truncation checks pass */
	size_t i;
	int rc = 0;

	snprintf(digits, sizeof(digits), "%d", cat1 <= 10 ? cat1 % 10 : cat1);
	for (i = 0; digits[i] && !rc; i++)
		rc = cells_add(t, sup[digits[i] - '0'], strlen(sup[digits[i] - '0']), 0);
	return rc;
}

static int layout(struct text_layout *t, const char *text, const unsigned char *hl,
	int width, int brackets)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t start, last_space = (size_t)-1, i;
	int prev = 0, w = 0, rc = 0;

	t->n = t->nlines = 0;
	while (*p && !rc) {
		size_t off = (size_t)(p - (const unsigned char *)text), n = u8len(p);
		int h = hl[off];

		if (h != prev) {
			if (prev && brackets)
				rc = cells_add(t, "]", 1, 0);
			if (prev && !rc)
				rc = add_number(t, prev);
			if (h && brackets && !rc)
				rc = cells_add(t, "[", 1, 0);
		}
		prev = h;
		if (!rc)
			rc = cells_add(t, (const char *)p, *p == '\r' ? 0 : n, h);
		p += n;
	}
	if (prev && brackets && !rc)
		rc = cells_add(t, "]", 1, 0);
	if (prev && !rc)
		rc = add_number(t, prev);
	start = 0;
	if (!rc)
		rc = lines_add(t, 0);
	for (i = 0; i < t->n && !rc; i++) {
		const struct cell *c = &t->c[i];
		int cw = cell_width(c);

		if (c->nl) {
			rc = lines_add(t, i + 1);
			start = i + 1;
			w = 0;
			last_space = (size_t)-1;
			continue;
		}
		if (w + cw > width && i > start) {
			size_t brk = last_space != (size_t)-1 ? last_space + 1 : i, j;

			rc = lines_add(t, brk);
			start = brk;
			last_space = (size_t)-1;
			for (w = 0, j = brk; j < i; j++)
				w += cell_width(&t->c[j]);
		}
		if (c->space)
			last_space = i;
		w += cw;
	}
	if (!rc)
		t->line[t->nlines] = t->n;
	return rc;
}

static void put_line(struct rv *r, const struct text_layout *t, size_t ln)
{
	size_t i, end = t->line[ln + 1];
	int on = 0;

	buf_adds(&r->frame, "  ");
	for (i = t->line[ln]; i < end; i++) {
		const struct cell *c = &t->c[i];

		if (c->nl || !c->len)
			continue;
		if (r->color && c->hl != on) {
			buf_adds(&r->frame, c->hl ? "\x1b[30;43m" : "\x1b[0m");
			on = c->hl;
		}
		if ((unsigned char)c->s[0] < 0x20)
			buf_addch(&r->frame, ' ');
		else
			buf_add(&r->frame, c->s, c->len);
	}
	if (on)
		buf_adds(&r->frame, "\x1b[0m");
	line_end(&r->frame);
}

static int copy_evidence(void *ctx, const struct store_suggestion *g)
{
	return g->evidence ? (buf_adds(ctx, g->evidence) ? KERR_NOMEM : 0) : 0;
}

static void put_status(struct rv *r)
{
	struct buf s = BUF_INIT;
	double min = (now_ms() - r->t0) / 60000.0;
	size_t i;

	buf_addf(&s, " %s %zu/%zu", r->mode == REVIEW_ADJUDICATE ? "Adjudicated" : "Reviewed",
		r->done, r->n);
	for (i = 0; i < r->nwaves && r->nwaves > 1; i++)
		buf_addf(&s, " · %s %zu/%zu", r->waves[i], r->wave_done[i], r->wave_total[i]);
	/* a pace from a few seconds of work would be noise */
	if (r->session >= 3 && min > 0.25) {
		double pace = r->session / min;

		buf_addf(&s, " · %.1f/min", pace);
		if (pace > 0 && r->done < r->n)
			buf_addf(&s, " ~%.0f min left", (r->n - r->done) / pace);
	}
	if (r->color)
		buf_adds(&r->frame, "\x1b[7m");
	put_cols(&r->frame, s.data, r->cols, 1);
	if (r->color)
		buf_adds(&r->frame, "\x1b[0m");
	buf_adds(&r->frame, "\x1b[K");
	buf_release(&s);
}

/* Draw the whole screen into r->frame; `prompt` (may be NULL) replaces the
 * message line. */
static int render(struct rv *r, const char *prompt)
{
	struct item *it = current(r);
	struct buf line = BUF_INIT, ev = BUF_INIT;
	struct text_layout t = { 0 };
	unsigned char *hl = NULL;
	int row = 0, text_rows, cat_rows, i, rc = 0;
	size_t k;

	sync_work(r);
	buf_reset(&r->frame);
	buf_adds(&r->frame, "\x1b[H");
	/* title */
	buf_addf(&line, " koder review · %s · %s v%s · %s%s · view: %s%s", r->question,
		r->cb->id, r->cb->version ? r->cb->version : "", r->coder,
		r->mode == REVIEW_ADJUDICATE ? " (adjudicating)" : r->nsample ? " (sample)" : "",
		filter_names[r->filter],
		r->filter == F_CODE ? r->cb->cats[r->filter_cat].id : "");
	if (r->color)
		buf_adds(&r->frame, "\x1b[7m");
	put_cols(&r->frame, line.data, r->cols, 1);
	if (r->color)
		buf_adds(&r->frame, "\x1b[0m");
	line_end(&r->frame);
	row++;
	buf_reset(&line);
	if (!it) {
		buf_adds(&r->frame, r->n ? "  No answer in this view: press f to change the filter."
			: "  Nothing to review here.");
		line_end(&r->frame);
		row++;
		goto bottom;
	}
	buf_addf(&line, " [%zu/%zu] %s · %s · %s%s%s", r->cur + 1, r->nview, it->respondent,
		it->wave, it->role, it->place[0] ? " · " : "", it->place);
	put_cols(&r->frame, line.data, r->cols - 16, 0);
	buf_adds(&r->frame, it->decided ? (r->color ? "  \x1b[32m✓ reviewed\x1b[0m" : "  ✓ reviewed")
		: "  not reviewed");
	line_end(&r->frame);
	line_end(&r->frame);
	row += 2;

	/* the answer, evidence marked */
	if (!(hl = calloc(strlen(it->text) + 1, 1)))
		rc = KERR_NOMEM;
	if (!rc) {
		rc = store_get_suggestion(r->s, it->id, copy_evidence, &ev, NULL);
		rc = rc == KERR_NOTFOUND ? 0 : rc;
	}
	if (!rc) {
		mark_evidence(ev.data, r->cb, hl, strlen(it->text));
		rc = layout(&t, it->text, hl, r->cols - 4, !r->color);
	}
	if (rc)
		goto out;
	/* below: the coders' line, the categories, the note, message and status */
	cat_rows = (int)r->cb->ncats;
	if (cat_rows > r->rows - row - 3 - (it->others ? 1 : 0) - 3)
		cat_rows = ((int)r->cb->ncats + 1) / 2;
	text_rows = r->rows - row - cat_rows - 3 - (it->others ? 1 : 0);
	if (text_rows < 1)
		text_rows = 1;
	if (r->scroll > (int)t.nlines - text_rows)
		r->scroll = (int)t.nlines - text_rows > 0 ? (int)t.nlines - text_rows : 0;
	for (i = 0; i < text_rows; i++) {
		size_t ln = (size_t)(r->scroll + i);

		if (ln < t.nlines && i == text_rows - 1 && ln + 1 < t.nlines) {
			buf_addf(&r->frame, "  … %zu more line%s (PgDn)", t.nlines - ln,
				t.nlines - ln == 1 ? "" : "s");
			line_end(&r->frame);
		} else if (ln < t.nlines) {
			put_line(r, &t, ln);
		} else {
			line_end(&r->frame);
		}
		row++;
	}
	if (it->others) {
		buf_reset(&line);
		buf_addf(&line, " Coders: %s", it->others);
		put_cols(&r->frame, line.data, r->cols, 0);
		line_end(&r->frame);
		row++;
	}
	/* the categories, in two columns when one would not leave room for
	 * the answer */
	for (k = 0; k < (size_t)cat_rows; k++) {
		size_t c;

		for (c = k; c < r->cb->ncats; c += (size_t)cat_rows) {
			int on = (r->work >> c) & 1, sug = (it->sugg >> c) & 1;
			int width = cat_rows < (int)r->cb->ncats ? r->cols / 2 : r->cols;

			buf_reset(&line);
			if (c < 10)
				buf_addf(&line, " %zu", (c + 1) % 10);
			else
				buf_addf(&line, "#%zu", c + 1);
			buf_addf(&line, " [%s] %s%s", on ? "x" : " ", sug ? "*" : " ",
				r->cb->cats[c].label);
			if (r->color && on)
				buf_adds(&r->frame, "\x1b[1m");
			/* the id too when it fits: the label matters more */
			if (text_cols(line.data) + (int)strlen(r->cb->cats[c].id) + 4 <= width) {
				int w = put_cols(&r->frame, line.data, width, 0);

				buf_addf(&r->frame, "  (%s)", r->cb->cats[c].id);
				w += (int)strlen(r->cb->cats[c].id) + 4;
				while (w++ < width && c + (size_t)cat_rows < r->cb->ncats)
					buf_addch(&r->frame, ' ');
			} else {
				put_cols(&r->frame, line.data, width - 1,
					c + (size_t)cat_rows < r->cb->ncats);
				if (c + (size_t)cat_rows < r->cb->ncats)
					buf_addch(&r->frame, ' ');
			}
			if (r->color && on)
				buf_adds(&r->frame, "\x1b[0m");
		}
		line_end(&r->frame);
		row++;
	}
	buf_reset(&line);
	if (r->note.len)
		buf_addf(&line, " Note (saved with the decision): %s", r->note.data);
	put_cols(&r->frame, line.data, r->cols, 0);
	line_end(&r->frame);
	row++;
bottom:
	while (row < r->rows - 2) {
		line_end(&r->frame);
		row++;
	}
	buf_reset(&line);
	buf_addf(&line, " %s", prompt ? prompt : r->msg[0] ? r->msg
		: "Enter confirm · 1-9 toggle · x ingen_svar · n note · u undo · j/k · / f ? q");
	put_cols(&r->frame, line.data, r->cols, 0);
	line_end(&r->frame);
	put_status(r);
	if (prompt)
		buf_addf(&r->frame, "\x1b[%d;%dH\x1b[?25h", r->rows - 1,
			2 + text_cols(prompt) > r->cols ? r->cols : 2 + text_cols(prompt));
	else
		buf_adds(&r->frame, "\x1b[?25l");
out:
	free(hl);
	free(t.c);
	free(t.line);
	buf_release(&line);
	buf_release(&ev);
	if (rc || r->frame.len == 0)
		return kerr_set(r->e, KERR_NOMEM, "out of memory");
	return 0;
}

static int draw(struct rv *r, int out, const char *prompt)
{
	size_t off = 0;
	int rc = render(r, prompt);

	while (!rc && off < r->frame.len) {
		ssize_t n = write(out, r->frame.data + off, r->frame.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return KERR_IO;
		off += (size_t)n;
	}
	return rc;
}

/* ============================================================ decisions */

static int save(struct rv *r, uint64_t codes)
{
	struct item *it = current(r);
	struct store_decision d = { 0 };
	struct buf c = BUF_INIT;
	struct kerr e;
	int rc;

	if (!it)
		return 0;
	if (codes == 0) {
		snprintf(r->msg, sizeof(r->msg), "Tick at least one category (or x for ingen_svar).");
		return 1;
	}
	if (codes_of(r->cb, codes, &c))
		return kerr_set(r->e, KERR_NOMEM, "out of memory");
	kerr_clear(&e);
	d.answer_id = it->id;
	d.coder = r->coder;
	d.codebook_id = r->cb->id;
	d.codebook_version = r->cb->version ? r->cb->version : "";
	d.codes = c.data;
	d.suggested = it->sugg_codes;
	d.action = r->mode == REVIEW_ADJUDICATE ? "adjudicate"
		: codes == it->sugg ? "confirm" : "override";
	d.final = r->mode == REVIEW_ADJUDICATE;
	d.note = r->note.len ? r->note.data : NULL;
	rc = store_add_decision(r->s, &d, NULL, &e);
	if (rc) {
		/* Not saved: stay on the answer and say why; the coder may retry. */
		snprintf(r->msg, sizeof(r->msg), "NOT SAVED: %s", e.msg);
		buf_release(&c);
		return 1;
	}
	if (!it->decided) {
		it->decided = 1;
		r->done++;
		r->wave_done[it->wave_idx]++;
	}
	it->mine = codes;
	r->work = codes;
	r->session++;
	snprintf(r->msg, sizeof(r->msg), "Saved %s: %s%s", it->respondent, c.data,
		r->note.len ? " (with note)" : "");
	buf_reset(&r->note);
	buf_release(&c);
	return 0;
}

static void advance(struct rv *r)
{
	size_t next;

	if (!r->nview)
		return;
	next = next_todo(r, (r->cur + 1) % r->nview);
	if (next == r->cur || r->it[r->view[next]].decided) {
		if (r->cur + 1 < r->nview)
			r->cur++;
		else
			strncat(r->msg, " · Every answer in this view is reviewed.",
				sizeof(r->msg) - strlen(r->msg) - 1);
		return;
	}
	r->cur = next;
}

static void undo(struct rv *r)
{
	struct store_decision d;
	struct item *it;
	long long id = 0;
	struct kerr e;
	int rc;

	kerr_clear(&e);
	rc = store_undo(r->s, r->coder, &id, &e);
	if (rc) {
		snprintf(r->msg, sizeof(r->msg), "%s", rc == KERR_NOTFOUND
			? "Nothing to undo." : e.msg);
		return;
	}
	if (!(it = item_by_id(r, id))) {
		snprintf(r->msg, sizeof(r->msg), "Undid a decision on an answer outside this view.");
		return;
	}
	rc = store_latest(r->s, id, r->coder, &d, NULL);
	if (rc == 0 && (r->mode != REVIEW_ADJUDICATE || d.final)) {
		it->mine = project_code_bits(r->cb, d.codes);
		if (!it->decided) {
			r->done++;
			r->wave_done[it->wave_idx]++;
		}
		it->decided = 1;
	} else if (it->decided) {
		it->decided = 0;
		r->done--;
		r->wave_done[it->wave_idx]--;
	}
	if (rc == 0)
		store_decision_release(&d);
	r->work_for = 0;
	go_item(r, (size_t)(it - r->it));
	snprintf(r->msg, sizeof(r->msg), "Undone: %s is %s.", it->respondent,
		it->decided ? "back to its earlier decision" : "not reviewed again");
}

static void toggle(struct rv *r, size_t k)
{
	uint64_t bit = (uint64_t)1 << k;
	uint64_t none = (uint64_t)1 << r->cb->ingen_svar;

	if (k >= r->cb->ncats)
		return;
	r->work ^= bit;
	/* ingen_svar and real categories exclude each other. */
	if (bit == none)
		r->work &= none;
	else
		r->work &= ~none;
	r->msg[0] = '\0';
}

/* ================================================================ prompts */

/* Edit a line in the message row.  Returns 1 on Enter, 0 on Esc, -1 on a
 * signal. */
static int prompt(struct rv *r, int in, int out, const char *label, struct buf *b,
	size_t max)
{
	struct buf p = BUF_INIT;
	int k;

	for (;;) {
		buf_reset(&p);
		buf_addf(&p, "%s%s", label, b->data);
		draw(r, out, p.data);
		k = read_key(in);
		if (k == K_ENTER || k == K_ESC || k == K_INTR || k == K_HUP)
			break;
		if (k == K_BACKSPACE) {
			while (b->len && ((unsigned char)b->data[b->len - 1] & 0xc0) == 0x80)
				buf_truncate(b, b->len - 1);
			if (b->len)
				buf_truncate(b, b->len - 1);
		} else if (k >= 0x20 && k < 0x100 && k != 0x7f && b->len < max) {
			buf_addch(b, k);
		}
	}
	buf_release(&p);
	return k == K_ENTER ? 1 : k == K_ESC ? 0 : -1;
}

static const char *const help_text[] = {
	"koder review - keys",
	"",
	"  1-9, 0      tick or untick category 1-9, 10 (# then a number for more)",
	"  Enter       save the ticked categories and go to the next answer",
	"  x           save ingen_svar (no substantive answer) and go on",
	"  n           write a note; it is saved with the decision",
	"  u           undo your last decision (again: the one before)",
	"  j k, arrows next / previous answer;  PgDn PgUp scroll a long answer",
	"  /           search the answers (æ/ae, ø/oe, å/aa alike) or a respondent id",
	"  f           filter: all, not reviewed, uncertain, by suggested code,",
	"              disagreements between coders",
	"  q           quit; every saved decision is kept, and the next start",
	"              resumes at the first answer you have not reviewed",
	"",
	"  * marks the engine's suggestion; [x] what will be saved.",
	"  Highlighted (or [bracketed]) words are the evidence for a suggestion;",
	"  the small number after them is the category they stand for.",
	"",
	"Press any key.",
	NULL
};

static void help(struct rv *r, int in, int out)
{
	size_t i;
	int row = 0;

	buf_reset(&r->frame);
	buf_adds(&r->frame, "\x1b[H");
	for (i = 0; help_text[i] && row < r->rows - 1; i++, row++) {
		put_cols(&r->frame, help_text[i], r->cols, 0);
		line_end(&r->frame);
	}
	buf_adds(&r->frame, "\x1b[J");
	(void)!write(out, r->frame.data, r->frame.len);
	read_key(in);
}

/* Case- and æøå-insensitive search from the answer after the current one. */
static void search(struct rv *r)
{
	struct buf needle = BUF_INIT, key = BUF_INIT;
	size_t k;

	if (!r->search.len || normalize_key(r->search.data, r->search.len, &needle, NULL))
		goto out;
	for (k = 1; k <= r->nview; k++) {
		size_t i = (r->cur + k) % r->nview;
		const char *text = r->it[r->view[i]].text;

		if (!strcasecmp(r->it[r->view[i]].respondent, r->search.data)) {
			r->cur = i;
			snprintf(r->msg, sizeof(r->msg), "Respondent %s.", r->search.data);
			goto out;
		}
		buf_reset(&key);
		if (normalize_key(text, strlen(text), &key, NULL))
			break;
		if (strstr(key.data, needle.data)) {
			r->cur = i;
			snprintf(r->msg, sizeof(r->msg), "Found \"%s\"%s.", r->search.data,
				k == r->nview ? " (only here)" : "");
			goto out;
		}
	}
	snprintf(r->msg, sizeof(r->msg), "\"%s\" is in no answer of this view.", r->search.data);
out:
	buf_release(&needle);
	buf_release(&key);
}

static void filter_menu(struct rv *r, int in, int out)
{
	long keep = r->nview ? (long)r->view[r->cur] : -1;
	int k;

	draw(r, out, "Filter: a all · r not reviewed · u uncertain · c suggested code · "
		"d disagreements");
	k = read_key(in);
	switch (k) {
	case 'a': r->filter = F_ALL; break;
	case 'r': r->filter = F_UNREVIEWED; break;
	case 'u': r->filter = F_UNCERTAIN; break;
	case 'd': r->filter = F_DISPUTED; break;
	case 'c':
		draw(r, out, "Filter by suggested code: press its number (1-9, 0)");
		k = read_key(in);
		if (k < '0' || k > '9' || (size_t)((k - '0' + 9) % 10) >= r->cb->ncats) {
			snprintf(r->msg, sizeof(r->msg), "No such category.");
			return;
		}
		r->filter = F_CODE;
		r->filter_cat = (size_t)((k - '0' + 9) % 10);
		break;
	default:
		return;
	}
	rebuild_view(r, keep);
	if (r->filter == F_UNREVIEWED && r->nview)
		r->cur = next_todo(r, r->cur);
	snprintf(r->msg, sizeof(r->msg), "%zu answer%s in this view.", r->nview,
		r->nview == 1 ? "" : "s");
}

/* ================================================================ session */

static int session(struct rv *r, int in, int out, struct review_summary *sum)
{
	struct buf num = BUF_INIT;
	int rc = 0;

	for (;;) {
		struct item *it;
		int k;

		if ((rc = draw(r, out, NULL)))
			break;
		k = read_key(in);
		it = current(r);
		if (k == K_INTR || k == K_HUP) {
			sum->interrupted = 1;
			break;
		}
		if (k == 'q' || k == 'Q')
			break;
		if (k != K_NONE)
			r->msg[0] = '\0';
		switch (k) {
		case K_NONE:
			term_size(r, out);
			(void)!write(out, "\x1b[2J", 4);
			break;
		case K_DOWN: case K_RIGHT: case 'j':
			if (r->nview && r->cur + 1 < r->nview)
				r->cur++;
			break;
		case K_UP: case K_LEFT: case 'k':
			if (r->cur > 0)
				r->cur--;
			break;
		case K_PGDN: r->scroll += 5; break;
		case K_PGUP: r->scroll = r->scroll > 5 ? r->scroll - 5 : 0; break;
		case K_ENTER:
			if (it && (rc = save(r, r->work)) == 0)
				advance(r);
			else if (rc == 1)
				rc = 0;
			break;
		case 'x':
			if (it && (rc = save(r, (uint64_t)1 << r->cb->ingen_svar)) == 0)
				advance(r);
			else if (rc == 1)
				rc = 0;
			break;
		case 'n':
			if (!it)
				break;
			buf_reset(&num);
			buf_add(&num, r->note.data, r->note.len);
			if (prompt(r, in, out, "Note: ", &num, NOTE_MAX) != 1)
				break;          /* Esc: the note stays as it was */
			buf_reset(&r->note);
			buf_add(&r->note, num.data, num.len);
			if (it->decided && r->note.len) {
				/* Already decided: the note goes in now, with the same codes. */
				if ((rc = save(r, it->mine)) == 1)
					rc = 0;
			}
			break;
		case 'u': undo(r); break;
		case '/':
			buf_reset(&num);
			if (prompt(r, in, out, "Search: ", &num, SEARCH_MAX) == 1) {
				if (num.len) {
					buf_reset(&r->search);
					buf_adds(&r->search, num.data);
				}
				search(r);
			}
			break;
		case 'f': filter_menu(r, in, out); break;
		case '?': help(r, in, out); break;
		case '#':
			buf_reset(&num);
			if (prompt(r, in, out, "Category number: ", &num, 3) == 1 && atoi(num.data) > 0)
				toggle(r, (size_t)atoi(num.data) - 1);
			break;
		default:
			if (k >= '0' && k <= '9')
				toggle(r, (size_t)((k - '0' + 9) % 10));
			break;
		}
		if (rc)
			break;
	}
	buf_release(&num);
	return rc;
}

static int start(struct rv *r, struct store *s, const char *question, const char *coder,
	enum review_mode mode, struct kerr *e)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->note, NOTE_MAX * 4);
	buf_init(&r->search, 0);
	buf_init(&r->frame, 0);
	r->s = s;
	r->question = question;
	r->coder = coder;
	r->mode = mode;
	r->e = e;
	r->rows = 24;
	r->cols = 80;
	r->t0 = now_ms();
	return load(r);
}

int review_run(struct store *s, const struct review_opts *o, struct review_summary *sum,
	struct kerr *e)
{
	struct rv r;
	struct review_summary dummy;
	const char *nc = getenv("NO_COLOR");
	int rc;

	if (!sum)
		sum = &dummy;
	memset(sum, 0, sizeof(*sum));
	got_signal = got_winch = 0;
	rc = start(&r, s, o->question, o->coder, o->mode, e);
	if (!rc) {
		r.view = malloc((r.n + 1) * sizeof(*r.view));
		if (!r.view)
			rc = kerr_set(e, KERR_NOMEM, "out of memory");
	}
	if (!rc) {
		r.color = !(nc && *nc);
		rebuild_view(&r, -1);
		r.cur = next_todo(&r, 0);
		term_size(&r, o->out_fd);
		rc = enter_terminal(o->in_fd, o->out_fd, e);
	}
	if (!rc) {
		rc = session(&r, o->in_fd, o->out_fd, sum);
		leave_terminal();
		if (rc == KERR_IO)
			kerr_errno(e, errno, NULL, "cannot write to the terminal");
	}
	sum->decided = r.session;
	sum->reviewed = r.done;
	sum->total = r.n;
	unload(&r);
	return rc;
}

/* ================================================================= bench */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void percentiles(double *v, size_t n, double *p50, double *p99, double *max)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*p50 = n ? v[n / 2] : 0;
	*p99 = n ? v[(size_t)((n - 1) * 0.99)] : 0;
	*max = n ? v[n - 1] : 0;
}

int review_bench(struct store *s, const char *question, size_t n, struct review_bench *b,
	struct kerr *e)
{
	struct rv r;
	double *t = NULL, t0;
	size_t i;
	int rc;

	memset(b, 0, sizeof(*b));
	t0 = now_ms();
	rc = start(&r, s, question, "bench", REVIEW_CODE, e);
	if (!rc && !(r.view = malloc((r.n + 1) * sizeof(*r.view))))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	if (!rc && !(t = malloc((n + 1) * sizeof(*t))))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	if (!rc) {
		rebuild_view(&r, -1);
		b->load_ms = now_ms() - t0;
		b->answers = r.n;
		if (n > r.n)
			n = r.n;
	}
	/* Render: the path between a key press and the next answer on screen. */
	for (i = 0; !rc && i < n; i++) {
		r.cur = (i * (r.nview / (n ? n : 1))) % (r.nview ? r.nview : 1);
		t0 = now_ms();
		rc = render(&r, NULL);
		t[i] = now_ms() - t0;
	}
	if (!rc)
		percentiles(t, n, &b->render_p50, &b->render_p99, &b->render_max);
	/* Commit: one decision, durable before returning. */
	for (i = 0; !rc && i < n; i++) {
		r.cur = (i * (r.nview / (n ? n : 1))) % (r.nview ? r.nview : 1);
		sync_work(&r);
		t0 = now_ms();
		rc = save(&r, r.work ? r.work : (uint64_t)1 << r.cb->ingen_svar);
		t[i] = now_ms() - t0;
		if (rc == 1)
			rc = kerr_set(e, KERR_STORE, "%s", r.msg);
	}
	if (!rc)
		percentiles(t, n, &b->commit_p50, &b->commit_p99, &b->commit_max);
	free(t);
	unload(&r);
	return rc;
}

/* ================================================================ sample */

struct sample_ctx {
	struct item *it;         /* only id, seq, wave, role used */
	size_t n, cap;
	long long *mine;
	size_t nmine, capmine;
	int nomem;
};

static int sample_answer(void *ctx, const struct store_answer *a)
{
	struct sample_ctx *c = ctx;
	struct item *it;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 256;
		void *p = realloc(c->it, ncap * sizeof(*c->it));

		if (!p)
			return KERR_NOMEM;
		c->it = p;
		c->cap = ncap;
	}
	it = &c->it[c->n++];
	memset(it, 0, sizeof(*it));
	it->id = a->id;
	it->seq = a->seq;
	it->wave = strdup(a->wave);
	it->role = strdup(a->role);
	return it->wave && it->role ? 0 : KERR_NOMEM;
}

static int sample_mine(void *ctx, const struct store_decision *d)
{
	struct sample_ctx *c = ctx;

	if (c->nmine == c->capmine) {
		size_t ncap = c->capmine ? 2 * c->capmine : 256;
		void *p = realloc(c->mine, ncap * sizeof(*c->mine));

		if (!p)
			return KERR_NOMEM;
		c->mine = p;
		c->capmine = ncap;
	}
	c->mine[c->nmine++] = d->answer_id;
	return 0;
}

/* splitmix64: small, fast and the same on every platform, so a seed gives
 * the same sample everywhere. */
static uint64_t next_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct stratum {
	const char *wave, *role;
	size_t *idx, n, quota;
	double rem;
};

int review_sample(struct store *s, const char *question, const char *coder, size_t n,
	unsigned long long seed, size_t *assigned, struct kerr *e)
{
	struct sample_ctx c = { 0 };
	struct stratum *st = NULL;
	size_t nst = 0, i, j, eligible = 0, given = 0;
	uint64_t state = seed;
	int rc;

	*assigned = 0;
	if ((rc = store_each_answer(s, question, sample_answer, &c, e))
	    || (rc = store_each_latest(s, question, coder, sample_mine, &c, e)))
		goto out;
	if (c.nmine)
		qsort(c.mine, c.nmine, sizeof(*c.mine), cmp_ll);
	st = calloc(c.n + 1, sizeof(*st));
	if (!st) {
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		struct item *it = &c.it[i];

		if (c.nmine && bsearch(&it->id, c.mine, c.nmine, sizeof(*c.mine), cmp_ll))
			continue;
		for (j = 0; j < nst; j++)
			if (!strcmp(st[j].wave, it->wave) && !strcmp(st[j].role, it->role))
				break;
		if (j == nst) {
			st[nst].wave = it->wave;
			st[nst].role = it->role;
			if (!(st[nst].idx = malloc(c.n * sizeof(size_t)))) {
				rc = kerr_set(e, KERR_NOMEM, "out of memory");
				goto out;
			}
			nst++;
		}
		st[j].idx[st[j].n++] = i;
		eligible++;
	}
	if (n > eligible)
		n = eligible;
	/* Proportional shares, the remainder to the largest fractions. */
	for (j = 0; j < nst; j++) {
		double share = (double)n * st[j].n / (eligible ? eligible : 1);

		st[j].quota = (size_t)share;
		st[j].rem = share - st[j].quota;
		given += st[j].quota;
	}
	while (given < n) {
		size_t best = 0;

		for (j = 1; j < nst; j++)
			if (st[j].rem > st[best].rem && st[j].quota < st[j].n)
				best = j;
		st[best].quota++;
		st[best].rem = -1;
		given++;
	}
	if ((rc = store_begin(s, e)))
		goto out;
	for (j = 0; j < nst && !rc; j++) {
		/* Partial Fisher-Yates: the first `quota` places get a random draw. */
		for (i = 0; i < st[j].quota && !rc; i++) {
			size_t k = i + (size_t)(next_rand(&state) % (st[j].n - i)), tmp;
			int had;

			tmp = st[j].idx[i];
			st[j].idx[i] = st[j].idx[k];
			st[j].idx[k] = tmp;
			rc = store_sample_has(s, c.it[st[j].idx[i]].id, coder, &had, e);
			if (!rc && !had) {
				rc = store_sample_add(s, c.it[st[j].idx[i]].id, coder,
					(long long)seed, e);
				*assigned += !rc;
			}
		}
	}
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, e);
out:
	for (j = 0; j < nst; j++)
		free(st[j].idx);
	free(st);
	for (i = 0; i < c.n; i++) {
		free(c.it[i].wave);
		free(c.it[i].role);
	}
	free(c.it);
	free(c.mine);
	if (rc == KERR_NOMEM)
		kerr_set(e, KERR_NOMEM, "out of memory");
	return rc;
}
