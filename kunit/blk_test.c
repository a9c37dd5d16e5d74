// SPDX-License-Identifier: GPL-2.0
/*
 * viox_blk without a store or a ring: every request rule of parse.c over
 * a table of good and malformed requests, discard and write-zeroes
 * ranges, and the config space and features a backing store gives.
 */
#include <kunit/test.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <viox/compat.h>

#include "../drivers/blk/blk.h"

#define CAP 2048ull			/* sectors */
#define ALL_FEATURES (BIT_ULL(VIRTIO_BLK_F_DISCARD) | BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES))
#define MAX_RW ((size_t)VIOX_BLK_SEG_MAX * VIOX_BLK_SIZE_MAX)
#define RANGE VIOX_BLK_RANGE_SIZE

struct parse_case {
	const char *what;
	u32 type;
	u64 sector;
	size_t out, in;			/* out: header included */
	unsigned int nbufs;
	bool read_only;
	u64 features;
	u8 status;
	size_t len;			/* when OK */
};

static const struct parse_case parse_cases[] = {
	{ "read 4k", VIRTIO_BLK_T_IN, 0, 16, 4096, 3, false, 0, VIRTIO_BLK_S_OK, 4096 },
	{ "read the last sector", VIRTIO_BLK_T_IN, CAP - 1, 16, 512, 3, false, 0,
	  VIRTIO_BLK_S_OK, 512 },
	{ "read of nothing at the end", VIRTIO_BLK_T_IN, CAP, 16, 0, 2, false, 0,
	  VIRTIO_BLK_S_OK, 0 },
	{ "read past the end", VIRTIO_BLK_T_IN, CAP - 1, 16, 1024, 3, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "read starting past the end", VIRTIO_BLK_T_IN, CAP + 1, 16, 0, 2, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "read at a sector that wraps", VIRTIO_BLK_T_IN, U64_MAX, 16, 512, 3, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "read of part of a sector", VIRTIO_BLK_T_IN, 0, 16, 100, 3, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "read with driver data after the header", VIRTIO_BLK_T_IN, 0, 16 + 512, 512, 4,
	  false, 0, VIRTIO_BLK_S_IOERR },
	{ "read larger than seg_max x size_max", VIRTIO_BLK_T_IN, 0, 16, MAX_RW + 512, 3,
	  false, 0, VIRTIO_BLK_S_IOERR },
	{ "short header", VIRTIO_BLK_T_IN, 0, 15, 512, 3, false, 0, VIRTIO_BLK_S_IOERR },
	{ "more segments than seg_max", VIRTIO_BLK_T_IN, 0, 16, 512,
	  VIOX_BLK_SEG_MAX + 3, false, 0, VIRTIO_BLK_S_IOERR },
	{ "seg_max segments", VIRTIO_BLK_T_IN, 0, 16, 512 * VIOX_BLK_SEG_MAX,
	  VIOX_BLK_SEG_MAX + 2, false, 0, VIRTIO_BLK_S_OK, 512 * VIOX_BLK_SEG_MAX },
	{ "write 8k", VIRTIO_BLK_T_OUT, 8, 16 + 8192, 0, 3, false, 0, VIRTIO_BLK_S_OK, 8192 },
	{ "write to a read-only disk", VIRTIO_BLK_T_OUT, 8, 16 + 512, 0, 3, true, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "write past the end", VIRTIO_BLK_T_OUT, CAP, 16 + 512, 0, 3, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "write of part of a sector", VIRTIO_BLK_T_OUT, 0, 16 + 511, 0, 3, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "write with its data writable", VIRTIO_BLK_T_OUT, 0, 16, 4096, 3, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "write with writable room after its data", VIRTIO_BLK_T_OUT, 0, 16 + 512, 512,
	  4, false, 0, VIRTIO_BLK_S_IOERR },
	{ "flush", VIRTIO_BLK_T_FLUSH, 0, 16, 0, 2, false, 0, VIRTIO_BLK_S_OK, 0 },
	{ "flush with a sector", VIRTIO_BLK_T_FLUSH, 1, 16, 0, 2, false, 0,
	  VIRTIO_BLK_S_IOERR },
	{ "flush of a read-only disk", VIRTIO_BLK_T_FLUSH, 0, 16, 0, 2, true, 0,
	  VIRTIO_BLK_S_OK, 0 },
	{ "get id", VIRTIO_BLK_T_GET_ID, 0, 16, 20, 3, false, 0, VIRTIO_BLK_S_OK, 20 },
	{ "get id into more room", VIRTIO_BLK_T_GET_ID, 0, 16, 512, 3, false, 0,
	  VIRTIO_BLK_S_OK, 20 },
	{ "get id into less room", VIRTIO_BLK_T_GET_ID, 0, 16, 8, 3, false, 0,
	  VIRTIO_BLK_S_OK, 8 },
	{ "discard, one range", VIRTIO_BLK_T_DISCARD, 0, 16 + RANGE, 0, 3, false,
	  ALL_FEATURES, VIRTIO_BLK_S_OK, RANGE },
	{ "discard, max ranges", VIRTIO_BLK_T_DISCARD, 0, 16 + RANGE * VIOX_BLK_DISCARD_SEG,
	  0, 3, false, ALL_FEATURES, VIRTIO_BLK_S_OK, RANGE * VIOX_BLK_DISCARD_SEG },
	{ "discard, too many ranges", VIRTIO_BLK_T_DISCARD, 0,
	  16 + RANGE * (VIOX_BLK_DISCARD_SEG + 1), 0, 3, false, ALL_FEATURES,
	  VIRTIO_BLK_S_IOERR },
	{ "discard, part of a range", VIRTIO_BLK_T_DISCARD, 0, 16 + RANGE + 1, 0, 3, false,
	  ALL_FEATURES, VIRTIO_BLK_S_IOERR },
	{ "discard, no range", VIRTIO_BLK_T_DISCARD, 0, 16, 0, 2, false, ALL_FEATURES,
	  VIRTIO_BLK_S_IOERR },
	{ "discard with its ranges writable", VIRTIO_BLK_T_DISCARD, 0, 16, RANGE, 3, false,
	  ALL_FEATURES, VIRTIO_BLK_S_IOERR },
	{ "discard not negotiated", VIRTIO_BLK_T_DISCARD, 0, 16 + RANGE, 0, 3, false,
	  BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES), VIRTIO_BLK_S_UNSUPP },
	{ "discard on a read-only disk", VIRTIO_BLK_T_DISCARD, 0, 16 + RANGE, 0, 3, true,
	  ALL_FEATURES, VIRTIO_BLK_S_IOERR },
	{ "write zeroes", VIRTIO_BLK_T_WRITE_ZEROES, 0, 16 + RANGE, 0, 3, false,
	  ALL_FEATURES, VIRTIO_BLK_S_OK, RANGE },
	{ "write zeroes with room to write", VIRTIO_BLK_T_WRITE_ZEROES, 0, 16 + RANGE, 512,
	  4, false, ALL_FEATURES, VIRTIO_BLK_S_IOERR },
	{ "write zeroes on a read-only disk", VIRTIO_BLK_T_WRITE_ZEROES, 0, 16 + RANGE, 0, 3,
	  true, ALL_FEATURES, VIRTIO_BLK_S_IOERR },
	{ "write zeroes not negotiated", VIRTIO_BLK_T_WRITE_ZEROES, 0, 16 + RANGE, 0, 3,
	  false, BIT_ULL(VIRTIO_BLK_F_DISCARD), VIRTIO_BLK_S_UNSUPP },
	{ "unknown type", 42, 0, 16, 0, 2, false, ALL_FEATURES, VIRTIO_BLK_S_UNSUPP },
	{ "get lifetime (not offered)", 10, 0, 16, 16, 3, false, ALL_FEATURES,
	  VIRTIO_BLK_S_UNSUPP },
	{ "secure erase (not offered)", VIRTIO_BLK_T_SECURE_ERASE, 0, 16 + RANGE, 0, 3,
	  false, ALL_FEATURES, VIRTIO_BLK_S_UNSUPP },
};

