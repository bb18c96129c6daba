/* apikey.h: node API keys: generation, the stored hash, the lookup prefix */
#ifndef SWARM_APIKEY_H
#define SWARM_APIKEY_H

#include <stddef.h>

#define APIKEY_LEN	64	/* hex digits of 32 random bytes */
#define APIKEY_PREFIX	8	/* digits that find the row */
#define APIKEY_HASHLEN	64	/* hex SHA-256 */

/* A new random key: APIKEY_LEN lowercase hex digits. 0 or E_FAIL. */
int	apikey_generate(char out[APIKEY_LEN + 1]);
/*
 * 1 if key has the form of a key we issue (APIKEY_LEN lowercase hex
 * digits), else 0: anything else is refused before any lookup.
 */
int	apikey_well_formed(const char *key);
/* The lookup prefix of a well-formed key into out[APIKEY_PREFIX + 1]. */
void	apikey_prefix(char out[APIKEY_PREFIX + 1], const char *key);
/* Lowercase hex SHA-256 of the key's bytes, as the original stores it. */
int	apikey_hash(char out[APIKEY_HASHLEN + 1], const char *key);
/* 1 if key hashes to stored (compared in constant time), else 0. */
int	apikey_matches(const char *key, const char *stored);

#endif
