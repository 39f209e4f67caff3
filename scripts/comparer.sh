#!/usr/bin/env bash
# comparer.sh LATENCE EXERCICE... — ce que fait `make comparer` : le cours
# original (ses programmes Python, réécrits pour ce TD dans python/) à côté
# de sa traduction en C, sur la même machine et contre le même serveur local.
#
# Pour chaque paire C / Python : les mêmes URL ou les mêmes nombres, la durée
# que chaque programme affiche lui-même, le rapport Python / C, et ce que le
# serveur local a vu (pic de requêtes en vol, connexions ouvertes). Les
# lignes de résultat des deux programmes sont comparées : mêmes sommes
# exactes, autant de pages lues. Au chapitre 06, l'erreur de Python pour le
# lambda en mode spawn est affichée à côté du message du programme C.
#
# Résultats : un tableau en français, $BUILD/comparer/comparaison.csv et
# images/comparaison.png (gnuplot, si présent).
#
# Variables facultatives :
#   COMPARER_PETIT=1     petites tailles (10 pages, 3 petits nombres) : ce que
#                        lance `make check` ; le tableau reste le même, mais
#                        l'image n'est pas redessinée ;
#   COMPARER_DOSSIER=d   où écrire le CSV (défaut $BUILD/comparer) ;
#   PYTHON=chemin        l'interpréteur (défaut : /usr/bin/python3, celui des
#                        paquets Debian installés par scripts/dependances.sh).
# Code de sortie : 0 si chaque paire a tourné, donné les mêmes résultats et
# montré au serveur les pics attendus ; 1 sinon (le tableau dit lesquels).
set -u
latence=${1:-50}
shift
[ $# -gt 0 ] || set -- 01 02 03 04 05 06
dossier=$(dirname "$0")
racine=$(cd "$dossier/.." && pwd)
. "$dossier/lib/td6.sh"

python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=$(command -v python3)
sortie=${COMPARER_DOSSIER:-$td6_build/comparer}
coeurs=$(nombre_de_cpu)
travail=$(mktemp -d /tmp/td6-comparer-XXXXXX)
mkdir -p "$sortie"

a_la_sortie rm -rf "$travail"

# Les tailles : le cours entier, ou un échantillon pour make check.
if [ -n "${COMPARER_PETIT:-}" ]; then
    repetitions=5                        # 5 × (jython, dice) = 10 pages
    nombres=(200000 200001 3)
else
    repetitions=80                       # la liste du cours : 160 pages
    nombres=()
    for x in $(seq 0 19); do nombres+=($((5000000 + x))); done   # les nombres du cours
fi

demarrer_serveur "$latence"
pages=()
for _ in $(seq "$repetitions"); do pages+=("$TD6_SERVER/jython" "$TD6_SERVER/dice"); done

# ---- Ce que l'on retient de chaque paire ---------------------------------
lignes=()          # une ligne CSV par paire
problemes=()       # ce qui ne va pas, en français

# La commande Python d'un programme de python/.
py() {
    echo "$python $racine/python/$1.py"
}

# lancer FICHIER CMD... : lance CMD (sortie dans FICHIER.out/.err), après
# avoir remis à zéro les compteurs du serveur ; lit ensuite /stats.
lancer() {
    local fichier=$1 rc
    shift
    remettre_stats
    attendre timeout 300 "$@" >"$travail/$fichier.out" 2>"$travail/$fichier.err"
    rc=$?
    lire_stats
    return $rc
}

# Le résultat d'une exécution, pour comparer C et Python : les lignes
# « cpu_bound(...) = ... », ou le nombre de lignes « Read ».
resultats() {
    if grep -q '^cpu_bound(' "$1"; then
        grep '^cpu_bound(' "$1"
    else
        # grep -o : une ligne « Read » coupée par une autre (print de
        # Python, depuis plusieurs threads) compte quand même.
        echo "$(grep -o 'Read [0-9]* from ' "$1" | wc -l) pages lues"
    fi
}

# paire CLE LIBELLE PIC_ATTENDU CMD_C -- CMD_PY : lance les deux programmes,
# compare leurs résultats et le pic vu par le serveur (« - » : pas de
# réseau, « >=N » : au moins N).
paire() {
    local cle=$1 libelle=$2 pic_attendu=$3 c=() p=() t_c t_p pic_c conn_c pic_p conn_p rc_c rc_p
    shift 3
    while [ $# -gt 0 ] && [ "$1" != -- ]; do c+=("$1"); shift; done
    shift
    p=("$@")
    echo "   \$ ${c[*]:0:4}$([ ${#c[@]} -gt 4 ] && echo " …")"
    lancer "$cle.c" "${c[@]}"; rc_c=$?
    pic_c=$STAT_PIC conn_c=$STAT_CONNEXIONS
    echo "   \$ ${p[*]:0:5}$([ ${#p[@]} -gt 5 ] && echo " …")"
    lancer "$cle.py" "${p[@]}"; rc_p=$?
    pic_p=$STAT_PIC conn_p=$STAT_CONNEXIONS
    # Des lignes mêlées chez Python (print écrit le texte, puis le saut de
    # ligne : deux écritures, entre lesquelles un autre thread peut passer).
    local melees
    melees=$(grep -c 'Read .*Read ' "$travail/$cle.py.out")
    [ "$melees" -gt 0 ] && echo "     (Python : $melees ligne(s) « Read » mêlées à d'autres : print n'écrit pas la ligne d'un seul coup — voir le chapitre 02)"
    t_c=$(duree_affichee "$travail/$cle.c.out")
    t_p=$(duree_affichee "$travail/$cle.py.out")
    verifier_paire "$libelle" "$rc_c" "$rc_p" "$cle" "$pic_attendu" "$pic_c" "$pic_p"
    enregistrer "$libelle" "${t_c:-échec}" "${t_p:-échec}" "$pic_c" "$pic_p" "$conn_c" "$conn_p"
}

# verifier_paire LIBELLE RC_C RC_PY CLE PIC_ATTENDU PIC_C PIC_PY
verifier_paire() {
    local libelle=$1 rc_c=$2 rc_p=$3 cle=$4 attendu=$5 pic_c=$6 pic_p=$7 langue pic
    [ "$rc_c" -eq 0 ] || problemes+=("$libelle : le programme C a échoué (code $rc_c) : $(head -n 1 "$travail/$cle.c.err")")
    [ "$rc_p" -eq 0 ] || problemes+=("$libelle : le programme Python a échoué (code $rc_p) : $(tail -n 1 "$travail/$cle.py.err")")
    if ! diff -q <(resultats "$travail/$cle.c.out") <(resultats "$travail/$cle.py.out") >/dev/null; then
        problemes+=("$libelle : C et Python ne donnent pas les mêmes résultats ($(resultats "$travail/$cle.c.out" | head -n 1) contre $(resultats "$travail/$cle.py.out" | head -n 1))")
    fi
    for langue in C Python; do
        [ $langue = C ] && pic=$pic_c || pic=$pic_p
        case $attendu in
            -) continue ;;
            ">="*) [ "$pic" != "?" ] && [ "$pic" -ge "${attendu#>=}" ] && continue ;;
            *) [ "$pic" = "$attendu" ] && continue ;;
        esac
        problemes+=("$libelle : le serveur a vu $pic requête(s) en vol au plus pour la version $langue, $attendu attendu")
    done
}

