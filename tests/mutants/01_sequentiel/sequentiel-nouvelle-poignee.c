/*
 * Mutant : une nouvelle poignée libcurl pour chaque téléchargement.
 * Le résultat est juste, mais chaque page ouvre (et ferme) sa propre
 * connexion TCP : 160 connexions au lieu d'une.
 * @echoue une_seule_connexion
 */
#include <curl/curl.h>
#include <stdio.h>

#include "commun.h"

/* libcurl appelle cette fonction à chaque morceau de la réponse reçu. On ne
 * garde pas le contenu : on compte seulement les octets. */
static size_t count_bytes(char *data, size_t size, size_t nmemb, void *userdata)
{
    size_t *received = userdata;

    (void)data;
    *received += size * nmemb;
    return size * nmemb;   /* « tout est traité » ; moins arrêterait le transfert */
}

/* Télécharge `url` avec la poignée `session` (déjà configurée).
 * Renvoie 0 si la page est lue, -1 sinon (après l'avoir dit sur stderr). */
static int download_site(const char *url, CURL *shared)
{
    (void)shared;
    CURL *session = curl_easy_init();
    curl_easy_setopt(session, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(session, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    size_t received = 0;
    long status = 0;
    CURLcode rc;

    /* Dire à la poignée quelle page lire et où compter les octets. */
    curl_easy_setopt(session, CURLOPT_URL, url);
    curl_easy_setopt(session, CURLOPT_WRITEDATA, &received);
    /* Faire la requête : bloque jusqu'à la fin de la réponse. */
    rc = curl_easy_perform(session);
    if (rc != CURLE_OK) {
        fprintf(stderr, "Échec de %s : %s\n", url, td6_curl_error(rc));
        curl_easy_cleanup(session);
        return -1;
    }
    /* Une réponse 404 ou 500 est un échec, même si le transfert a réussi. */
    curl_easy_getinfo(session, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        fprintf(stderr, "Échec de %s : le serveur a répondu %ld\n", url, status);
        curl_easy_cleanup(session);
        return -1;
    }
    /* Afficher « Read <octets> from <url> », comme le cours. */
    printf("Read %zu from %s\n", received, url);
    curl_easy_cleanup(session);
    return 0;
}

/* Télécharge chaque site, l'un après l'autre, avec une seule poignée.
 * Renvoie le nombre d'échecs (-1 si libcurl n'a pas pu démarrer). */
static int download_all_sites(const url_list *sites)
{
    int failures = 0;

    /* Créer UNE poignée pour tous les téléchargements (la « session »). */
    CURL *session = curl_easy_init();
    if (session == NULL) {
        fprintf(stderr, "curl_easy_init a échoué\n");
        return -1;
    }
    /* Configurer la poignée une fois pour toutes : */
    curl_easy_setopt(session, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(session, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    for (size_t i = 0; i < sites->count; i++)
        if (download_site(sites->urls[i], session) != 0)
            failures++;
    /* Libérer la poignée (et fermer sa connexion) une fois tout fini. */
    curl_easy_cleanup(session);
    return failures;
}

int main(int argc, char **argv)
{
    url_list sites;
    double start, duration;
    int failures;

    /* Une fois par programme, avant tout autre appel à libcurl. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        return 1;
    }
    sites = td6_sites(argc, argv, 1);
    start = td6_now();
    failures = download_all_sites(&sites);
    duration = td6_now() - start;
    printf("Downloaded %zu in %.3f seconds\n", sites.count, duration);
    td6_sites_free(&sites);
    curl_global_cleanup();
    return failures == 0 ? 0 : 1;
}
