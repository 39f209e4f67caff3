/*
 * web.h — chapitre 04 : ce que les trois serveurs web partagent.
 *
 * hello.c, hello2.c et evenementiel.c répondent aux mêmes adresses avec
 * les mêmes pages ; seule change la manière d'attendre l'API (en bloquant,
 * en même temps avec une multi-poignée, ou sans bloquer aucun thread). Ce
 * qui est commun est ici, écrit une fois : lire la ligne de commande et
 * démarrer, tirer une bande au hasard, régler une poignée et recevoir une
 * réponse, suivre un transfert d'une multi-poignée, lire le JSON de l'API,
 * construire les pages (en échappant le HTML), s'arrêter sur Ctrl-C.
 */
#ifndef WEB_H
#define WEB_H

#include <curl/curl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define COMIC_COUNT 5    /* bandes de /comic2 (et de /comic pour hello2, evenementiel) */
#define ERROR_SIZE 512

/* ---- Ce que partagent les threads ------------------------------------ */

/* Base de l'API : écrite par web_start AVANT le démarrage du serveur, puis
 * seulement lue par les threads. Aucun verrou n'est donc nécessaire (la
 * création d'un thread « voit » tout ce qui précède). */
extern char *g_api;

/* Passe à true quand main reçoit Ctrl-C ou SIGTERM ; lu par les transferts
 * en cours (stop_if_asked), qui s'interrompent. Une variable atomique
 * suffit : c'est un simple drapeau, lu et écrit d'un seul coup. */
extern atomic_bool g_stopping;

/* ---- Appeler l'API ---------------------------------------------------- */

/* Réponse de l'API, accumulée morceau par morceau. Privée à un transfert. */
struct buffer {
    char *data;
    size_t len;
};

/* L'adresse JSON d'une bande tirée au hasard (à libérer). Le tirage est
 * protégé par un verrou : plusieurs threads peuvent l'appeler ensemble. */
char *random_comic_url(void);

/* Pour CURLOPT_WRITEFUNCTION (userdata : une struct buffer) : ajoute le
 * morceau reçu au tampon ; refuse une réponse de plus de 1 Mio. */
size_t collect_bytes(char *data, size_t size, size_t nmemb, void *userdata);

/* Pour CURLOPT_XFERINFOFUNCTION : interrompt le transfert quand g_stopping
 * passe à true. libcurl l'appelle au moins une fois par seconde : un arrêt
 * du serveur n'attend pas une API muette. */
int stop_if_asked(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                  curl_off_t ulnow);

/* Les réglages de toute poignée qui appelle l'API : la réponse va dans une
 * struct buffer (collect_bytes, CURLOPT_WRITEDATA reste à donner), un délai
 * (td6_timeout_ms : une API muette ne bloque pas un client pour toujours),
 * pas de signaux (programme à plusieurs threads), et stop_if_asked. */
void configure_easy(CURL *easy);

/* Prend le champ « img » dans la réponse JSON de l'API. Renvoie une copie
 * à libérer, ou NULL (la raison est dans `error`). */
char *extract_img(const struct buffer *body, const char *url, char *error, size_t error_size);

/* ---- Les transferts d'une multi-poignée (hello2, evenementiel) ------- */

/* Un appel à l'API confié à une multi-poignée. Il appartient à une seule
 * requête, donc à un seul thread à la fois. */
struct transfer {
    CURL *easy;           /* sa poignée (NULL : pas créée, ou déjà fermée) */
    char *url;            /* l'adresse JSON demandée */
    struct buffer body;   /* la réponse de l'API */
    bool done;            /* libcurl l'a terminé (bien ou mal) */
    CURLcode result;      /* son résultat, valable si done */
    long status;          /* le statut HTTP de l'API, valable si done */
    double begin;         /* son départ, pour td6_trace */
    void *owner;          /* à qui il appartient (evenementiel : sa requête) */
};

/* Prépare `t` vers une bande au hasard, sans le lancer : poignée réglée
 * (configure_easy), et CURLOPT_PRIVATE = t pour le retrouver à la fin.
 * Renvoie 0 ; ou -1 si libcurl n'a pas pu créer la poignée, et le transfert
 * est alors noté fini, en échec (CURLE_FAILED_INIT). */
int transfer_prepare(struct transfer *t, void *owner);

/* Un message de curl_multi_info_read : si c'est la fin d'un transfert, note
 * son résultat et son statut HTTP, et renvoie ce transfert ; sinon NULL. */
struct transfer *transfer_finished(const CURLMsg *msg);

