/* msg.c: the messages a stream sends (shared, refcounted, framed once) */
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "msg.h"

struct msg *
msg_new(const char *s, size_t len)
{
	struct msg	*m;

	if (len > SIZE_MAX - sizeof(*m) - MSG_HEADROOM - 1 ||
	    (m = malloc(sizeof(*m) + MSG_HEADROOM + len + 1)) == NULL)
		return NULL;
	m->refs = 1;
	m->len = len;
	memcpy(m->data + MSG_HEADROOM, s, len);
	m->data[MSG_HEADROOM + len] = '\0';
	return m;
}

struct msg *
msg_ref(struct msg *m)
{
	m->refs++;
	return m;
}

void
msg_unref(struct msg *m)
{
	if (m != NULL && --m->refs == 0)
		free(m);
}

static struct msg *
msg_of(json_object *o)
{
	struct msg	*m = NULL;
	const char	*s;
	size_t		 len;

	if (o != NULL && (s = jsonx_render(o, &len)) != NULL)
		m = msg_new(s, len);
	json_object_put(o);
	return m;
}

struct msg *
msg_patch(json_object *ops)
{
	json_object	*o;

	if (ops == NULL || (o = json_object_new_object()) == NULL) {
		json_object_put(ops);
		return NULL;
	}
	if (jsonx_add(o, "JsonPatch", ops) != 0) {
		json_object_put(o);
		return NULL;
	}
	return msg_of(o);
}

struct msg *
msg_finished(void)
{
	static const char s[] = "{\"finished\":true}";

	return msg_new(s, sizeof(s) - 1);
}

struct msg *
msg_refresh(const char *reason)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL ||
	    jsonx_add_bool(o, "refresh_required", 1) != 0 ||
	    jsonx_add_str(o, "reason", reason) != 0) {
		json_object_put(o);
		return NULL;
	}
	return msg_of(o);
}

char *
msg_pointer(const char *prefix, const char *key)
{
	size_t	 plen = strlen(prefix), n = plen + 2;
	char	*out, *w;
	const char *k;

	for (k = key; *k != '\0'; k++)
		n += (*k == '~' || *k == '/') ? 2 : 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	memcpy(out, prefix, plen);
	w = out + plen;
	*w++ = '/';
	for (k = key; *k != '\0'; k++) {
		if (*k == '~') {
			*w++ = '~';
			*w++ = '0';
		} else if (*k == '/') {
			*w++ = '~';
			*w++ = '1';
		} else
			*w++ = *k;
	}
	*w = '\0';
	return out;
}

json_object *
msg_op(const char *op, const char *path, json_object *value)
{
	json_object	*o;

	if (path == NULL || (o = json_object_new_object()) == NULL) {
		json_object_put(value);
		return NULL;
	}
	if (jsonx_add_str(o, "op", op) != 0 ||
	    jsonx_add_str(o, "path", path) != 0 ||
	    (strcmp(op, "remove") != 0 ? jsonx_add(o, "value", value) :
	    (json_object_put(value), 0)) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

json_object *
msg_op_at(const char *op, const char *prefix, const char *key,
    json_object *value)
{
	json_object	*o;
	char		*path;

	if ((path = msg_pointer(prefix, key)) == NULL) {
		json_object_put(value);
		return NULL;
	}
	o = msg_op(op, path, value);
	free(path);
	return o;
}

struct msg *
msg_one_op(json_object *op)
{
	json_object	*ops;

	if (op == NULL || (ops = json_object_new_array()) == NULL) {
		json_object_put(op);
		return NULL;
	}
	if (json_object_array_add(ops, op) != 0) {
		json_object_put(op);
		json_object_put(ops);
		return NULL;
	}
	return msg_patch(ops);
}
