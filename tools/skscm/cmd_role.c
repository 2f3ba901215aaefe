// SPDX-License-Identifier: GPL-2.0
/*
 * skscm - role login, logout, init, changepw and show, and what a refused
 * secret means for the role.
 */
#include <stdio.h>
#include <strings.h>

#include "skscm.h"

/* "co" or "cu", as 'role init -name' takes it. */
static const char *role_opt(uint32_t role)
{
	return role == SKS_ROLE_CU ? "cu" : "co";
}

/*
 * After a partition refused a secret of @role (@ckr): what it means, from
 * the slot's counters and state (the policies of <linux/sks.h>): how many
 * attempts are left, a role now locked, a partition zeroized.
 */
void cm_explain_role_failure(struct cm_state *st, unsigned int slot,
			     uint32_t role, uint32_t ckr)
{
	struct sks_session *s = cm_session_on(st, slot);
	struct sks_session_desc *d = s ? sks_session_get_desc(s) : NULL;
	const char *name = sks_role_name(role);
	uint32_t state = d ? sks_session_desc_get_state(d) : 0;
	unsigned int n;

	if (ckr == SKS_CKR_PIN_LEN_RANGE) {
		cm_para("A password is %d to %d characters long.", SKS_PIN_MIN,
			SKS_PIN_MAX);
	} else if (state & SKS_STATE_ZEROIZED) {
		cm_para("The partition on slot %u was zeroized after %d failed partition SO logins:\n"
			"its SMKs, objects and roles are gone. 'partition init' initializes it again.",
			slot, SKS_MAX_SO_FAILURES);
	} else if (!d) {
		/* Nothing more to say. */
	} else if (ckr == SKS_CKR_PIN_LOCKED ||
		   (ckr == SKS_CKR_PIN_INCORRECT && role != SKS_ROLE_SO &&
		    (state & (role == SKS_ROLE_CU ? SKS_STATE_CU_LOCKED :
			      SKS_STATE_CO_LOCKED)))) {
		cm_para("The %s is locked after %d failed logins.\n"
			"The partition SO unlocks it with 'role init -name %s'.",
			name, SKS_MAX_LOGIN_FAILURES, role_opt(role));
	} else if (ckr == SKS_CKR_PIN_INCORRECT && role == SKS_ROLE_SO) {
		n = sks_session_desc_get_so_failures(d);
		cm_para("Failed partition SO logins: %u of %d. At %d the partition is zeroized:\n"
			"its SMKs, objects and roles are destroyed.",
			n, SKS_MAX_SO_FAILURES, SKS_MAX_SO_FAILURES);
	} else if (ckr == SKS_CKR_PIN_INCORRECT) {
		n = role == SKS_ROLE_CU ? sks_session_desc_get_cu_failures(d) :
		    sks_session_desc_get_co_failures(d);
		cm_para("Failed %s logins: %u of %d. At %d the role is locked until the partition SO\n"
			"initializes it again.", name, n, SKS_MAX_LOGIN_FAILURES,
			SKS_MAX_LOGIN_FAILURES);
	} else if (ckr == SKS_CKR_USER_PIN_NOT_INITIALIZED) {
		if (!(state & SKS_STATE_INITIALIZED))
			cm_para("The partition on slot %u is not initialized: 'partition init' first.",
				slot);
		else if (role != SKS_ROLE_SO)
			cm_para("The %s has no password yet: the partition SO sets it with 'role init -name %s'.",
				name, role_opt(role));
	}
	sks_session_desc_free(d);
}

static int parse_role(const char *name, uint32_t *role)
{
	static const struct { const char *name; uint32_t role; } roles[] = {
		{ "so", SKS_ROLE_SO }, { "po", SKS_ROLE_SO },
		{ "partition so", SKS_ROLE_SO },
		{ "co", SKS_ROLE_CO }, { "crypto officer", SKS_ROLE_CO },
		{ "cu", SKS_ROLE_CU }, { "crypto user", SKS_ROLE_CU },
	};

	for (size_t i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcasecmp(name, roles[i].name)) {
			*role = roles[i].role;
			return 0;
		}
	return -1;
}

uint32_t cm_role_login(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t role, ckr = CKR_OK;
	struct sks_session *s;
	char *pw;

	if (parse_role(cm_get(p, "name"), &role))
		return cm_syntax("Option -name must be so, co, cu, Crypto Officer or Crypto User.");
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	pw = cm_secret(st, p, "password", "\n\tEnter the password: ");
	if (!pw)
		return cm_no_answer(st);
	if (sks_session_login(s, role, pw)) {
		ckr = cm_failed("Login as %s failed.", sks_role_name(role));
		cm_explain_role_failure(st, st->slot, role, ckr);
	}
	cm_drop_secret(pw);
	return ckr;
}

