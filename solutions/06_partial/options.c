/*
 * options.c — chapitre 06 : la ligne de commande de partial et l'affichage
 * de ses résultats (voir options.h).
 */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>

#include "commun.h"
#include "ligne.h"

#define DEFAULT_NUMBER2 10        /* la valeur du cours : partial(cpu_bound, number2=10) */
#define DEFAULT_BASE 50000000L    /* le cours : 5 000 000 ; ×10 pour C */
#define DEFAULT_COUNT 20
#define MAX_NUMBER 10000000000L   /* 10^10 : la somme reste loin de 2^128 */
#define MAX_NUMBER2 1000000000L

void parse_options(int argc, char **argv, options *opt)
{
    static const struct option longs[] = {
        { "spawn", no_argument, NULL, 's' },
        { "lambda", no_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    char help[1024];
    const td6_command_line cl = { "[-j OUVRIERS] [-k AJOUT] [--spawn] [--lambda] [N...]",
                                  help, "j:k:", longs };
    int c;

    /* L'aide cite le nombre de cœurs de cette machine : écrite ici. */
    snprintf(help, sizeof help,
             "Calcule cpu_bound(N, AJOUT) pour chaque N sur un pool de processus, AJOUT\n"
             "étant lié à l'avance (l'équivalent de functools.partial).\n"
             "  N             un nombre de 0 à %ld (sans N : les 20 nombres du cours, ×10)\n"
             "  -j OUVRIERS   nombre d'ouvriers, de 1 à %d (par défaut : un par cœur, ici %ld)\n"
             "  -k AJOUT      le nombre ajouté à chaque carré (number2 du cours), lié\n"
             "                d'avance, de 0 à %ld (par défaut %d)\n"
             "  --spawn       des ouvriers neufs (posix_spawn) au lieu de copies (fork)\n"
             "  --lambda      une fonction absente du registre : marche avec fork, pas avec "
             "spawn\n"
             "  -h, --help    cette aide\n",
             MAX_NUMBER, MAX_WORKERS, td6_default_workers(MAX_WORKERS), MAX_NUMBER2,
             DEFAULT_NUMBER2);
    *opt = (options){ argv[0], (int)td6_default_workers(MAX_WORKERS), DEFAULT_NUMBER2, false,
                      false, NULL, 0 };
    /* td6_getopt traite -h, --help et toute erreur ; restent nos options. */
    while ((c = td6_getopt(argc, argv, &cl)) != -1) {
        switch (c) {
        case 'j':
            opt->workers = (int)td6_cli_long("-j (OUVRIERS)", optarg, 1, MAX_WORKERS);
            break;
        case 'k':
            opt->number2 = td6_cli_long("-k (AJOUT)", optarg, 0, MAX_NUMBER2);
            break;
        case 's': opt->spawn = true; break;
        case 'l': opt->lambda = true; break;
        }
    }
    /* Sans nombre : ceux du cours, [5 000 000 + x for x in range(20)], ×10. */
    opt->count = optind < argc ? (size_t)(argc - optind) : DEFAULT_COUNT;
    opt->numbers = Calloc(opt->count, sizeof *opt->numbers);
    for (size_t i = 0; i < opt->count; i++)
        opt->numbers[i] = optind < argc
            ? td6_cli_long("N", argv[optind + (int)i], 0, MAX_NUMBER)
            : DEFAULT_BASE + (long)i;
}

void options_free(options *opt)
{
    free(opt->numbers);
    opt->numbers = NULL;
}

void print_results(const options *opt, const u128 *results)
{
    char digits[TD6_U128_LEN];

    for (size_t i = 0; i < opt->count; i++)
        printf("cpu_bound(%ld, %ld) = %s\n", opt->numbers[i], opt->number2,
               td6_u128_to_string(results[i], digits));
}
