# dffix - see README.md. `make deps && make` builds; `make check` runs every test.
CC ?= cc
BUILD ?= build
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ifeq ($(CI),true)
WARN += -Werror
endif
ifneq ($(WERROR),)
WARN += -Werror
endif
CPPFLAGS += -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS = -lpcre2-8 -lyaml -leditorconfig -lpthread

# The library: one job per file (see ../shared/docs/DESIGN.md).
LIB_SRCS = src/arena.c src/buf.c src/doc.c src/parser.c src/instr.c src/printer.c src/dump.c \
	src/json_out.c src/fileio.c src/walk.c src/config.c src/imageref.c src/diff.c src/shell.c \
	src/stage.c src/suppress.c src/passes.c src/pass_pin_tag.c src/pass_pkg_clean.c src/pass_cache_order.c \
	src/pass_merge_run.c src/pass_arbitrary_uid.c src/pass_env_key_value.c src/pass_maintainer.c \
	src/rules.c src/rules_common.c src/rules_buildkit.c src/rules_structure.c src/rules_runtime.c \
	src/rules_security.c src/rules_openshift.c src/report.c
CLI_SRCS = src/main.c
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
CLI_OBJS = $(CLI_SRCS:src/%.c=$(BUILD)/%.o)

UNIT_TESTS = test_parser test_printer test_config test_fileio test_walk test_imageref test_diff test_shell \
	test_pass_merge_run test_pass_pkg_clean test_pass_pin_tag test_pass_arbitrary_uid test_pass_cache_order \
	test_rules test_report
UNIT_BINS = $(UNIT_TESTS:%=$(BUILD)/tests/%)

DEB_PKGS = build-essential libpcre2-dev libcmocka-dev libyaml-dev libeditorconfig-dev valgrind clang \
	libclang-rt-14-dev python3 strace time nodejs

DFFIX = $(BUILD)/dffix
ORACLE = $(HOME)/.cache/dffix-oracle
FUZZ_SECONDS ?= 20

.PHONY: all deps oracle check test suite unit golden corpus conformance cli asan ubsan leakcheck format \
	fuzz bench buildcheck corpus-report update-golden clean headertest hostile security writesafety sarif bench-hostile

all: dffix libdffix.a

$(BUILD)/%.o: src/%.c $(wildcard src/*.h include/*.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD):
	mkdir -p $(BUILD)/tests

$(BUILD)/libdffix.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/dffix: $(CLI_OBJS) $(BUILD)/libdffix.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libdffix.a $(LDLIBS)

# The default build also leaves the CLI and library at the top (gofmt-style `./dffix`).
dffix: $(BUILD)/dffix
	cp $< $@
libdffix.a: $(BUILD)/libdffix.a
	cp $< $@

# Unit tests link the library sources directly, with cmocka's allocator
# checking for leaks and the write fault injection compiled in.
$(BUILD)/tests/test_%: tests/test_%.c $(LIB_SRCS) $(wildcard src/*.h include/*.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -DDFFIX_FAULT_INJECTION -o $@ $< $(LIB_SRCS) $(LDFLAGS) $(LDLIBS) -lcmocka

# Debian packages for building and testing, then the reference parsers and
# real-build tools of ../shared/oracle (apt + npm only). Idempotent and quiet.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
		 { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } ; \
	else echo "deps: all packages present"; fi
	@$(MAKE) -s oracle

oracle:
	@if [ -x $(ORACLE)/bin/dfdump ] && [ -x $(ORACLE)/bin/dfdump.js ]; then echo "oracle: present"; \
	elif [ -f ../shared/oracle/setup.sh ]; then bash ../shared/oracle/setup.sh $(ORACLE) >/dev/null && echo "oracle: installed"; \
	else echo "oracle: ../shared/oracle missing; conformance tests will say so"; fi
	@if [ -x $(ORACLE)/bin/dfbuildcmp ]; then echo "oracle: dfbuildcmp present"; \
	elif [ -f ../shared/oracle/setup-build.sh ]; then bash ../shared/oracle/setup-build.sh $(ORACLE) >/dev/null 2>&1 \
		&& echo "oracle: dfbuildcmp installed" || echo "oracle: dfbuildcmp unavailable (buildcheck will skip)"; fi

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

headertest: | $(BUILD)
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -Iinclude -c tests/headertest.c -o $(BUILD)/headertest.o

golden: $(DFFIX)
	@python3 tests/golden.py --dffix $(DFFIX) testdata

update-golden: $(DFFIX)
	@python3 tests/golden.py --dffix $(DFFIX) --update testdata

corpus: $(DFFIX)
	@bash tests/corpus.sh $(DFFIX)

conformance: $(DFFIX)
	@bash tests/conformance.sh $(DFFIX)

cli: $(DFFIX)
	@bash tests/cli.sh $(DFFIX)

sarif: $(DFFIX)
	@bash tests/sarif/run.sh $(DFFIX) $(BUILD)

# The functional suite, for any build flavour (BUILD=build-asan ...).
suite: headertest unit golden corpus cli

# Everything CI runs: the suite, the oracles, real builds, sanitizers,
# valgrind, hostile input, write safety, security and a fuzz smoke run.
check: all suite conformance sarif buildcheck asan ubsan leakcheck hostile writesafety security fuzz

# `make test` is the quick loop for development.
test: all suite

asan:
	$(MAKE) BUILD=build-asan EXTRA_CFLAGS="-fsanitize=address -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address" suite

# clang's UBSan: gcc's does not flag arithmetic on a NULL pointer (`NULL + 0`),
# which the fuzz build (clang) once found in a pass the whole suite had run.
ubsan:
	$(MAKE) CC=clang BUILD=build-ubsan EXTRA_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=undefined" suite

# valgrind over every 60th corpus file (about 40) in four modes, two at a time.
LEAKCHECK_STEP ?= 60
leakcheck: $(DFFIX)
	@LEAKCHECK_STEP=$(LEAKCHECK_STEP) LEAKCHECK_JOBS=2 bash tests/leakcheck.sh $(DFFIX)

hostile: $(DFFIX)
	@bash tests/hostile.sh $(DFFIX)

writesafety: $(DFFIX)
	@bash tests/writesafety.sh $(DFFIX)

security: $(DFFIX)
	@bash tests/security.sh $(DFFIX)

buildcheck: $(DFFIX)
	@bash tests/buildcheck.sh $(DFFIX)

corpus-report: $(DFFIX)
	@bash tests/corpus_report.sh $(DFFIX)

fuzz:
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: $(DFFIX) $(BUILD)/libdffix.a
	@bash tests/bench/run.sh $(DFFIX)

format:
	clang-format -i src/*.c src/*.h include/*.h tests/*.c

clean:
	rm -rf build build-asan build-ubsan build-fuzz build-fault dffix libdffix.a

bench-hostile: $(DFFIX)
	@bash tests/bench/hostile.sh $(DFFIX)
