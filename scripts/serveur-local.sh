# serveur-local.sh — à inclure (source) dans les scripts qui ont besoin du
# serveur local : demarrer_serveur LATENCE lance build/serveur/serveur sur un
# port libre, exporte TD6_SERVER, et l'arrête à la sortie du script (même
# après Ctrl-C).

serveur_pid=""
serveur_sortie=""

arreter_serveur() {
    if [ -n "$serveur_pid" ]; then
        kill "$serveur_pid" 2>/dev/null
        wait "$serveur_pid" 2>/dev/null
        serveur_pid=""
    fi
    [ -n "$serveur_sortie" ] && rm -f "$serveur_sortie"
    serveur_sortie=""
}

demarrer_serveur() {
    local latence=$1 i
    serveur_sortie=$(mktemp /tmp/td6-serveur-XXXXXX)
    "${BUILD:-build}/serveur/serveur" -p 0 -l "$latence" >"$serveur_sortie" 2>/dev/null &
    serveur_pid=$!
    trap arreter_serveur EXIT
    trap 'exit 130' INT TERM
    for i in $(seq 100); do
        TD6_SERVER=$(head -n 1 "$serveur_sortie")
        case $TD6_SERVER in http://*) export TD6_SERVER; return 0 ;; esac
        sleep 0.05
    done
    echo "Le serveur local n'a pas démarré." >&2
    exit 1
}
