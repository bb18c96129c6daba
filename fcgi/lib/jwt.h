/* jwt.h: HS256 JSON Web Tokens for connection and proxy tokens */
#ifndef SWARM_JWT_H
#define SWARM_JWT_H

#include <stddef.h>
#include <stdint.h>
#include <json.h>

#define JWT_KEY_MIN	32		/* bytes of the decoded swarm secret */
#define JWT_KEY_MAX	512
#define JWT_MAX_LEN	8192		/* longer tokens are refused unread */
#define JWT_LEEWAY	30		/* seconds of clock skew on exp */

/* The HMAC key: the swarm secret is standard base64 of >= 32 bytes. */
struct jwt_key {
	unsigned char	 k[JWT_KEY_MAX];
	size_t		 len;
};

/*
 * Decode the swarm secret (standard alphabet, padded, as the original
 * reads VK_CONNECTION_TOKEN_SECRET) into key. 0, or E_INVAL when it is
 * not base64 or decodes to fewer than JWT_KEY_MIN bytes.
 */
int	jwt_key_from_base64(struct jwt_key *key, const char *secret);
/* Wipe a key (explicit_bzero). */
void	jwt_key_clear(struct jwt_key *key);
/*
 * Sign claims (a JSON object) as a compact HS256 token into a new string
 * (caller frees). NULL on allocation failure.
 */
char	*jwt_sign(const struct jwt_key *key, json_object *claims);
/*
 * Verify token strictly: three base64url parts without padding, header
 * {"alg":"HS256"} (typ JWT if present, nothing else), signature compared
 * in constant time, claims an object whose "aud" equals audience and
 * whose integer "exp" is not older than now - JWT_LEEWAY, and every name
 * in required (NULL-terminated, may be NULL) present. On success *claims
 * is the claims object (caller puts). Returns 0, E_INVAL (malformed),
 * E_FORBIDDEN (signature, algorithm, audience, expiry, missing claim);
 * *why (may be NULL) says which, for logs only.
 */
int	jwt_verify(json_object **claims, const struct jwt_key *key,
	    const char *token, const char *audience, int64_t now,
	    const char *const *required, const char **why);

/* base64url without padding; exposed for tests. */
char	*jwt_b64url_encode(const unsigned char *in, size_t len);
/* Strict decode (no padding, no stray bits); NULL if malformed. */
unsigned char *jwt_b64url_decode(const char *in, size_t len, size_t *outlen);

#endif
