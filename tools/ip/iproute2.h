/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a link plugin uses of ip, declared as iproute2 6.1 to 6.17 define
 * it (ip_common.h, json_print.h, color.h, libnetlink.h, utils.h): ip
 * exports these for the plugins it loads.
 */
#ifndef _VIOX_IPROUTE2_H
#define _VIOX_IPROUTE2_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f,
			     struct rtattr *xstats);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

enum output_type { PRINT_FP = 1, PRINT_JSON = 2, PRINT_ANY = 4 };
enum color_attr { COLOR_IFNAME, COLOR_MAC, COLOR_INET, COLOR_INET6,
		  COLOR_OPERSTATE_UP, COLOR_OPERSTATE_DOWN, COLOR_NONE };

extern int show_stats;

int print_color_string(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, const char *value);
int print_color_int(enum output_type t, enum color_attr color,
		    const char *key, const char *fmt, int value);
int print_color_uint(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, unsigned int value);
int print_color_u64(enum output_type t, enum color_attr color,
		    const char *key, const char *fmt, unsigned long long value);
int print_color_on_off(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, bool value);
void open_json_object(const char *name);
void close_json_object(void);
void print_nl(void);
int addattr_l(struct nlmsghdr *n, int maxlen, int type, const void *data,
	      int alen);
int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data);
int addattr16(struct nlmsghdr *n, int maxlen, int type, __u16 data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);
int addattr64(struct nlmsghdr *n, int maxlen, int type, __u64 data);
int parse_rtattr_flags(struct rtattr *tb[], int max, struct rtattr *rta,
		       int len, unsigned short flags);
int ll_addr_a2n(char *lladdr, int len, const char *arg);
const char *ll_addr_n2a(const unsigned char *addr, int alen, int type,
			char *buf, int blen);
int get_u16(__u16 *val, const char *arg, int base);
int get_s32(__s32 *val, const char *arg, int base);
int get_u32(__u32 *val, const char *arg, int base);

#endif /* _VIOX_IPROUTE2_H */
