/* test_shell.c - the shell scanner: commands, words, flags, state changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "shell.h"

struct scanned {
	dfx_arena arena;
	dfx_sh_script sc;
	const char *text;
};

static void scan_len(struct scanned *s, const char *text, size_t len)
{
	dfx_arena init = DFX_ARENA_INIT;
	s->arena = init;
	s->text = text;
	assert_int_equal(dfx_sh_scan(&s->sc, &s->arena, text, len), 0);
}

static void scan(struct scanned *s, const char *text)
{
	scan_len(s, text, strlen(text));
}

static void done(struct scanned *s)
{
	dfx_arena_dispose(&s->arena);
}

static const dfx_sh_cmd *cmd(struct scanned *s, size_t i)
{
	assert_true(i < s->sc.cmd_count);
	return &s->sc.cmds[i];
}

/* Checks command i's span text, depth and separator. */
static void expect_cmd(struct scanned *s, size_t i, const char *text, unsigned depth, dfx_sh_sep sep)
{
	const dfx_sh_cmd *c = cmd(s, i);
	size_t n = c->end - c->start;
	if (n != strlen(text) || memcmp(s->text + c->start, text, n) != 0)
		fail_msg("cmd %zu is [%.*s], want [%s]", i, (int)n, s->text + c->start, text);
	assert_int_equal(c->depth, depth);
	assert_int_equal(c->sep, sep);
}

static const dfx_sh_word *word(struct scanned *s, size_t ci, size_t wi)
{
	const dfx_sh_cmd *c = cmd(s, ci);
	assert_true(wi < c->word_count);
	return &s->sc.words[c->first_word + wi];
}

/* The raw text of word wi of command ci must be `raw`. */
static void expect_word(struct scanned *s, size_t ci, size_t wi, const char *raw)
{
	const dfx_sh_word *w = word(s, ci, wi);
	size_t n = w->end - w->start;
	if (n != strlen(raw) || memcmp(s->text + w->start, raw, n) != 0)
		fail_msg("word %zu.%zu is [%.*s], want [%s]", ci, wi, (int)n, s->text + w->start, raw);
}

static const char *value(struct scanned *s, size_t ci, size_t wi)
{
	return dfx_sh_word_value(&s->arena, s->text, word(s, ci, wi));
}

/* The reason dfx_sh_state_change gives for text, or NULL. */
static const char *state_reason(const char *text)
{
	struct scanned s;
	const char *why = "unset";
	scan(&s, text);
	const dfx_sh_cmd *c = dfx_sh_state_change(&s.sc, text, &why);
	done(&s);
	if (!c) {
		assert_null(why);
		return NULL;
	}
	assert_non_null(why);
	return why;
}

static void expect_state(const char *text, const char *reason_part)
{
	const char *why = state_reason(text);
	if (!why)
		fail_msg("no state change found in [%s]", text);
	if (reason_part && !strstr(why, reason_part))
		fail_msg("[%s]: reason \"%s\" lacks \"%s\"", text, why, reason_part);
}

static void expect_no_state(const char *text)
{
	const char *why = state_reason(text);
	if (why)
		fail_msg("[%s] reported as state change: %s", text, why);
}

/* Section - lists and separators */

static void test_shell__separators(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "a && b || c; d | e & f");
	assert_int_equal(s.sc.cmd_count, 6);
	expect_cmd(&s, 0, "a", 0, DFX_SH_SEP_AND);
	expect_cmd(&s, 1, "b", 0, DFX_SH_SEP_OR);
	expect_cmd(&s, 2, "c", 0, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 3, "d", 0, DFX_SH_SEP_PIPE);
	expect_cmd(&s, 4, "e", 0, DFX_SH_SEP_AMP);
	expect_cmd(&s, 5, "f", 0, DFX_SH_SEP_END);
	assert_true(cmd(&s, 3)->flags & DFX_SH_CMD_IN_PIPELINE);
	assert_true(cmd(&s, 4)->flags & DFX_SH_CMD_IN_PIPELINE);
	assert_false(cmd(&s, 5)->flags & DFX_SH_CMD_IN_PIPELINE);
	assert_false(s.sc.unterminated || s.sc.syntax_error || s.sc.ends_with_background);
	done(&s);
}

static void test_shell__operators_without_spaces(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "a&&b||c;d|e");
	assert_int_equal(s.sc.cmd_count, 5);
	expect_cmd(&s, 0, "a", 0, DFX_SH_SEP_AND);
	expect_cmd(&s, 2, "c", 0, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 4, "e", 0, DFX_SH_SEP_END);
	done(&s);
}

