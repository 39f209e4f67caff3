/*
 * calcul.c — implémentation de calcul.h (chapitre 07). Rien ici ne parle
 * de répartition : c'est le travail de repartition.c et de maitre.c.
 */
#include "calcul.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commun.h"

#define DEFAULT_BASE 80000000L   /* comme au chapitre 05 : 16 × les 5 000 000 du cours */
#define DEFAULT_COUNT 20
#define MAX_NUMBER 10000000000L  /* la même borne qu'au chapitre 05 */

unsigned __int128 cpu_bound(long number)
{
    unsigned __int128 total = 0;

    for (long i = 0; i < number; i++) {
        /* Barrière pour le compilateur (aucune instruction) : sans elle,
         * clang -O2 remplace la boucle par la formule fermée. */
        __asm__ volatile("" : "+r"(i));
        total += (unsigned __int128)i * (unsigned __int128)i;
    }
    return total;
}

unsigned __int128 compute_traced(long number, int rank)
{
    char task[64];
    double begin = td6_now();
    unsigned __int128 value = cpu_bound(number);

    snprintf(task, sizeof task, "cpu_bound(%ld) rang %d", number, rank);
    td6_trace("calcul", task, begin, td6_now());
    return value;
}

void wait_politely(MPI_Request *request, MPI_Status *status)
{
    int done = 0;

    for (;;) {
        MPI_Test(request, &done, status);
        if (done)
            return;
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    }
}

/* ---- À la sortie de chaque rang ----------------------------------------- */

static int my_rank = -1;

/* Appelé par exit() (atexit) : un rang qui sort sans MPI_Finalize le dit,
 * et chaque rang note sa fin dans la trace. Un rang bloqué (qui attend un
 * message qui ne vient pas) ne passe jamais ici : les tests le repèrent
 * ainsi et peuvent le nommer. */
static void at_exit(void)
{
    int initialized = 0, finalized = 0;
    char task[64];

    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized)
        fprintf(stderr, "rang %d : le programme se termine sans avoir appelé MPI_Finalize\n",
                my_rank);
    snprintf(task, sizeof task, "rang %d %s", my_rank,
             finalized ? "MPI_Finalize" : "sans MPI_Finalize");
    td6_trace("fin", task, td6_now(), td6_now());
}

/* MPI_Finalize, noté dans la trace à l'entrée. MPI prévoit qu'un programme
 * (ou un outil de mesure) remplace une de ses fonctions par la sienne :
 * chaque fonction MPI_X existe aussi sous le nom PMPI_X (l'interface de
 * profilage). Celle-ci note « le rang R entre dans MPI_Finalize », puis
 * appelle la vraie. MPI_Finalize attend que les autres rangs y arrivent :
 * un rang qui n'a pas cette ligne est celui qui bloque les autres. */
int MPI_Finalize(void)
{
    char task[64];
    double now = td6_now();

    snprintf(task, sizeof task, "rang %d", my_rank);
    td6_trace("finalize", task, now, now);
    return PMPI_Finalize();
}

/* ---- Ligne de commande ------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

/* Rang 0 seulement : l'erreur, puis le conseil ; rend le code 2. */
static int refuse(int rank, const char *prog, const char *what, const char *text)
{
    if (rank == 0)
        fprintf(stderr, "%s : %s « %s »\nessayez « %s --help ».\n", prog, what, text, prog);
    return 2;
}

int parse_arguments(int argc, char **argv, int rank, job *j)
{
    const char *prog = base_name(argv[0]);
    int first = 1;

    my_rank = rank;
    atexit(at_exit);
    *j = (job){ NULL, 0 };
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        }
        if (strcmp(argv[first], "-h") != 0 && strcmp(argv[first], "--help") != 0)
            return refuse(rank, prog, "option inconnue :", argv[first]);
        if (rank == 0)
            printf("usage : %s [N...]\n"
                   "  à lancer par mpiexec : mpiexec -n P %s [N...]\n"
                   "  Calcule cpu_bound(N) (somme des carrés de 0 à N - 1, exacte) pour\n"
                   "  chaque N, réparti sur les P processus ; le rang 0 affiche les\n"
                   "  résultats dans l'ordre de la liste. Sans N : %d nombres à partir\n"
                   "  de %ld. N est un entier de 0 à %ld.\n"
                   "  -h, --help  cette aide\n", prog, prog, DEFAULT_COUNT, DEFAULT_BASE,
                   MAX_NUMBER);
        return 0;
    }
    j->count = first < argc ? (size_t)(argc - first) : DEFAULT_COUNT;
    j->numbers = Calloc(j->count, sizeof *j->numbers);
    for (size_t i = 0; i < j->count; i++) {
        const char *text;
        char *end = NULL;

        if (first >= argc) {
            j->numbers[i] = DEFAULT_BASE + (long)i;
            continue;
        }
        text = argv[first + (int)i];
        j->numbers[i] = strtol(text, &end, 10);
        if (end == text || *end != '\0' || text[0] == '-' || j->numbers[i] > MAX_NUMBER) {
            char what[96];

            free(j->numbers);
            *j = (job){ NULL, 0 };
            snprintf(what, sizeof what, "N attend un entier entre 0 et %ld, pas", MAX_NUMBER);
            return refuse(rank, prog, what, text);
        }
    }
    return -1;
}

void print_sums(const job *j, const unsigned __int128 *sums, double seconds)
{
    char text[TD6_U128_LEN];

    for (size_t i = 0; i < j->count; i++)
        printf("cpu_bound(%ld) = %s\n", j->numbers[i], td6_u128_to_string(sums[i], text));
    printf("Duration %.3f seconds\n", seconds);
}
