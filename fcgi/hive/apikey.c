/* apikey.c: node API keys: generation, the stored hash, the lookup prefix */
#include <sys/random.h>

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "apikey.h"
#include "err.h"

static const char hexdigits[] = "0123456789abcdef";

static void
to_hex(char *out, const unsigned char *in, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
apikey_generate(char out[APIKEY_LEN + 1])
{
	unsigned char	 b[APIKEY_LEN / 2];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return E_FAIL;
	to_hex(out, b, sizeof(b));
	explicit_bzero(b, sizeof(b));
	return 0;
}

int
apikey_well_formed(const char *key)
{
	size_t	 i;

	if (key == NULL)
		return 0;
	for (i = 0; i < APIKEY_LEN; i++)
		if (key[i] == '\0' || strchr(hexdigits, key[i]) == NULL)
			return 0;
	return key[APIKEY_LEN] == '\0';
}

void
apikey_prefix(char out[APIKEY_PREFIX + 1], const char *key)
{
	memcpy(out, key, APIKEY_PREFIX);
	out[APIKEY_PREFIX] = '\0';
}

int
apikey_hash(char out[APIKEY_HASHLEN + 1], const char *key)
{
	unsigned char	 md[32];
	unsigned int	 mdlen = 0;

	if (EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != sizeof(md))
		return E_FAIL;
	to_hex(out, md, sizeof(md));
	return 0;
}

int
apikey_matches(const char *key, const char *stored)
{
	char	 h[APIKEY_HASHLEN + 1];
	int	 ok;

	if (stored == NULL || strlen(stored) != APIKEY_HASHLEN ||
	    apikey_hash(h, key) != 0)
		return 0;
	ok = CRYPTO_memcmp(h, stored, APIKEY_HASHLEN) == 0;
	explicit_bzero(h, sizeof(h));
	return ok;
}
