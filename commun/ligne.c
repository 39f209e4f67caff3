/*
 * ligne.c — implémentation de ligne.h (voir ce fichier pour les règles).
 * Rien ici n'est propre à un exercice.
 */
#include "commun.h"
#include "ligne.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Le nom du programme sans son chemin (glibc le tire de argv[0]) : celui
 * qu'on tape, « threads » plutôt que « build/td6/02_threads/threads ». */
#define PROGRAM program_invocation_short_name

#define MAX_LONGOPTS 16

void td6_cli_error(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s : ", PROGRAM);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\nessayez « %s --help ».\n", PROGRAM);
    exit(2);
}

long td6_cli_long(const char *what, const char *text, long min, long max)
{
    char *end = NULL;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || isspace((unsigned char)*text) ||
        value < min || value > max)
        td6_cli_error("%s attend un entier entre %ld et %ld, pas « %s »", what, min, max, text);
    return value;
}

/* Une option longue sans « -- » ni « =valeur » : « --spawn=1 » -> « --spawn ». */
static int long_name_length(const char *arg)
{
    const char *equal = strchr(arg, '=');

    return equal != NULL ? (int)(equal - arg) : (int)strlen(arg);
}

/* Les arguments qui restent (getopt_long les a rangés à la fin de argv) :
 * aucun ne commence par « - », même après « -- » : ce serait une option mal
 * placée ou mal tapée, jamais une URL ni un nombre. */
static void check_operands(int argc, char **argv)
{
    for (int i = optind; i < argc; i++)
        if (argv[i][0] == '-')
            td6_cli_error("argument « %s » inattendu : une URL ou un nombre ne commence "
                          "pas par « - »", argv[i]);
}

int td6_getopt(int argc, char **argv, const td6_command_line *cl)
{
    /* Les options de getopt_long, préparées au premier appel : « : » en tête
     * pour distinguer une valeur manquante d'une option inconnue, plus -h et
     * --help. */
    static char shortopts[64];
    static struct option longopts[MAX_LONGOPTS + 2];
    static const td6_command_line *prepared;
    const char *arg;
    int opt;

    if (prepared != cl) {
        size_t n = 0;

        snprintf(shortopts, sizeof shortopts, ":%sh", cl->shortopts);
        while (cl->longopts != NULL && cl->longopts[n].name != NULL && n < MAX_LONGOPTS) {
            longopts[n] = cl->longopts[n];
            n++;
        }
        longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
        longopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };
        prepared = cl;
        opterr = 0;   /* les messages de getopt sont en anglais : on écrit les nôtres */
    }
    opt = getopt_long(argc, argv, shortopts, longopts, NULL);
    arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    switch (opt) {
    case 'h':
        printf("usage : %s %s\n%s", PROGRAM, cl->usage, cl->help != NULL ? cl->help : "");
        exit(0);
    case ':':
        if (strncmp(arg, "--", 2) == 0)
            td6_cli_error("l'option « %.*s » attend une valeur", long_name_length(arg), arg);
        td6_cli_error("l'option « -%c » attend une valeur", optopt);
    case '?':
        if (strncmp(arg, "--", 2) == 0 && optopt == 0)
            td6_cli_error("option inconnue « %.*s »", long_name_length(arg), arg);
        if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=') != NULL)
            td6_cli_error("l'option « %.*s » ne prend pas de valeur", long_name_length(arg), arg);
        if (isgraph(optopt))
            td6_cli_error("option inconnue « -%c »", optopt);
        td6_cli_error("option inconnue « %s »", arg);
    case -1:
        check_operands(argc, argv);
        return -1;
    default:
        return opt;
    }
}

int td6_operands(int argc, char **argv, const td6_command_line *cl)
{
    while (td6_getopt(argc, argv, cl) != -1) {
        /* td6_getopt a déjà refusé toute option autre que -h. */
    }
    return optind;
}

long td6_default_workers(long max)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);

    return online < 1 ? 1 : online > max ? max : online;
}

long *td6_cli_numbers(int argc, char **argv, long max, size_t default_count,
                      long default_base, size_t *count)
{
    *count = optind < argc ? (size_t)(argc - optind) : default_count;
    long *numbers = Calloc(*count, sizeof *numbers);

    for (size_t i = 0; i < *count; i++)
        numbers[i] = optind < argc ? td6_cli_long("N", argv[optind + (int)i], 0, max)
                                   : default_base + (long)i;
    return numbers;
}
