/*
 * qdc.c - REFI-QDA codebook files (.qdc): write them by hand (the format is
 * small and the output must be byte-stable for tests), read them with
 * libxml2 (real files from NVivo or ATLAS.ti carry BOMs, entities, comments
 * and CDATA that a home-made reader would get wrong).
 */
#include "qdc.h"
#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "escape.h"
#include "version.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Limits on a .qdc file (SECURITY.md) */
#define QDC_MAX_BYTES (64L * 1024 * 1024)
#define QDC_MAX_TEXT "64 MB"

void qdc_book_init(struct qdc_book *b)
{
	memset(b, 0, sizeof(*b));
}

void qdc_book_release(struct qdc_book *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->codes[i].key);
		free(b->codes[i].name);
		free(b->codes[i].description);
	}
	free(b->codes);
	free(b->origin);
	qdc_book_init(b);
}

/* Two FNV-1a passes with different bases give the 128 bits of a name-based
 * guid; collisions among a codebook's few dozen codes are not a concern. */
static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void make_guid(const char *seed, const char *key, char out[40])
{
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;

	a = fnv(fnv(a, seed, strlen(seed) + 1), key, strlen(key));
	b = fnv(fnv(b, key, strlen(key) + 1), seed, strlen(seed));
	b ^= a >> 29;
	/* RFC 9562 version 8 (custom) and the RFC variant bits. */
	a = (a & ~0xf000ULL) | 0x8000ULL;
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
	snprintf(out, 40, "%08llX-%04llX-%04llX-%04llX-%012llX",
		(unsigned long long)(a >> 32), (unsigned long long)((a >> 16) & 0xffff),
		(unsigned long long)(a & 0xffff), (unsigned long long)(b >> 48),
		(unsigned long long)(b & 0xffffffffffffULL));
}

int qdc_book_add(struct qdc_book *b, const char *seed, const char *key,
	const char *name, const char *desc, int codable, size_t parent,
	struct kerr *e)
{
	struct qdc_code *c;
	int fail = 0;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct qdc_code *p = realloc(b->codes, cap * sizeof(*p));

		if (!p)
			return kerr_set(e, KERR_NOMEM, "out of memory");
		b->codes = p;
		b->cap = cap;
	}
	c = &b->codes[b->n];
	memset(c, 0, sizeof(*c));
	c->key = buf_dup(key, &fail);
	c->name = buf_dup(name ? name : key, &fail);
	c->description = buf_dup(desc && *desc ? desc : NULL, &fail);
	if (fail || !c->key || !c->name) {
		free(c->key);
		free(c->name);
		free(c->description);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	c->codable = codable;
	c->parent = parent;
	make_guid(seed ? seed : "", key, c->guid);
	b->n++;
	return 0;
}

/* The code of net `n`, added at the position of its first member so the
 * exported tree keeps the codebook's order. */
static int net_code(const struct codebook *cb, size_t n, struct qdc_book *b, size_t *at,
	struct kerr *e)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!b->codes[i].codable && !strcmp(b->codes[i].key, cb->nets[n].id)) {
			*at = i;
			return 0;
		}
	*at = b->n;
	return qdc_book_add(b, cb->id, cb->nets[n].id, cb->nets[n].label, NULL, 0, QDC_NONE, e);
}

int qdc_from_codebook(const struct codebook *cb, struct qdc_book *b, struct kerr *e)
{
	size_t i, at;
	int rc = 0;

	for (i = 0; i < cb->ncats && !rc; i++) {
		const struct codebook_category *c = &cb->cats[i];

		if (c->builtin)
			continue;
		at = QDC_NONE;
		if (c->net_index >= 0)
			rc = net_code(cb, (size_t)c->net_index, b, &at, e);
		if (!rc)
			rc = qdc_book_add(b, cb->id, c->id, c->label, c->description, 1, at, e);
	}
	for (i = 0; i < cb->nnets && !rc; i++)
		rc = net_code(cb, i, b, &at, e);
	return rc;
}

size_t qdc_book_find(const struct qdc_book *b, const char *key)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->codes[i].key, key))
			return i;
	return QDC_NONE;
}

/* Is `key` used by a code other than `self`? */
static int key_taken(const struct qdc_book *b, const char *key, size_t self)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (i != self && !strcmp(b->codes[i].key, key))
			return 1;
	return 0;
}

static void set_key(struct qdc_book *b, size_t i, char *key)
{
	free(b->codes[i].key);
	b->codes[i].key = key;
}

