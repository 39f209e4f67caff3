/*
 * ligne.c — la ligne de commande commune (voir ligne.h).
 */
#include "ligne.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *td6_program_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');

    return slash != NULL ? slash + 1 : argv0;
}

void td6_usage_error(const char *prog, const char *format, ...)
{
    va_list ap;

    prog = td6_program_name(prog);
    fprintf(stderr, "%s : ", prog);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fprintf(stderr, "\nessayez « %s --help ».\n", prog);
    exit(2);
}

void td6_bad_option(const char *prog, char **argv, const char *with_value)
{
    /* getopt range la lettre fautive dans optopt ; pour une option longue
     * inconnue, optopt vaut 0 et l'argument est le précédent. */
    if (optopt != 0 && with_value != NULL && strchr(with_value, optopt) != NULL)
        td6_usage_error(prog, "l'option -%c attend une valeur", optopt);
    if (optopt != 0)
        td6_usage_error(prog, "option inconnue « -%c »", optopt);
    td6_usage_error(prog, "option inconnue « %s »", argv[optind - 1]);
}

long td6_parse_long(const char *prog, const char *what, const char *text, long min, long max)
{
    char *end = NULL;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        td6_usage_error(prog, "%s attend un entier entre %ld et %ld, pas « %s »", what, min, max,
                        text);
    return value;
}

long td6_default_workers(long max)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);

    return online < 1 ? 1 : online > max ? max : online;
}
