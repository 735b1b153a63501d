/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_fmt.c - numbers, units and escapes shared by the renderers
 *
 * Numbers never go through printf's %f or %g: those follow LC_NUMERIC (a
 * host setting) and print the C library's own rounding of the binary
 * value.  A real with d decimals is instead rounded once to the integer
 * round(|v| * 10^d) (half away from zero, llround) and printed as integer
 * digits with a '.' inserted, so every machine prints the same bytes.
 * Bytes and nanoseconds are scaled with integer arithmetic only.  %d, %u
 * and %s stay with printf: they are locale-free without the ' flag.
 *
 * Escaping is per format: JSON strings (RFC 8259: quote, backslash and
 * every control character), XML/HTML text and attributes (the five
 * entities; control characters XML 1.0 cannot carry at all, even as
 * character references, become U+FFFD), CSV fields (RFC 4180: quote when a
 * comma, quote, CR or LF is present, double the quotes).  The model has
 * already made every string valid UTF-8.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

/* ---- Output ---- */

void rep_put(struct rep_out *o, const char *s, size_t n)
{
	report_buf_write(o->buf, s, n);
}

void rep_puts(struct rep_out *o, const char *s)
{
	report_buf_write(o->buf, s, strlen(s));
}

void rep_putc(struct rep_out *o, char c)
{
	report_buf_write(o->buf, &c, 1);
}

void rep_pad(struct rep_out *o, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;

		rep_put(o, spaces, k);
		n -= k;
	}
}

void rep_printf(struct rep_out *o, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		rep_put(o, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big) {
			o->buf->failed = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		rep_put(o, big, (size_t)n);
		free(big);
	}
}

void rep_heading(struct rep_out *o, const char *name, const char *unit)
{
	rep_puts(o, name);
	if (unit && *unit)
		rep_printf(o, " (%s)", unit);
}

/* ---- Numbers ---- */

/* exact powers of ten, as doubles and integers */
static const double rep_p10d[REPORT_MAX_DECIMALS + 1] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9
};
static const uint64_t rep_p10u[REPORT_MAX_DECIMALS + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000
};

size_t rep_fmt_uint(char *buf, uint64_t v)
{
	return (size_t)snprintf(buf, REP_NUMBUF, "%llu", (unsigned long long)v);
}

size_t rep_fmt_int(char *buf, int64_t v)
{
	return (size_t)snprintf(buf, REP_NUMBUF, "%lld", (long long)v);
}

/* "<sign><ip>.<fp padded to d digits>" */
static size_t rep_fmt_scaled(char *buf, bool neg, uint64_t m, unsigned d)
{
	if (d == 0)
		return (size_t)snprintf(buf, REP_NUMBUF, "%s%llu", neg ? "-" : "",
					(unsigned long long)m);
	return (size_t)snprintf(buf, REP_NUMBUF, "%s%llu.%0*llu", neg ? "-" : "",
				(unsigned long long)(m / rep_p10u[d]), (int)d,
				(unsigned long long)(m % rep_p10u[d]));
}

size_t rep_fmt_fixed(char *buf, double v, unsigned decimals)
{
	unsigned d = decimals > REPORT_MAX_DECIMALS ? REPORT_MAX_DECIMALS : decimals;
	double a;

	if (isnan(v))
		return (size_t)snprintf(buf, REP_NUMBUF, "nan");
	if (isinf(v))
		return (size_t)snprintf(buf, REP_NUMBUF, v < 0 ? "-inf" : "inf");
	a = fabs(v) * rep_p10d[d];
	if (a < 9.0e18) {
		uint64_t m = (uint64_t)llround(a);

		return rep_fmt_scaled(buf, v < 0 && m != 0, m, d);
	}
	/* beyond int64 the decimals mean nothing: an integer mantissa of 15
	 * digits and a decimal exponent, valid JSON and still locale-free */
	{
		int e = 0;

		a = fabs(v);
		while (a >= 1e15) {
			a /= 10;
			e++;
		}
		return (size_t)snprintf(buf, REP_NUMBUF, "%s%llue%d", v < 0 ? "-" : "",
					(unsigned long long)llround(a), e);
	}
}

