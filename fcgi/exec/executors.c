/* executors.c: coding-agent profiles: load, resolve, build command lines */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "jsonx.h"
#include "executors.h"
#include "normalize.h"

/*
 * The whole file is kept as the validated json-c tree; building a
 * command walks it. Validation (vld_*) runs once at load, so the builder
 * (bld_*) only fails for things that depend on the request: a variant,
 * a session id, an unset option used in a placeholder, a missing var.
 */
struct executors {
	json_object	*root;		/* {"executors": {NAME: {...}}} */
};

/* The executors we know (the reference's BaseCodingAgent, plus SCRIPT). */
static const struct {
	const char	*name;
	const char	*alias;
} known[] = {
	{ "CLAUDE_CODE",	NULL },
	{ "AMP",		NULL },
	{ "GEMINI",		NULL },
	{ "CODEX",		NULL },
	{ "OPENCODE",		NULL },
	{ "CURSOR_AGENT",	"CURSOR" },
	{ "QWEN_CODE",		NULL },
	{ "COPILOT",		NULL },
	{ "DROID",		NULL },
	{ "SCRIPT",		NULL },
};
#define NKNOWN	(sizeof(known) / sizeof(known[0]))

static const char *const deliveries[EXEC_DELIVER__MAX] = {
	"stdin", "stream_json", "jsonrpc_codex", "acp"
};

static const char *const strategies[EXEC_FOLLOW__MAX] = {
	"args", "fork_command", "protocol", "fork_session_file"
};

static const struct {
	const char	*name;
	unsigned	 bit;
} capabilities[] = {
	{ "SESSION_FORK",	EXEC_CAP_SESSION_FORK },
	{ "SETUP_HELPER",	EXEC_CAP_SETUP_HELPER },
};

/* The EXEC_CAP_* bit of a capability name, or 0. */
static unsigned
cap_bit(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(capabilities) / sizeof(capabilities[0]); i++)
		if (strcmp(capabilities[i].name, name) == 0)
			return capabilities[i].bit;
	return 0;
}

enum otype { OT_BOOL, OT_STRING, OT_ENUM, OT_STRARRAY, OT__MAX };

static const char *const otypes[OT__MAX] = {
	"bool", "string", "enum", "string_array"
};

/* Variant keys every executor has besides its options. */
static const char *const reserved[] = {
	"append_prompt", "base_command_override", "additional_params",
	"session_id", "item", NULL
};

/* --- small helpers -------------------------------------------------- */

/* Index of s in the n names of tab, or -1. */
static int
lookup(const char *const *tab, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (tab[i] != NULL && strcmp(tab[i], s) == 0)
			return (int)i;
	return -1;
}

/*
 * Normalize a name for matching: upper case, '-' becomes '_'. Only
 * [A-Za-z0-9_-] are allowed. Returns 0, or -1 (bad character, empty,
 * too long).
 */
static int
name_norm(char *out, size_t outsz, const char *in)
{
	size_t	 i;

	if (in == NULL || in[0] == '\0' || strlen(in) >= outsz)
		return -1;
	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == '-' || in[i] == '_')
			out[i] = '_';
		else if (isalnum((unsigned char)in[i]))
			out[i] = (char)toupper((unsigned char)in[i]);
		else
			return -1;
	}
	out[i] = '\0';
	return 0;
}

/* 1 if s is an identifier for options and vars: [a-z_][a-z0-9_]*. */
static int
is_ident(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < len; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* 1 if s is an environment variable name. */
static int
is_envname(const char *s)
{
	size_t	 i;

	if (s[0] == '\0' || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

static json_object *
get(json_object *o, const char *key)
{
	json_object	*v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* 1 if v is a non-empty array of strings. */
static int
is_strarray(json_object *v)
{
	size_t	 i, n;

	if (!json_object_is_type(v, json_type_array))
		return 0;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i),
		    json_type_string))
			return 0;
	return 1;
}

/* 1 if the string s is one of the strings of array arr. */
static int
in_strarray(json_object *arr, const char *s)
{
	size_t	 i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++)
		if (strcmp(json_object_get_string(
		    json_object_array_get_idx(arr, i)), s) == 0)
			return 1;
	return 0;
}

/* Append w[0..n) to arr as a string. */
static int
add_word(json_object *arr, const char *w, size_t n)
{
	json_object	*o;

	if ((o = json_object_new_string_len(w, (int)n)) == NULL)
		return E_FAIL;
	if (json_object_array_add(arr, o) != 0) {
		json_object_put(o);
		return E_FAIL;
	}
	return 0;
}

/*
 * Split s into words with POSIX shell quoting (no expansion): blanks
 * separate, '...' is literal, "..." honours \" \\ \$ \`, a backslash
 * outside quotes escapes the next character. *out is a new array of
 * strings. Returns 0, E_INVAL (unterminated quote) or E_FAIL.
 */
static int
shell_split(json_object **out, const char *s)
{
	json_object	*arr;
	char		*w;
	size_t		 n = 0;
	int		 inword = 0, rc = E_FAIL;
	char		 q = '\0';

	if ((arr = json_object_new_array()) == NULL ||
	    (w = malloc(strlen(s) + 1)) == NULL) {
		json_object_put(arr);
		return E_FAIL;
	}
	for (; *s != '\0'; s++) {
		if (q == '\'') {
			if (*s == '\'')
				q = '\0';
			else
				w[n++] = *s;
		} else if (q == '"') {
			if (*s == '"')
				q = '\0';
			else if (*s == '\\' && s[1] != '\0' &&
			    strchr("\"\\$`", s[1]) != NULL)
				w[n++] = *++s;
			else
				w[n++] = *s;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (inword && add_word(arr, w, n) != 0)
				goto out;
			inword = 0;
			n = 0;
		} else {
			inword = 1;
			if (*s == '\'' || *s == '"')
				q = *s;
			else if (*s == '\\' && s[1] != '\0')
				w[n++] = *++s;
			else
				w[n++] = *s;
		}
	}
	if (q != '\0') {
		rc = E_INVAL;
		goto out;
	}
	if (inword && add_word(arr, w, n) != 0)
		goto out;
	*out = arr;
	arr = NULL;
	rc = 0;
out:
	free(w);
	json_object_put(arr);
	return rc;
}

/* --- validation ----------------------------------------------------- */

enum vtype { VT_ANY, VT_STRING, VT_BOOL, VT_OBJECT, VT_ARRAY,
	VT_STRARRAY, VT_NAMES };	/* VT_NAMES: string or strings */

struct vkey {
	const char	*key;
	enum vtype	 type;
	int		 required;
};

static const struct vkey root_keys[] = {
	{ "executors",		VT_OBJECT,	1 },
	{ NULL,			VT_ANY,		0 }
};

