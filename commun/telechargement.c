/*
 * telechargement.c — le début et la fin des programmes de téléchargement,
 * le verdict d'un téléchargement fini (voir telechargement.h).
 */
#include "telechargement.h"

#include <stdio.h>
#include <stdlib.h>

#include "signaux.h"

url_list td6_download_start(int argc, char **argv, int first)
{
    /* Avant tout autre appel à libcurl et avant le premier thread :
     * longtemps, curl_global_init n'a pas été sûre si d'autres threads
     * tournaient (elle l'est depuis libcurl 7.84 sur la plupart des
     * systèmes). */
    td6_ignore_sigpipe();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        exit(EXIT_FAILURE);
    }
    return td6_sites(argc, argv, first);
}

int td6_download_end(url_list *sites, double start, int failures)
{
    printf("Downloaded %zu in %.3f seconds\n", sites->count, td6_now() - start);
    td6_sites_free(sites);
    curl_global_cleanup();
    return failures == 0 ? 0 : 1;
}

bool td6_download_failed(const char *url, CURL *easy, CURLcode rc)
{
    long status = 0;

    if (rc != CURLE_OK) {
        fprintf(stderr, "Échec de %s : %s\n", url, td6_curl_error(rc));
        return true;
    }
    /* Une réponse 404 ou 500 est un échec, même si le transfert a réussi. */
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400)
        fprintf(stderr, "Échec de %s : le serveur a répondu %ld\n", url, status);
    return status >= 400;
}
