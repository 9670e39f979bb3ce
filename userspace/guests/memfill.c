// SPDX-License-Identifier: GPL-2.0
/*
 * memfill size=SIZE pattern=BYTE unique=MIB seed=N zero=MIB: fills guest
 * memory from 2 MiB up, then idles (HLT with interrupts on) until the VM is
 * stopped. Made to exercise page sharing between guests:
 *
 *   size=SIZE     (default 16M) a pattern region: every 4 KiB page holds
 *                 its index within the region as a 64-bit little-endian
 *                 word in its first 8 bytes, and BYTE (pattern=, default
 *                 0x5a) everywhere else. Its pages differ from each other,
 *                 but two guests with the same SIZE and BYTE have them
 *                 pairwise identical.
 *   unique=MIB    (default 0) then MIB MiB where every 8-byte word comes
 *                 from a xorshift64 generator seeded from N (seed=,
 *                 default 1): nothing another guest, with another seed,
 *                 can share.
 *   zero=MIB      (default 0) then MIB MiB written with zeros, so they are
 *                 allocated and hold zeros.
 *
 * The regions follow each other, each starting on a page, and are cut
 * short where they would reach the last MiB of guest memory.
 */
#include "guest.h"

#define START		(2UL << 20)
#define PAGE_SIZE	4096UL
#define PAGE_WORDS	(PAGE_SIZE / 8)

/* Store @v at @p, only its first @n bytes (little-endian) when @n < 8. */
static void store(volatile uint8_t *p, uint64_t v, uint64_t n)
{
	if (n >= 8) {
		*(volatile uint64_t *)p = v;
		return;
	}
	while (n--) {
		*p++ = v;
		v >>= 8;
	}
}

static void fill_pattern(volatile uint8_t *p, uint64_t size, uint8_t pattern)
{
	uint64_t fill = pattern * 0x0101010101010101UL;
	uint64_t w;

	for (w = 0; w * 8 < size; w++)
		store(p + w * 8, w % PAGE_WORDS ? fill : w / PAGE_WORDS,
		      size - w * 8);
}

/* xorshift64 (Marsaglia): cheap, and every state but 0 has period 2^64-1. */
static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

static void fill_unique(volatile uint8_t *p, uint64_t size, uint64_t seed)
{
	/* Scramble the seed: 0 would stay 0, small seeds start alike. */
	uint64_t state = (seed + 1) * 0x9e3779b97f4a7c15UL;
	uint64_t off;

	if (!state)
		state = 1;
	for (off = 0; off < size; off += 8)
		store(p + off, xorshift64(&state), size - off);
}

static void fill_zero(volatile uint8_t *p, uint64_t size)
{
	uint64_t off;

	/* Every word, not one per page: a write of zeros is what is asked. */
	for (off = 0; off < size; off += 8)
		store(p + off, 0, size - off);
}

/* At most @*room bytes of @want; takes them, page-rounded, from @*room. */
static uint64_t take(uint64_t want, uint64_t *room)
{
	uint64_t got = want < *room ? want : *room;
	uint64_t used = (got + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	*room -= used < *room ? used : *room;
	return got;
}

int guest_main(struct lvmm_boot_info *bi, unsigned int cpu)
{
	uint64_t size = arg_u64(bi, "size", 16 << 20);
	uint8_t pattern = arg_u64(bi, "pattern", 0x5a);
	uint64_t unique = arg_u64(bi, "unique", 0) << 20;
	uint64_t seed = arg_u64(bi, "seed", 1);
	uint64_t zero = arg_u64(bi, "zero", 0) << 20;
	volatile uint8_t *p = (volatile uint8_t *)START;
	uint64_t room = 0;

	/* The last MiB stays untouched, as it always has. */
	if (bi->mem_size > START + (1 << 20))
		room = bi->mem_size - (1 << 20) - START;
	size = take(size, &room);
	unique = take(unique, &room);
	zero = take(zero, &room);

	fill_pattern(p, size, pattern);
	p += (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	fill_unique(p, unique, seed);
	p += unique;
	fill_zero(p, zero);

	if (unique || zero) {
		puts_serial("memfill: ");
		print_u64(unique >> 20);
		puts_serial(" MiB unique (seed ");
		print_u64(seed);
		puts_serial("), ");
		print_u64(zero >> 20);
		puts_serial(" MiB of zeros\n");
	}
	/* Last, and unchanged: tests wait for "idling". */
	puts_serial("memfill: filled ");
	print_u64(size >> 20);
	puts_serial(" MiB with ");
	print_u64(pattern);
	puts_serial(", idling\n");
	halt_forever();
}
