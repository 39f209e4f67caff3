#!/usr/bin/env bash
# sanitize.sh SRC EXERCICE... — ce que fait `make sanitize`.
#
# Relance les suites de tests sur des programmes compilés avec
# ThreadSanitizer (courses de données entre threads), puis avec
# AddressSanitizer + UBSan (mémoire invalide, fuites, comportements
# indéfinis). Chaque variante a son propre dossier de construction. Le
# harnais repère les rapports dans la sortie d'erreur des programmes et
# fait échouer le test en disant quel sanitizer a parlé.
set -u
src=$1
shift
make=${MAKE:-make}
status=0
# Les programmes instrumentés sont plus lents : on laisse plus de temps.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1"
export ASAN_OPTIONS="detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1"

for variant in tsan asan; do
    case $variant in
        tsan) flags="-fsanitize=thread"; title="ThreadSanitizer" ;;
        asan) flags="-fsanitize=address,undefined -fno-omit-frame-pointer"; title="AddressSanitizer + UBSan" ;;
    esac
    echo "================ $title ($src) ================"
    if ! "$make" --no-print-directory BUILD="${BUILD:-build}/$variant" SAN="$flags" CFLAGS="-O1 -g" \
            SRC="$src" test; then
        status=1
    fi
done
[ $status -eq 0 ] && echo "sanitize : aucun rapport, tous les tests passent." ||
    echo "sanitize : des tests échouent sous sanitizer (voir ci-dessus)."
exit $status
