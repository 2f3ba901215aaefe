/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sks - what the two halves of the durable state code share: state.c
 * (saving, storage keys and their wraps) and state_load.c (loading and
 * activation).
 */
#ifndef _SKS_STATE_H
#define _SKS_STATE_H

#include "sks.h"

#define SKS_STATE_KEK_INFO	"SKS storage kek"
#define SKS_STATE_AUTO_INFO	"SKS auto-activation kek"

struct crypto_aead *sks_state_tfm(struct sks_slot *slot);
int sks_state_kek(struct sks_slot *slot, const u8 *prk, u32 prk_len,
		  const char *info, u8 *kek);
int sks_wrap_crypt(struct sks_slot *slot, bool enc, struct sks_rec_wrap *w,
		   const u8 *kek, u8 *key);
void sks_rec_secret_to(struct sks_secret *s, const struct sks_rec_secret *r);

#endif /* _SKS_STATE_H */
