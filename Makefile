# SPDX-License-Identifier: GPL-2.0
#
# sks - Scalable Key Storage in the Linux kernel.
#
#   make            build sks.ko, libsks, the tools and the tests
#   make demo       the product's main job, end to end in the test VM
#   make check      host unit tests + the selftests in the test VM
#   make check-debug  the selftests on a KASAN/lockdep/kmemleak/UBSAN kernel
#   make lint       checkpatch --strict, kernel-doc and sparse over the kernel code
#                   (sks_kunit.c too: compiled, not linked)
#   make vm         interactive shell in the test VM, module loaded
#   make vm-run SCRIPT=/abs/path/script.sh   run a script in the test VM
#   make bench      benchmarks in the test VM
#   make install    (PREFIX=/usr/local, DESTDIR=) module, library, header,
#                   pkg-config file, skscm, sks-state, man pages, udev rules,
#                   the sks-state unit (not enabled), /var/lib/sks
#   make uninstall
#   make clean
#
# Every target first runs scripts/deps.sh, which installs what is missing.

SHELL := /bin/bash
TOP := $(CURDIR)
B := $(TOP)/build

# The kernel the test VM boots: Debian's newest installed 6.1.0-N-amd64.
VM_KVER = $(shell cat $(B)/kver 2>/dev/null || scripts/kver.sh 2>/dev/null)
VM_KDIR = /usr/src/linux-headers-$(VM_KVER)
# The kernel sks.ko is built for: the running kernel's build tree if there is
# one, else the Debian 6.1 headers.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(VM_KDIR))

CC ?= cc
CFLAGS ?= -O2 -g
WFLAGS := -Wall -Wextra -Werror
CPPFLAGS += -I$(TOP)/include/uapi -I$(TOP)/lib -I/usr/include/p11-kit-1 \
	-D_GNU_SOURCE
# kselftest_harness.h's macros declare parameters a test need not use.
TEST_CFLAGS := $(WFLAGS) -Wno-unused-parameter -isystem $(B)/ksft
LDFLAGS += -Wl,--as-needed

# libsks; its key repository's databases: libsqlite3 and libpq
REPO_CFLAGS := -I/usr/include/postgresql
REPO_LIBS := -lsqlite3 -lpq
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst lib/%.c,$(B)/lib/obj/%.o,$(LIB_SRCS))
LIB_SOVER := 0
LIB_VER := 0.1.0
LIB_SO := $(B)/lib/libsks.so.$(LIB_VER)
LIB_A := $(B)/lib/libsks.a
LIB_TARGETS := $(if $(LIB_SRCS),$(LIB_SO) $(LIB_A) $(B)/lib/libsks.pc)
LIB_LINK := $(if $(LIB_SRCS),-L$(B)/lib -lsks)

# the PKCS#11 module: libsks-pkcs11.so, libsks linked in statically
P11_SRCS := $(wildcard pkcs11/*.c)
P11_OBJS := $(patsubst pkcs11/%.c,$(B)/pkcs11/obj/%.o,$(P11_SRCS))
P11_SO := $(if $(P11_SRCS),$(B)/pkcs11/libsks-pkcs11.so)

# tools/<name>/*.c -> build/tools/<name>
TOOL_NAMES := $(patsubst tools/%/,%,$(dir $(wildcard tools/*/*.c)))
TOOL_NAMES := $(sort $(TOOL_NAMES))
TOOLS := $(addprefix $(B)/tools/,$(TOOL_NAMES))
# The libraries of each tool: TOOL_LIBS_<name>.
TOOL_LIBS_skscm := $(LIB_LINK) -lreadline -lcrypto
TOOL_LIBS_sks-state := $(LIB_LINK)
TOOL_LIBS_sks-bench := $(LIB_LINK) -lkcapi -lcrypto -ldl -lpthread
TOOL_LIBS_sks-fuzz := -lpthread
TOOL_LIBS_sks-repo-bench := $(LIB_LINK)