static const struct vkey exec_keys[] = {
	{ "command",		VT_STRARRAY,	1 },
	{ "command_if",		VT_ARRAY,	0 },
	{ "options",		VT_OBJECT,	0 },
	{ "args",		VT_ARRAY,	0 },
	{ "env",		VT_ARRAY,	0 },
	{ "delivery",		VT_STRING,	1 },
	{ "log_format",		VT_STRING,	1 },
	{ "follow_up",		VT_OBJECT,	0 },
	{ "settings",		VT_OBJECT,	0 },
	{ "capabilities",	VT_STRARRAY,	0 },
	{ "vars",		VT_STRARRAY,	0 },
	{ "mcp_config",		VT_STRING,	0 },
	{ "variants",		VT_OBJECT,	1 },
	{ NULL,			VT_ANY,		0 }
};

static const struct vkey option_keys[] = {
	{ "type",		VT_STRING,	1 },
	{ "values",		VT_STRARRAY,	0 },
	{ "default",		VT_ANY,		0 },
	{ NULL,			VT_ANY,		0 }
};

static const struct vkey follow_keys[] = {
	{ "strategy",		VT_STRING,	0 },
	{ "args",		VT_ARRAY,	0 },
	{ "fork_args",		VT_ARRAY,	0 },
	{ "env",		VT_ARRAY,	0 },
	{ NULL,			VT_ANY,		0 }
};

static const struct vkey argrule_keys[] = {
	{ "if",			VT_NAMES,	0 },
	{ "in",			VT_STRARRAY,	0 },
	{ "each",		VT_STRING,	0 },
	{ "args",		VT_STRARRAY,	1 },
	{ NULL,			VT_ANY,		0 }
};

static const struct vkey envrule_keys[] = {
	{ "if",			VT_NAMES,	0 },
	{ "in",			VT_STRARRAY,	0 },
	{ "unset",		VT_STRING,	0 },
	{ "set",		VT_STRING,	0 },
	{ "value",		VT_STRING,	0 },
	{ NULL,			VT_ANY,		0 }
};

static const struct vkey setrule_keys[] = {
	{ "if",			VT_NAMES,	0 },
	{ "in",			VT_STRARRAY,	0 },
	{ "value",		VT_ANY,		1 },
	{ NULL,			VT_ANY,		0 }
};

static const struct vkey cmdif_keys[] = {
	{ "if",			VT_NAMES,	1 },
	{ "in",			VT_STRARRAY,	0 },
	{ "command",		VT_STRARRAY,	1 },
	{ NULL,			VT_ANY,		0 }
};

/* Placeholders a string may use besides options and vars. */
#define P_SESSION	0x1
#define P_ITEM		0x2

/* Validation state: where we are, for messages. */
struct vctx {
	const char	*label;		/* "defaults", a file name */
	char		 where[160];	/* "executor 'X' variant 'Y'" */
	json_object	*options;	/* of the executor being checked */
	json_object	*vars;
	char		*err;
	size_t		 errsz;
};

static int __attribute__((format(printf, 2, 3)))
verr(struct vctx *v, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v->where[0] != '\0')
		snprintf(v->err, v->errsz, "%s: %s: %s", v->label, v->where,
		    msg);
	else
		snprintf(v->err, v->errsz, "%s: %s", v->label, msg);
	return E_INVAL;
}

static int
vtype_ok(json_object *val, enum vtype t)
{
	switch (t) {
	case VT_ANY:
		return 1;
	case VT_STRING:
		return json_object_is_type(val, json_type_string);
	case VT_BOOL:
		return json_object_is_type(val, json_type_boolean);
	case VT_OBJECT:
		return json_object_is_type(val, json_type_object);
	case VT_ARRAY:
		return json_object_is_type(val, json_type_array);
	case VT_STRARRAY:
		return is_strarray(val);
	case VT_NAMES:
		return json_object_is_type(val, json_type_string) ||
		    (is_strarray(val) && json_object_array_length(val) > 0);
	}
	return 0;
}

static const char *const vtype_names[] = {
	"any value", "a string", "a boolean", "an object", "an array",
	"an array of strings", "a name or an array of names"
};

/* Check obj against a key table: known keys, types, required ones. */
static int
vld_keys(struct vctx *v, json_object *obj, const struct vkey *keys,
    const char *what)
{
	const struct vkey	*k;

	if (!json_object_is_type(obj, json_type_object))
		return verr(v, "%s must be an object", what);
	json_object_object_foreach(obj, key, val) {
		if (strcmp(key, "$comment") == 0)
			continue;
		for (k = keys; k->key != NULL; k++)
			if (strcmp(k->key, key) == 0)
				break;
		if (k->key == NULL)
			return verr(v, "%s: unknown key '%s'", what, key);
		if (!vtype_ok(val, k->type))
			return verr(v, "%s: '%s' must be %s", what, key,
			    vtype_names[k->type]);
	}
	for (k = keys; k->key != NULL; k++)
		if (k->required && get(obj, k->key) == NULL)
			return verr(v, "%s: '%s' is required", what, k->key);
	return 0;
}

/* The type of a declared option, or -1. */
static int
opt_type(json_object *options, const char *name)
{
	json_object	*o;

	if (options == NULL || (o = get(options, name)) == NULL)
		return -1;
	return lookup(otypes, OT__MAX, json_object_get_string(get(o,
	    "type")));
}

/* Check every "{name}" in s refers to something the builder can fill. */
static int
vld_text(struct vctx *v, const char *s, int allow)
{
	const char	*p, *e;
	char		 name[64];
	int		 t;

	for (p = s; (p = strchr(p, '{')) != NULL; p++) {
		if ((e = strchr(p + 1, '}')) == NULL ||
		    !is_ident(p + 1, (size_t)(e - p - 1)) ||
		    (size_t)(e - p - 1) >= sizeof(name))
			continue;	/* not a placeholder: literal */
		memcpy(name, p + 1, (size_t)(e - p - 1));
		name[e - p - 1] = '\0';
		if (strcmp(name, "session_id") == 0 && (allow & P_SESSION))
			continue;
		if (strcmp(name, "item") == 0 && (allow & P_ITEM))
			continue;
		if (v->vars != NULL && in_strarray(v->vars, name))
			continue;
		if ((t = opt_type(v->options, name)) == OT_STRING ||
		    t == OT_ENUM)
			continue;
		if (t >= 0)
			return verr(v, "placeholder '{%s}' names a %s "
			    "option", name, otypes[t]);
		return verr(v, "unknown placeholder '{%s}' in \"%s\"", name,
		    s);
	}
	return 0;
}

static int
vld_texts(struct vctx *v, json_object *arr, int allow)
{
	size_t	 i, n = json_object_array_length(arr);
	int	 rc;

	for (i = 0; i < n; i++)
		if ((rc = vld_text(v, json_object_get_string(
		    json_object_array_get_idx(arr, i)), allow)) != 0)
			return rc;
	return 0;
}

