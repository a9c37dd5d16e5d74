// SPDX-License-Identifier: GPL-2.0
/*
 * The frames this program sends: a numbered UDP datagram whose payload
 * says which frame it is, and the checks that a received one is exact.
 */
#include "vnet-guest.h"

static uint16_t csum16(const uint8_t *p, unsigned int len)
{
	uint32_t s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += p[0] << 8 | p[1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/*
 * Frame @seq: IPv4/UDP between loopback addresses (a martian anywhere but
 * here), the UDP source port varying so a multiqueue tap spreads frames
 * over its queues, then the sequence number and a pattern.
 */
void fill_frame(uint8_t *f, unsigned int size, unsigned int seq)
{
	static const uint8_t hdr[42] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0,
		127, 0, 0, 1, 127, 0, 0, 2,
		0, 0, UDP_PORT >> 8, UDP_PORT & 0xff, 0, 0, 0, 0,
	};
	unsigned int i, sport = 1024 + seq % 4096;
	uint16_t c;

	memcpy(f, hdr, sizeof(hdr));
	f[16] = (size - 14) >> 8;
	f[17] = (size - 14) & 0xff;
	c = csum16(f + 14, 20);
	f[24] = c >> 8;
	f[25] = c & 0xff;
	f[34] = sport >> 8;
	f[35] = sport & 0xff;
	f[38] = (size - 34) >> 8;
	f[39] = (size - 34) & 0xff;
	memcpy(f + 42, &seq, 4);
	for (i = 46; i < size; i++)
		f[i] = (uint8_t)(seq * 7 + i);
}

/*
 * Behind a vport, a macvtap or a bridge (--peer) the guest owns the MAC
 * frames are sent to: it sends from it, to the wire's. Swapped back, a
 * frame it sent is checked as any other.
 */
void swap_macs(uint8_t *f)
{
	uint8_t mac[6];

	memcpy(mac, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
}

bool ours(const uint8_t *f, ssize_t n)
{
	return n >= 46 && f[12] == 0x08 && f[13] == 0 && f[23] == 17 &&
	       f[36] == UDP_PORT >> 8 && f[37] == (UDP_PORT & 0xff);
}

unsigned int frame_seq(const uint8_t *f)
{
	unsigned int seq;

	memcpy(&seq, f + 42, 4);
	return seq;
}

unsigned int frame_size(unsigned int seq)
{
	/* Sizes vary over the run, from the minimum up to opt.size. */
	return opt.size <= MIN_FRAME ? opt.size :
	       MIN_FRAME + (seq * 131) % (opt.size - MIN_FRAME + 1);
}

/* Whether frame @f of @n bytes is exactly what @seq should be. */
bool frame_ok(const uint8_t *f, unsigned int n, unsigned int seq)
{
	static uint8_t want[65536];

	if (seq >= opt.count || n != frame_size(seq))
		return false;
	fill_frame(want, n, seq);
	return !memcmp(want, f, n);
}
