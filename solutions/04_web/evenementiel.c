/*
 * evenementiel.c — chapitre 04, pour aller plus loin : un serveur
 * entièrement piloté par les événements.
 *
 * Ce que montre ce programme : l'équivalent C de la note du cours sur
 * Quart et FastAPI, des serveurs asynchrones de bout en bout. hello2 fait
 * partir ses cinq appels ensemble, mais il garde un thread par client, qui
 * dort pendant ces appels : cent clients, cent threads endormis. Ici :
 *   - UN thread (celui de libmicrohttpd) reçoit toutes les connexions. Son
 *     gestionnaire ne bloque jamais : il SUSPEND la connexion
 *     (MHD_suspend_connection) et confie la requête au thread libcurl ;
 *   - UN autre thread, le « thread libcurl », fait avancer dans UNE seule
 *     multi-poignée les appels à l'API de TOUS les clients en attente ;
 *   - quand les cinq bandes d'un client sont arrivées, le thread libcurl
 *     REPREND sa connexion (MHD_resume_connection), et libmicrohttpd
 *     rappelle le gestionnaire, qui envoie la page.
 * Beaucoup de clients, deux threads : c'est ainsi que tiennent les serveurs
 * qui servent des milliers de connexions (nginx, Node.js, asyncio...).
 *
 * Construire et lancer :
 *     make run EXO=04 PROG=evenementiel                (votre version, td6/)
 *     make run EXO=04 PROG=evenementiel SRC=solutions  (la solution)
 *     build/solutions/04_web/evenementiel [PORT]  (5000 par défaut ; 0 = port libre)
 * Mêmes adresses que hello2 : /comic (et /comic2) renvoient cinq bandes.
 * L'API vient de $XKCD_API (par défaut $TD6_SERVER/xkcd, le serveur local).
 *
 * À observer : lancez beaucoup de clients à la fois (scripts/bench-04.sh,
 * ou wrk -c 50) : chacun reçoit sa page en environ une latence de l'API, et
 * le processus garde trois threads en tout (ls /proc/PID/task) : main, le
 * thread de libmicrohttpd et le thread libcurl.
 */
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commun.h"
#include "web.h"

/* Un appel à l'API. Créé, lancé et fermé par le thread libcurl. */
struct transfer {
    CURL *easy;         /* NULL une fois le transfert fini */
    char *url;
    struct buffer body;
    CURLcode result;    /* résultat de libcurl */
    long status;        /* statut HTTP de l'API */
    double begin;       /* pour td6_trace */
    struct job *job;    /* la requête à laquelle il appartient */
};

/*
 * Une requête /comic, de son arrivée à sa réponse. Elle passe de main en
 * main, jamais à deux threads à la fois :
 *   1. le thread de libmicrohttpd la remplit, suspend la connexion et la
 *      publie dans la file (sous le verrou de g_loop) ;
 *   2. le thread libcurl la prend, lance et suit ses transferts, puis reprend
 *      la connexion (MHD_resume_connection) ;
 *   3. le thread de libmicrohttpd, rappelé, lit les résultats et répond.
 * Les passages de main (verrou, reprise) garantissent que chacun voit ce
 * que le précédent a écrit.
 */
struct job {
    struct MHD_Connection *conn;
    size_t count;
    double start;
    size_t pending;              /* transferts pas encore finis */
    const char *failure;         /* non NULL : abandonnée (arrêt du serveur...) */
    bool done;                   /* ses transferts sont finis : on peut répondre */
    struct transfer transfers[COMIC_COUNT];
    struct job *next;            /* file d'arrivée, puis liste des requêtes en cours */
};

/* Ce que partagent le thread de libmicrohttpd et le thread libcurl. */
static struct {
    pthread_mutex_t lock;   /* protège `arrivals` et `stopping` */
    struct job *arrivals;   /* requêtes suspendues, pas encore prises par le thread libcurl */
    bool stopping;          /* main demande l'arrêt */
    CURLM *multi;           /* créée par main avant les threads ; seul le thread libcurl
                             * s'en sert, sauf curl_multi_wakeup, permise à tous */
} g_loop = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ---- Le thread libcurl ------------------------------------------------- */

