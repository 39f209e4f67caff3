#!/usr/bin/env bash
# bench-serveur.sh — vérifie que le serveur de test n'est jamais le goulot
# d'étranglement : 200 connexions simultanées, latence 50 ms, pendant 5 s.
#
# Si le serveur tient la charge, chaque requête dure ~50 ms (la latence
# voulue, rien de plus) et le serveur voit ~200 requêtes en vol à la fois.
# Ce script ne construit rien : lancez d'abord « make » (ou « make serveur »).
#
# Réglages (variables d'environnement) : CONNEXIONS (200), DUREE (5s),
# LATENCE (50, en ms), THREADS_WRK (2), BUILD (le serveur est
# $BUILD/serveur/serveur).

set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/td6.sh

connexions=${CONNEXIONS:-200}
duree=${DUREE:-5s}
latence=${LATENCE:-50}
threads_wrk=${THREADS_WRK:-2}

if [[ ! -x $td6_build/serveur/serveur ]]; then
    echo "bench-serveur : $td6_build/serveur/serveur est introuvable : lancez d'abord make" >&2
    exit 1
fi
if ! command -v wrk >/dev/null; then
    echo "bench-serveur : wrk n'est pas installé." >&2
    echo "  Debian/Ubuntu : sudo apt-get install wrk   (macOS : brew install wrk)" >&2
    exit 1
fi

tmp=$(mktemp -d)
a_la_sortie rm -rf "$tmp"
# Port libre ; arrêté à la sortie, quoi qu'il arrive (a_la_sortie).
lancer_serveur "$latence"
url=$serveur_url

echo "Serveur : $url (latence $latence ms)"
echo "Charge  : wrk, $connexions connexions keep-alive, $threads_wrk threads, $duree sur /dice"
echo

http_get "$url/reset" >/dev/null
wrk -t"$threads_wrk" -c"$connexions" -d"$duree" --latency "$url/dice" >"$tmp/wrk"
stats=$(http_get "$url/stats" | corps_http)

# Convertit une durée affichée par wrk (850.00us, 50.12ms, 1.02s) en ms.
en_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000
        else if (v ~ /ms$/) n = n
        else if (v ~ /m$/) n *= 60000
        else if (v ~ /s$/) n *= 1000
        printf "%.2f", n
    }'
}

req_s=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk")
total=$(awk '/requests in/ { print $1 }' "$tmp/wrk")
p50=$(en_ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk")")
p99=$(en_ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk")")
erreurs=$(grep -E 'Socket errors|Non-2xx' "$tmp/wrk" || true)
pic=$(sed -n 's/.*"pic_en_vol": \([0-9]*\).*/\1/p' <<<"$stats")
conn=$(sed -n 's/.*"connexions": \([0-9]*\).*/\1/p' <<<"$stats")

# Débit idéal : chaque connexion enchaîne une requête toutes les `latence`
# ms, soit connexions × 1000 / latence requêtes par seconde.
ideal=$(awk -v c="$connexions" -v l="$latence" \
        'BEGIN { if (l > 0) printf "%.0f", c * 1000 / l; else print "-" }')

echo "Résultats"
printf '  requêtes servies      : %s\n' "$total"
printf '  requêtes par seconde  : %s (idéal : %s)\n' "$req_s" "$ideal"
printf '  latence médiane (p50) : %s ms\n' "$p50"
printf '  latence p99           : %s ms\n' "$p99"
if [[ -n $erreurs ]]; then
    printf '  erreurs (wrk)         : %s\n' "$erreurs"
else
    printf '  erreurs (wrk)         : aucune\n'
fi
printf '  pic en vol (/stats)   : %s (attendu : ~%s)\n' "$pic" "$connexions"
printf '  connexions (/stats)   : %s\n' "$conn"
echo
echo "/stats : $stats"
echo

if [[ $latence -gt 0 ]]; then
    ratio=$(awk -v p="$p50" -v l="$latence" 'BEGIN { printf "%.2f", p / l }')
    echo "p50 / latence idéale = $p50 / $latence = $ratio"
    if awk -v r="$ratio" 'BEGIN { exit !(r < 1.2) }'; then
        echo "=> Le serveur n'ajoute presque rien à la latence voulue :" \
             "il n'est pas le goulot d'étranglement."
    else
        echo "=> Le serveur ajoute plus de 20 % à la latence voulue :" \
             "machine chargée, ou serveur saturé."
    fi
fi
