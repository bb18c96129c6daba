/* multipart.c: one named part of a multipart/form-data body (RFC 7578) */
#include <string.h>
#include <strings.h>

#include "err.h"
#include "multipart.h"
#include "text.h"

/* RFC 2046 bchars: what a boundary may hold (space only inside). */
static int
is_bchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Read a parameter value (token or quoted-string) at s into out (size
 * outsz); *end gets where it stops. 0 or E_INVAL (unterminated, too
 * long, a control character).
 */
static int
param_value(char *out, size_t outsz, const char *s, const char **end)
{
	size_t	 n = 0;

	if (*s == '"') {
		for (s++; *s != '"'; s++) {
			if (*s == '\0')
				return E_INVAL;
			if (*s == '\\' && s[1] != '\0')
				s++;
			if ((unsigned char)*s < 0x20 || *s == 0x7f ||
			    n + 1 >= outsz)
				return E_INVAL;
			out[n++] = *s;
		}
		s++;
	} else {
		for (; *s != '\0' && *s != ';' && *s != ' ' && *s != '\t'; s++) {
			if ((unsigned char)*s < 0x20 || *s == 0x7f ||
			    *s == '"' || n + 1 >= outsz)
				return E_INVAL;
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	*end = s;
	return 0;
}

/*
 * Walk "; key=value" parameters after a media type or disposition,
 * calling want for each; a malformed list is E_INVAL.
 */
static int
params_each(const char *s, int (*want)(void *, const char *, const char *),
    void *arg)
{
	char		 key[32], val[MULTIPART_FILENAME_MAX * 4 + 1];
	const char	*eq;
	size_t		 klen;
	int		 rc;

	for (;;) {
		s = skip_ws(s);
		if (*s == '\0')
			return 0;
		if (*s != ';')
			return E_INVAL;
		s = skip_ws(s + 1);
		if (*s == '\0')
			return 0;		/* a trailing ';' is common */
		if ((eq = strchr(s, '=')) == NULL)
			return E_INVAL;
		klen = (size_t)(eq - s);
		while (klen > 0 && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
			klen--;
		if (klen == 0 || klen >= sizeof(key))
			return E_INVAL;
		memcpy(key, s, klen);
		key[klen] = '\0';
		if (param_value(val, sizeof(val), skip_ws(eq + 1), &s) != 0)
			return E_INVAL;
		if ((rc = want(arg, key, val)) != 0)
			return rc;
	}
}

static int
take_boundary(void *arg, const char *key, const char *val)
{
	char	*out = arg;
	size_t	 i, n = strlen(val);

	if (strcasecmp(key, "boundary") != 0)
		return 0;
	if (n == 0 || n > MULTIPART_BOUNDARY_MAX || val[n - 1] == ' ')
		return E_INVAL;
	for (i = 0; i < n; i++)
		if (!is_bchar((unsigned char)val[i]))
			return E_INVAL;
	memcpy(out, val, n + 1);
	return 0;
}

int
multipart_boundary(char *out, const char *content_type)
{
	static const char	 type[] = "multipart/form-data";
	size_t			 n = sizeof(type) - 1;

	out[0] = '\0';
	if (content_type == NULL || strncasecmp(content_type, type, n) != 0 ||
	    (content_type[n] != '\0' && content_type[n] != ';' &&
	    content_type[n] != ' ' && content_type[n] != '\t'))
		return E_UNSUPPORTED;
	if (params_each(content_type + n, take_boundary, out) != 0 ||
	    out[0] == '\0')
		return E_INVAL;
	return 0;
}

/* What the headers of one part say. */
struct part_head {
	char	name[256];
	char	filename[MULTIPART_FILENAME_MAX * 4 + 1];
	int	has_name;
	int	has_filename;
};

static int
take_disposition(void *arg, const char *key, const char *val)
{
	struct part_head	*h = arg;

	if (strcasecmp(key, "name") == 0) {
		if (strlen(val) >= sizeof(h->name))
			return E_INVAL;
		strcpy(h->name, val);
		h->has_name = 1;
	} else if (strcasecmp(key, "filename") == 0) {
		strcpy(h->filename, val);	/* both bounded by val */
		h->has_filename = 1;
	}
	return 0;
}

/* Parse one part's header block (lines ending in CRLF, NUL-terminated). */
static int
part_headers(struct part_head *h, char *block)
{
	static const char	 cd[] = "content-disposition:";
	static const char	 fd[] = "form-data";
	char			*line, *eol, *v;

	memset(h, 0, sizeof(*h));
	for (line = block; *line != '\0'; line = eol + 2) {
		if ((eol = strstr(line, "\r\n")) == NULL)
			return E_INVAL;
		*eol = '\0';
		/* Folded headers are obsolete (RFC 7230 §3.2.4). */
		if (*line == ' ' || *line == '\t' || strchr(line, ':') == NULL)
			return E_INVAL;
		if (strncasecmp(line, cd, sizeof(cd) - 1) != 0)
			continue;
		v = (char *)skip_ws(line + sizeof(cd) - 1);
		if (strncasecmp(v, fd, sizeof(fd) - 1) != 0 ||
		    params_each(v + sizeof(fd) - 1, take_disposition, h) != 0)
			return E_INVAL;
	}
	return h->has_name ? 0 : E_INVAL;
}

/*
 * The file name a user can see: no directories (some browsers send a
 * whole path), valid UTF-8 without control characters, not empty.
 */
static int
clean_filename(char *out, const char *raw)
{
	const char	*base = raw, *p;
	size_t		 n;

	for (p = raw; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	n = strlen(base);
	if (n == 0 || n > MULTIPART_FILENAME_MAX ||
	    !text_is_utf8(base, n) || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0)
		return E_INVAL;
	for (p = base; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return E_INVAL;
	memcpy(out, base, n + 1);
	return 0;
}

int
multipart_find(struct multipart_part *out, const char *body, size_t len,
    const char *boundary, const char *field)
{
	char			 delim[MULTIPART_BOUNDARY_MAX + 5],
				 block[MULTIPART_HEADERS_MAX + 1];
	struct part_head	 h;
	const char		*p, *end = body + len, *hend, *next;
	size_t			 dlen, hlen;
	int			 nparts = 0, found = 0;

	memset(out, 0, sizeof(*out));
	dlen = strlen(boundary);
	if (dlen == 0 || dlen > MULTIPART_BOUNDARY_MAX)
		return E_INVAL;
	/* "\r\n--boundary": the first delimiter may also open the body. */
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, dlen);
	dlen += 4;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)) != NULL)
		p += dlen;
	else
		return E_INVAL;
	for (;;) {
		/* p is just past a delimiter: "--" closes, else CRLF. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return found ? 0 : E_NOTFOUND;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return E_INVAL;
		p += 2;
		if (++nparts > MULTIPART_MAX_PARTS)
			return E_INVAL;
		/* Headers end at an empty line (none at all is allowed). */
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			hend = p;
		else if ((hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4))
		    != NULL)
			hend += 2;
		else
			return E_INVAL;
		hlen = (size_t)(hend - p);
		if (hlen > MULTIPART_HEADERS_MAX || memchr(p, '\0', hlen))
			return E_INVAL;
		memcpy(block, p, hlen);
		block[hlen] = '\0';
		if (part_headers(&h, block) != 0)
			return E_INVAL;
		p = hend + 2;
		if ((next = memmem(p, (size_t)(end - p), delim, dlen)) == NULL)
			return E_INVAL;
		if (!found && strcmp(h.name, field) == 0) {
			out->data = p;
			out->len = (size_t)(next - p);
			if (h.has_filename) {
				if (clean_filename(out->filename, h.filename)
				    != 0)
					return E_INVAL;
				out->has_filename = 1;
			}
			found = 1;
		}
		p = next + dlen;
	}
}
