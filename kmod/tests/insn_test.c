// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the MMIO instruction decoder and prefix skipping, byte by byte.
 */
#include <kunit/test.h>

#include "../arch.h"
#include "../core.h"
#include "../insn.h"
#include "../mmio.h"

struct decode_case {
	const char *name;
	int mode;
	u8 bytes[15];
	u8 avail;
	/* expected */
	u8 len;
	bool write;
	u8 size;
	u8 reg;
	bool high_byte;
	bool has_reg;
	u64 imm;
	u8 dst_size;
	bool sign_extend;
};

#define L64 LVMM_MODE_LONG64
#define P32 LVMM_MODE_PROT32
#define R16 LVMM_MODE_REAL

static const struct decode_case cases[] = {
	{ "mov [rbx],al", L64, { 0x88, 0x03 }, 2, 2, true, 1, RAX, false, true, 0, 1 },
	{ "mov [rbx],ax", L64, { 0x66, 0x89, 0x03 }, 3, 3, true, 2, RAX, false, true, 0, 2 },
	{ "mov [rbx],eax", L64, { 0x89, 0x03 }, 2, 2, true, 4, RAX, false, true, 0, 4 },
	{ "mov [rbx],rax", L64, { 0x48, 0x89, 0x03 }, 3, 3, true, 8, RAX, false, true, 0, 8 },
	{ "mov [r12],r13", L64, { 0x4d, 0x89, 0x2c, 0x24 }, 4, 4, true, 8, R13, false, true, 0, 8 },
	{ "mov [rbx+rcx*4+0x10],eax", L64, { 0x89, 0x44, 0x8b, 0x10 }, 4,
	  4, true, 4, RAX, false, true, 0, 4 },
	{ "mov [rip+disp32],ecx", L64, { 0x89, 0x0d, 1, 2, 3, 4 }, 6,
	  6, true, 4, RCX, false, true, 0, 4 },
	{ "mov [rbp+disp32],edx (sib, no base)", L64, { 0x89, 0x14, 0x25, 0, 0, 0, 0xc0 }, 7,
	  7, true, 4, RDX, false, true, 0, 4 },
	{ "mov byte [rbx],0x5a", L64, { 0xc6, 0x03, 0x5a }, 3,
	  3, true, 1, 0, false, false, 0x5a, 1 },
	{ "mov word [rbx],0x1234", L64, { 0x66, 0xc7, 0x03, 0x34, 0x12 }, 5,
	  5, true, 2, 0, false, false, 0x1234, 2 },
	{ "mov dword [rbx],imm32", L64, { 0xc7, 0x03, 0xef, 0xcd, 0xab, 0x89 }, 6,
	  6, true, 4, 0, false, false, 0x89abcdef, 4 },
	{ "mov qword [rbx],-2", L64, { 0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff }, 7,
	  7, true, 8, 0, false, false, ~1ULL, 8 },
	{ "mov ah,[rbx]", L64, { 0x8a, 0x23 }, 2, 2, false, 1, RAX, true, true, 0, 1 },
	{ "mov spl,[rbx] (REX)", L64, { 0x40, 0x8a, 0x23 }, 3,
	  3, false, 1, RSP, false, true, 0, 1 },
	{ "mov r9b,[rbx]", L64, { 0x44, 0x8a, 0x0b }, 3, 3, false, 1, R9, false, true, 0, 1 },
	{ "mov rdi,[rbx]", L64, { 0x48, 0x8b, 0x3b }, 3, 3, false, 8, RDI, false, true, 0, 8 },
	{ "movzx eax,byte [rbx]", L64, { 0x0f, 0xb6, 0x03 }, 3,
	  3, false, 1, RAX, false, true, 0, 4 },
	{ "movzx r11d,word [rbx]", L64, { 0x44, 0x0f, 0xb7, 0x1b }, 4,
	  4, false, 2, R11, false, true, 0, 4 },
	{ "movsx rax,byte [rbx]", L64, { 0x48, 0x0f, 0xbe, 0x03 }, 4,
	  4, false, 1, RAX, false, true, 0, 8, true },
	{ "movsx eax,word [rbx]", L64, { 0x0f, 0xbf, 0x03 }, 3,
	  3, false, 2, RAX, false, true, 0, 4, true },
	{ "mov eax,[moffs64]", L64, { 0xa1, 0, 1, 0, 0xc0, 0, 0, 0, 0 }, 9,
	  9, false, 4, RAX, false, true, 0, 4 },
	{ "mov [moffs32],al (0x67)", L64, { 0x67, 0xa2, 0, 1, 0, 0xc0 }, 6,
	  6, true, 1, RAX, false, true, 0, 1 },
	{ "mov [ebx],eax (32)", P32, { 0x89, 0x03 }, 2, 2, true, 4, RAX, false, true, 0, 4 },
	{ "mov [ebx],ax (32)", P32, { 0x66, 0x89, 0x03 }, 3, 3, true, 2, RAX, false, true, 0, 2 },
	{ "mov ecx,[disp32] (32)", P32, { 0x8b, 0x0d, 0, 0, 0, 0xc0 }, 6,
	  6, false, 4, RCX, false, true, 0, 4 },
	{ "mov [bx],ax (16)", R16, { 0x89, 0x07 }, 2, 2, true, 2, RAX, false, true, 0, 2 },
	{ "mov ax,[bx+8] (16)", R16, { 0x8b, 0x47, 0x08 }, 3, 3, false, 2, RAX, false, true, 0, 2 },
	{ "mov eax,[bx+8] (16, 0x66)", R16, { 0x66, 0x8b, 0x47, 0x08 }, 4,
	  4, false, 4, RAX, false, true, 0, 4 },
	{ "mov ax,[bx+0x100] (16)", R16, { 0x8b, 0x87, 0x00, 0x01 }, 4,
	  4, false, 2, RAX, false, true, 0, 2 },
	{ "mov word [0x1234],0x5678 (16)", R16, { 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56 }, 6,
	  6, true, 2, 0, false, false, 0x5678, 2 },
	{ "mov dh,[bx] (16)", R16, { 0x8a, 0x37 }, 2, 2, false, 1, RDX, true, true, 0, 1 },
	{ "mov [ebx],eax (16, 0x67 0x66)", R16, { 0x67, 0x66, 0x89, 0x03 }, 4,
	  4, true, 4, RAX, false, true, 0, 4 },
};

