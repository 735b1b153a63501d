/* SPDX-License-Identifier: GPL-2.0-or-later */
/* simconf.h - compile-time knobs of the simulated machine
 *
 * The simulated machine is an x86_64 kernel with 4 KiB pages, the page
 * allocator of Linux 6.18 (MAX_PAGE_ORDER 10, pageblock order 9 unless the
 * pageblock_order option says otherwise) and a
 * direct map at 0xffff888000000000.  Everything here is a constant of the
 * *simulated* kernel, never of the host; like luaconf.h this is the one place
 * to change them.
 */
#ifndef SIM_SIMCONF_H
#define SIM_SIMCONF_H

#define SIM_PAGE_SHIFT		12
#define SIM_PAGE_SIZE		(1u << SIM_PAGE_SHIFT)	/* bytes */
#define SIM_MAX_ORDER		10	/* MAX_PAGE_ORDER: orders 0..10 inclusive */
#define SIM_NR_ORDERS		(SIM_MAX_ORDER + 1)	/* NR_PAGE_ORDERS, buddyinfo columns */
#define SIM_PAGEBLOCK_ORDER	9	/* x86_64 pageblock_order, min(HUGETLB_PAGE_ORDER,
					 * MAX_PAGE_ORDER): the default of the
					 * pageblock_order option (zone.h) */
#define SIM_PAGEBLOCK_PAGES	(1u << SIM_PAGEBLOCK_ORDER)
#define SIM_PMD_ORDER		9	/* HPAGE_PMD_ORDER: THP's pcp lists */
#define SIM_COSTLY_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER */

#define SIM_MAX_CPUS		64	/* simulated CPUs per simulator */
#define SIM_MAX_NODES		8	/* NUMA nodes per simulator */
#define SIM_MIN_RAM		SIM_PAGE_SIZE	/* sim_new() refuses less than a pageblock */
#define SIM_MAX_RAM		(UINT64_C(4) << 40)	/* 4 TiB: ~10 host bytes per page, 10 GiB of host memory */
#define SIM_CTX_DEPTH		16	/* nesting of atomic/softirq/irq sections */

/* Kernel direct map: simulated address = base + pfn * PAGE_SIZE + offset. */
#define SIM_DIRECT_MAP_BASE	UINT64_C(0xffff888000000000)

#define SIM_CACHE_LINE		64	/* cache_line_size() on x86_64 */

#endif /* SIM_SIMCONF_H */
