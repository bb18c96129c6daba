/* text.c: bounded parsing and decoding of untrusted text */
#include <errno.h>
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
