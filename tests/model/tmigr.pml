/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmigr.pml: Promela model of the timer-migration group-state protocol,
 * checked by spin (tests/model/run.sh; what it abstracts and why is in
 * docs/tmigr-model.md).
 *
 * Theory.  The model follows the design of kernel/tmigr.c in
 * docs/tmigr.md, sections 2 and 3, with
 * fan-out 2, four CPUs and two levels:
 *
 *                   GR (root, level 1)
 *                  /  \
 *       (bit 0) G0      G1 (bit 1)            level 0
 *              /  \    /  \
 *           CPU0 CPU1 CPU2 CPU3               bit 0 / bit 1 in their group
 *
 * Group: state word (active mask, migrator, sequence count) changed only
 * by compare-and-exchange; an event queue with one slot per child and
 * next_expiry, under the group lock; parent pointer; groupmask.  CPU:
 * per-CPU lock, idle, available, remote, wakeup, programmed deadline,
 * its event.  One global timer (TWO_TIMERS: two, T1 < T2, on the same
 * CPU, armed in either order, T2 possibly after T1 ran): a CPU arms it
 * (while active, or from an interrupt while idle), its expiry passes
 * ("due"), and then someone must run it: its owner while active, a
 * migrator by remote expiry, or the idle CPU that holds it as its wakeup.
 *
 * Granularity.  One atomic step per lockless access to a state word (so
 * the windows of R-01, R-08 and the hot-add races stay open) and one per
 * group-lock or per-CPU-lock critical section (update_events, the pop of
 * remote expiry, the wakeup store at the end of tm_handle_remote, the
 * idle re-evaluation).  Steps that only add a lock acquisition,
 * lock-protected work or local work to such a step are merged into it.
 * A CAS whose new value does not depend on another word (active_up, and
 * inactive_up at level 0) is one read-modify-write.  In the fixed tree
 * the climb to the parent and the next state read are folded into the
 * step that ends a level, and active_up's lockless ignore store into its
 * CAS; CLIMB_STEP and IGN_STEP make them steps of their own (one-off
 * runs, docs/tmigr-model.md section 5).
 *
 * Abstractions (details in docs/tmigr-model.md): time is the number of
 * instants passed; every expiry is T1, T2 or INF; the sequence count is exact (a bitmap
 * of CPUs whose read is still current); memory is sequentially
 * consistent except for the one store R-21 is about (HOTADD2: the link
 * of the old root may wait in the control CPU's store buffer); at most
 * MAXCONC (default 2) operations are in flight at once; idle CPUs take
 * interrupts other than their deadline only to arm the timer or, for its
 * owner, before it is due; a CPU starts nothing new once the timer has
 * run.
 *
 * Variants (cpp -D): HOTADD (the one-level tree G0 grows the root GR,
 * 2.14 (i)); CPU3 (hot-add CPU3 too); HOTADD2 (the two-level tree grows
 * a third level for CPU4; with NOTIMER; AFTER=n operations after CPU4's
 * online, CONTROL(c) which CPUs may prepare); LIVENESS (the never claim;
 * implies CALM); CALM (from the moment the timer is due CPUs only tick
 * and take their deadlines, in turn); NOTIMER (state words only);
 * NOMONITOR; MAXCONC=n; TWO_TIMERS; OPS=n (at most n spontaneous idle
 * entries and exits); NOHIDDEN (for pan -DBFS shortest traces);
 * CLIMB_STEP, IGN_STEP (finer steps, above).  The design text as written
 * where the model found it wrong: DOC_2_9 (see step_end), DOC_R14 (see
 * update_events).  Races of section 4 put back: BUG_R01, BUG_R06,
 * BUG_R08, BUG_R10, BUG_R15, BUG_R21 (HOTADD2), BUG_R22, BUG_R28 (= DOC_2_9),
 * BUG_R26 (no retiring; not observable, see the docs), BUG_R26X
 * (retiring after a pop too), BUG_WSTORE (unconditional wakeup store).
 * FORCED: forced wake-ups and the idle root's holder record as
 * kernel/tmigr.c has them (R-29 to R-34; implies TWO_TIMERS, CPU3
 * offline), with the fix F5 (a due forced event covers nothing);
 * FARM=c: only CPU c arms the global timers; NOPINS: no pinned timers
 * (R-33 alone); NOQ9: no_lost_timer without Q9 (one-off runs).  Seeded:
 * BUG_FDEL (deleting a pinned timer reprograms the one-shot), BUG_R29
 * (the one-shot ignores c->forced), BUG_R31 (R-26 judged against the
 * forced wake-up too), BUG_R32 (the served promise is cleared), BUG_R33
 * (no holder record: the code before R-33, not a loss), BUG_R33D (the
 * recorded holder retires), BUG_R33S (no seq check), BUG_R33V (no
 * validity check), BUG_R34 (the C code's mutant R-34: nothing recorded
 * behind an earlier global timer, nothing exported by the re-queue),
 * BUG_R34D (the re-queue exports a forced wake-up already due), CODE_F5
 * (kernel/tmigr.c at d15cc42, without F5).
 *
 * Properties: the monitor process asserts the "always" invariant at every
 * step and the quiescent ones (single migrator, structure, no lost
 * timer, an awake CPU keeps no idle state: Q4) whenever no operation is
 * in flight; progress labels mark the
 * end of every operation for the non-progress search (pan -l); LIVENESS:
 * once calm, the timer runs (no accepting cycle, pan -a).
 */

#if defined(FORCED) && !defined(TWO_TIMERS)
#define TWO_TIMERS		/* FORCED: two global timers (R-31 to R-33) */
#endif

#if defined(HOTADD2) || defined(HOTADD)
#ifndef CLIMB_STEP
#define CLIMB_STEP		/* parent links change while CPUs walk */
#endif
#endif

#ifdef HOTADD2
/*
 * The fixed tree plus a third level grown for CPU4:
 *
 *                         TOP (new root, level 2)
 *                 (bit 0) /   \ (bit 1)
 *                       GR     H1                 level 1
 *                      /  \     |
 *                    G0    G1   G2                level 0
 *                   / \   / \   |
 *                CPU0 CPU1 CPU2 CPU3 CPU4
 *
 * G3 and CPU5 never exist: they only keep the index arithmetic regular
 * (their queue slots and events stay empty).
 */
#define G0	0
#define G1	1
#define G2	2
#define GR	4
#define H1	5
#define TOP	6
#define NOG	7		/* no group / no parent */
#define NGA	8		/* size of the group arrays (with NOG) */
#define NCPU	5		/* CPUs with a process */
#define NCA	6		/* size of the CPU arrays (CPU5: never present) */
#define NEWCPU	4		/* the hot-added CPU */
/* Events 0..5: CPU events; 6 + g: event of group g (queued in par[g]). */
#define EVG(g)		(6 + (g))
#define NEV		13
#define CHILDEV(X, s)	((X) < 4 -> 2 * (X) + (s) : \
			 ((X) < TOP -> EVG(2 * ((X) - GR) + (s)) : EVG(GR + (s))))
#else
#define G0	0
#define G1	1
#define GR	2
#define NOG	3		/* no group / no parent */
#define NGA	4
#define NCPU	4
#define NCA	4
#define NEWCPU	2		/* HOTADD: the hot-added CPU (CPU3 just joins) */
/* Events 0..3: CPU events; 4 + g: event of group g (queued in par[g]). */
#define EVG(g)		(4 + (g))
#define NEV		7
#define CHILDEV(X, s)	((X) == GR -> EVG(s) : 2 * (X) + (s))
#endif
#define NOCPU	NCA
#define NONE	255		/* migrator of an inactive group */
#define QEMPTY(X)	(!eq[CHILDEV(X, 0)] && !eq[CHILDEV(X, 1)])
#define DUTY(X, m)	(mig[X] == (m) || mig[X] == NONE)	/* is_my_duty */
#define LOWBIT(a)	((a) & 1 -> 1 : ((a) & 2 -> 2 : 0))

/*
 * Time.  0 is INF; 1 .. NT are the timers' expiries T1 < T2 (NT = 1: one
 * timer, T).  `now` counts the instants passed: x is due iff 1 <= x <= now.
 * Every expiry, next_expiry, wakeup and deadline is one of these values.
 */
#ifdef TWO_TIMERS
#define NT		2
#define TMASK		3		/* timer k (expiry k) is bit k */
#else
#define NT		1
#define TMASK		1
#endif
#define LE_(a, b)	((b) == 0 || ((a) != 0 && (a) <= (b)))	/* a not later */
#define MIN_(a, b)	(LE_(a, b) -> (a) : (b))
#define DUEAT(x, n)	((x) != 0 && (x) <= (n))
#define DUEMASK(n)	((n) >= 2 -> 3 : ((n) >= 1 -> 1 : 0))
/* the first pending timer's expiry; all timers are on CPU tcpu */
#define FIRSTP		((tpend & 1) -> 1 : ((tpend & 2) -> 2 : 0))
#define NEXTG(c)	(tcpu == (c) -> FIRSTP : 0)	/* c's first global expiry */
/* run_base(c.GLOBAL) with the current jiffies: the due timers run */
#define RUN_BASE(c)	tpend = (tcpu == (c) -> (tpend & ~DUEMASK(now)) : tpend)
/* arming timer k (k = 1 .. NT) on CPU c: before it is due; every timer on
 * the same CPU (TWO_TIMERS: one CPU with two timers, or re-arming) */
