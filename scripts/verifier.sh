#!/usr/bin/env bash
# verifier.sh EXERCICE... — ce que fait `make check` (et donc la CI).
#
# La preuve que le TD tient debout :
#   1. les solutions passent tous les tests ;
#   2. chaque squelette de td6/ compile, mais sa suite échoue ;
#   3. chaque mutant de tests/mutants/NN_nom/ échoue à sa suite.
#
# Un mutant est la solution d'un exercice avec un défaut courant chez les
# étudiants : tests/mutants/NN_nom/<programme>-<défaut>.patch, appliqué à
# une copie de solutions/NN_nom (ancienne forme : <programme>-<défaut>.c,
# un programme complet qui remplace <programme>). Chaque ligne
# « @echoue <test> » de son en-tête nomme un test qui doit échouer sur ce
# mutant (et pas seulement la suite en général). Un patch qui ne
# s'applique plus est une vérification non conforme, à son nom.
#
# Pour tenir en deux minutes environ sur deux cœurs :
#   - un mutant ne lance que ses tests @echoue (TD6_ONLY_TESTS, voir
#     tests/lib/principal.c) : ce que make check affirme d'un mutant, c'est
#     que CES tests échouent ; chaque test tourne dans son propre processus
#     avec son propre serveur, son verdict ne dépend pas des autres tests.
#     Sa copie ne reconstruit que les programmes que le défaut touche, et
#     sous sanitizer seulement si un de ces tests est un tsan_/asan_ ;
#   - tout tourne en même temps (voir plus bas) ; les répétitions (chaque
#     suite dix fois, chaque mutant trois ou dix fois) sont dans
#     make fiabilite.
# Chaque tâche affiche sa durée et son temps processeur (utilisateur +
# système, enfants compris) ; le bilan nomme les plus coûteuses.
set -u
. "$(dirname "$0")/lib/td6.sh"
build=$td6_build
# Un dossier par ensemble d'exercices : deux `make check EXO=..` peuvent
# tourner en même temps sans se marcher dessus.
verif=$build/verif/$(echo "$@" | tr ' ' '+')
good=0 bad=0
failures=()

pass() { good=$((good + 1)); echo "  ✔ $1"; }
fail() { bad=$((bad + 1)); failures+=("$1"); echo "  ✘ $1"; }

# run_suite EXO DOSSIER_BIN NOM : lance la suite, résultats dans $verif/NOM.*
# ($RACINE : où chercher tsan/ et asan/, build/ si vide ; voir lancer_suite).
run_suite() {
    mkdir -p "$(dirname "$verif/$3")"
    NO_COLOR=1 lancer_suite "$1" "$2" "$3" "$verif/$3" "${RACINE:-}" >"$verif/$3.log" 2>&1
}

# cout NOM T0 : la durée depuis T0 et le temps processeur des enfants de ce
# (sous-)shell, dans $verif/NOM.duree et $verif/NOM.cpu.
cout() {
    echo $((SECONDS - $2)) >"$verif/$1.duree"
    temps_processeur >"$verif/$1.cpu"
}

rm -rf "$verif"
mkdir -p "$verif"
start=$(date +%s)

echo "== Compilation : solutions, squelettes (avec -Wall -Wextra -Werror)"
for src in solutions td6; do
    if "$td6_make" --no-print-directory -s -j"$(nombre_de_cpu)" programmes SRC=$src >"$verif/$src.compil" 2>&1; then
        pass "$src/ compile"
    else
        fail "$src/ ne compile pas"
        sed 's/^/      /' "$verif/$src.compil" | head -n 30
    fi
done

# Les solutions avec ThreadSanitizer et avec ASan + UBSan, pour les tests
# tsan_* et asan_* (pour les squelettes, voir plus bas).
# Les copies des mutants en reprennent les programmes qu'elles ne touchent
# pas, et construisent les autres (construire_copie).
for exo in "$@"; do
    construire_sanitizers "$build" solutions "$exo" >>"$verif/sanitizers.compil" 2>&1 ||
        fail "solutions/$exo ne compile pas avec les sanitizers (voir $verif/sanitizers.compil)"
done
# Les squelettes, eux, passent leurs tests tsan_*/asan_* avec leurs
# programmes ordinaires : un squelette ne fait rien, donc rien à signaler
# sous sanitizer non plus. Un tel test qu'il réussirait ainsi, il le
# réussirait aussi chez l'étudiant (make test construit les sanitizers) :
# la vérification « aucun test noté réussi » plus bas le voit, sans deux
# constructions de plus. Des liens sous $verif (jamais sous build/, que
# make test remplit) : squelettes/{td6,tsan/td6,asan/td6}/NN -> build/td6/NN.
squelettes=$verif/squelettes
for exo in "$@"; do
    for v in . tsan asan; do
        mkdir -p "$squelettes/$v/td6"
        ln -sfn "$(realpath -m "$build/td6/$exo")" "$squelettes/$v/td6/$exo"
    done
