/* text.h: bounded parsing and decoding of untrusted text */
#ifndef SWARM_TEXT_H
#define SWARM_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Parse a whole decimal string into [min, max]; 0 or E_INVAL. */
int	text_to_int64(int64_t *out, const char *s, int64_t min, int64_t max);
/*
 * Percent-decode src[0..len) into a new NUL-terminated string (caller
 * frees). plus_is_space for query strings. Fails (NULL) on a malformed
 * escape or a decoded NUL byte, which no path or value may contain.
 */
char	*text_urldecode(const char *src, size_t len, int plus_is_space);
/* 1 if s[0..len) is valid UTF-8 without NUL bytes, else 0. */
int	 text_is_utf8(const char *s, size_t len);

/*
 * Copy s[0..len) replacing each maximal invalid UTF-8 subpart with one
 * U+FFFD, as Rust's from_utf8_lossy does; NUL-terminated, length in
 * *outlen, caller frees. NULL on allocation failure.
 */
char	*text_utf8_lossy(const char *s, size_t len, size_t *outlen);

#endif
