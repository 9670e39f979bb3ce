/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvmm run's control socket (Documentation/cli.rst, "The control socket"):
 * a Unix stream socket, one JSON request per line, one JSON reply per line.
 * api.c serves it inside lvmm run; api_client.c is lvmm pause, resume, info
 * NAME and api.
 */
#ifndef LVMM_CLI_API_H
#define LVMM_CLI_API_H

/* Where a VM named NAME listens unless --api says otherwise. */
#define API_DIR		"/run/lvmm"
#define API_SUFFIX	".sock"
/* The longest request line, newline included; a longer one is refused. */
#define API_MAX_LINE	4096

struct vm;
struct api;

/*
 * Listen on @path for @vm: refuses a path another live lvmm run serves, and
 * replaces a stale socket left by one that died. NULL, with a message, on
 * failure.
 */
struct api *api_listen(struct vm *vm, const char *path);
/* Serve requests from a thread of its own until api_close(). */
int api_start(struct api *api);
/* Stop serving, close, and remove the socket file. */
void api_close(struct api *api);

/* @name's default socket path in @buf; -1 if it does not fit. */
int api_default_path(const char *name, char *buf, size_t len);

#endif /* LVMM_CLI_API_H */
