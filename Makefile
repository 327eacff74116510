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
	src/pass_merge_run.c src/pass_arbitrary_uid.c src/pass_env_key_value.c src/pass_maintainer.c
CLI_SRCS = src/main.c
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
CLI_OBJS = $(CLI_SRCS:src/%.c=$(BUILD)/%.o)

UNIT_TESTS = test_parser test_printer test_config test_fileio test_walk test_imageref test_diff
UNIT_BINS = $(UNIT_TESTS:%=$(BUILD)/tests/%)

DEB_PKGS = build-essential libpcre2-dev libcmocka-dev libyaml-dev libeditorconfig-dev valgrind clang python3

.PHONY: all deps check unit golden corpus conformance asan ubsan leakcheck format fuzz bench \
	buildcheck corpus-report update-golden clean headertest

all: dffix libdffix.a

$(BUILD)/%.o: src/%.c $(wildcard src/*.h include/*.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD):
	mkdir -p $(BUILD)/tests

libdffix.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

dffix: $(CLI_OBJS) libdffix.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) libdffix.a $(LDLIBS)

# Unit tests link the library sources directly with cmocka's allocator.
$(BUILD)/tests/test_%: tests/test_%.c $(LIB_SRCS) $(wildcard src/*.h include/*.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -DDFFIX_FAULT_INJECTION -o $@ $< $(LIB_SRCS) $(LDFLAGS) $(LDLIBS) -lcmocka

deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		(apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$missing >/dev/null)) ; \
	else echo "deps: all present"; fi

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

golden: dffix
	@python3 tests/golden.py --dffix ./dffix testdata

corpus: dffix
	@bash tests/corpus.sh ./dffix

conformance: dffix
	@bash tests/conformance.sh ./dffix

headertest: | $(BUILD)
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -Iinclude -c tests/headertest.c -o $(BUILD)/headertest.o

check: all headertest unit golden corpus conformance

asan:
	$(MAKE) BUILD=build-asan EXTRA_CFLAGS="-fsanitize=address -fno-omit-frame-pointer" LDFLAGS="-fsanitize=address" check

ubsan:
	$(MAKE) BUILD=build-ubsan EXTRA_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=all" LDFLAGS="-fsanitize=undefined" check

leakcheck: dffix
	@bash tests/leakcheck.sh ./dffix

format:
	clang-format -i src/*.c src/*.h include/*.h tests/*.c

bench: dffix
	@bash bench/run.sh ./dffix

clean:
	rm -rf build build-asan build-ubsan build-fuzz dffix libdffix.a