# enregistrer LIBELLE T_C T_PY PIC_C PIC_PY CONN_C CONN_PY
enregistrer() {
    local rapport="—"
    if [ "$2" != échec ] && [ "$3" != échec ]; then
        rapport=$(calcul "sprintf(\"%.1f\", $3 / ($2 > 0.0005 ? $2 : 0.0005))")
    fi
    lignes+=("$1;$2;$3;$rapport;$4;$5;$6;$7")
}

# web CLE LIBELLE ROUTE PIC_ATTENDU PROG_C PROG_PY : les serveurs web du
# chapitre 04, chacun sur un port libre ; une page demandée à chacun.
web() {
    local cle=$1 libelle=$2 route=$3 attendu=$4 prog_c=$5 prog_p=$6 langue t pic conn reponse
    local t_c="échec" t_p="échec" pic_c="?" pic_p="?" conn_c="?" conn_p="?" enveloppe
    # lancer_web lance « PROGRAMME 0 » : une petite enveloppe pour Python.
    enveloppe=$travail/$prog_p
    printf '#!/bin/sh\nexec %s "%s/python/%s.py" "$@"\n' "$python" "$racine" "$prog_p" >"$enveloppe"
    chmod +x "$enveloppe"
    for langue in C Python; do
        if [ $langue = C ]; then lancer_web "$(programme "$prog_c")"; else lancer_web "$enveloppe"; fi || {
            problemes+=("$libelle : le serveur web $langue n'a pas démarré"); continue; }
        echo "   \$ GET $route ($langue, $WEB_URL)"
        remettre_stats
        reponse=$(http_get "$WEB_URL$route")
        lire_stats
        arreter_web
        t=$(echo "$reponse" | temps_page)
        pic=$STAT_PIC conn=$STAT_CONNEXIONS
        [ "$(echo "$reponse" | corps_http | grep -c '<img ')" -eq 5 ] ||
                problemes+=("$libelle : la page $langue n'a pas ses cinq images")
        [ "$pic" = "$attendu" ] ||
            problemes+=("$libelle : le serveur a vu $pic appel(s) à l'API en même temps pour la version $langue, $attendu attendu")
        if [ $langue = C ]; then t_c=${t:-échec} pic_c=$pic conn_c=$conn; else t_p=${t:-échec} pic_p=$pic conn_p=$conn; fi
    done
    enregistrer "$libelle" "$t_c" "$t_p" "$pic_c" "$pic_p" "$conn_c" "$conn_p"
}

