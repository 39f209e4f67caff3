/*
 * options.h — chapitre 06 : la ligne de commande de partial et l'affichage
 * de ses résultats.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "pool.h"

typedef struct {
    const char *self;   /* argv[0] : pour se relancer en ouvrier */
    int workers;        /* -j : nombre d'ouvriers du pool */
    long number2;       /* -k : l'argument à lier (10 par défaut, comme le cours) */
    bool spawn;         /* --spawn : des programmes neufs au lieu de fork */
    bool lambda;        /* --lambda : une fonction absente du registre */
    long *numbers;
    size_t count;
} options;

/* « [-j OUVRIERS] [-k AJOUT] [--spawn] [--lambda] [N...] », -h ou --help
 * pour l'aide. Sans N, les nombres du cours mis à l'échelle. Une erreur
 * d'utilisation arrête le programme (code 2). */
void parse_options(int argc, char **argv, options *opt);
void options_free(options *opt);

/* Une ligne « cpu_bound(N, AJOUT) = somme » par nombre, dans l'ordre. */
void print_results(const options *opt, const u128 *results);

#endif