/* A rule's "if" and "in" name declared options used sensibly. */
static int
vld_cond(struct vctx *v, json_object *rule)
{
	json_object	*names, *in, *val;
	const char	*name;
	size_t		 i, n;
	int		 t;

	if ((names = get(rule, "if")) == NULL) {
		if (get(rule, "in") != NULL)
			return verr(v, "'in' needs an 'if'");
		return 0;
	}
	if (json_object_is_type(names, json_type_array)) {
		if (get(rule, "in") != NULL)
			return verr(v, "'in' needs a single option in 'if'");
		n = json_object_array_length(names);
		for (i = 0; i < n; i++) {
			name = json_object_get_string(
			    json_object_array_get_idx(names, i));
			if (opt_type(v->options, name) < 0)
				return verr(v, "condition names unknown "
				    "option '%s'", name);
		}
		return 0;
	}
	name = json_object_get_string(names);
	if ((t = opt_type(v->options, name)) < 0)
		return verr(v, "condition names unknown option '%s'", name);
	if ((in = get(rule, "in")) == NULL)
		return 0;
	if (t != OT_STRING && t != OT_ENUM)
		return verr(v, "'in' on %s option '%s'", otypes[t], name);
	n = json_object_array_length(in);
	for (i = 0; t == OT_ENUM && i < n; i++) {
		val = json_object_array_get_idx(in, i);
		if (!in_strarray(get(get(v->options, name), "values"),
		    json_object_get_string(val)))
			return verr(v, "'in' value '%s' is not a value of "
			    "option '%s'", json_object_get_string(val), name);
	}
	return 0;
}

/* An "args" list: strings and {if|each, in, args} rules. */
static int
vld_args(struct vctx *v, json_object *rules, int allow)
{
	json_object	*r, *each;
	size_t		 i, n = json_object_array_length(rules);
	int		 rc;

	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rules, i);
		if (json_object_is_type(r, json_type_string)) {
			if ((rc = vld_text(v, json_object_get_string(r),
			    allow)) != 0)
				return rc;
			continue;
		}
		if ((rc = vld_keys(v, r, argrule_keys, "argument rule")) != 0 ||
		    (rc = vld_cond(v, r)) != 0)
			return rc;
		if ((each = get(r, "each")) != NULL) {
			if (get(r, "if") != NULL)
				return verr(v, "a rule has both 'if' and "
				    "'each'");
			if (opt_type(v->options, json_object_get_string(each))
			    != OT_STRARRAY)
				return verr(v, "'each' needs a string_array "
				    "option, not '%s'",
				    json_object_get_string(each));
		} else if (get(r, "if") == NULL)
			return verr(v, "an argument rule needs 'if' or "
			    "'each'");
		if ((rc = vld_texts(v, get(r, "args"),
		    allow | (each != NULL ? P_ITEM : 0))) != 0)
			return rc;
	}
	return 0;
}

static int
vld_env(struct vctx *v, json_object *rules, int allow)
{
	json_object	*r, *set, *unset;
	size_t		 i, n = json_object_array_length(rules);
	int		 rc;

	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rules, i);
		if ((rc = vld_keys(v, r, envrule_keys, "env rule")) != 0 ||
		    (rc = vld_cond(v, r)) != 0)
			return rc;
		set = get(r, "set");
		unset = get(r, "unset");
		if ((set == NULL) == (unset == NULL))
			return verr(v, "an env rule needs one of 'set' and "
			    "'unset'");
		if ((set != NULL) != (get(r, "value") != NULL))
			return verr(v, "'value' goes with 'set'");
		if (!is_envname(json_object_get_string(set != NULL ? set :
		    unset)))
			return verr(v, "'%s' is not an environment variable "
			    "name", json_object_get_string(set != NULL ?
			    set : unset));
		if (set != NULL && (rc = vld_text(v, json_object_get_string(
		    get(r, "value")), allow)) != 0)
			return rc;
	}
	return 0;
}

/* A value for an option of type t (or a variant key). */
static int
opt_value_ok(json_object *opt, int t, json_object *val)
{
	switch (t) {
	case OT_BOOL:
		return json_object_is_type(val, json_type_boolean);
	case OT_STRING:
		return json_object_is_type(val, json_type_string);
	case OT_ENUM:
		return json_object_is_type(val, json_type_string) &&
		    in_strarray(get(opt, "values"),
		    json_object_get_string(val));
	case OT_STRARRAY:
		return is_strarray(val);
	}
	return 0;
}

static int
vld_options(struct vctx *v, json_object *options)
{
	json_object	*values, *def;
	int		 t, rc;

	json_object_object_foreach(options, name, o) {
		if (strcmp(name, "$comment") == 0)
			continue;
		if (!is_ident(name, strlen(name)) ||
		    lookup(reserved, sizeof(reserved) / sizeof(reserved[0]),
		    name) >= 0)
			return verr(v, "'%s' cannot name an option", name);
		if ((rc = vld_keys(v, o, option_keys, "option")) != 0)
			return rc;
		if ((t = lookup(otypes, OT__MAX,
		    json_object_get_string(get(o, "type")))) < 0)
			return verr(v, "option '%s': unknown type '%s'", name,
			    json_object_get_string(get(o, "type")));
		values = get(o, "values");
		if ((t == OT_ENUM) != (values != NULL &&
		    json_object_array_length(values) > 0))
			return verr(v, "option '%s': 'values' goes with "
			    "(and only with) type enum", name);
		if ((def = get(o, "default")) != NULL &&
		    !opt_value_ok(o, t, def))
			return verr(v, "option '%s': bad default", name);
	}
	return 0;
}

static int
vld_settings(struct vctx *v, json_object *settings)
{
	json_object	*r, *val;
	size_t		 i, n;
	int		 rc;

	json_object_object_foreach(settings, name, rules) {
		if (strcmp(name, "$comment") == 0)
			continue;
		if (!is_ident(name, strlen(name)) ||
		    !json_object_is_type(rules, json_type_array))
			return verr(v, "setting '%s' must be an array of "
			    "rules", name);
		n = json_object_array_length(rules);
		for (i = 0; i < n; i++) {
			r = json_object_array_get_idx(rules, i);
			if ((rc = vld_keys(v, r, setrule_keys,
			    "setting rule")) != 0 ||
			    (rc = vld_cond(v, r)) != 0)
				return rc;
			val = get(r, "value");
			if (json_object_is_type(val, json_type_string) &&
			    (rc = vld_text(v, json_object_get_string(val),
			    0)) != 0)
				return rc;
		}
	}
	return 0;
}

