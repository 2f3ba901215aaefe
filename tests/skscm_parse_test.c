// SPDX-License-Identifier: GPL-2.0
/*
 * skscm's command line parser against the real command table: tokens and
 * quoting, unique-prefix abbreviations of commands and options, multi-word
 * values, ambiguous and unknown names. Linked with skscm's sources
 * (all but main.c).
 */
#include <string.h>

#include "kselftest_harness.h"

#include "../tools/skscm/parse.h"

/* Tokenize and parse @line; 0 or -1 like cm_parse(). */
static int parse(const char *line, struct cm_parsed *p)
{
	struct cm_token *t = NULL;
	char err[CM_ERR_LEN];
	int n, ret;

	memset(p, 0, sizeof(*p));
	n = cm_tokenize(line, &t, err, sizeof(err));
	if (n < 0) {
		snprintf(p->err, sizeof(p->err), "%s", err);
		return -1;
	}
	ret = cm_parse(cm_commands, cm_ncommands, t, n, p);
	cm_tokens_free(t, n);
	return ret;
}

static const char *name_of(const struct cm_parsed *p, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; p->cmd->words[i]; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 i ? " " : "", p->cmd->words[i]);
	return buf;
}

TEST(tokens_quotes_and_escapes)
{
	struct cm_token *t;
	char err[CM_ERR_LEN];
	int n = cm_tokenize("  a \"b c\" 'd \"e' f\\ g \"-x\" # comment", &t, err,
			    sizeof(err));

	ASSERT_EQ(5, n);
	EXPECT_STREQ("a", t[0].text);
	EXPECT_EQ(0, t[0].quoted);
	EXPECT_STREQ("b c", t[1].text);
	EXPECT_STREQ("d \"e", t[2].text);
	EXPECT_STREQ("f g", t[3].text);
	EXPECT_STREQ("-x", t[4].text);
	EXPECT_EQ(1, t[4].quoted);
	cm_tokens_free(t, n);

	EXPECT_EQ(0, cm_tokenize("   ", &t, err, sizeof(err)));
	cm_tokens_free(t, 0);
	EXPECT_EQ(-1, cm_tokenize("a \"b", &t, err, sizeof(err)));
	EXPECT_STREQ("Unterminated double quote.", err);
	EXPECT_EQ(-1, cm_tokenize("a b\\", &t, err, sizeof(err)));
}