size_t qdc_match_base(struct qdc_book *b, const struct codebook *base)
{
	size_t i, j, n = 0;
	char guid[40];

	for (i = 0; i < b->n; i++) {
		const char *id = NULL;
		char *key;

		for (j = 0; j < base->ncats && !id; j++) {
			make_guid(base->id, base->cats[j].id, guid);
			if (!base->cats[j].builtin && b->codes[i].codable
				&& !strcasecmp(guid, b->codes[i].guid))
				id = base->cats[j].id;
		}
		for (j = 0; j < base->nnets && !id; j++) {
			make_guid(base->id, base->nets[j].id, guid);
			if (!b->codes[i].codable && !strcasecmp(guid, b->codes[i].guid))
				id = base->nets[j].id;
		}
		if (!id || !(key = strdup(id)))
			continue;
		/* a made-up key that took this id first gets another one */
		for (j = 0; j < b->n; j++)
			if (j != i && !strcmp(b->codes[j].key, key)) {
				struct buf k = BUF_INIT;
				int s = 2;

				do {
					buf_reset(&k);
					buf_addf(&k, "%s_%d", key, s++);
				} while (key_taken(b, k.data, j));
				if (k.len)
					set_key(b, j, buf_detach(&k, NULL));
				buf_release(&k);
			}
		set_key(b, i, key);
		n++;
	}
	return n;
}

/* ---- writing ---------------------------------------------------------- */

/* The one markup escaping routine (escape.h): XML 1.0 cannot carry most
 * controls, so they are dropped; in attributes tabs and line breaks are
 * character references so they survive parsing. */
static void put_escaped(FILE *fp, const char *s, int attr)
{
	struct buf b = BUF_INIT;

	if (esc_xml(&b, s, strlen(s), attr) == 0 && b.len)
		fwrite(b.data, 1, b.len, fp);
	else if (b.len == 0 && *s)
		fputs("\xEF\xBF\xBD", fp);  /* out of memory: never the raw text */
	buf_release(&b);
}

static void write_code(const struct qdc_book *b, size_t i, int depth, FILE *fp)
{
	const struct qdc_code *c = &b->codes[i];
	size_t j;
	int kids = 0;

	for (j = 0; j < b->n; j++)
		if (b->codes[j].parent == i)
			kids = 1;
	fprintf(fp, "%*s<Code guid=\"%s\" name=\"", depth * 2, "", c->guid);
	put_escaped(fp, c->name, 1);
	fprintf(fp, "\" isCodable=\"%s\"", c->codable ? "true" : "false");
	if (!kids && !c->description) {
		fputs("/>\n", fp);
		return;
	}
	fputs(">\n", fp);
	if (c->description) {
		fprintf(fp, "%*s<Description>", depth * 2 + 2, "");
		put_escaped(fp, c->description, 0);
		fputs("</Description>\n", fp);
	}
	for (j = 0; j < b->n; j++)
		if (b->codes[j].parent == i)
			write_code(b, j, depth + 1, fp);
	fprintf(fp, "%*s</Code>\n", depth * 2, "");
}

int qdc_write(const struct qdc_book *b, FILE *fp, struct kerr *e)
{
	size_t i;

	if (!b->n)
		return kerr_set(e, KERR_INVALID,
			"the codebook has no categories; a .qdc file needs at least one code");
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", fp);
	fputs("<CodeBook xmlns=\"" QDC_NS "\" origin=\"", fp);
	put_escaped(fp, b->origin ? b->origin : "koder " KODER_VERSION, 1);
	fputs("\">\n  <Codes>\n", fp);
	for (i = 0; i < b->n; i++)
		if (b->codes[i].parent == QDC_NONE || b->codes[i].parent >= b->n)
			write_code(b, i, 2, fp);
	fputs("  </Codes>\n</CodeBook>\n", fp);
	if (ferror(fp))
		return kerr_set(e, KERR_IO, "cannot write the .qdc file");
	return 0;
}

/* ---- slugs ------------------------------------------------------------ */

/* ASCII spelling of the Latin letters Danish, Swedish, German and French
 * labels use; anything else becomes a separator. */
static const char *ascii_of(unsigned cp)
{
	static const struct { unsigned cp; const char *s; } map[] = {
		{ 0xe6, "ae" }, { 0xc6, "ae" }, { 0xf8, "oe" }, { 0xd8, "oe" },
		{ 0xe5, "aa" }, { 0xc5, "aa" }, { 0xe4, "ae" }, { 0xc4, "ae" },
		{ 0xf6, "oe" }, { 0xd6, "oe" }, { 0xfc, "ue" }, { 0xdc, "ue" },
		{ 0xdf, "ss" }, { 0xe9, "e" }, { 0xc9, "e" }, { 0xe8, "e" },
		{ 0xea, "e" }, { 0xeb, "e" }, { 0xe1, "a" }, { 0xe0, "a" },
		{ 0xe2, "a" }, { 0xed, "i" }, { 0xec, "i" }, { 0xee, "i" },
		{ 0xef, "i" }, { 0xf3, "o" }, { 0xf2, "o" }, { 0xf4, "o" },
		{ 0xfa, "u" }, { 0xf9, "u" }, { 0xfb, "u" }, { 0xf1, "n" },
		{ 0xe7, "c" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].cp == cp)
			return map[i].s;
	return NULL;
}

