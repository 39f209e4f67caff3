#!/usr/bin/env bash
# dependances.sh — vérifie, et installe si besoin, ce dont le TD a besoin :
# un compilateur C, GNU Make, pkg-config, libcurl, libmicrohttpd, jansson,
# Check, gnuplot (pour `make images`), xmllint et jq (make check vérifie
# que junit.xml et resultats.json restent valides), MPICH (mpicc,
# mpiexec : chapitre 07) et, sous Linux, inotifywait (pour `make suivre`,
# qui sinon regarde td6/ toutes les 2 s) et bubblewrap (le bac à sable où
# tournent les programmes notés).
#
# Appelé par le Makefile avant la première compilation. Sur Debian/Ubuntu,
# les paquets manquants sont installés en une seule étape annoncée (apt-get,
# avec sudo si l'on n'est pas root) ; sur macOS avec Homebrew. Si c'est
# impossible, la commande exacte est affichée et le script échoue.
#
# `dependances.sh --python` (pour `make comparer` seulement) vérifie à la
# place Python 3 et les paquets des programmes de python/ : requests,
# aiohttp, flask (avec asgiref pour ses vues async) et httpx. Rien d'autre
# dans le TD n'a besoin de Python.
set -u

modules="libcurl libmicrohttpd jansson check"
missing=()
if [ "${1:-}" = --python ]; then
    python=${PYTHON:-/usr/bin/python3}
    if [ ! -x "$python" ]; then
        missing=(python3 requests aiohttp flask httpx asgiref)
    else
        for m in requests aiohttp flask httpx asgiref; do
            "$python" -c "import $m" 2>/dev/null || missing+=("$m")
        done
    fi
    modules=""
fi
command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing+=(cc)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
for m in $modules; do
    command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$m" 2>/dev/null || missing+=("$m")
done
if [ "${1:-}" != --python ]; then
    command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot)
    command -v xmllint >/dev/null 2>&1 || missing+=(xmllint)
    command -v jq >/dev/null 2>&1 || missing+=(jq)
    # MPICH : le moteur de messages du chapitre 07 (mpicc compile, mpiexec lance).
    command -v mpicc >/dev/null 2>&1 && command -v mpiexec >/dev/null 2>&1 || missing+=(mpich)
    [ "$(uname -s)" != Linux ] || command -v inotifywait >/dev/null 2>&1 || missing+=(inotifywait)
    [ "$(uname -s)" = Linux ] && ! command -v bwrap >/dev/null 2>&1 && missing+=(bwrap)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

# Nom du paquet qui fournit chaque élément manquant.
debian_package() {
    case "$1" in
        cc) echo gcc ;;
        pkg-config) echo pkg-config ;;
        libcurl) echo libcurl4-openssl-dev ;;
        libmicrohttpd) echo libmicrohttpd-dev ;;
        jansson) echo libjansson-dev ;;
        check) echo "check libsubunit-dev" ;;
        gnuplot) echo gnuplot-nox ;;
        xmllint) echo libxml2-utils ;;
        jq) echo jq ;;
        mpich) echo "mpich libmpich-dev" ;;
        inotifywait) echo inotify-tools ;;
        bwrap) echo bubblewrap ;;
        python3) echo python3 ;;
        requests | aiohttp | flask | httpx | asgiref) echo "python3-$1" ;;
    esac
}
brew_package() {
    case "$1" in
        cc) echo "" ;;   # fourni par les outils en ligne de commande de Xcode
        libcurl) echo curl ;;
        xmllint) echo libxml2 ;;
        *) echo "$1" ;;
    esac
}

echo "== Dépendances manquantes : ${missing[*]}"
if command -v apt-get >/dev/null 2>&1; then
    pkgs=$(for m in "${missing[@]}"; do debian_package "$m"; done | tr '\n' ' ')
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "Installez-les avec (en root) : apt-get update && apt-get install -y $pkgs" >&2
            exit 1
        fi
    fi
    echo "== Installation en une étape : ${sudo:+$sudo }apt-get install -y $pkgs"
    if $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
       $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null; then
        echo "== Dépendances installées."
        exit 0
    fi
    echo "L'installation a échoué. Commande à lancer à la main :" >&2
    echo "    ${sudo:+$sudo }apt-get update && ${sudo:+$sudo }apt-get install -y $pkgs" >&2
    exit 1
elif [ "$(uname -s)" = Darwin ] && command -v brew >/dev/null 2>&1; then
    pkgs=$(for m in "${missing[@]}"; do brew_package "$m"; done | tr '\n' ' ')
    echo "== Installation en une étape : brew install $pkgs"
    brew install $pkgs && exit 0
    echo "L'installation a échoué. Commande à lancer à la main : brew install $pkgs" >&2
    exit 1
fi
echo "Aucun gestionnaire de paquets reconnu. Installez : ${missing[*]}" >&2
echo "(sur Debian/Ubuntu : apt-get install -y gcc make pkg-config libcurl4-openssl-dev libmicrohttpd-dev libjansson-dev check libsubunit-dev gnuplot-nox libxml2-utils jq mpich libmpich-dev inotify-tools bubblewrap)" >&2
exit 1
