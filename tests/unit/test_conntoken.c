/* test_conntoken.c: connection tokens: claims, expiry, every refusal */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "conntoken.h"
#include "err.h"
#include "jsonx.h"

#define SECRET	"q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ"
#define OTHER	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define NOW	1800000000LL
#define NODE	"123e4567-e89b-42d3-a456-426614174000"
#define ASSIGN	"223e4567-e89b-42d3-a456-426614174000"
#define ATTEMPT	"323e4567-e89b-42d3-a456-426614174000"
#define TASK	"423e4567-e89b-42d3-a456-426614174000"

static struct jwt_key	key, other;

static int
setup(void **state)
{
	(void)state;
	return jwt_key_from_base64(&key, SECRET) != 0 ||
	    jwt_key_from_base64(&other, OTHER) != 0;
}

static char *
issue(int64_t now, int with_attempt)
{
	struct conntoken t;

	memset(&t, 0, sizeof(t));
	strcpy(t.sub, "admin");
	strcpy(t.node_id, NODE);
	strcpy(t.assignment_id, ASSIGN);
	if (with_attempt)
		strcpy(t.attempt_id, ATTEMPT);
	strcpy(t.task_id, TASK);
	return conntoken_issue(&key, &t, now);
}

/* Issued tokens verify, carry every claim and last 15 minutes. */
static void
conntoken_round_trip(void **state)
{
	struct conntoken t;
	char		*tok;

	(void)state;
	assert_non_null(tok = issue(NOW, 1));
	assert_int_equal(conntoken_verify(&t, &key, tok, NOW, NULL), 0);
	assert_string_equal(t.sub, "admin");
	assert_string_equal(t.node_id, NODE);
	assert_string_equal(t.assignment_id, ASSIGN);
	assert_string_equal(t.attempt_id, ATTEMPT);
	assert_string_equal(t.task_id, TASK);
	assert_int_equal(t.iat, NOW);
	assert_int_equal(t.exp, NOW + 900);
	free(tok);
	/* No attempt yet: execution_process_id is null. */
	assert_non_null(tok = issue(NOW, 0));
	assert_int_equal(conntoken_verify(&t, &key, tok, NOW, NULL), 0);
	assert_string_equal(t.attempt_id, "");
	free(tok);
}

/* Expired (past the 30 s leeway), another key, tampered: refused. */
static void
conntoken_refusals(void **state)
{
	struct conntoken t;
	const char	*why = NULL;
	char		*tok, *p;

	(void)state;
	assert_non_null(tok = issue(NOW, 1));
	assert_int_equal(conntoken_verify(&t, &key, tok, NOW + 900 + 30, NULL), 0);
	assert_int_equal(conntoken_verify(&t, &key, tok, NOW + 900 + 31, &why),
	    E_FORBIDDEN);
	assert_string_equal(why, "expired");
	assert_int_equal(conntoken_verify(&t, &other, tok, NOW, &why),
	    E_FORBIDDEN);
	assert_string_equal(why, "bad signature");
	/* One character of the claims changed. */
	p = strchr(tok, '.') + 5;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_not_equal(conntoken_verify(&t, &key, tok, NOW, NULL), 0);
	free(tok);
	assert_int_equal(conntoken_verify(&t, &key, "", NOW, NULL), E_INVAL);
	assert_int_equal(conntoken_verify(&t, &key, "a.b.c", NOW, NULL),
	    E_INVAL);
}

/* A token of another audience (a node proxy token) is no connection token. */
static void
conntoken_wrong_audience(void **state)
{
	json_object	*c;
	struct conntoken t;
	const char	*why = NULL;
	char		*tok;

	(void)state;
	c = json_tokener_parse("{\"sub\":\"x\",\"node_id\":\"" NODE "\","
	    "\"assignment_id\":\"" ASSIGN "\",\"iat\":1800000000,"
	    "\"exp\":1800000900,\"aud\":\"node_proxy\"}");
	assert_non_null(c);
	assert_non_null(tok = jwt_sign(&key, c));
	assert_int_equal(conntoken_verify(&t, &key, tok, NOW, &why),
	    E_FORBIDDEN);
	assert_string_equal(why, "wrong audience");
	free(tok);
	json_object_put(c);
	/* Right audience, but node_id is no UUID. */
	c = json_tokener_parse("{\"sub\":\"x\",\"node_id\":\"nope\","
	    "\"assignment_id\":\"" ASSIGN "\",\"exp\":1800000900,"
	    "\"aud\":\"connection\"}");
	assert_non_null(tok = jwt_sign(&key, c));
	assert_int_equal(conntoken_verify(&t, &key, tok, NOW, NULL),
	    E_FORBIDDEN);
	free(tok);
	json_object_put(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conntoken_round_trip),
		cmocka_unit_test(conntoken_refusals),
		cmocka_unit_test(conntoken_wrong_audience),
	};

	return cmocka_run_group_tests_name("conntoken", tests, setup, NULL);
}
