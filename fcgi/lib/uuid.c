/* uuid.c: UUID text validation and random (version 4) generation */
#include <string.h>
#include <sys/random.h>

#include "err.h"
#include "uuid.h"

static int
ishex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

int
uuid_parse(char out[UUID_STRLEN + 1], const char *s)
{
	static const int	 dash[] = { 8, 13, 18, 23 };
	char			 hex[32];
	size_t			 len, i, h = 0, d = 0;

	if (s == NULL)
		return E_INVAL;
	len = strlen(s);
	if (len == 36) {
		for (i = 0; i < len; i++) {
			if (d < 4 && (int)i == dash[d]) {
				if (s[i] != '-')
					return E_INVAL;
				d++;
				continue;
			}
			if (!ishex(s[i]))
				return E_INVAL;
			hex[h++] = s[i];
		}
	} else if (len == 32) {
		for (i = 0; i < len; i++) {
			if (!ishex(s[i]))
				return E_INVAL;
			hex[h++] = s[i];
		}
	} else
		return E_INVAL;
	for (i = 0, h = 0, d = 0; i < UUID_STRLEN; i++) {
		if (d < 4 && (int)i == dash[d]) {
			out[i] = '-';
			d++;
			continue;
		}
		out[i] = hex[h] >= 'A' && hex[h] <= 'F' ? hex[h] - 'A' + 'a' :
		    hex[h];
		h++;
	}
	out[UUID_STRLEN] = '\0';
	return 0;
}

int
uuid_new(char out[UUID_STRLEN + 1])
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 b[16];
	size_t			 i, o = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return E_FAIL;
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = digits[b[i] >> 4];
		out[o++] = digits[b[i] & 15];
	}
	out[o] = '\0';
	return 0;
}
