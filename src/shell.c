/* shell.c - a small POSIX-sh scanner for shell-form RUN/CMD/ENTRYPOINT text.
 *
 * The scanner is one loop over the bytes with an explicit stack of frames, so
 * nesting depth costs heap (arena) and never C stack. There are two sorts of
 * frames:
 *
 *   command-level: the top level, ( ), { }, if, while/until, for, case, $( )
 *     and `...`. Each one builds a current command (a reserved slot in
 *     cmds) and a current word.
 *   word-level: "..." and ${...}. They only extend the current word of the
 *     command-level frame below them (their `owner`).
 *
 * A command's slot is reserved when its first token starts, so cmds are in
 * source order even when a word holds a $( ) whose commands end first. Words
 * of commands still being built wait on one `pend` stack; a command's words
 * move to the result when it ends, which keeps each command's words
 * contiguous.
 *
 * Every inner scan is bounded by the frame's limit (the end of the text, or
 * the closing backtick found when the backtick opened), so each byte is read
 * a bounded number of times.
 */
#include "shell.h"

#include <string.h>

enum fkind {
	F_TOP,
	F_SUBSHELL,
	F_BRACE,
	F_IF,
	F_WHILE,
	F_FOR,
	F_CASE,
	F_CMDSUBST,
	F_BACKTICK,
	/* word-level */
	F_DQUOTE,
	F_PARAM
};

/* Where a compound frame is in its header; H_LIST means "in a command list". */
enum hstate { H_LIST = 0, H_FOR_NAME, H_FOR_IN, H_FOR_LIST, H_FOR_DO, H_CASE_WORD, H_CASE_IN, H_CASE_PAT };

/* Where the current command is in a function definition. */
enum cstate {
	CS_NORMAL = 0,
	CS_FNAME,   /* after `function`: the name comes next */
	CS_FPARENS, /* after `function name`: optional () then the body */
	CS_FBODY    /* after `name()`: the body comes next */
};

enum redir { R_NONE = 0, R_PLAIN, R_HEREDOC, R_HEREDOC_STRIP };

/* Real scripts nest a few levels; past this the scanner gives up (a syntax
 * error) rather than spend memory on pathological input. */
#define MAX_NESTING 1000

struct frame {
	unsigned char kind, hs, cs, redir;
	unsigned char has_cmd;    /* a command slot is reserved */
	unsigned char cmd_pos;    /* the next word may be a reserved word */
	unsigned char has_name;   /* the command name was seen (no more assignments) */
	unsigned char need_cmd;   /* after && || |: a command must follow */
	unsigned char after_pipe; /* the next command is the right side of a | */
	unsigned char dbracket;   /* inside [[ ... ]]: & | < > ( ) are word characters */
	unsigned char pat_started;
	unsigned char unclosed; /* a backtick without its closing backtick */
	unsigned char in_dq;    /* a ${ } inside double quotes */
	/* current word (command-level frames) */
	unsigned char in_word, wname, wesc, wbracket, wbrace;
	uint32_t limit; /* scanning stops here; see at_limit() */
	uint32_t wstart, cmd_end;
	unsigned depth;  /* depth of the commands directly inside */
	unsigned cflags; /* flags of the commands directly inside */
	unsigned wflags;
	size_t cmd, wbase; /* slot of the current command; its first word in pend */
	size_t owner;      /* the command-level frame a word-level frame extends */
};

struct heredoc {
	const char *delim;
	size_t len;
	int strip; /* <<- strips leading tabs */
};

struct scanner {
	dfx_arena *arena;
	const char *t;
	uint32_t len;
	dfx_sh_script *out;
	dfx_sh_cmd *cmds;
	size_t ncmds, ccap;
	dfx_sh_word *words;
	size_t nwords, wcap;
	dfx_sh_word *pend;
	size_t npend, pcap;
	struct frame *fr;
	size_t nfr, fcap;
	struct heredoc *hd;
	size_t nhd, hcap;
	/* A failed ((...)) probe that reached this offset: probes starting
	 * before it are not tried again (see probe_arith), keeping scans linear. */
	uint32_t arith_fail_until;
	int has_comment;
	uint32_t comment_start, comment_end;
	int oom;
	int too_deep;
};

