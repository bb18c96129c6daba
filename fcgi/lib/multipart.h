/* multipart.h: one named part of a multipart/form-data body (RFC 7578) */
#ifndef SWARM_MULTIPART_H
#define SWARM_MULTIPART_H

#include <stddef.h>

#define MULTIPART_BOUNDARY_MAX	70	/* RFC 2046 §5.1.1 */
#define MULTIPART_FILENAME_MAX	255
#define MULTIPART_MAX_PARTS	16	/* more is not a form we sent */
#define MULTIPART_HEADERS_MAX	8192	/* one part's header block */

/* A part found in a body: data borrowed from the body, filename copied. */
struct multipart_part {
	const char	*data;
	size_t		 len;
	int		 has_filename;
	char		 filename[MULTIPART_FILENAME_MAX + 1];
};

/*
 * The boundary of a "multipart/form-data; boundary=..." content type
 * (quoted or not) into out (MULTIPART_BOUNDARY_MAX + 1 bytes). 0, or
 * E_UNSUPPORTED for another type, E_INVAL for a missing or bad boundary.
 */
int	multipart_boundary(char *out, const char *content_type);

/*
 * Find the first part whose form field name is field. The whole body
 * must be well formed up to its closing delimiter: 0, E_NOTFOUND (no
 * such field), E_INVAL (malformed: bad delimiters or headers, a part
 * without a form-data name, too many parts, a filename that is too
 * long or not UTF-8 text).
 */
int	multipart_find(struct multipart_part *out, const char *body,
	    size_t len, const char *boundary, const char *field);

#endif