static int
vld_variant(struct vctx *v, const char *name, json_object *var)
{
	char		 norm[EXECUTORS_VARIANT_MAX];
	json_object	*words = NULL;
	int		 t, rc;

	if (name_norm(norm, sizeof(norm), name) != 0 ||
	    strcmp(norm, name) != 0)
		return verr(v, "variant name '%s' must be upper case "
		    "letters, digits and '_'", name);
	if (!json_object_is_type(var, json_type_object))
		return verr(v, "variant '%s' must be an object", name);
	json_object_object_foreach(var, key, val) {
		if (strcmp(key, "$comment") == 0)
			continue;
		if (strcmp(key, "append_prompt") == 0) {
			if (!json_object_is_type(val, json_type_string))
				return verr(v, "variant '%s': 'append_prompt' "
				    "must be a string", name);
		} else if (strcmp(key, "additional_params") == 0) {
			if (!is_strarray(val))
				return verr(v, "variant '%s': "
				    "'additional_params' must be an array of "
				    "strings", name);
		} else if (strcmp(key, "base_command_override") == 0) {
			if (json_object_is_type(val, json_type_string)) {
				rc = shell_split(&words,
				    json_object_get_string(val));
				if (rc == E_FAIL)
					return rc;
				if (rc == 0 &&
				    json_object_array_length(words) == 0)
					rc = E_INVAL;
				json_object_put(words);
				words = NULL;
			} else
				rc = is_strarray(val) &&
				    json_object_array_length(val) > 0 ? 0 :
				    E_INVAL;
			if (rc != 0)
				return verr(v, "variant '%s': "
				    "'base_command_override' must be a "
				    "command line or an array of words", name);
		} else if ((t = opt_type(v->options, key)) < 0) {
			return verr(v, "variant '%s': unknown option '%s'",
			    name, key);
		} else if (!opt_value_ok(get(v->options, key), t, val))
			return verr(v, "variant '%s': option '%s' must be %s",
			    name, key, t == OT_ENUM ? "one of its values" :
			    otypes[t]);
	}
	return 0;
}

/* One executor: name known, keys, options, rules, variants. */
static int
vld_executor(struct vctx *v, const char *name, json_object *ex)
{
	json_object	*fu, *r, *variants, *arr;
	enum normalize_mode mode;
	const char	*s;
	char		 names[256];
	size_t		 i, n;
	int		 rc, strategy = EXEC_FOLLOW_ARGS;

	snprintf(v->where, sizeof(v->where), "executor '%s'", name);
	v->options = v->vars = NULL;
	if ((s = executors_canonical(name)) == NULL || strcmp(s, name) != 0) {
		for (i = 0, n = 0; i < NKNOWN && n < sizeof(names); i++)
			n += (size_t)snprintf(names + n, sizeof(names) - n,
			    "%s%s", i > 0 ? ", " : "", known[i].name);
		return verr(v, "unknown executor (known: %s)", names);
	}
	if ((rc = vld_keys(v, ex, exec_keys, "executor")) != 0)
		return rc;
	v->options = get(ex, "options");
	v->vars = get(ex, "vars");
	if (v->options != NULL && (rc = vld_options(v, v->options)) != 0)
		return rc;
	n = v->vars != NULL ? json_object_array_length(v->vars) : 0;
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(v->vars,
		    i));
		if (!is_ident(s, strlen(s)) || opt_type(v->options, s) >= 0 ||
		    lookup(reserved, sizeof(reserved) / sizeof(reserved[0]),
		    s) >= 0)
			return verr(v, "'%s' cannot name a var", s);
	}
	arr = get(ex, "command");
	if (json_object_array_length(arr) == 0 ||
	    json_object_get_string_len(json_object_array_get_idx(arr, 0))
	    == 0)
		return verr(v, "'command' needs a program");
	if ((rc = vld_texts(v, arr, 0)) != 0)
		return rc;
	if (lookup(deliveries, EXEC_DELIVER__MAX,
	    json_object_get_string(get(ex, "delivery"))) < 0)
		return verr(v, "unknown delivery '%s' (stdin, stream_json, "
		    "jsonrpc_codex, acp)",
		    json_object_get_string(get(ex, "delivery")));
	if (normalize_mode_lookup(&mode, json_object_get_string(get(ex,
	    "log_format"))) == E_INVAL)
		return verr(v, "unknown log_format '%s'",
		    json_object_get_string(get(ex, "log_format")));
	if ((arr = get(ex, "capabilities")) != NULL) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			s = json_object_get_string(
			    json_object_array_get_idx(arr, i));
			if (cap_bit(s) == 0)
				return verr(v, "unknown capability '%s'", s);
		}
	}
	if ((arr = get(ex, "command_if")) != NULL) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			r = json_object_array_get_idx(arr, i);
			if ((rc = vld_keys(v, r, cmdif_keys,
			    "command_if rule")) != 0 ||
			    (rc = vld_cond(v, r)) != 0 ||
			    (rc = vld_texts(v, get(r, "command"), 0)) != 0)
				return rc;
			if (json_object_array_length(get(r, "command")) == 0)
				return verr(v, "command_if: empty command");
		}
	}
	if ((arr = get(ex, "args")) != NULL &&
	    (rc = vld_args(v, arr, 0)) != 0)
		return rc;
	if ((arr = get(ex, "env")) != NULL && (rc = vld_env(v, arr, 0)) != 0)
		return rc;
	if ((arr = get(ex, "settings")) != NULL &&
	    (rc = vld_settings(v, arr)) != 0)
		return rc;
	if ((fu = get(ex, "follow_up")) != NULL) {
		if ((rc = vld_keys(v, fu, follow_keys, "follow_up")) != 0)
			return rc;
		if (get(fu, "strategy") != NULL &&
		    (strategy = lookup(strategies, EXEC_FOLLOW__MAX,
		    json_object_get_string(get(fu, "strategy")))) < 0)
			return verr(v, "follow_up: unknown strategy '%s'",
			    json_object_get_string(get(fu, "strategy")));
		if ((strategy == EXEC_FOLLOW_FORK_COMMAND) !=
		    (get(fu, "fork_args") != NULL))
			return verr(v, "follow_up: 'fork_args' goes with "
			    "(and only with) strategy fork_command");
		if (((arr = get(fu, "args")) != NULL &&
		    (rc = vld_args(v, arr, P_SESSION)) != 0) ||
		    ((arr = get(fu, "fork_args")) != NULL &&
		    (rc = vld_args(v, arr, P_SESSION)) != 0) ||
		    ((arr = get(fu, "env")) != NULL &&
		    (rc = vld_env(v, arr, P_SESSION)) != 0))
			return rc;
	}
	variants = get(ex, "variants");
	if (get(variants, "DEFAULT") == NULL)
		return verr(v, "no DEFAULT variant");
	json_object_object_foreach(variants, vname, var) {
		if (strcmp(vname, "$comment") == 0)
			continue;
		if ((rc = vld_variant(v, vname, var)) != 0)
			return rc;
	}
	return 0;
}

static int
vld_root(struct vctx *v, json_object *root)
{
	int	 rc;

	v->where[0] = '\0';
	if ((rc = vld_keys(v, root, root_keys, "the file")) != 0)
		return rc;
	json_object_object_foreach(get(root, "executors"), name, ex) {
		if (strcmp(name, "$comment") == 0)
			continue;
		if ((rc = vld_executor(v, name, ex)) != 0)
			return rc;
	}
	return 0;
}