done

# Chaque mutant est une copie de la solution de son exercice, sous
# $verif/copies/NN_nom/<mutant>/ ; elle est préparée (patch) et construite
# juste avant que sa suite tourne (voir run_job), en même temps que les
# autres suites.
mutant_sources=()
while IFS= read -r m; do
    mutant_sources+=("$m")
done < <(lister_mutants "$@")

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

# Les suites tournent en parallèle ($TD6_JOBS à la fois, 4 par défaut) :
# elles passent presque tout leur temps à attendre (latence du serveur,
# délais des programmes bloqués), chacune avec son propre serveur sur un
# port libre, dans son propre espace de noms réseau, avec ses propres
# binaires (une copie par mutant) et ses propres fichiers de résultats.
# Les verdicts ne dépendent d'aucun chronomètre (les /stats du serveur, les
# traces, le temps processeur, des valeurs exactes, des délais larges),
# donc pas de la charge : make fiabilite le vérifie, les autres cœurs
# occupés. Pas plus de 4 à la fois pourtant : les vérifications des outils
# tournent à côté (copies hostiles, dépôt de l'étudiant construit et noté,
# démo), et deux vérifications mesurent une durée réelle (une copie
# hostile notée en moins de $HOSTILES_LIMITE_S s, les requêtes de Python
# qui se croisent dans make comparer) : des cœurs saturés les
# fausseraient. Le compte rendu, lui, est écrit ensuite, dans l'ordre.
jobs_max=${TD6_JOBS:-4}

# run_job EXO DOSSIER_BIN NOM [COPIE] : run_suite, plus son code et sa
# durée ; d'abord, pour un mutant, la construction de sa COPIE (code 98 si
# elle ne compile pas).
# Pour un mutant, MUTANT (son fichier) et TESTS (ses tests @echoue) : sa
# copie est préparée (code 97 si le patch ne s'applique plus), seuls ses
# tests sont lancés, et seuls leurs programmes sous sanitizer construits.
run_job() {
    local t0=$SECONDS
    mkdir -p "$(dirname "$verif/$3")"
    if [ -n "${4:-}" ] && ! preparer_mutant "$MUTANT" "$4" >"$verif/$3.patch" 2>&1; then
        echo 97 >"$verif/$3.rc"
        cout "$3" "$t0"
        return
    fi
    if [ -n "${4:-}" ] && ! construire_copie "$4" "$1" $TESTS >"$verif/$3.compil" 2>&1; then
        echo 98 >"$verif/$3.rc"
        cout "$3" "$t0"
        return
    fi
    if [ -n "${4:-}" ]; then
        TD6_ONLY_TESTS=$TESTS run_suite "$@"
    else
        run_suite "$@"
    fi
    echo $? >"$verif/$3.rc"
    cout "$3" "$t0"
}

# Seules les suites comptent dans $TD6_JOBS : les vérifications des outils
# (lancées avant, en arrière-plan elles aussi) ne leur prennent pas de place.
suite_pids=()
suites_en_cours() {
    local n=0 p
    for p in $(jobs -rp); do
        case " ${suite_pids[*]} " in *" $p "*) n=$((n + 1)) ;; esac
    done
    echo "$n"
}

launch() {
    while [ "$(suites_en_cours)" -ge "$jobs_max" ]; do wait -n 2>/dev/null || true; done
    TESTS=${TESTS:-} MUTANT=${MUTANT:-} RACINE=${RACINE:-} run_job "$@" &
    suite_pids+=("$!")
}

# Les vérifications des outils (démo, images, copies hostiles...) :
# chaque scripts/verifier-*.sh est une vérification de plus, réussie si son
# code de sortie est 0. Elles tournent à côté des suites.
# Elles partent les premières : ce sont les plus longues (copies hostiles,
# dépôt de l'étudiant cloné et noté, démo...), et chacune travaille dans
# ses propres dossiers.
extras=()
for extra in scripts/verifier-*.sh; do
    [ -x "$extra" ] || continue
    extras+=("$extra")
    name=$(basename "$extra" .sh)
    { t0=$SECONDS; "$extra" "$@" >"$verif/$name.log" 2>&1; echo $? >"$verif/$name.rc"
      cout "$name" "$t0"; } &
done

