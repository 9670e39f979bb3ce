// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm stat [VM] [--json] [--watch SECONDS]: counters, module-wide and per
 * VM and vCPU, from sysfs alone. Page sharing's counters and knobs are
 * shown where the module has them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vmlist.h"

#define SHARING_DIR LVMM_SYSFS "/sharing"

/*
 * The page sharing files of SHARING_DIR, by the line lvmm stat prints them
 * on: knobs, then page counts, then scanner activity. Each is shown only if
 * it exists, so a module from before (some of) them still works.
 */
static const char *const share_knobs[] = {
	"run", "pages_to_scan", "sleep_millisecs", "merge_across_groups", NULL,
};
static const char *const share_pages[] = {
	"pages_shared", "pages_sharing", "pages_unshared", "pages_volatile",
	"zero_pages", NULL,
};
static const char *const share_activity[] = {
	"full_scans", "pages_scanned", "cow_breaks", "hash_collisions",
	"profit_bytes", NULL,
};

static bool matches(const struct vm_info *vm, const char *which)
{
	char id[16];

	if (!which)
		return true;
	snprintf(id, sizeof(id), "%d", vm->id);
	return !strcmp(which, id) || !strcmp(which, vm->name);
}

/* @lead, then "name=value" for each of @names that exists, space-separated. */
static void print_share_line(const char *lead, const char *const *names)
{
	const char *sep = lead;
	long long v;

	for (; *names; names++) {
		if (sysfs_get(SHARING_DIR, *names, &v))
			continue;
		printf("%s%s=%lld", sep, *names, v);
		sep = " ";
	}
	if (sep != lead)
		putchar('\n');
}

/* Module-wide page sharing: a "sharing:" line of knobs, two of counters. */
static void print_share_text(void)
{
	if (access(SHARING_DIR, F_OK))
		return;		/* a module without page sharing */
	print_share_line("sharing: ", share_knobs);
	print_share_line("  ", share_pages);
	print_share_line("  ", share_activity);
}

static void print_vm_share_text(const struct vm_share_info *s)
{
	if (!s->present)
		return;
	printf("  sharing: share_group=%u shared_pages=%llu zero_pages=%llu cow_breaks=%llu pages_merged=%llu\n",
	       s->share_group, (unsigned long long)s->shared_pages,
	       (unsigned long long)s->zero_pages,
	       (unsigned long long)s->cow_breaks,
	       (unsigned long long)s->pages_merged);
}