size_t rep_fmt_coord(char *buf, double v)
{
	size_t n = rep_fmt_fixed(buf, v, 2);

	if (memchr(buf, '.', n)) {
		while (n > 0 && buf[n - 1] == '0')
			n--;
		if (n > 0 && buf[n - 1] == '.')
			n--;
		buf[n] = '\0';
	}
	return n;
}

size_t rep_fmt_bytes(char *buf, int64_t v)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t div = 1, q10;
	unsigned k = 0;

	if (u < 1024)
		return (size_t)snprintf(buf, REP_NUMBUF, "%lld B", (long long)v);
	while (k + 1 < ARRAY_SIZE(units) && u / div >= 1024) {
		div *= 1024;
		k++;
	}
	/* one decimal, rounded half up, in integers: u % div < 2^60 */
	q10 = u / div * 10 + ((u % div) * 10 + div / 2) / div;
	return (size_t)snprintf(buf, REP_NUMBUF, "%s%llu.%llu %s", v < 0 ? "-" : "",
				(unsigned long long)(q10 / 10),
				(unsigned long long)(q10 % 10), units[k]);
}

size_t rep_fmt_ns(char *buf, int64_t v)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	const char *sign = v < 0 ? "-" : "";
	char num[REP_NUMBUF];

	if (u < 1000)
		return (size_t)snprintf(buf, REP_NUMBUF, "%lld ns", (long long)v);
	if (u < 1000000) {		/* 12.5 us: tenths of a microsecond */
		rep_fmt_scaled(num, false, (u + 50) / 100, 1);
		return (size_t)snprintf(buf, REP_NUMBUF, "%s%s us", sign, num);
	}
	if (u < 1000000000) {		/* 3.20 ms: hundredths of a millisecond */
		rep_fmt_scaled(num, false, (u + 5000) / 10000, 2);
		return (size_t)snprintf(buf, REP_NUMBUF, "%s%s ms", sign, num);
	}
	rep_fmt_scaled(num, false, (u + 500000) / 1000000, 3);	/* 1.500 s */
	return (size_t)snprintf(buf, REP_NUMBUF, "%s%s s", sign, num);
}

const char *rep_human(const struct rep_value *v, unsigned decimals, char *buf)
{
	size_t n;

	if (v->missing)
		return "-";
	switch (v->type) {
	case REPORT_TEXT:
		return v->u.s;
	case REPORT_REAL:
		rep_fmt_fixed(buf, v->u.d, decimals);
		return buf;
	case REPORT_PERCENT:
		n = rep_fmt_fixed(buf, v->u.d, decimals);
		if (n + 2 < REP_NUMBUF)
			memcpy(buf + n, "%", 2);
		return buf;
	case REPORT_BYTES:
		rep_fmt_bytes(buf, v->u.i);
		return buf;
	case REPORT_NS:
		rep_fmt_ns(buf, v->u.i);
		return buf;
	default:
		rep_fmt_int(buf, v->u.i);
		return buf;
	}
}

const char *rep_plain(const struct rep_value *v, unsigned decimals, char *buf)
{
	if (v->missing)
		return NULL;
	switch (v->type) {
	case REPORT_TEXT:
		return v->u.s;
	case REPORT_REAL:
	case REPORT_PERCENT:
		if (!isfinite(v->u.d))
			return NULL;
		rep_fmt_fixed(buf, v->u.d, decimals);
		return buf;
	default:
		rep_fmt_int(buf, v->u.i);
		return buf;
	}
}

/* ---- UTF-8 ---- */

size_t rep_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k;
	unsigned lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;			/* continuation, overlong lead, > U+10FFFF */
	k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (n < k)
		return 0;
	if (c == 0xE0)
		lo = 0xA0;			/* overlong 3-byte */
	else if (c == 0xED)
		hi = 0x9F;			/* surrogates */
	else if (c == 0xF0)
		lo = 0x90;			/* overlong 4-byte */
	else if (c == 0xF4)
		hi = 0x8F;			/* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return k;
}

size_t rep_utf8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* ---- Escapes ---- */

