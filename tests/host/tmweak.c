// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tmweak: the weak-memory model of tests/host/tmweak.h.
 *
 * Data.  A location is a tracked address; it gets a dense number on first
 * access.  Its history is an array of messages in modification order.  A
 * view is an array indexed by location number of "oldest readable message"
 * indices; a view stored with a message covers the locations known when
 * it was made (later ones read as 0, which is right: the writer could not
 * have seen them).  Each CPU has `cur` (what it may read now) and `acq`
 * (what an acquire fence would give it: cur joined with the views of the
 * release messages its relaxed loads read).  Invariant: acq >= cur.
 *
 * The real memory always holds the latest message, so code outside the
 * model (the checkers, the dumps, untracked fields) sees the SC state.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_arch.h"
#include "tmweak.h"

#define MAX_LOCS	2048
#define MAX_LOCKS	1024
#define MAX_AGENTS	128

struct message {
	uint64_t val;
	uint32_t *view;		/* NULL: carries nothing but itself */
	uint32_t view_len;
};

struct location {
	const void *addr;
	size_t size;
	uint32_t n, cap;
	struct message *msgs;
};

struct lock_view {
	const void *addr;
	uint32_t *view;
	uint32_t view_len;
};

struct agent {
	uint32_t cur[MAX_LOCS];
	uint32_t acq[MAX_LOCS];
	uint32_t *rel;		/* view at the last release fence, or NULL */
	uint32_t rel_len;
	unsigned stale_kinds;
	const void *stale_obj;
	uint32_t stale_reads;
};

static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;
static bool tracking;				/* under model_lock */
static struct location locs[MAX_LOCS];
static uint32_t nlocs;
static struct lock_view lock_views[MAX_LOCKS];
static uint32_t nlock_views;
static struct agent agents[MAX_AGENTS];
static uint32_t sc_view[MAX_LOCS];

static void die(const char *what)
{
	fprintf(stderr, "tmweak: %s\n", what);
	abort();
}

static bool is_acquire(int o)
{
	return o == __ATOMIC_ACQUIRE || o == __ATOMIC_CONSUME ||
	       o == __ATOMIC_ACQ_REL || o == __ATOMIC_SEQ_CST;
}

static bool is_release(int o)
{
	return o == __ATOMIC_RELEASE || o == __ATOMIC_ACQ_REL || o == __ATOMIC_SEQ_CST;
}

static struct agent *me(uint32_t *id)
{
	uint32_t cpu = arch_cpu_id();

	if (cpu >= MAX_AGENTS)
		die("CPU number beyond the model's agents");
	if (id)
		*id = cpu;
	return &agents[cpu];
}

/*
 * ---- memory of the real location ----
 * Relaxed: every model access runs under model_lock, which orders them;
 * atomic only because the checkers and introspection (peek_state) read
 * the same words outside the model, ordered by tmsim's baton hand-over.
 */

static uint64_t mem_read(const void *p, size_t size)
{
	switch (size) {
	case 1: return __atomic_load_n((const uint8_t *)p, __ATOMIC_RELAXED);
	case 2: return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
	case 4: return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
	case 8: return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
	}
	die("unsupported access size");
	return 0;
}

static void mem_write(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1: __atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELAXED); return;
	case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED); return;
	case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED); return;
	case 8: __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED); return;
	}
	die("unsupported access size");
}

/* ---- views ---- */

static void join(uint32_t *dst, const uint32_t *src, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (src[i] > dst[i])
			dst[i] = src[i];
}

static uint32_t *view_copy(const uint32_t *src, uint32_t len)
{
	uint32_t *v = malloc(len * sizeof(*v) + 1);

	if (!v)
		die("out of memory");
	memcpy(v, src, len * sizeof(*v));
	return v;
}

/* cur := cur ⊔ v, keeping acq >= cur */
static void join_cur(struct agent *a, const uint32_t *v, uint32_t len)
{
	join(a->cur, v, len);
	join(a->acq, v, len);
}