/* --- merge ---------------------------------------------------------- */

/* Deep copy, or NULL on allocation failure (v is never JSON null). */
static json_object *
jdup(json_object *o)
{
	json_object	*c = NULL;

	if (json_object_deep_copy(o, &c, NULL) != 0)
		return NULL;
	return c;
}

/* Merge the override root over base (both validated shapes): see .h. */
static int
merge(struct vctx *v, json_object *base, json_object *over)
{
	json_object	*bexes, *bex, *bvars, *c;
	const char	*canon;
	int		 rc;

	v->where[0] = '\0';
	if ((rc = vld_keys(v, over, root_keys, "the file")) != 0)
		return rc;
	bexes = get(base, "executors");
	json_object_object_foreach(get(over, "executors"), name, oex) {
		if (strcmp(name, "$comment") == 0)
			continue;
		snprintf(v->where, sizeof(v->where), "executor '%s'", name);
		if ((canon = executors_canonical(name)) == NULL)
			return verr(v, "unknown executor");
		if (!json_object_is_type(oex, json_type_object))
			return verr(v, "must be an object");
		if ((bex = get(bexes, canon)) == NULL) {
			if ((c = jdup(oex)) == NULL ||
			    jsonx_add(bexes, canon, c) != 0)
				return E_FAIL;
			continue;
		}
		json_object_object_foreach(oex, key, val) {
			if (strcmp(key, "variants") != 0) {
				if (val == NULL)
					json_object_object_del(bex, key);
				else if ((c = jdup(val)) == NULL ||
				    jsonx_add(bex, key, c) != 0)
					return E_FAIL;
				continue;
			}
			if (!json_object_is_type(val, json_type_object))
				return verr(v, "'variants' must be an object");
			bvars = get(bex, "variants");
			json_object_object_foreach(val, vname, var) {
				if (var != NULL) {
					if ((c = jdup(var)) == NULL ||
					    jsonx_add(bvars, vname, c) != 0)
						return E_FAIL;
				} else if (strcmp(vname, "DEFAULT") == 0)
					return verr(v, "the DEFAULT variant "
					    "cannot be deleted");
				else if (get(bvars, vname) == NULL)
					return verr(v, "no variant '%s' to "
					    "delete", vname);
				else
					json_object_object_del(bvars, vname);
			}
		}
	}
	return 0;
}

/* --- loading -------------------------------------------------------- */

static int
parse_one(json_object **out, struct vctx *v, const char *text, size_t len)
{
	char	 why[128];

	v->where[0] = '\0';
	if (jsonx_parse_strict(out, text, len, why, sizeof(why)) != 0)
		return verr(v, "invalid JSON: %s", why);
	if (*out == NULL)
		return verr(v, "the file must be an object");
	return 0;
}

int
executors_parse(struct executors **out, const char *defaults, size_t dlen,
    const char *label_defaults, const char *override, size_t olen,
    const char *label_override, char *err, size_t errsz)
{
	struct vctx	 v = { 0 };
	struct executors *ex = NULL;
	json_object	*root = NULL, *over = NULL;
	int		 rc;

	*out = NULL;
	v.err = err;
	v.errsz = errsz;
	v.label = label_defaults != NULL ? label_defaults : "defaults";
	if ((rc = parse_one(&root, &v, defaults, dlen)) != 0 ||
	    (rc = vld_root(&v, root)) != 0)
		goto out;
	if (override != NULL) {
		v.label = label_override != NULL ? label_override : "override";
		if ((rc = parse_one(&over, &v, override, olen)) != 0 ||
		    (rc = merge(&v, root, over)) != 0 ||
		    (rc = vld_root(&v, root)) != 0)
			goto out;
	}
	rc = E_FAIL;
	if ((ex = calloc(1, sizeof(*ex))) == NULL)
		goto out;
	ex->root = root;
	root = NULL;
	*out = ex;
	rc = 0;
out:
	json_object_put(root);
	json_object_put(over);
	return rc;
}

