// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket of lvmm run: one JSON request per line, one JSON reply
 * per line (Documentation/cli.rst, "The control socket"). JSON is read and
 * written with json-c, Debian's libjson-c: a request is an object whose
 * "cmd" names what to do:
 *
 *   {"cmd": "info"}    name, state, pid, vCPUs, memory and device
 *   {"cmd": "pause"}   stop every vCPU (and the guest's kvmclock)
 *   {"cmd": "resume"}  run them again
 *
 * A reply has "ok": true and the command's fields, or "ok": false with
 * "errno" (a number), "error" (its name) and "message" (for people).
 *
 * One thread accepts clients and serves them one at a time, each until it
 * closes; a client that sends nothing for API_IDLE_SECS is dropped, so one
 * stuck client cannot keep the VM from being managed for long. The socket
 * is mode 0600 in a directory of mode 0700: only its owner may drive the
 * VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api.h"
#include "run_vm.h"

#define API_IDLE_SECS	10

struct api {
	struct vm *vm;
	int fd;
	int stop_pipe[2];	/* api_close() wakes the server */
	pthread_t thread;
	bool started;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

int api_default_path(const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s%s", API_DIR, name, API_SUFFIX);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static json_object *reply_error(int err, const char *fmt, const char *what)
{
	json_object *r = json_object_new_object();
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, what);
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "errno", json_object_new_int(err));
	json_object_object_add(r, "error", json_object_new_string(strerrorname_np(err)));
	json_object_object_add(r, "message", json_object_new_string(msg));
	return r;
}

static json_object *reply_info(struct vm *vm)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "name", json_object_new_string(vm->name ? vm->name : ""));
	json_object_object_add(r, "state", json_object_new_string(vm_state(vm)));
	json_object_object_add(r, "pid", json_object_new_int64(getpid()));
	json_object_object_add(r, "vcpus", json_object_new_int(vm->nr_cpus));
	json_object_object_add(r, "memory", json_object_new_int64(vm->mem_size));
	json_object_object_add(r, "device", json_object_new_string(vm->device));
	return r;
}

/* One request line (NUL-terminated, no newline) to its reply. */
static json_object *serve_request(struct api *api, const char *line)
{
	enum json_tokener_error jerr;
	json_object *req, *cmd, *r;
	const char *name;
	int err;

	req = json_tokener_parse_verbose(line, &jerr);
	if (!req)
		return reply_error(EINVAL, "not JSON: %s", json_tokener_error_desc(jerr));
	if (!json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "cmd", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		json_object_put(req);
		return reply_error(EINVAL, "%s", "a request is an object with a string \"cmd\"");
	}
	name = json_object_get_string(cmd);
	if (!strcmp(name, "info")) {
		r = reply_info(api->vm);
	} else if (!strcmp(name, "pause") || !strcmp(name, "resume")) {
		err = name[0] == 'p' ? vm_pause(api->vm) : vm_resume(api->vm);
		r = err ? reply_error(-err, "cannot %s: the guest has ended", name) :
			  reply_info(api->vm);
	} else {
		r = reply_error(EINVAL, "unknown command \"%.64s\" (info, pause, resume)", name);
	}
	json_object_put(req);
	return r;
}

/* Send @r and its newline; consumes @r. */
static int send_reply(int fd, json_object *r)
{
	const char *s = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s), off = 0;
	char *line = malloc(len + 1);
	ssize_t n = 0;

	if (line) {
		memcpy(line, s, len);
		line[len++] = '\n';
		while (off < len &&
		       (n = send(fd, line + off, len - off, MSG_NOSIGNAL)) > 0)
			off += n;
		free(line);
	}
	json_object_put(r);
	return line && off == len ? 0 : -1;
}

/* Wait for input on @fd; false on idling too long or on api_close(). */
static bool client_readable(struct api *api, int fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = api->stop_pipe[0], .events = POLLIN },
	};
	int n;

	do {
		n = poll(p, 2, API_IDLE_SECS * 1000);
	} while (n < 0 && errno == EINTR);
	return n > 0 && !p[1].revents && p[0].revents;
}

/* Requests from one client until it closes, idles or oversteps. */
static void serve_client(struct api *api, int fd)
{
	char buf[API_MAX_LINE + 1], *nl;
	size_t have = 0;
	ssize_t n;

	for (;;) {
		while ((nl = memchr(buf, '\n', have))) {
			*nl = '\0';
			if (send_reply(fd, serve_request(api, buf)))
				return;
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have);
		}
		if (have == API_MAX_LINE) {
			send_reply(fd, reply_error(E2BIG, "a request is one line of at most %s bytes",
						   "4095"));
			return;
		}
		if (!client_readable(api, fd))
			return;
		n = recv(fd, buf + have, API_MAX_LINE - have, 0);
		if (n <= 0)
			return;
		have += n;
	}
}

static void *api_thread(void *arg)
{
	struct api *api = arg;
	struct pollfd p[2] = {
		{ .fd = api->fd, .events = POLLIN },
		{ .fd = api->stop_pipe[0], .events = POLLIN },
	};
	int fd;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		fd = accept4(api->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve_client(api, fd);
		close(fd);
	}
	return NULL;
}

/* Is somebody serving @path? Then it is not ours to replace. */
static bool path_is_live(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return live;
}

struct api *api_listen(struct vm *vm, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct api *api;
	mode_t old_umask;
	int ret;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "lvmm run: --api %s: a socket path is at most %zu bytes\n",
			path, sizeof(addr.sun_path) - 1);
		return NULL;
	}
	strcpy(addr.sun_path, path);
	if (!strncmp(path, API_DIR "/", strlen(API_DIR) + 1) &&
	    mkdir(API_DIR, 0700) && errno != EEXIST) {
		ret = errno;
		fprintf(stderr, "lvmm run: cannot create %s: %s\n", API_DIR, strerror(ret));
		errno = ret;
		return NULL;
	}
	if (path_is_live(&addr)) {
		fprintf(stderr, "lvmm run: %s: another lvmm run serves this control socket (a VM of that name runs)\n",
			path);
		errno = EADDRINUSE;
		return NULL;
	}
	api = calloc(1, sizeof(*api));
	if (!api)
		return NULL;
	api->vm = vm;
	api->stop_pipe[0] = api->stop_pipe[1] = -1;
	strcpy(api->path, path);
	api->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (api->fd < 0 || pipe2(api->stop_pipe, O_CLOEXEC))
		goto fail;
	unlink(path);		/* stale: nobody answered on it */
	/* Created 0600 from the start: nobody else may connect in between. */
	old_umask = umask(0177);
	ret = bind(api->fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_umask);
	if (ret || listen(api->fd, 4))
		goto fail;
	return api;
fail:
	ret = errno;
	fprintf(stderr, "lvmm run: control socket %s: %s\n", path, strerror(ret));
	if (api->fd >= 0)
		close(api->fd);
	if (api->stop_pipe[0] >= 0) {
		close(api->stop_pipe[0]);
		close(api->stop_pipe[1]);
	}
	free(api);
	errno = ret;
	return NULL;
}

int api_start(struct api *api)
{
	if (pthread_create(&api->thread, NULL, api_thread, api))
		return -1;
	api->started = true;
	return 0;
}

void api_close(struct api *api)
{
	if (!api)
		return;
	if (api->started && write(api->stop_pipe[1], "x", 1) == 1)
		pthread_join(api->thread, NULL);
	close(api->fd);
	close(api->stop_pipe[0]);
	close(api->stop_pipe[1]);
	unlink(api->path);
	free(api);
}
