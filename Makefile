# TD6 en C — concurrence et parallélisme
#
# Le seul point d'entrée du TD. `make help` liste les cibles.
#
#   SRC=td6 (défaut) ou SRC=solutions : quel arbre construire et tester ;
#   EXO=NN : se limiter à un exercice (ex. EXO=02) ;
#   LATENCE=ms : latence du serveur local pour run/serveur/demo/bench.
#
# Chaque exercice est un dossier NN_nom de td6/ (et son jumeau dans
# solutions/ et tests/) : il est découvert tout seul, sans modifier ce
# fichier. Chaque fichier .c d'un exercice est un programme autonome.

.DEFAULT_GOAL := all

SRC ?= td6
EXO ?=
LATENCE ?= 50
PORT ?= 8606
BUILD ?= build
export BUILD

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
CSTD := -std=gnu11
CPPFLAGS += -D_GNU_SOURCE -Icommun
# Options de sanitizer, pour les programmes seulement (pas pour les tests) :
# make sanitize les règle dans un dossier de construction à part.
SAN ?=

# Tout se passe sur 127.0.0.1 : un proxy de l'environnement ne doit pas s'en
# mêler.
unexport http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

# ---- Ce qu'il y a à construire ------------------------------------------

EXOS_ALL := $(sort $(notdir $(wildcard td6/[0-9][0-9]_*)))
EXOS := $(if $(EXO),$(filter $(EXO) $(EXO)_%,$(EXOS_ALL)),$(EXOS_ALL))
# $(call programs,ARBRE) : build/ARBRE/NN_nom/prog pour chaque ARBRE/NN_nom/prog.c
programs = $(patsubst %.c,$(BUILD)/%,$(wildcard $(patsubst %,$(1)/%/*.c,$(EXOS))))

PROGRAMS := $(call programs,$(SRC))
SERVEUR := $(BUILD)/serveur/serveur
SUITES := $(patsubst %,$(BUILD)/tests/%/suite,$(EXOS))
MUTANTS := $(patsubst %.c,$(BUILD)/%,$(wildcard $(patsubst %,tests/mutants/%/*.c,$(EXOS))))
BILAN := $(BUILD)/tests/bilan
HARNESS := tests/lib/harnais.c tests/lib/principal.c
NPROC := $(shell nproc 2>/dev/null || echo 2)
COMMUN := commun/commun.c

# Les options de compilation viennent de pkg-config, une fois les
# dépendances vérifiées (voir scripts/dependances.sh) : build/config.mk est
# écrit à la première commande, puis relu.
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),all)),)
include $(BUILD)/config.mk
endif

$(BUILD)/config.mk: scripts/dependances.sh
	@scripts/dependances.sh
	@mkdir -p $(@D)
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags libcurl libmicrohttpd jansson check)"; \
	   echo "PROG_LIBS := $$(pkg-config --libs libcurl libmicrohttpd jansson) -pthread"; \
	   echo "TEST_LIBS := $$(pkg-config --libs check libcurl jansson) -pthread"; } > $@.tmp
	@mv $@.tmp $@

# ---- Règles de construction ---------------------------------------------

.PHONY: all programmes test check run serveur demo bench images sanitize valgrind indice \
        fiabilite noter-classe help clean

all: $(PROGRAMS) $(SERVEUR)

programmes: $(PROGRAMS)

# Une seule règle construit tous les programmes : ceux des élèves, les
# solutions, le serveur et les mutants.
$(BUILD)/%: %.c $(COMMUN) commun/commun.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(SAN) $(WARN) $(PKG_CFLAGS) $< $(COMMUN) -o $@ $(PROG_LIBS) $(SAN)

# Une suite de tests : les .c de tests/NN_nom/ plus le harnais commun.
.SECONDEXPANSION:
$(BUILD)/tests/%/suite: $$(wildcard tests/%/*.c tests/%/*.h) $(HARNESS) tests/lib/td6_test.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -Itests/lib \
	    $(filter %.c,$^) -o $@ $(TEST_LIBS)

$(BILAN): tests/lib/bilan.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(PKG_CFLAGS) $< -o $@ $(TEST_LIBS)

# La cale LD_PRELOAD des tests : une ligne écrite en plusieurs appels de
# stdio est coupée à coup sûr (voir tests/lib/entrelace.c).
ENTRELACE := $(BUILD)/tests/lib/entrelace.so
$(ENTRELACE): tests/lib/entrelace.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CFLAGS) $(WARN) -fPIC -shared $< -o $@ -ldl

# Ce dont a besoin le correcteur, qui ne dépend pas du code des élèves.
outils: $(SERVEUR) $(SUITES) $(BILAN) $(ENTRELACE)
.PHONY: outils

# ---- Cibles des utilisateurs --------------------------------------------

# Noter : chaque exercice est compilé à part, pour qu'un exercice qui ne
# compile pas n'empêche pas de noter les autres.
test: outils
	@scripts/tester.sh "$(SRC)" $(EXOS)

# Les outils se compilent sur tous les cœurs ; les suites aussi tournent en
# parallèle (voir scripts/verifier.sh).
check:
	@$(MAKE) --no-print-directory -s -j$(NPROC) outils
	@scripts/verifier.sh $(EXOS)

run: $(SERVEUR)
	@scripts/lancer.sh "$(SRC)" "$(EXO)" "$(LATENCE)" "$(PROG)"

serveur: $(SERVEUR)
	$(SERVEUR) -p $(PORT) -l $(LATENCE)

demo:
	@$(MAKE) --no-print-directory SRC=solutions EXO= all
	@scripts/demo.sh "$(LATENCE)"

bench:
	@$(MAKE) --no-print-directory SRC=solutions EXO= all
	@scripts/bench.sh "$(LATENCE)"

images:
	@$(MAKE) --no-print-directory SRC=solutions EXO= all
	@scripts/images.sh

sanitize:
	@scripts/sanitize.sh "$(SRC)" $(EXOS)

valgrind: outils
	@scripts/valgrind.sh "$(SRC)" $(EXOS)

indice: outils
	@scripts/indice.sh "$(SRC)" $(EXOS)

fiabilite: outils
	@scripts/fiabilite.sh $(EXOS)

# COPIES=dossier : un sous-dossier par étudiant, chacun un clone du TD.
noter-classe: outils
	@scripts/noter-classe.sh "$(COPIES)" $(EXOS)

help:
	@echo "TD6 en C — cibles disponibles :"
	@echo "  make                 construit td6/ (ou SRC=solutions) et le serveur local"
	@echo "  make test [EXO=NN]   lance les tests, affiche la note (SRC=solutions pour le corrigé)"
	@echo "  make run EXO=NN      démarre le serveur local et lance le programme de l'exercice"
	@echo "                       (PROG=nom pour en choisir un autre, ex. PROG=hello2)"
	@echo "  make serveur         le serveur local au premier plan (PORT=8606 LATENCE=50)"
	@echo "  make demo            tout le cours, solutions de référence, avec un tableau comparatif"
	@echo "  make bench           les temps, en rapport au temps idéal (CSV dans build/)"
	@echo "  make images          les diagrammes de images/, tracés à partir de vraies exécutions"
	@echo "  make sanitize        les tests sous ThreadSanitizer puis AddressSanitizer + UBSan"
	@echo "  make valgrind        les programmes séquentiels sous valgrind (memcheck)"
	@echo "  make indice EXO=NN   un indice pour le premier test qui échoue"
	@echo "  make noter-classe COPIES=dossier   noter toutes les copies d'une classe (CSV)"
	@echo "  make fiabilite       chaque suite 10 fois sur les solutions, l'autre cœur occupé"
	@echo "  make check           la preuve du projet : solutions justes, squelettes et mutants refusés"
	@echo "  make clean           efface build/"

clean:
	rm -rf build
