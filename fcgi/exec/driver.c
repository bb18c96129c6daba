/* driver.c: the JSON-RPC plumbing and state every conversation driver shares */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "driver_int.h"
#include "err.h"
#include "jsonx.h"

/* --- JSON-RPC messages ---------------------------------------------- */

/* {("jsonrpc": "2.0")} as the start of a message. */
static json_object *
rpc_new(const struct driver *d)
{
	json_object	*m;

	if ((m = json_object_new_object()) == NULL)
		return NULL;
	if (d->jsonrpc_field && jsonx_add_str(m, "jsonrpc", "2.0") != 0) {
		json_object_put(m);
		return NULL;
	}
	return m;
}

json_object *
rpc_request(struct driver *d, const char *method, json_object *params)
{
	json_object	*m;

	if ((m = rpc_new(d)) == NULL) {
		json_object_put(params);
		return NULL;
	}
	if (jsonx_add_int(m, "id", d->next_id) != 0 ||
	    jsonx_add_str(m, "method", method) != 0 ||
	    jsonx_add(m, "params", params) != 0) {
		json_object_put(m);
		return NULL;
	}
	d->want_id = d->next_id++;
	return m;
}

json_object *
rpc_notification(struct driver *d, const char *method, json_object *params)
{
	json_object	*m;

	if ((m = rpc_new(d)) == NULL) {
		json_object_put(params);
		return NULL;
	}
	if (jsonx_add_str(m, "method", method) != 0 ||
	    (params != NULL && jsonx_add(m, "params", params) != 0)) {
		json_object_put(m);
		return NULL;
	}
	return m;
}

json_object *
rpc_answer(struct driver *d, json_object *id, json_object *result, int code,
    const char *message)
{
	json_object	*m, *e = NULL, *idc = NULL;

	if ((m = rpc_new(d)) == NULL ||
	    json_object_deep_copy(id, &idc, NULL) != 0 ||
	    jsonx_add(m, "id", idc) != 0) {
		json_object_put(m);
		json_object_put(result);
		return NULL;
	}
	if (message == NULL)
		return jsonx_add(m, "result", result) == 0 ? m :
		    (json_object_put(m), NULL);
	json_object_put(result);
	if ((e = json_object_new_object()) == NULL ||
	    jsonx_add_int(e, "code", code) != 0 ||
	    jsonx_add_str(e, "message", message) != 0 ||
	    jsonx_add(m, "error", e) != 0) {
		json_object_put(e);
		json_object_put(m);
		return NULL;
	}
	return m;
}

int
rpc_push(json_object *out, json_object *msg)
{
	if (msg == NULL)
		return E_FAIL;
	if (json_object_array_add(out, msg) != 0) {
		json_object_put(msg);
		return E_FAIL;
	}
	return 0;
}

/* An id is a number or a string (JSON-RPC 2.0). */
static int
id_ok(json_object *id)
{
	return json_object_is_type(id, json_type_int) ||
	    json_object_is_type(id, json_type_string);
}

int
rpc_parse(struct rpc_msg *m, const char *line, size_t len)
{
	json_object	*o = NULL, *x;
	char		 why[8];

	memset(m, 0, sizeof(*m));
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len == 0 || line[0] != '{' ||
	    jsonx_parse_strict(&o, line, len, why, sizeof(why)) != 0)
		return 0;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return 0;
	}
	m->root = o;
	m->method = jsonx_get_str(o, "method");
	json_object_object_get_ex(o, "params", &m->params);
	if (json_object_object_get_ex(o, "id", &x) && id_ok(x))
		m->id = x;
	if (m->method != NULL)
		m->kind = m->id != NULL ? RPC_REQUEST : RPC_NOTIFICATION;
	else if (m->id != NULL &&
	    json_object_object_get_ex(o, "error", &m->error) &&
	    m->error != NULL)
		m->kind = RPC_RESPONSE;
	else if (m->id != NULL && json_object_object_get_ex(o, "result", &x)) {
		m->kind = RPC_RESPONSE;
		m->result = x;
		m->error = NULL;
	} else
		m->error = NULL;
	return 0;
}

void
rpc_clear(struct rpc_msg *m)
{
	json_object_put(m->root);
	memset(m, 0, sizeof(*m));
}

int
rpc_is_awaited(const struct driver *d, const struct rpc_msg *m)
{
	return m->kind == RPC_RESPONSE && m->id != NULL &&
	    json_object_is_type(m->id, json_type_int) &&
	    json_object_get_int64(m->id) == d->want_id;
}

const char *
rpc_error_message(const struct rpc_msg *m)
{
	const char	*s = jsonx_get_str(m->error, "message");

	return s != NULL && s[0] != '\0' ? s : "unknown error";
}

/* --- state ---------------------------------------------------------- */

void
driver_done(struct driver *d)
{
	if (d->state != DRIVER_RUNNING)
		return;
	d->state = DRIVER_DONE_OK;
	d->handshaking = 0;
}

void
driver_fail(struct driver *d, int shown, const char *fmt, ...)
{
	va_list	 ap;

	if (d->state != DRIVER_RUNNING)
		return;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	d->state = DRIVER_DONE_FAIL;
	d->shown = shown;
	d->handshaking = 0;
}

