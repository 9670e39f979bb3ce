// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm pause, resume, info NAME and api: requests to a running lvmm run
 * over its control socket (api.c; Documentation/cli.rst).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api.h"
#include "cli.h"

/*
 * A VM's socket: a path (with a '/'), or a VM name. An fd, or minus the
 * exit status; @cmd NULL says nothing of a failure.
 */
static int api_connect(const char *cmd, const char *vm)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err;

	if (strchr(vm, '/')) {
		if (strlen(vm) >= sizeof(addr.sun_path)) {
			if (cmd)
				fprintf(stderr, "lvmm %s: %s: too long for a socket path\n",
					cmd, vm);
			return -CLI_USAGE;
		}
		strcpy(addr.sun_path, vm);
	} else if (api_default_path(vm, addr.sun_path, sizeof(addr.sun_path))) {
		if (cmd)
			fprintf(stderr, "lvmm %s: '%s': too long for a VM name\n", cmd, vm);
		return -CLI_USAGE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -CLI_OSERR;
	if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fd;
	err = errno;
	if (cmd)
		fprintf(stderr, "lvmm %s: %s: %s%s\n", cmd, addr.sun_path, strerror(err),
			err == ENOENT || err == ECONNREFUSED ?
			" (no VM of that name runs with a control socket)" : "");
	close(fd);
	return err == EACCES || err == EPERM ? -CLI_NOPERM : -CLI_NODEV;
}

/* Send one request line and read one reply line into @reply; as above. */
static int api_call(const char *cmd, const char *vm, const char *request,
		    char *reply, size_t len)
{
	size_t have = 0, rlen = strlen(request), off = 0;
	char *line = malloc(rlen + 1);
	ssize_t n = 0;
	int fd;

	if (!line)
		return CLI_OSERR;
	fd = api_connect(cmd, vm);
	if (fd < 0) {
		free(line);
		return -fd;
	}
	memcpy(line, request, rlen);
	line[rlen++] = '\n';
	/*
	 * One send for the line. The VM may refuse a line too long before
	 * it has all of it, reply, and close: the reply is read all the
	 * same, whatever became of the rest.
	 */
	while (off < rlen && (n = send(fd, line + off, rlen - off, MSG_NOSIGNAL)) > 0)
		off += n;
	free(line);
	while (have < len - 1) {
		n = recv(fd, reply + have, len - 1 - have, 0);
		if (n <= 0)
			break;
		have += n;
		if (memchr(reply, '\n', have))
			break;
	}
	reply[have] = '\0';
	if (!memchr(reply, '\n', have))
		goto io_error;
	*strchr(reply, '\n') = '\0';
	close(fd);
	return 0;
io_error:
	if (cmd)
		fprintf(stderr, "lvmm %s: %s: no reply from the VM\n", cmd, vm);
	close(fd);
	return CLI_OSERR;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "?";
}

/* A reply, in words; the exit status it stands for. */
static int show_reply(const char *cmd, const char *vm, const char *reply,
		      bool verbose)
{
	json_object *r = json_tokener_parse(reply), *ok;
	int status;

	if (!r || !json_object_object_get_ex(r, "ok", &ok)) {
		fprintf(stderr, "lvmm %s: %s: a reply that is not lvmm's: %.80s\n",
			cmd, vm, reply);
		json_object_put(r);
		return CLI_OSERR;
	}
	if (!json_object_get_boolean(ok)) {
		fprintf(stderr, "lvmm %s: %s: %s (%s)\n", cmd, vm,
			get_str(r, "message"), get_str(r, "error"));
		status = CLI_BADIMAGE;
	} else if (verbose) {
		printf("name:    %s\nstate:   %s\npid:     %s\nvcpus:   %s\nmemory:  %lld MiB\ndevice:  %s\n",
		       get_str(r, "name"), get_str(r, "state"), get_str(r, "pid"),
		       get_str(r, "vcpus"), atoll(get_str(r, "memory")) >> 20,
		       get_str(r, "device"));
		status = CLI_OK;
	} else {
		printf("%s: %s\n", vm, get_str(r, "state"));
		status = CLI_OK;
	}
	json_object_put(r);
	return status;
}

static bool want_help(int argc, char **argv)
{
	return argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
}

/* lvmm pause|resume NAME */
static int pause_or_resume(int argc, char **argv)
{
	char request[64], reply[API_MAX_LINE];
	int status;

	if (want_help(argc, argv)) {
		printf("usage: lvmm %s NAME|SOCKET\n\n%s the vCPUs of the VM lvmm run --name NAME runs\n"
		       "(its control socket: " API_DIR "/NAME" API_SUFFIX ", or the path given).\n",
		       argv[0], !strcmp(argv[0], "pause") ? "Stop" : "Restart");
		return CLI_OK;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: lvmm %s NAME|SOCKET\n", argv[0]);
		return CLI_USAGE;
	}
	snprintf(request, sizeof(request), "{\"cmd\": \"%s\"}", argv[0]);
	status = api_call(argv[0], argv[1], request, reply, sizeof(reply));
	return status ? status : show_reply(argv[0], argv[1], reply, false);
}

int cmd_pause(int argc, char **argv)
{
	return pause_or_resume(argc, argv);
}

int cmd_resume(int argc, char **argv)
{
	return pause_or_resume(argc, argv);
}

/* lvmm info NAME */
int cmd_vm_info(const char *vm)
{
	char reply[API_MAX_LINE];
	int status;

	status = api_call("info", vm, "{\"cmd\": \"info\"}", reply, sizeof(reply));
	return status ? status : show_reply("info", vm, reply, true);
}

/* The state of @vm for lvmm ps: "-" when it cannot be asked. */
void api_vm_state(const char *vm, char *state, size_t len)
{
	char reply[512];
	json_object *r;

	snprintf(state, len, "-");
	if (api_call(NULL, vm, "{\"cmd\": \"info\"}", reply, sizeof(reply)))
		return;
	r = json_tokener_parse(reply);
	if (r)
		snprintf(state, len, "%s", get_str(r, "state"));
	json_object_put(r);
}

/* lvmm api NAME JSON: one raw request, its raw reply. */
int cmd_api(int argc, char **argv)
{
	char reply[API_MAX_LINE];
	json_object *r, *ok;
	int status;

	if (want_help(argc, argv)) {
		printf("usage: lvmm api NAME|SOCKET JSON\n\nSend one request line to a VM's control socket and print\n"
		       "the reply line (Documentation/cli.rst, \"The control socket\").\n");
		return CLI_OK;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: lvmm api NAME|SOCKET JSON\n");
		return CLI_USAGE;
	}
	if (strchr(argv[2], '\n')) {
		fprintf(stderr, "lvmm api: a request is one line\n");
		return CLI_USAGE;
	}
	status = api_call("api", argv[1], argv[2], reply, sizeof(reply));
	if (status)
		return status;
	printf("%s\n", reply);
	r = json_tokener_parse(reply);
	status = r && json_object_object_get_ex(r, "ok", &ok) &&
		 json_object_get_boolean(ok) ? CLI_OK : CLI_BADIMAGE;
	json_object_put(r);
	return status;
}
