# bench.gp — le graphique de `make bench`, dessiné par scripts/images.sh :
#   gnuplot param.gp bench.gp   (param.gp définit rapports, echelle_proc,
#   echelle_thr, sortie, titre, coeurs, nb, rmax, wmax, terminal)
# rapports : « i rapport programme » (médiane / temps idéal, par programme) ;
# echelle_* : « workers accélération » (calcul, par nombre de workers).

if (terminal eq 'pngcairo') {
    set terminal pngcairo size 1100, 480 font 'DejaVu Sans,11' noenhanced
} else {
    set terminal png size 1100, 480 noenhanced
}
set output sortie
set multiplot layout 1, 2 title titre

# ---- À gauche : chaque programme, en rapport à son temps idéal ----
set title 'Temps mesuré / temps idéal (1 = idéal)'
set xrange [0:rmax]
set yrange [nb + 0.6:0.4]
set ytics 1 scale 0
set xtics nomirror
set grid xtics lc rgb '#dddddd'
set border 3
unset key
set style fill solid 0.85 border lc rgb 'white'
set arrow 1 from 1, graph 0 to 1, graph 1 nohead front lc rgb 'black' dt 2 lw 1.5
plot rapports using ($2 / 2):1:(0):2:($1 - 0.35):($1 + 0.35):ytic(3) with boxxyerror lc rgb '#4c72b0', \
     rapports using 2:1:(sprintf(' %.2f', $2)) with labels left font ',9'
unset arrow 1

# ---- À droite : l'accélération du calcul selon le nombre de workers ----
set title sprintf('Calcul : accélération selon le nombre de workers (%d cœurs)', coeurs)
set xrange [0.5:wmax + 0.5]
set yrange [0:wmax + 0.5]
set xtics 1
set ytics 1
set xlabel 'workers (processus ou threads)'
set ylabel 'accélération (× cpu_sequentiel)'
set key top left
set grid xtics ytics lc rgb '#dddddd'
ideal(w) = (w < 1) ? NaN : (w < coeurs) ? w : coeurs
set samples wmax * 100 + 1
plot ideal(x) with lines lc rgb 'gray40' dt 2 lw 2 title 'idéal : min(workers, cœurs)', \
     echelle_proc using 1:2 with linespoints lc rgb '#d62728' pt 7 ps 1.3 lw 2 title 'multiproc (processus)', \
     echelle_thr using 1:2 with linespoints lc rgb '#1f77b4' pt 5 ps 1.1 lw 2 title 'cpu_threads (threads)'
unset multiplot
