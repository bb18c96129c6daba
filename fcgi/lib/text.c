/* text.c: bounded parsing and decoding of untrusted text */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

int
text_to_int64(int64_t *out, const char *s, int64_t min, int64_t max)
{
	char		*end;
	long long	 v;

	/* strtoll would skip any leading space and take a '+': we do not. */
	if (s == NULL || !(*s == '-' || (*s >= '0' && *s <= '9')))
		return E_INVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return E_INVAL;
	*out = v;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
text_urldecode(const char *src, size_t len, int plus_is_space)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < len; i++) {
		if (src[i] == '%') {
			if (i + 2 >= len || (hi = hexval(src[i + 1])) < 0 ||
			    (lo = hexval(src[i + 2])) < 0)
				goto bad;
			if ((*o = (char)(hi << 4 | lo)) == '\0')
				goto bad;
			o++;
			i += 2;
		} else if (src[i] == '+' && plus_is_space)
			*o++ = ' ';
		else if (src[i] == '\0')
			goto bad;
		else
			*o++ = src[i];
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

int
text_is_utf8(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	unsigned int		 cp;

	while (i < len) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			return 0;
		if (i + n >= len)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/*
 * Length of the valid UTF-8 sequence at p[0..len), or 0 and in *bad the
 * length of its maximal invalid prefix (at least 1), which becomes one
 * U+FFFD as in Rust's from_utf8_lossy and the WHATWG decoder.
 */
static size_t
utf8_seq(const unsigned char *p, size_t len, size_t *bad)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 n, k;

	*bad = 1;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 2;
		lo = p[0] == 0xe0 ? 0xa0 : 0x80;	/* overlong */
		hi = p[0] == 0xed ? 0x9f : 0xbf;	/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 3;
		lo = p[0] == 0xf0 ? 0x90 : 0x80;	/* overlong */
		hi = p[0] == 0xf4 ? 0x8f : 0xbf;	/* > U+10FFFF */
	} else
		return 0;
	for (k = 1; k <= n; k++) {
		if (k >= len || p[k] < lo || p[k] > hi) {
			*bad = k;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return n + 1;
}

char *
text_utf8_lossy(const char *s, size_t len, size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 i = 0, n, bad;

	/* Each bad byte becomes 3 bytes of U+FFFD at worst. */
	if (len > (SIZE_MAX - 1) / 3 || (out = malloc(len * 3 + 1)) == NULL)
		return NULL;
	o = out;
	while (i < len) {
		if ((n = utf8_seq(p + i, len - i, &bad)) > 0) {
			memcpy(o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			i += bad;
		}
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}