static int is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_name_char(char c)
{
	return is_name_start(c) || is_digit(c);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_op_char(char c)
{
	return c == '&' || c == '|' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')';
}

static int span_eq(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n == m && memcmp(s, lit, m) == 0;
}

/* Arena-backed growable arrays: the old copy stays in the arena, so the
 * total waste is bounded by the final size. Returns the new array, or the
 * old one with s->oom set. */
static void *grow(struct scanner *s, void *items, size_t *cap, size_t len, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = ncap <= SIZE_MAX / elem / 2 ? dfx_arena_alloc(s->arena, ncap * elem) : NULL;
	if (!p) {
		s->oom = 1;
		return items;
	}
	if (len)
		memcpy(p, items, len * elem);
	*cap = ncap;
	return p;
}

/* Makes room for one more item; 0 when out of memory. */
#define ENSURE(s, arr, n, cap)                                                                  \
	((n) < (cap) || ((arr) = grow((s), (arr), &(cap), (n), sizeof(*(arr))), !(s)->oom))

static struct frame *top(struct scanner *s)
{
	return &s->fr[s->nfr - 1];
}

static void syntax_error(struct scanner *s, uint32_t pos)
{
	if (!s->out->syntax_error) {
		s->out->syntax_error = 1;
		s->out->error_pos = pos;
	}
}

/* Pushes a frame; returns its index, or (size_t)-1 when out of memory. */
static size_t push_frame(struct scanner *s, enum fkind kind, uint32_t limit, unsigned depth, unsigned cflags,
			 size_t owner)
{
	if (s->nfr >= MAX_NESTING) {
		s->too_deep = 1;
		return (size_t)-1;
	}
	if (!ENSURE(s, s->fr, s->nfr, s->fcap))
		return (size_t)-1;
	size_t idx = s->nfr++;
	struct frame *f = &s->fr[idx];
	memset(f, 0, sizeof(*f));
	f->kind = (unsigned char)kind;
	f->limit = limit;
	f->depth = depth;
	f->cflags = cflags;
	f->cmd_pos = 1;
	f->owner = kind >= F_DQUOTE ? owner : idx;
	if (kind == F_FOR)
		f->hs = H_FOR_NAME;
	else if (kind == F_CASE)
		f->hs = H_CASE_WORD;
	return idx;
}

static void push_word(struct scanner *s, uint32_t start, uint32_t end, unsigned flags)
{
	if (!ENSURE(s, s->pend, s->npend, s->pcap))
		return;
	dfx_sh_word *w = &s->pend[s->npend++];
	w->start = start;
	w->end = end;
	w->flags = flags;
}

/* Reserves the slot of a new command starting at pos, unless one is open. */
static void begin_cmd(struct scanner *s, struct frame *f, uint32_t pos)
{
	if (f->has_cmd)
		return;
	if (!ENSURE(s, s->cmds, s->ncmds, s->ccap))
		return;
	dfx_sh_cmd *c = &s->cmds[s->ncmds];
	memset(c, 0, sizeof(*c));
	c->start = c->end = pos;
	c->depth = f->depth;
	c->flags = f->cflags;
	c->kind = DFX_SH_KIND_SIMPLE;
	c->sep = DFX_SH_SEP_END;
	f->cmd = s->ncmds++;
	f->has_cmd = 1;
	f->wbase = s->npend;
	f->cmd_pos = 1;
	f->has_name = 0;
	f->cs = CS_NORMAL;
	f->need_cmd = 0;
	f->cmd_end = pos;
}

/* Ends the current command of f with separator sep and moves its words out. */
static void finish_cmd(struct scanner *s, struct frame *f, dfx_sh_sep sep)
{
	size_t n = s->npend - f->wbase;
	while (s->nwords + n > s->wcap) {
		s->words = grow(s, s->words, &s->wcap, s->nwords, sizeof(*s->words));
		if (s->oom)
			return;
	}
	dfx_sh_cmd *c = &s->cmds[f->cmd];
	c->end = f->cmd_end;
	c->sep = sep;
	c->first_word = (uint32_t)s->nwords;
	c->word_count = (uint32_t)n;
	if (n)
		memcpy(s->words + s->nwords, s->pend + f->wbase, n * sizeof(*s->words));
	s->nwords += n;
	s->npend = f->wbase;
	if (f->after_pipe)
		c->flags |= DFX_SH_CMD_IN_PIPELINE;
	if (sep == DFX_SH_SEP_PIPE)
		c->flags |= DFX_SH_CMD_IN_PIPELINE;
	f->after_pipe = sep == DFX_SH_SEP_PIPE;
	/* A function without its body, a redirection without its target, or
	 * [[ without ]]. */
	if (f->cs != CS_NORMAL || f->redir || f->dbracket)
		syntax_error(s, f->cmd_end);
	f->cs = CS_NORMAL;
	f->redir = R_NONE;
	f->dbracket = 0;
	f->has_cmd = 0;
	f->cmd_pos = 1;
	f->has_name = 0;
	f->need_cmd = sep == DFX_SH_SEP_AND || sep == DFX_SH_SEP_OR || sep == DFX_SH_SEP_PIPE;
}

/* Forgets the slot reserved for a reserved word such as `then` or `}`. */
static void drop_cmd(struct scanner *s, struct frame *f, uint32_t pos)
{
	if (f->need_cmd) {
		syntax_error(s, pos); /* `a && fi` */
		f->need_cmd = 0;
	}
	if (!f->has_cmd)
		return;
	if (s->npend == f->wbase && f->cmd == s->ncmds - 1 && !(s->cmds[f->cmd].flags & DFX_SH_CMD_NEGATED) &&
	    f->cs == CS_NORMAL) {
		s->ncmds--;
		f->has_cmd = 0;
		f->cmd_pos = 1;
		return;
	}
	syntax_error(s, pos);
	finish_cmd(s, f, DFX_SH_SEP_END);
}

/* Pops the top frame; end is where it ends (after its closer). */
static void close_frame(struct scanner *s, uint32_t end)
{
	struct frame *f = top(s);
	enum fkind kind = (enum fkind)f->kind;
	if (kind < F_DQUOTE) {
		if (f->has_cmd)
			finish_cmd(s, f, DFX_SH_SEP_END);
		/* `( a && )`, or a for/case header cut short; a case may end
		 * where a pattern would start. */
		if (f->need_cmd || (f->hs != H_LIST && f->hs != H_CASE_PAT))
			syntax_error(s, end);
	}
	s->nfr--;
	if (kind >= F_SUBSHELL && kind <= F_CASE) {
		/* The parent's current command is the unit this frame belongs to. */
		struct frame *p = top(s);
		p->cmd_end = end;
		p->cmd_pos = 0;
		p->has_name = 1;
		p->cs = CS_NORMAL;
	}
}

/* Copies the value of raw shell text with quotes and backslashes removed
 * (expansions are copied as written) into out (which has room for len + 1
 * bytes). Returns its length, or -1 for an unterminated quote. */
static long unquote(const char *r, size_t len, char *out)
{
	size_t k = 0, n = 0;
	while (k < len) {
		char c = r[k];
		if (c == '\\') {
			if (k + 1 >= len) {
				out[n++] = c;
				k++;
			} else {
				if (r[k + 1] != '\n')
					out[n++] = r[k + 1];
				k += 2;
			}
		} else if (c == '\'') {
			const char *q = memchr(r + k + 1, '\'', len - k - 1);
			if (!q)
				return -1;
			size_t m = (size_t)(q - (r + k + 1));
			memcpy(out + n, r + k + 1, m);
			n += m;
			k += m + 2;
		} else if (c == '"') {
			k++;
			while (k < len && r[k] != '"') {
				if (r[k] == '\\' && k + 1 < len && strchr("$`\"\\\n", r[k + 1])) {
					if (r[k + 1] != '\n')
						out[n++] = r[k + 1];
					k += 2;
				} else {
					out[n++] = r[k++];
				}
			}
			if (k >= len)
				return -1;
			k++;
		} else {
			out[n++] = c;
			k++;
		}
	}
	return (long)n;
}

static void add_heredoc(struct scanner *s, uint32_t start, uint32_t end, int strip)
{
	size_t n = end - start;
	char *d = dfx_arena_alloc(s->arena, n + 1);
	if (!d || !ENSURE(s, s->hd, s->nhd, s->hcap)) {
		s->oom = 1;
		return;
	}
	long m = unquote(s->t + start, n, d);
	if (m < 0) /* an unterminated quote, already reported */
		m = 0;
	s->hd[s->nhd].delim = d;
	s->hd[s->nhd].len = (size_t)m;
	s->hd[s->nhd].strip = strip;
	s->nhd++;
}

/* Skips the bodies of pending here-documents starting at pos (just after a
 * newline); returns where scanning resumes. A body without its delimiter
 * line runs to the limit, as in bash. */
static uint32_t skip_heredocs(struct scanner *s, uint32_t pos, uint32_t lim)
{
	for (size_t h = 0; h < s->nhd && pos < lim; h++) {
		const struct heredoc *d = &s->hd[h];
		while (pos < lim) {
			const char *nl = memchr(s->t + pos, '\n', lim - pos);
			uint32_t eol = nl ? (uint32_t)(nl - s->t) : lim;
			uint32_t b = pos;
			if (d->strip)
				while (b < eol && s->t[b] == '\t')
					b++;
			pos = eol < lim ? eol + 1 : lim;
			if (eol - b == d->len && memcmp(s->t + b, d->delim, d->len) == 0)
				break;
		}
	}
	s->nhd = 0;
	return pos;
}

/* Decides whether `((` at p (body starting at j) is arithmetic: the first
 * `)` that closes nothing must be followed by `)`. On success *q is after
 * the `))`. A failed probe remembers how far it looked: a later `((` before
 * that point is inside the subshells this one became, so treating it as
 * nested subshells too never hides a state change, and skipping it keeps
 * the scan linear. */
static int probe_arith(struct scanner *s, uint32_t p, uint32_t j, uint32_t lim, uint32_t *q)
{
	if (p < s->arith_fail_until)
		return 0;
	unsigned long depth = 0;
	for (uint32_t k = j; k < lim; k++) {
		char c = s->t[k];
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (depth == 0) {
				if (k + 1 < lim && s->t[k + 1] == ')') {
					*q = k + 2;
					return 1;
				}
				s->arith_fail_until = k;
				return 0;
			}
			depth--;
		}
	}
	s->arith_fail_until = lim;
	return 0;
}

