/* db.c: MariaDB access through cached prepared statements only */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include "db.h"
#include "jsonx.h"
#include "err.h"
#include "log.h"
#include "timefmt.h"

#define DB_STMT_CACHE	96	/* distinct statements one worker keeps */
/* The hive's batched heartbeat UPDATE binds 1 + 256 (stream/hivelink.c). */
#define DB_MAX_PARAMS	272
#define DB_MAX_COLS	64
#define DB_STR_INIT	256	/* first buffer per string column; grows */

struct db_stmt {
	const char	*sql;		/* static string: the cache key */
	MYSQL_STMT	*st;
};

struct db {
	struct db_config cfg;
	MYSQL		*m;
	int		 in_tx;
	size_t		 nstmt;
	struct db_stmt	 stmt[DB_STMT_CACHE];
};

void
db_config_from_env(struct db_config *cfg)
{
	const char	*port;

	memset(cfg, 0, sizeof(*cfg));
	cfg->host = getenv("SWARM_DB_HOST");
	cfg->socket = getenv("SWARM_DB_SOCKET");
	cfg->user = getenv("SWARM_DB_USER");
	cfg->password = getenv("SWARM_DB_PASSWORD");
	cfg->name = getenv("SWARM_DB_NAME");
	if (cfg->user == NULL)
		cfg->user = "root";
	if (cfg->name == NULL)
		cfg->name = "swarm_node";
	if ((port = getenv("SWARM_DB_PORT")) != NULL)
		cfg->port = (unsigned int)strtoul(port, NULL, 10);
}

struct db *
db_new(const struct db_config *cfg)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->cfg = *cfg;
	return db;
}

