/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints for perf, trace-cmd and bpftrace: lvmm:lvmm_entry and
 * lvmm:lvmm_exit around every guest entry; lvmm:lvmm_share_merge and
 * lvmm:lvmm_share_cow when page sharing merges a page or breaks a share;
 * lvmm:lvmm_event_check when event delivery breaks a rule.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lvmm

#if !defined(LVMM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define LVMM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(lvmm_entry,
	    TP_PROTO(u32 vm, u32 vcpu, u64 rip),
	    TP_ARGS(vm, vcpu, rip),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(u64, rip)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->vcpu = vcpu;
			   __entry->rip = rip;),
	    TP_printk("vm %u vcpu %u rip 0x%llx", __entry->vm, __entry->vcpu,
		      __entry->rip)
);

TRACE_EVENT(lvmm_exit,
	    TP_PROTO(u32 vm, u32 vcpu, u32 code, u64 rip, u64 info1, u64 info2),
	    TP_ARGS(vm, vcpu, code, rip, info1, info2),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(u32, code)
			     __field(u64, rip)
			     __field(u64, info1)
			     __field(u64, info2)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->vcpu = vcpu;
			   __entry->code = code;
			   __entry->rip = rip;
			   __entry->info1 = info1;
			   __entry->info2 = info2;),
	    TP_printk("vm %u vcpu %u code 0x%x rip 0x%llx info 0x%llx 0x%llx",
		      __entry->vm, __entry->vcpu, __entry->code, __entry->rip,
		      __entry->info1, __entry->info2)
);

/*
 * A broken rule of event delivery (kmod/svm/event_check.c), with the
 * backend's raw event state: @event_inj is what the entry injects (0 at an
 * exit), @exit_int_info the event in delivery at the last exit, @code the
 * exit code (0 at an entry).
 */
TRACE_EVENT(lvmm_event_check,
	    TP_PROTO(u32 vm, u32 vcpu, const char *rule, u64 rip, u64 rflags,
		     u8 cpl, u32 int_state, u32 event_inj, u32 exit_int_info,
		     u32 code, u64 gs_base, u64 kernel_gs_base),
	    TP_ARGS(vm, vcpu, rule, rip, rflags, cpl, int_state, event_inj,
		    exit_int_info, code, gs_base, kernel_gs_base),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __string(rule, rule)
			     __field(u64, rip)
			     __field(u64, rflags)
			     __field(u8, cpl)
			     __field(u32, int_state)
			     __field(u32, event_inj)
			     __field(u32, exit_int_info)
			     __field(u32, code)
			     __field(u64, gs_base)
			     __field(u64, kernel_gs_base)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->vcpu = vcpu;
			   __assign_str(rule);
			   __entry->rip = rip;
			   __entry->rflags = rflags;
			   __entry->cpl = cpl;
			   __entry->int_state = int_state;
			   __entry->event_inj = event_inj;
			   __entry->exit_int_info = exit_int_info;
			   __entry->code = code;
			   __entry->gs_base = gs_base;
			   __entry->kernel_gs_base = kernel_gs_base;),
	    TP_printk("vm %u vcpu %u %s rip 0x%llx rflags 0x%llx cpl %u int_state 0x%x event_inj 0x%x exit_int_info 0x%x code 0x%x gs 0x%llx kernel_gs 0x%llx",
		      __entry->vm, __entry->vcpu, __get_str(rule), __entry->rip,
		      __entry->rflags, __entry->cpl, __entry->int_state,
		      __entry->event_inj, __entry->exit_int_info, __entry->code,
		      __entry->gs_base, __entry->kernel_gs_base)
);

TRACE_EVENT(lvmm_share_merge,
	    TP_PROTO(u32 vm, u64 gfn, u64 hash, bool zero),
	    TP_ARGS(vm, gfn, hash, zero),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, gfn)
			     __field(u64, hash)
			     __field(bool, zero)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->gfn = gfn;
			   __entry->hash = hash;
			   __entry->zero = zero;),
	    TP_printk("vm %u gfn 0x%llx hash 0x%016llx%s", __entry->vm,
		      __entry->gfn, __entry->hash, __entry->zero ? " zero" : "")
);

/* @vm is U32_MAX when no VM maps the page (only the VMM's mapping). */
TRACE_EVENT(lvmm_share_cow,
	    TP_PROTO(u32 vm, u64 index, bool zero),
	    TP_ARGS(vm, index, zero),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, index)
			     __field(bool, zero)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->index = index;
			   __entry->zero = zero;),
	    TP_printk("vm %d gmem page 0x%llx%s", (int)__entry->vm,
		      __entry->index, __entry->zero ? " zero" : "")
);

#endif /* LVMM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