static void see(struct agent *a, uint32_t loc, uint32_t idx)
{
	if (idx > a->cur[loc])
		a->cur[loc] = idx;
	if (idx > a->acq[loc])
		a->acq[loc] = idx;
}

/* ---- locations ---- */

static uint32_t loc_of(const void *p, size_t size)
{
	struct location *l;

	for (uint32_t i = 0; i < nlocs; i++)
		if (locs[i].addr == p)
			return i;
	if (nlocs == MAX_LOCS)
		die("too many tracked locations");
	l = &locs[nlocs];
	l->addr = p;
	l->size = size;
	l->n = 0;
	l->cap = 8;
	l->msgs = calloc(l->cap, sizeof(*l->msgs));
	if (!l->msgs)
		die("out of memory");
	/* message 0: the value before tracking saw this word, visible to all */
	l->msgs[l->n++].val = mem_read(p, size);
	return nlocs++;
}

static uint32_t append(uint32_t loc, uint64_t v, uint32_t *view, uint32_t view_len)
{
	struct location *l = &locs[loc];

	if (l->n == l->cap) {
		l->cap *= 2;
		l->msgs = realloc(l->msgs, l->cap * sizeof(*l->msgs));
		if (!l->msgs)
			die("out of memory");
	}
	l->msgs[l->n] = (struct message){ .val = v, .view = view, .view_len = view_len };
	return l->n++;
}

/* The view a store by `a` carries: its whole view if release, its fence view if any. */
static uint32_t *store_view(struct agent *a, int order, uint32_t *len)
{
	if (is_release(order)) {
		*len = nlocs;
		return view_copy(a->cur, nlocs);
	}
	if (a->rel) {
		*len = a->rel_len;
		return view_copy(a->rel, a->rel_len);
	}
	*len = 0;
	return NULL;
}

/*
 * seq_cst.  C11 orders seq_cst accesses to different locations only
 * through the total order S, which creates no happens-before: a seq_cst
 * access is modelled as acquire/release (more behaviours than C11 allows
 * for store-buffering through seq_cst accesses, never fewer for anything
 * else).  A seq_cst fence joins and publishes one global view, the
 * fence-to-fence ordering C11 guarantees.  The hierarchy's proofs (O1,
 * O11) need only release/acquire and "an RMW reads the latest value".
 */
static void sc_fence_before(struct agent *a, int order)
{
	if (order == __ATOMIC_SEQ_CST)
		join_cur(a, sc_view, nlocs);
}

static void sc_fence_after(struct agent *a, int order)
{
	if (order == __ATOMIC_SEQ_CST)
		join(sc_view, a->cur, nlocs);
}

/* Reading message `idx` of `loc` with `order`. */
static uint64_t read_msg(struct agent *a, uint32_t loc, uint32_t idx, int order)
{
	const struct message *m = &locs[loc].msgs[idx];

	see(a, loc, idx);
	if (m->view) {
		join(a->acq, m->view, m->view_len);
		if (is_acquire(order))
			join(a->cur, m->view, m->view_len);
	}
	return m->val;
}

static bool wants_stale(const struct agent *a, unsigned kind, const void *obj)
{
	return (a->stale_kinds & kind) && (!a->stale_obj || a->stale_obj == obj);
}

/* ---- accesses ---- */

uint64_t tmweak_load(unsigned kind, const void *obj, const void *p, size_t size, int order)
{
	struct agent *a;
	uint32_t loc, idx, latest;
	uint64_t v;

	pthread_mutex_lock(&model_lock);
	if (!tracking) {
		v = mem_read(p, size);
		pthread_mutex_unlock(&model_lock);
		return v;
	}
	a = me(NULL);
	loc = loc_of(p, size);
	latest = locs[loc].n - 1;
	idx = wants_stale(a, kind, obj) ? a->cur[loc] : latest;
	if (idx < latest)
		a->stale_reads++;
	v = read_msg(a, loc, idx, order);
	pthread_mutex_unlock(&model_lock);
	return v;
}

