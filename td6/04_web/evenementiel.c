/*
 * evenementiel.c — chapitre 04, pour aller plus loin : un serveur
 * entièrement piloté par les événements.
 *
 * Ce que montre ce programme : l'équivalent C de la note du cours sur
 * Quart et FastAPI, des serveurs asynchrones de bout en bout. hello2 garde
 * un thread par client, qui dort pendant les appels à l'API : cent clients,
 * cent threads endormis. Ici :
 *   - UN thread (celui de libmicrohttpd) reçoit toutes les connexions. Son
 *     gestionnaire ne bloque jamais : il SUSPEND la connexion
 *     (MHD_suspend_connection) et confie la requête au thread libcurl ;
 *   - UN autre thread, le « thread libcurl », fait avancer dans UNE seule
 *     multi-poignée les appels à l'API de TOUS les clients en attente ;
 *   - quand les cinq bandes d'un client sont arrivées, le thread libcurl
 *     REPREND sa connexion (MHD_resume_connection), et libmicrohttpd
 *     rappelle le gestionnaire, qui envoie la page.
 * Beaucoup de clients, deux threads (comme nginx, Node.js, asyncio...). La
 * tenue des listes de requêtes (struct job) est dans jobs.c.
 *
 * Construire et lancer :
 *     make run EXO=04 PROG=evenementiel [SRC=solutions]  (votre version, ou la solution)
 *     build/solutions/04_web/evenementiel [PORT]  (5000 par défaut ; 0 = port libre)
 * Mêmes adresses que hello2 : /comic (et /comic2) renvoient cinq bandes.
 * L'API vient de $XKCD_API (par défaut $TD6_SERVER/xkcd, le serveur local).
 *
 * À observer : lancez beaucoup de clients à la fois (make bench EXO=04,
 * ou wrk -c 50) : chacun reçoit sa page en environ une latence de l'API, et
 * le processus garde trois threads en tout (ls /proc/PID/task) : main, le
 * thread de libmicrohttpd et le thread libcurl.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "commun.h"
#include "jobs.h"
#include "web.h"

/* Ce que partagent le thread de libmicrohttpd et le thread libcurl. */
static struct {
    pthread_mutex_t lock;   /* protège `arrivals` et `stopping` */
    struct job *arrivals;   /* requêtes suspendues, pas encore prises par le thread libcurl */
    bool stopping;          /* main demande l'arrêt */
    CURLM *multi;           /* créée par main avant les threads ; seul le thread libcurl
                             * s'en sert, sauf curl_multi_wakeup, permise à tous */
} g_loop = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ---- Le thread libcurl ------------------------------------------------- */

/* Les transferts de ces requêtes (une liste) sont finis, ou abandonnés : on
 * rend chaque connexion à libmicrohttpd, et on n'y touche plus. */
static void finish_jobs(struct job *list)
{
    while (list != NULL) {
        struct job *job = list;

        list = job->next;   /* lu avant la reprise : ensuite, job n'est plus à nous */
        job->next = NULL;
        job->done = true;
        /* TODO: Toutes ses bandes sont là : reprendre la connexion, sa réponse partira. */
        /*       (l'inverse de ce que start_job a fait ; libmicrohttpd rappellera handle_request) */
    }
}

/* Lance les transferts des requêtes arrivées (une liste) ; elles rejoignent
 * `active`, les requêtes en cours. */
static void start_transfers(struct job *arrived, struct job **active)
{
    while (arrived != NULL) {
        struct job *job = arrived;

        arrived = job->next;
        job->next = NULL;
        for (size_t i = 0; i < job->count; i++) {
            struct transfer *t = &job->transfers[i];

            if (transfer_prepare(t, job) != 0)
                continue;   /* noté fini, en échec : la page dira 502 */
            t->begin = td6_now();
            /* TODO: Confier chaque transfert à la multi-poignée : ils avancent tous ensemble. */
            /*       (celle de g_loop ; et un transfert en cours de plus pour cette requête) */
            curl_easy_cleanup(t->easy);   /* en attendant, le transfert est abandonné */
            t->easy = NULL;
        }
        if (job->pending == 0) {   /* rien n'a pu partir : répondre tout de suite */
            finish_jobs(job);
            continue;
        }
        job->next = *active;
        *active = job;
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
        start_transfers(take_arrivals(&stopping), &active);
        if (stopping)
            break;
        CURLMcode mc = curl_multi_perform(g_loop.multi, &running);
        finish_jobs(jobs_finished(g_loop.multi, &active));
        if (mc == CURLM_OK)
            mc = curl_multi_poll(g_loop.multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) {
            fprintf(stderr, "evenementiel : libcurl : %s\n", curl_multi_strerror(mc));
            finish_jobs(jobs_abort(g_loop.multi, &active, "La multi-poignée de libcurl a échoué."));
        }
    }
    finish_jobs(jobs_abort(g_loop.multi, &active, "Le serveur s'arrête."));
    return NULL;
}

/* ---- Le thread de libmicrohttpd ------------------------------------- */

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
    /* TODO: Suspendre la connexion : libmicrohttpd la met de côté, son thread reste libre. */
    /*       (AVANT de publier la requête : sinon le thread libcurl pourrait la */
    /*        reprendre avant qu'elle soit suspendue) */
    /* TODO: La confier au thread libcurl : la mettre dans la file, puis le réveiller. */
    /*       (en tête de la file des arrivées ; rendre le verrou, réveiller la */
    /*        multi-poignée qui dort dans curl_multi_poll ; répondre à la reprise) */
    Pthread_mutex_unlock(&g_loop.lock);
    return answer_error(conn, MHD_HTTP_NOT_IMPLEMENTED,
                        "À écrire : la requête n'est pas encore confiée au thread libcurl.");
}

/* libmicrohttpd appelle cette fonction, toujours dans SON thread : en-têtes
 * arrivés (*req_cls vaut NULL), chaque morceau du corps éventuel, corps
 * fini, et encore une fois après une reprise. */
static enum MHD_Result handle_request(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
    /* Au premier appel, l'état de la requête (libéré par job_completed). */
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
        return job_answer(conn, job);
    return start_job(conn, job, COMIC_COUNT);
}

/* Démarre le serveur sur 127.0.0.1:port (port 0 : un port libre). */
static struct MHD_Daemon *start_server(uint16_t port)
{
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;

    /*
     * Le mode de libmicrohttpd, choisi exprès : UN thread interne surveille
     * toutes les connexions (epoll ou poll : MHD_USE_AUTO choisit). C'est
     * possible parce que handle_request ne bloque jamais : il suspend la
     * connexion et rend la main. MHD_ALLOW_SUSPEND_RESUME donne ce droit, et
     * un canal de réveil pour qu'une connexion reprise soit servie aussitôt.
     * (Un thread par connexion n'aurait rien à suspendre.)
     */
    /* TODO: Un seul thread pour toutes les connexions, et le droit de les suspendre. */
    /*       (un drapeau de plus dans flags, qui autorise la suspension ; voir le */
    /*        manuel de libmicrohttpd) */
    return MHD_start_daemon(flags, port, NULL, NULL, handle_request, NULL,
                            MHD_OPTION_SOCK_ADDR, web_loopback(port),
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                            MHD_OPTION_NOTIFY_COMPLETED, job_completed, NULL,
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
