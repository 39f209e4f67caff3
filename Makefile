# TD6 en C — concurrence et parallélisme
#
# Le seul point d'entrée du TD. `make help` liste les cibles.
#
#   SRC=td6 (défaut) ou SRC=solutions : quel arbre construire et tester ;
#   EXO=NN : se limiter à un exercice (ex. EXO=02) ;
#   PARTIE=bonus : le code de sortie de make test juge les bonus (Classroom) ;
#   LATENCE=ms : latence du serveur local pour run/serveur/demo/bench.
#
# Chaque exercice est un dossier NN_nom de td6/ (et son jumeau dans
# solutions/ et tests/) : il est découvert tout seul, sans modifier ce
# fichier. Un programme est un fichier .c qui contient main ; les autres .c
# et les .h de son dossier sont les « aides » du chapitre, liées à chacun de
# ses programmes (ce qui n'est pas la leçon reste hors du fichier de l'élève).

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
# Un programme est un .c qui définit main (une ligne « int main(... ») ;
# $(call mains,FICHIERS.c) garde ceux-là.
MAIN_RE := ^[[:space:]]*(int[[:space:]]+)?main[[:space:]]*[(]
mains = $(if $(strip $(1)),$(shell grep -lE '$(MAIN_RE)' $(1) 2>/dev/null))
# $(call programs,ARBRE) : $(BUILD)/ARBRE/NN_nom/prog pour chaque programme
# ARBRE/NN_nom/prog.c. ARBRE est n'importe quel dossier qui contient des
# NN_nom/ : td6, solutions, ou la copie d'un chapitre (un mutant).
programs = $(patsubst %.c,$(BUILD)/%,$(call mains,$(wildcard $(patsubst %,$(1)/%/*.c,$(EXOS)))))
# $(call helpers,DOSSIER/) : les aides d'un dossier, ses .c sans main et ses
# .h. Une copie hostile (tests/hostiles/NN_nom/) prend celles de
# solutions/NN_nom/ : elle n'est pas une variante d'une solution, mais elle
# partage son code.
helper_dir = $(if $(filter tests/hostiles/%,$(1)),solutions/$(patsubst tests/hostiles/%,%,$(1)),$(1))
helpers = $(call helpers_in,$(call helper_dir,$(1)))
helpers_in = $(filter-out $(call mains,$(wildcard $(1)*.c)),$(wildcard $(1)*.c)) $(wildcard $(1)*.h)

PROGRAMS := $(call programs,$(SRC))
SERVEUR := $(BUILD)/serveur/serveur
SUITES := $(patsubst %,$(BUILD)/tests/%/suite,$(EXOS))
BILAN := $(BUILD)/tests/bilan
HARNESS := $(filter-out tests/lib/bilan.c tests/lib/entrelace.c,$(wildcard tests/lib/*.c))
NPROC := $(shell nproc 2>/dev/null || echo 2)
COMMUN := $(wildcard commun/*.c)
COMMUN_H := $(wildcard commun/*.h)

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

# Une ligne en français par fichier compilé ; make V=1 montre les commandes
# entières (make -s : rien du tout). $(call say,TEXTE) est une ligne de
# recette : elle affiche TEXTE, sauf avec V=1 ou -s.
V ?=
COMMA := ,
Q := $(if $(filter 1,$(V)),,@)
SILENT := $(findstring s,$(filter-out --%,$(firstword x$(MAKEFLAGS))))
say = $(if $(filter 1,$(V))$(SILENT),@:,@echo "  $(1)")
# Après une erreur du compilateur, que faire (make ajoute sa propre ligne
# « make: *** ... Error 1 », en anglais, qui dit seulement quelle cible a
# échoué).
exo_of = $(firstword $(subst _, ,$(notdir $(patsubst %/,%,$(dir $(1))))))
compile_failed = { $(if $(SILENT),,echo "✘ $(1) ne compile pas : lisez la première erreur ci-dessus (fichier:ligne:colonne), corrigez-la, puis relancez make$(if $(filter td6/%,$(1)), ; make indice EXO=$(call exo_of,$(1)) donne un indice)." >&2;) exit 1; }

.PHONY: all programmes test check run serveur demo bench images sanitize valgrind indice \
        fiabilite noter-classe sujet comparer help clean suivre progres

# Une ligne de conclusion, sans quoi make, si tout est à jour, le dit en
# anglais (« Nothing to be done »). Pas dans un make lancé par un autre.
all: $(PROGRAMS) $(SERVEUR)
	$(if $(filter 0,$(MAKELEVEL)),$(call say,✔ programmes de $(SRC)/$(if $(EXO), ($(EXOS)),) et serveur local à jour : make run EXO=NN pour en lancer un$(COMMA) make test EXO=NN pour les tester.),@:)

programmes: $(PROGRAMS)
	$(if $(filter 0,$(MAKELEVEL)),$(call say,✔ programmes de $(SRC)/$(if $(EXO), ($(EXOS)),) à jour.),@:)

# Une seule règle construit tous les programmes : ceux des élèves, les
# solutions, le serveur, les copies hostiles et les copies des mutants. Un
# programme est recompilé quand lui, une aide de son chapitre ou commun/
# change. commun/ est compilé une fois par dossier de construction (et par
# jeu d'options de sanitizer : un dossier d'objets chacun), pas à chaque
# programme : c'était la moitié du temps de compilation de make test et
# de chaque copie d'un mutant dans make check. .SECONDARY (plus bas) : make
# garde ces objets (sinon, fichiers intermédiaires, il les effacerait à la
# fin).
# Les programmes MPI du chapitre 07 se compilent avec mpicc (MPICH,
# installé par scripts/dependances.sh) : le même compilateur, plus les
# en-têtes et la bibliothèque de MPI ; on les lance avec mpiexec.
MPICC ?= mpicc
cc_for = $(if $(findstring /07_distribue/,$(1)),$(MPICC),$(CC))
vide :=
espace := $(vide) $(vide)
virgule := ,
COMMUN_OBJ_DIR := $(BUILD)/commun/objets$(subst $(virgule),-,$(subst =,-,$(subst $(espace),,$(SAN))))
COMMUN_OBJS := $(patsubst commun/%.c,$(COMMUN_OBJ_DIR)/%.o,$(COMMUN))
$(COMMUN_OBJ_DIR)/%.o: commun/%.c $(COMMUN_H)
	@mkdir -p $(@D)
	$(call say,compilation de $<)
	$(Q)$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(SAN) $(WARN) $(PKG_CFLAGS) -c $< -o $@
# Les aides d'un chapitre de même : un objet chacune, à côté des
# programmes ($(BUILD)/ARBRE/NN_nom/aide.o, qui n'est pas exécutable),
# compilé une fois et lié à chaque programme du chapitre (et repris par la
# copie d'un mutant qui n'y touche pas, voir preparer_mutant dans
# scripts/lib/td6.sh). $(call helper_objs,DOSSIER/) : ces objets.
helper_objs = $(patsubst %.c,$(BUILD)/%.o,$(filter %.c,$(call helpers,$(1))))
# (Un « % » écrit dans les dépendances d'une règle à motif y serait
# remplacé : les .h d'un dossier sont donc nommés par une fonction.)
helper_headers = $(filter %.h,$(call helpers,$(1)))
# Aucun objet n'est effacé à la fin comme intermédiaire : ni ceux de
# commun/, ni ceux du harnais, ni ceux des aides (qui n'ont pas de liste
# fixe : ils sont trouvés par la règle des programmes).
.SECONDARY:
.SECONDEXPANSION:
$(BUILD)/%.o: %.c $$(call helper_headers,$$(dir $$*)) $(COMMUN_H)
	@mkdir -p $(@D)
	$(call say,compilation de $<)
	$(Q)$(call cc_for,$@) $(CSTD) $(CPPFLAGS) -I$(call helper_dir,$(dir $*)) $(CFLAGS) $(SAN) $(WARN) $(PKG_CFLAGS) \
	    -c $< -o $@ || $(call compile_failed,$<)
$(BUILD)/%: %.c $$(call helper_objs,$$(dir $$*)) $$(call helper_headers,$$(dir $$*)) $(COMMUN_OBJS) $(COMMUN_H)
	@mkdir -p $(@D)
	$(call say,compilation de $<)
	$(Q)$(call cc_for,$@) $(CSTD) $(CPPFLAGS) -I$(call helper_dir,$(dir $*)) $(CFLAGS) $(SAN) $(WARN) $(PKG_CFLAGS) \
	    $< $(call helper_objs,$(dir $*)) $(COMMUN_OBJS) -o $@ $(PROG_LIBS) $(SAN) || \
	    $(call compile_failed,$<)

# Une suite de tests : les .c de tests/NN_nom/ plus le harnais commun. Le
# harnais (les trois quarts du code d'une suite) est compilé une fois, en
# objets, et lié à chaque suite : le recompiler pour chacune coûtait les
# trois quarts de make outils.
HARNESS_OBJS := $(patsubst tests/lib/%.c,$(BUILD)/tests/lib/objets/%.o,$(HARNESS))
$(BUILD)/tests/lib/objets/%.o: tests/lib/%.c $(wildcard tests/lib/*.h)
	@mkdir -p $(@D)
	$(call say,compilation de $<)
	$(Q)$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -Itests/lib -c $< -o $@
$(BUILD)/tests/%/suite: $$(wildcard tests/%/*.c tests/%/*.h) $(HARNESS_OBJS) $(wildcard tests/lib/*.h)
	@mkdir -p $(@D)
	$(call say,compilation des tests de $*)
	$(Q)$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -Itests/lib \
	    $(filter %.c,$^) $(HARNESS_OBJS) -o $@ $(TEST_LIBS)

$(BILAN): tests/lib/bilan.c tests/lib/texte.h
	@mkdir -p $(@D)
	$(call say,compilation de $<)
	$(Q)$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(PKG_CFLAGS) $< -o $@ $(TEST_LIBS)

# La cale LD_PRELOAD des tests : une ligne écrite en plusieurs appels de
# stdio est coupée à coup sûr (voir tests/lib/entrelace.c).
ENTRELACE := $(BUILD)/tests/lib/entrelace.so
$(ENTRELACE): tests/lib/entrelace.c
	@mkdir -p $(@D)
	$(call say,compilation de $<)
	$(Q)$(CC) $(CSTD) $(CFLAGS) $(WARN) -fPIC -shared $< -o $@ -ldl

# L'init du bac à sable (pid 1 autour de chaque programme noté), compilé
# seul : il ne charge que la libc, donc démarre vite (voir
# tests/lib/init_bac_a_sable.c). Chaque suite l'a aussi, au cas où.
INIT_BAC := $(BUILD)/tests/lib/init_bac_a_sable
$(INIT_BAC): tests/lib/init_bac_a_sable.c $(wildcard tests/lib/*.h)
	@mkdir -p $(@D)
	$(call say,compilation de $<)
	$(Q)$(CC) $(CSTD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -DTD6_INIT_MAIN $< -o $@

# Ce dont a besoin le correcteur, qui ne dépend pas du code des élèves.
outils: $(SERVEUR) $(SUITES) $(BILAN) $(ENTRELACE) $(INIT_BAC)
.PHONY: outils

# Pour clangd (et VS Code) : les options de compilation de chaque fichier C
# du dépôt, écrites par make lui-même (pas besoin de bear). À refaire après
# l'ajout d'un fichier : make compile_commands.json.
compile_commands.json: $(BUILD)/config.mk Makefile
	@{ sep=""; printf '['; \
	  for f in $$(find $(wildcard td6 solutions serveur commun tests) -name '*.c' | sort); do \
	    d=$$(dirname "$$f"); inc="-I$$d"; \
	    case "$$f" in \
	      tests/hostiles/*/*) inc="-Isolutions/$$(basename "$$d")";; \
	      tests/[0-9]*|tests/lib/*) inc="-I$$d -Itests/lib";; \
	    esac; \
	    printf '%s\n  {"directory": "%s", "file": "%s",\n   "command": "%s %s %s %s %s %s -c %s"}' \
	      "$$sep" "$(CURDIR)" "$$f" "$(CC)" "$(CSTD)" "$(CPPFLAGS)" "$$inc" "$(WARN)" \
	      "$(PKG_CFLAGS)" "$$f"; \
	    sep=","; \
	  done; printf '\n]\n'; } > $@.tmp
	@mv $@.tmp $@
	@echo "compile_commands.json écrit ($$(grep -c '"file"' $@) fichiers)"
.PHONY: compile_commands.json

# ---- Cibles des utilisateurs --------------------------------------------

# Noter : chaque exercice est compilé à part, pour qu'un exercice qui ne
# compile pas n'empêche pas de noter les autres.
# La ligne « sha256sum » : un scripts/tester.sh remplacé (qui afficherait
# n'importe quelle note) est signalé avant même d'être lancé, dans le dépôt
# distribué (.td6-empreintes, écrit par make sujet). Voir ENSEIGNANT.md.
test: outils
	@[ ! -f .td6-empreintes ] || grep ' scripts/tester.sh$$' .td6-empreintes | sha256sum --quiet -c - >/dev/null 2>&1 || \
	    echo "⚠ scripts/tester.sh n'est plus celui du sujet : la note qui suit ne vaut rien, le correcteur note avec le sien." >&2
	@TD6_REQUESTED_EXO="$(EXO)" TD6_PART="$(PARTIE)" scripts/tester.sh "$(SRC)" $(EXOS)

# Les outils se compilent sur tous les cœurs ; les suites aussi tournent en
# parallèle (voir scripts/verifier.sh).
check:
	@$(MAKE) --no-print-directory -s -j$(NPROC) outils
	@scripts/verifier.sh $(EXOS)

# Les programmes de l'exercice sont construits d'abord (une erreur de
# compilation s'explique alors comme pour make) ; si le programme échoue,
# une ligne dit où regarder ensuite (2 : l'EXO manque ou n'existe pas, déjà
# dit par lancer.sh).
run: $(SERVEUR) $(if $(EXO),$(PROGRAMS))
	@scripts/lancer.sh "$(SRC)" "$(EXO)" "$(LATENCE)" "$(PROG)" || { rc=$$?; \
	  if [ $$rc -gt 128 ]; then \
	    echo "✘ le programme a planté (signal $$(kill -l $$((rc - 128)))) : make sanitize EXO=$(EXO) montre la ligne fautive ; make indice EXO=$(EXO) donne un indice." >&2; \
	  elif [ $$rc -ne 2 ]; then \
	    echo "✘ le programme a fini avec le code $$rc : lisez ses messages ci-dessus ; make test EXO=$(EXO) dit ce qui est attendu." >&2; \
	  fi; exit $$rc; }

serveur: $(SERVEUR)
	$(SERVEUR) -p $(PORT) -l $(LATENCE)

demo:
	@$(MAKE) --no-print-directory SRC=solutions EXO= all
	@scripts/demo.sh "$(LATENCE)"

bench:
	@$(MAKE) --no-print-directory SRC=solutions EXO= all
	@scripts/bench.sh "$(LATENCE)" $(if $(EXO),$(EXOS))

images:
	@$(MAKE) --no-print-directory SRC=solutions EXO= all
	@scripts/images.sh

# Les programmes Python du cours (python/) à côté des solutions C : Python
# et ses paquets ne sont vérifiés (et installés) que pour cette cible.
comparer:
	@$(MAKE) --no-print-directory SRC=solutions EXO= all
	@scripts/dependances.sh --python
	@scripts/comparer.sh "$(LATENCE)" $(EXOS)

sanitize:
	@scripts/sanitize.sh "$(SRC)" $(EXOS)

valgrind: outils
	@scripts/valgrind.sh "$(SRC)" $(EXOS)

indice: outils
	@NIVEAU="$(NIVEAU)" scripts/indice.sh "$(SRC)" $(EXOS)

# Le mode suivi : les tests d'un exercice repartent à chaque enregistrement.
suivre: outils
	@scripts/suivre.sh "$(SRC)" $(EXOS)

progres: outils
	@scripts/progres.sh "$(SRC)" $(EXOS)

fiabilite: outils
	@scripts/fiabilite.sh $(EXOS)

# COPIES=dossier : un sous-dossier par étudiant, chacun un clone du TD.
noter-classe: outils
	@TD6_REQUESTED_EXO="$(EXO)" scripts/noter-classe.sh "$(COPIES)" $(EXOS)

# Le dépôt à distribuer aux étudiants (modèle GitHub Classroom) : tout sauf
# les réponses, dans $(BUILD)/sujet. Voir scripts/sujet.sh et ENSEIGNANT.md.
sujet:
	@scripts/sujet.sh "$(BUILD)/sujet"

# Dans le dépôt distribué (make sujet), ni solutions/ ni outils des
# mainteneurs : ces cibles disent pourquoi au lieu d'échouer plus loin.
ifeq ($(wildcard solutions/.),)
demo bench images check fiabilite noter-classe comparer sujet: sans-solutions
sans-solutions:
	@echo "make $(or $(MAKECMDGOALS),?) : absent du dépôt distribué aux étudiants." >&2
	@echo "  Cette cible fait tourner les solutions de référence (solutions/) ou les outils" >&2
	@echo "  des mainteneurs et des enseignants, qui ne sont pas distribués. Ici : make," >&2
	@echo "  make run EXO=NN, make test [EXO=NN], make indice EXO=NN, make progres ;" >&2
	@echo "  make help les liste toutes." >&2
	@exit 2
.PHONY: sans-solutions
endif

help:
	@echo "TD6 en C — cibles disponibles :"
	@echo "  make                 construit td6/ et le serveur local"
	@echo "  make test [EXO=NN]   lance les tests, affiche la note"
	@echo "  make run EXO=NN      démarre le serveur local et lance le programme de l'exercice"
	@echo "                       (PROG=nom pour en choisir un autre, ex. PROG=hello2)"
	@echo "  make indice EXO=NN   un indice en trois temps pour le premier test qui échoue (NIVEAU=1..3)"
	@echo "  make progres         la progression de chaque exercice (tests réussis, points), une fois"
	@echo "  make suivre          à chaque enregistrement dans td6/ : tests de l'exercice, progression, indice"
	@echo "  make serveur         le serveur local au premier plan (PORT=8606 LATENCE=50)"
	@echo "  make sanitize        les tests sous ThreadSanitizer puis AddressSanitizer + UBSan"
	@echo "  make valgrind        les programmes séquentiels sous valgrind (memcheck)"
	@echo "  make compile_commands.json   pour clangd / VS Code : les options de chaque fichier"
	@echo "  make clean           efface $(BUILD)/"
	@echo "  make V=1 ...         montre les commandes de compilation entières"
ifeq ($(wildcard solutions/.),)
	@echo "Dans ce dépôt (celui de l'étudiant), pas de solutions : demo, bench, images,"
	@echo "comparer, check, fiabilite, noter-classe et sujet sont chez l'enseignant."
else
	@echo "Avec les solutions de référence (dépôt de l'enseignant) :"
	@echo "  SRC=solutions        avec make, make test, make run... : le corrigé au lieu de td6/"
	@echo "  make demo            tout le cours, solutions de référence, avec un tableau comparatif"
	@echo "  make bench           les temps, en rapport au temps idéal (CSV dans build/)"
	@echo "  make bench EXO=NN    à la place, le balayage détaillé du chapitre (scripts/banc/NN_nom.sh,"
	@echo "                       ARGS=\"...\" pour ses arguments ; BENCH_REPETITIONS=5 mesures)"
	@echo "  make comparer [EXO=NN] les programmes Python du cours à côté des solutions C"
	@echo "  make images          les diagrammes de images/, tracés à partir de vraies exécutions"
	@echo "  make noter-classe COPIES=dossier   noter toutes les copies d'une classe (CSV)"
	@echo "  make sujet           le dépôt à distribuer aux étudiants (sans les solutions), dans build/sujet"
	@echo "  make fiabilite       chaque suite 10 fois sur les solutions, l'autre cœur occupé,"
	@echo "                       puis chaque mutant 3 fois (10 si « @repetitions 10 ») : refusé à chaque tour"
	@echo "  make check           la preuve du projet : solutions justes, squelettes et mutants refusés"
endif

clean:
	rm -rf $(BUILD)
