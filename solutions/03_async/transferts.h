/*
 * transferts.h — chapitre 03 : ce qu'asynchrone.c et boucle.c font de la
 * même façon pour chaque téléchargement, et qui n'est pas la leçon du
 * chapitre (c'était celle du chapitre 01) : régler une poignée simple,
 * compter les octets reçus, afficher le résultat d'un téléchargement fini.
 *
 * Ces fonctions ne touchent qu'à la poignée et au compteur qu'on leur
 * donne : appelées par la boucle d'événements, dans son unique thread.
 */
#ifndef TRANSFERTS_H
#define TRANSFERTS_H

#include <curl/curl.h>
#include <stddef.h>

/* Crée la poignée simple d'un téléchargement de `url`, réglée mais pas
 * encore lancée : chaque morceau de réponse est compté dans *received
 * (count_bytes, par CURLOPT_WRITEDATA), délai td6_timeout_ms(), pas de
 * signaux. Renvoie NULL, après l'avoir dit sur stderr, si libcurl n'a pas
 * pu la créer. */
CURL *new_download(const char *url, size_t *received);

/* Un téléchargement est fini, avec le résultat `rc` (celui de CE
 * téléchargement) : affiche « Read <octets> from <url> », ou l'échec sur
 * stderr, y compris une réponse d'erreur du serveur (code HTTP lu dans la
 * poignée). Renvoie 0 si la page est lue, -1 sinon. */
int download_site(const char *url, CURL *easy, size_t received, CURLcode rc);

#endif
