/*
 * ligne.h — la ligne de commande, la même pour tous les programmes du TD
 * (et pour le serveur local).
 *
 * Ce n'est pas la leçon : chaque programme décrit ses options dans un
 * td6_command_line et appelle td6_getopt comme il appellerait getopt_long.
 * Les règles, une fois pour toutes :
 *   - -h ou --help : l'aide en français sur la sortie standard, code 0 ;
 *     première ligne « usage : <nom> <usage> » (le nom sans son chemin) ;
 *   - toute autre erreur : sur la sortie d'erreur, une ligne
 *     « <nom> : <ce qui ne va pas> » puis « essayez « <nom> --help ». »,
 *     code de sortie 2 (erreur d'utilisation) ; jamais le texte anglais de
 *     getopt ;
 *   - un argument qui commence par « - » n'est jamais une URL ni un nombre,
 *     où qu'il soit (« URL -x » est refusé comme option inconnue, « - » seul
 *     ou « -- -5 » comme argument inattendu) ; « -- » termine les options.
 */
#ifndef TD6_LIGNE_H
#define TD6_LIGNE_H

#include <getopt.h>

/* Le texte d'une constante, pour l'écrire dans l'aide :
 * "de 1 à " TD6_TEXT(MAX_WORKERS) donne "de 1 à 1000". */
#define TD6_TEXT(x) TD6_TEXT_(x)
#define TD6_TEXT_(x) #x

typedef struct {
    const char *usage;     /* ce qui suit le nom : "[-w OUVRIERS] [URL...]" */
    const char *help;      /* les lignes suivantes de l'aide, chacune finie par \n */
    const char *shortopts; /* les options courtes, comme pour getopt : "w:" ("" : aucune) */
    const struct option *longopts;  /* options longues en plus de --help, ou NULL */
} td6_command_line;

/* Comme getopt_long : renvoie la lettre de l'option suivante (sa valeur est
 * dans optarg), ou -1 quand il n'y en a plus ; les arguments qui restent
 * (URL, nombres...) sont alors argv[optind..argc-1]. Traite elle-même -h,
 * --help, les options inconnues, les valeurs manquantes et « - » seul. */
int td6_getopt(int argc, char **argv, const td6_command_line *cl);

/* Pour un programme sans autre option que -h : lit la ligne de commande et
 * renvoie l'indice du premier argument (optind). */
int td6_operands(int argc, char **argv, const td6_command_line *cl);

/* Lit un entier de min à max dans `text` ; sinon, erreur d'utilisation
 * « <nom> : <what> attend un entier entre min et max, pas « text » ».
 * `what` nomme l'option ou l'argument : "-w", "N", "PORT"... */
long td6_cli_long(const char *what, const char *text, long min, long max);

/* Les nombres N (de 0 à max) donnés après les options (argv[optind...]),
 * ou, sans argument, les `default_count` nombres du cours à partir de
 * `default_base`. Renvoie un tableau alloué (free), *count son nombre. */
long *td6_cli_numbers(int argc, char **argv, long max, size_t default_count,
                      long default_base, size_t *count);

/* Erreur d'utilisation : « <nom> : <message> » puis « essayez « <nom>
 * --help ». » sur la sortie d'erreur, et fin du programme avec le code 2.
 * Le message se construit comme avec printf. */
void td6_cli_error(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Le nombre d'ouvriers par défaut : un par cœur en ligne, entre 1 et max. */
long td6_default_workers(long max);

#endif
