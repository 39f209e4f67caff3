"""partial.py — chapitre 06 en Python : functools.partial, fork et spawn.

Le jumeau de td6/06_partial/partial.c. cpu_bound prend ici deux arguments ;
Pool.map n'en passe qu'un, alors on lie number2 à l'avance avec partial.
Avec --spawn, les processus du pool sont des interpréteurs neufs (ce que
fait Python par défaut sous Windows et macOS) : la fonction leur est
envoyée par pickle, c'est-à-dire par son NOM (module.nom), qu'ils
retrouvent en réimportant ce fichier. Avec --lambda, la fonction n'a pas de
nom que l'on puisse retrouver : pickle refuse de l'envoyer, dès le parent.

    python3 python/partial.py [-j OUVRIERS] [-k NUMBER2] [--spawn] [--lambda] [N...]

À observer (make comparer) : « --spawn --lambda » échoue avec la vraie erreur
de Python (PicklingError), à comparer au message du programme C.
"""

import functools
import multiprocessing
import sys
import time

import calcul

USAGE = """usage : {prog} [-j OUVRIERS] [-k NUMBER2] [--spawn] [--lambda] [N...]
Calcule cpu_bound(N, NUMBER2) pour chaque N ≥ 0 avec un pool de processus
(OUVRIERS de 1 à 256 ; NUMBER2 de 0 à 1000000000, 10 par défaut)."""


def cpu_bound(number, number2):
    return sum(i * i + number2 for i in range(number))


def find_sums(numbers, workers, number2, spawn, use_lambda):
    context = multiprocessing.get_context("spawn" if spawn else "fork")
    with context.Pool(workers) as pool:
        if use_lambda:
            # Une fonction sans nom : fork la copie avec le reste du
            # programme, spawn devrait l'envoyer par pickle, qui refuse.
            return pool.map(lambda x: cpu_bound(x, number2=number2), numbers)
        partial_func = functools.partial(cpu_bound, number2=number2)
        return pool.map(partial_func, numbers)


def main():
    _, values, numbers = calcul.parse(sys.argv, USAGE,
                                      {"-k": ("number2", 10, 0, 1_000_000_000)},
                                      ("--spawn", "--lambda"))
    start_time = time.time()
    results = find_sums(numbers, values["workers"], values["number2"],
                        values["spawn"], values["lambda"])
    labels = [f"{n}, {values['number2']}" for n in numbers]
    calcul.print_results(labels, results, time.time() - start_time)
    return 0


if __name__ == "__main__":
    sys.exit(main())