static void store_locked(struct agent *a, uint32_t loc, void *p, size_t size, uint64_t v,
			 int order)
{
	uint32_t len, idx;
	uint32_t *view;

	/* the message's own entry is set after it has an index */
	view = store_view(a, order, &len);
	idx = append(loc, v, view, len);
	see(a, loc, idx);
	if (view && loc < len)
		view[loc] = idx;
	mem_write(p, size, v);
}

void tmweak_store(unsigned kind, const void *obj, void *p, size_t size, uint64_t v, int order)
{
	(void)kind;
	(void)obj;
	pthread_mutex_lock(&model_lock);
	if (!tracking)
		mem_write(p, size, v);
	else
		store_locked(me(NULL), loc_of(p, size), p, size, v, order);
	pthread_mutex_unlock(&model_lock);
}

/*
 * A successful RMW: reads the latest message with `order`'s acquire part,
 * writes one that continues that message's release sequence (its view)
 * and adds the writer's own view if `order` releases.
 */
static uint64_t rmw_locked(struct agent *a, uint32_t loc, void *p, size_t size,
			   uint64_t (*op)(uint64_t old, uint64_t arg), uint64_t arg, int order)
{
	struct location *l = &locs[loc];
	uint32_t latest = l->n - 1, len, idx;
	const struct message *prev;
	uint32_t *view;
	uint64_t old;

	old = read_msg(a, loc, latest, order);
	prev = &l->msgs[latest];
	len = nlocs;
	view = calloc(len + 1, sizeof(*view));
	if (!view)
		die("out of memory");
	if (prev->view)
		join(view, prev->view, prev->view_len);
	if (is_release(order))
		join(view, a->cur, nlocs);
	else if (a->rel)
		join(view, a->rel, a->rel_len);
	idx = append(loc, op(old, arg), view, len);
	view[loc] = idx;
	see(a, loc, idx);
	mem_write(p, size, op(old, arg));
	return old;
}

static uint64_t op_set(uint64_t old, uint64_t arg)
{
	(void)old;
	return arg;
}

static uint64_t op_or(uint64_t old, uint64_t arg)
{
	return old | arg;
}

static uint64_t get_expected(const void *e, size_t size)
{
	switch (size) {
	case 1: return *(const uint8_t *)e;
	case 2: return *(const uint16_t *)e;
	case 4: return *(const uint32_t *)e;
	}
	return *(const uint64_t *)e;
}

static void put_expected(void *e, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)e = (uint8_t)v; return;
	case 2: *(uint16_t *)e = (uint16_t)v; return;
	case 4: *(uint32_t *)e = (uint32_t)v; return;
	}
	*(uint64_t *)e = v;
}

bool tmweak_cas(unsigned kind, const void *obj, void *p, size_t size, void *expected,
		uint64_t desired, int success, int failure)
{
	uint64_t want = get_expected(expected, size), cur;
	struct agent *a;
	uint32_t loc;
	bool ok;

	(void)kind;
	(void)obj;
	pthread_mutex_lock(&model_lock);
	if (!tracking) {
		pthread_mutex_unlock(&model_lock);
		/* untracked: the model lock makes read-compare-write one step */
		cur = mem_read(p, size);
		ok = cur == want;
		if (ok)
			mem_write(p, size, desired);
		else
			put_expected(expected, size, cur);
		pthread_mutex_unlock(&model_lock);
		return ok;
	}
	a = me(NULL);
	loc = loc_of(p, size);
	cur = locs[loc].msgs[locs[loc].n - 1].val;
	ok = cur == want;
	if (ok) {
		rmw_locked(a, loc, p, size, op_set, desired, success);
	} else {
		/* a failed CAS is a load of the latest message with `failure` */
		put_expected(expected, size, read_msg(a, loc, locs[loc].n - 1, failure));
	}
	pthread_mutex_unlock(&model_lock);
	return ok;
}

uint64_t tmweak_fetch_or(unsigned kind, const void *obj, void *p, size_t size, uint64_t v,
			 int order)
{
	uint64_t old;

	(void)kind;
	(void)obj;
	pthread_mutex_lock(&model_lock);
	if (!tracking) {
		old = mem_read(p, size);	/* under the model lock: one step */
		mem_write(p, size, old | v);
	} else {
		old = rmw_locked(me(NULL), loc_of(p, size), p, size, op_or, v, order);
	}
	pthread_mutex_unlock(&model_lock);
	return old;
}