# Puis les suites entières (solutions et squelettes, les plus longues),
# puis les mutants, chacun sur ses tests @echoue.
for exo in "$@"; do
    launch "$exo" "$build/solutions/$exo" "solutions/$exo"
    RACINE=$squelettes launch "$exo" "$squelettes/td6/$exo" "td6/$exo"
done
for m in "${mutant_sources[@]}"; do
    exo=$(basename "$(dirname "$m")")
    copy=$verif/copies/$exo/$(nom_mutant "$m")
    TESTS=$(tests_echoues "$m" | paste -sd' ') MUTANT=$m \
        launch "$exo" "$(dossier_binaires "$copy" "$exo")" "mutants/$exo/$(nom_mutant "$m")" "$copy"
done
wait

rc() { cat "$verif/$1.rc" 2>/dev/null || echo 99; }
took() { echo "$(cat "$verif/$1.duree" 2>/dev/null || echo '?') s, $(cat "$verif/$1.cpu" 2>/dev/null || echo '?') s CPU"; }

echo "== Les solutions passent tous les tests"
for exo in "$@"; do
    if [ "$(rc "solutions/$exo")" -eq 0 ]; then
        pass "solutions/$exo : $(grep -c '^ok' "$verif/solutions/$exo.txt") tests réussis ($(took "solutions/$exo"))"
    else
        fail "solutions/$exo échoue :"
        grep -A1 '✘' "$verif/solutions/$exo.log" | sed 's/^/      /'
    fi
done

echo "== Chaque squelette de td6/ échoue à sa suite, et ne marque aucun point"
for exo in "$@"; do
    # Un test que le squelette passe ne mesure pas le travail de l'étudiant ;
    # seuls les tests du code donné ne comptent pas : cli_* (la ligne de
    # commande) et ceux de tests/$exo/hors_note.txt (voir tests/lib/bilan.c).
    gratuits=$(sed -n 's/^ok //p' "$verif/td6/$exo.txt" 2>/dev/null | grep -v '^cli_' |
        grep -vxF -f <(liste_noms "tests/$exo/hors_note.txt") |
        paste -sd' ')
    if [ "$(rc "td6/$exo")" -eq 0 ]; then
        fail "td6/$exo passe tous les tests alors que c'est un squelette"
    elif [ -n "$gratuits" ]; then
        fail "td6/$exo : le squelette passe déjà ces tests notés : $gratuits"
    else
        pass "td6/$exo refusé ($(grep -c '^echec' "$verif/td6/$exo.txt" 2>/dev/null || echo '?') tests en échec, aucun test noté réussi, $(took "td6/$exo"))"
    fi
done

echo "== Chaque mutant s'applique à la solution de son exercice, échoue, et là où il le doit"
for m in "${mutant_sources[@]}"; do
    exo=$(basename "$(dirname "$m")")
    file=$(nom_mutant "$m")
    name=mutants/$exo/$file
    if [ "$(rc "$name")" -eq 97 ]; then
        fail "mutant $m : $(cat "$verif/$name.patch")"
        continue
    fi
    if [ "$(rc "$name")" -eq 98 ]; then
        fail "mutant $m : ne compile pas"
        sed 's/^/      /' "$verif/$name.compil" | head -n 20
        continue
    fi
    if [ "$(rc "$name")" -eq 0 ]; then
        fail "mutant $exo/$file : la suite passe, le défaut n'est pas détecté"
        continue
    fi
    missing=$(echecs_manquants "$m" "$verif/$name" | sed 's/^/ /' | tr -d '\n')
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
        pass "$(basename "$extra") ($(took "$name"))"
    else
        fail "$(basename "$extra") ($(took "$name"))"
    fi
done

# Où passe le temps : les tâches les plus longues (la plus longue fixe la
# durée de make check) et le temps processeur de tout le script.
echo
echo "Les tâches les plus longues (durée, temps processeur) :"
for f in "$verif"/*.duree "$verif"/*/*/*.duree "$verif"/*/*.duree; do
    [ -f "$f" ] || continue
    n=${f#"$verif"/}
    n=${n%.duree}
    echo "$(cat "$f") $(cat "$verif/$n.cpu" 2>/dev/null || echo '?') $n"
done | sort -k1,1nr | head -n 8 | awk '{ printf "  %4d s  %6.1f s CPU  %s\n", $1, $2, $3 }'

echo
temps_processeur >"$verif/total.cpu"   # pas dans $(...) : voir temps_processeur
echo "make check : $good vérifications conformes, $bad non conformes, en $(( $(date +%s) - start )) s ($(cat "$verif/total.cpu") s de processeur ; charge $(charge_machine))."
for f in "${failures[@]}"; do echo "  - $f"; done
echo "$good passed, $bad failed"
[ "$bad" -eq 0 ]