/* Read a whole file (at most EXECUTORS_FILE_MAX bytes) into *out. */
static int
read_file(char **out, size_t *len, const char *path, char *err,
    size_t errsz)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 n;
	int	 rc = E_FAIL;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? E_NOTFOUND : E_FAIL;
	}
	if ((buf = malloc(EXECUTORS_FILE_MAX + 1)) == NULL)
		goto out;
	n = fread(buf, 1, EXECUTORS_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		goto out;
	}
	if (n > EXECUTORS_FILE_MAX) {
		snprintf(err, errsz, "%s: larger than %d bytes", path,
		    EXECUTORS_FILE_MAX);
		rc = E_TOOBIG;
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

int
executors_load(struct executors **out, const char *defaults_path,
    const char *override_path, char *err, size_t errsz)
{
	char	*d = NULL, *o = NULL;
	size_t	 dlen = 0, olen = 0;
	int	 rc;

	*out = NULL;
	if ((rc = read_file(&d, &dlen, defaults_path, err, errsz)) != 0 ||
	    (override_path != NULL &&
	    (rc = read_file(&o, &olen, override_path, err, errsz)) != 0))
		goto out;
	rc = executors_parse(out, d, dlen, defaults_path, o, olen,
	    override_path, err, errsz);
out:
	free(d);
	free(o);
	return rc;
}

int
executors_load_env(struct executors **out, const char *defaults_path,
    char *err, size_t errsz)
{
	const char	*o = getenv(EXECUTORS_ENV);

	return executors_load(out, defaults_path,
	    o != NULL && o[0] != '\0' ? o : NULL, err, errsz);
}

void
executors_free(struct executors *ex)
{
	if (ex == NULL)
		return;
	json_object_put(ex->root);
	free(ex);
}

json_object *
executors_json(const struct executors *ex)
{
	return ex->root;
}

/* --- names ---------------------------------------------------------- */

const char *
executors_canonical(const char *name)
{
	char	 n[EXECUTORS_NAME_MAX];
	size_t	 i;

	if (name_norm(n, sizeof(n), name) != 0)
		return NULL;
	for (i = 0; i < NKNOWN; i++)
		if (strcmp(known[i].name, n) == 0 ||
		    (known[i].alias != NULL && strcmp(known[i].alias, n) == 0))
			return known[i].name;
	return NULL;
}

const char *
executors_delivery_name(enum exec_delivery d)
{
	return d < EXEC_DELIVER__MAX ? deliveries[d] : "?";
}

const char *
executors_strategy_name(enum exec_strategy s)
{
	return s < EXEC_FOLLOW__MAX ? strategies[s] : "?";
}

/* The executor and variant objects for a request. */
static int
resolve(json_object **exo, json_object **varo,
    char executor[EXECUTORS_NAME_MAX], char variant[EXECUTORS_VARIANT_MAX],
    const struct executors *ex, const char *exec_name,
    const char *variant_name, char *err, size_t errsz)
{
	const char	*canon;

	if ((canon = executors_canonical(exec_name)) == NULL) {
		snprintf(err, errsz, "unknown executor '%s'",
		    exec_name != NULL ? exec_name : "");
		return E_INVAL;
	}
	if ((*exo = get(get(ex->root, "executors"), canon)) == NULL) {
		snprintf(err, errsz, "executor '%s' is not configured", canon);
		return E_NOTFOUND;
	}
	if (variant_name == NULL || variant_name[0] == '\0')
		variant_name = "DEFAULT";
	if (name_norm(variant, EXECUTORS_VARIANT_MAX, variant_name) != 0 ||
	    (*varo = get(get(*exo, "variants"), variant)) == NULL) {
		snprintf(err, errsz, "unknown variant '%s' of executor '%s'",
		    variant_name, canon);
		return E_INVAL;
	}
	snprintf(executor, EXECUTORS_NAME_MAX, "%s", canon);
	return 0;
}

int
executors_resolve(char executor[EXECUTORS_NAME_MAX],
    char variant[EXECUTORS_VARIANT_MAX], const struct executors *ex,
    const char *exec_name, const char *variant_name, char *err,
    size_t errsz)
{
	json_object	*exo, *varo;

	return resolve(&exo, &varo, executor, variant, ex, exec_name,
	    variant_name, err, errsz);
}

/* --- building ------------------------------------------------------- */

/* A growing NULL-terminated vector of owned strings. */
struct strv {
	char	**v;
	size_t	  n, cap;
};

/* Append s (owned by the vector from now on, even on failure). */
static int
strv_take(struct strv *sv, char *s)
{
	char	**nv;

	if (s == NULL)
		return E_FAIL;
	if (sv->n + 2 > sv->cap) {
		if ((nv = reallocarray(sv->v, sv->cap * 2 + 8,
		    sizeof(*nv))) == NULL) {
			free(s);
			return E_FAIL;
		}
		sv->v = nv;
		sv->cap = sv->cap * 2 + 8;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

static void
strv_free(char **v)
{
	size_t	 i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* An empty vector is still an array: {NULL}. */
static char **
strv_finish(struct strv *sv)
{
	if (sv->v == NULL && (sv->v = calloc(1, sizeof(char *))) != NULL)
		sv->cap = 1;
	return sv->v;
}

/* What the builder needs to evaluate rules. */
struct bctx {
	json_object		*opts;		/* effective option values */
	const char		*session_id;	/* follow-up only */
	const char		*item;		/* inside "each" */
	const struct exec_var	*vars;
	char			*err;
	size_t			 errsz;
};

/* s with its placeholders filled, into *out (caller frees). */
static int
subst(char **out, struct bctx *b, const char *s)
{
	const struct exec_var *var;
	const char	*p, *e, *val;
	char		 name[64];
	json_object	*o;
	FILE		*f;
	size_t		 len;
	int		 rc = 0;

	*out = NULL;
	if ((f = open_memstream(out, &len)) == NULL)
		return E_FAIL;
	for (p = s; *p != '\0'; p++) {
		if (*p != '{' || (e = strchr(p + 1, '}')) == NULL ||
		    !is_ident(p + 1, (size_t)(e - p - 1)) ||
		    (size_t)(e - p - 1) >= sizeof(name)) {
			fputc(*p, f);
			continue;
		}
		memcpy(name, p + 1, (size_t)(e - p - 1));
		name[e - p - 1] = '\0';
		val = NULL;
		if (strcmp(name, "item") == 0 && b->item != NULL)
			val = b->item;
		else if (strcmp(name, "session_id") == 0 &&
		    b->session_id != NULL)
			val = b->session_id;
		else if ((o = get(b->opts, name)) != NULL &&
		    json_object_is_type(o, json_type_string))
			val = json_object_get_string(o);
		for (var = b->vars; val == NULL && var != NULL &&
		    var->name != NULL; var++)
			if (strcmp(var->name, name) == 0 && var->value != NULL)
				val = var->value;
		if (val == NULL) {
			snprintf(b->err, b->errsz, "placeholder '{%s}' has no "
			    "value", name);
			rc = E_INVAL;
			break;
		}
		fputs(val, f);
		p = e;
	}
	if (fclose(f) != 0 && rc == 0)
		rc = E_FAIL;
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* An option counts as set: true, a non-empty string or array. */
static int
opt_set(json_object *opts, const char *name)
{
	json_object	*v = get(opts, name);

	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string_len(v) > 0;
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v) > 0;
	return 0;
}

/* A rule's "if"/"in" hold (a rule without "if" always holds). */
static int
cond(struct bctx *b, json_object *rule)
{
	json_object	*names, *in, *v;
	size_t		 i, n;

	if ((names = get(rule, "if")) == NULL)
		return 1;
	if (json_object_is_type(names, json_type_string)) {
		if (!opt_set(b->opts, json_object_get_string(names)))
			return 0;
		if ((in = get(rule, "in")) == NULL)
			return 1;
		v = get(b->opts, json_object_get_string(names));
		return json_object_is_type(v, json_type_string) &&
		    in_strarray(in, json_object_get_string(v));
	}
	n = json_object_array_length(names);
	for (i = 0; i < n; i++)
		if (opt_set(b->opts, json_object_get_string(
		    json_object_array_get_idx(names, i))))
			return 1;
	return 0;
}

/* Append each string of a plain array, placeholders filled. */
static int
push_words(struct strv *sv, struct bctx *b, json_object *words)
{
	char	*s;
	size_t	 i, n = json_object_array_length(words);
	int	 rc;

	for (i = 0; i < n; i++)
		if ((rc = subst(&s, b, json_object_get_string(
		    json_object_array_get_idx(words, i)))) != 0 ||
		    (rc = strv_take(sv, s)) != 0)
			return rc;
	return 0;
}

/* Append what an "args" rule list yields. */
static int
eval_args(struct strv *sv, struct bctx *b, json_object *rules)
{
	json_object	*r, *each;
	char		*s;
	size_t		 i, j, n;
	int		 rc;

	n = rules != NULL ? json_object_array_length(rules) : 0;
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rules, i);
		if (json_object_is_type(r, json_type_string)) {
			if ((rc = subst(&s, b, json_object_get_string(r)))
			    != 0 || (rc = strv_take(sv, s)) != 0)
				return rc;
		} else if ((each = get(r, "each")) != NULL) {
			each = get(b->opts, json_object_get_string(each));
			for (j = 0; each != NULL &&
			    j < json_object_array_length(each); j++) {
				b->item = json_object_get_string(
				    json_object_array_get_idx(each, j));
				rc = push_words(sv, b, get(r, "args"));
				b->item = NULL;
				if (rc != 0)
					return rc;
			}
		} else if (cond(b, r) &&
		    (rc = push_words(sv, b, get(r, "args"))) != 0)
			return rc;
	}
	return 0;
}

static int
eval_env(struct strv *unset, struct strv *set, struct bctx *b,
    json_object *rules)
{
	json_object	*r;
	char		*val, *kv;
	size_t		 i, n;
	int		 rc;

	n = rules != NULL ? json_object_array_length(rules) : 0;
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rules, i);
		if (!cond(b, r))
			continue;
		if (get(r, "unset") != NULL) {
			if ((rc = strv_take(unset, strdup(json_object_get_string(
			    get(r, "unset"))))) != 0)
				return rc;
			continue;
		}
		if ((rc = subst(&val, b, json_object_get_string(get(r,
		    "value")))) != 0)
			return rc;
		kv = NULL;
		if (asprintf(&kv, "%s=%s", json_object_get_string(get(r,
		    "set")), val) < 0)
			kv = NULL;
		free(val);
		if ((rc = strv_take(set, kv)) != 0)
			return rc;
	}
	return 0;
}

