/* images.c: image routes (upload, file, delete, task images) and the store */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "db_node.h"
#include "err.h"
#include "images.h"
#include "jsonx.h"
#include "log.h"
#include "multipart.h"
#include "node.h"
#include "text.h"
#include "uuid.h"

/* nginx's internal location for the store (conf/nginx.conf.in). */
#define IMAGES_URI	"/_swarm/images/"

/* The formats the original accepts, by extension, and their signatures. */
struct image_format {
	const char	*ext;
	const char	*mime;
	int		(*looks_like)(const unsigned char *, size_t);
};

static int
is_png(const unsigned char *d, size_t n)
{
	return n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static int
is_jpeg(const unsigned char *d, size_t n)
{
	return n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
}

static int
is_gif(const unsigned char *d, size_t n)
{
	return n >= 6 && (memcmp(d, "GIF87a", 6) == 0 ||
	    memcmp(d, "GIF89a", 6) == 0);
}

static int
is_webp(const unsigned char *d, size_t n)
{
	return n >= 12 && memcmp(d, "RIFF", 4) == 0 &&
	    memcmp(d + 8, "WEBP", 4) == 0;
}

static int
is_bmp(const unsigned char *d, size_t n)
{
	return n >= 14 && d[0] == 'B' && d[1] == 'M';
}

/* SVG is text: UTF-8 with an <svg element near the start. */
static int
is_svg(const unsigned char *d, size_t n)
{
	return text_is_utf8((const char *)d, n) &&
	    memmem(d, n < 4096 ? n : 4096, "<svg", 4) != NULL;
}

static const struct image_format formats[] = {
	{ "png",	"image/png",		is_png },
	{ "jpg",	"image/jpeg",		is_jpeg },
	{ "jpeg",	"image/jpeg",		is_jpeg },
	{ "gif",	"image/gif",		is_gif },
	{ "webp",	"image/webp",		is_webp },
	{ "bmp",	"image/bmp",		is_bmp },
	{ "svg",	"image/svg+xml",	is_svg },
};

const char *
images_root(void)
{
	const char	*d = getenv("SWARM_IMAGE_DIR");

	return d != NULL && *d == '/' ? d : "/var/tmp/swarm/images";
}

/* The format named by the file name's extension (png when it has none). */
static const struct image_format *
format_of(const char *filename)
{
	const char	*dot = strrchr(filename, '.');
	size_t		 i;

	if (dot == NULL)
		return &formats[0];
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(dot + 1, formats[i].ext) == 0)
			return &formats[i];
	return NULL;
}

static int
sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char	 md[32];
	unsigned int	 mdlen = 0;
	size_t		 i;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != sizeof(md))
		return E_FAIL;
	for (i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* Write data to dir/name through a temporary file and a rename. */
static int
store_write(const char *name, const char *data, size_t len)
{
	char	 tmp[PATH_MAX], dst[PATH_MAX];
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd;

	if (mkdir(images_root(), 0755) != 0 && errno != EEXIST) {
		log_warn("image store %s", images_root());
		return E_FAIL;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", images_root(),
	    name) >= sizeof(tmp) || (size_t)snprintf(dst, sizeof(dst),
	    "%s/%s", images_root(), name) >= sizeof(dst))
		return E_FAIL;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644)) < 0) {
		log_warn("%s", tmp);
		return E_FAIL;
	}
	while (off < len && (n = write(fd, data + off, len - off)) > 0)
		off += (size_t)n;
	/* Durable before the row that names it commits. */
	if (off != len || fsync(fd) != 0 || close(fd) != 0 ||
	    rename(tmp, dst) != 0) {
		log_warn("%s", dst);
		unlink(tmp);
		return E_FAIL;
	}
	return 0;
}

static void
store_unlink(const char *name)
{
	char	 path[PATH_MAX];

	if (name != NULL && strchr(name, '/') == NULL &&
	    (size_t)snprintf(path, sizeof(path), "%s/%s", images_root(),
	    name) < sizeof(path) && unlink(path) != 0 && errno != ENOENT)
		log_warn("%s", path);
}