#define ARM_OK(c, k)	((k) <= NT && CAN_ARM(c) && (tcpu == NOCPU || tcpu == (c)) && \
			 !(tarm & (k)) && now < (k))
#define ARM(c, k)	tcpu = (c); tarm = tarm | (k); tpend = tpend | (k)

/*
 * FORCED: forced wake-ups as kernel/tmigr.c has them (R-29 to R-34).  It
 * implies TWO_TIMERS: the global timers T1 < T2 are armed by CPU0 or CPU2
 * (tcpu), and CPU FCPU = CPU0 has pinned timers at T1 and T2, pending
 * from the start (pin, bit k: the one at Tk), which other CPUs may delete
 * at any time (never reprogramming CPU0's one-shot: the guarantee R-29
 * relies on; BUG_FDEL reprograms it).  An idle CPU exports its first
 * global timer or, when its first pinned timer is not later, that forced
 * wake-up, marked forced (eforced); c->forced (cfor) records the first
 * pinned wake-up even when the global timer comes first (R-34).  A group
 * whose first event is forced owes no wake-up (duty_expiry).  The idle
 * root's holder record (rh, rhat, rhv: valid while the root's state word
 * is unchanged, the seq check) and each CPU's promise chold (c->holding)
 * are R-33's.  An idle CPU's one-shot is min(its first pinned timer,
 * wakeup, holding, forced) (with_forced); the softirq of an idle CPU
 * always walks (more than tmigr_requires_remote asks for).  Events carry
 * their owner (ecpu for group events), since two CPUs export events.
 */
#ifdef FORCED
#define FCPU		0
#define FIRSTPIN	((pin & 1) -> 1 : ((pin & 2) -> 2 : 0))
#define PINX(c)		((c) == FCPU -> FIRSTPIN : 0)
#define RUN_PIN(c)	pin = ((c) == FCPU -> (pin & ~DUEMASK(now)) : pin); \
			fdirty = ((c) == FCPU -> 0 : fdirty)	/* it decides again */
#define LT_(a, b)	(LE_(a, b) && (a) != (b))	/* a strictly earlier */
/* the one-shot: never later than a promise others rely on (R-29, R-33) */
#ifdef BUG_R29
#define WITHF(c, w)	MIN_(w, chold[c])
#else
#define WITHF(c, w)	MIN_(MIN_(w, chold[c]), cfor[c])
#endif
#define PROG(c, w)	MIN_(PINX(c), WITHF(c, w))
/* the owner of event e: a CPU event is its CPU's, a group event copies
 * its first event's */
#define EVCPU(e)	((e) < NCPU -> (e) : ecpu[e])
#else
#define PINX(c)		0
#define RUN_PIN(c)	skip
#define PROG(c, w)	MIN_(PINX(c), w)
#define EVCPU(e)	tcpu		/* one owner: every event leads to it */
#endif

#ifndef MAXCONC
#define MAXCONC		2
#endif

/* Groups (index NOG is a dummy so that guarded reads stay in bounds). */
byte act[NGA];			/* state word: active children; CAS only */
byte mig[NGA];			/* state word: migrator bit or NONE; CAS only */
byte fresh[NGA];		/* bit c: CPU c's read is current (exact seq) */
byte par[NGA];			/* parent group; published once (release) */
byte gm[NGA];			/* bit in the parent; final before reachable */
byte nexp[NGA];			/* next_expiry (a time, above); under lock */
byte root;			/* setup only */

/* Events: queued in the parent's queue, ignore flag, expiry (under the
 * queue's group lock; ignore may be set true without it). */
bit eq[NEV];
bit eign[NEV];
byte eexp[NEV];

/* CPUs */
bit idle[NCA];			/* idle in the hierarchy; under clk */
bit avail[NCA];			/* available; under clk */
bit crem[NCA];			/* remote: a migrator is expiring it; under clk */
byte wakeup[NCA];		/* for the hierarchy; under clk */
byte dl[NCA];			/* programmed deadline (clock event device) */
byte clk[NCA];			/* per-CPU lock: 0, or holder + 1 */
byte cgrp[NCA];			/* level-0 group, NOG until prepared */
byte cmask[NCA];			/* bit in cgrp */

/* The global timers (one, or two with TWO_TIMERS), each armed at most
 * once, all on CPU tcpu. */
byte tpend;			/* bit k: timer k is pending in tcpu's GLOBAL base */
byte tarm;			/* bit k: timer k was armed */
byte tcpu = NOCPU;		/* the CPU that armed them */
byte now;			/* instants passed (above) */
#ifdef FORCED
#ifdef NOPINS
byte pin = 0;			/* R-33 alone: no pinned timers */
#else
byte pin = 3;			/* FCPU's pinned timers: bit k, the one at Tk */
#endif
bit fdirty;			/* a pin was deleted: FCPU may decide again */
byte cfor[NCA];			/* c->forced: published forced wake-up (R-29, R-34) */
byte chold[NCA];		/* c->holding: the holder's promise (R-33) */
bit eforced[NEV];		/* event.forced: under the queue's lock */
byte ecpu[NEV];			/* event.cpu of group events (CPU events: own) */
byte rh = NOCPU;		/* the idle root's holder record (R-33) */
byte rhat;			/* its holder_at */
bit rhv;			/* its seq still the root's (no CAS since) */
#endif
bit calm;			/* CALM: nothing spontaneous any more */
byte turn;			/* CALM: round-robin once calm */

byte busy;			/* operations in flight; 0 = quiescent */
bit started;			/* init done */

/* Hot-add */
#ifdef OPS
byte nops;			/* spontaneous idle entries/exits so far */
#endif
#ifdef HOTADD2
byte nafter;			/* idle entries/exits since CPU4's online */
#endif
bit setup_mx;			/* setup mutex */
byte nprep;			/* how many of CPU2, CPU3 are prepared */
bit prepared[NCA];

/* Scratch for use inside one atomic step only (not part of the state). */
#ifdef NOHIDDEN
#define SCRATCH
#else
#define SCRATCH	hidden
#endif
SCRATCH byte t_cs, t_ev, t_e0, t_e1;
SCRATCH byte t_nx, t_ign, t_skip, t_top, t_notop, t_fe, t_fexp, t_hasT, t_any;
SCRATCH byte t_ffor, t_fidx, t_nfor, t_pcpu, t_fx;	/* forced mark, index of the first event */
SCRATCH byte t_idlep, t_v0, t_v1;	/* update_events: queued a real event into an idle G (R-28) */
SCRATCH byte remote_bounded;	/* always 0: its name shows in pan's assertion line */

/*
 * Which CPUs may arm the timer.  In the fixed tree the CPUs are alike
 * (with fan-out 2 a leaving migrator always hands over to the one other
 * active child, so the tree's symmetries map any CPU to CPU0); CPU0
 * stands for any of them.  In the hot-add variant an old-hierarchy CPU
 * and a hot-added one play different roles.
 */
#ifdef NOTIMER
#define CAN_ARM(c)	false		/* state words only: no timer at all */
#elif defined(HOTADD2)
#define CAN_ARM(c)	((c) == 0 || (c) == 4)
#elif defined(HOTADD)
#define CAN_ARM(c)	((c) == 0 || (c) == 2)
#elif defined(FORCED)
/* CPU0 has the pinned timers: its own global timers (R-31, R-34) or
 * another CPU's (R-32); CPU2 stands for any CPU but CPU0 */
#ifndef FARM
#define CAN_ARM(c)	((c) == 0 || (c) == 2)
#else
#define CAN_ARM(c)	((c) == FARM)
#endif
#else
#define CAN_ARM(c)	((c) == 0)
#endif

#ifdef CPU3
#define HOTADD_CPU3	true
#else
#define HOTADD_CPU3	false	/* CPU3 stays offline in the hot-add variant */
#endif
#define CONC		(busy < MAXCONC)
#ifdef HOTADD2
/* spontaneous idle entries and exits allowed once CPU4 is online */
#ifndef AFTER
#define AFTER		2
#endif
#define MORE		(!avail[NEWCPU] || nafter < AFTER)
#define COUNT_AFTER	if :: avail[NEWCPU] -> nafter++ :: else -> skip fi
#ifndef CONTROL
#define CONTROL(c)	((c) == 0)	/* CPUs 0-3 are alike before growth */
#endif
#elif defined(OPS)
/* at most OPS spontaneous idle entries and exits in all (a bounded run:
 * the two-timer checks with two operations in flight) */
