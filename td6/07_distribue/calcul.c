/*
 * calcul.c — implémentation de calcul.h (chapitre 07). Rien ici ne parle
 * de répartition : c'est le travail de repartition.c et de maitre.c.
 */
#include "calcul.h"

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "commun.h"
#include "ligne.h"

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

/* Vrai pendant la lecture de la ligne de commande : -h ou une erreur y
 * font sortir le programme par exit (commun/ligne.c). */
static int reading_command_line;

/* Appelé par exit() (atexit) : un rang qui sort sans MPI_Finalize le dit,
 * et chaque rang note sa fin dans la trace. Un rang bloqué (qui attend un
 * message qui ne vient pas) ne passe jamais ici : les tests le repèrent
 * ainsi et peuvent le nommer. Une sortie pendant la lecture de la ligne
 * de commande (-h, erreur), elle, est voulue : chaque rang y ferme MPI
 * lui-même, puisque tous ont lu la même ligne et s'arrêtent ensemble. */
static void at_exit(void)
{
    int initialized = 0, finalized = 0;
    char task[64];

    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized && reading_command_line) {
        fflush(stdout);
        MPI_Finalize();
        finalized = 1;
    } else if (initialized && !finalized) {
        fprintf(stderr, "rang %d : le programme se termine sans avoir appelé MPI_Finalize\n",
                my_rank);
    }
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

/* Les rangs autres que 0 lisent la ligne en silence : l'aide ou l'erreur
 * n'est écrite qu'une fois, par le rang 0. Rend la sortie d'erreur et la
 * sortie standard d'avant (à remettre par speak_again), ou -1 au rang 0. */
static int keep_quiet(int rank, int *saved_err)
{
    int saved_out, null;

    *saved_err = -1;
    if (rank == 0 || (null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
        return -1;
    fflush(stdout);
    saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    *saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
    return saved_out;
}

static void speak_again(int saved_out, int saved_err)
{
    if (saved_out >= 0) {
        fflush(stdout);
        dup2(saved_out, STDOUT_FILENO);
        close(saved_out);
    }
    if (saved_err >= 0) {
        dup2(saved_err, STDERR_FILENO);
        close(saved_err);
    }
}

job parse_arguments(int argc, char **argv)
{
    char help[512];
    const td6_command_line cl = { "[N...]", help, "", NULL };
    int saved_err, saved_out;
    job j = { 0 };

    /* Savoir qui l'on est parmi combien. */
    MPI_Comm_rank(MPI_COMM_WORLD, &j.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &j.size);
    my_rank = j.rank;
    atexit(at_exit);
    snprintf(help, sizeof help,
             "  à lancer par mpiexec : mpiexec -n P %s [N...]\n"
             "  Calcule cpu_bound(N) (somme des carrés de 0 à N - 1, exacte) pour\n"
             "  chaque N, réparti sur les P processus ; le rang 0 affiche les\n"
             "  résultats dans l'ordre de la liste.\n"
             "  N             un nombre de 0 à %ld (sans N : les %d nombres du cours,\n"
             "                à partir de %ld)\n"
             "  -h, --help    cette aide\n",
             program_invocation_short_name, MAX_NUMBER, DEFAULT_COUNT, DEFAULT_BASE);
    reading_command_line = 1;
    saved_out = keep_quiet(j.rank, &saved_err);
    td6_operands(argc, argv, &cl);   /* -h et les erreurs : traités là */
    j.numbers = td6_cli_numbers(argc, argv, MAX_NUMBER, DEFAULT_COUNT, DEFAULT_BASE, &j.count);
    speak_again(saved_out, saved_err);
    reading_command_line = 0;
    j.sums = Calloc(j.count + 1, sizeof *j.sums);
    return j;
}

void job_free(job *j)
{
    free(j->numbers);
    free(j->sums);
    j->numbers = NULL;
    j->sums = NULL;
}

void print_sums(const job *j, const unsigned __int128 *sums, double seconds)
{
    char text[TD6_U128_LEN];

    for (size_t i = 0; i < j->count; i++)
        printf("cpu_bound(%ld) = %s\n", j->numbers[i], td6_u128_to_string(sums[i], text));
    printf("Duration %.3f seconds\n", seconds);
}
