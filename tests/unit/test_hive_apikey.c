/* test_hive_apikey.c: node API keys: format, hash, prefix, comparison */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "apikey.h"

/* A key is 64 lowercase hex digits: anything else is refused unread. */
static void
apikey_format(void **state)
{
	static const struct { const char *key; int ok; } t[] = {
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1 },
		{ "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 0 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", 0 },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", 0 },
		{ "vk_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab", 0 },
		{ "0123456789abcdef0123456789abcdef 123456789abcdef0123456789abcdef", 0 },
		{ "", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(apikey_well_formed(t[i].key), t[i].ok);
	assert_int_equal(apikey_well_formed(NULL), 0);
}

/* Generated keys are well formed and differ; the prefix is 8 digits. */
static void
apikey_generate_prefix(void **state)
{
	char	 a[APIKEY_LEN + 1], b[APIKEY_LEN + 1], p[APIKEY_PREFIX + 1];

	(void)state;
	assert_int_equal(apikey_generate(a), 0);
	assert_int_equal(apikey_generate(b), 0);
	assert_true(apikey_well_formed(a));
	assert_true(apikey_well_formed(b));
	assert_string_not_equal(a, b);
	apikey_prefix(p, a);
	assert_int_equal(strlen(p), APIKEY_PREFIX);
	assert_memory_equal(p, a, APIKEY_PREFIX);
}

/* The stored hash is hex SHA-256 of the key's ASCII, as the original's. */
static void
apikey_hash_vector(void **state)
{
	char	 h[APIKEY_HASHLEN + 1];

	(void)state;
	/* sha256("abc") */
	assert_int_equal(apikey_hash(h, "abc"), 0);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(apikey_hash(h, ""), 0);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

/* A key matches its own hash only. */
static void
apikey_match(void **state)
{
	char	 k[APIKEY_LEN + 1], other[APIKEY_LEN + 1],
		 h[APIKEY_HASHLEN + 1];

	(void)state;
	assert_int_equal(apikey_generate(k), 0);
	memcpy(other, k, sizeof(k));
	other[APIKEY_LEN - 1] = other[APIKEY_LEN - 1] == '0' ? '1' : '0';
	assert_int_equal(apikey_hash(h, k), 0);
	assert_true(apikey_matches(k, h));
	assert_false(apikey_matches(other, h));
	assert_false(apikey_matches(k, NULL));
	assert_false(apikey_matches(k, "short"));
	h[0] = h[0] == 'a' ? 'b' : 'a';
	assert_false(apikey_matches(k, h));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apikey_format),
		cmocka_unit_test(apikey_generate_prefix),
		cmocka_unit_test(apikey_hash_vector),
		cmocka_unit_test(apikey_match),
	};

	return cmocka_run_group_tests_name("hive_apikey", tests, NULL, NULL);
}