/* 1 when arithmetic text [a, b) may assign: =, op=, ++ or --, but not
 * ==, !=, <= or >=. */
static int arith_assigns(const char *t, uint32_t a, uint32_t b)
{
	for (uint32_t k = a; k < b; k++) {
		char c = t[k];
		char next = k + 1 < b ? t[k + 1] : 0;
		if ((c == '+' || c == '-') && next == c)
			return 1;
		if (c != '=')
			continue;
		if (next == '=') {
			k++;
			continue;
		}
		char prev = k > a ? t[k - 1] : 0;
		char prev2 = k > a + 1 ? t[k - 2] : 0;
		if (prev == '=' || prev == '!')
			continue;
		if ((prev == '<' || prev == '>') && prev2 != prev)
			continue;
		return 1;
	}
	return 0;
}

/* 1 when ${ at j-2 is ${NAME=...} or ${NAME:=...}. */
static int param_assigns(const char *t, uint32_t j, uint32_t lim)
{
	uint32_t k = j;
	while (k < lim && is_name_char(t[k]))
		k++;
	if (k == j)
		return 0;
	if (k < lim && t[k] == ':')
		k++;
	return k < lim && t[k] == '=';
}

/* Opens a backtick substitution at i for the word of frame `owner`. Like the
 * shell, the end is the next unescaped backtick, whatever quotes lie in
 * between. */
static uint32_t open_backtick(struct scanner *s, uint32_t i, size_t owner)
{
	uint32_t lim = top(s)->limit;
	uint32_t j = i + 1;
	while (j < lim && s->t[j] != '`')
		j += s->t[j] == '\\' ? 2 : 1;
	struct frame *o = &s->fr[owner];
	o->wflags |= DFX_SH_WORD_EXPANSION;
	unsigned depth = o->depth + 1, cflags = o->cflags | DFX_SH_CMD_CMDSUBST;
	int unclosed = j >= lim;
	size_t idx = push_frame(s, F_BACKTICK, unclosed ? lim : j, depth, cflags, 0);
	if (idx != (size_t)-1)
		s->fr[idx].unclosed = (unsigned char)unclosed;
	return i + 1;
}

/* Handles `$` at i inside the word of frame `owner`. */
static uint32_t dollar(struct scanner *s, uint32_t i, size_t owner, int in_dq)
{
	const char *t = s->t;
	uint32_t lim = top(s)->limit;
	char n = i + 1 < lim ? t[i + 1] : 0;
	struct frame *o = &s->fr[owner];
	if (n == '(') {
		uint32_t q;
		if (i + 2 < lim && t[i + 2] == '(' && probe_arith(s, i, i + 3, lim, &q)) {
			o->wflags |= DFX_SH_WORD_EXPANSION | DFX_SH_WORD_ARITH;
			if (arith_assigns(t, i + 3, q - 2))
				o->wflags |= DFX_SH_WORD_ASSIGNS;
			return q;
		}
		o->wflags |= DFX_SH_WORD_EXPANSION;
		push_frame(s, F_CMDSUBST, lim, o->depth + 1, o->cflags | DFX_SH_CMD_CMDSUBST, 0);
		return i + 2;
	}
	if (n == '{') {
		o->wflags |= DFX_SH_WORD_EXPANSION;
		if (param_assigns(t, i + 2, lim))
			o->wflags |= DFX_SH_WORD_ASSIGNS;
		size_t idx = push_frame(s, F_PARAM, lim, 0, 0, owner);
		if (idx != (size_t)-1)
			s->fr[idx].in_dq = (unsigned char)in_dq;
		return i + 2;
	}
	if (is_name_start(n)) {
		uint32_t j = i + 2;
		while (j < lim && is_name_char(t[j]))
			j++;
		o->wflags |= DFX_SH_WORD_EXPANSION;
		return j;
	}
	if (n && (is_digit(n) || strchr("@*#?$!-", n))) {
		o->wflags |= DFX_SH_WORD_EXPANSION;
		return i + 2;
	}
	if (n == '\'' && !in_dq) {
		/* $'...' (bash): backslash escapes we do not decode. */
		uint32_t j = i + 2;
		while (j < lim && t[j] != '\'')
			j += t[j] == '\\' ? 2 : 1;
		o->wflags |= DFX_SH_WORD_QUOTED | DFX_SH_WORD_EXPANSION;
		if (j >= lim) {
			if (lim >= s->len)
				s->out->unterminated = 1;
			else
				syntax_error(s, i);
			return lim;
		}
		return j + 1;
	}
	if (n == '"' && !in_dq) {
		o->wflags |= DFX_SH_WORD_EXPANSION; /* $"..." is translated */
		return i + 1;
	}
	return i + 1; /* a literal $ */
}

/* A single-quoted string at i; returns the offset after it. */
static uint32_t squote(struct scanner *s, uint32_t i, uint32_t lim)
{
	const char *q = i + 1 < lim ? memchr(s->t + i + 1, '\'', lim - i - 1) : NULL;
	if (q)
		return (uint32_t)(q - s->t) + 1;
	if (lim >= s->len)
		s->out->unterminated = 1;
	else
		syntax_error(s, i);
	return lim;
}

enum rword {
	RW_NONE,
	RW_BANG,
	RW_LBRACE,
	RW_RBRACE,
	RW_IF,
	RW_THEN,
	RW_ELIF,
	RW_ELSE,
	RW_FI,
	RW_WHILE,
	RW_UNTIL,
	RW_DO,
	RW_DONE,
	RW_FOR,
	RW_SELECT,
	RW_CASE,
	RW_ESAC,
	RW_FUNCTION
};

