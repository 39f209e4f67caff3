/*
 * taches.c — chapitre 03, pour boucle.c : les tâches, la liste d'attente,
 * la traduction entre poll() et libcurl (voir taches.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "commun.h"
#include "taches.h"
#include "transferts.h"

static const char *const STATE_NAMES[] = { "nouvelle", "prête", "en attente", "terminée" };

void set_state(transfer *t, enum state next)
{
    if (t == NULL || t->state == next)
        return;
    fprintf(stderr, "tâche %zu (%s) : %s -> %s\n", t->number, t->url,
            STATE_NAMES[t->state], STATE_NAMES[next]);
    t->state = next;
}

int add_transfer(CURLM *multi, transfer *t, size_t number, const char *url)
{
    t->number = number;
    t->url = url;
    t->state = NEW;
    t->begin = td6_now();
    t->easy = new_download(url, &t->received);
    if (t->easy == NULL)
        return -1;
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    curl_multi_add_handle(multi, t->easy);
    /* Une tâche neuve a du travail à faire : elle est prête. */
    set_state(t, READY);
    return 0;
}

int collect_finished(CURLM *multi)
{
    int failures = 0, left;
    CURLMsg *msg;

    while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
        transfer *t = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        set_state(t, DONE);
        if (download_site(t->url, t->easy, t->received, msg->data.result) != 0)
            failures++;
        td6_trace("attente", t->url, t->begin, td6_now());
        curl_multi_remove_handle(multi, t->easy);
        curl_easy_cleanup(t->easy);
        t->easy = NULL;
    }
    return failures;
}

void cleanup_transfers(CURLM *multi, transfer *transfers, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (transfers[i].easy != NULL) {
            curl_multi_remove_handle(multi, transfers[i].easy);
            curl_easy_cleanup(transfers[i].easy);
            transfers[i].easy = NULL;
        }
    }
}

/* ---- La liste d'attente ------------------------------------------------ */

watch *find_watch(const watch_list *list, curl_socket_t fd)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].fd == fd)
            return &list->items[i];
    return NULL;
}

void watch_socket(watch_list *list, curl_socket_t fd, short events, transfer *owner)
{
    watch *w = find_watch(list, fd);

    if (w == NULL) {
        if (list->count == list->capacity) {
            list->capacity = list->capacity * 2 + 16;
            list->items = realloc(list->items, list->capacity * sizeof *list->items);
            if (list->items == NULL)
                td6_die(__FILE__, __LINE__, "realloc", ENOMEM);
        }
        w = &list->items[list->count++];
        w->fd = fd;
    }
    w->events = events;
    w->owner = owner;
}

void unwatch_socket(watch_list *list, curl_socket_t fd)
{
    watch *w = find_watch(list, fd);

    /* La dernière entrée prend sa place : l'ordre n'importe pas. */
    if (w != NULL)
        *w = list->items[--list->count];
}

/* ---- Entre poll() et libcurl ------------------------------------------ */

int poll_timeout_ms(double deadline)
{
    double left;

    if (deadline < 0)
        return 1000;
    left = (deadline - td6_now()) * 1000.0;
    if (left <= 0)
        return 0;
    return left > 1000 ? 1000 : (int)left + 1;
}

int socket_flags(short revents)
{
    return (revents & (POLLIN | POLLHUP) ? CURL_CSELECT_IN : 0) |
           (revents & POLLOUT ? CURL_CSELECT_OUT : 0) |
           (revents & (POLLERR | POLLNVAL) ? CURL_CSELECT_ERR : 0);
}
