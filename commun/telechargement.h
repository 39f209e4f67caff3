/*
 * telechargement.h — le début et la fin des programmes de téléchargement
 * des chapitres 02 et 03, et le verdict d'un téléchargement fini.
 *
 * Le chapitre 01 écrit tout cela lui-même : curl_global_init, la mesure de
 * la durée, le code HTTP de la réponse, c'est sa leçon. Les chapitres
 * suivants le reçoivent d'ici, pour que leur fichier ne montre que leur
 * propre leçon (les threads, la boucle d'événements) et que leur main se
 * lise comme le plan du cours :
 *     sites = td6_download_start(argc, argv, first);   libcurl prêt, la liste
 *     start = td6_now();
 *     failures = download_all_sites(&sites, ...);
 *     return td6_download_end(&sites, start, failures); « Downloaded ... »
 */
#ifndef TD6_TELECHARGEMENT_H
#define TD6_TELECHARGEMENT_H

#include <curl/curl.h>
#include <stdbool.h>

#include "commun.h"

/* À appeler une fois, au début de main, AVANT le premier thread : ignore
 * SIGPIPE (ces programmes donnent CURLOPT_NOSIGNAL à leurs poignées : voir
 * signaux.h), initialise libcurl (curl_global_init), puis rend la liste
 * d'URL : argv[first..] ou celle du cours (td6_sites). Si libcurl ne
 * démarre pas : un message sur stderr, et fin du programme (code 1). */
url_list td6_download_start(int argc, char **argv, int first);

/* La fin du programme, une fois tous les téléchargements finis (tous les
 * threads attendus) : affiche « Downloaded <n> in <s> seconds », la durée
 * depuis `start` (une date de td6_now), libère la liste et arrête libcurl.
 * Renvoie le code de sortie de main : 0 sans échec, 1 sinon. */
int td6_download_end(url_list *sites, double start, int failures);

/* Le verdict du téléchargement de `url`, fini avec le code `rc` (celui de
 * curl_easy_perform, ou celui que rend la poignée multi pour CE
 * téléchargement) sur la poignée `easy`. Renvoie true s'il a échoué, après
 * l'avoir dit sur stderr (« Échec de <url> : ... ») : le transfert
 * lui-même, ou la réponse du serveur (code HTTP 400 ou plus). Renvoie
 * false si la page est lue : à l'appelant d'afficher « Read ... ». */
bool td6_download_failed(const char *url, CURL *easy, CURLcode rc);

#endif
