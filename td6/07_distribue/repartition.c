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

/*
 * À FAIRE (chapitre 07, README.fr.md) : les lignes « TODO ». Tel quel, ce
 * programme tourne mais ne calcule rien : le rang 0 affiche des zéros.
 * Testez avec : make test EXO=07
 */

/* Le bloc du rang `rank` parmi `size` : indices [*first, *first + *count). */
static void block_of(size_t n, int rank, int size, size_t *first, size_t *count)
{
    /* TODO: De r·n/P à (r+1)·n/P : des blocs qui se suivent, dans l'ordre de la liste. */
    (void)n;
    (void)rank;
    (void)size;
    *first = 0;
    *count = 0;
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
    /* TODO: Calculer son bloc, et couper chaque somme en deux moitiés de 64 bits. */
    /*       (compute_traced, pour la trace ; MPI n'a pas de type 128 bits) */
    /* Le rang 0 prépare la place de chaque bloc : combien, et où. */
    if (rank == 0) {
        all = Calloc(2 * j->count + 1, sizeof *all);
        counts = Calloc((size_t)size, sizeof *counts);
        displs = Calloc((size_t)size, sizeof *displs);
        /* TODO: Pour chaque rang r : la taille de son bloc et sa place, en uint64. */
        /*       (deux uint64 par somme ; block_of les donne pour n'importe quel rang) */
    }
    /* TODO: Rassembler les blocs chez le rang 0, chacun à sa place (MPI_Gatherv). */
    /*       (appelé par TOUS les rangs : c'est une opération collective) */
    /* TODO: Rang 0 : recoller les deux moitiés de chaque somme. */
    (void)sums;
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
    /* TODO: Sortir de MPI : chaque rang, une fois, à la fin. */
    return 0;
}