/* Prépare un transfert vers une bande au hasard, sans le lancer.
 * Renvoie 0, ou -1 si libcurl n'a pas pu créer la poignée. */
static int prepare_transfer(struct transfer *t, struct job *job)
{
    t->job = job;
    t->url = random_comic_url();
    t->easy = curl_easy_init();
    if (t->easy == NULL)
        return -1;
    curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, collect_bytes);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, &t->body);
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Programme à plusieurs threads : pas de signaux (SIGALRM) pour les délais. */
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    /* Pour retrouver le transfert quand libcurl dit qu'il est fini. */
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    return 0;
}

/* Enlève `job` de la liste `list`. */
static void unlink_job(struct job **list, struct job *job)
{
    while (*list != job)
        list = &(*list)->next;
    *list = job->next;
    job->next = NULL;
}

/* Les transferts de `job` sont tous finis : on rend la connexion à
 * libmicrohttpd. Après cet appel, le thread libcurl ne touche plus à `job`. */
static void finish_job(struct job *job)
{
    job->done = true;
    /* Toutes ses bandes sont là : reprendre la connexion, sa réponse partira. */
    MHD_resume_connection(job->conn);
}

/* Lance les transferts d'une requête arrivée ; elle rejoint `active`. */
static void start_transfers(struct job *job, struct job **active)
{
    for (size_t i = 0; i < job->count; i++) {
        struct transfer *t = &job->transfers[i];

        if (prepare_transfer(t, job) != 0) {
            t->result = CURLE_FAILED_INIT;
            continue;
        }
        t->begin = td6_now();
        /* Confier chaque transfert à la multi-poignée : ils avancent tous ensemble. */
        curl_multi_add_handle(g_loop.multi, t->easy);
        job->pending++;
    }
    if (job->pending == 0) {   /* rien n'a pu partir : répondre tout de suite */
        finish_job(job);
        return;
    }
    job->next = *active;
    *active = job;
}

/* Ferme un transfert fini (ou abandonné) et le retire de la multi-poignée. */
static void close_transfer(struct transfer *t)
{
    curl_multi_remove_handle(g_loop.multi, t->easy);
    curl_easy_cleanup(t->easy);
    t->easy = NULL;
    /* Pour `make images` (sans effet si TD6_TRACE n'est pas défini). */
    td6_trace("attente", t->url, t->begin, td6_now());
}

/* Note le résultat des transferts finis ; une requête dont tous les
 * transferts sont finis quitte `active` et sa connexion est reprise. */
static void collect_finished(struct job **active)
{
    struct transfer *t;
    CURLMsg *msg;
    char *owner;
    int left;

    while ((msg = curl_multi_info_read(g_loop.multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &owner);
        t = (struct transfer *)owner;
        t->result = msg->data.result;   /* msg ne vaut plus rien après close_transfer */
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->status);
        close_transfer(t);
        if (--t->job->pending == 0) {
            unlink_job(active, t->job);
            finish_job(t->job);
        }
    }
}

/* Abandonne toutes les requêtes en cours (arrêt du serveur, ou panne de la
 * multi-poignée) : leurs connexions sont reprises avec un message. */
static void abort_all(struct job **active, const char *why)
{
    while (*active != NULL) {
        struct job *job = *active;

        for (size_t i = 0; i < job->count; i++)
            if (job->transfers[i].easy != NULL)
                close_transfer(&job->transfers[i]);
        job->failure = why;
        unlink_job(active, job);
        finish_job(job);
    }
}

/* Prend d'un coup toutes les requêtes arrivées, et dit si l'arrêt est
 * demandé. Le verrou n'est tenu que le temps d'échanger deux pointeurs. */
static struct job *take_arrivals(bool *stopping)
{
    struct job *arrived;

    Pthread_mutex_lock(&g_loop.lock);
    arrived = g_loop.arrivals;
    g_loop.arrivals = NULL;
    *stopping = g_loop.stopping;
    Pthread_mutex_unlock(&g_loop.lock);
    return arrived;
}