static void test_shell__newlines(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "a\nb\n\nc &&\n  d\n");
	assert_int_equal(s.sc.cmd_count, 4);
	expect_cmd(&s, 0, "a", 0, DFX_SH_SEP_NEWLINE);
	expect_cmd(&s, 1, "b", 0, DFX_SH_SEP_NEWLINE);
	expect_cmd(&s, 2, "c", 0, DFX_SH_SEP_AND);
	expect_cmd(&s, 3, "d", 0, DFX_SH_SEP_NEWLINE);
	assert_false(s.sc.unterminated || s.sc.syntax_error);
	done(&s);
}

static void test_shell__quotes_hide_operators(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo \"a && b\" 'c || d; e' f\\;g \"x\\\"; y\"");
	assert_int_equal(s.sc.cmd_count, 1);
	assert_int_equal(cmd(&s, 0)->word_count, 5);
	expect_word(&s, 0, 1, "\"a && b\"");
	expect_word(&s, 0, 2, "'c || d; e'");
	expect_word(&s, 0, 3, "f\\;g");
	assert_true(word(&s, 0, 1)->flags & DFX_SH_WORD_QUOTED);
	assert_string_equal(value(&s, 0, 4), "x\"; y");
	done(&s);
}

static void test_shell__quoted_newline_is_not_a_separator(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo 'a\nb' \"c\nd\"; e");
	assert_int_equal(s.sc.cmd_count, 2);
	assert_int_equal(cmd(&s, 0)->word_count, 3);
	expect_cmd(&s, 0, "echo 'a\nb' \"c\nd\"", 0, DFX_SH_SEP_SEMI);
	done(&s);
}

static void test_shell__line_continuation(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "a \\\n && b");
	assert_int_equal(s.sc.cmd_count, 2);
	expect_cmd(&s, 0, "a", 0, DFX_SH_SEP_AND);
	done(&s);
}

static void test_shell__not_nul_terminated(void **state)
{
	(void)state;
	struct scanned s;
	const char buf[] = {'e', 'c', 'h', 'o', ' ', '"', 'a', '"', ';', 'x', 'x'};
	scan_len(&s, buf, 8);
	assert_int_equal(s.sc.cmd_count, 1);
	assert_int_equal(cmd(&s, 0)->end, 8);
	assert_string_equal(value(&s, 0, 1), "a");
	assert_false(s.sc.unterminated);
	done(&s);
}

static void test_shell__empty(void **state)
{
	(void)state;
	struct scanned s;
	scan_len(&s, NULL, 0);
	assert_int_equal(s.sc.cmd_count, 0);
	assert_null(dfx_sh_state_change(&s.sc, "", NULL));
	done(&s);
	scan(&s, "  \n\t ");
	assert_int_equal(s.sc.cmd_count, 0);
	assert_false(s.sc.ends_with_comment || s.sc.syntax_error);
	done(&s);
}

/* Section - comments */

static void test_shell__hash_inside_words(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo a#b \"#\" '#c' \\#d ${#x} $#");
	assert_int_equal(s.sc.cmd_count, 1);
	assert_int_equal(cmd(&s, 0)->word_count, 7);
	assert_string_equal(value(&s, 0, 1), "a#b");
	assert_string_equal(value(&s, 0, 2), "#");
	assert_string_equal(value(&s, 0, 4), "#d");
	assert_false(s.sc.ends_with_comment);
	done(&s);
}

static void test_shell__trailing_comment(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "make && make install # build it; && not a command");
	assert_int_equal(s.sc.cmd_count, 2);
	expect_cmd(&s, 1, "make install", 0, DFX_SH_SEP_END);
	assert_true(s.sc.ends_with_comment);
	assert_int_equal(s.sc.comment_start, strlen("make && make install "));
	done(&s);

	/* Only whitespace after the comment still counts as trailing. */
	scan(&s, "a;# c\n  ");
	assert_true(s.sc.ends_with_comment);
	assert_int_equal(s.sc.comment_start, 2);
	done(&s);
}

static void test_shell__comment_in_the_middle(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "a # one\nb");
	assert_int_equal(s.sc.cmd_count, 2);
	expect_cmd(&s, 0, "a", 0, DFX_SH_SEP_NEWLINE);
	expect_cmd(&s, 1, "b", 0, DFX_SH_SEP_END);
	assert_false(s.sc.ends_with_comment);
	done(&s);
}

static void test_shell__unterminated_quote_in_comment_is_fine(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo a # it's");
	assert_false(s.sc.unterminated);
	assert_true(s.sc.ends_with_comment);
	done(&s);
}

/* Section - broken input */

