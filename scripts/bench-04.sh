#!/usr/bin/env bash
# bench-04.sh — chapitre 04 : les serveurs web face au temps idéal, puis
# sous la charge de nombreux clients.
#
#     scripts/bench-04.sh             (LATENCE=50 RUNS=5 CLIENTS=50 DUREE=10)
#
# Contre le serveur local à la latence L (50 ms par défaut, variable
# LATENCE) :
#   1. une page à la fois, RUNS fois (5), médiane du « Time taken » affiché
#      par la page :
#        hello /comic2           idéal 5 × L (cinq appels l'un après l'autre)
#        hello2 /comic           idéal L     (cinq appels ensemble)
#        evenementiel /comic     idéal L
#   2. CLIENTS clients (50) qui redemandent /comic sans relâche pendant
#      DUREE secondes (10), avec wrk s'il est installé, sinon (ou si
#      SANS_WRK=1) avec « curl --parallel » : requêtes par seconde, temps de
#      réponse moyen, et nombre maximal de threads du serveur pendant la
#      charge. Idéal :
#      CLIENTS / L requêtes par seconde (chaque client attend au moins L).
# Ce ne sont pas des tests : les temps dépendent de la machine et de sa
# charge (affichée au départ). Sortie : un tableau en français et le CSV
# $BUILD/bench-04.csv (mesure,programme,valeur,unite,ideal).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_NUMERIC=C

build=${BUILD:-build}
latency=${LATENCE:-50}
runs=${RUNS:-5}
clients=${CLIENTS:-50}
duration=${DUREE:-10}
dir=$build/solutions/04_web

make --no-print-directory -s BUILD="$build" "$dir/hello" "$dir/hello2" "$dir/evenementiel" \
    "$build/serveur/serveur" >/dev/null

tmp=$(mktemp -d /tmp/td6-bench-04-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

# start NOM COMMANDE... : lance la commande, attend sa première ligne (son
# URL) et la range dans url[NOM] ; son PID dans pid[NOM].
declare -A url pid
start() {
    local name=$1
    shift
    "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pids+=($!)
    pid[$name]=$!
    for _ in $(seq 200); do
        [ -s "$tmp/$name.out" ] && break
        sleep 0.05
    done
    url[$name]=$(head -n 1 "$tmp/$name.out")
    [ -n "${url[$name]}" ] ||
        { echo "bench-04 : $name n'a pas démarré" >&2; cat "$tmp/$name.err" >&2; exit 1; }
}

# median NOMBRES... : la médiane.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

start serveur "$build/serveur/serveur" -p 0 -l "$latency"
export TD6_SERVER=${url[serveur]}
start hello "$dir/hello" 0
start hello2 "$dir/hello2" 0
start evenementiel "$dir/evenementiel" 0

csv=$build/bench-04.csv
echo "mesure,programme,valeur,unite,ideal" >"$csv"
L=$(calc "$latency / 1000")
echo "Chapitre 04 : latence de l'API L = $latency ms ; $(nproc) cœurs ;" \
     "charge de la machine au départ : $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "1. Une page à la fois (médiane de $runs, « Time taken » de la page)"
printf "   %-22s %10s %10s %8s\n" "page" "mesuré (s)" "idéal (s)" "rapport"
for config in "hello|/comic2|5" "hello2|/comic|1" "evenementiel|/comic|1"; do
    IFS='|' read -r prog route factor <<<"$config"
    times=()
    curl -s -o /dev/null "${url[$prog]}$route"   # une première fois, pour rien (caches)
    for _ in $(seq "$runs"); do
        t=$(curl -s "${url[$prog]}$route" | sed -n 's/.*Time taken: *\([0-9.]*\).*/\1/p' | head -n 1)
        times+=("${t:-nan}")
    done
    m=$(median "${times[@]}")
    ideal=$(calc "$factor * $L")
    printf "   %-22s %10s %10s %8s\n" "$prog $route" "$m" "$ideal" "$(calc "$m / $ideal")"
    echo "page,$prog $route,$m,s,$ideal" >>"$csv"
done

# threads_max PID FICHIER_FIN : le plus grand nombre de threads de PID vu
# tant que FICHIER_FIN n'existe pas.
threads_max() {
    local max=0 n
    while [ ! -e "$2" ]; do
        n=$(find "/proc/$1/task" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
        [ "$n" -gt "$max" ] && max=$n
        sleep 0.05
    done
    echo "$max"
}

# load URL : CLIENTS clients pendant DUREE s ; affiche « req/s latence_ms erreurs ».
load() {
    local target=$1
    if [ -z "${SANS_WRK:-}" ] && command -v wrk >/dev/null; then
        wrk -t 2 -c "$clients" -d "${duration}s" --timeout 10s --latency "$target" >"$tmp/wrk.out" 2>&1
        local rps lat errors
        rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk.out")
        lat=$(awk '$1 == "Latency" && NF >= 4 { v = $2; if (v ~ /ms$/) { sub(/ms$/, "", v) }
                   else if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
                   else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v; exit }' "$tmp/wrk.out")
        errors=$(awk '/Non-2xx/ { print $NF } /Socket errors/ { print "socket" }' "$tmp/wrk.out" | paste -sd+)
        echo "$rps $lat ${errors:-0}"
    else
        # Sans wrk : CLIENTS transferts à la fois avec curl, pendant environ DUREE s.
        local total=$((clients * duration * 1000 / latency / 2)) start end
        for _ in $(seq "$total"); do echo "url = \"$target\""; echo "output = /dev/null"; done >"$tmp/urls"
        start=$(date +%s.%N)
        curl -s --no-progress-meter --parallel --parallel-max "$clients" -K "$tmp/urls" \
            -w "%{http_code}\n" >"$tmp/codes" 2>/dev/null
        end=$(date +%s.%N)
        echo "$(calc "$total / ($end - $start)") - $(grep -vc '^200$' "$tmp/codes" || true)"
    fi
}

echo
echo "2. $clients clients à la fois sur /comic pendant $duration s" \
     "($( [ -z "${SANS_WRK:-}" ] && command -v wrk >/dev/null && echo wrk || echo "curl --parallel"))"
printf "   %-14s %10s %14s %12s %9s %8s\n" "serveur" "req/s" "réponse (ms)" "idéal req/s" "threads" "erreurs"
for prog in hello2 evenementiel; do
    rm -f "$tmp/fin"
    threads_max "${pid[$prog]}" "$tmp/fin" >"$tmp/threads" &
    watcher=$!
    read -r rps lat errors <<<"$(load "${url[$prog]}/comic")"
    touch "$tmp/fin"
    wait "$watcher"
    ideal=$(calc "$clients / $L")
    printf "   %-14s %10s %14s %12s %9s %8s\n" "$prog" "$rps" "$lat" "$ideal" "$(cat "$tmp/threads")" "$errors"
    echo "charge $clients clients,$prog,$rps,req/s,$ideal" >>"$csv"
done
echo
echo "charge de la machine à la fin : $(cut -d' ' -f1-3 /proc/loadavg) ; CSV : $csv"