static void
db_disconnect(struct db *db)
{
	size_t	 i;

	for (i = 0; i < db->nstmt; i++)
		mysql_stmt_close(db->stmt[i].st);
	db->nstmt = 0;
	if (db->m != NULL)
		mysql_close(db->m);
	db->m = NULL;
	db->in_tx = 0;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

int
db_ensure(struct db *db)
{
	unsigned int	 timeout = 5, rw_timeout = 30;

	if (db->m != NULL)
		return 0;
	if ((db->m = mysql_init(NULL)) == NULL)
		return E_DB;
	/* We reconnect ourselves: an automatic reconnect kills statements. */
	mysql_optionsv(db->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(db->m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_optionsv(db->m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	mysql_optionsv(db->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(db->m, MYSQL_INIT_COMMAND, "SET time_zone='+00:00'");
	if (mysql_real_connect(db->m, db->cfg.host, db->cfg.user,
	    db->cfg.password, db->cfg.name, db->cfg.port, db->cfg.socket,
	    0) == NULL) {
		log_warnx("database connect failed: %s", mysql_error(db->m));
		mysql_close(db->m);
		db->m = NULL;
		return E_DB;
	}
	return 0;
}

/* Errors after which the connection is gone and may be reopened. */
static int
db_errno_lost(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_SERVER_LOST_EXTENDED || e == CR_CONNECTION_ERROR ||
	    e == CR_CONN_HOST_ERROR || e == ER_UNKNOWN_STMT_HANDLER ||
	    e == ER_CONNECTION_KILLED || e == 4031 /* interaction timeout */;
}

static int
db_map_errno(unsigned int e, const char *msg)
{
	switch (e) {
	case ER_DUP_ENTRY:
	case ER_ROW_IS_REFERENCED_2:
		return E_CONFLICT;
	case ER_NO_REFERENCED_ROW_2:
		return E_NOTFOUND;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		log_warnx("database: %s", msg);
		return E_DB;
	default:
		if (db_errno_lost(e)) {
			log_warnx("database connection lost: %s", msg);
			return E_DB;
		}
		log_warnx("database error %u: %s", e, msg);
		return E_FAIL;
	}
}

static MYSQL_STMT *
db_stmt_get(struct db *db, const char *sql, unsigned int *eno)
{
	MYSQL_STMT	*st;
	size_t		 i;

	for (i = 0; i < db->nstmt; i++)
		if (db->stmt[i].sql == sql)
			return db->stmt[i].st;
	if ((st = mysql_stmt_init(db->m)) == NULL) {
		*eno = CR_OUT_OF_MEMORY;
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		*eno = mysql_stmt_errno(st);
		if (!db_errno_lost(*eno))
			log_warnx("prepare failed: %s: %s",
			    mysql_stmt_error(st), sql);
		mysql_stmt_close(st);
		return NULL;
	}
	if (db->nstmt == DB_STMT_CACHE) {
		/* Full: drop the oldest; rare, the route set is fixed. */
		mysql_stmt_close(db->stmt[0].st);
		memmove(&db->stmt[0], &db->stmt[1],
		    (DB_STMT_CACHE - 1) * sizeof(db->stmt[0]));
		db->nstmt--;
	}
	db->stmt[db->nstmt].sql = sql;
	db->stmt[db->nstmt].st = st;
	db->nstmt++;
	return st;
}

/*
 * Prepare (or reuse) and execute sql with p. Outside a transaction a
 * lost connection is reopened and the statement retried once; inside
 * one the work so far is gone, so the caller gets E_DB.
 */
static int
db_run(struct db *db, MYSQL_STMT **out, const char *sql,
    const struct db_param *p, size_t np)
{
	MYSQL_BIND	 b[DB_MAX_PARAMS];
	unsigned long	 len[DB_MAX_PARAMS];
	long long	 iv[DB_MAX_PARAMS];
	MYSQL_STMT	*st;
	unsigned int	 eno = 0;
	size_t		 i;
	int		 attempt, rc;

	if (np > DB_MAX_PARAMS)
		return E_FAIL;
	for (attempt = 0; attempt < 2; attempt++) {
		if ((rc = db_ensure(db)) != 0)
			return rc;
		if ((st = db_stmt_get(db, sql, &eno)) == NULL)
			goto failed;
		if (mysql_stmt_param_count(st) != np) {
			log_warnx("statement takes %lu parameters, given %zu: %s",
			    mysql_stmt_param_count(st), np, sql);
			return E_FAIL;
		}
		memset(b, 0, sizeof(b));
		for (i = 0; i < np; i++) {
			switch (p[i].type) {
			case DBP_STR:
				len[i] = p[i].len;
				b[i].buffer_type = MYSQL_TYPE_STRING;
				b[i].buffer = (void *)(uintptr_t)p[i].s;
				b[i].buffer_length = p[i].len;
				b[i].length = &len[i];
				break;
			case DBP_INT:
				iv[i] = p[i].i;
				b[i].buffer_type = MYSQL_TYPE_LONGLONG;
				b[i].buffer = &iv[i];
				break;
			default:
				b[i].buffer_type = MYSQL_TYPE_NULL;
				break;
			}
		}
		if (np > 0 && mysql_stmt_bind_param(st, b) != 0) {
			eno = mysql_stmt_errno(st);
			goto failed;
		}
		if (mysql_stmt_execute(st) == 0) {
			*out = st;
			return 0;
		}
		eno = mysql_stmt_errno(st);
		if (!db_errno_lost(eno))
			return db_map_errno(eno, mysql_stmt_error(st));
failed:
		if (!db_errno_lost(eno) || db->in_tx || attempt > 0)
			return db_map_errno(eno, db->m != NULL ?
			    mysql_error(db->m) : "no connection");
		db_disconnect(db);
	}
	return E_DB;
}

int
db_exec(struct db *db, const char *sql, const struct db_param *p, size_t np,
    unsigned long long *affected)
{
	MYSQL_STMT	*st;
	int		 rc;

	if ((rc = db_run(db, &st, sql, p, np)) != 0)
		return rc;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	return 0;
}

int
db_exec_one(struct db *db, const char *sql, const struct db_param *p,
    size_t np)
{
	unsigned long long n = 0;
	int		 rc;

	if ((rc = db_exec(db, sql, p, np, &n)) != 0)
		return rc;
	return n == 0 ? E_NOTFOUND : 0;
}

enum col_kind { COL_STR, COL_INT, COL_BOOL, COL_REAL, COL_TIME };

struct col {
	enum col_kind	 kind;
	const char	*name;
	long long	 i;
	double		 d;
	MYSQL_TIME	 t;
	char		*s;
	unsigned long	 cap, len;
	my_bool		 is_null, error;
};

static enum col_kind
col_kind_of(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
		return f->length == 1 ? COL_BOOL : COL_INT;
	case MYSQL_TYPE_FLOAT:
	case MYSQL_TYPE_DOUBLE:
		return COL_REAL;
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
	case MYSQL_TYPE_DATE:
		return COL_TIME;
	default:
		return COL_STR;
	}
}

static void
col_bind(struct col *c, MYSQL_BIND *b)
{
	memset(b, 0, sizeof(*b));
	b->is_null = &c->is_null;
	b->error = &c->error;
	b->length = &c->len;
	switch (c->kind) {
	case COL_INT:
	case COL_BOOL:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &c->i;
		break;
	case COL_REAL:
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &c->d;
		break;
	case COL_TIME:
		b->buffer_type = MYSQL_TYPE_DATETIME;
		b->buffer = &c->t;
		break;
	case COL_STR:
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = c->s;
		b->buffer_length = c->cap;
		break;
	}
}

/* The value of column i of the current row as JSON (NULL for SQL NULL). */
static int
col_json(json_object **out, MYSQL_STMT *st, struct col *c, MYSQL_BIND *b,
    unsigned int i, int *rebind)
{
	char		 ts[TIMEFMT_LEN + 1];
	char		*grown;

	*out = NULL;
	if (c->is_null)
		return 0;
	switch (c->kind) {
	case COL_INT:
		*out = json_object_new_int64(c->i);
		break;
	case COL_BOOL:
		*out = json_object_new_boolean(c->i != 0);
		break;
	case COL_REAL:
		*out = json_object_new_double(c->d);
		break;
	case COL_TIME:
		if (timefmt_rfc3339(ts, c->t.year, c->t.month, c->t.day,
		    c->t.hour, c->t.minute, c->t.second, c->t.second_part) != 0)
			return 0;	/* zero date: no time */
		*out = json_object_new_string(ts);
		break;
	case COL_STR:
		if (c->len > c->cap) {
			/* Longer than the buffer: grow, fetch the rest. */
			if ((grown = realloc(c->s, c->len + 1)) == NULL)
				return E_FAIL;
			c->s = grown;
			c->cap = c->len + 1;
			/*
			 * Fetch into the bigger buffer with our copy of the
			 * bind; the statement gets it (bind_result) only after
			 * the row, as rebinding now would lose the place of
			 * the row's other columns.
			 */
			col_bind(c, b);
			if (mysql_stmt_fetch_column(st, b, i, 0) != 0)
				return E_FAIL;
			*rebind = 1;
		}
		*out = json_object_new_string_len(c->s, (int)c->len);
		break;
	}
	return *out == NULL ? E_FAIL : 0;
}

int
db_query(struct db *db, json_object **out, const char *sql,
    const struct db_param *p, size_t np)
{
	MYSQL_STMT	*st;
	MYSQL_RES	*meta = NULL;
	MYSQL_FIELD	*f;
	MYSQL_BIND	 b[DB_MAX_COLS];
	struct col	 c[DB_MAX_COLS];
	json_object	*rows = NULL, *row, *v;
	unsigned int	 n = 0, i;
	int		 rc, fr, rebind;

	*out = NULL;
	memset(c, 0, sizeof(c));
	if ((rc = db_run(db, &st, sql, p, np)) != 0)
		return rc;
	rc = E_FAIL;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL ||
	    (n = mysql_num_fields(meta)) > DB_MAX_COLS)
		goto out;
	f = mysql_fetch_fields(meta);
	for (i = 0; i < n; i++) {
		c[i].kind = col_kind_of(&f[i]);
		c[i].name = f[i].name;
		if (c[i].kind == COL_STR) {
			if ((c[i].s = malloc(DB_STR_INIT)) == NULL)
				goto out;
			c[i].cap = DB_STR_INIT;
		}
		col_bind(&c[i], &b[i]);
	}
	if (mysql_stmt_bind_result(st, b) != 0 ||
	    (rows = json_object_new_array()) == NULL)
		goto out;
	while ((fr = mysql_stmt_fetch(st)) == 0 || fr == MYSQL_DATA_TRUNCATED) {
		if ((row = json_object_new_object()) == NULL)
			goto out;
		if (json_object_array_add(rows, row) != 0) {
			json_object_put(row);
			goto out;
		}
		for (i = 0, rebind = 0; i < n; i++) {
			if (col_json(&v, st, &c[i], &b[i], i, &rebind) != 0 ||
			    jsonx_add(row, c[i].name, v) != 0)
				goto out;
		}
		if (rebind && mysql_stmt_bind_result(st, b) != 0)
			goto out;
	}
	if (fr != MYSQL_NO_DATA) {
		/* An INSERT ... RETURNING fails here; the error may sit on the
		 * connection rather than on the statement. */
		if (mysql_stmt_errno(st) != 0)
			rc = db_map_errno(mysql_stmt_errno(st),
			    mysql_stmt_error(st));
		else
			rc = db_map_errno(mysql_errno(db->m), mysql_error(db->m));
		goto out;
	}
	*out = rows;
	rows = NULL;
	rc = 0;
out:
	mysql_stmt_free_result(st);
	if (meta != NULL)
		mysql_free_result(meta);
	for (i = 0; i < n && i < DB_MAX_COLS; i++)
		free(c[i].s);
	json_object_put(rows);
	return rc;
}

int
db_query_row(struct db *db, json_object **out, const char *sql,
    const struct db_param *p, size_t np)
{
	json_object	*rows;
	int		 rc;

	*out = NULL;
	if ((rc = db_query(db, &rows, sql, p, np)) != 0)
		return rc;
	if (json_object_array_length(rows) == 0) {
		json_object_put(rows);
		return E_NOTFOUND;
	}
	*out = json_object_get(json_object_array_get_idx(rows, 0));
	json_object_put(rows);
	return 0;
}

int
db_query_int(struct db *db, long long *out, const char *sql,
    const struct db_param *p, size_t np)
{
	json_object	*row;
	int		 rc;

	if ((rc = db_query_row(db, &row, sql, p, np)) != 0)
		return rc;
	rc = E_NOTFOUND;
	json_object_object_foreach(row, key, val) {
		(void)key;
		if (val != NULL) {
			*out = json_object_get_int64(val);
			rc = 0;
		}
		break;
	}
	json_object_put(row);
	return rc;
}

/* Transaction control statements carry no values, so plain queries. */
static int
db_control(struct db *db, const char *sql)
{
	if (mysql_real_query(db->m, sql, strlen(sql)) != 0)
		return db_map_errno(mysql_errno(db->m), mysql_error(db->m));
	return 0;
}

int
db_begin(struct db *db)
{
	int	 rc, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if ((rc = db_ensure(db)) != 0)
			return rc;
		if (db_control(db, "START TRANSACTION") == 0) {
			db->in_tx = 1;
			return 0;
		}
		if (!db_errno_lost(mysql_errno(db->m)))
			return E_FAIL;
		db_disconnect(db);
	}
	return E_DB;
}

int
db_commit(struct db *db)
{
	int	 rc;

	if (!db->in_tx || db->m == NULL)
		return E_FAIL;
	rc = db_control(db, "COMMIT");
	db->in_tx = 0;
	if (rc != 0)
		db_disconnect(db);	/* state unknown: start afresh */
	return rc;
}

void
db_rollback(struct db *db)
{
	if (!db->in_tx || db->m == NULL)
		return;
	if (db_control(db, "ROLLBACK") != 0)
		db_disconnect(db);
	db->in_tx = 0;
}
