# SPDX-License-Identifier: GPL-2.0
# viox: build the modules, check them, and drive the test VMs.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
HARNESS := tools/testing/viox

# The running kernel's build tree, or the harness's test kernel (built and
# cached on first use) where there is none.
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	 if [ -e $$d/Makefile ]; then echo $$d; else $(HARNESS)/build-kernel.sh; fi)
VERSION := $(shell tools/version.sh)
# Suites or selftests to run: make check T=viox_split_ring[,net_guest...]
T ?=
# make fuzz: seconds per fuzzer (only as given on the command line: bash
# keeps a SECONDS of its own) and the seed (random if not given).
FUZZ_SECONDS := $(if $(filter command line,$(origin SECONDS)),$(SECONDS),600)
SEED ?=

.PHONY: all modules clean lint check fuzz run bench deps kernel dkms help version \
	ip-plugin install-ip

all: modules

modules:
	@$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules 2>&1 | tee .build.log
	@if grep -E 'warning:|error:' .build.log >/dev/null; then \
		echo "viox: the build is not warning-free"; exit 1; fi

# ip's plugin for vports (`ip link add ... type viox mac ... vlan ...`).
ip-plugin:
	@$(MAKE) -s -C tools/ip

install-ip: ip-plugin
	@$(MAKE) -s -C tools/ip install

clean:
	@$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1 || true
	@$(MAKE) -s -C tools/ip clean
	@rm -f .build.log .lint.log

lint: modules
	@$(HARNESS)/lint.sh $(KDIR)

deps:
	@$(HARNESS)/install-deps.sh

kernel: deps
	@$(HARNESS)/build-kernel.sh

check: deps
	@$(HARNESS)/check.sh $(T)

fuzz: deps
	@$(HARNESS)/fuzz/run.sh "$(FUZZ_SECONDS)" "$(SEED)" "$(T)"

run: deps
	@$(HARNESS)/run.sh

bench: deps
	@$(HARNESS)/bench.sh "$(T)"

dkms:
	@$(HARNESS)/dkms.sh build

version:
	@echo $(VERSION)

help:
	@echo "viox $(VERSION)"
	@echo "  make            build every module against KDIR (W=1, warnings fail)"
	@echo "  make ip-plugin  build ip's plugin for viox vports (tools/ip/link_viox.so)"
	@echo "  make install-ip install it where ip looks (/usr/lib/<multiarch>/ip)"
	@echo "  make lint       checkpatch and sparse (C=2) over the sources"
	@echo "  make check      install deps, run KUnit and selftests in the debug test"
	@echo "                  kernel, then the selftests on Debian's stock kernel"
	@echo "                  (modules built by dkms); T=A,B runs the suites"
	@echo "                  and selftests whose names contain A or B"
	@echo "  make fuzz       run the fuzzers in the debug test kernel, SECONDS=N each"
	@echo "                  (default 600) from SEED=S (default random); T=NAME runs"
	@echo "                  one (rings, ioctl, netlink, mbx)"
	@echo "  make run        boot the stock-kernel VM and report what viox does"
	@echo "  make bench      benchmarks against in-tree peers; JSON in bench-results.json;"
	@echo "                  T=A,B runs tools/testing/viox/bench/A.sh and B.sh only"
	@echo "  make dkms       register and build the modules with dkms for the stock kernel"
	@echo "  make kernel     build (once, cached in /var/cache/viox) the test kernel"
	@echo "  make deps       install the Debian packages the above need"
	@echo "  KDIR=$(KDIR)"
