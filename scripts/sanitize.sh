#!/usr/bin/env bash
# sanitize.sh SRC EXERCICE... — ce que fait `make sanitize`.
#
# Relance les suites de tests sur des programmes compilés avec
# ThreadSanitizer (courses de données entre threads), puis avec
# AddressSanitizer + UBSan (mémoire invalide, fuites, comportements
# indéfinis). Chaque variante a son propre dossier de construction
# ($BUILD/tsan, $BUILD/asan). Le harnais repère les rapports dans la sortie
# d'erreur des programmes et fait échouer le test en disant quel sanitizer a
# parlé ; le tableau des notes les résume (« Rapports des outils »), et un
# bilan des deux variantes termine la sortie.
#
# Sur ses propres programmes : make sanitize EXO=02 (SRC=td6 par défaut).
set -u
src=$1
shift
make=${MAKE:-make}
build=${BUILD:-build}
status=0
summary=()
# Les programmes instrumentés sont plus lents : on laisse plus de temps.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1"
export ASAN_OPTIONS="detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1"
# EXO=NN du Makefile : un seul exercice, ou tous (vide).
exos_arg=""
[ $# -eq 1 ] && exos_arg=${1%%_*}

for variant in tsan asan; do
    case $variant in
        tsan) flags="-fsanitize=thread"; title="ThreadSanitizer" ;;
        asan) flags="-fsanitize=address,undefined -fno-omit-frame-pointer"; title="AddressSanitizer + UBSan" ;;
    esac
    echo "================ $title ($src) ================"
    log=$build/sanitize-$variant.log
    mkdir -p "$build"
    # Le serveur local n'est pas le code jugé : il est construit sans
    # sanitizer (plus rapide, et ses rapports ne concernent pas l'étudiant).
    "$make" --no-print-directory -s BUILD="$build/$variant" "$build/$variant/serveur/serveur" ||
        status=1
    "$make" --no-print-directory BUILD="$build/$variant" SAN="$flags" CFLAGS="-O1 -g" \
        SRC="$src" EXO="$exos_arg" test 2>&1 | tee "$log"
    if ! grep -q "^Note : \([0-9]*\) / \1$" "$log"; then
        status=1
    fi
    note=$(grep '^Note : ' "$log" | tail -n 1 | sed 's/^Note : //')
    reports=$(sed -n '/^Rapports des outils/,$p' "$log" | tail -n +2 | wc -l)
    summary+=("$(printf '  %-26s %s tests réussis, %s' "$title" "${note:-?}" \
        "$([ "$reports" -eq 0 ] && echo "aucun rapport" || echo "$reports rapport(s) : voir ci-dessus")")")
done
echo
echo "Bilan de make sanitize ($src) :"
printf '%s\n' "${summary[@]}"
[ $status -eq 0 ] && echo "sanitize : aucun rapport, tous les tests passent." ||
    echo "sanitize : des tests échouent sous sanitizer (voir ci-dessus)."
exit $status
