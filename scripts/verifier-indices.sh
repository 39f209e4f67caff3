#!/usr/bin/env bash
# verifier-indices.sh — chaque test a son indice en trois temps, et ni le temps 1 ni les lignes TODO ne donnent l'appel à écrire
#
# Appelé par scripts/verifier.sh (donc par `make check`) avec la liste des
# exercices (tous si elle est vide). Vérifie, pour chaque exercice NN_nom :
#   1. chaque test de sa suite (le nom donné à td6_add) a sa section
#      « ### test » sous « ## NN_nom » dans indices.fr.md, faite d'exactement
#      trois temps : « 1. L'idée : », « 2. Où regarder : »,
#      « 3. La forme du code : » (les lignes en retrait continuent un temps) ;
#   2. le temps 1 ne nomme aucune fonction que la solution du chapitre
#      appelle (un identifiant suivi de « ( » dans solutions/NN_nom, hors
#      commentaires et chaînes, ou un nom curl_*, pthread_*, MPI_*) ;
#   3. une ligne « TODO: » de td6/NN_nom, et les lignes de commentaire juste
#      en dessous, ne contiennent aucun appel que la solution fait sous sa
#      ligne jumelle (la même ligne sans « TODO: »).
# Code de sortie 0 si tout est conforme ; sinon chaque manquement est nommé.
set -u
cd "$(dirname "$0")/.." || exit 2
hints=${TD6_INDICES:-indices.fr.md}

# La règle 3 n'est pas encore appliquée à ces chapitres : leurs lignes TODO
# sont en cours de réécriture. Le responsable retire cette ligne à la fusion.
todo_skip="04 05 06"

fautes=0
faute() { echo "  ✘ $*"; fautes=$((fautes + 1)); }