uint32_t cm_role_logout(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK;
	struct sks_session *s = cm_current(st, &ckr);

	(void)p;
	if (!s)
		return ckr;
	if (sks_session_logout(s))
		return cm_failed_why("Logout failed");
	return CKR_OK;
}

uint32_t cm_role_init(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t role, ckr = CKR_OK;
	struct sks_session *s;
	char *pw;

	if (parse_role(cm_get(p, "name"), &role) || role == SKS_ROLE_SO)
		return cm_syntax("Option -name must be co, cu, Crypto Officer or Crypto User.");
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	pw = cm_new_secret(st, p, "password", "\n\tEnter the new password: ",
			   "\n\tEnter the new password again: ", &ckr);
	if (!pw)
		return ckr;
	if (sks_session_init_role(s, role, pw))
		ckr = cm_failed("Failed to initialize the %s role.", sks_role_name(role));
	cm_drop_secret(pw);
	return ckr;
}

uint32_t cm_role_changepw(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t role, ckr = CKR_OK;
	struct sks_session *s;
	char *old = NULL, *new = NULL;

	if (parse_role(cm_get(p, "name"), &role))
		return cm_syntax("Option -name must be so, co, cu, Crypto Officer or Crypto User.");
	s = cm_current(st, &ckr);
	if (!s)
		return ckr;
	old = cm_secret(st, p, "oldpw", "\n\tEnter the current password: ");
	if (!old)
		return cm_no_answer(st);
	new = cm_new_secret(st, p, "newpw", "\n\tEnter the new password: ",
			    "\n\tEnter the new password again: ", &ckr);
	if (new && sks_session_change_pin(s, role, old, new)) {
		ckr = cm_failed_why("Failed to change the password");
		cm_explain_role_failure(st, st->slot, role, ckr);
	}
	cm_drop_secret(old);
	cm_drop_secret(new);
	return ckr;
}

/* "3 of 10 failed logins", "locked (...)": one role's line of role show. */
static void print_role_counter(const char *label, unsigned int failures,
			       int limit, int locked, const char *locked_how)
{
	if (locked)
		printf("\t%s\tlocked after %d failed logins; %s\n", label,
		       limit, locked_how);
	else
		printf("\t%s\t%u of %d failed logins\n", label, failures,
		       limit);
}

/* The bad-attempt counters of a partition or Backup HSM (role show,
 * partition show). */
void cm_print_counters(const struct sks_session_desc *d)
{
	uint32_t state = sks_session_desc_get_state(d);
	unsigned int secs = sks_session_desc_get_lockout_secs(d);

	if (sks_session_desc_get_type(d) == SKS_SLOT_BACKUP) {
		printf("\tHSM SO ->\t\t%u of %d failed attempts",
		       sks_session_desc_get_so_failures(d),
		       SKS_MAX_HSM_SO_FAILURES);
		if ((state & SKS_STATE_SO_LOCKED) || secs)
			printf("; locked out for %u more second%s", secs,
			       cm_plural(secs));
		printf("\n");
		return;
	}
	if (state & SKS_STATE_ZEROIZED) {
		printf("\tPartition SO ->\t\tzeroized after %d failed logins; 'partition init' initializes it again\n",
		       SKS_MAX_SO_FAILURES);
		return;
	}
	print_role_counter("Partition SO ->\t", sks_session_desc_get_so_failures(d),
			   SKS_MAX_SO_FAILURES, 0, NULL);
	print_role_counter("Crypto Officer ->", sks_session_desc_get_co_failures(d),
			   SKS_MAX_LOGIN_FAILURES, state & SKS_STATE_CO_LOCKED,
			   "the partition SO unlocks it with 'role init -name co'");
	print_role_counter("Crypto User ->\t", sks_session_desc_get_cu_failures(d),
			   SKS_MAX_LOGIN_FAILURES, state & SKS_STATE_CU_LOCKED,
			   "the partition SO unlocks it with 'role init -name cu'");
}

uint32_t cm_role_show(struct cm_state *st, const struct cm_parsed *p)
{
	uint32_t ckr = CKR_OK;
	struct sks_session *s = cm_current(st, &ckr);
	struct sks_session_desc *d;

	(void)p;
	if (!s)
		return ckr;
	d = sks_session_get_desc(s);
	if (!d)
		return cm_failed("Failed to read the session state.");
	if (sks_session_desc_get_role(d) == SKS_ROLE_NONE)
		cm_para("No role is logged in on slot %u.", st->slot);
	else
		cm_para("The '%s' is logged in on slot %u.",
			sks_role_name(sks_session_desc_get_role(d)), st->slot);
	putchar('\n');
	cm_print_counters(d);
	sks_session_desc_free(d);
	return CKR_OK;
}