static int
store_has(const char *name)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	return (size_t)snprintf(path, sizeof(path), "%s/%s", images_root(),
	    name) < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Store the "image" part of the request's form, or find the stored image
 * with the same bytes (the store keeps each content once, as the
 * original). *out gets the Image object; any failure is replied.
 */
static int
image_store_or_reply(struct req *rq, struct reply *rp, json_object **out)
{
	struct multipart_part		 part;
	const struct image_format	*fmt;
	struct image_row		 row;
	char				 boundary[MULTIPART_BOUNDARY_MAX + 1],
					 hash[65], id[UUID_STRLEN + 1],
					 name[UUID_STRLEN + 8];
	const char			*filename;
	int				 rc;

	*out = NULL;
	if ((rc = multipart_boundary(boundary, rq->content_type)) != 0)
		return reply_errorf(rp, rc == E_UNSUPPORTED ? 415 : 400,
		    "invalid multipart/form-data content type: no boundary");
	rc = multipart_find(&part, rq->body, rq->body_len, boundary, "image");
	if (rc == E_NOTFOUND)
		return reply_errorf(rp, 400, "field 'image' is missing");
	if (rc != 0)
		return reply_errorf(rp, 400, "invalid multipart/form-data body");
	if (part.len > IMAGES_MAX_BYTES)
		return reply_errorf(rp, 413, "Image too large: %llu bytes (max: "
		    "%d bytes)", (unsigned long long)part.len, IMAGES_MAX_BYTES);
	if (part.len == 0)
		return reply_errorf(rp, 400, "field 'image' is empty");
	filename = part.has_filename ? part.filename : "image.png";
	if ((fmt = format_of(filename)) == NULL)
		return reply_errorf(rp, 400, "Invalid image format: use png, "
		    "jpg, jpeg, gif, webp, bmp or svg");
	if (!fmt->looks_like((const unsigned char *)part.data, part.len))
		return reply_errorf(rp, 400, "Invalid image format: the content "
		    "is not %s", fmt->mime);
	if (sha256_hex(hash, part.data, part.len) != 0)
		return reply_errorf(rp, 500, "cannot hash the image");
	if ((rc = db_image_by_hash(rq->db, out, hash)) == 0) {
		/* Known bytes; put the file back if the store lost it. */
		const char	*fp = jsonx_get_str(*out, "file_path");

		if (fp != NULL && strchr(fp, '/') == NULL && !store_has(fp) &&
		    store_write(fp, part.data, part.len) != 0)
			return reply_errorf(rp, 500, "cannot write the image");
		return 0;
	}
	*out = NULL;
	if (rc != E_NOTFOUND)
		return reply_err(rp, rc, NULL);
	if (uuid_new(id) != 0)
		return reply_errorf(rp, 500, "cannot name the image");
	snprintf(name, sizeof(name), "%s.%s", id, fmt->ext);
	if (store_write(name, part.data, part.len) != 0)
		return reply_errorf(rp, 500, "cannot write the image");
	memset(&row, 0, sizeof(row));
	row.id = id;
	row.file_path = name;
	row.original_name = filename;
	row.mime_type = fmt->mime;
	row.size_bytes = (long long)part.len;
	row.hash = hash;
	rc = db_image_insert(rq->db, &row);
	if (rc == E_CONFLICT) {
		/* The same bytes arrived at the same time: keep theirs. */
		store_unlink(name);
		if ((rc = db_image_by_hash(rq->db, out, hash)) != 0) {
			*out = NULL;
			return reply_err(rp, rc, "image");
		}
		return 0;
	}
	if (rc != 0 || (rc = db_image_get(rq->db, out, id)) != 0) {
		store_unlink(name);
		*out = NULL;
		return reply_err(rp, rc, NULL);
	}
	return 0;
}

