/*
 * transferts.c — chapitre 03 : régler une poignée simple, compter ses
 * octets, afficher son résultat (voir transferts.h).
 */
#include <stdio.h>

#include "commun.h"
#include "telechargement.h"
#include "transferts.h"

/* libcurl appelle cette fonction à chaque morceau de réponse reçu, pour
 * n'importe lequel des téléchargements en cours : `userdata` dit lequel
 * (le compteur de sa tâche). */
static size_t count_bytes(char *data, size_t size, size_t nmemb, void *userdata)
{
    size_t *received = userdata;

    (void)data;
    *received += size * nmemb;
    return size * nmemb;
}

CURL *new_download(const char *url, size_t *received)
{
    CURL *easy = curl_easy_init();

    if (easy == NULL) {
        fprintf(stderr, "Échec de %s : curl_easy_init a échoué\n", url);
        return NULL;
    }
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, received);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Pas de signaux : sans cette option, libcurl installe puis retire un
     * gestionnaire de SIGPIPE à chaque appel : des milliers d'appels
     * système pour rien avec 160 URL. Le programme ignore SIGPIPE une fois
     * pour toutes dans main (td6_ignore_sigpipe, voir signaux.h). */
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    return easy;
}

int download_site(const char *url, CURL *easy, size_t received, CURLcode rc)
{
    /* Échec du transfert ou code HTTP 400 et plus : dit sur stderr
     * (telechargement.h). */
    if (td6_download_failed(url, easy, rc))
        return -1;
    printf("Read %zu from %s\n", received, url);
    return 0;
}
