/*
 * Mutant : un thread par URL (pthread_create + curl_easy_perform) au lieu
 * de l'interface multi. Tout part bien en même temps, mais avec 160 threads
 * et 160 poignées indépendantes : ni boucle d'événements, ni connexions
 * partagées, et -m est ignoré.
 * @echoue un_seul_thread
 * @echoue limite_m10
 * @echoue connexions_partagees
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commun.h"

typedef struct {
    const char *url;
    size_t received;
    int failed;
} job;

static size_t count_bytes(char *data, size_t size, size_t nmemb, void *userdata)
{
    job *j = userdata;

    (void)data;
    j->received += size * nmemb;
    return size * nmemb;
}

/* DÉFAUT : chaque URL a son thread, qui bloque dans curl_easy_perform. */
static void *download_site(void *arg)
{
    job *j = arg;
    CURL *easy = curl_easy_init();
    long status = 0;
    CURLcode rc;

    if (easy == NULL) {
        j->failed = 1;
        return NULL;
    }
    curl_easy_setopt(easy, CURLOPT_URL, j->url);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    rc = curl_easy_perform(easy);
    if (rc != CURLE_OK) {
        fprintf(stderr, "Échec de %s : %s\n", j->url, td6_curl_error(rc));
        j->failed = 1;
    } else {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 400) {
            fprintf(stderr, "Échec de %s : le serveur a répondu %ld\n", j->url, status);
            j->failed = 1;
        } else {
            printf("Read %zu from %s\n", j->received, j->url);
        }
    }
    curl_easy_cleanup(easy);
    return NULL;
}

static int download_all_sites(const url_list *sites)
{
    job *jobs = Calloc(sites->count, sizeof *jobs);
    pthread_t *threads = Calloc(sites->count, sizeof *threads);
    int failures = 0;

    for (size_t i = 0; i < sites->count; i++) {
        jobs[i].url = sites->urls[i];
        Pthread_create(&threads[i], NULL, download_site, &jobs[i]);
    }
    for (size_t i = 0; i < sites->count; i++) {
        Pthread_join(threads[i], NULL);
        failures += jobs[i].failed;
    }
    free(threads);
    free(jobs);
    return failures;
}

int main(int argc, char **argv)
{
    url_list sites;
    double start, duration;
    int failures, opt;

    while ((opt = getopt(argc, argv, "m:")) != -1) {
        if (opt == 'm') {
            td6_parse_count(argv[0], "-m", optarg, 10000);   /* DÉFAUT : ignoré */
        } else {
            fprintf(stderr, "usage : %s [-m MAX] [URL...]\n", argv[0]);
            return 2;
        }
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        return 1;
    }
    sites = td6_sites(argc, argv, optind);
    start = td6_now();
    failures = download_all_sites(&sites);
    duration = td6_now() - start;
    printf("Downloaded %zu in %.3f seconds\n", sites.count, duration);
    td6_sites_free(&sites);
    curl_global_cleanup();
    return failures == 0 ? 0 : 1;
}