static void parse_case_desc(const struct parse_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse, parse_cases, parse_case_desc);

static void blk_parse_table(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	const struct viox_blk_disk d = {
		.capacity = CAP, .features = c->features, .read_only = c->read_only,
	};
	struct virtio_blk_outhdr hdr = {
		.type = __cpu_to_virtio32(true, c->type),
		.sector = __cpu_to_virtio64(true, c->sector),
	};
	struct viox_blk_op op = {};
	u8 status;

	status = viox_blk_parse(&d, &hdr, c->out, c->in, c->nbufs, &op);
	KUNIT_EXPECT_EQ(test, status, c->status);
	/* The type is known, for the counters, whenever there is a header. */
	KUNIT_EXPECT_EQ(test, op.type, c->out < sizeof(hdr) ? U32_MAX : c->type);
	if (status != VIRTIO_BLK_S_OK)
		return;
	KUNIT_EXPECT_EQ(test, op.sector, c->sector);
	KUNIT_EXPECT_EQ(test, op.len, c->len);
}

/* The header is little-endian whatever the CPU. */
static void blk_parse_le(struct kunit *test)
{
	const struct viox_blk_disk d = { .capacity = U64_MAX };
	struct virtio_blk_outhdr hdr = {
		.type = __cpu_to_virtio32(true, VIRTIO_BLK_T_IN),
		.sector = __cpu_to_virtio64(true, 0x0102030405060708ull),
	};
	struct viox_blk_op op;

	KUNIT_ASSERT_EQ(test, viox_blk_parse(&d, &hdr, 16, 512, 3, &op), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, op.sector, 0x0102030405060708ull);
}

