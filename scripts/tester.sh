#!/usr/bin/env bash
# tester.sh SRC EXERCICE... — ce que fait `make test`.
#
# Pour chaque exercice : compile les programmes de SRC (td6 ou solutions)
# dans un dossier propre à cette exécution ($BUILD/essais/XXXXXX), donc
# toujours à partir des sources d'aujourd'hui (jamais d'anciens binaires,
# quelles que soient les dates des fichiers) ; s'ils compilent, lance la
# suite de tests de l'exercice contre eux. Puis affiche le tableau des
# notes (build/tests/bilan) et écrit resultats.json, resultats.tap et
# junit.xml dans $BUILD (ou à côté de $TD6_RESULTS_DIR).
# Code de sortie : 0 seulement si tous les tests de base passent (voir
# tests/lib/bilan.c pour les bonus et les tests non comptés) ; 2 si SRC ou
# l'exercice demandé n'existent pas.
#
# Plusieurs exercices : la suite d'un exercice part dès que ses programmes
# sont construits, pendant que l'exercice suivant compile ; les suites
# tournent en parallèle, $TD6_JOBS à la fois (3 par défaut), les plus
# longues d'abord, et leurs sorties s'affichent dans l'ordre des exercices.
# Ainsi une copie entièrement bloquée est notée en moins de trois minutes.
# Un seul exercice : sortie en direct. (Pourquoi le parallélisme ne change
# aucun verdict : voir plus bas, avant la boucle.)
#
# Deux `make test` en même temps dans le même clone ne se mélangent pas :
# chacun a son dossier (programmes, résultats, fichiers temporaires), effacé
# à la fin ; seuls les rapports finaux sont partagés, chacun écrit d'un
# coup (le dernier fini gagne).
#
# Variables pour les autres scripts (valgrind.sh, noter-classe.sh) :
#   TD6_RESULTS_DIR  où écrire les résultats (sinon dans le dossier de
#                          l'exécution, recopiés ensuite dans $BUILD/resultats)
#   TD6_PROTECTION=0       ne pas comparer l'arbre au sujet (.td6-empreintes)
#   TD6_REQUESTED_EXO        l'EXO demandé à make (pour le message d'erreur)
#   TD6_PART=bonus       le code de sortie juge les bonus (Classroom)
#   TD6_RUNS_DIR             où créer le dossier de l'exécution ($BUILD/essais)
set -u
. "$(dirname "$0")/lib/td6.sh"
src=${1:-}
shift
build=$td6_build
make=${MAKE:-make}
jobs=${TD6_JOBS:-${TD6_PARALLELE:-3}} # TD6_PARALLELE : ancien nom de TD6_JOBS, encore lu
nproc=$(nproc 2>/dev/null || echo 2)

# ---- Ce qu'on demande existe-t-il ? ----------------------------------------
exercices_connus() {
    ls -d td6/[0-9][0-9]_* 2>/dev/null | sed 's|^td6/||' | paste -sd' '
}
if [ -z "$src" ] || [ ! -d "$src" ]; then
    dispo=$(for d in td6 solutions; do [ -d "$d" ] && printf '%s ' "$d"; done)
    echo "make test : le dossier « $src » n'existe pas. Dossiers à noter ici : ${dispo:-aucun} (SRC=td6 par défaut)." >&2
    exit 2