# selftests/*_test.c run in the VM; tests/*_test.c run on the host.
SELFTESTS := $(patsubst selftests/%.c,$(B)/selftests/%,$(wildcard selftests/*_test.c)) \
	$(patsubst selftests/%.sh,$(B)/selftests/%,$(wildcard selftests/*_test.sh))
# the Java client of the PKCS#11 module's tests (selftests/pkcs11_clients)
P11_JAVA := $(B)/pkcs11-java/SksPkcs11Client.class
HOSTTESTS := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/*_test.c))
HOSTSCRIPTS := $(wildcard tests/*_test.sh)
# Every test may call libsks (--as-needed drops it where one does not);
# TEST_LIBS_<name> adds what one test needs besides, first.
TEST_LIBS := $(LIB_LINK)
# sks_blob_plan() is internal to libsks: its test links the static library.
TEST_LIBS_libsks_test := $(LIB_A)
# Sources a host test is built with besides its own: TEST_SRCS_<name>.
# skscm's parser is tested against skscm's own table and handlers.
TEST_SRCS_skscm_parse_test := $(filter-out tools/skscm/main.c,$(wildcard tools/skscm/*.[ch]))
TEST_LIBS_skscm_parse_test := -lreadline -lcrypto
TEST_LIBS_ec_test := -lcrypto
TEST_LIBS_skscm_ec_test := -lcrypto
TEST_LIBS_libsks_ec_test := -lcrypto
# the PKCS#11 module's handle map, with the module's helpers
TEST_SRCS_pkcs11_map_test := pkcs11/util.c
TEST_LIBS_pkcs11_test := -lcrypto -ldl -lpthread
TEST_LIBS_pkcs11_sim_test := -ldl
TEST_LIBS_pkcs11_valgrind_test := -ldl
TEST_LIBS_foundation_test := -lkcapi
TEST_LIBS_kdf_cost_test := -lkcapi
TEST_LIBS_sks_object_test := -lkcapi
TEST_LIBS_state_test := -lkcapi
TEST_LIBS_lifecycle_test := -lpthread
TEST_LIBS_lockout_test := -lpthread
TEST_LIBS_races_test := -lpthread
TEST_LIBS_security_test := -lpthread
TEST_LIBS_stress_test := -lpthread
TEST_LIBS_wycheproof_test := -lcrypto -ljson-c
# The repository's tests reach into libsks (static) and its databases.
TEST_LIBS_repo_test := $(LIB_A) $(REPO_LIBS)
TEST_LIBS_repo_rollover_test := -lsqlite3
TEST_LIBS_repo_state_test := -lsqlite3

UAPI := $(wildcard include/uapi/linux/sks.h)
INITRAMFS := $(B)/vm/initramfs.cpio
DEPS_STAMP := $(B)/kver

.PHONY: install uninstall install-module install-user print-kdir
.PHONY: all module userspace lib pkcs11 tools selftests hosttests deps check demo \
	check-debug _check-debug \
	lint vm vm-run bench clean _check _demo _vm _vm-run _lint _bench \
	vm-module initramfs

all: deps
	@$(MAKE) --no-print-directory module userspace

deps:
	@scripts/deps.sh $(B)

userspace: lib pkcs11 tools selftests hosttests
lib: $(LIB_TARGETS)
pkcs11: $(P11_SO)
tools: $(TOOLS)
selftests: $(SELFTESTS) $(P11_JAVA)
hosttests: $(HOSTTESTS)

# ---- kernel module ---------------------------------------------------------

module:
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 modules

# The module the VM loads is always built against the VM kernel's headers.
vm-module:
	$(MAKE) -C $(VM_KDIR) M=$(TOP) W=1 modules

# ---- libsks ----------------------------------------------------------------

$(B)/lib/obj/%.o: lib/%.c $(wildcard lib/*.h) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(REPO_CFLAGS) $(CFLAGS) $(WFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIB_SO): $(LIB_OBJS) lib/libsks.map
	$(CC) $(CFLAGS) -shared -Wl,-soname,libsks.so.$(LIB_SOVER) \
		-Wl,--version-script=lib/libsks.map -Wl,-z,defs $(LDFLAGS) \
		-o $@ $(LIB_OBJS) $(REPO_LIBS)
	ln -sf libsks.so.$(LIB_VER) $(B)/lib/libsks.so.$(LIB_SOVER)
	ln -sf libsks.so.$(LIB_SOVER) $(B)/lib/libsks.so

$(LIB_A): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/lib/libsks.pc: lib/libsks.pc.in
	sed -e 's|@PREFIX@|$(or $(PREFIX),/usr/local)|' -e 's|@VERSION@|$(LIB_VER)|' $< >$@

# ---- the PKCS#11 module ------------------------------------------------------

$(B)/pkcs11/obj/%.o: pkcs11/%.c $(wildcard pkcs11/*.h) lib/sks.h $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WFLAGS) -fPIC \
		-fvisibility=hidden -c -o $@ $<

$(P11_SO): $(P11_OBJS) pkcs11/sks-pkcs11.map $(LIB_A)
	$(CC) $(CFLAGS) -shared -Wl,-soname,libsks-pkcs11.so \
		-Wl,--version-script=pkcs11/sks-pkcs11.map -Wl,-z,defs \
		$(LDFLAGS) -o $@ $(P11_OBJS) $(LIB_A) -lkcapi -lpthread

# ---- tools and tests -------------------------------------------------------

.SECONDEXPANSION:
$(B)/tools/%: $$(wildcard tools/%/*.c tools/%/*.h) $(LIB_TARGETS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WFLAGS) $(LDFLAGS) -o $@ \
		$(filter %.c,$^) $(TOOL_LIBS_$*)

$(B)/selftests/%: selftests/%.c $(wildcard selftests/*.h) $(UAPI) $(LIB_TARGETS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(TEST_LIBS_$*) $(TEST_LIBS)

# shell selftests: the host's paths filled in (they read files over 9p)
$(B)/selftests/%: selftests/%.sh
	@mkdir -p $(@D)
	sed -e 's|@TOP@|$(TOP)|g' -e 's|@BUILD@|$(B)|g' $< >$@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@

$(P11_JAVA): selftests/pkcs11_clients/SksPkcs11Client.java
	@mkdir -p $(@D)
	javac -d $(@D) $<

$(B)/tests/%: tests/%.c $$(TEST_SRCS_$$*) $(wildcard tests/*.h) $(UAPI) \
		$(LIB_TARGETS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(REPO_CFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(filter %.c,$(TEST_SRCS_$*)) $(TEST_LIBS_$*) $(TEST_LIBS)

# ---- test VM ---------------------------------------------------------------

$(INITRAMFS): driver/sks.ko $(LIB_TARGETS) $(P11_SO) $(TOOLS) $(SELFTESTS) \
		scripts/mkinitramfs.sh scripts/vm-init scripts/vm-check.sh \
		scripts/vm-uevent scripts/vm-hostroot
	scripts/mkinitramfs.sh $(VM_KVER) driver/sks.ko $@ \
		$(B)/lib $(B)/pkcs11 $(B)/tools $(B)/selftests

# sks.ko has its own (kbuild) dependency tracking: always ask kbuild.
initramfs: deps
	@$(MAKE) --no-print-directory vm-module userspace
	@$(MAKE) --no-print-directory $(INITRAMFS)

check: deps
	@$(MAKE) --no-print-directory _check

# Each run keeps its TAP files in a folder of its own (build/check.XXXXXX,
# the last one linked as build/check), so runs in one tree don't mix.
_check: initramfs
	@dir=$$(mktemp -d $(B)/check.XXXXXX) && \
	 { [ -L $(B)/check ] || rm -rf $(B)/check; } && ln -sfn $${dir##*/} $(B)/check && \
	 LD_LIBRARY_PATH=$(B)/lib scripts/host-tests.sh $$dir/host.tap \
		$(HOSTTESTS) $(HOSTSCRIPTS); \
	 scripts/vm.sh check $$dir/vm.tap; rc=$$?; \
	 if [ $$rc -ne 0 ] && ! grep -q '^not ok' $$dir/vm.tap 2>/dev/null; then \
		echo "not ok - the test VM ran the selftests to the end (status $$rc)" \
			>>$$dir/vm.tap; \
	 fi; \
	 scripts/tap-summary.sh $$dir/host.tap $$dir/vm.tap

# ---- debug kernel ------------------------------------------------------------
# scripts/debug-kernel.sh builds the kernel once per machine (cached outside
# the clone). sks.ko is built against it in a shadow tree of symlinks, so the
# module the normal VM loads is left alone.

DEBUG_MOD := $(B)/debug/mod

check-debug: deps
	@kdir=$$(scripts/debug-kernel.sh) && \
		$(MAKE) --no-print-directory _check-debug DEBUG_KDIR=$$kdir

_check-debug: userspace
	@rm -rf $(DEBUG_MOD) && mkdir -p $(DEBUG_MOD)/driver
	@ln -s $(TOP)/Kbuild $(TOP)/include $(DEBUG_MOD)/
	@ln -s $(addprefix $(TOP)/,$(wildcard driver/*.c driver/*.h driver/Kbuild)) \
		$(DEBUG_MOD)/driver/
	$(MAKE) -C $(DEBUG_KDIR) M=$(DEBUG_MOD) W=1 modules
	scripts/mkinitramfs.sh $$(cat $(DEBUG_KDIR)/include/config/kernel.release) \
		$(DEBUG_MOD)/driver/sks.ko $(B)/debug/initramfs.cpio \
		$(B)/lib $(B)/tools $(B)/selftests
	@dir=$$(mktemp -d $(B)/check-debug.XXXXXX) && \
	 VM_KERNEL=$(DEBUG_KDIR)/arch/x86/boot/bzImage \
	 VM_INITRD=$(B)/debug/initramfs.cpio VM_MEM=$${VM_MEM:-2048} \
	 VM_TIMEOUT=$${VM_TIMEOUT:-3000} \
		scripts/vm.sh check $$dir/debug.tap; rc=$$?; \
	 if [ $$rc -ne 0 ] && ! grep -q '^not ok' $$dir/debug.tap 2>/dev/null; then \
		echo "not ok - the debug VM ran the selftests to the end (status $$rc)" \
			>>$$dir/debug.tap; \
	 fi; \
	 scripts/tap-summary.sh $$dir/debug.tap

# The walkthrough checks secrets a few dozen times: it loads sks with a
# PBKDF2 cost of 20000 iterations (0.4 s per secret in the emulated VM)
# instead of the production 600000 (13 s there), and says so. The VM has
# a disk for the HSM's state: after the walkthrough it boots again on it
# (scripts/demo-reboot.sh).
demo: deps
	@$(MAKE) --no-print-directory initramfs
	@disk=$$(mktemp -u $(B)/demo-disk.XXXXXX) && \
	 export VM_DISK=$$disk \
		SKSVM_MODPARAMS=$${SKSVM_MODPARAMS-pbkdf2_iterations=20000} && \
	 scripts/vm.sh run $(TOP)/scripts/demo.sh && \
	 printf '\n\n======== Reboot ========\n' && \
	 scripts/vm.sh run $(TOP)/scripts/demo-reboot.sh; \
	 rc=$$?; rm -f $$disk; exit $$rc

vm: deps
	@$(MAKE) --no-print-directory initramfs
	@scripts/vm.sh shell

vm-run: deps
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=/abs/path/script.sh" >&2; exit 2; }
	@$(MAKE) --no-print-directory -s initramfs >/dev/null
	@scripts/vm.sh run $(SCRIPT)

# The repository alone (no kernel) on the host first: 1,000,000 entries in
# an SQLite file and in a PostgreSQL server of its own; then the VM.
bench: deps
	@$(MAKE) --no-print-directory initramfs
	@LD_LIBRARY_PATH=$(B)/lib scripts/repo-bench-host.sh $(B)/tools/sks-repo-bench
	@scripts/bench-run.sh $(B)

# ---- lint ------------------------------------------------------------------

KERNEL_FILES = $(filter-out %.mod.c,$(wildcard driver/*.c driver/*.h include/uapi/linux/*.h))
# sks_kunit.c is built only with CONFIG_KUNIT (driver/Kbuild), which Debian's
# kernel lacks, so the sparse step never compiles it. Lint compiles its
# object alone against the VM kernel's headers: <kunit/test.h> declares
# KUnit whatever the config, and -DCONFIG_KUNIT=1 shows the preprocessor
# what the debug kernel (CONFIG_KUNIT=y) shows it. The object is built in a
# tree of symlinks, so no sks_kunit.ko lands beside sks.ko (the initramfs
# would take it). It cannot be linked (Debian's vmlinux has no KUnit), so
# lint checks instead that each sks_* function it calls is exported to it
# (EXPORT_SYMBOL_IF_KUNIT), as modpost would on the debug kernel.
KUNIT_CHECK := $(B)/kunit-check

lint: deps
	@$(MAKE) --no-print-directory _lint

_lint:
	@echo "checkpatch --strict:"
	@perl $(B)/ksrc/scripts/checkpatch.pl --strict --no-tree --terse \
		--show-types -f $(KERNEL_FILES) >$(B)/checkpatch.log 2>&1; \
	 if grep -E -q 'ERROR|WARNING|CHECK' $(B)/checkpatch.log; then \
		cat $(B)/checkpatch.log; exit 1; fi; echo "  clean"
	@echo "kernel-doc:"
	@perl $(B)/ksrc/scripts/kernel-doc -none $(KERNEL_FILES) >$(B)/kernel-doc.log 2>&1; \
	 if [ -s $(B)/kernel-doc.log ]; then cat $(B)/kernel-doc.log; exit 1; fi; \
	 echo "  clean"
	@echo "sparse (C=2) and W=1:"
	@$(MAKE) -s -C $(VM_KDIR) M=$(TOP) C=2 W=1 modules >$(B)/sparse.log 2>&1 || \
		{ cat $(B)/sparse.log; exit 1; }
	@if grep -E -q 'warning:|error:' $(B)/sparse.log; then \
		cat $(B)/sparse.log; exit 1; fi; echo "  clean"
	@echo "sks_kunit.c, sparse and W=1 (compiled, not linked: Debian's kernel has no KUnit):"
	@rm -rf $(KUNIT_CHECK) && mkdir -p $(KUNIT_CHECK)/driver && \
	 ln -s $(TOP)/Kbuild $(TOP)/include $(KUNIT_CHECK)/ && \
	 ln -s $(addprefix $(TOP)/,$(wildcard driver/*.h) driver/sks_kunit.c \
		driver/Kbuild) $(KUNIT_CHECK)/driver/ && \
	 $(MAKE) -s -C $(VM_KDIR) M=$(KUNIT_CHECK) C=2 W=1 CONFIG_KUNIT=y \
		KCFLAGS=-DCONFIG_KUNIT=1 driver/sks_kunit.o \
		>$(B)/kunit-check.log 2>&1 || \
		{ cat $(B)/kunit-check.log; exit 1; }
	@if grep -E -q 'warning:|error:' $(B)/kunit-check.log; then \
		cat $(B)/kunit-check.log; exit 1; fi
	@test -s $(KUNIT_CHECK)/driver/sks_kunit.o || \
		{ echo "  no sks_kunit.o was built"; exit 1; }
	@bad=; for s in $$(nm -u $(KUNIT_CHECK)/driver/sks_kunit.o | \
			awk '$$2 ~ /^sks_/ { print $$2 }'); do \
		grep -q "^EXPORT_SYMBOL_IF_KUNIT($$s);" driver/*.c || bad="$$bad $$s"; \
	 done; \
	 if [ -n "$$bad" ]; then \
		echo "  sks_kunit.c calls what sks.ko does not export to it:$$bad"; \
		exit 1; fi; echo "  clean"

# ---- install ---------------------------------------------------------------

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
UDEVDIR ?= /etc/udev/rules.d
SYSTEMDUNITDIR ?= /etc/systemd/system
STATEDIR ?= /var/lib/sks
PKCS11DIR ?= $(LIBDIR)/pkcs11
# p11-kit reads module files from this folder only (not under PREFIX)
P11KIT_MODULES ?= /usr/share/p11-kit/modules
INSTALL_MOD_DIR ?= updates
# (Debian's headers carry the upstream version in kernel.release: take the
# release the module is built for from utsrelease.h.)
MOD_KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MANPAGES := $(wildcard docs/man/*.[0-9])

install: all
	@$(MAKE) --no-print-directory install-module install-user

install-module:
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) KERNELRELEASE=$(MOD_KVER) \
		CONFIG_MODULE_SIG_ALL= \
		$(if $(DESTDIR),DEPMOD=true) \
		modules_install

install-user:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(UDEVDIR)
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libsks.so.$(LIB_VER) $(DESTDIR)$(LIBDIR)/libsks.so.$(LIB_SOVER)
	ln -sf libsks.so.$(LIB_SOVER) $(DESTDIR)$(LIBDIR)/libsks.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@VERSION@|$(LIB_VER)|' lib/libsks.pc.in \
		>$(DESTDIR)$(LIBDIR)/pkgconfig/libsks.pc
	install -m 0644 lib/sks.h $(DESTDIR)$(INCLUDEDIR)/sks.h
	install -m 0644 lib/sks_repo.h $(DESTDIR)$(INCLUDEDIR)/sks_repo.h
	install -m 0644 include/uapi/linux/sks.h $(DESTDIR)$(INCLUDEDIR)/linux/sks.h
	install -m 0644 scripts/60-sks.rules $(DESTDIR)$(UDEVDIR)/60-sks.rules
	sed -e 's|@BINDIR@|$(BINDIR)|g' scripts/61-sks-state.rules.in \
		>$(DESTDIR)$(UDEVDIR)/61-sks-state.rules
	chmod 0644 $(DESTDIR)$(UDEVDIR)/61-sks-state.rules
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' scripts/sks-state.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/sks-state.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/sks-state.service
	install -d -m 0700 $(DESTDIR)$(STATEDIR)
	install -d $(DESTDIR)$(PKCS11DIR) $(DESTDIR)$(P11KIT_MODULES)
	install -m 0755 $(P11_SO) $(DESTDIR)$(PKCS11DIR)/libsks-pkcs11.so
	sed -e 's|@PKCS11DIR@|$(PKCS11DIR)|' pkcs11/sks.module.in \
		>$(DESTDIR)$(P11KIT_MODULES)/sks.module
	chmod 0644 $(DESTDIR)$(P11KIT_MODULES)/sks.module
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done
	@if [ -z "$(DESTDIR)" ]; then \
		getent group sks >/dev/null || groupadd --system sks; \
		ldconfig; depmod -a $(MOD_KVER) 2>/dev/null || true; \
		udevadm control --reload 2>/dev/null || true; \
		systemctl daemon-reload 2>/dev/null || true; \
	fi

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(TOOL_NAMES))
	rm -f $(DESTDIR)$(LIBDIR)/libsks.so.$(LIB_VER) \
		$(DESTDIR)$(LIBDIR)/libsks.so.$(LIB_SOVER) \
		$(DESTDIR)$(LIBDIR)/libsks.so $(DESTDIR)$(LIBDIR)/libsks.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libsks.pc
	rm -f $(DESTDIR)$(INCLUDEDIR)/sks.h $(DESTDIR)$(INCLUDEDIR)/sks_repo.h $(DESTDIR)$(INCLUDEDIR)/linux/sks.h
	rm -f $(DESTDIR)$(UDEVDIR)/60-sks.rules $(DESTDIR)$(UDEVDIR)/61-sks-state.rules
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/sks-state.service
	rm -f $(DESTDIR)$(PKCS11DIR)/libsks-pkcs11.so $(DESTDIR)$(P11KIT_MODULES)/sks.module
	rm -f $(foreach m,$(MANPAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -f $(DESTDIR)/lib/modules/$(MOD_KVER)/$(INSTALL_MOD_DIR)/sks.ko*
	@[ -n "$(DESTDIR)" ] || { ldconfig; depmod -a $(MOD_KVER) 2>/dev/null || true; }

print-kdir:
	@echo $(KDIR)

clean:
	-$(MAKE) -C $(VM_KDIR) M=$(TOP) clean >/dev/null 2>&1
	rm -rf $(B)
