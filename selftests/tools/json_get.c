// SPDX-License-Identifier: GPL-2.0
/*
 * json_get PATH < JSON: parse JSON from stdin completely (exit 1 with the
 * offset of the first error if it is not valid) and print the value at
 * PATH, a dot-separated list of object keys and array indexes such as
 * "vms.0.vcpu.0.exits.io". Strings print without quotes. Exit 2 if PATH
 * names nothing. The CLI tests use it to read `lvmm stat --json` back.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p, *start;
static const char *want;	/* rest of PATH; NULL once found or lost */
static char found[4096];
static int have;

static void fail(const char *what)
{
	fprintf(stderr, "json_get: %s at offset %ld\n", what, (long)(p - start));
	exit(1);
}

static void ws(void)
{
	while (isspace((unsigned char)*p))
		p++;
}

static void value(const char *path);

/* Does @path start with @key followed by '.' or its end? */
static const char *step(const char *path, const char *key, size_t len)
{
	if (!path || strncmp(path, key, len))
		return NULL;
	if (path[len] == '.')
		return path + len + 1;
	if (!path[len])
		return "";
	return NULL;
}

static const char *string(size_t *len)
{
	const char *s;

	if (*p != '"')
		fail("expected a string");
	s = ++p;
	while (*p != '"') {
		if (!*p || (unsigned char)*p < 0x20)
			fail("unterminated string");
		if (*p == '\\' && !*++p)
			fail("bad escape");
		p++;
	}
	*len = p - s;
	p++;
	return s;
}

static void record(const char *path, const char *s, size_t len)
{
	if (path && !*path && !have) {
		snprintf(found, sizeof(found), "%.*s", (int)len, s);
		have = 1;
	}
}

static void value(const char *path)
{
	const char *s;
	size_t len;
	char idx[16];
	int i;

	ws();
	if (*p == '{') {
		p++;
		ws();
		if (*p == '}') {
			p++;
			return;
		}
		for (;;) {
			ws();
			s = string(&len);
			ws();
			if (*p++ != ':')
				fail("expected ':'");
			value(step(path, s, len));
			ws();
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p++ != '}')
				fail("expected ',' or '}'");
			return;
		}
	}
	if (*p == '[') {
		p++;
		ws();
		if (*p == ']') {
			p++;
			return;
		}
		for (i = 0;; i++) {
			snprintf(idx, sizeof(idx), "%d", i);
			value(step(path, idx, strlen(idx)));
			ws();
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p++ != ']')
				fail("expected ',' or ']'");
			return;
		}
	}
	if (*p == '"') {
		s = string(&len);
		record(path, s, len);
		return;
	}
	s = p;
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		p += 4;
	else if (!strncmp(p, "false", 5))
		p += 5;
	else {
		if (*p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			fail("expected a value");
		while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' ||
		       *p == 'E' || *p == '+' || *p == '-')
			p++;
	}
	record(path, s, p - s);
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: json_get PATH < JSON\n");
		return 2;
	}
	n = fread(buf, 1, sizeof(buf) - 1, stdin);
	buf[n] = '\0';
	start = p = buf;
	want = argv[1];
	value(want);
	ws();
	if (*p)
		fail("trailing data");
	if (!have)
		return 2;
	printf("%s\n", found);
	return 0;
}
