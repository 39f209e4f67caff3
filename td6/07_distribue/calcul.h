/*
 * calcul.h — chapitre 07 : ce qui n'est pas la leçon, partagé par
 * repartition.c et maitre.c (fichier d'aide, lié à chacun des deux).
 *
 *   - cpu_bound : le même calcul exact sur 128 bits qu'au chapitre 05 ;
 *   - compute_traced : cpu_bound, plus une ligne de trace avec le rang ;
 *   - le rang, la taille et la ligne de commande (« [N...] », -h), lus
 *     par chaque rang ;
 *   - l'affichage des résultats par le rang 0 ;
 *   - un contrôle à la sortie de chaque rang (MPI_Finalize appelé ?), noté
 *     dans la trace pour que les tests sachent quel rang a fini.
 * Les appels à MPI qui répartissent le travail, eux, restent dans les
 * programmes : ce sont eux la leçon.
 */
#ifndef TD6_CALCUL_07_H
#define TD6_CALCUL_07_H

#include <mpi.h>
#include <stddef.h>

/* Ce que chaque rang sait au départ : qui il est parmi combien, et la
 * liste à calculer. Chaque rang la lit lui-même sur sa ligne de commande :
 * mpiexec donne les mêmes arguments à tous les processus. */
typedef struct {
    int rank;                 /* qui l'on est : 0 à size - 1 (MPI_Comm_rank) */
    int size;                 /* parmi combien de rangs (MPI_Comm_size) */
    long *numbers;
    size_t count;
    unsigned __int128 *sums;  /* une place par nombre ; seul le rang 0 la remplit */
} job;

/* Somme exacte des carrés des entiers de 0 à number - 1 (voir le
 * chapitre 05 pour le pourquoi des 128 bits). */
unsigned __int128 cpu_bound(long number);

/* cpu_bound(number), noté dans la trace ($TD6_TRACE) par une ligne
 * « ... calcul <début> <fin> cpu_bound(N) rang R ». */
unsigned __int128 compute_traced(long number, int rank);

/* À appeler juste après MPI_Init, par tous les rangs : le rang et la
 * taille (MPI_Comm_rank, MPI_Comm_size), puis « [N...] », lu avec
 * commun/ligne.c comme dans tous les programmes du TD ; sans N, la liste
 * du cours (20 nombres à partir de 80 000 000). Après -h ou une ligne
 * fausse, ne revient pas : seul le rang 0 écrit l'aide ou l'erreur, et
 * tous les rangs, qui ont lu la même ligne, s'arrêtent de la même façon
 * (MPI_Finalize, puis code 0 ou 2). */
job parse_arguments(int argc, char **argv);

/* Libère la liste et les sommes (avant MPI_Finalize ou après, peu importe). */
void job_free(job *j);

/* MPI_Wait, sans occuper un cœur : MPICH attend un message en tournant
 * (il interroge la mémoire partagée sans arrêt, un cœur à 100 %). Ici, on
 * regarde si la requête est finie (MPI_Test), et sinon on dort 1 ms. Le
 * maître de maitre.c attend presque tout le temps : ainsi il laisse les
 * cœurs aux ouvriers. */
void wait_politely(MPI_Request *request, MPI_Status *status);

/* Rang 0 : une ligne « cpu_bound(N) = somme » par nombre, dans l'ordre
 * de la liste, puis « Duration <s> seconds ». */
void print_sums(const job *j, const unsigned __int128 *sums, double seconds);

#endif
