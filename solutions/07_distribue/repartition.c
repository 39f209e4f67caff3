/*
 * repartition.c — chapitre 07 : le calcul du chapitre 05 sur plusieurs
 * processus qui ne partagent rien, répartition fixée d'avance.
 *
 * Ce que montre ce programme : mpiexec lance P copies de ce programme (les
 * « rangs » 0 à P - 1), sur une machine ou sur plusieurs. Elles ne
 * partagent aucune mémoire : chacune lit la liste sur sa propre ligne de
 * commande, calcule SA part, et seuls les résultats voyagent, par messages.
 *   - Partage fixe, par blocs : le rang r calcule les nombres d'indice
 *     r·n/P à (r+1)·n/P - 1. Tous les rangs travaillent, le rang 0 aussi.
 *   - Rassemblement : MPI_Gatherv range le bloc de chaque rang à sa place
 *     dans le tableau du rang 0 ; les résultats arrivent donc dans l'ordre
 *     de la liste, sans tri.
 *   - Un résultat fait 128 bits, et MPI n'a pas de type 128 bits : chaque
 *     somme voyage en deux moitiés de 64 bits (MPI_UINT64_T), basse puis
 *     haute. MPI_BYTE (16 octets bruts) marcherait entre machines
 *     identiques, mais MPI ne convertit jamais des octets : entre une
 *     machine petit-boutiste et une gros-boutiste, la somme arriverait
 *     à l'envers. Un type entier de MPI, lui, peut être converti.
 *
 * Construire et lancer :
 *     make SRC=solutions EXO=07
 *     mpiexec -n 2 build/solutions/07_distribue/repartition [N...]
 *     TD6_TRACE=/tmp/trace mpiexec -n 2 build/solutions/07_distribue/repartition
 *         (une ligne par calcul, avec le rang qui l'a fait)
 *
 * À observer : les mêmes lignes que cpu_sequentiel du chapitre 05, dans le
 * même ordre, à peu près deux fois plus vite avec -n 2 sur deux cœurs. Avec
 * des nombres inégaux (un gros, puis des petits), un rang finit longtemps
 * avant l'autre et attend : c'est le défaut d'un partage fixe (voir
 * maitre.c).
 */
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>

#include "calcul.h"
#include "commun.h"

/* Le bloc du rang `rank` parmi `size` : indices [*first, *first + *count). */
static void block_of(size_t n, int rank, int size, size_t *first, size_t *count)
{
    /* De r·n/P à (r+1)·n/P : des blocs qui se suivent, dans l'ordre de la liste. */
    size_t begin = n * (size_t)rank / (size_t)size;
    size_t end = n * (size_t)(rank + 1) / (size_t)size;

    *first = begin;
    *count = end - begin;
}

/* Chaque rang calcule son bloc ; le rang 0 reçoit tout dans sums (dans
 * l'ordre de la liste). Les autres rangs n'ont besoin ni de sums ni du
 * résultat des autres. */
static void find_sums(const job *j, int rank, int size, unsigned __int128 *sums)
{
    size_t first, count;
    uint64_t *mine, *all = NULL;
    int *counts = NULL, *displs = NULL;

    block_of(j->count, rank, size, &first, &count);
    mine = Calloc(2 * count + 1, sizeof *mine);
    /* Calculer son bloc, et couper chaque somme en deux moitiés de 64 bits. */
    for (size_t k = 0; k < count; k++) {
        unsigned __int128 value = compute_traced(j->numbers[first + k], rank);

        mine[2 * k] = (uint64_t)value;
        mine[2 * k + 1] = (uint64_t)(value >> 64);
    }
    /* Le rang 0 prépare la place de chaque bloc : combien, et où. */
    if (rank == 0) {
        all = Calloc(2 * j->count + 1, sizeof *all);
        counts = Calloc((size_t)size, sizeof *counts);
        displs = Calloc((size_t)size, sizeof *displs);
        /* Pour chaque rang r : la taille de son bloc et sa place, en uint64. */
        for (int r = 0; r < size; r++) {
            size_t f, c;

            block_of(j->count, r, size, &f, &c);
            counts[r] = (int)(2 * c);
            displs[r] = (int)(2 * f);
        }
    }
    /* Rassembler les blocs chez le rang 0, chacun à sa place (MPI_Gatherv). */
    MPI_Gatherv(mine, (int)(2 * count), MPI_UINT64_T, all, counts, displs, MPI_UINT64_T, 0,
                MPI_COMM_WORLD);
    /* Rang 0 : recoller les deux moitiés de chaque somme. */
    if (rank == 0)
        for (size_t i = 0; i < j->count; i++)
            sums[i] = (unsigned __int128)all[2 * i + 1] << 64 | all[2 * i];
    free(mine);
    free(all);
    free(counts);
    free(displs);
}

int main(int argc, char **argv)
{
    /* Entrer dans MPI : chaque rang, une fois, au début. */
    MPI_Init(&argc, &argv);
    /* Qui l'on est parmi combien, et la liste : chaque rang lit la même
     * ligne ; après -h ou une erreur, tous s'arrêtent là (MPI_Finalize,
     * puis code 0 ou 2). */
    job j = parse_arguments(argc, argv);
    double start = td6_now();

    find_sums(&j, j.rank, j.size, j.sums);
    if (j.rank == 0)
        print_sums(&j, j.sums, td6_now() - start);
    job_free(&j);
    /* Sortir de MPI : chaque rang, une fois, à la fin. */
    MPI_Finalize();
    return 0;
}