void
images_sweep_orphans(struct db *db)
{
	json_object	*list = NULL, *o;
	const char	*s = getenv("SWARM_IMAGE_ORPHAN_HOURS");
	int64_t		 hours = 24;
	size_t		 i, n;

	if (s != NULL && text_to_int64(&hours, s, 1, 24 * 365) != 0)
		hours = 24;
	if (db_image_orphans(db, &list, (long long)hours) != 0)
		return;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(list, i);
		if (db_image_delete_orphan(db, jsonx_get_str(o, "id")) == 0)
			store_unlink(jsonx_get_str(o, "file_path"));
	}
	if (n > 0)
		log_info("image store: %zu orphaned image(s) deleted", n);
	json_object_put(list);
}

/* POST /api/images/upload (multipart, field "image"): 200 Image. */
int
image_upload(struct req *rq, struct reply *rp)
{
	json_object	*img;
	int		 rc;

	if ((rc = image_store_or_reply(rq, rp, &img)) != 0)
		return rc;
	/* Uploads are when the store grows: keep it clean then. */
	images_sweep_orphans(rq->db);
	return reply_data(rp, img);
}

/* POST /api/images/task/{task_id}/upload: store and attach. 200 Image. */
int
image_upload_task(struct req *rq, struct reply *rp)
{
	json_object	*img;
	char		 project[UUID_STRLEN + 1];
	int		 rc;

	/* An unknown task changes nothing: not even the store. */
	if ((rc = db_task_project(rq->db, project, rq->id)) != 0)
		return reply_err(rp, rc, "task");
	if ((rc = image_store_or_reply(rq, rp, &img)) != 0)
		return rc;
	if ((rc = db_image_attach(rq->db, rq->id, jsonx_get_str(img, "id")))
	    != 0) {
		json_object_put(img);
		return reply_err(rp, rc, "task");
	}
	return reply_data(rp, img);
}

/* GET /api/images/{id}/file: the bytes, sent by nginx from the store. */
int
image_file(struct req *rq, struct reply *rp)
{
	json_object	*img;
	const char	*fp, *mime;
	int		 rc;

	if ((rc = db_image_get(rq->db, &img, rq->id)) != 0)
		return reply_err(rp, rc, "image");
	fp = jsonx_get_str(img, "file_path");
	mime = jsonx_get_str(img, "mime_type");
	if (fp == NULL || strchr(fp, '/') != NULL || *fp == '.' ||
	    !store_has(fp)) {
		json_object_put(img);
		return reply_errorf(rp, 404, "image file not found");
	}
	if (asprintf(&rp->sendfile, IMAGES_URI "%s", fp) < 0) {
		rp->sendfile = NULL;
		json_object_put(img);
		return reply_errorf(rp, 500, "out of memory");
	}
	/* A type from our own table, never a client's string. */
	rp->sendfile_type = "application/octet-stream";
	if (mime != NULL) {
		size_t	 i;

		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(mime, formats[i].mime) == 0)
				rp->sendfile_type = formats[i].mime;
	}
	json_object_put(img);
	rp->status = 200;
	return 200;
}

/* DELETE /api/images/{id}: the row (and its task links) and the file. */
int
image_delete(struct req *rq, struct reply *rp)
{
	json_object	*img;
	int		 rc;

	if ((rc = db_image_get(rq->db, &img, rq->id)) != 0)
		return reply_err(rp, rc, "image");
	if ((rc = db_image_delete(rq->db, rq->id)) != 0) {
		json_object_put(img);
		return reply_err(rp, rc, "image");
	}
	store_unlink(jsonx_get_str(img, "file_path"));
	json_object_put(img);
	return reply_null(rp, 200);
}

/* GET /api/images/task/{task_id}: the task's images. */
int
image_task_list(struct req *rq, struct reply *rp)
{
	json_object	*list;
	char		 project[UUID_STRLEN + 1];
	int		 rc;

	if ((rc = db_task_project(rq->db, project, rq->id)) != 0)
		return reply_err(rp, rc, "task");
	if ((rc = db_image_list_task(rq->db, &list, rq->id)) != 0)
		return reply_err(rp, rc, NULL);
	return reply_data(rp, list);
}