#define MORE		(nops < OPS)
#define COUNT_AFTER	nops++
#else
#define MORE		true
#define COUNT_AFTER	skip
#endif
#define LIVE		(tarm != TMASK || tpend != 0)	/* not all run yet */
/* idle interrupts besides the deadline: the one that arms the timer, and
 * the owner's own (a local timer) before its global timer is due */
#ifdef FORCED
/* and FCPU's after a pinned timer of its was deleted (it decides again) */
#define OTHER_IRQ(c)	(ARM_OK(c, 1) || ARM_OK(c, 2) || \
			 (tcpu == (c) && !DUEAT(FIRSTP, now)) || ((c) == FCPU && fdirty))
#else
#define OTHER_IRQ(c)	(ARM_OK(c, 1) || ARM_OK(c, 2) || \
			 (tcpu == (c) && !DUEAT(FIRSTP, now)))
#endif
#if defined(LIVENESS) && !defined(CALM)
#define CALM
#endif
#ifdef CALM
/* the turn goes round the available CPUs and those being brought online
 * (so an online walk in flight cannot be starved: the model has no
 * fairness, and while a CPU holds the turn only operations in flight and
 * its own may move) */
#define MYTURN		(!calm || turn == me)
#define NEXT_TURN	if \
			:: calm -> \
				turn = (turn + 1) % NCPU; \
				do \
				:: avail[turn] || prepared[turn] -> break \
				:: else -> turn = (turn + 1) % NCPU \
				od \
			:: else -> skip \
			fi
#else
#define MYTURN		true
#define NEXT_TURN	skip
#endif
/* someone can still do something once calm (else all rest: an end state) */
#define CAN_MOVE1(c)	(avail[c] && (!idle[c] || DUEAT(dl[c], now)))
#ifdef HOTADD2
#define CAN_MOVE	(CAN_MOVE1(0) || CAN_MOVE1(1) || CAN_MOVE1(2) || \
			 CAN_MOVE1(3) || CAN_MOVE1(4))
#else
#define CAN_MOVE	(CAN_MOVE1(0) || CAN_MOVE1(1) || CAN_MOVE1(2) || CAN_MOVE1(3))
#endif

/* ------------------------------------------------------------------ */
/* Invariants (section 5), checked by the monitor process.             */

#define CPU_ON(c)	(avail[c] && !idle[c])
/* the active mask group g must have: level 0 from its CPUs, above from
 * the linked children whose own truth is non-zero */
#define TRUTH_L0(g)	((CPU_ON(2 * (g)) -> 1 : 0) | (CPU_ON(2 * (g) + 1) -> 2 : 0))
#define TRUTH_CH(ch, t, g) ((((t) != 0) && par[ch] == (g)) -> gm[ch] : 0)
#define TRUTH_GR	(TRUTH_CH(G0, TRUTH_L0(G0), GR) | \
			 TRUTH_CH(G1, TRUTH_L0(G1), GR))

/* A1: migrator == NONE <=> active == 0; else one bit, inside active. */
#define WF(g)		(((mig[g] == NONE) == (act[g] == 0)) && \
			 (mig[g] == NONE || ((mig[g] == 1 || mig[g] == 2) && \
			  (act[g] & mig[g]) != 0)))
/* A2: a child is active only in the group its parent link names. */
#define A2C(ch, g)	(!(act[g] & gm[ch]) || par[ch] == (g))
#define A2_2		(A2C(G0, GR) && A2C(G1, GR))

/* Q10 helpers: the top of g's path; every prepared CPU's path ends at
 * the root; old roots keep groupmask bit 0. */
#define PAR2(g)		par[par[g]]
#define TOPOF(g)	(par[g] == NOG -> (g) : \
			 (PAR2(g) == NOG -> par[g] : PAR2(g)))
#define PATH_OK(c)	(cgrp[c] == NOG || TOPOF(cgrp[c]) == root)
/* group g is on CPU x's path */
#define ONPATH(x, g)	(cgrp[x] == (g) || par[cgrp[x]] == (g) || \
			 PAR2(cgrp[x]) == (g))

#ifdef HOTADD2
#define TRUTH_H1	TRUTH_CH(G2, TRUTH_L0(G2), H1)
#define TRUTH_TOP	(TRUTH_CH(GR, TRUTH_GR, TOP) | TRUTH_CH(H1, TRUTH_H1, TOP))
#define ALWAYS_OK	(WF(G0) && WF(G1) && WF(GR) && WF(G2) && WF(H1) && \
			 WF(TOP) && A2_2 && A2C(G2, H1) && A2C(GR, TOP) && \
			 A2C(H1, TOP))
/*
 * Q1 + Q2 (with A1 this gives Q3): every active mask is exactly the set
 * of children with an available non-idle CPU below, so every group with
 * an active CPU below has exactly one migrator, whose chain of migrator
 * bits ends at an active CPU, and an idle group has none.
 */
#define SINGLE_MIGRATOR	(act[G0] == TRUTH_L0(G0) && act[G1] == TRUTH_L0(G1) && \
			 act[GR] == TRUTH_GR && act[G2] == TRUTH_L0(G2) && \
			 act[H1] == TRUTH_H1 && act[TOP] == TRUTH_TOP)
#define STRUCT_OK	(par[root] == NOG && PATH_OK(0) && PATH_OK(1) && \
			 PATH_OK(2) && PATH_OK(3) && PATH_OK(4) && \
			 gm[G0] == 1 && (par[GR] == NOG || gm[GR] == 1))
#define ARMED_MORE(g, X)	|| ARMED1(4, g, X)
#else
#define ALWAYS_OK	(WF(G0) && WF(G1) && WF(GR) && A2_2)
#define SINGLE_MIGRATOR	(act[G0] == TRUTH_L0(G0) && act[G1] == TRUTH_L0(G1) && \
			 act[GR] == TRUTH_GR)
#define STRUCT_OK	(par[root] == NOG && PATH_OK(0) && PATH_OK(1) && \
			 PATH_OK(2) && PATH_OK(3) && \
			 (par[G0] == NOG || gm[G0] == 1))
#define ARMED_MORE(g, X)
#endif

/* Idle CPU x holds wakeup T, has it programmed, and group g is on its
 * path (so its idle-migrator walk, all NONE up to g, reaches g; during
 * hot-add an idle CPU below the old root may hold the wakeup for it). */
#define NOTLATE(v, X)	((v) != 0 && LE_(v, X))
#ifdef FORCED
/* an idle CPU whose one-shot fires by X walks as idle migrator then */
#define ARMED1(x, g, X)	(avail[x] && idle[x] && \
			 NOTLATE(dl[x], X) && cgrp[x] != NOG && ONPATH(x, g))
#else
#define ARMED1(x, g, X)	(avail[x] && idle[x] && NOTLATE(wakeup[x], X) && \
			 NOTLATE(dl[x], X) && cgrp[x] != NOG && ONPATH(x, g))
#endif
#define ARMED_IN(g, X)	(ARMED1(0, g, X) || ARMED1(1, g, X) || ARMED1(2, g, X) || \
			 ARMED1(3, g, X) ARMED_MORE(g, X))
/* a queued event's expiry, 0 if ignored or not queued */
#define EVV(e)		(eq[e] && !eign[e] -> eexp[e] : 0)
#define QMIN(X)		MIN_(EVV(CHILDEV(X, 0)), EVV(CHILDEV(X, 1)))
/* Q9: an inactive root with an event is armed by some idle CPU, for a
 * time not later than its first event. */
#define Q9		(act[root] != 0 || QMIN(root) == 0 || ARMED_IN(root, QMIN(root)))

/*
 * Q6 + Q8 for the pending timer: its owner is active (it runs its own
 * timer at its tick), or the owner's event is queued (not ignored, T) in
 * its group and the chain of group events (Q7) reaches the first active
 * group (next_expiry T: its migrator checks it every tick) or the
 * inactive root (next_expiry T, and an idle CPU holds wakeup T).
 * HELD1 is a group of the top level, HELD2 one level below it, ...
 */
#define GEV_T(g, X)	(eq[EVG(g)] && !eign[EVG(g)] && NOTLATE(eexp[EVG(g)], X))
#define ROOT_ARMED(g, X)	(NOTLATE(nexp[g], X) && ARMED_IN(g, X))
#define HELD1(g, X)	(act[g] != 0 -> NOTLATE(nexp[g], X) : ROOT_ARMED(g, X))
#define HELD2(g, X)	(act[g] != 0 -> NOTLATE(nexp[g], X) : \
			 (par[g] != NOG -> (GEV_T(g, X) && HELD1(par[g], X)) : \
			  ROOT_ARMED(g, X)))
#define HELD3(g, X)	(act[g] != 0 -> NOTLATE(nexp[g], X) : \
			 (par[g] != NOG -> (GEV_T(g, X) && HELD2(par[g], X)) : \
			  ROOT_ARMED(g, X)))
