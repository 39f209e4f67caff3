# banc/04_web.sh — chapitre 04 : les serveurs web face au temps idéal, puis
# sous la charge de nombreux clients.
#
#     make bench EXO=04     (LATENCE=50 BENCH_REPETITIONS=5 CLIENTS=50 DUREE=10)
#
# Contre le serveur local à la latence L (50 ms par défaut, variable
# LATENCE) :
#   1. une page à la fois, BENCH_REPETITIONS fois (5), médiane du « Time taken » affiché
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

clients=${CLIENTS:-50}
duration=${DUREE:-10}
dir=$td6_build/solutions/04_web

tmp=$(mktemp -d /tmp/td6-bench-04-XXXXXX)
a_la_sortie rm -rf "$tmp"

calc() { calcul "sprintf(\"%.3f\", $1)"; }

# Le serveur local, puis les trois serveurs web (lancer_web : port libre,
# URL et PID de chacun).
demarrer_serveur "$latence"
declare -A url pid
for prog in hello hello2 evenementiel; do
    lancer_web "$dir/$prog" || exit 1
    url[$prog]=$WEB_URL
    pid[$prog]=$WEB_PID
done

csv=$td6_build/bench-04.csv
echo "mesure,programme,valeur,unite,ideal" >"$csv"
L=$(calc "$latence / 1000")
echo "Chapitre 04 : latence de l'API L = $latence ms ; $(nombre_de_cpu) cœurs ;" \
     "charge de la machine au départ : $(charge_machine)"
echo
echo "1. Une page à la fois (médiane de $repetitions, « Time taken » de la page)"
printf "   %-22s %10s %10s %8s\n" "page" "mesuré (s)" "idéal (s)" "rapport"
for config in "hello|/comic2|5" "hello2|/comic|1" "evenementiel|/comic|1"; do
    IFS='|' read -r prog route factor <<<"$config"
    times=()
    http_get "${url[$prog]}$route" >/dev/null   # une première fois, pour rien (caches)
    for _ in $(seq "$repetitions"); do
        t=$(http_get "${url[$prog]}$route" | temps_page)
        times+=("${t:-nan}")
    done
    m=$(mediane "${times[@]}")
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
        local total=$((clients * duration * 1000 / latence / 2)) start end
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
echo "charge de la machine à la fin : $(charge_machine) ; CSV : $csv"
