/*
 * review.c - the terminal front end of the review session (see review.h):
 * the terminal, drawing a frame, keys and prompts.  What a session is
 * (answers, decisions, undo, notes, filters, progress, samples) lives in
 * the library's session.h, which the web review uses too; this file only
 * shows it and turns keys into calls.
 */
#include "review.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "session.h"
#include "store.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define NOTE_MAX 2000
#define SEARCH_MAX 200
/* How often a view that shows other coders' work (adjudication, the
 * disagreements filter) re-reads the store while the coder looks at it. */
#define REFRESH_MS 2000

struct rv {
	struct session *ss;
	const struct codebook *cb;
	enum session_mode mode;
	struct session_answer a;  /* the answer on screen (the session's strings) */
	int have;                 /* a is filled */
	uint64_t work;            /* what is ticked */
	long long work_for;       /* the answer `work` belongs to */
	char msg[1024];
	struct buf search;
	struct buf frame;
	int rows, cols, color, scroll;
	struct kerr *e;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Fetch the current answer; a new answer starts with what the session says
 * a front end ticks on arrival.  Returns a kerr code (not NOTFOUND). */
static int sync_work(struct rv *r)
{
	struct kerr e;
	int rc;

	kerr_clear(&e);
	rc = session_current(r->ss, &r->a, &e);
	r->have = rc == 0;
	if (rc == KERR_NOTFOUND)
		return 0;
	if (rc) {
		if (r->e)
			*r->e = e;
		return rc;
	}
	if (r->a.id != r->work_for) {
		r->work_for = r->a.id;
		r->work = r->a.start_set;
		r->scroll = 0;
	}
	return 0;
}

/* A view that shows other coders' work, and so is kept fresh. */
static int live_view(const struct rv *r)
{
	return r->mode == SESSION_ADJUDICATE
		|| session_get_filter(r->ss, NULL) == SESSION_DISPUTED;
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
	K_BACKSPACE, K_INTR, K_HUP, K_TICK
};

/* One key: a byte, or K_* for a special key.  K_NONE after a window
 * resize; K_INTR/K_HUP after a signal or end of input; K_TICK when
 * `tick_ms` (-1: never) passed without a key. */
static int read_key_tick(int fd, int tick_ms)
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
		switch (poll(&p, 1, tick_ms)) {
		case -1:
			if (errno == EINTR)
				continue;
			return K_HUP;
		case 0:
			return K_TICK;
		default:
			break;
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


static int read_key(int fd)
{
	return read_key_tick(fd, -1);
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
/* Mark the evidence spans in `hl`, one byte per text byte (the category
 * number + 1; the first span over a byte wins). */
static void mark_evidence(const struct session_answer *a, unsigned char *hl, size_t len)
{
	size_t i, k;

	for (k = 0; k < a->nevidence; k++)
		for (i = a->evidence[k].start; i < a->evidence[k].end && i < len; i++)
			if (!hl[i])
				hl[i] = (unsigned char)(a->evidence[k].cat + 1);
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


static void put_status(struct rv *r)
{
	struct session_progress p;
	struct buf s = BUF_INIT;
	size_t i;

	session_progress(r->ss, &p);
	buf_addf(&s, " %s %zu/%zu", r->mode == SESSION_ADJUDICATE ? "Adjudicated" : "Reviewed",
		p.done, p.total);
	for (i = 0; i < p.nwaves && p.nwaves > 1; i++)
		buf_addf(&s, " · %s %zu/%zu", p.waves[i].wave, p.waves[i].done, p.waves[i].total);
	if (p.per_minute > 0) {
		buf_addf(&s, " · %.1f/min", p.per_minute);
		if (p.minutes_left > 0)
			buf_addf(&s, " ~%.0f min left", p.minutes_left);
	}
	if (r->color)
		buf_adds(&r->frame, "\x1b[7m");
	put_cols(&r->frame, s.data, r->cols, 1);
	if (r->color)
		buf_adds(&r->frame, "\x1b[0m");
	buf_adds(&r->frame, "\x1b[K");
	buf_release(&s);
}

/* The other coders' codes, for adjudication and the disagreements view:
 * "anna: tid · bo: tid;andet" (adjudications left out).  "" when none. */
static void coders_line(const struct rv *r, struct buf *out)
{
	size_t i, k = 0;

	if (!live_view(r))
		return;
	for (i = 0; i < r->a.ncoders; i++) {
		const struct session_coder_codes *c = &r->a.coders[i];

		if (c->final)
			continue;
		buf_addf(out, "%s%s: %s", k++ ? " · " : "", c->coder, c->codes);
	}
}

/* Under the uncertain order, why this answer comes where it does. */
static const char *why_first(const struct rv *r)
{
	double p;

	if (session_get_order(r->ss) != SESSION_ORDER_UNCERTAIN)
		return "";
	p = session_priority(r->ss, session_pos(r->ss));
	if (!session_order_model(r->ss))
		return p >= 1 ? " · uncoded" : "";
	/* short: the line also holds the place, in 64 columns of 80 */
	return p > 1 ? " · model disagrees" : p >= 0.5 ? " · model unsure" : "";
}

/* Draw the whole screen into r->frame; `prompt` (may be NULL) replaces the
 * message line. */
static int render(struct rv *r, const char *prompt)
{
	const struct session_answer *it = &r->a;
	struct buf line = BUF_INIT, coders = BUF_INIT;
	struct text_layout t = { 0 };
	unsigned char *hl = NULL;
	int row = 0, text_rows, cat_rows, i, rc;
	size_t k, fcat;
	enum session_filter f = session_get_filter(r->ss, &fcat);

	if ((rc = sync_work(r)))
		return rc;
	buf_reset(&r->frame);
	buf_adds(&r->frame, "\x1b[H");
	/* title */
	buf_addf(&line, " koder review · %s · %s v%s · %s%s · view: %s%s%s%s",
		session_question(r->ss), r->cb->id, r->cb->version ? r->cb->version : "",
		session_coder(r->ss), r->mode == SESSION_ADJUDICATE ? " (adjudicating)"
		: session_has_sample(r->ss) ? " (sample)" : "", session_filter_name(f),
		f == SESSION_BY_CODE ? " " : "", f == SESSION_BY_CODE ? r->cb->cats[fcat].id : "",
		session_get_order(r->ss) == SESSION_ORDER_UNCERTAIN ? ", uncertain first" : "");
	if (r->color)
		buf_adds(&r->frame, "\x1b[7m");
	put_cols(&r->frame, line.data, r->cols, 1);
	if (r->color)
		buf_adds(&r->frame, "\x1b[0m");
	line_end(&r->frame);
	row++;
	buf_reset(&line);
	if (!r->have) {
		buf_adds(&r->frame, session_count(r->ss)
			? "  No answer in this view: press f to change the filter."
			: "  Nothing to review here.");
		line_end(&r->frame);
		row++;
		goto bottom;
	}
	buf_addf(&line, " [%zu/%zu] %s · %s · %s%s%s%s", session_pos(r->ss) + 1,
		session_view_count(r->ss), it->respondent, it->wave, it->role,
		why_first(r), it->place[0] ? " · " : "", it->place);
	put_cols(&r->frame, line.data, r->cols - 16, 0);
	buf_adds(&r->frame, it->decided ? (r->color ? "  \x1b[32m✓ reviewed\x1b[0m" : "  ✓ reviewed")
		: "  not reviewed");
	line_end(&r->frame);
	line_end(&r->frame);
	row += 2;
	coders_line(r, &coders);

	/* the answer, evidence marked */
	if (!(hl = calloc(strlen(it->text) + 1, 1)))
		rc = KERR_NOMEM;
	if (!rc) {
		mark_evidence(it, hl, strlen(it->text));
		rc = layout(&t, it->text, hl, r->cols - 4, !r->color);
	}
	if (rc)
		goto out;
	/* below: the coders' line, the categories, the note, message and status */
	cat_rows = (int)r->cb->ncats;
	if (cat_rows > r->rows - row - 3 - (coders.len ? 1 : 0) - 3)
		cat_rows = ((int)r->cb->ncats + 1) / 2;
	text_rows = r->rows - row - cat_rows - 3 - (coders.len ? 1 : 0);
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
	if (coders.len) {
		buf_reset(&line);
		buf_addf(&line, " Coders: %s", coders.data);
		put_cols(&r->frame, line.data, r->cols, 0);
		line_end(&r->frame);
		row++;
	}
	/* the categories, in two columns when one would not leave room for
	 * the answer */
	for (k = 0; k < (size_t)cat_rows; k++) {
		size_t c;

		for (c = k; c < r->cb->ncats; c += (size_t)cat_rows) {
			int on = (r->work >> c) & 1, sug = (it->suggested_set >> c) & 1;
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
	/* the coder's note: waiting for the decision, or saved with it (and
	 * kept on the next decision unless edited) */
	buf_reset(&line);
	if (it->note[0])
		buf_addf(&line, it->decided ? " Note: %s" : " Note (saved with the decision): %s",
			it->note);
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
	buf_release(&coders);
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

/* Save `codes` for the answer on screen.  Returns 0 when saved, 1 when not
 * (the message says why and the coder may retry), or a fatal kerr code. */
static int save(struct rv *r, uint64_t codes)
{
	struct buf c = BUF_INIT;
	char who[256];
	int noted, rc;
	struct kerr e;

	if (!r->have)
		return 0;
	/* the answer's strings are the session's and a decision replaces the
	 * note: take what the message needs first */
	snprintf(who, sizeof(who), "%s", r->a.respondent);
	noted = r->a.note[0] != 0;
	kerr_clear(&e);
	rc = session_decide_set(r->ss, r->a.id, codes, NULL, &e);
	if (rc == KERR_NOMEM) {
		if (r->e)
			*r->e = e;
		return rc;
	}
	if (rc) {
		/* Not saved: stay on the answer and say why; the coder may retry. */
		snprintf(r->msg, sizeof(r->msg), rc == KERR_INVALID || rc == KERR_SCHEMA
			? "%s" : "NOT SAVED: %s", e.msg);
		return 1;
	}
	r->work = codes;
	if (session_set_codes(r->ss, codes, &c))
		return kerr_set(r->e, KERR_NOMEM, "out of memory");
	snprintf(r->msg, sizeof(r->msg), "Saved %s: %s%s", who, c.data,
		noted ? " (with note)" : "");
	buf_release(&c);
	return 0;
}

static void advance(struct rv *r)
{
	if (session_advance(r->ss))
		strncat(r->msg, " · Every answer in this view is reviewed.",
			sizeof(r->msg) - strlen(r->msg) - 1);
}

/* Undo this window's last decision (never one made in another window). */
static int undo(struct rv *r)
{
	struct session_answer a;
	long long id = 0;
	size_t skipped = 0;
	struct kerr e;
	int rc;

	kerr_clear(&e);
	rc = session_undo(r->ss, &id, &skipped, &e);
	if (rc == KERR_NOMEM) {
		if (r->e)
			*r->e = e;
		return rc;
	}
	r->work_for = 0;
	if (rc) {
		snprintf(r->msg, sizeof(r->msg), "%s", rc == KERR_NOTFOUND
			? "Nothing to undo." : e.msg);
		return 0;
	}
	if (session_answer(r->ss, id, &a, NULL)) {
		snprintf(r->msg, sizeof(r->msg), "Undid a decision on an answer outside this view.");
		return 0;
	}
	if (skipped)
		snprintf(r->msg, sizeof(r->msg), "Not undone: %s was decided again since, "
			"in another window or by an import.", a.respondent);
	else
		snprintf(r->msg, sizeof(r->msg), "Undone: %s is %s.", a.respondent,
			a.decided ? "back to its earlier decision" : "not reviewed again");
	return 0;
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
	"  n           write or edit a note; it is saved with the decision and",
	"              kept when you decide the answer again",
	"  u           undo your last decision in this window (again: the one",
	"              before); decisions made elsewhere are never undone here",
	"  j k, arrows next / previous answer;  PgDn PgUp scroll a long answer",
	"  /           search the answers (æ/ae, ø/oe, å/aa alike) or a respondent id",
	"  f           filter: all, not reviewed, uncertain, by suggested code,",
	"              disagreements between coders (kept up to date), decided",
	"              under an older codebook version, with a note",
	"  o           order: uncertain first (the patterns and the learned model",
	"              disagree, or the model is least sure) or survey order",
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

/* Case- and æøå-insensitive search from the answer after the current one
 * (the answers and the coder's notes), or a respondent id. */
static int search(struct rv *r)
{
	struct kerr e;
	int how = 0, rc;

	if (!r->search.len)
		return 0;
	kerr_clear(&e);
	rc = session_search(r->ss, r->search.data, &how, &e);
	if (rc == KERR_NOMEM) {
		if (r->e)
			*r->e = e;
		return rc;
	}
	if (rc)
		snprintf(r->msg, sizeof(r->msg), "\"%s\" is in no answer of this view.",
			r->search.data);
	else if (how == 1)
		snprintf(r->msg, sizeof(r->msg), "Respondent %s.", r->search.data);
	else
		snprintf(r->msg, sizeof(r->msg), "Found \"%s\"%s.", r->search.data,
			how == 2 ? " (only here)" : "");
	return 0;
}

/* Survey order, or the answers a decision teaches most from first. */
static void toggle_order(struct rv *r)
{
	enum session_order o = session_get_order(r->ss) == SESSION_ORDER_UNCERTAIN
		? SESSION_ORDER_SURVEY : SESSION_ORDER_UNCERTAIN;
	struct kerr e;

	kerr_clear(&e);
	if (session_set_order(r->ss, o, &e)) {
		snprintf(r->msg, sizeof(r->msg), "Cannot order the answers: %s", e.msg);
		return;
	}
	snprintf(r->msg, sizeof(r->msg), "%s", o == SESSION_ORDER_SURVEY ? "Survey order."
		: session_order_model(r->ss) ? "Uncertain first: where the patterns and the "
		"learned model disagree, then where the model is least sure."
		: "Uncertain first: no learned model, so the answers the patterns left uncoded.");
}

static void filter_menu(struct rv *r, int in, int out)
{
	enum session_filter f;
	size_t cat = 0;
	int k;

	draw(r, out, "Filter: a all · r not reviewed · u uncertain · c code · d disagree · "
		"o older version · n note");
	k = read_key(in);
	switch (k) {
	case 'a': f = SESSION_ALL; break;
	case 'r': f = SESSION_UNREVIEWED; break;
	case 'u': f = SESSION_UNCERTAIN; break;
	case 'd': f = SESSION_DISPUTED; break;
	case 'o': f = SESSION_OLDER; break;
	case 'n': f = SESSION_NOTED; break;
	case 'c':
		draw(r, out, "Filter by suggested code: press its number (1-9, 0)");
		k = read_key(in);
		if (k < '0' || k > '9' || (size_t)((k - '0' + 9) % 10) >= r->cb->ncats) {
			snprintf(r->msg, sizeof(r->msg), "No such category.");
			return;
		}
		f = SESSION_BY_CODE;
		cat = (size_t)((k - '0' + 9) % 10);
		break;
	default:
		return;
	}
	/* the disagreements as they are now, not as they were at the start */
	if (f == SESSION_DISPUTED)
		session_refresh(r->ss, NULL);
	session_set_filter(r->ss, f, cat, NULL);
	snprintf(r->msg, sizeof(r->msg), "%zu answer%s in this view.", session_view_count(r->ss),
		session_view_count(r->ss) == 1 ? "" : "s");
}

/* ================================================================ session */

static int run_session(struct rv *r, int in, int out, struct review_summary *sum)
{
	struct buf num = BUF_INIT;
	double last_refresh = now_ms();
	int rc = 0;

	for (;;) {
		int k, saved;
		struct kerr e;

		/* Others code meanwhile: a live view re-reads the store, before
		 * drawing, so a key always acts on the answer on screen. */
		if (live_view(r) && now_ms() - last_refresh >= REFRESH_MS) {
			kerr_clear(&e);
			if (session_refresh(r->ss, &e) == KERR_NOMEM) {
				rc = kerr_set(r->e, KERR_NOMEM, "out of memory");
				break;
			}
			last_refresh = now_ms();
		}
		if ((rc = draw(r, out, NULL)))
			break;
		k = read_key_tick(in, live_view(r) ? REFRESH_MS : -1);
		if (k == K_INTR || k == K_HUP) {
			sum->interrupted = 1;
			break;
		}
		if (k == 'q' || k == 'Q')
			break;
		if (k == K_TICK)
			continue;
		if (k != K_NONE)
			r->msg[0] = '\0';
		switch (k) {
		case K_NONE:
			term_size(r, out);
			(void)!write(out, "\x1b[2J", 4);
			break;
		case K_DOWN: case K_RIGHT: case 'j':
			session_next(r->ss);
			break;
		case K_UP: case K_LEFT: case 'k':
			session_prev(r->ss);
			break;
		case K_PGDN: r->scroll += 5; break;
		case K_PGUP: r->scroll = r->scroll > 5 ? r->scroll - 5 : 0; break;
		case K_ENTER:
			if (r->have && (rc = save(r, r->work)) == 0)
				advance(r);
			else if (rc == 1)
				rc = 0;
			break;
		case 'x':
			if (r->have && (rc = save(r, (uint64_t)1 << r->cb->ingen_svar)) == 0)
				advance(r);
			else if (rc == 1)
				rc = 0;
			break;
		case 'n':
			if (!r->have)
				break;
			buf_reset(&num);
			buf_adds(&num, r->a.note);
			k = prompt(r, in, out, "Note: ", &num, NOTE_MAX);
			if (k < 0) {
				/* Ctrl-C while typing: the session ends, and the
				 * summary says the note typed was not saved */
				sum->note_unsaved = strcmp(num.data ? num.data : "",
							   r->a.note ? r->a.note : "") != 0;
				sum->interrupted = 1;
				goto done_keys;
			}
			if (k != 1)
				break;          /* Esc: the note stays as it was */
			kerr_clear(&e);
			saved = 0;
			rc = session_note(r->ss, r->a.id, num.data ? num.data : "", &saved, &e);
			if (rc == KERR_NOMEM) {
				if (r->e)
					*r->e = e;
				break;
			}
			if (rc)
				snprintf(r->msg, sizeof(r->msg), "NOT SAVED: %s", e.msg);
			else if (saved)
				snprintf(r->msg, sizeof(r->msg), "Saved %s: %s (%s)", r->a.respondent,
					r->a.codes, num.len ? "with note" : "note removed");
			rc = 0;
			break;
		case 'u': rc = undo(r); break;
		case '/':
			buf_reset(&num);
			if (prompt(r, in, out, "Search: ", &num, SEARCH_MAX) == 1) {
				if (num.len) {
					buf_reset(&r->search);
					buf_adds(&r->search, num.data);
				}
				rc = search(r);
			}
			break;
		case 'f': filter_menu(r, in, out); break;
		case 'o': toggle_order(r); break;
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
done_keys:
	buf_release(&num);
	return rc;
}

static int start(struct rv *r, struct store *s, const char *question, const char *coder,
	enum session_mode mode, struct kerr *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	buf_init(&r->search, 0);
	buf_init(&r->frame, 0);
	r->mode = mode;
	r->e = e;
	r->rows = 24;
	r->cols = 80;
	if ((rc = session_open(&r->ss, s, question, coder, mode, e)))
		return rc;
	r->cb = session_codebook(r->ss);
	return 0;
}

static void finish(struct rv *r)
{
	session_close(r->ss);
	buf_release(&r->search);
	buf_release(&r->frame);
}

int review_run(struct store *s, const struct review_opts *o, struct review_summary *sum,
	struct kerr *e)
{
	struct rv r;
	struct review_summary dummy;
	struct session_progress p;
	const char *nc = getenv("NO_COLOR");
	int rc;

	if (!sum)
		sum = &dummy;
	memset(sum, 0, sizeof(*sum));
	got_signal = got_winch = 0;
	rc = start(&r, s, o->question, o->coder, o->mode == REVIEW_ADJUDICATE
		? SESSION_ADJUDICATE : SESSION_CODE, e);
	if (!rc && o->order_uncertain)
		rc = session_set_order(r.ss, SESSION_ORDER_UNCERTAIN, e);
	if (!rc) {
		r.color = !(nc && *nc);
		term_size(&r, o->out_fd);
		rc = enter_terminal(o->in_fd, o->out_fd, e);
	}
	if (!rc) {
		rc = run_session(&r, o->in_fd, o->out_fd, sum);
		leave_terminal();
		if (rc == KERR_IO)
			kerr_errno(e, errno, NULL, "cannot write to the terminal");
	}
	if (r.ss) {
		session_progress(r.ss, &p);
		sum->decided = p.decided;
		sum->reviewed = p.done;
		sum->total = p.total;
	}
	finish(&r);
	return rc;
}

/* ================================================================= bench */

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
	size_t i, nview = 0;
	int rc;

	memset(b, 0, sizeof(*b));
	t0 = now_ms();
	rc = start(&r, s, question, "bench", SESSION_CODE, e);
	if (!rc && !(t = malloc((n + 1) * sizeof(*t))))
		rc = kerr_set(e, KERR_NOMEM, "out of memory");
	if (!rc) {
		b->load_ms = now_ms() - t0;
		b->answers = session_count(r.ss);
		nview = session_view_count(r.ss);
		if (n > b->answers)
			n = b->answers;
	}
	/* Render: the path between a key press and the next answer on screen. */
	for (i = 0; !rc && i < n; i++) {
		session_goto(r.ss, (i * (nview / (n ? n : 1))) % (nview ? nview : 1));
		t0 = now_ms();
		rc = render(&r, NULL);
		t[i] = now_ms() - t0;
	}
	if (!rc)
		percentiles(t, n, &b->render_p50, &b->render_p99, &b->render_max);
	/* Commit: one decision, durable before returning. */
	for (i = 0; !rc && i < n; i++) {
		session_goto(r.ss, (i * (nview / (n ? n : 1))) % (nview ? nview : 1));
		rc = sync_work(&r);
		t0 = now_ms();
		if (!rc)
			rc = save(&r, r.work ? r.work : (uint64_t)1 << r.cb->ingen_svar);
		t[i] = now_ms() - t0;
		if (rc == 1)
			rc = kerr_set(e, KERR_STORE, "%s", r.msg);
	}
	if (!rc)
		percentiles(t, n, &b->commit_p50, &b->commit_p99, &b->commit_max);
	free(t);
	finish(&r);
	return rc;
}
