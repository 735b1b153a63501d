/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats_fields.h - every event counter, once (mimalloc's MI_STAT_FIELDS)
 *
 * X(field, "name") generates the counter struct, its reset, the Lua
 * sim:vmstat() table and the report rows, so no counter can be missing from
 * any of them.  Names are /proc/vmstat's where the kernel has one; kmemsim's
 * own counters (no kernel equivalent) are marked "kmemsim" and documented in
 * docs/model.md.  Order is /proc/vmstat's order within each group.
 */
#define SIM_STAT_FIELDS(X) \
	/* page allocator (mm/page_alloc.c) */ \
	X(pgalloc_dma,			"pgalloc_dma") \
	X(pgalloc_dma32,		"pgalloc_dma32") \
	X(pgalloc_normal,		"pgalloc_normal") \
	X(pgalloc_movable,		"pgalloc_movable") \
	X(pgalloc_device,		"pgalloc_device") \
	X(allocstall_dma,		"allocstall_dma") \
	X(allocstall_dma32,		"allocstall_dma32") \
	X(allocstall_normal,		"allocstall_normal") \
	X(allocstall_movable,		"allocstall_movable") \
	X(allocstall_device,		"allocstall_device") \
	X(pgfree,			"pgfree") \
	/* reclaim (mm/vmscan.c) */ \
	X(pgsteal_kswapd,		"pgsteal_kswapd") \
	X(pgsteal_direct,		"pgsteal_direct") \
	X(pgscan_kswapd,		"pgscan_kswapd") \
	X(pgscan_direct,		"pgscan_direct") \
	X(pgscan_direct_throttle,	"pgscan_direct_throttle") \
	X(pgscan_anon,			"pgscan_anon") \
	X(pgscan_file,			"pgscan_file") \
	X(pgsteal_anon,			"pgsteal_anon") \
	X(pgsteal_file,			"pgsteal_file") \
	X(slabs_scanned,		"slabs_scanned") \
	X(kswapd_inodesteal,		"kswapd_inodesteal") \
	X(kswapd_low_wmark_hit_quickly,	"kswapd_low_wmark_hit_quickly") \
	X(kswapd_high_wmark_hit_quickly,"kswapd_high_wmark_hit_quickly") \
	X(pageoutrun,			"pageoutrun") \
	X(pswpout,			"pswpout") \
	X(nr_dirtied,			"nr_dirtied") \
	X(nr_written,			"nr_written") \
	/* compaction (mm/compaction.c) */ \
	X(pgmigrate_success,		"pgmigrate_success") \
	X(pgmigrate_fail,		"pgmigrate_fail") \
	X(compact_migrate_scanned,	"compact_migrate_scanned") \
	X(compact_free_scanned,		"compact_free_scanned") \
	X(compact_isolated,		"compact_isolated") \
	X(compact_stall,		"compact_stall") \
	X(compact_fail,			"compact_fail") \
	X(compact_success,		"compact_success") \
	X(compact_daemon_wake,		"compact_daemon_wake") \
	X(compact_daemon_migrate_scanned, "compact_daemon_migrate_scanned") \
	X(compact_daemon_free_scanned,	"compact_daemon_free_scanned") \
	/* OOM */ \
	X(oom_kill,			"oom_kill") \
	/* kmemsim: no /proc/vmstat equivalent */ \
	X(kswapd_wakeups,		"kswapd_wakeups") \
	X(alloc_slowpath,		"alloc_slowpath") \
	X(alloc_fail,			"alloc_fail") \
	X(alloc_stall_ns,		"alloc_stall_ns") \
	X(alloc_give_up,		"alloc_give_up") \
	X(reserve_min_used,		"reserve_min_used") \
	X(reserve_highatomic_used,	"reserve_highatomic_used") \
	X(reserve_nowmark_used,		"reserve_nowmark_used") \
	X(extfrag_fallback,		"extfrag_fallback") \
	X(pcp_refill,			"pcp_refill") \
	X(pcp_drain,			"pcp_drain") \
	X(sleep_in_atomic,		"sleep_in_atomic") \
	X(printk_suppressed,		"printk_suppressed") \
	X(slab_alloc,			"slab_alloc") \
	X(slab_free,			"slab_free") \
	X(slab_new,			"slab_new") \
	X(slab_discard,			"slab_discard") \
	X(kmalloc_large,		"kmalloc_large") \
	X(slab_alloc_fail,		"slab_alloc_fail") \
	X(kmalloc,			"kmalloc") \
	X(kfree,			"kfree") \
	X(mempool_alloc,		"mempool_alloc") \
	X(mempool_reserve_used,		"mempool_reserve_used") \
	X(mempool_wait,			"mempool_wait") \
	X(mempool_fail,			"mempool_fail") \
	X(mempool_free,			"mempool_free")