fi
if [ $# -eq 0 ]; then
    echo "make test : l'exercice « ${TD6_REQUESTED_EXO:-} » n'existe pas. Exercices : $(exercices_connus) (EXO=01, EXO=02...)." >&2
    exit 2
fi
for exo in "$@"; do
    if [ ! -x "$build/tests/$exo/suite" ]; then
        echo "make test : pas de suite de tests pour « $exo » ($build/tests/$exo/suite). Exercices : $(exercices_connus)." >&2
        exit 2
    fi
done

# ---- Le dossier de cette exécution -----------------------------------------
essais=${TD6_RUNS_DIR:-$build/essais}
mkdir -p "$essais"
run=$(mktemp -d "$essais/XXXXXX")
nettoyer() { rm -rf "$run"; }
trap nettoyer EXIT
trap 'exit 130' INT TERM
progs=$run/bin
mkdir -p "$progs" "$run/tmp"
cp "$build/config.mk" "$progs/config.mk"
# Les fichiers temporaires des suites et des programmes restent ici.
export TMPDIR=$run/tmp
if [ -n "${TD6_RESULTS_DIR:-}" ]; then
    results=$TD6_RESULTS_DIR
    reports=$(dirname "$results")
    mkdir -p "$results"
    rm -rf "${results:?}"/*
else
    results=$run/resultats
    reports=$build
    mkdir -p "$results"
fi

# Couleurs dans les sorties mises de côté, si le terminal en affiche.
[ -t 1 ] && [ -z "${NO_COLOR:-}" ] && export TD6_COLOR=1

# ---- L'arbre est-il celui du sujet ? ---------------------------------------
# Dans le dépôt distribué, .td6-empreintes (écrit par make sujet) donne la
# somme de chaque fichier. Tout ce dont la note dépend (scripts/, tests/,
# serveur/, commun/, .github/, Makefile...) est comparé : un fichier changé,
# effacé ou ajouté est signalé sous le tableau et dans resultats.json. Une
# modification commitée est vue aussi (ce ne sont pas les sommes de git).
# Cela ne protège de rien : cela se voit. Le correcteur, lui, note avec ses
# propres fichiers (make noter-classe).
if [ "${TD6_PROTECTION:-1}" != 0 ] && [ -f .td6-empreintes ]; then
    {
        grep -v '  td6/' .td6-empreintes | sha256sum --quiet -c - 2>/dev/null |
            sed -n 's/: [^:]*$//p'
        find scripts tests serveur commun .github Makefile -type f 2>/dev/null | LC_ALL=C sort |
            LC_ALL=C comm -23 - <(cut -c67- .td6-empreintes | LC_ALL=C sort)
    } | LC_ALL=C sort -u >"$results/fichiers-modifies"
    [ -s "$results/fichiers-modifies" ] || rm -f "$results/fichiers-modifies"
fi

# Les fichiers qu'un exercice doit avoir : ceux du corrigé s'il est là, ceux
# du sujet sinon (.td6-empreintes).
attendus() {
    if [ -d "solutions/$1" ]; then
        (cd "solutions/$1" && ls -- *.c *.h 2>/dev/null)
    elif [ -f .td6-empreintes ]; then
        sed -n "s|^[0-9a-f]*  td6/$1/\([^/]*\.[ch]\)\$|\1|p" .td6-empreintes
    fi
}

# compile EXO : construit les programmes de l'exercice dans le dossier de
# l'exécution ; en cas d'échec, écrit le bloc d'erreur dans
# $results/EXO.sortie et renvoie 1.
compile() {
    local exo=$1 f missing=""
    # La liste des tests, sans rien lancer : un exercice qui ne compile pas
    # vaut 0 sur tous ses tests.
    "$build/tests/$exo/suite" --liste >"$results/$exo.liste" 2>/dev/null
    for f in $(attendus "$exo"); do
        [ -f "$src/$exo/$f" ] || missing="$missing $src/$exo/$f"
    done
    [ -n "$missing" ] && echo "${missing# }" >"$results/$exo.manquants"
    if [ ! -d "$src/$exo" ]; then
        echo "le dossier $src/$exo n'existe pas" >"$results/$exo.log"
    elif "$make" --no-print-directory -s -j"$nproc" programmes BUILD="$progs" SRC="$src" \
            EXO="${exo%%_*}" >"$results/$exo.log" 2>&1; then
        rm -f "$results/$exo.log"
        # Les mêmes programmes sous ThreadSanitizer et sous ASan + UBSan,
        # pour les tests tsan_* et asan_* ; un échec ici ne fait échouer
        # que ces tests.
        construire_sanitizers "$progs" "$src" "$exo" >>"$results/$exo.sanitizers.log" 2>&1
        return 0
    fi
    # Un exercice qui ne compile pas est noté comme tel, et on passe au
    # suivant : les autres méritent d'être notés.
    {
        echo
        echo "$exo ($src)"
        echo "  ✘ ne compile pas : voir les erreurs ci-dessous"
        [ -n "$missing" ] && echo "      fichiers manquants :$missing"
        sed 's/^/      /' "$results/$exo.log" | head -n 20
    } >"$results/$exo.sortie"
    mv "$results/$exo.log" "$results/$exo.compilation"
    touch "$results/$exo.fini"
    return 1
}

# ordre_des_suites EXO... : les exercices, la suite la plus longue d'abord.
# La durée est celle de la dernière exécution ($BUILD/resultats/EXO.duree),
# sinon le nombre de tests de la suite (environ une seconde chacun). Seul
# l'ordre de départ en dépend, jamais un verdict.
ordre_des_suites() {
    local exo d
    for exo in "$@"; do
        d=$(cat "$build/resultats/$exo.duree" 2>/dev/null) ||
            d=$("$build/tests/$exo/suite" --liste 2>/dev/null | wc -l)
        echo "${d:-0} $exo"
    done | sort -k1,1gr -k2,2 | cut -d' ' -f2
}

# run_suite EXO : lance la suite de l'exercice (sortie standard héritée).
run_suite() {
    local exo=$1 t0=$EPOCHREALTIME
    echo
    [ -f "$results/$exo.manquants" ] &&
        echo "  ✘ fichiers manquants : $(cat "$results/$exo.manquants") (leurs tests échouent)"
    lancer_suite "$exo" "$progs/$src/$exo" "$src" "$results/$exo" "$progs"
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }' >"$results/$exo.duree"
}

if [ $# -le 1 ] || [ "$jobs" -le 1 ]; then
    for exo in "$@"; do
        if compile "$exo"; then
            run_suite "$exo"
        else
            cat "$results/$exo.sortie"
            rm -f "$results/$exo.sortie" "$results/$exo.fini"
        fi
    done
else
    # Compiler un exercice après l'autre (chacun sur tous les cœurs), et
    # lancer sa suite dès qu'il est construit, pendant que le suivant
    # compile. C'est sans danger pour les verdicts :
    #   - chaque suite a ses propres binaires (déjà construits quand elle
    #     part : make ne touche plus à son dossier), son serveur local sur
    #     un port libre, dans son propre espace de noms réseau (bac à
    #     sable), et ses fichiers de résultats ;
    #   - aucun test ne chronomètre : ils jugent sur les /stats du serveur,
    #     les traces, le temps processeur et des valeurs exactes, avec des
    #     délais larges (un programme ralenti par la compilation d'à côté
    #     finit plus tard, pas autrement) ; make fiabilite le vérifie, les
    #     autres cœurs occupés.
    # Les suites les plus longues partent d'abord (voir ordre_des_suites) :
    # la plus longue fixe la durée de make test, autant qu'elle ne soit pas
    # la dernière lancée.
    queue=()
    next=1
    # Affiche, dans l'ordre des exercices, les sorties déjà complètes.
    flush() {
        local exo
        while [ "$next" -le $# ]; do
            exo=${!next}
            [ -f "$results/$exo.fini" ] || return 0
            cat "$results/$exo.sortie"
            rm -f "$results/$exo.sortie" "$results/$exo.fini"
            next=$((next + 1))
        done
    }
    # Lance les suites en attente, tant qu'il y a de la place.
    start_queued() {
        local exo
        while [ ${#queue[@]} -gt 0 ] && [ "$(jobs -rp | wc -l)" -lt "$jobs" ]; do
            exo=${queue[0]}
            queue=("${queue[@]:1}")
            { run_suite "$exo" >"$results/$exo.sortie" 2>&1; touch "$results/$exo.fini"; } &
        done
    }
    for exo in $(ordre_des_suites "$@"); do
        compile "$exo" && queue+=("$exo")
        start_queued
        flush "$@"
    done
    while [ ${#queue[@]} -gt 0 ] || [ "$(jobs -rp | wc -l)" -gt 0 ]; do
        wait -n 2>/dev/null || true
        flush "$@"
        start_queued
    done
    wait
    flush "$@"
fi
TD6_REPORTS=$reports "$build/tests/bilan" "$results" "$@"
rc=$?
# Les résultats détaillés de la dernière exécution, pour qui les lit
# (make indice, make suivre...) : remplacés d'un coup.
if [ -z "${TD6_RESULTS_DIR:-}" ]; then
    rm -rf "$build/resultats.ancien.$$"
    [ -e "$build/resultats" ] && mv -T "$build/resultats" "$build/resultats.ancien.$$" 2>/dev/null
    mv -T "$results" "$build/resultats" 2>/dev/null
    rm -rf "$build/resultats.ancien.$$"
fi
exit "$rc"