static int
eval_settings(json_object *out, struct bctx *b, json_object *settings)
{
	json_object	*r, *val, *c;
	char		*s;
	size_t		 i, n;
	int		 rc;

	if (settings == NULL)
		return 0;
	json_object_object_foreach(settings, name, rules) {
		if (strcmp(name, "$comment") == 0)
			continue;
		n = json_object_array_length(rules);
		for (i = 0; i < n; i++) {
			r = json_object_array_get_idx(rules, i);
			if (!cond(b, r))
				continue;
			val = get(r, "value");
			if (json_object_is_type(val, json_type_string)) {
				if ((rc = subst(&s, b,
				    json_object_get_string(val))) != 0)
					return rc;
				c = json_object_new_string(s);
				free(s);
			} else
				c = val != NULL ? jdup(val) : NULL;
			if ((c == NULL && val != NULL) ||
			    jsonx_add(out, name, c) != 0)
				return E_FAIL;
			break;
		}
	}
	return 0;
}

/* Effective option values: the variant's, else the option's default. */
static int
effective_options(json_object **out, json_object *exo, json_object *varo)
{
	json_object	*opts, *v;

	if ((opts = json_object_new_object()) == NULL)
		return E_FAIL;
	if (get(exo, "options") != NULL) {
		json_object_object_foreach(get(exo, "options"), name, o) {
			if (strcmp(name, "$comment") == 0)
				continue;
			if ((v = get(varo, name)) == NULL)
				v = get(o, "default");
			if (v != NULL && jsonx_add(opts, name,
			    json_object_get(v)) != 0) {
				json_object_put(opts);
				return E_FAIL;
			}
		}
	}
	*out = opts;
	return 0;
}

/* The base command words: override, first matching command_if, command. */
static int
base_command(json_object **out, struct bctx *b, json_object *exo,
    json_object *varo)
{
	json_object	*o, *r;
	size_t		 i, n;

	if ((o = get(varo, "base_command_override")) != NULL) {
		if (json_object_is_type(o, json_type_string))
			return shell_split(out, json_object_get_string(o));
		*out = json_object_get(o);
		return 0;
	}
	o = get(exo, "command");
	n = get(exo, "command_if") != NULL ?
	    json_object_array_length(get(exo, "command_if")) : 0;
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(get(exo, "command_if"), i);
		if (cond(b, r)) {
			o = get(r, "command");
			break;
		}
	}
	*out = json_object_get(o);
	return 0;
}

/* A session id is one argument: 1..256 bytes, no control characters. */
static int
session_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return i > 0 && i <= 256;
}

/* command + args + additional_params [+ tail rules], into a vector. */
static int
command_line(char ***out, size_t *argc, struct bctx *b, json_object *base,
    json_object *exo, json_object *varo, json_object *tail)
{
	struct strv	 sv = { 0 };
	json_object	*extra;
	int		 rc;

	if ((rc = push_words(&sv, b, base)) != 0 ||
	    (rc = eval_args(&sv, b, get(exo, "args"))) != 0)
		goto out;
	if ((extra = get(varo, "additional_params")) != NULL &&
	    (rc = push_words(&sv, b, extra)) != 0)
		goto out;
	if ((rc = eval_args(&sv, b, tail)) != 0)
		goto out;
	if (argc != NULL)
		*argc = sv.n;
	*out = sv.v;
	sv.v = NULL;
out:
	strv_free(sv.v);
	return rc;
}

int
executors_build(struct exec_cmd **out, const struct executors *ex,
    const char *exec_name, const char *variant_name, const char *session_id,
    const struct exec_var *vars, char *err, size_t errsz)
{
	struct bctx	 b = { 0 };
	struct strv	 unset = { 0 }, set = { 0 };
	struct exec_cmd	*c = NULL;
	json_object	*exo, *varo, *fu = NULL, *base = NULL, *s;
	unsigned	 i;
	int		 rc;

	*out = NULL;
	b.vars = vars;
	b.err = err;
	b.errsz = errsz;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return E_FAIL;
	if ((rc = resolve(&exo, &varo, c->executor, c->variant, ex,
	    exec_name, variant_name, err, errsz)) != 0)
		goto out;
	if ((s = get(get(exo, "follow_up"), "strategy")) != NULL)
		c->strategy = (enum exec_strategy)lookup(strategies,
		    EXEC_FOLLOW__MAX, json_object_get_string(s));
	rc = E_INVAL;
	if (session_id != NULL) {
		if ((fu = get(exo, "follow_up")) == NULL) {
			snprintf(err, errsz, "executor '%s' has no follow-up",
			    c->executor);
			goto out;
		}
		if (!session_ok(session_id)) {
			snprintf(err, errsz, "invalid session id");
			goto out;
		}
		b.session_id = session_id;
		c->follow_up = 1;
	}
	if ((rc = effective_options(&b.opts, exo, varo)) != 0 ||
	    (rc = base_command(&base, &b, exo, varo)) != 0)
		goto out;
	if ((rc = command_line(&c->argv, &c->argc, &b, base, exo, varo,
	    fu != NULL ? get(fu, "args") : NULL)) != 0)
		goto out;
	if (fu != NULL && c->strategy == EXEC_FOLLOW_FORK_COMMAND &&
	    (rc = command_line(&c->fork_argv, NULL, &b, base, exo, varo,
	    get(fu, "fork_args"))) != 0)
		goto out;
	if ((rc = eval_env(&unset, &set, &b, get(exo, "env"))) != 0 ||
	    (fu != NULL &&
	    (rc = eval_env(&unset, &set, &b, get(fu, "env"))) != 0))
		goto out;
	rc = E_FAIL;
	if ((c->env_unset = strv_finish(&unset)) == NULL)
		goto out;
	unset.v = NULL;
	if ((c->env_set = strv_finish(&set)) == NULL)
		goto out;
	set.v = NULL;
	if ((c->settings = json_object_new_object()) == NULL)
		goto out;
	if ((rc = eval_settings(c->settings, &b, get(exo, "settings"))) != 0)
		goto out;
	c->delivery = (enum exec_delivery)lookup(deliveries,
	    EXEC_DELIVER__MAX, json_object_get_string(get(exo, "delivery")));
	snprintf(c->log_format, sizeof(c->log_format), "%s",
	    json_object_get_string(get(exo, "log_format")));
	for (i = 0; get(exo, "capabilities") != NULL &&
	    i < json_object_array_length(get(exo, "capabilities")); i++) {
		s = json_object_array_get_idx(get(exo, "capabilities"), i);
		c->caps |= cap_bit(json_object_get_string(s));
	}
	rc = E_FAIL;
	s = get(varo, "append_prompt");
	if ((c->append_prompt = strdup(s != NULL ?
	    json_object_get_string(s) : "")) == NULL)
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	strv_free(unset.v);
	strv_free(set.v);
	json_object_put(b.opts);
	json_object_put(base);
	exec_cmd_free(c);
	return rc;
}

