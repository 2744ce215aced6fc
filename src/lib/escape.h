/*
 * escape.h - text from respondents made safe for where koder writes it:
 * XML/SVG/HTML markup, and terminals.
 *
 * Why one module: survey cells (answers, role and wave names, --by values,
 * codebook labels) are written by the public and reach a browser (SVG
 * charts), other programs' XML parsers (.qdc codebooks) and a terminal
 * (tally tables, error messages).  Each place escaping on its own is how one
 * of them forgets a field; all of them call these two functions.
 *
 * esc_xml: & < > " ' become entities; characters XML 1.0 cannot carry at all
 * (C0 controls except tab, LF and CR) are dropped, as are DEL and the C1
 * controls U+0080..U+009F (legal but invisible, and terminal controls when
 * the file is shown); bytes that are not UTF-8 become U+FFFD, so the result
 * is always well-formed.  In an attribute (attr = 1) tab, LF and CR are
 * written as character references so a parser keeps them.
 *
 * esc_term: for text shown on a terminal (or in a file a terminal may show):
 * drops every C0 control but tab and LF, a CR unless it ends a line (CRLF),
 * DEL and the C1 controls; so ESC and CSI cannot start a colour, cursor or
 * OSC sequence (a hyperlink, a window title, a clipboard write).  Invalid
 * UTF-8 becomes U+FFFD.  Printable text, Danish letters included, is kept
 * byte for byte.
 *
 * Both append to `b` and return 0 or KERR_NOMEM (buf's cap, KERR_LIMIT).
 */
#ifndef KODER_ESCAPE_H
#define KODER_ESCAPE_H

#include <stddef.h>

struct buf;

int esc_xml(struct buf *b, const char *s, size_t len, int attr);
int esc_term(struct buf *b, const char *s, size_t len);

#endif
