/*
 * calcul.c — chapitre 05 : cpu_bound, la ligne de commande et l'affichage,
 * communs aux trois programmes (voir calcul.h).
 *
 * Deux différences avec Python, expliquées dans le cours :
 *   - les entiers de C ont une taille fixe : la somme pour n = 5 000 000
 *     dépasse 2^64, d'où un accumulateur de 128 bits (unsigned __int128),
 *     que printf ne sait pas écrire (td6_u128_to_string le fait) ;
 *   - C fait ce calcul bien plus vite que Python (plus de 100 fois sur la
 *     machine du TD) : la liste par défaut part donc de 80 000 000 au lieu
 *     de 5 000 000 (20 nombres, comme le cours), pour que le calcul dure
 *     encore une à deux secondes et que le gain du parallélisme se voie.
 */
#include "calcul.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "commun.h"
#include "ligne.h"

#define DEFAULT_BASE 80000000L /* 16 × les 5 000 000 du cours : voir plus haut */
#define DEFAULT_COUNT 20       /* numbers = [base + x for x in range(20)] */

unsigned __int128 cpu_bound(long number)
{
    unsigned __int128 total = 0;

    /* Additionner les carrés de 0 à number - 1, sur 128 bits. */
    for (long i = 0; i < number; i++) {
        KEEP_LOOP(i);
        total += (unsigned __int128)i * (unsigned __int128)i;
    }
    return total;
}

unsigned __int128 traced_cpu_bound(long number)
{
    char task[48];
    double begin = td6_now();
    unsigned __int128 value = cpu_bound(number);

    snprintf(task, sizeof task, "cpu_bound(%ld)", number);
    td6_trace("calcul", task, begin, td6_now());
    return value;
}

job parse_arguments(int argc, char **argv, const char *about)
{
    char help[1024];
    const td6_command_line cl = { "[-j OUVRIERS] [N...]", help, "j:", NULL };
    job j = { NULL, 0, td6_default_workers(MAX_WORKERS) };

    /* L'aide dépend du programme (about) : écrite avant de lire la ligne. */
    snprintf(help, sizeof help,
             "%s\n"
             "  N             un nombre de 0 à %ld : calcule cpu_bound(N), la somme des carrés\n"
             "                de 0 à N - 1 (sans N : les 20 nombres du cours, à partir de %ld)\n"
             "  -j OUVRIERS   nombre d'ouvriers, de 1 à %d (par défaut : un par cœur, ici %ld)\n"
             "  -h, --help    cette aide\n",
             about, MAX_NUMBER, DEFAULT_BASE, MAX_WORKERS, td6_default_workers(MAX_WORKERS));
    while (td6_getopt(argc, argv, &cl) == 'j')   /* -h et les erreurs : traités là */
        j.workers = td6_cli_long("-j (OUVRIERS)", optarg, 1, MAX_WORKERS);
    j.numbers = td6_cli_numbers(argc, argv, MAX_NUMBER, DEFAULT_COUNT, DEFAULT_BASE, &j.count);
    return j;
}

void job_free(job *j)
{
    free(j->numbers);
    j->numbers = NULL;
}

void print_sums(const job *j, const unsigned __int128 *sums, const bool *done)
{
    char text[TD6_U128_LEN];

    /* printf ne sait pas écrire un __int128 : td6_u128_to_string le fait. */
    for (size_t i = 0; i < j->count; i++)
        if (done == NULL || done[i])
            printf("cpu_bound(%ld) = %s\n", j->numbers[i], td6_u128_to_string(sums[i], text));
}

int run_find_sums(int argc, char **argv, const char *about, find_sums_fn find_sums)
{
    job j = parse_arguments(argc, argv, about);
    unsigned __int128 *sums = Calloc(j.count, sizeof *sums);
    double start, duration;

    start = td6_now();
    find_sums(&j, sums);
    duration = td6_now() - start;
    print_sums(&j, sums, NULL);
    printf("Duration %.3f seconds\n", duration);
    free(sums);
    job_free(&j);
    return 0;
}

void report_lost(size_t index, long number, pid_t pid, int status)
{
    const char *prog = "multiproc";

    if (pid == 0)
        fprintf(stderr,
                "%s : élément d'indice %zu (cpu_bound(%ld)) non calculé : plus aucun "
                "ouvrier\n",
                prog, index, number);
    else if (WIFSIGNALED(status))
        fprintf(stderr,
                "%s : élément d'indice %zu perdu (cpu_bound(%ld)) : l'ouvrier %d a été "
                "tué par le signal %d (%s)\n",
                prog, index, number, (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        fprintf(stderr,
                "%s : élément d'indice %zu perdu (cpu_bound(%ld)) : l'ouvrier %d s'est "
                "arrêté (code %d) sans rendre son résultat\n",
                prog, index, number, (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