/* X: the owner's first pending expiry; its event is not later (Q6) */
#define Q6(X)		(eq[tcpu] && !eign[tcpu] && NOTLATE(eexp[tcpu], X))
#define TIMER_HELD	(tpend == 0 || !idle[tcpu] || \
			 (Q6(FIRSTP) && HELD3(cgrp[tcpu], FIRSTP)))
#ifdef NOQ9
#define NO_LOST_TIMER	TIMER_HELD	/* one-off runs: a global timer lost, not only Q9 */
#else
#define NO_LOST_TIMER	(TIMER_HELD && Q9)
#endif

/* Q4: an awake CPU keeps no hierarchy state of an idle one: wakeup INF,
 * own event ignored, remote clear. */
#define AWAKE1(c)	(!avail[c] || idle[c] || (!wakeup[c] && eign[c] && !crem[c]))
#ifdef HOTADD2
#define AWAKE_CLEAN	(AWAKE1(0) && AWAKE1(1) && AWAKE1(2) && AWAKE1(3) && AWAKE1(4))
#else
#define AWAKE_CLEAN	(AWAKE1(0) && AWAKE1(1) && AWAKE1(2) && AWAKE1(3))
#endif

/* ------------------------------------------------------------------ */
/* What a walk does when it ends (wmode), see walk_end(). */
#define WM_DEACT	1
#define WM_NEWT		2
#define WM_REMOTE	3
#define WM_ACT		4
#define WM_ONLINE	5
#define WM_PROBE	6

#ifdef FORCED
#define WALK_RESET	G = 0; C = 0; cm = 0; stop = 0; wstop = 0; \
			w_next = 0; w_evt = 0; w_rem = 0; wmode = 0; evonly = 0; \
			w_for = 0
#define TG		tg		/* the popped event's owner */
#define W_HELD_RESET	w_held = 0;
#define TG_RESET	; tg = 0
/*
 * requeue_locked, R-34: T wakes at cfor for its pinned timer anyway, so
 * when that comes first it is exported, marked forced; not once due (T
 * is late, its duty walk comes; BUG_R34D exports it then too: popped
 * again at once, for ever)
 */
#ifdef BUG_R34
#define REQUEUE_FORCED
#elif defined(BUG_R34D)
#define REQUEUE_FORCED	; if \
			:: cfor[TG] != 0 && LE_(cfor[TG], w_next) -> \
				w_next = cfor[TG]; w_for = 1 \
			:: else -> skip \
			fi
#else
#define REQUEUE_FORCED	; if \
			:: cfor[TG] != 0 && !DUEAT(cfor[TG], wnow) && LE_(cfor[TG], w_next) -> \
				w_next = cfor[TG]; w_for = 1 \
			:: else -> skip \
			fi
#endif
#else
#define WALK_RESET	G = 0; C = 0; cm = 0; stop = 0; wstop = 0; \
			w_next = 0; w_evt = 0; w_rem = 0; wmode = 0; evonly = 0
#define TG		tcpu		/* every event leads to the one owner */
#define W_HELD_RESET
#define TG_RESET
#define REQUEUE_FORCED
#endif

/* ------------------------------------------------------------------ */
/* Queues (2.4).  Used only inside one atomic step (group lock held). */

/* first_event(X): drop every ignored event (as kernel/tmigr.c's
 * first_event does, not only those at the head), refresh X's
 * next_expiry. */
inline first_event(X)
{
	t_e0 = CHILDEV(X, 0);
	t_e1 = CHILDEV(X, 1);
	t_v0 = EVV(t_e0);
	t_v1 = EVV(t_e1);
	t_hasT = MIN_(t_v0, t_v1);	/* the first expiry, 0 = none */
	t_any = (eq[t_e0] && !eign[t_e0]) || (eq[t_e1] && !eign[t_e1]);
	if
	:: eq[t_e0] && eign[t_e0] -> eq[t_e0] = 0
	:: else -> skip
	fi;
	if
	:: eq[t_e1] && eign[t_e1] -> eq[t_e1] = 0
	:: else -> skip
	fi;
	nexp[X] = t_hasT;
	t_fe = t_any;
	t_fexp = t_hasT
#ifdef FORCED
	;
	/* the first event; on a tie the forced one leads (R-29) */
	if
	:: t_v0 != 0 && (t_v1 == 0 || t_v0 < t_v1 ||
	   (t_v0 == t_v1 && (eforced[t_e0] || !eforced[t_e1]))) -> t_fidx = t_e0
	:: else -> t_fidx = t_e1
	fi;
	t_ffor = (t_any && eforced[t_fidx])
#endif
}

/* pop_expired(X, now): remove the first event if it is due. */
inline pop_expired(X, NOW)
{
	first_event(X);
	if
	:: t_fe && DUEAT(t_fexp, NOW) ->
#ifdef FORCED
		eq[t_fidx] = 0;
		t_pcpu = EVCPU(t_fidx);		/* e->cpu: whose base to run */
#else
		if
		:: eq[t_e0] && !eign[t_e0] && eexp[t_e0] == t_fexp -> eq[t_e0] = 0
		:: else -> eq[t_e1] = 0
		fi;
#endif
		first_event(X);
		popped = 1
	:: else ->
		popped = 0
	fi
}

#ifdef FORCED
/*
 * root_holder_take (R-33), at the idle root under its lock: w_first is
 * the root's first event after duty_expiry.  Our own record is dropped;
 * a valid record of another CPU not later than it covers us (we owe
 * nothing), else we record ourselves and promise it in chold.  Valid:
 * the root's state word has not changed since (rhv: the seq check) and
 * the holder still promises it (chold not later than rhat).  BUG_R33:
 * no record (every walk owes: the code before R-33, not a loss);
 * BUG_R33S: no seq check; BUG_R33V: no check at all.
 */
#ifdef BUG_R33V
#define HVALID		true
#elif defined(BUG_R33S)
#define HVALID		NOTLATE(chold[rh], rhat)
#else
#define HVALID		(rhv && NOTLATE(chold[rh], rhat))
#endif
inline holder_take()
{
#ifndef BUG_R33
	if
	:: rh == me -> rh = NOCPU
	:: else -> skip
	fi;
	if
	:: w_first == 0 -> skip
	:: w_first != 0 && rh != NOCPU && HVALID && LE_(rhat, w_first) ->
		w_first = 0		/* covered by the holder */
	:: else ->
		rh = me;
		rhat = w_first;
		rhv = 1;
		chold[me] = MIN_(chold[me], w_first);
		w_held = 1
	fi
#else
	skip
#endif
}

/* export_value (R-29, R-34): the first global timer, or the first pinned
 * one when not later, marked forced; cfor records the pinned one in both
 * cases (BUG_R34: only when exported, the C code's mutant R-34) */
inline export_value(c)
{
	w_next = NEXTG(c);
	w_for = 0;
	t_fx = PINX(c);
#ifndef BUG_R34
	if
	:: t_fx != 0 && LT_(t_fx, cfor[c]) -> cfor[c] = t_fx
	:: else -> skip
	fi;
#endif
	if
	:: t_fx != 0 && LE_(t_fx, w_next) ->
		w_next = t_fx;
		w_for = 1;
		if
		:: LT_(t_fx, cfor[c]) -> cfor[c] = t_fx
		:: else -> skip
		fi
	:: else -> skip
	fi;
	t_fx = 0
}
/*
 * duty_expiry of the first event: a forced one is owed by nobody, its
 * owner wakes then.  F5 (docs/tmigr-model.md section 9): not once it is
 * due at the current time (read under the group's lock).  Its owner may
 * have served the promise already: in a duty walk that stopped below a
 * group an active migrator owned, which then went idle and exported the
 * event to the idle root; or in a duty walk that passed the levels just
 * before a remote re-queue with an older now put the event back (R-34),
 * while that migrator's walk above reads it.  Both for the root's
 * decision of a walk (DUTYR) and for a duty walk's level (DUTYH).
 * CODE_F5 is kernel/tmigr.c at d15cc42: a due forced event covers too.
 */
#ifdef CODE_F5
#define DUTYR(x)	(t_ffor -> 0 : (x))
#else
#define DUTYR(x)	((t_ffor && !DUEAT(t_fexp, now)) -> 0 : (x))
#endif
#define DUTYH(x)	DUTYR(x)
#define HOLDER_TAKE	; holder_take()
#define EXPORT(c)	export_value(c)
#define ROOT_SEQ	; rhv = (G == root -> 0 : rhv)
#else
#define DUTYH(x)	x
#define DUTYR(x)	x
#define HOLDER_TAKE
#define EXPORT(c)	w_next = NEXTG(c)
#define ROOT_SEQ
#endif

/* ------------------------------------------------------------------ */
/* Walks (2.6).  A walk keeps G (group), C (child group or NOG), cm (the
 * child's bit in G) and the walk record w_*; wmode says which operation
 * it belongs to.  In the fixed tree parent pointers never change, so the
 * climb to the next level is folded into the step that ends a level; in
 * the hot-add variant every parent read is a step of its own. */

