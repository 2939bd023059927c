/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tiny TAP producer for the unit tests (meson's `protocol: 'tap'` reads it). */
#pragma once
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/* A description may quote hostile input (a newline in a BDF): one TAP line
 * per test, so control characters print as '?'. */
__attribute__((format(printf, 1, 2)))
static inline void tap_describe(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	printf("%s\n", line);
}

/* Evaluates cond exactly once: it may have side effects. */
#define ok(cond, ...) do { \
		int _pass = !!(cond); \
		tap_n++; \
		if (_pass) { printf("ok %d - ", tap_n); } \
		else { tap_failed++; printf("not ok %d - ", tap_n); } \
		tap_describe(__VA_ARGS__); \
		if (!_pass) printf("#   at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	} while (0)

#define is_int(got, want, ...) do { \
		long long _g = (got), _w = (want); \
		ok(_g == _w, __VA_ARGS__); \
		if (_g != _w) printf("#   got %lld, want %lld\n", _g, _w); \
	} while (0)

#define is_str(got, want, ...) do { \
		const char *_g = (got), *_w = (want); \
		int _same = _g && _w && strcmp(_g, _w) == 0; \
		ok(_same, __VA_ARGS__); \
		if (!_same) printf("#   got '%s', want '%s'\n", _g ? _g : "(null)", _w ? _w : "(null)"); \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
