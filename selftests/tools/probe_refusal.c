// SPDX-License-Identifier: GPL-2.0
/*
 * probe_refusal ERRNO WORDS: in a test VM whose CPU lacks what lvmm needs,
 * loading lvmm.ko ($LVMM_KO) must fail with errno ERRNO (ENODEV, EPERM or
 * EOPNOTSUPP) and log exactly one "lvmm: cannot load:" line containing WORDS.
 * Prints KTAP with a "# Totals:" line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct { const char *name; int value; } errnos[] = {
	{ "ENODEV", ENODEV }, { "EPERM", EPERM }, { "EOPNOTSUPP", EOPNOTSUPP },
};

static int count_lines(const char *log, const char *words)
{
	const char *p = log;
	int n = 0;

	while ((p = strstr(p, "lvmm: cannot load: "))) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (strstr(line, words)) {
			printf("# dmesg: %s\n", line);
			n++;
		}
		p += len;
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *ko = getenv("LVMM_KO");
	int want = -1, fd, ret, err, pass = 0, fail = 0, n, len;
	char *log;
	size_t i;

	if (argc != 3 || !ko) {
		fprintf(stderr, "usage: LVMM_KO=lvmm.ko probe_refusal ERRNO WORDS\n");
		return 2;
	}
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(argv[1], errnos[i].name))
			want = errnos[i].value;
	if (want < 0) {
		fprintf(stderr, "probe_refusal: unknown errno name %s\n", argv[1]);
		return 2;
	}

	printf("TAP version 13\n1..2\n");
	klogctl(5, NULL, 0);	/* clear the ring so only this load is seen */
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(ko);
		return 2;
	}
	ret = syscall(SYS_finit_module, fd, "", 0);
	err = errno;
	close(fd);
	if (ret == 0) {
		printf("not ok 1 load_fails_with_%s # it loaded\n", argv[1]);
		syscall(SYS_delete_module, "lvmm", O_NONBLOCK);
		fail++;
	} else if (err != want) {
		printf("not ok 1 load_fails_with_%s # got %s\n", argv[1], strerror(err));
		fail++;
	} else {
		printf("ok 1 load_fails_with_%s\n", argv[1]);
		pass++;
	}

	len = klogctl(10, NULL, 0);
	log = calloc(1, len + 1);
	if (!log || klogctl(3, log, len) < 0) {
		perror("klogctl");
		return 2;
	}
	n = count_lines(log, argv[2]);
	if (n == 1) {
		printf("ok 2 one_clear_dmesg_line\n");
		pass++;
	} else {
		printf("not ok 2 one_clear_dmesg_line # %d lines with '%s'\n", n, argv[2]);
		fail++;
	}
	free(log);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", pass, fail);
	return fail ? 1 : 0;
}