static void test_shell__unterminated(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"echo 'abc",  "echo \"abc", "echo $(ls",  "echo `ls",	"echo ${x",  "( cd x",
		"{ cd x;",    "if true; then a", "for x in a; do b", "case x in a) b;;", "a &&",
		"a |",	      "a >",	    "f()",	  "echo \"$(echo 'x)\"", "echo $'a",
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		struct scanned s;
		scan(&s, texts[k]);
		if (!s.sc.unterminated)
			fail_msg("[%s] not unterminated", texts[k]);
		const char *why = NULL;
		assert_non_null(dfx_sh_state_change(&s.sc, texts[k], &why));
		assert_non_null(strstr(why, "unterminated"));
		done(&s);
	}
}

static void test_shell__syntax_errors(void **state)
{
	(void)state;
	static const char *const texts[] = {")", "a )", "a && && b", "; a", "fi", "a; then b", "}", "a;; b", "echo ((a) b)"};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		struct scanned s;
		scan(&s, texts[k]);
		if (!s.sc.syntax_error)
			fail_msg("[%s] has no syntax error", texts[k]);
		const char *why = NULL;
		assert_non_null(dfx_sh_state_change(&s.sc, texts[k], &why));
		assert_non_null(strstr(why, "syntax error"));
		done(&s);
	}
	/* A lone `)` leaves no command; the state check still refuses. */
	struct scanned s;
	scan(&s, ")");
	assert_int_equal(s.sc.cmd_count, 0);
	assert_int_equal(s.sc.error_pos, 0);
	assert_non_null(dfx_sh_state_change(&s.sc, ")", NULL));
	done(&s);
}

/* Section - background */

static void test_shell__trailing_background(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "a && b &");
	assert_true(s.sc.ends_with_background);
	expect_cmd(&s, 1, "b", 0, DFX_SH_SEP_AMP);
	done(&s);
	scan(&s, "a & # comment\n");
	assert_true(s.sc.ends_with_background);
	done(&s);
	scan(&s, "a & b");
	assert_false(s.sc.ends_with_background);
	done(&s);
	scan(&s, "(a &) && b");
	assert_false(s.sc.ends_with_background);
	done(&s);
	scan(&s, "a &> log");
	assert_false(s.sc.ends_with_background); /* &> is a redirection */
	done(&s);
}

/* Section - compound commands and depth */

static void test_shell__subshell(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "(cd x; make) && y");
	assert_int_equal(s.sc.cmd_count, 4);
	expect_cmd(&s, 0, "(cd x; make)", 0, DFX_SH_SEP_AND);
	assert_int_equal(cmd(&s, 0)->kind, DFX_SH_KIND_SUBSHELL);
	assert_false(cmd(&s, 0)->flags & DFX_SH_CMD_SUBSHELL);
	expect_cmd(&s, 1, "cd x", 1, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 2, "make", 1, DFX_SH_SEP_END);
	assert_true(cmd(&s, 1)->flags & DFX_SH_CMD_SUBSHELL);
	expect_cmd(&s, 3, "y", 0, DFX_SH_SEP_END);
	done(&s);
}

static void test_shell__brace_group_with_redirect(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "{ a; b; } > log 2>&1; c");
	assert_int_equal(s.sc.cmd_count, 4);
	expect_cmd(&s, 0, "{ a; b; } > log 2>&1", 0, DFX_SH_SEP_SEMI);
	assert_int_equal(cmd(&s, 0)->kind, DFX_SH_KIND_BRACE);
	assert_int_equal(cmd(&s, 0)->word_count, 4);
	expect_word(&s, 0, 2, "2>&");
	expect_cmd(&s, 1, "a", 1, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 2, "b", 1, DFX_SH_SEP_SEMI);
	assert_true(cmd(&s, 2)->flags & DFX_SH_CMD_COMPOUND_BODY);
	expect_cmd(&s, 3, "c", 0, DFX_SH_SEP_END);
	/* `}` is only a reserved word in command position. */
	done(&s);
	scan(&s, "echo } {");
	assert_int_equal(s.sc.cmd_count, 1);
	assert_int_equal(cmd(&s, 0)->word_count, 3);
	assert_false(s.sc.syntax_error);
	done(&s);
}

