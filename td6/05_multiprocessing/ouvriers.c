/*
 * ouvriers.c — chapitre 05 : la tuyauterie du pool de processus, vue du
 * parent (voir ouvriers.h).
 */
#include "ouvriers.h"

#include <errno.h>
#include <unistd.h>

#include "commun.h"
#include "tubes.h"

void hand_out(worker *w, size_t *next, size_t n)
{
    if (w->task_fd == -1)
        return;
    if (*next < n && write_full(w->task_fd, next, sizeof *next) == 0) {
        w->current = (long)(*next)++;
        return;
    }
    close(w->task_fd);
    w->task_fd = -1;
}

void wait_for_results(const worker *pool, int count, struct pollfd *fds)
{
    for (;;) {
        for (int k = 0; k < count; k++)
            fds[k] = (struct pollfd){ pool[k].result_fd, POLLIN, 0 };   /* -1 : ignoré */
        if (poll(fds, (nfds_t)count, -1) != -1)
            return;
        /* Interrompu par un signal : recommencer ; toute autre erreur est fatale. */
        if (errno != EINTR)
            td6_die(__FILE__, __LINE__, "poll", errno);
    }
}