/* Copy one stored file into the directory dfd as name; skip if present. */
static int
copy_into(int dfd, const char *name)
{
	char	 src[PATH_MAX], buf[65536];
	ssize_t	 n;
	int	 in, out, rc = 0;

	if ((size_t)snprintf(src, sizeof(src), "%s/%s", images_root(), name) >=
	    sizeof(src) || (in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		log_warnx("image %s missing from the store", name);
		return E_FAIL;
	}
	/* O_EXCL|O_NOFOLLOW: an agent's file or symlink there stays as is. */
	if ((out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) < 0) {
		close(in);
		return errno == EEXIST ? 0 : E_FAIL;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = E_FAIL;
			break;
		}
	if (n < 0 || close(out) != 0)
		rc = E_FAIL;
	close(in);
	if (rc != 0) {
		unlinkat(dfd, name, 0);
		log_warnx("image %s: copy into the worktree failed", name);
	}
	return rc;
}

int
images_copy_to_worktree(struct db *db, const char *task_id, const char *wt)
{
	json_object	*list = NULL;
	char		 dir[PATH_MAX];
	const char	*fp;
	size_t		 i, n;
	int		 dfd = -1, gfd, rc = 0;

	if (db_image_list_task(db, &list, task_id) != 0)
		return E_FAIL;
	if ((n = json_object_array_length(list)) == 0)
		goto out;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/" IMAGES_WORKTREE_DIR,
	    wt) >= sizeof(dir) || (mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		log_warn("%s", dir);
		rc = E_FAIL;
		goto out;
	}
	/* Keep the copies out of the agent's commits. */
	if ((gfd = openat(dfd, ".gitignore", O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0644)) >= 0) {
		if (write(gfd, "*\n", 2) != 2)
			rc = E_FAIL;
		close(gfd);
	}
	for (i = 0; i < n; i++) {
		fp = jsonx_get_str(json_object_array_get_idx(list, i),
		    "file_path");
		if (fp == NULL || strchr(fp, '/') != NULL || *fp == '.' ||
		    copy_into(dfd, fp) != 0)
			rc = E_FAIL;
	}
out:
	if (dfd >= 0)
		close(dfd);
	json_object_put(list);
	return rc;
}

/*
 * The length of a link "![alt](.vibe-images/name)" at s, with *path and
 * *path_len set to ".vibe-images/name"; 0 when s starts no such link.
 */
static size_t
image_link(const char *s, const char **path, size_t *path_len)
{
	static const char	 dir[] = IMAGES_WORKTREE_DIR "/";
	const char		*p;
	size_t			 n;

	if (s[0] != '!' || s[1] != '[')
		return 0;
	if ((p = strchr(s + 2, ']')) == NULL || p[1] != '(' ||
	    strncmp(p + 2, dir, sizeof(dir) - 1) != 0)
		return 0;
	*path = p + 2;
	for (n = sizeof(dir) - 1; (*path)[n] != '\0' && (*path)[n] != ')' &&
	    !isspace((unsigned char)(*path)[n]); n++)
		;
	if ((*path)[n] != ')' || n == sizeof(dir) - 1)
		return 0;
	*path_len = n;
	return (size_t)(*path + n + 1 - s);
}

int
images_canonicalise_prompt(char **prompt, const char *wt)
{
	const char	*s = *prompt, *path;
	char		*buf = NULL;
	size_t		 len = 0, plen, n;
	FILE		*f;

	if (strstr(s, "](" IMAGES_WORKTREE_DIR "/") == NULL)
		return 0;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return E_FAIL;
	while (*s != '\0') {
		if ((n = image_link(s, &path, &plen)) > 0) {
			fprintf(f, "%.*s%s/%.*s)", (int)(path - s), s, wt,
			    (int)plen, path);
			s += n;
		} else
			fputc(*s++, f);
	}
	if (fclose(f) != 0 || buf == NULL) {
		free(buf);
		return E_FAIL;
	}
	free(*prompt);
	*prompt = buf;
	return 0;
}
