"""calcul.py — ce que les programmes de calcul Python partagent (pas la leçon).

cpu_bound du cours, la ligne de commande des chapitres 05-06 et l'affichage
des résultats, dans l'ordre des nombres, au format des programmes C.
Les entiers Python ne débordent jamais : la somme est exacte sans effort,
là où le C doit passer par 128 bits.
"""

import os
import sys
import time

import td6


def cpu_bound(number):
    return sum(i * i for i in range(number))


def default_workers():
    return os.cpu_count() or 1


def parse(argv, usage, extra_options=None, flags=()):
    options = {"-j": ("workers", default_workers(), 1, 256)}
    options.update(extra_options or {})
    prog, values, rest = td6.parse_args(argv, usage, options, flags)
    return prog, values, td6.numbers(prog, rest)


def print_results(labels, results, duration):
    for label, result in zip(labels, results):
        print(f"cpu_bound({label}) = {result}")
    print(f"Duration {duration:.3f} seconds")
    sys.stdout.flush()


def run_pool(find_sums, usage):
    """Le main du cours pour un pool (cpu_threads.py, multiproc.py) :
    find_sums(numbers, workers) chronométré, puis les résultats et la durée.
    cpu_sequentiel.py l'écrit en entier, comme le cours."""
    _, values, numbers = parse(sys.argv, usage)
    start_time = time.time()
    results = find_sums(numbers, values["workers"])
    print_results(numbers, results, time.time() - start_time)
    return 0