static enum rword reserved(const char *w, size_t n)
{
	static const struct {
		const char *name;
		enum rword rw;
	} table[] = {
		{"!", RW_BANG},	    {"{", RW_LBRACE},	  {"}", RW_RBRACE},	{"if", RW_IF},
		{"then", RW_THEN},  {"elif", RW_ELIF},	  {"else", RW_ELSE},	{"fi", RW_FI},
		{"while", RW_WHILE}, {"until", RW_UNTIL}, {"do", RW_DO},	{"done", RW_DONE},
		{"for", RW_FOR},    {"select", RW_SELECT}, {"case", RW_CASE},	{"esac", RW_ESAC},
		{"function", RW_FUNCTION},
	};
	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++)
		if (span_eq(w, n, table[k].name))
			return table[k].rw;
	return RW_NONE;
}

/* Opens a compound command (frame kind `kind`) in frame fi. The current
 * command of fi becomes its unit, or stays the function definition whose
 * body this is. */
static void open_compound(struct scanner *s, size_t fi, enum fkind kind, dfx_sh_kind ckind, uint32_t end)
{
	struct frame *f = &s->fr[fi];
	dfx_sh_cmd *c = &s->cmds[f->cmd];
	int fbody = f->cs == CS_FBODY || f->cs == CS_FPARENS;
	if (!fbody)
		c->kind = ckind;
	unsigned cflags = f->cflags | (kind == F_SUBSHELL ? DFX_SH_CMD_SUBSHELL : DFX_SH_CMD_COMPOUND_BODY) |
			  (fbody ? DFX_SH_CMD_FUNCDEF : 0u);
	f->cs = CS_NORMAL;
	f->cmd_pos = 0;
	f->has_name = 1;
	f->cmd_end = end;
	push_frame(s, kind, f->limit, f->depth + 1, cflags, 0);
}

/* A reserved word in command position; returns 1 when it was consumed. */
static int handle_reserved(struct scanner *s, enum rword rw, uint32_t start, uint32_t end)
{
	size_t fi = s->nfr - 1;
	struct frame *f = &s->fr[fi];
	dfx_sh_cmd *c = &s->cmds[f->cmd];
	switch (rw) {
	case RW_NONE:
		return 0;
	case RW_BANG:
		if (f->cs != CS_NORMAL)
			return 0;
		c->flags |= DFX_SH_CMD_NEGATED;
		f->cmd_end = end;
		return 1;
	case RW_LBRACE:
		open_compound(s, fi, F_BRACE, DFX_SH_KIND_BRACE, end);
		return 1;
	case RW_IF:
		open_compound(s, fi, F_IF, DFX_SH_KIND_IF, end);
		return 1;
	case RW_WHILE:
	case RW_UNTIL:
		open_compound(s, fi, F_WHILE, DFX_SH_KIND_WHILE, end);
		return 1;
	case RW_FOR:
	case RW_SELECT:
		open_compound(s, fi, F_FOR, DFX_SH_KIND_FOR, end);
		return 1;
	case RW_CASE:
		open_compound(s, fi, F_CASE, DFX_SH_KIND_CASE, end);
		return 1;
	case RW_FUNCTION:
		if (f->cs != CS_NORMAL)
			return 0;
		c->kind = DFX_SH_KIND_FUNCDEF;
		c->flags |= DFX_SH_CMD_FUNCDEF;
		f->cs = CS_FNAME;
		f->cmd_pos = 0;
		f->has_name = 1;
		f->cmd_end = end;
		return 1;
	case RW_RBRACE:
		if (f->kind != F_BRACE)
			break;
		drop_cmd(s, f, start);
		close_frame(s, end);
		return 1;
	case RW_THEN:
	case RW_ELIF:
	case RW_ELSE:
		if (f->kind != F_IF)
			break;
		drop_cmd(s, f, start);
		return 1;
	case RW_FI:
		if (f->kind != F_IF)
			break;
		drop_cmd(s, f, start);
		close_frame(s, end);
		return 1;
	case RW_DO:
		if (f->kind != F_WHILE)
			break;
		drop_cmd(s, f, start);
		return 1;
	case RW_DONE:
		if (f->kind != F_WHILE && f->kind != F_FOR)
			break;
		drop_cmd(s, f, start);
		close_frame(s, end);
		return 1;
	case RW_ESAC:
		if (f->kind != F_CASE)
			break;
		drop_cmd(s, f, start);
		close_frame(s, end);
		return 1;
	}
	/* A closing or middle reserved word where it does not belong. */
	syntax_error(s, start);
	return 0;
}

/* Ends the current word of the top (command-level) frame at end. */
static void end_word(struct scanner *s, uint32_t end)
{
	struct frame *f = top(s);
	if (s->oom)
		return;
	uint32_t start = f->wstart;
	const char *w = s->t + start;
	size_t wl = end - start;
	unsigned flags = f->wflags;
	f->in_word = 0;
	if (f->wbracket == 2 || f->wbrace == 3)
		flags |= DFX_SH_WORD_GLOB;
	int plain = !(flags & (DFX_SH_WORD_QUOTED | DFX_SH_WORD_EXPANSION | DFX_SH_WORD_GLOB | DFX_SH_WORD_TILDE)) &&
		    !f->wesc;

	switch (f->hs) {
	case H_FOR_NAME:
		push_word(s, start, end, flags);
		f->hs = H_FOR_IN;
		return;
	case H_FOR_IN:
		if (plain && span_eq(w, wl, "in")) {
			f->hs = H_FOR_LIST;
			return;
		}
		if (plain && span_eq(w, wl, "do")) {
			f->hs = H_LIST;
			return;
		}
		syntax_error(s, start);
		f->hs = H_FOR_LIST;
		push_word(s, start, end, flags);
		return;
	case H_FOR_LIST:
		push_word(s, start, end, flags);
		return;
	case H_FOR_DO:
		f->hs = H_LIST;
		if (plain && span_eq(w, wl, "do"))
			return;
		syntax_error(s, start);
		begin_cmd(s, f, start);
		if (s->oom)
			return;
		break;
	case H_CASE_WORD:
		push_word(s, start, end, flags);
		f->hs = H_CASE_IN;
		return;
	case H_CASE_IN:
		if (!(plain && span_eq(w, wl, "in")))
			syntax_error(s, start);
		f->hs = H_CASE_PAT;
		f->pat_started = 0;
		return;
	case H_CASE_PAT:
		if (!f->pat_started && plain && span_eq(w, wl, "esac")) {
			close_frame(s, end);
			return;
		}
		f->pat_started = 1; /* patterns are not kept as words */
		return;
	default:
		break;
	}

	if (f->redir) {
		if (f->redir >= R_HEREDOC)
			add_heredoc(s, start, end, f->redir == R_HEREDOC_STRIP);
		f->redir = R_NONE;
		push_word(s, start, end, flags | DFX_SH_WORD_REDIRECT_TARGET);
		f->cmd_end = end;
		return;
	}
	if (f->cs == CS_FNAME) {
		push_word(s, start, end, flags);
		f->cs = CS_FPARENS;
		f->cmd_pos = 1;
		f->cmd_end = end;
		return;
	}
	if (f->cmd_pos && plain && handle_reserved(s, reserved(w, wl), start, end))
		return;
	f = top(s); /* unchanged when handle_reserved returns 0 */
	if (f->cs != CS_NORMAL) {
		syntax_error(s, start); /* a function body must be a compound command */
		f->cs = CS_NORMAL;
	}
	f->cmd_pos = 0;
	if (!f->has_name && f->wname == 1) {
		flags |= DFX_SH_WORD_ASSIGNMENT;
	} else if (!f->has_name) {
		f->has_name = 1;
		if (plain && span_eq(w, wl, "[["))
			f->dbracket = 1;
	} else if (f->dbracket && plain && span_eq(w, wl, "]]")) {
		f->dbracket = 0;
	}
	push_word(s, start, end, flags);
	f->cmd_end = end;
}

