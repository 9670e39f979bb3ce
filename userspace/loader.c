// SPDX-License-Identifier: GPL-2.0
/*
 * Guest images: static freestanding ELF (32- or 64-bit), loaded at their
 * physical addresses, or a flat binary loaded where --load says.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The whole file, or NULL with a message naming it. */
uint8_t *read_whole_file(const char *path, size_t *size, int *code)
{
	struct stat st;
	uint8_t *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "lvmm: cannot read %s: %s\n", path,
			strerror(errno));
		*code = CLI_NOINPUT;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		fprintf(stderr, "lvmm: %s: %s\n", path,
			S_ISREG(st.st_mode) ? "file is empty" : "not a regular file");
		*code = CLI_BADIMAGE;
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size);
	n = buf ? read(fd, buf, st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		fprintf(stderr, "lvmm: cannot read %s: %s\n", path,
			n < 0 ? strerror(errno) : "short read");
		free(buf);
		*code = CLI_NOINPUT;
		return NULL;
	}
	*size = st.st_size;
	return buf;
}

/* [addr, addr+len) must be RAM and stay clear of lvmm's boot area. */
static int place(const char *path, uint64_t addr, uint64_t len,
		 uint64_t mem_size)
{
	if (addr + len < addr || addr + len > mem_size) {
		fprintf(stderr, "lvmm: image %s: [0x%llx, 0x%llx) is outside the %llu MiB of guest memory (-m)\n",
			path, (unsigned long long)addr,
			(unsigned long long)(addr + len),
			(unsigned long long)(mem_size >> 20));
		return CLI_BADIMAGE;
	}
	if (addr < BOOT_AREA_END && addr + len > BOOT_AREA_START) {
		fprintf(stderr, "lvmm: image %s: [0x%llx, 0x%llx) overlaps lvmm's boot area [0x%x, 0x%x)\n",
			path, (unsigned long long)addr,
			(unsigned long long)(addr + len), BOOT_AREA_START,
			BOOT_AREA_END);
		return CLI_BADIMAGE;
	}
	return 0;
}

#define DEFINE_ELF_LOADER(bits)						\
static int load_elf##bits(const char *path, const uint8_t *buf,		\
			  size_t size, uint8_t *mem, uint64_t mem_size,	\
			  struct image *img)				\
{									\
	const Elf##bits##_Ehdr *eh = (const void *)buf;			\
	unsigned int i;							\
	int ret;							\
									\
	if (size < sizeof(*eh) || eh->e_phentsize != sizeof(Elf##bits##_Phdr) || \
	    eh->e_phoff > size ||						\
	    (size - eh->e_phoff) / sizeof(Elf##bits##_Phdr) < eh->e_phnum) { \
		fprintf(stderr, "lvmm: image %s: truncated or corrupt ELF header\n", path); \
		return CLI_BADIMAGE;					\
	}								\
	if (eh->e_type != ET_EXEC) {					\
		fprintf(stderr, "lvmm: image %s: not a static executable (ELF type %u)\n", \
			path, eh->e_type);				\
		return CLI_BADIMAGE;					\
	}								\
	for (i = 0; i < eh->e_phnum; i++) {				\
		const Elf##bits##_Phdr *ph = (const void *)(buf + eh->e_phoff + \
						i * sizeof(*ph));	\
									\
		if (ph->p_type == PT_INTERP || ph->p_type == PT_DYNAMIC) { \
			fprintf(stderr, "lvmm: image %s: dynamically linked; link it -static -nostdlib\n", path); \
			return CLI_BADIMAGE;				\
		}							\
		if (ph->p_type != PT_LOAD || !ph->p_memsz)		\
			continue;					\
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||	\
		    ph->p_filesz > size - ph->p_offset) {		\
			fprintf(stderr, "lvmm: image %s: segment %u lies outside the file\n", \
				path, i);				\
			return CLI_BADIMAGE;				\
		}							\
		ret = place(path, ph->p_paddr, ph->p_memsz, mem_size);	\
		if (ret)						\
			return ret;					\
		memcpy(mem + ph->p_paddr, buf + ph->p_offset, ph->p_filesz); \
		memset(mem + ph->p_paddr + ph->p_filesz, 0,		\
		       ph->p_memsz - ph->p_filesz);			\
	}								\
	img->entry = eh->e_entry;					\
	return 0;							\
}

DEFINE_ELF_LOADER(32)
DEFINE_ELF_LOADER(64)

int load_image(const char *path, uint8_t *mem, uint64_t mem_size,
	       enum cpu_mode flat_mode, uint64_t flat_addr, struct image *img)
{
	size_t size;
	uint8_t *buf;
	int code = 0;

	buf = read_whole_file(path, &size, &code);
	if (!buf)
		return code;

	if (size >= EI_NIDENT && !memcmp(buf, ELFMAG, SELFMAG)) {
		uint16_t machine = size >= 20 ? buf[18] | buf[19] << 8 : 0;

		if (buf[EI_CLASS] == ELFCLASS64 && machine == EM_X86_64) {
			img->mode = MODE_LONG;
			code = load_elf64(path, buf, size, mem, mem_size, img);
		} else if (buf[EI_CLASS] == ELFCLASS32 && machine == EM_386) {
			img->mode = MODE_PROTECTED;
			code = load_elf32(path, buf, size, mem, mem_size, img);
		} else {
			fprintf(stderr, "lvmm: image %s: ELF for another machine (class %u, machine %u)\n",
				path, buf[EI_CLASS], machine);
			code = CLI_BADIMAGE;
		}
	} else {
		img->mode = flat_mode;
		img->entry = flat_addr;
		code = place(path, flat_addr, size, mem_size);
		if (!code && flat_mode == MODE_REAL &&
		    (flat_addr & 0xf || flat_addr + size > 0x100000)) {
			fprintf(stderr, "lvmm: image %s: a real-mode image must start on a 16-byte boundary below 1 MiB (--load)\n",
				path);
			code = CLI_BADIMAGE;
		}
		if (!code)
			memcpy(mem + flat_addr, buf, size);
	}
	free(buf);
	return code;
}
