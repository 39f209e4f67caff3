/*
 * jobs.c — chapitre 04 : les requêtes suspendues d'evenementiel.c (voir
 * jobs.h). Tout ici, sauf job_answer et job_completed, tourne dans le
 * thread libcurl.
 */
#include "jobs.h"

#include <stdlib.h>

/* Enlève `job` de la liste `list`. */
static void unlink_job(struct job **list, struct job *job)
{
    while (*list != job)
        list = &(*list)->next;
    *list = job->next;
    job->next = NULL;
}

/* Ferme un transfert fini (ou abandonné) : hors de la multi-poignée. */
static void close_transfer(CURLM *multi, struct transfer *t)
{
    curl_multi_remove_handle(multi, t->easy);
    curl_easy_cleanup(t->easy);
    t->easy = NULL;
}

struct job *jobs_finished(CURLM *multi, struct job **active)
{
    struct job *complete = NULL;
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
        struct transfer *t = transfer_finished(msg);   /* msg ne vaut plus rien après */
        struct job *job;

        if (t == NULL)
            continue;
        close_transfer(multi, t);
        job = t->owner;
        if (--job->pending == 0) {
            unlink_job(active, job);
            job->next = complete;
            complete = job;
        }
    }
    return complete;
}

struct job *jobs_abort(CURLM *multi, struct job **active, const char *why)
{
    struct job *all = *active;

    for (struct job *job = all; job != NULL; job = job->next) {
        for (size_t i = 0; i < job->count; i++)
            if (job->transfers[i].easy != NULL)
                close_transfer(multi, &job->transfers[i]);
        job->failure = why;
    }
    *active = NULL;
    return all;
}

enum MHD_Result job_answer(struct MHD_Connection *conn, const struct job *job)
{
    if (job->failure != NULL)
        return answer_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, job->failure);
    return answer_transfers(conn, job->start, job->transfers, job->count);
}

void job_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                   enum MHD_RequestTerminationCode why)
{
    struct job *job = *req_cls;

    (void)cls, (void)conn, (void)why;
    if (job == NULL)
        return;
    for (size_t i = 0; i < COMIC_COUNT; i++)
        transfer_free(&job->transfers[i]);
    free(job);
    *req_cls = NULL;
}
