/*
 * Mutant : le verrou de la file est gardé pendant tout le téléchargement
 * (prendre l'URL ET la télécharger sous le verrou). Aucune course de
 * données, mais un seul thread travaille à la fois : les autres attendent
 * le verrou.
 * @echoue cinq_threads
 * @echoue trois_threads
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commun.h"

#define DEFAULT_WORKERS 5   /* le max_workers=5 du cours */
#define MAX_WORKERS 200

/* La file d'URL, PARTAGÉE par tous les threads.
 * - `sites` n'est que lu pendant le travail : pas besoin de verrou ;
 * - `next` (la prochaine URL à prendre) change à chaque prise : on ne le
 *   lit ou ne l'écrit qu'en tenant `lock`. */
typedef struct {
    const url_list *sites;
    size_t next;
    pthread_mutex_t lock;
} url_queue;

/* Un thread du pool. Le thread principal remplit `queue` avant de le
 * lancer ; le thread seul écrit `failures` ; le thread principal ne le lit
 * qu'après pthread_join, quand le thread a fini. */
typedef struct {
    pthread_t thread;
    url_queue *queue;   /* partagée */
    int failures;       /* privé à ce thread jusqu'au join */
} worker;

/* La clé des poignées (le thread_local du cours). La clé est commune à
 * tous les threads, mais la valeur rangée derrière est propre à chacun :
 * pthread_getspecific(session_key) rend la poignée DU THREAD QUI APPELLE. */
static pthread_key_t session_key;

/* libcurl appelle cette fonction à chaque morceau de la réponse reçu. On ne
 * garde pas le contenu : on compte seulement les octets. */
static size_t count_bytes(char *data, size_t size, size_t nmemb, void *userdata)
{
    size_t *received = userdata;

    (void)data;
    *received += size * nmemb;
    return size * nmemb;   /* « tout est traité » ; moins arrêterait le transfert */
}

/* Le « destructeur » de la clé : quand un thread se termine, pthread
 * l'appelle avec la poignée que ce thread avait rangée (si elle n'est pas
 * NULL). C'est ici que chaque poignée est libérée, et sa connexion fermée. */
static void close_session(void *session)
{
    curl_easy_cleanup(session);
}

/* La poignée du thread appelant (get_session du cours) : créée et
 * configurée au premier appel de ce thread, retrouvée aux suivants.
 * Renvoie NULL si libcurl n'a pas pu la créer. */
