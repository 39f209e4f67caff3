# serveur-local.sh — à inclure (source) dans les scripts qui ont besoin du
# serveur local :
#   demarrer_serveur LATENCE  lance build/serveur/serveur sur un port libre et
#                             exporte son URL dans TD6_SERVER ;
#   lancer_serveur LATENCE    lance un serveur de plus (par exemple un second,
#                             sans latence) et met son URL dans serveur_url.
# Tous les serveurs lancés ainsi s'arrêtent à la sortie du script (même après
# Ctrl-C), ou quand le script appelle arreter_serveur.

serveur_pids=()       # les serveurs lancés par ce script
serveur_sorties=()    # leurs fichiers de sortie (la première ligne : l'URL)
serveur_url=""        # l'URL du dernier serveur lancé

arreter_serveur() {
    local pid
    for pid in "${serveur_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    serveur_pids=()
    if [ ${#serveur_sorties[@]} -gt 0 ]; then
        rm -f "${serveur_sorties[@]}"
    fi
    serveur_sorties=()
}

lancer_serveur() {
    local latence=$1 sortie i
    sortie=$(mktemp /tmp/td6-serveur-XXXXXX)
    serveur_sorties+=("$sortie")
    "${BUILD:-build}/serveur/serveur" -p 0 -l "$latence" >"$sortie" 2>/dev/null &
    serveur_pids+=("$!")
    trap arreter_serveur EXIT
    trap 'exit 130' INT TERM
    for i in $(seq 100); do
        serveur_url=$(head -n 1 "$sortie")
        case $serveur_url in http://*) return 0 ;; esac
        sleep 0.05
    done
    echo "Le serveur local n'a pas démarré." >&2
    exit 1
}

demarrer_serveur() {
    lancer_serveur "$1"
    TD6_SERVER=$serveur_url
    export TD6_SERVER
}