# Le lambda, avec fork puis spawn : ce que dit chaque langage. En C, fork
# garde le pointeur de fonction valable et spawn échoue ; en Python,
# Pool.map envoie la fonction par pickle à chaque tâche, quel que soit le
# mode : le lambda est refusé dès le parent, même avec fork.
lambda_fork_spawn() {
    local mode lang rc msg
    for mode in fork spawn; do
        for lang in C Python; do
            local opt=()
            [ $mode = spawn ] && opt=(--spawn)
            if [ $lang = C ]; then
                "$(programme partial)" -j 2 "${opt[@]}" --lambda "${nombres[2]}" >"$travail/lambda.out" 2>"$travail/lambda.err"
            else
                $(py partial) -j 2 "${opt[@]}" --lambda "${nombres[2]}" >"$travail/lambda.out" 2>"$travail/lambda.err"
            fi
            rc=$?
            if [ $rc -eq 0 ]; then
                msg="réussit : $(grep '^cpu_bound' "$travail/lambda.out" | head -n 1)"
            else
                msg="échoue : $(grep -v '^[[:space:]]' "$travail/lambda.err" | grep -v '^Traceback' | grep -v '^$' | tail -n 1)"
            fi
            printf '     %-7s %-7s %s\n' "$mode" "$lang" "$msg"
            case $mode/$lang/$rc in
                fork/C/0 | spawn/C/[1-9]* | */Python/[1-9]*) ;;
                *) problemes+=("lambda ($mode, $lang) : résultat inattendu (code $rc)") ;;
            esac
        done
    done
}

titre() { echo; echo "==== $1"; }