static CURL *get_session(void)
{
    /* Chercher la poignée que ce thread a déjà rangée sous la clé. */
    CURL *session = pthread_getspecific(session_key);

    if (session != NULL)
        return session;
    /* Premier appel de ce thread : créer sa poignée et la configurer. */
    session = curl_easy_init();
    if (session == NULL)
        return NULL;
    curl_easy_setopt(session, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(session, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Pas de signal pour les délais : un signal irait à un thread au hasard. */
    curl_easy_setopt(session, CURLOPT_NOSIGNAL, 1L);
    /* La ranger sous la clé : ce thread la retrouvera au prochain appel. */
    Pthread_setspecific(session_key, session);
    return session;
}

/* Télécharge `url` avec la poignée du thread appelant.
 * Renvoie 0 si la page est lue, -1 sinon (après l'avoir dit sur stderr). */
static int download_site(const char *url)
{
    CURL *session = get_session();
    size_t received = 0;
    long status = 0;
    CURLcode rc;

    if (session == NULL) {
        fprintf(stderr, "Échec de %s : pas de poignée libcurl (get_session)\n", url);
        return -1;
    }
    curl_easy_setopt(session, CURLOPT_URL, url);
    curl_easy_setopt(session, CURLOPT_WRITEDATA, &received);
    rc = curl_easy_perform(session);   /* ce thread attend ; les autres continuent */
    if (rc != CURLE_OK) {
        fprintf(stderr, "Échec de %s : %s\n", url, td6_curl_error(rc));
        return -1;
    }
    curl_easy_getinfo(session, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        fprintf(stderr, "Échec de %s : le serveur a répondu %ld\n", url, status);
        return -1;
    }
    /* Toute la ligne, '\n' compris, en UN SEUL printf : stdio verrouille
     * stdout pendant l'appel, aucun autre thread ne peut s'y glisser. */
    printf("Read %zu from %s\n", received, url);
    return 0;
}

/* Donne la prochaine URL de la file, ou NULL quand elle est vide.
 * Lire `next` puis l'augmenter doit se faire d'un bloc : sans le verrou,
 * deux threads pourraient lire la même valeur et télécharger la même URL
 * (et une autre ne le serait jamais). */
__attribute__((unused)) static const char *take_next_url(url_queue *queue)
{
    const char *url = NULL;

    /* Prendre le verrou : un seul thread à la fois jusqu'au déverrouillage. */
    Pthread_mutex_lock(&queue->lock);
    if (queue->next < queue->sites->count)
        url = queue->sites->urls[queue->next++];
    /* Rendre le verrou tout de suite : jamais pendant un téléchargement. */
    Pthread_mutex_unlock(&queue->lock);
    return url;
}

/* Ce que fait chaque thread du pool : prendre une URL, la télécharger,
 * recommencer, jusqu'à ce que la file soit vide. */
static void *download_worker(void *arg)
{
    worker *self = arg;
    const char *url;

    for (;;) {
        url_queue *queue = self->queue;
        double begin = td6_now();

        /* DÉFAUT : le verrou couvre aussi le téléchargement. */
        Pthread_mutex_lock(&queue->lock);
        url = queue->next < queue->sites->count ? queue->sites->urls[queue->next++] : NULL;
        if (url != NULL && download_site(url) != 0)
            self->failures++;
        Pthread_mutex_unlock(&queue->lock);
        if (url == NULL)
            break;
        td6_trace("attente", url, begin, td6_now());
    }
    /* En sortant, le thread se termine : pthread appelle close_session
     * sur sa poignée. */
    return NULL;
}

/* Télécharge tous les sites avec un pool de `n_workers` threads.
 * Renvoie le nombre d'échecs. */
static int download_all_sites(const url_list *sites, long n_workers)
{
    /* La file vit sur la pile du thread principal : c'est sans danger, car
     * il attend tous les threads (join) avant de quitter cette fonction. */
    url_queue queue = { .sites = sites, .next = 0, .lock = PTHREAD_MUTEX_INITIALIZER };
    worker *workers = Calloc((size_t)n_workers, sizeof *workers);
    int failures = 0;

    /* Créer la clé des poignées, avec close_session pour les libérer. */
    Pthread_key_create(&session_key, close_session);
    /* Lancer les threads : chacun exécute download_worker sur son worker. */
    for (long i = 0; i < n_workers; i++) {
        workers[i].queue = &queue;
        Pthread_create(&workers[i].thread, NULL, download_worker, &workers[i]);
    }
    /* Attendre la fin de chaque thread avant de compter ses échecs. */
    for (long i = 0; i < n_workers; i++) {
        Pthread_join(workers[i].thread, NULL);
        failures += workers[i].failures;
    }
    /* Détruire la clé une fois tous les threads terminés. */
    pthread_key_delete(session_key);
    free(workers);
    return failures;
}

/* Lit l'option -w N (nombre de threads) ; les URL commencent à *first. */
static long parse_options(int argc, char **argv, int *first)
{
    long n_workers = DEFAULT_WORKERS;
    int opt;

    opterr = 0;   /* les messages d'erreur sont les nôtres, en français */
    while ((opt = getopt(argc, argv, "w:")) != -1) {
        if (opt == 'w') {
            n_workers = td6_parse_count(argv[0], "-w", optarg, MAX_WORKERS);
        } else {
            fprintf(stderr, "Usage : %s [-w THREADS] [URL...]  (THREADS de 1 à %d, %d par défaut)\n",
                    argv[0], MAX_WORKERS, DEFAULT_WORKERS);
            exit(2);
        }
    }
    *first = optind;
    return n_workers;
}

int main(int argc, char **argv)
{
    url_list sites;
    double start, duration;
    long n_workers;
    int first, failures;

    n_workers = parse_options(argc, argv, &first);
    /* Une fois par programme, AVANT le premier thread : longtemps,
     * curl_global_init n'a pas été sûre si d'autres threads tournaient
     * (elle l'est depuis libcurl 7.84 sur la plupart des systèmes). */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        return 1;
    }
    sites = td6_sites(argc, argv, first);
    start = td6_now();
    failures = download_all_sites(&sites, n_workers);
    duration = td6_now() - start;
    printf("Downloaded %zu in %.3f seconds\n", sites.count, duration);
    td6_sites_free(&sites);
    curl_global_cleanup();
    return failures == 0 ? 0 : 1;
}
