/* jwt.c: HS256 JSON Web Tokens for connection and proxy tokens */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "err.h"
#include "jsonx.h"
#include "jwt.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64_value(const char *alphabet, char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(p - alphabet);
}

char *
jwt_b64url_encode(const unsigned char *in, size_t len)
{
	char		*out, *o;
	size_t		 i;
	uint32_t	 v;

	if (len > SIZE_MAX / 2 || (out = malloc(len / 3 * 4 + 5)) == NULL)
		return NULL;
	for (i = 0, o = out; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*o++ = b64url[v >> 18 & 63];
		*o++ = b64url[v >> 12 & 63];
		*o++ = b64url[v >> 6 & 63];
		*o++ = b64url[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		*o++ = b64url[v >> 18 & 63];
		*o++ = b64url[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*o++ = b64url[v >> 18 & 63];
		*o++ = b64url[v >> 12 & 63];
		*o++ = b64url[v >> 6 & 63];
	}
	*o = '\0';
	return out;
}

/*
 * Decode len characters of alphabet; padded selects the standard
 * padded form. Unused low bits must be zero, so every byte string has
 * exactly one accepted encoding.
 */
static unsigned char *
b64_decode(const char *alphabet, int padded, const char *in, size_t len,
    size_t *outlen)
{
	unsigned char	*out;
	size_t		 i, o = 0, pad = 0;
	uint32_t	 acc = 0;
	int		 v, bits = 0;

	if (padded) {
		if (len % 4 != 0)
			return NULL;
		while (pad < 2 && len > 0 && in[len - 1] == '=') {
			len--;
			pad++;
		}
	} else if (len % 4 == 1)
		return NULL;
	if ((out = malloc(len / 4 * 3 + 3)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if ((v = b64_value(alphabet, in[i])) < 0)
			goto bad;
		acc = acc << 6 | (uint32_t)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0 || (padded && (len + pad) % 4 != 0))
		goto bad;
	*outlen = o;
	return out;
bad:
	free(out);
	return NULL;
}

unsigned char *
jwt_b64url_decode(const char *in, size_t len, size_t *outlen)
{
	return b64_decode(b64url, 0, in, len, outlen);
}

int
jwt_key_from_base64(struct jwt_key *key, const char *secret)
{
	unsigned char	*raw;
	size_t		 n = 0;

	memset(key, 0, sizeof(*key));
	if (secret == NULL ||
	    (raw = b64_decode(b64std, 1, secret, strlen(secret), &n)) == NULL)
		return E_INVAL;
	if (n < JWT_KEY_MIN || n > JWT_KEY_MAX) {
		explicit_bzero(raw, n);
		free(raw);
		return E_INVAL;
	}
	memcpy(key->k, raw, n);
	key->len = n;
	explicit_bzero(raw, n);
	free(raw);
	return 0;
}

void
jwt_key_clear(struct jwt_key *key)
{
	explicit_bzero(key, sizeof(*key));
}

static int
hs256(unsigned char mac[32], const struct jwt_key *key, const char *data,
    size_t len)
{
	unsigned int	 maclen = 0;

	if (HMAC(EVP_sha256(), key->k, (int)key->len,
	    (const unsigned char *)data, len, mac, &maclen) == NULL ||
	    maclen != 32)
		return E_FAIL;
	return 0;
}

char *
jwt_sign(const struct jwt_key *key, json_object *claims)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	unsigned char	 mac[32];
	const char	*body;
	char		*h = NULL, *c = NULL, *s = NULL, *out = NULL;
	size_t		 blen, n;

	if ((body = jsonx_render(claims, &blen)) == NULL ||
	    (h = jwt_b64url_encode((const unsigned char *)header,
	    sizeof(header) - 1)) == NULL ||
	    (c = jwt_b64url_encode((const unsigned char *)body, blen)) == NULL)
		goto out;
	n = strlen(h) + 1 + strlen(c);
	if ((out = malloc(n + 1 + 44)) == NULL)
		goto out;
	memcpy(out, h, strlen(h));
	out[strlen(h)] = '.';
	memcpy(out + strlen(h) + 1, c, strlen(c) + 1);
	if (hs256(mac, key, out, n) != 0 ||
	    (s = jwt_b64url_encode(mac, sizeof(mac))) == NULL) {
		free(out);
		out = NULL;
		goto out;
	}
	out[n] = '.';
	memcpy(out + n + 1, s, strlen(s) + 1);
out:
	explicit_bzero(mac, sizeof(mac));
	free(h);
	free(c);
	free(s);
	return out;
}

/* Decode one base64url part and parse it as a JSON object. */
static json_object *
part_json(const char *p, size_t len)
{
	unsigned char	*raw;
	json_object	*o = NULL;
	char		 err[64];
	size_t		 n;

	if ((raw = jwt_b64url_decode(p, len, &n)) == NULL)
		return NULL;
	if (jsonx_parse_strict(&o, (const char *)raw, n, err, sizeof(err)) != 0 ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	free(raw);
	return o;
}

/* The header says HS256 and nothing we do not understand. */
static int
header_ok(json_object *h)
{
	const char	*alg = jsonx_get_str(h, "alg"), *typ;
	int		 n = 0;

	json_object_object_foreach(h, k, v) {
		(void)v;
		if (strcmp(k, "alg") != 0 && strcmp(k, "typ") != 0)
			return 0;
		n++;
	}
	if (alg == NULL || strcmp(alg, "HS256") != 0)
		return 0;
	if (n == 2 && ((typ = jsonx_get_str(h, "typ")) == NULL ||
	    strcmp(typ, "JWT") != 0))
		return 0;
	return 1;
}

int
jwt_verify(json_object **claims, const struct jwt_key *key,
    const char *token, const char *audience, int64_t now,
    const char *const *required, const char **why)
{
	const char	*dot1, *dot2, *aud, *dummy;
	unsigned char	 mac[32], *sig = NULL;
	json_object	*h = NULL, *c = NULL, *exp;
	size_t		 len, siglen = 0, i;
	int		 rc = E_INVAL;

	*claims = NULL;
	if (why == NULL)
		why = &dummy;
	*why = "malformed token";
	if (token == NULL || (len = strnlen(token, JWT_MAX_LEN + 1)) == 0 ||
	    len > JWT_MAX_LEN || (dot1 = strchr(token, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL || strchr(dot2 + 1, '.'))
		return E_INVAL;
	if ((h = part_json(token, (size_t)(dot1 - token))) == NULL ||
	    (c = part_json(dot1 + 1, (size_t)(dot2 - dot1 - 1))) == NULL ||
	    (sig = jwt_b64url_decode(dot2 + 1, strlen(dot2 + 1),
	    &siglen)) == NULL)
		goto out;
	rc = E_FORBIDDEN;
	/* The algorithm is ours to fix, never the token's to choose. */
	if (!header_ok(h)) {
		*why = "unsupported algorithm";
		goto out;
	}
	if (hs256(mac, key, token, (size_t)(dot2 - token)) != 0) {
		rc = E_FAIL;
		goto out;
	}
	if (siglen != sizeof(mac) || CRYPTO_memcmp(mac, sig, sizeof(mac)) != 0) {
		*why = "bad signature";
		goto out;
	}
	if ((aud = jsonx_get_str(c, "aud")) == NULL ||
	    strcmp(aud, audience) != 0) {
		*why = "wrong audience";
		goto out;
	}
	if (!json_object_object_get_ex(c, "exp", &exp) ||
	    !json_object_is_type(exp, json_type_int)) {
		*why = "missing exp";
		goto out;
	}
	if (json_object_get_int64(exp) < now - JWT_LEEWAY) {
		*why = "expired";
		goto out;
	}
	for (i = 0; required != NULL && required[i] != NULL; i++)
		if (!json_object_object_get_ex(c, required[i], NULL)) {
			*why = "missing claim";
			goto out;
		}
	*claims = c;
	c = NULL;
	*why = NULL;
	rc = 0;
out:
	explicit_bzero(mac, sizeof(mac));
	free(sig);
	json_object_put(h);
	json_object_put(c);
	return rc;
}