/* Le thread libcurl : une boucle d'événements pour TOUS les appels à l'API.
 * curl_multi_poll dort jusqu'à ce qu'une réponse arrive, qu'un délai
 * expire, ou que curl_multi_wakeup le réveille (nouvelle requête, arrêt). */
static void *fetch_loop(void *unused)
{
    struct job *active = NULL;   /* requêtes en cours : privé à ce thread */
    bool stopping = false;
    int running;

    (void)unused;
    for (;;) {
        struct job *arrived = take_arrivals(&stopping);

        while (arrived != NULL) {
            struct job *job = arrived;

            arrived = job->next;
            start_transfers(job, &active);
        }
        if (stopping)
            break;
        CURLMcode mc = curl_multi_perform(g_loop.multi, &running);
        collect_finished(&active);
        if (mc == CURLM_OK)
            mc = curl_multi_poll(g_loop.multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) {
            fprintf(stderr, "evenementiel : libcurl : %s\n", curl_multi_strerror(mc));
            abort_all(&active, "La multi-poignée de libcurl a échoué.");
        }
    }
    abort_all(&active, "Le serveur s'arrête.");
    return NULL;
}

/* ---- Le thread de libmicrohttpd ------------------------------------- */

/* L'image d'un transfert terminé (copie à libérer), ou NULL si l'API a
 * échoué (la raison est dans `error`). */
static char *transfer_img(const struct transfer *t, char *error, size_t error_size)
{
    if (t->result != CURLE_OK) {
        snprintf(error, error_size, "%s : %s", t->url, td6_curl_error(t->result));
        return NULL;
    }
    if (t->status >= 400) {
        snprintf(error, error_size, "%s : l'API a répondu %ld", t->url, t->status);
        return NULL;
    }
    return extract_img(&t->body, t->url, error, error_size);
}

/* La connexion a été reprise : les transferts de `job` sont finis. */
static enum MHD_Result answer_job(struct MHD_Connection *conn, struct job *job)
{
    char *imgs[COMIC_COUNT] = { NULL };
    char error[ERROR_SIZE] = "";
    size_t got = 0;
    enum MHD_Result queued;

    if (job->failure != NULL)
        return answer_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, job->failure);
    while (got < job->count
           && (imgs[got] = transfer_img(&job->transfers[got], error, sizeof error)) != NULL)
        got++;
    if (got == job->count) {
        queued = answer_comics(conn, td6_now() - job->start, imgs, got);
    } else {
        fprintf(stderr, "evenementiel : échec de l'API : %s\n", error);
        queued = answer_error(conn, MHD_HTTP_BAD_GATEWAY, error);
    }
    for (size_t i = 0; i < got; i++)
        free(imgs[i]);
    return queued;
}

/* Première fois qu'on voit la requête : on la confie au thread libcurl et on
 * rend la main tout de suite. Rien ici n'attend le réseau. */
static enum MHD_Result start_job(struct MHD_Connection *conn, struct job *job, size_t count)
{
    job->conn = conn;
    job->count = count;
    job->start = td6_now();
    Pthread_mutex_lock(&g_loop.lock);
    if (g_loop.stopping) {   /* le thread libcurl est parti : répondre tout de suite */
        Pthread_mutex_unlock(&g_loop.lock);
        return answer_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "Le serveur s'arrête.");
    }
    /* Suspendre la connexion : libmicrohttpd la met de côté, son thread reste libre. */
    MHD_suspend_connection(conn);
    /* La confier au thread libcurl : la mettre dans la file, puis le réveiller. */
    job->next = g_loop.arrivals;
    g_loop.arrivals = job;
    Pthread_mutex_unlock(&g_loop.lock);
    curl_multi_wakeup(g_loop.multi);
    return MHD_YES;   /* pas de réponse pour l'instant : elle partira à la reprise */
}

/* libmicrohttpd appelle cette fonction, toujours dans SON thread :
 * d'abord quand les en-têtes sont arrivés (*req_cls vaut NULL), puis pour
 * chaque morceau du corps éventuel, puis corps fini, et encore une fois
 * après une reprise. */