static u8 range(u32 type, u64 sector, u32 nr, u32 flags)
{
	const struct viox_blk_disk d = { .capacity = CAP, .features = ALL_FEATURES };
	struct virtio_blk_discard_write_zeroes r = {
		.sector = cpu_to_le64(sector), .num_sectors = cpu_to_le32(nr),
		.flags = cpu_to_le32(flags),
	};

	return viox_blk_range_check(&d, type, &r);
}

static void blk_ranges(struct kunit *test)
{
	const u32 D = VIRTIO_BLK_T_DISCARD, Z = VIRTIO_BLK_T_WRITE_ZEROES;
	const u32 UNMAP = VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;

	KUNIT_EXPECT_EQ(test, range(D, 0, CAP, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, range(D, CAP, 0, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, range(D, CAP - 8, 9, 0), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, range(D, CAP + 1, 0, 0), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, range(D, U64_MAX, 2, 0), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, range(D, 0, 8, UNMAP), VIRTIO_BLK_S_UNSUPP);
	KUNIT_EXPECT_EQ(test, range(Z, 0, 8, UNMAP), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, range(Z, 0, 8, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, range(Z, 0, 8, 2), VIRTIO_BLK_S_UNSUPP);
	KUNIT_EXPECT_EQ(test, range(Z, 0, VIOX_BLK_DISCARD_MAX + 1, 0), VIRTIO_BLK_S_IOERR);
}

/* The largest read, write and range pass; one sector more does not. */
static void blk_limits(struct kunit *test)
{
	const struct viox_blk_disk d = {
		.capacity = U64_MAX >> SECTOR_SHIFT, .features = ALL_FEATURES,
	};
	struct virtio_blk_outhdr hdr = {
		.type = __cpu_to_virtio32(true, VIRTIO_BLK_T_IN),
	};
	struct virtio_blk_discard_write_zeroes r = {
		.num_sectors = cpu_to_le32(VIOX_BLK_DISCARD_MAX),
	};
	struct viox_blk_op op;

	KUNIT_EXPECT_EQ(test, viox_blk_parse(&d, &hdr, 16, MAX_RW, 3, &op),
			VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, viox_blk_parse(&d, &hdr, 16, MAX_RW + 512, 3, &op),
			VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, viox_blk_range_check(&d, VIRTIO_BLK_T_DISCARD, &r),
			VIRTIO_BLK_S_OK);
	r.num_sectors = cpu_to_le32(VIOX_BLK_DISCARD_MAX + 1);
	KUNIT_EXPECT_EQ(test, viox_blk_range_check(&d, VIRTIO_BLK_T_DISCARD, &r),
			VIRTIO_BLK_S_IOERR);
}

static struct kunit_case blk_parse_cases[] = {
	KUNIT_CASE_PARAM(blk_parse_table, parse_gen_params),
	KUNIT_CASE(blk_parse_le),
	KUNIT_CASE(blk_ranges),
	KUNIT_CASE(blk_limits),
	{}
};

static struct kunit_suite blk_parse_suite = {
	.name = "viox_blk_parse",
	.test_cases = blk_parse_cases,
};

/* A 4Kn-like store: 4 KiB physical blocks on 512-byte logical ones. */
static void blk_config_from_store(struct kunit *test)
{
	struct viox_blk_backing b = {
		.capacity = 1 << 21, .lbs = 512, .pbs = 4096, .queues = 4,
		.discard = true,
	};
	struct virtio_blk_config c;

	viox_blk_fill_config(&b, false, &c);
	KUNIT_EXPECT_EQ(test, __virtio64_to_cpu(true, c.capacity), 1ull << 21);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, c.blk_size), 512);
	KUNIT_EXPECT_EQ(test, c.physical_block_exp, 3);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, c.opt_io_size), 8);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, c.num_queues), 4);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, c.seg_max), VIOX_BLK_SEG_MAX);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, c.size_max), VIOX_BLK_SIZE_MAX);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, c.max_discard_seg), VIOX_BLK_DISCARD_SEG);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, c.discard_sector_alignment), 1);
	KUNIT_EXPECT_EQ(test, c.write_zeroes_may_unmap, 1);
	KUNIT_EXPECT_EQ(test, c.wce, 1);
	viox_blk_fill_config(&b, true, &c);
	KUNIT_EXPECT_EQ(test, c.wce, 0);
	b.discard = false;
	viox_blk_fill_config(&b, true, &c);
	KUNIT_EXPECT_EQ(test, c.write_zeroes_may_unmap, 0);
}