static void test_shell__if_while_for_case(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "if a; then b; elif c; then d; else e; fi && while f; do g; done; "
		 "for i in 1 2; do h; done; case $x in a|b) k;; (*) l;; esac");
	assert_int_equal(s.sc.cmd_count, 14);
	assert_int_equal(cmd(&s, 0)->kind, DFX_SH_KIND_IF);
	expect_cmd(&s, 0, "if a; then b; elif c; then d; else e; fi", 0, DFX_SH_SEP_AND);
	expect_cmd(&s, 1, "a", 1, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 5, "e", 1, DFX_SH_SEP_SEMI);
	assert_int_equal(cmd(&s, 6)->kind, DFX_SH_KIND_WHILE);
	expect_cmd(&s, 6, "while f; do g; done", 0, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 8, "g", 1, DFX_SH_SEP_SEMI);
	assert_int_equal(cmd(&s, 9)->kind, DFX_SH_KIND_FOR);
	assert_int_equal(cmd(&s, 9)->word_count, 3); /* i 1 2 */
	expect_word(&s, 9, 0, "i");
	expect_cmd(&s, 10, "h", 1, DFX_SH_SEP_SEMI);
	assert_int_equal(cmd(&s, 11)->kind, DFX_SH_KIND_CASE);
	expect_word(&s, 11, 0, "$x");
	expect_cmd(&s, 12, "k", 1, DFX_SH_SEP_DSEMI); /* patterns are not commands */
	expect_cmd(&s, 13, "l", 1, DFX_SH_SEP_DSEMI);
	for (size_t k = 1; k < 14; k++)
		if (cmd(&s, k)->depth == 1)
			assert_true(cmd(&s, k)->flags & DFX_SH_CMD_COMPOUND_BODY);
	assert_false(s.sc.syntax_error || s.sc.unterminated);
	done(&s);
}

static void test_shell__case_inside_cmdsubst(void **state)
{
	(void)state;
	struct scanned s;
	/* The `)` after a pattern does not close the $( ). */
	scan(&s, "x=$(case y in a) b;; esac) && c");
	assert_int_equal(s.sc.cmd_count, 4);
	expect_cmd(&s, 0, "x=$(case y in a) b;; esac)", 0, DFX_SH_SEP_AND);
	assert_true(word(&s, 0, 0)->flags & DFX_SH_WORD_ASSIGNMENT);
	expect_cmd(&s, 2, "b", 2, DFX_SH_SEP_DSEMI);
	expect_cmd(&s, 3, "c", 0, DFX_SH_SEP_END);
	assert_false(s.sc.syntax_error);
	done(&s);
}

static void test_shell__reserved_words_only_in_command_position(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo if then fi done esac { }; X=1 if");
	assert_int_equal(s.sc.cmd_count, 2);
	assert_int_equal(cmd(&s, 0)->word_count, 8);
	assert_int_equal(cmd(&s, 1)->word_count, 2);
	assert_false(s.sc.syntax_error || s.sc.unterminated);
	done(&s);
	/* Quoted, it is a plain command name. */
	scan(&s, "'if' x");
	assert_int_equal(cmd(&s, 0)->kind, DFX_SH_KIND_SIMPLE);
	assert_false(s.sc.unterminated);
	done(&s);
}

static void test_shell__function_definitions(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "f() { a; }; function g { b; }; h () (c); f");
	assert_int_equal(s.sc.cmd_count, 7);
	expect_cmd(&s, 0, "f() { a; }", 0, DFX_SH_SEP_SEMI);
	assert_int_equal(cmd(&s, 0)->kind, DFX_SH_KIND_FUNCDEF);
	expect_word(&s, 0, 0, "f");
	assert_true(cmd(&s, 1)->flags & DFX_SH_CMD_FUNCDEF);
	expect_cmd(&s, 2, "function g { b; }", 0, DFX_SH_SEP_SEMI);
	assert_int_equal(cmd(&s, 2)->kind, DFX_SH_KIND_FUNCDEF);
	expect_cmd(&s, 4, "h () (c)", 0, DFX_SH_SEP_SEMI);
	assert_int_equal(cmd(&s, 4)->kind, DFX_SH_KIND_FUNCDEF);
	assert_true(cmd(&s, 5)->flags & DFX_SH_CMD_SUBSHELL);
	expect_cmd(&s, 6, "f", 0, DFX_SH_SEP_END);
	assert_int_equal(cmd(&s, 6)->kind, DFX_SH_KIND_SIMPLE);
	assert_false(s.sc.syntax_error);
	done(&s);
}

/* Section - substitutions and expansions */

