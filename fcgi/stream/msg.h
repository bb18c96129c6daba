/* msg.h: the messages a stream sends (shared, refcounted, framed once) */
#ifndef SWARM_STREAM_MSG_H
#define SWARM_STREAM_MSG_H

#include <stddef.h>
#include <json.h>

/*
 * Room before the payload for the WebSocket frame header, which lws
 * writes in place (LWS_PRE; ws.c checks it fits). One message is shared
 * by every client it goes to: clients hold references, the bytes are
 * rendered once.
 */
#define MSG_HEADROOM	16

struct msg {
	unsigned int	 refs;
	size_t		 len;		/* payload bytes */
	unsigned char	 data[];	/* MSG_HEADROOM + payload + NUL */
};

/* A message holding a copy of s[0..len); refs = 1. NULL on OOM. */
struct msg	*msg_new(const char *s, size_t len);
struct msg	*msg_ref(struct msg *);
void		 msg_unref(struct msg *);	/* NULL-safe */
static inline unsigned char *
msg_payload(struct msg *m)
{
	return m->data + MSG_HEADROOM;
}

/* {"JsonPatch": ops}; takes ops (even on failure). */
struct msg	*msg_patch(json_object *ops);
/* {"finished":true} */
struct msg	*msg_finished(void);
/* {"refresh_required":true,"reason":reason} */
struct msg	*msg_refresh(const char *reason);

/*
 * "<prefix>/<key escaped as a JSON Pointer token>" (RFC 6901: ~ is ~0,
 * / is ~1), e.g. ("/entries", "src/a.ts") -> "/entries/src~1a.ts".
 * Caller frees; NULL on OOM.
 */
char		*msg_pointer(const char *prefix, const char *key);
/*
 * One RFC 6902 op {"op", "path", "value"} (value omitted for remove;
 * taken even on failure). NULL on OOM.
 */
json_object	*msg_op(const char *op, const char *path, json_object *value);
/* msg_op at msg_pointer(prefix, key). */
json_object	*msg_op_at(const char *op, const char *prefix, const char *key,
		    json_object *value);
/* A message of exactly one op (taken). */
struct msg	*msg_one_op(json_object *op);

#endif
