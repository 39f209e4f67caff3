/*
 * threads.c — chapitre 02 : télécharger avec un pool de threads.
 *
 * Ce que montre ce programme : la version « threading » du cours (son
 * ThreadPoolExecutor). N threads (5 par défaut, le max_workers du cours) se
 * partagent la liste d'URL comme une file d'attente : chacun prend la
 * prochaine URL libre, la télécharge, puis recommence, jusqu'à ce que la
 * file soit vide. Pendant qu'un thread attend le serveur, les autres
 * travaillent : les attentes se recouvrent au lieu de s'additionner.
 * Chaque thread a SA poignée libcurl, créée à son premier téléchargement et
 * gardée jusqu'à sa fin (le thread_local du cours) : libcurl interdit de
 * servir d'une même poignée dans deux threads à la fois.
 *
 * Construire et lancer :
 *     make run EXO=02                  (votre version, td6/)
 *     make run EXO=02 SRC=solutions    (la solution)
 *     make run EXO=02 ARGS="-w 20"     (avec 20 threads)
 *     build/solutions/02_threads/threads [-w OUVRIERS] [URL...]
 *         (avec `make serveur` lancé dans un autre terminal)
 *
 * À observer : 160 lignes « Read ... » dans un ordre qui change d'une
 * exécution à l'autre, mais jamais coupées au milieu ; une durée proche de
 * 160 / 5 × 50 ms = 1,6 s au lieu des 8 s du chapitre 01 ; le serveur
 * (/stats) a vu 5 requêtes simultanées et 5 connexions, une par thread.
 * Essayez -w 1, -w 20, -w 160.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "commun.h"
#include "options.h"
#include "telechargement.h"

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
    CURLcode rc;

    if (session == NULL) {
        fprintf(stderr, "Échec de %s : pas de poignée libcurl (get_session)\n", url);
        return -1;
    }
    curl_easy_setopt(session, CURLOPT_URL, url);
    curl_easy_setopt(session, CURLOPT_WRITEDATA, &received);
    rc = curl_easy_perform(session);   /* ce thread attend ; les autres continuent */
    /* Échec du transfert ou code HTTP 400 et plus : dit sur stderr
     * (telechargement.h), comme au chapitre 01. */
    if (td6_download_failed(url, session, rc))
        return -1;
    /* Toute la ligne, '\n' compris, en UN SEUL printf : stdio verrouille
     * stdout pendant l'appel, aucun autre thread ne peut s'y glisser. */
    printf("Read %zu from %s\n", received, url);
    return 0;
}

/* Donne la prochaine URL de la file, ou NULL quand elle est vide.
 * Lire `next` puis l'augmenter doit se faire d'un bloc : sans le verrou,
 * deux threads pourraient lire la même valeur et télécharger la même URL
 * (et une autre ne le serait jamais). */
static const char *take_next_url(url_queue *queue)
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

    while ((url = take_next_url(self->queue)) != NULL) {
        double begin = td6_now();

        if (download_site(url) != 0)
            self->failures++;
        /* Pour `make images` (sans effet si TD6_TRACE n'est pas défini). */
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

int main(int argc, char **argv)
{
    url_list sites;
    double start;
    long n_workers;
    int first, failures;

    /* -w OUVRIERS (5 par défaut, le max_workers du cours) : voir options.c. */
    n_workers = parse_options(argc, argv, &first);
    /* libcurl prêt, une fois par programme, AVANT le premier thread (voir
     * telechargement.h), puis la liste d'URL. */
    sites = td6_download_start(argc, argv, first);
    start = td6_now();
    failures = download_all_sites(&sites, n_workers);
    /* « Downloaded ... », puis libcurl arrêté : tous les threads sont finis. */
    return td6_download_end(&sites, start, failures);
}