/* A redirection operator at i, with its fd digits (if any) from start. */
static uint32_t redirect(struct scanner *s, uint32_t start, uint32_t i)
{
	struct frame *f = top(s);
	const char *t = s->t;
	uint32_t lim = f->limit;
	char c = t[i];
	char n = i + 1 < lim ? t[i + 1] : 0;
	char n2 = i + 2 < lim ? t[i + 2] : 0;
	uint32_t len = 1;
	enum redir kind = R_PLAIN;
	f->in_word = 0;
	if (c == '&') {
		len = n2 == '>' ? 3 : 2; /* &> &>> */
	} else if (c == '<') {
		if (n == '<') {
			if (n2 == '<') {
				len = 3; /* <<< here-string */
			} else if (n2 == '-') {
				len = 3;
				kind = R_HEREDOC_STRIP;
			} else {
				len = 2;
				kind = R_HEREDOC;
			}
		} else if (n == '&' || n == '>') {
			len = 2;
		}
	} else if (n == '>' || n == '&' || n == '|') {
		len = 2; /* >> >& >| */
	}
	if (f->hs != H_LIST) {
		syntax_error(s, i);
		return i + len;
	}
	if (kind != R_PLAIN)
		s->out->has_heredoc = 1;
	begin_cmd(s, f, start);
	if (f->redir)
		syntax_error(s, i);
	push_word(s, start, i + len, DFX_SH_WORD_REDIRECT);
	f->redir = (unsigned char)kind;
	f->cmd_pos = 0;
	f->cmd_end = i + len;
	return i + len;
}

/* A list separator of n bytes at i. */
static uint32_t separator(struct scanner *s, uint32_t i, dfx_sh_sep sep, uint32_t n)
{
	struct frame *f = top(s);
	if (f->hs != H_LIST) {
		if (sep == DFX_SH_SEP_SEMI && (f->hs == H_FOR_IN || f->hs == H_FOR_LIST))
			f->hs = H_FOR_DO;
		else
			syntax_error(s, i);
		return i + n;
	}
	if (!f->has_cmd) {
		if (sep == DFX_SH_SEP_DSEMI && f->kind == F_CASE && !f->need_cmd) {
			f->hs = H_CASE_PAT; /* an empty case item */
			f->pat_started = 0;
		} else {
			syntax_error(s, i);
		}
		return i + n;
	}
	finish_cmd(s, f, sep);
	if (sep == DFX_SH_SEP_DSEMI) {
		if (f->kind == F_CASE) {
			f->hs = H_CASE_PAT;
			f->pat_started = 0;
		} else {
			syntax_error(s, i);
		}
	}
	return i + n;
}

static uint32_t skip_blanks(const char *t, uint32_t j, uint32_t lim)
{
	while (j < lim && is_blank(t[j]))
		j++;
	return j;
}

static uint32_t lparen(struct scanner *s, uint32_t i)
{
	size_t fi = s->nfr - 1;
	struct frame *f = &s->fr[fi];
	const char *t = s->t;
	uint32_t lim = f->limit, q, j;
	int dbl = i + 1 < lim && t[i + 1] == '(';

	if (f->hs == H_CASE_PAT) {
		if (f->pat_started)
			syntax_error(s, i);
		return i + 1; /* the optional ( before a pattern */
	}
	if (f->hs == H_FOR_NAME) {
		if (dbl && probe_arith(s, i, i + 2, lim, &q)) {
			push_word(s, i, q, DFX_SH_WORD_EXPANSION | DFX_SH_WORD_ARITH);
			f->hs = H_FOR_IN;
			return q;
		}
		syntax_error(s, i);
		return i + 1;
	}
	if (f->hs != H_LIST) {
		syntax_error(s, i);
		return i + 1;
	}
	if (f->cs == CS_FPARENS) {
		j = skip_blanks(t, i + 1, lim);
		if (j < lim && t[j] == ')') {
			f->cs = CS_FBODY;
			f->cmd_pos = 1;
			f->cmd_end = j + 1;
			return j + 1;
		}
		syntax_error(s, i);
		return i + 1;
	}
	if (!f->has_cmd || f->cmd_pos || f->cs == CS_FBODY) {
		if (f->cs == CS_NORMAL && dbl && probe_arith(s, i, i + 2, lim, &q)) {
			/* (( expr )): one word, which may assign. */
			unsigned flags = DFX_SH_WORD_EXPANSION | DFX_SH_WORD_ARITH;
			if (arith_assigns(t, i + 2, q - 2))
				flags |= DFX_SH_WORD_ASSIGNS;
			begin_cmd(s, f, i);
			push_word(s, i, q, flags);
			f->cmd_pos = 0;
			f->has_name = 1;
			f->cmd_end = q;
			return q;
		}
		begin_cmd(s, f, i);
		if (s->oom)
			return i + 1;
		open_compound(s, fi, F_SUBSHELL, DFX_SH_KIND_SUBSHELL, i + 1);
		return i + 1;
	}
	/* name ( ) : a function definition */
	if (f->cs == CS_NORMAL && f->has_name && !f->dbracket && s->npend - f->wbase == 1 &&
	    s->pend[s->npend - 1].flags == 0) {
		j = skip_blanks(t, i + 1, lim);
		if (j < lim && t[j] == ')') {
			dfx_sh_cmd *c = &s->cmds[f->cmd];
			c->kind = DFX_SH_KIND_FUNCDEF;
			c->flags |= DFX_SH_CMD_FUNCDEF;
			f->cs = CS_FBODY;
			f->cmd_pos = 1;
			f->cmd_end = j + 1;
			return j + 1;
		}
	}
	syntax_error(s, i);
	return i + 1;
}