inline walk_end()
{
	if
	:: wmode == WM_DEACT ->
		idle[me] = 1;
		skip;
		wakeup[me] = w_first;
		dl[me] = PROG(me, w_first);	/* program min(local, returned) */
		clk[me] = 0;
		busy--;
		W_HELD_RESET
		w_first = 0
	:: wmode == WM_NEWT ->
		skip;
		wakeup[me] = w_first;
		dl[me] = PROG(me, w_first);
		clk[me] = 0;
		busy--;
		W_HELD_RESET
		w_first = 0
	:: wmode == WM_REMOTE ->	/* w_first belongs to handle_remote */
		crem[TG] = 0;
		clk[TG] = 0
		TG_RESET
	:: wmode == WM_ACT ->
		clk[me] = 0;
		busy--
	:: wmode == WM_ONLINE ->
		avail[me] = 1;
		clk[me] = 0;
		busy--
	:: wmode == WM_PROBE ->
		prepared[NEWCPU] = 1;
		nprep = 1;
		setup_mx = 0;
		busy--
	fi;
	WALK_RESET
}

/* inactive_up, first half (2.9): cur = load_acquire(G.state), read the
 * child's state, compute the new value (nact, nmig) and wstop. */
inline iu_read()
{
#ifndef BUG_R01
	fresh[G] = fresh[G] | (1 << me);
#endif
	nact = act[G];
	nmig = mig[G];
#ifdef BUG_R01
	cact = nact;
	cmig = nmig;
#endif
	wstop = 1;
	if
	:: C == NOG || act[C] == 0 ->	/* child really inactive */
		nact = nact & ~cm;
		if
		:: nmig == cm ->
			if
			:: nact != 0 -> nmig = LOWBIT(nact)
			:: else -> nmig = NONE; wstop = 0	/* group now idle */
			fi
		:: else -> skip
		fi
	:: else -> skip		/* child re-activated: seq bump only */
	fi;
	assert((nmig == NONE) == (nact == 0))
}

/* inactive_up, second half: the CAS.  ok = done, rr = re-read due. */
inline iu_cas()
{
#ifdef BUG_R01
	/* BUG: no sequence count: the CAS compares active/migrator only */
	if
	:: act[G] == cact && mig[G] == cmig ->
#else
	if
	:: fresh[G] & (1 << me) ->
#endif
		act[G] = nact;
		mig[G] = nmig;
		fresh[G] = 0		/* seq += 1 */
		ROOT_SEQ;
		ok = 1
	:: else ->
		rr = 1			/* failed: acquire fence, re-read */
	fi;
	nact = 0;
	nmig = 0;
	cact = 0;
	cmig = 0
}

/* climb one level; end the walk at the top, or read the next level */
inline advance(WS)
{
	if
	:: !WS ->
		C = G;
		G = par[C];		/* load_acquire, once per level */
		cm = gm[C];
		WS = (G == NOG)
	:: else -> skip
	fi;
	if
	:: WS -> walk_end()
	:: else ->
		if
		:: wmode == WM_DEACT && !evonly -> iu_read()
		:: else -> skip
		fi
	fi
}

/* End of a level.  WS: the variable that says whether the walk stops. */
inline step_end(WS)
{
#if !defined(DOC_2_9) && !defined(BUG_R28)
	/*
	 * R-28: deactivation: the state walk stops (WS = wstop) at a group
	 * that was still active at our CAS, but when update_events queued a
	 * real event into G and found G idle under G's lock (t_idlep, the
	 * C code's idle_parent), that event must travel on up: continue as
	 * new_timer_up from G's parent.  DOC_2_9 (section 2.9 as written)
	 * and BUG_R28 (the kernel's mutant R-28) ignore it, and an event
	 * exported just after a sibling migrator's walk read the group's
	 * queue is stranded (see docs/tmigr-model.md).
	 */
	if
	:: wmode == WM_DEACT && !evonly && WS && t_idlep ->
		evonly = 1;
		WS = 0
	:: else -> skip
	fi;
#endif
	t_idlep = 0;
#ifdef CLIMB_STEP
	if
	:: WS -> walk_end()
	:: else -> skip
	fi
#else
	advance(WS)
#endif
}

/*
 * active_up (2.8): the new value does not depend on the child state, so
 * the CAS loop is one read-modify-write; then, lockless, groupevt.ignore
 * = true.  By default the store is merged into the CAS.  IGN_STEP makes
 * it a step of its own: then a walker that read the group's state before
 * the CAS may overwrite it with false under the locks, which 2.4 calls a
 * useless remote expiry (about 1.6 times the states; see the docs).
 */
inline au_cas()
{
	if
	:: mig[G] == NONE -> mig[G] = cm; wstop = 0	/* parent must learn */
	:: else -> wstop = 1
	fi;
	act[G] = act[G] | cm;
	fresh[G] = 0			/* seq += 1 */
	ROOT_SEQ;
#ifndef IGN_STEP
	eign[EVG(G)] = 1;
#endif
	skip
}

/* the end of an active_up level */
inline au_ign()
{
#ifdef IGN_STEP
	eign[EVG(G)] = 1;
#endif
	step_end(wstop)
}

#ifdef IGN_STEP
#define AU_STEP		au_cas()
#else
#define AU_STEP		au_cas(); au_ign()
#endif

/* the rest of an activation walk, after the step with its first CAS */
inline walk_active_rest()
{
	do
	:: wmode == 0 -> break
	:: else ->
#ifdef IGN_STEP
		d_step { au_ign() };
		if
		:: wmode == 0 -> break
		:: else -> skip
		fi;
#endif
#ifdef CLIMB_STEP
		d_step { advance(wstop) };
		if
		:: wmode == 0 -> break
		:: else -> skip
		fi;
#endif
		d_step { AU_STEP }
	od
}

/* update_events (2.10): the only place that changes queues on the way
 * up; one step = the critical section under the locks of C and G.  Sets
 * stop, and w_first when G is the idle root and the walk is not remote. */
inline update_events(WS)
{
#ifdef DOC_R14
	/* 2.10 as written: the one parent snapshot is taken before G is
	 * locked; a walker that reads NULL while the old root is being
	 * linked can strand its event (see docs/tmigr-model.md) */
	p = par[G];
#endif
#ifdef BUG_R08
	d_step { gsm = mig[G]; gsa = act[G] };	/* BUG: read before the lock */
#endif
	d_step {
#ifndef DOC_R14
		p = par[G];	/* one parent snapshot (R-14), under G's lock */
#endif
		stop = 0;
		t_skip = 0;
		t_notop = 0;
		if
		:: C != NOG ->
			/* lock C; lock G; read both states under the locks (R-08) */
			t_cs = act[C];
#ifndef BUG_R08
			gsm = mig[G];
			gsa = act[G];
#endif
			if
			:: t_cs != 0 ->
				stop = 1;	/* active child handles its queue */
				t_skip = 1
			:: else ->
				first_event(C);
				t_nx = t_fexp;
#ifdef FORCED
				t_nfor = t_ffor;
				t_pcpu = EVCPU(t_fidx);
#endif
				t_ev = EVG(C);
				t_ign = !t_fexp;
				eign[t_ev] = t_ign
			fi
		:: else ->
			t_nx = w_next;
			t_ev = w_evt;
#ifdef FORCED
			t_nfor = w_for;
			t_pcpu = w_evt;
#endif
			t_ign = eign[t_ev];	/* read once (R-18) */
			if
#ifdef BUG_R10
			:: t_ign && !w_rem ->	/* BUG: lock-free return at the root too */
#else
			:: t_ign && !w_rem && p != NOG ->
#endif
				stop = 1;	/* the parent-level step purges it */
				t_skip = 1
			:: else ->
#ifndef BUG_R08
				gsm = mig[G];
				gsa = act[G]
#else
				skip
#endif
			fi
		fi;
		if
		:: !t_skip ->
			t_top = 0;
			if
			:: eq[t_ev] ->
				if
#ifdef FORCED
				:: eexp[t_ev] == t_nx && eforced[t_ev] == t_nfor && !t_ign ->
					/* refresh the owner even if kept (R-12) */
					ecpu[t_ev] = (t_ev >= NCPU -> t_pcpu : 0);
					t_top = 1
#else
				:: eexp[t_ev] == t_nx && !t_ign ->
					t_top = 1
#endif
				:: else ->
					eq[t_ev] = 0;
					first_event(G)	/* as the C code */
				fi
			:: else -> skip
			fi;
			if
			:: !t_top && t_ign ->
				if
				:: !w_rem || gsa != 0 -> stop = 1
				:: else -> skip
				fi;
#ifdef BUG_R06
				t_notop = 1	/* BUG: returned before the root check */
#else
				skip
#endif
			:: !t_top && !t_ign ->
				eexp[t_ev] = t_nx;
#ifdef FORCED
				eforced[t_ev] = t_nfor;
				ecpu[t_ev] = (t_ev >= NCPU -> t_pcpu : 0);
#endif
				eq[t_ev] = 1;
				/* queue_insert: next_expiry only moves earlier */
				nexp[G] = MIN_(nexp[G], t_nx)
			:: else -> skip
			fi;
			/* TOP: G is (as far as we know) the idle root */
			if
			:: !t_notop && p == NOG && gsm == NONE ->
				stop = 1;
				if
				:: !w_rem ->
					first_event(G);
					w_first = DUTYR(t_fexp)
					HOLDER_TAKE
				:: else -> skip
				fi
			:: else -> skip
			fi
		:: else -> skip
		fi;
		/* kernel/tmigr.c: idle_parent = !ign && G idle ? p : NULL, with
		 * G's state read under G's lock */
		t_idlep = (!t_skip && !t_ign && gsm == NONE && p != NOG);
		p = 0;
		gsm = 0;
		gsa = 0;
		ok = 0;
#ifdef FORCED
		t_nfor = 0;
		t_pcpu = 0;
#endif
		step_end(WS)
	}
}

