/*
 * ligne.h — la ligne de commande, la même pour tous les programmes du TD.
 *
 * Les règles (voir CONTRIBUER.md) : -h / --help affiche l'aide en français
 * sur la sortie standard et quitte avec 0 ; tout autre problème donne une
 * ligne « <nom> : <ce qui ne va pas> » puis « essayez « <nom> --help ». »
 * sur la sortie d'erreur, et le code 2. <nom> est le nom du programme sans
 * son chemin.
 */
#ifndef TD6_LIGNE_H
#define TD6_LIGNE_H

/* Le nom du programme, sans son chemin (« build/.../multiproc » donne
 * « multiproc »). */
const char *td6_program_name(const char *argv0);

/* « <nom> : <message> », puis « essayez « <nom> --help ». » sur stderr, et
 * exit(2). Le message se construit comme avec printf. */
void td6_usage_error(const char *prog, const char *format, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* Le message d'erreur d'une option que getopt a refusée (opterr = 0) :
 * option inconnue, ou option sans sa valeur. Ne revient pas. */
void td6_bad_option(const char *prog, char **argv, const char *with_value)
    __attribute__((noreturn));

/* Lit un entier de min à max dans `text`, sinon
 * « <nom> : <what> attend un entier entre min et max, pas « text » ». */
long td6_parse_long(const char *prog, const char *what, const char *text, long min, long max);

/* Un ouvrier par cœur en ligne, entre 1 et max. */
long td6_default_workers(long max);

#endif
