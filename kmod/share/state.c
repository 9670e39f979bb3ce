// SPDX-License-Identifier: GPL-2.0
/*
 * Page sharing's shared state: its lock, the knobs sysfs sets and the
 * counters every part of it bumps. Data only, at the bottom of share/, so
 * that the index, merge, copy on write, the scanner and sysfs can all use
 * it without calling each other in a circle.
 */
#include <linux/mutex.h>
#include <kunit/visibility.h>

#include "share.h"

/* Members, hints, the scan cursor and knob changes; order in core.h. */
struct mutex lvmm_share_lock = __MUTEX_INITIALIZER(lvmm_share_lock);
EXPORT_SYMBOL_IF_KUNIT(lvmm_share_lock);

struct lvmm_share_knobs lvmm_share_knobs = {
	.run = 1,
	.pages_to_scan = 1000,
	.sleep_millisecs = 20,
};
EXPORT_SYMBOL_IF_KUNIT(lvmm_share_knobs);

struct lvmm_share_stats lvmm_share_stats;
EXPORT_SYMBOL_IF_KUNIT(lvmm_share_stats);