echo "Comparaison C / Python : serveur local à $latence ms, $coeurs cœurs, $("$python" --version 2>&1)."
for exo in "$@"; do
    case ${exo%%_*} in
        01) titre "01 — séquentiel (requests.Session contre une poignée curl)"
            paire 01 "sequentiel" 1 "$(programme sequentiel)" "${pages[@]}" -- $(py sequentiel) "${pages[@]}" ;;
        02) titre "02 — threads (ThreadPoolExecutor contre pthreads, 5 ouvriers)"
            paire 02 "threads -w 5" 5 "$(programme threads)" -w 5 "${pages[@]}" -- $(py threads) -w 5 "${pages[@]}" ;;
        03) titre "03 — asynchrone (aiohttp + gather contre la poignée multi, 100 connexions)"
            paire 03 "asynchrone -m 100" "$([ ${#pages[@]} -lt 100 ] && echo ${#pages[@]} || echo 100)" \
                "$(programme asynchrone)" -m 100 "${pages[@]}" -- $(py asynchrone) -m 100 "${pages[@]}" ;;
        04) titre "04 — serveur web (Flask + requests, puis Flask async + httpx)"
            web 04a "hello /comic2" /comic2 1 hello hello
            web 04b "hello2 /comic" /comic 5 hello2 hello2 ;;
        05) titre "05 — calcul (l'interpréteur, le GIL, le pool de processus)"
            paire 05a "cpu_sequentiel" - "$(programme cpu_sequentiel)" "${nombres[@]}" -- $(py cpu_sequentiel) "${nombres[@]}"
            paire 05b "cpu_threads -j $coeurs" - "$(programme cpu_threads)" -j "$coeurs" "${nombres[@]}" -- $(py cpu_threads) -j "$coeurs" "${nombres[@]}"
            paire 05c "multiproc -j $coeurs" - "$(programme multiproc)" -j "$coeurs" "${nombres[@]}" -- $(py multiproc) -j "$coeurs" "${nombres[@]}" ;;
        06) titre "06 — partial (functools.partial, fork puis spawn)"
            paire 06a "partial -j $coeurs" - "$(programme partial)" -j "$coeurs" "${nombres[@]}" -- $(py partial) -j "$coeurs" "${nombres[@]}"
            paire 06b "partial -j $coeurs --spawn" - "$(programme partial)" -j "$coeurs" --spawn "${nombres[@]}" -- $(py partial) -j "$coeurs" --spawn "${nombres[@]}"
            echo "   partial --lambda ${nombres[2]}, avec fork puis --spawn :"
            lambda_fork_spawn ;;
        *) echo "comparer : pas de programme Python pour l'exercice $exo" >&2 ;;
    esac
done

# ---- Le tableau, le CSV, l'image ------------------------------------------
cellule() { printf '%s%*s' "$1" $(($2 > ${#1} ? $2 - ${#1} : 0)) ''; }
echo
echo "================ C contre Python (latence $latence ms ; $coeurs cœurs) ================"
cellule "Programme" 28; cellule "C (s)" 9; cellule "Python (s)" 12; cellule "Python/C" 10
cellule "Pic C/Py" 10; echo "Connexions C/Py"
csv=$sortie/comparaison.csv
echo "programme;c_s;python_s;rapport;pic_c;pic_python;connexions_c;connexions_python" >"$csv.tmp"
for ligne in "${lignes[@]}"; do
    IFS=';' read -r nom t_c t_p rapport pic_c pic_p conn_c conn_p <<<"$ligne"
    echo "$ligne" >>"$csv.tmp"
    [ "$pic_c" = "0" ] && [ "$pic_p" = "0" ] && pic="—" || pic="$pic_c/$pic_p"
    [ "$conn_c" = "0" ] && [ "$conn_p" = "0" ] && conn="—" || conn="$conn_c/$conn_p"
    cellule "$nom" 28; cellule "$t_c" 9; cellule "$t_p" 12; cellule "× $rapport" 10
    cellule "$pic" 10; echo "$conn"
done
mv "$csv.tmp" "$csv"
echo
echo "Temps : la durée que chaque programme affiche lui-même (« Time taken » au 04)."
echo "Python/C : combien de fois Python est plus lent. Pic : requêtes en vol au même"
echo "moment vues par le serveur local ; « — » : pas de réseau. CSV : $csv"

if [ -z "${COMPARER_PETIT:-}" ] && [ $# -ge 6 ] && command -v gnuplot >/dev/null 2>&1; then
    if gnuplot -e "fichier='$csv'; sortie='images/comparaison.png'" scripts/gnuplot/comparaison.gp 2>"$travail/gnuplot.err"; then
        echo "Image : images/comparaison.png"
    else
        echo "gnuplot a échoué : $(head -n 1 "$travail/gnuplot.err")" >&2
    fi
fi

if [ ${#problemes[@]} -gt 0 ]; then
    echo
    echo "✘ ${#problemes[@]} problème(s) :"
    printf '  - %s\n' "${problemes[@]}"
    exit 1
fi
echo "✔ Chaque paire a tourné, avec les mêmes résultats en C et en Python."