void tmweak_fence(int order)
{
	struct agent *a;

	pthread_mutex_lock(&model_lock);
	if (tracking) {
		a = me(NULL);
		if (is_acquire(order))
			join(a->cur, a->acq, nlocs);
		sc_fence_before(a, order);
		if (is_release(order)) {
			free(a->rel);
			a->rel = view_copy(a->cur, nlocs);
			a->rel_len = nlocs;
		}
		sc_fence_after(a, order);
	}
	pthread_mutex_unlock(&model_lock);
}

/* ---- locks ---- */

static struct lock_view *lock_view_of(const void *lock)
{
	for (uint32_t i = 0; i < nlock_views; i++)
		if (lock_views[i].addr == lock)
			return &lock_views[i];
	if (nlock_views == MAX_LOCKS)
		die("too many locks");
	lock_views[nlock_views].addr = lock;
	lock_views[nlock_views].view = NULL;
	lock_views[nlock_views].view_len = 0;
	return &lock_views[nlock_views++];
}

void tmweak_lock_acquired(const void *lock)
{
	struct lock_view *lv;

	pthread_mutex_lock(&model_lock);
	if (tracking) {
		lv = lock_view_of(lock);
		if (lv->view)
			join_cur(me(NULL), lv->view, lv->view_len);
	}
	pthread_mutex_unlock(&model_lock);
}

void tmweak_lock_releasing(const void *lock)
{
	struct lock_view *lv;
	struct agent *a;

	pthread_mutex_lock(&model_lock);
	if (tracking) {
		lv = lock_view_of(lock);
		a = me(NULL);
		if (lv->view_len < nlocs) {
			lv->view = realloc(lv->view, nlocs * sizeof(*lv->view) + 1);
			if (!lv->view)
				die("out of memory");
			memset(lv->view + lv->view_len, 0,
			       (nlocs - lv->view_len) * sizeof(*lv->view));
			lv->view_len = nlocs;
		}
		join(lv->view, a->cur, nlocs);
	}
	pthread_mutex_unlock(&model_lock);
}

/* ---- control ---- */

static void forget(void)
{
	for (uint32_t i = 0; i < nlocs; i++) {
		for (uint32_t m = 0; m < locs[i].n; m++)
			free(locs[i].msgs[m].view);
		free(locs[i].msgs);
	}
	for (uint32_t i = 0; i < nlock_views; i++)
		free(lock_views[i].view);
	for (uint32_t i = 0; i < MAX_AGENTS; i++)
		free(agents[i].rel);
	memset(locs, 0, sizeof(locs));
	memset(lock_views, 0, sizeof(lock_views));
	memset(agents, 0, sizeof(agents));
	memset(sc_view, 0, sizeof(sc_view));
	nlocs = 0;
	nlock_views = 0;
}

void tmweak_begin(void)
{
	pthread_mutex_lock(&model_lock);
	forget();
	tracking = true;
	pthread_mutex_unlock(&model_lock);
}

void tmweak_end(void)
{
	pthread_mutex_lock(&model_lock);
	forget();
	tracking = false;
	pthread_mutex_unlock(&model_lock);
}

void tmweak_stale(uint32_t cpu, unsigned kinds, const void *obj)
{
	pthread_mutex_lock(&model_lock);
	if (cpu >= MAX_AGENTS)
		die("tmweak_stale: CPU number beyond the model's agents");
	agents[cpu].stale_kinds = kinds;
	agents[cpu].stale_obj = obj;
	pthread_mutex_unlock(&model_lock);
}

uint32_t tmweak_stale_reads(uint32_t cpu)
{
	uint32_t n;

	pthread_mutex_lock(&model_lock);
	n = cpu < MAX_AGENTS ? agents[cpu].stale_reads : 0;
	pthread_mutex_unlock(&model_lock);
	return n;
}
