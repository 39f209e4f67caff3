#!/usr/bin/env bash
# distribue.sh — l'image du chapitre 07 (images/distribue.png), tirée de
# deux vraies exécutions, dessinée par chronologie.gp comme les autres.
#
# Les mêmes nombres inégaux (un gros, puis huit moyens) :
#   - repartition, mpiexec -n 2 : partage fixe par blocs ; le rang 0 a le
#     gros nombre ET trois moyens, le rang 1 finit tôt et attend ;
#   - maitre, mpiexec -n 3 : deux ouvriers servis à la demande ; l'ouvrier
#     qui a le gros nombre n'en reçoit pas d'autre, l'autre prend les huit
#     moyens : les deux finissent ensemble.
# Une ligne de la frise par rang, chaque programme à partir de son premier
# calcul (même échelle de temps). À lancer après make SRC=solutions :
#     scripts/gnuplot/distribue.sh [dossier_des_images]
set -eu
ici=$(dirname "$0")
cible=${1:-images}
bin=${BUILD:-build}/solutions/07_distribue
travail=$(mktemp -d /tmp/td6-distribue-XXXXXX)
trap 'rm -rf "$travail"' EXIT
nombres="400000000 50000000 50000001 50000002 50000003 50000004 50000005 50000006 50000007"

for p in repartition maitre; do
    [ -x "$bin/$p" ] || { echo "$bin/$p manque : lancez d'abord make SRC=solutions" >&2; exit 1; }
done
TD6_TRACE=$travail/repartition mpiexec -n 2 "$bin/repartition" $nombres >/dev/null
TD6_TRACE=$travail/maitre mpiexec -n 3 "$bin/maitre" $nombres >/dev/null

# « ligne debut fin etat nom » : une ligne par calcul, le rang dans le nom.
{
    grep ' calcul ' "$travail/repartition" | sort -k4,4g | awk '
        NR == 1 { t0 = $4 }
        { printf "%d %.6f %.6f 2 \"repartition, rang %d\"\n", $8 + 1, $4 - t0, $5 - t0, $8 }'
    grep ' calcul ' "$travail/maitre" | sort -k4,4g | awk '
        NR == 1 { t0 = $4 }
        { printf "%d %.6f %.6f 2 \"maitre, ouvrier rang %d\"\n", $8 + 2, $4 - t0, $5 - t0, $8 }'
} >"$travail/frise.dat"
xmax=$(awk '$3 > m { m = $3 } END { printf "%.2f", m * 1.05 }' "$travail/frise.dat")
terminal=png
gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo && terminal=pngcairo
cat >"$travail/param.gp" <<FIN
donnees = "$travail/frise.dat"
sortie = "$cible/distribue.png"
titre = "Mêmes nombres (un gros, huit moyens) : partage fixe (repartition -n 2)\npuis à la demande (maitre -n 3, le rang 0 distribue)"
etiquette_y = ""
lignes = 4
xmax = $xmax
terminal = "$terminal"
FIN
gnuplot "$travail/param.gp" "$ici/chronologie.gp"
echo "→ $cible/distribue.png"
awk -F'"' '{ split($1, f, " "); if (f[3] > fin[$2]) fin[$2] = f[3] }
     END { for (r in fin) printf "   %s : dernier calcul fini à %.2f s\n", r, fin[r] }' "$travail/frise.dat" | sort