/*
 * The deactivation walk.  At level 0 the new value depends only on the
 * group state (the child is the CPU itself), so read and CAS are one
 * read-modify-write, done in deactivate()'s first step.  Above, the read
 * (folded into the climb) and the CAS are separate steps, and
 * update_events follows the CAS in a step of its own.
 */
inline walk_inactive_rest()
{
	do
	:: wmode == 0 -> break
	:: wmode != 0 && evonly ->
		update_events(stop);
#ifdef CLIMB_STEP
		if
		:: wmode != 0 -> d_step { advance(stop) }
		:: else -> skip
		fi
#endif
	:: wmode != 0 && !evonly && ok ->
		update_events(wstop);	/* always runs after the CAS */
#ifdef CLIMB_STEP
		if
		:: wmode != 0 -> d_step { advance(wstop) }
		:: else -> skip
		fi
#endif
	:: wmode != 0 && !evonly && !ok && !rr -> d_step { iu_cas() }
	:: wmode != 0 && !evonly && !ok && rr -> d_step { rr = 0; iu_read() }
	od
}

/* new_timer_up = update_events, level by level (also the remote re-walk) */
inline walk_update_rest()
{
	do
	:: wmode == 0 -> break
	:: else ->
		update_events(stop);
#ifdef CLIMB_STEP
		if
		:: wmode != 0 -> d_step { advance(stop) }
		:: else -> skip
		fi
#endif
	od
}

/* ------------------------------------------------------------------ */
/* Operations (2.14) */

/* (a) CPU leaving idle: tm_cpu_activate */
inline activate()
{
	d_step {
		clk[me] == 0 && CONC -> clk[me] = me + 1;
		busy++;
		COUNT_AFTER;
		idle[me] = 0;
		eign[me] = 1;
		wakeup[me] = 0;
		dl[me] = 0;
#ifdef FORCED
		cfor[me] = 0;		/* awake: served */
		chold[me] = 0;		/* awake: the root is active, or will be */
#endif
		G = cgrp[me];
		C = NOG;
		cm = cmask[me];
		wmode = WM_ACT;
		AU_STEP
	};
	walk_active_rest()
}

/* (b) CPU going idle: tm_cpu_deactivate(g), g = its exported event */
inline deactivate()
{
	d_step {
		clk[me] == 0 && CONC -> clk[me] = me + 1;
		busy++;
		COUNT_AFTER;
		EXPORT(me);
		if
		:: w_next -> eign[me] = 0	/* export an event */
		:: else -> skip
		fi;
		w_evt = me;
		w_rem = 0;
		w_first = 0;
		G = cgrp[me];
		C = NOG;
		cm = cmask[me];
		wmode = WM_DEACT;
		iu_read();
		iu_cas();		/* level 0: one read-modify-write */
#ifndef CLIMB_STEP
		/* nothing to export: update_events returns at once without
		 * a lock (its fast path), so the climb follows directly */
		if
		:: !w_next ->
			ok = 0;
			stop = 1;
			t_idlep = 0;
			step_end(wstop)
		:: else -> skip
		fi
#endif
	};
	walk_inactive_rest()
}

/*
 * The end of tm_handle_remote, under the per-CPU lock.  R-26: an idle
 * migrator whose wakeup was due (read at the start) and that popped
 * nothing on its whole way up retires (INF).  Then the store is
 * conditional, as in kernel/tmigr.c: an awake CPU only ever stores INF
 * (Q4: it keeps no wakeup).  BUG_R26 removes the retiring; BUG_R26X
 * retires even after a pop; BUG_WSTORE stores unconditionally (the
 * model before it was aligned, and the design text 2.12).
 */
#ifdef FORCED
/* R-26 against the hierarchy wake-up only (R-31; BUG_R31 judges it
 * against the forced one too), and never for the recorded holder (R-33;
 * BUG_R33D retires it too) */
#ifdef BUG_R31
#define R26_DUE		DUEAT(MIN_(hfor, hwk), wnow)
#else
#define R26_DUE		DUEAT(hwk, wnow)
#endif
#ifdef BUG_R33D
#define R26_HELD	false
#else
#define R26_HELD	w_held
#endif
#define R26_RETIRE	if :: R26_DUE && !hpop && !R26_HELD -> w_first = 0 :: else -> skip fi
#elif defined(BUG_R26)
#define R26_RETIRE	skip
#elif defined(BUG_R26X)
#define R26_RETIRE	if :: DUEAT(hwk, wnow) -> w_first = 0 :: else -> skip fi
#else
#define R26_RETIRE	if :: DUEAT(hwk, wnow) && !hpop -> w_first = 0 :: else -> skip fi
#endif
#ifdef BUG_WSTORE
#define WSTORE_OK	true
#else
#define WSTORE_OK	(idle[me] || !w_first)
#endif
#ifdef FORCED
/*
 * Served promises.  c->forced, once due: our own event if it is a later
 * forced one still published (R-32, published_forced; BUG_R32: INF).
 * c->holding, if due when the walk began: what the walk recorded, if it
 * recorded us (R-33).
 */
#ifdef BUG_R32
#define PUBF(c)		0
#else
#define PUBF(c)		((idle[c] && eforced[c] && !eign[c] && eexp[c] > wnow) -> eexp[c] : 0)
#endif
#define SERVED		if \
			:: DUEAT(cfor[me], wnow) -> cfor[me] = PUBF(me) \
			:: else -> skip \
			fi; \
			if \
			:: DUEAT(hhold, wnow) -> chold[me] = ((w_held && idle[me]) -> w_first : 0) \
			:: else -> skip \
			fi
#define HR_RESET	hfor = 0; hhold = 0; w_held = 0; hloops = 0
#else
#define SERVED		skip
#define HR_RESET	skip
#endif
#ifdef FORCED
#define WAKEUP_STORE	if \
			:: !hdone -> \
				R26_RETIRE; \
				if \
				:: WSTORE_OK -> wakeup[me] = w_first \
				:: else -> skip \
				fi; \
				SERVED \
			:: else -> skip \
			fi; \
			hwk = 0; \
			hpop = 0; \
			HR_RESET
#else
#define WAKEUP_STORE	if \
			:: !hdone -> \
				R26_RETIRE; \
				if :: idle[me] -> skip :: else -> skip fi; \
				if \
				:: WSTORE_OK -> wakeup[me] = w_first \
				:: else -> skip \
				fi \
			:: else -> skip \
			fi; \
			hwk = 0; \
			hpop = 0
#endif

/* (c) tm_cpu_new_timer(g) from the idle loop after an interrupt, g = the
 * CPU's exported event; before it, as a step of its own, the end of
 * tm_handle_remote (the wakeup store under the same per-CPU lock).  busy
 * was counted by the interrupt. */
inline new_timer()
{
	atomic {
		clk[me] == 0 ->
		WAKEUP_STORE;
		hdone = 0;
		w_first = 0;
		wnow = 0;
		hG = 0;
		hcm = 0
	};
#ifdef FORCED
	atomic {
		clk[me] == 0 -> clk[me] = me + 1;
		EXPORT(me);
		if
		:: w_next != 0 && (eexp[me] != w_next || eforced[me] != w_for || eign[me]) && !crem[me] ->
			eign[me] = 0;
			w_evt = me;
			w_rem = 0;
			G = cgrp[me];
			C = NOG;
			cm = cmask[me];
			wmode = WM_NEWT
		:: w_next != 0 && (eexp[me] != w_next || eforced[me] != w_for || eign[me]) && crem[me] ->
			wakeup[me] = 0;		/* the migrator re-walks for us */
			dl[me] = PROG(me, 0);
			clk[me] = 0;
			w_next = 0;
			w_for = 0;
			busy--
		:: else ->
			dl[me] = PROG(me, wakeup[me]);	/* program min(local, wakeup) */
			clk[me] = 0;
			w_next = 0;
			w_for = 0;
			busy--
		fi
	};
#else
	atomic {
		clk[me] == 0 -> clk[me] = me + 1;
		if
		:: NEXTG(me) != 0 && (eexp[me] != NEXTG(me) || eign[me]) && !crem[me] ->
			eign[me] = 0;
			w_next = NEXTG(me);
			w_evt = me;
			w_rem = 0;
			G = cgrp[me];
			C = NOG;
			cm = cmask[me];
			wmode = WM_NEWT
		:: NEXTG(me) != 0 && (eexp[me] != NEXTG(me) || eign[me]) && crem[me] ->
			wakeup[me] = 0;		/* the migrator re-walks for us */
			dl[me] = PROG(me, 0);
			clk[me] = 0;
			busy--
		:: else ->
			dl[me] = PROG(me, wakeup[me]);	/* program min(local, wakeup) */
			clk[me] = 0;
			busy--
		fi
	};
#endif
	walk_update_rest()
}