/* Decode one UTF-8 sequence; invalid bytes decode as themselves (they
 * only become a separator). */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned cp = s[0];

	if (cp >= 0xc2 && cp < 0xe0 && (s[1] & 0xc0) == 0x80) {
		*p += 2;
		return ((cp & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if (cp >= 0xe0 && cp < 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*p += 3;
		return ((cp & 0x0f) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3f);
	}
	*p += 1;
	return cp;
}

#define SLUG_MAX 40

int qdc_slug(const char *name, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t start = out->len;
	int rc = 0, sep = 0;

	while (*p && !rc) {
		unsigned cp = next_cp(&p);
		const char *a = ascii_of(cp);
		char one[2] = { 0, 0 };

		if (!a && cp < 0x80 && ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')))
			a = (one[0] = (char)cp, one);
		else if (!a && cp >= 'A' && cp <= 'Z')
			a = (one[0] = (char)(cp - 'A' + 'a'), one);
		if (!a) {
			sep = 1;
			continue;
		}
		if (sep && out->len > start)
			rc = buf_addch(out, '_');
		sep = 0;
		if (!rc && out->len == start && a[0] >= '0' && a[0] <= '9')
			rc = buf_adds(out, "k_");
		if (!rc)
			rc = buf_adds(out, a);
	}
	if (!rc && out->len == start)
		rc = buf_adds(out, "kode");
	if (!rc && out->len - start > SLUG_MAX) {
		size_t cut = start + SLUG_MAX;

		while (cut > start + SLUG_MAX / 3 && out->data[cut] != '_')
			cut--;
		if (out->data[cut] != '_')
			cut = start + SLUG_MAX;
		buf_truncate(out, cut);
	}
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

struct reader {
	const char *path;
	struct qdc_book *b;
	struct kerr_list *warn, *errs;
	int rc;
	int entity;   /* an entity declaration was refused */
};

static void add_problem(struct kerr_list *l, const char *path, long line,
	enum kerr_code code, const char *msg)
{
	struct kerr e;

	kerr_clear(&e);
	kerr_set(&e, code, "%s", msg);
	kerr_at(&e, path, line, 0);
	kerr_list_add(l, &e);
}

static void fail(struct reader *r, long line, enum kerr_code code, const char *msg)
{
	add_problem(r->errs, r->path, line, code, msg);
	if (!r->rc)
		r->rc = code;
}

/* libxml2 reports through a callback; collect its errors with their lines. */
static void xml_error(void *ctx, xmlErrorPtr err)
{
	struct reader *r = ctx;
	char msg[512];
	size_t n;

	if (!err || err->level == XML_ERR_WARNING)
		return;
	snprintf(msg, sizeof(msg), "not well-formed XML: %s", err->message ? err->message : "?");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	fail(r, err->line, KERR_SYNTAX, msg);
}

/*
 * SAX hook for <!ENTITY ...> in the DOCTYPE: refuse the file.  libxml2 does
 * not substitute entities here, but xmlGetProp and xmlNodeGetContent expand
 * the references they meet, so one 100 KB entity used 10,000 times would be
 * a gigabyte of codebook.  No REFI-QDA writer declares entities; the five
 * predefined ones (&amp; ...) and character references are not declared and
 * still read.
 */
static void refuse_entity(void *ctx, const xmlChar *name, int type,
	const xmlChar *public_id, const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct reader *r = ctxt->_private;
	char msg[300];

	(void)type, (void)public_id, (void)system_id, (void)content;
	if (!r->entity) {
		snprintf(msg, sizeof msg, "the DOCTYPE declares the entity \"%.40s\"; koder does "
			"not expand entities (they can blow a small file up to gigabytes): "
			"export the codebook again without a DOCTYPE", (const char *)name);
		fail(r, ctxt->input ? ctxt->input->line : 0, KERR_SYNTAX, msg);
		r->entity = 1;
	}
	xmlStopParser(ctxt);
}

static int is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static char *attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static char *description_of(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (is_el(c, "Description"))
			return (char *)xmlNodeGetContent(c);
	return NULL;
}

/* Make `key` unique in the book and not the built-in category. */
static int unique_key(struct qdc_book *b, struct buf *key)
{
	size_t base = key->len;
	int i = 2, rc = 0;

	while (!rc && (qdc_book_find(b, key->data) != QDC_NONE || !strcmp(key->data, "ingen_svar"))) {
		buf_truncate(key, base);
		rc = buf_addf(key, "_%d", i++);
	}
	return rc;
}

static size_t add_read_code(struct reader *r, const xmlNode *n, int codable, size_t parent)
{
	char *name = attr(n, "name"), *desc = description_of(n);
	struct buf key = BUF_INIT;
	struct kerr e;
	size_t at = QDC_NONE;

	if (!name || !*name) {
		fail(r, xmlGetLineNo(n), KERR_SCHEMA,
			"a <Code> or <Set> has no name attribute; every code needs a name");
	} else if (qdc_slug(name, &key) || unique_key(r->b, &key)
		|| qdc_book_add(r->b, "", key.data, name, desc, codable, parent, &e)) {
		fail(r, xmlGetLineNo(n), KERR_NOMEM, "out of memory");
	} else {
		char *guid = attr(n, "guid");

		at = r->b->n - 1;
		/* Keep the file's own guid: the other program knows the code by it. */
		if (guid && strlen(guid) < sizeof(r->b->codes[at].guid))
			strcpy(r->b->codes[at].guid, guid);
		xmlFree(guid);
	}
	xmlFree(name);
	xmlFree(desc);
	buf_release(&key);
	return at;
}

static void read_codes(struct reader *r, const xmlNode *list, size_t net, int under_codable)
{
	const xmlNode *n;

	for (n = list->children; n; n = n->next) {
		char *cod;
		int codable;
		size_t at;

		if (!is_el(n, "Code"))
			continue;
		cod = attr(n, "isCodable");
		codable = !cod || !strcmp(cod, "true") || !strcmp(cod, "1");
		xmlFree(cod);
		if (!codable && net != QDC_NONE) {
			struct buf m = BUF_INIT;
			char *name = attr(n, "name");

			buf_addf(&m, "the group '%s' sits inside another group; koder nets have "
				"one level, so its codes are counted in the outer group",
				name ? name : "?");
			add_problem(r->warn, r->path, xmlGetLineNo(n), KERR_SCHEMA, m.data);
			buf_release(&m);
			xmlFree(name);
			read_codes(r, n, net, under_codable);
			continue;
		}
		if (codable && under_codable) {
			char *name = attr(n, "name");
			struct buf m = BUF_INIT;

			buf_addf(&m, "the code '%s' sits below another code; koder categories "
				"are flat, so it becomes a category of its own", name ? name : "?");
			add_problem(r->warn, r->path, xmlGetLineNo(n), KERR_SCHEMA, m.data);
			buf_release(&m);
			xmlFree(name);
		}
		at = add_read_code(r, n, codable, codable ? net : QDC_NONE);
		if (at == QDC_NONE)
			continue;
		read_codes(r, n, codable ? net : at, codable);
	}
}

/* ATLAS.ti exports code groups as Sets: a Set becomes a net for its member
 * codes that are not already in one. */
static void read_sets(struct reader *r, const xmlNode *sets)
{
	const xmlNode *s, *m;

	for (s = sets->children; s; s = s->next) {
		size_t net;

		if (!is_el(s, "Set"))
			continue;
		net = add_read_code(r, s, 0, QDC_NONE);
		if (net == QDC_NONE)
			continue;
		for (m = s->children; m; m = m->next) {
			char *g;
			size_t i;

			if (!is_el(m, "MemberCode"))
				continue;
			g = attr(m, "guid");
			for (i = 0; g && i < r->b->n; i++)
				if (r->b->codes[i].codable && !strcmp(r->b->codes[i].guid, g)
					&& r->b->codes[i].parent == QDC_NONE)
					r->b->codes[i].parent = net;
			xmlFree(g);
		}
	}
}

int qdc_read(const char *path, struct qdc_book *b, struct kerr_list *warn,
	struct kerr_list *errs)
{
	struct reader r = { path, b, warn, errs, 0, 0 };
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc = NULL;
	xmlNode *root, *n;
	int have_codes = 0;
	struct stat st;

	/* a codebook of a few thousand codes is well under a megabyte */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > QDC_MAX_BYTES) {
		fail(&r, 0, KERR_LIMIT, "the file is larger than " QDC_MAX_TEXT
			", the most koder reads as a .qdc codebook");
		return r.rc;
	}
	if (!(ctxt = xmlNewParserCtxt())) {
		fail(&r, 0, KERR_NOMEM, "out of memory");
		return r.rc;
	}
	ctxt->_private = &r;
	ctxt->sax->entityDecl = refuse_entity;
	xmlSetStructuredErrorFunc(&r, xml_error);
	/* NONET: a hostile file cannot make koder fetch anything; without
	 * NOENT external entities are never substituted; entity declarations
	 * are refused outright (refuse_entity). */
	doc = xmlCtxtReadFile(ctxt, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(ctxt);
	if (doc && r.entity) {
		xmlFreeDoc(doc);
		return r.rc;
	}
	if (!doc) {
		if (!r.rc) {
			FILE *f = fopen(path, "rb");
			struct kerr e;

			kerr_clear(&e);
			if (!f)
				kerr_errno(&e, errno, path, "cannot read the .qdc file");
			else {
				fclose(f);
				kerr_set(&e, KERR_SYNTAX, "not an XML file");
				kerr_at(&e, path, 0, 0);
			}
			kerr_list_add(errs, &e);
			r.rc = e.code;
		}
		return r.rc;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is_el(root, "CodeBook")) {
		fail(&r, root ? xmlGetLineNo(root) : 1, KERR_SCHEMA,
			"the root element is not <CodeBook>: this is not a REFI-QDA codebook "
			"(a .qdpx project must be unzipped; its project.qde holds a <CodeBook>)");
	} else {
		char *origin = attr(root, "origin");

		if (!root->ns || strcmp((const char *)root->ns->href, QDC_NS))
			add_problem(warn, path, xmlGetLineNo(root), KERR_SCHEMA,
				"the <CodeBook> is not in the namespace " QDC_NS "; reading it anyway");
		b->origin = origin ? strdup(origin) : NULL;
		xmlFree(origin);
		for (n = root->children; n; n = n->next)
			if (is_el(n, "Codes")) {
				have_codes = 1;
				read_codes(&r, n, QDC_NONE, 0);
			}
		for (n = root->children; n; n = n->next)
			if (is_el(n, "Sets"))
				read_sets(&r, n);
		if (!have_codes)
			fail(&r, xmlGetLineNo(root), KERR_SCHEMA, "the <CodeBook> has no <Codes>");
		else if (!r.rc) {
			size_t i;
			int any = 0;

			for (i = 0; i < b->n; i++)
				any |= b->codes[i].codable;
			if (!any)
				fail(&r, xmlGetLineNo(root), KERR_SCHEMA,
					"the codebook has no codable codes, so there is nothing to code with");
		}
	}
	xmlFreeDoc(doc);
	return r.rc;
}

/* ---- koder codebook skeleton ----------------------------------------- */

int qdc_to_json(const struct qdc_book *b, const char *id, const char *title,
	struct cJSON **out, struct kerr *e)
{
	cJSON *root = cJSON_CreateObject(), *cats, *nets;
	struct buf src = BUF_INIT;
	size_t i;
	int ok = root != NULL;

	*out = NULL;
	buf_addf(&src, "imported from a REFI-QDA codebook%s%s",
		b->origin ? " written by " : "", b->origin ? b->origin : "");
	ok = ok && cJSON_AddStringToObject(root, "id", id)
		&& cJSON_AddNumberToObject(root, "version", 1)
		&& cJSON_AddStringToObject(root, "title", title ? title : id)
		&& cJSON_AddStringToObject(root, "language", "da")
		&& cJSON_AddStringToObject(root, "source", src.data);
	buf_release(&src);
	nets = ok ? cJSON_AddArrayToObject(root, "nets") : NULL;
	cats = nets ? cJSON_AddArrayToObject(root, "categories") : NULL;
	ok = cats != NULL;
	for (i = 0; ok && i < b->n; i++) {
		const struct qdc_code *c = &b->codes[i];
		cJSON *o = cJSON_CreateObject();

		ok = o && cJSON_AddItemToArray(c->codable ? cats : nets, o)
			&& cJSON_AddStringToObject(o, "id", c->key)
			&& cJSON_AddStringToObject(o, "label", c->name);
		if (!ok || !c->codable)
			continue;
		if (c->description)
			ok = cJSON_AddStringToObject(o, "description", c->description) != NULL;
		if (ok && c->parent != QDC_NONE && c->parent < b->n)
			ok = cJSON_AddStringToObject(o, "net", b->codes[c->parent].key) != NULL;
		ok = ok && cJSON_AddArrayToObject(o, "include");
	}
	if (!ok) {
		cJSON_Delete(root);
		return kerr_set(e, KERR_NOMEM, "out of memory");
	}
	*out = root;
	return 0;
}