exos=("$@")
if [ ${#exos[@]} -eq 0 ]; then
    for d in tests/[0-9][0-9]_*/; do exos+=("$(basename "$d")"); done
fi

# Le code C sans commentaires ni chaînes (pour ne garder que les appels).
sans_commentaires() {
    sed -e 's|//.*$||' "$@" | awk '
        { line = $0; out = ""
          while (length(line) > 0) {
              if (in_c) { i = index(line, "*/"); if (i == 0) { line = ""; break }
                          line = substr(line, i + 2); in_c = 0; continue }
              i = index(line, "/*"); if (i == 0) { out = out line; break }
              out = out substr(line, 1, i - 1); line = substr(line, i + 2); in_c = 1 }
          print out }' | sed -E 's/"([^"\\]|\\.)*"/""/g; s/'"'"'([^'"'"'\\]|\\.)*'"'"'/0/g'
}

# Les noms appelés dans un morceau de C (sur l'entrée standard).
appels() {
    grep -oE '\b(curl_[A-Za-z0-9_]+|pthread_[A-Za-z0-9_]+|Pthread_[A-Za-z0-9_]+|MPI_[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*\()' |
        tr -d '(' | grep -vxE 'if|for|while|switch|return|sizeof|defined|__asm__|volatile|__attribute__|_Static_assert|alignof|_Alignof|typeof|__typeof__' |
        sort -u
}

# Les mots de TEXTE qui sont dans la liste LISTE (un par ligne).
communs() {
    # Les mots sont coupés sur les blancs et la ponctuation ASCII seulement :
    # « signalée » reste un mot, et ne passe pas pour « signal ».
    printf '%s\n' "$1" | tr -s ' \t.,;:()[]{}<>=*/!?&|+"`'"'"'-' '\n' | sort -u |
        grep -Fxf <(printf '%s\n' "$2") | paste -sd' '
}

for exo in "${exos[@]}"; do
    nn=${exo%%_*}
    echo "== $exo"
    [ -d "tests/$exo" ] || { faute "$exo : pas de suite dans tests/$exo"; continue; }
    calls=$(sans_commentaires solutions/"$exo"/*.c solutions/"$exo"/*.h 2>/dev/null | appels)

    # 1 et 2 : les indices des tests.
    # Les tests : ceux que la suite compilée liste elle-même, sinon les noms
    # donnés à td6_add dans ses sources.
    suite=${BUILD:-build}/tests/$exo/suite
    if [ -x "$suite" ]; then
        tests=$(TD6_LISTER=1 "$suite" 2>/dev/null | cut -f1)
    else
        tests=$(cat tests/"$exo"/*.c | tr '\n' ' ' | grep -oE 'td6_add\(\s*s\s*,\s*"[A-Za-z0-9_]+"' | sed -E 's/.*"([A-Za-z0-9_]+)"/\1/')
    fi
    [ -n "$tests" ] || faute "$exo : aucun td6_add trouvé dans tests/$exo"
    for t in $tests; do
        text=$(awk -v exo="$exo" -v test="$t" '
            /^## / { in_exo = ($2 == exo); in_test = 0; next }
            /^### / { in_test = in_exo && ($2 == test); next }
            in_test && NF { print }' "$hints")
        if [ -z "$text" ]; then
            faute "$exo/$t : pas d'indice (« ### $t » sous « ## $exo » dans $hints)"
            continue
        fi
        heads=$(printf '%s\n' "$text" | grep -vE '^   ' | cut -c1-22 | paste -sd'|')
        case $heads in
            "1. L'idée : "*"|2. Où regarder : "*"|3. La forme du code"*) ;;
            *) faute "$exo/$t : l'indice doit avoir exactement trois temps, « 1. L'idée : », « 2. Où regarder : », « 3. La forme du code : » (lignes vues : $(printf '%s\n' "$text" | grep -vE '^   ' | cut -c1-25 | paste -sd' / '))"
               continue ;;
        esac
        [ "$(printf '%s\n' "$text" | grep -vcE '^   ')" -eq 3 ] ||
            faute "$exo/$t : l'indice doit avoir exactement trois temps (une ligne non en retrait par temps)"
        step1=$(printf '%s\n' "$text" | awk '/^[0-9]\. / { n = substr($0, 1, 1) } n == 1')
        bad=$(communs "$step1" "$calls")
        [ -z "$bad" ] || faute "$exo/$t : le temps 1 (l'idée) nomme une fonction que la solution appelle : $bad (elle a sa place au temps 2)"
    done

    # 3 : les lignes TODO et leurs lignes d'aide.
    case " $todo_skip " in *" $nn "*) echo "  (lignes TODO du chapitre $nn : règle pas encore appliquée)"; continue ;; esac
    for f in td6/"$exo"/*.c; do
        sol=solutions/$exo/$(basename "$f")
        [ -f "$sol" ] || continue
        grep -n 'TODO:' "$f" | while IFS= read -r hit; do
            ln=${hit%%:*}
            todo=$(sed -n "${ln}p" "$f")
            help=$(awk -v n="$ln" 'NR > n { if ($0 ~ /^[ \t]*\/\*/ && $0 !~ /TODO:/) print; else exit }' "$f")
            twin=$(printf '%s' "$todo" | sed -e 's/TODO: //' -e 's/^[ \t]*//')
            tl=$(grep -nF -- "$twin" "$sol" | head -n 1 | cut -d: -f1)
            [ -n "$tl" ] || continue   # la jumelle manque : verifier.sh le dit déjà
            # Le code que la solution écrit sous sa jumelle : jusqu'à la
            # ligne vide ou au commentaire suivant (au plus 12 lignes).
            block=$(awk -v n="$tl" 'NR > n && NR <= n + 12 {
                        if ($0 ~ /^[ \t]*$/) exit
                        if ($0 ~ /^[ \t]*\/\*/ && seen) exit
                        if ($0 !~ /^[ \t]*\/\*/ && $0 !~ /^[ \t]*\*/) { seen = 1; print } }' "$sol" |
                    sans_commentaires | appels)
            [ -n "$block" ] || continue
            bad=$(communs "$todo"$'\n'"$help" "$block")
            [ -z "$bad" ] || echo "  ✘ $f:$ln : la ligne TODO (ou l'aide dessous) donne l'appel que la solution écrit : $bad"
        done >"${TMPDIR:-/tmp}/td6-indices-$$.txt"
        if [ -s "${TMPDIR:-/tmp}/td6-indices-$$.txt" ]; then
            cat "${TMPDIR:-/tmp}/td6-indices-$$.txt"
            fautes=$((fautes + $(wc -l <"${TMPDIR:-/tmp}/td6-indices-$$.txt")))
        fi
        rm -f "${TMPDIR:-/tmp}/td6-indices-$$.txt"
    done
done

if [ "$fautes" -gt 0 ]; then
    echo "verifier-indices : $fautes manquement(s). Un indice dit où regarder, pas quoi écrire : voir CONTRIBUER.md, « Indices »."
    exit 1
fi
echo "verifier-indices : chaque test a son indice en trois temps ; ni le temps 1 ni les lignes TODO ne donnent l'appel."