/* handle_remote_cpu(TG) (2.12): TG is the popped event's owner (tcpu
 * when only tcpu exports events) */
inline handle_remote_cpu()
{
	d_step {
		clk[TG] == 0 -> popped = 0;
		if
		:: !avail[TG] || crem[TG] || eign[TG] || !DUEAT(eexp[TG], wnow) ->
			hskip = 1
		:: else ->
			crem[TG] = 1;
			wakeup[TG] = 0	/* responsibility moves to us */
		fi
	};
	if
	:: hskip -> hskip = 0 TG_RESET
	:: else ->
		d_step {
			clk[TG] == 0 ->
			/* run_base(T.GLOBAL) with the current jiffies */
			if
#ifdef BUG_R22
			:: TG != me -> RUN_BASE(TG)	/* BUG */
			:: else -> skip
#else
			:: true -> RUN_BASE(TG)
#endif
			fi;
			/* lock T's bases and T, re-fetch T's exported event */
			if
			:: !avail[TG] || !idle[TG] ->
				crem[TG] = 0
				TG_RESET
			:: else ->
				clk[TG] = me + 1;
				w_next = NEXTG(TG)
				REQUEUE_FORCED;
				/* requeue_locked: ignore = (next == INF) */
				eign[TG] = (w_next == 0);
				w_evt = TG;
				w_rem = 1;
				G = cgrp[TG];
				C = NOG;
				cm = cmask[TG];
				wmode = WM_REMOTE
			fi
		};
		walk_update_rest()	/* re-queue T, refresh the path */
	fi
}

/* tm_handle_remote (2.12) up to the final wakeup store.  One level of
 * handle_remote_up: is_my_duty, then lock, pop_expired, unlock. */
inline hr_level()
{
	if
	:: !DUTY(hG, hcm) -> hG = NOG		/* an active migrator owns it */
	:: else ->
		pop_expired(hG, wnow);
		if
		:: !popped ->
			w_first = DUTYH(nexp[hG]);	/* overwritten at each level */
#ifdef FORCED
			/* the idle root: our duty too may be covered (R-33) */
			if
			:: par[hG] == NOG && mig[hG] == NONE -> HOLDER_TAKE
			:: else -> skip
			fi;
#endif
			hcm = gm[hG];
			hG = par[hG]
		:: else ->
			hpop = 1	/* w.popped: sticky for the walk */
#ifdef FORCED
			;
			tg = t_pcpu;
			hloops++
#endif
		fi
	fi
}

/* the fast exit (hdone), the now snapshot and the first level */
inline hr_begin()
{
	hwk = wakeup[me];		/* read once, before the fast exit */
#ifdef FORCED
	hfor = cfor[me];		/* ours: no race */
	hhold = chold[me];
	/* a forced wake-up, and a holder's, is a duty wake-up too */
	if
	:: !DUTY(cgrp[me], cmask[me]) && !wakeup[me] && !hfor && !hhold ->
#else
	if
	:: !DUTY(cgrp[me], cmask[me]) && !wakeup[me] ->
#endif
		hdone = 1;
		hG = NOG
	:: else ->
		wnow = now;		/* one snapshot for the walk */
		w_first = 0;
		hG = cgrp[me];
		hcm = cmask[me];
		hr_level()
	fi
}

inline hr_rest()
{
	do
	:: hG == NOG && !popped -> break
	:: popped ->
#ifdef FORCED
		/* kernel/tmigr.c's livelock check in handle_remote_up */
		assert(remote_bounded || hloops <= 4);
#endif
		handle_remote_cpu()	/* then the same level again */
	:: hG != NOG && !popped -> d_step { hr_level() }
	od
}

/* tm_requires_remote (2.13) for an active CPU: lockless, every tick */
inline requires_remote()
{
	hG = cgrp[me];
	hcm = cmask[me];
	check = 0;
	do
	:: hG == NOG -> break
	:: hG != NOG && !DUTY(hG, hcm) -> break
	:: hG != NOG && DUTY(hG, hcm) ->
		if
		:: DUEAT(nexp[hG], now) -> check = 1; break
		:: else -> hcm = gm[hG]; hG = par[hG]
		fi
	od;
	hG = 0;
	hcm = 0
}

/* ------------------------------------------------------------------ */
/* Hot-add (2.14 (h), (i)).  CPU2 grows G1 and the new root GR, CPU3
 * joins G1.  Phase 2 connects the old root G0 into GR's reserved slot 0. */

#ifdef HOTADD
inline prepare_cpu2(GUARD)
{
	d_step {
		GUARD && !setup_mx && nprep == 0 && CONC -> setup_mx = 1;
		busy++;
		/* phase 1: GR is a new top: groupmask preset bit 0, slot 0
		 * reserved for the old root; G1 takes bit 1 and is published
		 * (store-release of G1.parent); CPU2 is G1's bit 0; root := GR */
		gm[GR] = 1;
		gm[G1] = 2;
		par[G1] = GR;
		cgrp[2] = G1;
		cmask[2] = 1;
		root = GR
	};
	/* phase 2: connect(G0, GR, activate): G0.groupmask is already bit 0
	 * (preset when G0 became the root); store-release G0.parent */
	par[G0] = GR;
	/* probe: fully ordered fetch_or(G0.state, 0), changes nothing (A3) */
	d_step { ok = (act[G0] != 0) };
	if
	:: ok ->
		d_step {
			ok = 0;
			G = GR;
			C = G0;
			cm = gm[G0];
			wmode = WM_PROBE;
			AU_STEP
		};
		walk_active_rest()
	:: else ->
		d_step { prepared[2] = 1; nprep = 1; setup_mx = 0; busy-- }
	fi
}

inline prepare_cpu3(GUARD)
{
	d_step {
		GUARD && !setup_mx && nprep == 1 && HOTADD_CPU3 ->
		cgrp[3] = G1;
		cmask[3] = 2;
		prepared[3] = 1;
		nprep = 2
	}
}

#endif

#ifdef HOTADD2
/*
 * Growth above a level-1 root (2.14 (i)): an active CPU of the old tree
 * prepares CPU4.  Phase 1 builds TOP, H1 and G2 and publishes their links
 * (unreachable until GR is linked); phase 2 links the old root GR into
 * TOP's reserved slot 0 and probes GR's state (O11).  x86-64 is TSO: the
 * store of GR.parent may sit in the control CPU's store buffer until its
 * next locked instruction.  The probe is a locked read-modify-write
 * (fetch_or), so it drains the buffer first and the store-then-probe
 * pair behaves as under sequential consistency: the link is one step,
 * the probe the next (the other stores of the prepare are unreachable
 * until the link is visible, and TSO keeps stores in order).
 */
inline prepare_cpu4(GUARD)
{
	d_step {
		GUARD && !setup_mx && nprep == 0 && CONC -> setup_mx = 1;
		busy++;
		/* phase 1, top-down: TOP is a new top (groupmask preset bit 0,
		 * slot 0 reserved for the old root); H1 takes bit 1, G2 is
		 * H1's bit 0, CPU4 is G2's bit 0; root := TOP */
		gm[TOP] = 1;
		gm[H1] = 2;
		par[H1] = TOP;
		gm[G2] = 1;
		par[G2] = H1;
		cgrp[4] = G2;
		cmask[4] = 1;
		root = TOP
	};
	/* phase 2: connect(GR, TOP, activate): GR.groupmask is bit 0 since
	 * GR was created as a new top; store-release GR.parent */
#ifdef BUG_R21
	/*
	 * BUG (R-21): the probe is a plain load.  The store of GR.parent
	 * either left the store buffer already or is still in it; the load
	 * may pass it (store buffering), and the store reaches memory at
	 * the control CPU's next locked instruction at the latest: the CAS
	 * of active_up, or the release of the setup mutex.
	 */
	if
	:: par[GR] = TOP
	:: skip
	fi;
	d_step { ok = (act[GR] != 0) };
#else
	par[GR] = TOP;
	/* probe: fully ordered fetch_or(GR.state, 0), changes nothing (A3) */
	d_step { ok = (act[GR] != 0) };
#endif
	if
	:: ok ->
		d_step {
			par[GR] = TOP;	/* BUG_R21: the CAS drains the buffer */
			ok = 0;
			G = TOP;
			C = GR;
			cm = gm[GR];
			wmode = WM_PROBE;
			AU_STEP
		};
		walk_active_rest()
	:: else ->
		d_step {
			par[GR] = TOP;	/* BUG_R21: the mutex release drains it */
			prepared[4] = 1;
			nprep = 1;
			setup_mx = 0;
			busy--
		}
	fi
}
#endif

