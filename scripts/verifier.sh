#!/usr/bin/env bash
# verifier.sh EXERCICE... — ce que fait `make check` (et donc la CI).
#
# La preuve que le TD tient debout :
#   1. les solutions passent tous les tests ;
#   2. chaque squelette de td6/ compile, mais sa suite échoue ;
#   3. chaque mutant de tests/mutants/NN_nom/ échoue à sa suite.
#
# Un mutant est un programme complet, faux d'une façon courante chez les
# étudiants : tests/mutants/NN_nom/<programme>-<défaut>.c remplace
# <programme> parmi les solutions de l'exercice. Chaque ligne
# « @echoue <test> » de son commentaire d'en-tête nomme un test qui doit
# échouer sur ce mutant (et pas seulement la suite en général).
set -u
build=${BUILD:-build}
make=${MAKE:-make}
# Un dossier par ensemble d'exercices : deux `make check EXO=..` peuvent
# tourner en même temps sans se marcher dessus.
verif=$build/verif/$(echo "$@" | tr ' ' '+')
good=0 bad=0
failures=()

pass() { good=$((good + 1)); echo "  ✔ $1"; }
fail() { bad=$((bad + 1)); failures+=("$1"); echo "  ✘ $1"; }

# run_suite EXO DOSSIER_BIN NOM : lance la suite, résultats dans $verif/NOM.*
run_suite() {
    local exo=$1 bin=$2 name=$3
    mkdir -p "$(dirname "$verif/$name")"
    TD6_EXO=$exo TD6_SOURCE=$name TD6_BIN=$bin TD6_SERVEUR_BIN=$build/serveur/serveur \
    TD6_BIN_TSAN=$build/tsan/${bin#"$build"/} TD6_BIN_ASAN=$build/asan/${bin#"$build"/} \
    TD6_RESULTATS=$verif/$name NO_COLOR=1 \
        "$build/tests/$exo/suite" >"$verif/$name.log" 2>&1
}

rm -rf "$verif"
mkdir -p "$verif"
start=$(date +%s)

echo "== Compilation : solutions, squelettes, mutants (avec -Wall -Wextra -Werror)"
for src in solutions td6; do
    if "$make" --no-print-directory -s -j"$(nproc 2>/dev/null || echo 2)" programmes SRC=$src >"$verif/$src.compil" 2>&1; then
        pass "$src/ compile"
    else
        fail "$src/ ne compile pas"
        sed 's/^/      /' "$verif/$src.compil" | head -n 30
    fi
done
# Les solutions avec ThreadSanitizer et avec ASan + UBSan, pour les tests
# tsan_* et asan_* (les squelettes n'en ont pas besoin : ils échouent déjà).
for v in "tsan -fsanitize=thread" "asan -fsanitize=address,undefined -fno-omit-frame-pointer"; do
    "$make" --no-print-directory -s -j"$(nproc 2>/dev/null || echo 2)" programmes SRC=solutions \
        BUILD="$build/${v%% *}" SAN="${v#* }" CFLAGS="-O1 -g" >>"$verif/sanitizers.compil" 2>&1 ||
        fail "solutions/ ne compile pas avec ${v#* } (voir $verif/sanitizers.compil)"
done
mutant_sources=()
for exo in "$@"; do
    for m in tests/mutants/"$exo"/*.c; do
        [ -e "$m" ] && mutant_sources+=("$m")
    done
done
if [ ${#mutant_sources[@]} -gt 0 ]; then
    targets=$(printf "$build/%s\n" "${mutant_sources[@]%.c}")
    if "$make" --no-print-directory -s -j"$(nproc 2>/dev/null || echo 2)" $targets >"$verif/mutants.compil" 2>&1; then
        pass "les ${#mutant_sources[@]} mutants compilent"
    else
        fail "des mutants ne compilent pas"
        sed 's/^/      /' "$verif/mutants.compil" | head -n 30
    fi
fi

echo "== Chaque ligne « TODO: » de td6/ a sa jumelle sans « TODO: » dans solutions/"
for exo in "$@"; do
    for f in td6/"$exo"/*.c; do
        twin=solutions/$exo/$(basename "$f")
        if [ ! -f "$twin" ]; then fail "$f n'a pas de jumeau $twin"; continue; fi
        orphans=$(grep -F 'TODO: ' "$f" | sed 's/TODO: //' | while IFS= read -r line; do
            grep -qxF -- "$line" "$twin" || echo "$line"; done)
        if [ -n "$orphans" ]; then
            fail "$f : lignes TODO sans jumelle dans $twin :"
            echo "$orphans" | sed 's/^/      /'
        else
            pass "$f : $(grep -c 'TODO: ' "$f") TODO, tous présents dans la solution"
        fi
    done
done

# Les suites tournent en parallèle ($TD6_JOBS à la fois, 6 par défaut) :
# elles passent presque tout leur temps à attendre (latence du serveur,
# délais des programmes bloqués), chacune avec son propre serveur sur un
# port libre. Les verdicts ne dépendent d'aucun chronomètre, donc pas de
# la charge. Le compte rendu, lui, est écrit ensuite, dans l'ordre.
jobs_max=${TD6_JOBS:-6}

# run_job EXO DOSSIER_BIN NOM : run_suite, plus son code et sa durée.
run_job() {
    local t0=$SECONDS
    run_suite "$@"
    echo $? >"$verif/$3.rc"
    echo $((SECONDS - t0)) >"$verif/$3.duree"
}

launch() {
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
    run_job "$@" &
}

# Les vérifications des outils (démo, images, copies hostiles...) :
# chaque scripts/verifier-*.sh est une vérification de plus, réussie si son
# code de sortie est 0. Elles tournent à côté des suites.
extras=()
for extra in scripts/verifier-*.sh; do
    [ -x "$extra" ] || continue
    extras+=("$extra")
    name=$(basename "$extra" .sh)
    { "$extra" "$@" >"$verif/$name.log" 2>&1; echo $? >"$verif/$name.rc"; } &
done

# Les mutants d'abord : ce sont les plus longs (ceux qui bloquent attendent
# leur délai).
for m in "${mutant_sources[@]}"; do
    exo=$(basename "$(dirname "$m")")
    file=$(basename "$m" .c)
    prog=${file%%-*}
    dir=$verif/mutants/$exo/$file
    mkdir -p "$dir"
    # Les programmes justes de l'exercice, sauf celui que le mutant remplace.
    for p in "$build/solutions/$exo"/*; do
        ln -sf "$(realpath "$p")" "$dir/$(basename "$p")"
    done
    rm -f "$dir/$prog"
    cp "$build/${m%.c}" "$dir/$prog"
    launch "$exo" "$dir" "mutants/$exo/$file"
done
for exo in "$@"; do
    launch "$exo" "$build/solutions/$exo" "solutions/$exo"
    launch "$exo" "$build/td6/$exo" "td6/$exo"
done
wait

rc() { cat "$verif/$1.rc" 2>/dev/null || echo 99; }
took() { echo "$(cat "$verif/$1.duree" 2>/dev/null || echo '?') s"; }

echo "== Les solutions passent tous les tests"
for exo in "$@"; do
    if [ "$(rc "solutions/$exo")" -eq 0 ]; then
        pass "solutions/$exo : $(grep -c '^ok' "$verif/solutions/$exo.txt") tests réussis ($(took "solutions/$exo"))"
    else
        fail "solutions/$exo échoue :"
        grep -A1 '✘' "$verif/solutions/$exo.log" | sed 's/^/      /'
    fi
done

echo "== Chaque squelette de td6/ échoue à sa suite"
for exo in "$@"; do
    if [ "$(rc "td6/$exo")" -eq 0 ]; then
        fail "td6/$exo passe tous les tests alors que c'est un squelette"
    else
        pass "td6/$exo refusé ($(grep -c '^echec' "$verif/td6/$exo.txt" 2>/dev/null || echo '?') tests en échec, $(took "td6/$exo"))"
    fi
done

echo "== Chaque mutant échoue, et là où il le doit"
for m in "${mutant_sources[@]}"; do
    exo=$(basename "$(dirname "$m")")
    file=$(basename "$m" .c)
    name=mutants/$exo/$file
    if [ "$(rc "$name")" -eq 0 ]; then
        fail "mutant $exo/$file : la suite passe, le défaut n'est pas détecté"
        continue
    fi
    missing=""
    for t in $(sed -n 's/.*@echoue[[:space:]]\+\([A-Za-z0-9_]\+\).*/\1/p' "$m"); do
        grep -qx "echec $t" "$verif/$name.txt" || missing="$missing $t"
    done
    if [ -n "$missing" ]; then
        fail "mutant $exo/$file : refusé, mais ces tests auraient dû échouer :$missing"
    else
        pass "mutant $exo/$file refusé ($(grep '^echec' "$verif/$name.txt" | cut -d' ' -f2 | paste -sd' '), $(took "$name"))"
    fi
done

# Les vérifications des outils, lancées plus haut en même temps que les
# suites : on affiche maintenant ce qu'elles ont dit.
for extra in "${extras[@]}"; do
    name=$(basename "$extra" .sh)
    echo "== $(sed -n 's/^# verifier-[a-z-]*\.sh — //p' "$extra" | head -n 1)"
    cat "$verif/$name.log"
    if [ "$(cat "$verif/$name.rc" 2>/dev/null || echo 99)" -eq 0 ]; then
        pass "$(basename "$extra")"
    else
        fail "$(basename "$extra")"
    fi
done

echo
echo "make check : $good vérifications conformes, $bad non conformes, en $(( $(date +%s) - start )) s."
for f in "${failures[@]}"; do echo "  - $f"; done
echo "$good passed, $bad failed"
[ "$bad" -eq 0 ]