static void blk_features_from_store(struct kunit *test)
{
	struct viox_blk_backing b = { .capacity = 8, .lbs = 512, .pbs = 512, .queues = 1 };
	const u64 must = BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	u64 f;

	f = viox_blk_features(&b);
	KUNIT_EXPECT_EQ(test, f & must, must);
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES));
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_BLK_F_DISCARD));
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_BLK_F_RO));
	b.discard = true;
	KUNIT_EXPECT_TRUE(test, viox_blk_features(&b) & BIT_ULL(VIRTIO_BLK_F_DISCARD));
	/* Read-only: RO, and nothing that writes. */
	b.read_only = true;
	f = viox_blk_features(&b);
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_BLK_F_RO));
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_BLK_F_DISCARD));
	KUNIT_EXPECT_FALSE(test, f & BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES));
	/* An admin's mask narrows the offer but keeps what the device needs. */
	b.read_only = false;
	b.features = BIT_ULL(VIRTIO_BLK_F_FLUSH);
	KUNIT_EXPECT_EQ(test, viox_blk_features(&b), must | BIT_ULL(VIRTIO_BLK_F_FLUSH));
}

static struct kunit_case blk_config_cases[] = {
	KUNIT_CASE(blk_config_from_store),
	KUNIT_CASE(blk_features_from_store),
	{}
};

static struct kunit_suite blk_config_suite = {
	.name = "viox_blk_config",
	.test_cases = blk_config_cases,
};

kunit_test_suites(&blk_parse_suite, &blk_config_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for viox_blk");
MODULE_VERSION(VIOX_VERSION);
VIOX_IMPORT_KUNIT_NS();
