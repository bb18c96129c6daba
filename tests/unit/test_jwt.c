/* test_jwt.c: HS256 tokens: known vector, round trip, and every refusal */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "err.h"
#include "jsonx.h"
#include "jwt.h"

/* 48 random bytes, standard base64: a valid swarm secret. */
#define SECRET	"q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ"
#define NOW	1800000000LL

static const char *const required[] = { "sub", "node_id", "exp", "aud", NULL };

static struct jwt_key	key;

static int
setup(void **state)
{
	(void)state;
	return jwt_key_from_base64(&key, SECRET);
}

/* A token for claims given as JSON text; caller frees. */
static char *
sign_text(const char *claims_json)
{
	json_object	*c = json_tokener_parse(claims_json);
	char		*t;

	assert_non_null(c);
	t = jwt_sign(&key, c);
	json_object_put(c);
	assert_non_null(t);
	return t;
}

/*
 * A token with exactly this header and payload text, correctly signed:
 * what an attacker holding no key cannot make, so each refusal below is
 * the check under test and not the signature. Caller frees.
 */
static char *
forge(const char *header, const char *payload)
{
	unsigned char	 mac[32];
	unsigned int	 maclen = 0;
	char		*h, *p, *sig, *tok;
	size_t		 n;

	h = jwt_b64url_encode((const unsigned char *)header, strlen(header));
	p = jwt_b64url_encode((const unsigned char *)payload, strlen(payload));
	assert_non_null(h);
	assert_non_null(p);
	n = strlen(h) + strlen(p) + 48;
	tok = malloc(n);
	assert_non_null(tok);
	snprintf(tok, n, "%s.%s", h, p);
	assert_non_null(HMAC(EVP_sha256(), key.k, (int)key.len,
	    (const unsigned char *)tok, strlen(tok), mac, &maclen));
	sig = jwt_b64url_encode(mac, sizeof(mac));
	assert_non_null(sig);
	strcat(tok, ".");
	strcat(tok, sig);
	free(h);
	free(p);
	free(sig);
	return tok;
}

static void
jwt_rfc7515_vector(void **state)
{
	/* RFC 7515 appendix A.1: the signature verifies; it has no aud. */
	static const char tok[] =
	    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
	    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	struct jwt_key	 k;
	json_object	*c = NULL;
	const char	*why = NULL;

	(void)state;
	assert_int_equal(jwt_key_from_base64(&k, "AyM1SysPpbyDfgZld3umj1qzKObwV"
	    "MkoqQ+EstJQLr/T+1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow=="), 0);
	assert_int_equal(jwt_verify(&c, &k, tok, "connection", 1300819380,
	    NULL, &why), E_FORBIDDEN);
	assert_string_equal(why, "wrong audience");
	/* One flipped signature character and it is the signature that fails. */
	{
		char	 bad[sizeof(tok)];

		memcpy(bad, tok, sizeof(tok));
		/* Not the last character: its low bits must stay zero. */
		bad[sizeof(tok) - 10] = bad[sizeof(tok) - 10] == 'A' ? 'B' : 'A';
		assert_int_equal(jwt_verify(&c, &k, bad, "connection",
		    1300819380, NULL, &why), E_FORBIDDEN);
		assert_string_equal(why, "bad signature");
	}
	jwt_key_clear(&k);
}

static void
jwt_round_trip(void **state)
{
	char		*t = sign_text("{\"sub\":\"u\",\"node_id\":\"n\","
	    "\"assignment_id\":\"a\",\"iat\":1799999000,\"exp\":1800000900,"
	    "\"aud\":\"connection\"}");
	json_object	*c = NULL;
	const char	*why = "x";

	(void)state;
	assert_int_equal(jwt_verify(&c, &key, t, "connection", NOW, required,
	    &why), 0);
	assert_null(why);
	assert_string_equal(jsonx_get_str(c, "node_id"), "n");
	json_object_put(c);
	/* Header is exactly what the original sends. */
	assert_int_equal(strncmp(t, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37), 0);
	free(t);
}

static void
jwt_refusals(void **state)
{
	static const struct {
		const char	*header, *payload, *why;
	} t[] = {
		{ "{\"alg\":\"none\",\"typ\":\"JWT\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":1800000900,\"aud\":\"connection\"}",
		  "unsupported algorithm" },
		{ "{\"alg\":\"HS512\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":1800000900,\"aud\":\"connection\"}",
		  "unsupported algorithm" },
		{ "{\"alg\":\"HS256\",\"kid\":\"x\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":1800000900,\"aud\":\"connection\"}",
		  "unsupported algorithm" },
		{ "{\"alg\":\"HS256\",\"typ\":\"JWE\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":1800000900,\"aud\":\"connection\"}",
		  "unsupported algorithm" },
		{ "{\"alg\":\"HS256\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":1800000900,\"aud\":\"node_proxy\"}",
		  "wrong audience" },
		{ "{\"alg\":\"HS256\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":1800000900,\"aud\":[\"connection\"]}",
		  "wrong audience" },
		{ "{\"alg\":\"HS256\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":1799999969,\"aud\":\"connection\"}",
		  "expired" },
		{ "{\"alg\":\"HS256\"}",
		  "{\"sub\":\"u\",\"node_id\":\"n\",\"exp\":\"1800000900\",\"aud\":\"connection\"}",
		  "missing exp" },
		{ "{\"alg\":\"HS256\"}",
		  "{\"sub\":\"u\",\"exp\":1800000900,\"aud\":\"connection\"}",
		  "missing claim" },
	};
	json_object	*c;
	const char	*why;
	char		*tok;
	size_t		 i;
	int		 fails = 0;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		tok = forge(t[i].header, t[i].payload);
		c = NULL;
		why = NULL;
		if (jwt_verify(&c, &key, tok, "connection", NOW, required,
		    &why) != E_FORBIDDEN || why == NULL ||
		    strcmp(why, t[i].why) != 0) {
			fprintf(stderr, "case %zu: why %s, want %s\n", i,
			    why ? why : "(null)", t[i].why);
			fails++;
		}
		assert_null(c);
		free(tok);
	}
	assert_int_equal(fails, 0);
}

