/*
 * options.h — chapitre 02 : la ligne de commande de threads (pas la leçon :
 * voir commun/ligne.h).
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#define DEFAULT_WORKERS 5   /* le max_workers=5 du cours */
#define MAX_WORKERS 1000

/* Lit « [-w OUVRIERS] [URL...] » (-h ou --help : l'aide) ; renvoie le
 * nombre de threads ouvriers, les URL commencent à argv[*first]. Une erreur
 * d'utilisation arrête le programme (code 2). */
long parse_options(int argc, char **argv, int *first);

#endif
