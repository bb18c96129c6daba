/* fuzz_multipart.c: libFuzzer target: the multipart parser never reads
 * outside the body and what it returns lies inside it */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "multipart.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct multipart_part	 p;
	char			 b[MULTIPART_BOUNDARY_MAX + 1], *ct;
	const char		*body;
	size_t			 n;

	/* The first line is the content type, the rest the body. */
	body = memchr(data, '\n', size);
	n = body ? (size_t)(body - (const char *)data) : size;
	if ((ct = malloc(n + 1)) == NULL)
		return 0;
	memcpy(ct, data, n);
	ct[n] = '\0';
	if (multipart_boundary(b, ct) != 0)
		strcpy(b, "X");
	free(ct);
	if (body == NULL)
		return 0;
	body++;
	n = size - (size_t)(body - (const char *)data);
	/* Copy so ASan sees the exact extent of the body. */
	if ((ct = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(ct, body, n);
	if (multipart_find(&p, ct, n, b, "image") == 0 &&
	    (p.data < ct || p.data + p.len > ct + n ||
	    strlen(p.filename) > MULTIPART_FILENAME_MAX))
		abort();
	free(ct);
	return 0;
}
