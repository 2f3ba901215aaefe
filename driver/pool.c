// SPDX-License-Identifier: GPL-2.0
/*
 * sks - pools of crypto transforms and operation buffers.
 *
 * A key object gets its own keyed transform on first use and keeps it
 * (keyuse.c): keys are never set per operation and no two keys share a
 * transform. What made a short-lived key expensive was allocating that
 * transform (crypto_alloc_aead() looks the algorithm up and builds the
 * gcm instance's context) and, per operation, a bounce buffer. Both come
 * from pools here: a transform goes back wiped (re-keyed with zeros, so
 * no key schedule outlives its object) and a buffer goes back wiped over
 * the bytes it carried. The pools hold at most SKS_POOL_MAX items each
 * and never shrink below what was freed into them until the module goes.
 */

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "sks.h"

#define SKS_POOL_MAX	64

/**
 * struct sks_pool - a bounded free list.
 * @lock: protects @nr and @items.
 * @nr: items in the pool.
 * @items: transforms or buffers.
 */
struct sks_pool {
	spinlock_t lock;	/* protects nr and items */
	unsigned int nr;
	void *items[SKS_POOL_MAX];
};

static struct sks_pool sks_gcm_pool = {
	.lock = __SPIN_LOCK_UNLOCKED(sks_gcm_pool.lock),
};

static struct sks_pool sks_buf_pool = {
	.lock = __SPIN_LOCK_UNLOCKED(sks_buf_pool.lock),
};

static struct sks_pool sks_hmac_pool[SKS_HMAC_ALGS] = {
	[0 ... SKS_HMAC_ALGS - 1] = {
		.lock = __SPIN_LOCK_UNLOCKED(sks_hmac_pool.lock),
	},
};

static void *sks_pool_pop(struct sks_pool *p)
{
	void *item = NULL;

	spin_lock(&p->lock);
	if (p->nr)
		item = p->items[--p->nr];
	spin_unlock(&p->lock);
	return item;
}

/* Returns false when the pool is full (the caller frees @item). */
static bool sks_pool_push(struct sks_pool *p, void *item)
{
	bool kept = false;

	spin_lock(&p->lock);
	if (p->nr < SKS_POOL_MAX) {
		p->items[p->nr++] = item;
		kept = true;
	}
	spin_unlock(&p->lock);
	return kept;
}

/**
 * sks_gcm_get() - an unkeyed gcm(aes) transform with a 16-byte tag.
 *
 * Context: process context, may sleep.
 * Return: the transform (give it back with sks_gcm_put()) or an ERR_PTR.
 */
struct crypto_aead *sks_gcm_get(void)
{
	return sks_pool_pop(&sks_gcm_pool) ?: sks_gcm_alloc();
}

/**
 * sks_gcm_put() - wipe a transform's key and give it back.
 * @tfm: from sks_gcm_get(), or NULL.
 *
 * Context: process context, may sleep.
 */
void sks_gcm_put(struct crypto_aead *tfm)
{
	static const u8 zero[SKS_SMK_LEN];

	if (!tfm)
		return;
	/* a transform that cannot be wiped is freed, never kept */
	if (crypto_aead_setkey(tfm, zero, sizeof(zero)) ||
	    !sks_pool_push(&sks_gcm_pool, tfm))
		crypto_free_aead(tfm);
}

/**
 * sks_hmac_get() - an unkeyed hmac() transform.
 * @idx: 0, 1, 2 for hmac(sha256), hmac(sha384), hmac(sha512).
 *
 * Context: process context, may sleep.
 * Return: the transform (give it back with sks_hmac_put()) or an ERR_PTR.
 */
struct crypto_shash *sks_hmac_get(int idx)
{
	static const char *const names[SKS_HMAC_ALGS] = {
		"hmac(sha256)", "hmac(sha384)", "hmac(sha512)",
	};

	return sks_pool_pop(&sks_hmac_pool[idx]) ?:
	       crypto_alloc_shash(names[idx], 0, 0);
}

/**
 * sks_hmac_put() - wipe a transform's key and give it back.
 * @idx: as for sks_hmac_get().
 * @tfm: from sks_hmac_get(idx), or NULL.
 *
 * Context: process context.
 */
void sks_hmac_put(int idx, struct crypto_shash *tfm)
{
	if (!tfm)
		return;
	sks_shash_forget_key(tfm);
	if (!sks_pool_push(&sks_hmac_pool[idx], tfm))
		crypto_free_shash(tfm);
}

/**
 * sks_opbuf_get() - a buffer for one operation's data.
 * @size: bytes needed.
 *
 * Buffers of up to SKS_OPBUF_SIZE bytes come from the pool.
 *
 * Context: process context, may sleep.
 * Return: the buffer (give it back with sks_opbuf_put()) or NULL.
 */
void *sks_opbuf_get(size_t size)
{
	void *buf;

	if (size > SKS_OPBUF_SIZE)
		return kvmalloc(size, GFP_KERNEL_ACCOUNT);
	buf = sks_pool_pop(&sks_buf_pool);
	return buf ?: kmalloc(SKS_OPBUF_SIZE, GFP_KERNEL_ACCOUNT);
}

/**
 * sks_opbuf_put() - wipe what a buffer carried and give it back.
 * @buf: from sks_opbuf_get(@size), or NULL.
 * @size: the size it was asked for; all of it is wiped.
 *
 * Context: process context.
 */
void sks_opbuf_put(void *buf, size_t size)
{
	sks_opbuf_put_wiped(buf, size, size);
}

/**
 * sks_opbuf_put_wiped() - give a buffer back, wiping its first bytes.
 * @buf: from sks_opbuf_get(@size), or NULL.
 * @size: the size it was asked for.
 * @wipe: how many bytes from its start held anything secret (at most
 *	@size); the caller vouches that the rest holds only what it hands
 *	out anyway (an encryption's output, done in place).
 *
 * Context: process context.
 */
void sks_opbuf_put_wiped(void *buf, size_t size, size_t wipe)
{
	if (!buf)
		return;
	memzero_explicit(buf, min(wipe, size));
	if (size > SKS_OPBUF_SIZE)
		kvfree(buf);
	else if (!sks_pool_push(&sks_buf_pool, buf))
		kfree(buf);
}

/**
 * sks_pools_exit() - free everything the pools hold.
 *
 * Context: module exit (every object is gone).
 */
void sks_pools_exit(void)
{
	void *item;
	int i;

	while ((item = sks_pool_pop(&sks_gcm_pool)))
		crypto_free_aead(item);
	for (i = 0; i < SKS_HMAC_ALGS; i++)
		while ((item = sks_pool_pop(&sks_hmac_pool[i])))
			crypto_free_shash(item);
	while ((item = sks_pool_pop(&sks_buf_pool)))
		kfree(item);
}