static void print_text(const struct vm_info *vms, int n, const char *which)
{
	int i, j, r;

	if (!which)
		printf("lvmm: vms=%lld vcpus=%lld vms_created=%lld exits=%lld\n",
		       sysfs_num(LVMM_SYSFS "/stats", "vms"),
		       sysfs_num(LVMM_SYSFS "/stats", "vcpus"),
		       sysfs_num(LVMM_SYSFS "/stats", "vms_created"),
		       sysfs_num(LVMM_SYSFS "/stats", "exits"));
	if (!which)
		print_share_text();
	for (i = 0; i < n; i++) {
		if (!matches(&vms[i], which))
			continue;
		printf("vm %d (%s): pid=%ld vcpus=%d memory=%lluM resident=%lluK\n",
		       vms[i].id, vms[i].name[0] ? vms[i].name : "-", vms[i].pid,
		       vms[i].nr_vcpus, (unsigned long long)(vms[i].memory >> 20),
		       (unsigned long long)(vms[i].pages * 4));
		print_vm_share_text(&vms[i].share);
		for (j = 0; j < vms[i].nvcpu; j++) {
			const struct vcpu_info *v = &vms[i].vcpu[j];

			printf("  vcpu%d: entries=%llu guest_time=%llums to_vmm=%llu mmio=%llu unknown_msrs=%llu\n",
			       v->id, (unsigned long long)v->entries,
			       (unsigned long long)(v->guest_time_ns / 1000000),
			       (unsigned long long)v->userspace_exits,
			       (unsigned long long)v->mmio_exits,
			       (unsigned long long)v->unknown_msrs);
			printf("    exits:");
			for (r = 0; r < VM_EXIT_REASONS; r++)
				if (v->exits[r])
					printf(" %s=%llu", vm_exit_reasons[r],
					       (unsigned long long)v->exits[r]);
			printf("\n");
		}
	}
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* "name":value for each of @names that exists, comma-separated. */
static void print_share_json_fields(const char *const *names, bool *first)
{
	long long v;

	for (; *names; names++) {
		if (sysfs_get(SHARING_DIR, *names, &v))
			continue;
		printf("%s\"%s\":%lld", *first ? "" : ",", *names, v);
		*first = false;
	}
}

/* ,"sharing":{...} after "vms", for a module with page sharing. */
static void print_share_json(void)
{
	bool first = true;

	if (access(SHARING_DIR, F_OK))
		return;
	printf(",\"sharing\":{");
	print_share_json_fields(share_knobs, &first);
	print_share_json_fields(share_pages, &first);
	print_share_json_fields(share_activity, &first);
	printf("}");
}

static void print_vm_share_json(const struct vm_share_info *s)
{
	if (!s->present)
		return;
	printf(",\"sharing\":{\"share_group\":%u,\"shared_pages\":%llu,\"zero_pages\":%llu,\"cow_breaks\":%llu,\"pages_merged\":%llu}",
	       s->share_group, (unsigned long long)s->shared_pages,
	       (unsigned long long)s->zero_pages,
	       (unsigned long long)s->cow_breaks,
	       (unsigned long long)s->pages_merged);
}

static void print_json(const struct vm_info *vms, int n, const char *which)
{
	int i, j, r, first = 1;

	printf("{\"vms\":[");
	for (i = 0; i < n; i++) {
		if (!matches(&vms[i], which))
			continue;
		printf("%s{\"id\":%d,\"name\":", first ? "" : ",", vms[i].id);
		first = 0;
		print_json_string(vms[i].name);
		printf(",\"pid\":%ld,\"vcpus\":%d,\"memory\":%llu,\"pages\":%llu,\"vcpu\":[",
		       vms[i].pid, vms[i].nr_vcpus,
		       (unsigned long long)vms[i].memory,
		       (unsigned long long)vms[i].pages);
		for (j = 0; j < vms[i].nvcpu; j++) {
			const struct vcpu_info *v = &vms[i].vcpu[j];

			printf("%s{\"id\":%d,\"entries\":%llu,\"guest_time_ns\":%llu,\"userspace_exits\":%llu,\"mmio_exits\":%llu,\"unknown_msrs\":%llu,\"exits\":{",
			       j ? "," : "", v->id,
			       (unsigned long long)v->entries,
			       (unsigned long long)v->guest_time_ns,
			       (unsigned long long)v->userspace_exits,
			       (unsigned long long)v->mmio_exits,
			       (unsigned long long)v->unknown_msrs);
			for (r = 0; r < VM_EXIT_REASONS; r++)
				printf("%s\"%s\":%llu", r ? "," : "",
				       vm_exit_reasons[r],
				       (unsigned long long)v->exits[r]);
			printf("}}");
		}
		printf("]");
		print_vm_share_json(&vms[i].share);
		printf("}");
	}
	printf("]");
	if (!which)
		print_share_json();
	printf("}\n");
}

static void stat_usage(FILE *f)
{
	fprintf(f, "usage: lvmm stat [VM] [--json] [--watch SECONDS]\n\n"
		"Print lvmm's counters: module-wide (with page sharing's knobs and\n"
		"counters), then per VM and vCPU. VM is an id or a name, and shows\n"
		"only that VM. Reads only /sys/kernel/lvmm.\n\n"
		"  --json           one JSON object instead of text\n"
		"  --watch SECONDS  redraw every SECONDS, like top; Ctrl-C stops\n");
}

int cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *which = NULL;
	double watch = 0;
	struct vm_info *vms;
	bool json = false;
	char *end;
	int c, n, i, found;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			watch = strtod(optarg, &end);
			if (*end || watch <= 0) {
				fprintf(stderr, "lvmm stat: --watch '%s': give a number of seconds\n",
					optarg);
				return CLI_USAGE;
			}
			break;
		case 'h':
			stat_usage(stdout);
			return 0;
		default:
			stat_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind < argc)
		which = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "lvmm stat: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}

	for (;;) {
		vms = vm_list(&n);
		if (!vms) {
			fprintf(stderr, "lvmm stat: cannot read %s/vms: %s (is lvmm.ko loaded?)\n",
				LVMM_SYSFS, strerror(errno));
			return CLI_NODEV;
		}
		for (i = 0, found = 0; i < n; i++)
			found |= matches(&vms[i], which);
		if (which && !found) {
			fprintf(stderr, "lvmm stat: no VM with id or name '%s'\n", which);
			vm_list_free(vms, n);
			return CLI_USAGE;
		}
		if (watch)
			printf("\033[H\033[J");	/* home, clear */
		if (json)
			print_json(vms, n, which);
		else
			print_text(vms, n, which);
		fflush(stdout);
		vm_list_free(vms, n);
		if (!watch)
			return 0;
		usleep((useconds_t)(watch * 1e6));
	}
}
