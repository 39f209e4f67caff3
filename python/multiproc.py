"""multiproc.py — chapitre 05 en Python : multiprocessing.Pool.

Le jumeau de td6/05_multiprocessing/multiproc.c : un pool de processus,
chacun avec son propre interpréteur (et donc son propre GIL). Pool.map
découpe la liste, envoie les nombres aux processus (par pickle, à travers
des tubes) et rend les résultats dans l'ordre.

    python3 python/multiproc.py [-j OUVRIERS] [N...]     (OUVRIERS : les cœurs par défaut)

À observer (make comparer) : -j 2 va presque deux fois plus vite que le
séquentiel Python, mais reste loin du C séquentiel.
"""

import multiprocessing
import sys

import calcul

USAGE = """usage : {prog} [-j OUVRIERS] [N...]
Calcule cpu_bound(N) pour chaque N ≥ 0 avec un pool de processus (OUVRIERS de 1 à 256)."""


def find_sums(numbers, workers):
    with multiprocessing.Pool(workers) as pool:
        return pool.map(calcul.cpu_bound, numbers)


if __name__ == "__main__":
    # Le main du cours (le chronomètre autour de find_sums) : calcul.run_pool.
    sys.exit(calcul.run_pool(find_sums, USAGE))
