/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compaction.h - memory compaction: building high-order blocks by migration
 *
 * Glossary (the kernel's own words):
 *   migrate scanner  walks the zone's pageblocks upwards from its start,
 *                    isolating movable in-use pages (page cache, anon)
 *   free scanner     walks pageblocks downwards from the zone's end,
 *                    isolating free pages to migrate into
 *   scanners met     the free scanner reached the migrate scanner: the zone
 *                    has been compacted (COMPACT_COMPLETE)
 *   priority         how hard direct compaction tries: ASYNC (only source
 *                    blocks of the request's migratetype), SYNC_LIGHT,
 *                    SYNC_FULL (whole zone, every block)
 *   deferral         after a failed sync run at an order, the next 2^shift
 *                    attempts at that order or above are skipped
 *   compact_gap      2 << order free pages compaction needs as headroom
 *
 * Invariants: 0 <= defer_shift <= COMPACT_MAX_DEFER_SHIFT; considered <
 * 2^defer_shift while deferring; the isolated free pages of a run are
 * allocated blocks (PAGE_USE_OTHER) and are all given back when it ends.
 */
#ifndef SIM_COMPACTION_H
#define SIM_COMPACTION_H

#include "sim.h"
#include "page_alloc.h"

/* ---- Types ---- */

/* enum compact_priority: a lower value tries harder */
enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
};
#define MIN_COMPACT_PRIORITY		COMPACT_PRIO_SYNC_FULL
#define MIN_COMPACT_COSTLY_PRIORITY	COMPACT_PRIO_SYNC_LIGHT
#define DEF_COMPACT_PRIORITY		COMPACT_PRIO_SYNC_LIGHT
#define INIT_COMPACT_PRIORITY		COMPACT_PRIO_ASYNC

/* enum compact_result, in the order max() merges them */
#define COMPACT_RESULT_LIST(X) \
	X(COMPACT_NOT_SUITABLE_ZONE, "not_suitable_zone") \
	X(COMPACT_SKIPPED,           "skipped") \
	X(COMPACT_DEFERRED,          "deferred") \
	X(COMPACT_NO_SUITABLE_PAGE,  "no_suitable_page") \
	X(COMPACT_CONTINUE,          "continue") \
	X(COMPACT_COMPLETE,          "complete") \
	X(COMPACT_PARTIAL_SKIPPED,   "partial_skipped") \
	X(COMPACT_CONTENDED,         "contended") \
	X(COMPACT_SUCCESS,           "success")

enum compact_result {
#define COMPACT_X_ENUM(e, n) e,
	COMPACT_RESULT_LIST(COMPACT_X_ENUM)
#undef COMPACT_X_ENUM
};

/* the compaction fields of struct zone */
struct compact_zone_state {
	unsigned considered;		/* attempts skipped since the last failure */
	unsigned defer_shift;		/* skip 2^shift attempts */
	int order_failed;		/* lowest order that failed */
	pfn_t cached_migrate_pfn;	/* where the next run's migrate scanner starts */
	pfn_t cached_free_pfn;		/* ... and the free scanner */
};

/* ---- Prototypes ("compaction.c") ---- */

/**
 * compaction_try_to_compact_pages - try_to_compact_pages(): direct
 * compaction of every zone of the allocation's zonelist until one can
 * satisfy it.  Skipped without __GFP_IO; deferred zones are skipped above
 * SYNC_FULL.  The work is slept (reclaim_sleep).
 * Return: the best result over the zones (COMPACT_SKIPPED: nothing ran).
 */
enum compact_result compaction_try_to_compact_pages(struct sim *sim, gfp_t gfp,
		unsigned order, unsigned alloc_flags,
		const struct alloc_context *ac, enum compact_priority prio);

/**
 * compaction_defer_reset - compaction_defer_reset(): the allocation at
 * @order succeeded in @z (@alloc_success) or is expected to
 */
void compaction_defer_reset(struct sim *sim, const struct zone *z,
			    unsigned order, bool alloc_success);

/**
 * compaction_zonelist_suitable - would compaction have room in some zone if
 * reclaim freed the zone's reclaimable pages / order (should_compact_retry)
 */
bool compaction_zonelist_suitable(struct sim *sim,
				  const struct alloc_context *ac,
				  unsigned order, unsigned alloc_flags);

/**
 * compaction_suitable - compaction_suitable(): enough free memory for the
 * migration targets (watermark + compact_gap, + (low - min) for costly
 * orders) and, for costly orders, a fragmentation index above 500
 */
bool compaction_suitable(const struct zone *z, unsigned order,
			 unsigned long watermark, int highest_zoneidx);

/** compaction_wakeup_kcompactd - wakeup_kcompactd(): note background work at @order */
void compaction_wakeup_kcompactd(struct sim *sim, unsigned nid, unsigned order,
				 int highest_zoneidx);

/** compaction_kcompactd_work - kcompactd_do_work() if woken (from the reclaim tick) */
void compaction_kcompactd_work(struct sim *sim, unsigned nid);

/** compaction_result_name - "skipped", "success", ... */
const char *compaction_result_name(enum compact_result r);

/* ---- Constants ---- */

#define COMPACT_MAX_DEFER_SHIFT	6	/* skip at most 64 attempts */
#define MAX_COMPACT_RETRIES	16	/* page_alloc.c */
#define EXTFRAG_THRESHOLD	500	/* vm.extfrag_threshold */

/* compact_gap(): free pages a run needs beyond the watermark */
static inline unsigned long compact_gap(unsigned order)
{
	return 2ul << order;
}

#endif /* SIM_COMPACTION_H */
