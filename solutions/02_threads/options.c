/*
 * options.c — chapitre 02 : la ligne de commande de threads (voir
 * options.h).
 */
#include "options.h"

#include <unistd.h>

#include "commun.h"
#include "ligne.h"

static const td6_command_line COMMAND_LINE = {
    .usage = "[-w OUVRIERS] [URL...]",
    .help = "Télécharge les URL avec un pool de threads ouvriers.\n"
            TD6_SITES_HELP
            "  -w OUVRIERS  nombre de threads ouvriers, de 1 à " TD6_TEXT(MAX_WORKERS)
            " (" TD6_TEXT(DEFAULT_WORKERS) " par défaut)\n"
            "  -h, --help   affiche cette aide\n",
    .shortopts = "w:",
};

long parse_options(int argc, char **argv, int *first)
{
    long n_workers = DEFAULT_WORKERS;
    int opt;

    while ((opt = td6_getopt(argc, argv, &COMMAND_LINE)) != -1)
        if (opt == 'w')
            n_workers = td6_cli_long("-w", optarg, 1, MAX_WORKERS);
    *first = optind;
    return n_workers;
}
