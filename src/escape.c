/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Untrusted text (sysfs values, file names, configuration lines) reaches the terminal escaped,
 * as ls and systemd show it: control bytes and bytes that are not UTF-8 become \n, \t, \xHH, so
 * a hostile file can neither move the cursor nor fake a line of its own.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Length of the valid UTF-8 sequence at @s (2-4), or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	int n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (!n)
		return 0;
	/* the second byte's range rules out overlong forms, surrogates and code points > U+10FFFF */
	unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void cli_fputs_escaped(const char *text, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		int n = *p >= 0x80 ? utf8_len(p) : 0;
		if (n) {
			fwrite(p, 1, (size_t)n, f);
			p += n;
			continue;
		}
		unsigned char c = *p++;
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void cli_printf_escaped(FILE *f, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cli_fputs_escaped(buf, f);
	fputc('\n', f);
}