static void test_shell__command_substitution(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo $(a; b) \"$(c)\" `d` && e");
	assert_int_equal(s.sc.cmd_count, 6);
	expect_cmd(&s, 0, "echo $(a; b) \"$(c)\" `d`", 0, DFX_SH_SEP_AND);
	assert_int_equal(cmd(&s, 0)->word_count, 4);
	assert_true(word(&s, 0, 1)->flags & DFX_SH_WORD_EXPANSION);
	expect_cmd(&s, 1, "a", 1, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 2, "b", 1, DFX_SH_SEP_END);
	expect_cmd(&s, 3, "c", 1, DFX_SH_SEP_END);
	expect_cmd(&s, 4, "d", 1, DFX_SH_SEP_END);
	for (size_t k = 1; k <= 4; k++)
		assert_true(cmd(&s, k)->flags & DFX_SH_CMD_CMDSUBST);
	expect_cmd(&s, 5, "e", 0, DFX_SH_SEP_END);
	done(&s);
}

static void test_shell__nested_quotes_in_substitution(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo \"$(echo \")\" $(echo ')'))\" done");
	assert_int_equal(cmd(&s, 0)->word_count, 3);
	expect_word(&s, 0, 2, "done");
	assert_false(s.sc.unterminated || s.sc.syntax_error);
	done(&s);
}

static void test_shell__parameter_expansion(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo ${a:-${b:-\"}\"}} ${#c} ${d%%;*} && e");
	assert_int_equal(s.sc.cmd_count, 2);
	assert_int_equal(cmd(&s, 0)->word_count, 4);
	expect_word(&s, 0, 1, "${a:-${b:-\"}\"}}");
	expect_word(&s, 0, 3, "${d%%;*}");
	assert_null(value(&s, 0, 1));
	done(&s);
}

static void test_shell__arithmetic(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "echo $(( (1+2) * 3 )) $((x)) && ((n > 1))");
	assert_int_equal(s.sc.cmd_count, 2);
	assert_int_equal(cmd(&s, 0)->word_count, 3);
	assert_true(word(&s, 0, 1)->flags & DFX_SH_WORD_ARITH);
	assert_false(word(&s, 0, 1)->flags & DFX_SH_WORD_ASSIGNS);
	expect_word(&s, 1, 0, "((n > 1))");
	done(&s);
	/* $( (a) ) is a substitution holding a subshell. */
	scan(&s, "echo $( (a) )");
	assert_int_equal(s.sc.cmd_count, 3);
	assert_int_equal(cmd(&s, 1)->kind, DFX_SH_KIND_SUBSHELL);
	expect_cmd(&s, 2, "a", 2, DFX_SH_SEP_END);
	done(&s);
}

static void test_shell__redirections(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "cmd 2>&1 >/dev/null <in >>log 10>x a>b");
	const dfx_sh_cmd *c = cmd(&s, 0);
	assert_int_equal(c->word_count, 14);
	static const char *const raw[] = {"cmd", "2>&", "1", ">", "/dev/null", "<", "in",
					  ">>",	 "log", "10>", "x", "a",  ">",		"b"};
	for (size_t k = 0; k < 14; k++)
		expect_word(&s, 0, k, raw[k]);
	assert_true(word(&s, 0, 1)->flags & DFX_SH_WORD_REDIRECT);
	assert_true(word(&s, 0, 2)->flags & DFX_SH_WORD_REDIRECT_TARGET);
	assert_true(word(&s, 0, 9)->flags & DFX_SH_WORD_REDIRECT);
	assert_int_equal(word(&s, 0, 11)->flags, 0);
	assert_string_equal(value(&s, 0, 1), "2>&");
	assert_false(s.sc.has_heredoc);
	done(&s);
}

static void test_shell__heredoc(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "cat <<EOF > /f");
	assert_true(s.sc.has_heredoc);
	expect_word(&s, 0, 2, "EOF");
	assert_true(word(&s, 0, 2)->flags & DFX_SH_WORD_REDIRECT_TARGET);
	done(&s);
	/* The body is skipped: its lines are not commands. */
	scan(&s, "cat <<-'E' >f\n\tif ) cd\n\tE\necho ok");
	assert_true(s.sc.has_heredoc);
	assert_int_equal(s.sc.cmd_count, 2);
	expect_cmd(&s, 1, "echo ok", 0, DFX_SH_SEP_END);
	assert_false(s.sc.syntax_error);
	done(&s);
	scan(&s, "cat <<<word");
	assert_false(s.sc.has_heredoc);
	done(&s);
}

static void test_shell__double_brackets(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "[[ -n $a && ( $b < c ) ]] && d");
	assert_int_equal(s.sc.cmd_count, 2);
	expect_cmd(&s, 0, "[[ -n $a && ( $b < c ) ]]", 0, DFX_SH_SEP_AND);
	assert_false(s.sc.syntax_error);
	done(&s);
}

