# banc/03_async.sh — chapitre 03 : la boucle d'événements face au temps
# idéal (make bench EXO=03).
#
# Lance BENCH_REPETITIONS fois (5) chaque configuration sur les 160 URL du
# cours, contre le serveur local à la latence L (50 ms par défaut, variable
# LATENCE), et garde la médiane des durées annoncées par le programme
# (« Downloaded 160 in S seconds »). Configurations :
#   asynchrone          sans limite : idéal L (tout part en même temps)
#   asynchrone -m M     M connexions au plus : idéal ceil(160 / M) × L
#   boucle              la boucle écrite à la main : idéal L
# puis asynchrone contre un second serveur SANS latence : ce temps-là n'est
# que du travail (le coût fixe d'ouvrir, servir et fermer 160 connexions).
# Le rapport mesuré / idéal dit ce que coûtent libcurl, la boucle et la
# machine : 1,00 serait parfait. Pour une latence de 50 ms, quelques
# millisecondes de travail réel pèsent déjà : le rapport d'asynchrone sans
# limite est donc plus loin de 1 que celui d'un programme qui attend 1,6 s.
#
# Sortie : un tableau en français, et le CSV $BUILD/bench-03.csv
# (configuration,ideal_s,mesure_s,rapport).
set -euo pipefail

sites=160
dir=$td6_build/solutions/03_async

lancer_serveur "$latence"
url=$serveur_url

# configuration|programme|arguments|connexions au plus (0 : pas de limite)
configurations=(
    "asynchrone|asynchrone||0"
    "asynchrone -m 10|asynchrone|-m 10|10"
    "asynchrone -m 40|asynchrone|-m 40|40"
    "boucle|boucle||0"
)

csv=$td6_build/bench-03.csv
echo "configuration,ideal_s,mesure_s,rapport" >"$csv"
echo "Chapitre 03 : $sites URL, latence $latence ms, médiane de $repetitions exécutions"
echo "charge de la machine au départ : $(charge_machine) ($(nombre_de_cpu) cœurs)"
printf '%-18s %10s %12s %9s\n' "configuration" "idéal (s)" "mesuré (s)" "rapport"
# measure URL PROGRAMME ARGUMENTS : médiane des durées annoncées sur $repetitions
# exécutions (et arrêt si une page manque).
measure() {
    # shellcheck disable=SC2086
    mediane_telechargements "$repetitions" "$1" "$sites" "$dir/$2" $3 || exit 1
}

for c in "${configurations[@]}"; do
    IFS='|' read -r name prog args max <<<"$c"
    measured=$(measure "$url" "$prog" "$args")
    w=$max
    [ "$w" -gt 0 ] || w=$sites
    ideal=$(calcul "sprintf(\"%.3f\", int(($sites + $w - 1) / $w) * $latence / 1000)")
    ratio=$(rapport "$measured" "$ideal")
    printf '%-18s %10s %12s %9s\n' "$name" "$ideal" "$measured" "$ratio"
    echo "$name,$ideal,$measured,$ratio" >>"$csv"
    [ "$name" = asynchrone ] && async_measured=$measured
done

# Le coût fixe : les mêmes 160 URL contre un serveur SANS latence. Ce temps
# n'est fait que de travail (ouvrir 160 connexions, envoyer, lire, fermer) ;
# la mesure à latence L devrait valoir à peu près L + ce coût fixe.
lancer_serveur 0
url0=$serveur_url
fixed=$(measure "$url0" asynchrone "")
printf '%-18s %10s %12s %9s\n' "asynchrone, L = 0" "0.000" "$fixed" "—"
echo "asynchrone latence 0,0.000,$fixed," >>"$csv"
awk -v l="$latence" -v f="$fixed" -v m="$async_measured" 'BEGIN {
    printf "asynchrone à L = %d ms : %.3f s, au plus L + coût fixe = %.3f s " \
           "(une partie du travail se fait pendant l'\''attente)\n", l, m, l / 1000 + f }'
echo "charge de la machine à la fin : $(charge_machine)"
echo "CSV : $csv"