static uint32_t rparen(struct scanner *s, uint32_t i)
{
	struct frame *f = top(s);
	if (f->hs == H_CASE_PAT) {
		if (!f->pat_started)
			syntax_error(s, i);
		f->hs = H_LIST; /* end of the pattern list */
		return i + 1;
	}
	if (f->kind == F_SUBSHELL || f->kind == F_CMDSUBST) {
		close_frame(s, i + 1);
		return i + 1;
	}
	syntax_error(s, i);
	return i + 1;
}

/* An operator character at i outside a word. */
static uint32_t op(struct scanner *s, uint32_t i)
{
	struct frame *f = top(s);
	const char *t = s->t;
	uint32_t lim = f->limit;
	char c = t[i];
	char n = i + 1 < lim ? t[i + 1] : 0;
	char n2 = i + 2 < lim ? t[i + 2] : 0;

	if (f->hs == H_CASE_PAT && c == '|') {
		if (!f->pat_started)
			syntax_error(s, i);
		f->pat_started = 0;
		return i + 1;
	}
	switch (c) {
	case '&':
		if (n == '&')
			return separator(s, i, DFX_SH_SEP_AND, 2);
		if (n == '>')
			return redirect(s, i, i);
		return separator(s, i, DFX_SH_SEP_AMP, 1);
	case '|':
		if (n == '|')
			return separator(s, i, DFX_SH_SEP_OR, 2);
		return separator(s, i, DFX_SH_SEP_PIPE, n == '&' ? 2 : 1);
	case ';':
		if (n == ';')
			return separator(s, i, DFX_SH_SEP_DSEMI, n2 == '&' ? 3 : 2);
		if (n == '&')
			return separator(s, i, DFX_SH_SEP_DSEMI, 2);
		return separator(s, i, DFX_SH_SEP_SEMI, 1);
	case '<':
	case '>':
		return redirect(s, i, i);
	case '(':
		return lparen(s, i);
	default:
		return rparen(s, i);
	}
}

static uint32_t newline(struct scanner *s, uint32_t i)
{
	struct frame *f = top(s);
	switch (f->hs) {
	case H_FOR_LIST:
		f->hs = H_FOR_DO;
		break;
	case H_FOR_NAME:
	case H_CASE_WORD:
		syntax_error(s, i);
		break;
	case H_LIST:
		/* A newline may come before a function body. */
		if (f->has_cmd && f->cs != CS_FBODY && f->cs != CS_FPARENS)
			finish_cmd(s, f, DFX_SH_SEP_NEWLINE);
		break;
	default:
		break;
	}
	if (s->nhd)
		return skip_heredocs(s, i + 1, f->limit);
	return i + 1;
}

static uint32_t comment(struct scanner *s, uint32_t i)
{
	uint32_t lim = top(s)->limit;
	const char *nl = memchr(s->t + i, '\n', lim - i);
	uint32_t end = nl ? (uint32_t)(nl - s->t) : lim;
	s->has_comment = 1;
	s->comment_start = i;
	s->comment_end = end;
	return end;
}

/* 1 when the word of f ends before c (at i). */
static int ends_word(struct scanner *s, struct frame *f, char c, uint32_t i)
{
	if (is_blank(c) || c == '\n' || c == ';')
		return 1;
	if (!is_op_char(c))
		return 0;
	if (!f->dbracket)
		return 1;
	/* Inside [[ ]] only `]]` itself ends at an operator character. */
	return i - f->wstart == 2 && f->wflags == 0 && !f->wesc && memcmp(s->t + f->wstart, "]]", 2) == 0;
}

/* 1 when the word so far is a plain fd number such as the 2 of 2>&1. */
static int io_number(struct scanner *s, struct frame *f, uint32_t i)
{
	if (f->wflags || f->wesc || f->dbracket)
		return 0;
	for (uint32_t k = f->wstart; k < i; k++)
		if (!is_digit(s->t[k]))
			return 0;
	return 1;
}

/* One step inside the current word of the top command-level frame. */
static uint32_t word_char(struct scanner *s, uint32_t i)
{
	size_t fi = s->nfr - 1;
	struct frame *f = &s->fr[fi];
	const char *t = s->t;
	uint32_t lim = f->limit;
	char c = t[i];

	/* Is the word so far NAME (then NAME= makes it an assignment)? */
	if (f->wname == 0) {
		if (is_name_char(c) && !(i == f->wstart && is_digit(c)))
			;
		else if (c == '=' && i > f->wstart)
			f->wname = 1;
		else if (c == '+' && i > f->wstart && i + 1 < lim && t[i + 1] == '=')
			;
		else
			f->wname = 2;
	}
	switch (c) {
	case '\\':
		f->wesc = 1;
		return i + 2 <= lim ? i + 2 : lim;
	case '\'':
		f->wflags |= DFX_SH_WORD_QUOTED;
		return squote(s, i, lim);
	case '"':
		f->wflags |= DFX_SH_WORD_QUOTED;
		push_frame(s, F_DQUOTE, lim, 0, 0, fi);
		return i + 1;
	case '$':
		return dollar(s, i, fi, 0);
	case '`':
		return open_backtick(s, i, fi);
	case '*':
	case '?':
		f->wflags |= DFX_SH_WORD_GLOB;
		break;
	case '[':
		if (!f->wbracket)
			f->wbracket = 1;
		break;
	case ']':
		if (f->wbracket == 1 && i > f->wstart)
			f->wbracket = 2;
		break;
	case '{':
		if (!f->wbrace)
			f->wbrace = 1;
		break;
	case ',':
		if (f->wbrace == 1)
			f->wbrace = 2;
		break;
	case '.':
		if (f->wbrace == 1 && i + 1 < lim && t[i + 1] == '.')
			f->wbrace = 2;
		break;
	case '}':
		if (f->wbrace == 2)
			f->wbrace = 3;
		break;
	case '~':
		if (i == f->wstart || (f->wname == 1 && (t[i - 1] == '=' || t[i - 1] == ':')))
			f->wflags |= DFX_SH_WORD_TILDE;
		break;
	default:
		break;
	}
	return i + 1;
}

/* One step in a command-level frame. */
static uint32_t scan_cmdlevel(struct scanner *s, uint32_t i)
{
	struct frame *f = top(s);
	const char *t = s->t;
	char c = t[i];

	if (f->in_word) {
		if (!ends_word(s, f, c, i))
			return word_char(s, i);
		if ((c == '<' || c == '>') && io_number(s, f, i))
			return redirect(s, f->wstart, i);
		end_word(s, i);
		return i; /* c is looked at again outside the word */
	}
	switch (c) {
	case ' ':
	case '\t':
		return i + 1;
	case '\n':
		return newline(s, i);
	case '#':
		return comment(s, i);
	case ';':
		return op(s, i);
	case '\\':
		if (i + 1 < f->limit && t[i + 1] == '\n')
			return i + 2; /* a line continuation between words */
		break;
	default:
		if (is_op_char(c) && !f->dbracket)
			return op(s, i);
		break;
	}
	f->in_word = 1;
	f->wstart = i;
	f->wflags = 0;
	f->wname = 0;
	f->wesc = 0;
	f->wbracket = 0;
	f->wbrace = 0;
	if (f->hs == H_LIST)
		begin_cmd(s, f, i);
	return word_char(s, i);
}