static void
jwt_leeway(void **state)
{
	char		*tok = forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u\","
	    "\"node_id\":\"n\",\"exp\":1799999970,\"aud\":\"connection\"}");
	json_object	*c = NULL;

	(void)state;
	/* 30 s after exp still passes; 31 s does not. */
	assert_int_equal(jwt_verify(&c, &key, tok, "connection", 1800000000,
	    required, NULL), 0);
	json_object_put(c);
	assert_int_equal(jwt_verify(&c, &key, tok, "connection", 1800000001,
	    required, NULL), E_FORBIDDEN);
	free(tok);
}

static void
jwt_malformed(void **state)
{
	char		*good = sign_text("{\"sub\":\"u\",\"node_id\":\"n\","
	    "\"exp\":1800000900,\"aud\":\"connection\"}");
	char		 buf[1024];
	json_object	*c = NULL;
	const char	*cases[12];
	size_t		 i, n = 0;
	char		*big;

	(void)state;
	cases[n++] = "";
	cases[n++] = "abc";
	cases[n++] = "a.b";
	cases[n++] = "a.b.c.d";
	cases[n++] = "..";
	snprintf(buf, sizeof(buf), "%s=", good);	/* padding */
	cases[n++] = strdup(buf);
	snprintf(buf, sizeof(buf), "%s.", good);	/* a fourth part */
	cases[n++] = strdup(buf);
	snprintf(buf, sizeof(buf), " %s", good);	/* whitespace */
	cases[n++] = strdup(buf);
	snprintf(buf, sizeof(buf), "%s", good);
	*strchr(buf, '.') = '!';			/* bad alphabet */
	cases[n++] = strdup(buf);
	for (i = 0; i < n; i++) {
		assert_int_equal(jwt_verify(&c, &key, cases[i], "connection",
		    NOW, required, NULL), E_INVAL);
		assert_null(c);
	}
	for (i = 5; i < n; i++)
		free((char *)cases[i]);
	/* Oversized tokens are refused before any decoding. */
	big = malloc(JWT_MAX_LEN + 2);
	memset(big, 'A', JWT_MAX_LEN + 1);
	big[JWT_MAX_LEN + 1] = '\0';
	assert_int_equal(jwt_verify(&c, &key, big, "connection", NOW, NULL,
	    NULL), E_INVAL);
	assert_int_equal(jwt_verify(&c, &key, NULL, "connection", NOW, NULL,
	    NULL), E_INVAL);
	free(big);
	free(good);
}

static void
jwt_key_rules(void **state)
{
	struct jwt_key	 k;

	(void)state;
	/* 31 bytes is too short, 32 is enough; padding is required. */
	assert_int_equal(jwt_key_from_base64(&k,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="), E_INVAL);
	assert_int_equal(jwt_key_from_base64(&k,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), 0);
	assert_int_equal(k.len, 32);
	assert_int_equal(jwt_key_from_base64(&k,
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), E_INVAL);
	assert_int_equal(jwt_key_from_base64(&k, "not base64 at all!!"), E_INVAL);
	assert_int_equal(jwt_key_from_base64(&k, NULL), E_INVAL);
	jwt_key_clear(&k);
}

static void
jwt_b64url_strict(void **state)
{
	static const struct { const char *in; int ok; } t[] = {
		{ "", 1 }, { "QQ", 1 }, { "QUI", 1 }, { "QUJD", 1 },
		{ "QR", 0 },		/* stray low bits */
		{ "Q", 0 },		/* impossible length */
		{ "QQ==", 0 },		/* padding */
		{ "QU+D", 0 },		/* standard alphabet */
		{ "QU_D", 1 },
	};
	unsigned char	*out;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out = jwt_b64url_decode(t[i].in, strlen(t[i].in), &n);
		if ((out != NULL) != t[i].ok)
			fprintf(stderr, "b64url %s: got %d\n", t[i].in,
			    out != NULL);
		assert_int_equal(out != NULL, t[i].ok);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jwt_rfc7515_vector),
		cmocka_unit_test(jwt_round_trip),
		cmocka_unit_test(jwt_refusals),
		cmocka_unit_test(jwt_leeway),
		cmocka_unit_test(jwt_malformed),
		cmocka_unit_test(jwt_key_rules),
		cmocka_unit_test(jwt_b64url_strict),
	};

	return cmocka_run_group_tests_name("jwt", tests, setup, NULL);
}