const char *
driver_setting(const struct driver *d, const char *name)
{
	const char	*s = jsonx_get_str(d->settings, name);

	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* --- the public API ------------------------------------------------- */

static char *
dup_or_null(const char *s, int *bad)
{
	char	*c;

	if (s == NULL)
		return NULL;
	if ((c = strdup(s)) == NULL)
		*bad = 1;
	return c;
}

int
driver_new(struct driver **out, const struct driver_config *cfg)
{
	struct driver	*d;
	int		 bad = 0;

	*out = NULL;
	if ((cfg->delivery != EXEC_DELIVER_ACP &&
	    cfg->delivery != EXEC_DELIVER_JSONRPC_CODEX) ||
	    cfg->prompt == NULL || cfg->cwd == NULL)
		return E_INVAL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return E_FAIL;
	d->cfg.delivery = cfg->delivery;
	d->cfg.executor = dup_or_null(cfg->executor != NULL ? cfg->executor :
	    "the agent", &bad);
	d->cfg.cwd = dup_or_null(cfg->cwd, &bad);
	d->cfg.prompt = dup_or_null(cfg->prompt, &bad);
	d->cfg.session_id = dup_or_null(cfg->session_id, &bad);
	d->cfg.history = dup_or_null(cfg->history, &bad);
	d->cfg.codex_home = dup_or_null(cfg->codex_home, &bad);
	d->settings = cfg->settings != NULL ? json_object_get(cfg->settings) :
	    NULL;
	d->jsonrpc_field = cfg->delivery == EXEC_DELIVER_ACP;
	d->state = DRIVER_RUNNING;
	d->handshaking = 1;
	d->next_id = 1;
	d->want_id = -1;
	if (bad) {
		driver_free(d);
		return E_FAIL;
	}
	*out = d;
	return 0;
}

void
driver_free(struct driver *d)
{
	if (d == NULL)
		return;
	free((char *)d->cfg.executor);
	free((char *)d->cfg.cwd);
	free((char *)d->cfg.prompt);
	free((char *)d->cfg.session_id);
	free((char *)d->cfg.history);
	free((char *)d->cfg.codex_home);
	json_object_put(d->settings);
	free(d->session_id);
	free(d->rollout);
	free(d);
}

int
driver_start(struct driver *d, json_object **out)
{
	int	 rc;

	if ((*out = json_object_new_array()) == NULL)
		return E_FAIL;
	rc = d->cfg.delivery == EXEC_DELIVER_ACP ? acp_start(d, *out) :
	    codex_start(d, *out);
	if (rc != 0) {
		json_object_put(*out);
		*out = NULL;
	}
	return rc;
}

int
driver_feed(struct driver *d, const char *line, size_t len,
    json_object **out)
{
	struct rpc_msg	 m;
	int		 rc = 0;

	if ((*out = json_object_new_array()) == NULL)
		return E_FAIL;
	if (rpc_parse(&m, line, len) != 0) {
		json_object_put(*out);
		*out = NULL;
		return E_FAIL;
	}
	if (m.kind != RPC_NONE && d->state == DRIVER_RUNNING)
		rc = d->cfg.delivery == EXEC_DELIVER_ACP ?
		    acp_feed(d, &m, *out) : codex_feed(d, &m, *out);
	rpc_clear(&m);
	if (rc != 0) {
		json_object_put(*out);
		*out = NULL;
	}
	return rc;
}

int
driver_timeout(struct driver *d, long limit_ms)
{
	if (d->state != DRIVER_RUNNING || !d->handshaking)
		return 0;
	driver_fail(d, 0, "%s did not answer the protocol handshake within "
	    "%ld s (%s); is it the agent this executor expects?",
	    d->cfg.executor, (limit_ms + 999) / 1000,
	    d->cfg.delivery == EXEC_DELIVER_ACP ? "Agent Client Protocol" :
	    "Codex app-server");
	return 1;
}

enum driver_state
driver_state(const struct driver *d)
{
	return d->state;
}

const char *
driver_reason(const struct driver *d)
{
	return d->reason;
}

int
driver_reason_shown(const struct driver *d)
{
	return d->shown;
}

int
driver_setup_required(const struct driver *d)
{
	return d->setup;
}

int
driver_handshaking(const struct driver *d)
{
	return d->state == DRIVER_RUNNING && d->handshaking;
}

const char *
driver_session_id(const struct driver *d)
{
	return d->session_id;
}

int
driver_log_line(char **out, size_t *len, json_object *msg)
{
	json_object	*w;
	const char	*s;

	*out = NULL;
	if ((w = json_object_new_object()) == NULL)
		return E_FAIL;
	if (jsonx_add(w, DRIVER_SENT_KEY, json_object_get(msg)) != 0 ||
	    (s = jsonx_render(w, len)) == NULL ||
	    (*out = strdup(s)) == NULL) {
		json_object_put(w);
		return E_FAIL;
	}
	json_object_put(w);
	return 0;
}

long
driver_handshake_ms(void)
{
	const char	*s = getenv(DRIVER_HANDSHAKE_ENV);
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return DRIVER_HANDSHAKE_MS;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 100 || v > 3600000)
		return DRIVER_HANDSHAKE_MS;
	return v;
}