static enum MHD_Result handle_request(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
    /* Au premier appel, l'état de la requête (libéré par request_completed). */
    struct job *first = *req_cls == NULL ? Calloc(1, sizeof(struct job)) : NULL, *job;
    enum MHD_Result result;

    (void)cls, (void)version, (void)upload_data;
    if (!request_ready(conn, method, upload_data_size, req_cls, first, &result))
        return result;
    job = *req_cls;
    if (strcmp(url, "/comic") != 0 && strcmp(url, "/comic2") != 0)
        return answer_error(conn, MHD_HTTP_NOT_FOUND,
                            "Page inconnue. Essayez /comic (cinq bandes, cherchées ensemble).");
    if (job->done)
        return answer_job(conn, job);
    return start_job(conn, job, COMIC_COUNT);
}

/* Fin d'une requête, quelle qu'en soit l'issue : on libère sa mémoire. Le
 * thread libcurl n'y touche plus (il a repris la connexion, ou il est arrêté). */
static void request_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                              enum MHD_RequestTerminationCode why)
{
    struct job *job = *req_cls;

    (void)cls, (void)conn, (void)why;
    if (job == NULL)
        return;
    for (size_t i = 0; i < COMIC_COUNT; i++) {
        free(job->transfers[i].url);
        free(job->transfers[i].body.data);
    }
    free(job);
    *req_cls = NULL;
}

/* Démarre le serveur sur 127.0.0.1:port (port 0 : un port libre). */
static struct MHD_Daemon *start_server(uint16_t port)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /*
     * Le mode de libmicrohttpd, choisi exprès : UN thread interne surveille
     * toutes les connexions (avec epoll ou poll, MHD_USE_AUTO choisit).
     * C'est possible parce que handle_request ne bloque jamais : il suspend
     * la connexion et rend la main. MHD_ALLOW_SUSPEND_RESUME donne ce droit,
     * et ajoute un canal de réveil pour qu'une connexion reprise par un
     * autre thread soit servie aussitôt. (Avec un thread par connexion, la
     * suspension n'existe pas : il n'y aurait rien à libérer.)
     */
    /* Un seul thread pour toutes les connexions, et le droit de les suspendre. */
    flags |= MHD_ALLOW_SUSPEND_RESUME;
    return MHD_start_daemon(flags, port, NULL, NULL, handle_request, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                            MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
                            MHD_OPTION_END);
}

/* ---- Le programme ----------------------------------------------------- */

/* Demande l'arrêt au thread libcurl et attend qu'il ait fini : il abandonne
 * ses transferts et reprend toutes les connexions suspendues (libmicrohttpd
 * interdit de s'arrêter tant qu'il en reste). */
static void stop_fetcher(pthread_t fetcher)
{
    Pthread_mutex_lock(&g_loop.lock);
    g_loop.stopping = true;
    Pthread_mutex_unlock(&g_loop.lock);
    curl_multi_wakeup(g_loop.multi);
    Pthread_join(fetcher, NULL);
}

int main(int argc, char **argv)
{
    web_program w = web_start(argc, argv, "Serveur web : /comic et /comic2 (cinq bandes xkcd), "
                                          "sans bloquer aucun thread.");
    struct MHD_Daemon *daemon;
    pthread_t fetcher;
    int sig;

    g_loop.multi = curl_multi_init();
    if (g_loop.multi == NULL) {
        fprintf(stderr, "%s : curl_multi_init a échoué\n", w.prog);
        return 1;
    }
    Pthread_create(&fetcher, NULL, fetch_loop, NULL);
    daemon = start_server(w.port);
    if (!web_announce(&w, daemon, "/comic")) {
        stop_fetcher(fetcher);
        curl_multi_cleanup(g_loop.multi);
        return 1;
    }
    sig = web_wait(&w);      /* jusqu'à Ctrl-C ou SIGTERM */
    /* D'abord le thread libcurl (il reprend toutes les connexions suspendues),
     * puis le serveur (qui ferme tout et attend son thread). */
    stop_fetcher(fetcher);
    MHD_stop_daemon(daemon);
    curl_multi_cleanup(g_loop.multi);
    web_finish(&w, sig);
    return 0;
}
