/*
 * signaux.c — SIGPIPE, et arrêter proprement un serveur à plusieurs
 * threads (voir signaux.h).
 */
#include "signaux.h"

#include <pthread.h>

void td6_ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}

sigset_t td6_block_stop_signals(void)
{
    sigset_t stop_signals;

    td6_ignore_sigpipe();
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    return stop_signals;
}
