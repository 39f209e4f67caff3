# banc/05_multiprocessing.sh [ESSAIS] — chapitre 05 : ce que rapporte le
# parallélisme (make bench EXO=05 ARGS=ESSAIS).
#
# Lance ESSAIS fois (BENCH_REPETITIONS, 5 par défaut) cpu_sequentiel,
# multiproc -j 2 et cpu_threads -j 2 sur la liste par défaut (20 nombres à
# partir de 80 000 000), en les alternant pour que le bruit de la machine
# les touche tous trois pareil. Pour chaque programme, garde la médiane des
# durées qu'il affiche lui-même (« Duration <s> seconds » : le calcul seul,
# sans le démarrage du processus), puis affiche l'accélération de chacun par
# rapport à cpu_sequentiel (idéal sur deux cœurs : 2,0).
#
# La charge de la machine (/proc/loadavg) est affichée avant et après : sur
# une machine partagée, un autre programme qui calcule en même temps vole un
# cœur et fausse la mesure. Vérifie aussi que les trois programmes affichent
# exactement les mêmes sommes.
#
# Variables : BUILD (dossier de construction, build par défaut), CC (par
# exemple CC=clang), JOBS (ouvriers, 2 par défaut). Écrit aussi
# $BUILD/bench-05.csv (programme,essai,secondes).
set -u
export LC_ALL=C
repetitions=${1:-$repetitions}
jobs=${JOBS:-2}
dir=$td6_build/solutions/05_multiprocessing
csv=$td6_build/bench-05.csv
tmp=$(mktemp -d /tmp/td6-bench-05-XXXXXX)
a_la_sortie rm -rf "$tmp"

echo "Chapitre 05 : $repetitions essais de chaque programme, liste par défaut, -j $jobs"
echo "  compilateur : ${CC:-cc} ($("${CC:-cc}" --version 2>/dev/null | head -n 1))"
echo "  cœurs en ligne : $(nombre_de_cpu)   charge avant (1, 5, 15 min) : $(charge_machine)"

declare -A times
progs=(cpu_sequentiel multiproc cpu_threads)
echo "programme,essai,secondes" >"$csv"
for i in $(seq "$repetitions"); do
    for p in "${progs[@]}"; do
        args=()
        [ "$p" != cpu_sequentiel ] && args=(-j "$jobs")
        if ! "$dir/$p" "${args[@]}" >"$tmp/$p.out" 2>"$tmp/$p.err"; then
            echo "bench 05 : $p a échoué :" >&2
            sed 's/^/    /' "$tmp/$p.err" >&2
            exit 1
        fi
        t=$(duree_affichee "$tmp/$p.out")
        times[$p]="${times[$p]:-} $t"
        echo "$p,$i,$t" >>"$csv"
        grep '^cpu_bound' "$tmp/$p.out" >"$tmp/$p.sommes"
    done
    for p in multiproc cpu_threads; do
        if ! cmp -s "$tmp/cpu_sequentiel.sommes" "$tmp/$p.sommes"; then
            echo "bench 05 : $p n'affiche pas les mêmes sommes que cpu_sequentiel !" >&2
            exit 1
        fi
    done
done
echo "  charge après : $(charge_machine)"
echo
# shellcheck disable=SC2086
seq_med=$(mediane ${times[cpu_sequentiel]})
# (en-tête écrit tel quel : printf compte les octets, et « é » en fait deux)
echo "  programme        durées (s)                           médiane  accélération"
for p in "${progs[@]}"; do
    # shellcheck disable=SC2086
    med=$(mediane ${times[$p]})
    printf "  %-16s %-34s %9s %13s×\n" "$p" "${times[$p]# }" "$med" "$(rapport "$seq_med" "$med")"
done
echo
echo "  Idéal avec -j $jobs sur $(nombre_de_cpu) cœurs : $(awk -v j="$jobs" -v c="$(nombre_de_cpu)" \
    'BEGIN { printf "%.1f", (j < c ? j : c) }')×. Mêmes sommes dans les trois programmes."
echo "  Détail : $csv"
