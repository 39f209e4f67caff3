/*
 * Mutant : la somme (et le carré) sur 64 bits (uint64_t). Au-delà de
 * n ≈ 3 800 000, la somme dépasse 2^64 et repart de zéro sans prévenir :
 * cpu_bound(5000000) est faux.
 * @echoue sequentiel_exact
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commun.h"

#define DEFAULT_BASE 80000000L   /* 16 × les 5 000 000 du cours : voir plus haut */
#define DEFAULT_COUNT 20         /* numbers = [base + x for x in range(20)] */
#define MAX_NUMBER 10000000000L  /* 10^10 : déjà plusieurs secondes de calcul */
#define MAX_WORKERS 1024

/* La liste à calculer, lue sur la ligne de commande. */
typedef struct {
    long *numbers;
    size_t count;
    long workers;   /* lu pour la forme (-j), inutilisé ici */
} job;

/* Somme des carrés des entiers de 0 à number - 1, exacte.
 * Le carré est calculé sur 128 bits (un carré de 64 bits déborde dès que
 * i dépasse 2^32) et la somme aussi (elle dépasse 2^64 dès n ≈ 3 800 000). */
static unsigned __int128 cpu_bound(long number)
{
    uint64_t total = 0;

    /* Additionner les carrés de 0 à number - 1, sur 128 bits. */
    for (long i = 0; i < number; i++) {
        /* Une barrière pour le compilateur, qui ne produit aucune
         * instruction : « i a peut-être changé ici, je ne dis pas comment ».
         * Sans elle, clang -O2 reconnaît la somme des carrés et remplace la
         * boucle par la formule n(n-1)(2n-1)/6 : le résultat reste juste,
         * mais il n'y a plus de calcul à paralléliser ni à chronométrer. */
        __asm__ volatile("" : "+r"(i));
        total += (uint64_t)i * (uint64_t)i;
    }
    return total;
}

/* Calcule chaque nombre, l'un après l'autre, dans sums[]. */
static void find_sums(const long *numbers, size_t count, unsigned __int128 *sums)
{
    for (size_t i = 0; i < count; i++) {
        char task[48];
        double begin = td6_now();

        sums[i] = cpu_bound(numbers[i]);
        /* Pour `make images` et les tests (sans effet sans TD6_TRACE). */
        snprintf(task, sizeof task, "cpu_bound(%ld)", numbers[i]);
        td6_trace("calcul", task, begin, td6_now());
    }
}

/* Une ligne par nombre, dans l'ordre de la liste : « cpu_bound(N) = somme ». */
static void print_sums(const long *numbers, size_t count, const unsigned __int128 *sums)
{
    char text[TD6_U128_LEN];

    /* Une ligne par nombre (printf ne sait pas écrire un __int128 : td6_u128_to_string). */
    for (size_t i = 0; i < count; i++)
        printf("cpu_bound(%ld) = %s\n", numbers[i], td6_u128_to_string(sums[i], text));
}

/* ---- Ligne de commande ------------------------------------------------- */

static void usage(const char *prog)
{
    fprintf(stderr, "usage : %s [-j OUVRIERS] [N...]\n", prog);
    exit(2);
}

/* Un nombre de la liste : un entier de 0 à MAX_NUMBER, sinon on s'arrête
 * avec un message clair (code 2, erreur d'utilisation). */
static long parse_number(const char *prog, const char *text)
{
    char *end = NULL;
    long value = strtol(text, &end, 10);

    if (end == text || *end != '\0' || value < 0 || value > MAX_NUMBER) {
        fprintf(stderr, "%s : N attend un entier entre 0 et %ld, pas « %s »\n", prog,
                MAX_NUMBER, text);
        exit(2);
    }
    return value;
}

/* « [-j OUVRIERS] [N...] » ; sans N, la liste du cours mise à l'échelle. */
static job parse_arguments(int argc, char **argv)
{
    job j = { NULL, 0, 1 };
    int opt;

    opterr = 0;   /* nos messages d'erreur, en français */
    while ((opt = getopt(argc, argv, "+j:")) != -1) {
        if (opt != 'j')
            usage(argv[0]);
        j.workers = td6_parse_count(argv[0], "-j", optarg, MAX_WORKERS);
    }
    if (optind < argc) {
        j.count = (size_t)(argc - optind);
        j.numbers = Calloc(j.count, sizeof *j.numbers);
        for (size_t i = 0; i < j.count; i++)
            j.numbers[i] = parse_number(argv[0], argv[optind + (int)i]);
    } else {
        j.count = DEFAULT_COUNT;
        j.numbers = Calloc(j.count, sizeof *j.numbers);
        for (size_t i = 0; i < j.count; i++)
            j.numbers[i] = DEFAULT_BASE + (long)i;
    }
    return j;
}

int main(int argc, char **argv)
{
    job j = parse_arguments(argc, argv);
    unsigned __int128 *sums = Calloc(j.count, sizeof *sums);
    double start, duration;

    start = td6_now();
    find_sums(j.numbers, j.count, sums);
    duration = td6_now() - start;
    print_sums(j.numbers, j.count, sums);
    printf("Duration %.3f seconds\n", duration);
    free(sums);
    free(j.numbers);
    return 0;
}