void rep_json_string(struct rep_out *o, const char *s)
{
	const char *run = s;

	rep_putc(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = NULL;
		char hex[8];

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(hex, sizeof hex, "\\u%04x", c);
				esc = hex;
			}
			break;
		}
		if (esc) {
			rep_put(o, run, (size_t)(s - run));
			rep_puts(o, esc);
			run = s + 1;
		}
	}
	rep_put(o, run, (size_t)(s - run));
	rep_putc(o, '"');
}

void rep_xml_text(struct rep_out *o, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = NULL;
		size_t skip = 1;

		switch (c) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		case '\t': case '\n': case '\r': break;
		case 0xEF:	/* U+FFFE and U+FFFF are not XML characters */
			if ((unsigned char)s[1] == 0xBF &&
			    ((unsigned char)s[2] == 0xBE || (unsigned char)s[2] == 0xBF)) {
				esc = "\xEF\xBF\xBD";
				skip = 3;
			}
			break;
		default:
			if (c < 0x20)
				esc = "\xEF\xBF\xBD";
			break;
		}
		if (esc) {
			rep_put(o, run, (size_t)(s - run));
			rep_puts(o, esc);
			s += skip - 1;
			run = s + 1;
		}
	}
	rep_put(o, run, (size_t)(s - run));
}

void rep_csv_field(struct rep_out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		rep_puts(o, s);
		return;
	}
	rep_putc(o, '"');
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		rep_put(o, s, (size_t)(q - s) + 1);
		rep_putc(o, '"');
	}
	rep_puts(o, s);
	rep_putc(o, '"');
}

/* ---- Amounts for people ---- */

void rep_pick_unit(const char *unit, double maxabs, struct rep_unit *u)
{
	static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const char *const tim[] = { "ns", "us", "ms", "s" };
	unsigned k = 0;

	u->div = 1;
	u->suffix = false;
	if (!unit)
		unit = "";
	if (!strcmp(unit, "bytes") || !strcmp(unit, "B")) {
		while (k + 1 < ARRAY_SIZE(bin) && maxabs >= u->div * 1024) {
			u->div *= 1024;
			k++;
		}
		u->unit = bin[k];
	} else if (!strcmp(unit, "ns")) {
		while (k + 1 < ARRAY_SIZE(tim) && maxabs >= u->div * 1000) {
			u->div *= 1000;
			k++;
		}
		u->unit = tim[k];
	} else {
		u->unit = unit;
		u->suffix = strcmp(unit, "%") != 0;
	}
}

size_t rep_fmt_sig(char *buf, double v, bool suffix)
{
	const char *sfx = "";
	double a = fabs(v), p = 100;
	unsigned dec;
	size_t n;

	if (v == 0 || v != v) {
		memcpy(buf, v == 0 ? "0" : "-", 2);
		return 1;
	}
	if (suffix && a >= 1e4) {
		double d = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : 1e3;

		sfx = d == 1e9 ? "G" : d == 1e6 ? "M" : "k";
		v /= d;
		a /= d;
	}
	if (a >= 100)
		dec = 0;
	else if (a >= 10)
		dec = 1;
	else if (a >= 1)
		dec = 2;
	else
		for (dec = 2; dec < REPORT_MAX_DECIMALS && a * p < 100; dec++)
			p *= 10;
	n = rep_fmt_fixed(buf, v, dec);
	if (memchr(buf, '.', n)) {
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
	}
	memcpy(buf + n, sfx, strlen(sfx) + 1);
	return n + strlen(sfx);
}

size_t rep_fmt_amount(char *buf, double v, const char *unit)
{
	struct rep_unit u;
	size_t n;

	rep_pick_unit(unit, fabs(v), &u);
	if (!u.suffix && u.div == 1 && v == floor(v) && fabs(v) < 1e15)
		n = rep_fmt_int(buf, (int64_t)v);	/* 511 ns, 96 B: exact */
	else if (u.suffix && v == floor(v) && fabs(v) < 1e6)
		n = rep_fmt_int(buf, (int64_t)v);	/* 11309 pages: exact */
	else
		n = rep_fmt_sig(buf, v / u.div, u.suffix);
	if (*u.unit && n + strlen(u.unit) + 2 < REP_NUMBUF) {
		if (strcmp(u.unit, "%") != 0)
			buf[n++] = ' ';
		memcpy(buf + n, u.unit, strlen(u.unit) + 1);
		n += strlen(u.unit);
	}
	return n;
}