static uint32_t scan_dquote(struct scanner *s, uint32_t i)
{
	struct frame *f = top(s);
	const char *t = s->t;
	uint32_t lim = f->limit;
	switch (t[i]) {
	case '"':
		close_frame(s, i + 1);
		return i + 1;
	case '\\':
		return i + 2 <= lim ? i + 2 : lim;
	case '$':
		return dollar(s, i, f->owner, 1);
	case '`':
		return open_backtick(s, i, f->owner);
	default:
		while (++i < lim && !strchr("\"\\$`", t[i]))
			;
		return i;
	}
}

static uint32_t scan_param(struct scanner *s, uint32_t i)
{
	struct frame *f = top(s);
	const char *t = s->t;
	uint32_t lim = f->limit;
	size_t owner = f->owner;
	switch (t[i]) {
	case '}':
		close_frame(s, i + 1);
		return i + 1;
	case '\\':
		return i + 2 <= lim ? i + 2 : lim;
	case '\'':
		return f->in_dq ? i + 1 : squote(s, i, lim);
	case '"':
		push_frame(s, F_DQUOTE, lim, 0, 0, owner);
		return i + 1;
	case '$':
		return dollar(s, i, owner, f->in_dq);
	case '`':
		return open_backtick(s, i, owner);
	default:
		return i + 1;
	}
}

/* The scan reached the top frame's limit. Returns 0 when the scan is over. */
static int at_limit(struct scanner *s, uint32_t *i)
{
	struct frame *f = top(s);
	if (f->kind < F_DQUOTE && f->in_word) {
		end_word(s, *i);
		return 1;
	}
	if (f->kind == F_TOP) {
		if (f->has_cmd && (f->cs != CS_NORMAL || f->redir)) {
			s->out->unterminated = 1; /* `f()` or `a >` at the end */
			f->cs = CS_NORMAL;
			f->redir = R_NONE;
		}
		if (f->has_cmd)
			finish_cmd(s, f, DFX_SH_SEP_END);
		if (f->need_cmd)
			s->out->unterminated = 1; /* `a &&` at the end */
		return 0;
	}
	if (f->kind == F_BACKTICK && !f->unclosed && *i == f->limit) {
		close_frame(s, *i + 1);
		*i += 1;
		return 1;
	}
	/* The frame is still open at its limit. */
	if (f->limit >= s->len)
		s->out->unterminated = 1;
	else
		syntax_error(s, *i);
	if (f->kind < F_DQUOTE) {
		f->cs = CS_NORMAL;
		f->redir = R_NONE;
		f->dbracket = 0;
		f->need_cmd = 0;
		f->hs = H_LIST;
	}
	close_frame(s, *i);
	return 1;
}

static void run(struct scanner *s)
{
	uint32_t i = 0;
	while (!s->oom) {
		struct frame *f = top(s);
		if (i >= f->limit) {
			if (!at_limit(s, &i))
				break;
			continue;
		}
		switch (f->kind) {
		case F_DQUOTE:
			i = scan_dquote(s, i);
			break;
		case F_PARAM:
			i = scan_param(s, i);
			break;
		default:
			i = scan_cmdlevel(s, i);
			break;
		}
		if (s->too_deep) {
			/* Give up: close every open frame as if the text ended. */
			s->too_deep = 0;
			syntax_error(s, i);
			i = s->len;
		}
	}
}

int dfx_sh_scan(dfx_sh_script *out, dfx_arena *arena, const char *text, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len >= UINT32_MAX)
		return DFFIX_EINVAL;
	struct scanner s;
	memset(&s, 0, sizeof(s));
	s.arena = arena;
	s.t = text;
	s.len = (uint32_t)len;
	s.out = out;
	if (push_frame(&s, F_TOP, s.len, 0, 0, 0) == (size_t)-1)
		return DFFIX_ENOMEM;
	run(&s);
	if (s.oom) {
		memset(out, 0, sizeof(*out));
		return DFFIX_ENOMEM;
	}
	out->cmds = s.cmds;
	out->cmd_count = s.ncmds;
	out->words = s.words;
	out->word_count = s.nwords;
	for (size_t k = s.ncmds; k-- > 0;) {
		if (s.cmds[k].depth == 0) {
			out->ends_with_background = s.cmds[k].sep == DFX_SH_SEP_AMP;
			break;
		}
	}
	if (s.has_comment) {
		uint32_t k = s.comment_end;
		while (k < s.len && (is_blank(text[k]) || text[k] == '\n' || text[k] == '\r'))
			k++;
		if (k == s.len) {
			out->ends_with_comment = 1;
			out->comment_start = s.comment_start;
		}
	}
	return 0;
}

#define UNKNOWN_VALUE (DFX_SH_WORD_EXPANSION | DFX_SH_WORD_GLOB | DFX_SH_WORD_TILDE | DFX_SH_WORD_ARITH)

const char *dfx_sh_word_value(dfx_arena *arena, const char *text, const dfx_sh_word *word)
{
	if (word->flags & UNKNOWN_VALUE || word->end < word->start)
		return NULL;
	size_t n = word->end - word->start;
	char *buf = dfx_arena_alloc(arena, n + 1);
	if (!buf)
		return NULL;
	long m = unquote(text + word->start, n, buf);
	if (m < 0)
		return NULL;
	buf[m] = '\0';
	return buf;
}

/* Section - state changes */

/* The value of a short word in buf, without allocating. Returns its length,
 * -1 when the value is unknown, -2 when it is too long to be a builtin. */
static long short_value(const char *text, const dfx_sh_word *w, char *buf, size_t cap)
{
	if (w->flags & UNKNOWN_VALUE)
		return -1;
	size_t n = w->end - w->start;
	if (n >= cap)
		return -2;
	long m = unquote(text + w->start, n, buf);
	if (m < 0)
		return -2;
	buf[m] = '\0';
	return m;
}