static void decode_forms(struct kunit *test)
{
	struct lvmm_mmio_insn insn;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct decode_case *c = &cases[i];

		KUNIT_ASSERT_EQ_MSG(test, 0, lvmm_decode_mmio(c->bytes, c->avail,
							      c->mode, &insn), "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, c->len, insn.len, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, c->write, insn.write, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, c->size, insn.size, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, c->has_reg, insn.has_reg, "%s", c->name);
		if (c->has_reg) {
			KUNIT_EXPECT_EQ_MSG(test, c->reg, insn.reg, "%s", c->name);
			KUNIT_EXPECT_EQ_MSG(test, c->high_byte, insn.high_byte,
					    "%s", c->name);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, c->imm, insn.imm, "%s", c->name);
		}
		KUNIT_EXPECT_EQ_MSG(test, c->dst_size, insn.dst_size, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, c->sign_extend, insn.sign_extend,
				    "%s", c->name);
	}
}

static void decode_rejects(struct kunit *test)
{
	static const struct { const char *name; int mode; u8 bytes[15]; u8 avail; } bad[] = {
		{ "register operand", L64, { 0x89, 0xc0 }, 2 },
		{ "ud2", L64, { 0x0f, 0x0b }, 2 },
		{ "c7 /1", L64, { 0xc7, 0x0b, 0, 0, 0, 0 }, 6 },
		{ "add, not mov", L64, { 0x01, 0x03 }, 2 },
		{ "truncated modrm", L64, { 0x89 }, 1 },
		{ "prefixes only", L64, { 0x66, 0x48 }, 2 },
		{ "truncated moffs", L64, { 0xa1, 0, 0, 0 }, 4 },
		{ "truncated imm", L64, { 0xc7, 0x03, 0xef }, 3 },
		{ "truncated sib", P32, { 0x89, 0x04 }, 2 },
		{ "nothing", L64, { 0 }, 0 },
	};
	struct lvmm_mmio_insn insn;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    lvmm_decode_mmio(bad[i].bytes, bad[i].avail,
						     bad[i].mode, &insn),
				    "%s", bad[i].name);
}

