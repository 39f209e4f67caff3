#!/usr/bin/env bash
# verifier-indices.sh — chaque test a son indice en trois temps, et ni le temps 1 ni les lignes TODO ne donnent l'appel à écrire
#
# Appelé par scripts/verifier.sh (donc par `make check`) avec la liste des
# exercices (tous si elle est vide). Vérifie, pour chaque exercice NN_nom :
#   1. chaque test de sa suite a sa section « ### test » sous « ## NN_nom »
#      (sauf les cli_* : make indice leur donne « ### ligne_de_commande »
#      sous « ## general », commun à tous les programmes)
#      dans indices.fr.md, faite d'exactement trois temps :
#      « 1. L'idée : », « 2. Où regarder : », « 3. La forme du code : »
#      (les lignes en retrait de trois espaces continuent un temps) ;
#   2. le temps 1 ne nomme aucune fonction que la solution du chapitre
#      appelle (un identifiant suivi de « ( » dans solutions/NN_nom, hors
#      commentaires et chaînes, ou un nom curl_*, pthread_*, MPI_*) ;
#   3. une ligne « TODO: » de td6/NN_nom, et les lignes de commentaire juste
#      en dessous, n'écrivent aucun appel (« nom( ») que la solution fait
#      sous sa ligne jumelle (la même ligne sans « TODO: ») : elles peuvent
#      nommer une fonction ou une page de manuel, pas donner l'appel.
# Code de sortie 0 si tout est conforme ; sinon chaque manquement est nommé.
set -u
cd "$(dirname "$0")/.." || exit 2
hints=${TD6_HINTS:-indices.fr.md}
build=${BUILD:-build}

# La règle 3 n'est pas encore appliquée à ces chapitres : leurs lignes TODO
# sont en cours de réécriture. Le responsable retire cette ligne à la fusion.
todo_skip="04 05 06"

travail=$(mktemp -d "${TMPDIR:-/tmp}/td6-indices-XXXXXX")
trap 'rm -rf "$travail"' EXIT

exos=("$@")
if [ ${#exos[@]} -eq 0 ]; then
    for d in tests/[0-9][0-9]_*/; do exos+=("$(basename "$d")"); done
fi

# Le code C sans commentaires ni chaînes ni caractères.
sans_commentaires() {
    awk '{ line = $0; out = ""
           while (length(line) > 0) {
               if (in_c) { i = index(line, "*/"); if (i == 0) { line = ""; break }
                           line = substr(line, i + 2); in_c = 0; continue }
               i = index(line, "/*"); j = index(line, "//")
               if (j > 0 && (i == 0 || j < i)) { out = out substr(line, 1, j - 1); break }
               if (i == 0) { out = out line; break }
               out = out substr(line, 1, i - 1); line = substr(line, i + 2); in_c = 1 }
           gsub(/"([^"\\]|\\.)*"/, "\"\"", out); gsub(/'"'"'([^'"'"'\\]|\\.)*'"'"'/, "0", out)
           print out }' "$@"
}

# Les noms appelés (un par ligne) dans le C lu sur l'entrée standard.
appels() {
    grep -oE '\b(curl_[A-Za-z0-9_]+|pthread_[A-Za-z0-9_]+|Pthread_[A-Za-z0-9_]+|MPI_[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*\()' |
        tr -d '(' |
        grep -vxE 'if|for|while|switch|return|sizeof|defined|__asm__|volatile|__attribute__|_Static_assert|alignof|_Alignof|typeof|__typeof__' |
        sort -u
}