static void test_shell__source_order(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "$(a)b c $(d); e");
	assert_int_equal(s.sc.cmd_count, 4);
	expect_cmd(&s, 0, "$(a)b c $(d)", 0, DFX_SH_SEP_SEMI);
	expect_cmd(&s, 1, "a", 1, DFX_SH_SEP_END);
	expect_cmd(&s, 2, "d", 1, DFX_SH_SEP_END);
	expect_cmd(&s, 3, "e", 0, DFX_SH_SEP_END);
	done(&s);
}

/* Section - word values and flags */

static void test_shell__word_values(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "x 'a b' \"x$y\" a\\ b \"q\\\"\\$\\n\" $'t' `u` *.c ~/d ab\"c\"'d' a=~/x \"*\" '~'");
	assert_string_equal(value(&s, 0, 1), "a b");
	assert_null(value(&s, 0, 2));
	assert_string_equal(value(&s, 0, 3), "a b");
	assert_string_equal(value(&s, 0, 4), "q\"$\\n");
	assert_null(value(&s, 0, 5));
	assert_null(value(&s, 0, 6));
	assert_null(value(&s, 0, 7));
	assert_true(word(&s, 0, 7)->flags & DFX_SH_WORD_GLOB);
	assert_null(value(&s, 0, 8));
	assert_true(word(&s, 0, 8)->flags & DFX_SH_WORD_TILDE);
	assert_string_equal(value(&s, 0, 9), "abcd");
	assert_null(value(&s, 0, 10)); /* bash expands ~ after = even in arguments */
	assert_string_equal(value(&s, 0, 11), "*");
	assert_string_equal(value(&s, 0, 12), "~");
	done(&s);
}

static void test_shell__assignments(void **state)
{
	(void)state;
	struct scanned s;
	scan(&s, "A=1 B+=\"2 3\" cmd C=3 >x D=4");
	assert_true(word(&s, 0, 0)->flags & DFX_SH_WORD_ASSIGNMENT);
	assert_true(word(&s, 0, 1)->flags & DFX_SH_WORD_ASSIGNMENT);
	assert_false(word(&s, 0, 2)->flags & DFX_SH_WORD_ASSIGNMENT);
	assert_false(word(&s, 0, 3)->flags & DFX_SH_WORD_ASSIGNMENT);
	assert_false(word(&s, 0, 6)->flags & DFX_SH_WORD_ASSIGNMENT);
	done(&s);
	scan(&s, "1A=x \"A\"=x");
	assert_false(word(&s, 0, 0)->flags & DFX_SH_WORD_ASSIGNMENT);
	assert_false(word(&s, 0, 1)->flags & DFX_SH_WORD_ASSIGNMENT);
	done(&s);
}

/* Section - state changes */

static const char *const state_builtins[] = {
	"cd /tmp",   "export A=1",    "set -e",	  "unset A",  "umask 022", "source ./env", ". ./env",
	"alias l=ls", "trap '' INT",  "exec nginx", "exit 1",   "pushd /x",  "popd",	       "shopt -s x",
	"ulimit -n 1", "readonly A",   "eval \"$X\"", "local a",  "declare a", "typeset a",    "hash -r",
	"wait",	      "read line",     "shift",	  "unalias l", "getopts a b", "let a=1",   "return",
};

static void test_shell__builtins_at_top_level(void **state)
{
	(void)state;
	char text[128];
	for (size_t k = 0; k < sizeof(state_builtins) / sizeof(state_builtins[0]); k++) {
		snprintf(text, sizeof(text), "true && %s && true", state_builtins[k]);
		expect_state(text, NULL);
	}
	expect_state("cd /src && make", "`cd` changes the working directory");
	expect_state("export DEBIAN_FRONTEND=noninteractive", "`export` changes the environment");
	expect_state("set -eux; apt-get update", "`set` changes shell options");
	expect_state("exec \"$@\"", "`exec` replaces the shell");
	expect_state("exit 0", "`exit` ends the shell");
	expect_state(". /etc/os-release", "`source`/`.` runs a script in the current shell");
}

static void test_shell__builtins_in_compound_bodies(void **state)
{
	(void)state;
	static const char *const wrappers[] = {
		"{ %s; }", "if true; then %s; fi", "if %s; then :; fi", "while false; do %s; done",
		"until false; do %s; done", "case a in a) %s;; esac", "true | %s", "%s &",
	};
	char text[160];
	for (size_t w = 0; w < sizeof(wrappers) / sizeof(wrappers[0]); w++) {
		for (size_t k = 0; k < sizeof(state_builtins) / sizeof(state_builtins[0]); k++) {
			snprintf(text, sizeof(text), wrappers[w], state_builtins[k]);
			expect_state(text, NULL);
		}
	}
	/* The reported command is the builtin itself. */
	struct scanned s;
	const char *why;
	scan(&s, "{ echo; cd x; }");
	const dfx_sh_cmd *c = dfx_sh_state_change(&s.sc, s.text, &why);
	assert_non_null(c);
	assert_int_equal(c->start, 8);
	assert_int_equal(c->depth, 1);
	done(&s);
}

