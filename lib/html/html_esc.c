/* SPDX-License-Identifier: BSD-3-Clause
 * Escaping report strings for HTML text, attribute values and the SVG
 * inside the page (mbl_html.h).
 */
#include <stdint.h>
#include <stdio.h>

#include "mbl_html.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, at most U+10FFFF), or 0. */
static unsigned utf8_len(const unsigned char *s)
{
	unsigned n, cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* a NUL ends it here too */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void mbl_html_esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p == NULL)
		return;
	while (*p != '\0') {
		unsigned n;

		switch (*p) {
		case '&': fputs("&amp;", f); p++; continue;
		case '<': fputs("&lt;", f); p++; continue;
		case '>': fputs("&gt;", f); p++; continue;
		case '"': fputs("&quot;", f); p++; continue;
		case '\'': fputs("&#39;", f); p++; continue;
		case '\t': case '\n': fputc(*p++, f); continue;
		default: break;
		}
		/* XML 1.0 allows no other C0 control, not even as a reference */
		n = *p < 0x20 || *p == 0x7f ? 0 : utf8_len(p);
		if (n == 0) {
			fputs(REPLACEMENT, f);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
}