# Les tests de chaque exercice (« exo TAB test ») et les appels de chaque
# solution (« exo TAB nom »), pour un seul passage d'awk sur les indices.
: >"$travail/tests" ; : >"$travail/appels"
for exo in "${exos[@]}"; do
    suite=$build/tests/$exo/suite
    if [ -x "$suite" ]; then
        # La suite compilée liste elle-même ses tests.
        TD6_LIST=1 "$suite" 2>/dev/null | cut -f1
    else
        cat tests/"$exo"/*.c 2>/dev/null | tr '\n' ' ' |
            grep -oE 'TD6_TEST\(\s*[A-Za-z0-9_]+\s*,' | sed -E 's/TD6_TEST\(\s*([A-Za-z0-9_]+).*/\1/'
    fi | grep -v '^cli_' | sed "s/^/$exo	/" >>"$travail/tests"
    sans_commentaires solutions/"$exo"/*.c solutions/"$exo"/*.h 2>/dev/null | appels |
        sed "s/^/$exo	/" >>"$travail/appels"
done

# 1 et 2 : les indices. Les mots d'un temps sont coupés sur les blancs et la
# ponctuation ASCII : « signalée » reste un mot, et ne passe pas pour
# « signal ».
awk -F'\t' -v hints="$hints" '
    FILENAME == ARGV[1] { n_tests++; t_exo[n_tests] = $1; t_name[n_tests] = $2; known[$1] = 1; next }
    FILENAME == ARGV[2] { calls[$1 SUBSEP $2] = 1; next }
    /^## / { exo = $0; sub(/^## +/, "", exo); sub(/ .*/, "", exo); test = ""; next }
    /^### / { test = $0; sub(/^### +/, "", test); sub(/ .*/, "", test); key = exo SUBSEP test
              present[key] = 1; heads[key] = ""; nsteps[key] = 0; next }
    test != "" && NF {
        if ($0 ~ /^   /) { if (cur[key] == 1) step1[key] = step1[key] " " $0; next }
        nsteps[key]++
        heads[key] = heads[key] "|" substr($0, 1, 24)
        cur[key] = substr($0, 1, 1) + 0
        if (cur[key] == 1) step1[key] = $0
    }
    END {
        for (i = 1; i <= n_tests; i++) {
            e = t_exo[i]; t = t_name[i]; key = e SUBSEP t
            if (!(key in present)) { printf "  ✘ %s/%s : pas d'\''indice (« ### %s » sous « ## %s » dans %s)\n", e, t, t, e, hints; bad++; continue }
            h = heads[key]
            if (nsteps[key] != 3 || index(h, "|1. L'\''idée : ") != 1 ||
                index(h, "|2. Où regarder : ") == 0 || index(h, "|3. La forme du code") == 0) {
                printf "  ✘ %s/%s : il faut exactement trois temps, « 1. L'\''idée : », « 2. Où regarder : », « 3. La forme du code : » (vu : %s)\n", e, t, substr(h, 2); bad++; continue }
            n = split(step1[key], w, /[][ \t.,;:(){}<>=*\/!?&|+"`'\''-]+/)
            found = ""
            for (j = 1; j <= n; j++) if ((e SUBSEP w[j]) in calls && index(" " found " ", " " w[j] " ") == 0) found = found " " w[j]
            if (found != "") { printf "  ✘ %s/%s : le temps 1 (l'\''idée) nomme une fonction que la solution appelle :%s (sa place est au temps 2)\n", e, t, found; bad++ }
        }
        exit bad > 0
    }' "$travail/tests" "$travail/appels" "$hints" >"$travail/indices.txt"
rc_indices=$?

# 3 : les lignes TODO et leurs lignes d'aide, face au code que la solution
# écrit sous la ligne jumelle (jusqu'à la ligne vide ou au commentaire
# suivant, au plus 12 lignes).
: >"$travail/todo.txt"
for exo in "${exos[@]}"; do
    case " $todo_skip " in *" ${exo%%_*} "*) continue ;; esac
    for f in td6/"$exo"/*.c; do
        sol=solutions/$exo/$(basename "$f")
        [ -f "$sol" ] || continue
        awk -v file="$f" '
            function calls_in(s,    out, m) {
                sub(/\/\*.*$/, "", s); sub(/\/\/.*$/, "", s)
                gsub(/"([^"\\]|\\.)*"/, "\"\"", s)
                out = ""
                while (match(s, /[A-Za-z_][A-Za-z0-9_]*\(/)) {
                    m = substr(s, RSTART, RLENGTH - 1); s = substr(s, RSTART + RLENGTH)
                    if (m !~ /^(if|for|while|switch|return|sizeof|__asm__|volatile)$/) out = out " " m
                }
                return out
            }
            function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
            FNR == NR { sol[FNR] = $0; nsol = FNR; next }
            { sk[FNR] = $0; nsk = FNR }
            END {
                for (i = 1; i <= nsk; i++) {
                    if (index(sk[i], "TODO: ") == 0) continue
                    twin = sk[i]; sub(/TODO: /, "", twin); twin = trim(twin)
                    text = sk[i]
                    for (k = i + 1; k <= nsk && sk[k] ~ /^[ \t]*\/\*/ && index(sk[k], "TODO:") == 0; k++) text = text " " sk[k]
                    for (t = 1; t <= nsol && index(sol[t], twin) == 0; t++) ;
                    if (t > nsol) continue
                    block = ""; seen = 0
                    for (k = t + 1; k <= nsol && k <= t + 12; k++) {
                        if (sol[k] ~ /^[ \t]*$/) break
                        if (sol[k] ~ /^[ \t]*(\/\*|\*)/) { if (seen) break; else continue }
                        seen = 1; block = block calls_in(sol[k])
                    }
                    nb = split(block, b, " "); delete want
                    for (k = 1; k <= nb; k++) want[b[k]] = 1
                    # Un appel écrit : un nom que la solution appelle ici,
                    # suivi de sa parenthèse. Nommer la fonction reste
                    # permis (« comparer les noms avec strcmp ») : voilà où
                    # regarder, pas quoi écrire.
                    found = ""; rest = text
                    while (match(rest, /[A-Za-z_][A-Za-z0-9_]*\(/)) {
                        m = substr(rest, RSTART, RLENGTH - 1)
                        rest = substr(rest, RSTART + RLENGTH)
                        if ((m in want) && index(" " found " ", " " m " ") == 0) found = found " " m
                    }
                    if (found != "") printf "  ✘ %s:%d : la ligne TODO (ou l'\''aide dessous) écrit l'\''appel que la solution fait :%s (dites quoi et pourquoi, au plus le nom de la fonction)\n", file, i, found
                }
            }' "$sol" "$f" >>"$travail/todo.txt"
    done
done

fautes=$(($(wc -l <"$travail/indices.txt") + $(wc -l <"$travail/todo.txt")))
for exo in "${exos[@]}"; do
    echo "== $exo"
    grep -F " $exo/" "$travail/indices.txt"
    grep -F " td6/$exo/" "$travail/todo.txt"
    case " $todo_skip " in *" ${exo%%_*} "*) echo "  (lignes TODO du chapitre ${exo%%_*} : règle pas encore appliquée)" ;; esac
done
# Une erreur d'awk elle-même (fichier illisible...) compte aussi.
if [ "$fautes" -gt 0 ] || { [ "$rc_indices" -ne 0 ] && [ ! -s "$travail/indices.txt" ]; }; then
    echo "verifier-indices : $fautes manquement(s). Un indice dit où regarder, pas quoi écrire : voir CONTRIBUER.md, « Indices »."
    exit 1
fi
echo "verifier-indices : chaque test a son indice en trois temps ; ni le temps 1 ni les lignes TODO ne donnent l'appel."