static void test_shell__builtins_in_subshells_do_not_count(void **state)
{
	(void)state;
	static const char *const wrappers[] = {
		"(%s)", "( { %s; } )", "echo $(%s)", "echo \"$(%s)\"", "echo `%s`", "(if true; then %s; fi) && b",
	};
	char text[160];
	for (size_t w = 0; w < sizeof(wrappers) / sizeof(wrappers[0]); w++) {
		for (size_t k = 0; k < sizeof(state_builtins) / sizeof(state_builtins[0]); k++) {
			snprintf(text, sizeof(text), wrappers[w], state_builtins[k]);
			expect_no_state(text);
		}
	}
}

static void test_shell__assignment_prefix(void **state)
{
	(void)state;
	expect_no_state("VAR=1 make");
	expect_no_state("A=1 B=2 make install > log");
	expect_state("VAR=1", "variable assignment");
	expect_state("a && VAR=1 && b", "variable assignment");
	expect_state("X=1 :", "special builtin");
	expect_state("X=1 export Y", "`export`");
	expect_state("X=$(cd /; pwd)", "variable assignment");
	expect_no_state("> /tmp/file");
}

static void test_shell__quoted_words_are_not_commands(void **state)
{
	(void)state;
	expect_no_state("sh -c \"export X=1\"");
	expect_no_state("bash -c 'cd / && set -e'");
	expect_no_state("echo cd export set exit");
	expect_no_state("/bin/cd x"); /* a path is never a builtin */
	expect_state("\"cd\" /x", "`cd`");
	expect_state("c\\d /x", "`cd`");
}

static void test_shell__command_name_expansion(void **state)
{
	(void)state;
	expect_state("$CMD args", "command name is an expansion");
	expect_state("\"$X\"", "command name is an expansion");
	expect_state("$(which cd) /", "command name is an expansion");
	expect_state("`echo cd` /", "command name is an expansion");
	expect_state("A=1 $B", "command name is an expansion");
	expect_no_state("echo $CMD $(cd x)");
}

static void test_shell__command_and_builtin_prefixes(void **state)
{
	(void)state;
	expect_no_state("command -v curl || apt-get install -y curl");
	expect_state("command cd x", "`cd`");
	expect_state("command -p cd x", "`cd`");
	expect_state("builtin export X", "`export`");
	expect_state("time cd x", "`cd`");
	expect_no_state("time make");
	expect_no_state("env cd");
	expect_state("printf -v x %s y", "printf");
	expect_no_state("printf '%s' -v");
}

static void test_shell__definitions_and_assigning_expansions(void **state)
{
	(void)state;
	expect_state("f() { :; }; f", "function definition");
	expect_state("function g { :; }", "function definition");
	expect_state("for i in 1 2; do echo $i; done", "`for`");
	expect_state(": ${X:=1}", "assigns");
	expect_state("echo $((i+=1))", "assigns");
	expect_state("((i++))", NULL);
	expect_no_state("echo $((i+1)) $((a == b)) $((a <= b)) ${X:-1}");
	expect_no_state("if [ -f x ]; then rm x; fi && while false; do :; done");
}

static void test_shell__ordinary_run_lines(void **state)
{
	(void)state;
	expect_no_state("apt-get update && apt-get install -y --no-install-recommends curl ca-certificates "
			"&& rm -rf /var/lib/apt/lists/*");
	expect_no_state("yum -y install httpd && yum clean all -y");
	expect_no_state("make -C src 2>&1 | tee build.log");
	expect_no_state("[ -d /data ] || mkdir -p /data && chgrp -R 0 /data && chmod -R g=u /data");
	expect_no_state("curl -fsSL https://x/y.sh | sh -s -- --yes");
	expect_no_state("echo 'cd /' > /etc/profile.d/x.sh");
}

/* Section - robustness */

static void test_shell__large_input(void **state)
{
	(void)state;
	const char unit[] = "a && ";
	size_t ul = sizeof(unit) - 1, n = (1u << 20) / ul;
	char *text = malloc(n * ul);
	assert_non_null(text);
	for (size_t k = 0; k < n; k++)
		memcpy(text + k * ul, unit, ul);
	struct scanned s;
	scan_len(&s, text, n * ul);
	assert_int_equal(s.sc.cmd_count, n);
	assert_int_equal(s.sc.cmds[n - 1].sep, DFX_SH_SEP_AND);
	assert_true(s.sc.unterminated); /* it ends with a dangling && */
	done(&s);
	free(text);
}

