#!/usr/bin/env bash
# tester.sh SRC EXERCICE... — ce que fait `make test`.
#
# Pour chaque exercice : compile les programmes de SRC (td6 ou solutions) ;
# s'ils compilent, lance la suite de tests de l'exercice contre eux. Puis
# affiche le tableau des notes (build/tests/bilan) et écrit
# build/resultats.json, build/resultats.tap et build/junit.xml.
# Code de sortie : 0 seulement si tous les tests passent.
#
# Plusieurs exercices : leurs suites tournent en parallèle, $TD6_PARALLELE
# à la fois (3 par défaut ; les verdicts ne dépendent pas du temps), et
# leurs sorties s'affichent dans l'ordre. Ainsi une copie entièrement
# bloquée est notée en moins de trois minutes. Un seul exercice : sortie en
# direct.
#
# Variables pour les autres scripts (valgrind.sh, noter-classe.sh) :
#   TD6_DOSSIER_RESULTATS  où écrire les résultats (défaut $BUILD/resultats)
#   TD6_BUILD_PROGRAMMES   où construire les programmes (défaut $BUILD)
#   TD6_PROTECTION=0       ne pas vérifier que tests/ et serveur/ sont intacts
set -u
src=$1
shift
build=${BUILD:-build}
progs=${TD6_BUILD_PROGRAMMES:-$build}
results=${TD6_DOSSIER_RESULTATS:-$build/resultats}
jobs=${TD6_PARALLELE:-3}
mkdir -p "$results"
rm -f "$results"/*

# Protection des tests : une copie dont tests/ ou serveur/ ne sont plus
# ceux du dépôt (un étudiant qui a « arrangé » un test) est signalée. Hors
# d'un dépôt git, ou sans git, on ne dit rien. Le correcteur, lui, note
# avec ses propres tests/ et serveur/ (make noter-classe).
# Un fichier ajouté (non suivi par git) dans tests/ compte aussi : il
# serait compilé dans la suite.
if [ "${TD6_PROTECTION:-1}" != 0 ] && command -v git >/dev/null 2>&1 &&
        git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    if ! git diff --quiet HEAD -- tests serveur 2>/dev/null ||
            [ -n "$(git ls-files --others --exclude-standard -- tests serveur 2>/dev/null | head -n 1)" ]; then
        echo "⚠ tests/ ou serveur/ diffèrent de la version du dépôt (git status -- tests serveur) : cette note n'engage que vous, le correcteur note avec les tests d'origine." >&2
    fi
fi

# Couleurs dans les sorties mises de côté, si le terminal en affiche.
[ -t 1 ] && [ -z "${NO_COLOR:-}" ] && export TD6_COULEUR=1

# compile EXO : construit les programmes de l'exercice ; en cas d'échec,
# écrit le bloc d'erreur dans $results/EXO.sortie et renvoie 1.
compile() {
    local exo=$1
    if "${MAKE:-make}" --no-print-directory -s programmes BUILD="$progs" SRC="$src" \
            EXO="${exo%%_*}" >"$results/$exo.log" 2>&1; then
        rm -f "$results/$exo.log"
        build_sanitized "$exo"
        return 0
    fi
    # Un exercice qui ne compile pas est noté comme tel, et on passe au
    # suivant : les autres méritent d'être notés.
    {
        echo
        echo "$exo ($src)"
        echo "  ✘ ne compile pas : voir les erreurs ci-dessous"
        sed 's/^/      /' "$results/$exo.log" | head -n 20
    } >"$results/$exo.sortie"
    mv "$results/$exo.log" "$results/$exo.compilation"
    touch "$results/$exo.fini"
    return 1
}

# build_sanitized EXO : les mêmes programmes avec ThreadSanitizer et avec
# ASan + UBSan (dossiers $progs/tsan et $progs/asan), pour les tests tsan_* et
# asan_* des suites ; un échec ici fait seulement échouer ces tests.
build_sanitized() {
    "${MAKE:-make}" --no-print-directory -s programmes BUILD="$progs/tsan" SRC="$src" EXO="${1%%_*}" \
        SAN=-fsanitize=thread CFLAGS="-O1 -g" >>"$results/$1.sanitizers.log" 2>&1
    "${MAKE:-make}" --no-print-directory -s programmes BUILD="$progs/asan" SRC="$src" EXO="${1%%_*}" \
        SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" CFLAGS="-O1 -g" \
        >>"$results/$1.sanitizers.log" 2>&1
}

# run_suite EXO : lance la suite de l'exercice (sortie standard héritée).
run_suite() {
    local exo=$1
    echo
    TD6_EXO=$exo TD6_SOURCE=$src TD6_BIN=$progs/$src/$exo \
    TD6_BIN_TSAN=$progs/tsan/$src/$exo TD6_BIN_ASAN=$progs/asan/$src/$exo \
    TD6_SERVEUR_BIN=$build/serveur/serveur TD6_RESULTATS=$results/$exo \
        "$build/tests/$exo/suite"
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
    # Compiler d'abord, un exercice après l'autre (make n'aime pas tourner
    # deux fois en même temps dans le même dossier), puis lancer les suites.
    runnable=()
    for exo in "$@"; do
        compile "$exo" && runnable+=("$exo")
    done
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
    for exo in "${runnable[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
            wait -n 2>/dev/null || true
            flush "$@"
        done
        { run_suite "$exo" >"$results/$exo.sortie" 2>&1; touch "$results/$exo.fini"; } &
    done
    while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
        wait -n 2>/dev/null || true
        flush "$@"
    done
    wait
    flush "$@"
fi
exec "$build/tests/bilan" "$results" "$@"