TEST(seed_commands_parse)
{
	struct cm_parsed p;
	char n[128];

	ASSERT_EQ(0, parse("slot set -slot 4", &p));
	EXPECT_STREQ("slot set", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("4", cm_get(&p, "slot"));
	cm_parsed_free(&p);

	ASSERT_EQ(0, parse("partition archive backup -slot 5 ", &p));
	EXPECT_STREQ("partition archive backup", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("5", cm_get(&p, "slot"));
	EXPECT_FALSE(cm_has(&p, "partition"));
	cm_parsed_free(&p);

	ASSERT_EQ(0, parse("partition archive restore -slot 5 -partition 358628973182_2017:03:09-16:52:47", &p));
	EXPECT_STREQ("partition archive restore", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("358628973182_2017:03:09-16:52:47", cm_get(&p, "partition"));
	cm_parsed_free(&p);
}

TEST(multi_word_value_without_quotes)
{
	struct cm_parsed p;

	ASSERT_EQ(0, parse("role login -name Crypto Officer", &p));
	EXPECT_STREQ("Crypto Officer", cm_get(&p, "name"));
	EXPECT_FALSE(cm_has(&p, "password"));
	cm_parsed_free(&p);

	ASSERT_EQ(0, parse("role login -name  Crypto   User -password", &p));
	EXPECT_STREQ("Crypto User", cm_get(&p, "name"));
	EXPECT_TRUE(cm_has(&p, "password"));
	EXPECT_EQ(NULL, cm_get(&p, "password"));
	cm_parsed_free(&p);

	ASSERT_EQ(0, parse("role login -name \"Crypto Officer\" -password 's3cr -et'", &p));
	EXPECT_STREQ("Crypto Officer", cm_get(&p, "name"));
	EXPECT_STREQ("s3cr -et", cm_get(&p, "password"));
	cm_parsed_free(&p);
}

TEST(seed_abbreviation)
{
	struct cm_parsed p;
	char n[128];

	ASSERT_EQ(0, parse("par ar r -s 5 -par pre-7-7", &p));
	EXPECT_STREQ("partition archive restore", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("5", cm_get(&p, "slot"));
	EXPECT_STREQ("pre-7-7", cm_get(&p, "partition"));
	cm_parsed_free(&p);

	ASSERT_EQ(0, parse("PAR AR B -SL 5", &p));
	EXPECT_STREQ("partition archive backup", name_of(&p, n, sizeof(n)));
	cm_parsed_free(&p);

	EXPECT_EQ(-1, parse("ro l -n co", &p));
	ASSERT_EQ(0, parse("ro logi -n co -p abcd", &p));
	EXPECT_STREQ("role login", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("co", cm_get(&p, "name"));
	EXPECT_STREQ("abcd", cm_get(&p, "password"));
	cm_parsed_free(&p);
}

TEST(ambiguous_prefixes_list_candidates)
{
	struct cm_parsed p;

	EXPECT_EQ(-1, parse("par ar r -s 5 -pa pre-7-7", &p));
	EXPECT_STREQ("Ambiguous option '-pa': could be -partition, -password.", p.err);
	EXPECT_EQ(-1, parse("role lo -name co", &p));
	EXPECT_STREQ("Ambiguous command 'lo': could be login, logout.", p.err);
	EXPECT_EQ(-1, parse("s", &p));
	EXPECT_STREQ("Ambiguous command 's': could be slot, sks.", p.err);
	EXPECT_EQ(-1, parse("partition", &p));
	EXPECT_STREQ("Incomplete command; choose one of: create, init, delete, show, contents, smkrollover, changepolicy, archive.",
		     p.err);
}

TEST(exact_name_beats_prefix)
{
	struct cm_parsed p;
	char n[128];

	ASSERT_EQ(0, parse("sks extract -handles 1,2 -file x", &p));
	EXPECT_STREQ("1,2", cm_get(&p, "handles"));
	cm_parsed_free(&p);
	ASSERT_EQ(0, parse("crypto enc -handle 3 -in a -out b", &p));
	EXPECT_STREQ("crypto encrypt", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("a", cm_get(&p, "in"));
	cm_parsed_free(&p);
	/* "key generate -usage" vs "-usagelimit": the exact name wins. */
	ASSERT_EQ(0, parse("key gen -usage sign -usagelimit 3", &p));
	EXPECT_STREQ("sign", cm_get(&p, "usage"));
	EXPECT_STREQ("3", cm_get(&p, "usagelimit"));
	cm_parsed_free(&p);
	EXPECT_EQ(-1, parse("key gen -usa sign", &p));
	EXPECT_STREQ("Ambiguous option '-usa': could be -usage, -usagelimit.", p.err);
}

TEST(errors)
{
	struct cm_parsed p;

	EXPECT_EQ(-1, parse("frobnicate", &p));
	EXPECT_STREQ("Unknown command 'frobnicate'. Type 'help' for a list of commands.", p.err);
	EXPECT_EQ(-1, parse("slot frob", &p));
	EXPECT_STREQ("Unknown command 'frob'; choose one of: list, set.", p.err);
	EXPECT_EQ(-1, parse("slot set -bogus 1", &p));
	EXPECT_STREQ("Unknown option '-bogus' for 'slot set'.", p.err);
	EXPECT_EQ(-1, parse("slot set -slot", &p));
	EXPECT_STREQ("Option -slot needs a value.", p.err);
	EXPECT_EQ(-1, parse("slot set -slot 1 -slot 2", &p));
	EXPECT_STREQ("Option -slot given twice.", p.err);
	EXPECT_EQ(-1, parse("partition delete -force yes", &p));
	EXPECT_STREQ("Option -force takes no value ('yes').", p.err);
	EXPECT_EQ(-1, parse("slot list extra", &p));
	EXPECT_STREQ("Unexpected argument 'extra'.", p.err);
}

TEST(positional_and_help)
{
	const struct cm_cmd_def *found[64];
	struct cm_token *t;
	struct cm_parsed p;
	char err[CM_ERR_LEN];
	int n;

	ASSERT_EQ(0, parse("sks identify keys.sks", &p));
	EXPECT_STREQ("keys.sks", cm_get(&p, "file"));
	cm_parsed_free(&p);
	ASSERT_EQ(0, parse("help par ar", &p));
	EXPECT_STREQ("par ar", cm_get(&p, "command"));
	cm_parsed_free(&p);

	n = cm_tokenize("par ar", &t, err, sizeof(err));
	ASSERT_EQ(2, n);
	EXPECT_EQ(5, cm_lookup(cm_commands, cm_ncommands, t, n, found, 64, err,
			       sizeof(err)));
	EXPECT_STREQ("backup", found[0]->words[2]);
	EXPECT_STREQ("restore", found[1]->words[2]);
	EXPECT_STREQ("list", found[2]->words[2]);
	EXPECT_STREQ("show", found[3]->words[2]);
	EXPECT_STREQ("delete", found[4]->words[2]);
	cm_tokens_free(t, n);
}

TEST(backup_hsm_commands_abbreviate)
{
	struct cm_parsed p;
	char n[128];

	ASSERT_EQ(0, parse("par ar l -s 5", &p));
	EXPECT_STREQ("partition archive list", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("5", cm_get(&p, "slot"));
	cm_parsed_free(&p);
	ASSERT_EQ(0, parse("par ar d -s 5 -par 1_2017:03:09-16:52:47 -f", &p));
	EXPECT_STREQ("partition archive delete", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("1_2017:03:09-16:52:47", cm_get(&p, "partition"));
	EXPECT_TRUE(cm_has(&p, "force"));
	cm_parsed_free(&p);
	ASSERT_EQ(0, parse("par ar b -s 5 -par a -o 1,2 -ap", &p));
	EXPECT_STREQ("partition archive backup", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("1,2", cm_get(&p, "objects"));
	EXPECT_TRUE(cm_has(&p, "append"));
	cm_parsed_free(&p);
	ASSERT_EQ(0, parse("ba im sa -s 5 -fi /tmp/b.img", &p));
	EXPECT_STREQ("backuphsm image save", name_of(&p, n, sizeof(n)));
	EXPECT_STREQ("/tmp/b.img", cm_get(&p, "file"));
	cm_parsed_free(&p);
	ASSERT_EQ(0, parse("ba im l -f /tmp/b.img -a", &p));
	EXPECT_STREQ("backuphsm image load", name_of(&p, n, sizeof(n)));
	EXPECT_TRUE(cm_has(&p, "attach"));
	cm_parsed_free(&p);
	ASSERT_EQ(0, parse("ba at -s 5 -f /tmp/b.img", &p));
	EXPECT_STREQ("backuphsm attach", name_of(&p, n, sizeof(n)));
	cm_parsed_free(&p);
	/* "ba im s": save, not show (no "show" under "backuphsm image"). */
	ASSERT_EQ(0, parse("ba im s -s 5 -fi x", &p));
	EXPECT_STREQ("backuphsm image save", name_of(&p, n, sizeof(n)));
	cm_parsed_free(&p);
	/* "-p" could be -partition or -password. */
	EXPECT_EQ(-1, parse("par ar sh -s 5 -p x", &p));
	EXPECT_NE(NULL, strstr(p.err, "-partition"));
}

TEST(negative_number_is_a_value)
{
	struct cm_parsed p;

	/* "-1" is not an option name: it is the value (rejected later). */
	ASSERT_EQ(0, parse("slot set -slot -1", &p));
	EXPECT_STREQ("-1", cm_get(&p, "slot"));
	cm_parsed_free(&p);
}

/* @line as skscm shows it, compared with @want. */
static int masks_to(const char *line, const char *want)
{
	char *got = cm_mask_secrets(cm_commands, cm_ncommands, line);
	int same = got && !strcmp(got, want);

	if (!same)
		fprintf(stderr, "# '%s' -> '%s', want '%s'\n", line,
			got ? got : "(null)", want);
	free(got);
	return same;
}

TEST(secrets_are_masked_wherever_a_line_is_shown)
{
	/* Every secret option, full or abbreviated, in any position. */
	EXPECT_TRUE(masks_to("role login -name co -password s3cret-pw",
			     "role login -name co -password ********"));
	EXPECT_TRUE(masks_to("role login -password s3cret-pw -name co",
			     "role login -password ******** -name co"));
	EXPECT_TRUE(masks_to("role login -name Crypto Officer -pa s3cret pw",
			     "role login -name Crypto Officer -pa ********"));
	EXPECT_TRUE(masks_to("role changepw -name so -o old-secret -ne new-secret",
			     "role changepw -name so -o ******** -ne ********"));
	EXPECT_TRUE(masks_to("partition archive backup -slot 5 -password a1234567 -userpassword b1234567",
			     "partition archive backup -slot 5 -password ******** -userpassword ********"));
	EXPECT_TRUE(masks_to("backuphsm image load -file x.img -password 'a b c' -attach",
			     "backuphsm image load -file x.img -password ******** -attach"));
	/* Not a secret: shown as typed. -par is the archive's name. */
	EXPECT_TRUE(masks_to("par ar r -s 5 -par pre-7-7", "par ar r -s 5 -par pre-7-7"));
	EXPECT_TRUE(masks_to("role login -name co -password", "role login -name co -password"));
	EXPECT_TRUE(masks_to("  ", "  "));
	/* Lines that do not parse: everything after a word that could
	 * name a secret option is hidden. */
	EXPECT_TRUE(masks_to("rloe login -password s3cret-pw", "rloe login -password ********"));
	EXPECT_TRUE(masks_to("role login -name co -password -oops x", "role login -name co -password ********"));
	EXPECT_TRUE(masks_to("role login -password a -password b", "role login -password ********"));
	EXPECT_TRUE(masks_to("role login -name co -password \"s3cret",
			     "role login -name co -password ********"));
	EXPECT_TRUE(masks_to("par ar sh -s 5 -p x -pa y", "par ar sh -s 5 -p ********"));
	/* A value glued to a secret option's name, or a stray character
	 * in the name: hidden from the first character after its letters. */
	EXPECT_TRUE(masks_to("role login -name co -password='SECRET5abc'",
			     "role login -name co -password********"));
	EXPECT_TRUE(masks_to("role login -name co -p=SECRETFabc",
			     "role login -name co -p********"));
	EXPECT_TRUE(masks_to("role login -name co -password:SECRETGabc x",
			     "role login -name co -password********"));
	EXPECT_TRUE(masks_to("role init -name co -pass\\word SECRETHabc",
			     "role init -name co -pass********"));
}

TEST(table_is_consistent)
{
	/* Every command has a handler; no command's words are a prefix of
	 * another's; options unique. */
	for (size_t i = 0; i < cm_ncommands; i++) {
		const struct cm_cmd_def *c = &cm_commands[i];

		ASSERT_NE(NULL, c->run);
		ASSERT_NE(NULL, c->summary);
		ASSERT_NE(NULL, c->usage);
		for (const struct cm_opt_def *o = c->opts; o->name; o++)
			for (const struct cm_opt_def *q = o + 1; q->name; q++)
				EXPECT_NE(0, strcmp(o->name, q->name));
		for (size_t j = 0; j < cm_ncommands; j++) {
			int k;

			if (i == j)
				continue;
			for (k = 0; c->words[k] && cm_commands[j].words[k]; k++)
				if (strcmp(c->words[k], cm_commands[j].words[k]))
					break;
			EXPECT_FALSE(!c->words[k]);
		}
	}
}

TEST_HARNESS_MAIN