static void test_shell__deep_nesting_and_junk(void **state)
{
	(void)state;
	/* Each unit repeated to 200 kB; broken ones must be reported as such. */
	static const struct {
		const char *unit;
		int broken;
	} units[] = {
		{"(", 1},  {"$(", 1},	  {"\"$(", 1}, {"{ ", 1},	   {")", 1},	    {"((", 1},
		{"$((", 1}, {"${", 1},	  {"if ", 1},	{"case x in ", 1}, {"f() ", 1},	    {"`'", 1},
		{"`", 0},  {"''", 0},	  {"\\", 0},	{"<<E\n", 0},	   {"a\"b\"'c'", 0},
	};
	size_t n = 200000;
	char *text = malloc(n);
	assert_non_null(text);
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ul = strlen(units[u].unit), len = 0;
		while (len + ul <= n) {
			memcpy(text + len, units[u].unit, ul);
			len += ul;
		}
		struct scanned s;
		scan_len(&s, text, len);
		int broken = s.sc.unterminated || s.sc.syntax_error;
		if (broken != units[u].broken)
			fail_msg("unit [%s]: broken=%d", units[u].unit, broken);
		if (broken)
			assert_non_null(dfx_sh_state_change(&s.sc, text, NULL));
		for (size_t k = 0; k < s.sc.cmd_count; k++)
			assert_true(s.sc.cmds[k].start <= s.sc.cmds[k].end && s.sc.cmds[k].end <= len);
		for (size_t k = 0; k < s.sc.word_count; k++)
			assert_true(s.sc.words[k].start <= s.sc.words[k].end && s.sc.words[k].end <= len);
		done(&s);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell__separators),
		cmocka_unit_test(test_shell__operators_without_spaces),
		cmocka_unit_test(test_shell__newlines),
		cmocka_unit_test(test_shell__quotes_hide_operators),
		cmocka_unit_test(test_shell__quoted_newline_is_not_a_separator),
		cmocka_unit_test(test_shell__line_continuation),
		cmocka_unit_test(test_shell__not_nul_terminated),
		cmocka_unit_test(test_shell__empty),
		cmocka_unit_test(test_shell__hash_inside_words),
		cmocka_unit_test(test_shell__trailing_comment),
		cmocka_unit_test(test_shell__comment_in_the_middle),
		cmocka_unit_test(test_shell__unterminated_quote_in_comment_is_fine),
		cmocka_unit_test(test_shell__unterminated),
		cmocka_unit_test(test_shell__syntax_errors),
		cmocka_unit_test(test_shell__trailing_background),
		cmocka_unit_test(test_shell__subshell),
		cmocka_unit_test(test_shell__brace_group_with_redirect),
		cmocka_unit_test(test_shell__if_while_for_case),
		cmocka_unit_test(test_shell__case_inside_cmdsubst),
		cmocka_unit_test(test_shell__reserved_words_only_in_command_position),
		cmocka_unit_test(test_shell__function_definitions),
		cmocka_unit_test(test_shell__command_substitution),
		cmocka_unit_test(test_shell__nested_quotes_in_substitution),
		cmocka_unit_test(test_shell__parameter_expansion),
		cmocka_unit_test(test_shell__arithmetic),
		cmocka_unit_test(test_shell__redirections),
		cmocka_unit_test(test_shell__heredoc),
		cmocka_unit_test(test_shell__double_brackets),
		cmocka_unit_test(test_shell__source_order),
		cmocka_unit_test(test_shell__word_values),
		cmocka_unit_test(test_shell__assignments),
		cmocka_unit_test(test_shell__builtins_at_top_level),
		cmocka_unit_test(test_shell__builtins_in_compound_bodies),
		cmocka_unit_test(test_shell__builtins_in_subshells_do_not_count),
		cmocka_unit_test(test_shell__assignment_prefix),
		cmocka_unit_test(test_shell__quoted_words_are_not_commands),
		cmocka_unit_test(test_shell__command_name_expansion),
		cmocka_unit_test(test_shell__command_and_builtin_prefixes),
		cmocka_unit_test(test_shell__definitions_and_assigning_expansions),
		cmocka_unit_test(test_shell__ordinary_run_lines),
		cmocka_unit_test(test_shell__large_input),
		cmocka_unit_test(test_shell__deep_nesting_and_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
