/*
 * taches.h — chapitre 03, pour boucle.c : les tâches et la liste
 * d'attente, c'est-à-dire tout ce qui n'est pas la boucle elle-même.
 * boucle.c décide QUAND une tâche change de liste ; ici, on tient les
 * listes, on dit les changements d'état, et on traduit entre poll() et
 * libcurl. Créer une tâche et lire les tâches finies se fait comme dans
 * asynchrone.c.
 *
 * Un seul thread : ces structures ne sont touchées que par la boucle,
 * jamais par deux threads.
 */
#ifndef TACHES_H
#define TACHES_H

#include <curl/curl.h>
#include <stddef.h>

/* Les états d'une tâche, dans l'ordre où elle les traverse. */
enum state { NEW, READY, WAITING, DONE };

/* Une tâche : un téléchargement. */
typedef struct {
    size_t number;     /* 1, 2, ... dans l'ordre de la liste d'URL */
    const char *url;
    CURL *easy;        /* NULL une fois la tâche finie */
    size_t received;   /* octets reçus jusqu'ici (compté par libcurl) */
    double begin;      /* pour td6_trace */
    enum state state;
} transfer;

/* Fait passer une tâche dans un nouvel état, et le dit sur stderr :
 *     tâche 3 (http://127.0.0.1:8606/jython) : en attente -> prête
 * Sans effet si `t` est NULL ou déjà dans cet état. */
void set_state(transfer *t, enum state next);

/* Crée la tâche n° `number`, qui télécharge `url` (sa poignée la retrouve
 * par CURLOPT_PRIVATE), et la confie à la poignée multi : elle est
 * « prête ». Renvoie -1 si libcurl n'a pas pu créer la poignée. */
int add_transfer(CURLM *multi, transfer *t, size_t number, const char *url);

/* Lit les messages des tâches finies depuis le dernier appel : chacune
 * devient « terminée », son résultat est affiché (download_site), sa
 * poignée retirée de la multi puis libérée. Renvoie le nombre d'échecs. */
int collect_finished(CURLM *multi);

/* Retire de la multi et libère les poignées qui restent (il n'en reste que
 * si la boucle s'est arrêtée en erreur). */
void cleanup_transfers(CURLM *multi, transfer *transfers, size_t count);

/* ---- La liste d'attente : les sockets que libcurl veut voir surveiller -- */

typedef struct {
    curl_socket_t fd;
    short events;      /* ce qu'on attend : POLLIN, POLLOUT ou les deux */
    transfer *owner;   /* la tâche qui attend (NULL : une connexion interne) */
} watch;

typedef struct {
    watch *items;      /* items[0..count-1], dans un ordre quelconque */
    size_t count, capacity;
} watch_list;

/* L'entrée de la socket `fd`, ou NULL si elle n'est pas surveillée. */
watch *find_watch(const watch_list *list, curl_socket_t fd);

/* Ajoute la socket à la liste, ou met à jour ce qu'on y attend et pour
 * quelle tâche. */
void watch_socket(watch_list *list, curl_socket_t fd, short events, transfer *owner);

/* Retire la socket de la liste (sans effet si elle n'y est pas). */
void unwatch_socket(watch_list *list, curl_socket_t fd);

/* ---- Entre poll() et libcurl ------------------------------------------ */

/* Le délai à donner à poll() pour une échéance `deadline` (sur l'horloge
 * de td6_now ; < 0 : aucune) : jusqu'à l'échéance, 0 si elle est passée,
 * 1 s au plus. */
int poll_timeout_ms(double deadline);

/* Ce que poll() a vu sur une socket (revents), traduit pour
 * curl_multi_socket_action (CURL_CSELECT_IN, _OUT, _ERR). */
int socket_flags(short revents);

#endif
