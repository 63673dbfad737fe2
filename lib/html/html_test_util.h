/* SPDX-License-Identifier: BSD-3-Clause
 * Test helpers for lib/html: capture what a renderer writes, and check
 * that a piece of it is well-formed XML (the subset the charts use:
 * elements, quoted attributes, text, the five predefined entities and
 * numeric references; no comments, CDATA or declarations).
 */
#ifndef MBL_HTML_TEST_UTIL_H
#define MBL_HTML_TEST_UTIL_H

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An entity or character reference at s ('&'): its length, 0 if none. */
static inline size_t tu_entity(const char *s)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t n = 2;

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strncmp(s, named[i], strlen(named[i])) == 0)
			return strlen(named[i]);
	if (s[1] != '#')
		return 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	return n > 2 && s[n] == ';' ? n + 1 : 0;
}

/* Text or an attribute value up to stop: no '<', '&' only in references,
 * no control character but tab and newline. */
static inline bool tu_text(const char **p, const char *end, char stop)
{
	while (*p < end && **p != stop) {
		unsigned char c = (unsigned char)**p;

		if (c == '<' || (c < 0x20 && c != '\t' && c != '\n'))
			return false;
		if (c == '&') {
			size_t n = tu_entity(*p);

			if (n == 0)
				return false;
			*p += n;
			continue;
		}
		(*p)++;
	}
	return true;
}

static inline bool tu_name(const char **p, const char *end)
{
	const char *s = *p;

	while (*p < end && (isalnum((unsigned char)**p) || strchr(":-_.", **p) != NULL))
		(*p)++;
	return *p > s && !isdigit((unsigned char)*s);
}

/* Is [s, s + len) one well-formed element (whitespace around it aside)?
 * why says where it is not. */
static inline bool tu_xml_ok(const char *s, size_t len, char *why, size_t whylen)
{
	const char *p = s, *end = s + len, *stack[64];
	size_t lens[64];
	int depth = 0, roots = 0;

	while (p < end) {
		const char *name;

		if (*p != '<') {
			if (depth == 0 && !isspace((unsigned char)*p))
				goto bad;
			if (!tu_text(&p, end, '<'))
				goto bad;
			continue;
		}
		p++;
		if (*p == '/') {
			p++;
			name = p;
			if (!tu_name(&p, end) || depth == 0 || (size_t)(p - name) != lens[depth - 1] ||
			    strncmp(name, stack[depth - 1], lens[depth - 1]) != 0 || *p != '>')
				goto bad;
			p++;
			depth--;
			continue;
		}
		name = p;
		if (!tu_name(&p, end) || depth == 64 || (depth == 0 && roots++ > 0))
			goto bad;
		for (;;) {
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (*p == '>' || (*p == '/' && p[1] == '>'))
				break;
			if (!tu_name(&p, end) || *p++ != '=' || *p++ != '"' || !tu_text(&p, end, '"') ||
			    *p++ != '"' || (!isspace((unsigned char)*p) && *p != '>' && *p != '/'))
				goto bad;
		}
		if (*p == '/') {
			p += 2;
			continue;
		}
		stack[depth] = name;
		lens[depth++] = (size_t)(strcspn(name, " \t\n/>"));
		p++;
	}
	if (depth != 0 || roots != 1)
		goto bad;
	return true;
bad:
	snprintf(why, whylen, "not well-formed at offset %zu: '%.40s'", (size_t)(p - s),
		 p < end ? p : "(end)");
	return false;
}

/* Every <svg ...>...</svg> of a page well-formed; how many there were. */
static inline int tu_svgs_ok(const char *page, char *why, size_t whylen)
{
	const char *p = page;
	int n = 0;

	while ((p = strstr(p, "<svg")) != NULL) {
		const char *e = strstr(p, "</svg>");

		if (e == NULL) {
			snprintf(why, whylen, "svg %d not closed", n);
			return -1;
		}
		e += 6;
		if (!tu_xml_ok(p, (size_t)(e - p), why, whylen))
			return -1;
		n++;
		p = e;
	}
	return n;
}

/* How often needle occurs in hay. */
static inline int tu_count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

#endif /* MBL_HTML_TEST_UTIL_H */