void
exec_cmd_free(struct exec_cmd *c)
{
	if (c == NULL)
		return;
	strv_free(c->argv);
	strv_free(c->fork_argv);
	strv_free(c->env_unset);
	strv_free(c->env_set);
	free(c->append_prompt);
	json_object_put(c->settings);
	free(c);
}

/* --- program lookup ------------------------------------------------- */

/* 1 if path is a regular file we may execute. */
static int
executable(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

int
executors_find_program(char *out, size_t outsz, const char *program,
    const char *path)
{
	const char	*p, *e;
	char		 cand[4096];
	size_t		 dlen;
	int		 n;

	if (program == NULL || program[0] == '\0' || outsz == 0)
		return E_INVAL;
	if (strchr(program, '/') != NULL) {
		if (!executable(program))
			return E_NOTFOUND;
		if ((size_t)snprintf(out, outsz, "%s", program) >= outsz)
			return E_TOOBIG;
		return 0;
	}
	if (path == NULL && (path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = e + 1) {
		if ((e = strchr(p, ':')) == NULL)
			e = p + strlen(p);
		dlen = (size_t)(e - p);
		/* An empty entry is the current directory, as for execvp. */
		n = dlen == 0 ? snprintf(cand, sizeof(cand), "./%s", program) :
		    snprintf(cand, sizeof(cand), "%.*s/%s", (int)dlen, p,
		    program);
		if (n > 0 && (size_t)n < sizeof(cand) && executable(cand)) {
			if ((size_t)snprintf(out, outsz, "%s", cand) >= outsz)
				return E_TOOBIG;
			return 0;
		}
		if (*e == '\0')
			break;
	}
	return E_NOTFOUND;
}

/* --- prompt --------------------------------------------------------- */

/* 1 if s is NULL or only blanks. */
static int
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

int
executors_prompt(char **out, const char *title, const char *description,
    const char *validation_steps, const char *append_prompt)
{
	json_object	*steps = NULL, *st;
	char		 why[64];
	FILE		*f;
	size_t		 len, i, n = 0;
	int		 rc = 0;

	*out = NULL;
	if (title == NULL)
		return E_INVAL;
	if (validation_steps != NULL &&
	    jsonx_parse_strict(&steps, validation_steps,
	    strlen(validation_steps), why, sizeof(why)) == 0 &&
	    is_strarray(steps))
		n = json_object_array_length(steps);
	if ((f = open_memstream(out, &len)) == NULL) {
		json_object_put(steps);
		return E_FAIL;
	}
	fputs(title, f);
	if (!blank(description))
		fprintf(f, "\n\n%s", description);
	if (n > 0)
		fputs("\n\n=== VALIDATION REQUIREMENTS ===\n"
		    "Before marking this task complete, verify:", f);
	for (i = 0; i < n; i++) {
		st = json_object_array_get_idx(steps, i);
		fprintf(f, "\n%zu. %s", i + 1, json_object_get_string(st));
	}
	if (append_prompt != NULL)
		fputs(append_prompt, f);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		rc = E_FAIL;
	}
	json_object_put(steps);
	return rc;
}

/* --- stream_json start ---------------------------------------------- */

/* {"type":"control_request","request_id":id,"request":req}, or NULL. */
static json_object *
control_request(const char *id, json_object *req)
{
	json_object	*m;

	if (req == NULL || (m = json_object_new_object()) == NULL) {
		json_object_put(req);
		return NULL;
	}
	if (jsonx_add_str(m, "type", "control_request") != 0 ||
	    jsonx_add_str(m, "request_id", id) != 0 ||
	    jsonx_add(m, "request", req) != 0) {
		json_object_put(m);
		return NULL;
	}
	return m;
}

int
executors_stream_json_start(json_object **out, const struct exec_cmd *c,
    const char *prompt, const char *init_id, const char *mode_id)
{
	json_object	*arr = NULL, *req = NULL, *msg = NULL, *m = NULL;
	const char	*mode;
	int		 rc = E_FAIL, added;

	*out = NULL;
	if (c->delivery != EXEC_DELIVER_STREAM_JSON || prompt == NULL ||
	    init_id == NULL || mode_id == NULL)
		return E_INVAL;
	if ((arr = json_object_new_array()) == NULL ||
	    (req = json_object_new_object()) == NULL ||
	    jsonx_add_str(req, "subtype", "initialize") != 0)
		goto out;
	if ((m = get(c->settings, "hooks")) != NULL &&
	    jsonx_add(req, "hooks", json_object_get(m)) != 0)
		goto out;
	m = control_request(init_id, req);
	req = NULL;
	if (m == NULL || json_object_array_add(arr, m) != 0)
		goto out;
	m = NULL;
	mode = jsonx_get_str(c->settings, "permission_mode");
	if ((req = json_object_new_object()) == NULL ||
	    jsonx_add_str(req, "subtype", "set_permission_mode") != 0 ||
	    jsonx_add_str(req, "mode", mode != NULL ? mode :
	    "bypassPermissions") != 0)
		goto out;
	m = control_request(mode_id, req);
	req = NULL;
	if (m == NULL || json_object_array_add(arr, m) != 0)
		goto out;
	m = NULL;
	if ((msg = json_object_new_object()) == NULL ||
	    jsonx_add_str(msg, "role", "user") != 0 ||
	    jsonx_add_str(msg, "content", prompt) != 0 ||
	    (m = json_object_new_object()) == NULL ||
	    jsonx_add_str(m, "type", "user") != 0)
		goto out;
	added = jsonx_add(m, "message", msg);	/* takes msg either way */
	msg = NULL;
	if (added != 0 || json_object_array_add(arr, m) != 0)
		goto out;
	m = NULL;
	*out = arr;
	arr = NULL;
	rc = 0;
out:
	json_object_put(m);
	json_object_put(msg);
	json_object_put(req);
	json_object_put(arr);
	return rc;
}