/* Libère la poignée (si elle existe encore), l'adresse et la réponse. */
void transfer_free(struct transfer *t);

/* ---- Construire les réponses ----------------------------------------- */

/* Écrit `text` dans la page en remplaçant les caractères qui ont un sens
 * en HTML : sans cela, une valeur venue de l'API pourrait fermer l'attribut
 * src et injecter sa propre balise (<script> ...). */
void html_escape(FILE *page, const char *text);

/* Une courte page d'erreur en français, avec le statut HTTP donné. */
enum MHD_Result answer_error(struct MHD_Connection *conn, unsigned int status,
                             const char *message);

/* La page du cours : le temps pris, puis les images. */
enum MHD_Result answer_comics(struct MHD_Connection *conn, double seconds, char **imgs,
                              size_t count);

/* La fin d'une page commencée à `start` : si les `count` images sont là
 * (got == count), la page du cours ; sinon 502 avec `error` (écrit aussi
 * sur stderr). Libère imgs[0..got-1]. */
enum MHD_Result answer_images(struct MHD_Connection *conn, double start, char **imgs, size_t got,
                              size_t count, const char *error);

/* Pareil, quand les `count` transferts d'une page sont finis : leurs
 * images, ou 502 au premier qui a échoué (statut HTTP, JSON...). */
enum MHD_Result answer_transfers(struct MHD_Connection *conn, double start,
                                 const struct transfer *t, size_t count);

/* Le début commun des gestionnaires de requête : true si la requête est
 * prête à recevoir une réponse (en-têtes vus, corps éventuel ignoré, GET ou
 * HEAD) ; sinon *result dit quoi rendre à libmicrohttpd. Au premier appel,
 * *req_cls reçoit `first` (une marque, ou l'état de la requête). */
bool request_ready(struct MHD_Connection *conn, const char *method, size_t *upload_data_size,
                   void **req_cls, void *first, enum MHD_Result *result);

/* ---- Le programme ----------------------------------------------------- */

typedef struct {
    const char *prog;       /* le nom du programme, pour ses messages */
    uint16_t port;
    sigset_t stop_signals;  /* SIGINT, SIGTERM : bloqués, attendus par web_wait */
} web_program;

/* « [PORT] » (-h, --help : l'aide) ; puis, avant tout thread : signaux
 * bloqués, curl_global_init, graine de jansson, g_api, graine du tirage.
 * `about` dit en une ligne ce que fait le programme. */
web_program web_start(int argc, char **argv, const char *about);

/* Affiche l'adresse du serveur (la première ligne, lue par les tests) ;
 * daemon == NULL : dit que le port est pris, libère tout, renvoie false. */
bool web_announce(web_program *w, struct MHD_Daemon *daemon, const char *routes);

/* L'adresse 127.0.0.1:port, pour MHD_OPTION_SOCK_ADDR (port 0 : un port
 * libre, que web_announce lira). */
const struct sockaddr *web_loopback(uint16_t port);

/* Ce qu'un serveur répond à une requête vérifiée (en-têtes arrivés, corps
 * ignoré, GET ou HEAD), selon son chemin `url` : la route de hello.c, de
 * hello2.c. */
typedef enum MHD_Result (*web_route)(struct MHD_Connection *conn, const char *url);

/* Démarre libmicrohttpd sur 127.0.0.1:port (port 0 : un port libre) dans
 * le mode `flags` (MHD_USE_...), un client muet coupé au bout de 30 s.
 * Chaque requête va au gestionnaire de web.c (handle_request), qui la
 * vérifie (request_ready) puis la confie à `route`. NULL si le serveur ne
 * démarre pas. evenementiel.c, qui suspend ses requêtes, a son propre
 * gestionnaire et appelle MHD_start_daemon lui-même. */
struct MHD_Daemon *web_listen(unsigned int flags, uint16_t port, web_route route);

/* La vie d'un serveur démarré par web_listen : web_announce, web_wait,
 * MHD_stop_daemon (qui ferme tout et attend chaque thread de connexion),
 * web_finish. Renvoie le code de sortie du programme : 0, ou 1 si le
 * serveur n'a pas démarré (daemon == NULL). */
int web_serve(web_program *w, struct MHD_Daemon *daemon, const char *routes);

/* Attend Ctrl-C ou SIGTERM, puis lève g_stopping. Renvoie le signal. */
int web_wait(web_program *w);

/* Après l'arrêt du serveur : le dit, et libère ce que web_start a pris. */
void web_finish(web_program *w, int sig);

#endif