static const struct {
	const char *name;
	const char *why;
} state_builtins[] = {
	{"cd", "`cd` changes the working directory"},
	{"chdir", "`cd` changes the working directory"},
	{"pushd", "`pushd`/`popd` changes the working directory"},
	{"popd", "`pushd`/`popd` changes the working directory"},
	{"dirs", "`dirs` can change the directory stack"},
	{"export", "`export` changes the environment"},
	{"readonly", "`readonly` changes variables"},
	{"unset", "`unset` removes variables or functions"},
	{"set", "`set` changes shell options"},
	{"shopt", "`shopt` changes shell options"},
	{"alias", "`alias` changes aliases"},
	{"unalias", "`unalias` changes aliases"},
	{"trap", "`trap` changes signal handlers"},
	{"umask", "`umask` changes the file creation mask"},
	{"ulimit", "`ulimit` changes resource limits"},
	{"eval", "`eval` runs text as shell code"},
	{"exec", "`exec` replaces the shell"},
	{"exit", "`exit` ends the shell"},
	{"logout", "`logout` ends the shell"},
	{"return", "`return` leaves the function or script"},
	{"break", "`break`/`continue` changes control flow"},
	{"continue", "`break`/`continue` changes control flow"},
	{"source", "`source`/`.` runs a script in the current shell"},
	{".", "`source`/`.` runs a script in the current shell"},
	{"local", "`local` declares variables"},
	{"declare", "`declare`/`typeset` changes variables"},
	{"typeset", "`declare`/`typeset` changes variables"},
	{"let", "`let` assigns variables"},
	{"read", "`read` sets variables"},
	{"mapfile", "`mapfile`/`readarray` sets variables"},
	{"readarray", "`mapfile`/`readarray` sets variables"},
	{"getopts", "`getopts` sets variables"},
	{"shift", "`shift` changes the positional parameters"},
	{"hash", "`hash` changes the command hash table"},
	{"wait", "`wait` waits for background jobs"},
	{"enable", "`enable` changes builtins"},
	{"bind", "`bind` changes shell settings"},
	{"complete", "`complete` changes shell settings"},
	{"fg", "job control changes the shell's jobs"},
	{"bg", "job control changes the shell's jobs"},
	{"disown", "job control changes the shell's jobs"},
	{"suspend", "`suspend` stops the shell"},
	{"history", "`history` changes the shell history"},
	{"fc", "`fc` runs commands from the shell history"},
};

/* POSIX special builtins: assignments before them persist. */
static int is_special_builtin(const char *name)
{
	static const char *const special[] = {"break", ":",	"continue", ".",   "eval",  "exec", "exit",
					      "export", "readonly", "return", "set", "shift", "times", "trap",
					      "unset"};
	for (size_t k = 0; k < sizeof(special) / sizeof(special[0]); k++)
		if (strcmp(name, special[k]) == 0)
			return 1;
	return 0;
}

/* Index of the next word from k that is neither a redirection nor its
 * target, or n. */
static size_t next_arg(const dfx_sh_word *w, size_t k, size_t n)
{
	while (k < n && (w[k].flags & (DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET)))
		k++;
	return k;
}

static const char *simple_state_change(const dfx_sh_cmd *c, const dfx_sh_word *w, const char *text)
{
	size_t n = c->word_count, k = 0;
	int assigned = 0;
	char name[32];
	for (;;) {
		k = next_arg(w, k, n);
		if (k < n && (w[k].flags & DFX_SH_WORD_ASSIGNMENT)) {
			assigned = 1;
			k++;
			continue;
		}
		break;
	}
	if (k >= n)
		return assigned ? "variable assignment" : NULL;
	for (;;) {
		if (w[k].flags & DFX_SH_WORD_ARITH)
			return "arithmetic command may assign variables";
		long len = short_value(text, &w[k], name, sizeof(name));
		if (len == -1)
			return "command name is an expansion";
		if (len < 0 || memchr(name, '/', (size_t)len))
			return NULL; /* a long name or a path is never a builtin */
		k++;
		if (strcmp(name, "command") == 0 || strcmp(name, "builtin") == 0 || strcmp(name, "time") == 0) {
			/* The real command name follows the options. */
			char opt[32];
			for (;;) {
				k = next_arg(w, k, n);
				if (k >= n)
					return NULL;
				long ol = short_value(text, &w[k], opt, sizeof(opt));
				if (ol == -1)
					return "command name is an expansion";
				if (ol > 1 && opt[0] == '-') {
					if (strcmp(name, "command") == 0 && (strchr(opt, 'v') || strchr(opt, 'V')))
						return NULL; /* command -v only looks a name up */
					k++;
					if (strcmp(opt, "--") == 0)
						break;
					continue;
				}
				break;
			}
			k = next_arg(w, k, n);
			if (k >= n)
				return NULL;
			continue;
		}
		break;
	}
	for (size_t b = 0; b < sizeof(state_builtins) / sizeof(state_builtins[0]); b++)
		if (strcmp(name, state_builtins[b].name) == 0)
			return state_builtins[b].why;
	if (assigned && is_special_builtin(name))
		return "variable assignment before a special builtin";
	if (strcmp(name, "printf") == 0) {
		/* Only options count: `printf '%s' -v` prints "-v". */
		char opt[32];
		for (k = next_arg(w, k, n); k < n; k = next_arg(w, k + 1, n)) {
			long ol = short_value(text, &w[k], opt, sizeof(opt));
			if (ol == -1)
				return "`printf` may set a variable";
			if (ol < 2 || opt[0] != '-' || strcmp(opt, "--") == 0)
				break;
			if (opt[1] == 'v')
				return "`printf -v` sets a variable";
		}
	}
	return NULL;
}

const dfx_sh_cmd *dfx_sh_state_change(const dfx_sh_script *script, const char *text, const char **why)
{
	static const dfx_sh_cmd nothing; /* for a broken script without commands */
	const char *reason = NULL;
	const dfx_sh_cmd *found = NULL;
	if (script->unterminated || script->syntax_error) {
		reason = script->unterminated ? "the shell text is unterminated"
					      : "the shell text has a syntax error";
		found = script->cmd_count ? &script->cmds[0] : &nothing;
		goto done;
	}
	for (size_t k = 0; k < script->cmd_count && !found; k++) {
		const dfx_sh_cmd *c = &script->cmds[k];
		const dfx_sh_word *w = script->words + c->first_word;
		if (c->flags & (DFX_SH_CMD_SUBSHELL | DFX_SH_CMD_CMDSUBST))
			continue;
		/* A function body runs only when called; the definition is reported. */
		if ((c->flags & DFX_SH_CMD_FUNCDEF) && c->kind != DFX_SH_KIND_FUNCDEF)
			continue;
		for (size_t j = 0; j < c->word_count && !reason; j++)
			if (w[j].flags & DFX_SH_WORD_ASSIGNS)
				reason = "an expansion assigns a variable";
		if (!reason) {
			switch (c->kind) {
			case DFX_SH_KIND_FUNCDEF:
				reason = "function definition";
				break;
			case DFX_SH_KIND_FOR:
				reason = "`for` loop sets a variable";
				break;
			case DFX_SH_KIND_SIMPLE:
				reason = simple_state_change(c, w, text);
				break;
			default:
				break;
			}
		}
		if (reason)
			found = c;
	}
done:
	if (why)
		*why = found ? reason : NULL;
	return found;
}
