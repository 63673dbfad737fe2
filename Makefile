# mediablast build.  `make` builds build/mediablast; `make check` runs every
# test (unit tests plain and under ASan+UBSan, then the functional tests);
# `make demo` runs the main job; `make bench` prints BENCH lines.
#
# Modules live in lib/<module>/: every *.c there except *_test.c goes into
# build/libmbl.a; every lib/<module>/*_test.c is a cmocka test program.

PKGS      := libdpdk libsrtp2 libosip2 openssl
O         ?= build
SAN       ?=
CC        ?= cc

# A fresh Debian 12 machine has none of the libraries: install them first
# (scripts/deps.sh is idempotent and quick when everything is present).
DEPS_OK   := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && echo yes)
ifneq ($(DEPS_OK),yes)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(info missing build dependencies: running scripts/deps.sh)
DEPS_RC   := $(shell sh scripts/deps.sh 1>&2; echo $$?)
DEPS_OK   := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && echo yes)
endif
endif
ifeq ($(DEPS_OK),yes)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lm -lpthread
CMOCKA_LIBS := $(shell pkg-config --libs cmocka)
endif

MODULES   := $(sort $(notdir $(wildcard lib/*)))
INCLUDES  := $(addprefix -Ilib/,$(MODULES))
WARN      := -Wall -Wextra -Werror -Wshadow -Wno-address-of-packed-member \
             -Wmissing-prototypes -Wstrict-prototypes -Wno-missing-field-initializers
OPT       ?= -O2
ifeq ($(SAN),1)
O         := build-asan
OPT       := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined
LDSAN     := -fsanitize=address,undefined
endif
CFLAGS_ALL := -std=gnu11 -g $(OPT) $(WARN) -D_GNU_SOURCE -MMD -MP \
              $(PKG_CFLAGS) -mssse3 -msse4.2 -mpclmul -maes $(INCLUDES) $(CFLAGS)
LDFLAGS_ALL := $(LDSAN) $(LDFLAGS)

LIB_SRCS  := $(filter-out %_test.c,$(wildcard lib/*/*.c))
LIB_OBJS  := $(patsubst %.c,$(O)/obj/%.o,$(LIB_SRCS))
APP_SRCS  := $(wildcard app/*.c)
APP_OBJS  := $(patsubst %.c,$(O)/obj/%.o,$(APP_SRCS))
TEST_SRCS := $(wildcard lib/*/*_test.c)
TEST_BINS := $(patsubst lib/%.c,$(O)/tests/%,$(TEST_SRCS))

.PHONY: all deps check unit unit-asan functional functional-asan demo bench docs clean
all: deps-check $(O)/mediablast

# The libraries are checked above; the lab's tools (tshark, kamailio, SIPp,
# rtpengine, openssl) by scripts/deps.sh itself, which is quick when all are
# present.
deps-check:
	@[ "$(DEPS_OK)" = yes ] || { echo "build dependencies missing after scripts/deps.sh" >&2; exit 1; }
	@sh scripts/deps.sh

deps:
	sh scripts/deps.sh

$(O)/libmbl.a: $(LIB_OBJS)
	@rm -f $@
	@echo "  AR $@"
	@ar rcs $@ $^

# DTLS-SRTP handshakes/s of lib/dtls against bare OpenSSL (make bench)
$(O)/dtls_bench: scripts/dtls_bench.c $(O)/libmbl.a
	@echo "  LD $@"
	@$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(O)/libmbl.a $(PKG_LIBS)

$(O)/mediablast: $(APP_OBJS) $(O)/libmbl.a
	@echo "  LD $@"
	@$(CC) $(LDFLAGS_ALL) -o $@ $(APP_OBJS) $(O)/libmbl.a $(PKG_LIBS)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(O)/tests/%: lib/%.c $(O)/libmbl.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(O)/libmbl.a $(PKG_LIBS) $(CMOCKA_LIBS)

tests: $(TEST_BINS)

# Unit tests: every cmocka program, plain build.
unit: deps-check $(TEST_BINS)
	@sh scripts/run-unit.sh $(TEST_BINS)

unit-asan: deps-check
	@$(MAKE) --no-print-directory SAN=1 tests build-asan/mediablast
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  sh scripts/run-unit.sh $(patsubst $(O)/%,build-asan/%,$(TEST_BINS))

functional: deps-check $(O)/mediablast
	@sh tests/functional/run-all.sh $(O)/mediablast

# The lab tests that exercise bad input and the whole pipeline again, on the
# ASan+UBSan binary (shorter runs: the sanitizers are slow), DTLS-SRTP calls
# included (the handshake service, OpenSSL and the key hand-over).
ASAN_FUNCTIONAL := t_cli_errors t_memif t_malformed t_srtp_memif t_sip_bad_input t_sip_dtls
functional-asan: deps-check
	@$(MAKE) --no-print-directory SAN=1 build-asan/mediablast
	@STREAMS=200 DURATION=3 CALLS=40 RATE=20 TESTS="$(ASAN_FUNCTIONAL)" \
	  SUITES="AES_CM_128_HMAC_SHA1_80 AEAD_AES_128_GCM" \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  sh tests/functional/run-all.sh build-asan/mediablast

check: deps-check
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory functional
	@$(MAKE) --no-print-directory functional-asan

demo: deps-check $(O)/mediablast
	@sh scripts/demo.sh $(O)/mediablast

bench: deps-check $(O)/mediablast $(O)/dtls_bench
	@sh scripts/bench.sh $(O)/mediablast

docs: $(O)/mediablast
	$(O)/mediablast --no-huge --no-pci -- --help-config-md > docs/config.md

clean:
	rm -rf build build-asan

-include $(LIB_OBJS:.o=.d) $(APP_OBJS:.o=.d)
