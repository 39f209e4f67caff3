/*
 * sequentiel.c — chapitre 01 : télécharger des pages l'une après l'autre.
 *
 * Ce que montre ce programme : la version « naïve » du cours. Chaque
 * téléchargement attend la réponse du serveur avant de lancer le suivant ;
 * le programme passe presque tout son temps à attendre le réseau (il est
 * « I/O-bound »). Une seule poignée libcurl (CURL *) sert à tous les
 * téléchargements : c'est l'équivalent de requests.Session() en Python, qui
 * garde la connexion TCP ouverte d'une requête à l'autre.
 *
 * Construire et lancer :
 *     make run EXO=01                  (votre version, td6/)
 *     make run EXO=01 SRC=solutions    (la solution)
 *     build/solutions/01_sequentiel/sequentiel [URL...]
 *
 * À observer : 160 lignes « Read ... », puis une durée proche de
 * 160 × la latence du serveur (50 ms par défaut : environ 8 s). Le serveur
 * local n'a vu qu'une seule connexion : la poignée l'a réutilisée.
 */
#include <curl/curl.h>
#include <stdio.h>

#include "commun.h"
#include "ligne.h"

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
static int download_site(const char *url, CURL *session)
{
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
        return -1;
    }
    /* Une réponse 404 ou 500 est un échec, même si le transfert a réussi. */
    curl_easy_getinfo(session, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        fprintf(stderr, "Échec de %s : le serveur a répondu %ld\n", url, status);
        return -1;
    }
    /* Afficher « Read <octets> from <url> », comme le cours. */
    printf("Read %zu from %s\n", received, url);
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
    for (size_t i = 0; i < sites->count; i++) {
        double begin = td6_now();

        if (download_site(sites->urls[i], session) != 0)
            failures++;
        /* Pour `make images` (sans effet si TD6_TRACE n'est pas défini). */
        td6_trace("attente", sites->urls[i], begin, td6_now());
    }
    /* Libérer la poignée (et fermer sa connexion) une fois tout fini. */
    curl_easy_cleanup(session);
    return failures;
}

/* ---- Ligne de commande (pas la leçon : voir commun/ligne.h) ------------ */

static const td6_command_line COMMAND_LINE = {
    .usage = "[URL...]",
    .help = "Télécharge les URL l'une après l'autre, avec une seule poignée libcurl.\n"
            TD6_SITES_HELP
            "  -h, --help   affiche cette aide\n",
    .shortopts = "",
};

int main(int argc, char **argv)
{
    url_list sites;
    double start, duration;
    int failures, first = td6_operands(argc, argv, &COMMAND_LINE);

    /* Une fois par programme, avant tout autre appel à libcurl. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        return 1;
    }
    sites = td6_sites(argc, argv, first);
    start = td6_now();
    failures = download_all_sites(&sites);
    duration = td6_now() - start;
    printf("Downloaded %zu in %.3f seconds\n", sites.count, duration);
    td6_sites_free(&sites);
    curl_global_cleanup();
    return failures == 0 ? 0 : 1;
}