/* Prefix bytes before the opcode, or -EINVAL if none follows them. */
static int prefix_len(const u8 *bytes, unsigned int avail, int mode)
{
	struct lvmm_prefixes p;

	return lvmm_decode_prefixes(bytes, avail, mode, &p) ?: p.len;
}

static void prefixes(struct kunit *test)
{
	static const u8 rep_cpuid[] = { 0xf3, 0x0f, 0xa2 };
	static const u8 many[] = { 0x66, 0x67, 0x2e, 0xf0, 0x0f, 0xa2 };
	static const u8 rex_rdmsr[] = { 0x40, 0x0f, 0x32 };
	static const u8 all_prefix[] = { 0x66, 0x66 };
	static const u8 es_gs_outsb[] = { 0x26, 0x65, 0x6e };
	struct lvmm_prefixes p;

	KUNIT_EXPECT_EQ(test, 1, prefix_len(rep_cpuid, 3, L64));
	KUNIT_EXPECT_EQ(test, 4, prefix_len(many, 6, P32));
	KUNIT_EXPECT_EQ(test, 1, prefix_len(rex_rdmsr, 3, L64));
	/* 0x40 is INC EAX outside long mode, not a prefix. */
	KUNIT_EXPECT_EQ(test, 0, prefix_len(rex_rdmsr, 3, P32));
	KUNIT_EXPECT_EQ(test, -EINVAL, prefix_len(all_prefix, 2, L64));

	KUNIT_ASSERT_EQ(test, 0, lvmm_decode_prefixes(many, 6, P32, &p));
	KUNIT_EXPECT_TRUE(test, p.opsize);
	KUNIT_EXPECT_TRUE(test, p.adsize);
	KUNIT_EXPECT_EQ(test, LVMM_CS, p.seg);
	KUNIT_EXPECT_EQ(test, 0, p.rex);
	/* The last segment override wins. */
	KUNIT_ASSERT_EQ(test, 0, lvmm_decode_prefixes(es_gs_outsb, 3, P32, &p));
	KUNIT_EXPECT_EQ(test, LVMM_GS, p.seg);
	KUNIT_ASSERT_EQ(test, 0, lvmm_decode_prefixes(rex_rdmsr, 3, L64, &p));
	KUNIT_EXPECT_EQ(test, 0x40, p.rex);
	KUNIT_ASSERT_EQ(test, 0, lvmm_decode_prefixes(rep_cpuid, 3, P32, &p));
	KUNIT_EXPECT_EQ(test, -1, p.seg);
}

static void address_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 8, lvmm_addr_size(L64, false));
	KUNIT_EXPECT_EQ(test, 4, lvmm_addr_size(L64, true));
	KUNIT_EXPECT_EQ(test, 4, lvmm_addr_size(P32, false));
	KUNIT_EXPECT_EQ(test, 2, lvmm_addr_size(P32, true));
	KUNIT_EXPECT_EQ(test, 2, lvmm_addr_size(LVMM_MODE_REAL, false));
	KUNIT_EXPECT_EQ(test, 4, lvmm_addr_size(LVMM_MODE_PROT16, true));
}

static struct kunit_case insn_cases[] = {
	KUNIT_CASE(decode_forms),
	KUNIT_CASE(decode_rejects),
	KUNIT_CASE(prefixes),
	KUNIT_CASE(address_size),
	{}
};

static struct kunit_suite insn_suite = {
	.name = "lvmm_insn",
	.test_cases = insn_cases,
};

kunit_test_suite(insn_suite);