#if defined(HOTADD) || defined(HOTADD2)
/* (h) CPU online: activation walk, then available */
inline online()
{
	d_step {
		prepared[me] && clk[me] == 0 && CONC -> clk[me] = me + 1;
		busy++;
		idle[me] = 0;
		eign[me] = 1;
		wakeup[me] = 0;
		G = cgrp[me];
		C = NOG;
		cm = cmask[me];
		wmode = WM_ONLINE;
		AU_STEP
	};
	walk_active_rest()
}
#endif

/* ------------------------------------------------------------------ */

proctype cpu(byte me)
{
	byte G, C, cm, p, gsm, gsa, nact, nmig, cact, cmig, hG, hcm;
	byte w_evt, wmode;
	byte w_next, w_first, wnow, hwk;	/* times */
	bit stop, wstop, ok, rr, evonly, w_rem;
	bit popped, hskip, hdone, check, hpop;
#ifdef FORCED
	byte tg, hfor, hhold, hloops;	/* popped owner; promises read at the start */
	bit w_for, w_held;		/* w.forced, w.held */
#endif

#ifdef HOTADD2
	if
	:: me == 4 ->
end_offline4:
		online()
	:: else -> skip
	fi;
#endif
#ifdef HOTADD
	if
	:: me >= 2 ->
#ifdef BUG_R15
		/* BUG: the incoming CPU grows the hierarchy itself, from a
		 * context that keeps no CPU of the old root active */
		if
		:: me == 2 -> prepare_cpu2(true)
		:: else ->
end_prepare:		prepare_cpu3(true)
		fi;
#endif
end_offline:
		online()
	:: else -> skip
	fi;
#endif

end_loop:
	do
	:: d_step {	/* tick: own GLOBAL base, then tm_requires_remote */
		!idle[me] && LIVE && CONC && MYTURN && tcpu != NOCPU -> busy++;
		RUN_BASE(me);
		RUN_PIN(me);
		requires_remote();
		if
		:: check -> skip	/* raise the softirq */
		:: else -> busy--; NEXT_TURN
		fi
	   };
	   if
	   :: check ->
		d_step { hr_begin() };	/* softirq: tm_handle_remote */
		hr_rest();
		atomic {
			clk[me] == 0 ->
			WAKEUP_STORE;
			hdone = 0;
			w_first = 0;
			wnow = 0;
			hG = 0;
			hcm = 0;
			check = 0;
			busy--;
			NEXT_TURN
		}
	   :: else -> skip
	   fi;
progress_tick:
	   skip
	:: atomic {	/* arm a timer */
		!idle[me] && LIVE && !calm && (ARM_OK(me, 1) || ARM_OK(me, 2)) ->
		if
		:: ARM_OK(me, 1) -> ARM(me, 1)
		:: ARM_OK(me, 2) -> ARM(me, 2)
		fi
	   }
	:: !idle[me] && LIVE && CONC && !calm && MORE ->
		deactivate();
progress_idle:
		skip
#ifdef HOTADD2
	:: prepare_cpu4(!idle[me] && LIVE && !calm && CONTROL(me))
#endif
#if defined(HOTADD) && !defined(BUG_R15)
	:: prepare_cpu2(!idle[me] && LIVE && !calm && me < 2)
	:: prepare_cpu3(!idle[me] && LIVE && !calm && me < 2)
#endif
	:: atomic {	/* interrupt: the deadline, or another one */
		idle[me] && LIVE && CONC && MYTURN &&
		(DUEAT(dl[me], now) || (!calm && OTHER_IRQ(me))) -> busy++;
		if		/* it arms a timer if it can */
		:: ARM_OK(me, 1) -> ARM(me, 1)
		:: ARM_OK(me, 2) -> ARM(me, 2)
		:: else -> skip
		fi;
		RUN_BASE(me);	/* softirq: own GLOBAL base first */
		RUN_PIN(me)
	   };
	   d_step { hr_begin() };	/* idle migrator (2.14 (d)) */
	   hr_rest();
	   new_timer();			/* idle loop re-evaluation */
progress_irq:
	   NEXT_TURN
	:: idle[me] && LIVE && CONC && !calm && MORE ->
		activate();
progress_wake:
		skip
#ifdef FORCED
	:: d_step {	/* another CPU deletes one of FCPU's pinned timers */
		me == FCPU + 1 && pin != 0 && !calm && LIVE && clk[FCPU] == 0 ->
		if
		:: pin & 1 -> pin = pin & 2
		:: pin & 2 -> pin = pin & 1
		fi;
		fdirty = 1;
#ifdef BUG_FDEL
		/* BUG: FCPU's one-shot is reprogrammed for its timers alone */
		if
		:: idle[FCPU] -> dl[FCPU] = MIN_(FIRSTPIN, wakeup[FCPU])
		:: else -> skip
		fi
#else
		skip		/* the one-shot stays armed (R-29) */
#endif
	   }
#endif
#ifdef CALM
	:: d_step {	/* calm and nothing to do: pass the turn on */
		calm && turn == me && idle[me] && !DUEAT(dl[me], now) && CAN_MOVE ->
		NEXT_TURN
	   }
#endif
	od
}

/* Time: an instant passes some time after its timer is armed (so T2
 * never passes before T1); FORCED: at any time (the pinned timers are
 * there from the start). */
#ifdef FORCED
#define TIME_OK		3
#else
#define TIME_OK		tarm
#endif
active proctype clock()
{
end_clock:
	do
	:: atomic {
		now < NT && (TIME_OK & (now + 1)) -> now++;
#ifdef CALM
		/* from the moment the last is due, CPUs only tick and take
		 * deadlines */
		calm = (now == NT)
#else
		skip
#endif
	   }
	od
}

/* Always 0: their names show in pan's "assertion violated" line. */
SCRATCH byte well_formed, single_migrator, structure, no_lost_timer, awake_clean;

#ifndef NOMONITOR
active proctype monitor()
{
end_monitor:
	atomic {
		started && !(ALWAYS_OK && (busy != 0 ||
			(SINGLE_MIGRATOR && STRUCT_OK && NO_LOST_TIMER && AWAKE_CLEAN))) ->
		assert(well_formed || ALWAYS_OK);
		assert(single_migrator || busy != 0 || SINGLE_MIGRATOR);
		assert(structure || busy != 0 || STRUCT_OK);
		assert(no_lost_timer || busy != 0 || NO_LOST_TIMER);
		assert(awake_clean || busy != 0 || AWAKE_CLEAN)
	}
}
#endif

init
{
	byte i;

	atomic {
		for (i : 0 .. NCA - 1) {
			idle[i] = 1
		}
		for (i : 0 .. NGA - 1) {
			par[i] = NOG;
			mig[i] = NONE
		}
		for (i : 0 .. NEV - 1) {
			eign[i] = 1
		}
		cgrp[0] = G0; cmask[0] = 1; avail[0] = 1;
		cgrp[1] = G0; cmask[1] = 2; avail[1] = 1;
		gm[G0] = 1;
#ifdef HOTADD2
		cgrp[2] = G1; cmask[2] = 1; avail[2] = 1;
		cgrp[3] = G1; cmask[3] = 2; avail[3] = 1;
		cgrp[4] = NOG;
		cgrp[5] = NOG;
		gm[G1] = 2;
		gm[GR] = 1;	/* preset when GR was created as a new top */
		par[G0] = GR;
		par[G1] = GR;
		root = GR;
#elif defined(HOTADD)
		/* one level: G0 is the root (created by CPU0 as a new top) */
		cgrp[2] = NOG;
		cgrp[3] = NOG;
		root = G0;
#else
		cgrp[2] = G1; cmask[2] = 1; avail[2] = 1;
		cgrp[3] = G1; cmask[3] = 2; avail[3] = 1;
		gm[G1] = 2;
		gm[GR] = 1;
		par[G0] = GR;
		par[G1] = GR;
		root = GR;
#endif
		i = 0;
		started = 1;
		run cpu(0);
		run cpu(1);
		run cpu(2);
#ifdef FORCED
		/* CPU3 stays offline (the state budget): CPU0 has
		 * the pinned timers, CPU2 stands for any other timer owner,
		 * CPU1 for any other CPU; pinned timers armed by the time
		 * CPU0 went idle, its one-shot at the first */
		dl[FCPU] = FIRSTPIN;
		avail[3] = 0;
#else
		run cpu(3);
#endif
#ifdef HOTADD2
		run cpu(4)
#endif
	}
}

#ifdef LIVENESS
/* Violation: once calm, the timer stays pending forever. */
never {
T0_init:
	do
	:: (calm && tpend != 0) -> goto accept_lost
	:: true
	od;
accept_lost:
	do
	:: (calm && tpend != 0)
	od
}
#endif
